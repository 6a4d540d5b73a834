"""Across years: program lineage (rule, workbook column, 数据管理 choice, both backends), the shipped
multi-year demo (云南省森林草原航空消防 2020–2024) loaded by its one command, and 同比 on it."""

from __future__ import annotations

import pytest

from lib import cli
from lib.access.roles import ANALYST, Actor
from lib.analysis import lineage, yoy
from lib.store import lineage as store_lineage
from lib.store import open_store
from lib.store.base import DATA_DIR

DEMO = DATA_DIR / "multiyear" / "yunnan_aviation_fire_2020_2024.xlsx"
ANALYST_ACTOR = Actor("分析员", ANALYST)


def _program(pid, name, year, department="云南省应急管理厅", region="云南省", lineage_id=None):
    return {"program_id": pid, "program_name": name, "year": year, "department": department,
            "region": region, "lineage_id": lineage_id}


# ---------------------------------------------------------------- the rule
def test_a_renamed_fund_keeps_its_kernel_and_joins_its_earlier_years():
    rows = [
        _program("A20", "中央自然灾害(森林草原航空消防补助)救灾资金", 2020),
        _program("A21", "2021年中央自然灾害（森林草原航空消防补助）救灾资金", 2021),
        _program("A22", "中央自然灾害救灾资金(森林草原航空消防租机补助经费)", 2022),
    ]
    links = lineage.propose(rows)
    assert {p: link.lineage_id for p, link in links.items()} == {"A20": "A20", "A21": "A20", "A22": "A20"}
    assert links["A22"].basis == "rule" and "森林草原航空消防" in links["A22"].reason


def test_year_in_the_name_is_not_part_of_the_kernel():
    assert lineage.name_kernel("兰州新区应急管理局2022年度部门预算") == lineage.name_kernel(
        "兰州新区应急管理局2023年度部门预算") == "兰州新区应急管理局"


def test_another_department_region_or_an_unnamed_department_starts_its_own_lineage():
    rows = [
        _program("Y20", "中央自然灾害救灾资金(森林草原航空消防租机补助经费)", 2020),
        _program("G21", "中央自然灾害救灾资金(森林草原航空消防租机补助经费)", 2021,
                 department="广西壮族自治区应急管理厅", region="广西壮族自治区"),
        _program("Y21", "中央自然灾害救灾资金(森林草原航空消防租机补助经费)", 2021, region="贵州省"),
        _program("U21", "中央自然灾害救灾资金(森林草原航空消防租机补助经费)", 2021,
                 department="（报告未写明主管部门）"),
    ]
    assert {p: link.lineage_id for p, link in lineage.propose(rows).items()} == {
        "Y20": "Y20", "G21": "G21", "Y21": "Y21", "U21": "U21"}


def test_two_programs_of_one_year_never_share_a_lineage():
    rows = [_program("A", "森林草原航空消防补助", 2021), _program("B", "森林草原航空消防租机补助", 2021)]
    assert lineage.lineage_map(rows) == {"A": "A", "B": "B"}


def test_a_fund_familys_name_does_not_swallow_its_sub_funds():
    rows = [_program("A", "中央自然灾害救灾资金", 2021),
            _program("B", "中央自然灾害救灾资金(森林草原航空消防租机补助经费)", 2022),
            _program("C", "（报告未写明名称）", 2023, department="（报告未写明主管部门）")]
    links = lineage.propose(rows)
    assert {p: link.lineage_id for p, link in links.items()} == {"A": "A", "B": "B", "C": "C"}
    assert links["C"].reason == "主管部门未写明，不与其他年度关联"


def test_a_short_contained_name_does_not_join():
    # 救灾 is left after generic words go; two characters say too little to call two funds one
    rows = [_program("A", "应急救灾资金", 2021), _program("B", "农业生产应急救灾资金", 2022)]
    assert lineage.lineage_map(rows) == {"A": "A", "B": "B"}


def test_confirmed_beats_workbook_beats_rule():
    rows = [_program("A20", "森林草原航空消防补助", 2020),
            _program("A21", "森林草原航空消防补助", 2021, lineage_id="WB"),
            _program("A22", "森林草原航空消防补助", 2022)]
    links = lineage.resolve(rows, {"A22": "MINE"})
    assert [(links[p].lineage_id, links[p].basis) for p in ("A20", "A21", "A22")] == [
        ("A20", "rule"), ("WB", "workbook"), ("MINE", "confirmed")]


def test_previous_of_needs_the_year_just_before():
    rows = [_program("A22", "x", 2022), _program("A24", "x", 2024), _program("A21", "x", 2021)]
    assert lineage.previous_of(rows, {"A21": "L", "A22": "L", "A24": "L"}) == {"A22": "A21"}


# ---------------------------------------------------------------- the demo and its command
@pytest.fixture
def demo_db(tmp_path):
    path = tmp_path / "multiyear.duckdb"
    assert cli.main(["load", "--demo", "multiyear", "--db", str(path)]) == 0
    store = open_store(path, seed=False)
    yield store
    store.close()


def test_the_demo_loads_with_one_command_and_holds_one_fund_over_four_years(demo_db):
    totals = demo_db.program_totals()
    assert list(totals["year"]) == [2020, 2021, 2022, 2024]
    assert [round(b, 2) for b in totals["budget"]] == [7952.0, 9799.2, 10441.0, 14856.17]
    assert [round(e, 2) for e in totals["executed"]] == [2513.0, 9109.54, 9265.35, 14474.12]
    frame = store_lineage.resolved(demo_db)
    assert set(frame["lineage"]) == {"YN-HKXF"} and set(frame["basis"]) == {"workbook"}
    # the rule alone proposes the same series (the demo's column only confirms it)
    assert set(frame["suggested"]) == {"YN2020-HKXF"}
    assert dict(zip(frame["program_id"], frame["previous_id"], strict=True)) == {
        "YN2020-HKXF": None, "YN2021-HKXF": "YN2020-HKXF", "YN2022-HKXF": "YN2021-HKXF", "YN2024-HKXF": None}


def test_every_demo_figure_keeps_the_sentence_it_came_from(demo_db):
    for table in ("execution", "allocations", "indicators", "stated_figures"):
        rows = demo_db.query(f"SELECT sentence FROM {table}")
        assert len(rows) and rows["sentence"].notna().all(), table
    row = demo_db.query("SELECT sentence FROM execution WHERE program_id = 'YN2022-HKXF'").iloc[0]
    assert "预算10441万元" in row["sentence"] and "实际执行9265.353442万元" in row["sentence"]


def test_load_needs_files_or_a_demo_not_both(tmp_path, capsys):
    assert cli.main(["load", "--db", str(tmp_path / "x.duckdb")]) == 2
    assert "--demo" in capsys.readouterr().err


# ---------------------------------------------------------------- 同比 on the demo
def test_2022_against_2021_like_for_like(demo_db):
    totals = demo_db.program_totals()
    mapping = store_lineage.resolved(demo_db).set_index("program_id")["lineage"].to_dict()
    result = yoy.year_on_year(totals, mapping, 2022)
    assert (result.previous_budget, result.budget) == (9799.2, 10441.0)
    assert round(result.budget_change, 4) == 0.0655
    assert round(result.rate_change * 100, 2) == -4.22
    assert yoy.summary_sentences(result)[:3] == [
        "2022年预算数10,441.00万元，较上年增长6.55%；",
        "执行数9,265.35万元，较上年增长1.71%；",
        "执行率88.74%，较上年降低4.22个百分点。",
    ]
    assert "1个资金/部门在2021年和2022年均有数据" in result.basis_note()


def test_2024_has_no_previous_year_in_the_demo(demo_db):
    totals = demo_db.program_totals()
    mapping = {p: "YN-HKXF" for p in totals["program_id"]}
    assert yoy.year_on_year(totals, mapping, 2024) is None
    rows = yoy.trend(totals, mapping)
    assert rows.loc[rows["year"] == 2024, "yoy"].item() == "预算数14,856.17万元，上年无可比数据"
    assert rows.loc[rows["year"] == 2021, "yoy"].item() == "预算数9,799.20万元，较上年增长23.23%"


def test_the_shipped_seeds_alone_have_no_previous_year(tmp_path):
    store = open_store(tmp_path / "seed.duckdb")
    try:
        totals = store.program_totals()
        mapping = store_lineage.resolved(store).set_index("program_id")["lineage"].to_dict()
        assert not yoy.has_previous_year(totals, mapping)
        assert yoy.year_on_year(totals, mapping, 2023) is None
    finally:
        store.close()


def test_yoy_sentence_words():
    assert yoy.yoy_sentence("预算数", 110, 100) == "预算数110.00万元，较上年增长10.00%"
    assert yoy.yoy_sentence("预算数", 90, 100) == "预算数90.00万元，较上年下降10.00%"
    assert yoy.yoy_sentence("预算数", 100, 100) == "预算数100.00万元，与上年持平"
    assert yoy.yoy_sentence("执行率", 0.9, 0.85, unit="%") == "执行率90.00%，较上年提高5.00个百分点"
    assert yoy.yoy_sentence("预算数", 100, None) == "预算数100.00万元，上年无可比数据"
    assert yoy.change(5, 0) is None


# ---------------------------------------------------------------- choices on 数据管理
def test_a_choice_saved_counts_and_survives_a_reimport(demo_db):
    store_lineage.save(demo_db, ANALYST_ACTOR, {"YN2024-HKXF": "OTHER"})
    frame = store_lineage.resolved(demo_db).set_index("program_id")
    assert (frame.loc["YN2024-HKXF", "lineage"], frame.loc["YN2024-HKXF", "basis"]) == ("OTHER", "confirmed")
    demo_db.import_files([(DEMO.name, DEMO)], user="t")
    assert store_lineage.confirmed(demo_db) == {"YN2024-HKXF": "OTHER"}
    store_lineage.save(demo_db, ANALYST_ACTOR, {"YN2024-HKXF": ""})  # back to the workbook's
    assert store_lineage.confirmed(demo_db) == {}
    assert demo_db.primary_query("SELECT action FROM activity_log WHERE action = 'lineage_save'").shape[0] == 2


def test_a_choice_putting_two_programs_of_one_year_together_is_refused(demo_db):
    demo_db.import_files([(name, DATA_DIR / name) for name in ("lanzhou_2022_emergency.xlsx",)], user="t")
    before = demo_db.content_checksum(), store_lineage.confirmed(demo_db)
    with pytest.raises(store_lineage.LineageError, match="LZ2022-YJJ 与 YN2022-HKXF 同为 2022 年度"):
        store_lineage.save(demo_db, ANALYST_ACTOR, {"LZ2022-YJJ": "YN-HKXF"})
    with pytest.raises(store_lineage.LineageError, match="没有这些资金/部门：NOPE"):
        store_lineage.save(demo_db, ANALYST_ACTOR, {"NOPE": "X"})
    assert (demo_db.content_checksum(), store_lineage.confirmed(demo_db)) == before


# ---------------------------------------------------------------- the pages
@pytest.fixture(scope="module")
def seeds_app(tmp_path_factory):
    from conftest import seeded_app

    yield from seeded_app(tmp_path_factory, "across_seeds")


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory):
    import streamlit as st

    path = tmp_path_factory.mktemp("across_demo") / "demo.duckdb"
    assert cli.main(["load", "--demo", "multiyear", "--db", str(path)]) == 0
    mp = pytest.MonkeyPatch()
    mp.setenv("JIXIAO_DB", str(path))
    mp.setenv("JIXIAO_USERS", str(path.parent / "no-users.toml"))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield path
    st.cache_resource.clear()
    st.cache_data.clear()
    mp.undo()


def test_overview_says_there_is_no_previous_year_on_the_shipped_seeds(seeds_app):
    from conftest import run_page

    at = run_page("overview", "同比与趋势")
    assert any("没有上年数据" in i.value for i in at.info)
    assert not any("同口径" in m.label for m in at.metric)


def test_overview_shows_2022_against_2021_on_the_demo(demo_app):
    from conftest import metrics, run_page

    at = run_page("overview", "同比与趋势", year="2022")
    cards = metrics(at)
    assert cards["2022年预算（亿元，同口径）"] == "1.04"
    assert cards["2022年执行率（同口径）"] == "88.74%"
    deltas = {m.label: m.delta for m in at.metric}
    assert deltas["2022年预算（亿元，同口径）"] == "+6.55%"
    assert deltas["2022年执行率（同口径）"] == "-4.22 个百分点"
    assert any("1个资金/部门在2021年和2022年均有数据" in c.value for c in at.caption)
    table = next(d.value for d in at.dataframe if "yoy" in d.value.columns)
    assert list(table["year"]) == [2020, 2021, 2022, 2024]


def test_data_page_lists_each_programs_lineage_for_confirmation(demo_app):
    from conftest import run_page

    at = run_page("data", "跨年度关联")
    frame = at.dataframe[0].value if at.dataframe else None
    assert frame is not None and list(frame["lineage"]) == ["YN-HKXF"] * 4
    assert list(frame["basis"]) == ["工作簿所填"] * 4


# ---------------------------------------------------------------- PostgreSQL (the shared store)
def test_lineage_on_postgresql_the_workbook_column_and_a_choice_seen_by_a_second_replica(pg_cluster):
    import uuid

    from lib.store.postgres import PostgresStore

    name = f"t_{uuid.uuid4().hex[:12]}"
    url = pg_cluster.url(name)
    first, second = PostgresStore(url), None
    try:
        first.import_files([(DEMO.name, DEMO)], user="t")
        assert set(store_lineage.resolved(first)["lineage"]) == {"YN-HKXF"}
        store_lineage.save(first, ANALYST_ACTOR, {"YN2024-HKXF": "YN-HKXF-2024"})
        second = PostgresStore(url)
        frame = store_lineage.resolved(second).set_index("program_id")
        assert frame.loc["YN2024-HKXF", ["lineage", "basis"]].tolist() == ["YN-HKXF-2024", "confirmed"]
        assert frame.loc["YN2022-HKXF", "previous_id"] == "YN2021-HKXF"
    finally:
        first.close()
        if second is not None:
            second.close()
        pg_cluster.drop(name)


# ---------------------------------------------------------------- year-end projection
def _snapshot(pid, year, as_of, budget, executed, year_end=False):
    import datetime as dt

    day = dt.date.fromisoformat(as_of)
    elapsed = 1.0 if year_end else (day - dt.date(year, 1, 1)).days + 1
    share = elapsed if year_end else elapsed / ((dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days)
    return {"program_id": pid, "year": year, "project_id": None, "region": None, "fund_source": None,
            "as_of": day, "budget": budget, "executed": executed, "execution_rate": executed / budget,
            "elapsed_share": share}


def test_projection_linear_only_without_earlier_snapshots():
    import pandas as pd

    from lib.analysis import projection

    rows = pd.DataFrame([_snapshot("LN2023", 2023, "2023-06-30", 1000, 300)])
    (p,) = projection.project(rows)
    assert p.methods == (projection.LINEAR,)
    assert round(p.low, 4) == round(p.high, 4) == round(0.3 / (181 / 365), 4)  # 60.50%
    assert "预计年末执行率 60.5%" in p.describe() and "不是报告数" in p.describe()


def test_projection_band_from_an_earlier_years_pace_at_the_same_date():
    import pandas as pd

    from lib.analysis import projection

    rows = pd.DataFrame([
        _snapshot("A22", 2022, "2022-06-30", 1000, 250),              # 25% at mid-year …
        _snapshot("A22", 2022, "2022-12-31", 1000, 950, year_end=True),  # … 95% at year end
        _snapshot("A23", 2023, "2023-07-05", 1000, 200),
    ])
    (p,) = [x for x in projection.project(rows, {"A22": "L", "A23": "L"}) if x.program_id == "A23"]
    assert p.methods == (projection.LINEAR, projection.PACE)
    assert [(m, y) for m, y, _ in p.estimates] == [(projection.LINEAR, None), (projection.PACE, 2022)]
    assert round(p.high, 3) == 0.76 and round(p.low, 3) == round(0.2 / (186 / 365), 3)


def test_projection_never_above_100_percent_nor_below_the_rate_reached():
    import pandas as pd

    from lib.analysis import projection

    (p,) = projection.project(pd.DataFrame([_snapshot("X", 2023, "2023-03-31", 100, 60)]))
    assert p.high == 1.0 and p.low == 1.0
    assert projection.project(pd.DataFrame([_snapshot("X", 2023, "2023-12-31", 100, 60, year_end=True)])) == []


def test_overview_says_no_projection_is_needed_on_year_end_data(demo_app):
    from conftest import run_page

    at = run_page("overview", "同比与趋势")
    assert any("无需预测年末执行率" in c.value for c in at.caption)


# ---------------------------------------------------------------- 同比 on the cards, the brief and the Word draft
def test_overview_cards_carry_the_change_on_a_year_with_a_previous_one(demo_app):
    from conftest import run_page

    at = run_page("overview", year="2022")
    deltas = {m.label: m.delta for m in at.metric}
    assert deltas["预算总额（亿元）"] == "同比 +6.55%" and deltas["执行数（亿元）"] == "同比 +1.71%"
    assert any("1个资金/部门在2021年和2022年均有数据" in c.value for c in at.caption)
    latest = run_page("overview")  # 2024: the fund has no 2023 report
    assert not any((m.delta or "").startswith("同比") for m in latest.metric)
    assert any("不显示同比" in c.value for c in latest.caption)


def test_overview_cards_on_the_shipped_seeds_say_there_is_no_previous_year(seeds_app):
    from conftest import run_page

    at = run_page("overview")
    assert not any((m.delta or "").startswith("同比") for m in at.metric)
    assert any("同比：没有上一年度的同一资金/部门数据" in c.value for c in at.caption)


def test_brief_and_word_draft_state_the_yoy_sentence(demo_db):
    import io

    import docx

    from lib.filters import Filters
    from lib.outputs import brief, report_docx

    (head,) = brief.brief_data(demo_db, Filters(year=2022))["headlines"]
    assert head["yoy"].startswith("2022年预算数10,441.00万元，较上年增长6.55%；执行数9,265.35万元，较上年增长1.71%；")
    assert "执行率88.74%，较上年降低4.22个百分点。" in brief.render_html(brief.brief_data(demo_db, Filters(year=2022)))
    assert brief.brief_data(demo_db)["headlines"][0]["yoy"] == brief.BRIEF_YOY_NONE  # 2024
    text = [p.text for p in docx.Document(io.BytesIO(report_docx.write_docx(
        demo_db, Filters(program_id="YN2021-HKXF")))).paragraphs]
    assert "同比：2021年预算数9,799.20万元，较上年增长23.23%；执行数9,109.54万元，较上年增长262.50%；" \
           "执行率92.96%，较上年提高61.36个百分点。同比口径：1个资金/部门在2020年和2021年均有数据，按其合计比较。" in text


def test_the_demo_audit_lists_the_2020_rate_against_money_received_and_nothing_unmatched(demo_db):
    from lib.analysis import checks

    found = checks.run_audit(checks.read_inputs(demo_db.read))
    assert [(f.rule, f.certainty, f.year) for f in found if f.certainty == "不符"] == [("R1", "不符", 2020)]
    assert not [f for f in found if f.rule == "R2"]  # every stated source amount has its allocation


@pytest.fixture
def in_year_app(tmp_path):
    """A store whose 2023 record is dated 2023-06-30, with the same fund's 2022 snapshot of the same
    date and its year end: the projection's two methods both apply."""
    import datetime as dt

    import streamlit as st
    from conftest import make_workbook

    def program(year):
        return {"program_id": f"P{year}", "program_name": "危化品安全治理转移支付", "year": year,
                "program_kind": "转移支付", "department": "省应急管理厅", "region": "辽宁省",
                "source_id": f"S{year}", "source_ref": f"S{year} §二"}

    def snapshot(year, month, day, executed):
        return {"program_id": f"P{year}", "as_of": dt.date(year, month, day), "budget": 1000,
                "executed": executed, "source_ref": f"S{year} §二(一)"}

    tables = {
        "sources": [{"source_id": f"S{y}", "title": f"{y}年度危化品安全转移支付绩效自评报告"} for y in (2022, 2023)],
        "programs": [program(2022), program(2023)],
        "execution": [snapshot(2022, 6, 30, 250), snapshot(2022, 12, 31, 950), snapshot(2023, 6, 30, 200)],
    }
    path = tmp_path / "inyear.duckdb"
    store = open_store(path, seed=False)
    store.import_files([("inyear.xlsx", make_workbook(tmp_path, tables, "inyear.xlsx"))], user="t")
    store.close()
    mp = pytest.MonkeyPatch()
    mp.setenv("JIXIAO_DB", str(path))
    mp.setenv("JIXIAO_USERS", str(tmp_path / "no-users.toml"))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield path
    st.cache_resource.clear()
    st.cache_data.clear()
    mp.undo()


def test_overview_projects_an_in_year_record_as_a_band_with_its_methods(in_year_app):
    from conftest import run_page

    at = run_page("overview", "同比与趋势", year="2023")
    text = " ".join(m.value for m in at.markdown)
    assert "截至 2023-06-30 执行率 20.00%（时间进度 49.6%），预计年末执行率 40.3%–76.0%" in text
    assert "按时间进度线性外推 40.3%" in text and "按往年同期进度（2022年） 76.0%" in text
    assert "不是报告数" in text
    # the cards compare a mid-year figure with last year's year end: said so
    assert any("注意：2023年为截至6月30日的数，2022年为年末数，不是同期比较。" in c.value for c in at.caption)


def test_overview_yearly_chart_joins_years_through_the_lineage(demo_app):
    from conftest import run_page

    at = run_page("overview", "各年度预算执行")
    assert any("虚线为同口径执行率" in c.value for c in at.caption)
    from lib.analysis import summary

    store = open_store(demo_app, seed=False)
    try:
        totals = store.program_totals()
        by_name = summary.like_for_like(totals)  # the names changed in 2022: 2021 → 2022 not joined by name
        linked = summary.like_for_like(totals.assign(lineage="YN-HKXF"))
    finally:
        store.close()
    assert [(r.from_year, r.to_year) for r in by_name.itertuples()] == [(2020, 2021), (2022, 2024)]
    assert [(r.from_year, r.to_year) for r in linked.itertuples()] == [(2020, 2021), (2021, 2022), (2022, 2024)]
