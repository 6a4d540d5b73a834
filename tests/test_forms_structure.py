"""Forms read by their structure (issue 21): the variants the issue names, each built as the agency
lays it out, read from .xlsx and .docx by the upload's road (lib.intake.pipeline), every cell
accounted for and every figure where it belongs."""

from __future__ import annotations

import pytest
from form_corpus import Sheet, docx_bytes, xlsx

from lib.intake.files import open_file
from lib.intake.form_layout import label_in, place_of
from lib.intake.pipeline import read_one, read_workbooks

L, U = "<", "^"
FILES = {"xlsx": xlsx, "docx": docx_bytes}

# 内蒙古's transfer form: three levels of department, a finance bureau, five funding sources, a
# text block inside the funds area, 总体目标 | 全年实际完成情况, and its own indicator headers
NEIMENGGU = Sheet("就业补助", [
    ["就业补助资金绩效自评表", L, L, L, L, L, L],
    ["（2022年度）", L, L, L, L, L, L],
    ["转移支付（项目）名称", "就业补助资金", L, L, L, L, L],
    ["自治区主管部门", "内蒙古自治区人力资源和社会保障厅", L, "市县财政部门", "巴彦淖尔市临河区财政局", L, L],
    ["市县主管部门", "巴彦淖尔市临河区人力资源和社会保障局", L, "资金使用单位", "临河区公共就业服务中心", L, L],
    ["资金投入情况\n（万元）", "", L, "全年预算数（A）", "全年执行数（B）", "执行率（B/A）", L],
    [U, "年度资金总额", L, 7165.32, 6992.95, "97.59%", L],
    [U, "其中：中央财政资金", L, 3144, 3144, "100%", L],
    [U, "自治区财政资金", L, 570.17, 570.17, "100%", L],
    [U, "盟市财政资金", L, 433, 432.1, "99.79%", L],
    [U, "旗县财政资金", L, 1426.9, 1294.84, "90.75%", L],
    [U, "其他资金（包括以前年度结转资金）", L, 1591.25, 1551.84, "97.52%", L],
    ["资金管理情况", "", L, "情况说明", L, "存在问题和改进措施", L],
    [U, "分配科学性", L, "根据业务情况进行合理的分配", L, None, L],
    [U, "下达及时性", L, "及时传达至相关业务股室", L, "个别批次下达偏晚，已压缩审核时限", L],
    ["总体目标完成情况", "总体目标", L, L, "全年实际完成情况", L, L],
    [U, "确保完成年度城镇新增就业目标任务", L, L, "全区城镇新增就业2989人", L, L],
    ["绩效指标", "一级指标", "二级指标", "三级指标", "年度目标指标值", "全年实际值", "未完成原因及改进措施"],
    [U, "产出指标", "数量指标", "城镇新增就业人数", "≥1686人", "2989人", None],
    [U, U, "质量指标", "城镇调查失业率", "≤5.5%", "5.2%", None],
])


def _read(sheet: Sheet, fmt: str, name: str = "form"):
    return read_workbooks([(f"{name}.{fmt}", FILES[fmt](sheet))])


def _whole(parsed) -> None:
    assert parsed.findings == [], [str(f) for f in parsed.findings]
    assert parsed.blocking_unmapped == [], [u.message for u in parsed.blocking_unmapped]


@pytest.mark.parametrize("fmt", FILES)
def test_a_neimenggu_transfer_form_imports_whole(fmt):
    parsed = _read(NEIMENGGU, fmt)
    _whole(parsed)
    [program] = parsed.tables["programs"]
    # the 市县 department is the local one; the region is the spending unit's, not the bureau's
    assert program["department"] == "巴彦淖尔市临河区人力资源和社会保障局"
    assert program["region"] == "临河区"
    assert "市县财政部门" not in program["note"] and "地方财政部门：巴彦淖尔市临河区财政局" in program["note"]
    assert "自治区主管部门：内蒙古自治区人力资源和社会保障厅" in program["note"]
    # five funding sources, each kept with its source
    execution = {e["fund_source"]: (e["budget"], e["executed"]) for e in parsed.tables["execution"]}
    assert execution == {"中央补助": (3144, 3144), "自治区财政资金": (570.17, 570.17), "盟市财政资金": (433, 432.1),
                         "旗县财政资金": (1426.9, 1294.84), "其他资金": (1591.25, 1551.84)}
    # the funds area's text block as texts, not amounts
    texts = {o["label"]: o["actual_text"] for o in parsed.tables["objectives"]}
    assert texts["资金管理情况：分配科学性"] == "根据业务情况进行合理的分配"
    assert texts["资金管理情况：下达及时性"] == "及时传达至相关业务股室\n存在问题和改进措施：个别批次下达偏晚，已压缩审核时限"
    assert texts["年度总体目标"] == "全区城镇新增就业2989人"
    indicators = [(i["level3"], i["target"], i["actual"]) for i in parsed.tables["indicators"]]
    assert indicators == [("城镇新增就业人数", "≥1686人", "2989人"), ("城镇调查失业率", "≤5.5%", "5.2%")]


# a project form whose 年度资金总额 row is left empty: only the 自治区补助 row is filled, as text with units
EMPTY_TOTAL = Sheet("高标准农田", [
    ["项目支出绩效自评表", L, L, L, L, L, L, L],
    ["（2023年度）", L, L, L, L, L, L, L],
    ["项目名称", "高标准农田建设", L, L, L, L, L, L],
    ["自治区主管部门", "内蒙古自治区农牧厅", L, L, "项目实施单位/项目负责人", "临河区农牧局/张某", L, L],
    ["项目资金\n（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
    [U, "年度资金总额", None, None, None, 10, None, 8.65],
    [U, "其中：自治区补助", "300万元", "300万元", "259.45万元", None, "86.5%", None],
    ["年度总体目标", "预期目标", L, L, "实际完成情况", L, L, L],
    [U, "建设高标准农田1万亩", L, L, "建成0.86万亩", L, L, L],
    ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
    ["产出指标", "数量指标", "建设面积", "≥1万亩", "0.86万亩", 50, 43, "部分地块未完工"],
    ["满意度指标", "服务对象满意度指标", "农户满意度", "≥90%", "95%", 40, 40, None],
    ["总分", L, L, L, L, 100, 91.65, None],
])


@pytest.mark.parametrize("fmt", FILES)
def test_an_empty_total_row_is_computed_from_its_source_with_a_note(fmt):
    parsed = _read(EMPTY_TOTAL, fmt)
    _whole(parsed)
    [project] = parsed.tables["projects"]
    assert (project["budget_initial"], project["budget"], project["executed"]) == (300, 300, 259.45)
    assert project["stated_execution_rate"] is None  # the total row states no rate; none is made up
    assert "年度资金总额未填" in project["note"]
    figures = {f["metric"]: f["value"] for f in parsed.tables["stated_figures"]}
    assert figures["自治区补助全年预算数"] == 300 and figures["自治区补助执行率"] == 86.5
    # 自治区主管部门 by its kernel; the unit, not its head, from "项目实施单位/项目负责人"
    assert parsed.tables["programs"][0]["department"] == "内蒙古自治区农牧厅"
    assert project["implementing_unit"] == "临河区农牧局"
    assert project["region"] == "临河区"


# 云南's 元 variant: a header over two rows, merged down and across, amounts in 元
TWO_ROW_HEADER = Sheet("道路养护", [
    ["项目支出绩效自评表", L, L, L, L, L, L, L],
    ["（2022年度）", L, L, L, L, L, L, L],
    ["项目名称", "乡村道路养护", L, L, L, L, L, L],
    ["主管部门", "临沧市临翔区交通运输局", L, L, "实施单位", "临沧市临翔区公路管理段", L, L],
    ["项目资金（元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
    [U, "年度资金总额", 500000, 500000, 450000, 10, "90%", 9],
    [U, "其中：当年财政拨款", 500000, 500000, 450000, None, None, None],
    ["年度总体目标", "预期目标", L, L, "实际完成情况", L, L, L],
    [U, "养护道路50公里", L, L, "养护道路48公里", L, L, L],
    ["一级指标", "二级指标", "三级指标", "年度指标值", "完成情况", L, L, "偏差原因分析及改进措施"],
    [U, U, U, U, "实际完成值", "分值", "得分", U],
    ["产出指标", "数量指标", "养护里程", "≥50公里", "48公里", 50, 48, "雨季停工"],
    ["效益指标", "社会效益指标", "通行条件", "改善", "改善", 30, 30, None],
    ["满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "92%", 10, 10, None],
    ["总分", L, L, L, L, 100, 97, None],
])


@pytest.mark.parametrize("fmt", FILES)
def test_a_header_over_two_rows_merged_either_way_names_every_column(fmt):
    parsed = _read(TWO_ROW_HEADER, fmt)
    _whole(parsed)
    rows = [(i["level3"], i["target"], i["actual"], i["weight"], i["stated_score"], i["deviation_reason"])
            for i in parsed.tables["indicators"]]
    assert rows == [("养护里程", "≥50公里", "48公里", 50, 48, "雨季停工"), ("通行条件", "改善", "改善", 30, 30, None),
                    ("群众满意度", "≥90%", "92%", 10, 10, None)]
    [project] = parsed.tables["projects"]
    assert (project["budget"], project["executed"], project["stated_score"]) == (50, 45, 97)  # 元 → 万元
    assert project["region"] == "临翔区"


def test_labels_match_by_their_kernel_after_a_level_prefix():
    assert label_in("自治区主管部门", ("主管部门",)) and label_in("旗县主管部门", ("主管部门",))
    assert label_in("市县财政部门", ("财政部门",)) and label_in("项目实施单位/项目负责人", ("项目实施单位",))
    assert not label_in("主管部门意见", ("主管部门",))


@pytest.mark.parametrize(("unit", "place"), [
    ("巴彦淖尔市临河区财政局", "临河区"), ("内蒙古自治区巴彦淖尔市临河区财政局", "临河区"),
    ("绥阳县太白镇人民政府", "绥阳县太白镇"), ("314002-成安县民政局机关", "成安县"), ("云南省应急管理厅", "云南省"),
    ("宣城市宣州区应急管理局", "宣州区"), ("杭州市城市管理局", "杭州市"), ("曲靖市宣威市教育局", "宣威市"),
    ("金寨县茶谷和美丽乡村建设服务中心", "金寨县"), ("甘肃省住房和城乡建设厅", "甘肃省"),
    ("县农业农村局", None), ("各县（区）", None), ("市民中心", None)])
def test_the_region_is_the_place_a_unit_s_name_begins_with(unit, place):
    assert place_of(unit) == place


def test_a_file_is_opened_once_and_classified_from_what_was_opened():
    """The grids a form's classification looked at are the ones its reader reads."""
    opened = open_file(xlsx(EMPTY_TOTAL), "农田.xlsx")
    assert opened.kind == "xlsx" and opened.sheet_names() == ["高标准农田"]
    assert opened.grids() is opened.grids()
    opened.close()
    kind, parsed = read_one("农田.xlsx", xlsx(EMPTY_TOTAL))
    assert kind == "form" and len(parsed.tables["projects"]) == 1


def test_a_narrative_report_in_word_is_sent_to_the_report_draft():
    import io

    import docx

    document = docx.Document()
    for _ in range(8):
        document.add_paragraph("一、绩效目标分解下达情况。我市共下达中央补助资金1200万元，用于农村危房改造，"
                               "全年完成改造4800户，资金执行率95%，绩效目标基本完成。")
    buffer = io.BytesIO()
    document.save(buffer)
    kind, parsed = read_one("自评报告.docx", buffer.getvalue())
    assert kind == "report"
    [finding] = parsed.findings
    assert "自评报告" in finding.problem and "从自评报告起草" in finding.problem


def test_a_form_whose_department_and_unit_are_left_empty_is_refused_naming_the_cell():
    rows = [list(r) for r in TWO_ROW_HEADER.rows]
    rows[3] = ["主管部门", "", L, L, "实施单位", "", L, L]
    parsed = _read(Sheet("道路养护", rows, TWO_ROW_HEADER.fmt), "xlsx")
    [finding] = parsed.findings
    assert (finding.row, finding.column) == (4, "B4") and finding.problem.startswith("“主管部门”为空")
    assert parsed.tables["projects"] == []
