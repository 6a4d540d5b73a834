"""Old code against new code in the browser, in one run: the floor (bench/floor_app.py), the app
of another checkout and this checkout's app, served side by side and visited in turn for each
page and filter (a first visit in a fresh browser context, then reloads), so that all three see
the same load. bench/run.py --only browser compares pages with the floor; this compares two
versions of them, which two runs on a shared machine cannot.

    git worktree add /tmp/old <commit>
    cp bench/out/jixiao-1M-….duckdb /tmp/old.duckdb         # DuckDB locks a file per process
    python bench/browser_ab.py --before /tmp/old --before-db /tmp/old.duckdb --scale 1M
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
import generate as gen  # noqa: E402
import part_browser  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--before", required=True, type=Path, help="folder of the other checkout (its app.py)")
    p.add_argument("--before-db", required=True, type=Path, help="a copy of the dataset for the old app")
    p.add_argument("--scale", default="1M")
    p.add_argument("--reloads", type=int, default=2)
    p.add_argument("--pages", help="comma-separated (default: every page)")
    a = p.parse_args(argv)
    if not Path(common.CHROMIUM).exists():
        print(f"{common.CHROMIUM} is not installed (apt-get install chromium)", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    db, _ = gen.build_db(gen.parse_scale(a.scale), log=common.progress)
    narrow = common.narrow_filter(db)
    queries = {"default": "", "narrow": urllib.parse.urlencode({"year": narrow["year"],
                                                                 "program": narrow["program"]})}
    rows, load_start = [], os.getloadavg()
    serve = common._streamlit_server
    with serve(a.before_db, "ab-before", a.before / "app.py") as (p_old, proc_old, t_old), \
            serve(db, "ab-after") as (p_new, proc_new, t_new), \
            serve(db, "ab-floor", part_browser.FLOOR_APP) as (p_floor, proc_floor, t_floor), \
            sync_playwright() as pw:
        for port, started in ((p_old, t_old), (p_new, t_new), (p_floor, t_floor)):
            if common._wait_ready(port, started) is None:
                print("a server did not start within 60 s", file=sys.stderr)
                return 1
        browser = common.launch_chromium(pw)
        try:
            warm_up = f"data?year={narrow['first_year']}"  # as bench/run.py: no measured visit shares it
            for url in (f"http://127.0.0.1:{p_floor}/", f"http://127.0.0.1:{p_old}/{warm_up}",
                        f"http://127.0.0.1:{p_new}/{warm_up}"):
                part_browser._browser_times(browser, url, 0)
            visits = [(page, fname, qs) for page in (a.pages.split(",") if a.pages else common.app_pages())
                      for fname, qs in queries.items()]
            for i, (page, fname, qs) in enumerate(visits):
                path = ("" if page == "overview" else page) + (f"?{qs}" if qs else "")
                row = {"page": page, "filter": fname}
                arms = [("before", f"http://127.0.0.1:{p_old}/{path}"),
                        ("after", f"http://127.0.0.1:{p_new}/{path}")]
                # the arm that goes second shares the machine with the first one's closing browser
                # processes: the order alternates so that neither is always second
                order = arms if i % 2 == 0 else arms[::-1]
                for arm, url in [("floor", f"http://127.0.0.1:{p_floor}/"), *order]:
                    received: list[int] = []
                    times, error = part_browser._browser_times(browser, url, a.reloads, received)
                    row[arm] = {"first_s": times[0] if times else None,
                                "warm_s": statistics.median(times[1:]) if len(times) > 1 else None,
                                "first_kib": received[0] / 1024 if received else None,
                                "error": error}
                rows.append(row)
                common.progress(f"{page} ({fname}): " + ", ".join(
                    f"{arm} {common.fmt_s(row[arm]['first_s'])} / {common.fmt_s(row[arm]['warm_s'])}"
                    for arm in ("floor", "before", "after")))
        finally:
            browser.close()
    result = {"scale": a.scale, "before": str(a.before), "rows": rows,
              "load_avg_start": load_start, "load_avg": os.getloadavg()}
    out = common.OUT / f"browser-ab-{a.scale}.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(report(result))
    return 0


def kib(arm: dict) -> str:
    """Websocket bytes the server sent for the first visit (absent in results of older runs)."""
    value = arm.get("first_kib")
    return "–" if value is None else f"{value:,.0f}"


def report(r: dict) -> str:
    def ratio(arm: dict, floor: dict, kind: str) -> str:
        value, base = arm[f"{kind}_s"], floor[f"{kind}_s"]
        return common.fmt_ratio(value / base if value and base else None)

    lines = [f"{r['scale']}: floor, {r['before']} (before) and this checkout (after), visited in turn; "
             f"load average {common.fmt_load(r['load_avg_start'])} at the start, "
             f"{common.fmt_load(r['load_avg'])} at the end", ""]
    body = []
    for row in r["rows"]:
        f = row["floor"]
        cells = [row["page"], row["filter"], f"{common.fmt_s(f['first_s'])} / {common.fmt_s(f['warm_s'])}"]
        for arm in ("before", "after"):
            x = row[arm]
            note = f" {x['error']}" if x["error"] else ""
            cells.append(f"{common.fmt_s(x['first_s'])} ({ratio(x, f, 'first')}) / "
                         f"{common.fmt_s(x['warm_s'])} ({ratio(x, f, 'warm')}){note}")
        cells.append(" / ".join(kib(row[arm]) for arm in ("floor", "before", "after")))
        body.append(cells)
    lines.append(common.table(["page", "filter", "floor first / warm", "before: first (÷) / warm (÷)",
                            "after: first (÷) / warm (÷)", "sent KiB: floor / before / after"], body))
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
