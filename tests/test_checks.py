"""The consistency audit (核查), rule by rule: for each rule a case it flags, a case that
reconciles only thanks to the tolerance of DOMAIN.md "When a stated figure is not a
contradiction" (rounding of the inputs, counts checked against each other, whose breakdown, local
rules), and the 无法核对 case where the rule has one. The shipped data are pinned in
tests/test_checks_shipped.py.

Rows are built by hand with the columns of the documented views, so each test shows the figures
it is about.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from lib.analysis import checks
from lib.analysis.checks import AuditSettings
from lib.analysis.scoring import ExecutionBands
from lib.filters import Filters

PROGRAM = {"year": 2023, "program_id": "P1", "program_name": "危化品资金"}
YEAR_END = dt.date(2023, 12, 31)


def programs(region: str = "辽宁省") -> pd.DataFrame:
    return pd.DataFrame([PROGRAM | {"region": region}])


def project(pid: str, budget: float, executed: float, *, rate: float | None = None, score: float | None = None,
            rating: str | None = None, reason: str | None = None, appropriation: float | None = None,
            region: str = "沈阳市", name: str | None = None, text: str | None = None) -> dict:
    return PROGRAM | {
        "project_id": pid, "project_name": name or f"项目{pid}", "region": region, "budget": budget,
        "appropriation": appropriation, "executed": executed,
        "execution_rate": executed / budget if budget else None, "stated_execution_rate": rate,
        "stated_score": score, "stated_rating": rating, "deviation_reason": reason, "improvement": None,
        "objective_actual": text, "source_ref": f"S1 {pid}",
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
           rating: str | None = None, seq: int = 1, part_of: int | None = None, text: str | None = None,
           ref: str = "S1 §声明") -> dict:
    return PROGRAM | {
        "project_id": project_id, "project_name": f"项目{project_id}" if project_id else None, "region": region,
        "seq": seq, "metric": metric, "value": value, "unit": unit, "fund_source": fund_source,
        "fund_year": fund_year, "rating": rating, "aggregate": aggregate, "part_of": part_of, "text": text,
        "source_ref": ref,
    }


def objective(label: str, actual: str | None, *, project_id: str | None = None, ref: str = "S1 §三",
              seq: int = 1) -> dict:
    return PROGRAM | {"project_id": project_id, "project_name": None, "region": "辽宁省", "seq": seq,
                      "label": label, "expected": None, "actual_text": actual, "source_ref": ref}


def allocation(region: str, source: str, amount: float, fund_year: int | None = None,
               project_id: str | None = None) -> dict:
    return PROGRAM | {"project_id": project_id, "project_name": None, "region": region, "fund_source": source,
                      "fund_year": fund_year, "amount": amount, "source_ref": "S1 §分配"}


def indicator(level3: str, target: str | None, actual: str | None, status: str, *, project_id: str = "PJ1",
              level1: str = "产出指标", level2: str | None = "数量指标", weight: float | None = None,
              score: float | None = None, reason: str | None = None, ratio: float | None = None,
              actual_op: str | None = None, target_value: float | None = None) -> dict:
    return PROGRAM | {
        "project_id": project_id, "project_name": f"项目{project_id}", "region": "沈阳市", "seq": 1,
        "level1": level1, "level2": level2, "level3": level3, "target": target, "actual": actual,
        "weight": weight, "stated_score": score, "status": status, "completion_ratio": ratio,
        "deviation_reason": reason, "improvement": None, "source_ref": "S1 §指标",
        "target_value": target_value, "actual_op": actual_op,
    }


def part(name: str, weight: float, score: float, text: str | None = None, project_id: str = "PJ1") -> dict:
    return PROGRAM | {"project_id": project_id, "project_name": f"项目{project_id}", "part": name,
                      "weight": weight, "stated_score": score, "status_text": text, "source_ref": "S1 §得分"}


def item(amount: float, project_id: str = "PJ1", seq: int = 1, name: str | None = None) -> dict:
    return PROGRAM | {"project_id": project_id, "project_name": f"项目{project_id}", "seq": seq,
                      "item": name or f"支出{seq}", "amount": amount, "source_ref": "S1 §明细"}


def frames(**tables: list[dict]) -> dict[str, pd.DataFrame]:
    out = {"programs": programs()}
    names = {"projects": "v_projects", "execution": "v_execution", "figures": "v_stated_figures",
             "funding": "v_funding", "indicators": "v_indicators", "parts": "v_score_parts",
             "items": "v_spending_items", "objectives": "v_objectives"}
    for key, rows in tables.items():
        out[names[key]] = pd.DataFrame(rows)
    return out


def only(findings: list[checks.Finding], rule: str) -> list[checks.Finding]:
    return [f for f in findings if f.rule == rule]



# ---------------------------------------------------------------- tolerances


@pytest.mark.parametrize("value, decimals", [(33, 0), (94.65, 2), (18.4, 1), (0.9465 * 100, 2), (99.36, 2),
                                             (100, 0), (57.04, 2)])
def test_stated_precision_is_read_from_the_digits_written(value, decimals):
    assert checks.stated_decimals(value) == decimals


@pytest.mark.parametrize("stated, executed, budget, ok", [
    (33, 2450, 7500, True),            # 32.67% written as 33%
    (94.65, 15.14353, 16, True),       # 94.647%
    (18.4, 9, 49, True),               # 18.37% written with one decimal
    (92.75, 46.37, 50, True),          # 92.74%, but 46.37 is 46.365–46.375: up to 92.75%
    (12.37 / 20 * 100, 12.37, 20, True),
    (61.88, 12.37, 20, True),          # DOMAIN.md: 12.37 ÷ 20 spans 61.83%–61.88%
    (61.89, 12.37, 20, False),
    (99.36, 7719.74, 7750.69, False),  # 99.60%, the inputs span only 99.6006%–99.6008%
    (33, 800, 10380, False),           # 7.71%
])
def test_a_rate_is_compared_with_the_interval_its_rounded_inputs_span(stated, executed, budget, ok):
    assert checks.ratio_reconciles(stated, executed, budget) is ok


def test_the_point_comparison_alone_would_have_flagged_the_rounding_of_the_inputs():
    assert not checks.rate_reconciles(92.75, 46.37 / 50 * 100)  # the old rule's false alarm
    low, high = checks.rate_interval(46.37, 50, AuditSettings())
    assert low == pytest.approx(92.73) and high == pytest.approx(92.75)


@pytest.mark.parametrize("stated, parts, ok", [
    (6116.3, [5320, 532.6, 263.69], True),    # 6116.29 inside 6116.25–6116.35
    (6116.3, [5320, 532.6, 263.5], False),    # 6116.10
    (90.43, [18.41, 6.84, 25, 10.15, 14.03, 16], True),
])
def test_a_total_is_compared_with_its_parts_each_figures_rounding_included(stated, parts, ok):
    assert checks.sum_reconciles(stated, parts) is ok


# ---------------------------------------------------------------- R1 execution rates


def test_rule1_flags_a_rate_no_amount_pair_produces_and_names_the_pair_it_was_copied_from():
    found = only(checks.run_audit(frames(execution=[
        execution(7500, 2450, rate=0.33, fund_source="中央补助"),
        execution(10380, 800, rate=0.33, fund_source="地方资金"),
    ])), "R1")
    assert len(found) == 1
    f = found[0]
    assert (f.certainty, f.severity, f.stated) == ("不符", "高", 33) and "地方资金" in f.record
    assert f.recomputed == pytest.approx(7.707, abs=1e-3) and f.difference == pytest.approx(25.29, abs=1e-2)
    assert "中央补助 2,450.00 万元 ÷ 7,500.00 万元 = 32.67% 一致" in f.message


def test_rule1_a_rate_within_the_rounding_of_its_inputs_is_not_flagged():
    found = only(checks.run_audit(frames(execution=[
        execution(50, 46.37, rate=0.9275, project_id="PJ6"),        # 92.74%: the inputs' rounding
        execution(16, 15.14353, rate=0.9465, project_id="PJ1"),
        execution(7750.69, 7719.74, rate=0.9936, region=None),      # 99.60%: flagged
    ])), "R1")
    assert [(f.stated, f.certainty, f.severity) for f in found] == [(99.36, "不符", "中")]


def test_rule1_a_rate_that_fits_the_appropriation_is_a_note_on_the_base_not_a_mismatch():
    rows = frames(projects=[project("PJ8", 6116.3, 5852.25, appropriation=5852.25),
                            project("PJ9", 6116.3, 5852.25, appropriation=6000)],
                  figures=[figure("资金执行率", 100, "%", project_id="PJ8"),
                           figure("资金执行率", 100, "%", project_id="PJ9")])
    found = {f.project_id: f for f in only(checks.run_audit(rows), "R1")}
    assert (found["PJ8"].certainty, found["PJ8"].severity) == ("提示", "中")
    assert "财政拨款" in found["PJ8"].message and found["PJ8"].recomputed == pytest.approx(95.68, abs=1e-2)
    assert found["PJ9"].certainty == "不符"


def test_rule1_a_program_rate_without_execution_records_cannot_be_checked():
    found = only(checks.run_audit(frames(figures=[figure("执行率", 99.36, "%")])), "R1")
    assert [(f.certainty, f.severity, f.recomputed) for f in found] == [("无法核对", "低", None)]


def test_rule1_the_same_rate_in_two_sections_is_one_finding_naming_both():
    rows = frames(execution=[execution(7750.69, 7719.74, rate=0.9936, region=None)],
                  figures=[figure("执行率", 99.36, "%", ref="S1 §二(一)", text="执行率99.36%"),
                           figure("执行率", 99.36, "%", ref="S1 §二(三)", text="执行率99.36%", seq=2)])
    found = only(checks.run_audit(rows), "R1")
    assert len(found) == 1
    assert found[0].places == ("S1 §执行", "S1 §二(一)", "S1 §二(三)")


def test_rule1_tolerance_can_be_set():
    rows = frames(execution=[execution(7750.69, 7719.74, rate=0.9936, region=None)])
    assert only(checks.run_audit(rows, AuditSettings(rate_tolerance_pp=0.3)), "R1") == []


# ---------------------------------------------------------------- R2 parts vs totals

CITIES = [allocation("沈阳市", "中央补助", 1500), allocation("沈阳市", "地方资金", 1511),
          allocation("抚顺市", "中央补助", 1500), allocation("抚顺市", "地方资金", 2001)]


def test_rule2_funding_totals_that_add_up_are_not_flagged_and_one_that_does_not_is():
    found = only(checks.run_audit(frames(funding=CITIES, figures=[
        figure("项目投资总额", 6512, "万元", "资金合计"),
        figure("中央财政补助资金", 3000, "万元", "资金合计", fund_source="中央补助"),
        figure("沈阳市项目投资总额", 3001, "万元", "资金合计", region="沈阳市"),
    ])), "R2")
    assert [(f.stated, f.recomputed, f.certainty, f.severity) for f in found] == [(3001, 3011, "不符", "中")]


def test_rule2_a_yearly_split_that_adds_up_to_its_own_total_is_not_a_finding():
    yearly = [figure("市以下财政投入资金", 10380, "万元", "资金合计", fund_source="地方资金", seq=1),
              figure("2023年投入资金", 6722, "万元", "资金合计", fund_source="地方资金", fund_year=2023, seq=2),
              figure("2024年投入资金", 3658, "万元", "资金合计", fund_source="地方资金", fund_year=2024, seq=3)]
    funding = [allocation("沈阳市", "地方资金", 10380)]
    assert only(checks.run_audit(frames(funding=funding, figures=yearly)), "R2") == []
    bad = yearly[:2] + [figure("2024年投入资金", 3000, "万元", "资金合计", fund_source="地方资金",
                               fund_year=2024, seq=3)]
    found = only(checks.run_audit(frames(funding=funding, figures=bad)), "R2")
    assert [(f.stated, f.recomputed, f.certainty) for f in found] == [(10380, 9722, "不符")]


def test_rule2_a_yearly_figure_without_a_total_or_yearly_allocations_is_uncheckable_once():
    found = only(checks.run_audit(frames(funding=CITIES, figures=[
        figure("2023年投入资金", 2000, "万元", "资金合计", fund_source="地方资金", fund_year=2023, seq=1),
        figure("2024年投入资金", 1512, "万元", "资金合计", fund_source="地方资金", fund_year=2024, seq=2),
    ])), "R2")
    assert [(f.certainty, f.severity, f.recomputed) for f in found] == [("无法核对", "低", None)]
    assert "2023年" in found[0].stated and "2024年" in found[0].stated


def test_rule2_a_department_total_above_its_projects_is_uncheckable_once_and_below_them_disagrees():
    rows = [project("PJ1", 16, 15.14353), project("PJ2", 100, 90.43)]
    found = only(checks.run_audit(frames(projects=rows, figures=[
        figure("当年财政预算", 150, "万元", "预算合计", ref="S1 §二(一)"),
        figure("全年支出", 140, "万元", "执行合计", ref="S1 §二(一)", seq=2),
        figure("当年财政预算", 150, "万元", "预算合计", ref="S1 §二(三)", seq=3),
    ])), "R2")
    assert [(f.certainty, f.severity, f.recomputed) for f in found] == [("无法核对", "低", None)]
    assert found[0].places == ("S1 §二(一)", "S1 §二(三)")
    found = only(checks.run_audit(frames(projects=rows, figures=[figure("全年支出", 100, "万元", "执行合计")])),
                 "R2")
    assert [(f.certainty, f.stated, round(f.recomputed, 5)) for f in found] == [("不符", 100, 105.57353)]


def test_rule2_a_project_figure_stated_two_ways_disagrees():
    found = only(checks.run_audit(frames(projects=[project("PJ7", 300, 171.12)], figures=[
        figure("共计支出", 170.3196, "万元", "执行合计", project_id="PJ7"),
        figure("配套资金", 300, "万元", "预算合计", project_id="PJ7", seq=2),
    ])), "R2")
    assert [(f.certainty, f.stated, f.recomputed) for f in found] == [("不符", 170.3196, 171.12)]


COMMITMENT = "明确兰州新区承担6116.3万元。（包括土地款5320万元、城市基础设施配套费532.6万元、耕地占用税263.69万元）"


def test_rule2_a_breakdown_is_compared_with_the_figure_its_own_sentence_names():
    items = [item(5320, "PJ8", 1, "土地款"), item(532.6, "PJ8", 2, "城市基础设施配套费"),
             item(263.69, "PJ8", 3, "耕地占用税")]
    commitment = figure("新区承担配套资金", 6116.3, "万元", "预算合计", project_id="PJ8",
                        text="明确兰州新区承担6116.3万元", ref="S1 PJ8(2)")
    named = frames(projects=[project("PJ8", 6116.3, 5852.25, text=COMMITMENT)], items=items, figures=[commitment])
    assert only(checks.run_audit(named), "R2") == []  # 6116.29 breaks down 6116.3, not the 5852.25 spent
    wrong = frames(projects=[project("PJ8", 6200, 5852.25, text=COMMITMENT.replace("6116.3", "6200"))],
                   items=items, figures=[commitment | {"value": 6200, "text": "明确兰州新区承担6200万元"}])
    found = only(checks.run_audit(wrong), "R2")
    assert [(f.certainty, f.stated, f.recomputed) for f in found] == [("不符", 6200, pytest.approx(6116.29))]
    assert found[0].evidence[0].quote == "明确兰州新区承担6200万元。"


def test_rule2_items_with_no_named_figure_are_compared_with_the_spending():
    rows = [project("PJ2", 100, 90.43), project("PJ3", 100, 80)]
    items = [item(18.41, "PJ2", 1), item(72.02, "PJ2", 2), item(50, "PJ3", 1), item(20, "PJ3", 2)]
    found = only(checks.run_audit(frames(projects=rows, items=items)), "R2")
    assert [(f.project_id, f.stated, f.recomputed) for f in found] == [("PJ3", 80, 70)]


def test_rule2_a_listed_part_with_no_number_makes_the_total_uncheckable():
    text = "已完成清查对象10个，其中：甲4个、乙、丙3个。"
    parts = [figure("清查对象数", 10, "个", "分项合计", project_id="PJ7", seq=1, text="已完成清查对象10个",
                    ref="S1 PJ7(2)"),
             figure("清查对象：甲", 4, "个", project_id="PJ7", seq=2, part_of=1),
             figure("清查对象：丙", 3, "个", project_id="PJ7", seq=3, part_of=1)]
    found = only(checks.run_audit(frames(projects=[project("PJ7", 1, 1, text=text)], figures=parts)), "R2")
    assert [(f.certainty, f.recomputed) for f in found] == [("无法核对", None)] and "“乙”没有数字" in found[0].message
    compound = text.replace("乙、丙3个", "乙、丙2个")  # "乙、丙" is one part named "乙、丙"
    parts[2] = parts[2] | {"metric": "清查对象：乙、丙", "value": 2}
    found = only(checks.run_audit(frames(projects=[project("PJ7", 1, 1, text=compound)], figures=parts)), "R2")
    assert [(f.certainty, f.stated, f.recomputed) for f in found] == [("不符", 10, 6)]


# ---------------------------------------------------------------- R3 scores and ratings

P01_PARTS = [part("产出指标", 50, 47), part("效益指标", 30, 28), part("满意度指标", 10, 9)]


def test_rule3_a_score_that_fits_full_execution_marks_above_90_percent_is_a_note_naming_the_rule():
    found = only(checks.run_audit(frames(projects=[project("PJ1", 16, 15.14353, score=94, rating="优")],
                                         parts=P01_PARTS)), "R3")
    assert [(f.certainty, f.severity, f.stated) for f in found] == [("提示", "低", 94)]
    assert found[0].recomputed == pytest.approx(93.4647, abs=1e-4) and "执行率 ≥ 90%" in found[0].message
    below = only(checks.run_audit(frames(projects=[project("PJ1", 16, 12, score=94, rating="优")],
                                         parts=P01_PARTS)), "R3")  # 75%: no known rule gives 10 points
    assert [f.certainty for f in below] == ["提示"] and "地方规则" not in below[0].message
    off = AuditSettings(full_execution_marks_from=None)
    assert "地方规则" not in only(checks.run_audit(frames(projects=[project("PJ1", 16, 15.14353, score=94)],
                                                          parts=P01_PARTS), off), "R3")[0].message


def test_rule3_a_score_the_listed_parts_cannot_reach_disagrees():
    found = only(checks.run_audit(frames(projects=[project("PJ1", 16, 16, score=97, rating="优")],
                                         parts=P01_PARTS)), "R3")  # 84 + at most 10
    assert [(f.certainty, f.stated) for f in found] == [("不符", 97)]


def test_rule3_stated_rating_vs_the_band_of_the_stated_score():
    found = only(checks.run_audit(frames(projects=[
        project("PJ1", 100, 100, score=88, rating="优"), project("PJ2", 100, 100, score=88, rating="良"),
        project("PJ3", 100, 100, score=90, rating="优"), project("PJ4", 100, 100, score=59.5, rating="差"),
    ])), "R3")
    assert [(f.project_id, f.stated, f.recomputed, f.certainty) for f in found] == [("PJ1", "优", "良", "不符")]


def test_rule3_indicator_scores_a_rule_can_explain_are_notes_and_scores_above_the_weight_disagree():
    rows = [
        indicator("满意度A", "95%", "90%", "not_met", weight=10, score=9, reason="r"),   # 9.47 rounds to 9
        indicator("满意度B", "95%", "90%", "not_met", weight=10, score=8, reason="r"),   # should be 9.47
        indicator("效果B", "效果显著", "效果显著", "qualitative_met", weight=10, score=7),  # below the band
        indicator("数量", "≥10个", "12个", "met", weight=10, score=11),                 # above its weight
    ]
    found = only(checks.run_audit(frames(indicators=rows)), "R3")
    got = {f.record.split(" / ")[-1]: (f.certainty, f.recomputed) for f in found}
    assert got["满意度B"][0] == "提示" and got["满意度B"][1] == pytest.approx(9.4737, abs=1e-4)
    assert got["效果B"] == ("提示", "8–10") and got["数量"] == ("不符", 10)
    assert "满意度A" not in got


def test_rule3_one_indicator_scored_two_ways_in_two_projects_is_a_note():
    rows = [indicator("服务企业满意度", "95%", "90%", "not_met", project_id="PJ1", weight=10, score=9, reason="r"),
            indicator("服务企业满意度", "95%", "90%", "not_met", project_id="PJ2", weight=10, score=8, reason="r")]
    found = [f for f in only(checks.run_audit(frames(indicators=rows)), "R3") if "计分规则前后不一" in f.message]
    assert [(f.certainty, f.stated, f.recomputed) for f in found] == [("提示", 9, 8)]


# ---------------------------------------------------------------- R4 counts

NINE = [project(f"PJ{i}", 10, 10, score=95 if i <= 7 else 85 if i == 8 else 75,
                rating="优" if i <= 7 else "良" if i == 8 else "中", region="兰州新区") for i in range(1, 10)]


def test_rule4_project_and_rating_counts_vs_the_projects():
    assert only(checks.run_audit(frames(projects=NINE, figures=[
        figure("本级预算项目数", 9, "个", "项目个数", region="兰州新区"),
        figure("优的项目数", 7, "个", "评级个数", rating="优"),
        figure("差的项目数", 0, "个", "评级个数", rating="差"),
    ])), "R4") == []
    found = only(checks.run_audit(frames(projects=NINE, figures=[
        figure("本级预算项目数", 10, "个", "项目个数"), figure("优的项目数", 6, "个", "评级个数", rating="优"),
    ])), "R4")
    assert {(f.stated, f.recomputed, f.certainty) for f in found} == {(10, 9, "不符"), (6, 7, "不符")}


def p03_counts(done: float = 4, total_3: float = 11) -> list[dict]:
    """安责险 (P03): "产出指标包含4项二级指标，6项三级指标。其中，4项三级指标已完成，2项三级指标存在偏差。
    效益指标包含4项二级指标，4项三级指标 … 3项一级指标、9项二级指标、11项三级指标 … 仍有3项指标存在偏差"."""
    rows = [("产出指标二级指标数", 4), ("产出指标三级指标数", 6), ("产出指标已完成三级指标数", done),
            ("产出指标存在偏差三级指标数", 2), ("效益指标二级指标数", 4), ("效益指标三级指标数", 4),
            ("一级指标数", 3), ("二级指标数", 9), ("三级指标数", total_3), ("存在偏差指标数", 3)]
    return [figure(m, v, "项", "指标个数", project_id="PJ3", seq=i) for i, (m, v) in enumerate(rows, 1)]


P03_NAMED = [indicator("问题隐患针对性", None, None, "no_target", project_id="PJ3", level2=None, reason="技术性问题较多"),
             indicator("整改落实回头看", None, "<90%", "no_target", project_id="PJ3", level2=None, reason="未复查"),
             indicator("服务对象满意度", "90%", "88%", "not_met", project_id="PJ3", level1="满意度指标",
                       level2="服务对象满意度指标", reason="低于目标值90%")]


def test_rule4_counts_of_indicators_never_itemized_that_add_up_give_one_uncheckable_per_project():
    found = only(checks.run_audit(frames(indicators=P03_NAMED, figures=p03_counts())), "R4")
    assert [(f.certainty, f.severity, f.project_id) for f in found] == [("无法核对", "低", "PJ3")]
    message = found[0].message
    assert "产出 6 + 效益 4 + 满意度 1 = 11" in message and "存在偏差 产出 2 + 效益 0 + 满意度 1 = 3" in message
    assert "只有报告点名的 3 项" in message


def test_rule4_counts_that_do_not_add_up_among_themselves_disagree():
    found = only(checks.run_audit(frames(indicators=P03_NAMED, figures=p03_counts(done=3, total_3=12))), "R4")
    got = {(f.certainty, f.record.split(" / ")[-1], f.stated, f.recomputed) for f in found}
    assert ("不符", "产出指标三级指标数", 6, 5) in got        # 3 done + 2 deviating
    assert ("不符", "三级指标数", 12, 11) in got             # 6 + 4 + 1
    assert sum(f.certainty == "无法核对" for f in found) == 1


def test_rule4_itemized_indicators_are_compared_with_the_records():
    rows = [indicator(f"指标{i}", "100%", "100%", "met", project_id="PJ6") for i in range(3)]
    ok = [figure("产出指标三级指标数", 3, "项", "指标个数", project_id="PJ6")]
    assert only(checks.run_audit(frames(indicators=rows, figures=ok)), "R4") == []
    bad = [figure("产出指标三级指标数", 2, "项", "指标个数", project_id="PJ6")]
    found = only(checks.run_audit(frames(indicators=rows, figures=bad)), "R4")
    assert [(f.certainty, f.stated, f.recomputed) for f in found] == [("不符", 2, 3)]


def test_rule4_more_named_deviations_than_counted_is_a_note():
    rows = [indicator(n, None, None, "no_target", project_id="PJ9", reason="存在差异")
            for n in ("诊断企业数量", "评估园区数量", "出具报告数量", "报告出具时限")]
    figs = [figure("产出指标三级指标数", 9, "项", "指标个数", project_id="PJ9", seq=1),
            figure("产出指标已完成三级指标数", 6, "项", "指标个数", project_id="PJ9", seq=2),
            figure("产出指标存在偏差三级指标数", 3, "项", "指标个数", project_id="PJ9", seq=3)]
    found = only(checks.run_audit(frames(indicators=rows, figures=figs)), "R4")
    assert sorted((f.certainty, f.stated, f.recomputed) for f in found) == [("提示", 3, 4), ("无法核对", "三级指标 9 项", None)]


def test_rule4_a_completion_rate_with_an_unstated_base_is_uncheckable_not_high():
    figs = [figure("产出指标三级指标数", 6, "项", "指标个数", project_id="PJ4", seq=1),
            figure("产出指标已完成三级指标数", 5, "项", "指标个数", project_id="PJ4", seq=2),
            figure("产出指标完成率", 90, "%", project_id="PJ4", seq=3),
            figure("产出指标三级指标数", 6, "项", "指标个数", project_id="PJ5", seq=1),
            figure("产出指标已完成三级指标数", 5, "项", "指标个数", project_id="PJ5", seq=2),
            figure("产出指标完成率", 83.3, "%", project_id="PJ5", seq=3)]
    found = only(checks.run_audit(frames(figures=figs)), "R4")
    rates = [f for f in found if "完成率" in f.message and "未说明计算口径" in f.message]
    assert [(f.project_id, f.certainty, f.severity) for f in rates] == [("PJ4", "无法核对", "低")]
    assert "5 ÷ 6 项 = 83.33%" in rates[0].message


# ---------------------------------------------------------------- R5 status vs text


@pytest.mark.parametrize("text, claim", [
    ("实际满意度为100%，低于目标值100%。", "below"),
    ("服务企业满意度为90%，未达到年初设定值95%", "below"),
    ("包括数量指标、质量指标，均完成年初目标设定值", "above"),
    ("项目总体绩效目标和核心绩效指标均超指标完成", "above"),
    ("根据档案管理相关规定，完成档案移交工作。", None),
    (None, None),
])
def test_text_claims(text, claim):
    assert checks.text_claim(text) == claim


def test_rule5_a_sentence_whose_words_contradict_its_own_figures_disagrees():
    rows = [indicator("满意度P04", "100%", "100%", "met", level1="满意度指标", reason="实际满意度为100%，低于目标值100%。"),
            indicator("满意度P03", "90%", "88%", "not_met", level1="满意度指标", reason="实际满意度为88%，低于目标值90%"),
            indicator("满意度X", "90%", "85%", "not_met", level1="满意度指标", reason="已达到目标值")]
    found = {f.record.split(" / ")[-1]: f for f in only(checks.run_audit(frames(indicators=rows)), "R5")}
    assert set(found) == {"满意度P04", "满意度X"} and {f.certainty for f in found.values()} == {"不符"}
    assert found["满意度P04"].evidence[0].quote == "实际满意度为100%,低于目标值100%。"


def test_rule5_all_met_beside_deducted_points_is_a_note():
    found = only(checks.run_audit(frames(parts=[
        part("产出指标", 50, 47, "包括数量指标、质量指标，均完成年初目标设定值，分值50分，得分47分。"),
        part("效益指标", 30, 30, "均完成年初目标"),   # full marks: nothing to say
    ])), "R5")
    assert [(f.stated, f.recomputed, f.certainty) for f in found] == [(47, 50, "提示")]


def test_rule5_a_summary_saying_all_exceeded_beside_missed_indicators_is_a_note():
    rows = [indicator("服务企业满意度", "95%", "90%", "not_met", reason="r")]
    text = "项目总体绩效目标和核心绩效指标均超指标完成，但在执行过程中，发现部绩效目标设定还需要进一步细化。"
    found = only(checks.run_audit(frames(indicators=rows, objectives=[objective("偏差原因（部门整体）", text)])), "R5")
    assert [(f.certainty, f.stated) for f in found] == [("提示", "均超指标完成")]
    assert found[0].evidence[0].quote == "项目总体绩效目标和核心绩效指标均超指标完成，但在执行过程中，发现部绩效目标设定还需要进一步细化。"
    met = [indicator("服务企业满意度", "95%", "96%", "met")]
    assert only(checks.run_audit(frames(indicators=met, objectives=[objective("偏差原因", text)])), "R5") == []


def test_rule5_an_actual_written_as_a_target_is_a_note():
    rows = [indicator("企业满意度", None, "≥90%", "no_target", level1="满意度指标", actual_op="≥"),
            indicator("群众满意度", "≥95%", "100%", "met", level1="满意度指标", actual_op="=", target_value=95)]
    found = only(checks.run_audit(frames(indicators=rows)), "R5")
    assert [(f.certainty, f.stated) for f in found] == [("提示", "≥90%")]


# ---------------------------------------------------------------- R6 overspending, unexplained indicators


def test_rule6_spent_more_than_budget_or_appropriation_disagrees():
    found = only(checks.run_audit(frames(execution=[
        execution(100, 100, project_id="PJ1", appropriation=100),
        execution(100, 100.0004, project_id="PJ4"),                # 4 元 over: within tolerance
        execution(100, 120, project_id="PJ2", appropriation=130),
        execution(100, 95, project_id="PJ3", appropriation=90),
    ])), "R6")
    assert {(f.stated, f.recomputed, f.certainty) for f in found} == {(120, 100, "不符"), (95, 90, "不符")}


def test_rule6_unmet_or_far_exceeded_indicators_without_an_explanation_are_notes():
    rows = [indicator("满意度A", "95%", "90%", "not_met", reason="监管能力不足"),
            indicator("满意度B", "95%", "90%", "not_met"),
            indicator("满意度C", "95%", "90%", "not_met", reason="不存在偏差"),
            indicator("覆盖率", "≥80%", "108%", "met", ratio=1.35),
            indicator("质检核查率", "≥80%", "98%", "met", ratio=1.225)]
    found = only(checks.run_audit(frames(indicators=rows)), "R6")
    got = {f.record.split(" / ")[-1]: (f.certainty, f.severity) for f in found}
    assert got == {"满意度B": ("提示", "中"), "满意度C": ("提示", "中"), "覆盖率": ("提示", "低")}


# ---------------------------------------------------------------- R7 score vs execution, R8 time


def test_rule7_score_rate_vs_execution_rate_beyond_5_points_is_a_note():
    found = only(checks.run_audit(frames(projects=[
        project("PJ7", 300, 171.12, score=90),      # 90% vs 57.04%
        project("PJ9", 415, 415, score=95),         # exactly 5 points: not more than 5
        project("PJ4", 49, 9, score=None),          # no score
    ])), "R7")
    assert [(f.project_id, f.stated, f.certainty) for f in found] == [("PJ7", 90, "提示")]
    assert found[0].recomputed == pytest.approx(57.04)


def test_rule8_execution_against_the_share_of_the_year_elapsed_during_the_year_only():
    mid = dt.date(2023, 6, 30)  # 181/365 of the year
    found = only(checks.run_audit(frames(execution=[
        execution(100, 57, project_id="PJ1"),              # year end: rules 7 and 9, not a band
        execution(100, 35, project_id="PJ4", as_of=mid),   # 35% < 0.8 × 49.6%: yellow
        execution(100, 25, project_id="PJ5", as_of=mid),   # 25% < 0.6 × 49.6%: red
        execution(100, 45, project_id="PJ6", as_of=mid),   # green at mid-year
    ])), "R8")
    assert {(f.project_id, f.severity, f.certainty) for f in found} == {("PJ4", "低", "提示"),
                                                                        ("PJ5", "中", "提示")}
    strict = AuditSettings(bands=ExecutionBands(red=0.9, yellow=0.95))
    found = only(checks.run_audit(frames(execution=[execution(100, 40, project_id="PJ3", as_of=mid)]), strict), "R8")
    assert [f.severity for f in found] == ["中"]


# ---------------------------------------------------------------- R9 deviation section says 无


def test_rule9_a_deviation_section_saying_none_beside_low_execution_disagrees():
    rows = frames(execution=[execution(7500, 2450, rate=0.33, fund_source="中央补助"),
                             execution(10380, 800, fund_source="地方资金")],
                  objectives=[objective("偏离绩效目标的原因和下一步改进措施", "无。")])
    found = only(checks.run_audit(rows), "R9")
    assert [(f.certainty, f.severity, f.stated) for f in found] == [("不符", "高", "无。")]
    assert "32.67%" in found[0].message and "7.71%" in found[0].message


def test_rule9_none_is_fine_when_execution_reaches_90_percent_and_indicators_are_met():
    rows = frames(execution=[execution(100, 90.4, region="辽宁省")],
                  objectives=[objective("偏离绩效目标的原因和下一步改进措施", "无。")],
                  projects=[project("PJ6", 50, 46.37, reason="无")])
    assert only(checks.run_audit(rows), "R9") == []


def test_rule9_a_project_explanation_saying_none_or_left_empty():
    rows = frames(projects=[project("PJ1", 300, 171.12, reason="资金由普查办按比例分配"),
                            project("PJ2", 300, 171.12, reason="不存在偏差"),
                            project("PJ3", 300, 171.12),
                            project("PJ5", 100, 95)],
                  indicators=[indicator("满意度", "95%", "90%", "not_met", project_id="PJ5")])
    found = {f.project_id: f for f in only(checks.run_audit(rows), "R9")}
    assert {k: (f.certainty, f.severity) for k, f in found.items()} == {
        "PJ2": ("不符", "高"), "PJ3": ("提示", "中"), "PJ5": ("提示", "中")}


# ---------------------------------------------------------------- R10 one quantity, two numbers


def test_quantity_mentions_read_what_a_count_counts():
    got = checks.quantity_mentions("先后开展了救援队伍拉动共5次综合性应急演练，各部门开展应急演练45场次，"
                                   "督促开展专项应急演练20余场次，在重要点位设置监控设备2处，全省五个化工园区。")
    assert [(m["quantity"], m["kinds"], m["value"]) for m in got] == [
        ("应急演练", ("综合",), 5), ("应急演练", (), 45), ("监控点位", (), 2), ("化工园区", (), 5)]


def test_rule10_one_count_two_numbers_in_the_programs_own_sections_disagrees():
    rows = frames(objectives=[objective("目标4", "组织大型综合性实战演练3场次，效果良好。", ref="S1 §二(二)2"),
                              objective("总结", "全年组织大型综合实战演练2次。", ref="S1 §三", seq=2)])
    found = only(checks.run_audit(rows), "R10")
    assert [(f.certainty, f.stated, f.recomputed, f.places) for f in found] == [
        ("不符", 3, 2, ("S1 §二(二)2", "S1 §三"))]
    assert [e.quote for e in found[0].evidence] == ["组织大型综合性实战演练3场次，效果良好。", "全年组织大型综合实战演练2次。"]


def test_rule10_counts_of_different_kinds_or_approximate_counts_are_not_compared():
    rows = frames(objectives=[objective("目标4", "组织开展林草灭火演练2次，开展防洪抢险应急演练1次。", ref="S1 §二"),
                              objective("目标5", "督促各部门开展专项应急演练20余场次。", ref="S1 §三", seq=2)],
                  projects=[project("PJ2", 100, 100, text="组织专项应急演练25次。")])
    assert only(checks.run_audit(rows), "R10") == []


def test_rule10_a_department_count_against_a_projects_is_a_note():
    rows = frames(objectives=[objective("目标4", "在重要点位设置监控设备2处。", ref="S1 §二")],
                  projects=[project("PJ6", 50, 46.37, text="完成5个室外监控点位,1个室内监控中心。")])
    found = only(checks.run_audit(rows), "R10")
    assert [(f.certainty, f.stated, f.recomputed) for f in found] == [("提示", 2, 5)]


# ---------------------------------------------------------------- R11 another project's name


def test_rule11_a_section_naming_another_project_disagrees():
    rows = frames(projects=[
        project("PJ4", 49, 9, region="兰州新区", name="气象灾害预警项目",
                text="兰州新区应急救援能力提升项目申报资金49万元，已完成支付9万元。"),
        project("PJ5", 14, 13.056, region="兰州新区", name="应急救援能力提升项目",
                text="兰州新区应急救援能力提升项目申报资金14万元，已完成支付13.056万元。"),
        project("PJ6", 50, 50, region="兰州新区", name="监控建设项目",
                text="监控建设项目与应急救援能力提升项目同步推进。"),   # names its own too
    ])
    found = only(checks.run_audit(rows), "R11")
    assert [(f.project_id, f.certainty, f.stated, f.recomputed) for f in found] == [
        ("PJ4", "不符", "应急救援能力提升项目", "气象灾害预警项目")]


# ---------------------------------------------------------------- one statement, one finding; frames


def test_the_same_sentence_stored_twice_is_one_finding():
    rows = [indicator("提升管理水平", "效果显著", "效果显著", "qualitative_met", weight=10, score=5)] * 2
    found = only(checks.run_audit(frames(indicators=rows)), "R3")
    assert len(found) == 1


def test_findings_are_ordered_disagreements_first_and_the_frame_filters_by_certainty():
    rows = frames(projects=[project("PJ7", 300, 171.12, score=90)],
                  execution=[execution(10380, 800, rate=0.33, fund_source="地方资金")],
                  figures=[figure("执行率", 50, "%", region="沈阳市")])
    findings = checks.run_audit(rows)
    assert [f.certainty for f in findings] == sorted((f.certainty for f in findings),
                                                      key=["不符", "无法核对", "提示"].index)
    table = checks.findings_frame(findings)
    assert list(table.columns) == checks.FINDING_COLUMNS
    r1 = table[table["rule"] == "R1"].iloc[0]
    assert (r1["certainty"], r1["stated"], r1["recomputed"], r1["rule_name"]) == ("不符", "33%", "7.71%", "执行率核对")
    assert "地方资金" in r1["record"] and r1["evidence"].startswith("报告值")
    assert set(checks.filter_findings(table, certainties=["提示"])["certainty"]) == {"提示"}
    assert set(checks.filter_findings(table, Filters(project_id="PJ7"))["project_id"]) == {"PJ7"}
    assert checks.filter_findings(table, Filters(year=2022)).empty
    counts = checks.summary(table)
    assert sum(counts["by_certainty"].values()) == sum(counts["by_severity"].values()) == len(table)
    assert len(counts["by_rule"]) == 17 and counts["by_rule"]["findings"].sum() == len(table)


def test_an_empty_dataset_has_no_findings():
    assert checks.run_audit({}) == []
    assert checks.findings_frame([]).empty
