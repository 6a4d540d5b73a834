"""Scoring rules of 财预〔2020〕10号 (DOMAIN.md "Default weights and scoring"), one rule a test."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from lib.analysis import scoring
from lib.analysis.notation import parse_value
from lib.analysis.scoring import ScoringSettings

LINEAR = ScoringSettings(lower_rule=scoring.LOWER_RULE_LINEAR)


def q(target: str, actual: str, weight: float = 10, how: str = "higher", settings=scoring.DEFAULT_SETTINGS):
    return scoring.quantitative_score(parse_value(target), parse_value(actual), weight, how, settings)


# ---------------------------------------------------------------- weights and settings


def test_default_weights_are_10_50_30_10_and_sum_to_100():
    s = ScoringSettings()
    assert [s.weight(p) for p in ("预算执行率", "产出指标", "效益指标", "满意度指标")] == [10, 50, 30, 10]
    assert sum(w for _, w in s.weights) == 100


def test_a_project_may_adjust_its_weights_if_they_still_make_100():
    s = ScoringSettings(weights={"预算执行率": 20, "产出指标": 40, "效益指标": 30, "满意度指标": 10})
    assert s.weight("预算执行率") == 20 and s.weight("成本指标") == 0
    hash(s)  # settings stay hashable (usable as a cache key)


@pytest.mark.parametrize("weights", [
    {"预算执行率": 10, "产出指标": 50, "效益指标": 30},                      # 90
    {"预算执行率": 10, "产出指标": 60, "效益指标": 30, "满意度指标": 10},  # 110
    {"预算执行率": -10, "产出指标": 70, "效益指标": 30, "满意度指标": 10},  # negative
])
def test_weights_that_do_not_make_100_are_rejected(weights):
    with pytest.raises(ValueError):
        ScoringSettings(weights=weights)
    with pytest.raises(ValueError):
        scoring.validate_weights(weights)


def test_unknown_setting_values_are_rejected():
    with pytest.raises(ValueError):
        ScoringSettings(lower_rule="half")
    with pytest.raises(ValueError):
        ScoringSettings(execution_basis="received_cash")


# ---------------------------------------------------------------- execution


def test_execution_rate_divides_by_the_full_year_budget_or_by_received_funds():
    assert scoring.execution_rate(15.14353, 16) == pytest.approx(0.94647, abs=1e-5)
    received = ScoringSettings(execution_basis=scoring.EXECUTION_BASIS_RECEIVED)
    assert scoring.execution_rate(9, 49, received=9, settings=received) == 1.0  # P04: 9 of 9 received
    assert scoring.execution_rate(9, 0) is None
    assert scoring.execution_rate(None, 10) is None


def test_execution_score_is_weight_times_rate_capped_at_100_percent():
    assert scoring.execution_score(0.9465) == pytest.approx(9.465)
    assert scoring.execution_score(1.2) == 10
    assert scoring.execution_score(0.5, weight=20) == 10
    assert scoring.execution_score(-0.1) == 0


# ---------------------------------------------------------------- quantitative indicators


def test_target_met_scores_the_full_weight():
    assert q("≥90%", "95%") == 10
    assert q("100%", "100%") == 10
    assert q("≤100万元", "95万元", how="lower") == 10
    assert q("1个月", "1个月", how="lower") == 10


def test_unmet_higher_is_better_scores_weight_times_actual_over_target():
    assert q("95%", "90%") == pytest.approx(10 * 90 / 95)  # P01 satisfaction: 9.47
    assert q("≥90%", "45%", weight=20) == pytest.approx(10)


def test_unmet_lower_is_better_scores_weight_times_target_over_actual():
    assert q("≤100万元", "125万元", how="lower") == pytest.approx(8)
    assert q("≤10天", "40天", how="lower") == pytest.approx(2.5)


def test_linear_rule_gives_full_up_to_target_and_zero_at_twice_the_target():
    assert q("≤100万元", "100万元", how="lower", settings=LINEAR) == 10
    assert q("≤100万元", "125万元", how="lower", settings=LINEAR) == pytest.approx(7.5)
    assert q("≤100万元", "200万元", how="lower", settings=LINEAR) == 0
    assert q("≤100万元", "300万元", how="lower", settings=LINEAR) == 0


def test_equal_targets_score_by_the_nearer_ratio():
    assert q("=100%", "98%", how="equal") == pytest.approx(9.8)
    assert q("=100%", "100%", how="equal") == 10


def test_scores_never_exceed_the_weight_nor_go_below_zero():
    assert q("≥90%", "180%") == 10
    assert q("≥90%", "0%") == 0
    uncapped = ScoringSettings(cap_at_weight=False)
    assert q("95%", "90%", settings=uncapped) == pytest.approx(9.4737, abs=1e-4)


@pytest.mark.parametrize("target, actual", [
    ("≥90%", "<90%"),      # a bound, not a measured value
    ("≥90%", "90个"),      # different units
    ("效果显著", "效果显著"),  # qualitative
    ("≥90%", ""),          # no actual
])
def test_values_that_cannot_be_compared_get_no_computed_score(target, actual):
    assert q(target, actual) is None


# ---------------------------------------------------------------- qualitative indicators


@pytest.mark.parametrize("actual, target, level", [
    ("效果显著", "效果显著", "achieved"),
    ("有效提升", None, "achieved"),
    ("按期完成", None, "achieved"),
    ("部分模块正在建设中", None, "partly"),
    ("基本达成", None, "partly"),
    ("未完成", None, "not_achieved"),
    ("无效", None, "not_achieved"),
    ("见附件", None, None),
    ("", None, None),
])
def test_qualitative_outcome_levels(actual, target, level):
    assert scoring.qualitative_level(actual, target) == level


def test_qualitative_bands_are_80_to_100_60_to_80_and_0_to_60_percent_of_weight():
    assert scoring.qualitative_range("achieved", 10) == pytest.approx((8, 10))
    assert scoring.qualitative_range("partly", 10) == pytest.approx((6, 8))
    assert scoring.qualitative_range("not_achieved", 30) == pytest.approx((0, 18))


@pytest.mark.parametrize("stated, level, ok", [
    (9, "achieved", True), (8, "achieved", True), (10, "achieved", True), (7.5, "achieved", False),
    (7, "partly", True), (8, "partly", True), (6, "partly", True), (9, "partly", False), (5, "partly", False),
    (3, "not_achieved", True), (6, "not_achieved", True), (7, "not_achieved", False),
])
def test_an_analysts_qualitative_score_must_lie_in_the_band_of_the_stated_outcome(stated, level, ok):
    assert scoring.qualitative_score_in_band(stated, level, 10) is ok


# ---------------------------------------------------------------- not applicable, rescaling


def test_not_applicable_indicators_are_dropped_and_the_others_rescaled_to_the_total():
    assert scoring.rescale_weights([20, 20, 10], [True, True, False]) == pytest.approx([25, 25, 0])
    assert scoring.rescale_weights([30, None, 10], [True, True, True]) == [30, None, 10]
    assert scoring.rescale_weights([10, 10], [False, False]) == [0, 0]


@pytest.mark.parametrize("target, actual", [("/", "/"), ("无", "无"), ("≥90%", "/")])
def test_slash_and_wu_mean_not_applicable(target, actual):
    assert scoring.indicator_score(target, actual, 10).basis == "not_applicable"


def test_indicator_score_per_kind():
    quantitative = scoring.indicator_score("95%", "90%", 10)
    assert quantitative.basis == "quantitative" and quantitative.score == pytest.approx(9.4737, abs=1e-4)
    qualitative = scoring.indicator_score("效果显著", "效果显著", 30)
    assert (qualitative.basis, qualitative.low, qualitative.high) == ("qualitative", 24, 30)
    assert qualitative.score is None  # the analyst's score stands
    assert scoring.indicator_score("95%", "90%", None).basis == "no_weight"
    assert scoring.indicator_score("效果显著", "见附件", 10).basis == "unknown"
    lower = scoring.indicator_score("≤100万元", "125万元", 10, level2="成本指标")
    assert lower.score == pytest.approx(8)


def test_total_score_sums_the_parts_and_is_unknown_when_a_part_is():
    assert scoring.total_score([9.465, 47, 28, 9]) == pytest.approx(93.465)
    assert scoring.total_score([9.465, None]) is None
    assert scoring.total_score([47, math.nan]) is None


# ---------------------------------------------------------------- rating bands


@pytest.mark.parametrize("score, rating", [
    (100, "优"), (90, "优"), (89.99, "良"), (80, "良"), (79.99, "中"), (60, "中"), (59.99, "差"), (0, "差"),
    (None, None), (math.nan, None),
])
def test_rating_bands(score, rating):
    assert scoring.rating_band(score) == rating


# ---------------------------------------------------------------- frames


def _indicators(rows: list[dict]) -> pd.DataFrame:
    base = {"program_id": "P1", "project_id": "PJ1", "level2": None, "stated_score": None}
    return pd.DataFrame([base | r for r in rows])


def _project(budget=100.0, executed=90.0, stated_score=None, pid="PJ1") -> pd.DataFrame:
    return pd.DataFrame([{"project_id": pid, "project_name": "监测预警平台建设", "budget": budget,
                          "appropriation": budget, "executed": executed, "stated_score": stated_score}])


EMPTY_PARTS = pd.DataFrame(columns=["project_id", "part", "weight", "stated_score"])


def test_indicator_scores_rescale_within_a_project():
    ind = _indicators([
        {"level1": "产出指标", "level3": "建设完成率", "target": "100%", "actual": "100%", "weight": 45},
        {"level1": "产出指标", "level3": "企业满意度", "target": "/", "actual": "/", "weight": 10},
        {"level1": "效益指标", "level3": "覆盖率", "target": "≥90%", "actual": "45%", "weight": 35},
    ])
    scored = scoring.indicator_scores(ind)
    assert list(scored["basis"]) == ["quantitative", "not_applicable", "quantitative"]
    assert scored["weight_used"].tolist() == pytest.approx([45 * 90 / 80, 0, 35 * 90 / 80])
    assert scored["computed_score"].iloc[2] == pytest.approx(35 * 90 / 80 / 2)


def test_project_score_from_indicators_adds_the_execution_score():
    ind = _indicators([
        {"level1": "产出指标", "level3": "建设完成率", "target": "100%", "actual": "100%", "weight": 50},
        {"level1": "效益指标", "level3": "防控能力", "target": "效果显著", "actual": "效果显著", "weight": 30,
         "stated_score": 27},
        {"level1": "满意度指标", "level3": "企业满意度", "target": "95%", "actual": "90%", "weight": 10},
    ])
    out = scoring.project_scores(_project(stated_score=96), ind, EMPTY_PARTS).iloc[0]
    assert out["score_basis"] == "indicators"
    assert out["computed_score"] == pytest.approx(9 + 50 + 27 + 10 * 90 / 95)
    assert out["computed_rating"] == "优" and out["rating_of_stated"] == "优"


def test_project_score_from_stated_parts_when_indicators_have_no_weights():
    """Lanzhou P01: 产出 47 + 效益 28 + 满意度 9 = 84, plus 10 × 94.65% = 93.46, not the stated 94."""
    parts = pd.DataFrame([
        {"project_id": "PJ1", "part": "产出指标", "weight": 50, "stated_score": 47},
        {"project_id": "PJ1", "part": "效益指标", "weight": 30, "stated_score": 28},
        {"project_id": "PJ1", "part": "满意度指标", "weight": 10, "stated_score": 9},
    ])
    ind = _indicators([{"level1": "产出指标", "level3": "档案整理", "target": None, "actual": None, "weight": None}])
    out = scoring.project_scores(_project(16, 15.14353, 94), ind, parts).iloc[0]
    assert out["score_basis"] == "parts"
    assert out["execution_points"] == pytest.approx(9.4647, abs=1e-4)
    assert out["computed_score"] == pytest.approx(93.4647, abs=1e-4)


def test_project_score_is_not_invented_without_indicator_level_scores():
    ind = _indicators([{"level1": "产出指标", "level3": "档案整理", "target": "100%", "actual": "100%",
                        "weight": None}])
    out = scoring.project_scores(_project(stated_score=97), ind, EMPTY_PARTS).iloc[0]
    assert out["score_basis"] == "none"
    assert out["computed_score"] is None or math.isnan(out["computed_score"])
    assert out["rating_of_stated"] == "优"  # the band of the stated 97 is still shown
    note = scoring.score_note(_project().assign(project_name="档案整理专项", score_basis="none"))
    assert "报告未给出指标级分值，无法计算：档案整理专项" in note


def test_incomplete_indicator_weights_give_no_score():
    """Weights of 40 + execution 10 do not make 100: the report lists only some indicators."""
    ind = _indicators([{"level1": "产出指标", "level3": "建设完成率", "target": "100%", "actual": "100%",
                        "weight": 40}])
    out = scoring.project_scores(_project(), ind, EMPTY_PARTS).iloc[0]
    assert out["score_basis"] == "none"
