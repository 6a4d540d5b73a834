"""Exports: csv (UTF-8 BOM, Chinese headers, formulas neutralized) and styled xlsx."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import openpyxl
import pandas as pd
import pytest
from conftest import make_workbook

from lib.filters import Filters
from lib.outputs import export

BOM = b"\xef\xbb\xbf"


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame({
        "project_id": ["PJ1", "PJ2", "PJ3"],
        "project_name": ["=SUM(A1)", "化工园区整治提升", "@cmd"],
        "budget": [16.0, -5.5, 1234567.891],
        "executed": [15.14353, 0.0, None],
        "execution_rate": [15.14353 / 16, -0.25, None],
        "year": [2023, 2023, 2022],
        "note": ["+1+cmd|' /C calc'!A0", "-3", None],
    })


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data[len(BOM):].decode("utf-8"))))


# ---------------------------------------------------------------- csv


def test_csv_starts_with_bom_and_has_chinese_headers(frame):
    data = export.to_csv_bytes(frame, "v_projects")
    assert data.startswith(BOM)
    assert not data[len(BOM):].startswith(BOM)
    header = _csv_rows(data)[0]
    assert header == ["项目编号", "项目名称", "全年预算数（万元）", "全年执行数（万元）", "执行率（%）", "年度", "备注"]


def test_csv_writes_figures_without_float_noise_and_rates_as_percentages():
    # a sum of DECIMAL money read back as a double, and a rate computed from it
    noisy = pd.DataFrame({"budget": [0.1 + 0.2, 7719.74 + 1e-12], "executed": [7719.740000000001, None],
                          "execution_rate": [0.9465, 0.18176733780760626], "stated_score": [94.0, 0.1 + 0.2]})
    assert str(noisy["executed"][0]) == "7719.740000000001"
    rows = _csv_rows(export.to_csv_bytes(noisy, "v_projects"))
    assert rows[0] == ["全年预算数（万元）", "全年执行数（万元）", "执行率（%）", "报告得分"]
    assert rows[1] == ["0.3", "7719.74", "94.65", "94.0"]
    # the computed rate keeps its precision (ten decimals of the percentage); an empty cell stays empty
    assert rows[2] == ["7719.74", "", "18.1767337808", "0.3"]


def test_csv_neutralizes_formulas(frame):
    rows = _csv_rows(export.to_csv_bytes(frame, "v_projects"))
    assert rows[1][1] == "'=SUM(A1)"
    assert rows[3][1] == "'@cmd"
    assert rows[1][6] == "'+1+cmd|' /C calc'!A0"
    assert rows[2][1] == "化工园区整治提升"


def test_csv_negative_numbers_stay_numbers(frame):
    rows = _csv_rows(export.to_csv_bytes(frame, "v_projects"))
    assert float(rows[2][2]) == -5.5
    assert float(rows[2][4]) == -25.0  # -0.25 as a percentage
    assert rows[2][6] == "-3"  # numeric text is not a formula either
    assert float(rows[1][3]) == pytest.approx(15.14353)  # full precision kept
    assert rows[3][3] == ""  # missing stays empty


def test_csv_row_count(frame):
    assert len(_csv_rows(export.to_csv_bytes(frame, "v_projects"))) == 1 + len(frame)


@pytest.mark.parametrize("value, expected", [
    ("=SUM(A1)", "'=SUM(A1)"),
    ("+SUM(A1)", "'+SUM(A1)"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"),
    ("-5", "-5"),
    ("+1.5", "+1.5"),
    ("正常文本", "正常文本"),
    ("a=b", "a=b"),
    (-5, -5),
    (-5.5, -5.5),
    (None, None),
])
def test_neutralize(value, expected):
    assert export.neutralize(value) == expected


# ---------------------------------------------------------------- xlsx


def _xlsx(frame, name="v_projects", filters=None, version=7):
    meta = export.ExportMeta(name, filters or {}, version, dt.datetime(2024, 1, 2, 3, 4, 5))
    return openpyxl.load_workbook(io.BytesIO(export.to_xlsx_bytes(frame, name, meta)))


def test_xlsx_sheets_and_header_style(frame):
    book = _xlsx(frame)
    assert book.sheetnames == ["项目一览", "导出说明"]
    ws = book["项目一览"]
    headers = [c.value for c in ws[1]]
    assert headers == ["项目编号", "项目名称", "全年预算数（万元）", "全年执行数（万元）", "执行率（%）", "年度", "备注"]
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:G4"


def test_xlsx_number_formats(frame):
    ws = _xlsx(frame)["项目一览"]
    for row in (2, 3, 4):
        assert ws[f"C{row}"].number_format == "#,##0.00"  # 全年预算数
        assert ws[f"D{row}"].number_format == "#,##0.00"  # 全年执行数
        assert ws[f"E{row}"].number_format == "0.00%"  # 执行率
        assert ws[f"F{row}"].number_format == "General"  # 年度


def test_xlsx_numbers_are_numbers(frame):
    ws = _xlsx(frame)["项目一览"]
    assert ws["C2"].value == 16 and ws["C2"].data_type == "n"
    assert ws["C3"].value == -5.5 and ws["C3"].data_type == "n"
    assert ws["C4"].value == pytest.approx(1234567.891)
    assert ws["E2"].value == pytest.approx(15.14353 / 16) and ws["E2"].data_type == "n"
    assert ws["F2"].value == 2023 and isinstance(ws["F2"].value, int)
    assert ws["D4"].value is None and ws["E4"].value is None


def test_xlsx_neutralizes_formulas(frame):
    ws = _xlsx(frame)["项目一览"]
    assert ws["B2"].value == "'=SUM(A1)"
    assert ws["B2"].data_type == "s"
    assert ws["B4"].value == "'@cmd"
    assert ws["G3"].value == "-3"


def test_xlsx_info_sheet(frame):
    info = _xlsx(frame, filters={"program_id": "P1", "year": "2023"}, version=7)["导出说明"]
    values = {row[0]: row[1] for row in info.iter_rows(min_row=2, values_only=True)}
    assert values["导出内容"] == "项目一览（v_projects）"
    assert values["筛选条件"] == "资金/部门：P1；年度：2023年"
    assert values["数据版本"] == "v7"
    assert values["行数"] == 3
    assert values["导出时间"] == "2024-01-02 03:04:05"
    assert values["金额单位"] == "万元"


def test_xlsx_info_sheet_without_filters(frame):
    info = _xlsx(frame.iloc[:0], filters={}, version=None)["导出说明"]
    values = {row[0]: row[1] for row in info.iter_rows(min_row=2, values_only=True)}
    assert values["筛选条件"] == "全部"
    assert values["行数"] == 0


def test_xlsx_of_an_empty_frame_still_has_headers(frame):
    ws = _xlsx(frame.iloc[:0])["项目一览"]
    assert [c.value for c in ws[1]] == ["项目编号", "项目名称", "全年预算数（万元）", "全年执行数（万元）", "执行率（%）",
                                        "年度", "备注"]
    assert ws.max_row == 1
    assert ws.freeze_panes == "A2"


def test_xlsx_round_trip_from_the_store(tmp_db, tmp_path, minimal_tables):
    tmp_db.import_files([("a.xlsx", make_workbook(tmp_path, minimal_tables()))])
    df = tmp_db.read("v_projects", Filters(program_id="P1"), order_by=["project_id"])
    book = openpyxl.load_workbook(io.BytesIO(export.to_xlsx_bytes(df, "v_projects")))
    ws = book.worksheets[0]
    headers = [c.value for c in ws[1]]
    rate_col = headers.index("执行率（%）") + 1
    budget_col = headers.index("全年预算数（万元）") + 1
    rate_cell = ws.cell(row=2, column=rate_col)
    assert rate_cell.value == pytest.approx(15.14353 / 16)
    assert rate_cell.number_format == "0.00%"
    assert ws.cell(row=2, column=budget_col).value == 16
    assert ws.cell(row=2, column=budget_col).number_format == "#,##0.00"
    assert ws.max_row == 3
    csv_rows = _csv_rows(export.to_csv_bytes(df, "v_projects"))
    assert len(csv_rows) == 3 and "执行率（%）" in csv_rows[0]
    rate_at = csv_rows[0].index("执行率（%）")
    assert csv_rows[1][rate_at] == "94.6470625"  # 15.14353 / 16 as a percentage, without noise


def test_xlsx_notes_name_the_filters_and_the_version_in_chinese(tmp_path):
    from lib.store import open_store

    store = open_store(tmp_path / "seed.duckdb")  # the shipped data, built as the app builds it
    try:
        meta = export.meta_for(store, "v_projects", {"year": 2022, "program_id": "LZ2022-YJJ",
                                                     "project_id": "LZ2022-P01", "region": "兰州新区"})
        version = store.current_version()
        frame = store.read("v_projects", Filters(program_id="LZ2022-YJJ", project_id="LZ2022-P01"))
    finally:
        store.close()
    book = openpyxl.load_workbook(io.BytesIO(export.to_xlsx_bytes(frame, "v_projects", meta)))
    values = {row[0]: row[1] for row in book["导出说明"].iter_rows(min_row=2, values_only=True)}
    assert values["筛选条件"] == ("年度：2022年；资金/部门：兰州新区应急管理局部门本级预算（LZ2022-YJJ）；"
                              "项目：档案整理专项（LZ2022-P01）；地区：兰州新区")
    when = pd.Timestamp(version["created_at"]).strftime("%Y-%m-%d %H:%M")
    assert values["数据版本"] == f"v{int(version['version_id'])}（{when}）"
    assert "program_id" not in book.worksheets[0].oddHeader.center.text


# ---------------------------------------------------------------- file names


def test_file_name_has_title_name_timestamp_and_extension():
    name = export.file_name("v_execution", "xlsx", dt.datetime(2026, 11, 25, 9, 30))
    assert name == "执行情况_v_execution_20261125-0930.xlsx"
    assert export.file_name("projects", "csv", dt.datetime(2026, 1, 2, 3, 4)) == "项目_projects_20260102-0304.csv"


def test_file_name_defaults_to_now():
    name = export.file_name("v_projects", "csv")
    assert re.fullmatch(r"项目一览_v_projects_\d{8}-\d{4}\.csv", name)


def test_xlsx_refuses_more_rows_than_an_excel_sheet_holds(frame, monkeypatch):
    monkeypatch.setattr(export, "XLSX_MAX_ROWS", 2)
    with pytest.raises(ValueError, match="超过 Excel 单表上限"):
        export.to_xlsx_bytes(frame, "v_projects")  # 3 rows


def test_xlsx_of_many_rows_streams_with_formats_on_every_row():
    rows = 20_000
    frame = pd.DataFrame({"project_name": [f"项目{i}" for i in range(rows)], "budget": [i * 1.5 for i in range(rows)],
                          "execution_rate": [0.5] * rows})
    book = openpyxl.load_workbook(io.BytesIO(export.to_xlsx_bytes(frame, "v_projects")), read_only=True)
    ws = book["项目一览"]
    last = list(ws.iter_rows(min_row=rows + 1, max_row=rows + 1))[0]
    assert [c.value for c in last] == [f"项目{rows - 1}", (rows - 1) * 1.5, 0.5]
    assert last[1].number_format == "#,##0.00" and last[2].number_format == "0.00%"


def test_program_totals_export_names_every_column_in_chinese(tmp_path):
    """The 总览 table's download: its 口径 column had no label and went out headed "basis"."""
    from lib.store import open_store

    store = open_store(tmp_path / "t.duckdb")
    try:
        totals = store.program_totals()
    finally:
        store.close()
    rows = list(csv.reader(io.StringIO(export.to_csv_bytes(totals, "program_totals").decode("utf-8-sig"))))
    assert "口径" in rows[0] and not [h for h in rows[0] if re.fullmatch(r"[a-z_]+", h)], rows[0]
    lz = next(r for r in rows[1:] if "兰州新区应急管理局部门本级预算" in r)
    assert "7719.74" in lz and "99.6" in lz[rows[0].index("执行率（%）")]
