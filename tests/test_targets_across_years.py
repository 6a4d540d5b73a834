"""R17 targets across years: an indicator against itself the year before (same lineage, same
三级指标), on hand-made rows parsed as the import parses them, and on the shipped data."""

from __future__ import annotations

import pandas as pd
import pytest

from lib.analysis import checks, notation
from lib.analysis.checks.targets_across_years import check_targets_across_years, indicator_kernel
from lib.store import open_store
from lib.store.base import DATA_DIR


def _indicator(year, level3, target, actual, program="森林草原航空消防补助资金", department="云南省应急管理厅"):
    t, a = notation.parse_value(target), notation.parse_value(actual)
    how = notation.direction(t, None, level3)
    return {
        "year": year, "program_id": f"P{year}", "program_name": f"{year}年{program}", "department": department,
        "project_id": None, "project_name": None, "region": "云南省", "seq": 1, "level1": "产出指标",
        "level2": "数量指标", "level3": level3, "target": target, "actual": actual, "weight": None,
        "stated_score": None, "status": notation.indicator_status(t, a, how), "direction": how,
        "completion_ratio": None, "target_op": t.op, "target_value": t.number, "target_unit": t.unit,
        "actual_op": a.op, "actual_value": a.number, "actual_unit": a.unit, "deviation_reason": None,
        "improvement": None, "source_ref": f"Y{year} §二(三)", "note": None,
    }


def _run(*rows, lineage=None):
    frames = {"v_indicators": pd.DataFrame(list(rows))}
    if lineage is not None:
        frames["program_lineage"] = pd.DataFrame(lineage, columns=["program_id", "lineage"])
    return check_targets_across_years(frames)


def test_a_target_below_last_years_actual_is_a_hint_quoting_both_years():
    found = _run(_indicator(2021, "租机数量", "≥6架", "7架"), _indicator(2022, "租机数量", "≥5架", "6架"))
    assert len(found) == 1
    f = found[0]
    assert (f.rule, f.certainty, f.stated, f.recomputed, f.year) == ("R17", "提示", 5.0, 7.0, 2022)
    assert "低于上年实际完成值 7架（2021年）" in f.message
    assert [e.quote for e in f.evidence] == ["2021年“租机数量”指标值≥6架，实际完成值7架",
                                             "2022年“租机数量”指标值≥5架，实际完成值6架"]


def test_lower_is_better_target_looser_than_last_years_actual():
    found = _run(_indicator(2021, "森林火灾受害率", "≤1‰", "0.038‰"),
                 _indicator(2022, "森林火灾受害率", "≤0.9‰", "0.0046‰"))
    messages = [f.message for f in found]
    assert any("宽于上年实际完成值 0.038‰" in m for m in messages)


def test_unchanged_target_far_exceeded_two_years_running():
    found = _run(_indicator(2021, "年森林火灾发生率", "≤6.5次/10万公顷", "0.2次/10万公顷"),
                 _indicator(2022, "年森林火灾发生率", "≤6.5次/10万公顷", "0.064次/10万公顷"))
    assert any("连续两年均为 ≤6.5次/10万公顷" in f.message for f in found)


def test_target_lowered_after_a_miss():
    found = _run(_indicator(2021, "飞机飞行时长", "≥928小时", "909.93小时"),
                 _indicator(2022, "飞机飞行时长", "≥910小时", "950小时"))
    assert [f.message for f in found] == ["2021年未完成（指标值 ≥928小时，实际 909.93小时）后，2022年指标值下调为 ≥910小时。"]


def test_left_alone_a_raised_target_a_gap_year_another_department_and_no_number():
    assert _run(_indicator(2021, "租机数量", "≥6架", "7架"), _indicator(2022, "租机数量", "≥8架", "8架")) == []
    assert _run(_indicator(2020, "租机数量", "≥6架", "7架"), _indicator(2022, "租机数量", "≥5架", "6架")) == []
    assert _run(_indicator(2021, "租机数量", "≥6架", "7架"),
                _indicator(2022, "租机数量", "≥5架", "6架", department="广西壮族自治区应急管理厅")) == []
    assert _run(_indicator(2021, "群众满意度", "效果显著", "达成"), _indicator(2022, "群众满意度", "有效", "达成")) == []


def test_a_confirmed_lineage_links_what_the_rule_would_not():
    rows = (_indicator(2021, "租机数量", "≥6架", "7架", program="航空消防"),
            _indicator(2022, "租机数量", "≥5架", "6架", program="森林防火补助"))
    assert _run(*rows) == []
    assert len(_run(*rows, lineage=[("P2021", "L"), ("P2022", "L")])) == 1


def test_indicator_kernel():
    assert indicator_kernel("年 森林火灾发生率（次）") == indicator_kernel("年森林火灾发生率(次)")


@pytest.mark.parametrize("files", [("liaoning_2023_hazchem.xlsx", "lanzhou_2022_emergency.xlsx"),
                                   ("multiyear/yunnan_aviation_fire_2020_2024.xlsx",)])
def test_shipped_data_has_no_target_finding(tmp_path, files):
    # the seeds are one year each; the demo's years with indicators (2020, 2022) are not adjacent
    store = open_store(tmp_path / "x.duckdb", seed=False)
    try:
        store.import_files([(f, DATA_DIR / f) for f in files], user="t")
        frames = checks.read_inputs(store.read)
        assert [f for f in checks.run_audit(frames) if f.rule == "R17"] == []
    finally:
        store.close()
