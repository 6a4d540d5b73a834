"""The upload preview's coverage and mapping step (数据管理): what an official form held that was
not imported, and for each unknown column a choice (a field, or ignore on purpose) saved as a
named layout, which the next validation applies (lib/intake/layouts.py, lib/store/layouts.py).
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from lib.access.roles import PermissionDenied
from lib.intake.layouts import FIELDS_BY_BLOCK, IGNORE, make_layout
from lib.labels import MAPPING_LABELS as L
from lib.labels import UNMAPPED_COLUMNS
from lib.outputs import fmt


def unmapped_frame(parsed) -> pd.DataFrame:
    """One row per column or cell not imported: file, sheet, what, cells, samples."""
    rows = [{"file": u.file, "sheet": u.sheet, "problem": u.message, "cells": "、".join(u.cells),
             "samples": "、".join(u.samples), "decision": L["waits"] if u.blocking else
             (L["ignored"] if u.ignored_by else L["outside"])} for u in parsed.unmapped]
    return pd.DataFrame(rows, columns=list(UNMAPPED_COLUMNS))


def review(parsed, store, actor, on_saved: Callable[[], None], key: str = "mapping") -> bool:
    """Show the coverage, what was not imported, and the mapping step.

    Returns whether the import may go ahead: nothing waits for a decision, or the analyst has
    confirmed that the cells listed are not to be imported.
    """
    if parsed.cells_read:
        st.caption(L["coverage"].format(read=parsed.cells_read, stored=parsed.cells_stored,
                                        share=parsed.coverage))
    if not parsed.unmapped:
        return True
    st.dataframe(unmapped_frame(parsed), hide_index=True, key=f"{key}_table",
                 placeholder=fmt.TABLE_PLACEHOLDER,
                 column_config={c: st.column_config.Column(label) for c, label in UNMAPPED_COLUMNS.items()})
    waiting = parsed.blocking_unmapped
    if not waiting:
        return True
    st.warning(L["warning"].format(n=sum(len(u.cells) for u in waiting)))
    headers: dict[str, str] = {}  # unknown header as printed -> its block
    for item in waiting:
        if item.header is not None and item.block in FIELDS_BY_BLOCK:
            headers.setdefault(item.header, item.block)
    if headers:
        _mapping_form(headers, store, actor, on_saved, key)
    return st.checkbox(L["accept"], key=f"{key}_accept")


def _mapping_form(headers: dict[str, str], store, actor, on_saved: Callable[[], None], key: str) -> None:
    st.markdown(f"**{L['title']}**")
    st.caption(L["help"])
    choices: dict[str, str] = {}
    for i, (header, block) in enumerate(headers.items()):
        fields = FIELDS_BY_BLOCK[block]
        options = ["", IGNORE, *fields]
        names = {"": L["choose"], IGNORE: L["ignore"]} | fields
        choice = st.selectbox(L["column"].format(header=header), options, format_func=names.get,
                              key=f"{key}_field_{i}")
        if choice:
            choices[header] = choice
    name = st.text_input(L["name"], value="、".join(headers)[:40], key=f"{key}_name")
    if st.button(L["save"], key=f"{key}_save", disabled=len(choices) < len(headers)):
        try:
            saved = store.save_layout(make_layout(name, choices), user=actor)
        except (ValueError, PermissionDenied) as exc:
            st.error(str(exc))
            return
        st.session_state[f"{key}_saved"] = f"{saved.name}（v{saved.version}）"
        on_saved()
        st.rerun()


def saved_message(key: str = "mapping") -> None:
    """Say once which layout was saved (after the rerun that applies it)."""
    saved = st.session_state.pop(f"{key}_saved", None)
    if saved:
        st.success(L["saved"].format(name=saved))
