"""The upload preview: stored and incoming values at the same precision, projects named."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl

from lib.store import open_store
from lib.ui import preview

LANZHOU = Path(__file__).resolve().parents[1] / "data" / "lanzhou_2022_emergency.xlsx"


def _lanzhou_with(**cells) -> bytes:
    """The shipped Lanzhou workbook with cells of 档案整理专项 (LZ2022-P01) on 项目 replaced."""
    book = openpyxl.load_workbook(LANZHOU)
    ws = book["项目"]
    headers = [c.value for c in ws[1]]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value == "LZ2022-P01")
    for header, value in cells.items():
        ws.cell(row=row, column=headers.index(header) + 1, value=value)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def test_changed_values_show_both_sides_as_stored_with_the_project_named(tmp_path):
    store = open_store(tmp_path / "seed.duckdb")
    try:
        parsed = store.validate([("lanzhou_v2.xlsx", _lanzhou_with(全年执行数=15.2, 全年预算数=16.123456))])
        assert not parsed.findings
        changed = store.preview(parsed)["projects"].changed
    finally:
        store.close()
    names = {r["project_id"]: r["project_name"] for r in parsed.tables["projects"]}
    shown = preview.readable(changed, names)
    assert list(shown.columns) == ["项目编号", "项目名称", "列", "原值", "新值"]
    rows = {r["列"]: (r["项目编号"], r["项目名称"], r["原值"], r["新值"]) for r in shown.to_dict("records")}
    # the stored 15.14353 keeps all five decimals, written as the incoming 15.2 is
    assert rows["全年执行数"] == ("LZ2022-P01", "档案整理专项", "15.14353", "15.2")
    assert rows["全年预算数"] == ("LZ2022-P01", "档案整理专项", "16", "16.123456")


def test_rows_of_other_sheets_name_their_project_and_keep_numbers_numeric():
    import pandas as pd

    added = pd.DataFrame({"program_id": ["LZ2022-YJJ", "LZ2022-YJJ"], "project_id": ["LZ2022-P01", None],
                          "seq": [1, 2], "target": ["≥90%", None],
                          "weight": pd.Series([10.0, None], dtype=object)})  # as diff rows arrive
    shown = preview.readable(added, {"LZ2022-P01": "档案整理专项"})
    assert list(shown.columns[:3]) == ["资金/部门编号", "项目编号", "项目名称"]
    assert shown["项目名称"].tolist() == ["档案整理专项", "—"]
    assert pd.api.types.is_float_dtype(shown["分值"]) and shown["分值"].tolist()[0] == 10  # numbers, not text


def test_rates_show_as_percentages_on_both_sides(tmp_path):
    # 气象灾害预警项目's stated 18.4% (stored 0.184) changed to 61.22%: read as percentages
    store = open_store(tmp_path / "seed.duckdb")
    try:
        book = openpyxl.load_workbook(LANZHOU)
        ws = book["项目"]
        headers = [c.value for c in ws[1]]
        row = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value == "LZ2022-P04")
        ws.cell(row=row, column=headers.index("报告执行率") + 1, value=0.6122)
        buf = io.BytesIO()
        book.save(buf)
        parsed = store.validate([("lanzhou_v2.xlsx", buf.getvalue())])
        assert not parsed.findings
        changed = store.preview(parsed)["projects"].changed
    finally:
        store.close()
    shown = preview.readable(changed, {})
    row = shown[shown["列"] == "报告执行率"].iloc[0]
    assert (row["原值"], row["新值"]) == ("18.4%", "61.22%")
