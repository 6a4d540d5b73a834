"""Forms in other files than .xlsx, as grids for the same form reader: Word tables (.docx:
merged cells through gridSpan and vMerge, the title and year in paragraphs above the table),
.xls and .ods workbooks (python-calamine for the values; their percent formats from the file
itself, so 0.9 in a % cell reads "90%" as in the .xlsx). Word 97-2003 (.doc) and WPS (.wps) files get a
message saying to save them as .docx."""

from __future__ import annotations

import io
import re
import zipfile

from lib.intake.form_grid import _Grid
from lib.intake.form_layout import MAX_FORM_COLS, MAX_FORM_ROWS
from lib.intake.workbook import MAX_FILE_BYTES, MAX_UNZIPPED_BYTES, OLD_WORD_EN, OLD_WORD_ZH, Finding

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FORM_TITLE = re.compile(r"(自评表|评价表|目标表|审批表)")


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


def _too_big(data: bytes, label: str) -> list[Finding]:
    if len(data) > MAX_FILE_BYTES:
        mb = MAX_FILE_BYTES // (1024 * 1024)
        return [Finding(label, "", None, "", f"文件超过{mb}MB上限", f"file exceeds the {mb} MB limit")]
    if zipfile.is_zipfile(io.BytesIO(data)):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(i.file_size for i in archive.infolist()) > MAX_UNZIPPED_BYTES:
                return [Finding(label, "", None, "", "文件解压后超过上限（疑似压缩炸弹）",
                                "the file unpacks to more than the limit (zip bomb?)")]
    return []


# ---------------------------------------------------------------- CSV


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

    problems = _too_big(data, label)
    if problems:
        return [], problems
    rows = csv.reader(io.StringIO(csv_text(data)))
    cells = {(r, c): value.strip() for r, row in enumerate(rows, start=1) if r <= MAX_FORM_ROWS
             for c, value in enumerate(row, start=1) if value.strip()}
    title = label.rsplit("/", 1)[-1].rsplit(".", 1)[0] or label
    return [_Grid(title, cells, {}, [])], []


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
    problems = _too_big(data, label)
    if problems:
        return [], problems
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


def calamine_grids(data: bytes, label: str) -> tuple[list[_Grid], list[Finding]]:
    """Every sheet of an .xls or .ods workbook as a grid (values and merged ranges; these
    formats keep a formula's last value, which is what is read)."""
    problems = _too_big(data, label)
    if problems:
        return [], problems
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # the reader raises several types for damaged files
        return [], unreadable(label, exc)
    percent = _percent_cells(data, label)
    ods_merged = _ods_merged(data) if file_kind(data, label) == "ods" else {}
    grids = []
    try:
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
    finally:
        book.close()
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
