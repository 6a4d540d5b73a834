"""Real report files for the tests: a text written as .docx (python-docx) and as a PDF printed by
Debian Chromium (Playwright page.pdf), one paragraph per line of the text."""

from __future__ import annotations

import html
from pathlib import Path

import docx


def docx_file(text: str, path: Path) -> Path:
    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    document.save(path)
    return path


def pdf_file(text: str, path: Path, chromium=None) -> Path:
    """The text printed to an A4 PDF by Debian Chromium: in ``chromium`` (a Playwright Browser)
    where the test holds one already (Playwright's sync API runs one at a time), else in one
    started for it."""
    if chromium is not None:
        return _print_pdf(chromium, text, path)
    from browser import launch, require_chromium

    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        try:
            return _print_pdf(browser, text, path)
        finally:
            browser.close()


def _print_pdf(browser, text: str, path: Path) -> Path:
    body = "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip())
    page_html = ("<html><head><meta charset='utf-8'><style>body{font-family:'Noto Sans CJK SC';font-size:12pt}"
                 f"</style></head><body>{body}</body></html>")
    page = browser.new_page()
    try:
        page.set_content(page_html)
        page.pdf(path=str(path), format="A4")
    finally:
        page.close()
    return path
