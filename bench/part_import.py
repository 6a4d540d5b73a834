"""The import part: a workbook of WORKBOOK_ROWS data rows through ``Store.import_files`` (calamine
read, validate, load) into an empty database, vs. reading the same file with python-calamine."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import common
import generate as gen
from common import (
    Child,
    emit,
    fmt_mib,
    fmt_ratio,
    fmt_s,
    maxrss_bytes,
    median,
    progress,
    table,
)

WORKBOOK_ROWS = 100_000
TARGET_IMPORT_RATIO = 1.3  # ours ≤ 1.3 × raw calamine (issue 5)


def child_import(a) -> None:
    from python_calamine import CalamineWorkbook

    import lib.store as store_mod
    from lib.store import writes

    path = Path(a.workbook)
    runs = a.runs
    started = time.perf_counter()

    def calamine_raw() -> int:
        book = CalamineWorkbook.from_path(str(path))
        return sum(len(book.get_sheet_by_name(name).to_python()) for name in book.sheet_names)

    for i in range(runs):
        t = time.perf_counter()
        cells = calamine_raw()
        emit("calamine_raw", s=time.perf_counter() - t, rows=cells, i=i)

    # our full path, with a breakdown from wrapping its parts (no extra work)
    parts: dict[str, float] = {}

    def timed(name, fn):
        def wrapper(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                parts[name] = parts.get(name, 0.0) + time.perf_counter() - t0
        return wrapper

    # the names the import calls them by, in lib/store/writes.py
    writes.read_workbooks = timed("read_validate", writes.read_workbooks)
    writes._frame = timed("frames_derive", writes._frame)
    store_mod.Store._apply = timed("load", store_mod.Store._apply)
    tmp = Path(tempfile.mkdtemp(prefix="import-", dir=common.OUT))
    for i in range(runs):
        if i and time.perf_counter() - started > a.budget:
            break
        parts.clear()
        db = tmp / f"import-{i}.duckdb"
        store = store_mod.Store(db)
        t = time.perf_counter()
        result = store.import_files([(path.name, path)], user="bench")
        elapsed = time.perf_counter() - t
        store.close()
        emit("ours", s=elapsed, parts=dict(parts), rows=sum(result.row_counts.values()), i=i)

    for f in tmp.glob("*"):
        f.unlink()
    tmp.rmdir()
    emit("done", maxrss=maxrss_bytes())


def bench_import(workbook: Path, runs: int, budget: float) -> dict:
    child = Child("import", ["--workbook", str(workbook), "--runs", str(runs), "--budget", str(budget)],
                  deadline=budget + 300, log_name="import")
    ours = child.of("ours")
    raw = [e["s"] for e in child.of("calamine_raw")]
    parts = {k: median([e["parts"].get(k, 0.0) for e in ours])
             for k in ("read_validate", "frames_derive", "load")}
    total = median([e["s"] for e in ours])
    return {
        "ours_s": total, "ours_runs": [e["s"] for e in ours], "calamine_raw_s": median(raw),
        "calamine_raw_runs": raw,
        "parts": parts, "rows": ours[0]["rows"] if ours else None,
        "ratio": total / median(raw) if total and raw else None,
        "peak_rss": child.peak_rss, "timed_out": child.timed_out, "log": str(child.log_path),
        "error": child.error or (None if ours or child.timed_out
                                 else f"no import finished; see {child.log_path}"),
    }


def run(a, results: dict) -> None:
    """The part: the generated workbook of ``--import-rows`` rows (cached in bench/out), or the
    one ``--workbook`` names, imported ``--runs-import`` times."""
    if a.workbook:
        wb_path = Path(a.workbook)
        size = wb_path.stat().st_size if wb_path.exists() else 0  # a missing file fails in the child
        results["workbook"] = {"path": str(wb_path), "bytes": size}
    else:
        progress(f"import workbook of {a.import_rows:,} rows (cached in bench/out)")
        wb_path, results["workbook"] = gen.build_workbook(a.import_rows, a.seed, log=progress)
    progress("import: ours vs python-calamine")
    results["import"] = bench_import(wb_path, a.runs_import, budget=75)


def report(results: dict) -> tuple[list[str], list[str]]:
    """The part's lines of the report and its verdicts on the targets."""
    lines: list[str] = []
    verdicts: list[str] = []
    imp = results.get("import")
    if imp and imp.get("ours_s"):
        wb = results["workbook"]
        lines += ["", f"IMPORT · one workbook of {imp['rows']:,} data rows ({wb['bytes'] / 2**20:.1f} MiB), "
                      f"into an empty database; median of {len(imp['ours_runs'])} runs "
                      f"(calamine: {len(imp['calamine_raw_runs'])})"]
        speed = imp["calamine_raw_s"] / imp["ours_s"]
        ok = speed >= 1 / TARGET_IMPORT_RATIO
        over = imp["ours_s"] / imp["calamine_raw_s"] / TARGET_IMPORT_RATIO
        verdict = f"{speed:.2f} of raw calamine speed (target ≥ {1 / TARGET_IMPORT_RATIO:.2f}): " + (
            "meets" if ok else f"misses by {over:.1f}×")
        rows = [
            ["ours: Store.import_files (calamine read + validate + load)", fmt_s(imp["ours_s"]),
             fmt_ratio(imp["ratio"]), verdict],
            ["  read + validate (lib.intake.workbook on python-calamine)",
             fmt_s(imp["parts"]["read_validate"]),
             fmt_ratio(imp["parts"]["read_validate"] / imp["calamine_raw_s"]), ""],
            ["  load (Store._apply: frames, insert, archive, derived tables, version)",
             fmt_s(imp["parts"]["load"]),
             fmt_ratio(imp["parts"]["load"] / imp["calamine_raw_s"]), ""],
            ["    of which _frame (rows to columns, notation parsed)", fmt_s(imp["parts"]["frames_derive"]),
             "", ""],
            ["raw: python-calamine, every sheet to Python lists", fmt_s(imp["calamine_raw_s"]), "1.00×", ""],
        ]
        lines += [table(["step", "median", "÷ raw", "target"], rows),
                  f"peak RSS of the import process {fmt_mib(imp['peak_rss'])}"]
        verdicts.append(f"import: {verdict}")
    return lines, verdicts
