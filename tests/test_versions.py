"""Dataset versions, preview and rollback, roles in the write path, and concurrent writers,
on a real DuckDB file."""

from __future__ import annotations

import threading

import pytest
from conftest import make_workbook

from lib.access.roles import ANALYST, VIEWER, Actor, PermissionDenied
from lib.store import TABLES, ImportRejected, Store

VIEWER_ACTOR = Actor("局领导", VIEWER)
ANALYST_ACTOR = Actor("分析员", ANALYST)


def live_rows(store: Store) -> dict[str, list]:
    return {t: sorted(map(repr, store.query(f"SELECT * FROM {t}").itertuples(index=False))) for t in TABLES}


@pytest.fixture
def v1(tmp_db, tmp_path, minimal_tables):
    """A store at version 1 holding program P1."""
    tmp_db.import_files([("v1.xlsx", make_workbook(tmp_path, minimal_tables(), name="v1.xlsx"))],
                        user=ANALYST_ACTOR)
    return tmp_db


def changed_p1(tmp_path, minimal_tables, name="v2.xlsx"):
    tables = minimal_tables()
    tables["projects"][0]["budget"] = 20  # 16 -> 20
    tables["projects"] = tables["projects"][:1]  # PJ2 removed
    tables["allocations"] = [r for r in tables["allocations"] if r.get("project_id") != "PJ2"]
    tables["indicators"] = [r for r in tables["indicators"] if r.get("project_id") != "PJ2"]
    for t in ("objectives", "score_parts", "spending_items", "stated_figures", "execution"):
        tables[t] = [r for r in tables.get(t, []) if r.get("project_id") != "PJ2"]
    return make_workbook(tmp_path, tables, name=name)


def test_preview_lists_added_changed_and_removed_rows_and_writes_nothing(v1, tmp_path, minimal_tables):
    before = v1.content_checksum()
    parsed = v1.validate([("v2.xlsx", changed_p1(tmp_path, minimal_tables))])
    assert parsed.findings == []
    preview = v1.preview(parsed)
    projects = preview["projects"]
    assert projects.changed_rows == 1 and len(projects.removed) == 1 and len(projects.added) == 0
    change = projects.changed.iloc[0]
    assert (change["project_id"], change["column"], change["old"], change["new"]) == ("PJ1", "budget", 16.0, 20.0)
    assert projects.removed.iloc[0]["project_id"] == "PJ2"
    assert preview["programs"].empty  # same program row: nothing to show
    assert v1.content_checksum() == before


def test_unchanged_reupload_previews_as_no_change(v1, tmp_path, minimal_tables):
    parsed = v1.validate([("same.xlsx", make_workbook(tmp_path, minimal_tables(), name="same.xlsx"))])
    assert all(d.empty for d in v1.preview(parsed).values())


def test_every_import_is_a_version_and_rollback_restores_exactly(v1, tmp_path, minimal_tables):
    at_v1 = live_rows(v1)
    v1.import_files([("v2.xlsx", changed_p1(tmp_path, minimal_tables))], user=ANALYST_ACTOR)
    assert v1.query("SELECT budget FROM projects WHERE project_id = 'PJ1'").iloc[0, 0] == 20
    at_v2 = live_rows(v1)

    result = v1.rollback(1, user=ANALYST_ACTOR)
    assert result.version_id == 3 and result.programs == ["P1"]
    assert live_rows(v1) == at_v1
    history = v1.read("dataset_versions", order_by=["version_id"])
    assert history["action"].tolist() == ["import", "import", "rollback"]
    assert int(history.iloc[2]["restored_version"]) == 1
    assert history.iloc[2]["user_name"] == "分析员"

    v1.rollback(2, user=ANALYST_ACTOR)  # nothing was destroyed: v2 comes back too
    assert live_rows(v1) == at_v2
    assert v1.version_id() == 4


def test_rollback_removes_a_program_added_later_and_keeps_others(v1, tmp_path, minimal_tables):
    p2 = minimal_tables(program_id="P2", project_prefix="QJ", source_id="S2")
    v1.import_files([("p2.xlsx", make_workbook(tmp_path, p2, name="p2.xlsx"))], user=ANALYST_ACTOR)
    assert set(v1.query("SELECT program_id FROM programs")["program_id"]) == {"P1", "P2"}
    v1.rollback(1, user=ANALYST_ACTOR)
    assert set(v1.query("SELECT program_id FROM programs")["program_id"]) == {"P1"}
    assert set(v1.query("SELECT source_id FROM sources")["source_id"]) == {"S1"}
    assert v1.query("SELECT COUNT(*) FROM projects WHERE program_id = 'P2'").iloc[0, 0] == 0


def test_rollback_to_unknown_version_changes_nothing(v1):
    before = v1.content_checksum()
    with pytest.raises(KeyError):
        v1.rollback(99, user=ANALYST_ACTOR)
    assert v1.content_checksum() == before


def test_viewer_cannot_upload_or_roll_back_in_the_code_path(v1, tmp_path, minimal_tables):
    before = v1.content_checksum()
    with pytest.raises(PermissionDenied):
        v1.import_files([("v2.xlsx", changed_p1(tmp_path, minimal_tables))], user=VIEWER_ACTOR)
    with pytest.raises(PermissionDenied):
        v1.rollback(1, user=VIEWER_ACTOR)
    assert v1.content_checksum() == before


def test_concurrent_uploads_are_serialized_and_readers_never_see_half_an_import(tmp_db, tmp_path, minimal_tables):
    """Two threads import different versions of P1 again and again while a reader checks that
    what it sees is always one whole version: projects and indicators of the same import."""
    small = minimal_tables()
    small["projects"] = small["projects"][:1]
    for t in ("allocations", "indicators", "objectives", "score_parts", "spending_items", "stated_figures",
              "execution"):
        small[t] = [r for r in small.get(t, []) if r.get("project_id") != "PJ2"]
    files = {
        "full": make_workbook(tmp_path, minimal_tables(), name="full.xlsx"),
        "small": make_workbook(tmp_path, small, name="small.xlsx"),
    }
    tmp_db.import_files([("full.xlsx", files["full"])], user=ANALYST_ACTOR)
    full = (tmp_db.row_counts()["projects"], tmp_db.row_counts()["indicators"])
    shapes = {full}
    errors: list[BaseException] = []
    stop = threading.Event()

    def writer(name: str, rounds: int) -> None:
        try:
            for _ in range(rounds):
                tmp_db.import_files([(f"{name}.xlsx", files[name])], user=ANALYST_ACTOR)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    seen: set[tuple[int, int]] = set()

    def reader() -> None:
        try:
            while not stop.is_set():
                cur = tmp_db.cursor()
                try:
                    cur.begin()  # one snapshot for both counts
                    projects = cur.execute("SELECT COUNT(*) FROM projects").fetchone()[0]
                    indicators = cur.execute("SELECT COUNT(*) FROM indicators").fetchone()[0]
                    cur.commit()
                finally:
                    cur.close()
                seen.add((projects, indicators))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=("full", 6)), threading.Thread(target=writer, args=("small", 6))]
    read_thread = threading.Thread(target=reader)
    read_thread.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    stop.set()
    read_thread.join(timeout=30)

    assert not errors, errors
    tmp_db_small = Store(tmp_path / "small_only.duckdb")
    tmp_db_small.import_files([("small.xlsx", files["small"])], user=ANALYST_ACTOR)
    shapes.add((tmp_db_small.row_counts()["projects"], tmp_db_small.row_counts()["indicators"]))
    tmp_db_small.close()
    assert seen <= shapes, f"reader saw a half-applied import: {seen - shapes}"
    versions = tmp_db.read("dataset_versions")
    assert len(versions) == 13 and sorted(versions["version_id"]) == list(range(1, 14))  # nothing lost


def test_rejected_import_leaves_versions_and_archive_unchanged(v1, tmp_path, minimal_tables):
    before = v1.content_checksum()
    tables = minimal_tables()
    tables["projects"][0]["budget"] = "十六"
    with pytest.raises(ImportRejected):
        v1.import_files([("bad.xlsx", make_workbook(tmp_path, tables, name="bad.xlsx"))], user=ANALYST_ACTOR)
    assert v1.content_checksum() == before
    assert v1.version_id() == 1


def test_import_of_a_validated_upload_checks_the_stored_data_again(tmp_db, tmp_path, minimal_tables):
    # validated on screen, then another program took one of its project ids before the commit
    first = make_workbook(tmp_path, minimal_tables(program_id="P1"), name="p1.xlsx")
    parsed = tmp_db.validate([("p1.xlsx", first)])
    assert parsed.ok
    other = make_workbook(tmp_path, minimal_tables(program_id="P2"), name="p2.xlsx")  # projects PJ1, PJ2
    tmp_db.import_files([("p2.xlsx", other)], user="李四")
    before = tmp_db.content_checksum()
    with pytest.raises(ImportRejected) as rejected:
        tmp_db.import_files([("p1.xlsx", first)], user="张三", validated=parsed)
    assert any("已属于库中的“P2”" in f.problem for f in rejected.value.findings)
    assert tmp_db.content_checksum() == before
