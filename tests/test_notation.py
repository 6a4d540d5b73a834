"""Indicator notation: parsing 指标值 / 实际完成值 text, direction, status and completion ratio."""

from __future__ import annotations

import pytest

from lib.analysis.notation import (
    INDICATOR_STATUSES,
    Value,
    completion_ratio,
    direction,
    indicator_status,
    parse_value,
    qualitative_outcome,
)

# text -> (op, number, unit, not_applicable, is_qualitative, is_blank)
PARSE_CASES = [
    ("≥90%", "≥", 90.0, "%", False, False, False),
    ("≤100万元", "≤", 100.0, "万元", False, False, False),
    ("=100%", "=", 100.0, "%", False, False, False),
    ("100%", None, 100.0, "%", False, False, False),
    ("1个月", None, 1.0, "个月", False, False, False),
    ("<90%", "<", 90.0, "%", False, False, False),
    ("1,500", None, 1500.0, None, False, False, False),
    ("效果显著", None, None, None, False, True, False),
    ("有效", None, None, None, False, True, False),
    ("/", None, None, None, True, False, False),
    ("无", None, None, None, True, False, False),
    ("≥９０％", "≥", 90.0, "%", False, False, False),  # full-width digits and percent sign
    (None, None, None, None, False, False, True),
    ("", None, None, None, False, False, True),
    ("   ", None, None, None, False, False, True),
    (">=90%", "≥", 90.0, "%", False, False, False),  # ASCII operator is canonicalised
    ("<=1个月", "≤", 1.0, "个月", False, False, False),
    ("≥ 90 %", "≥", 90.0, "%", False, False, False),  # spaces inside are ignored
    ("90.5%", None, 90.5, "%", False, False, False),
    ("15天", None, 15.0, "天", False, False, False),
    ("不适用", None, None, None, True, False, False),
    ("／", None, None, None, True, False, False),  # full-width slash
]


@pytest.mark.parametrize("text, op, number, unit, na, qualitative, blank", PARSE_CASES,
                         ids=[repr(c[0]) for c in PARSE_CASES])
def test_parse_value(text, op, number, unit, na, qualitative, blank):
    v = parse_value(text)
    assert v.op == op
    assert v.number == number
    assert v.unit == unit
    assert v.not_applicable is na
    assert v.is_qualitative is qualitative
    assert v.is_blank is blank


def test_parse_value_keeps_the_text_as_written():
    assert parse_value("≥９０％").text == "≥９０％"
    assert parse_value("  ≥90% ").text == "≥90%"
    assert parse_value(None).text is None
    assert parse_value("").text is None


def test_parse_value_does_not_misread_a_misplaced_thousands_separator():
    v = parse_value("1,5000")
    assert v.number in (None, 15000.0)


# (target text, level2, level3 name) -> direction
DIRECTION_CASES = [
    ("≤100万元", None, None, "lower"),
    ("<5天", None, None, "lower"),
    ("≥90%", None, None, "higher"),
    (">3个", None, None, "higher"),
    ("=100%", None, None, "equal"),
    ("100万元", "成本指标", "设备购置成本", "lower"),  # 成本指标 without operator
    ("1个月", "时效指标", "完成时限", "lower"),  # a duration
    ("1个月", None, None, "lower"),
    ("10天", None, None, "lower"),
    ("100%", "质量指标", "验收合格率", "higher"),  # % without operator
    ("95%", "成本指标", "成本节约率", "higher"),  # % wins over 成本
    ("3次", None, "安全事故次数", "lower"),  # 事故 count
    ("50个", "数量指标", "培训人数", "higher"),
    ("效果显著", None, None, "higher"),
]


@pytest.mark.parametrize("target, level2, name, expected", DIRECTION_CASES,
                         ids=[f"{c[0]}|{c[1]}|{c[2]}" for c in DIRECTION_CASES])
def test_direction(target, level2, name, expected):
    assert direction(parse_value(target), level2, name) == expected


# (target, actual, level2) -> status, with direction derived as the import does
STATUS_CASES = [
    # higher is better
    ("≥90%", "95%", None, "met"),
    ("≥90%", "90%", None, "met"),
    ("≥90%", "85%", None, "not_met"),
    ("100%", "100%", None, "met"),
    ("100%", "98%", None, "not_met"),
    ("≥90%", "<90%", None, "not_met"),  # a bound below the target
    ("≥90%", "<95%", None, "unknown"),  # a bound that does not decide
    ("≥90%", ">95%", None, "met"),
    ("≥９０％", "９５％", None, "met"),
    ("≥1,500", "1,600", None, "met"),
    # lower is better
    ("≤100万元", "95万元", None, "met"),
    ("≤100万元", "100万元", None, "met"),
    ("≤100万元", "105万元", None, "not_met"),
    ("100万元", "120万元", "成本指标", "not_met"),
    ("100万元", "80万元", "成本指标", "met"),
    ("1个月", "1个月", "时效指标", "met"),
    ("1个月", "2个月", "时效指标", "not_met"),
    ("1个月", "1月", "时效指标", "met"),  # 月 and 个月 are the same unit
    ("≤100万元", ">120万元", None, "not_met"),
    ("≤100万元", "<90万元", None, "met"),
    # equal
    ("=100%", "100%", None, "met"),
    ("=100%", "99%", None, "not_met"),
    ("=100%", "<100%", None, "not_met"),
    # qualitative
    ("效果显著", "效果显著", None, "qualitative_met"),
    ("效果显著", "有效", None, "qualitative_met"),
    ("有效", "按期完成", None, "qualitative_met"),
    ("效果显著", "部分模块正在建设中", None, "qualitative_not_met"),
    ("按期完成", "未完成", None, "qualitative_not_met"),
    ("达到预期", "未达到预期", None, "qualitative_not_met"),
    ("有效", "无效", None, "qualitative_not_met"),
    ("效果显著", "见附件", None, "unknown"),
    ("效果显著", "95%", None, "unknown"),
    # not applicable, blank target, blank actual
    ("/", "95%", None, "not_applicable"),
    ("≥90%", "/", None, "not_applicable"),
    ("无", "无", None, "not_applicable"),
    (None, "95%", None, "no_target"),
    ("", "95%", None, "no_target"),
    ("≥90%", None, None, "unknown"),
    # unit mismatch
    ("≥90%", "85个", None, "unknown"),
    ("≤100万元", "95", None, "unknown"),
    ("1个月", "20天", "时效指标", "unknown"),
]


@pytest.mark.parametrize("target, actual, level2, expected", STATUS_CASES,
                         ids=[f"{c[0]}|{c[1]}|{c[2]}" for c in STATUS_CASES])
def test_indicator_status(target, actual, level2, expected):
    t, a = parse_value(target), parse_value(actual)
    status = indicator_status(t, a, direction(t, level2))
    assert status == expected
    assert status in INDICATOR_STATUSES


def test_indicator_status_uses_the_given_direction():
    t, a = parse_value("100"), parse_value("80")
    assert indicator_status(t, a, "higher") == "not_met"
    assert indicator_status(t, a, "lower") == "met"
    assert indicator_status(t, a, "equal") == "not_met"


def test_negated_satisfaction_is_not_met():
    t, a = parse_value("满意"), parse_value("不满意")
    assert indicator_status(t, a, direction(t)) == "qualitative_not_met"


def test_upper_bound_actual_at_a_lower_bound_target_is_undecided():
    t, a = parse_value("≥90%"), parse_value("≤90%")
    assert indicator_status(t, a, direction(t)) == "unknown"


def test_strict_target_is_not_met_at_the_bound():
    t, a = parse_value(">90%"), parse_value("90%")
    assert indicator_status(t, a, direction(t)) == "not_met"


def test_qualitative_outcome():
    assert qualitative_outcome("效果显著") == "positive"
    assert qualitative_outcome("部分模块正在建设中") == "negative"
    assert qualitative_outcome("未达到预期") == "negative"
    assert qualitative_outcome("见附件") is None
    assert qualitative_outcome(None) is None
    assert qualitative_outcome("") is None


# (target, actual, direction) -> ratio
RATIO_CASES = [
    ("≥90%", "95%", "higher", 95 / 90),
    ("≥90%", "81%", "higher", 0.9),
    ("100%", "130%", "higher", 1.3),
    ("≤100万元", "80万元", "lower", 100 / 80),
    ("≤100万元", "125万元", "lower", 0.8),
    ("1个月", "2个月", "lower", 0.5),
    ("=100%", "99%", "equal", 0.99),
    ("1,500", "3,000", "higher", 2.0),
    ("效果显著", "效果显著", "higher", None),
    ("/", "95%", "higher", None),
    ("≥90%", "85个", "higher", None),  # units differ
    ("0", "5", "higher", None),  # zero target
    ("≤10天", "0天", "lower", None),  # zero actual, lower is better
    (None, "95%", "higher", None),
]


@pytest.mark.parametrize("target, actual, how, expected", RATIO_CASES,
                         ids=[f"{c[0]}|{c[1]}|{c[2]}" for c in RATIO_CASES])
def test_completion_ratio(target, actual, how, expected):
    ratio = completion_ratio(parse_value(target), parse_value(actual), how)
    if expected is None:
        assert ratio is None
    else:
        assert ratio == pytest.approx(expected)


def test_completion_ratio_of_a_bound_below_target_is_not_on_target():
    t, a = parse_value("≥90%"), parse_value("<90%")
    how = direction(t)
    assert indicator_status(t, a, how) == "not_met"
    ratio = completion_ratio(t, a, how)
    assert ratio is None or ratio < 1


def test_value_properties():
    assert Value(None).is_blank and not Value(None).is_qualitative
    assert Value("/", not_applicable=True).is_qualitative is False
    assert Value("有效").is_qualitative is True
    assert Value("90%", number=90.0, unit="%").is_qualitative is False
