"""Drafts from the two shipped reports, measured against their hand transcription (data/*.xlsx).

The reader never sees the transcription: it reads the report text (tests/reports/seeds/, copies of
../shared/seeds/*.txt); the comparison
(tests/report_recall.py) matches records by what the report says about them, not by id.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import report_recall  # tests/ is on the path

from lib.intake.report import read_report
from lib.intake.workbook import read_workbook
from lib.outputs.draft import draft_tables, write_draft
from lib.store import open_store

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "tests" / "reports" / "seeds"  # copies of ../shared/seeds/*.txt, the source reports
PAIRS = [("000_305319caaa668474.txt", "liaoning_2023_hazchem.xlsx"),
         ("002_ecff5fb308d9a00b.txt", "lanzhou_2022_emergency.xlsx")]


def _draft(txt: str):
    return read_report((SEEDS / txt).read_text(encoding="utf-8"), txt)


@pytest.mark.parametrize(("txt", "gold_file"), PAIRS)
def test_draft_reproduces_the_transcription(txt, gold_file, capsys):
    gold = read_workbook(ROOT / "data" / gold_file).tables
    results = report_recall.compare(gold, draft_tables(_draft(txt)))
    with capsys.disabled():
        print("\n" + report_recall.table_text(f"{txt} vs data/{gold_file}", results))
    gold_n = sum(r.gold for r in results.values())
    found = sum(r.found for r in results.values())
    assert [w for r in results.values() for w in r.wrong] == []
    assert found / gold_n >= 0.90, f"{found}/{gold_n}"


def test_lanzhou_projects_come_out_with_their_figures():
    draft = _draft(PAIRS[1][0])
    projects = {p["project_name"]: p for p in draft.tables["projects"]}
    assert len(projects) == 9
    p01 = projects["档案整理专项"]
    assert (p01["budget"], p01["appropriation"], p01["executed"]) == (16, 15.14353, 15.14353)
    assert p01["stated_execution_rate"] == pytest.approx(0.9465)
    assert (p01["stated_score"], p01["stated_rating"]) == (94, "优")
    assert p01["sentence"].startswith("（1）项目支出预算执行情况：当年财政预算16万元")
    p08 = projects["国家西北区域应急救援中心项目"]
    assert p08["budget"] == 6116.3  # "6116.3万" / "元" split by a page break, joined again
    items = [(i["item"], i["amount"]) for i in draft.tables["spending_items"] if i["project_id"] == p08["project_id"]]
    assert items == [("土地款", 5320), ("城市基础设施配套费", 532.6), ("耕地占用税", 263.69)]


def test_liaoning_allocations_per_city_and_source():
    draft = _draft(PAIRS[0][0])
    alloc = {(a["region"], a["fund_source"]): a for a in draft.tables["allocations"]}
    assert alloc[("沈阳市", "中央补助")]["amount"] == 1500
    assert alloc[("沈阳市", "中央补助")]["doc_no"] == "辽财指环〔2023〕356号"
    assert alloc[("葫芦岛市", "地方资金")]["amount"] == 2766
    assert sum(a["amount"] for a in draft.tables["allocations"]) == 17880
    program = draft.tables["programs"][0]
    assert (program["year"], program["doc_no"], program["sub_doc_no"]) == (2023, "财资环〔2023〕48号", "辽财指环〔2023〕356号")
    central = next(e for e in draft.tables["execution"] if e["fund_source"] == "中央补助")
    assert (central["budget"], central["executed"], central["stated_execution_rate"]) == (7500, 2450, 0.33)
    assert "中央补助资金支出2450万元" in central["sentence"]
    # every record names its section
    assert all(r["source_ref"].startswith(draft.tables["sources"][0]["source_id"] + " §")
               for t, rows in draft.tables.items() if t != "sources" for r in rows)


def test_both_drafts_load_with_lib_cli_load(tmp_path):
    files = []
    for txt, _ in PAIRS:
        out = write_draft(_draft(txt), tmp_path / f"{txt}.xlsx")
        files.append((out.name, out))
    store = open_store(tmp_path / "draft.duckdb", seed=False)
    try:
        result = store.import_files(files)
        assert len(result.programs) == 2
        rows = store.read("v_projects")
        assert round(float(rows["budget"].sum()), 5) == 7140.3  # the nine projects as stated
        sentences = store.query("SELECT sentence FROM allocations WHERE region = ?", ["沈阳市"])
        assert all("1500万元" in s for s in sentences["sentence"])
    finally:
        store.close()


def test_a_database_from_before_the_sentence_column_takes_a_draft(tmp_path):
    db = tmp_path / "old.duckdb"
    store = open_store(db, seed=True)
    for table in ("programs", "projects", "allocations", "execution", "progress", "indicators", "score_parts",
                  "spending_items", "stated_figures"):  # the schema as it was: no 原文句子
        store._con.execute(f"ALTER TABLE {table} DROP COLUMN sentence")
        store._con.execute(f"ALTER TABLE archive_{table} DROP COLUMN sentence")
    store.close()
    store = open_store(db, seed=False)
    try:
        out = write_draft(_draft(PAIRS[0][0]), tmp_path / "ln.xlsx")
        store.import_files([(out.name, out)])
        assert "sentence" in store.columns("allocations")
        rollback = store.rollback(1)  # the shipped data, archived before the column existed
        assert rollback.version_id == 3
    finally:
        store.close()
