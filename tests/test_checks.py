"""The consistency audit (核查): every rule of DOMAIN.md "Consistency checks" 1–8, a figure that
does not reconcile and one that does; then the shipped dataset, whose non-reconciling figures
data/TRANSCRIPTION.md lists; then `python -m lib.cli check --json`.

Rows are built by hand with the columns of the documented views, so each test shows the figures
it is about.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import pandas as pd
import pytest
from conftest import ROOT

from lib.analysis import checks
from lib.analysis.checks import AuditSettings
from lib.analysis.scoring import ExecutionBands
from lib.filters import Filters
from lib.store import open_store

PROGRAM = {"year": 2023, "program_id": "P1", "program_name": "危化品资金"}
YEAR_END = dt.date(2023, 12, 31)


def programs(region: str = "辽宁省") -> pd.DataFrame:
    return pd.DataFrame([PROGRAM | {"region": region}])


def project(pid: str, budget: float, executed: float, *, rate: float | None = None, score: float | None = None,
            rating: str | None = None, reason: str | None = None, appropriation: float | None = None,
            region: str = "沈阳市") -> dict:
    return PROGRAM | {
        "project_id": pid, "project_name": f"项目{pid}", "region": region, "budget": budget,
        "appropriation": appropriation, "executed": executed,
        "execution_rate": executed / budget if budget else None, "stated_execution_rate": rate,
        "stated_score": score, "stated_rating": rating, "deviation_reason": reason, "improvement": None,
        "source_ref": f"S1 {pid}",
    }


def execution(budget: float, executed: float, *, rate: float | None = None, project_id: str | None = None,
              fund_source: str | None = None, region: str | None = "辽宁省", as_of: dt.date = YEAR_END,
              appropriation: float | None = None) -> dict:
    start = dt.date(as_of.year, 1, 1)
    share = min(1.0, ((as_of - start).days + 1) / ((dt.date(as_of.year + 1, 1, 1) - start).days))
    return PROGRAM | {
        "scope": "project" if project_id else "snapshot", "project_id": project_id,
        "project_name": f"项目{project_id}" if project_id else None, "region": region, "fund_source": fund_source,
        "as_of": as_of, "budget": budget, "appropriation": appropriation, "executed": executed,
        "execution_rate": executed / budget, "stated_execution_rate": rate, "elapsed_share": share,
        "source_ref": "S1 §执行",
    }


def figure(metric: str, value: float, unit: str, aggregate: str = "无", *, project_id: str | None = None,
           region: str | None = "辽宁省", fund_source: str | None = None, fund_year: int | None = None,
           rating: str | None = None, seq: int = 1) -> dict:
    return PROGRAM | {
        "project_id": project_id, "project_name": f"项目{project_id}" if project_id else None, "region": region,
        "seq": seq, "metric": metric, "value": value, "unit": unit, "fund_source": fund_source,
        "fund_year": fund_year, "rating": rating, "aggregate": aggregate, "text": None, "source_ref": "S1 §声明",
    }


def allocation(region: str, source: str, amount: float, fund_year: int | None = None,
               project_id: str | None = None) -> dict:
    return PROGRAM | {"project_id": project_id, "project_name": None, "region": region, "fund_source": source,
                      "fund_year": fund_year, "amount": amount, "source_ref": "S1 §分配"}


def indicator(level3: str, target: str | None, actual: str | None, status: str, *, project_id: str = "PJ1",
              level1: str = "产出指标", level2: str | None = "数量指标", weight: float | None = None,
              score: float | None = None, reason: str | None = None, ratio: float | None = None) -> dict:
    return PROGRAM | {
        "project_id": project_id, "project_name": f"项目{project_id}", "region": "沈阳市", "seq": 1,
        "level1": level1, "level2": level2, "level3": level3, "target": target, "actual": actual,
        "weight": weight, "stated_score": score, "status": status, "completion_ratio": ratio,
        "deviation_reason": reason, "improvement": None, "source_ref": "S1 §指标",
    }


def part(name: str, weight: float, score: float, text: str | None = None, project_id: str = "PJ1") -> dict:
    return PROGRAM | {"project_id": project_id, "project_name": f"项目{project_id}", "part": name,
                      "weight": weight, "stated_score": score, "status_text": text, "source_ref": "S1 §得分"}


def item(amount: float, project_id: str = "PJ1", seq: int = 1) -> dict:
    return PROGRAM | {"project_id": project_id, "project_name": f"项目{project_id}", "seq": seq,
                      "item": f"支出{seq}", "amount": amount, "source_ref": "S1 §明细"}


def frames(**tables: list[dict]) -> dict[str, pd.DataFrame]:
    out = {"programs": programs()}
    names = {"projects": "v_projects", "execution": "v_execution", "figures": "v_stated_figures",
             "funding": "v_funding", "indicators": "v_indicators", "parts": "v_score_parts",
             "items": "v_spending_items"}
    for key, rows in tables.items():
        out[names[key]] = pd.DataFrame(rows)
    return out


def only(findings: list[checks.Finding], rule: str) -> list[checks.Finding]:
    return [f for f in findings if f.rule == rule]


# ---------------------------------------------------------------- helpers


@pytest.mark.parametrize("value, decimals", [(33, 0), (94.65, 2), (18.4, 1), (0.9465 * 100, 2), (99.36, 2),
                                             (100, 0), (57.04, 2)])
def test_stated_precision_is_read_from_the_digits_written(value, decimals):
    assert checks.stated_decimals(value) == decimals


@pytest.mark.parametrize("stated, recomputed, ok", [
    (33, 2450 / 7500 * 100, True),          # 32.67% written as 33%
    (94.65, 15.14353 / 16 * 100, True),     # 94.647%
    (18.4, 9 / 49 * 100, True),             # 18.37% written with one decimal
    (99.36, 7719.74 / 7750.69 * 100, False),  # 99.60%
    (92.75, 46.37 / 50 * 100, False),       # 92.74%
    (33, 800 / 10380 * 100, False),         # 7.71%
])
def test_rate_reconciles_to_the_stated_precision(stated, recomputed, ok):
    assert checks.rate_reconciles(stated, recomputed) is ok


# ---------------------------------------------------------------- 1. execution rates


def test_rule1_flags_a_stated_rate_that_is_not_executed_over_budget():
    found = only(checks.run_audit(frames(execution=[
        execution(7500, 2450, rate=0.33, fund_source="中央补助"),
        execution(10380, 800, rate=0.33, fund_source="地方资金"),
    ])), "R1")
    assert len(found) == 1
    f = found[0]
    assert "地方资金" in f.record and f.severity == "高"
    assert f.stated == 33 and f.recomputed == pytest.approx(7.707, abs=1e-3)
    assert f.difference == pytest.approx(25.29, abs=1e-2) and f.unit == "%"


def test_rule1_small_gaps_beyond_rounding_are_flagged_with_a_matching_severity():
    found = only(checks.run_audit(frames(execution=[
        execution(7750.69, 7719.74, rate=0.9936, region=None),
        execution(50, 46.37, rate=0.9275, project_id="PJ6"),
        execution(16, 15.14353, rate=0.9465, project_id="PJ1"),
    ])), "R1")
    assert {(f.stated, f.severity) for f in found} == {(99.36, "中"), (92.75, "低")}


def test_rule1_checks_rates_stated_in_the_text_against_the_project_and_the_program():
    found = only(checks.run_audit(frames(
        projects=[project("PJ8", 6116.3, 5852.25), project("PJ7", 300, 171.12)],
        execution=[execution(7750.69, 7719.74, region=None)],
        figures=[figure("资金执行率", 100, "%", project_id="PJ8"),
                 figure("资金执行率", 57, "%", project_id="PJ7"),
                 figure("资金执行率", 57.04, "%", project_id="PJ7"),
                 figure("执行率", 99.36, "%")],
    )), "R1")
    assert {(f.project_id, f.stated) for f in found} == {("PJ8", 100), (None, 99.36)}
    pj8 = next(f for f in found if f.project_id == "PJ8")
    assert pj8.recomputed == pytest.approx(95.68, abs=1e-2) and pj8.severity == "高"


def test_rule1_a_city_rate_is_checked_against_the_citys_own_snapshot():
    rows = frames(execution=[execution(1500, 1500, region="沈阳市"), execution(1500, 300, region="抚顺市")],
                  figures=[figure("沈阳市执行率", 100, "%", region="沈阳市"),
                           figure("抚顺市执行率", 100, "%", region="抚顺市")])
    found = only(checks.run_audit(rows), "R1")
    assert [(f.region, f.recomputed) for f in found] == [("抚顺市", pytest.approx(20))]


def test_rule1_a_program_rate_without_program_figures_cannot_be_checked():
    found = only(checks.run_audit(frames(figures=[figure("执行率", 99.36, "%")])), "R1")
    assert len(found) == 1 and found[0].severity == "低" and found[0].recomputed is None
    assert found[0].message.startswith("无法核对")


def test_rule1_tolerance_can_be_set():
    rows = frames(execution=[execution(50, 46.37, rate=0.9275, project_id="PJ6")])
    assert only(checks.run_audit(rows, AuditSettings(rate_tolerance_pp=0.05)), "R1") == []


# ---------------------------------------------------------------- 2. parts vs totals

CITIES = [allocation("沈阳市", "中央补助", 1500), allocation("沈阳市", "地方资金", 1511),
          allocation("抚顺市", "中央补助", 1500), allocation("抚顺市", "地方资金", 2001)]


def test_rule2_funding_totals_that_add_up_are_not_flagged():
    found = checks.run_audit(frames(funding=CITIES, figures=[
        figure("项目投资总额", 6512, "万元", "资金合计"),
        figure("中央财政补助资金", 3000, "万元", "资金合计", fund_source="中央补助"),
        figure("沈阳市项目投资总额", 3011, "万元", "资金合计", region="沈阳市"),
        figure("市以下财政投入资金", 2001, "万元", "资金合计", region="抚顺市", fund_source="地方资金"),
    ]))
    assert only(found, "R2") == []


def test_rule2_funding_total_that_does_not_add_up():
    found = only(checks.run_audit(frames(funding=CITIES, figures=[
        figure("项目投资总额", 6600, "万元", "资金合计"),
        figure("沈阳市项目投资总额", 3001, "万元", "资金合计", region="沈阳市"),
    ])), "R2")
    assert {(f.stated, f.recomputed, f.severity) for f in found} == {(6600, 6512, "高"),  # 1.3% off
                                                                      (3001, 3011, "中")}  # 0.3% off


def test_rule2_a_yearly_figure_without_yearly_allocations_is_uncheckable_not_a_mismatch():
    found = only(checks.run_audit(frames(funding=CITIES, figures=[
        figure("2023年投入资金", 2000, "万元", "资金合计", fund_source="地方资金", fund_year=2023),
    ])), "R2")
    assert len(found) == 1
    assert found[0].severity == "低" and found[0].recomputed is None and found[0].difference is None
    assert found[0].message.startswith("无法核对")


def test_rule2_yearly_figures_are_recomputed_when_allocations_carry_the_year():
    funding = [allocation("沈阳市", "地方资金", 200, 2023), allocation("沈阳市", "地方资金", 300.5, 2024)]
    ok = checks.run_audit(frames(funding=funding, figures=[
        figure("2023年投入", 200, "万元", "资金合计", fund_source="地方资金", fund_year=2023)]))
    assert only(ok, "R2") == []
    bad = only(checks.run_audit(frames(funding=funding, figures=[
        figure("2024年投入", 300, "万元", "资金合计", fund_source="地方资金", fund_year=2024)])), "R2")
    assert [(f.stated, f.recomputed) for f in bad] == [(300, 300.5)]


def test_rule2_a_total_with_no_allocations_at_all_is_uncheckable():
    found = only(checks.run_audit(frames(figures=[figure("中央下达预算", 7500, "万元", "资金合计")])), "R2")
    assert [f.severity for f in found] == ["低"] and found[0].message.startswith("无法核对")


def test_rule2_stated_yearly_splits_vs_the_stated_total():
    ok = [figure("市以下财政投入资金", 10380, "万元", "资金合计", fund_source="地方资金", seq=1),
          figure("2023年投入资金", 6722, "万元", "资金合计", fund_source="地方资金", fund_year=2023, seq=2),
          figure("2024年投入资金", 3658, "万元", "资金合计", fund_source="地方资金", fund_year=2024, seq=3)]
    funding = [allocation("沈阳市", "地方资金", 10380)]
    found = only(checks.run_audit(frames(funding=funding, figures=ok)), "R2")
    assert all(f.message.startswith("无法核对") for f in found)  # only the two yearly rows, not the split
    bad = ok[:2] + [figure("2024年投入资金", 3000, "万元", "资金合计", fund_source="地方资金", fund_year=2024,
                           seq=3)]
    found = [f for f in only(checks.run_audit(frames(funding=funding, figures=bad)), "R2")
             if not f.message.startswith("无法核对")]
    assert [(f.stated, f.recomputed) for f in found] == [(10380, 9722)]
    assert "2023年" in found[0].message and "2024年" in found[0].message


def test_rule2_department_totals_vs_the_sum_over_projects():
    rows = [project("PJ1", 16, 15.14353), project("PJ2", 100, 90.43)]
    found = only(checks.run_audit(frames(projects=rows, figures=[
        figure("当年财政预算", 116, "万元", "预算合计"),
        figure("全年支出", 110, "万元", "执行合计"),
        figure("项目经费", 16, "万元", "预算合计", project_id="PJ1"),
        figure("共计支出", 90.4, "万元", "执行合计", project_id="PJ2"),
    ])), "R2")
    assert {(f.stated, round(f.recomputed, 5)) for f in found} == {(110, 105.57353), (90.4, 90.43)}
    small = next(f for f in found if f.project_id == "PJ2")
    assert small.severity == "低"  # 0.03 of 90.43


def test_rule2_spending_items_vs_executed():
    rows = [project("PJ2", 100, 90.43), project("PJ8", 6116.3, 5852.25)]
    items = [item(18.41, "PJ2", 1), item(72.02, "PJ2", 2),
             item(5320, "PJ8", 1), item(532.6, "PJ8", 2), item(263.69, "PJ8", 3)]
    found = only(checks.run_audit(frames(projects=rows, items=items)), "R2")
    assert len(found) == 1
    f = found[0]
    assert f.project_id == "PJ8" and f.stated == 5852.25 and f.recomputed == pytest.approx(6116.29)
    assert f.severity == "高" and "6,116.30 万元 也相差 +0.01 万元" in f.message


# ---------------------------------------------------------------- 3. scores and ratings

P01_PARTS = [part("产出指标", 50, 47), part("效益指标", 30, 28), part("满意度指标", 10, 9)]


def test_rule3_stated_score_vs_parts_plus_the_execution_score():
    found = only(checks.run_audit(frames(projects=[project("PJ1", 16, 15.14353, score=94, rating="优")],
                                         parts=P01_PARTS)), "R3")
    assert len(found) == 1
    f = found[0]
    assert f.stated == 94 and f.recomputed == pytest.approx(93.4647, abs=1e-4) and f.severity == "中"
    assert "47" in f.message and "满分 10 分" in f.message


def test_rule3_a_score_that_is_the_sum_of_its_parts_is_not_flagged():
    found = checks.run_audit(frames(projects=[project("PJ1", 100, 90, score=93, rating="优")], parts=P01_PARTS))
    assert only(found, "R3") == []


def test_rule3_stated_rating_vs_the_band_of_the_stated_score():
    found = only(checks.run_audit(frames(projects=[
        project("PJ1", 100, 100, score=88, rating="优"), project("PJ2", 100, 100, score=88, rating="良"),
        project("PJ3", 100, 100, score=90, rating="优"), project("PJ4", 100, 100, score=59.5, rating="差"),
    ])), "R3")
    assert [(f.project_id, f.stated, f.recomputed, f.severity) for f in found] == [("PJ1", "优", "良", "高")]


def test_rule3_part_scores_above_their_weight_and_parts_vs_indicators():
    found = only(checks.run_audit(frames(
        parts=[part("产出指标", 50, 52), part("满意度指标", 10, 8)],
        indicators=[indicator("企业满意度", "95%", "90%", "not_met", level1="满意度指标", weight=10, score=9,
                              reason="宣传不足")],
    )), "R3")
    assert {(f.stated, f.recomputed) for f in found} == {(52, 50), (8, 9)}


def test_rule3_indicator_scores_vs_the_scoring_rules():
    rows = [
        indicator("满意度A", "95%", "90%", "not_met", weight=10, score=9, reason="r"),   # 9.47 rounds to 9
        indicator("满意度B", "95%", "90%", "not_met", weight=10, score=8, reason="r"),   # should be 9.47
        indicator("效果A", "效果显著", "效果显著", "qualitative_met", weight=10, score=9),  # in 8–10
        indicator("效果B", "效果显著", "效果显著", "qualitative_met", weight=10, score=7),  # below the band
        indicator("进度", "按期完成", "部分完成", "qualitative_not_met", weight=10, score=7, reason="r"),  # 6–8
        indicator("数量", "≥10个", "12个", "met", weight=10, score=11),                 # above its weight
    ]
    found = only(checks.run_audit(frames(indicators=rows)), "R3")
    got = {f.record.split(" / ")[-1]: (f.severity, f.recomputed) for f in found}
    assert set(got) == {"满意度B", "效果B", "数量"}
    assert got["满意度B"][0] == "低" and got["满意度B"][1] == pytest.approx(9.4737, abs=1e-4)
    assert got["效果B"] == ("中", "8–10")
    assert got["数量"] == ("高", 10)


# ---------------------------------------------------------------- 4. counts

NINE = [project(f"PJ{i}", 10, 10, score=95 if i <= 7 else 85 if i == 8 else 75,
                rating="优" if i <= 7 else "良" if i == 8 else "中", region="兰州新区") for i in range(1, 10)]


def test_rule4_project_and_rating_counts_that_match_the_records():
    found = checks.run_audit(frames(projects=NINE, figures=[
        figure("本级预算项目数", 9, "个", "项目个数", region="兰州新区"),
        figure("优的项目数", 7, "个", "评级个数", rating="优"),
        figure("良的项目数", 1, "个", "评级个数", rating="良"),
        figure("差的项目数", 0, "个", "评级个数", rating="差"),
    ]))
    assert only(found, "R4") == []


def test_rule4_project_and_rating_counts_that_do_not():
    found = only(checks.run_audit(frames(projects=NINE, figures=[
        figure("本级预算项目数", 10, "个", "项目个数"),
        figure("优的项目数", 6, "个", "评级个数", rating="优"),
    ])), "R4")
    assert {(f.stated, f.recomputed, f.severity) for f in found} == {(10, 9, "中"), (6, 7, "中")}


def test_rule4_indicator_counts_by_level_status_and_first_level():
    rows = [indicator("诊断企业数量", None, None, "no_target", reason="尚未开展"),
            indicator("评估园区数量", None, None, "no_target", reason="出具较慢"),
            indicator("出具报告数量", None, None, "no_target", reason="尚未开展"),
            indicator("报告出具时限", None, None, "no_target", level2="时效指标", reason="耽误20余天"),
            indicator("满意度", "90%", "85%", "not_met", level1="满意度指标", level2="服务对象满意度指标",
                      reason="低于目标值90%")]
    figs = [figure("产出指标存在偏差三级指标数", 3, "项", "指标个数", project_id="PJ1", seq=1),  # names four
            figure("产出指标三级指标数", 9, "项", "指标个数", project_id="PJ1", seq=2),          # names only four
            figure("产出指标二级指标数", 2, "项", "指标个数", project_id="PJ1", seq=3),          # 数量, 时效
            figure("一级指标数", 2, "项", "指标个数", project_id="PJ1", seq=4),
            figure("存在偏差指标数", 5, "项", "指标个数", project_id="PJ1", seq=5),
            figure("产出指标未写明状态三级指标数", 1, "项", "指标个数", project_id="PJ1", seq=6)]
    found = only(checks.run_audit(frames(indicators=rows, figures=figs)), "R4")
    got = {f.record.split(" / ")[-1]: (f.stated, f.recomputed, f.severity) for f in found}
    assert got == {"产出指标存在偏差三级指标数": (3, 4, "中"), "产出指标三级指标数": (9, 4, "低"),
                   "产出指标未写明状态三级指标数": (1, None, "低")}


def test_rule4_a_stated_completion_rate_vs_the_stated_counts():
    figs = [figure("产出指标三级指标数", 6, "项", "指标个数", project_id="PJ4", seq=1),
            figure("产出指标已完成三级指标数", 5, "项", "指标个数", project_id="PJ4", seq=2),
            figure("产出指标完成率", 90, "%", project_id="PJ4", seq=3),
            figure("产出指标三级指标数", 6, "项", "指标个数", project_id="PJ5", seq=1),
            figure("产出指标已完成三级指标数", 5, "项", "指标个数", project_id="PJ5", seq=2),
            figure("产出指标完成率", 83.3, "%", project_id="PJ5", seq=3)]
    found = [f for f in only(checks.run_audit(frames(figures=figs)), "R4") if f.unit == "%"]
    assert [(f.project_id, f.stated) for f in found] == [("PJ4", 90)]
    assert found[0].recomputed == pytest.approx(83.33, abs=1e-2)


# ---------------------------------------------------------------- 5. status vs text


@pytest.mark.parametrize("text, claim", [
    ("实际满意度为100%，低于目标值100%。", "below"),
    ("服务企业满意度为90%，未达到年初设定值95%", "below"),
    ("包括数量指标、质量指标，均完成年初目标设定值", "above"),
    ("已达到目标值", "above"),
    ("根据档案管理相关规定，完成档案移交工作。", None),
    (None, None),
])
def test_text_claims(text, claim):
    assert checks.text_claim(text) == claim


def test_rule5_below_target_text_on_an_indicator_that_met_its_target():
    rows = [indicator("满意度P04", "100%", "100%", "met", level1="满意度指标", reason="实际满意度为100%，低于目标值100%。"),
            indicator("满意度P03", "90%", "88%", "not_met", level1="满意度指标", reason="实际满意度为88%，低于目标值90%"),
            indicator("满意度X", "90%", "85%", "not_met", level1="满意度指标", reason="已达到目标值")]
    found = only(checks.run_audit(frames(indicators=rows)), "R5")
    got = {f.record.split(" / ")[-1]: f for f in found}
    assert set(got) == {"满意度P04", "满意度X"}
    assert got["满意度P04"].stated == "低于目标值100%" and "达标" in got["满意度P04"].recomputed


def test_rule5_a_part_said_all_met_but_marked_down():
    found = only(checks.run_audit(frames(parts=[
        part("产出指标", 50, 47, "包括数量指标、质量指标，均完成年初目标设定值，分值50分，得分47分。"),
        part("效益指标", 30, 30, "均完成年初目标"),
        part("满意度指标", 10, 9, "服务企业满意度为90%，未达到年初设定值95%"),
        part("成本指标", 10, 10, "未达到目标"),
    ])), "R5")
    assert {(f.stated, f.recomputed, f.severity) for f in found} == {(47, 50, "低"), (10, 10, "中")}


# ---------------------------------------------------------------- 6. overspending, explanations


def test_rule6_spent_more_than_budget_or_appropriation():
    found = only(checks.run_audit(frames(execution=[
        execution(100, 100, project_id="PJ1", appropriation=100),
        execution(100, 120, project_id="PJ2", appropriation=130),
        execution(100, 95, project_id="PJ3", appropriation=90),
    ])), "R6")
    assert {(f.stated, f.recomputed, f.severity) for f in found} == {(120, 100, "高"), (95, 90, "高")}


def test_rule6_low_execution_needs_an_explanation():
    found = only(checks.run_audit(frames(projects=[
        project("PJ1", 300, 171.12, reason="资金由普查办按比例分配"),
        project("PJ2", 300, 171.12, reason="无"),
        project("PJ3", 300, 171.12),
        project("PJ4", 100, 90),
    ])), "R6")
    assert {f.project_id for f in found} == {"PJ2", "PJ3"}
    assert {f.severity for f in found} == {"中"}


def test_rule6_unmet_or_far_exceeded_indicators_need_an_explanation():
    rows = [indicator("满意度A", "95%", "90%", "not_met", reason="监管能力不足"),
            indicator("满意度B", "95%", "90%", "not_met"),
            indicator("覆盖率", "≥80%", "108%", "met", ratio=1.35),
            indicator("质检核查率", "≥80%", "98%", "met", ratio=1.225),
            indicator("合格率", "≥80%", "108%", "met", ratio=1.35, reason="目标偏低，明年调整")]
    found = only(checks.run_audit(frames(indicators=rows)), "R6")
    got = {f.record.split(" / ")[-1]: f.severity for f in found}
    assert got == {"满意度B": "中", "覆盖率": "低"}


# ---------------------------------------------------------------- 7. score vs execution


def test_rule7_score_rate_vs_execution_rate_beyond_5_points():
    found = only(checks.run_audit(frames(projects=[
        project("PJ7", 300, 171.12, score=90),      # 90% vs 57.04%
        project("PJ9", 415, 415, score=95),         # exactly 5 points: not more than 5
        project("PJ1", 16, 15.14353, score=94),     # 94% vs 94.65%
        project("PJ4", 49, 9, score=None),          # no score
    ])), "R7")
    assert [(f.project_id, f.stated) for f in found] == [("PJ7", 90)]
    assert found[0].recomputed == pytest.approx(57.04) and found[0].severity == "中"


# ---------------------------------------------------------------- 8. execution against time


def test_rule8_execution_against_the_share_of_the_year_elapsed():
    mid = dt.date(2023, 6, 30)  # 181/365 of the year
    found = only(checks.run_audit(frames(execution=[
        execution(100, 57, project_id="PJ1"),              # year end: < 60% red
        execution(100, 75, project_id="PJ2"),              # year end: < 80% yellow
        execution(100, 85, project_id="PJ3"),              # green
        execution(100, 35, project_id="PJ4", as_of=mid),   # 35% < 0.8 × 49.6%: yellow
        execution(100, 25, project_id="PJ5", as_of=mid),   # 25% < 0.6 × 49.6%: red
        execution(100, 45, project_id="PJ6", as_of=mid),   # green at mid-year
    ])), "R8")
    assert {(f.project_id, f.severity) for f in found} == {("PJ1", "中"), ("PJ2", "低"), ("PJ4", "低"),
                                                           ("PJ5", "中")}
    strict = AuditSettings(bands=ExecutionBands(red=0.9, yellow=0.95))
    found = only(checks.run_audit(frames(execution=[execution(100, 85, project_id="PJ3")]), strict), "R8")
    assert [f.severity for f in found] == ["中"]


# ---------------------------------------------------------------- frames, filters, summary


def test_findings_frame_filters_and_summary():
    rows = frames(projects=[project("PJ7", 300, 171.12, score=90)],
                  execution=[execution(10380, 800, rate=0.33, fund_source="地方资金")])
    table = checks.findings_frame(checks.run_audit(rows))
    assert list(table.columns) == checks.FINDING_COLUMNS
    r1 = table[table["rule"] == "R1"].iloc[0]
    assert (r1["stated"], r1["recomputed"], r1["rule_name"]) == ("33%", "7.71%", "执行率核对")
    assert set(checks.filter_findings(table, Filters(project_id="PJ7"))["project_id"]) == {"PJ7"}
    assert checks.filter_findings(table, Filters(year=2022)).empty
    assert set(checks.filter_findings(table, rules=["R8"], severities=["中"])["rule"]) == {"R8"}
    counts = checks.summary(table)
    assert sum(counts["by_severity"].values()) == len(table)
    assert counts["by_rule"]["findings"].sum() == len(table) and len(counts["by_rule"]) == 8


def test_an_empty_dataset_has_no_findings():
    assert checks.run_audit({}) == []
    assert checks.findings_frame([]).empty


# ---------------------------------------------------------------- the shipped dataset


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    store = open_store(tmp_path_factory.mktemp("audit") / "seed.duckdb")
    try:
        yield checks.run_audit(checks.read_inputs(store.read))
    finally:
        store.close()


def find(findings, rule: str, *, record: str = "", stated=None) -> list[checks.Finding]:
    return [f for f in findings if f.rule == rule and record in f.record
            and (stated is None or (f.stated == pytest.approx(stated) if isinstance(stated, float) else f.stated == stated))]


def test_shipped_liaoning_local_funds_33_percent_is_flagged_and_central_is_not(shipped):
    local = find(shipped, "R1", record="地方资金")
    assert len(local) == 1 and local[0].stated == 33 and local[0].recomputed == pytest.approx(7.71, abs=1e-2)
    assert find(shipped, "R1", record="中央补助") == []  # 2450 / 7500 = 32.67% rounds to 33%


def test_shipped_liaoning_yearly_local_funds_are_uncheckable(shipped):
    yearly = [f for f in find(shipped, "R2") if "年投入资金" in f.record]
    assert sorted(f.stated for f in yearly) == [3658, 6722]
    assert all(f.severity == "低" and f.recomputed is None and "无法核对" in f.message for f in yearly)
    liaoning = [f for f in find(shipped, "R2") if f.program_id == "LN2023-WHP"]
    assert liaoning == yearly  # city totals, 17880, 7500 + 10380 and 6722 + 3658 all add up


def test_shipped_lanzhou_department_rate_and_totals(shipped):
    rate = find(shipped, "R1", stated=99.36)
    assert len(rate) == 3  # the execution record and both mentions in the text
    assert all(f.recomputed == pytest.approx(99.60, abs=1e-2) for f in rate)
    budget = find(shipped, "R2", record="当年财政预算")
    spent = find(shipped, "R2", record="全年支出")
    assert [f.recomputed for f in budget] == pytest.approx([7140.3, 7140.3])
    assert [f.recomputed for f in spent] == pytest.approx([6692.36953, 6692.36953])


def test_shipped_lanzhou_project_figures(shipped):
    p06 = find(shipped, "R1", record="森林防火", stated=92.75)
    assert len(p06) == 2 and all(f.recomputed == pytest.approx(92.74) for f in p06)
    p07 = find(shipped, "R2", record="共计支出")
    assert [(f.stated, f.recomputed) for f in p07] == [(pytest.approx(170.3196), pytest.approx(171.12))]
    p07_items = [f for f in find(shipped, "R2", record="支出明细合计") if f.project_id == "LZ2022-P07"]
    assert [f.recomputed for f in p07_items] == [pytest.approx(170.3196)]
    p08 = find(shipped, "R1", record="国家西北区域应急救援中心项目")
    assert [(f.stated, round(f.recomputed, 2)) for f in p08] == [(100, 95.68)]
    p08_items = [f for f in find(shipped, "R2", record="支出明细合计") if f.project_id == "LZ2022-P08"]
    assert [f.recomputed for f in p08_items] == [pytest.approx(6116.29)]
    assert "+0.01 万元" in p08_items[0].message


def test_shipped_lanzhou_scores_counts_and_texts(shipped):
    scores = {f.project_id: f for f in find(shipped, "R3") if f.record.count(" / ") == 1}
    assert set(scores) == {"LZ2022-P01", "LZ2022-P02"}
    assert scores["LZ2022-P01"].recomputed == pytest.approx(93.46, abs=1e-2)
    assert scores["LZ2022-P02"].recomputed == pytest.approx(87.04, abs=1e-2)
    output = [f for f in find(shipped, "R5", record="产出指标")]
    assert sorted((f.stated, f.recomputed) for f in output) == [(45, 50), (47, 50)]
    satisfaction = [f for f in find(shipped, "R5") if "满意度" in f.record]
    assert sorted(f.project_id for f in satisfaction) == ["LZ2022-P04", "LZ2022-P05"]
    completion = find(shipped, "R4", record="产出指标完成率")
    assert sorted(f.stated for f in completion) == [90, 99]
    assert all(f.recomputed == pytest.approx(83.33, abs=1e-2) for f in completion)
    p09 = find(shipped, "R4", record="产出指标存在偏差三级指标数")
    assert [(f.project_id, f.stated, f.recomputed) for f in p09 if f.project_id == "LZ2022-P09"] == \
        [("LZ2022-P09", 3, 4)]
    p03 = find(shipped, "R4", record="安责险试点专项经费 / 三级指标数")
    assert [(f.stated, f.recomputed, f.severity) for f in p03] == [(11, 3, "低")]


def test_shipped_figures_that_reconcile_are_never_flagged(shipped):
    r1_projects = {f.project_id for f in find(shipped, "R1") if f.project_id}
    assert r1_projects == {"LZ2022-P06", "LZ2022-P08"}  # 94.65%, 90.43%, 18.4%, 93.3%, 57.04%, 100% add up
    assert find(shipped, "R4", record="项目数") == []  # 9 projects, 9 evaluated
    assert [f for f in find(shipped, "R4") if "自评结果" in f.record] == []  # 优7 良1 中1 差0
    assert [f for f in find(shipped, "R3") if f.unit == ""] == []  # every rating matches its score
    assert [f for f in find(shipped, "R7") if f.project_id == "LZ2022-P09"] == []  # 95 vs 100%: 5 points
    assert [f for f in find(shipped, "R2") if f.project_id == "LZ2022-P02"] == []  # 6 items = 90.43
    assert find(shipped, "R6") == []  # every unmet indicator and low execution is explained


def test_shipped_score_vs_execution_and_time(shipped):
    assert sorted(f.project_id for f in find(shipped, "R7")) == ["LZ2022-P04", "LZ2022-P07"]
    red = find(shipped, "R8")
    assert {f.severity for f in red} == {"中"}
    assert sorted(f.project_id or f.record.split(" / ")[-1][:7] for f in red) == \
        ["LZ2022-P04", "LZ2022-P07", "辽宁省 中央补", "辽宁省 地方资"]


# ---------------------------------------------------------------- command line


def test_cli_check_json_exits_0_with_the_findings(tmp_path):
    environ = dict(os.environ, PYTHONIOENCODING="utf-8", JIXIAO_DB=str(tmp_path / "default.duckdb"))
    db = tmp_path / "cli.duckdb"
    run = subprocess.run([sys.executable, "-m", "lib.cli", "check", "--json", "--db", str(db)], cwd=ROOT,
                         env=environ, capture_output=True, timeout=120)
    assert run.returncode == 0, run.stderr.decode("utf-8")
    payload = json.loads(run.stdout.decode("utf-8"))
    assert payload["count"] == len(payload["findings"]) > 0
    first = payload["findings"][0]
    assert set(first) == set(checks.FINDING_COLUMNS)
    assert any(f["rule"] == "R1" and f["stated"] == 99.36 for f in payload["findings"])
    text = subprocess.run([sys.executable, "-m", "lib.cli", "check", "--db", str(db)], cwd=ROOT, env=environ,
                          capture_output=True, timeout=120)
    assert text.returncode == 0
    out = text.stdout.decode("utf-8")
    assert out.startswith(f"核查发现 {payload['count']} 条") and "R1 执行率核对" in out and "报告值 99.36%" in out


def test_shipped_census_objects_total_vs_listed_parts(shipped):
    # P07: "已完成清查对象1451个，其中：医疗卫生机构15个、…家庭减灾能力1144个" — the 21 listed parts add to 1354
    census = find(shipped, "R2", record="清查对象数")
    assert [(f.stated, f.recomputed) for f in census] == [(1451, 1354)]
    assert "21 个分项" in census[0].message
    # 58 + 62 = 120 万元 of central census funds reconciles and is not flagged
    assert not find(shipped, "R2", record="中央累计下拨普查资金")


def test_stated_parts_total_rule():
    figures = pd.DataFrame([
        {"program_id": "P", "project_id": None, "seq": 1, "metric": "合计", "value": 10.0, "unit": "个",
         "aggregate": "分项合计", "part_of": None, "region": None, "fund_source": None, "fund_year": None,
         "rating": None, "source_ref": "x", "year": 2023, "program_name": "资金", "project_name": None},
        {"program_id": "P", "project_id": None, "seq": 2, "metric": "甲", "value": 4.0, "unit": "个",
         "aggregate": "无", "part_of": 1, "region": None, "fund_source": None, "fund_year": None,
         "rating": None, "source_ref": "x", "year": 2023, "program_name": "资金", "project_name": None},
        {"program_id": "P", "project_id": None, "seq": 3, "metric": "乙", "value": 6.0, "unit": "个",
         "aggregate": "无", "part_of": 1, "region": None, "fund_source": None, "fund_year": None,
         "rating": None, "source_ref": "x", "year": 2023, "program_name": "资金", "project_name": None},
    ])
    frames = {"v_stated_figures": figures}
    assert [f for f in checks.check_totals(frames) if f.rule == "R2"] == []
    figures.loc[2, "value"] = 5.0
    found = [f for f in checks.check_totals(frames) if f.rule == "R2"]
    assert [(f.stated, f.recomputed) for f in found] == [(10.0, 9.0)]
