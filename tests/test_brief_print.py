"""Printed exports: every xlsx the product writes prints on A4 landscape, fitted to the page
width, with the header row repeated, page numbers in the footer and a title naming what was
exported with which filters (read back with openpyxl from the files as written)."""

from __future__ import annotations

import io

import openpyxl
import pytest

from lib.filters import Filters
from lib.outputs import export, forms
from lib.outputs.template import write_workbook
from lib.store import open_store


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = open_store(tmp_path_factory.mktemp("print") / "print.duckdb")
    yield s
    s.close()


def assert_prints_on_a4_landscape_one_page_wide(ws, header_rows: str = "$1:$1", across: int = 1) -> None:
    setup = ws.page_setup
    assert setup.orientation == "landscape"
    assert str(setup.paperSize) == "9"  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert (setup.fitToWidth, setup.fitToHeight) == (across, 0)  # pages wide, as many down as needed
    assert ws.print_title_rows == header_rows
    assert ws.oddFooter.center.text == "第 &P 页，共 &N 页"


def printed_point_size(ws) -> float:
    """The size the sheet's 11 pt text prints at, fitted to its pages across: A4 landscape
    between the margins holds ~1,045 px at 100% (10.9 in × 96); a column of width w takes 7w + 5 px."""
    widths = [d.width for d in ws.column_dimensions.values() if d.width]
    pixels = sum(7 * w + 5 for w in widths)
    return 11 * min(1.0, ws.page_setup.fitToWidth * 1045 / pixels)


def test_table_export_prints_with_its_filters_as_title(store):
    projects = store.read("v_projects", Filters(program_id="LZ2022-YJJ"))
    data = export.to_xlsx_bytes(projects, "v_projects",
                                export.ExportMeta("v_projects", {"program_id": "LZ2022-YJJ"}, 1))
    book = openpyxl.load_workbook(io.BytesIO(data))
    table, info = book.worksheets
    # 22 columns: fitted to one page they printed at about 3 pt; now across pages at ≥ 8 pt,
    # the first column (年度) repeated on each
    assert table.page_setup.fitToWidth > 1 and printed_point_size(table) >= 8
    assert table.print_title_cols == "$A:$A"
    assert_prints_on_a4_landscape_one_page_wide(table, across=table.page_setup.fitToWidth)
    assert_prints_on_a4_landscape_one_page_wide(info)
    for ws in book.worksheets:
        assert ws.oddHeader.center.text.startswith("项目一览 · 筛选：资金/部门：LZ2022-YJJ · 数据版本 v1 · 导出 ")
    assert book.worksheets[0].cell(row=1, column=1).value == "年度"  # the header row stays row 1
    assert book.worksheets[0].max_row == 10  # 9 projects


def test_an_ampersand_in_the_title_is_printed_not_read_as_a_code():
    data = export.to_xlsx_bytes(
        store_free_frame(), "v_projects", export.ExportMeta("v_projects", {"region": "A&B"}, None))
    ws = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    assert "地区：A&&B" in ws.oddHeader.center.text and "数据版本" not in ws.oddHeader.center.text


def store_free_frame():
    import pandas as pd

    return pd.DataFrame({"project_name": ["档案整理专项"], "budget": [16.0]})


def test_template_sheets_print_the_same_way(tmp_path):
    book = openpyxl.load_workbook(write_workbook(tmp_path / "template.xlsx"))
    for ws in book.worksheets:
        assert_prints_on_a4_landscape_one_page_wide(ws, "$1:$4" if ws.title == "说明" else "$1:$1")
    assert book["项目"].oddHeader.center.text.startswith("项目（projects）")


def test_official_forms_have_page_numbers(store):
    book = openpyxl.load_workbook(io.BytesIO(forms.write_form(store, "LZ2022-P01")))
    ws = book.worksheets[0]
    assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.oddFooter.center.text == "第 &P 页，共 &N 页"


@pytest.mark.parametrize("record_id", ["LZ2022-P08", "LZ2022-P07", "LN2023-WHP"])
def test_official_form_texts_print_whole(store, record_id):
    """Every text cell's rows are tall enough for its wrapped lines with a tenth of the width to
    spare (a wrapped line never fills its width: reckoned exactly, the goal text of 年度总体目标
    printed with its last line cut off), merged cells too."""
    import math

    from openpyxl.utils import get_column_letter

    book = openpyxl.load_workbook(io.BytesIO(forms.write_form(store, record_id)))
    ws = book.worksheets[0]
    spans = {(r.min_row, r.min_col): r for r in ws.merged_cells.ranges}
    checked = 0
    for row in ws.iter_rows():
        for cell in row:
            if not isinstance(cell.value, str) or len(cell.value) < 20:
                continue
            span = spans.get((cell.row, cell.column))
            cols = range(cell.column, (span.max_col if span else cell.column) + 1)
            rows = range(cell.row, (span.max_row if span else cell.row) + 1)
            width = (sum(ws.column_dimensions[get_column_letter(c)].width or 8.43 for c in cols) - 1) * 0.9
            lines = sum(max(1, math.ceil(export.display_width(p) / width)) for p in cell.value.split("\n"))
            height = sum(ws.row_dimensions[r].height or 15 for r in rows)
            assert height >= lines * 14, (cell.coordinate, cell.value[:30], height, lines)
            checked += 1
    assert checked > 0
