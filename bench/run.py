"""Benchmarks: import, every page's server-side render, SQL vs. whole-table pandas, cold start, RSS.

    python bench/run.py                    # default scale: 1M indicator rows (within 10 minutes)
    python bench/run.py --scale 1M,10M     # the issue's two scales
    python bench/run.py --only pages --pages indicators,funding --scale 10M

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
import asyncio
import contextlib
import datetime as dt
import importlib
import importlib.metadata
import json
import os
import platform
import queue
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import generate as gen

ROOT = gen.ROOT
APP = ROOT / "serve.py"  # app.py as served (lib/web/base_url.py)
OUT = gen.OUT
WORKBOOK_ROWS = 100_000
MARK = "@@BENCH "  # prefix of the JSON lines a child reports on stdout

# Targets from issue 5 (benchmark output, never timed tests).
TARGET_PAGE_S = 0.5
TARGET_PAGE_RAW_RATIO = 1.5
TARGET_IMPORT_RATIO = 1.3
TARGET_PANDAS_RATIO = 5.0
TARGET_RSS_BYTES = 2 * 1024**3


# =================================================================================== helpers
def app_pages() -> list[str]:
    """The app's pages, in navigation order (app.py builds its list from lib.labels.PAGES)."""
    from lib.labels import PAGES

    return [name for name in PAGES if (ROOT / "pages" / f"{name}.py").exists()]


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def fmt_s(x: float | None) -> str:
    if x is None:
        return "—"
    if x < 1:
        return f"{x * 1000:.0f} ms"
    return f"{x:.2f} s" if x < 10 else f"{x:.1f} s"


def fmt_ratio(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x:.2f}×" if x < 10 else f"{x:.0f}×"


def fmt_load(load: list[float] | tuple[float, ...] | None) -> str:
    return " / ".join(f"{x:.1f}" for x in load) + " (1 / 5 / 15 min)" if load else "—"


def fmt_mib(n: int | None) -> str:
    return "—" if not n else f"{n / 2**20:,.0f} MiB"


def emit(event: str, **data) -> None:
    """A child's report line."""
    sys.stdout.write(MARK + json.dumps({"event": event, **data}, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


def maxrss_bytes() -> int:
    """This process's peak RSS since it started: VmHWM. Not getrusage's ru_maxrss, which Linux
    keeps across execve, so a child forked from this script after it generated a 10M dataset
    would report the generator's peak as its own."""
    return _proc_status("self", "VmHWM:") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _proc_status(pid: int | str, key: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def vm_hwm(pid: int) -> int | None:
    """Peak resident set size of a running process (Linux), in bytes."""
    return _proc_status(pid, "VmHWM:")


def vm_rss(pid: int) -> int | None:
    """Current resident set size of a running process (Linux), in bytes."""
    return _proc_status(pid, "VmRSS:")


def rss_now() -> int:
    return vm_rss("self") or 0


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) * 1024
    except OSError:
        pass
    versions = {}
    for name in ("streamlit", "duckdb", "pandas", "pyarrow", "openpyxl", "python-calamine"):
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "not installed"
    try:
        revision = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True,
                                  text=True, timeout=10).stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        revision = "unknown"
    return {"nproc": os.cpu_count(), "mem_bytes": mem, "cpu": cpu, "python": platform.python_version(),
            "revision": revision,
            "platform": platform.platform(), "load_avg": os.getloadavg(), "versions": versions}


class Child:
    """A child process of this script (``--child MODE``) whose JSON lines are collected.

    Stops the child after ``deadline`` seconds or when its resident memory passes ``rss_cap``
    bytes (the machine is shared: a 10M-row page must not take it down); tracks its peak RSS.
    """

    def __init__(self, mode: str, args: list[str], deadline: float, env: dict | None = None,
                 stdin_data: str | None = None, log_name: str = "child", rss_cap: int = 16 * 2**30):
        self.events: list[dict] = []
        self.peak_rss = 0
        self.timed_out = False
        self.memory_stopped = False
        logs = OUT / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        self.log_path = logs / f"{log_name}.log"
        started = time.perf_counter()
        with open(self.log_path, "w", encoding="utf-8") as log:
            proc = subprocess.Popen(
                [sys.executable, str(Path(__file__).resolve()), "--child", mode, *args],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True, encoding="utf-8",
                env={**os.environ, **(env or {})}, cwd=str(ROOT))
            lines: queue.Queue = queue.Queue()

            def pump() -> None:
                for line in proc.stdout:
                    lines.put(line)
                lines.put(None)

            reader = threading.Thread(target=pump, daemon=True)
            reader.start()
            if stdin_data is not None:
                proc.stdin.write(stdin_data)
            proc.stdin.close()
            finished = False
            while not finished:
                try:
                    line = lines.get(timeout=0.2)
                except queue.Empty:
                    line = ""
                if line is None:
                    finished = True
                elif line.startswith(MARK):
                    event = json.loads(line[len(MARK):])
                    event["t_recv"] = time.perf_counter() - started
                    self.events.append(event)
                self.peak_rss = max(self.peak_rss, vm_hwm(proc.pid) or 0)
                over_memory = (vm_rss(proc.pid) or 0) > rss_cap
                if not finished and (over_memory or time.perf_counter() - started > deadline):
                    self.timed_out = not over_memory
                    self.memory_stopped = over_memory
                    proc.kill()  # our own child, by its handle
                    finished = True
            proc.wait()
            reader.join(timeout=5)
        self.returncode = proc.returncode
        self.seconds = time.perf_counter() - started
        for event in self.events:
            if event.get("maxrss"):
                self.peak_rss = max(self.peak_rss, int(event["maxrss"]))

    def of(self, event: str) -> list[dict]:
        return [e for e in self.events if e["event"] == event]


def progress(text: str) -> None:
    print(f"… {text}", file=sys.stderr, flush=True)


# =================================================================================== import
def child_import(a) -> None:
    from python_calamine import CalamineWorkbook

    import lib.store as store_mod

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

    store_mod.read_workbooks = timed("read_validate", store_mod.read_workbooks)
    store_mod._frame = timed("frames_derive", store_mod._frame)
    store_mod.Store._apply = timed("load", store_mod.Store._apply)
    tmp = Path(tempfile.mkdtemp(prefix="import-", dir=OUT))
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
    }


# =================================================================================== pages
def child_page(a) -> None:
    os.environ["JIXIAO_DB"] = a.db
    process_started = time.perf_counter()
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    import lib.store as store_mod
    from lib import ui
    from lib.outputs import export

    query = json.loads(a.query)
    timers: dict[str, float] = {}
    queries: list = []
    state: dict = {"kind": None, "started": None}
    stack: list[list] = []  # [bucket, time in nested buckets, start]: bucket times are exclusive

    def bucket(name: str, fn):
        def wrapper(*args, **kwargs):
            if stack and stack[-1][0] == name:  # a bucket's own nested call: counted once
                return fn(*args, **kwargs)
            t0 = time.perf_counter()
            frame = [name, 0.0, t0]
            stack.append(frame)
            try:
                return fn(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - t0
                stack.pop()
                timers[name] = timers.get(name, 0.0) + elapsed - frame[1]
                if stack:
                    stack[-1][1] += elapsed
        wrapper.__wrapped__ = fn
        return wrapper

    original_query, original_columns = store_mod.Store.query, store_mod.Store.columns

    def query_fn(self, sql, params=None):
        t0 = time.perf_counter()
        try:
            return original_query(self, sql, params)
        finally:
            queries.append([sql, list(params or []), time.perf_counter() - t0])

    def columns_fn(self, relation):
        t0 = time.perf_counter()
        try:
            return original_columns(self, relation)
        finally:
            if relation in store_mod.EXPORTABLE:
                queries.append([f"SELECT * FROM {relation} LIMIT 0", [], time.perf_counter() - t0])

    store_mod.Store.query = bucket("query", query_fn)
    store_mod.Store.columns = bucket("query", columns_fn)
    export.to_xlsx_bytes = bucket("export", export.to_xlsx_bytes)
    export.to_csv_bytes = bucket("export", export.to_csv_bytes)
    ui.sidebar_filters = bucket("sidebar", ui.sidebar_filters)
    for module_name, name in (("lib.charts", "widgets"), ("lib.summary", "compute"),
                              ("lib.scoring", "compute"), ("lib.checks", "compute")):
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        for attr in dir(module):
            fn = getattr(module, attr)
            if callable(fn) and not attr.startswith("_") and getattr(fn, "__module__", "") == module.__name__:
                setattr(module, attr, bucket(name, fn))
    st.dataframe = bucket("widgets", st.dataframe)
    st.plotly_chart = bucket("widgets", st.plotly_chart)

    def watchdog() -> None:
        while True:
            time.sleep(0.1)
            started = state["started"]
            over_time = started is not None and time.perf_counter() - started > a.timeout
            over_memory = started is not None and rss_now() > a.rss_cap * 2**30
            if over_time or over_memory:
                now = time.perf_counter()
                partial = dict(timers)
                inner_total = 0.0
                for name, nested, t0 in reversed(list(stack)):  # buckets still running
                    partial[name] = partial.get(name, 0.0) + (now - t0) - nested - inner_total
                    inner_total = now - t0
                partial["other"] = max(0.0, now - started - sum(partial.values()))
                emit("timeout", kind=state["kind"], s=now - started, breakdown=partial,
                     queries=list(queries), maxrss=maxrss_bytes(), reason="time" if over_time else "memory")
                os._exit(3)

    threading.Thread(target=watchdog, daemon=True).start()

    shared: dict = {}

    def make() -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=a.timeout + 600)
        # AppTest scans installed packages for components on each new instance (~0.5 s here);
        # the real server does it once at startup, so it is shared after the first run.
        if shared.get("components") is not None:
            at._bidi_component_manager = shared["components"]
        for key, value in query.items():
            at.query_params[key] = str(value)
        at.switch_page(f"pages/{a.page}.py")
        return at

    def run(kind: str, at: AppTest) -> float:
        timers.clear()
        queries.clear()
        state["kind"], state["started"] = kind, time.perf_counter()
        at.run()
        elapsed = time.perf_counter() - state["started"]
        state["started"] = None
        shared["components"] = getattr(at, "_bidi_component_manager", None)
        timers["other"] = max(0.0, elapsed - sum(timers.values()))
        counts = {"plotly_chart": len(at.get("plotly_chart")), "dataframe": len(at.dataframe),
                  "markdown": len(at.markdown), "expander": len(at.expander), "metric": len(at.metric)}
        emit("run", kind=kind, s=elapsed, breakdown=dict(timers), queries=list(queries), counts=counts,
             exception=[str(e.value)[:300] for e in at.exception],
             since_start=time.perf_counter() - process_started)
        return elapsed

    at = make()
    run("cold", at)  # a fresh process: opens the database, fills every cache
    done = 0
    last = 0.0
    warm_started = time.perf_counter()
    while done < a.runs:
        if done and time.perf_counter() - warm_started + last > a.budget:
            break
        st.cache_data.clear()  # measure the real work; the Store (cache_resource) stays open
        at = make()
        last = run("warm", at)
        done += 1
        if done == 1 and time.perf_counter() - warm_started + last <= a.budget:
            run("cached", at)  # same session, caches warm: what a rerun costs
    emit("done", maxrss=maxrss_bytes())


def bench_page(db: Path, page: str, filter_name: str, query: dict, runs: int, timeout: float,
               budget: float, label: str, rss_cap: int) -> dict:
    child = Child("page", ["--db", str(db), "--page", page, "--query", json.dumps(query, ensure_ascii=False),
                           "--runs", str(runs), "--timeout", str(timeout), "--budget", str(budget),
                           "--rss-cap", str(rss_cap / 2**30)],
                  deadline=60 + 3 * timeout + budget, log_name=f"page-{label}-{page}-{filter_name}",
                  rss_cap=rss_cap + 2**30)
    runs_ = child.of("run")
    cold = [e for e in runs_ if e["kind"] == "cold"]
    warm = [e for e in runs_ if e["kind"] == "warm"]
    cached = [e for e in runs_ if e["kind"] == "cached"]
    timeouts = child.of("timeout")
    timeout_kind = timeouts[0]["kind"] if timeouts else ("child" if child.timed_out or child.memory_stopped
                                                          else None)
    stopped_for = timeouts[0].get("reason") if timeouts else ("memory" if child.memory_stopped else "time")
    source = warm or cold or timeouts
    queries = [q[:2] for q in (source[0]["queries"] if source else [])]
    # breakdown of the median warm run, else of whatever ran
    if warm:
        mid = sorted(warm, key=lambda e: e["s"])[len(warm) // 2]
        breakdown = mid["breakdown"]
    else:
        breakdown = source[0]["breakdown"] if source else {}
    return {
        "page": page, "filter": filter_name, "query": query,
        "cold_s": cold[0]["s"] if cold else None,
        "first_page_s": cold[0]["t_recv"] if cold else None,
        "warm_runs": [e["s"] for e in warm], "warm_s": median([e["s"] for e in warm]),
        "cached_s": cached[0]["s"] if cached else None,
        "timeout": timeout_kind, "timeout_s": timeout, "stopped_for": stopped_for if timeout_kind else None,
        "rss_cap": rss_cap, "breakdown": breakdown,
        "counts": (warm or cold)[0]["counts"] if (warm or cold) else {},
        "exceptions": sorted({x for e in runs_ for x in e["exception"]}) + (
            [f"the page process failed before its first run ended; see {child.log_path}"]
            if not runs_ and not timeouts and not child.timed_out and not child.memory_stopped else []),
        "queries": queries, "peak_rss": child.peak_rss, "log": str(child.log_path),
    }


# =================================================================================== raw SQL
def relation_to_pandas(rel):
    """A DuckDB relation → Arrow → pandas: the alternative to ``.df()`` measured as "raw→arrow→pd".

    DECIMAL columns are cast to DOUBLE inside DuckDB (so the floats equal what ``.df()`` gives;
    Arrow's own decimal cast can be off by one ulp) and dates come back as datetime64, as with
    ``.df()``. Remaining dtype differences: nullable integers arrive as float64 (``.df()``: Int32)
    and all-NULL text columns as str (``.df()``: object).
    """
    columns = []
    for name, type_ in zip(rel.columns, rel.types, strict=True):
        quoted = '"' + name.replace('"', '""') + '"'
        decimal = str(type_).startswith("DECIMAL")
        columns.append(f"CAST({quoted} AS DOUBLE) AS {quoted}" if decimal else quoted)
    return rel.project(", ".join(columns)).to_arrow_table().to_pandas(date_as_object=False)


def child_raw(a) -> None:
    """Each page's recorded SQL run directly: → pandas (as Store.query does), → Arrow, → Arrow → pandas."""
    from lib.store import Store

    items = json.loads(sys.stdin.read())
    store = Store(a.db)
    for item in items:
        runs: dict[str, list[float]] = {"df": [], "arrow": [], "arrow_pd": [], "per_query": []}
        item_started = time.perf_counter()
        per_query: list[list[float]] = [[] for _ in item["queries"]]
        while len(runs["df"]) < a.runs:
            if runs["df"] and time.perf_counter() - item_started > a.budget:
                break
            cur = store.cursor()
            t = time.perf_counter()
            for i, (sql, params) in enumerate(item["queries"]):
                q0 = time.perf_counter()
                cur.execute(sql, params).df()  # exactly what Store.query does
                per_query[i].append(time.perf_counter() - q0)
            runs["df"].append(time.perf_counter() - t)
            t = time.perf_counter()
            for sql, params in item["queries"]:
                cur.sql(sql, params=params or None).to_arrow_table()
            runs["arrow"].append(time.perf_counter() - t)
            t = time.perf_counter()
            for sql, params in item["queries"]:
                relation_to_pandas(cur.sql(sql, params=params or None))
            runs["arrow_pd"].append(time.perf_counter() - t)
            cur.close()
        emit("raw", key=item["key"], df_s=median(runs["df"]), arrow_s=median(runs["arrow"]),
             arrow_pd_s=median(runs["arrow_pd"]), n=len(runs["df"]), n_queries=len(item["queries"]),
             per_query=[[sql, params, median(ts)] for (sql, params), ts in zip(item["queries"], per_query,
                                                                                 strict=True)])
    store.close()
    emit("done", maxrss=maxrss_bytes())


def bench_raw(db: Path, items: list[dict], runs: int, budget: float, label: str) -> dict[str, dict]:
    if not items:
        return {}
    child = Child("raw", ["--db", str(db), "--runs", str(runs), "--budget", str(budget)], deadline=1800,
                  stdin_data=json.dumps(items, ensure_ascii=False), log_name=f"raw-{label}",
                  rss_cap=12 * 2**30)
    if child.timed_out or child.memory_stopped or child.returncode:
        why = "memory" if child.memory_stopped else "time" if child.timed_out else "failed"
        progress(f"raw SQL child stopped ({why}); see {child.log_path}")
    return {e["key"]: e for e in child.of("raw")}


# =================================================================================== pandas
AGGREGATIONS = {
    # name: (view, group columns, summed columns (none: count rows), extra condition)
    "indicator status by level1": ("v_indicators", ["level1", "status"], [], None),
    "funding by region × source": ("v_funding", ["region", "fund_source"], ["amount"], None),
    "execution by program": ("v_execution", ["program_id"], ["budget", "executed"], ("scope", "project")),
}


def _group(frame, group: list[str], value_cols: list[str]):
    if value_cols:
        return frame.groupby(group, dropna=False, observed=True)[value_cols].sum()
    return frame.groupby(group, dropna=False, observed=True).size()


def _time_median(fn, runs: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _aggregation_timings(store, whole, view: str, group: list[str], value_cols: list[str], extra,
                         filters, runs: int) -> dict[str, float]:
    from lib.store.filters import where_clause

    where, params = where_clause(filters, set(whole.columns))
    if extra:
        where = (where + " AND " if where else " WHERE ") + f"{extra[0]} = ?"
        params = [*params, extra[1]]
    select = ", ".join(group + ([f"SUM({c}) AS {c}" for c in value_cols] or ["COUNT(*) AS n"]))
    sql = f"SELECT {select} FROM {view}{where} GROUP BY {', '.join(group)}"

    def ours():  # the aggregation pushed down to DuckDB
        return store.query(sql, params)

    def pages_now():  # what the pages do today: the filtered view into pandas, grouped there
        frame = store.read(view, filters)
        if extra:
            frame = frame[frame[extra[0]] == extra[1]]
        return _group(frame, group, value_cols)

    def pandas_way():  # the whole view cached in memory, filtered and grouped per interaction
        mask = None
        conditions = list(filters.active().items()) + ([extra] if extra else [])
        for column, value in conditions:
            m = whole[column] == value
            mask = m if mask is None else mask & m
        return _group(whole if mask is None else whole[mask], group, value_cols)

    return {"ours_sql": _time_median(ours, runs), "pages_now": _time_median(pages_now, runs),
            "pandas": _time_median(pandas_way, runs)}


def child_pandas(a) -> None:
    from lib.filters import Filters
    from lib.store import Store

    filters = {name: Filters(**f) for name, f in json.loads(a.filters).items()}
    store = Store(a.db)
    frames, load = {}, {}
    for view in sorted({v for v, *_ in AGGREGATIONS.values()}):
        t = time.perf_counter()
        # the whole view, as an app would st.cache_data it; loaded the fastest way (Arrow), which
        # favours the pandas approach
        cur = store.cursor()
        frames[view] = relation_to_pandas(cur.sql(f"SELECT * FROM {view}"))
        cur.close()
        load[view] = time.perf_counter() - t
        emit("load", view=view, s=load[view], rows=len(frames[view]), maxrss=maxrss_bytes(),
             frame_bytes=int(frames[view].memory_usage(deep=True).sum()))
    for agg, (view, group, value_cols, extra) in AGGREGATIONS.items():
        for fname, f in filters.items():
            times = _aggregation_timings(store, frames[view], view, group, value_cols, extra, f, a.runs)
            emit("agg", agg=agg, filter=fname, view=view, load_s=load[view], **times)
    emit("done", maxrss=maxrss_bytes())


def bench_pandas(db: Path, filters: dict[str, dict], runs: int, label: str) -> dict:
    child = Child("pandas", ["--db", str(db), "--filters-json", json.dumps(filters, ensure_ascii=False),
                             "--runs", str(runs)], deadline=1800, log_name=f"pandas-{label}",
                  rss_cap=12 * 2**30)
    return {"aggs": child.of("agg"), "loads": child.of("load"), "peak_rss": child.peak_rss,
            "timed_out": child.timed_out, "memory_stopped": child.memory_stopped, "log": str(child.log_path)}


# =================================================================================== cold start
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def _first_page(port: int, query_string: str, timeout: float) -> tuple[float, int, str | None]:
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    async with websockets.connect(f"ws://127.0.0.1:{port}/_stcore/stream", subprotocols=["streamlit"],
                                  max_size=None, open_timeout=30) as ws:
        msg = BackMsg()
        msg.rerun_script.query_string = query_string
        msg.rerun_script.page_script_hash = ""
        await ws.send(msg.SerializeToString())
        received = 0
        error = None
        deadline = time.perf_counter() + timeout
        while True:
            data = await asyncio.wait_for(ws.recv(), timeout=max(0.1, deadline - time.perf_counter()))
            received += len(data)
            fm = ForwardMsg()
            fm.ParseFromString(data)
            kind = fm.WhichOneof("type")
            if kind == "delta" and fm.delta.WhichOneof("type") == "new_element" and \
                    fm.delta.new_element.WhichOneof("type") == "exception" and error is None:
                error = fm.delta.new_element.exception.message[:300]
            if kind == "script_finished" and fm.script_finished != \
                    ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN:
                return time.perf_counter(), received, error


@contextlib.contextmanager
def _streamlit_server(db: Path, label: str, app: Path | None = None, launcher: list[str] | None = None,
                      env: dict[str, str] | None = None):
    """``streamlit run app.py`` (or ``app``) on the database; yields (port, process, start time)
    once the process runs (not yet ready); stops it on exit. ``launcher``: the command that takes
    ``run``'s arguments in place of ``python -m streamlit run`` (bench/gc_pauses.py's wrapper);
    ``env``: more environment variables for the server."""
    port = free_port()
    logs = OUT / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    log = open(logs / f"server-{label}.log", "w", encoding="utf-8")
    started = time.perf_counter()
    launcher = launcher or [sys.executable, "-m", "streamlit", "run"]
    proc = subprocess.Popen(
        [*launcher, str(app or APP), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        env={**os.environ, "JIXIAO_DB": str(db), **(env or {})}, stdout=log, stderr=subprocess.STDOUT,
        cwd=str(ROOT))
    try:
        yield port, proc, started
    finally:
        proc.terminate()  # our own child
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _wait_ready(port: int, started: float, limit: float = 60) -> float | None:
    """Seconds from ``started`` until /_stcore/health answers (None: not within ``limit``)."""
    while time.perf_counter() - started < limit:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1).read()
            return time.perf_counter() - started
        except OSError:
            time.sleep(0.05)
    return None


def bench_cold_start(db: Path, query_string: str, timeout: float, label: str) -> dict:
    """``streamlit run app.py`` in a fresh process: server ready, then the first page rendered."""
    out: dict = {"query_string": query_string, "timeout_s": timeout}
    with _streamlit_server(db, label) as (port, proc, started):
        ready = _wait_ready(port, started)
        if ready is not None:
            out["server_ready_s"] = ready
            try:
                done, received, error = asyncio.run(_first_page(port, query_string, timeout))
                out["first_page_s"] = done - started
                out["first_page_bytes"] = received
                if error:
                    out["error"] = f"the page raised: {error}"
            except TimeoutError:
                out["first_page_s"] = None
                out["timed_out"] = True
            except Exception as exc:  # noqa: BLE001 - report, don't crash the benchmark
                out["error"] = repr(exc)
        out["peak_rss"] = vm_hwm(proc.pid)
    return out


def cold_starts(db: Path, query_string: str, timeout: float, label: str, runs: int) -> dict:
    """Several cold starts (medians); stops repeating once one fails or hits the time limit."""
    done = []
    for i in range(runs):
        one = bench_cold_start(db, query_string, timeout, f"{label}-{i}")
        done.append(one)
        if one.get("timed_out") or one.get("error") or not one.get("first_page_s"):
            break
    ok = [d for d in done if d.get("first_page_s") and not d.get("error")]
    return {"query_string": query_string, "timeout_s": timeout, "runs": done, "n": len(ok),
            "server_ready_s": median([d["server_ready_s"] for d in done if d.get("server_ready_s")]),
            "first_page_s": median([d["first_page_s"] for d in ok]),
            "timed_out": any(d.get("timed_out") for d in done),
            "error": next((d["error"] for d in done if d.get("error")), None),
            "peak_rss": max((d.get("peak_rss") or 0 for d in done), default=0)}


# =================================================================================== browser
CHROMIUM = "/usr/bin/chromium"
# no sandbox (root in a container), no GPU, nothing the browser would fetch for itself mid-run
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def launch_chromium(pw):
    """Debian's Chromium through Playwright, as every browser measurement here launches it."""
    return pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
BROWSER_TIMEOUT_S = 90
# Drawn: the script run is over (Streamlit's running indicator gone), nothing is waiting to load
# (no skeleton: plotly and the table grid are loaded on demand) and every element on screen has
# drawn: each visible plotly chart its SVG, each visible table its canvas — the floor's table draws
# its canvas after the script state turns notRunning. The condition runs in the page's
# JavaScript, so a renderer kept busy (a chart with half a million ticks) delays it as it delays
# the reader. Elements in a closed expander or a tab not chosen are not on screen: not waited for.
_SETTLED_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (!document.querySelector('[data-testid="stMainBlockContainer"] h1')) return false;
  if (document.querySelector('[data-testid="stSkeleton"], [data-testid="stStatusWidget"]')) return false;
  // a closed expander keeps its content laid out (one client rect) but never draws it
  const shown = el => el.getClientRects().length > 0 && (!el.checkVisibility || el.checkVisibility());
  for (const chart of document.querySelectorAll('[data-testid="stPlotlyChart"]'))
    if (shown(chart) && !chart.querySelector('.main-svg')) return false;
  for (const grid of document.querySelectorAll('[data-testid="stDataFrame"]'))
    if (shown(grid) && !grid.querySelector('canvas')) return false;
  return true;
}"""


FLOOR_APP = Path(__file__).with_name("floor_app.py")
TARGET_BROWSER_RATIO = 1.3


def _browser_times(browser, url: str, runs: int,
                   received: list[int] | None = None) -> tuple[list[float], str | None]:
    """Seconds until drawn: the first visit in a fresh browser context (nothing cached), then
    ``runs`` reloads of it (the browser's cache and the server's warm). ``received``, when given,
    gets the bytes of websocket messages from the server for each visit: what a page run sends
    (elements, table Arrow, chart specs), the proxy for what the browser has to lay out."""
    times, error = [], None
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    tab = context.new_page()
    visit_bytes = [0]

    def on_frame(payload) -> None:
        visit_bytes[0] += len(payload if isinstance(payload, bytes) else payload.encode("utf-8"))

    tab.on("websocket", lambda ws: ws.on("framereceived", on_frame))
    try:
        for i in range(1 + runs):
            visit_bytes[0] = 0
            started = time.perf_counter()
            try:
                if i == 0:
                    tab.goto(url, timeout=BROWSER_TIMEOUT_S * 1000)
                else:
                    tab.reload(timeout=BROWSER_TIMEOUT_S * 1000)
                tab.wait_for_function(_SETTLED_JS, timeout=BROWSER_TIMEOUT_S * 1000, polling=50)
                times.append(time.perf_counter() - started)
                if received is not None:
                    received.append(visit_bytes[0])
                if tab.locator("[data-testid='stException']").count():
                    error = "the page shows an exception"
            except Exception as exc:  # noqa: BLE001 - a page that never settles is a result
                error = f"not drawn within {BROWSER_TIMEOUT_S} s ({exc.__class__.__name__})"
            if error:
                break
    finally:
        context.close()
    return times, error


def bench_browser(db: Path, pages: list[str], queries: dict[str, dict], runs: int, label: str,
                  warm_up: str) -> dict:
    """Each page opened in Debian Chromium from a running server, timed until it has drawn:
    the first visit (a fresh browser context; the server's caches empty for that page and
    filter) and reloads (browser cache and server caches warm; median of ``runs``). What the
    server-side renders cannot show: the browser's own drawing, and what the page sends it.
    The floor (bench/floor_app.py, a bare Streamlit page) runs on a second server started with
    the same settings and is timed the same way in the same run, before and after the pages;
    each page is reported as a ratio to it. Both servers get one untimed visit first
    (``warm_up``: a query whose caches no measured visit shares), so that no figure holds the
    process's one-time imports."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {"skipped": "playwright is not installed"}
    if not Path(CHROMIUM).exists():
        return {"skipped": f"{CHROMIUM} is not installed (apt-get install chromium)"}
    rows, floors = [], []
    load_start = os.getloadavg()
    with _streamlit_server(db, f"browser-{label}") as (port, _proc, started), \
            _streamlit_server(db, f"floor-{label}", FLOOR_APP) as (floor_port, _fproc, floor_started), \
            sync_playwright() as pw:
        if _wait_ready(port, started) is None or _wait_ready(floor_port, floor_started) is None:
            return {"skipped": "the server did not start within 60 s"}
        browser = launch_chromium(pw)
        floor_url = f"http://127.0.0.1:{floor_port}/"

        def floor() -> dict:
            times, error = _browser_times(browser, floor_url, runs)
            floors.append({"first_s": times[0] if times else None, "warm_s": median(times[1:]),
                           "error": error})
            progress(f"{label} browser floor: " + (error or f"{times[0]:.2f} s first, "
                                                          f"{median(times[1:]) or 0:.2f} s warm"))
            return floors[-1]

        try:
            for url in (floor_url, f"http://127.0.0.1:{port}/{warm_up}"):
                _, error = _browser_times(browser, url, 0)
                if error:
                    return {"skipped": f"the warm-up visit of {url} failed: {error}"}
            for page in pages:
                for fname, query in queries.items():
                    qs = urllib.parse.urlencode(query)
                    path = "" if page == "overview" else page
                    url = f"http://127.0.0.1:{port}/{path}" + (f"?{qs}" if qs else "")
                    # the floor just before each page (and, as the next page's, just after it): a
                    # page's ratio is to the floor under the same load (on this shared machine the
                    # load moves within a run)
                    floor()
                    times, error = _browser_times(browser, url, runs)
                    rows.append({"page": page, "filter": fname, "first_s": times[0] if times else None,
                                 "warm_s": median(times[1:]), "n": len(times) - 1, "error": error})
                    progress(f"{label} browser {page} ({fname}): "
                             + (error or f"{times[0]:.2f} s first, {median(times[1:]) or 0:.2f} s warm"))
            floor()  # the last page's floor after it
        finally:
            browser.close()
    # one floor visit is as noisy as the page's (±20% between visits): the mean of the two beside
    # it, under the load the page saw
    for i, r in enumerate(rows):
        for kind in ("first", "warm"):
            beside = [f[f"{kind}_s"] for f in floors[i:i + 2] if f[f"{kind}_s"]]
            r[f"floor_{kind}_s"] = sum(beside) / len(beside) if beside else None
    out = {"rows": rows, "load_avg_start": load_start, "load_avg": os.getloadavg(),
           "floor": {"first_s": median([f["first_s"] for f in floors if f["first_s"]]),
                     "warm_s": median([f["warm_s"] for f in floors if f["warm_s"]]),
                     "runs": floors}}
    for r in rows:
        for kind in ("first", "warm"):
            base, value = r.get(f"floor_{kind}_s") or out["floor"][f"{kind}_s"], r[f"{kind}_s"]
            r[f"{kind}_ratio"] = value / base if value and base else None
    return out


# =================================================================================== parent
def narrow_filter(db: Path) -> dict:
    """Year + program: a program of median size in the latest year (what a leader bookmarks)."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "SELECT p.year, p.program_id, COUNT(*) AS n FROM programs p JOIN projects j USING (program_id) "
            "WHERE p.year = (SELECT MAX(year) FROM programs) GROUP BY ALL ORDER BY n, p.program_id"
        ).fetchall()
        year, program_id, n_projects = rows[len(rows) // 2]
        n_ind = con.execute("SELECT COUNT(*) FROM indicators WHERE program_id = ?",
                            [program_id]).fetchone()[0]
        n_year = con.execute("SELECT COUNT(*) FROM v_indicators WHERE year = ?", [year]).fetchone()[0]
        first_year = con.execute("SELECT MIN(year) FROM programs").fetchone()[0]
    finally:
        con.close()
    return {"year": int(year), "program": program_id, "projects": int(n_projects), "indicators": int(n_ind),
            "year_indicators": int(n_year), "first_year": int(first_year)}


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(_width(h), *(_width(r[i]) for r in rows)) if rows else _width(h)
              for i, h in enumerate(headers)]
    line = "  ".join(_pad(h, w) for h, w in zip(headers, widths, strict=True))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(out)


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 and ch != "×" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _raw_of(res: dict, p: dict) -> dict:
    return res["raw"].get(f"{p['page']}/{p['filter']}", {})


def _limit(p: dict) -> str:
    """How a page run stopped at a limit prints: '>20 s' or '>6 GiB RSS'."""
    if p.get("stopped_for") == "memory":
        return f">{p['rss_cap'] / 2**30:.0f} GiB RSS"
    return f">{p['timeout_s']:.0f} s"


def _render(p: dict) -> tuple[float | None, str]:
    """The page's render figure and how to print it (a stopped run shows its limit)."""
    if p["warm_s"] is not None:
        return p["warm_s"], f"{fmt_s(p['warm_s'])} (n={len(p['warm_runs'])})"
    if p["timeout"]:
        return None, _limit(p)
    return None, "—"


def page_verdict(p: dict, raw: dict) -> tuple[bool, str]:
    render, _ = _render(p)
    raw_s = raw.get("df_s")
    if p["exceptions"]:
        return False, "misses (page raised)"
    if render is None:
        return False, f"misses (stopped at {_limit(p).lstrip('>')})"
    ratio = render / raw_s if raw_s else None
    fast, close = render < TARGET_PAGE_S, ratio is not None and ratio <= TARGET_PAGE_RAW_RATIO
    if fast and close:
        return True, "meets"
    why = []
    if not fast:
        why.append(f"{fmt_ratio(render / TARGET_PAGE_S)} over 0.5 s")
    if not close:
        why.append(f"{fmt_ratio(ratio)} raw" if ratio else "no raw figure")
    return False, "misses (" + ", ".join(why) + ")"


def page_rows(res: dict) -> list[list[str]]:
    rows = []
    for p in res["pages"]:
        raw = _raw_of(res, p)
        render, shown = _render(p)
        raw_s = raw.get("df_s")
        cold = fmt_s(p["cold_s"]) if p["cold_s"] is not None else (
            _limit(p) if p["timeout"] in ("cold", "child") else "—")
        rows.append([p["page"], p["filter"], cold, shown, fmt_s(p["cached_s"]), fmt_s(raw_s),
                     fmt_ratio(render / raw_s if render and raw_s else None), page_verdict(p, raw)[1]])
    return rows


BREAKDOWN = ("query", "sidebar", "export", "compute", "widgets", "other")


def breakdown_rows(res: dict) -> list[list[str]]:
    rows = []
    for p in res["pages"]:
        raw = _raw_of(res, p)
        b = p["breakdown"]
        _, shown = _render(p)
        if p["warm_s"] is None and p["timeout"]:
            shown = "until stopped"
        rows.append([p["page"], p["filter"], shown, *(fmt_s(b.get(k)) for k in BREAKDOWN),
                     str(p["counts"].get("plotly_chart", "—")), str(p["counts"].get("dataframe", "—")),
                     fmt_s(raw.get("arrow_s")), fmt_s(raw.get("arrow_pd_s")), fmt_mib(p["peak_rss"])])
    return rows


def slow_queries(res: dict, filter_name: str, top: int = 6) -> list[list[str]]:
    """The costliest statements the pages issue (raw → pandas, median), grouped by SQL text.

    A statement issued many times in one render (once per project, say) shows its summed time
    and the count; issued by several renders, the median over them; ``issued by`` lists them.
    """
    seen: dict[str, dict] = {}
    for key, raw in res["raw"].items():
        if not key.endswith("/" + filter_name):
            continue
        per_render: dict[str, list[float]] = {}
        for sql, _params, t in raw.get("per_query", []):
            per_render.setdefault(" ".join(sql.split()), []).append(t or 0.0)
        for sql, times in per_render.items():
            entry = seen.setdefault(sql, {"sums": [], "n": 0, "pages": set()})
            entry["sums"].append(sum(times))
            entry["n"] = max(entry["n"], len(times))
            entry["pages"].add(key)
    for entry in seen.values():
        entry["t"] = median(entry["sums"])  # the typical render, when several renders issue it
    rows = []
    for sql, entry in sorted(seen.items(), key=lambda kv: -kv[1]["t"])[:top]:
        text = sql if len(sql) <= 96 else sql[:93] + "..."
        pages = sorted(entry["pages"])
        who = ", ".join(pages[:3]) + (f" +{len(pages) - 3}" if len(pages) > 3 else "")
        rows.append([fmt_s(entry["t"]), f"×{entry['n']}" if entry["n"] > 1 else "", text, who])
    return rows


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
            ["  read + validate (lib.workbook on python-calamine)", fmt_s(imp["parts"]["read_validate"]),
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
    for label, res in results["scales"].items():
        rec, narrow = res["record"], res["narrow"]
        lines += [
            "",
            f"PAGES · {label}: {rec['indicators']:,} indicator rows, {rec['rows']['projects']:,} projects, "
            f"{rec['rows']['programs']:,} programs, {rec['rows']['allocations']:,} allocations; "
            f"database {rec['bytes'] / 2**20:,.0f} MiB",
            f"  default = no filter (the landing view); narrow = ?year={narrow['year']}&program="
            f"{narrow['program']} ({narrow['projects']} projects, {narrow['indicators']} indicators)",
            "  render = AppTest run of the page with st.cache_data cleared first (median of n); cold = the "
            "first run in a fresh process (opens the database); cached = a rerun with warm caches; raw = the "
            "SQL the page issued, run directly through DuckDB → pandas as Store.query does; ratio = "
            "render ÷ raw. '>N s' = stopped at the time limit.",
        ]
        if res["pages"]:
            lines.append(table(["page", "filter", "cold", "render", "cached", "raw", "ratio",
                                "target: < 0.5 s and ≤ 1.5× raw"], page_rows(res)))
            for p in res["pages"]:
                for e in p["exceptions"]:
                    lines.append(f"  ! {p['page']}/{p['filter']} raised: {e}")
            lines += ["", f"WHERE THE RENDER GOES · {label}: exclusive time inside Store.query (query), "
                          "ui.sidebar_filters without its queries (sidebar), export.to_csv/xlsx_bytes "
                          "(export), "
                          "lib.summary/scoring/checks (compute), lib.charts + st.dataframe + st.plotly_chart "
                          "(widgets), the rest of the page and Streamlit (other); for pages stopped at the "
                          "limit, the split of the time until then. raw→arrow / raw→arrow→pd = the same SQL "
                          "fetched as Arrow, and as Arrow then pandas (decimals as float).",
                      table(["page", "filter", "render", *BREAKDOWN, "charts", "tables", "raw→arrow",
                             "raw→arrow→pd", "peak RSS"], breakdown_rows(res))]
            for fname in ("default", "narrow"):
                slow = slow_queries(res, fname)
                if slow:
                    lines += ["", f"COSTLIEST STATEMENTS · {label}, {fname} filter (raw → pandas, median, "
                                  "summed over repeats within one render; the renders issuing them)",
                              table(["time", "times", "SQL", "issued by"], slow)]
            met = [page_verdict(p, _raw_of(res, p))[0] for p in res["pages"]]
            for fname in ("default", "narrow"):
                renders = [(_render(p)[0], _raw_of(res, p).get("df_s")) for p in res["pages"]
                           if p["filter"] == fname and not p["exceptions"]]
                n = sum(1 for p in res["pages"] if p["filter"] == fname)
                fast = sum(1 for r, _ in renders if r is not None and r < TARGET_PAGE_S)
                close = sum(1 for r, raw in renders
                            if r is not None and raw and r / raw <= TARGET_PAGE_RAW_RATIO)
                done = sorted(r for r, _ in renders if r is not None)
                spread = f"; renders {fmt_s(done[0])}–{fmt_s(done[-1])}" if done else ""
                verdicts.append(f"pages at {label}, {fname}: {fast} of {n} < 0.5 s, {close} of {n} ≤ 1.5× raw"
                                f"{spread}, {n - len(done)} stopped at a limit or failed")
            verdicts.append(f"pages at {label}: {sum(met)} of {len(met)} page × filter renders meet both")
        pd_res = res.get("pandas")
        if pd_res and not pd_res["aggs"] and not pd_res["timed_out"] and not pd_res.get("memory_stopped"):
            lines += ["", f"PANDAS vs SQL · {label}: the measuring process failed; see {pd_res['log']}"]
        if pd_res and (pd_res["timed_out"] or pd_res.get("memory_stopped")):
            why = "resident memory over 12 GiB" if pd_res.get("memory_stopped") else "time limit"
            lines += ["", f"PANDAS vs SQL · {label}: the pandas approach was stopped ({why}) after "
                          f"{len(pd_res['loads'])} whole-view loads; peak RSS {fmt_mib(pd_res['peak_rss'])}"]
        if pd_res and pd_res["aggs"]:
            lines += ["", f"PANDAS vs SQL · {label}: one filtered aggregation three ways — ours = GROUP BY "
                          "in DuckDB (Store.query); pages now = Store.read of the filtered view, grouped in "
                          "pandas; "
                          "pandas = the whole view held in a DataFrame (loaded once via Arrow), filtered and "
                          f"grouped per interaction. Median of {results['args']['runs_pandas']}."]
            rows, ratios = [], []
            for e in pd_res["aggs"]:
                ratio = e["pandas"] / e["ours_sql"] if e["ours_sql"] else None
                ratios.append(ratio or 0)
                rows.append([e["agg"], e["filter"], fmt_s(e["ours_sql"]), fmt_s(e["pages_now"]),
                             fmt_s(e["pandas"]), fmt_ratio(ratio),
                             fmt_ratio(e["pages_now"] / e["ours_sql"] if e["ours_sql"] else None),
                             "meets" if ratio and ratio >= TARGET_PANDAS_RATIO else "misses"])
            lines.append(table(["aggregation", "filter", "ours", "pages now", "pandas", "pandas ÷ ours",
                                "pages now ÷ ours", "target: pandas ≥ 5× ours"], rows))
            loads = "; ".join(f"{e['view']} {e['rows']:,} rows in {fmt_s(e['s'])} "
                              f"({e['frame_bytes'] / 2**20:,.0f} MiB)" for e in pd_res["loads"])
            lines.append(f"  pandas approach: whole-view loads {loads}; its process peaked at "
                         f"{fmt_mib(pd_res['peak_rss'])}")
            verdicts.append(f"pandas vs ours at {label}: pandas takes {min(ratios):.1f}×–{max(ratios):.1f}× "
                            "ours "
                            f"({sum(r >= TARGET_PANDAS_RATIO for r in ratios)} of {len(ratios)} meet ≥ 5×)")
        cold = res.get("cold_start")
        if cold:
            lines += ["", f"COLD START · {label}: `streamlit run app.py` in a fresh process until "
                          "/_stcore/health "
                          "answers, then one websocket session until the first page's script run finishes "
                          "(times from process start)"]
            rows, errors = [], []
            for name, c in cold.items():
                if c.get("first_page_s"):
                    first = f"{fmt_s(c['first_page_s'])} (n={c['n']})"
                elif c.get("timed_out"):
                    first = f">{c['timeout_s']:.0f} s after ready"
                else:
                    first = c.get("error", "—")
                rows.append([name, c["query_string"] or "(none)", fmt_s(c.get("server_ready_s")), first,
                             fmt_mib(c.get("peak_rss"))])
                if c.get("error"):
                    rows[-1][3] += " — ERROR"
                    errors.append(f"  ! cold start {name}: {c['error']}")
            lines.append(table(["first page", "URL query", "server ready", "first page done",
                                "server peak RSS"], rows))
            lines += errors
        browser = res.get("browser")
        if browser:
            lines += ["", f"BROWSER · {label}: each page opened in Debian Chromium from a running server, "
                          "timed from navigation until the script run is over and the page has drawn "
                          "(checked from the page's own JavaScript, so a busy renderer counts); first = the "
                          "first visit of that page and filter in a fresh browser context (server caches "
                          "empty), warm = a reload of it (median); both servers warmed up by one untimed "
                          f"visit; load average {fmt_load(browser.get('load_avg_start'))} at the start, "
                          f"{fmt_load(browser.get('load_avg'))} at the end."]
            if browser.get("skipped"):
                lines.append(f"  skipped: {browser['skipped']}")
            else:
                fl = browser.get("floor") or {}
                lines.append("  floor (bench/floor_app.py: a bare Streamlit page, one chart, four metrics, "
                             f"a 1,000-row table): {fmt_s(fl.get('first_s'))} first, "
                             f"{fmt_s(fl.get('warm_s'))} warm (median of its visits; it is visited before "
                             "and after each page, and each page's ratio is to the mean of those two: "
                             "floor first / warm beside it)")
                lines.append(table(["page", "filter", "first visit", "÷ floor", "warm", "÷ floor",
                                    "floor beside", "note"], [
                    [r["page"], r["filter"], fmt_s(r["first_s"]), fmt_ratio(r.get("first_ratio")),
                     f"{fmt_s(r['warm_s'])} (n={r['n']})" if r["warm_s"] is not None else "—",
                     fmt_ratio(r.get("warm_ratio")),
                     f"{fmt_s(r.get('floor_first_s'))} / {fmt_s(r.get('floor_warm_s'))}", r["error"] or ""]
                    for r in browser["rows"]]))
                ratios = [r.get(k) for r in browser["rows"] for k in ("first_ratio", "warm_ratio")]
                ratios = [x for x in ratios if x]
                if ratios:
                    within = sum(x <= TARGET_BROWSER_RATIO for x in ratios)
                    verdicts.append(f"browser at {label}: {within} of {len(ratios)} page visits within "
                                    f"{TARGET_BROWSER_RATIO}× the bare-Streamlit floor "
                                    f"(ratios {min(ratios):.2f}–{max(ratios):.2f}×)")
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
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="绩效看板 benchmarks (issue 5)")
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
    for name in ("--db", "--page", "--query", "--workbook", "--filters-json"):
        p.add_argument(name, help=argparse.SUPPRESS)
    return p.parse_args(argv)


CHILDREN = {"import": "child_import", "page": "child_page", "raw": "child_raw", "pandas": "child_pandas"}


def main(argv: list[str] | None = None) -> int:
    a = parse_args(argv)
    if a.child:
        if a.child == "pandas":
            a.filters = a.filters_json
        globals()[CHILDREN[a.child]](a)
        return 0

    if a.report:
        print(report(json.loads(Path(a.report).read_text(encoding="utf-8"))))
        return 0

    started = time.perf_counter()
    parts = set(a.only.split(","))
    scales = [gen.parse_scale(s) for s in a.scale.split(",")]
    results: dict = {"started": dt.datetime.now().isoformat(timespec="seconds"), "machine": machine(),
                     "args": {"scale": a.scale, "seed": a.seed, "runs": a.runs, "runs_import": a.runs_import,
                              "runs_pandas": a.runs_pandas, "only": a.only},
                     "scales": {}}
    OUT.mkdir(parents=True, exist_ok=True)

    if "import" in parts:
        progress(f"import workbook of {WORKBOOK_ROWS:,} rows (cached in bench/out)")
        wb_path, wb_rec = gen.build_workbook(WORKBOOK_ROWS, a.seed, log=progress)
        results["workbook"] = wb_rec
        progress("import: ours vs python-calamine")
        results["import"] = bench_import(wb_path, a.runs_import, budget=75)

    for n in scales:
        label = gen.scale_label(n)
        progress(f"dataset {label} (cached in bench/out)")
        db, record = gen.build_db(n, a.seed, log=progress)
        big = n >= 5_000_000
        timeout = a.timeout or (20.0 if big else 10.0)
        budget = a.budget or (15.0 if big else 8.0)
        narrow = narrow_filter(db)
        res: dict = {"record": record, "narrow": narrow, "pages": [], "raw": {}}
        results["scales"][label] = res
        queries = {"default": {}, "narrow": {"year": narrow["year"], "program": narrow["program"]}}
        if "pages" in parts:
            for page in (a.pages.split(",") if a.pages else app_pages()):
                for fname in a.filters.split(","):
                    progress(f"{label} page {page} ({fname})")
                    res["pages"].append(bench_page(db, page, fname, queries[fname], a.runs, timeout, budget,
                                                   label, int(a.rss_cap * 2**30)))
            items = [{"key": f"{p['page']}/{p['filter']}", "queries": p["queries"]}
                     for p in res["pages"] if p["queries"]]
            progress(f"{label} raw SQL of every page")
            res["raw"] = bench_raw(db, items, a.runs, 2 * budget, label)
        if "pandas" in parts:
            progress(f"{label} pandas vs SQL")
            res["pandas"] = bench_pandas(
                db, {"year": {"year": narrow["year"]},
                     "year+program": {"year": narrow["year"], "program_id": narrow["program"]}},
                a.runs_pandas, label)
        if "cold" in parts:
            progress(f"{label} cold start (streamlit run)")
            qs = f"year={narrow['year']}&program={narrow['program']}"
            res["cold_start"] = {
                "overview, no filter": cold_starts(db, "", timeout, f"{label}-default", a.runs),
                "overview, narrow URL": cold_starts(db, qs, timeout, f"{label}-narrow", a.runs),
            }
        if "browser" in parts:
            progress(f"{label} pages in Chromium")
            res["browser"] = bench_browser(
                db, a.pages.split(",") if a.pages else app_pages(),
                {f: queries[f] for f in a.filters.split(",")}, a.browser_reloads, label,
                warm_up=f"data?year={narrow['first_year']}")

    results["seconds"] = time.perf_counter() - started
    json_path = OUT / f"results-{a.scale.replace(',', '_')}.json"
    results["json"] = str(json_path.relative_to(ROOT))
    json_path.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    print(report(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
