"""A file opened once, into grids: the first step of every load (lib/intake/pipeline.py).

The bytes are sniffed once (``file_kind``) and checked once (empty, size, zip bomb, encrypted or
old binary formats, a zip that holds no workbook), with one finding saying why a file cannot be
read. What is then parsed depends on what the file turns out to be, and each parse happens once:

* .xlsx: the archive's index gives the sheet names (a dataset workbook is known by them); a form
  is parsed by openpyxl once, in normal mode (merged ranges and number formats known), its
  formulas taken from the sheets' XML; a dataset workbook by python-calamine (much faster on
  large sheets), ``calamine()``.
* .xls and .ods: python-calamine, once, for both (their percent formats from the file itself, so
  0.9 in a % cell reads "90%" as in the .xlsx).
* .docx: every table, with its merged cells (gridSpan, vMerge) and the paragraphs above it.
* .csv: one grid of text cells (UTF-8, else GB18030 as Excel on a Chinese Windows saves it): an
  official form saved as CSV reads like its .xlsx; a dataset sheet as CSV is refused with the fix.
* .doc / .wps: a message saying to save them as .docx.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from pathlib import Path

from lib.intake.form_grid import _Grid
from lib.intake.form_layout import MAX_FORM_COLS, MAX_FORM_ROWS
from lib.intake.types import MAX_FILE_BYTES, MAX_UNZIPPED_BYTES, OLD_WORD_EN, OLD_WORD_ZH, Finding

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FORM_TITLE = re.compile(r"(自评表|评价表|目标表|审批表)")
# A form's sheet is a few hundred cells: a sheet whose XML is larger than this is not read as a form
# (openpyxl in normal mode would take minutes over it); the dataset reader says what it is.
MAX_FORM_SHEET_XML = 8 * 1024 * 1024


def file_kind(data: bytes, label: str) -> str:
    """"xlsx", "docx", "ods", "xls", "doc" (.doc/.wps), "csv" or "other", from the bytes (the
    name decides only between the old binary formats, which share one container, and for text:
    a .csv that is no zip or OLE container is read as comma-separated text)."""
    name = label.lower()
    if name.endswith(".csv") and not data.startswith(_OLE) and not zipfile.is_zipfile(io.BytesIO(data)):
        return "csv"
    if data.startswith(_OLE):
        if name.endswith((".doc", ".wps", ".dot")):
            return "doc"
        return "xls" if name.endswith((".xls", ".et")) else "other"
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return "other"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names:
                return "docx"
            if "mimetype" in names and b"opendocument.spreadsheet" in archive.read("mimetype"):
                return "ods"
    except (zipfile.BadZipFile, OSError):
        return "other"
    return "xlsx"


def file_problem(label: str, zh: str, en: str) -> Finding:
    """A finding about the whole file."""
    return Finding(label, "", None, "", zh, en)


def unreadable(label: str, exc: Exception, what: str = "文件") -> list[Finding]:
    return [file_problem(label, f"无法读取{what}：{exc}", f"cannot read the file: {exc}")]


def old_word_finding(label: str) -> Finding:
    return Finding(label, "", None, "", OLD_WORD_ZH, OLD_WORD_EN)


def source_bytes(source: str | Path | bytes) -> bytes:
    return Path(source).read_bytes() if isinstance(source, (str, Path)) else bytes(source)


class Opened:
    """One file of a load, opened once: its kind, why it cannot be read (``findings``), and its
    contents parsed on first use, then kept (``sheet_names``, ``grids``, ``calamine``)."""

    def __init__(self, label: str, data: bytes):
        self.label, self.data = label, data
        self.findings: list[Finding] = []
        self.kind = "other"
        self.archive: zipfile.ZipFile | None = None
        self._names: list[str] | None = None
        self._grids: list[_Grid] | None = None
        self._calamine = None
        self._check()

    # -------------------------------------------------------------- the checks, once
    def _refuse(self, zh: str, en: str) -> None:
        self.findings.append(file_problem(self.label, zh, en))

    def _check(self) -> None:
        data, name = self.data, self.label.lower()
        if not data:
            return self._refuse("文件为空", "the file is empty")
        if len(data) > MAX_FILE_BYTES:
            mb = MAX_FILE_BYTES // (1024 * 1024)
            return self._refuse(f"文件超过{mb}MB上限", f"file exceeds the {mb} MB limit")
        self.kind = file_kind(data, self.label)
        if self.kind == "doc":
            return self.findings.append(old_word_finding(self.label))
        if self.kind == "other":
            if data.startswith(_OLE):
                return self._refuse(
                    "文件设有打开密码（已加密），或是旧版 .xls 格式；请取消密码并另存为 .xlsx 后再上传",
                    "the file is password-protected (encrypted) or an old .xls file; "
                    "save it as a plain .xlsx")
            if name.endswith(".ods"):
                return self._refuse("不是有效的 .ods 文件", "not a valid .ods file")
            return self._refuse("不是有效的 .xlsx 文件（可能是改了扩展名的其他文件）",
                                "not a valid .xlsx file (perhaps another file renamed to .xlsx)")
        if self.kind in ("xls", "csv"):
            return None
        archive = zipfile.ZipFile(io.BytesIO(data))
        unzipped = sum(info.file_size for info in archive.infolist())
        if unzipped > MAX_UNZIPPED_BYTES:
            archive.close()
            return self._refuse(
                f"文件解压后达 {unzipped // (1024 * 1024)}MB，超过上限（疑似压缩炸弹）",
                f"the file unpacks to {unzipped // (1024 * 1024)} MB, over the limit (zip bomb?)")
        if self.kind == "xlsx" and "xl/workbook.xml" not in archive.namelist():
            archive.close()
            return self._refuse("压缩包中没有 Excel 工作簿（不是 .xlsx 文件）",
                                "the archive holds no Excel workbook (not an .xlsx file)")
        self.archive = archive
        return None

    @property
    def readable(self) -> bool:
        return not self.findings

    def close(self) -> None:
        if self._calamine is not None:
            self._calamine.close()
            self._calamine = None
        if self.archive is not None:
            self.archive.close()
            self.archive = None

    # -------------------------------------------------------------- contents, each parsed once
    def sheet_names(self) -> list[str]:
        """The workbook's sheet names, in order (an .xlsx's from its index, without parsing the
        sheets); none for a Word file or an unreadable one."""
        if self._names is None:
            self._names = []
            if self.readable and self.kind == "xlsx":
                self._names = list(sheet_paths(self.archive))
            elif self.readable and self.kind in ("xls", "ods") and self.calamine() is not None:
                self._names = [m.name for m in self._calamine.sheets_metadata
                               if str(m.typ).endswith("WorkSheet")]
        return self._names

    def calamine(self):
        """The workbook opened by python-calamine (None, with a finding, when it cannot be)."""
        if self._calamine is None and self.readable and self.kind in ("xlsx", "xls", "ods"):
            from python_calamine import CalamineWorkbook

            try:
                self._calamine = CalamineWorkbook.from_filelike(io.BytesIO(self.data))
            except Exception as exc:  # the reader raises several types for damaged or encrypted files
                if self.kind == "xlsx":
                    self._refuse(f"无法读取工作簿：{exc}", f"cannot read the workbook: {exc}")
                else:
                    self._refuse(f"无法读取工作簿（可能设有打开密码）：{exc}",
                                 f"cannot read the workbook (password-protected?): {exc}")
        return self._calamine

    def grids(self) -> list[_Grid]:
        """The file's tables as form grids: every sheet of a workbook, every form of a Word file."""
        if self._grids is None:
            self._grids = []
            if self.readable:
                if self.kind == "docx":
                    self._grids, problems = docx_grids(self.data, self.label)
                elif self.kind == "csv":
                    self._grids, problems = csv_grids(self.data, self.label)
                elif self.kind == "xlsx":
                    self._grids, problems = self._xlsx_grids()
                else:
                    book = self.calamine()
                    self._grids, problems = (calamine_grids(self.data, self.label, book)
                                             if book is not None else ([], []))
                self.findings.extend(problems)
        return self._grids

    def _xlsx_grids(self) -> tuple[list[_Grid], list[Finding]]:
        """Every sheet by openpyxl in normal mode (merged ranges, number formats), once; which
        cells hold formulas from the sheets' XML (openpyxl would need a second parse for them)."""
        import openpyxl

        paths = sheet_paths(self.archive)
        sizes = {i.filename: i.file_size for i in self.archive.infolist()}
        if any(sizes.get(p, 0) > MAX_FORM_SHEET_XML for p in paths.values()):
            return [], []  # not a form: too large to be one
        try:
            book = openpyxl.load_workbook(io.BytesIO(self.data), data_only=True)
        except Exception as exc:  # openpyxl raises many types for damaged files
            return [], unreadable(self.label, exc)
        try:
            grids = [_Grid.from_openpyxl(ws, formula_cells(self.archive, paths.get(ws.title)))
                     for ws in book.worksheets]
        finally:
            book.close()
        return grids, []


def csv_text(data: bytes) -> str:
    """The text of a CSV as agencies save it: UTF-8 (with or without BOM), else GB18030 (Excel's
    "CSV" on a Chinese Windows writes GBK)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def csv_grids(data: bytes, label: str) -> tuple[list[_Grid], list[Finding]]:
    """A CSV as one grid (no merged cells, every value text, as a Word table's): an official
    form saved as CSV reads by its labels like the .xlsx it came from."""
    import csv

    rows = csv.reader(io.StringIO(csv_text(data)))
    cells = {(r, c): value.strip() for r, row in enumerate(rows, start=1) if r <= MAX_FORM_ROWS
             for c, value in enumerate(row, start=1) if value.strip() and c <= MAX_FORM_COLS}
    title = label.rsplit("/", 1)[-1].rsplit(".", 1)[0] or label
    return [_Grid(title, cells, {}, [])], []


def open_file(source: str | Path | bytes, label: str) -> Opened:
    """Open one file of a load (see the module docstring)."""
    return Opened(label, source_bytes(source))


_SHEET_RE = re.compile(r'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]*)"')
_REL_RE = re.compile(r'<Relationship\b[^>]*>')
_CELL_RE = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*?(?:/>|>(.*?)</c>)', re.S)


def sheet_paths(archive: zipfile.ZipFile | None) -> dict[str, str]:
    """Sheet name -> path of its XML in the archive (from workbook.xml and its relationships),
    in workbook order."""
    if archive is None:
        return {}
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


def formula_cells(archive: zipfile.ZipFile | None, path: str | None) -> set[tuple[int, int]]:
    """(row, column) of the cells holding a formula in one sheet's XML, within the form corner."""
    from openpyxl.utils import column_index_from_string

    if archive is None or path is None:
        return set()
    try:
        xml = archive.read(path)
    except KeyError:
        return set()
    if b"<f" not in xml:
        return set()
    found = set()
    for match in _CELL_RE.finditer(xml):
        if b"<f" in (match.group(3) or b""):
            r, c = int(match.group(2)), column_index_from_string(match.group(1).decode())
            if r <= MAX_FORM_ROWS and c <= MAX_FORM_COLS:
                found.add((r, c))
    return found


# ---------------------------------------------------------------- Word


def _cell_text(tc) -> str:
    """A table cell's text: its paragraphs joined by line breaks."""
    return "\n".join(_paragraph_text(p) for p in tc.iter(f"{_W}p")).strip()


def _paragraph_text(p) -> str:
    """A paragraph's text, its line breaks (w:br, w:cr) and tabs kept."""
    parts = []
    for node in p.iter(f"{_W}t", f"{_W}br", f"{_W}cr", f"{_W}tab"):
        parts.append(node.text or "" if node.tag == f"{_W}t" else "\t" if node.tag == f"{_W}tab" else "\n")
    return "".join(parts).strip()


def docx_grids(data: bytes, label: str) -> tuple[list[_Grid], list[Finding]]:
    """One grid per form in a Word document.

    The document is read in order: paragraphs become one-cell rows (a title, "（2023年度）",
    "单位：万元"), each table's rows follow with its merged cells as merged ranges. A paragraph
    that names a form (…自评表) after a table starts the next form, so a document with several
    projects gives several grids ("表1", "表2" …).
    """
    try:
        import docx  # python-docx

        body = docx.Document(io.BytesIO(data)).element.body
    except Exception as exc:  # python-docx raises several types for damaged files
        return [], unreadable(label, exc, "Word 文件（.docx）")
    forms: list[tuple[dict, list]] = []
    cells: dict[tuple[int, int], object] = {}
    merged: list[tuple[int, int, int, int]] = []
    row, seen_table = 0, False
    for child in body.iterchildren():
        if child.tag == f"{_W}p":
            text = _paragraph_text(child)
            if not text:
                continue
            if seen_table and _FORM_TITLE.search(text):
                forms.append((cells, merged))
                cells, merged, row, seen_table = {}, [], 0, False
            row += 1
            cells[(row, 1)] = text
        elif child.tag == f"{_W}tbl":
            row = _table_into(child, cells, merged, row)
            seen_table = True
    forms.append((cells, merged))
    grids = [_Grid(f"表{i}" if len(forms) > 1 else "表1", c, {}, m)
             for i, (c, m) in enumerate(forms, start=1) if c]
    return grids, []


def _table_into(tbl, cells: dict, merged: list, row: int) -> int:
    """Put a Word table's rows below ``row``; returns the last row used."""
    open_down: dict[int, list[int]] = {}  # grid column -> [r0, c0, r1, c1] of a vertical merge
    for tr in tbl.iter(f"{_W}tr"):
        if tr.getparent() is not tbl:
            continue  # a table nested in a cell is read as that cell's text
        row += 1
        col = 1
        before = tr.find(f"{_W}trPr/{_W}gridBefore")
        if before is not None:
            col += int(before.get(f"{_W}val", "0"))
        for tc in tr.findall(f"{_W}tc"):
            props = tc.find(f"{_W}tcPr")
            span, vmerge = 1, None
            if props is not None:
                gs = props.find(f"{_W}gridSpan")
                if gs is not None:
                    span = int(gs.get(f"{_W}val", "1"))
                vm = props.find(f"{_W}vMerge")
                if vm is not None:
                    vmerge = vm.get(f"{_W}val", "continue")
            if vmerge == "continue" and col in open_down:
                open_down[col][2] = row
            else:
                text = _cell_text(tc)
                if text:
                    cells[(row, col)] = text
                rng = [row, col, row, col + span - 1]
                open_down.pop(col, None)
                if vmerge == "restart":
                    open_down[col] = rng
                if span > 1 or vmerge == "restart":
                    merged.append(rng)  # the list is shared: a later continue extends it
            col += span
    return row


# ---------------------------------------------------------------- .xls and .ods


def calamine_grids(data: bytes, label: str, book=None) -> tuple[list[_Grid], list[Finding]]:
    """Every sheet of an .xls or .ods workbook as a grid (values and merged ranges; these
    formats keep a formula's last value, which is what is read). ``book``: the workbook as
    python-calamine opened it already (``Opened.calamine``); without it the bytes are opened
    and checked here."""
    if book is None:
        opened = Opened(label, data)
        try:
            return opened.grids(), opened.findings
        finally:
            opened.close()
    percent = _percent_cells(data, label)
    ods_merged = _ods_merged(data) if file_kind(data, label) == "ods" else {}
    grids = []
    for meta in book.sheets_metadata:
        if not str(meta.typ).endswith("WorkSheet"):
            continue
        sheet = book.get_sheet_by_name(meta.name)
        cells = {(r, c): v for r, values in enumerate(sheet.to_python(skip_empty_area=False), start=1)
                 for c, v in enumerate(values, start=1) if v is not None and v != ""}
        ranges = sheet.merged_cell_ranges or []
        merged = [(a[0] + 1, a[1] + 1, b[0] + 1, b[1] + 1) for a, b in ranges]
        if not merged and meta.name in ods_merged:  # python-calamine gives an .ods none
            merged = ods_merged[meta.name]
        formats = {p: "0%" for p in percent.get(meta.name, ())}
        visible = str(meta.visible).endswith("Visible")
        grids.append(_Grid(meta.name, cells, formats, merged, None, visible))
    return grids, []


def _percent_cells(data: bytes, label: str) -> dict[str, set[tuple[int, int]]]:
    """sheet -> the (row, column) of cells shown as percentages. python-calamine gives values
    only: a rate typed as 0.9 in a % cell would read 0.9, and "0.9" beside a 度量单位 "%" as
    "0.9%". A file these cannot parse gives none (its values are still read, or reported)."""
    try:
        return _xls_percent_cells(data) if file_kind(data, label) == "xls" else _ods_percent_cells(data)
    except Exception:  # damaged files are calamine's to report
        return {}


def _xls_percent_cells(data: bytes) -> dict[str, set[tuple[int, int]]]:
    import xlrd

    book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    out: dict[str, set[tuple[int, int]]] = {}
    try:
        for sheet in book.sheets():
            found = out.setdefault(sheet.name, set())
            for r in range(min(sheet.nrows, MAX_FORM_ROWS)):
                for c in range(min(sheet.ncols, MAX_FORM_COLS)):
                    fmt = book.format_map.get(book.xf_list[sheet.cell_xf_index(r, c)].format_key)
                    if fmt is not None and "%" in fmt.format_str:
                        found.add((r + 1, c + 1))
    finally:
        book.release_resources()
    return out


_T = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_O = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


def _ods_cells(data: bytes):
    """(sheet, row, column, cell element) of an .ods's cells, 0-based, repeats expanded
    within the form corner (rows and columns past it are not visited)."""
    import xml.etree.ElementTree as ET

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = ET.fromstring(archive.read("content.xml"))
    for table in root.iter(f"{_T}table"):
        name, r = table.get(f"{_T}name", ""), 0
        for row in table.iter(f"{_T}table-row"):
            repeat = int(row.get(f"{_T}number-rows-repeated", "1"))
            for k in range(min(repeat, MAX_FORM_ROWS - r)):
                c = 0
                for cell in row:  # table-cell and covered-table-cell, each maybe repeated
                    span = int(cell.get(f"{_T}number-columns-repeated", "1"))
                    for cc in range(c, min(c + span, MAX_FORM_COLS)):
                        yield name, r + k, cc, cell
                    c += span
            r += repeat
            if r >= MAX_FORM_ROWS:
                break


def _ods_percent_cells(data: bytes) -> dict[str, set[tuple[int, int]]]:
    out: dict[str, set[tuple[int, int]]] = {}
    for name, r, c, cell in _ods_cells(data):
        found = out.setdefault(name, set())
        if cell.get(f"{_O}value-type") == "percentage":
            found.add((r + 1, c + 1))
    return out


def _ods_merged(data: bytes) -> dict[str, list[tuple[int, int, int, int]]]:
    """sheet -> merged ranges (r0, c0, r1, c1), 1-based, from the cells' spans: without them a
    value merged across 预算数 and 执行数 would stand under the first only."""
    out: dict[str, list[tuple[int, int, int, int]]] = {}
    try:
        for name, r, c, cell in _ods_cells(data):
            rows = int(cell.get(f"{_T}number-rows-spanned", "1"))
            cols = int(cell.get(f"{_T}number-columns-spanned", "1"))
            if rows > 1 or cols > 1:
                out.setdefault(name, []).append((r + 1, c + 1, r + rows, c + cols))
    except Exception:  # damaged files are calamine's to report
        return {}
    return out
