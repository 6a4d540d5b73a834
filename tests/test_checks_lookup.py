"""The audit's fast paths (lib/analysis/checks/lookup.py) give what the plain ones give.

run_audit holds the frames in an AuditFrames: text columns as objects, each relation's rows made
once, each program's rows from an index. A check called on a plain dict takes none of that (one
boolean filter per record, Arrow-backed strings). Both must find the same, on the shipped data and
on the benchmark generator's data, where the rules have thousands of findings to make.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT

from lib.analysis import checks
from lib.analysis.checks.core import AuditFrames
from lib.analysis.checks.lookup import RowIndex, frame_rows, plain_text_columns, program_rows
from lib.store import Store, open_store


def _plain_run(frames: dict[str, pd.DataFrame]) -> list[dict]:
    found = [f for check in checks.CHECKS for f in check(dict(frames), checks.DEFAULT_SETTINGS)]
    return [f.to_dict() for f in sorted(checks.merge_findings(found), key=checks._sort_key)]


def _fast_run(frames: dict[str, pd.DataFrame]) -> list[dict]:
    return [f.to_dict() for f in checks.run_audit(frames)]


def test_shipped_audit_same_with_and_without_the_indexes(tmp_path):
    store = open_store(tmp_path / "seed.duckdb")
    try:
        frames = checks.read_inputs(store.read)
    finally:
        store.close()
    fast = _fast_run(frames)
    assert len(fast) == 40  # the 29 verified ones and the 11 of R12–R15
    assert fast == _plain_run(frames)


def test_bench_audit_same_with_and_without_the_indexes(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "bench"))
    import generate

    path = tmp_path / "bench.duckdb"
    monkeypatch.setattr(generate, "OUT", tmp_path)  # a private file, not bench/out/
    monkeypatch.setattr(generate, "db_path", lambda n, seed=generate.DEFAULT_SEED: path)
    generate.build_db(4_000, log=lambda *a: None)
    store = Store(path)
    try:
        frames = checks.read_inputs(store.read)
    finally:
        store.close()
    fast = _fast_run(frames)
    assert len(fast) > 1_000  # synthetic scores and texts: every rule module has work
    assert {f["rule"] for f in fast} >= {"R3", "R6", "R7"}
    assert fast == _plain_run(frames)


def test_row_index_selects_as_equality_and_isna_do():
    frame = pd.DataFrame({"program_id": pd.array(["A", "B", None, "A", "A"], dtype="str"),
                          "project_id": pd.array(["p1", None, "p1", None, "p1"], dtype="str"),
                          "seq": [1.0, np.nan, 2.0, 1.0, 3.0]})
    index = RowIndex(frame, ["program_id", "project_id"])
    assert index.rows("A", "p1").index.tolist() == [0, 4]
    assert index.rows("A", None).index.tolist() == [3]  # as project_id.isna()
    assert index.rows("C", "p1").empty and list(index.rows("C", "p1").columns) == list(frame.columns)
    by_seq = RowIndex(frame, ["seq"])
    assert by_seq.rows(1).index.tolist() == [0, 3]  # 1 and 1.0 are one key, as == has it


def test_program_rows_indexed_only_inside_an_audit_run():
    frame = pd.DataFrame({"program_id": pd.array(["A", "B", None, "A"], dtype="str"), "x": [1, 2, 3, 4]})
    plain = {"v_projects": frame}
    shared = AuditFrames(plain)
    for frames in (plain, shared):
        assert program_rows(frames, "v_projects", "A")["x"].tolist() == [1, 4]
        assert program_rows(frames, "v_projects", None).empty  # == None selects nothing
        assert program_rows(frames, "v_projects", float("nan")).empty
        assert program_rows(frames, "v_missing", "A").empty
    assert "v_projects" in shared.index_cache and not hasattr(plain, "index_cache")
    assert frame_rows(shared, "v_projects") is frame_rows(shared, "v_projects")  # made once


def test_plain_text_columns_keep_values_and_missing():
    frame = pd.DataFrame({"t": pd.array(["甲", None], dtype="str"), "n": [1.5, np.nan]})
    plain = plain_text_columns(frame)
    assert plain["t"].dtype == object and plain["n"].dtype == float
    assert plain["t"].iloc[0] == "甲" and pd.isna(plain["t"].iloc[1])
    assert plain_text_columns(plain) is plain  # nothing left to convert


if __name__ == "__main__":
    raise SystemExit(pytest.main([__file__, "-q"]))
