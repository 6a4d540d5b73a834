"""Read dataset workbooks, validate every cell, and normalize them into typed tables.

Nothing here touches the database: a workbook goes in, typed rows and a list of findings come
out. A finding names the file, sheet, row and column (as Excel shows them) and the problem in
Chinese with English alongside, so an analyst can go straight to the cell. The file is opened
and checked by lib/intake/files.py; a whole load (datasets and forms) goes through
lib/intake/pipeline.py.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path

from openpyxl.utils import get_column_letter

from lib.intake import workbook_spec as spec
from lib.intake.files import Opened, open_file, sheet_paths
from lib.intake.types import (  # noqa: F401  (the shared types, where callers have imported them)
    CSV_DATASET_EN,
    CSV_DATASET_ZH,
    MAX_AMOUNT,
    MAX_FILE_BYTES,
    MAX_UNZIPPED_BYTES,
    OLD_WORD_EN,
    OLD_WORD_ZH,
    YUAN_PER_WAN,
    CellError,
    Finding,
    ParsedWorkbook,
    _fold,
    convert,
)

# Sheets an analyst may add for their own notes; everything else must be a known sheet.
IGNORED_SHEETS = {"说明", "填表说明", "README", "未归类数字"}  # 未归类数字: drafts from report text


def _header_in_yuan(text: str) -> bool:
    """A header such as 金额（元）: the column's amounts are 元 and are converted to 万元."""
    folded = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))
    return folded.endswith("(元)")


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_MERGE_RE = re.compile(rb'<mergeCell ref="([A-Z]+\d+(?::[A-Z]+\d+)?)"')
_CELL_RE = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*?(?:/>|>(.*?)</c>)', re.S)
_CACHED_VALUE_RE = re.compile(rb"<v>[^<]+</v>")
_ERROR_CELL_RE = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*?\bt="e"[^>]*>(.*?)</c>', re.S)


class _Sheet:
    """One worksheet's values (python-calamine: several times faster than openpyxl) and where
    its XML lies in the archive, for the merged-cell and formula scan."""

    def __init__(self, book, title: str, visible: bool, xml_path: str | None):
        self._book, self.title, self._worksheet_path = book, title, xml_path
        self.sheet_state = "visible" if visible else "hidden"

    def iter_rows(self, values_only: bool = True):
        # skip_empty_area=False: rows and columns count from A1, as Excel numbers them
        for row in self._book.get_sheet_by_name(self.title).to_python(skip_empty_area=False):
            yield tuple(row)


class _Book:
    """The worksheets of a workbook, in workbook order."""

    def __init__(self, book, archive: zipfile.ZipFile | None):
        """``book``: a python-calamine workbook; ``archive``: the .xlsx's zip (None for .xls, .ods)."""
        paths = sheet_paths(archive)
        self.worksheets = [
            _Sheet(book, meta.name, str(meta.visible).endswith("Visible"), paths.get(meta.name))
            for meta in book.sheets_metadata if str(meta.typ).endswith("WorkSheet")]
        self._book = book



def _sheet_xml_findings(archive: zipfile.ZipFile, ws, label: str) -> list[Finding]:
    """Merged cells and formulas, which the values alone do not show.

    A merged range in a data sheet hides which row a value belongs to; a formula's cached
    value may be stale or missing (a file written by a program that does not calculate).
    Both are refused, naming the cell, so what is imported is exactly what the analyst sees.
    """
    if archive is None:  # .xls / .ods: merged ranges from the reader; formulas count by their value
        ranges = ws._book.get_sheet_by_name(ws.title).merged_cell_ranges or []
        return [Finding(label, ws.title, a[0] + 1, f"{get_column_letter(a[1] + 1)}{a[0] + 1}",
                        "有合并单元格；请取消合并，每行每列各填一个值",
                        "merged cells; unmerge and fill one value per cell")
                for a, _ in ranges]
    try:
        xml = archive.read(ws._worksheet_path)
    except (KeyError, AttributeError, TypeError):
        return []
    found = []
    for ref in _MERGE_RE.findall(xml):
        cell = ref.decode()
        row = int(re.search(r"\d+", cell).group())
        found.append(Finding(label, ws.title, row, cell,
                             f"有合并单元格 {cell}；请取消合并，每行每列各填一个值",
                             f"merged cells {cell}; unmerge and fill one value per cell"))
    if b"<f" in xml:
        for match in _CELL_RE.finditer(xml):
            body = match.group(3) or b""
            if b"<f" not in body:
                continue
            cell = (match.group(1) + match.group(2)).decode()
            if _CACHED_VALUE_RE.search(body):
                zh = "单元格含公式；请复制后“选择性粘贴为数值”再上传"
                en = "cell holds a formula; paste it as a value before uploading"
            else:
                zh = "单元格含公式但没有计算结果；请在Excel中重新计算并粘贴为数值"
                en = "cell holds a formula with no calculated value; recalculate and paste as a value"
            found.append(Finding(label, ws.title, int(match.group(2)), cell, zh, en))
    if b't="e"' in xml:  # an error value typed in (#N/A, #REF!): the reader would see a blank
        for match in _ERROR_CELL_RE.finditer(xml):
            if b"<f" in match.group(3):
                continue  # reported above as a formula
            cell = (match.group(1) + match.group(2)).decode()
            value = re.sub(rb"</?v>", b"", match.group(3)).decode("utf-8", "replace")
            found.append(Finding(label, ws.title, int(match.group(2)), cell,
                                 f"单元格为错误值 {value}；请改为实际数值或文字后再上传",
                                 f"cell holds the error value {value}; enter the real value"))
    return found


def read_workbook(source: str | Path | bytes, file_label: str | None = None) -> ParsedWorkbook:
    """Read one workbook in the dataset format.

    Args:
        source: a path, or the file's bytes (an upload).
        file_label: the name findings use for the file; defaults to the path's name.
    Returns:
        ParsedWorkbook with typed rows per table and every finding; rows with findings are
        still returned so all problems are reported in one pass, but a workbook with any
        finding must not be imported.
    """
    label = file_label or (Path(source).name if isinstance(source, (str, Path)) else "上传文件")
    opened = open_file(source, label)
    try:
        return read_dataset(opened)
    finally:
        opened.close()


def read_dataset(opened: Opened) -> ParsedWorkbook:
    """Read a dataset workbook opened once (lib/intake/files.py): python-calamine for the values,
    the .xlsx's XML for merged cells, formulas and error values (see read_workbook)."""
    label = opened.label
    tables: dict[str, list[dict]] = {s.table: [] for s in spec.SHEETS}
    origins: dict[str, list[tuple[str, str, int]]] = {s.table: [] for s in spec.SHEETS}
    if opened.readable and opened.kind == "csv":
        return ParsedWorkbook(tables, [Finding(label, "", None, "", CSV_DATASET_ZH, CSV_DATASET_EN)], origins)
    if opened.readable and opened.kind not in ("xlsx", "xls", "ods"):
        return ParsedWorkbook(tables, [Finding(label, "", None, "",
                                               "压缩包中没有 Excel 工作簿（不是 .xlsx 文件）",
                                               "the archive holds no Excel workbook (not an .xlsx file)")],
                              origins)
    calamine = opened.calamine()
    findings = list(opened.findings)
    if calamine is None:
        return ParsedWorkbook(tables, findings, origins)
    archive = opened.archive
    book = _Book(calamine, archive)

    by_name = {_fold(s.name): s for s in spec.SHEETS} | {_fold(s.table): s for s in spec.SHEETS}
    seen: set[str] = set()
    for ws in book.worksheets:
        sheet = by_name.get(_fold(ws.title))
        if sheet is None:
            if ws.title.strip() not in IGNORED_SHEETS:
                known = "、".join(s.name for s in spec.SHEETS)
                findings.append(Finding(label, ws.title, None, "",
                                        f"未知的工作表；应为：{known}",
                                        "unknown sheet name"))
            continue
        if sheet.table in seen:
            findings.append(Finding(label, ws.title, None, "", "工作表重复", "duplicate sheet"))
            continue
        seen.add(sheet.table)
        if ws.sheet_state != "visible":
            findings.append(Finding(label, ws.title, None, "",
                                    "工作表处于隐藏状态；请取消隐藏、核对内容后再上传",
                                    "the sheet is hidden; unhide and check it before uploading"))
            continue
        findings.extend(_sheet_xml_findings(archive, ws, label))
        _read_sheet(ws, sheet, label, tables[sheet.table], origins[sheet.table], findings)
    for table in spec.REQUIRED_SHEETS:
        if table not in seen:
            findings.append(Finding(label, spec.SHEETS_BY_TABLE[table].name, None, "",
                                    "缺少必需的工作表", "required sheet is missing"))
    return ParsedWorkbook(tables, findings, origins)


def _read_sheet(ws, sheet: spec.Sheet, label: str, rows_out: list[dict],
                origins_out: list[tuple[str, str, int]], findings: list[Finding]) -> None:
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None or all(_is_blank(v) for v in header):
        findings.append(Finding(label, ws.title, 1, "", "缺少表头行", "missing header row"))
        return
    by_header = {_fold(c.header): c for c in sheet.columns} | {_fold(c.name): c for c in sheet.columns}
    positions: dict[int, spec.Column] = {}
    in_yuan: set[int] = set()
    for idx, title in enumerate(header):
        if _is_blank(title):
            continue
        col = by_header.get(_fold(title))
        letter = get_column_letter(idx + 1)
        if col is None:
            findings.append(Finding(label, ws.title, 1, f"{letter}列“{title}”",
                                    "未知的列名", "unknown column header"))
        elif col in positions.values():
            findings.append(Finding(label, ws.title, 1, f"{letter}列“{title}”",
                                    "列名重复", "duplicate column header"))
        else:
            positions[idx] = col
            if col.type == spec.MONEY and _header_in_yuan(title):
                in_yuan.add(idx)
    present = set(positions.values())
    for col in sheet.columns:
        if col.required and col not in present:
            findings.append(Finding(label, ws.title, 1, col.header,
                                    "缺少必填列", "required column is missing"))
    if any(c.required and c not in present for c in sheet.columns):
        return

    # Per column once, not per cell: where a finding points, and how to convert.
    columns = [(idx, col, f"{get_column_letter(idx + 1)}列“{col.header}”", idx in in_yuan, _converter(col))
               for idx, col in positions.items()]
    names = [c.name for c in sheet.columns]
    for row_no, values in enumerate(rows, start=2):
        if values is None or _blank_row(values):
            continue
        record: dict = dict.fromkeys(names)
        width = len(values)
        for idx, col, where, yuan, conv in columns:
            value = values[idx] if idx < width else None
            if value is None or value == "" or (type(value) is str and not value.strip()):
                if col.required:
                    findings.append(Finding(label, ws.title, row_no, where,
                                            "必填单元格为空", "required cell is empty"))
                continue
            try:
                if yuan and isinstance(value, (int, float)) and not isinstance(value, bool):
                    value = value / YUAN_PER_WAN
                record[col.name] = conv(value)
            except CellError as err:
                findings.append(Finding(label, ws.title, row_no, where, err.zh, err.en))
        rows_out.append(record)
        origins_out.append((label, ws.title, row_no))


def _converter(column: spec.Column) -> Callable[[object], object]:
    """convert() for one column, with a shortcut for the common cell of its type."""
    if column.type == spec.TEXT:
        return lambda value: value.strip() if type(value) is str else convert(value, column)
    # The shortcuts return exactly what convert() returns for the same cell; anything else
    # (text numbers, out-of-range values, booleans) goes through convert() and its messages.
    # (low, high, whether high itself is allowed), as convert() checks them
    numeric_range = {spec.MONEY: (0, MAX_AMOUNT, False), spec.NUMBER: (0, math.inf, False),
                     spec.SCORE: (0, 100, True), spec.RATE: (0, 2, True), spec.SHARE: (0, 1, True)
                     }.get(column.type)
    if numeric_range is not None:
        low, high, closed = numeric_range

        def number(value: object) -> object:
            if type(value) is float or type(value) is int:
                number = float(value)
                if low <= number < high or (closed and number == high):
                    return number
            return convert(value, column)
        return number
    if column.type == spec.INT:
        def whole(value: object) -> object:
            if type(value) is int:
                return value
            if type(value) is float and value.is_integer():
                return int(value)
            return convert(value, column)
        return whole
    if column.type in (spec.RATING, spec.CHOICE):
        choices = frozenset(column.choices)
        return lambda value: value if type(value) is str and value in choices else convert(value, column)
    if column.type == spec.DATE:
        return lambda value: value.date() if type(value) is dt.datetime else convert(value, column)
    return lambda value: convert(value, column)


def _blank_row(values) -> bool:
    """Every cell empty or only whitespace (cheap for the common case of filled rows)."""
    for v in values:
        if v is None or v == "":
            continue
        if type(v) is str and not v.strip():
            continue
        return False
    return True
