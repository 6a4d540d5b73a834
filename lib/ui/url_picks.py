"""A multiselect's choices kept in the URL, unknown ones refused with the valid list (核查's rule and
certainty pickers)."""

from __future__ import annotations

import streamlit as st

from lib.analysis import checks
from lib.ui.safe import Markdown, md


def url_picks(param: str, valid, key: str, what: str) -> Markdown | None:
    """A multiselect's choices kept in the URL (``?rule=R1,R12``): on a session's first run the
    URL presets the widget ``key``; every run refuses what the URL names that is not in
    ``valid``, returning the error (naming the valid choices) for the page to show. Call before
    drawing the widget; keep_url_picks after it."""
    named = [v.strip() for v in (st.query_params.get(param) or "").split(",") if v.strip()]
    flag = f"_{key}_from_url"
    if not st.session_state.get(flag):
        st.session_state[flag] = True
        st.session_state[key] = [v for v in named if v in valid]
    error = checks.refuse_unknown(what, named, valid)
    return md("{}", error) if error else None


def keep_url_picks(param: str, picks: list[str]) -> None:
    """The widget's choices back into the URL (none: the parameter removed)."""
    value = ",".join(picks)
    if not value:
        if param in st.query_params:
            del st.query_params[param]
    elif st.query_params.get(param) != value:
        st.query_params[param] = value
