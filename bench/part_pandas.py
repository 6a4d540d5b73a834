"""The pandas part: filtered aggregations the usual Streamlit way (the whole view in a DataFrame,
filtered and grouped in memory) vs. the same aggregation in DuckDB SQL."""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

from common import (
    Child,
    emit,
    fmt_mib,
    fmt_ratio,
    fmt_s,
    maxrss_bytes,
    progress,
    relation_to_pandas,
    table,
)

TARGET_PANDAS_RATIO = 5.0


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
            "timed_out": child.timed_out, "memory_stopped": child.memory_stopped, "log": str(child.log_path),
            "error": child.error}


def run(a, s) -> dict:
    """The part at one scale: the aggregations for the narrow filter's year, and year + program."""
    progress(f"{s.label} pandas vs SQL")
    return {"pandas": bench_pandas(
        s.db, {"year": {"year": s.narrow["year"]},
               "year+program": {"year": s.narrow["year"], "program_id": s.narrow["program"]}},
        a.runs_pandas, s.label)}


def report(results: dict, label: str, res: dict) -> tuple[list[str], list[str]]:
    lines: list[str] = []
    verdicts: list[str] = []
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
    return lines, verdicts
