"""Python's full garbage collections in the Streamlit server, with the heap frozen after each
page's first run (lib/web/heap.py) and without (JIXIAO_GC_FREEZE=0): two servers on copies of
the dataset, visited in turn in Debian Chromium (a first visit, then reloads), each collection of
the server process timed by a gc callback. Printed per page: full (generation 2) collections per
reload, their pause (median and longest), and the reload's time until drawn (as bench/run.py).

    python bench/gc_pauses.py [--scale 1M] [--reloads 5] [--pages overview,funding]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
import generate as gen  # noqa: E402
import part_browser  # noqa: E402

ARMS = {"frozen": "1", "not frozen": "0"}


def serve(log_path: str, streamlit_args: list[str]) -> None:
    """The server process (common._streamlit_server's launcher): streamlit run, with every
    collection's generation and pause appended to ``log_path`` as "<perf_counter> <generation>
    <seconds>"."""
    import gc

    log = open(log_path, "a", buffering=1, encoding="utf-8")
    started = [0.0]

    def timed(phase: str, info: dict) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            now = time.perf_counter()
            log.write(f"{now:.6f} {info['generation']} {now - started[0]:.6f}\n")

    gc.callbacks.append(timed)
    from streamlit.web.cli import main as streamlit_main

    sys.argv = ["streamlit", "run", *streamlit_args]
    streamlit_main()


def collections(log_path: Path, start: int) -> list[tuple[int, float]]:
    lines = log_path.read_text(encoding="utf-8").splitlines()[start:]
    return [(int(g), float(s)) for _, g, s in (line.split() for line in lines)]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--scale", default="1M")
    p.add_argument("--reloads", type=int, default=5)
    p.add_argument("--pages", help="comma-separated (default: every page)")
    a = p.parse_args(argv)
    if not Path(common.CHROMIUM).exists():
        print(f"{common.CHROMIUM} is not installed (apt-get install chromium)", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    db, _ = gen.build_db(gen.parse_scale(a.scale), log=common.progress)
    narrow = common.narrow_filter(db)
    pages = a.pages.split(",") if a.pages else common.app_pages()
    with tempfile.TemporaryDirectory(prefix="gc-pauses-") as tmp, contextlib.ExitStack() as servers_up:
        servers = {}
        for arm, freeze in ARMS.items():
            copy = Path(tmp) / f"{freeze}.duckdb"  # DuckDB locks a file per process
            shutil.copy(db, copy)
            log = Path(tmp) / f"gc-{freeze}.log"
            log.touch()
            port, _, started = servers_up.enter_context(common._streamlit_server(
                copy, f"gc-{freeze}", launcher=[sys.executable, __file__, "--serve", str(log)],
                env={"JIXIAO_GC_FREEZE": freeze}))
            servers[arm] = (port, log)
        if any(common._wait_ready(port, started) is None for port, _ in servers.values()):
            print("a server did not start within 60 s", file=sys.stderr)
            return 1
        rows = visit_all(sync_playwright, servers, pages, narrow, a.reloads)
    print(report(rows, a.scale, a.reloads))
    return 0


def visit_all(sync_playwright, servers: dict, pages: list[str], narrow: dict, reloads: int) -> list[dict]:
    rows = []
    with sync_playwright() as pw:
        browser = common.launch_chromium(pw)
        try:
            for port, _ in servers.values():  # the process's one-time imports, as bench/run.py
                warm_up = f"http://127.0.0.1:{port}/data?year={narrow['first_year']}"
                part_browser._browser_times(browser, warm_up, 0)
            for i, page in enumerate(pages):
                arms = list(servers.items())
                for arm, (port, log) in (arms if i % 2 == 0 else arms[::-1]):
                    row = {"page": page, "arm": arm, "pauses": [], "full": [], "warm": []}
                    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
                    tab = context.new_page()
                    tab.goto(f"http://127.0.0.1:{port}/{'' if page == 'overview' else page}")
                    tab.wait_for_function(part_browser._SETTLED_JS, polling=50)
                    for _ in range(reloads):
                        time.sleep(0.3)  # a collection just after drawing belongs to the visit before
                        mark = len(log.read_text(encoding="utf-8").splitlines())
                        t = time.perf_counter()
                        tab.reload()
                        tab.wait_for_function(part_browser._SETTLED_JS, polling=50)
                        row["warm"].append(time.perf_counter() - t)
                        full = [s for g, s in collections(log, mark) if g == 2]
                        row["full"].append(len(full))
                        row["pauses"].extend(full)
                    context.close()
                    rows.append(row)
                    common.progress(f"{page} {arm}: {sum(row['full'])} full collections, "
                                 f"longest {max(row['pauses'], default=0) * 1000:.0f} ms")
        finally:
            browser.close()
    return rows


def report(rows: list[dict], scale: str, reloads: int) -> str:
    body = []
    for row in rows:
        pauses = row["pauses"]
        body.append([row["page"], row["arm"], f"{sum(row['full']) / reloads:.1f}",
                     f"{statistics.median(pauses) * 1000:.1f} ms" if pauses else "–",
                     f"{max(pauses) * 1000:.1f} ms" if pauses else "–",
                     common.fmt_s(statistics.median(row["warm"]))])
    load = common.fmt_load(os.getloadavg())
    return (f"{scale}: full garbage collections of the server during {reloads} reloads of each page "
            f"(load average at the end {load})\n\n"
            + common.table(["page", "heap", "full collections per reload", "pause median", "pause longest",
                         "reload until drawn (median)"], body))


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--serve":
        serve(sys.argv[2], sys.argv[3:])
    else:
        raise SystemExit(main())
