"""The benchmark fails loudly: a part that fails is named, with why, and the run exits non-zero
(bench/run.py). Tiny runs only: these check the runner, not the figures."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def bench(*args: str, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), *args, "--out", str(out)],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)


def test_a_part_that_fails_is_named_and_the_run_exits_non_zero(tmp_path):
    done = bench("--only", "import", "--workbook", str(tmp_path / "missing.xlsx"), "--runs-import", "1",
                 out=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    failed = done.stdout[done.stdout.index("FAILED"):]
    assert "import: the import process failed (exit 1)" in failed and "No such file" in failed
    results = json.loads((tmp_path / "results-1M.json").read_text(encoding="utf-8"))
    assert results["import"]["error"].startswith("the import process failed")

    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import performance_doc
    finally:
        sys.path.remove(str(ROOT / "bench"))
    doc = performance_doc.performance_doc(results)
    assert "**Parts of this run failed**" in doc and "- import: the import process failed" in doc


def test_the_import_part_times_its_steps(tmp_path):
    """A small workbook through the import part: its steps are timed by the names the store calls
    them by (a stale name once made the part fail and print nothing)."""
    done = bench("--only", "import", "--import-rows", "1000", "--runs-import", "1", out=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    imp = json.loads((tmp_path / "results-1M.json").read_text(encoding="utf-8"))["import"]
    assert imp["error"] is None and imp["rows"] == 1000  # data rows of every sheet
    assert all(imp["parts"][step] > 0 for step in ("read_validate", "frames_derive", "load"))
    assert "FAILED" not in done.stdout and "IMPORT · one workbook" in done.stdout


def test_an_unknown_part_is_refused(tmp_path):
    done = bench("--only", "imports", out=tmp_path)
    assert done.returncode == 2 and "unknown part imports" in done.stderr


def test_a_part_that_raises_in_the_runner_is_named_too(tmp_path):
    done = bench("--only", "import", "--import-rows", "200", out=tmp_path)  # too few for every sheet
    assert done.returncode == 1
    assert "! import: ValueError: cannot make a workbook of exactly 200 rows" in done.stdout
