"""The browser part: each page opened in Debian Chromium from a running server, timed until drawn,
as a ratio to a bare Streamlit page (the floor) visited beside it."""

from __future__ import annotations

import os
import time
import urllib.parse
import urllib.request
from pathlib import Path

from common import (
    CHROMIUM,
    _streamlit_server,
    _wait_ready,
    app_pages,
    fmt_load,
    fmt_ratio,
    fmt_s,
    launch_chromium,
    median,
    progress,
    table,
)

BROWSER_TIMEOUT_S = 90
RAISED = "the page shows an exception"  # a failure of the run; a page not drawn in time is a figure
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
                    error = RAISED
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


def run(a, s) -> dict:
    """The part at one scale: every page (or ``--pages``) with each filter, beside the floor."""
    progress(f"{s.label} pages in Chromium")
    return {"browser": bench_browser(
        s.db, a.pages.split(",") if a.pages else app_pages(),
        {f: s.queries[f] for f in a.filters.split(",")}, a.browser_reloads, s.label,
        warm_up=f"data?year={s.narrow['first_year']}")}


def report(results: dict, label: str, res: dict) -> tuple[list[str], list[str]]:
    lines: list[str] = []
    verdicts: list[str] = []
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
    return lines, verdicts
