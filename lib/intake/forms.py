"""Reading the official self-evaluation forms (自评表) as analysts keep them (writing: lib/outputs/forms.py).

Three layouts (DOMAIN.md "The official form"):

* 项目支出绩效自评表 — one project per sheet: 项目名称, 主管部门 / 实施单位, the funds block
  (年初预算数, 全年预算数, 全年执行数, 分值, 执行率, 得分 × 年度资金总额, 当年财政拨款, 上年结转资金,
  其他资金), 年度总体目标 (预期目标 | 实际完成情况), the indicator block, 总分.
* 部门整体支出绩效自评表 — the same blocks for a department's whole budget, funds split by revenue
  type (一般公共预算 …) and by 基本支出 / 项目支出.
* 中央对地方转移支付区域绩效自评表 — a transfer program in one region: 中央补助 / 地方资金 / 其他资金
  rows with 全年预算数 (A), 全年执行数 (B), 执行率 (B/A); no 分值/得分; last indicator column
  未完成原因和改进措施.

Reading locates every field by its label, never by a fixed cell: labels are compared after
folding width and whitespace and dropping unit and marker suffixes such as （万元） or （B/A）, so
"项目名称　", "全年预算数（A）" and "其中：本年财政拨款" are found. Merged cells are read from the
top-left cell of their range (the workbook is opened with openpyxl in normal mode, so the merged
ranges are known). Formulas count with their last calculated value.

Identifiers: a form carries no program, project or source id, so they are derived from its
content, deterministically (the same form always gets the same ids, so importing it again
replaces what it imported before):

* department program (project and department forms) = ``ZP<year>-<h(主管部门)>``; its name is
  "<主管部门><year>年度部门预算"; every project form of the same department and year belongs to
  it. Because an import replaces every record of each program id it contains, import all of a
  department's forms of a year together (one workbook with a sheet per project, or several
  files in one load).
* transfer program (region forms) = ``ZT<year>-<h(地区|资金名称)>``.
* project = ``<program id>-<h(项目名称)>``.
* source = ``<program id>-F``: one source row per program, naming the file (or files) it was
  read from; importing the program's forms again replaces it.

``h`` is the first six hex digits of the SHA-1 of the text after folding width and whitespace.

Where things go: a project form fills ``projects`` (年度资金总额 row → budget_initial, budget,
executed, stated rate; 当年财政拨款's 全年预算数 → appropriation; 总分 → stated score; 自评等级 →
rating; 预期目标 / 实际完成情况 → objective / objective_actual; 存在问题 / 改进措施 → deviation /
improvement; 评价结论 and 备注 → note), ``indicators``, ``score_parts`` (预算执行率 from the funds
block's 分值/得分; a 一级 from a 小计 row, or a row with a 一级 but no 三级) and ``stated_figures``
(the other funds rows). Department forms fill a program-wide ``execution`` row (the total), with the
revenue and expenditure splits, total score and rating as ``stated_figures``. Region forms fill
``execution`` and ``allocations`` per fund source, with the total as ``stated_figures``.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path

import openpyxl

from lib.intake import workbook_spec as spec
from lib.intake.coverage import account
from lib.intake.form_grid import _Grid
from lib.intake.form_layout import (  # noqa: F401  (ids, kinds and the deviation split: the reader's API)
    DEPARTMENT,
    FUND_COLUMNS,
    FUND_ROWS,
    INDICATOR_COLUMNS,
    L_DEPT_NAME,
    L_PROJECT_NAME,
    L_TRANSFER_NAME,
    MAX_FORM_COLS,
    MAX_FORM_ROWS,
    PROJECT,
    REGION,
    fold,
    is_department_program_id,
    join_deviation,
    label_key,
    program_id_for,
    project_id_for,
    source_id_for,
    split_deviation,
)
from lib.intake.form_records import _read_department, _read_project, _read_region, merge_into  # noqa: F401
from lib.intake.form_sheet import _Out, _SheetReader
from lib.intake.layouts import Layout
from lib.intake.other_formats import (
    calamine_grids,
    csv_grids,
    docx_grids,
    file_kind,
    old_word_finding,
    unreadable,
)
from lib.intake.workbook import MAX_FILE_BYTES, MAX_UNZIPPED_BYTES, Finding, ParsedWorkbook, _fold, _open

# ================================================================ detection


def _bytes(source: str | Path | bytes) -> bytes:
    return Path(source).read_bytes() if isinstance(source, (str, Path)) else bytes(source)


def detect_format(source: str | Path | bytes, label: str = "") -> str | None:
    """"dataset" for a workbook in our dataset format, "form" for official 自评表, else None.

    A workbook with any sheet named like a dataset sheet (来源, 项目 …) is a dataset; otherwise
    one whose sheets carry a form's title or labels is a form. Files that cannot be opened give
    None, and the dataset reader then says why.
    """
    try:
        data = _bytes(source)
        if not data or len(data) > MAX_FILE_BYTES:
            return None
        kind = file_kind(data, label)
        if kind in ("doc", "docx"):  # only forms come as Word files
            return "form"
        if kind == "csv":  # a form saved as CSV; anything else is the dataset reader's to refuse
            grids, _ = csv_grids(data, label)
            return "form" if any(_kind_of(g.texts()) for g in grids) else None
        dataset_names = {_fold(s.name) for s in spec.SHEETS} | {_fold(s.table) for s in spec.SHEETS}
        if kind in ("xls", "ods"):
            grids, _ = calamine_grids(data, label)
            if any(_fold(g.title) in dataset_names for g in grids):
                return "dataset"
            return "form" if any(_kind_of(g.texts()) for g in grids) else None
        if not zipfile.is_zipfile(io.BytesIO(data)):
            return None
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(i.file_size for i in archive.infolist()) > MAX_UNZIPPED_BYTES:
                return None
            info = archive.getinfo("xl/workbook.xml")
            if info.file_size > 10 * 1024 * 1024:
                return None
            xml = archive.read(info).decode("utf-8", "replace")
        names = [html.unescape(n) for n in re.findall(r'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"', xml)]
        if any(_fold(n) in dataset_names for n in names):
            return "dataset"
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            for ws in book.worksheets:
                texts = [v for row in ws.iter_rows(max_row=80, max_col=30, values_only=True)
                         for v in row if isinstance(v, str) and v.strip()]
                if _kind_of(texts):
                    return "form"
        finally:
            book.close()
    except Exception:  # a damaged file is the dataset reader's to report
        return None
    return None


def _kind_of(texts: Iterable[str]) -> str | None:
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


# a title naming what it evaluates: "…项目2022年度绩效自评表", "2023年度…绩效评价表"
_TITLE_NAME = re.compile(r"(?:绩效)?(?:自评|评价|目标)(?:表|情况表)")



def read_form(source: str | Path | bytes, file_label: str | None = None,
              layouts: Iterable[Layout] = (), layout: Layout | None = None) -> ParsedWorkbook:
    """Read a workbook of official 自评表 (any mix of the three layouts, one form per sheet).

    Args:
        source: a path, or the file's bytes (an upload).
        file_label: the name findings and the derived source row use for the file.
        layouts: saved column mappings; one whose headers cover a sheet's unknown headers is
            applied to that sheet.
        layout: a mapping to apply to every sheet (``lib.cli load --layout NAME``).
    Returns:
        ParsedWorkbook with rows in the dataset tables (ids derived as the module docstring
        says), every finding (a workbook with any finding must not be imported), and every
        cell read but not stored (``unmapped``) with the coverage counts.
    """
    label = file_label or (Path(source).name if isinstance(source, (str, Path)) else "上传文件")
    grids, findings = form_grids(source, label)
    return read_grids(grids, label, findings, layouts, layout)


def form_grids(source: str | Path | bytes, label: str) -> tuple[list[_Grid], list[Finding]]:
    """The tables of a form file as grids: every sheet of an .xlsx (openpyxl, merged ranges
    and formulas known), .xls or .ods (python-calamine), every table of a .docx."""
    data = _bytes(source)
    kind = file_kind(data, label)
    if kind == "doc":
        return [], [old_word_finding(label)]
    if kind == "docx":
        return docx_grids(data, label)
    if kind == "csv":
        return csv_grids(data, label)
    if kind in ("xls", "ods"):
        return calamine_grids(data, label)
    checked, archive, findings = _open(data, label)  # size, encryption, zip-bomb checks
    if checked is None:
        return [], findings
    checked.close()
    archive.close()
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
        formula_book = openpyxl.load_workbook(io.BytesIO(data), data_only=False)
    except Exception as exc:  # openpyxl raises many types for damaged files
        return [], unreadable(label, exc)
    grids = []
    for ws in book.worksheets:
        formulas = {(c.row, c.column) for row in formula_book[ws.title].iter_rows(
            max_row=min(ws.max_row, MAX_FORM_ROWS), max_col=min(ws.max_column, MAX_FORM_COLS))
            for c in row if c.data_type == "f"}
        grids.append(_Grid.from_openpyxl(ws, formulas))
    book.close()
    formula_book.close()
    return grids, []


_READERS = {PROJECT: _read_project, DEPARTMENT: _read_department, REGION: _read_region}


def read_grids(grids: list[_Grid], label: str, findings: list[Finding] | None = None,
               layouts: Iterable[Layout] = (), layout: Layout | None = None) -> ParsedWorkbook:
    """Read form tables, whatever file they came from (see read_form)."""
    out = _Out(label)
    out.findings.extend(findings or [])
    unmapped: list = []
    cells_read = cells_stored = 0
    read_any = False
    layouts = list(layouts)
    for grid in grids:
        kind = _kind_of(grid.texts())
        if kind is None:
            continue  # notes, a blank Sheet2, a hidden list of choices …
        if not grid.visible:
            out.findings.append(Finding(label, grid.title, None, "",
                                        "工作表处于隐藏状态；请取消隐藏、核对内容后再上传",
                                        "the sheet is hidden; unhide and check it before uploading"))
            continue
        read_any = True
        chosen = layout
        if chosen is None and layouts:  # a dry run names the headers no reader knows
            dry = _SheetReader(grid.fresh(), kind, _Out(label))
            _READERS[kind](dry)
            unknown = {label_key(u.header) for u in account(dry.g, dry.blocks, label)[0]
                       if u.header is not None}
            chosen = next((lay for lay in reversed(layouts) if unknown and lay.covers(unknown)), None)
        reader = _SheetReader(grid, kind, out, chosen.mapping if chosen else None)
        _READERS[kind](reader)
        left, n_read, n_stored = account(grid, reader.blocks, label, chosen.name if chosen else None)
        unmapped.extend(left)
        cells_read += n_read
        cells_stored += n_stored
    if not read_any and not out.findings:
        out.findings.append(Finding(label, "", None, "",
                                    "没有找到可识别的自评表（项目支出、部门整体支出或区域绩效自评表）",
                                    "no recognizable self-evaluation form in the workbook"))
    return ParsedWorkbook(out.tables, out.findings, out.origins, unmapped, cells_read, cells_stored)
