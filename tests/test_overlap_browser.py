"""On a 390 px phone (390×844, Debian Chromium) and a 1440 px desktop, no two texts of a page
overprint each other:
every page's first part, and 执行率's gauges (three to a row overprinted titles, figures and
ticks). Measured as drawn: the bounding boxes of headings, metric labels and values, captions,
and every SVG text of every chart (titles, figures, ticks, legend entries, bar values).
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from browser import ARTIFACTS, app_server, require_chromium, settle

from lib.labels import PAGES, SECTION_LABELS

pytestmark = pytest.mark.browser
require_chromium()
PHONE = {"width": 390, "height": 844}
# every page a reader opens (admin is the administrator's; its own tests cover it)
PAGE_NAMES = [p for p in PAGES if p != "admin"]

# The leaf texts of the page: HTML text blocks and the SVG texts of charts. Boxes of an element
# and one inside it are one text, never a pair.
TEXT_BOXES = """main => {
  const sel = 'h1, h2, h3, [data-testid="stMetricLabel"], [data-testid="stMetricValue"],'
    + ' [data-testid="stMetricDelta"], [data-testid="stCaptionContainer"], [data-testid="stMarkdownContainer"] p,'
    + ' [data-testid="stPlotlyChart"] svg text';
  // drawn: not hidden, and not clipped away by a box around it (a closed expander keeps its
  // content laid out at zero height)
  const shown = e => {
    const r = e.getBoundingClientRect();
    if (!(r.width > 0 && r.height > 0 && e.textContent.trim())) return false;
    if (!e.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) return false;
    for (let p = e.parentElement; p && p !== main; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (s.overflow === 'visible' && s.overflowX === 'visible' && s.overflowY === 'visible') continue;
      const q = p.getBoundingClientRect();
      if (r.bottom <= q.top + 1 || r.top >= q.bottom - 1 || r.right <= q.left + 1 || r.left >= q.right - 1)
        return false;
    }
    return true;
  };
  const els = [...main.querySelectorAll(sel)].filter(shown);
  const boxes = els.map((e, i) => { const r = e.getBoundingClientRect();
    return {i, text: e.textContent.trim().slice(0, 40), left: r.left, right: r.right, top: r.top,
            bottom: r.bottom}; });
  const out = [];
  for (let a = 0; a < els.length; a++) {
    for (let b = a + 1; b < els.length; b++) {
      if (els[a].contains(els[b]) || els[b].contains(els[a])) continue;
      const x = Math.min(boxes[a].right, boxes[b].right) - Math.max(boxes[a].left, boxes[b].left);
      const y = Math.min(boxes[a].bottom, boxes[b].bottom) - Math.max(boxes[a].top, boxes[b].top);
      if (x > 2 && y > 2) out.push([boxes[a], boxes[b]]);
    }
  }
  return {count: boxes.length, overlaps: out};
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with app_server({"JIXIAO_DB": str(tmp_path_factory.mktemp("overlap") / "app.duckdb")}) as base:
        yield base


DESKTOP = {"width": 1440, "height": 900}


@pytest.fixture
def phone(chromium):
    context = chromium.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


@pytest.fixture
def desktop(chromium):
    context = chromium.new_context(viewport=DESKTOP, locale="zh-CN")
    yield context.new_page()
    context.close()


def overlaps(pg) -> tuple[int, list]:
    """(texts measured, the pairs of them that overprint) on the page as drawn."""
    pg.wait_for_timeout(800)  # plotly lays its texts out after the chart element appears
    found = pg.locator("[data-testid='stMain']").evaluate(TEXT_BOXES)
    return found["count"], found["overlaps"]


def _first_part_url(server: str, page: str) -> str:
    path = "" if page == "overview" else page
    if page in SECTION_LABELS:
        key, labels = SECTION_LABELS[page]
        return f"{server}/{path}?{key}=" + quote(labels[0])
    return f"{server}/{path}"


@pytest.mark.parametrize("screen", ["phone", "desktop"])
@pytest.mark.parametrize("page", PAGE_NAMES)
def test_no_text_overprints_another(server, request, page, screen):
    tab = request.getfixturevalue(screen)
    tab.goto(_first_part_url(server, page))
    settle(tab)
    n, pairs = overlaps(tab)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / f"{screen}_{page}.png"), full_page=True)
    assert n > 5, n  # the page drew its texts
    assert not pairs, [(a["text"], b["text"]) for a, b in pairs]


def test_gauges_one_to_a_row_on_a_phone_and_nothing_overprints(server, phone):
    key, labels = SECTION_LABELS["execution"]
    phone.goto(f"{server}/execution?{key}=" + quote("执行率仪表盘"))
    settle(phone)
    gauges = phone.locator("[data-testid='stPlotlyChart']")
    assert gauges.count() == 12  # the shipped data's twelve records
    lefts = {round(gauges.nth(i).bounding_box()["x"]) for i in range(gauges.count())}
    assert len(lefts) == 1, lefts  # one to a row: every gauge starts at the same x
    for i in range(gauges.count()):  # drawn as it comes into view
        gauges.nth(i).scroll_into_view_if_needed()
    n, pairs = overlaps(phone)
    # and no text runs past its chart's edge, where the SVG cuts it off ("100" of "100%")
    cut = gauges.evaluate_all("""charts => charts.flatMap(c => {
      const box = c.querySelector('svg').getBoundingClientRect();
      return [...c.querySelectorAll('svg text')].filter(t => t.textContent.trim()).map(t => {
        const r = t.getBoundingClientRect();
        return r.left < box.left - 1 || r.right > box.right + 1 ? t.textContent : null; })
        .filter(t => t); })""")
    assert not cut, cut
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "phone_execution_gauges.png"), full_page=True)
    assert n > 12 * 3, n  # each gauge's title, figure and ticks
    assert not pairs, [(a["text"], b["text"]) for a, b in pairs]


def test_a_table_s_tool_bar_leaves_the_buttons_above_it_free_on_a_phone(server, phone):
    # 分地区分来源汇总 opens on its table, right under the part chooser: the grid's tool bar
    # (search, download, full screen) is drawn over the 44 px above the grid when touched
    key, _ = SECTION_LABELS["funding"]
    phone.goto(f"{server}/funding?{key}=" + quote("分地区分来源汇总"))
    settle(phone)
    grid = phone.locator("[data-testid='stDataFrame']").first
    grid.tap()
    phone.wait_for_timeout(500)
    toolbar = phone.locator("[data-testid='stElementToolbar']").first.bounding_box()
    chooser = phone.locator("[data-testid='stButtonGroup']").first.bounding_box()
    assert toolbar is not None and chooser is not None
    assert chooser["y"] + chooser["height"] <= toolbar["y"] + 1, (chooser, toolbar)
