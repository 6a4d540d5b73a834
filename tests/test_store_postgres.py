"""The shared PostgreSQL store (lib/store/postgres.py) on a private cluster (tests/pg_cluster.py).

The store and version tests of test_store.py and test_versions.py run here again, unchanged, on
a PostgreSQL store (this module's ``tmp_db`` and ``shared`` fixtures); then what only a shared
store has: the shipped data gives the same figures and the same rows in every relation as on
DuckDB, PostgreSQL's own views agree, two stores (two replicas) on one database see each other's
commits and serialize their writes, and the command line takes --db postgresql://….
"""

from __future__ import annotations

import datetime as dt
import json
import math
import threading
import uuid
from decimal import Decimal

import pandas as pd
import psycopg
import pytest
import test_store
import test_versions
from conftest import make_workbook, minimal_dataset

from lib import cli
from lib.access.roles import ANALYST, Actor
from lib.analysis import checks
from lib.outputs import export
from lib.store import EXPORTABLE, TABLES, VIEWS, ImportRejected, open_store
from lib.store.postgres import PostgresStore, postgres_schema

# The same assertions on PostgreSQL: every test of these modules that takes the store fixtures,
# except the DuckDB file lock (PostgreSQL has none to hold).
DUCKDB_ONLY = {"test_second_process_gets_store_busy_error"}
for _module in (test_store, test_versions):
    for _name in dir(_module):
        _test = getattr(_module, _name)
        if _name.startswith("test_") and _name not in DUCKDB_ONLY and callable(_test) \
                and {"tmp_db", "shared", "loaded", "v1"} & set(_test.__code__.co_varnames):
            globals()[_name] = _test
loaded = test_store.loaded
v1 = test_versions.v1

ANALYST_ACTOR = Actor("分析员", ANALYST)
LIAONING, LANZHOU = "LN2023-WHP", "LZ2022-YJJ"


@pytest.fixture
def pg_url(pg_cluster):
    """A new empty database on the session's cluster, dropped after the test."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    yield pg_cluster.url(name)
    pg_cluster.drop(name)


@pytest.fixture
def tmp_db(pg_url):
    """A fresh PostgreSQL store (no seed data), read through a DuckDB copy in a temporary folder."""
    store = PostgresStore(pg_url)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture(scope="module")
def shared(pg_cluster, tmp_path_factory):
    """One PostgreSQL store with the minimal dataset for the read-only tests."""
    tmp = tmp_path_factory.mktemp("pg_shared")
    store = PostgresStore(pg_cluster.url("shared_minimal"))
    store.import_files([("p1.xlsx", make_workbook(tmp, minimal_dataset(), name="p1.xlsx"))], user="tester")
    checksum = store.content_checksum()
    yield store
    assert store.content_checksum() == checksum, "a read-only test changed the shared store"
    store.close()


@pytest.fixture(scope="module")
def seeded(pg_cluster, tmp_path_factory):
    """The shipped data, opened as the app does: (DuckDB store, PostgreSQL store, its URL)."""
    url = pg_cluster.url("shipped")
    duck = open_store(tmp_path_factory.mktemp("pg_seeded") / "seed.duckdb")
    pg = open_store(url)
    yield duck, pg, url
    duck.close()
    pg.close()


def _plain(value):
    """A cell as comparable Python: money as float, NULL / NaN as None, dates as ISO text."""
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, Decimal):
        return round(float(value), 6)
    if isinstance(value, float):
        return round(value, 9)
    if hasattr(value, "item"):  # numpy scalars
        return _plain(value.item())
    if hasattr(value, "to_pydatetime"):  # a DuckDB DATE read into pandas
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _rows(frame) -> list[tuple]:
    rows = [tuple(_plain(v) for v in row) for row in frame.itertuples(index=False, name=None)]
    return sorted(rows, key=repr)


# ---------------------------------------------------------------- the shipped data on both stores


def test_shipped_data_loads_into_postgres_with_the_report_figures(seeded):
    _, pg, _ = seeded
    assert pg.version_id() == 1
    totals = pg.program_totals().set_index("program_id")
    assert totals.loc[LANZHOU, "budget"] == pytest.approx(7750.69)
    assert totals.loc[LANZHOU, "executed"] == pytest.approx(7719.74)
    assert totals.loc[LIAONING, "budget"] == pytest.approx(17880)
    assert totals.loc[LIAONING, "executed"] == pytest.approx(3250)
    funding = pg.summarize("v_funding", by=("region",), sums=("amount",)).set_index("region")
    assert funding.loc["沈阳市", "amount"] == pytest.approx(3011)


def test_every_relation_reads_the_same_rows_on_both_stores(seeded):
    duck, pg, _ = seeded
    for relation in EXPORTABLE:
        assert pg.columns(relation) == duck.columns(relation), relation
        if relation == "dataset_versions":
            keep = ["version_id", "user_name", "action", "files", "sha256", "programs", "row_counts"]
            assert _rows(pg.read(relation)[keep]) == _rows(duck.read(relation)[keep])
            continue
        assert _rows(pg.read(relation)) == _rows(duck.read(relation)), relation


def test_postgres_views_compute_what_the_duckdb_views_hold(seeded):
    """Other tools reading PostgreSQL see the documented views, computed live from its tables."""
    duck, _, url = seeded
    with psycopg.connect(url) as conn:
        for view in VIEWS:
            cur = conn.execute(f"SELECT * FROM {view}")  # view names from the allow-list
            columns = [d.name for d in cur.description]
            frame = pd.DataFrame(cur.fetchall(), columns=columns, dtype=object)
            assert columns == duck.columns(view), view
            assert _rows(frame) == _rows(duck.read(view)), view


def test_audit_and_exports_are_the_same_on_both_stores(seeded):
    duck, pg, _ = seeded
    on_duck = [f.to_dict() for f in checks.run_audit(checks.read_inputs(duck.read))]
    on_pg = [f.to_dict() for f in checks.run_audit(checks.read_inputs(pg.read))]
    assert on_duck and json.dumps(on_pg, default=str, sort_keys=True) == json.dumps(on_duck, default=str,
                                                                                     sort_keys=True)
    for relation in ("v_projects", "v_indicators", "v_funding"):
        assert (export.to_csv_bytes(pg.read(relation, order_by=["program_id", "project_id"]), relation)
                == export.to_csv_bytes(duck.read(relation, order_by=["program_id", "project_id"]), relation))


def test_the_postgres_schema_is_the_duckdb_schema_without_the_replica_tables():
    statements = postgres_schema()
    text = "\n".join(statements)
    assert "CREATE OR REPLACE VIEW v_indicators AS SELECT * FROM calc_indicators" in statements
    assert "mat_" not in text and "region_options" not in text
    for table in TABLES:
        assert f"CREATE TABLE IF NOT EXISTS {table} (" in text


# ---------------------------------------------------------------- two replicas on one database


def _p2(tmp_path, minimal_tables):
    tables = minimal_tables(program_id="P2", project_prefix="QJ", source_id="S2")
    tables["programs"][0]["year"] = 2022
    return make_workbook(tmp_path, tables, name="p2.xlsx")


def test_two_replicas_see_each_others_commits(pg_url, tmp_path, minimal_tables):
    first, second = PostgresStore(pg_url), PostgresStore(pg_url)
    try:
        first.import_files([("p1.xlsx", make_workbook(tmp_path, minimal_tables(), name="p1.xlsx"))],
                           user=ANALYST_ACTOR)
        assert second.version_id() == 1  # the version comes from PostgreSQL; the read copy follows
        assert sorted(second.read("v_projects")["project_id"]) == ["PJ1", "PJ2"]
        second.import_files([("p2.xlsx", _p2(tmp_path, minimal_tables))], user=ANALYST_ACTOR)
        assert first.version_id() == 2
        assert sorted(first.read("programs")["program_id"]) == ["P1", "P2"]
        assert first.filter_regions(2022, "P2") == second.filter_regions(2022, "P2") != []
        first.rollback(1, user=ANALYST_ACTOR)
        assert second.version_id() == 3
        assert sorted(second.read("programs")["program_id"]) == ["P1"]
        assert second.current_version()["restored_version"] == 1
        assert first.row_counts() == second.row_counts()
    finally:
        first.close()
        second.close()


def test_writes_of_two_replicas_are_serialized(pg_url, tmp_path, minimal_tables):
    files = {"p1": make_workbook(tmp_path, minimal_tables(), name="p1.xlsx"),
             "p2": _p2(tmp_path, minimal_tables)}
    stores = [PostgresStore(pg_url), PostgresStore(pg_url)]
    errors: list[BaseException] = []

    def writer(store, name):
        try:
            for _ in range(4):
                store.import_files([(f"{name}.xlsx", files[name])], user=ANALYST_ACTOR)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(s, n)) for s, n in zip(stores, files, strict=True)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=180)
        assert not errors, errors
        assert stores[0].version_id() == 8  # as a page asks first on each run: the copy catches up
        versions = stores[0].read("dataset_versions")
        assert sorted(versions["version_id"]) == list(range(1, 9))  # none lost, none twice
        assert stores[1].version_id() == 8
        assert sorted(stores[1].read("programs")["program_id"]) == ["P1", "P2"]
        assert stores[0].row_counts() == stores[1].row_counts()
    finally:
        for s in stores:
            s.close()


def test_replicas_starting_together_seed_the_data_once(pg_url):
    opened, errors = [], []

    def start():
        try:
            opened.append(open_store(pg_url))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=180)
    try:
        assert not errors, errors
        assert [s.version_id() for s in opened] == [1, 1]
        assert len(opened[0].read("dataset_versions")) == 1
    finally:
        for s in opened:
            s.close()


def test_a_project_id_taken_on_another_replica_is_rejected_at_commit(pg_url, tmp_path, minimal_tables):
    first, second = PostgresStore(pg_url), PostgresStore(pg_url)
    try:
        upload = make_workbook(tmp_path, minimal_tables(program_id="P1"), name="p1.xlsx")
        parsed = first.validate([("p1.xlsx", upload)])
        assert parsed.ok
        second.import_files([("p9.xlsx", make_workbook(tmp_path, minimal_tables(program_id="P9"), name="p9.xlsx"))],
                            user=ANALYST_ACTOR)  # takes PJ1 and PJ2
        before = first.content_checksum()
        with pytest.raises(ImportRejected) as rejected:
            first.import_files([("p1.xlsx", upload)], user=ANALYST_ACTOR, validated=parsed)
        assert any("已属于库中的“P9”" in f.problem for f in rejected.value.findings)
        assert first.content_checksum() == before and first.version_id() == 1
    finally:
        first.close()
        second.close()


def test_a_restarted_replica_with_a_file_copy_catches_up(pg_url, tmp_path, minimal_tables):
    copy = tmp_path / "replica.duckdb"
    store = PostgresStore(pg_url, replica=copy)
    store.import_files([("p1.xlsx", make_workbook(tmp_path, minimal_tables(), name="p1.xlsx"))],
                       user=ANALYST_ACTOR)
    store.close()
    other = PostgresStore(pg_url)
    other.import_files([("p2.xlsx", _p2(tmp_path, minimal_tables))], user=ANALYST_ACTOR)
    other.close()
    store = PostgresStore(pg_url, replica=copy)  # v1 in the file, v2 in PostgreSQL
    try:
        assert store.version_id() == 2
        assert sorted(store.read("v_projects")["program_id"].unique()) == ["P1", "P2"]
    finally:
        store.close()


def test_the_default_read_copy_is_a_compressed_file_removed_on_close(seeded):
    """An uncompressed copy made every aggregate over text columns 2–3× slower than DuckDB's."""
    _, pg, url = seeded
    store = PostgresStore(url)
    folder = store.path.parent
    try:
        assert store.path.is_file() and store.path.name == "replica.duckdb"
        kinds = set(store.query("SELECT compression FROM pragma_storage_info('mat_indicators') "
                                "WHERE segment_type = 'VARCHAR'")["compression"])
        assert kinds and kinds != {"Uncompressed"}
    finally:
        store.close()
    assert not folder.exists()


# ---------------------------------------------------------------- the command line


def test_cli_load_export_and_check_with_a_postgres_url(pg_url, tmp_path, minimal_tables, capsys, monkeypatch):
    path = make_workbook(tmp_path, minimal_tables(), name="p1.xlsx")
    assert cli.main(["load", str(path), "--db", pg_url]) == 0
    assert "数据版本 1" in capsys.readouterr().out
    assert cli.main(["export", "v_projects", "--where", "project_id=PJ1", "--db", pg_url]) == 0
    text = capsys.readouterr().out
    assert "监测预警平台建设" in text and "化工园区整治提升" not in text
    monkeypatch.setenv("JIXIAO_DATABASE_URL", pg_url)  # the same store without --db
    assert cli.main(["check", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["version"] == 1


def test_cli_rejected_load_leaves_postgres_unchanged(pg_url, tmp_path, minimal_tables, capsys):
    assert cli.main(["load", str(make_workbook(tmp_path, minimal_tables(), name="p1.xlsx")), "--db", pg_url]) == 0
    tables = minimal_tables()
    tables["projects"][0]["budget"] = "十六"
    store = PostgresStore(pg_url)
    before = store.content_checksum()
    assert cli.main(["load", str(make_workbook(tmp_path, tables, name="bad.xlsx")), "--db", pg_url]) == 1
    assert "导入被拒绝" in capsys.readouterr().err
    assert store.content_checksum() == before and store.version_id() == 1
    store.close()


def test_cli_unreachable_postgres_is_a_plain_store_error(tmp_path, capsys):
    url = f"postgresql://jixiao:secret@/nowhere?host={tmp_path}"
    assert cli.main(["export", "v_projects", "--db", url]) == 2
    err = capsys.readouterr().err
    assert "无法连接 PostgreSQL 数据库" in err and "Traceback" not in err
    assert "secret" not in err


def test_primary_query_reads_postgres_itself(pg_url, tmp_path, minimal_tables):
    first, second = PostgresStore(pg_url), PostgresStore(pg_url)
    try:
        first.import_files([("p1.xlsx", make_workbook(tmp_path, minimal_tables(), name="p1.xlsx"))],
                           user=ANALYST_ACTOR)
        # the second replica's copy has not caught up (no page run yet); PostgreSQL has the version
        assert second.query("SELECT COUNT(*) AS n FROM dataset_versions")["n"].iloc[0] == 0
        frame = second.primary_query("SELECT version_id, user_name FROM dataset_versions WHERE version_id = ?", [1])
        assert frame.to_dict("records") == [{"version_id": 1, "user_name": "分析员"}]
    finally:
        first.close()
        second.close()


def test_a_layout_saved_through_one_replica_applies_on_the_other(pg_url):
    from lib.intake.layouts import make_layout

    first, second = PostgresStore(pg_url), PostgresStore(pg_url)
    try:
        saved = first.save_layout(make_layout("区级表", {"年初目标值": "target"}), user=ANALYST_ACTOR)
        again = second.save_layout(make_layout("区级表", {"年初目标值": "target", "备注说明": "ignore"}),
                                   user=ANALYST_ACTOR)
        assert (saved.version, again.version) == (1, 2)
        latest = {lay.name: lay for lay in first.layouts()}
        assert latest["区级表"].version == 2 and latest["区级表"].mapping["备注说明"] == "ignore"
        assert second.layout_versions("区级表") == [1, 2]
    finally:
        first.close()
        second.close()


def test_a_version_s_changed_values_read_from_postgres(tmp_db, tmp_path, minimal_tables):
    from lib.store import version_diff

    tables = minimal_tables()
    tmp_db.import_files([("p1.xlsx", make_workbook(tmp_path, tables, name="p1.xlsx"))], user=ANALYST_ACTOR)
    tables["projects"][0]["executed"] = 15.5  # 监测预警平台建设 15.14353 → 15.5
    tmp_db.import_files([("p1.xlsx", make_workbook(tmp_path, tables, name="p1.xlsx"))], user=ANALYST_ACTOR)
    values, total = version_diff.value_changes(tmp_db, 2)  # the archive lives in PostgreSQL only
    assert total == 1
    assert [(v["table"], v["key"], v["column"], float(v["new"])) for v in values] == \
        [("projects", "PJ1", "executed", 15.5)]
