"""Write workbooks in the dataset format: the blank template analysts fill in.

The 说明 sheet documents every sheet and column from lib/intake/workbook_spec.py, so the template an
analyst downloads always matches what the importer accepts.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from lib.intake import workbook_spec as spec
from lib.outputs.export import display_width, print_setup

_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_REQUIRED_FILL = PatternFill("solid", fgColor="C00000")
_FORMATS = {spec.MONEY: "#,##0.00####", spec.RATE: "0.00%", spec.SHARE: "0.00%",
            spec.DATE: "yyyy-mm-dd", spec.SCORE: "0.##", spec.NUMBER: "#,##0.####"}
TYPE_LABELS = {
    spec.TEXT: "文本", spec.INT: "整数", spec.MONEY: "金额（万元，≥0）", spec.RATE: "比率（0%–200%）",
    spec.SHARE: "比例（0%–100%）", spec.SCORE: "分数（0–100）", spec.NUMBER: "数值（≥0）",
    spec.DATE: "日期", spec.RATING: "评级（优/良/中/差）", spec.CHOICE: "选项",
}


def write_workbook(path: str | Path, tables: dict[str, list[dict]] | None = None,
                   guide: bool = True) -> Path:
    """Write a dataset workbook.

    Args:
        path: where to write the .xlsx.
        tables: rows per table (storage column names); None writes the blank template.
        guide: add the 说明 sheet documenting every sheet and column.
    Returns:
        The path written.
    """
    tables = tables or {}
    book = Workbook()
    book.remove(book.active)
    if guide:
        _write_guide(book)
    for sheet in spec.SHEETS:
        ws = book.create_sheet(sheet.name)
        for idx, col in enumerate(sheet.columns, start=1):
            cell = ws.cell(row=1, column=idx, value=col.header)
            cell.font = _HEADER_FONT
            cell.fill = _REQUIRED_FILL if col.required else _HEADER_FILL
            cell.alignment = Alignment(horizontal="center", vertical="center")
            ws.column_dimensions[get_column_letter(idx)].width = max(10, min(40, display_width(col.header)))
        for r, row in enumerate(tables.get(sheet.table, []), start=2):
            for idx, col in enumerate(sheet.columns, start=1):
                value = row.get(col.name)
                if value is None:
                    continue
                cell = ws.cell(row=r, column=idx, value=value)
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"  # text, never a formula
                if col.type in _FORMATS and not isinstance(value, str):
                    cell.number_format = _FORMATS[col.type]
        ws.freeze_panes = "A2"
        print_setup(ws, f"{sheet.name}（{sheet.table}）· 绩效看板数据工作簿")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _write_guide(book: Workbook) -> None:
    ws = book.create_sheet("说明")
    ws.append(["绩效看板数据工作簿（填表说明）"])
    ws.append(["金额单位为万元；比率按百分比格式填写（94.65%）；红色表头为必填列。"
               "上传时，工作簿中每个“资金/部门编号”的全部记录整体替换库中同编号的记录。"])
    ws.append([])
    ws.append(["工作表", "列名", "英文名", "类型", "必填", "说明"])
    for cell in ws[4]:
        cell.font = Font(bold=True)
    for sheet in spec.SHEETS:
        ws.append([sheet.name, "", sheet.table, "", "", sheet.doc])
        for col in sheet.columns:
            kind = TYPE_LABELS[col.type]
            if col.choices:
                kind += "：" + "/".join(col.choices)
            ws.append(["", col.header, col.name, kind, "是" if col.required else "", col.doc])
    ws["A1"].font = Font(bold=True, size=14)
    for letter, width in zip("ABCDEF", (14, 16, 22, 26, 6, 70), strict=True):
        ws.column_dimensions[letter].width = width
    print_setup(ws, "绩效看板数据工作簿 · 填表说明", header_rows=4)

