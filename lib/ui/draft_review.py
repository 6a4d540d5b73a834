"""数据管理 › 从自评报告起草: a narrative report (.txt / .docx / .pdf) → a draft per table, each
figure beside its sentence (the figures marked 【…】), corrected or dropped in the page, then the
normal validation, preview and atomic commit of the store as a new version.

The draft never reaches the store unreviewed: the edited tables are written to a dataset
workbook in memory and go through ``Store.validate`` → ``Store.preview`` → ``Store.import_files``
like any upload. Data text is shown in tables and ``st.text`` only, never as Markdown.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from lib.access.roles import PermissionDenied
from lib.intake import workbook_spec as spec
from lib.intake.report import ReportDraft, read_report
from lib.intake.report.files import SUFFIXES, ReportFileError, read_text
from lib.labels import COLUMN_LABELS, DRAFT_LABELS, SHEET_LABELS
from lib.outputs import fmt
from lib.outputs.draft import draft_tables
from lib.outputs.template import write_workbook
from lib.store import ImportRejected, Store, diff
from lib.ui.safe import md_text
from lib.ui.uploads import file_uploader

KEY_DRAFT = "draft_report"  # (sha256 of the file, ReportDraft)
KEY_PREVIEW = "draft_preview"  # (tables key, store version, sources, parsed, preview)
KEY_ROUND = "draft_round"  # bumping it empties the uploader after a commit
DROP = "drop"  # the editor's 删除 column
MARKED = "_marked"  # the sentence with the record's figures marked 【…】
# Columns the reviewer does not need to see (ids are derived; the marked sentence replaces sentence).
_HIDDEN = {"program_id", "source_id", "sentence"}
# Per table, the columns that carry its figures: shown first, right before the sentence they come from.
_LEAD = {
    "programs": ("program_name", "year", "program_kind", "department", "doc_no", "sub_doc_no"),
    "projects": ("project_name", "budget_initial", "budget", "appropriation", "executed",
                 "stated_execution_rate", "stated_score", "stated_rating"),
    "allocations": ("region", "fund_source", "fund_year", "amount", "doc_no"),
    "execution": ("fund_source", "budget", "executed", "stated_execution_rate"),
    "progress": ("region", "subject", "measure", "percent"),
    "objectives": ("label",),
    "indicators": ("level1", "level2", "level3", "target", "actual", "weight", "stated_score"),
    "score_parts": ("part", "weight", "stated_score"),
    "spending_items": ("item", "amount"),
    "stated_figures": ("metric", "value", "unit", "region", "fund_source", "fund_year", "rating"),
}


def column_order(table: str) -> list[str]:
    """删除, the figures, the sentence they were read from, then the remaining columns."""
    lead = list(_LEAD.get(table, ()))
    columns = spec.SHEETS_BY_TABLE[table].columns
    rest = [c.name for c in columns if c.name not in lead and c.name not in _HIDDEN]
    return [DROP, *lead, MARKED, *rest]


def editor_frame(draft: ReportDraft, table: str) -> pd.DataFrame:
    """One table of the draft for st.data_editor: 删除, the marked sentence, then the format's columns."""
    columns = [c.name for c in spec.SHEETS_BY_TABLE[table].columns]
    rows = draft.tables.get(table, [])
    frame = pd.DataFrame([{DROP: False, MARKED: r.get(MARKED) or r.get("sentence") or "",
                           **{c: r.get(c) for c in columns}} for r in rows],
                         columns=[DROP, MARKED, *columns])
    for col in spec.SHEETS_BY_TABLE[table].columns:  # an empty text cell shows empty, not "None"
        if col.type in (spec.TEXT, spec.CHOICE, spec.RATING):
            frame[col.name] = frame[col.name].astype(object).where(frame[col.name].notna(), "")
        elif col.type in _NUMBER_TYPES:
            # numbers with gaps (or a column the draft left all empty) stay a number column, which
            # the editor edits and sorts as numbers; the gaps show as the table placeholder
            frame[col.name] = pd.to_numeric(frame[col.name], errors="coerce").astype(
                "Int64" if col.type == spec.INT else "Float64")
    return frame


def tables_from_frames(draft: ReportDraft, frames: dict[str, pd.DataFrame]) -> dict[str, list[dict]]:
    """The reviewed tables: rows ticked 删除 dropped, edited values kept, NaN → empty.

    Args:
        draft: the draft the frames were made from (tables not shown stay as drafted).
        frames: the edited editor frames per table.
    Returns:
        Rows per table with the format's storage column names.
    """
    out = draft_tables(draft)
    for table, frame in frames.items():
        columns = [c.name for c in spec.SHEETS_BY_TABLE[table].columns]
        kept = frame[~frame[DROP].fillna(False).astype(bool)]
        out[table] = [{c: _plain(row.get(c)) for c in columns} for row in kept.to_dict("records")]
    return out


def _plain(value: object) -> object:
    """A cell as openpyxl writes it: None for NaN/NaT, Python scalars, dates as dates."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, str) and not value.strip():
        return None
    return value


def workbook_bytes(tables: dict[str, list[dict]]) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = write_workbook(Path(tmp) / "draft.xlsx", tables, guide=False)
        return path.read_bytes()


_NUMBER_TYPES = (spec.MONEY, spec.NUMBER, spec.SCORE, spec.RATE, spec.SHARE, spec.INT)


def _column_config(table: str) -> dict:
    sheet = spec.SHEETS_BY_TABLE[table]
    config = {DROP: st.column_config.CheckboxColumn(DRAFT_LABELS["drop"], default=False),
              MARKED: st.column_config.TextColumn(DRAFT_LABELS["sentence"], disabled=True, width="large")}
    percent = {spec.RATE, spec.SHARE}
    for col in sheet.columns:
        label = COLUMN_LABELS.get(col.name, col.name)
        if col.name in _HIDDEN:
            config[col.name] = None
        elif col.type in _NUMBER_TYPES:
            number_format = "%d" if col.type == spec.INT else ("percent" if col.type in percent else "%.6g")
            config[col.name] = st.column_config.NumberColumn(label, format=number_format)
        elif col.type == spec.DATE:
            config[col.name] = st.column_config.DateColumn(label)
        else:
            config[col.name] = st.column_config.TextColumn(label)
    return config


def section(store: Store, actor) -> None:
    """The review section; draws nothing until the analyst turns it on."""
    if not st.toggle(DRAFT_LABELS["toggle"], key="draft_toggle"):
        return
    st.caption(DRAFT_LABELS["caption"])
    upload = file_uploader(DRAFT_LABELS["uploader"], SUFFIXES,
                              key=f"draft_uploader_{st.session_state.get(KEY_ROUND, 0)}")
    if upload is None:
        return
    data = upload.getvalue()
    sha = hashlib.sha256(data).hexdigest()
    state = st.session_state.get(KEY_DRAFT)
    if state is None or state[0] != sha:
        try:
            text = read_text(upload.name, data)
        except ReportFileError as exc:
            st.error(str(exc))
            return
        state = (sha, read_report(text, upload.name))
        st.session_state[KEY_DRAFT] = state
        st.session_state.pop(KEY_PREVIEW, None)
    draft: ReportDraft = state[1]
    st.text(f"{DRAFT_LABELS['title']}：{draft.title or '—'}（{draft.program_id}）")
    for note in draft.notes:
        st.text("· " + note)
    frames: dict[str, pd.DataFrame] = {}
    for sheet in spec.SHEETS:
        if sheet.table == "sources" or not draft.tables.get(sheet.table):
            continue
        n = len(draft.tables[sheet.table])
        expanded = sheet.table in ("programs", "projects")
        with st.expander(f"{SHEET_LABELS[sheet.table]}（{n}）", expanded=expanded):
            frames[sheet.table] = st.data_editor(editor_frame(draft, sheet.table), hide_index=True,
                                                 num_rows="fixed", column_config=_column_config(sheet.table),
                                                 column_order=column_order(sheet.table),
                                                 placeholder=fmt.TABLE_PLACEHOLDER,
                                                 key=f"draft_edit_{sheet.table}_{sha[:8]}")
    if draft.unplaced:
        with st.expander(f"{DRAFT_LABELS['unplaced']}（{len(draft.unplaced)}）"):
            st.dataframe(pd.DataFrame([{"数字": u.figure, "原文句子": u.sentence, "来源出处": u.source_ref,
                                        "原因": u.reason} for u in draft.unplaced]), hide_index=True,
                         placeholder=fmt.TABLE_PLACEHOLDER)
    if not actor.can("upload"):
        st.info(DRAFT_LABELS["viewer"])
        return
    tables = tables_from_frames(draft, frames)
    tables_key = hashlib.sha256(repr(sorted((t, repr(r)) for t, r in tables.items())).encode()).hexdigest()
    if st.button(DRAFT_LABELS["check"], key="draft_check"):
        _check(store, tables, tables_key, Path(upload.name).stem)
    preview_state = st.session_state.get(KEY_PREVIEW)
    if preview_state is None or preview_state[0] != tables_key:
        return
    _, version, sources, parsed, preview = preview_state
    if parsed.findings:
        st.error(DRAFT_LABELS["findings"].format(n=len(parsed.findings)))
        st.dataframe(pd.DataFrame([f.as_dict() for f in parsed.findings]), hide_index=True,
                     placeholder=fmt.TABLE_PLACEHOLDER)  # a finding about a whole file has no row
        return
    summary = diff.summary(preview)
    summary = summary[(summary[["added", "changed", "removed", "unchanged"]].sum(axis=1)) > 0]
    st.success(DRAFT_LABELS["valid"])
    st.dataframe(summary.drop(columns="table"), hide_index=True, column_config={
        c: st.column_config.Column(COLUMN_LABELS.get(c, c)) for c in summary.columns})
    if st.button(DRAFT_LABELS["commit"], type="primary", key="draft_commit"):
        if version != store.version_id():
            _check(store, tables, tables_key, Path(upload.name).stem)
            st.warning(DRAFT_LABELS["stale"])
            return
        try:
            result = store.import_files(sources, user=actor, validated=parsed)
        except (ImportRejected, PermissionDenied) as exc:
            st.error(md_text(exc))  # an out-of-scope refusal names the programs: data text
            return
        for key in (KEY_DRAFT, KEY_PREVIEW):
            st.session_state.pop(key, None)
        st.session_state[KEY_ROUND] = st.session_state.get(KEY_ROUND, 0) + 1
        st.session_state["draft_done"] = result.version_id
        st.rerun()


def committed_notice() -> None:
    if "draft_done" in st.session_state:
        st.success(DRAFT_LABELS["done"].format(version=st.session_state.pop("draft_done")))


def _check(store: Store, tables: dict[str, list[dict]], tables_key: str, stem: str) -> None:
    stamp = dt.datetime.now().strftime("%Y%m%d%H%M%S")
    sources = [(f"{stem}_草稿_{stamp}.xlsx", workbook_bytes(tables))]
    version = store.version_id()
    parsed = store.validate(sources)
    preview = None if parsed.findings else store.preview(parsed)
    st.session_state[KEY_PREVIEW] = (tables_key, version, sources, parsed, preview)
