"""Benchmarks: import, every page's server-side render, SQL vs. whole-table pandas, cold start, RSS.

    python bench/run.py                    # default scale: 1M indicator rows (within 10 minutes)
    python bench/run.py --scale 1M,10M     # the issue's two scales
    python bench/run.py --only pages --pages indicators,funding --scale 10M
    python bench/run.py --scale 20k --import-rows 2000 --runs 1   # a quick run: figures in a minute

One entry point over the parts, each in its own module: bench/part_import.py, part_pages.py,
part_pandas.py, part_cold.py, part_browser.py (shared helpers: bench/common.py). A part that fails
(its measuring process raises, or the part itself) is named with why under FAILED at the end of
the report, the other parts still run, and the run exits 1. bench/performance_doc.py writes
docs/performance.md from a run's JSON.

Every measurement runs in its own child process (so peak RSS is per part, a slow page can be
stopped at its time limit, and nothing is left holding the DuckDB file). Figures are medians of
several runs; each ratio compares figures measured in the same invocation. Data comes from
bench/generate.py and is cached in bench/out/ (keyed by scale, seed, generator version and schema).

What is measured (see bench/README.md for details):

* import: a 100,000-row workbook through ``Store.import_files`` (calamine read, validate, load)
  into an empty database, vs. reading the same file with python-calamine;
* pages: ``AppTest`` runs of app.py switched to each page, with default filters and with a
  narrow one (year + program in the URL), with ``st.cache_data`` cleared before each measured
  run (plus the first run in a fresh process, and a rerun with warm caches); raw = the same SQL
  the page issued (recorded from ``Store.query``) run directly on one connection;
* pandas: filtered aggregations the usual Streamlit way (whole view loaded into a DataFrame,
  filtered and grouped in memory) vs. the same aggregation in DuckDB SQL;
* cold start: ``streamlit run app.py`` until /_stcore/health answers, then one websocket session
  until the first page's script run finishes;
* peak RSS: VmHWM of each child process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import common
import generate as gen
import part_browser
import part_cold
import part_import
import part_pages
import part_pandas
from common import fmt_mib, narrow_filter, progress

TARGET_RSS_BYTES = 2 * 1024**3

# The parts in the order they run (import once; the others at every scale).
PARTS = {"import": part_import, "pages": part_pages, "pandas": part_pandas, "cold": part_cold,
         "browser": part_browser}
SCALE_PARTS = ("pages", "pandas", "cold", "browser")
# --child MODE: the measuring process of a part (bench/common.py Child)
CHILDREN = {"import": part_import.child_import, "page": part_pages.child_page, "raw": part_pages.child_raw,
            "pandas": part_pandas.child_pandas}


@dataclass
class Scale:
    """One generated dataset and what every part measures on it."""

    label: str
    db: Path
    record: dict
    narrow: dict
    timeout: float
    budget: float
    queries: dict = field(default_factory=dict)


def attempt(results: dict, what: str, fn, *args):
    """``fn(*args)``; when it raises, the traceback goes to stderr and the failure into
    ``results["errors"]`` (the report names it, the run exits 1), and None is returned."""
    try:
        return fn(*args)
    except Exception as exc:  # noqa: BLE001 - one part failing must not hide the others' figures
        traceback.print_exc()
        results.setdefault("errors", []).append(f"{what}: {exc.__class__.__name__}: {exc}")
        return None


def failures(results: dict) -> list[str]:
    """Every part that failed, with why: a part that raised, a measuring process that failed, a
    page that raised. A run stopped at a time or memory limit is a figure, not a failure."""
    out = list(results.get("errors", []))
    imp = results.get("import")
    if imp and imp.get("error"):
        out.append(f"import: {imp['error']}")
    for label, res in results["scales"].items():
        out += [f"pages at {label}: {p['page']}/{p['filter']} raised: {e}"
                for p in res.get("pages", []) for e in p["exceptions"]]
        if res.get("raw_error"):
            out.append(f"pages at {label}, the raw SQL: {res['raw_error']}")
        if (res.get("pandas") or {}).get("error"):
            out.append(f"pandas at {label}: {res['pandas']['error']}")
        out += [f"cold at {label}, {name}: {c['error']}" for name, c in (res.get("cold_start") or {}).items()
                if c.get("error")]
        out += [f"browser at {label}: {r['page']}/{r['filter']}: {r['error']}"
                for r in (res.get("browser") or {}).get("rows", []) if r.get("error") == part_browser.RAISED]
    return out


def report(results: dict) -> str:
    m = results["machine"]
    lines = [
        "",
        f"绩效看板 benchmarks · {results['started']} · {m['nproc']} cores · "
        f"{(m['mem_bytes'] or 0) / 2**30:.0f} GiB RAM · {m['cpu']} · Python {m['python']} · "
        f"code {m['revision']}",
        "  " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()),
        f"  load average at start {', '.join(f'{x:.2f}' for x in m['load_avg'])} "
        "(the machine is shared; ratios compare figures from this same run)",
    ]
    verdicts: list[str] = []
    if results.get("import"):
        more, said = part_import.report(results)
        lines += more
        verdicts += said
    for label, res in results["scales"].items():
        for name in SCALE_PARTS:
            more, said = PARTS[name].report(results, label, res)
            lines += more
            verdicts += said
        cold = res.get("cold_start")
        peaks = [p["peak_rss"] for p in res["pages"]]
        peaks += [c.get("peak_rss") or 0 for c in (cold or {}).values()]
        if peaks:
            peak = max(peaks)
            verdict = "meets" if peak < TARGET_RSS_BYTES else f"misses by {peak / TARGET_RSS_BYTES:.1f}×"
            lines += ["", f"PEAK RSS · {label}: largest app process (page renders, server) {fmt_mib(peak)}; "
                          f"target < {fmt_mib(TARGET_RSS_BYTES)}: {verdict}"]
            verdicts.append(f"peak RSS at {label}: {fmt_mib(peak)}, {verdict}")
    lines += ["", "TARGETS", *(f"  - {v}" for v in verdicts),
              "", f"total benchmark time {results['seconds']:.0f} s; every figure and run in "
                  f"{results['json']}"]
    failed = failures(results)
    if failed:
        lines += ["", "FAILED (the run exits 1)", *(f"  ! {f}" for f in failed)]
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="绩效看板 benchmarks")
    p.add_argument("--scale", default="1M", help="indicator rows, comma-separated: 1M (default), 10M, 250k …")
    p.add_argument("--seed", type=int, default=gen.DEFAULT_SEED)
    p.add_argument("--only", default="import,pages,pandas,cold,browser",
                   help="parts to run, comma-separated: import, pages, pandas, cold, browser")
    p.add_argument("--pages", default=None, help="pages to render, comma-separated (default: every page)")
    p.add_argument("--filters", default="default,narrow", help="default, narrow, or both")
    p.add_argument("--runs", type=int, default=3, help="measured runs per page render and raw query set")
    p.add_argument("--browser-reloads", type=int, default=6,
                   help="reloads of each page (and of the floor before it) in Chromium: warm = their median")
    p.add_argument("--runs-import", type=int, default=3, help="runs of each import measurement (median)")
    p.add_argument("--import-rows", type=int, default=part_import.WORKBOOK_ROWS,
                   help=f"data rows of the generated import workbook (default {part_import.WORKBOOK_ROWS:,})")
    p.add_argument("--workbook", help="import this workbook instead of a generated one")
    p.add_argument("--out", help="folder for the results and logs (default bench/out; datasets stay there)")
    p.add_argument("--runs-pandas", type=int, default=5, help="runs of each aggregation (median)")
    p.add_argument("--timeout", type=float, default=None,
                   help="seconds after which one page run is stopped (default 10; 20 from 5M rows)")
    p.add_argument("--budget", type=float, default=None,
                   help="seconds for the measured runs of one page and filter after the first "
                        "(default 8; 15 from 5M rows)")
    p.add_argument("--rss-cap", type=float, default=6.0,
                   help="GiB of resident memory at which a page render is stopped (default 6)")
    p.add_argument("--report", metavar="JSON",
                   help="print the report of a saved run again (bench/out/results-*.json)")
    p.add_argument("--child", help=argparse.SUPPRESS)
    for name in ("--db", "--page", "--query", "--filters-json"):
        p.add_argument(name, help=argparse.SUPPRESS)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the parts chosen (``--only``); 1 when any failed (see ``failures``), else 0."""
    a = parse_args(argv)
    if a.out:  # before any child starts: they write their logs there too
        common.OUT = Path(a.out).resolve()
        os.environ["JIXIAO_BENCH_OUT"] = str(common.OUT)
    if a.child:
        if a.child == "pandas":
            a.filters = a.filters_json
        CHILDREN[a.child](a)
        return 0

    if a.report:
        results = json.loads(Path(a.report).read_text(encoding="utf-8"))
        print(report(results))
        return 1 if failures(results) else 0

    started = time.perf_counter()
    parts = [p.strip() for p in a.only.split(",") if p.strip()]
    unknown = [p for p in parts if p not in PARTS]
    if unknown:
        print(f"unknown part {', '.join(unknown)}: choose from {', '.join(PARTS)}", file=sys.stderr)
        return 2
    results: dict = {"started": dt.datetime.now().isoformat(timespec="seconds"), "machine": common.machine(),
                     "args": {"scale": a.scale, "seed": a.seed, "runs": a.runs, "runs_import": a.runs_import,
                              "runs_pandas": a.runs_pandas, "only": a.only, "import_rows": a.import_rows,
                              "browser_reloads": a.browser_reloads, "pages": a.pages, "filters": a.filters},
                     "scales": {}, "errors": []}
    common.OUT.mkdir(parents=True, exist_ok=True)

    if "import" in parts:
        attempt(results, "import", part_import.run, a, results)

    for n in ([gen.parse_scale(s) for s in a.scale.split(",")] if set(parts) & set(SCALE_PARTS) else []):
        label = gen.scale_label(n)
        progress(f"dataset {label} (cached in bench/out)")
        built = attempt(results, f"dataset {label}", lambda n=n: (*gen.build_db(n, a.seed, log=progress),))
        narrow = attempt(results, f"dataset {label}", narrow_filter, built[0]) if built else None
        if not narrow:
            continue
        big = n >= 5_000_000
        s = Scale(label, built[0], built[1], narrow, timeout=a.timeout or (20.0 if big else 10.0),
                  budget=a.budget or (15.0 if big else 8.0),
                  queries={"default": {}, "narrow": {"year": narrow["year"], "program": narrow["program"]}})
        res: dict = {"record": s.record, "narrow": narrow, "pages": [], "raw": {}}
        results["scales"][label] = res
        for name in SCALE_PARTS:
            if name in parts:
                res.update(attempt(results, f"{name} at {label}", PARTS[name].run, a, s) or {})

    results["seconds"] = time.perf_counter() - started
    json_path = common.OUT / f"results-{a.scale.replace(',', '_')}.json"
    results["json"] = str(json_path.relative_to(common.ROOT) if json_path.is_relative_to(common.ROOT)
                          else json_path)
    json_path.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    print(report(results))
    return 1 if failures(results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
