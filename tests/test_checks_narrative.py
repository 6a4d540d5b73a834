"""R12–R15 (lib/analysis/checks/narrative.py) on small hand-made reports: what each rule flags,
and — as much — what it leaves alone (DOMAIN.md "When a stated figure is not a contradiction").
The shipped data's findings are pinned in tests/test_checks_shipped.py."""

from __future__ import annotations

import pandas as pd

from lib.analysis import checks
from lib.analysis.checks.core import AuditFrames

# the rules of this file, alone: the hand-made frames carry only the columns they read
READING_CHECKS = (checks.check_status_vs_figures, checks.check_goals_against_evidence,
                  checks.check_money_indicators, checks.check_text_out_of_place)

PROGRAM = {"year": 2023, "program_id": "P1", "program_name": "危险化学品安全风险防控补助资金"}


def programs(kind: str = "转移支付") -> pd.DataFrame:
    return pd.DataFrame([PROGRAM | {"region": "辽宁省", "program_kind": kind}])


def objective(label: str, actual: str | None = None, expected: str | None = None, *, ref: str = "S1 §二(三)",
              project_id: str | None = None) -> dict:
    return PROGRAM | {"project_id": project_id, "project_name": None, "region": "辽宁省", "seq": 1,
                      "label": label, "expected": expected, "actual_text": actual, "source_ref": ref}


def progress(region: str, text: str, percent: float | None = None, subject: str = "园区") -> dict:
    return PROGRAM | {"project_id": None, "region": region, "subject": subject, "measure": "工作任务总量",
                      "percent": percent, "status_text": text, "source_ref": f"S1 §进度{region}"}


def indicator(level3: str, actual: str, *, region: str = "辽宁省", target: str | None = None,
              level2: str = "数量指标", actual_value: float | None = None, project_id: str | None = None,
              ref: str = "S1 §二(四)1") -> dict:
    return PROGRAM | {"project_id": project_id, "project_name": None, "region": region, "seq": 1,
                      "level1": "产出指标", "level2": level2, "level3": level3, "target": target,
                      "actual": actual, "status": "no_target" if target is None else "met",
                      "actual_value": actual_value, "actual_unit": "%" if actual_value is not None else None,
                      "deviation_reason": None, "improvement": None, "source_ref": ref}


def project(pid: str, budget: float, appropriation: float, executed: float, *, reason: str | None = None,
            text: str | None = None) -> dict:
    return PROGRAM | {"project_id": pid, "project_name": f"项目{pid}", "region": "辽宁省", "budget": budget,
                      "appropriation": appropriation, "executed": executed, "execution_rate": executed / budget,
                      "deviation_reason": reason, "improvement": None, "objective_actual": text,
                      "source_ref": f"S1 {pid}"}


def only(found: list[checks.Finding], rule: str) -> list[checks.Finding]:
    return [f for f in found if f.rule == rule]


def run(kind: str = "转移支付", **tables: list[dict]) -> list[checks.Finding]:
    names = {"objectives": "v_objectives", "progress": "v_progress", "indicators": "v_indicators",
             "projects": "v_projects", "execution": "v_execution"}
    frames = AuditFrames({"programs": programs(kind)} | {names[k]: pd.DataFrame(v) for k, v in tables.items()})
    found = [f for check in READING_CHECKS for f in check(frames, checks.DEFAULT_SETTINGS)]
    return sorted(checks.merge_findings(found), key=checks._sort_key)


# ---------------------------------------------------------------- R12 status words vs figures

BASIC = "项目有序推进，基本完成2023年项目建设任务。"


def test_basically_done_against_low_completion_shares_is_a_note():
    # the shares may measure the whole project where the claim is about this year's part of it,
    # and the year's target is not stated: worth a look, not a proven contradiction
    found = run(objectives=[objective("总体绩效目标完成情况", BASIC)],
                indicators=[indicator("模块建设完成率", "60%", actual_value=60, target="100%"),
                            indicator("基本工程建设率", "40%", actual_value=40, target="100%")])
    [f] = only(found, "R12")
    assert (f.rule, f.certainty, f.stated, f.recomputed) == ("R12", "提示", "基本完成2023年项目建设任务",
                                                             "完成比例 40%–60%")
    assert f.evidence[0].quote == BASIC and "阶段目标" in f.message


def test_basically_done_beside_shares_of_four_fifths_or_more_is_not_flagged():
    assert not run(objectives=[objective("总体绩效目标完成情况", BASIC)],
                   indicators=[indicator("模块建设完成率", "85%", actual_value=85, target="100%")])


def test_a_parks_share_is_not_the_programs_and_cannot_contradict_basically_done():
    # the province's own share is not given: a park's 55% does not decide the whole program
    assert not run(objectives=[objective("总体绩效目标完成情况", BASIC)],
                   progress=[progress("阜新市", "阜新园区工作任务总量已完成55%。", 0.55)])


def test_a_park_done_in_one_section_and_building_in_another_is_a_contradiction():
    found = run(progress=[progress("抚顺市", "抚顺园区已完成安全风险智能化管控平台的六大功能模块建设，平台基本功能建成率已达到80%。")],
                indicators=[indicator("模块建设完成率", "部分模块正在建设中", region="抚顺市")])
    [f] = only(found, "R12")
    assert (f.certainty, f.region, f.stated) == ("不符", "抚顺市", "已完成安全风险智能化管控平台的六大功能模块建设")
    assert [e.role for e in f.evidence] == ["报告值", "另见"]


def test_one_indicator_of_a_park_at_100_percent_and_another_still_building_is_a_note():
    # two indicators (数量 "完成100%", 质量 "部分模块正在建设中") measure different things: the
    # independent review of the shipped 葫芦岛 finding called it a note, not a contradiction
    found = run(indicators=[indicator("平台模块建设完成率", "100%", region="葫芦岛市", actual_value=100),
                            indicator("基本工程建设率", "部分模块正在建设中", region="葫芦岛市", level2="质量指标")],
                progress=[progress("葫芦岛市", "葫芦岛园区补助资金及时下拨，完成了年度总体目标。")])
    [f] = only(found, "R12")
    assert (f.certainty, f.region, f.stated, f.recomputed) == ("提示", "葫芦岛市", "平台模块建设完成率 100%",
                                                               "部分模块正在建设中")
    assert "两处是不同的指标" in f.message and "另称“完成了年度总体目标”" in f.message


def test_a_parks_annual_goal_claim_beside_modules_building_is_only_a_note():
    found = run(indicators=[indicator("基本工程建设率", "部分模块正在建设中", region="葫芦岛市", level2="质量指标")],
                progress=[progress("葫芦岛市", "葫芦岛园区补助资金及时下拨，完成了年度总体目标。")])
    [f] = only(found, "R12")
    assert (f.certainty, f.stated) == ("提示", "完成了年度总体目标") and "年度目标" in f.message


def test_a_park_done_with_something_else_is_not_contradicted_by_modules_still_building():
    # 已完成合同签订工作 / 一期项目已竣工 speak of other things than the modules
    assert not only(run(progress=[progress("阜新市", "阜新园区一期项目已竣工，二期项目已完成合同签订工作。", 0.55)],
                        indicators=[indicator("模块建设完成率", "部分模块正在建设中", region="阜新市")]), "R12")
    # another park's modules building says nothing about this park
    assert not only(run(progress=[progress("沈阳市", "沈阳园区已完成六大功能模块建设。", 0.8)],
                        indicators=[indicator("模块建设完成率", "部分模块正在建设中", region="抚顺市")]), "R12")


def test_a_timeliness_indicator_at_100_percent_while_building_is_a_note():
    sentence = "五个园区的建设周期均为一年，目前正在建设中，时效指标完成率为100%。"
    found = run(objectives=[objective("时效指标", sentence, ref="S1 §二(四)1(3)")],
                indicators=[indicator("时效指标完成率", "100%", level2="时效指标", actual_value=100,
                                      target="100%", ref="S1 §二(四)1(3)")])
    [f] = found
    assert (f.certainty, f.stated, f.recomputed) == ("提示", "100%", "目前正在建设中")
    assert f.evidence[0].quote == sentence
    # on time and finished: nothing
    assert not run(objectives=[objective("时效指标", "各园区均按期建成，时效指标完成率为100%。", ref="S1 §二(四)1(3)")],
                   indicators=[indicator("时效指标完成率", "100%", level2="时效指标", actual_value=100,
                                         target="100%", ref="S1 §二(四)1(3)")])


# ---------------------------------------------------------------- R13 goals against evidence

GOAL = "完成兰州新区区域气候评估论证，在上川镇新增建设3个“六要素气象监测站”。"


def test_a_goal_part_its_own_project_says_was_not_done_is_a_contradiction():
    found = run("部门预算",
                objectives=[objective("目标5", "持续提升应急救援能力。", GOAL, ref="S1 §二(二) 目标5")],
                projects=[project("PJ4", 49, 9, 9, reason="因疫情，导致区域气象评估论证项目未完成。")])
    # an unmet goal the report admits (with its reason) is not the report contradicting itself:
    # the note is that the goal's own account is silent about it
    notes = [f for f in found if f.certainty == "提示"]
    assert [(f.rule, f.stated, f.recomputed) for f in notes] == [
        ("R13", "完成兰州新区区域气候评估论证", "区域气象评估论证项目未完成")]
    assert notes[0].evidence[1].quote == "因疫情，导致区域气象评估论证项目未完成。"
    assert "完成情况对此未作说明" in notes[0].message
    # a goal whose own account says it was not done: nothing to add
    assert not only(run("部门预算", objectives=[objective("目标5", "区域气候评估论证未完成。", "完成兰州新区区域气候评估论证。")],
                        projects=[project("PJ4", 49, 9, 9, reason="导致区域气象评估论证项目未完成。")]), "R13")


def test_a_counted_goal_part_no_section_mentions_is_uncheckable_once():
    found = run("部门预算", objectives=[objective("目标5", "持续提升应急救援能力。", GOAL, ref="S1 §二(二) 目标5")])
    assert [(f.rule, f.certainty, f.stated) for f in found] == [("R13", "无法核对", "3 个")]
    # mentioned anywhere else (a project's account): not flagged
    assert not run("部门预算", objectives=[objective("目标5", "持续提升应急救援能力。", GOAL, ref="S1 §二(二) 目标5")],
                   projects=[project("PJ4", 49, 49, 49, text="建成气象监测站3个，区域气候评估论证已完成。")])


def test_a_not_done_statement_about_something_else_does_not_touch_the_goal():
    assert not only(run("部门预算",
                        objectives=[objective("目标5", "持续提升应急救援能力。", "完成兰州新区区域气候评估论证。")],
                        projects=[project("PJ9", 415, 415, 415, reason="致使诊断和整体性安全风险评估报告未按时完成。")]),
                    "R13")


# ---------------------------------------------------------------- R14 indicators and money


def payment(actual: str, value: float) -> dict:
    return indicator("项目资金支付率", actual, target="100%", actual_value=value, project_id="PJ6",
                     ref="S1 PJ6(3)①")


def test_a_payment_rate_matching_executed_over_budget_is_not_flagged():
    assert not run("部门预算", projects=[project("PJ6", 50, 46.37, 46.37, reason="支付尾款。")],
                   indicators=[payment("92.74%", 92.74)])


def test_a_payment_rate_matching_only_the_appropriation_is_a_note_naming_both_bases():
    [f] = run("部门预算", projects=[project("PJ6", 50, 46.37, 46.37, reason="无")],
              indicators=[payment("100%", 100)])
    assert (f.rule, f.certainty, f.stated, round(f.recomputed, 2)) == ("R14", "提示", 100, 92.74)
    assert "按财政拨款 46.37 万元 计为 100%" in f.message
    assert "偏差原因" not in f.message  # at 92.74% no explanation is due
    [low] = run("部门预算", projects=[project("PJ6", 50, 40, 40, reason="无")], indicators=[payment("100%", 100)])
    assert "执行率低于 90% 而项目的偏差原因一节写“无”" in low.message


def test_a_payment_rate_the_projects_text_states_too_is_rule_1s_finding():
    frames_with_text = dict(projects=[project("PJ8", 6116.3, 5852.25, 5852.25, reason="无")],
                            indicators=[payment("100%", 100) | {"project_id": "PJ8"}])
    assert only(run("部门预算", **frames_with_text), "R14")
    stated = PROGRAM | {"project_id": "PJ8", "metric": "资金执行率", "value": 100.0, "unit": "%",
                        "text": "资金执行率为100%", "source_ref": "S1 PJ8(2)"}
    names = {"objectives": "v_objectives", "indicators": "v_indicators", "projects": "v_projects"}
    frames = AuditFrames({"programs": programs("部门预算"), "v_stated_figures": pd.DataFrame([stated])}
                         | {names[k]: pd.DataFrame(v) for k, v in frames_with_text.items()})
    assert not only(checks.check_money_indicators(frames, checks.DEFAULT_SETTINGS), "R14")


def test_a_payment_rate_no_basis_gives_is_a_contradiction():
    [f] = run("部门预算", projects=[project("PJ6", 50, 50, 40, reason="尾款未付。")],
              indicators=[payment("100%", 100)])
    assert (f.certainty, round(f.recomputed, 2)) == ("不符", 80.0)


def test_a_program_without_any_target_is_said_once():
    rows = [indicator("模块建设完成率", "60%", actual_value=60), indicator("基本工程建设率", "40%", actual_value=40),
            indicator("基本工程建设率", "100%", actual_value=100, region="沈阳市")]
    found = run(indicators=rows)
    # indicators as the report names them: one given per park is one indicator
    assert [(f.rule, f.certainty, f.stated) for f in found] == [("R14", "无法核对", "2 项指标无目标")]
    assert "条记录" not in found[0].message
    # one target anywhere: the indicators can be judged, nothing said
    assert not run(indicators=[*rows, indicator("满意度", "95%", target="≥90%", actual_value=95)])


# ---------------------------------------------------------------- R15 text out of place


def test_another_funds_name_as_the_subject_of_management_is_flagged():
    text = "为进一步规范和加强冬春救助资金管理，提高资金使用效益，组织制定项目年度绩效目标。"
    [f] = run(objectives=[objective("预算绩效管理情况方面", text, ref="S1 §二(二)6"),
                          objective("下达情况", "下达危险化学品安全风险防控补助资金7500万元。", ref="S1 §一")])
    assert (f.rule, f.certainty, f.stated) == ("R15", "不符", "冬春救助资金")
    assert [e.quote for e in f.evidence] == [text, "下达危险化学品安全风险防控补助资金7500万元。"]  # and its own name
    # the program's own fund, or a generic one, is not
    assert not run(objectives=[objective("管理", "为规范和加强危险化学品安全风险防控补助资金管理，提高效益。"),
                               objective("管理", "为进一步规范和加强项目资金管理。")])


def test_last_years_work_reported_in_this_years_evaluation_is_a_note():
    [f] = run("部门预算", projects=[project("PJ3", 80, 80, 80, reason="无偏差说明。",
                                            text="2022年，已完成第一轮隐患排查工作，发现问题隐患2000余项。")])
    assert (f.certainty, f.stated, f.recomputed) == ("提示", "2022年", "2023年")
    # a dated allocation, this year's work, or a year inside the sentence are not
    assert not run("部门预算", projects=[project("PJ7", 300, 171.12, 171.12, reason="按比例分配。",
                                                text="2022年9月30日，省财政厅下达资金58万元。2023年，已完成普查。"
                                                     "整理2020年及2021年收文，已完成归档。")])


def test_a_forecast_in_a_year_end_evaluation_is_a_note_and_not_mid_year():
    text = "督促完成编修并印发34个，预计年底前将全面完成47个专项预案编修。"
    [f] = run("部门预算", objectives=[objective("目标5", text)])
    assert (f.certainty, f.stated) == ("提示", "预计年底前将全面完成47个专项预案编修")
    mid_year = PROGRAM | {"scope": "snapshot", "project_id": None, "region": "辽宁省", "budget": 100.0,
                          "executed": 40.0, "execution_rate": 0.4, "elapsed_share": 0.5, "source_ref": "S1 §执行"}
    assert not run("部门预算", objectives=[objective("目标5", text)], execution=[mid_year])


# ---------------------------------------------------------------- scope and bad input


def test_a_region_user_keeps_their_regions_findings_and_the_programs_marked():
    frames = {"programs": programs(),
              "v_funding": pd.DataFrame([PROGRAM | {"region": "沈阳市", "fund_source": "中央补助", "amount": 1500.0},
                                         PROGRAM | {"region": "沈阳市", "fund_source": "地方资金", "amount": 1511.0},
                                         PROGRAM | {"region": "抚顺市", "fund_source": "中央补助", "amount": 1500.0}])}
    whole = checks.Finding("R1", "高", "整体", 33, 7.71, None, "%", "m", region="辽宁省", program_id="P1")
    fushun = checks.Finding("R12", "中", "抚顺", "已完成", "建设中", None, "", "m", region="抚顺市", program_id="P1")
    shenyang = checks.Finding("R12", "中", "沈阳", "已完成", "建设中", None, "", "m", region="沈阳市", program_id="P1")
    kept = checks.findings_in_scope([whole, fushun, shenyang], frames, ("沈阳市", "康平县"))
    assert [(f.record, f.scope_note) for f in kept] == [
        ("整体", "资金整体的发现（本资金分配到沈阳市 3,011.00 万元）"), ("沈阳", None)]
    assert checks.findings_in_scope([whole, fushun], frames, ()) == [whole, fushun]  # no region scope
    assert checks.findings_in_scope([whole], frames, ("大连市",)) == []  # the program sends nothing there


def test_unknown_rules_and_certainties_are_refused_with_the_valid_list():
    error = checks.refuse_unknown("规则", ["R99", "r1", "R1"], checks.AUDIT_RULES)
    assert error.startswith("未知的规则：R99、r1。可选：R1 执行率核对、") and "R15 文字错位与年份" in error
    assert checks.refuse_unknown("性质", ["不符"], ("不符", "无法核对", "提示")) is None
