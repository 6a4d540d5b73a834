"""The DuckDB store on a real file: import, views, replacement, rejection, versions, reads."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import textwrap

import pytest
from conftest import ROOT, make_workbook, minimal_dataset

from lib.filters import Filters
from lib.store import EXPORTABLE, TABLES, ImportRejected, Store
from lib.store.filters import where_clause


@pytest.fixture
def loaded(tmp_db, tmp_path, minimal_tables):
    """tmp_db with the minimal dataset (program P1) imported; for tests that write."""
    path = make_workbook(tmp_path, minimal_tables(), name="p1.xlsx")
    tmp_db.import_files([("p1.xlsx", path)], user="tester")
    return tmp_db


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One store with the minimal dataset for the read-only tests of this module (speed)."""
    tmp = tmp_path_factory.mktemp("shared")
    store = Store(tmp / "shared.duckdb")
    store.import_files([("p1.xlsx", make_workbook(tmp, minimal_dataset(), name="p1.xlsx"))], user="tester")
    checksum = store.content_checksum()
    yield store
    assert store.content_checksum() == checksum, "a read-only test changed the shared store"
    store.close()


def _rows(store: Store, table: str, program_id: str) -> list[tuple]:
    cur = store.cursor()
    try:
        return sorted(cur.execute(f"SELECT * FROM {table} WHERE program_id = ?", [program_id]).fetchall(),
                      key=repr)
    finally:
        cur.close()


def _p2(tmp_path, minimal_tables, name="p2.xlsx"):
    tables = minimal_tables(program_id="P2", project_prefix="QJ", source_id="S2")
    tables["programs"][0]["year"] = 2022
    tables["programs"][0]["region"] = "甘肃省"
    return make_workbook(tmp_path, tables, name=name)


# ---------------------------------------------------------------- import and views


def test_import_result_and_row_counts(tmp_db, tmp_path, minimal_tables):
    path = make_workbook(tmp_path, minimal_tables())
    result = tmp_db.import_files([("dataset.xlsx", path)], user="tester")
    assert result.version_id == 1
    assert result.programs == ["P1"]
    assert result.row_counts == {
        "sources": 1, "programs": 1, "projects": 2, "allocations": 4, "execution": 1, "progress": 1,
        "objectives": 1, "indicators": 5, "score_parts": 1, "spending_items": 1, "stated_figures": 1,
    }
    assert tmp_db.row_counts() == result.row_counts
    assert tmp_db.version_id() == 1


def test_import_from_upload_bytes(tmp_db, tmp_path, minimal_tables):
    data = make_workbook(tmp_path, minimal_tables()).read_bytes()
    result = tmp_db.import_files([("上传.xlsx", data)], user="tester")
    assert result.programs == ["P1"]
    assert tmp_db.current_version()["files"] == "上传.xlsx"
    assert tmp_db.current_version()["sha256"] == hashlib.sha256(data).hexdigest()


def test_v_projects_execution_rate(shared):
    df = shared.read("v_projects", order_by=["project_id"])
    assert list(df["project_id"]) == ["PJ1", "PJ2"]
    pj1 = df.iloc[0]
    assert pj1["execution_rate"] == pytest.approx(15.14353 / 16)
    assert pj1["stated_execution_rate"] == pytest.approx(0.9465)
    assert float(pj1["budget"]) == 16.0
    assert float(pj1["executed"]) == pytest.approx(15.14353, abs=1e-9)  # DECIMAL keeps 5 decimals exactly
    assert pj1["program_name"] == "危化品安全治理转移支付"
    assert int(pj1["year"]) == 2023
    assert df.iloc[1]["execution_rate"] == pytest.approx(1.0)


def test_v_execution_scopes_and_elapsed_share(shared):
    df = shared.read("v_execution")
    snap = df[df["scope"] == "snapshot"]
    assert len(snap) == 1
    row = snap.iloc[0]
    assert str(row["as_of"])[:10] == "2023-06-30"
    assert row["execution_rate"] == pytest.approx(50 / 200)
    assert row["elapsed_share"] == pytest.approx(181 / 365)
    proj = df[df["scope"] == "project"].sort_values("project_id")
    assert list(proj["project_id"]) == ["PJ1", "PJ2"]
    assert [str(d)[:10] for d in proj["as_of"]] == ["2023-12-31", "2023-12-31"]
    assert list(proj["elapsed_share"]) == pytest.approx([1.0, 1.0])
    assert proj.iloc[0]["execution_rate"] == pytest.approx(15.14353 / 16)


def test_v_funding_by_region_source_sums(shared):
    df = shared.read("v_funding_by_region_source")
    sums = {(r.region, r.fund_source): float(r.amount) for r in df.itertuples()}
    assert sums == {("沈阳市", "中央补助"): 1000.0, ("沈阳市", "地方资金"): 500.5, ("大连市", "中央补助"): 500.0}
    assert set(df["program_id"]) == {"P1"}


def test_v_funding_names_the_project(shared):
    df = shared.read("v_funding", where={"project_id": "PJ2"})
    assert len(df) == 1
    assert df.iloc[0]["project_name"] == "化工园区整治提升"
    assert float(df.iloc[0]["amount"]) == 500.0


def test_v_indicators_status_and_parsed_notation(shared):
    df = shared.read("v_indicators", order_by=["seq"]).set_index("seq")
    assert df["status"].to_dict() == {
        1: "met", 2: "not_met", 3: "met", 4: "qualitative_not_met", 5: "not_applicable",
    }
    assert df["direction"].to_dict() == {1: "higher", 2: "higher", 3: "lower", 4: "higher", 5: "higher"}
    assert df.loc[1, "target_op"] == "≥" and df.loc[1, "target_value"] == 90.0 and df.loc[1, "target_unit"] == "%"
    assert df.loc[2, "actual_op"] == "<" and df.loc[2, "actual_value"] == 90.0
    assert df.loc[3, "target_unit"] == "万元"
    assert df.loc[1, "completion_ratio"] == pytest.approx(95 / 90)
    assert df.loc[3, "completion_ratio"] == pytest.approx(100 / 95)
    # region falls back to the project's, then the program's
    assert df.loc[1, "region"] == "沈阳市"
    assert df.loc[5, "region"] == "辽宁省"


def test_v_deviations(shared):
    df = shared.read("v_deviations")
    indicators = df[df["kind"] == "indicator"].sort_values("subject")
    assert set(indicators["subject"]) == {
        "效益指标 / 社会效益指标 / 风险预警覆盖率",  # not met, no explanation
        "效益指标 / 可持续影响指标 / 平台运行效果",  # qualitatively not met, with reason
    }
    not_met = indicators[indicators["status"] == "not_met"].iloc[0]
    assert (not_met["target"], not_met["actual"]) == ("≥90%", "<90%")
    projects = df[df["kind"] == "project"]
    assert list(projects["project_id"]) == ["PJ1"]  # PJ2 has no deviation text
    assert projects.iloc[0]["deviation_reason"] == "部分模块正在建设中"
    assert projects.iloc[0]["improvement"] == "加快建设进度"
    assert projects.iloc[0]["execution_rate"] == pytest.approx(15.14353 / 16)


def test_other_views_read(shared):
    assert list(shared.read("v_progress")["percent"]) == pytest.approx([0.8])
    figures = shared.read("v_stated_figures")
    assert list(figures["value"]) == pytest.approx([2000.5])
    assert list(figures["region"]) == ["辽宁省"]


# ---------------------------------------------------------------- replacement


def test_reimport_replaces_a_program_and_leaves_others(tmp_db, tmp_path, minimal_tables):
    tmp_db.import_files([("p1.xlsx", make_workbook(tmp_path, minimal_tables(), name="p1.xlsx"))])
    tmp_db.import_files([("p2.xlsx", _p2(tmp_path, minimal_tables))])
    p2_before = {t: _rows(tmp_db, t, "P2") for t in TABLES if t != "sources"}
    assert all(p2_before.values())

    tables = minimal_tables()
    tables["projects"] = tables["projects"][:1]  # PJ2 dropped
    tables["projects"][0]["executed"] = 16
    tables["allocations"] = tables["allocations"][:2]
    tables["indicators"] = tables["indicators"][:4]
    result = tmp_db.import_files([("p1_v2.xlsx", make_workbook(tmp_path, tables, name="p1_v2.xlsx"))])

    assert result.programs == ["P1"]
    assert result.version_id == 3
    p1 = tmp_db.read("v_projects", where={"program_id": "P1"})
    assert list(p1["project_id"]) == ["PJ1"]
    assert p1.iloc[0]["execution_rate"] == pytest.approx(1.0)
    assert len(tmp_db.read("allocations", where={"program_id": "P1"})) == 2
    assert len(tmp_db.read("indicators", where={"program_id": "P1"})) == 4
    assert len(tmp_db.read("sources")) == 2
    assert len(tmp_db.read("programs")) == 2
    # no duplicates anywhere
    for table in ("projects", "allocations", "indicators", "execution", "objectives", "score_parts"):
        n = tmp_db.query(f"SELECT COUNT(*) AS n FROM {table} WHERE program_id = 'P1'")["n"][0]
        assert n == len(tables[table]), table
    # P2 untouched
    for table, rows in p2_before.items():
        assert _rows(tmp_db, table, "P2") == rows, table


def test_reimport_same_file_is_idempotent(tmp_db, tmp_path, minimal_tables):
    path = make_workbook(tmp_path, minimal_tables())
    tmp_db.import_files([("a.xlsx", path)], user="u")
    counts = tmp_db.row_counts()
    tmp_db.import_files([("a.xlsx", path)], user="u")
    assert tmp_db.row_counts() == counts
    assert tmp_db.version_id() == 2


# ---------------------------------------------------------------- rejection


def test_rejected_import_changes_nothing(loaded, tmp_path, minimal_tables):
    before_sum, before_version = loaded.content_checksum(), loaded.version_id()
    tables = minimal_tables()
    tables["projects"][0]["budget"] = "一千五"
    tables["projects"][1]["executed"] = 1  # a valid change that must not land either
    bad = make_workbook(tmp_path, tables, name="bad.xlsx")
    with pytest.raises(ImportRejected) as info:
        loaded.import_files([("bad.xlsx", bad)])
    findings = info.value.findings
    assert len(findings) == 1
    f = findings[0]
    assert (f.file, f.sheet, f.row) == ("bad.xlsx", "项目", 2)
    assert "全年预算数" in f.column
    assert "1 个问题" in str(info.value)
    assert loaded.content_checksum() == before_sum
    assert loaded.version_id() == before_version
    assert float(loaded.read("projects", where={"project_id": "PJ2"})["executed"][0]) == 100.0


def test_one_bad_file_rejects_the_whole_load(loaded, tmp_path, minimal_tables):
    before = loaded.content_checksum()
    good = _p2(tmp_path, minimal_tables)
    tables = minimal_tables(program_id="P3", project_prefix="RJ", source_id="S3")
    tables["execution"][0]["as_of"] = "2023-02-30"
    bad = make_workbook(tmp_path, tables, name="p3.xlsx")
    with pytest.raises(ImportRejected):
        loaded.import_files([("p2.xlsx", good), ("p3.xlsx", bad)])
    assert loaded.content_checksum() == before
    assert set(loaded.read("programs")["program_id"]) == {"P1"}


def test_project_id_colliding_with_another_stored_program(loaded, tmp_path, minimal_tables):
    before_sum, before_version = loaded.content_checksum(), loaded.version_id()
    tables = minimal_tables(program_id="P2", project_prefix="PJ", source_id="S2")  # PJ1, PJ2 again
    path = make_workbook(tmp_path, tables, name="p2.xlsx")
    with pytest.raises(ImportRejected) as info:
        loaded.import_files([("p2.xlsx", path)])
    rows = sorted((f.sheet, f.row) for f in info.value.findings)
    assert rows == [("项目", 2), ("项目", 3)]
    f = info.value.findings[0]
    assert "项目编号" in f.column
    assert "已属于库中的“P1”" in f.problem
    assert loaded.content_checksum() == before_sum
    assert loaded.version_id() == before_version


def test_content_checksum_changes_with_content(loaded, tmp_path, minimal_tables):
    before = loaded.content_checksum()
    assert before == loaded.content_checksum()  # deterministic
    loaded.import_files([("p2.xlsx", _p2(tmp_path, minimal_tables))])
    assert loaded.content_checksum() != before


def test_amount_too_large_for_storage_is_a_finding(loaded, tmp_path, minimal_tables):
    before = loaded.content_checksum()
    tables = minimal_tables()
    tables["allocations"][0]["amount"] = 1e13
    path = make_workbook(tmp_path, tables, name="huge.xlsx")
    try:
        with pytest.raises(ImportRejected):
            loaded.import_files([("huge.xlsx", path)])
    finally:
        assert loaded.content_checksum() == before  # the transaction rolls back either way


# ---------------------------------------------------------------- versions


def test_dataset_versions_record_the_import(tmp_db, tmp_path, minimal_tables):
    p1 = make_workbook(tmp_path, minimal_tables(), name="p1.xlsx")
    p2 = _p2(tmp_path, minimal_tables)
    result = tmp_db.import_files([("p1.xlsx", p1), ("p2.xlsx", p2)], user="分析员")
    versions = tmp_db.read("dataset_versions")
    assert len(versions) == 1
    v = versions.iloc[0]
    assert int(v["version_id"]) == result.version_id == 1
    assert v["user_name"] == "分析员"
    assert v["action"] == "import"
    assert v["files"] == "p1.xlsx; p2.xlsx"
    assert v["sha256"] == "; ".join(hashlib.sha256(p.read_bytes()).hexdigest() for p in (p1, p2))
    assert v["programs"] == "P1; P2"
    counts = json.loads(v["row_counts"])
    assert counts == tmp_db.row_counts()
    assert counts["projects"] == 4 and counts["indicators"] == 10
    assert tmp_db.current_version()["version_id"] == 1


def test_empty_store_has_version_zero(tmp_db):
    assert tmp_db.version_id() == 0
    assert tmp_db.current_version() is None
    assert set(tmp_db.row_counts().values()) == {0}


# ---------------------------------------------------------------- reads: names are allow-listed


@pytest.mark.parametrize("relation", [
    "nope", "projects; DROP TABLE projects", "information_schema.tables", "V_PROJECTS", "",
    "projects p, programs",
])
def test_read_rejects_unknown_relations(shared, relation):
    with pytest.raises(KeyError):
        shared.read(relation)
    with pytest.raises(KeyError):
        shared.columns(relation)
    assert len(shared.read("projects")) == 2


@pytest.mark.parametrize("column", [
    "nope", "program_id = program_id OR 1", "1=1; DROP TABLE projects; --", "program_id ", "PROGRAM_ID",
])
def test_read_rejects_unknown_where_columns(shared, column):
    with pytest.raises(KeyError):
        shared.read("v_projects", where={column: "P1"})
    with pytest.raises(KeyError):
        shared.read("v_projects", order_by=[column])
    assert len(shared.read("projects")) == 2


def test_read_search_rejects_unknown_columns(shared):
    if "search" not in Store.read.__code__.co_varnames:
        pytest.skip("Store.read has no search parameter")
    with pytest.raises(KeyError):
        shared.read("v_projects", search=(("project_name", "1=1) OR (1"), "x"))


def test_where_values_are_data_not_sql(shared):
    assert shared.read("v_projects", where={"program_id": "P1' OR '1'='1"}).empty
    assert len(shared.read("v_projects", where={"program_id": "P1"})) == 2


def test_every_exportable_relation_reads(shared):
    for relation in EXPORTABLE:
        assert shared.columns(relation), relation
        shared.read(relation)


# ---------------------------------------------------------------- filters

WHERE_CASES = [
    (Filters(), {"year", "program_id"}, "", []),
    (Filters(year=2023), {"year", "program_id"}, " WHERE year = ?", [2023]),
    (Filters(year=2023, program_id="P1"), {"year", "program_id"}, " WHERE year = ? AND program_id = ?", [2023, "P1"]),
    (Filters(year=2023, region="沈阳市"), {"region"}, " WHERE region = ?", ["沈阳市"]),  # year skipped
    (Filters(project_id="PJ1"), {"program_id", "region"}, " WHERE 1 = 0", []),  # project filter, no column
    (Filters(project_id="PJ1"), {"project_id"}, " WHERE project_id = ?", ["PJ1"]),
    (Filters(region="x' OR '1'='1"), {"region"}, " WHERE region = ?", ["x' OR '1'='1"]),
    (Filters(program_id="P1"), set(), "", []),
]


@pytest.mark.parametrize("filters, available, sql, params", WHERE_CASES)
def test_where_clause(filters, available, sql, params):
    got_sql, got_params = where_clause(filters, available)
    assert (got_sql, got_params) == (sql, params)
    for value in filters.active().values():
        assert str(value) not in got_sql


def test_filters_key_and_active():
    f = Filters(year=2023, project_id="PJ1")
    assert f.active() == {"year": 2023, "project_id": "PJ1"}
    assert f.key() == (2023, None, None, "PJ1", ((), (), ()))  # the scope too: unrestricted
    assert Filters().active() == {}


READ_FILTER_CASES = [
    ("v_projects", Filters(program_id="P1"), 2),
    ("v_projects", Filters(region="大连市"), 1),
    ("v_projects", Filters(year=2022), 0),
    ("v_projects", Filters(project_id="PJ1"), 1),
    ("v_funding", Filters(project_id="PJ2"), 1),
    ("v_funding", Filters(region="沈阳市"), 3),
    ("v_funding_by_region_source", Filters(program_id="P1"), 3),
    ("v_funding_by_region_source", Filters(project_id="PJ2"), 0),  # no project_id column: no rows
    ("v_indicators", Filters(project_id="PJ1"), 4),
    ("v_indicators", Filters(region="辽宁省"), 1),
    ("programs", Filters(year=2023, region="辽宁省"), 1),
    ("programs", Filters(project_id="PJ1"), 0),
    ("dataset_versions", Filters(year=2023), 1),  # no filterable columns: filter skipped
]


@pytest.mark.parametrize("relation, filters, expected", READ_FILTER_CASES)
def test_read_with_filters(shared, relation, filters, expected):
    assert len(shared.read(relation, filters)) == expected


def test_read_filters_and_where_combine(shared):
    df = shared.read("v_funding", Filters(region="沈阳市"), where={"fund_source": "地方资金"},
                     order_by=["fund_year"])
    assert [int(y) for y in df["fund_year"]] == [2023, 2024]


# ---------------------------------------------------------------- one process at a time


def test_second_process_gets_store_busy_error(tmp_db):
    code = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from lib.store import Store, StoreBusyError, open_store
        for opener in (lambda: Store({str(tmp_db.path)!r}), lambda: open_store({str(tmp_db.path)!r}, seed=False)):
            try:
                opener().close()
            except StoreBusyError as exc:
                print("BUSY", exc)
            else:
                print("OPENED")
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 2, proc.stdout
    for line in lines:
        assert line.startswith("BUSY ")
        assert "正被另一个进程占用" in line
        assert str(tmp_db.path) in line
        assert "Traceback" not in line
