"""Writing the official self-evaluation forms (自评表) from the store.

The layouts and their labels are shared with the reader (lib/intake/form_layout.py), so a
written form reads back into the same records.
"""

from __future__ import annotations

import io
import math
import re

import openpyxl
import pandas as pd
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

from lib.intake.form_layout import (
    DEPARTMENT,
    FUND_ROWS,
    LEVEL1,
    PROJECT,
    REGION,
    REGION_SOURCES,
    TITLES,
    fold,
    join_deviation,
)
from lib.outputs.export import display_width
from lib.store import Store

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_MONEY_FORMAT = "#,##0.00"
_RATE_FORMAT = "0.00%"
_LINE_HEIGHT = 15.0


class _Sheet:
    """Writes a form sheet: merged, bordered, wrapped cells; rows tall enough for their text."""

    def __init__(self, ws, widths: list[float]):
        self.ws = ws
        self.widths = widths
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        self.lines: dict[int, int] = {}

    def put(self, row: int, col: int, value: object, *, to_col: int | None = None, to_row: int | None = None,
            fmt: str | None = None, center: bool = False, bold: bool = False, border: bool = True) -> None:
        to_col, to_row = to_col or col, to_row or row
        if (to_col, to_row) != (col, row):
            self.ws.merge_cells(start_row=row, start_column=col, end_row=to_row, end_column=to_col)
        cell = self.ws.cell(row=row, column=col)
        if value is not None:
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # text such as "=100%" stays text, never a formula
            if fmt:
                cell.number_format = fmt
        cell.alignment = _CENTER if center else _LEFT
        if bold:
            cell.font = Font(bold=True)
        if border:
            for r in range(row, to_row + 1):
                for c in range(col, to_col + 1):
                    self.ws.cell(row=r, column=c).border = _BORDER
        if isinstance(value, str):
            # a wrapped line holds a little less than the width (words and punctuation do not
            # break anywhere): reckoned at 90%, or a long 年度总体目标 printed with its end cut off
            width = (sum(self.widths[col - 1:to_col]) - 1) * 0.9
            lines = sum(max(1, math.ceil(display_width(part) / max(width, 4))) for part in value.split("\n"))
            rows = to_row - row + 1  # a cell merged down shares its lines among its rows
            for r in range(row, to_row + 1):
                self.lines[r] = max(self.lines.get(r, 1), math.ceil(lines / rows))

    def finish(self, title_rows: int = 2) -> None:
        for row, lines in self.lines.items():
            if lines > 1:
                self.ws.row_dimensions[row].height = min(409, lines * _LINE_HEIGHT + 4)
        self.ws.row_dimensions[1].height = 30
        setup = self.ws.page_setup
        setup.orientation = self.ws.ORIENTATION_LANDSCAPE
        setup.paperSize = self.ws.PAPERSIZE_A4
        setup.fitToWidth = 1
        setup.fitToHeight = 0
        self.ws.sheet_properties.pageSetUpPr.fitToPage = True
        self.ws.print_options.horizontalCentered = True
        self.ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.5)
        self.ws.print_title_rows = f"1:{title_rows}"
        self.ws.oddFooter.center.text = "第 &P 页，共 &N 页"  # page numbers (lib.outputs.export.print_setup)
        self.ws.oddFooter.center.size = 9


def _clean(value: object) -> object:
    """A store value for a cell: NaN/NaT → None, numpy scalars → Python."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item"):
        return value.item()
    return value


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{k: _clean(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _one(store: Store, relation: str, **where) -> dict | None:
    rows = _records(store.read(relation, where=where))
    return rows[0] if rows else None


def _title(s: _Sheet, title: str, year: object, region: str | None, cols: int) -> int:
    s.put(1, 1, title, to_col=cols, center=True, border=False)
    s.ws.cell(row=1, column=1).font = Font(bold=True, size=16)
    s.put(2, 1, f"（{year}年度）", to_col=cols, center=True, border=False)
    if region:
        s.put(3, 1, f"填报地区：{region}", to_col=cols, border=False)
        return 4
    return 3


_PROJECT_WIDTHS = [11, 12, 12, 26, 13, 13, 8, 8, 18, 18]


def _write_project_sheet(ws, store: Store, project_id: str) -> None:
    project = _one(store, "v_projects", project_id=project_id)
    if project is None:
        raise KeyError(f"没有项目 {project_id} (no project {project_id})")
    program = _one(store, "programs", program_id=project["program_id"]) or {}
    indicators = _records(store.read("v_indicators", where={"project_id": project_id}, order_by=["seq"]))
    parts = {p["part"]: p for p in _records(store.read("v_score_parts", where={"project_id": project_id}))}
    figures = {f["metric"]: f["value"] for f in _records(store.read("v_stated_figures",
                                                                   where={"project_id": project_id}))}
    s = _Sheet(ws, _PROJECT_WIDTHS)
    r = _title(s, TITLES[PROJECT], project["year"], project.get("region"), 10)
    s.put(r, 1, "项目名称", to_col=2, center=True)
    s.put(r, 3, project["project_name"], to_col=10)
    r += 1
    s.put(r, 1, "主管部门", to_col=2, center=True)
    s.put(r, 3, program.get("department"), to_col=6)
    s.put(r, 7, "实施单位", to_col=8, center=True)
    s.put(r, 9, project.get("implementing_unit"), to_col=10)
    r += 1
    # funds block
    s.put(r, 1, "项目资金（万元）", to_row=r + 4, center=True)
    s.put(r, 2, None, to_col=3)
    for col, text in ((4, "年初预算数"), (5, "全年预算数"), (6, "全年执行数"), (7, "分值"), (8, "执行率")):
        s.put(r, col, text, center=True, bold=True)
    s.put(r, 9, "得分", to_col=10, center=True, bold=True)
    execution = parts.get("预算执行率", {})
    s.put(r + 1, 2, "年度资金总额", to_col=3)
    for col, value in ((4, project.get("budget_initial")), (5, project["budget"]), (6, project["executed"])):
        s.put(r + 1, col, value, fmt=_MONEY_FORMAT)
    s.put(r + 1, 7, execution.get("weight"), center=True)
    s.put(r + 1, 8, project.get("stated_execution_rate"), fmt=_RATE_FORMAT, center=True)
    s.put(r + 1, 9, execution.get("stated_score"), to_col=10, center=True)
    for i, row_name in enumerate(("当年财政拨款", "上年结转资金", "其他资金"), start=2):
        s.put(r + i, 2, ("其中：" if i == 2 else "") + row_name, to_col=3)
        for col, col_name in ((4, "年初预算数"), (5, "全年预算数"), (6, "全年执行数")):
            value = project.get("appropriation") if (row_name, col_name) == ("当年财政拨款", "全年预算数") \
                else figures.get(f"{row_name}{col_name}")
            s.put(r + i, col, value, fmt=_MONEY_FORMAT)
        s.put(r + i, 7, "—", center=True)
        s.put(r + i, 8, None)
        s.put(r + i, 9, "—", to_col=10, center=True)
    r += 5
    # objectives
    s.put(r, 1, "年度总体目标", to_row=r + 1, center=True)
    s.put(r, 2, "预期目标", to_col=6, center=True, bold=True)
    s.put(r, 7, "实际完成情况", to_col=10, center=True, bold=True)
    s.put(r + 1, 2, project.get("objective"), to_col=6)
    s.put(r + 1, 7, project.get("objective_actual"), to_col=10)
    r += 2
    # indicators
    header = r
    for col, text in ((2, "一级指标"), (3, "二级指标"), (4, "三级指标"), (5, "年度指标值"), (6, "实际完成值"),
                      (7, "分值"), (8, "得分")):
        s.put(r, col, text, center=True, bold=True)
    s.put(r, 9, "偏差原因分析及改进措施", to_col=10, center=True, bold=True)
    r += 1
    r = _indicator_rows(s, r, _with_subtotals(indicators, parts), scored=True)
    s.put(header, 1, "绩效指标", to_row=r - 1, center=True)
    s.put(r, 1, "总分", to_col=6, center=True, bold=True)
    s.put(r, 7, 100, center=True)
    s.put(r, 8, project.get("stated_score"), center=True)
    s.put(r, 9, None, to_col=10)
    r += 1
    s.put(r, 1, "自评等级", to_col=6, center=True, bold=True)
    s.put(r, 7, project.get("stated_rating"), to_col=10, center=True)
    r += 1
    for label, value in (("存在问题及原因", project.get("deviation_reason")),
                         ("改进措施", project.get("improvement")), ("备注", project.get("note"))):
        if label == "备注" and not value:
            continue
        s.put(r, 1, label, to_col=2, center=True)
        s.put(r, 3, value, to_col=10)
        r += 1
    s.finish()


def _with_subtotals(indicators: list[dict], parts: dict[str, dict]) -> list[dict]:
    """Indicator rows in order, with a 小计 row carrying each 一级's weight and score after its
    last indicator (or, for a 一级 without indicators, where it falls in the standard order)."""
    rows = [dict(i) for i in indicators]
    order = {name: i for i, name in enumerate(LEVEL1)}
    for name in LEVEL1:
        part = parts.get(name)
        if part is None:
            continue
        subtotal = {"_subtotal": True, "level1": name, "weight": part.get("weight"),
                    "stated_score": part.get("stated_score"), "status_text": part.get("status_text")}
        last = max((i for i, row in enumerate(rows) if row["level1"] == name), default=None)
        if last is None:
            later = [i for i, row in enumerate(rows) if order.get(row["level1"], 99) > order[name]]
            last = (min(later) - 1) if later else len(rows) - 1
        rows.insert(last + 1, subtotal)
    return rows


def _indicator_rows(s: _Sheet, r: int, rows: list[dict], scored: bool) -> int:
    """Write indicator rows from row r, merging 一级 and 二级 cells over their runs."""
    start = r
    for row in rows:
        if row.get("_subtotal"):
            s.put(r, 3, "小计", to_col=4, center=True)
            s.put(r, 5, None)
            s.put(r, 6, None)
            s.put(r, 7, row.get("weight"), center=True)
            s.put(r, 8, row.get("stated_score"), center=True)
            s.put(r, 9, row.get("status_text"), to_col=10)
        else:
            s.put(r, 4, row["level3"])
            s.put(r, 5, row.get("target"), center=True)
            s.put(r, 6, row.get("actual"), center=True)
            if scored:
                s.put(r, 7, row.get("weight"), center=True)
                s.put(r, 8, row.get("stated_score"), center=True)
                s.put(r, 9, join_deviation(row.get("deviation_reason"), row.get("improvement")), to_col=10)
            else:
                s.put(r, 7, join_deviation(row.get("deviation_reason"), row.get("improvement")), to_col=8)
        r += 1
    # merge runs: 一级 over consecutive equal values, 二级 over consecutive equal (一级, 二级)
    _merge_runs(s, start, [row["level1"] for row in rows], 2)
    keys = [None if row.get("_subtotal") else (row["level1"], row.get("level2") or "/") for row in rows]
    i = 0
    while i < len(rows):
        j = i
        while j + 1 < len(rows) and keys[i] is not None and keys[j + 1] == keys[i]:
            j += 1
        if keys[i] is not None:
            s.put(start + i, 3, keys[i][1], to_row=start + j, center=True)
        i = j + 1
    return r


def _merge_runs(s: _Sheet, start: int, values: list, col: int) -> None:
    i = 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and values[j + 1] == values[i]:
            j += 1
        s.put(start + i, col, values[i], to_row=start + j, center=True)
        i = j + 1


def _sheet_title(name: str, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "", name)[:28] or "自评表"
    title, n = base, 2
    while title in taken:
        title, n = f"{base[:26]}_{n}", n + 1
    taken.add(title)
    return title


def _save(book: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_project_form(store: Store, project_id: str) -> bytes:
    """The 项目支出绩效自评表 of one project, filled from the store, as .xlsx bytes.

    Raises:
        KeyError: no such project.
    """
    project = _one(store, "v_projects", project_id=project_id)
    if project is None:
        raise KeyError(f"没有项目 {project_id} (no project {project_id})")
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = _sheet_title(project["project_name"], set())
    _write_project_sheet(ws, store, project_id)
    return _save(book)


_DEPARTMENT_SCORE = "部门整体支出绩效自评得分"  # the stated figure _read_department records the 总分 as
_CLOSING_LABELS = ("评价结论", "存在问题", "改进措施", "备注")
_REVENUE_ROWS = ("一般公共预算", "政府性基金预算", "国有资本经营预算", "财政专户管理资金", "单位资金")
_SPENDING_ROWS = ("基本支出", "项目支出")


def _department_records(store: Store, program_id: str) -> dict:
    """The department-wide records of a program (those without a project), as the 部门整体 form
    holds them; empty lists where there are none."""
    def program_level(relation: str, order: list[str] | None = None) -> list[dict]:
        rows = _records(store.read(relation, where={"program_id": program_id}, order_by=order))
        return [r for r in rows if not r.get("project_id")]

    execution = [r for r in program_level("execution", ["as_of"]) if not r.get("fund_source")]
    return {
        "execution": execution[-1] if execution else None,
        "figures": {f["metric"]: f for f in program_level("stated_figures", ["seq"])},
        "objectives": program_level("objectives", ["seq"]),
        "indicators": program_level("indicators", ["seq"]),
        "parts": {p["part"]: p for p in program_level("score_parts")},
    }


def _has_department_figures(records: dict) -> bool:
    return bool(records["execution"] or records["indicators"] or _DEPARTMENT_SCORE in records["figures"])


def has_department_form(store: Store, program_id: str) -> bool:
    """Whether a department's program has department-wide figures a 部门整体支出 form can show."""
    return _has_department_figures(_department_records(store, program_id))


def _write_department_sheet(ws, program: dict, d: dict) -> None:
    """The 部门整体支出绩效自评表 of a department's program (``d``: its _department_records),
    laid out as lib.forms reads it back: the funds by revenue and by spending type, objectives,
    department-wide indicators, 总分, 自评等级 and the closing texts."""
    figures = {metric: f["value"] for metric, f in d["figures"].items()}
    execution = d["execution"] or {}
    part = d["parts"].get("预算执行率", {})
    s = _Sheet(ws, _PROJECT_WIDTHS)
    r = _title(s, TITLES[DEPARTMENT], program["year"], program.get("region"), 10)
    s.put(r, 1, "部门（单位）名称", to_col=2, center=True)
    s.put(r, 3, program.get("department"), to_col=10)
    r += 1
    rows = len(_REVENUE_ROWS) + len(_SPENDING_ROWS) + 1
    s.put(r, 1, "年度部门整体支出预算（万元）", to_row=r + rows, center=True)
    s.put(r, 2, None, to_col=3)
    for col, text in ((4, "年初预算数"), (5, "全年预算数"), (6, "全年执行数"), (7, "分值"), (8, "执行率")):
        s.put(r, col, text, center=True, bold=True)
    s.put(r, 9, "得分", to_col=10, center=True, bold=True)
    s.put(r + 1, 2, "年度资金总额", to_col=3)
    for col, value in ((4, figures.get("年度资金总额年初预算数")), (5, execution.get("budget")),
                       (6, execution.get("executed"))):
        s.put(r + 1, col, value, fmt=_MONEY_FORMAT)
    s.put(r + 1, 7, part.get("weight"), center=True)
    s.put(r + 1, 8, execution.get("stated_execution_rate"), fmt=_RATE_FORMAT, center=True)
    s.put(r + 1, 9, part.get("stated_score"), to_col=10, center=True)
    row = r + 2
    for group, names in (("按收入性质分", _REVENUE_ROWS), ("按支出性质分", _SPENDING_ROWS)):
        s.put(row, 2, group, to_row=row + len(names) - 1, center=True)
        for i, name in enumerate(names):
            s.put(row + i, 3, name)
            for col, col_name in ((4, "年初预算数"), (5, "全年预算数"), (6, "全年执行数")):
                s.put(row + i, col, figures.get(f"{name}{col_name}"), fmt=_MONEY_FORMAT)
            s.put(row + i, 7, "—", center=True)
            s.put(row + i, 8, None)
            s.put(row + i, 9, "—", to_col=10, center=True)
        row += len(names)
    r = row
    closing = {o["label"]: o.get("actual_text") for o in d["objectives"]
               if o.get("label") in _CLOSING_LABELS and not o.get("expected")}
    pairs = [(f"{o['label']}：{o.get('expected') or ''}" if o.get("label") not in (None, "年度总体目标")
              else o.get("expected"), o.get("actual_text"))
             for o in d["objectives"] if not (o.get("label") in _CLOSING_LABELS and not o.get("expected"))]
    pairs = pairs or [(program.get("objective"), None)]
    s.put(r, 1, "年度总体目标", to_row=r + len(pairs), center=True)
    s.put(r, 2, "预期目标", to_col=6, center=True, bold=True)
    s.put(r, 7, "实际完成情况", to_col=10, center=True, bold=True)
    for i, (expected, achieved) in enumerate(pairs, start=1):
        s.put(r + i, 2, expected, to_col=6)
        s.put(r + i, 7, achieved, to_col=10)
    r += len(pairs) + 1
    header = r
    for col, text in ((2, "一级指标"), (3, "二级指标"), (4, "三级指标"), (5, "年度指标值"), (6, "实际完成值"),
                      (7, "分值"), (8, "得分")):
        s.put(r, col, text, center=True, bold=True)
    s.put(r, 9, "偏差原因分析及改进措施", to_col=10, center=True, bold=True)
    r = _indicator_rows(s, r + 1, _with_subtotals(d["indicators"], d["parts"]), scored=True)
    s.put(header, 1, "绩效指标", to_row=max(r - 1, header), center=True)
    score = d["figures"].get(_DEPARTMENT_SCORE, {})
    rating = re.sub(r"^自评等级[:：]", "", score.get("text") or "") or None
    s.put(r, 1, "总分", to_col=6, center=True, bold=True)
    s.put(r, 7, 100, center=True)
    s.put(r, 8, score.get("value"), center=True)
    s.put(r, 9, None, to_col=10)
    r += 1
    s.put(r, 1, "自评等级", to_col=6, center=True, bold=True)
    s.put(r, 7, rating, to_col=10, center=True)
    r += 1
    for label in _CLOSING_LABELS:
        if closing.get(label):
            s.put(r, 1, label, to_col=2, center=True)
            s.put(r, 3, closing[label], to_col=10)
            r += 1
    s.finish()


def write_program_forms(store: Store, program_id: str) -> bytes:
    """A department's program as official forms in one workbook: its 部门整体支出绩效自评表 first
    (when it has department-wide figures), then every project's 项目支出绩效自评表 on its own sheet.

    Raises:
        KeyError: no such program, or it has no projects.
    """
    projects = _records(store.read("v_projects", where={"program_id": program_id}, order_by=["project_id"]))
    department = _department_records(store, program_id)
    if not projects and not _has_department_figures(department):
        raise KeyError(f"资金/部门 {program_id} 没有项目 (program {program_id} has no projects)")
    book = openpyxl.Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    if _has_department_figures(department):
        _write_department_sheet(book.create_sheet(_sheet_title("部门整体", taken)),
                                _one(store, "programs", program_id=program_id), department)
    for project in projects:
        ws = book.create_sheet(_sheet_title(project["project_name"], taken))
        _write_project_sheet(ws, store, project["project_id"])
    return _save(book)


_REGION_WIDTHS = [12, 12, 14, 28, 14, 14, 16, 20]
_SOURCE_ALIASES = {name: canonical for canonical in REGION_SOURCES for name in FUND_ROWS[canonical]}


def _region_money(store: Store, program: dict) -> dict[str, dict]:
    """全年预算数 / 全年执行数 / stated rate per fund source: the latest program-wide execution
    record of each source, else the allocations' total (budget only)."""
    execution = _records(store.read("execution", where={"program_id": program["program_id"]},
                                    order_by=["as_of"]))
    money: dict[str, dict] = {}
    for row in execution:
        source = _SOURCE_ALIASES.get(fold(row.get("fund_source") or ""))
        if row.get("project_id") or source is None:
            continue
        if row.get("region") not in (None, program.get("region")):
            continue
        money[source] = {"budget": row["budget"], "executed": row["executed"],
                         "rate": row.get("stated_execution_rate")}
    if not money:
        for row in _records(store.read("allocations", where={"program_id": program["program_id"]})):
            source = _SOURCE_ALIASES.get(fold(row.get("fund_source") or ""))
            if source and not row.get("project_id"):
                entry = money.setdefault(source, {"budget": 0.0, "executed": None, "rate": None})
                entry["budget"] += float(row["amount"])
    return money


def _region_objectives(store: Store, program: dict) -> list[tuple[str | None, str | None]]:
    objectives = [o for o in _records(store.read("v_objectives", where={"program_id": program["program_id"]},
                                                 order_by=["seq"])) if not o.get("project_id")]
    overall = next((o.get("actual_text") for o in objectives
                    if "总体" in (o.get("label") or "") and o.get("actual_text")), None)
    pairs = []
    if program.get("objective") or overall:
        pairs.append((program.get("objective"), overall))
    for o in objectives:
        if o.get("expected"):
            label = o.get("label")
            pairs.append((f"{label}：{o['expected']}" if label else o["expected"], o.get("actual_text")))
    return pairs or [(None, None)]


def write_region_form(store: Store, program_id: str) -> bytes:
    """The 中央对地方转移支付区域绩效自评表 of a transfer program, as .xlsx bytes.

    Rows 中央补助 / 地方资金 / 其他资金 with 全年预算数 (A), 全年执行数 (B), 执行率 (B/A); the total
    row is their sum. Indicators of another region than the program's carry it in brackets
    after the name ("基本工程建设率（沈阳市）"), which the reader turns back into the region.

    Raises:
        KeyError: no such program.
    """
    program = _one(store, "programs", program_id=program_id)
    if program is None:
        raise KeyError(f"没有资金/部门 {program_id} (no program {program_id})")
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = _sheet_title(program["program_name"], set())
    s = _Sheet(ws, _REGION_WIDTHS)
    region = program.get("region")
    r = _title(s, TITLES[REGION], program["year"], region, 8)
    s.put(r, 1, "转移支付（项目）名称", to_col=2, center=True)
    s.put(r, 3, program["program_name"], to_col=8)
    r += 1
    s.put(r, 1, "中央主管部门", to_col=2, center=True)
    central = re.sub(r"^中央主管部门[:：]", "", program.get("note") or "") \
        if (program.get("note") or "").startswith("中央主管部门") else None
    s.put(r, 3, central, to_col=8)
    r += 1
    s.put(r, 1, "地方主管部门", to_col=2, center=True)
    s.put(r, 3, program.get("department"), to_col=5)
    s.put(r, 6, "资金使用单位", center=True)
    s.put(r, 7, None, to_col=8)
    r += 1
    money = _region_money(store, program)
    s.put(r, 1, "资金投入情况（万元）", to_row=r + 4, center=True)
    s.put(r, 2, None, to_col=3)
    s.put(r, 4, "全年预算数（A）", to_col=5, center=True, bold=True)
    s.put(r, 6, "全年执行数（B）", to_col=7, center=True, bold=True)
    s.put(r, 8, "执行率（B/A）", center=True, bold=True)
    budget = sum(float(m["budget"]) for m in money.values() if m.get("budget") is not None)
    executed_parts = [float(m["executed"]) for m in money.values() if m.get("executed") is not None]
    executed = sum(executed_parts) if executed_parts else None
    total = {"budget": budget if money else None, "executed": executed,
             "rate": executed / budget if executed is not None and budget else None}
    for i, (label, values) in enumerate((("年度资金总额", total),
                                         *((("其中：" if n == "中央补助" else "") + n, money.get(n, {}))
                                           for n in REGION_SOURCES)), start=1):
        s.put(r + i, 2, label, to_col=3)
        s.put(r + i, 4, values.get("budget"), to_col=5, fmt=_MONEY_FORMAT)
        s.put(r + i, 6, values.get("executed"), to_col=7, fmt=_MONEY_FORMAT)
        s.put(r + i, 8, values.get("rate"), fmt=_RATE_FORMAT, center=True)
    r += 5
    pairs = _region_objectives(store, program)
    s.put(r, 1, "年度总体目标", to_row=r + len(pairs), center=True)
    s.put(r, 2, "预期目标", to_col=5, center=True, bold=True)
    s.put(r, 6, "目标实际完成情况", to_col=8, center=True, bold=True)
    for i, (expected, achieved) in enumerate(pairs, start=1):
        s.put(r + i, 2, expected, to_col=5)
        s.put(r + i, 6, achieved, to_col=8)
    r += len(pairs) + 1
    indicators = [i for i in _records(store.read("indicators", where={"program_id": program_id},
                                                 order_by=["seq"])) if not i.get("project_id")]
    for row in indicators:
        if row.get("region") and row["region"] != region:
            row["level3"] = f"{row['level3']}（{row['region']}）"
    header = r
    for col, text in ((2, "一级指标"), (3, "二级指标"), (4, "三级指标"), (5, "指标值"), (6, "实际完成值")):
        s.put(r, col, text, center=True, bold=True)
    s.put(r, 7, "未完成原因和改进措施", to_col=8, center=True, bold=True)
    r = _indicator_rows(s, r + 1, indicators, scored=False)
    s.put(header, 1, "绩效指标", to_row=max(r - 1, header), center=True)
    s.finish()
    return _save(book)


def write_form(store: Store, record_id: str) -> bytes:
    """The official form for a project (项目支出), a transfer program (区域) or a department's
    budget (each of its projects on its own sheet).

    Raises:
        KeyError: the id is neither a project nor a program (or the program has no projects).
    """
    if _one(store, "projects", project_id=record_id) is not None:
        return write_project_form(store, record_id)
    program = _one(store, "programs", program_id=record_id)
    if program is None:
        raise KeyError(f"没有项目或资金/部门 {record_id} (no project or program {record_id})")
    if program["program_kind"] == "转移支付":
        return write_region_form(store, record_id)
    return write_program_forms(store, record_id)


def form_options(projects: pd.DataFrame, programs: pd.DataFrame,
                 with_projects: set[str] | None = None) -> dict[str, str]:
    """id → menu label for every form the store can write for these programs and projects (for
    the download selectbox). ``with_projects``: the programs that have projects, when
    ``projects`` is not all of them."""
    options: dict[str, str] = {}
    if with_projects is None:
        with_projects = set(projects["program_id"]) if not projects.empty else set()
    for row in programs.itertuples():
        if row.program_kind == "转移支付":
            options[row.program_id] = f"区域绩效自评表 · {row.program_name}"
        elif row.program_id in with_projects:
            options[row.program_id] = f"部门全部自评表 · {row.program_name}"
    for row in projects.itertuples():
        options[row.project_id] = f"项目支出绩效自评表 · {row.project_name}"
    return options


def form_file_name(record_id: str) -> str:
    return f"自评表_{re.sub(r'[^0-9A-Za-z_.-]', '_', record_id)}.xlsx"
