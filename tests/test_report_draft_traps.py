"""The traps of DOMAIN.md "Reading figures out of report text", one report each (tests/reports/).

The reports are written for these tests, in the style of the seeds, with the figures a clerk
writes: 亿元 and a bare 万, a document number run into its amount, a difference from a control
target, a rate against funds received, spaces from PDF conversion, a year range, traditional
characters.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lib.intake.report import read_report
from lib.outputs.draft import write_draft
from lib.store import open_store

REPORTS = Path(__file__).resolve().parent / "reports"


@pytest.fixture(scope="module")
def transfer():
    return read_report((REPORTS / "transfer_traps.txt").read_text(encoding="utf-8"), "transfer_traps.txt")


@pytest.fixture(scope="module")
def department():
    return read_report((REPORTS / "department_traditional.txt").read_text(encoding="utf-8"),
                       "department_traditional.txt")


def _stated(draft, value, unit="万元"):
    return [s for s in draft.tables["stated_figures"] if s["value"] == pytest.approx(value) and s["unit"] == unit]


def test_units_yi_and_a_bare_wan(transfer):
    assert _stated(transfer, 12000)[0]["text"] == "1.2亿元"  # 1.2亿元 = 12000 万元
    alloc = {a["region"]: a for a in transfer.tables["allocations"]}
    assert (alloc["水东县"]["amount"], alloc["水西县"]["amount"]) == (8000, 4000)  # "水东县8000万"
    assert alloc["水东县"]["fund_source"] == "中央补助"
    assert alloc["水东县"]["doc_no"] == "某财社〔2024〕88号"  # spaces inside the document number removed


def test_spaces_inside_numbers(transfer):
    assert _stated(transfer, 12600), "12 600万元 is one amount"
    local = next(e for e in transfer.tables["execution"] if e["fund_source"] == "地方资金")
    assert (local["budget"], local["executed"], local["stated_execution_rate"]) == (600, 450, 0.75)
    assert transfer.tables["programs"][0]["doc_no"] == "财社〔2024〕61号"


def test_rate_against_funds_received_is_not_the_execution_rate(transfer):
    central = next(e for e in transfer.tables["execution"] if e["fund_source"] == "中央补助")
    assert (central["budget"], central["executed"]) == (12000, 9600)
    assert central["stated_execution_rate"] is None  # 80% is against 到位资金
    rate = _stated(transfer, 80, "%")[0]
    assert "到位" in rate["metric"] and "不是执行率" in rate["note"]
    assert "到位" in _stated(transfer, 100, "%")[0]["note"]


def test_document_number_run_into_the_amount(transfer):
    # 8000 = 5000 + 3000 settles "财建〔20202185000万元" as 〔2020〕218号 + 5000万元
    assert _stated(transfer, 5000)[0]["metric"] == "财建〔2020〕218号"
    assert any("财建〔2020〕218号" in n for n in transfer.notes)
    # nothing settles "财建〔20211001200万元": listed for review, no amount invented
    run = [u for u in transfer.unplaced if u.figure == "财建〔20211001200万元"]
    assert run and "文号与金额连在一起" in run[0].reason
    assert not _stated(transfer, 1200) and not _stated(transfer, 100) and not _stated(transfer, 1001200)


def test_difference_from_a_control_target_is_not_a_target(transfer):
    cost = next(i for i in transfer.tables["indicators"] if i["level3"] == "人均救助成本")
    assert (cost["target"], cost["actual"]) == (None, "480元")
    assert any(u.figure == "20元" and "差额" in u.reason for u in transfer.unplaced)
    timely = next(i for i in transfer.tables["indicators"] if i["level3"] == "救助资金发放及时率")
    assert (timely["level2"], timely["target"], timely["actual"]) == ("时效指标", "≥95%", "98%")
    satisfaction = next(i for i in transfer.tables["indicators"] if i["level1"] == "满意度指标")
    assert (satisfaction["target"], satisfaction["actual"]) == ("90%", "92%")


def test_year_range_is_not_an_amount(transfer):
    figures = [s["text"] for s in transfer.tables["stated_figures"]] + [u.figure for u in transfer.unplaced]
    assert not any("2023" in f or "2024" in f for f in figures)


def test_traditional_characters(department):
    program = department.tables["programs"][0]
    assert (program["program_kind"], program["year"], program["department"]) == ("部门预算", 2023, "某县应急管理局")
    (project,) = department.tables["projects"]
    assert (project["budget_initial"], project["budget"], project["appropriation"], project["executed"]) == (20, 25, 24, 24)
    assert (project["stated_execution_rate"], project["stated_score"], project["stated_rating"]) == (0.96, 96, "优")
    parts = {p["part"]: (p["weight"], p["stated_score"]) for p in department.tables["score_parts"]}
    assert parts == {"产出指标": (50, 50), "满意度指标": (10, 9)}
    satisfaction = next(i for i in department.tables["indicators"] if i["level1"] == "满意度指标")
    assert (satisfaction["target"], satisfaction["actual"], satisfaction["stated_score"]) == ("98%", "96%", 9)


def test_counts_are_not_money(department):
    assert not _stated(department, 5) and not _stated(department, 50000)  # 5万余条 sandbags are not 5万元
    assert _stated(department, 1200, "件")  # "1 200件"
    assert _stated(department, 25)[0]["metric"] == "项目经费"


def test_trap_drafts_load(tmp_path, transfer, department):
    files = [(f"{name}.xlsx", write_draft(draft, tmp_path / f"{name}.xlsx"))
             for name, draft in (("t", transfer), ("d", department))]
    store = open_store(tmp_path / "traps.duckdb", seed=False)
    try:
        assert len(store.import_files(files).programs) == 2
    finally:
        store.close()
