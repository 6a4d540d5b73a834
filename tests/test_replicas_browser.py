"""Two app servers on one PostgreSQL database, in Debian Chromium: an upload committed through
one replica is the version the other shows on its next run, and a rollback through the other is
what the first shows (issue 13: several replicas on one shared store).

Needs /usr/bin/chromium (as tests/test_browser.py) and PostgreSQL (the pg_cluster fixture).
"""

from __future__ import annotations

import uuid

import openpyxl
import pytest
from browser import ROOT, require_chromium, settle, start_app, stop_app

pytestmark = pytest.mark.browser

require_chromium()

from playwright.sync_api import expect  # noqa: E402


def _replica(url: str, tmp_path, label: str):
    """`streamlit run serve.py` with $JIXIAO_DATABASE_URL (as in docs/deploy.md): (process, base URL)."""
    return start_app({"JIXIAO_DATABASE_URL": url, "JIXIAO_DB": str(tmp_path / f"{label}-unused.duckdb"),
                      "JIXIAO_USERS": str(tmp_path / "no-users.toml")}, f"replica {label}")


@pytest.fixture
def replicas(pg_cluster, tmp_path):
    name = f"replicas_{uuid.uuid4().hex[:8]}"
    url = pg_cluster.url(name)
    started = [_replica(url, tmp_path, label) for label in ("a", "b")]
    yield [base for _, base in started]
    for proc, _ in started:
        stop_app(proc)
    assert not list(tmp_path.glob("*-unused.duckdb"))  # both served from PostgreSQL
    pg_cluster.drop(name)


def _version_caption(pg, base: str, path: str = "") -> None:
    pg.goto(f"{base}/{path}")
    settle(pg)


def test_an_upload_through_one_replica_shows_on_the_other(replicas, page, tmp_path):
    first, second = replicas
    book = openpyxl.load_workbook(ROOT / "data" / "lanzhou_2022_emergency.xlsx")
    ws = book["项目"]
    ws.cell(row=2, column=[c.value for c in ws[1]].index("全年预算数") + 1).value = 17
    changed = tmp_path / "lanzhou_v2.xlsx"
    book.save(changed)

    # both replicas serve the seeded data (seeded once, whichever started first)
    for base in (first, second):
        _version_caption(page, base)
        expect(page.get_by_text("数据版本 v1").first).to_be_visible()

    page.goto(f"{first}/data")
    settle(page)
    page.locator("[data-testid='stFileUploader'] input[type=file]").set_input_files(str(changed))
    expect(page.get_by_text("校验通过。提交前请核对以下变更。")).to_be_visible(timeout=60_000)
    page.get_by_role("button", name="确认提交").click()
    expect(page.get_by_text("已提交，当前数据版本 v2")).to_be_visible(timeout=60_000)

    # the other replica, which served v1 a moment ago, shows v2 and its figure on its next run
    page.goto(f"{second}/?project=LZ2022-P01")
    settle(page)
    expect(page.get_by_text("数据版本 v2").first).to_be_visible()
    expect(page.locator("[data-testid='stMetric']").filter(has_text="预算总额（万元）")).to_contain_text("17.00")

    # and a rollback through the second is what the first shows
    page.goto(f"{second}/data")
    settle(page)
    page.locator("[data-testid='stButtonGroup']").get_by_text("版本历史", exact=True).click()
    page.get_by_text("确认将数据恢复为 v1").click()
    page.get_by_role("button", name="回滚").click()
    expect(page.get_by_text("已恢复为 v1 的数据（新版本 v3）")).to_be_visible(timeout=60_000)
    page.goto(f"{first}/?project=LZ2022-P01")
    settle(page)
    expect(page.get_by_text("数据版本 v3").first).to_be_visible()
    expect(page.locator("[data-testid='stMetric']").filter(has_text="预算总额（万元）")).to_contain_text("16.00")
