"""The test's PostgreSQL server (tests/pg_cluster.py) starts under root with a bare PATH: runuser
or su by absolute path."""

from __future__ import annotations

import os
import subprocess

import pg_cluster
import pytest

root_only = pytest.mark.skipif(os.geteuid() != 0, reason="runs as the postgres user only under root")


@root_only
def test_runuser_found_by_absolute_path():
    command = pg_cluster.as_server_user(["id", "-un"])
    assert command[0] in pg_cluster.RUNUSER
    done = subprocess.run(command, capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    assert done.stdout.strip() == "postgres"


@root_only
def test_su_when_runuser_is_missing(monkeypatch):
    monkeypatch.setattr(pg_cluster, "RUNUSER", ("/nonexistent/runuser",))
    command = pg_cluster.as_server_user(["/usr/bin/env", "printf", "%s", "it's 1 arg"])
    assert command[0] in pg_cluster.SU
    done = subprocess.run(command, capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    assert done.stdout == "it's 1 arg"  # quoted through su's shell as one argument


@root_only
def test_neither_runuser_nor_su_says_so(monkeypatch):
    monkeypatch.setattr(pg_cluster, "RUNUSER", ("/nonexistent/runuser",))
    monkeypatch.setattr(pg_cluster, "SU", ("/nonexistent/su",))
    with pytest.raises(pg_cluster.CannotRunServer, match="neither runuser"):
        pg_cluster.as_server_user(["initdb"])


def test_not_root_runs_the_command_itself(monkeypatch):
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    assert pg_cluster.as_server_user(["initdb", "-D", "x"]) == ["initdb", "-D", "x"]
