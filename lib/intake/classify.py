"""What a file of a load is, from the file opened once (lib/intake/files.py): a workbook in the
dataset format (by its sheet names), official 自评表 (by the structure of a sheet or table), or a
narrative 自评报告 in Word (text and no form table), which is drafted on its own page."""

from __future__ import annotations

import re
from collections.abc import Iterable

from lib.intake import workbook_spec as spec
from lib.intake.files import Opened
from lib.intake.form_layout import (
    DEPARTMENT,
    FUND_COLUMNS,
    FUND_ROWS,
    INDICATOR_COLUMNS,
    L_DEPT_NAME,
    L_PROJECT_NAME,
    L_TRANSFER_NAME,
    PROJECT,
    REGION,
    fold,
    label_key,
)
from lib.intake.types import _fold

DATASET, FORM, REPORT = "dataset", "form", "report"
_DATASET_NAMES = frozenset({_fold(s.name) for s in spec.SHEETS} | {_fold(s.table) for s in spec.SHEETS})
# a Word file with this much text and no table is a narrative report, not a form
_REPORT_CHARS = 300


def classify(opened: Opened) -> str | None:
    """DATASET, FORM or REPORT; None for a file that cannot be read or is none of them (the
    dataset reader then says why, naming the file and its sheets)."""
    if not opened.readable:
        return None
    if opened.kind in ("xlsx", "xls", "ods"):
        if any(_fold(n) in _DATASET_NAMES for n in opened.sheet_names()):
            return DATASET
        grids = opened.grids()
        if any(form_kind(g.texts()) for g in grids):
            return FORM
        # a form's title without its blocks (a cover page, a table cut short): the form reader
        # says no form was found, where the dataset reader would list every sheet as unknown
        return FORM if any(_FORM_TITLE.search(fold(t)) for g in grids for t in g.texts()[:20]) else None
    if opened.kind == "csv":  # a form saved as CSV; anything else the dataset reader refuses
        return FORM if any(form_kind(g.texts()) for g in opened.grids()) else None
    if opened.kind == "docx":
        grids = opened.grids()
        if any(form_kind(g.texts()) for g in grids) or not opened.readable:
            return FORM
        text = sum(len(t) for g in grids for t in g.texts())
        no_table = all(g.max_col <= 1 for g in grids)  # paragraphs only: one column of text
        return REPORT if no_table and text >= _REPORT_CHARS else FORM
    return None


def form_kind(texts: Iterable[str]) -> str | None:
    """Which form a sheet's texts make: by its title, else by its blocks and labels.

    A form is recognized by its structure, not by one label: it needs a funds block (a header
    with a budget and an executed column) or an indicator block (一级 and 三级 headers), and
    something naming what it evaluates (a name label or a title).
    """
    texts = list(texts)
    folded = [fold(t) for t in texts]
    keys = {label_key(t) for t in texts}
    if any("区域绩效自评表" in t for t in folded):
        return REGION
    if any("整体支出绩效自评表" in t for t in folded):
        return DEPARTMENT
    if any("项目支出绩效自评表" in t for t in folded):
        return PROJECT
    has_indicators = "一级指标" in keys and bool(keys & set(INDICATOR_COLUMNS["level3"]))
    has_funds = bool(keys & set(FUND_COLUMNS["budget"])) and bool(keys & set(FUND_COLUMNS["executed"]))
    has_total = bool(keys & set(FUND_ROWS["年度资金总额"]))
    named = keys & (set(L_TRANSFER_NAME) | set(L_PROJECT_NAME) | set(L_DEPT_NAME)) or any(
        _TITLE_NAME.search(t) for t in folded)
    if not (has_indicators or has_funds and (has_total or named)):
        return None
    transfer = keys & (set(L_TRANSFER_NAME) - set(L_PROJECT_NAME)) or any(
        "转移支付" in t and ("自评" in t or "评价" in t) for t in folded)
    if transfer or "中央补助" in keys and "地方资金" in keys:
        return REGION
    if keys & set(L_DEPT_NAME) or "按收入性质分" in keys:
        return DEPARTMENT
    if keys & set(L_PROJECT_NAME) or any(_TITLE_NAME.search(t) for t in folded):
        return PROJECT
    return None


_FORM_TITLE = re.compile(r"绩效.{0,6}(?:自评|评价)(?:表|报告)|(?:自评|评价)(?:表|报告)$")
# a title naming what it evaluates: "…项目2022年度绩效自评表", "2023年度…绩效评价表"
_TITLE_NAME = re.compile(r"(?:绩效)?(?:自评|评价|目标)(?:表|情况表)")
