"""The mapping step once in Debian Chromium: upload a form with an unknown column, see it listed
before anything is written, map it to 年度指标值, save the layout and commit."""

from __future__ import annotations

import pytest
from browser import ARTIFACTS, settle
from test_browser import own_server  # noqa: F401  (fixture)
from test_forms_mapping import UNKNOWN, district_form

pytestmark = pytest.mark.browser

from playwright.sync_api import expect  # noqa: E402


def test_an_unknown_column_is_mapped_in_the_browser_and_committed(own_server, page, tmp_path):  # noqa: F811
    form = tmp_path / "区级自评表.xlsx"
    form.write_bytes(district_form())
    page.goto(f"{own_server}/data")
    settle(page)
    page.locator("[data-testid='stFileUploader'] input[type=file]").set_input_files(str(form))
    expect(page.get_by_text("尚未导入", exact=False)).to_be_visible(timeout=60_000)
    expect(page.get_by_role("button", name="确认提交")).to_be_disabled()
    page.get_by_text(f"列“{UNKNOWN}”对应").wait_for()
    page.locator("[data-testid='stSelectbox']").filter(has_text=f"列“{UNKNOWN}”对应").click()
    page.get_by_role("option", name="年度指标值").click()
    page.get_by_role("button", name="保存版式并重新校验").click()
    expect(page.get_by_text("已保存版式", exact=False)).to_be_visible(timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / "data_mapping_saved.png"))
    page.get_by_role("button", name="确认提交").click()
    expect(page.get_by_text("已提交，当前数据版本 v2")).to_be_visible(timeout=60_000)
