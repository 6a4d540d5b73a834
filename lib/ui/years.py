"""The year rule every headline follows (summary.headline_years): the one choice of 年度口径 —
the latest year, the years side by side, or their labelled sum — kept for the session, so that
总览's cards, 执行率's cards and the PDF brief of the sidebar say the same thing."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from lib.analysis.summary import YEAR_BASES, headline_years
from lib.filters import Filters
from lib.labels import YEAR_BASIS_LABELS
from lib.ui.keys import KEY_YEAR_BASIS


def kept_year_basis() -> str:
    """The 年度口径 chosen in this session (the latest year until someone chooses)."""
    basis = st.session_state.get(KEY_YEAR_BASIS, "latest")
    return basis if basis in YEAR_BASES else "latest"


def year_basis(years, key: str) -> str:
    """The 年度口径 radio where the selection spans several budget years (nothing to choose
    otherwise); its choice is kept for every page and the brief. ``key``: this page's widget."""
    years = sorted({int(y) for y in years}, reverse=True)
    kept = kept_year_basis()
    if len(years) <= 1:
        return kept

    def keep() -> None:  # before the rerun: the sidebar's brief (drawn first) already has it
        st.session_state[KEY_YEAR_BASIS] = st.session_state[key]

    basis = st.radio(YEAR_BASIS_LABELS["question"], YEAR_BASES, index=YEAR_BASES.index(kept), horizontal=True,
                     key=key, help=YEAR_BASIS_LABELS["help"], on_change=keep,
                     format_func=lambda b: YEAR_BASIS_LABELS[b].format(year=years[0]))
    st.session_state[KEY_YEAR_BASIS] = basis
    return basis


HeadlineRow = tuple[str, tuple[int, ...], Filters]  # label prefix, years covered, their selection


def headline_scopes(filters: Filters, years, key: str) -> tuple[str, list[HeadlineRow]]:
    """The 年度口径 radio (``year_basis``) and what each row of headline cards covers: (basis,
    [(label prefix, years, the selection narrowed to that year)]). A sum of years keeps the
    selection as it is; one year of several narrows it to that year."""
    years = sorted({int(y) for y in years}, reverse=True)
    basis = year_basis(years, key)
    rows = []
    for prefix, covered in headline_years(years, basis):
        one = len(covered) == 1 and len(years) > 1
        rows.append((prefix, covered, replace(filters, year=covered[0]) if one else filters))
    return basis, rows
