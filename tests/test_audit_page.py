"""The 核查 page, run server-side with AppTest on the shipped dataset.

The figures are the non-reconciling ones data/TRANSCRIPTION.md lists, so a page that renders
but loses a finding (or flags a figure that adds up) fails.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from conftest import metrics, seeded_app
from conftest import run_page as run_shared_page
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
LIAONING = "LN2023-WHP"


@pytest.fixture(scope="module", autouse=True)
def seeded_db(tmp_path_factory):
    yield from seeded_app(tmp_path_factory, "audit_page")


def run_page(page: str = "audit", part: str | None = None, **query) -> AppTest:
    return run_shared_page(page, part, **query)


def findings_tables(at: AppTest) -> dict[str, pd.DataFrame]:
    """The findings tables by certainty, in page order (不符, 无法核对, 提示)."""
    out = {}
    for df in (d.value for d in at.dataframe):
        if "message" in df.columns and "evidence" in df.columns:
            out[str(df["certainty"].iloc[0]) if "certainty" in df.columns else str(len(out))] = df
    return out


def findings_table(at: AppTest) -> pd.DataFrame:
    tables = findings_tables(at)
    if not tables:
        raise AssertionError("no findings table")
    return pd.concat(tables.values(), ignore_index=True)


def headings(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith("#### ")]


def test_audit_page_renders_with_title_filters_and_certainty_cards():
    at = run_page()
    assert at.title[0].value == "核查"
    assert [s.label for s in at.sidebar.selectbox] == ["年度", "资金/部门", "地区", "项目"]
    m = metrics(at)
    total = int(m["发现"].split()[0])
    by_certainty = {c: int(m[c].split()[0]) for c in ("不符", "无法核对", "提示")}
    assert total == sum(by_certainty.values()) > 0
    assert by_certainty["不符"] == 9  # the verified list in tests/test_checks_shipped.py
    by_rule = next(d.value for d in run_page("audit", "按规则汇总").dataframe
                   if "rule_name" in d.value.columns and "findings" in d.value.columns)
    assert list(by_rule["rule"]) == [f"R{i}" for i in range(1, 18)]
    assert by_rule["findings"].sum() == total


def test_audit_page_groups_by_certainty_with_disagreements_first_and_quotes_the_report():
    at = run_page()
    assert headings(at)[0].startswith("#### 不符")
    assert [h.split("（")[0] for h in headings(at)] == ["#### 不符", "#### 无法核对", "#### 提示"]
    table = findings_table(at)
    assert list(table["certainty"].drop_duplicates()) == ["不符", "无法核对", "提示"]
    first = table[table["certainty"] == "不符"]
    records = " | ".join(first["record"] + " " + first["stated"] + " → " + first["recomputed"])
    assert "辽宁省 地方资金" in records and "33% → 7.71%" in records
    assert "99.36% → 99.60%" in records
    assert "170.3196 万元 → 171.12 万元" in records
    local = first[first["stated"] == "33%"].iloc[0]
    assert "地方投入资金已执行800万元，资金执行率33%" in local["evidence"]
    assert "市以下财政投入资金10380万元" in local["evidence"]
    department = first[first["stated"] == "99.36%"].iloc[0]
    assert department["places"] == "LZ2022 §二(一)、LZ2022 §二(三)"  # one finding, both places
    # false alarms of the old rules are gone: 92.75% (46.37 / 50 within rounding) and the counts
    assert not table["stated"].eq("92.75%").any()
    assert not table["record"].str.endswith("产出指标二级指标数").any()


def test_audit_page_widgets_filter_by_certainty_rule_and_severity():
    at = run_page()
    everything = len(findings_table(at))
    at.multiselect(key="audit_certainty_pick").set_value(["不符"]).run()
    disagree = findings_table(at)
    assert set(disagree["certainty"]) == {"不符"} and 0 < len(disagree) < everything
    at.multiselect(key="audit_rule_pick").set_value(["R1"]).run()
    only_r1 = findings_table(at)
    assert set(only_r1["rule"]) == {"R1"} and 0 < len(only_r1) < len(disagree)
    at.multiselect(key="audit_severity_pick").set_value(["高"]).run()
    high = findings_table(at)
    assert list(high["stated"]) == ["33%"]


def test_audit_page_takes_certainty_and_rule_from_the_url_and_refuses_unknown_ones():
    at = run_page(certainty="不符", rule="R12,R15")
    table = findings_table(at)
    assert set(table["certainty"]) == {"不符"} and set(table["rule"]) == {"R12", "R15"} and len(table) == 2
    assert not at.error
    at = run_page(rule="R99,R1", certainty="错")
    errors = [e.value for e in at.error]
    assert any(e.startswith("未知的规则：R99。可选：R1 执行率核对") and "R15 文字错位与年份" in e for e in errors)
    assert any(e.startswith("未知的性质：错。可选：不符、无法核对、提示") for e in errors)
    assert set(findings_table(at)["rule"]) == {"R1"}  # the known pick stands, the unknown is not guessed


def test_audit_page_follows_the_sidebar_filters():
    at = run_page(program=LIAONING)
    table = findings_table(at)
    assert table["record"].str.startswith("中央安全生产预防和应急救援能力建设补助资金").all()
    assert table["places"].str.startswith("LN2023").all()
    at = run_page(project="LZ2022-P04")
    table = findings_table(at)
    assert table["record"].str.contains("气象灾害预警项目").all()
    assert set(table["rule"]) >= {"R5", "R11", "R4", "R7"}


def test_audit_page_says_so_when_nothing_is_found():
    at = run_page(project="LZ2022-P06")  # every stated figure of P06 reconciles, 92.75% included
    at.multiselect(key="audit_certainty_pick").set_value(["不符"]).run()
    assert any("没有发现" in s.value for s in at.success)


def test_overview_shows_the_computed_score_beside_the_stated_one():
    at = run_page("overview", "项目一览", program="LZ2022-YJJ")
    projects = next(d.value for d in at.dataframe if "computed_score" in d.value.columns)
    p01 = projects[projects["project_name"] == "档案整理专项"].iloc[0]
    assert p01["stated_score"] == 94 and p01["computed_score"] == pytest.approx(93.4647, abs=1e-4)  # P04 is empty
    assert (p01["stated_rating"], p01["rating_of_stated"], p01["computed_rating"]) == ("优", "优", "优")
    p04 = projects[projects["project_name"] == "气象灾害预警项目"].iloc[0]
    assert pd.isna(p04["computed_score"]) and p04["rating_of_stated"] == "中"  # 75 分
    assert any("报告未给出指标级分值，无法计算" in c.value for c in at.caption)


def test_indicators_show_a_computed_score_where_the_report_gives_a_weight():
    assert any("报告未给出指标级分值" in c.value for c in run_page("indicators", project="LZ2022-P02").caption)
    at = run_page("indicators", "指标明细", project="LZ2022-P02")
    at.selectbox(key="indicator_level1").set_value("满意度指标").run()  # one 一级指标's table at a time
    table = next(d.value for d in at.dataframe if "computed_score" in d.value.columns)
    row = table[table["level3"] == "服务企业满意度"].iloc[0]
    assert (row["weight"], row["stated_score"]) == (10, 8)
    assert row["computed_score"] == pytest.approx(10 * 90 / 95)
