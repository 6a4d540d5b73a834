"""The 导出简报PDF button under the sidebar filters, for every page."""

from __future__ import annotations

import streamlit as st

from lib.filters import Filters
from lib.labels import BRIEF_LABELS
from lib.ui.cached import scoped, scoped_store
from lib.ui.tables import logged_export
from lib.ui.years import kept_year_basis


@st.cache_data(ttl=300, show_spinner=False)
def _brief_problem() -> str | None:
    from lib.outputs import brief

    return brief.renderer_problem()


def brief_download(filters: Filters) -> None:
    """The 导出简报PDF button under the sidebar filters (app.py draws it once, for every page).

    The PDF is printed when clicked, for the selection shown, its headline on the 年度口径 chosen
    on 总览 or 执行率 (lib/ui/years.py). Where this machine lacks Chromium
    or the CJK fonts, the sidebar says what to install instead of offering a button that fails.
    """
    from lib.outputs import brief

    problem = _brief_problem()
    if problem:
        st.sidebar.caption(problem)
        return
    basis = kept_year_basis()  # the headline says what 总览's cards say
    st.sidebar.download_button(
        BRIEF_LABELS["download"],
        logged_export(lambda: brief.write_pdf(scoped_store(), scoped(filters), basis), "brief",
                      brief.file_name(filters), {k: str(v) for k, v in filters.active().items()}
                      | ({"year_basis": basis} if basis != "latest" else {})),
        file_name=brief.file_name(filters), mime="application/pdf", key="brief_pdf", on_click="ignore",
        help=BRIEF_LABELS["download_help"], width="stretch")
