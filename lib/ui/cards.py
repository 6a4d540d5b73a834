"""Rows of metric cards."""

from __future__ import annotations

import streamlit as st


def metric_row():
    """The container a row of metric cards goes in: one horizontal container is one element for
    the browser, where st.columns(n) is n + 1 blocks (lib/ui/sections.py says why that counts);
    on a narrow screen the cards wrap."""
    return st.container(horizontal=True, gap="small")
