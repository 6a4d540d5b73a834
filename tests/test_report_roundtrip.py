"""Round trips of the report reader.

1. At scale: 1,000 synthetic reports written in the phrasings of the corpus (tests/report_synth.py:
   every role in each of its observed shapes, sections in varying order, 元 / 万元 / 亿元, rates over
   the budget or over funds received, sub-project lists, region lists with a word between place
   and amount) draft back with ≥ 98 % of their figures in the right column and none misplaced.
2. The Word 自评报告 the product writes for each shipped program drafts back to the stored figures.
"""

from __future__ import annotations

import docx
import pytest
import report_corpus as rc
import report_synth

from lib.filters import Filters
from lib.intake.report import read_report
from lib.intake.report.files import read_text
from lib.outputs import report_docx
from lib.store import open_store


def test_a_thousand_synthetic_reports_draft_back_to_their_figures(capsys):
    reports = [rc.Report(e["id"], text, e, "") for text, e in report_synth.generate(1000)]
    total = rc.measure(reports)["open"]
    with capsys.disabled():
        print(f"\nsynthetic: {total.total(total.found)}/{total.total(total.expected)} = {total.recall:.2%}, "
              f"misplaced {total.total(total.misplaced)}")
    assert total.recall >= 0.98
    assert total.total(total.misplaced) == 0
    # every role the generator writes is read, in each of its shapes
    for role, n in total.expected.items():
        assert total.found.get(role, 0) / n >= 0.95, role


def test_the_generator_writes_money_in_every_unit_and_rates_over_both_bases():
    texts = [t for t, _ in report_synth.generate(200)]
    assert any("亿元" in t for t in texts) and any(t.count("元") > t.count("万元") for t in texts)
    bases = {e["headline"]["rate_base"] for _, e in report_synth.generate(200)}
    assert bases == {"budget", "received"}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = open_store(tmp_path_factory.mktemp("roundtrip") / "shipped.duckdb")
    yield s
    s.close()


def _redraft(store, program_id: str):
    data = report_docx.write_docx(store, Filters(program_id=program_id))
    return read_report(read_text(f"{program_id}.docx", data), f"{program_id}.docx")


def test_the_word_report_of_the_department_drafts_back_to_its_figures(store):
    draft = _redraft(store, "LZ2022-YJJ")
    program = draft.tables["programs"][0]
    assert (program["year"], program["program_kind"]) == (2022, "部门预算")
    head = [r for r in draft.tables["execution"] if not r.get("project_id")]
    assert [(r["budget"], r["executed"], r["stated_execution_rate"]) for r in head] == [(7750.69, 7719.74, 0.9936)]
    stored = store.query("SELECT project_name, budget, executed FROM projects WHERE program_id = ?", ["LZ2022-YJJ"])
    drafted = {r["project_name"]: r for r in draft.tables["projects"]}
    assert len(drafted) == len(stored) == 9
    for name, budget, executed in zip(stored["project_name"], stored["budget"], stored["executed"], strict=True):
        row = next(r for n, r in drafted.items() if rc.similar(n, name) >= 0.8)
        # the Word report writes money to 2 decimals (15.14353 → 15.14)
        assert abs(row["budget"] - budget) <= 0.005 and abs(row["executed"] - executed) <= 0.005, name


def test_the_word_report_of_the_transfer_drafts_back_to_its_execution_and_allocations(store):
    draft = _redraft(store, "LN2023-WHP")
    by_source = {r["fund_source"]: (r["budget"], r["executed"]) for r in draft.tables["execution"]}
    assert by_source == {"中央补助": (7500.0, 2450.0), "地方资金": (10380.0, 800.0)}
    stored = store.query("SELECT region, fund_source, amount FROM allocations WHERE program_id = ?", ["LN2023-WHP"])
    drafted = {(r["region"], r["fund_source"]): r["amount"] for r in draft.tables["allocations"]}
    for region, source, amount in zip(stored["region"], stored["fund_source"], stored["amount"], strict=True):
        assert abs(drafted[(region, source)] - amount) <= 0.005, (region, source)


def test_a_word_table_keeps_two_equal_figures_side_by_side(tmp_path):
    """A merged cell is one cell; two cells that hold the same figure (budget 80, executed 80) are two."""
    document = docx.Document()
    table = document.add_table(rows=2, cols=4)
    for c, text in enumerate(("项目", "全年预算数", "全年执行数", "执行率")):
        table.cell(0, c).text = text
    for c, text in enumerate(("安责险试点专项经费", "80", "80", "100%")):
        table.cell(1, c).text = text
    merged = document.add_table(rows=1, cols=3)
    merged.cell(0, 0).merge(merged.cell(0, 1)).text = "合并单元格"
    merged.cell(0, 2).text = "5万元"
    document.save(tmp_path / "t.docx")
    text = read_text("t.docx", (tmp_path / "t.docx").read_bytes())
    assert "安责险试点专项经费，80，80，100%。" in text
    assert "合并单元格，5万元。" in text
