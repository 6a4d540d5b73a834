"""Lists of cards and expanders drawn a screen at a time, with a 显示更多 control.

Every element a page draws is sent to the browser and laid out there, below the first screen or
not (40 cards on 偏差分析, 80 expanders on 报告详情 cost more than the chart above them at 1M,
bench/browser_ab.py): a page draws the first few and a click adds more. How many are shown is kept
per list and per selection, so a new filter or search starts again from the first few.
"""

from __future__ import annotations

import streamlit as st

from lib.labels import MORE_LABEL

# cards or expanders drawn before the first 显示更多 click, and added by each click
STEP = 10


def shown(key: str, selection: tuple, total: int) -> int:
    """How many of ``total`` items to draw on this run for the list ``key`` under ``selection``
    (anything hashable that names what the list holds: the filters, a search text)."""
    kept = st.session_state.get(key)
    n = kept[1] if isinstance(kept, tuple) and kept[0] == selection else STEP
    return min(n, total)


def more_button(key: str, selection: tuple, n_shown: int, total: int) -> None:
    """The 显示更多 button under a list of which ``n_shown`` of ``total`` are drawn (none when all are)."""
    if total > n_shown:
        st.button(MORE_LABEL.format(shown=n_shown, total=total), key=f"{key}_more",
                  on_click=_more, args=(key, selection, n_shown + STEP))


def _more(key: str, selection: tuple, n: int) -> None:
    st.session_state[key] = (selection, n)
