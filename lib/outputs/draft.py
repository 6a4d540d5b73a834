"""Write a draft dataset (lib/intake/report) as a dataset workbook an analyst reviews and loads.

The sheets and columns are those of the dataset format (lib/intake/workbook_spec.py), with the
optional 原文句子 column filled; the figures no extractor could place are listed on a sheet
"未归类数字" (figure, sentence, section, reason), which the importer ignores.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from openpyxl.styles import Alignment, Font

from lib.intake import workbook_spec as spec
from lib.intake.report import ReportDraft
from lib.outputs.template import write_workbook

UNPLACED_SHEET = "未归类数字"
UNPLACED_HEADERS = ("数字", "原文句子", "来源出处", "原因")


def draft_tables(draft: ReportDraft) -> dict[str, list[dict]]:
    """The draft's rows with only the format's columns (for the workbook and the store)."""
    out: dict[str, list[dict]] = {}
    for sheet in spec.SHEETS:
        names = [c.name for c in sheet.columns]
        out[sheet.table] = [{n: row.get(n) for n in names} for row in draft.tables.get(sheet.table, [])]
    return out


def write_draft(draft: ReportDraft, path: str | Path) -> Path:
    """Write the draft workbook to ``path``; returns the path."""
    path = write_workbook(path, draft_tables(draft), guide=False)
    book = load_workbook(path)
    ws = book.create_sheet(UNPLACED_SHEET)
    ws.append(list(UNPLACED_HEADERS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for item in draft.unplaced:
        ws.append([item.figure, item.sentence, item.source_ref, item.reason])
    for letter, width in zip("ABCD", (14, 90, 26, 36), strict=True):
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(min_row=2):
        row[1].alignment = Alignment(wrap_text=True, vertical="top")
    for name in book.sheetnames:
        sheet = book[name]
        for cell in sheet[1]:
            if cell.value == "原文句子":
                sheet.column_dimensions[cell.column_letter].width = 60
    book.save(path)
    return Path(path)
