"""The pages part: every page rendered server-side with AppTest (default and narrow filter), and
the SQL each page issued run raw, for the ratio render ÷ raw; where a render's time goes."""

from __future__ import annotations

import importlib
import importlib.metadata
import json
import os
import sys
import threading
import time
from pathlib import Path

from common import (
    APP,
    Child,
    app_pages,
    emit,
    fmt_mib,
    fmt_ratio,
    fmt_s,
    maxrss_bytes,
    median,
    progress,
    relation_to_pandas,
    rss_now,
    table,
)

TARGET_PAGE_S = 0.5
TARGET_PAGE_RAW_RATIO = 1.5


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
    # a module renamed or moved fails the part here (ImportError), not by timing nothing
    for module_name, name in (("lib.ui.charts", "widgets"), ("lib.analysis.summary", "compute"),
                              ("lib.analysis.scoring", "compute"), ("lib.analysis.checks", "compute")):
        module = importlib.import_module(module_name)
        for attr in dir(module):
            fn = getattr(module, attr)
            # lib.analysis.checks is a package: its functions come from its own modules
            if callable(fn) and not attr.startswith("_") \
                    and getattr(fn, "__module__", "").startswith(module.__name__):
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
            [child.error or f"the page process failed before its first run ended; see {child.log_path}"]
            if child.error or not (runs_ or timeouts or child.timed_out or child.memory_stopped) else []),
        "queries": queries, "peak_rss": child.peak_rss, "log": str(child.log_path),
    }


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


def bench_raw(db: Path, items: list[dict], runs: int, budget: float,
              label: str) -> tuple[dict[str, dict], str | None]:
    """Each page's recorded SQL run raw: the figures by page/filter key, and why the measuring
    process failed (None when it did not)."""
    if not items:
        return {}, None
    child = Child("raw", ["--db", str(db), "--runs", str(runs), "--budget", str(budget)], deadline=1800,
                  stdin_data=json.dumps(items, ensure_ascii=False), log_name=f"raw-{label}",
                  rss_cap=12 * 2**30)
    if child.timed_out or child.memory_stopped or child.returncode:
        why = "memory" if child.memory_stopped else "time" if child.timed_out else "failed"
        progress(f"raw SQL child stopped ({why}); see {child.log_path}")
    return {e["key"]: e for e in child.of("raw")}, child.error


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


def run(a, s) -> dict:
    """The part at one scale ``s`` (bench/run.py Scale): every page (or ``--pages``) with each
    filter, then their SQL raw. Returns the scale's ``pages``, ``raw`` and ``raw_error``."""
    pages = []
    for page in (a.pages.split(",") if a.pages else app_pages()):
        for fname in a.filters.split(","):
            progress(f"{s.label} page {page} ({fname})")
            pages.append(bench_page(s.db, page, fname, s.queries[fname], a.runs, s.timeout, s.budget,
                                    s.label, int(a.rss_cap * 2**30)))
    items = [{"key": f"{p['page']}/{p['filter']}", "queries": p["queries"]} for p in pages if p["queries"]]
    progress(f"{s.label} raw SQL of every page")
    raw, raw_error = bench_raw(s.db, items, a.runs, 2 * s.budget, s.label)
    return {"pages": pages, "raw": raw, "raw_error": raw_error}


def report(results: dict, label: str, res: dict) -> tuple[list[str], list[str]]:
    lines: list[str] = []
    verdicts: list[str] = []
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
                      "(export), lib.analysis summary/scoring/checks (compute), "
                      "lib.ui.charts + st.dataframe + st.plotly_chart "
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
    return lines, verdicts
