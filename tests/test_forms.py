"""Official self-evaluation forms (自评表) in and out: lib/intake/forms.py (reading) and lib/outputs/forms.py (writing).

The forms here are real .xlsx files written cell by cell with openpyxl, laid out the way
analysts keep them (merged cells, blank rows, full-width labels, text numbers, amounts in 元, a
split target, missing 得分 columns …), then imported through the ordinary Store path. The round
trips export the shipped Lanzhou projects and the Liaoning transfer program and read them back.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys

import openpyxl
import pandas as pd
import pytest
import streamlit as st
from conftest import ROOT, make_workbook, minimal_dataset
from streamlit.testing.v1 import AppTest

from lib.intake import forms
from lib.intake.workbook import read_workbooks
from lib.outputs import forms as form_writer
from lib.store import ImportRejected, Store, open_store

LANZHOU_PROJECTS = [f"LZ2022-P{i:02d}" for i in range(1, 10)]
PROJECT_FIELDS = ["budget_initial", "budget", "appropriation", "executed", "stated_execution_rate",
                  "stated_score", "stated_rating", "objective", "objective_actual", "deviation_reason",
                  "improvement", "implementing_unit", "region"]
INDICATOR_FIELDS = ["level1", "level2", "level3", "target", "actual", "weight", "stated_score",
                    "deviation_reason", "improvement"]


def put(ws, ref: str, value, to: str | None = None, fmt: str | None = None) -> None:
    """Write one cell (merged to ``to`` when given), as an analyst would type it."""
    ws[ref] = value
    if fmt:
        ws[ref].number_format = fmt
    if to:
        ws.merge_cells(f"{ref}:{to}")


def save(book: openpyxl.Workbook, path) -> bytes:
    book.save(path)
    return path.read_bytes()


def _clean(value):
    if value is None:
        return None
    if not isinstance(value, str) and pd.isna(value):
        return None
    return value.item() if hasattr(value, "item") else value


def rows_of(frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    return [tuple(_clean(v) for v in row) for row in frame[columns].itertuples(index=False)]


# ---------------------------------------------------------------- form builders


def variant_project_sheet(ws) -> None:
    """A provincial variant of 项目支出绩效自评表: amounts in 元 (said in the heading), column names
    调整后预算数 / 预算执行数 / 权重 / 预算执行率 / 本年财政拨款 / 完成值, full-width digits and spaces,
    blank rows, text numbers, a two-row indicator header splitting the target into 指标性质 / 指标值 /
    度量单位, no 得分 column, 成本指标 as a 一级, "/" for not applicable, a closing text block."""
    put(ws, "A1", "项目支出绩效自评表", to="L1")
    put(ws, "A2", "（２０２３ 年度）", to="L2")
    put(ws, "A3", "金额单位：元", to="L3")
    # row 4 left blank
    put(ws, "A5", "项目名称　")
    put(ws, "B5", "监测预警平台建设", to="L5")
    put(ws, "A6", "主　管　部　门", to="B6")
    put(ws, "C6", "辽宁省应急管理厅", to="F6")
    put(ws, "G6", "实施单位")
    put(ws, "H6", "沈阳市应急管理局", to="L6")
    # row 7 left blank
    put(ws, "A8", "项目资金", to="A12")
    for ref, text in (("C8", "年初预算数"), ("D8", "调整后预算数"), ("E8", "预算执行数"), ("F8", "权重"),
                      ("G8", "预算执行率"), ("H8", "得分")):
        put(ws, ref, text)
    put(ws, "B9", "年度资金总额：")
    put(ws, "C9", 1500000)
    put(ws, "D9", "1,600,000")
    put(ws, "E9", "1,514,353")
    put(ws, "F9", 10)
    put(ws, "G9", "94.65%")
    put(ws, "H9", "9.47")
    put(ws, "B10", "其中：本年财政拨款")
    put(ws, "D10", "1,500,000")
    put(ws, "B11", "上年结转资金")
    put(ws, "D11", 100000)
    put(ws, "B12", "其他资金")
    put(ws, "D12", "/")
    put(ws, "A13", "年度总体目标", to="A14")
    put(ws, "B13", "预期目标", to="F13")
    put(ws, "G13", "实际完成情况", to="L13")
    put(ws, "B14", "建成监测预警平台", to="F14")
    put(ws, "G14", "平台主体建成", to="L14")
    # row 15 left blank
    put(ws, "A16", "绩效指标", to="A25")
    put(ws, "B16", "一级指标", to="B17")
    put(ws, "C16", "二级指标", to="C17")
    put(ws, "D16", "三级指标", to="D17")
    put(ws, "E16", "年度指标值", to="G16")
    put(ws, "E17", "指标性质")
    put(ws, "F17", "指标值")
    put(ws, "G17", "度量单位")
    put(ws, "H16", "完成值", to="H17")
    put(ws, "I16", "分值", to="I17")
    put(ws, "J16", "偏差原因分析及改进措施", to="L17")
    put(ws, "B18", "产出指标", to="B20")
    put(ws, "C18", "数量指标", to="C19")
    for ref, value in (("D18", "平台建设完成率"), ("E18", "004 >="), ("F18", 90), ("G18", "%"), ("H18", 95),
                       ("I18", 20), ("D19", "接入企业数"), ("E19", "≥"), ("F19", "38"), ("G19", "家"),
                       ("H19", 38), ("I19", "10"), ("C20", "时效指标"), ("D20", "完成时限"), ("E20", "<="),
                       ("F20", 12), ("G20", "个月"), ("H20", "/"), ("I20", "/")):
        put(ws, ref, value)
    # row 21 left blank inside the block
    for ref, value in (("B22", "成本指标"), ("C22", "经济成本指标"), ("D22", "平台建设成本"), ("E22", "≤"),
                       ("F22", 100), ("G22", "万元"), ("H22", 95), ("I22", 10)):
        put(ws, ref, value)
    put(ws, "B23", "效益指标", to="B24")
    for ref, value in (("C23", "社会效益指标"), ("D23", "风险预警覆盖率"), ("E23", "定性"), ("F23", "效果显著"),
                       ("G23", "/"), ("H23", "达成预期指标"), ("I23", 20),
                       ("C24", "可持续影响指标"), ("D24", "年度资金支付完成率100%"), ("H24", "100%")):
        put(ws, ref, value)
    put(ws, "J23", "部分模块正在建设中\n改进措施：加快建设进度", to="L23")
    for ref, value in (("B25", "满意度指标"), ("C25", "服务对象满意度指标"), ("D25", "企业满意度"),
                       ("E25", "≥"), ("G25", "%"), ("H25", "92%"), ("I25", 10)):
        put(ws, ref, value)
    put(ws, "F25", 0.9, fmt="0%")
    put(ws, "A26", "总分", to="H26")
    put(ws, "I26", 100)
    put(ws, "A27", "自评得分")
    put(ws, "B27", "92.5分")
    put(ws, "D27", "自评等级")
    put(ws, "E27", "优秀")
    put(ws, "A28", "评价结论")
    put(ws, "B28", "项目总体完成较好", to="L28")
    put(ws, "A29", "存在问题")
    put(ws, "B29", "部分模块正在建设中", to="L29")
    put(ws, "A30", "改进措施：加快平台建设进度", to="L30")
    put(ws, "A32", "填表人：张三")


def plain_project_sheet(ws, name: str, budget: float, executed: float, score: float, rating: str,
                        department: str = "兰州新区应急管理局", year: int = 2022) -> None:
    """The official 项目支出绩效自评表 layout in 万元, with 分值 and 得分."""
    put(ws, "A1", "项目支出绩效自评表", to="J1")
    put(ws, "A2", f"（{year}年度）", to="J2")
    put(ws, "A3", "项目名称", to="B3")
    put(ws, "C3", name, to="J3")
    put(ws, "A4", "主管部门", to="B4")
    put(ws, "C4", department, to="F4")
    put(ws, "G4", "实施单位", to="H4")
    put(ws, "I4", department, to="J4")
    put(ws, "A5", "项目资金（万元）", to="A9")
    for ref, text in (("D5", "年初预算数"), ("E5", "全年预算数"), ("F5", "全年执行数"), ("G5", "分值"),
                      ("H5", "执行率"), ("I5", "得分")):
        put(ws, ref, text)
    put(ws, "B6", "年度资金总额", to="C6")
    put(ws, "E6", budget)
    put(ws, "F6", executed)
    put(ws, "G6", 10)
    put(ws, "H6", executed / budget, fmt="0.00%")
    put(ws, "I6", 10)
    put(ws, "B7", "其中：当年财政拨款", to="C7")
    put(ws, "E7", budget)
    put(ws, "B8", "上年结转资金", to="C8")
    put(ws, "B9", "其他资金", to="C9")
    put(ws, "A10", "年度总体目标", to="A11")
    put(ws, "B10", "预期目标", to="F10")
    put(ws, "G10", "实际完成情况", to="J10")
    put(ws, "B11", f"完成{name}", to="F11")
    put(ws, "G11", "已完成", to="J11")
    put(ws, "A12", "绩效指标", to="A15")
    for ref, text in (("B12", "一级指标"), ("C12", "二级指标"), ("D12", "三级指标"), ("E12", "年度指标值"),
                      ("F12", "实际完成值"), ("G12", "分值"), ("H12", "得分"), ("I12", "偏差原因分析及改进措施")):
        put(ws, ref, text)
    put(ws, "B13", "产出指标", to="B14")
    put(ws, "C13", "数量指标", to="C14")
    put(ws, "D13", "完成率")
    put(ws, "E13", "100%")
    put(ws, "F13", "100%")
    put(ws, "G13", 50)
    put(ws, "H13", 50)
    put(ws, "D14", "完成数量")
    put(ws, "E14", "≥2个")
    put(ws, "F14", "2个")
    put(ws, "B15", "满意度指标")
    put(ws, "C15", "服务对象满意度指标")
    put(ws, "D15", "群众满意度")
    put(ws, "E15", "≥90%")
    put(ws, "F15", "95%")
    put(ws, "G15", 40)
    put(ws, "H15", score - 60)
    put(ws, "A16", "总分", to="F16")
    put(ws, "G16", 100)
    put(ws, "H16", score)
    put(ws, "A17", "自评等级", to="F17")
    put(ws, "G17", rating)


def department_sheet(ws) -> None:
    """部门整体支出绩效自评表: funds by revenue and expenditure type, indicators of the department."""
    put(ws, "A1", "部门整体支出绩效自评表", to="I1")
    put(ws, "A2", "（2022年度）", to="I2")
    put(ws, "A3", "部门（单位）名称", to="B3")
    put(ws, "C3", "兰州新区应急管理局", to="I3")
    put(ws, "A4", "年度部门整体支出预算（万元）", to="A12")
    for ref, text in (("D4", "年初预算数"), ("E4", "全年预算数"), ("F4", "全年执行数"), ("G4", "分值"),
                      ("H4", "执行率"), ("I4", "得分")):
        put(ws, ref, text)
    put(ws, "B5", "年度资金总额", to="C5")
    put(ws, "D5", 7000)
    put(ws, "E5", 7750.69)
    put(ws, "F5", 7719.74)
    put(ws, "G5", 10)
    put(ws, "H5", "99.36%")
    put(ws, "I5", 9.94)
    put(ws, "B6", "按收入性质分", to="B10")
    put(ws, "C6", "一般公共预算")
    put(ws, "E6", 7700.69)
    put(ws, "F6", 7669.74)
    put(ws, "C7", "政府性基金")
    put(ws, "C8", "国有资本经营预算")
    put(ws, "C9", "财政专户")
    put(ws, "C10", "单位资金")
    put(ws, "E10", 50)
    put(ws, "F10", 50)
    put(ws, "B11", "按支出性质分", to="B12")
    put(ws, "C11", "基本支出")
    put(ws, "E11", 610.39)
    put(ws, "F11", 1027.37)
    put(ws, "C12", "项目支出")
    put(ws, "E12", 7140.3)
    put(ws, "F12", 6692.37)
    put(ws, "A13", "年度总体目标", to="A14")
    put(ws, "B13", "预期目标", to="E13")
    put(ws, "F13", "实际完成情况", to="I13")
    put(ws, "B14", "目标1：全面履行安全生产综合监管职责", to="E14")
    put(ws, "F14", "排查燃气管道492公里", to="I14")
    put(ws, "A15", "绩效指标", to="A17")
    for ref, text in (("B15", "一级指标"), ("C15", "二级指标"), ("D15", "三级指标"), ("E15", "年度指标值"),
                      ("F15", "实际完成值"), ("G15", "分值"), ("H15", "得分"), ("I15", "偏差原因分析及改进措施")):
        put(ws, ref, text)
    for ref, value in (("B16", "产出指标"), ("C16", "数量指标"), ("D16", "执法检查企业数"), ("E16", "≥300家"),
                       ("F16", "320家"), ("G16", 45), ("H16", 45), ("B17", "满意度指标"),
                       ("C17", "服务对象满意度指标"), ("D17", "企业满意度"), ("E17", "≥90%"), ("F17", "92%"),
                       ("G17", 45), ("H17", 45)):
        put(ws, ref, value)
    put(ws, "A18", "总分", to="F18")
    put(ws, "G18", 100)
    put(ws, "H18", 99.94)
    put(ws, "A19", "自评等级", to="F19")
    put(ws, "G19", "优")
    put(ws, "A20", "存在问题", to="B20")
    put(ws, "C20", "项目外支出未单列", to="I20")


def region_sheet(ws) -> None:
    """中央对地方转移支付区域绩效自评表 with amounts in 元 (said in the funds label)."""
    put(ws, "A1", "中央对地方转移支付区域绩效自评表", to="H1")
    put(ws, "A2", "（2023年度）", to="H2")
    put(ws, "A3", "转移支付（项目）名称", to="B3")
    put(ws, "C3", "农村危房改造补助资金", to="H3")
    put(ws, "A4", "中央主管部门", to="B4")
    put(ws, "C4", "住房和城乡建设部", to="H4")
    put(ws, "A5", "地方主管部门", to="B5")
    put(ws, "C5", "甘肃省住房和城乡建设厅", to="E5")
    put(ws, "F5", "资金使用单位")
    put(ws, "G5", "各县（区）", to="H5")
    put(ws, "A6", "资金投入情况（元）", to="A10")
    put(ws, "D6", "全年预算数（A）", to="E6")
    put(ws, "F6", "全年执行数（B）", to="G6")
    put(ws, "H6", "执行率（B/A）")
    for row, (label, budget, executed, rate) in enumerate((
            ("年度资金总额：", 30000000, 27000000, "90%"), ("其中：中央补助", 20000000, 19000000, "95%"),
            ("地方资金", "10,000,000", "8,000,000", "80%"), ("其他资金", None, None, None)), start=7):
        put(ws, f"B{row}", label, to=f"C{row}")
        put(ws, f"D{row}", budget, to=f"E{row}")
        put(ws, f"F{row}", executed, to=f"G{row}")
        put(ws, f"H{row}", rate)
    put(ws, "A11", "年度总体目标", to="A13")
    put(ws, "B11", "预期目标", to="E11")
    put(ws, "F11", "目标实际完成情况", to="H11")
    put(ws, "B12", "目标1：完成农村危房改造5000户", to="E12")
    put(ws, "F12", "完成4800户", to="H12")
    put(ws, "B13", "目标2：改造后住房安全达标", to="E13")
    put(ws, "F13", "全部达标", to="H13")
    put(ws, "A14", "绩效指标", to="A16")
    for ref, text in (("B14", "一级指标"), ("C14", "二级指标"), ("D14", "三级指标"), ("E14", "指标值"),
                      ("F14", "实际完成值")):
        put(ws, ref, text)
    put(ws, "G14", "未完成原因和改进措施", to="H14")
    for ref, value in (("B15", "产出指标"), ("C15", "数量指标"), ("D15", "改造户数"), ("E15", "≥5000户"),
                       ("F15", "4800户"), ("D16", "改造户数（兰州市）"), ("E16", "≥800户"), ("F16", "800户")):
        put(ws, ref, value)
    put(ws, "B16", None)
    ws.merge_cells("B15:B16")
    ws.merge_cells("C15:C16")
    put(ws, "G15", "部分农户自筹资金未到位", to="H15")


# ---------------------------------------------------------------- import


@pytest.fixture
def variant_form(tmp_path):
    book = openpyxl.Workbook()
    variant_project_sheet(book.active)
    book.active.title = "监测平台"
    return tmp_path / "辽宁自评表.xlsx", save(book, tmp_path / "辽宁自评表.xlsx")


def test_variant_project_form_is_read_by_its_labels(tmp_db, variant_form):
    path, _ = variant_form
    assert forms.detect_format(path) == "form"
    tmp_db.import_files([(path.name, path)], user="tester")
    program_id = forms.program_id_for(forms.PROJECT, 2023, "辽宁省应急管理厅")
    project_id = forms.project_id_for(program_id, "监测预警平台建设")
    program = tmp_db.read("programs").iloc[0]
    assert (program.program_id, program.year, program.department, program.program_kind) == \
        (program_id, 2023, "辽宁省应急管理厅", "部门预算")
    project = tmp_db.read("projects", where={"project_id": project_id}).iloc[0]
    # 元 → 万元; "1,600,000" and "94.65%" are text numbers; 本年财政拨款 is the appropriation
    assert project.budget_initial == 150 and project.budget == 160
    assert project.executed == pytest.approx(151.4353)
    assert project.appropriation == 150
    assert project.stated_execution_rate == pytest.approx(0.9465)
    assert project.stated_score == 92.5 and project.stated_rating == "优"
    assert project.implementing_unit == "沈阳市应急管理局"
    assert (project.objective, project.objective_actual) == ("建成监测预警平台", "平台主体建成")
    assert (project.deviation_reason, project.improvement) == ("部分模块正在建设中", "加快平台建设进度")
    assert project.note == "评价结论：项目总体完成较好"
    indicators = tmp_db.read("indicators", where={"project_id": project_id}, order_by=["seq"])
    assert rows_of(indicators, ["seq", "level1", "level2", "level3", "target", "actual", "weight"]) == [
        (1, "产出指标", "数量指标", "平台建设完成率", "≥90%", "95%", 20.0),
        (2, "产出指标", "数量指标", "接入企业数", "≥38家", "38家", 10.0),
        (3, "产出指标", "时效指标", "完成时限", "≤12个月", "/", None),
        (4, "成本指标", "经济成本指标", "平台建设成本", "≤100万元", "95万元", 10.0),
        (5, "效益指标", "社会效益指标", "风险预警覆盖率", "效果显著", "达成预期指标", 20.0),
        (6, "效益指标", "可持续影响指标", "年度资金支付完成率100%", None, "100%", None),
        (7, "满意度指标", "服务对象满意度指标", "企业满意度", "≥90%", "92%", 10.0),
    ]
    assert indicators["stated_score"].isna().all()  # the form has no 得分 column
    benefit = indicators.iloc[4]
    assert (benefit.deviation_reason, benefit.improvement) == ("部分模块正在建设中", "加快建设进度")
    statuses = dict(zip(indicators["level3"], indicators["status"], strict=True))
    assert statuses["平台建设完成率"] == "met" and statuses["完成时限"] == "not_applicable"
    parts = tmp_db.read("score_parts")
    assert rows_of(parts, ["part", "weight", "stated_score"]) == [("预算执行率", 10.0, 9.47)]
    figures = tmp_db.read("stated_figures")
    assert rows_of(figures, ["metric", "value", "unit"]) == [("上年结转资金全年预算数", 10.0, "万元"),
                                                             ("指标分值合计", 100.0, "分")]
    source = tmp_db.read("sources").iloc[0]
    assert source.source_id == f"{program_id}-F" and source.file_name == "辽宁自评表.xlsx"


def test_two_projects_in_two_sheets_share_one_program(tmp_db, tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active["A1"] = "填表说明：每个项目一张表"
    plain_project_sheet(book.create_sheet("档案整理"), "档案整理专项", 16, 15.14353, 94, "优")
    plain_project_sheet(book.create_sheet("执法经费"), "安全生产监督执法专项经费", 100, 90.43, 88, "良")
    book.create_sheet("Sheet3")
    path = tmp_path / "兰州新区2022项目自评表.xlsx"
    save(book, path)
    result = tmp_db.import_files([(path.name, path)], user="tester")
    program_id = forms.program_id_for(forms.PROJECT, 2022, "兰州新区应急管理局")
    assert result.programs == [program_id]
    projects = tmp_db.read("v_projects", order_by=["project_name"])
    assert rows_of(projects, ["project_name", "budget", "executed", "stated_score", "stated_rating"]) == [
        ("安全生产监督执法专项经费", 100.0, 90.43, 88.0, "良"),
        ("档案整理专项", 16.0, 15.14353, 94.0, "优"),
    ]
    assert set(projects["project_id"]) == {forms.project_id_for(program_id, "档案整理专项"),
                                           forms.project_id_for(program_id, "安全生产监督执法专项经费")}
    assert projects["stated_execution_rate"].round(4).tolist() == [0.9043, 0.9465]
    indicators = tmp_db.read("v_indicators", order_by=["project_name", "seq"])
    assert len(indicators) == 6
    assert rows_of(indicators, ["project_name", "level2", "level3", "stated_score"])[:3] == [
        ("安全生产监督执法专项经费", "数量指标", "完成率", 50.0),
        ("安全生产监督执法专项经费", "数量指标", "完成数量", None),  # 二级 merged down from the row above
        ("安全生产监督执法专项经费", "服务对象满意度指标", "群众满意度", 28.0)]
    parts = tmp_db.read("score_parts")
    assert set(parts["part"]) == {"预算执行率"} and len(parts) == 2


def test_importing_the_same_form_again_replaces_it(tmp_db, variant_form):
    path, data = variant_form
    tmp_db.import_files([(path.name, data)], user="tester")
    counts = tmp_db.row_counts()
    tmp_db.import_files([(path.name, data)], user="tester")
    assert tmp_db.row_counts() == counts
    assert tmp_db.version_id() == 2


def test_forms_of_one_department_in_several_files_load_together(tmp_path):
    files = []
    for name, budget in (("档案整理专项", 16), ("应急救援能力提升项目", 14)):
        book = openpyxl.Workbook()
        plain_project_sheet(book.active, name, budget, budget, 95, "优")
        path = tmp_path / f"{name}.xlsx"
        files.append((path.name, save(book, path)))
    parsed = read_workbooks(files)
    assert parsed.ok, [str(f) for f in parsed.findings]
    assert len(parsed.tables["programs"]) == 1 and len(parsed.tables["projects"]) == 2
    assert parsed.tables["sources"][0]["file_name"] == "档案整理专项.xlsx、应急救援能力提升项目.xlsx"


def test_department_form(tmp_db, tmp_path):
    book = openpyxl.Workbook()
    department_sheet(book.active)
    path = tmp_path / "部门整体.xlsx"
    save(book, path)
    tmp_db.import_files([(path.name, path)], user="tester")
    program_id = forms.program_id_for(forms.DEPARTMENT, 2022, "兰州新区应急管理局")
    execution = tmp_db.read("execution").iloc[0]
    assert (execution.program_id, execution.budget, execution.executed) == (program_id, 7750.69, 7719.74)
    assert execution.stated_execution_rate == pytest.approx(0.9936)
    assert pd.isna(execution.project_id) and pd.isna(execution.fund_source)
    figures = dict(rows_of(tmp_db.read("stated_figures"), ["metric", "value"]))
    assert figures["一般公共预算全年预算数"] == 7700.69 and figures["单位资金全年执行数"] == 50
    assert figures["基本支出全年执行数"] == 1027.37 and figures["项目支出全年预算数"] == 7140.3
    assert figures["年度资金总额年初预算数"] == 7000
    assert figures["部门整体支出绩效自评得分"] == 99.94
    indicators = tmp_db.read("indicators", order_by=["seq"])
    assert indicators["project_id"].isna().all()
    assert indicators["level3"].tolist() == ["执法检查企业数", "企业满意度"]
    objectives = tmp_db.read("objectives", order_by=["seq"])
    assert rows_of(objectives, ["label", "expected", "actual_text"])[0] == \
        ("目标1", "全面履行安全生产综合监管职责", "排查燃气管道492公里")
    assert "项目外支出未单列" in objectives["actual_text"].tolist()
    assert rows_of(tmp_db.read("score_parts"), ["part", "weight", "stated_score"]) == [("预算执行率", 10.0, 9.94)]


def test_region_form_in_yuan(tmp_db, tmp_path):
    book = openpyxl.Workbook()
    region_sheet(book.active)
    path = tmp_path / "区域自评表.xlsx"
    save(book, path)
    tmp_db.import_files([(path.name, path)], user="tester")
    program = tmp_db.read("programs").iloc[0]
    assert (program.program_kind, program.program_name, program.department, program.region) == \
        ("转移支付", "农村危房改造补助资金", "甘肃省住房和城乡建设厅", "甘肃省")
    assert program.program_id == forms.program_id_for(forms.REGION, 2023, "", "农村危房改造补助资金", "甘肃省")
    execution = tmp_db.read("execution", order_by=["fund_source"])
    assert rows_of(execution, ["fund_source", "budget", "executed", "stated_execution_rate"]) == [
        ("中央补助", 2000.0, 1900.0, 0.95), ("地方资金", 1000.0, 800.0, 0.8)]
    allocations = tmp_db.read("allocations", order_by=["fund_source"])
    assert rows_of(allocations, ["region", "fund_source", "amount"]) == [
        ("甘肃省", "中央补助", 2000.0), ("甘肃省", "地方资金", 1000.0)]
    figures = dict(rows_of(tmp_db.read("stated_figures"), ["metric", "value"]))
    assert figures["年度资金总额（全年预算数）"] == 3000 and figures["年度资金总额执行率"] == 90
    indicators = tmp_db.read("indicators", order_by=["seq"])
    assert rows_of(indicators, ["region", "level3", "target", "actual", "weight", "deviation_reason"]) == [
        ("甘肃省", "改造户数", "≥5000户", "4800户", None, "部分农户自筹资金未到位"),
        ("兰州市", "改造户数", "≥800户", "800户", None, None)]
    assert indicators["level2"].tolist() == ["数量指标", "数量指标"]
    assert len(tmp_db.read("objectives")) == 2


def test_unreadable_form_names_sheet_and_cell_and_stores_nothing(tmp_path):
    store = open_store(tmp_path / "seeded.duckdb")
    try:
        before = store.content_checksum()
        book = openpyxl.Workbook()
        ws = book.active
        ws.title = "监测平台"
        variant_project_sheet(ws)
        ws["D9"] = "一百六十万"      # not an amount
        ws["E9"] = "=D9*0.9"          # a formula with no calculated value
        ws["B23"] = "过程指标"        # not a 一级 indicator of the format
        path = tmp_path / "坏表.xlsx"
        save(book, path)
        with pytest.raises(ImportRejected) as rejected:
            store.import_files([(path.name, path)], user="tester")
        found = {(f.sheet, f.column): f for f in rejected.value.findings}
        assert set(found) == {("监测平台", "D9"), ("监测平台", "E9"), ("监测平台", "B23")}
        assert "一百六十万" in found[("监测平台", "D9")].problem and found[("监测平台", "D9")].row == 9
        assert "公式" in found[("监测平台", "E9")].problem and "formula" in found[("监测平台", "E9")].problem_en
        assert "过程指标" in found[("监测平台", "B23")].problem
        assert "坏表.xlsx › 监测平台 › 第9行 › D9：" in str(found[("监测平台", "D9")])
        assert store.content_checksum() == before
    finally:
        store.close()


def test_form_missing_its_funds_and_name_is_rejected(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    plain_project_sheet(ws, "档案整理专项", 16, 15, 94, "优")
    ws["C3"] = None      # 项目名称 empty
    ws["E6"] = "/"       # 全年预算数 of 年度资金总额 not given
    parsed = forms.read_form(save(book, tmp_path / "f.xlsx"), "f.xlsx")
    cells = {f.column: f.problem for f in parsed.findings}
    assert "项目名称" in cells["C3"] and "全年预算数" in cells["E6"]
    assert not parsed.tables["projects"]


def test_hidden_form_sheet_is_refused_and_other_files_are_not_forms(tmp_path, minimal_tables):
    book = openpyxl.Workbook()
    plain_project_sheet(book.active, "档案整理专项", 16, 15, 94, "优")
    book.active.sheet_state = "hidden"
    book.create_sheet("可见")["A1"] = "x"
    parsed = forms.read_form(save(book, tmp_path / "h.xlsx"), "h.xlsx")
    assert [f.problem for f in parsed.findings] == ["工作表处于隐藏状态；请取消隐藏、核对内容后再上传"]
    assert forms.detect_format(make_workbook(tmp_path, minimal_tables())) == "dataset"
    assert forms.detect_format(b"not a workbook") is None
    blank = openpyxl.Workbook()
    assert forms.detect_format(save(blank, tmp_path / "blank.xlsx")) is None


def test_deviation_text_splits_into_reason_and_improvement():
    assert forms.split_deviation("进度滞后\n改进措施：加快进度") == ("进度滞后", "加快进度")
    assert forms.split_deviation("偏差原因：进度滞后；改进措施：加快进度") == ("进度滞后；", "加快进度")
    assert forms.split_deviation("改进措施：加快进度") == (None, "加快进度")
    assert forms.split_deviation("无") == ("无", None)
    for reason, improvement in (("a", "b"), ("a", None), (None, "b")):
        assert forms.split_deviation(forms.join_deviation(reason, improvement)) == (reason, improvement)


# ---------------------------------------------------------------- round trips on the shipped data


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    """The shipped dataset in a store, with every Lanzhou project exported as its own form file
    and the Liaoning transfer program as a region form, all imported back in one load."""
    tmp = tmp_path_factory.mktemp("forms")
    store = open_store(tmp / "shipped.duckdb")
    files = [(f"{pid}.xlsx", form_writer.write_project_form(store, pid)) for pid in LANZHOU_PROJECTS]
    files.append(("LN2023-WHP.xlsx", form_writer.write_region_form(store, "LN2023-WHP")))
    store.import_files(files, user="tester")
    yield store, files
    store.close()


@pytest.mark.parametrize("project_id", LANZHOU_PROJECTS)
def test_lanzhou_project_round_trips_through_its_form(shipped, project_id):
    store, _ = shipped
    original = store.read("v_projects", where={"project_id": project_id}).iloc[0]
    copy_id = forms.project_id_for(forms.program_id_for(forms.PROJECT, 2022, "兰州新区应急管理局"),
                                   original.project_name)
    copy = store.read("v_projects", where={"project_id": copy_id})
    assert len(copy) == 1
    assert rows_of(copy, ["project_name", *PROJECT_FIELDS]) == \
        rows_of(original.to_frame().T, ["project_name", *PROJECT_FIELDS])
    indicators_before = store.read("indicators", where={"project_id": project_id}, order_by=["seq"])
    indicators_after = store.read("indicators", where={"project_id": copy_id}, order_by=["seq"])
    assert rows_of(indicators_after, INDICATOR_FIELDS) == rows_of(indicators_before, INDICATOR_FIELDS)
    assert indicators_after["status"].tolist() == indicators_before["status"].tolist()
    parts = ["part", "weight", "stated_score", "status_text"]
    assert sorted(rows_of(store.read("score_parts", where={"project_id": copy_id}), parts)) == \
        sorted(rows_of(store.read("score_parts", where={"project_id": project_id}), parts))


def _as_csv(xlsx: bytes, encoding: str) -> bytes:
    """The first sheet of a workbook as Excel's "save as CSV" writes it: values, no merges."""
    import csv

    sheet = openpyxl.load_workbook(io.BytesIO(xlsx), data_only=True).worksheets[0]
    out = io.StringIO()
    csv.writer(out).writerows([["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)])
    return out.getvalue().encode(encoding)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_a_form_saved_as_csv_reads_as_its_xlsx(shipped, encoding):
    store, files = shipped
    xlsx = dict(files)["LZ2022-P04.xlsx"]
    from_csv = forms.read_form(_as_csv(xlsx, encoding), "气象灾害预警项目.csv")
    from_xlsx = forms.read_form(xlsx, "LZ2022-P04.xlsx")
    assert not [f for f in from_csv.findings if "无法" in f.problem]
    project = from_csv.tables["projects"][0]
    assert project["project_name"] == "气象灾害预警项目"
    assert (project["budget"], project["executed"]) == (from_xlsx.tables["projects"][0]["budget"],
                                                        from_xlsx.tables["projects"][0]["executed"])
    assert len(from_csv.tables["indicators"]) == len(from_xlsx.tables["indicators"]) > 0


def test_a_dataset_sheet_as_csv_is_refused_in_chinese_with_the_fix():
    data = "项目编号,资金/部门编号,项目名称\r\nP1,LZ2022-YJJ,档案整理专项\r\n".encode("utf-8-sig")
    parsed = read_workbooks([("项目.csv", data)])
    assert len(parsed.findings) == 1
    problem = parsed.findings[0].problem
    assert problem.startswith("CSV 文件只有一张表") and "另存为 .xlsx 后上传" in problem
    assert "not allowed" not in problem


def test_liaoning_transfer_round_trips_through_its_region_form(shipped):
    store, _ = shipped
    program = store.read("programs", where={"program_id": "LN2023-WHP"}).iloc[0]
    copy_id = forms.program_id_for(forms.REGION, 2023, "", program.program_name, "辽宁省")
    copy = store.read("programs", where={"program_id": copy_id}).iloc[0]
    assert (copy.program_kind, copy.department, copy.region, copy.objective) == \
        ("转移支付", "辽宁省应急管理厅", "辽宁省", program.objective)
    columns = ["region", "fund_source", "budget", "executed", "stated_execution_rate"]
    assert rows_of(store.read("execution", where={"program_id": copy_id}, order_by=["fund_source"]), columns) \
        == rows_of(store.read("execution", where={"program_id": "LN2023-WHP"}, order_by=["fund_source"]), columns)
    central = store.read("v_funding_by_region_source", where={"program_id": copy_id, "fund_source": "中央补助"})
    assert central["amount"].tolist() == [7500]
    indicator_columns = ["region", "level1", "level2", "level3", "target", "actual"]
    before = store.read("indicators", where={"program_id": "LN2023-WHP"}, order_by=["seq"])
    after = store.read("indicators", where={"program_id": copy_id}, order_by=["seq"])
    assert rows_of(after, indicator_columns) == rows_of(before, indicator_columns)


def test_department_program_exports_its_department_form_and_every_project(shipped, tmp_path):
    store, _ = shipped
    data = form_writer.write_form(store, "LZ2022-YJJ")
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames[0] == "部门整体" and len(book.sheetnames) == 10 and "档案整理专项" in book.sheetnames
    department = [str(c.value) for row in book["部门整体"].iter_rows() for c in row if c.value is not None]
    assert "None" not in " ".join(department) and "自评工作开展情况：" in department
    parsed = forms.read_form(data, "all.xlsx")
    assert parsed.ok and len(parsed.tables["projects"]) == 9 and len(parsed.tables["programs"]) == 1
    whole = [r for r in parsed.tables["execution"] if r["project_id"] is None]  # the department's 整体
    assert [(r["budget"], r["executed"], r["stated_execution_rate"]) for r in whole] == [(7750.69, 7719.74, 0.9936)]


def test_exported_form_layout_is_the_official_one(shipped):
    store, _ = shipped
    ws = openpyxl.load_workbook(io.BytesIO(form_writer.write_project_form(store, "LZ2022-P09"))).active
    values = {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}
    assert values["A1"] == "项目支出绩效自评表" and values["A2"] == "（2022年度）"
    labels = set(values.values())
    assert {"项目名称", "主管部门", "实施单位", "项目资金（万元）", "年初预算数", "全年预算数", "全年执行数",
            "分值", "执行率", "得分", "年度资金总额", "其中：当年财政拨款", "上年结转资金", "其他资金",
            "年度总体目标", "预期目标", "实际完成情况", "一级指标", "二级指标", "三级指标", "年度指标值",
            "实际完成值", "偏差原因分析及改进措施", "总分"} <= labels
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert "A1:J1" in merged and any(r.startswith("B") and ":B" in r for r in merged)  # 一级 merged down
    assert ws["E13"].border.left.style == "thin"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    region = openpyxl.load_workbook(io.BytesIO(form_writer.write_region_form(store, "LN2023-WHP"))).active
    header = [c.value for c in next(r for r in region.iter_rows() if r[1].value == "一级指标")]
    assert header[1:7] == ["一级指标", "二级指标", "三级指标", "指标值", "实际完成值", "未完成原因和改进措施"]
    texts = {c.value for row in region.iter_rows() for c in row}
    assert {"全年预算数（A）", "全年执行数（B）", "执行率（B/A）", "其中：中央补助", "地方资金", "其他资金"} <= texts
    assert "分值" not in texts and "得分" not in texts


def test_form_of_unknown_id_raises(shipped):
    store, _ = shipped
    with pytest.raises(KeyError):
        form_writer.write_form(store, "NOPE")


# ---------------------------------------------------------------- command line and page


@pytest.fixture(scope="module")
def cli_runs(tmp_path_factory):
    """python -m lib.cli form (a project and a transfer program) and load of a form, concurrently,
    each on its own copy of a seeded database (DuckDB locks a file per process)."""
    tmp = tmp_path_factory.mktemp("forms_cli")
    seeded = tmp / "seeded.duckdb"
    open_store(seeded).close()
    book = openpyxl.Workbook()
    plain_project_sheet(book.active, "档案整理专项", 16, 15.14353, 94, "优")
    form_file = tmp / "档案整理自评表.xlsx"
    save(book, form_file)
    commands = {
        "project": ["form", "LZ2022-P01", "--out", tmp / "p01.xlsx"],
        "region": ["form", "LN2023-WHP", "--out", tmp / "ln.xlsx"],
        "unknown": ["form", "NOPE"],
        "load": ["load", form_file],
    }
    environ = dict(os.environ, PYTHONIOENCODING="utf-8", JIXIAO_DB=str(tmp / "default.duckdb"))
    procs = {}
    for name, args in commands.items():
        db = shutil.copy(seeded, tmp / f"{name}.duckdb")
        procs[name] = subprocess.Popen([sys.executable, "-m", "lib.cli", *map(str, args), "--db", str(db)],
                                       cwd=ROOT, env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    runs = {}
    for name, proc in procs.items():
        _, err = proc.communicate(timeout=120)
        runs[name] = (proc.returncode, err.decode("utf-8"))
    return tmp, runs


def test_cli_form_writes_a_printable_form(cli_runs):
    tmp, runs = cli_runs
    for name, file_name in (("project", "p01.xlsx"), ("region", "ln.xlsx")):
        code, err = runs[name]
        assert code == 0, err
        ws = openpyxl.load_workbook(tmp / file_name).active
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
        assert ws.merged_cells.ranges
    assert openpyxl.load_workbook(tmp / "p01.xlsx").active["C4"].value == "档案整理专项"
    code, err = runs["unknown"]
    assert code == 2 and "NOPE" in err and "Traceback" not in err


def test_cli_load_accepts_a_form(cli_runs):
    tmp, runs = cli_runs
    code, err = runs["load"]
    assert code == 0, err
    store = Store(tmp / "load.duckdb")
    try:
        names = store.read("projects")["project_name"].tolist()
        assert names.count("档案整理专项") == 2  # the shipped one and the form's
        assert store.current_version()["files"] == "档案整理自评表.xlsx"
    finally:
        store.close()


def test_reports_page_offers_the_form_download(tmp_path, monkeypatch):
    monkeypatch.setenv("JIXIAO_DB", str(tmp_path / "page.duckdb"))
    st.cache_resource.clear()
    st.cache_data.clear()
    try:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.query_params["program"] = "LZ2022-YJJ"
        at.query_params["reports_view"] = "表格与报告下载"  # the part of 报告详情 with the downloads
        at.switch_page("pages/reports.py")
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        choice = next(s for s in at.selectbox if s.key == "form_choice")
        assert "部门全部自评表 · 兰州新区应急管理局部门本级预算" in choice.options
        assert any("档案整理专项" in o for o in choice.options)
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()


def test_minimal_dataset_is_not_mistaken_for_a_form(tmp_path):
    path = make_workbook(tmp_path, minimal_dataset())
    parsed = read_workbooks([(path.name, path)])
    assert parsed.ok and parsed.tables["programs"][0]["program_id"] == "P1"


def test_a_project_form_updates_its_project_and_keeps_the_department_s_others(tmp_db, tmp_path):
    book = openpyxl.Workbook()
    plain_project_sheet(book.active, "档案整理专项", 16, 15.14353, 94, "优")
    plain_project_sheet(book.create_sheet("执法经费"), "安全生产监督执法专项经费", 100, 90.43, 88, "良")
    department_sheet(book.create_sheet("部门整体"))
    path = tmp_path / "全部.xlsx"
    tmp_db.import_files([(path.name, save(book, path))], user="tester")
    counts = tmp_db.row_counts()

    book = openpyxl.Workbook()  # later: only the archive project's form, with a new 全年执行数
    plain_project_sheet(book.active, "档案整理专项", 16, 16, 96, "优")
    path = tmp_path / "档案整理.xlsx"
    source = [(path.name, save(book, path))]
    parsed = tmp_db.validate(source)
    preview = tmp_db.preview(parsed)
    assert all(d.removed.empty for d in preview.values())  # nothing of the other forms goes
    changed = preview["projects"].changed
    assert set(changed["column"]) >= {"executed", "stated_score"} and set(changed["project_id"]) == {
        forms.project_id_for(forms.program_id_for(forms.PROJECT, 2022, "兰州新区应急管理局"), "档案整理专项")}
    tmp_db.import_files(source, user="tester", validated=parsed)

    assert tmp_db.row_counts() == counts
    projects = dict(rows_of(tmp_db.read("v_projects"), ["project_name", "executed"]))
    assert projects == {"档案整理专项": 16.0, "安全生产监督执法专项经费": 90.43}
    department = tmp_db.read("execution")  # the 部门整体 form's figures stay
    assert rows_of(department, ["budget", "executed"]) == [(7750.69, 7719.74)]
    indicators = tmp_db.read("indicators")
    assert sorted(indicators[indicators["project_id"].isna()]["level3"]) == ["企业满意度", "执法检查企业数"]


def test_a_dataset_workbook_still_replaces_its_programs_whole(tmp_db, tmp_path, minimal_tables):
    tmp_db.import_files([("a.xlsx", make_workbook(tmp_path, minimal_tables()))], user="tester")
    tables = minimal_tables()
    tables["projects"] = tables["projects"][:1]
    for table in ("allocations", "indicators", "score_parts", "spending_items", "execution"):
        tables[table] = [r for r in tables[table] if r.get("project_id") in (None, "PJ1")]
    tmp_db.import_files([("b.xlsx", make_workbook(tmp_path, tables, name="b.xlsx"))], user="tester")
    assert tmp_db.read("projects")["project_id"].tolist() == ["PJ1"]


def _content(store, program_id: str) -> dict[str, list[tuple]]:
    """Every stored record of a program, without where it came from (file and sheet names)."""
    out = {}
    for table in ("programs", "projects", "execution", "objectives", "indicators", "score_parts",
                  "stated_figures", "allocations", "spending_items", "progress"):
        frame = store.read(table, where={"program_id": program_id})
        columns = sorted(c for c in frame.columns if c not in ("source_ref", "source_id"))
        out[table] = sorted(rows_of(frame, columns), key=repr)
    return out


def test_department_program_round_trips_through_its_forms(tmp_path):
    from lib.store import Store

    book = openpyxl.Workbook()
    department_sheet(book.active)
    plain_project_sheet(book.create_sheet("档案整理"), "档案整理专项", 16, 15.14353, 94, "优")
    plain_project_sheet(book.create_sheet("执法经费"), "安全生产监督执法专项经费", 100, 90.43, 88, "良")
    path = tmp_path / "兰州新区应急管理局2022.xlsx"
    first, second = Store(tmp_path / "a.duckdb"), Store(tmp_path / "b.duckdb")
    try:
        first.import_files([(path.name, save(book, path))], user="tester")
        program_id = forms.program_id_for(forms.DEPARTMENT, 2022, "兰州新区应急管理局")
        assert form_writer.has_department_form(first, program_id)
        exported = form_writer.write_form(first, program_id)
        sheets = openpyxl.load_workbook(io.BytesIO(exported))
        assert sheets.sheetnames[0] == "部门整体" and len(sheets.sheetnames) == 3
        assert sheets["部门整体"]["A1"].value == "部门整体支出绩效自评表"
        second.import_files([("exported.xlsx", exported)], user="tester")
        before, after = _content(first, program_id), _content(second, program_id)
        for table in before:
            assert after[table] == before[table], table
        assert len(before["stated_figures"]) >= 9 and len(before["indicators"]) == 8  # 2 + 3 + 3
    finally:
        first.close()
        second.close()
