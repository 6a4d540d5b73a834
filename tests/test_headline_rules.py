"""The rules every headline follows (lib/analysis/summary.py), on the shipped reports' figures:
which years a headline covers, items counted once, and each report's own rate with its base."""

from __future__ import annotations

import pandas as pd
import pytest

from lib.analysis import summary


def test_the_latest_year_unless_a_sum_or_the_years_side_by_side_are_chosen():
    assert summary.headline_years([2022, 2023, 2023]) == [("2023年", (2023,))]
    assert summary.headline_years([2022, 2023], "sum") == [("全部年度合计", (2023, 2022))]
    assert summary.headline_years([2021, 2022, 2023], "side", most=2) == [("2023年", (2023,)), ("2022年", (2022,))]
    assert summary.headline_years([2022], "sum") == [("", (2022,))]  # one year: nothing else could be meant
    assert summary.headline_years([]) == [("", ())]


def _snapshots(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["program_id", "project_id", "region", "fund_source", "as_of", "budget",
                                       "executed", "stated_execution_rate"])


# Liaoning's transfer: one stated 33% on both funds' rows; Lanzhou's department: 99.36% stated
SHIPPED = _snapshots([
    ("LN2023-WHP", None, "辽宁省", "中央补助", pd.Timestamp("2023-12-31"), 7500.0, 2450.0, 0.33),
    ("LN2023-WHP", None, "辽宁省", "地方资金", pd.Timestamp("2023-12-31"), 10380.0, 800.0, 0.33),
    ("LZ2022-YJJ", None, None, None, pd.Timestamp("2022-12-31"), 7750.69, 7719.74, 0.9936),
])


def test_a_stated_rate_finds_the_figures_it_was_computed_on():
    stated = summary.stated_execution(SHIPPED).set_index("program_id")
    # 2,450 ÷ 7,500 = 32.67% rounds to the stated 33%; all funds give 18.18%
    assert stated.loc["LN2023-WHP", "text"] == "报告 33%（中央补助 2,450 ÷ 7,500）"
    assert bool(stated.loc["LN2023-WHP", "reconciled"])
    # 7,719.74 ÷ 7,750.69 = 99.60%: the report's 99.36% has no base among its own figures
    assert stated.loc["LZ2022-YJJ", "text"] == "报告 99.36%（口径未说明：7,719.74 ÷ 7,750.69 不得此数）"
    assert not bool(stated.loc["LZ2022-YJJ", "reconciled"])


def test_a_stated_rate_of_the_whole_is_found_on_the_sum_of_its_rows():
    rows = _snapshots([("P", None, "甲市", "中央补助", pd.Timestamp("2023-12-31"), 100.0, 50.0, 0.6),
                       ("P", None, "甲市", "地方资金", pd.Timestamp("2023-12-31"), 100.0, 70.0, 0.6)])
    assert summary.stated_execution(rows)["text"].tolist() == ["报告 60%（合计 120 ÷ 200）"]


def test_the_stated_rate_stands_beside_the_computed_one():
    totals = pd.DataFrame({"program_id": ["LN2023-WHP"], "program_name": ["危化品补助资金"], "year": [2023],
                           "budget": [17880.0], "executed": [3250.0]})
    stated = summary.stated_execution(SHIPPED)
    assert summary.stated_beside(stated, totals) == "报告 33%（中央补助 2,450 ÷ 7,500） · 按全部资金 18.18%"
    assert summary.stated_beside(stated, totals.assign(program_id="X")) == ""  # no report of these states one


@pytest.mark.parametrize("stated,executed,budget,base,text", [
    (0.33, 2450, 7500, "中央补助 2,450 ÷ 7,500", "报告执行率 33%"),
    (0.33, 800, 10380, "中央补助 2,450 ÷ 7,500", "报告执行率 33%（为中央补助 2,450 ÷ 7,500 之数，非本项）"),
    (0.9275, 46.37, 50, None, "报告执行率 92.75%（按本项数为 92.74%）"),
    (float("nan"), 9, 49, None, ""),
])
def test_a_record_s_stated_rate_says_whose_it_is(stated, executed, budget, base, text):
    assert summary.row_stated_text(stated, executed, budget, base) == text


def test_a_department_s_total_is_not_counted_beside_its_projects():
    rows = pd.DataFrame({"program_id": ["LZ", "LZ", "LZ", "LN", "LN"],
                         "project_id": [None, "P01", "P02", None, None]})
    kept = summary.counted_once(rows)
    assert kept["project_id"].tolist()[:2] == ["P01", "P02"] and len(kept) == 4  # LN keeps both fund rows
