"""Real report files for the tests: a text written as .docx (python-docx) and as a PDF printed by
Debian Chromium (Playwright page.pdf), one paragraph per line of the text."""

from __future__ import annotations

import html
import os
from pathlib import Path

import docx
import pytest

CHROMIUM = "/usr/bin/chromium"


def docx_file(text: str, path: Path) -> Path:
    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    document.save(path)
    return path


def pdf_file(text: str, path: Path) -> Path:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            raise RuntimeError(f"{CHROMIUM} is missing: .ci/run must install Debian's chromium")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    body = "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip())
    page_html = ("<html><head><meta charset='utf-8'><style>body{font-family:'Noto Sans CJK SC';font-size:12pt}"
                 f"</style></head><body>{body}</body></html>")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page()
        page.set_content(page_html)
        page.pdf(path=str(path), format="A4")
        browser.close()
    return path
