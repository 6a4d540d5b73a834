"""Every page on the shared PostgreSQL store: the AppTest tests of test_pages.py,
test_audit_page.py and test_data_page.py run again, unchanged, with $JIXIAO_DATABASE_URL set
(the app's get_store opens lib/store/postgres.py); plus an upload committed by another replica
while a preview is on screen, which only a shared store has.
"""

from __future__ import annotations

import uuid

import psycopg
import pytest
import streamlit as st
import test_audit_page
import test_data_page
import test_pages
from test_data_page import archive_budget, lanzhou_with, run

from lib.store.postgres import PostgresStore

# test_data_page's own "someone else committed" test reopens its DuckDB file; the replica version is below.
SKIP = {"test_commit_after_someone_else_committed_shows_the_new_preview_first"}
for _module in (test_pages, test_audit_page, test_data_page):
    for _name in dir(_module):
        if _name.startswith("test_") and _name not in SKIP and callable(getattr(_module, _name)):
            globals()[_name] = getattr(_module, _name)
users_file = test_data_page.users_file


def _versions_in(url: str) -> list[int]:
    with psycopg.connect(url) as conn:
        return [r[0] for r in conn.execute("SELECT version_id FROM dataset_versions ORDER BY 1")]


def _fresh_caches() -> None:
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture(scope="module", autouse=True)
def seeded_pg(pg_cluster, tmp_path_factory):
    """The app on one PostgreSQL database, seeded from data/ by the first page run."""
    name = f"pages_{uuid.uuid4().hex[:8]}"
    mp = pytest.MonkeyPatch()
    tmp = tmp_path_factory.mktemp("pg_pages")
    mp.setenv("JIXIAO_DATABASE_URL", pg_cluster.url(name))
    mp.setenv("JIXIAO_DB", str(tmp / "unused.duckdb"))  # must stay unused
    mp.setenv("JIXIAO_USERS", str(tmp / "no-users.toml"))
    _fresh_caches()
    yield
    _fresh_caches()
    mp.undo()
    assert not (tmp / "unused.duckdb").exists()
    assert _versions_in(pg_cluster.url(name)) == [1]  # the pages read what was seeded into PostgreSQL
    pg_cluster.drop(name)


@pytest.fixture
def app_env(pg_cluster, tmp_path, monkeypatch):
    """test_data_page's fixture on PostgreSQL: a fresh database per test (uploads change it)."""
    name = f"data_{uuid.uuid4().hex[:8]}"
    url = pg_cluster.url(name)
    monkeypatch.setenv("JIXIAO_DATABASE_URL", url)
    monkeypatch.setenv("JIXIAO_USERS", str(tmp_path / "no-users.toml"))
    _fresh_caches()
    yield url
    _fresh_caches()
    pg_cluster.drop(name)


def test_commit_after_another_replica_committed_shows_the_new_preview_first(app_env):
    at = run("data")
    at.get("file_uploader")[0].upload("lanzhou_v2.xlsx", lanzhou_with(17)).run()
    # another replica commits while this preview is on screen (old → new was 16 → 17); this
    # app's Store stays open, as in a second server process
    other = PostgresStore(app_env)
    try:
        other.import_files([("other.xlsx", lanzhou_with(19))], user="李四")
    finally:
        other.close()
    at.button(key="commit_upload").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("预览之后数据已有新的版本" in w.value for w in at.warning)
    assert not any("当前数据版本" in s.value for s in at.success)
    change = next(d.value for d in at.dataframe if "原值" in d.value.columns).iloc[0]
    assert (change["原值"], change["新值"]) == ("19", "17")  # the preview against the other replica's data
    at.button(key="commit_upload").click().run()
    assert any("当前数据版本 v3" in s.value for s in at.success)
    assert archive_budget(at) == 17
    assert _versions_in(app_env) == [1, 2, 3]

