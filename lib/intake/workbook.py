"""Read dataset workbooks, validate every cell, and normalize them into typed tables.

Nothing here touches the database: a workbook goes in, typed rows and a list of findings come
out. A finding names the file, sheet, row and column (as Excel shows them) and the problem in
Chinese with English alongside, so an analyst can go straight to the cell.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook

from lib.intake import workbook_spec as spec

MAX_FILE_BYTES = 50 * 1024 * 1024
# DECIMAL(18,6) holds up to 10^12 万元; anything larger is a keying error, not a budget.
MAX_AMOUNT = 1e12
YUAN_PER_WAN = 10_000
# Sheets an analyst may add for their own notes; everything else must be a known sheet.
IGNORED_SHEETS = {"说明", "填表说明", "README", "未归类数字"}  # 未归类数字: drafts from report text


@dataclass(frozen=True)
class Finding:
    """One problem in an input workbook. ``row`` and ``column`` are as Excel shows them."""

    file: str
    sheet: str
    row: int | None
    column: str
    problem: str
    problem_en: str

    def as_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        where = f"{self.file} › {self.sheet}" if self.sheet else self.file
        if self.row:
            where += f" › 第{self.row}行"
        if self.column:
            where += f" › {self.column}"
        return f"{where}：{self.problem}（{self.problem_en}）"


class CellError(ValueError):
    def __init__(self, zh: str, en: str):
        super().__init__(zh)
        self.zh, self.en = zh, en


@dataclass
class ParsedWorkbook:
    """Typed rows per table (storage column names) and the findings that reject them."""

    tables: dict[str, list[dict]]
    findings: list[Finding]
    # where each row came from (file, sheet, Excel row), for findings raised after parsing
    origins: dict[str, list[tuple[str, str, int]]]
    # official forms only: cells read but not stored (lib.intake.coverage.Unmapped), and how many
    # non-empty cells the forms had and how many of them were accounted for
    unmapped: list = field(default_factory=list)
    cells_read: int = 0
    cells_stored: int = 0

    @property
    def blocking_unmapped(self) -> list:
        """What was not imported and waits for a decision (map it, or accept it as not imported)."""
        return [u for u in self.unmapped if u.blocking]

    @property
    def coverage(self) -> float | None:
        """Share of the forms' non-empty cells that were stored or read as labels (None: no form)."""
        return self.cells_stored / self.cells_read if self.cells_read else None

    @property
    def ok(self) -> bool:
        return not self.findings


def _fold(text: str) -> str:
    """Header matching ignores width, spaces, and a trailing unit such as （万元）."""
    folded = unicodedata.normalize("NFKC", str(text))
    folded = re.sub(r"\s+", "", folded)
    folded = re.sub(r"\((万元|元|%|％)\)$", "", folded)
    return folded.lower()


def _header_in_yuan(text: str) -> bool:
    """A header such as 金额（元）: the column's amounts are 元 and are converted to 万元."""
    folded = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))
    return folded.endswith("(元)")


_WHAT_EN = {"整数": "a whole number", "金额（万元）": "an amount in wan yuan (10,000 CNY)",
            "数值": "a number", "分数": "a score", "比率": "a rate", "完成比例": "a completion share"}


def _number(value: object, what: str) -> float:
    """A number from a cell; text may carry thousands separators and, for amounts, a unit."""
    what_en = _WHAT_EN.get(what, "a number")
    if isinstance(value, bool):
        raise CellError(f"应为{what}，不是逻辑值", f"expected {what_en}, got a boolean")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise CellError(f"应为{what}", f"expected {what_en}")
        return float(value)
    text = unicodedata.normalize("NFKC", str(value)).strip().replace(",", "")
    scale = 1.0
    if what.startswith("金额"):
        if text.endswith("万元"):
            text = text[:-2]
        elif text.endswith("元"):  # 元 written in a 万元 column
            text, scale = text[:-1], 1 / YUAN_PER_WAN
    try:
        number = float(text) * scale
    except ValueError:
        raise CellError(f"应为{what}，实际为“{value}”", f"expected {what_en}, got '{value}'") from None
    if not math.isfinite(number):
        raise CellError(f"应为{what}，实际为“{value}”", f"expected {what_en}, got '{value}'")
    return number


def _fraction(value: object, what: str) -> float:
    """A rate cell: a fraction (Excel percent format) or text with a % sign."""
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        if text.endswith("%"):
            return _number(text[:-1], what) / 100
    return _number(value, what)


def convert(value: object, column: spec.Column) -> object:
    """Convert one non-empty cell to its column's type; raise CellError with the reason."""
    t = column.type
    if t == spec.TEXT:
        if type(value) is str:
            return value.strip()
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, (dt.datetime, dt.date)):
            return value.isoformat()[:10]
        return str(value).strip()
    if t == spec.INT:
        number = _number(value, "整数")
        if not number.is_integer():
            raise CellError(f"应为整数，实际为 {value}", f"expected a whole number, got {value}")
        return int(number)
    if t == spec.MONEY:
        number = _number(value, "金额（万元）")
        if number < 0:
            raise CellError(f"金额不能为负数：{value}", f"amount must not be negative: {value}")
        if number >= MAX_AMOUNT:
            raise CellError(f"金额过大（应小于10^12万元）：{value}",
                            f"amount too large (must be below 10^12 wan yuan): {value}")
        return number
    if t == spec.NUMBER:
        number = _number(value, "数值")
        if number < 0:
            raise CellError(f"数值不能为负数：{value}", f"value must not be negative: {value}")
        return number
    if t == spec.SCORE:
        number = _number(value, "分数")
        if not 0 <= number <= 100:
            raise CellError(f"分数应在0–100之间，实际为 {value}", f"score must be 0-100, got {value}")
        return number
    if t == spec.RATE:
        number = _fraction(value, "比率")
        if not 0 <= number <= 2:
            raise CellError(
                f"比率应在0%–200%之间（填写94.65%或0.9465），实际为 {value}",
                f"rate must be 0%-200% (write 94.65% or 0.9465), got {value}",
            )
        return number
    if t == spec.SHARE:
        number = _fraction(value, "完成比例")
        if not 0 <= number <= 1:
            raise CellError(
                f"完成比例应在0%–100%之间，实际为 {value}",
                f"completion share must be 0%-100%, got {value}",
            )
        return number
    if t == spec.DATE:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = unicodedata.normalize("NFKC", str(value)).strip()
        m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text)
        if m:
            try:
                return dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                pass
        raise CellError(f"应为日期（如2023-12-31），实际为“{value}”", f"expected a date, got '{value}'")
    if t in (spec.RATING, spec.CHOICE):
        text = re.sub(r"[\s“”\"']", "", unicodedata.normalize("NFKC", str(value)))
        if text not in column.choices:
            allowed = "、".join(column.choices)
            raise CellError(
                f"应为以下之一：{allowed}；实际为“{value}”", f"must be one of {column.choices}, got '{value}'"
            )
        return text
    raise AssertionError(f"unknown column type {t}")


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OLD_WORD_ZH = ("这是 Word 97-2003（.doc）或 WPS 文字（.wps）文件，无法直接读取；"
               "请在 Word 或 WPS 中“另存为”.docx 后再上传")
OLD_WORD_EN = "a .doc or .wps file cannot be read; save it as .docx (Word) and upload that"
# A CSV holds one table: as a dataset it would replace a program's every record with that one
# sheet's, so it is refused with the way to bring it in (an official form as CSV is read).
CSV_DATASET_ZH = ("CSV 文件只有一张表，不能直接作为数据工作簿导入（数据工作簿按“资金/部门编号”整体替换"
                  "来源、项目、资金分配、指标等全部工作表）：请在“模板下载”部分下载数据模板，"
                  "把 CSV 的内容粘贴到对应工作表（如“项目”），另存为 .xlsx 后上传；"
                  "官方自评表另存的 CSV 可直接上传。")
CSV_DATASET_EN = ("a CSV holds one table and cannot be imported as a dataset workbook: paste it into the "
                  "matching sheet of the template and upload the .xlsx (an official form saved as CSV "
                  "is read)")
# A workbook that unpacks to more than this is refused before anything parses it (zip bomb).
MAX_UNZIPPED_BYTES = 500 * 1024 * 1024
_MERGE_RE = re.compile(rb'<mergeCell ref="([A-Z]+\d+(?::[A-Z]+\d+)?)"')
_CELL_RE = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*?(?:/>|>(.*?)</c>)', re.S)
_CACHED_VALUE_RE = re.compile(rb"<v>[^<]+</v>")
_ERROR_CELL_RE = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*?\bt="e"[^>]*>(.*?)</c>', re.S)


class _Sheet:
    """One worksheet's values (python-calamine: several times faster than openpyxl) and where
    its XML lies in the archive, for the merged-cell and formula scan."""

    def __init__(self, book: CalamineWorkbook, title: str, visible: bool, xml_path: str | None):
        self._book, self.title, self._worksheet_path = book, title, xml_path
        self.sheet_state = "visible" if visible else "hidden"

    def iter_rows(self, values_only: bool = True):
        # skip_empty_area=False: rows and columns count from A1, as Excel numbers them
        for row in self._book.get_sheet_by_name(self.title).to_python(skip_empty_area=False):
            yield tuple(row)


class _Book:
    """The worksheets of a workbook, in workbook order."""

    def __init__(self, book: CalamineWorkbook, archive: zipfile.ZipFile | None):
        paths = _sheet_paths(archive) if archive is not None else {}
        self.worksheets = [
            _Sheet(book, meta.name, str(meta.visible).endswith("Visible"), paths.get(meta.name))
            for meta in book.sheets_metadata if str(meta.typ).endswith("WorkSheet")]
        self._book = book

    def close(self) -> None:
        self._book.close()


_SHEET_RE = re.compile(r'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]*)"')
_REL_RE = re.compile(r'<Relationship\b[^>]*>')


def _sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> path of its XML in the archive (from workbook.xml and its relationships)."""
    import html

    try:
        workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
        rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    except KeyError:
        return {}
    targets = {}
    for tag in _REL_RE.findall(rels):
        rel_id, target = re.search(r'\bId="([^"]*)"', tag), re.search(r'\bTarget="([^"]*)"', tag)
        if rel_id and target:
            path = target.group(1)
            targets[rel_id.group(1)] = path.lstrip("/") if path.startswith("/") else f"xl/{path}"
    return {html.unescape(name): targets[rid] for name, rid in _SHEET_RE.findall(workbook) if rid in targets}


def _open(source: str | Path | bytes, file_label: str
          ) -> tuple[_Book | None, zipfile.ZipFile | None, list[Finding]]:
    """Open a workbook for reading, or say in one finding why the file cannot be read."""
    def file_finding(zh: str, en: str) -> tuple[None, None, list[Finding]]:
        return None, None, [Finding(file_label, "", None, "", zh, en)]

    data = Path(source).read_bytes() if isinstance(source, (str, Path)) else bytes(source)
    if not data:
        return file_finding("文件为空", "the file is empty")
    if len(data) > MAX_FILE_BYTES:
        mb = MAX_FILE_BYTES // (1024 * 1024)
        return file_finding(f"文件超过{mb}MB上限", f"file exceeds the {mb} MB limit")
    name = file_label.lower()
    is_ods = name.endswith(".ods") and zipfile.is_zipfile(io.BytesIO(data))
    if data.startswith(_OLE_SIGNATURE) and name.endswith(".xls") or is_ods:
        try:  # .xls and .ods: python-calamine reads both (no XML to scan for merges and formulas)
            return _Book(CalamineWorkbook.from_filelike(io.BytesIO(data)), None), None, []
        except Exception as exc:  # the reader raises several types for damaged or encrypted files
            return file_finding(f"无法读取工作簿（可能设有打开密码）：{exc}",
                                f"cannot read the workbook (password-protected?): {exc}")
    if data.startswith(_OLE_SIGNATURE) and name.endswith((".doc", ".wps")):
        return file_finding(OLD_WORD_ZH, OLD_WORD_EN)
    if name.endswith(".csv") and not zipfile.is_zipfile(io.BytesIO(data)):
        return file_finding(CSV_DATASET_ZH, CSV_DATASET_EN)
    if data.startswith(_OLE_SIGNATURE):
        return file_finding(
            "文件设有打开密码（已加密），或是旧版 .xls 格式；请取消密码并另存为 .xlsx 后再上传",
            "the file is password-protected (encrypted) or an old .xls file; save it as a plain .xlsx")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return file_finding("不是有效的 .xlsx 文件（可能是改了扩展名的其他文件）",
                            "not a valid .xlsx file (perhaps another file renamed to .xlsx)")
    archive = zipfile.ZipFile(io.BytesIO(data))
    unzipped = sum(info.file_size for info in archive.infolist())
    if unzipped > MAX_UNZIPPED_BYTES:
        return file_finding(
            f"文件解压后达 {unzipped // (1024 * 1024)}MB，超过上限（疑似压缩炸弹）",
            f"the file unpacks to {unzipped // (1024 * 1024)} MB, over the limit (zip bomb?)")
    if "xl/workbook.xml" not in archive.namelist():
        return file_finding("压缩包中没有 Excel 工作簿（不是 .xlsx 文件）",
                            "the archive holds no Excel workbook (not an .xlsx file)")
    try:
        book = _Book(CalamineWorkbook.from_filelike(io.BytesIO(data)), archive)
    except Exception as exc:  # the reader raises several types for damaged files
        return file_finding(f"无法读取工作簿：{exc}", f"cannot read the workbook: {exc}")
    return book, archive, []


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
    book, archive, findings = _open(source, label)
    tables: dict[str, list[dict]] = {s.table: [] for s in spec.SHEETS}
    origins: dict[str, list[tuple[str, str, int]]] = {s.table: [] for s in spec.SHEETS}
    if book is None:
        return ParsedWorkbook(tables, findings, origins)

    by_name = {_fold(s.name): s for s in spec.SHEETS} | {_fold(s.table): s for s in spec.SHEETS}
    seen: set[str] = set()
    try:
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
    finally:
        book.close()
        if archive is not None:
            archive.close()

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


def read_workbooks(sources: list[tuple[str, str | Path | bytes]],
                   on_file: Callable[[int, int, str], None] | None = None,
                   layouts: Iterable = (), layout=None) -> ParsedWorkbook:
    """Read and validate several workbooks as one load.

    Args:
        sources: (file label, path or bytes) pairs.
        layouts, layout: saved column mappings for official forms (lib.intake.forms.read_form).
    Returns:
        The merged ParsedWorkbook; its findings include duplicate keys and unknown
        references across all files.
    """
    merged = ParsedWorkbook({s.table: [] for s in spec.SHEETS}, [],
                            {s.table: [] for s in spec.SHEETS})
    for i, (label, source) in enumerate(sources):
        if on_file:
            on_file(i, len(sources), label)
        from lib.intake import forms  # here, not at the top: forms imports this module

        if forms.detect_format(source, label) == "form":  # an official 自评表, read by its labels
            one = forms.read_form(source, label, layouts, layout)
            forms.merge_into(merged, one)  # forms of one department and year share a program
        else:
            one = read_workbook(source, label)
        merged.findings.extend(one.findings)
        merged.unmapped.extend(one.unmapped)
        merged.cells_read += one.cells_read
        merged.cells_stored += one.cells_stored
        for table, rows in one.tables.items():
            merged.tables[table].extend(rows)
            merged.origins[table].extend(one.origins[table])
    from lib.intake.workbook_checks import cross_checks  # here: it imports this module's types

    merged.findings.extend(cross_checks(merged))
    return merged
