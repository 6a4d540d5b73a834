"""DuckDB vs the shared PostgreSQL store, side by side: pages, the reads they make, import, sync.

    python bench/pg.py                       # 1M indicator rows, a 20,000-row import workbook
    python bench/pg.py --scale 100k --workbook 5000 --runs 3

Starts its own PostgreSQL (tests/pg_cluster.py: a temporary cluster on a Unix socket, stopped at
exit) and prints four tables; the figures go to bench/out/pg-<scale>.json as well.

* **reads**: the Store calls pages make (aggregates, counts, bounded tables, filter options), with
  no filter, a year, and a year + program, three ways: the DuckDB store; **pg store** = the
  design shipped (PostgreSQL is the system of record, each replica reads its DuckDB copy); and
  **pg direct** = the design not taken: the same SQL run in PostgreSQL on its own materialized
  mat_* tables (built there by the same _refresh_derived), through psycopg into pandas.
* **pages**: every page of lib.labels.PAGES rendered with AppTest (st.cache_data cleared before
  each run; median of --page-runs, after one untimed run that opens the store) with $JIXIAO_DB
  at the DuckDB file, then with $JIXIAO_DATABASE_URL.
* **import**: one workbook through Store.import_files into an empty store of each kind (for
  PostgreSQL: COPY into the tables, archive, versions, under the advisory lock, then the local
  copy's sync).
* **sync**: a replica's start (full copy of the dataset from PostgreSQL into DuckDB and the
  derived tables built), and another replica catching up after that import (only the changed
  programs are copied).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for folder in (ROOT, ROOT / "tests", ROOT / "bench"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import duckdb  # noqa: E402
import pandas as pd  # noqa: E402
import psycopg  # noqa: E402
from generate import build_db, build_workbook, parse_scale, scale_label  # noqa: E402
from pg_cluster import Cluster, find_bindir  # noqa: E402

from lib.filters import Filters  # noqa: E402
from lib.store import TABLES, Store, base, derived  # noqa: E402
from lib.store.postgres import PostgresStore, _PgCursor  # noqa: E402

OUT = ROOT / "bench" / "out"
TARGET_RATIO = 2.0  # issue 13: no page slower than 2x its DuckDB time at 1M rows


def progress(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def timed(fn, runs: int) -> float:
    fn()  # warm
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


# ------------------------------------------------------------------ loading PostgreSQL
def copy_tables(duck_path: Path, url: str, tables: list[str]) -> float:
    """Rows of the generated DuckDB file into the same PostgreSQL tables (CSV through COPY)."""
    started = time.perf_counter()
    src = duckdb.connect(str(duck_path), read_only=True)
    try:
        with psycopg.connect(url) as conn, tempfile.TemporaryDirectory() as tmp:
            for table in tables:
                cols = [r[0] for r in src.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                    "ORDER BY ordinal_position", [table]).fetchall()]
                csv = Path(tmp) / f"{table}.csv"
                names = ", ".join(cols)
                src.sql(f"SELECT {names} FROM {table}").write_csv(str(csv), header=False)
                with conn.cursor().copy(f"COPY {table} ({names}) FROM STDIN (FORMAT csv)") as copy, \
                        open(csv, "rb") as data:
                    while chunk := data.read(1 << 20):
                        copy.write(chunk)
            conn.commit()
    finally:
        src.close()
    return time.perf_counter() - started


class PgDirect(Store):
    """The design not taken: every Store read run in PostgreSQL itself (on its mat_* tables)."""

    def __init__(self, url: str):  # no DuckDB at all
        self.url = url
        self._conn = psycopg.connect(url, autocommit=True)
        self._columns: dict[str, list[str]] = {}

    def query(self, sql: str, params: list | None = None) -> pd.DataFrame:
        cur = _PgCursor(self._conn.cursor())
        cur.execute(sql, params or [])
        return pd.DataFrame(cur.fetchall(), columns=[d.name for d in cur.description])

    def columns(self, relation: str) -> list[str]:
        if relation not in self._columns:
            self._columns[relation] = list(self.query(f"SELECT * FROM {relation} LIMIT 0").columns)
        return list(self._columns[relation])

    def close(self) -> None:
        self._conn.close()


def build_pg_direct(duck_path: Path, url: str) -> tuple[PgDirect, float]:
    """A PostgreSQL database with the DuckDB schema unchanged (mat_* tables filled in PostgreSQL)."""
    with psycopg.connect(url) as conn:
        for statement in base.SCHEMA_SQL.split(";\n"):
            if statement.strip():
                conn.execute(statement)
        conn.commit()
    copy_tables(duck_path, url, list(TABLES))
    started = time.perf_counter()
    with psycopg.connect(url) as conn:
        derived._refresh_derived(_PgCursor(conn.cursor()), None)
        conn.commit()
        conn.execute("ANALYZE")
    return PgDirect(url), time.perf_counter() - started


# ------------------------------------------------------------------ what pages read
def read_cases(store: Store) -> dict[str, callable]:
    year = store.filter_years()[0]
    programs, _ = store.filter_programs(year, 10_000)
    program = sorted(programs["program_id"])[len(programs) // 2]
    scopes = {"all": Filters(), "year": Filters(year=year), "program": Filters(year=year, program_id=program)}
    cases = {}
    for scope, f in scopes.items():
        cases[f"indicator status per 一级指标 [{scope}]"] = lambda f=f: store.summarize(
            "v_indicators", f, by=("level1", "status"))
        cases[f"funding per region × source [{scope}]"] = lambda f=f: store.summarize(
            "v_funding_by_region_source", f, by=("region", "fund_source"), sums=("amount",))
        cases[f"program totals [{scope}]"] = lambda f=f: store.program_totals(f)
        cases[f"execution bands [{scope}]"] = lambda f=f: store.execution_band_counts(f, 0.6, 0.8)
        cases[f"projects, first 1,000 by budget [{scope}]"] = lambda f=f: store.read(
            "v_projects", f, order_by=["budget DESC"], limit=1000)
        cases[f"deviations count [{scope}]"] = lambda f=f: store.count("v_deviations", f)
    cases["filter options (years, programs, regions)"] = lambda: (
        store.filter_years(), store.filter_programs(year, 200), store.filter_regions(year, None))
    return cases


def bench_reads(stores: dict[str, Store], runs: int) -> dict[str, dict[str, float]]:
    names = list(read_cases(next(iter(stores.values()))))
    out: dict[str, dict[str, float]] = {n: {} for n in names}
    for label, store in stores.items():
        progress(f"reads on {label}")
        for name, fn in read_cases(store).items():
            out[name][label] = timed(fn, runs)
    return out


# ------------------------------------------------------------------ pages
def bench_pages(env_by_store: dict[str, dict[str, str]], runs: int,
                only: list[str] | None = None) -> dict[str, dict[str, float]]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from lib.labels import PAGES

    pages = [p for p in PAGES if (ROOT / "pages" / f"{p}.py").exists() and (not only or p in only)]
    out: dict[str, dict[str, float]] = {p: {} for p in pages}
    saved = dict(os.environ)
    try:
        for label, env in env_by_store.items():
            progress(f"pages on {label}")
            os.environ.update(env)
            for key in {"JIXIAO_DB", "JIXIAO_DATABASE_URL"} - set(env):
                os.environ.pop(key, None)
            st.cache_resource.clear()
            for i, page in enumerate([pages[0], *pages]):  # the first run opens the store: not timed
                samples = []
                for _ in range(runs if i else 1):
                    st.cache_data.clear()
                    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
                    at.switch_page(f"pages/{page}.py")
                    started = time.perf_counter()
                    at.run()
                    if at.exception:
                        raise RuntimeError(f"{page} on {label}: {[e.value for e in at.exception]}")
                    samples.append(time.perf_counter() - started)
                if i:
                    out[page][label] = statistics.median(samples)
            st.cache_resource.clear()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return out


# ------------------------------------------------------------------ report
def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    line = lambda r: "| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) + " |"  # noqa: E731
    return "\n".join([line(headers), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, rows)])


def ms(x: float) -> str:
    return f"{x * 1000:,.1f} ms" if x < 10 else f"{x:,.1f} s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="1M", help="indicator rows of the dataset (1M, 100k, …)")
    parser.add_argument("--workbook", type=int, default=20_000, help="data rows of the import workbook")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each read")
    parser.add_argument("--page-runs", type=int, default=1, help="timed renders of each page and store")
    parser.add_argument("--pages", help="comma-separated page names (default: every page)")
    args = parser.parse_args(argv)
    n = parse_scale(args.scale)
    bindir = find_bindir()
    if bindir is None:
        print("PostgreSQL not installed (apt-get install postgresql)", file=sys.stderr)
        return 2
    progress(f"dataset {scale_label(n)}")
    duck_path, record = build_db(n, log=progress)
    workbook, _ = build_workbook(args.workbook, log=progress)
    cluster = Cluster(bindir)
    results: dict = {"scale": scale_label(n), "rows": record["rows"]}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            # the shipped design: system of record in PostgreSQL, replicas read DuckDB copies
            url = cluster.url("shared")
            PostgresStore(url).close()  # the schema
            results["load_s"] = copy_tables(duck_path, url, [*TABLES, "dataset_versions", "version_programs"])
            progress(f"loaded PostgreSQL in {results['load_s']:.1f} s; a replica starts")
            started = time.perf_counter()
            replica = PostgresStore(url)
            results["replica_start_s"] = time.perf_counter() - started
            progress("the design not taken: the same reads in PostgreSQL")
            direct, results["pg_derive_s"] = build_pg_direct(duck_path, cluster.url("direct"))
            duck = Store(duck_path)
            results["reads"] = bench_reads({"duckdb": duck, "pg store": replica, "pg direct": direct},
                                           args.runs)
            duck.close()
            replica.close()
            direct.close()
            results["pages"] = bench_pages({"duckdb": {"JIXIAO_DB": str(duck_path)},
                                            "pg store": {"JIXIAO_DATABASE_URL": url}}, args.page_runs,
                                           args.pages.split(",") if args.pages else None)
            progress("import")
            files = [(workbook.name, workbook)]
            duck_new = Store(Path(tmp) / "import.duckdb")
            started = time.perf_counter()
            duck_new.import_files(files, user="bench")
            results["import_duckdb_s"] = time.perf_counter() - started
            duck_new.close()
            pg_new, other = PostgresStore(cluster.url("import")), PostgresStore(cluster.url("import"))
            started = time.perf_counter()
            pg_new.import_files(files, user="bench")
            results["import_pg_s"] = time.perf_counter() - started
            started = time.perf_counter()
            other.version_id()  # the other replica's next run: copies the imported programs
            results["catch_up_s"] = time.perf_counter() - started
            pg_new.close()
            other.close()
    finally:
        cluster.stop()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"pg-{results['scale']}.json").write_text(json.dumps(results, ensure_ascii=False, indent=1))
    print(report(results, args.workbook))
    return 0


def report(r: dict, workbook_rows: int) -> str:
    rows = []
    for name, t in r["reads"].items():
        rows.append([name, ms(t["duckdb"]), ms(t["pg store"]), ms(t["pg direct"]),
                     f"{t['pg direct'] / t['duckdb']:.1f}×"])
    reads = table(["read", "duckdb", "pg store", "pg direct", "direct ÷ duckdb"], rows)
    rows = []
    for page, t in r["pages"].items():
        ratio = t["pg store"] / t["duckdb"]
        rows.append([page, ms(t["duckdb"]), ms(t["pg store"]), f"{ratio:.2f}×",
                     "meets" if ratio <= TARGET_RATIO else f"misses (> {TARGET_RATIO:g}×)"])
    pages = table(["page", "duckdb", "pg store", "ratio", f"≤ {TARGET_RATIO:g}×"], rows)
    writes = table(["step", "duckdb", "pg store"], [
        [f"import of a {workbook_rows:,}-row workbook", ms(r["import_duckdb_s"]), ms(r["import_pg_s"])],
        ["another replica catches up after it", "—", ms(r["catch_up_s"])],
        [f"a replica starts ({r['scale']}: full copy + derived tables)", "—", ms(r["replica_start_s"])],
        ["derived tables built in PostgreSQL (pg direct only)", "—", ms(r["pg_derive_s"])],
    ])
    return (f"## DuckDB vs PostgreSQL at {r['scale']} indicator rows "
            f"({r['rows']['projects']:,} projects)\n\n### Reads pages make (median)\n\n{reads}\n\n"
            f"### Pages (AppTest render, st.cache_data cleared, median)\n\n{pages}\n\n"
            f"### Writes\n\n{writes}\n")


if __name__ == "__main__":
    raise SystemExit(main())
