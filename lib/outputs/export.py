"""Filtered tables out: csv (UTF-8 with BOM) and styled xlsx.

Both formats use the Chinese column labels, neutralize cells that a spreadsheet would run as
a formula (= + - @), and say what was exported: the xlsx has a second sheet with the filters,
the dataset version and the export time; file names carry the table name and a timestamp.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from dataclasses import dataclass, field

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties

from lib.labels import COLUMN_LABELS, FILTER_LABELS, SHEET_LABELS, VIEW_LABELS

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MONEY_COLUMNS = {"budget_initial", "budget", "appropriation", "executed", "amount", "central",
                 "local", "total"}
RATE_COLUMNS = {"execution_rate", "stated_execution_rate", "percent", "elapsed_share",
                "completion_ratio", "rate_diff", "shortfall"}
_NUMERIC_TEXT = re.compile(r"^[+-]?\d+(\.\d+)?$")
# Money is stored as DECIMAL(18,6): six decimals are all a figure ever had, and rounding to them
# only removes the binary noise of a sum (7719.740000000001). Rates and other doubles keep ten
# decimals of the figure written (a percentage in csv), which is more than any report states.
MONEY_DECIMALS = 6
FLOAT_DECIMALS = 10
# The sidebar's filter keys, named as the sidebar names them.
FILTER_KEY_LABELS = {"year": FILTER_LABELS["year"], "program_id": FILTER_LABELS["program"],
                     "region": FILTER_LABELS["region"], "project_id": FILTER_LABELS["project"]}


@dataclass
class ExportMeta:
    """What an export file records about itself."""

    name: str
    filters: dict[str, str] = field(default_factory=dict)
    version_id: int | None = None
    exported_at: dt.datetime = field(default_factory=lambda: dt.datetime.now().replace(microsecond=0))
    version_at: dt.datetime | None = None  # when that version was made
    names: dict[str, str] = field(default_factory=dict)  # filter key -> the name of the chosen id


def meta_for(store, name: str, filters: dict[str, object], scope=None) -> ExportMeta:
    """What an export of ``name`` under ``filters`` says about itself: the filters with the chosen
    program's and project's names, the reader's scope when it limits what the file holds
    (范围：地区：沈阳市（含下级地区）: a part, not the whole), and the store's current version."""
    names = {}
    for key, table, column in (("program_id", "programs", "program_name"),
                               ("project_id", "projects", "project_name")):
        if filters.get(key) is not None:
            found = store.read(table, where={key: filters[key]}, limit=1)
            if not found.empty and isinstance(found[column].iloc[0], str):
                names[key] = found[column].iloc[0]
    version = store.current_version()
    described = {k: str(v) for k, v in filters.items()}
    if scope is not None and not scope.unrestricted:
        described["scope"] = scope.describe()
    return ExportMeta(name, described,
                      int(version["version_id"]) if version else None,
                      version_at=pd.Timestamp(version["created_at"]).to_pydatetime() if version else None,
                      names=names)


def filters_text(meta: ExportMeta) -> str:
    """The filters as a reader says them, with the sidebar's labels and a chosen program or
    project by name beside its id: 年度：2022年；资金/部门：兰州新区应急管理局部门本级预算（LZ2022-YJJ）."""
    parts = []
    for key, value in meta.filters.items():
        label = FILTER_KEY_LABELS.get(key) or COLUMN_LABELS.get(key, key)
        name = meta.names.get(key)
        shown = f"{value}年" if key == "year" else f"{name}（{value}）" if name and name != value else value
        parts.append(f"{label}：{shown}")
    return "；".join(parts) or "全部"


def version_text(meta: ExportMeta) -> str:
    """v2（2026-12-01 21:30）; empty for a store without versions."""
    if meta.version_id is None:
        return ""
    when = f"（{pd.Timestamp(meta.version_at):%Y-%m-%d %H:%M}）" if meta.version_at is not None else ""
    return f"v{meta.version_id}{when}"


def header(column: str) -> str:
    """A column's exported header, with its unit: 全年预算数（万元）, 执行率（%）."""
    label = COLUMN_LABELS.get(column, column)
    if column in MONEY_COLUMNS and "万元" not in label:
        return f"{label}（万元）"
    if column in RATE_COLUMNS and "%" not in label:
        return f"{label}（%）"
    return label


def without_noise(frame: pd.DataFrame, percent: bool = False) -> pd.DataFrame:
    """Number columns rounded to the precision their figures have (see MONEY_DECIMALS), rates as
    percentages when ``percent``; other columns as they are. The frame given is not changed."""
    out = frame.copy()
    for col in out.columns:
        series = out[col]
        if col in MONEY_COLUMNS or col in RATE_COLUMNS:
            series = pd.to_numeric(series, errors="coerce")  # DECIMAL cells arrive as Decimal objects
        if not pd.api.types.is_float_dtype(series):
            continue
        if col in MONEY_COLUMNS:
            out[col] = series.round(MONEY_DECIMALS)
        elif col in RATE_COLUMNS and percent:
            out[col] = (series * 100).round(FLOAT_DECIMALS)
        else:
            out[col] = series.round(FLOAT_DECIMALS + (2 if col in RATE_COLUMNS else 0))
    return out


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
    """The frame with Chinese headers (with units) and formula-like text neutralized."""
    out = frame.rename(columns=header)
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralize)
    return out


def to_csv_bytes(frame: pd.DataFrame, name: str | None = None) -> bytes:
    """UTF-8 with BOM so Excel opens Chinese correctly; the headers name the units (万元, %), rates
    are written as percentages, and numbers carry their figures without binary noise."""
    return labelled(without_noise(frame, percent=True)).to_csv(index=False).encode("utf-8-sig")


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
    frame = without_noise(frame)
    headers = [header(c) for c in frame.columns]
    columns = [[_cell_value(v) for v in frame.iloc[:, i].tolist()] for i in range(len(frame.columns))]
    widths = []
    for idx, (heading, values) in enumerate(zip(headers, columns, strict=True), start=1):
        width = max([display_width(heading), *(display_width(v) for v in values[:WIDTH_SAMPLE_ROWS])])
        widths.append(max(8, min(60, width)))
        ws.column_dimensions[get_column_letter(idx)].width = widths[-1]
    print_setup(ws, print_title(name, meta), widths=widths)
    ws.freeze_panes = "A2"
    if len(frame.columns):
        ws.auto_filter.ref = f"A1:{get_column_letter(len(frame.columns))}{max(1, len(frame) + 1)}"

    header_cells = []
    for heading in headers:
        cell = WriteOnlyCell(ws, value=heading)
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
    info.append(["筛选条件", filters_text(meta)])
    info.append(["数据版本", version_text(meta)])
    info.append(["导出时间", meta.exported_at.strftime("%Y-%m-%d %H:%M:%S")])
    info.append(["行数", len(frame)])
    info.append(["金额单位", "万元"])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


PAPER_A4 = "9"  # OOXML paperSize code


# Column width units (Excel's, ~7 px each at 100%) one A4 landscape page holds at the smallest
# legible print: the sheets' 11 pt text at ≥ 8 pt is a scale of ≥ 73%; ~205 units fit at that
# scale between these margins, less a little for Excel's page breaks between columns.
LEGIBLE_PAGE_WIDTH = 185


def pages_wide(widths: list[float]) -> int:
    """How many pages across a sheet of these column widths prints on at ≥ 8 pt (at least 1):
    fitted to one page, a table of 20 columns printed at about 3 pt."""
    total = sum(widths) + 5 / 7 * len(widths)  # each column's padding, in width units
    return max(1, math.ceil(total / LEGIBLE_PAGE_WIDTH))


def print_setup(ws, title: str, header_rows: int = 1, widths: list[float] | None = None) -> None:
    """Print on A4 landscape, fitted to the page width (as many pages down as needed) — or, for a
    table of ``widths`` too wide for one page at ≥ 8 pt, to as many pages across as keep it
    legible, its first (identifying) column repeated on each — the header row repeated on every
    page, ``title`` (what was exported, with which filters) at the top and "第 N 页，共 M 页" at
    the bottom. Works on streaming (write-only) sheets too."""
    setup = ws.page_setup
    setup.paperSize = PAPER_A4
    setup.orientation = "landscape"
    across = pages_wide(widths) if widths else 1
    setup.fitToWidth = across
    setup.fitToHeight = 0
    if across > 1:
        ws.print_title_cols = "A:A"
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.75, bottom=0.6, header=0.3, footer=0.3)
    if header_rows:
        ws.print_title_rows = f"1:{header_rows}"
    ws.oddHeader.center.text = title.replace("&", "&&")
    ws.oddHeader.center.size = 10
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.center.size = 9


def print_title(name: str, meta: ExportMeta) -> str:
    """The printed title of an export:
    项目 · 筛选：资金/部门：…（LZ2022-YJJ） · 数据版本 v1（…） · 导出 2026-12-01 21:30"""
    version = f" · 数据版本 {version_text(meta)}" if meta.version_id is not None else ""
    return f"{title_of(name)} · 筛选：{filters_text(meta)}{version} · 导出 {meta.exported_at:%Y-%m-%d %H:%M}"


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
