"""The shared PostgreSQL store going away under a running app: a message, not a traceback."""

from __future__ import annotations

import streamlit as st
from test_data_page import run


def _fresh_caches() -> None:
    st.cache_resource.clear()
    st.cache_data.clear()


def test_a_server_gone_after_the_start_is_a_message_on_the_page_not_a_traceback(pg_cluster, tmp_path, monkeypatch):
    """A PostgreSQL of its own (``pg_cluster``, the session's, must stay up; asking for it skips
    or fails as it does where PostgreSQL is missing), stopped under a running app:
    the next rerun says the store cannot be reached, in Chinese and English, and draws no page."""
    from pg_cluster import Cluster, find_bindir

    cluster = Cluster(find_bindir())
    stopped = False
    try:
        monkeypatch.setenv("JIXIAO_DATABASE_URL", cluster.url("gone"))
        monkeypatch.setenv("JIXIAO_PG_CONNECT_TIMEOUT", "2")
        monkeypatch.setenv("JIXIAO_USERS", str(tmp_path / "no-users.toml"))
        _fresh_caches()
        at = run("overview")
        assert at.metric  # the overview drew its cards from PostgreSQL
        cluster.stop()
        stopped = True
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert any("暂时无法访问" in e.value and "not reachable" in e.value for e in at.error)
        assert not at.metric  # no page drawn from a stale copy as if it were current
    finally:
        _fresh_caches()
        if not stopped:
            cluster.stop()
