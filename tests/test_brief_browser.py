"""In Debian Chromium: the 导出简报PDF download on every page, the Word draft on 报告详情, the old
/overview address, and long names on a 390 px phone.

Uses the server and browser of test_browser.py (the real app on its own database).
"""

from __future__ import annotations

import io
from urllib.parse import quote

import pytest
from browser import settle
from playwright.sync_api import expect  # noqa: E402
from test_browser import server  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser


def _download(pg, button_name: str, tmp_path):
    button = pg.get_by_role("button", name=button_name)
    button.scroll_into_view_if_needed()
    with pg.expect_download(timeout=120_000) as info:
        button.click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    return target


def test_brief_button_on_every_page(server, page):  # noqa: F811
    # app.py draws it under the sidebar filters, for whichever page runs: two pages here, and the
    # downloads below click it on 执行率 and check 报告详情
    for path in ("", "data"):
        page.goto(f"{server}/{path}")
        settle(page)
        sidebar = page.locator("[data-testid='stSidebar']")
        expect(sidebar.get_by_role("button", name="导出简报PDF")).to_be_visible()


def test_brief_pdf_downloads_for_the_selection(server, page, tmp_path):  # noqa: F811
    from pypdf import PdfReader

    page.goto(f"{server}/execution?program=LZ2022-YJJ")
    settle(page)
    target = _download(page, "导出简报PDF", tmp_path)
    assert target.suffix == ".pdf" and "LZ2022-YJJ" in target.name
    data = target.read_bytes()
    assert data.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).replace("\n", "")
    assert "范围：兰州新区应急管理局部门本级预算" in text
    assert "7,750.69" in text and "99.60%" in text


def test_word_draft_downloads_on_reports(server, page, tmp_path):  # noqa: F811
    from docx import Document

    page.goto(f"{server}/reports?program=LN2023-WHP&reports_view=" + quote("表格与报告下载"))
    settle(page)
    target = _download(page, "下载自评报告草稿（Word）", tmp_path)
    assert target.suffix == ".docx"
    doc = Document(str(target))
    heads = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert "一、绩效目标分解下达情况" in heads and "五、其他需要说明的问题" in heads


def test_old_overview_address_lands_on_the_overview_without_a_dialog(server, page):  # noqa: F811
    page.goto(f"{server}/overview?program=LZ2022-YJJ")
    settle(page)
    expect(page.locator("h1").first).to_have_text("总览")
    assert page.get_by_text("Page not found").count() == 0
    assert page.locator("[role='dialog']").count() == 0
    expect(page.locator("[data-testid='stMetric']").first).to_contain_text("7,750.69")
    assert "program=LZ2022-YJJ" in page.url


def test_brief_headline_follows_the_year_choice_of_the_overview(server, page, tmp_path):  # noqa: F811
    from pypdf import PdfReader

    page.goto(f"{server}/")
    settle(page)
    data = _download(page, "导出简报PDF", tmp_path).read_bytes()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).replace("\n", "")
    # as 总览's cards: 2023 alone, the report's own 33% beside the computed 18.18%
    assert "2023年预算总额（亿元）" in text and "18.18%" in text and "报告 33%（中央补助 2,450 ÷ 7,500）" in text
    assert "全部年度合计" not in text
    page.get_by_text("全部年度合计").first.click()
    settle(page)
    data = _download(page, "导出简报PDF", tmp_path).read_bytes()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).replace("\n", "")
    assert "全部年度合计预算总额（亿元）" in text and "42.80%" in text
