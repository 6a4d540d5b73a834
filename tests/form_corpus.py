"""Builders for the form corpus (tests/test_forms_corpus.py): one grid of cells per layout,
written as a real .xlsx (openpyxl, merged ranges) and as a real .docx (python-docx: the title
rows as paragraphs above the table, merged cells as gridSpan / vMerge).

A layout is a list of rows; in a row, ``"<"`` continues the cell on its left (a horizontal
merge) and ``"^"`` the cell above (a vertical merge); None is an empty cell; "" an empty cell
that anchors a merge. ``fmt`` gives number formats by (row, column), 1-based.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import docx
import openpyxl
from docx.shared import Pt
from openpyxl.utils import get_column_letter

MERGE_LEFT, MERGE_UP = "<", "^"


@dataclass
class Sheet:
    title: str
    rows: list[list]
    fmt: dict[tuple[int, int], str] = field(default_factory=dict)


def _ranges(rows: list[list]) -> list[tuple[int, int, int, int]]:
    """(r0, c0, r1, c1) of every merged range, 1-based."""
    out = []
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value in (MERGE_LEFT, MERGE_UP):
                continue
            width = 1
            while c + width < len(row) and row[c + width] == MERGE_LEFT:
                width += 1
            height = 1
            while r + height < len(rows) and c < len(rows[r + height]) and rows[r + height][c] == MERGE_UP:
                height += 1
            if width > 1 or height > 1:
                out.append((r + 1, c + 1, r + height, c + width))
    return out


def xlsx(*sheets: Sheet) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for sheet in sheets:
        ws = book.create_sheet(sheet.title)
        for r, row in enumerate(sheet.rows, start=1):
            for c, value in enumerate(row, start=1):
                if value in (MERGE_LEFT, MERGE_UP) or value is None or value == "":
                    continue
                cell = ws.cell(r, c, value)
                if (r, c) in sheet.fmt:
                    cell.number_format = sheet.fmt[(r, c)]
        for r0, c0, r1, c1 in _ranges(sheet.rows):
            ws.merge_cells(f"{get_column_letter(c0)}{r0}:{get_column_letter(c1)}{r1}")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def shown(value, fmt: str = "") -> str:
    """A cell as Word shows it: what Excel would display (0.9 in a % cell is "90%")."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, (int, float)):
        if "%" in fmt:
            return f"{round(value * 100, 10):g}%"
        return format(value, ".15g") if isinstance(value, float) else str(value)
    return str(value)


def _is_paragraph(row: list) -> bool:
    """A title line: one value, the rest of the row merged into it or empty."""
    values = [v for v in row if v not in (MERGE_LEFT, MERGE_UP, None, "")]
    return len(values) == 1 and row[0] == values[0] and all(v in (MERGE_LEFT, None, "") for v in row[1:])


def docx_bytes(*sheets: Sheet) -> bytes:
    """The sheets as one Word document: per sheet, its title lines as paragraphs, the rest as
    one table (the footer lines after it as paragraphs)."""
    document = docx.Document()
    for sheet in sheets:
        rows = sheet.rows
        head = 0
        while head < len(rows) and _is_paragraph(rows[head]):
            head += 1
        tail = len(rows)
        while tail > head and _is_paragraph(rows[tail - 1]) and str(rows[tail - 1][0]).startswith(("填表人", "注")):
            tail -= 1
        for row in rows[:head]:
            document.add_paragraph(str(row[0])).runs[0].font.size = Pt(14)
        body = rows[head:tail]
        width = max(len(r) for r in body)
        table = document.add_table(rows=len(body), cols=width)
        for r0, c0, r1, c1 in _ranges(body):
            table.cell(r0 - 1, c0 - 1).merge(table.cell(r1 - 1, c1 - 1))
        for r, row in enumerate(body):
            for c, value in enumerate(row):
                if value in (MERGE_LEFT, MERGE_UP) or value is None or value == "":
                    continue
                table.cell(r, c).text = shown(value, sheet.fmt.get((r + head + 1, c + 1), ""))
        for row in rows[tail:]:
            document.add_paragraph(str(row[0]))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xls(*sheets: Sheet) -> bytes:
    """The sheets as an Excel 97-2003 workbook (xlwt), merged ranges included."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    for sheet in sheets:
        ws = book.add_sheet(sheet.title)
        anchors = {(r0, c0): (r1, c1) for r0, c0, r1, c1 in _ranges(sheet.rows)}
        for r, row in enumerate(sheet.rows, start=1):
            for c, value in enumerate(row, start=1):
                if value in (MERGE_LEFT, MERGE_UP) or value is None:
                    continue
                style = xlwt.easyxf(num_format_str=sheet.fmt[(r, c)]) if (r, c) in sheet.fmt else xlwt.Style.default_style
                if (r, c) in anchors:
                    r1, c1 = anchors[(r, c)]
                    ws.write_merge(r - 1, r1 - 1, c - 1, c1 - 1, value, style)
                elif value != "":
                    ws.write(r - 1, c - 1, value, style)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def ods(*sheets: Sheet) -> bytes:
    """The sheets as an OpenDocument spreadsheet, merged ranges as spanned and covered cells."""
    import zipfile
    from xml.sax.saxutils import escape

    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
    body = []
    for sheet in sheets:
        anchors = {(r0, c0): (r1, c1) for r0, c0, r1, c1 in _ranges(sheet.rows)}
        body.append(f'<table:table table:name="{escape(sheet.title)}">')
        for r, row in enumerate(sheet.rows, start=1):
            body.append("<table:table-row>")
            for c, value in enumerate(row, start=1):
                if value in (MERGE_LEFT, MERGE_UP):
                    body.append("<table:covered-table-cell/>")
                    continue
                span = ""
                if (r, c) in anchors:
                    r1, c1 = anchors[(r, c)]
                    span = f' table:number-columns-spanned="{c1 - c + 1}" table:number-rows-spanned="{r1 - r + 1}"'
                if value is None or value == "":
                    body.append(f"<table:table-cell{span}/>")
                elif isinstance(value, (int, float)):
                    fmt = sheet.fmt.get((r, c), "")
                    kind = "percentage" if "%" in fmt else "float"
                    body.append(f'<table:table-cell office:value-type="{kind}" office:value="{value}"{span}>'
                                f"<text:p>{shown(value, fmt)}</text:p></table:table-cell>")
                else:
                    body.append(f'<table:table-cell office:value-type="string"{span}>'
                                f"<text:p>{escape(str(value))}</text:p></table:table-cell>")
            body.append("</table:table-row>")
        body.append("</table:table>")
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} office:version="1.2">'
               f'<office:body><office:spreadsheet>{"".join(body)}</office:spreadsheet></office:body>'
               "</office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                "</manifest:manifest>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
