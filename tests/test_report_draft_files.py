"""The three readers end to end: a seed report as .docx (python-docx) and as a PDF printed by
Chromium (Playwright page.pdf, read back with pypdf) drafts as well as its .txt."""

from __future__ import annotations

import html
import os
from pathlib import Path

import docx
import pytest
import report_recall

from lib.intake.report import read_report
from lib.intake.report.files import ReportFileError, read_text
from lib.intake.workbook import read_workbook
from lib.outputs.draft import draft_tables

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "tests" / "reports" / "seeds"
CHROMIUM = "/usr/bin/chromium"
PAIRS = [("000_305319caaa668474.txt", "liaoning_2023_hazchem.xlsx"),
         ("002_ecff5fb308d9a00b.txt", "lanzhou_2022_emergency.xlsx")]


def _docx(text: str, path: Path) -> Path:
    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    document.save(path)
    return path


def _pdf(text: str, path: Path) -> Path:
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


def _recall(path: Path, gold_file: str) -> tuple[float, list[str]]:
    text = read_text(path.name, path.read_bytes())
    results = report_recall.compare(read_workbook(ROOT / "data" / gold_file).tables,
                                    draft_tables(read_report(text, path.name)))
    gold = sum(r.gold for r in results.values())
    return sum(r.found for r in results.values()) / gold, [w for r in results.values() for w in r.wrong]


@pytest.mark.parametrize(("txt", "gold_file"), PAIRS)
def test_docx_drafts_like_the_text(tmp_path, txt, gold_file):
    path = _docx((SEEDS / txt).read_text(encoding="utf-8"), tmp_path / "report.docx")
    recall, wrong = _recall(path, gold_file)
    assert wrong == [] and recall >= 0.90


@pytest.mark.parametrize(("txt", "gold_file"), PAIRS)
def test_pdf_drafts_like_the_text(tmp_path, txt, gold_file):
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            raise RuntimeError(f"{CHROMIUM} is missing")
        pytest.skip(f"{CHROMIUM} not installed")
    path = _pdf((SEEDS / txt).read_text(encoding="utf-8"), tmp_path / "report.pdf")
    text = read_text(path.name, path.read_bytes())
    assert "⽣" in text or "生" in text  # the PDF's text layer (radicals folded by the reader)
    recall, wrong = _recall(path, gold_file)
    assert wrong == [] and recall >= 0.90


def test_docx_tables_are_read_as_sentences(tmp_path):
    document = docx.Document()
    document.add_paragraph("某县应急管理局2023年度部门整体支出绩效自评报告")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "当年财政预算"
    table.rows[0].cells[1].text = "25万元"
    document.save(tmp_path / "t.docx")
    text = read_text("t.docx", (tmp_path / "t.docx").read_bytes())
    assert "当年财政预算，25万元。" in text


def test_unreadable_files_say_why(tmp_path):
    with pytest.raises(ReportFileError, match="只能读取"):
        read_text("report.doc", b"x")
    with pytest.raises(ReportFileError, match="无法读取"):
        read_text("report.docx", b"not a zip")
    with pytest.raises(ReportFileError, match="没有文字"):
        read_text("report.txt", b"   \n")
    assert read_text("gbk.txt", "当年财政预算16万元".encode("gb18030")) == "当年财政预算16万元"
