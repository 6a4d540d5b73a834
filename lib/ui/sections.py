"""A page's parts, of which only the chosen one is drawn.

Streamlit's front end renders the whole page again for every element the server sends (React:
two thirds of the browser's main-thread time on a warm visit, bench/run.py --only browser), below
the first screen or not, so the time a page takes to draw grows with its number of elements more
than with its data. A page therefore shows its headline figures and one part; a row of buttons
above the part (one element, where tabs are a block per tab) chooses another, and only the chosen
part's code runs. The choice is in the URL (``?<parameter>=<part label>``), so a bookmark or a
shared link opens on the same part, and a test opens a part as a reader does.
"""

from __future__ import annotations

import streamlit as st

from lib.labels import SECTION_LABELS


def section(page: str, skip: tuple[str, ...] = ()) -> str:
    """Draw the part chooser of ``page`` (lib.labels.SECTION_LABELS) and return the label of the
    part chosen on this run: the first unless the URL or a click chose another. ``skip``: parts
    this selection has nothing for (one year has no trend), not offered; a URL naming one opens
    the first part."""
    param, labels = SECTION_LABELS[page]
    labels = [label for label in labels if label not in skip]
    chosen = st.segmented_control(SECTION_LABELS["chooser"], list(labels), key=param, default=labels[0],
                                  required=True, bind="query-params", label_visibility="collapsed")
    return chosen if chosen in labels else labels[0]


def query(page: str, label: str) -> dict[str, str]:
    """The URL parameter that opens ``page`` on its part ``label`` (tests, links)."""
    param, labels = SECTION_LABELS[page]
    if label not in labels:
        raise KeyError(f"{page} has no part {label!r}: {labels}")
    return {param: label}
