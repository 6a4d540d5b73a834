"""The aggregate and bounded queries pages draw from (Store.summarize, count, program_totals,
execution_band_counts, the sidebar's choices), on the shipped dataset: figures from the reports."""

from __future__ import annotations

import pytest
from conftest import make_workbook

from lib.analysis import summary
from lib.analysis.scoring import ExecutionBands, execution_band
from lib.filters import Filters
from lib.store import MATERIALIZED, Store, open_store
from lib.store.derived import _program_totals_sql

LIAONING = "LN2023-WHP"
LANZHOU = "LZ2022-YJJ"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    store = open_store(tmp_path_factory.mktemp("queries") / "seed.duckdb")
    yield store
    store.close()


def test_program_totals_use_the_reports_whole_program_figures(seeded):
    totals = seeded.program_totals().set_index("program_id")
    lz = totals.loc[LANZHOU]
    assert (lz["basis"], lz["budget"], lz["executed"]) == ("program", pytest.approx(7750.69),
                                                           pytest.approx(7719.74))
    assert lz["execution_rate"] == pytest.approx(7719.74 / 7750.69)
    ln = totals.loc[LIAONING]
    assert ln["basis"] == "program" and ln["budget"] == pytest.approx(7500 + 10380)
    assert str(lz["as_of"])[:10] == "2022-12-31"


def test_program_totals_fall_back_to_the_projects(tmp_db, tmp_path, minimal_tables):
    tables = minimal_tables()
    tables["execution"] = [r for r in tables["execution"] if r.get("project_id")]  # no program-wide row
    tmp_db.import_files([("p1.xlsx", make_workbook(tmp_path, tables))])
    row = tmp_db.program_totals().iloc[0]
    projects = tmp_db.read("projects")
    assert row["basis"] == "projects"
    assert row["budget"] == pytest.approx(float(projects["budget"].astype(float).sum()))
    assert row["executed"] == pytest.approx(float(projects["executed"].astype(float).sum()))


def test_program_totals_follow_the_filters(seeded):
    assert seeded.program_totals(Filters(year=2023))["program_id"].tolist() == [LIAONING]
    assert seeded.program_totals(Filters(year=2021)).empty
    # a region narrows the rows first: Shenyang's own snapshots of the Liaoning funds
    shenyang = seeded.program_totals(Filters(region="沈阳市"))
    rows = seeded.read("v_execution", Filters(region="沈阳市"))
    assert shenyang["program_id"].tolist() == sorted(set(rows["program_id"]))


def test_summarize_funding_per_region_and_source(seeded):
    by = seeded.summarize("v_funding", Filters(program_id=LIAONING), by=("region", "fund_source"),
                          sums=("amount",))
    shenyang = by[by["region"] == "沈阳市"].set_index("fund_source")["amount"].to_dict()
    assert shenyang == {"中央补助": pytest.approx(1500), "地方资金": pytest.approx(1511)}
    totals = seeded.summarize("v_funding", Filters(program_id=LIAONING), by=("fund_source",), sums=("amount",))
    assert dict(zip(totals["fund_source"], totals["amount"], strict=True)) == {
        "中央补助": pytest.approx(7500), "地方资金": pytest.approx(10380)}


def test_summarize_counts_indicators_per_status_and_weights(seeded):
    by = seeded.summarize("v_indicators", by=("status",), nonnull=("weight",))
    assert int(by["n"].sum()) == 59
    per = dict(zip(by["status"], by["n"], strict=True))
    assert per.get("not_met", 0) + per.get("qualitative_not_met", 0) == 4
    assert 0 < int(by["n_weight"].sum()) < 59


def test_summarize_orders_and_limits(seeded):
    top = seeded.summarize("v_funding", Filters(program_id=LIAONING), by=("region",), sums=("amount",),
                           order=("amount DESC",), limit=2)
    assert top["region"].tolist() == ["葫芦岛市", "盘锦市"]  # 4266 and 3981 万元
    with pytest.raises(KeyError):
        seeded.summarize("v_funding", by=("region",), order=("amount; DROP TABLE programs",))
    with pytest.raises(KeyError):
        seeded.summarize("v_funding", by=("nope",))


def test_read_limit_and_descending_order_match_count(seeded):
    assert seeded.count("v_projects") == 9
    assert seeded.count("v_projects", Filters(year=2023)) == 0
    biggest = seeded.read("v_projects", order_by=["budget DESC", "project_id"], limit=1)
    assert len(biggest) == 1 and float(biggest["budget"].iloc[0]) == float(
        seeded.read("v_projects")["budget"].astype(float).max())
    assert seeded.count_distinct("v_funding", Filters(program_id=LIAONING), ("region",)) == 5


@pytest.mark.parametrize("red,yellow", [(0.6, 0.8), (0.95, 0.95), (0.1, 0.3), (1.0, 1.2)])
def test_band_counts_in_sql_agree_with_the_scoring_rule(seeded, red, yellow):
    rows = summary.counted_once(seeded.read("v_execution"))
    bands = ExecutionBands(red=red, yellow=yellow)
    expected = {"red": 0, "yellow": 0, "green": 0}
    for r in rows.itertuples():
        band = execution_band(r.execution_rate, r.elapsed_share, bands)
        if band:
            expected[band] += 1
    assert seeded.execution_band_counts(Filters(), red, yellow) == expected


def test_default_band_counts_on_the_reports(seeded):
    # Liaoning central 32.67% and local 7.71%, 气象灾害预警 18.37%, 普查 57.04%; Lanzhou's nine
    # projects, its department total (99.60%) not counted beside them: 11 items, not 12
    assert seeded.execution_band_counts(Filters(), 0.6, 0.8) == {"red": 4, "yellow": 0, "green": 7}
    assert seeded.execution_band_counts(Filters(program_id="LZ2022-YJJ"), 0.6, 0.8) == \
        {"red": 2, "yellow": 0, "green": 7}
    assert seeded.execution_band_counts(Filters(year=2023), 0.6, 0.8) == {"red": 2, "yellow": 0, "green": 0}


def test_a_program_without_projects_keeps_its_own_rows(seeded):
    rows = seeded.read("v_execution")
    once = summary.counted_once(rows)
    assert len(rows) == 12 and len(once) == 11
    assert once["project_id"].isna().sum() == 2  # Liaoning's central and local rows stay
    assert set(once.loc[once["project_id"].isna(), "fund_source"]) == {"中央补助", "地方资金"}


def test_sidebar_choices(seeded):
    assert seeded.filter_years() == [2023, 2022]
    programs, total = seeded.filter_programs(2023, limit=10)
    assert programs["program_id"].tolist() == [LIAONING] and total == 1
    assert set(seeded.filter_regions(2023, LIAONING)) >= {"沈阳市", "抚顺市", "阜新市", "盘锦市", "葫芦岛市"}
    assert seeded.filter_regions(2022, LIAONING) == []
    projects, total = seeded.filter_projects(None, LANZHOU, limit=20)
    assert total == 9 and projects["project_id"].tolist() == [f"LZ2022-P0{i}" for i in range(1, 10)]
    # more than the list holds: only the one already chosen (say, from a shared link) is offered
    projects, total = seeded.filter_projects(None, LANZHOU, limit=3, include="LZ2022-P09")
    assert total == 9 and projects["project_id"].tolist() == ["LZ2022-P09"]
    programs, total = seeded.filter_programs(None, limit=1, include=LANZHOU)
    assert total == 2 and programs["program_id"].tolist() == [LANZHOU]


def test_region_choices_follow_imports_and_rollbacks(tmp_db, tmp_path, minimal_tables):
    tmp_db.import_files([("p1.xlsx", make_workbook(tmp_path, minimal_tables(), name="p1.xlsx"))])
    before = set(tmp_db.filter_regions(None, "P1"))
    assert "沈阳市" in before
    tables = minimal_tables()
    for table in ("projects", "allocations", "execution", "indicators", "progress"):
        for row in tables[table]:
            if row.get("region") == "沈阳市":
                row["region"] = "铁岭市"
    tmp_db.import_files([("p1b.xlsx", make_workbook(tmp_path, tables, name="p1b.xlsx"))])
    after = set(tmp_db.filter_regions(None, "P1"))
    assert "铁岭市" in after and "沈阳市" not in after
    assert_stored_views_current(tmp_db)
    tmp_db.rollback(1)
    assert set(tmp_db.filter_regions(None, "P1")) == before
    assert_stored_views_current(tmp_db)


def test_derived_tables_are_rebuilt_for_a_database_built_with_another_schema(tmp_path, minimal_tables):
    path = tmp_path / "old.duckdb"
    store = Store(path)
    store.import_files([("p1.xlsx", make_workbook(tmp_path, minimal_tables()))])
    expected = store.read("v_indicators", order_by=["seq"])
    cur = store.cursor()
    for table in ("region_options", "mat_indicators", "mat_projects", "derived_state"):
        cur.execute(f"DELETE FROM {table}")  # as a file written before these tables existed
    cur.close()
    store.close()
    store = Store(path)
    try:
        assert "沈阳市" in store.filter_regions(None, "P1")
        assert store.count("v_projects") == 2
        rebuilt = store.read("v_indicators", order_by=["seq"])
        assert rebuilt.equals(expected)
    finally:
        store.close()


def test_large_views_equal_their_definitions(seeded):
    assert_stored_views_current(seeded)


def assert_stored_views_current(store):
    """v_<name> is the stored mat_<name>: it must hold exactly what calc_<name> computes."""
    cur = store.cursor()
    try:
        for name in MATERIALIZED:
            missing = cur.execute(f"SELECT COUNT(*) FROM (SELECT * FROM calc_{name} EXCEPT ALL "
                                  f"SELECT * FROM v_{name}) d").fetchone()[0]
            extra = cur.execute(f"SELECT COUNT(*) FROM (SELECT * FROM v_{name} EXCEPT ALL "
                                f"SELECT * FROM calc_{name}) d").fetchone()[0]
            assert (name, missing, extra) == (name, 0, 0)
            assert cur.execute(f"SELECT COUNT(*) FROM v_{name}").fetchone()[0] > 0
    finally:
        cur.close()
    stored = store.program_totals()
    live = store.query(_program_totals_sql(""))
    assert stored.equals(live) and not stored.empty
