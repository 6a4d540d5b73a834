"""数据管理 › 从自评报告起草 in Debian Chromium: a PDF report uploaded, its draft reviewed per table
(the editors render, nothing raises), previewed and committed as a new version.

Skipped where Chromium is missing, except under CI."""

from __future__ import annotations

import pytest
from browser import ARTIFACTS, ROOT, app_server, require_chromium
from report_files import pdf_file

LANZHOU_TXT = ROOT / "tests" / "reports" / "seeds" / "002_ecff5fb308d9a00b.txt"

pytestmark = pytest.mark.browser

require_chromium()

from playwright.sync_api import expect  # noqa: E402


@pytest.fixture
def server(tmp_path):
    with app_server({"JIXIAO_DB": str(tmp_path / "app.duckdb")}) as base:
        yield base


def test_pdf_report_reviewed_and_committed(server, page, tmp_path):
    report = pdf_file(LANZHOU_TXT.read_text(encoding="utf-8"), tmp_path / "兰州新区自评报告.pdf",
                      page.context.browser)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.goto(f"{server}/data")
    page.wait_for_selector("[data-testid='stMainBlockContainer'] h1", timeout=60_000)
    page.get_by_text("从自评报告起草（.txt / .docx / .pdf）").click()
    uploaders = page.locator("[data-testid='stFileUploader'] input[type=file]")
    expect(uploaders).to_have_count(2, timeout=30_000)
    uploaders.nth(1).set_input_files(str(report))
    expect(page.get_by_text("报告：兰州新区应急管理局2022年度部门本级预算绩效自评工作总结")).to_be_visible(
        timeout=60_000)
    expect(page.get_by_text("项目（9）")).to_be_visible()
    expect(page.locator("[data-testid='stDataFrame']").first).to_be_visible()
    assert page.locator("[data-testid='stException']").count() == 0
    page.screenshot(path=str(ARTIFACTS / "data_draft_review.png"))
    page.get_by_role("button", name="生成预览").click()
    expect(page.get_by_text("校验通过。以下为提交后的变更；确认无误后提交。")).to_be_visible(timeout=60_000)
    page.get_by_role("button", name="确认提交草稿").click()
    expect(page.get_by_text("草稿已提交，当前数据版本 v2。")).to_be_visible(timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / "data_draft_committed.png"))
