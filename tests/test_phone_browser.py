"""A 390 px phone (390×844, Debian Chromium): long names do not crowd the charts.

The 资金分配 page has the longest names the shipped data draws: the Liaoning program's 38
characters in the sunburst's centre and the Lanzhou project names on the budget bars. Measured
in the browser, as drawn: the centre label's font size, the ticks' boxes, the page's width.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from browser import ARTIFACTS, app_server, require_chromium, settle

from lib.ui import charts

pytestmark = pytest.mark.browser
require_chromium()
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with app_server({"JIXIAO_DB": str(tmp_path_factory.mktemp("phone") / "app.duckdb")}) as base:
        yield base


@pytest.fixture
def phone(chromium):
    context = chromium.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


def _boxes(locator) -> list[dict]:
    return locator.evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect();"
        " return {text: e.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom,"
        " size: parseFloat(getComputedStyle(e).fontSize)}; })")


def test_funding_charts_stay_readable_on_a_phone(server, phone):
    def part(label: str):
        """The funding page on one of its parts (lib/ui/sections.py): its one chart."""
        phone.goto(f"{server}/funding?funding_view=" + quote(label))
        settle(phone)
        charts_on_page = phone.locator("[data-testid='stPlotlyChart']")
        assert charts_on_page.count() == 1, label
        main = phone.locator("[data-testid='stMain']")
        assert main.evaluate("e => e.scrollWidth <= e.clientWidth + 1")  # nothing wider than the phone
        return charts_on_page.first

    part("分地区资金")
    sunburst = part("资金构成")
    sunburst.scroll_into_view_if_needed()
    phone.wait_for_timeout(500)
    centre = [b for b in _boxes(sunburst.locator("text.slicetext")) if b["text"].startswith("中央安全生产")]
    # before: the whole 38-character name, shrunk by plotly to about 2 px to fit the centre
    assert [b["text"] for b in centre] == ["中央安全生产预…"] and centre[0]["size"] >= 10, centre

    bars = part("分项目预算与执行")
    bars.scroll_into_view_if_needed()
    phone.wait_for_timeout(500)
    names = [b["text"] for b in _boxes(bars.locator(".ytick text"))]
    assert "国家西北区域应急救援中…" in names and all(len(n) <= charts.AXIS_NAME_CHARS for n in names)
    ticks = sorted(_boxes(bars.locator(".xtick text")), key=lambda b: b["left"])
    # a linear 万元 axis from 0 (a log one drew 6,116 万 as 1.5× 415 万), its ticks apart
    assert ticks[0]["text"] == "0" and len(ticks) >= 3
    assert all(a["right"] <= b["left"] for a, b in zip(ticks, ticks[1:], strict=False)), ticks
    values = [b["text"] for b in _boxes(bars.locator("text.bartext"))]
    assert "6,116" in values and "415" in values  # each bar's amount written at it
    legend = bars.locator(".legend").bounding_box()
    plot = bars.locator(".nsewdrag").first.bounding_box()  # the plot area
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    bars.screenshot(path=str(ARTIFACTS / "phone_funding_bars.png"))
    # above the bars in one row, under the tool bar, not beside the bars
    assert legend["y"] + legend["height"] <= plot["y"] + 1 and legend["height"] < 30, (legend, plot)
    toolbar = bars.locator(".modebar")
    if toolbar.count():
        box = toolbar.first.bounding_box()
        assert box is None or box["y"] + box["height"] <= legend["y"] + 1, (box, legend)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "phone_funding.png"))
