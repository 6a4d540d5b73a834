"""Filtered tables out: csv (UTF-8 with BOM) and styled xlsx.

Both formats use the Chinese column labels, neutralize cells that a spreadsheet would run as
a formula (= + - @), and say what was exported: the xlsx has a second sheet with the filters,
the dataset version and the export time; file names carry the table name and a timestamp.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties

from lib.labels import COLUMN_LABELS, SHEET_LABELS, VIEW_LABELS

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MONEY_COLUMNS = {"budget_initial", "budget", "appropriation", "executed", "amount", "central",
                 "local", "total"}
RATE_COLUMNS = {"execution_rate", "stated_execution_rate", "percent", "elapsed_share",
                "completion_ratio", "rate_diff"}
_NUMERIC_TEXT = re.compile(r"^[+-]?\d+(\.\d+)?$")


@dataclass
class ExportMeta:
    """What an export file records about itself."""

    name: str
    filters: dict[str, str] = field(default_factory=dict)
    version_id: int | None = None
    exported_at: dt.datetime = field(default_factory=lambda: dt.datetime.now().replace(microsecond=0))


def title_of(name: str) -> str:
    return VIEW_LABELS.get(name) or SHEET_LABELS.get(name) or name


def file_name(name: str, ext: str, when: dt.datetime | None = None) -> str:
    """e.g. 执行情况_v_execution_20261125-0930.xlsx"""
    stamp = (when or dt.datetime.now()).strftime("%Y%m%d-%H%M")
    return f"{title_of(name)}_{name}_{stamp}.{ext}"


def neutralize(value: object) -> object:
    """Prefix text that a spreadsheet would evaluate as a formula with an apostrophe.

    Negative numbers stored as numbers are not text and stay numbers.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMERIC_TEXT.match(value):
        return "'" + value
    return value


def labelled(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with Chinese headers and formula-like text neutralized."""
    out = frame.rename(columns=lambda c: COLUMN_LABELS.get(c, c))
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralize)
    return out


def to_csv_bytes(frame: pd.DataFrame, name: str | None = None) -> bytes:
    """UTF-8 with BOM so Excel opens Chinese correctly; full precision kept."""
    return labelled(frame).to_csv(index=False).encode("utf-8-sig")


XLSX_MAX_ROWS = 1_048_575  # Excel's (and WPS's) rows per sheet, less the header
WIDTH_SAMPLE_ROWS = 2_000  # column widths are fitted to the header and this many rows


def to_xlsx_bytes(frame: pd.DataFrame, name: str, meta: ExportMeta | None = None) -> bytes:
    """A styled workbook: bold frozen header, autofilter, 万元 and % formats, fitted widths.

    Written in openpyxl's streaming (write-only) mode: a 100,000-row table takes seconds and
    little memory instead of minutes and gigabytes. More rows than one Excel sheet holds raise
    ValueError; callers offer csv instead.
    """
    if len(frame) > XLSX_MAX_ROWS:
        raise ValueError(f"{len(frame):,} 行超过 Excel 单表上限 {XLSX_MAX_ROWS:,} 行 "
                         f"({len(frame):,} rows exceed Excel's sheet limit)")
    meta = meta or ExportMeta(name)
    book = Workbook(write_only=True)
    ws = book.create_sheet(title_of(name)[:31])
    print_setup(ws, print_title(name, meta))
    headers = [COLUMN_LABELS.get(c, c) for c in frame.columns]
    columns = [[_cell_value(v) for v in frame.iloc[:, i].tolist()] for i in range(len(frame.columns))]
    for idx, (header, values) in enumerate(zip(headers, columns, strict=True), start=1):
        width = max([display_width(header), *(display_width(v) for v in values[:WIDTH_SAMPLE_ROWS])])
        ws.column_dimensions[get_column_letter(idx)].width = max(8, min(60, width))
    ws.freeze_panes = "A2"
    if len(frame.columns):
        ws.auto_filter.ref = f"A1:{get_column_letter(len(frame.columns))}{max(1, len(frame) + 1)}"

    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(ws, value=header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E79")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header_cells.append(cell)
    ws.append(header_cells)
    # One styled cell per formatted column, given each row's value in turn: the streaming writer
    # serializes a row as it is appended, so the cell can be reused.
    formatted = []
    for i, col in enumerate(frame.columns):
        number_format = "#,##0.00" if col in MONEY_COLUMNS else "0.00%" if col in RATE_COLUMNS else None
        if number_format:
            cell = WriteOnlyCell(ws)
            cell.number_format = number_format
            formatted.append((i, cell))
    for values in zip(*columns, strict=True):
        row = list(values)
        for i, cell in formatted:
            value = row[i]
            if not isinstance(value, str):  # empty cells keep the format too, for what is typed in later
                cell.value = value
                row[i] = cell
        ws.append(row)

    info = book.create_sheet("导出说明")
    print_setup(info, print_title(name, meta))
    info.column_dimensions["A"].width = 12
    info.column_dimensions["B"].width = 60
    bold = []
    for label in ("项目", "内容"):
        cell = WriteOnlyCell(info, value=label)
        cell.font = Font(bold=True)
        bold.append(cell)
    info.append(bold)
    info.append(["导出内容", f"{title_of(name)}（{name}）"])
    info.append(["筛选条件", "；".join(f"{k}={v}" for k, v in meta.filters.items()) or "全部"])
    info.append(["数据版本", meta.version_id if meta.version_id is not None else ""])
    info.append(["导出时间", meta.exported_at.strftime("%Y-%m-%d %H:%M:%S")])
    info.append(["行数", len(frame)])
    info.append(["金额单位", "万元"])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


PAPER_A4 = "9"  # OOXML paperSize code


def print_setup(ws, title: str, header_rows: int = 1) -> None:
    """Print on A4 landscape, fitted to the page width (as many pages down as needed), the header
    row repeated on every page, ``title`` (what was exported, with which filters) at the top and
    "第 N 页，共 M 页" at the bottom. Works on streaming (write-only) sheets too."""
    setup = ws.page_setup
    setup.paperSize = PAPER_A4
    setup.orientation = "landscape"
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.75, bottom=0.6, header=0.3, footer=0.3)
    if header_rows:
        ws.print_title_rows = f"1:{header_rows}"
    ws.oddHeader.center.text = title.replace("&", "&&")
    ws.oddHeader.center.size = 10
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.center.size = 9


def print_title(name: str, meta: ExportMeta) -> str:
    """The printed title of an export: 项目 · 筛选：program_id=LZ2022-YJJ · 数据版本 v1 · 2026-12-01 21:30"""
    filters = "；".join(f"{k}={v}" for k, v in meta.filters.items()) or "全部"
    version = f" · 数据版本 v{meta.version_id}" if meta.version_id is not None else ""
    return f"{title_of(name)} · 筛选：{filters}{version} · 导出 {meta.exported_at:%Y-%m-%d %H:%M}"


def _cell_value(value: object) -> object:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and pd.isna(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime().date() if value == value.normalize() else value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        return value.item()
    return neutralize(value)


def display_width(value: object) -> float:
    """Column width for Excel/WPS: CJK characters take about two Latin widths."""
    text = "" if value is None else str(value)
    return sum(2.1 if ord(ch) > 0x2E80 else 1.1 for ch in text[:80]) + 2
