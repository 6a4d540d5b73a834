"""The three readers end to end: a seed report as .docx (python-docx) and as a PDF printed by
Chromium (Playwright page.pdf, read back with pypdf) drafts as well as its .txt."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
import report_recall
from report_files import docx_file, pdf_file

from lib.intake.report import read_report
from lib.intake.report.files import ReportFileError, read_text
from lib.intake.workbook import read_workbook
from lib.outputs.draft import draft_tables

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "tests" / "reports" / "seeds"
PAIRS = [("000_305319caaa668474.txt", "liaoning_2023_hazchem.xlsx"),
         ("002_ecff5fb308d9a00b.txt", "lanzhou_2022_emergency.xlsx")]


def _recall(path: Path, gold_file: str) -> tuple[float, list[str]]:
    text = read_text(path.name, path.read_bytes())
    results = report_recall.compare(read_workbook(ROOT / "data" / gold_file).tables,
                                    draft_tables(read_report(text, path.name)))
    gold = sum(r.gold for r in results.values())
    return sum(r.found for r in results.values()) / gold, [w for r in results.values() for w in r.wrong]


@pytest.mark.parametrize(("txt", "gold_file"), PAIRS)
def test_docx_drafts_like_the_text(tmp_path, txt, gold_file):
    path = docx_file((SEEDS / txt).read_text(encoding="utf-8"), tmp_path / "report.docx")
    recall, wrong = _recall(path, gold_file)
    assert wrong == [] and recall >= 0.90


@pytest.mark.parametrize(("txt", "gold_file"), PAIRS)
def test_pdf_drafts_like_the_text(tmp_path, txt, gold_file):
    path = pdf_file((SEEDS / txt).read_text(encoding="utf-8"), tmp_path / "report.pdf")
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
