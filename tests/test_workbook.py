"""The workbook reader/validator: every rejection names sheet, row, column and the problem."""

from __future__ import annotations

import datetime as dt
import re
import zipfile

import openpyxl
import pytest
from conftest import HEADERS, SHEET_NAMES, letter_of, make_workbook

from lib.intake import workbook
from lib.intake import workbook_spec as spec
from lib.intake.pipeline import read_workbooks
from lib.intake.workbook import Finding, read_workbook

CJK = re.compile(r"[\u4e00-\u9fff]")


def check(path, label: str | None = None) -> list[Finding]:
    """All findings of one file, cross-checks included (as an import runs them)."""
    return read_workbooks([(label or path.name, path)]).findings


def only(findings: list[Finding]) -> Finding:
    assert len(findings) == 1, "\n".join(map(str, findings))
    return findings[0]


def cell_finding(findings, sheet: str, row: int) -> Finding:
    hits = [f for f in findings if f.sheet == sheet and f.row == row]
    return only(hits)


def assert_cell(f: Finding, tables, table: str, column: str, row: int, problem_part: str):
    assert f.sheet == SHEET_NAMES[table]
    assert f.row == row
    assert HEADERS[column] in f.column
    assert f.column.startswith(f"{letter_of(tables, table, column)}列")
    assert problem_part in f.problem
    assert CJK.search(f.problem), f.problem
    assert f.problem_en


# ---------------------------------------------------------------- valid input


def test_valid_workbook_has_no_findings_and_typed_rows(tmp_path, minimal_tables):
    tables = minimal_tables()
    path = make_workbook(tmp_path, tables)
    parsed = read_workbooks([("ok.xlsx", path)])
    assert parsed.findings == []
    assert parsed.ok
    assert {t: len(rows) for t, rows in parsed.tables.items()} == {t: len(r) for t, r in tables.items()}
    project = parsed.tables["projects"][0]
    assert project["budget"] == 16.0 and isinstance(project["budget"], float)
    assert project["executed"] == pytest.approx(15.14353)
    assert project["stated_execution_rate"] == pytest.approx(0.9465)
    assert project["stated_rating"] == "优"
    assert project["implementing_unit"] is None  # column absent -> None
    assert parsed.tables["programs"][0]["year"] == 2023 and isinstance(parsed.tables["programs"][0]["year"], int)
    assert parsed.tables["execution"][0]["as_of"] == dt.date(2023, 6, 30)
    assert parsed.tables["sources"][0]["report_date"] == dt.date(2024, 3, 15)
    assert parsed.origins["projects"] == [("ok.xlsx", "项目", 2), ("ok.xlsx", "项目", 3)]


def test_single_file_reader_also_accepts_it(tmp_path, minimal_tables):
    path = make_workbook(tmp_path, minimal_tables())
    assert read_workbook(path).findings == []
    assert read_workbook(path.read_bytes()).findings == []


def test_text_percent_is_converted_to_a_fraction(tmp_path, minimal_tables):
    tables = minimal_tables()
    tables["projects"][0]["stated_execution_rate"] = "94.65%"
    tables["projects"][1]["stated_execution_rate"] = "１００％"  # full width
    tables["progress"][0]["percent"] = "80%"
    parsed = read_workbooks([("a.xlsx", make_workbook(tmp_path, tables))])
    assert parsed.findings == []
    assert parsed.tables["projects"][0]["stated_execution_rate"] == pytest.approx(0.9465)
    assert parsed.tables["projects"][1]["stated_execution_rate"] == pytest.approx(1.0)
    assert parsed.tables["progress"][0]["percent"] == pytest.approx(0.8)


def test_thousands_separator_is_accepted(tmp_path, minimal_tables):
    tables = minimal_tables()
    tables["projects"][1]["budget"] = "1,500"
    tables["projects"][1]["executed"] = "1,234.5"
    parsed = read_workbooks([("a.xlsx", make_workbook(tmp_path, tables))])
    assert parsed.findings == []
    assert parsed.tables["projects"][1]["budget"] == 1500.0
    assert parsed.tables["projects"][1]["executed"] == 1234.5


def test_header_with_unit_suffix_is_accepted(tmp_path, minimal_tables):
    tables = minimal_tables()
    headers = {"projects": {"budget": "全年预算数（万元）", "executed": "全年执行数 (万元)"},
               "allocations": {"amount": "金额（万元）"}}
    parsed = read_workbooks([("a.xlsx", make_workbook(tmp_path, tables, headers=headers))])
    assert parsed.findings == []
    assert [r["budget"] for r in parsed.tables["projects"]] == [16.0, 100.0]
    assert [r["amount"] for r in parsed.tables["allocations"]] == [1000.0, 200.0, 300.5, 500.0]


def test_english_storage_headers_and_sheet_names_are_accepted(tmp_path, minimal_tables):
    tables = minimal_tables()
    parsed = read_workbooks([("en.xlsx", make_workbook(tmp_path, tables, english=True))])
    assert parsed.findings == []
    assert parsed.tables["projects"][0]["project_id"] == "PJ1"
    assert len(parsed.tables["indicators"]) == 5


def test_analyst_notes_sheet_is_ignored(tmp_path, minimal_tables):
    path = make_workbook(tmp_path, minimal_tables(), extra_sheets=("说明",))
    assert check(path) == []


def test_numeric_ids_become_text(tmp_path, minimal_tables):
    tables = minimal_tables()
    tables["projects"][0]["project_id"] = 1001
    for row in tables["indicators"][:4] + tables["score_parts"] + tables["spending_items"]:
        row["project_id"] = 1001
    parsed = read_workbooks([("a.xlsx", make_workbook(tmp_path, tables))])
    assert parsed.findings == []
    assert parsed.tables["projects"][0]["project_id"] == "1001"


def test_blank_rows_are_skipped_but_row_numbers_stay_excel_rows(tmp_path, minimal_tables):
    tables = minimal_tables()
    path = make_workbook(tmp_path, tables)
    book = openpyxl.load_workbook(path)
    ws = book["项目"]
    ws.insert_rows(3)  # a blank row between the two projects
    ws[f"{letter_of(tables, 'projects', 'budget')}4"] = "abc"
    book.save(path)
    f = only(check(path))
    assert_cell(f, tables, "projects", "budget", 4, "应为金额")


# ---------------------------------------------------------------- structure problems


def test_missing_required_sheet(tmp_path, minimal_tables):
    tables = minimal_tables()
    del tables["programs"]
    findings = read_workbook(make_workbook(tmp_path, tables)).findings
    f = only(findings)
    assert f.sheet == "资金与部门"
    assert f.row is None and f.column == ""
    assert f.problem == "缺少必需的工作表"


def test_missing_required_column(tmp_path, minimal_tables):
    tables = minimal_tables()
    for row in tables["projects"]:
        del row["budget"]
    findings = read_workbook(make_workbook(tmp_path, tables)).findings
    f = only(findings)
    assert (f.sheet, f.row) == ("项目", 1)
    assert "全年预算数" in f.column
    assert f.problem == "缺少必填列"


def test_unknown_column_header(tmp_path, minimal_tables):
    tables = minimal_tables()
    tables["projects"][0]["bogus"] = "x"  # becomes the last column, header "bogus"
    path = make_workbook(tmp_path, tables, headers={"projects": {"bogus": "预算金额合计"}})
    f = only(check(path))
    assert (f.sheet, f.row) == ("项目", 1)
    assert f.column == f"{letter_of(tables, 'projects', 'bogus')}列“预算金额合计”"
    assert f.problem == "未知的列名"


def test_duplicate_column_header(tmp_path, minimal_tables):
    tables = minimal_tables()
    tables["projects"][0]["dup"] = 1
    path = make_workbook(tmp_path, tables, headers={"projects": {"dup": "全年预算数"}})
    f = only(check(path))
    assert (f.sheet, f.row) == ("项目", 1)
    assert "全年预算数" in f.column
    assert f.problem == "列名重复"


def test_merged_header_cells_lose_a_required_column(tmp_path, minimal_tables):
    tables = minimal_tables()
    path = make_workbook(tmp_path, tables)
    book = openpyxl.load_workbook(path)
    book["项目"].merge_cells("B1:C1")  # 资金/部门编号 spans over 项目名称
    book.save(path)
    merged, missing = read_workbook(path).findings
    assert (merged.sheet, merged.row, merged.column) == ("项目", 1, "B1:C1")
    assert "合并单元格" in merged.problem
    assert (missing.sheet, missing.row) == ("项目", 1)
    assert "项目名称" in missing.column
    assert missing.problem == "缺少必填列"


def test_unknown_sheet(tmp_path, minimal_tables):
    path = make_workbook(tmp_path, minimal_tables(), extra_sheets=("Sheet1",))
    f = only(check(path))
    assert f.sheet == "Sheet1"
    assert f.row is None
    assert f.problem.startswith("未知的工作表")
    assert "资金与部门" in f.problem  # names the sheets it expects


def test_duplicate_sheet_by_chinese_and_english_name(tmp_path, minimal_tables):
    tables = minimal_tables()
    path = make_workbook(tmp_path, tables)
    book = openpyxl.load_workbook(path)
    book.create_sheet("projects")["A1"] = "project_id"
    book.save(path)
    f = only(check(path))
    assert f.sheet == "projects"
    assert f.problem == "工作表重复"


def test_empty_file(tmp_path):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    f = only(check(path))
    assert f.file == "empty.xlsx" and f.sheet == "" and f.row is None
    assert f.problem == "文件为空"


def test_csv_renamed_to_xlsx(tmp_path):
    path = tmp_path / "renamed.xlsx"
    path.write_bytes("项目编号,全年预算数\nPJ1,16\n".encode())
    f = only(check(path))
    assert "不是有效的 .xlsx 文件" in f.problem


def test_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "other.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "hi")
    f = only(check(path))
    assert f.problem.startswith("压缩包中没有 Excel 工作簿")


def test_upload_bytes_use_the_given_label(tmp_path, minimal_tables):
    tables = minimal_tables()
    tables["projects"][0]["budget"] = "abc"
    data = make_workbook(tmp_path, tables).read_bytes()
    f = only(read_workbooks([("上传的.xlsx", data)]).findings)
    assert f.file == "上传的.xlsx"
    assert str(f).startswith("上传的.xlsx › 项目 › 第2行 › E列“全年预算数”：")


# ---------------------------------------------------------------- cell problems

CELL_CASES = [
    # (table, row index, column, bad value, part of the Chinese problem)
    ("projects", 1, "budget", "一千五", "应为金额（万元），实际为“一千五”"),
    ("projects", 0, "executed", -3, "金额不能为负数"),
    ("allocations", 2, "amount", -0.01, "金额不能为负数"),
    ("projects", 0, "stated_execution_rate", 94.65, "比率应在0%–200%之间"),
    ("projects", 1, "stated_execution_rate", "250%", "比率应在0%–200%之间"),
    ("projects", 0, "stated_score", 100.5, "分数应在0–100之间"),
    ("indicators", 3, "weight", -1, "分数应在0–100之间"),
    ("projects", 1, "stated_rating", "良好", "应为以下之一：优、良、中、差"),
    ("execution", 0, "as_of", "2023-02-30", "应为日期"),
    ("execution", 0, "as_of", "去年年底", "应为日期"),
    ("programs", 0, "year", "2023.5", "应为整数"),
    ("programs", 0, "program_kind", "专项资金", "应为以下之一：转移支付、部门预算"),
    ("indicators", 4, "level1", "产出", "应为以下之一"),
    ("progress", 0, "percent", 1.2, "完成比例应在0%–100%之间"),
    ("stated_figures", 0, "value", "-5", "数值不能为负数"),
    ("projects", 0, "budget", True, "不是逻辑值"),
]


@pytest.mark.parametrize("table, index, column, value, problem", CELL_CASES,
                         ids=[f"{c[0]}.{c[2]}={c[3]!r}" for c in CELL_CASES])
def test_bad_cell_is_named_exactly(tmp_path, minimal_tables, table, index, column, value, problem):
    tables = minimal_tables()
    tables[table][index][column] = value
    f = only(check(make_workbook(tmp_path, tables)))
    assert_cell(f, tables, table, column, index + 2, problem)


def test_english_problem_text_is_english(tmp_path, minimal_tables):
    tables = minimal_tables()
    tables["projects"][1]["budget"] = "一千五"
    f = only(check(make_workbook(tmp_path, tables)))
    quoted_value_removed = f.problem_en.replace("一千五", "")
    assert not CJK.search(quoted_value_removed), f.problem_en


def test_empty_required_cell(tmp_path, minimal_tables):
    tables = minimal_tables()
    tables["projects"][1]["project_name"] = "   "  # whitespace only counts as empty
    tables["allocations"][3]["fund_source"] = None
    findings = check(make_workbook(tmp_path, tables))
    assert len(findings) == 2, findings
    assert_cell(cell_finding(findings, "项目", 3), tables, "projects", "project_name", 3, "必填单元格为空")
    assert_cell(cell_finding(findings, "资金分配", 5), tables, "allocations", "fund_source", 5, "必填单元格为空")


def test_all_problems_reported_in_one_pass(tmp_path, minimal_tables):
    tables = minimal_tables()
    tables["projects"][0]["budget"] = "一千五"
    tables["projects"][1]["stated_score"] = 120
    tables["execution"][0]["as_of"] = "2023-13-01"
    findings = check(make_workbook(tmp_path, tables))
    assert sorted((f.sheet, f.row) for f in findings) == [("执行进度", 2), ("项目", 2), ("项目", 3)]


def test_accepted_date_spellings(tmp_path, minimal_tables):
    tables = minimal_tables()
    tables["execution"][0]["as_of"] = "2023年6月30日"
    tables["progress"][0]["as_of"] = "2023/12/31"
    tables["sources"][0]["report_date"] = dt.datetime(2024, 3, 15, 0, 0)
    parsed = read_workbooks([("a.xlsx", make_workbook(tmp_path, tables))])
    assert parsed.findings == []
    assert parsed.tables["execution"][0]["as_of"] == dt.date(2023, 6, 30)
    assert parsed.tables["progress"][0]["as_of"] == dt.date(2023, 12, 31)
    assert parsed.tables["sources"][0]["report_date"] == dt.date(2024, 3, 15)


def test_amount_header_in_yuan_is_not_read_as_wan(tmp_path, minimal_tables):
    tables = minimal_tables()
    tables["allocations"][0]["amount"] = 10_000_000  # 元 = 1000 万元
    parsed = read_workbooks([("a.xlsx", make_workbook(tmp_path, tables,
                                                      headers={"allocations": {"amount": "金额（元）"}}))])
    assert parsed.findings or parsed.tables["allocations"][0]["amount"] == pytest.approx(1000.0)


def test_amount_cell_written_in_yuan_is_not_read_as_wan(tmp_path, minimal_tables):
    tables = minimal_tables()
    tables["allocations"][0]["amount"] = "5000元"
    parsed = read_workbooks([("a.xlsx", make_workbook(tmp_path, tables))])
    assert parsed.findings or parsed.tables["allocations"][0]["amount"] == pytest.approx(0.5)


# ---------------------------------------------------------------- keys and references


def test_duplicate_project_id_names_second_row_and_first(tmp_path, minimal_tables):
    tables = minimal_tables()
    tables["projects"][1]["project_id"] = "PJ1"
    for row in tables["allocations"]:
        row.pop("project_id", None)
    f = only(check(make_workbook(tmp_path, tables)))
    assert (f.sheet, f.row) == ("项目", 3)
    assert "项目编号" in f.column
    assert "第2行" in f.problem and "重复" in f.problem


def test_duplicate_composite_key(tmp_path, minimal_tables):
    tables = minimal_tables()
    dup = dict(tables["indicators"][1])
    tables["indicators"].append(dup | {"level3": "另一个指标"})  # same program, project, seq 2
    f = only(check(make_workbook(tmp_path, tables)))
    assert (f.sheet, f.row) == ("绩效指标", 7)
    assert "序号" in f.column and "资金/部门编号" in f.column
    assert "与第3行重复" in f.problem


def test_duplicate_key_across_two_files(tmp_path, minimal_tables):
    a = make_workbook(tmp_path, minimal_tables(), name="a.xlsx")
    b = make_workbook(tmp_path, minimal_tables(), name="b.xlsx")
    findings = read_workbooks([("a.xlsx", a), ("b.xlsx", b)]).findings
    programs = [f for f in findings if f.sheet == "资金与部门"]
    f = only(programs)
    assert (f.file, f.row) == ("b.xlsx", 2)
    assert "重复" in f.problem


def test_unknown_program_reference(tmp_path, minimal_tables):
    tables = minimal_tables()
    tables["execution"][0]["program_id"] = "P9"
    f = only(check(make_workbook(tmp_path, tables)))
    assert (f.sheet, f.row) == ("执行进度", 2)
    assert "资金/部门编号" in f.column
    assert "“P9”不在“资金与部门”表中" in f.problem


def test_unknown_source_reference(tmp_path, minimal_tables):
    tables = minimal_tables()
    tables["programs"][0]["source_id"] = "S404"
    f = only(check(make_workbook(tmp_path, tables)))
    assert (f.sheet, f.row) == ("资金与部门", 2)
    assert "来源编号" in f.column
    assert "S404" in f.problem and "来源" in f.problem


def test_unknown_project_reference(tmp_path, minimal_tables):
    tables = minimal_tables()
    tables["allocations"][3]["project_id"] = "PJ9"
    f = only(check(make_workbook(tmp_path, tables)))
    assert (f.sheet, f.row) == ("资金分配", 5)
    assert "项目编号" in f.column
    assert "项目编号“PJ9”不在“项目”表中" in f.problem


def test_project_belonging_to_another_program(tmp_path, minimal_tables):
    tables = minimal_tables()
    other = minimal_tables(program_id="P2", project_prefix="QJ")
    tables["programs"] += other["programs"]
    tables["projects"] += other["projects"]
    tables["indicators"][2]["project_id"] = "QJ1"  # indicator of P1 pointing at a P2 project
    f = only(check(make_workbook(tmp_path, tables)))
    assert (f.sheet, f.row) == ("绩效指标", 4)
    assert "项目编号" in f.column
    assert "属于“P2”" in f.problem and "不属于“P1”" in f.problem


CELL_VALUES = [0, 1, 7, -1, 0.0, 0.5, 1.0, 1.5, 2.0, 2.0000001, 99.5, 100, 100.0, 100.5, -0.0, 1e12, 1e15,
               float("nan"), float("inf"), float("-inf"), True, False, "94.65%", "1,500", " 优 ", "优", "良",
               "转移支付", "abc", "", dt.datetime(2023, 12, 31, 0, 0), dt.date(2023, 12, 31), "2023-12-31"]


@pytest.mark.parametrize("column", sorted({(c.type, c.choices): c for s in spec.SHEETS for c in s.columns}.values(),
                                          key=lambda c: (c.type, c.name)), ids=lambda c: f"{c.type}-{c.name}")
def test_fast_cell_conversion_is_the_same_as_convert(column):
    # The per-column shortcuts of the import must give what convert() gives, or its error.
    fast = workbook._converter(column)
    for value in CELL_VALUES:
        try:
            expected = ("ok", workbook.convert(value, column))
        except workbook.CellError as err:
            expected = ("error", err.zh)
        try:
            got = ("ok", fast(value))
        except workbook.CellError as err:
            got = ("error", err.zh)
        assert got == expected and type(got[1]) is type(expected[1]), (column.name, value)
