"""Build the multi-year demo dataset from published reports, with the product's own intake.

    python data/multiyear/build.py          (run from the repository root)

writes data/multiyear/yunnan_aviation_fire_2020_2024.xlsx: 云南省应急管理厅's 中央自然灾害救灾资金
(森林草原航空消防) in 2020, 2021, 2022 and 2024, one program a year, all of one lineage (跨年度编号
YN-HKXF). Each year is its report's text as stored (data/multiyear/sources/*.txt, the address on
the first line), read by lib.intake.report.read_report into a draft, then reviewed: the
corrections below are every change made to a draft, each written into the row's note
("复核：…"), so a figure is the reader's unless a note says otherwise and every figure keeps the
sentence it came from (原文句子). No report of 2023 of this fund was found (the stored 2023 report
opens with another fund), so 2024 has no previous year and shows no 同比.

Deterministic: the same sources give the same cells.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from lib.intake.report import read_report  # noqa: E402
from lib.outputs.draft import draft_tables  # noqa: E402
from lib.outputs.template import write_workbook  # noqa: E402

HERE = Path(__file__).resolve().parent
OUT = HERE / "yunnan_aviation_fire_2020_2024.xlsx"
LINEAGE = "YN-HKXF"
DEPARTMENT = "云南省应急管理厅"
REGION = "云南省"
YEARS = (2020, 2021, 2022, 2024)
# The department is named by the 2021 report; the others are published on its site (yjglt.yn.gov.cn).
DEPT_NOTE = "复核：主管部门据发布网站（云南省应急管理厅 yjglt.yn.gov.cn）补填"
NAMES = {
    2020: ("中央自然灾害(森林草原航空消防补助)救灾资金",
           "复核：名称取第一节标题（存储页面缺左括号：“中央自然灾害森林草原航空消防补助)救灾资金”）"),
    2021: ("中央自然灾害(森林草原航空消防补助)救灾资金",
           "复核：名称取第一节标题（草稿取了报告总标题）"),
    2022: ("中央自然灾害救灾资金(森林草原航空消防租机补助经费)",
           "复核：名称取第一节标题（草稿取了报告总标题）"),
    2024: ("中央自然灾害救灾资金(森林草原航空消防租机补助经费)",
           "复核：名称取第一节标题（存储页面未载标题行）"),
}


def _note(row: dict, text: str) -> None:
    row["note"] = f"{row['note']}；{text}" if row.get("note") else text


def _review(year: int, tables: dict[str, list[dict]], sentence_of) -> None:
    """The review of one year's draft: every change, with its reason in the row's note."""
    program = tables["programs"][0]
    name, why = NAMES[year]
    program["program_name"] = name
    _note(program, why)
    program["lineage_id"] = LINEAGE
    if program.get("department") != DEPARTMENT:
        program["department"] = DEPARTMENT
        program["note"] = DEPT_NOTE  # replaces the draft's 报告未写明主管部门，请补填
    if program.get("region") != REGION:
        program["region"] = REGION
        _note(program, "复核：地区据报告正文（“云南省及时将绩效目标进行分解下达”）补填")
    if year == 2020:
        for row in tables["indicators"]:
            if row["level3"] == "租机数量":
                row["level2"] = "数量指标"
            elif row["level3"] in ("年森林火灾发生率", "森林火灾受害率"):
                row["level1"], row["level2"] = "效益指标", "生态效益指标"
                _note(row, "复核：一级指标改为效益指标（原文在“2)效益指标 生态效益指标”之下）")
            elif row["level1"] == "满意度指标":
                row["level2"] = "服务对象满意度指标"
                row["level3"] = "基层群众对森林草原航空消防项目的满意度"
                row["target"] = "≥80%"
                row["note"] = ("复核：指标名称与指标值据原文“满意度需达到80%以上”"
                               "（草稿截断了名称、未读指标值）")
    if year == 2022:
        for row in tables["indicators"]:
            row["level2"] = "数量指标"
    if year == 2024:
        # the draft read 财政部下达11682万元 as an indicator, the 14856.17 total as the central
        # budget, and missed the 中央 allocation and the program's own execution line
        tables["indicators"] = []
        for row in tables["stated_figures"]:
            if row["metric"] == "到位资金":
                row["fund_source"], row["aggregate"] = None, "无"
                _note(row, "复核：14856.17万元为中央与省级合计，不是中央补助")
        central = sentence_of("财政部下达11682万元")
        tables["allocations"].append({
            "program_id": program["program_id"], "region": REGION, "fund_source": "中央补助",
            "amount": 11682.0, "source_ref": central[1], "sentence": central[0],
            "note": "复核：草稿把此句读作指标，改记为中央补助分配",
        })
        for row in tables["allocations"]:
            if row["region"] != REGION:
                row["region"] = REGION
                row["note"] = "复核：报告只分来源、未分地区：记在本资金所属地区云南省"
        for row in tables["execution"]:
            if row.get("fund_source") == "中央补助":
                row["budget"] = 11682.0
                _note(row, "复核：中央补助预算数为财政部下达11682万元（草稿取了两项合计14856.17万元）")
        total = sentence_of("实际形成支出14474.11553万元")
        tables["execution"].append({
            "program_id": program["program_id"], "as_of": tables["execution"][0]["as_of"],
            "budget": 14856.17, "executed": 14474.11553, "stated_execution_rate": 0.9743,
            "source_ref": total[1], "sentence": total[0],
            "note": "复核：资金整体执行：预算14856.17万元（中央11682 + 省级3174.17），支出率97.43%",
        })


def _one_source_name(tables: dict[str, list[dict]]) -> None:
    """The provincial money under one name within a year: the draft called the same 省级配套资金
    地方资金 in the stated figure and the execution line but 省级资金 in the allocation, so 核查 R2
    found no allocation for the stated figure."""
    named = {r.get("fund_source") for r in tables["stated_figures"] + tables["execution"]}
    if "地方资金" in named:
        for row in tables["allocations"]:
            if row["fund_source"] == "省级资金":
                row["fund_source"] = "地方资金"
                _note(row, "复核：资金来源与同年报告声明数、执行记录一致记为地方资金（省级配套）")


def _sources_as_stated(tables: dict[str, list[dict]]) -> None:
    """Per-source execution rows beside the program's own total of the same date become stated
    figures: Store.program_totals adds up every program-wide row of the latest date, so keeping
    both would count the money twice (10441 + 8353 + 2088); the sentence and figures stay."""
    execution = tables["execution"]
    if not any(r.get("fund_source") is None and r.get("region") is None for r in execution):
        return
    seq = max((r["seq"] for r in tables["stated_figures"]), default=0)
    kept = []
    for row in execution:
        if row.get("fund_source") is None:
            kept.append(row)
            continue
        seq += 1
        tables["stated_figures"].append({
            "program_id": row["program_id"], "seq": seq, "region": row.get("region"),
            "fund_source": row["fund_source"], "metric": f"{row['fund_source']}执行数",
            "value": row["executed"], "unit": "万元", "aggregate": "无", "text": f"{row['executed']}万元",
            "source_ref": row["source_ref"], "sentence": row["sentence"],
            "note": "复核：分来源执行数记为报告声明数（资金整体执行另有一行，免得合计重复计算）",
        })
    tables["execution"] = kept


def _ids(year: int, tables: dict[str, list[dict]]) -> None:
    """Readable ids: YN<year>-HKXF for the program, YN<year>R for its source."""
    old_program = tables["programs"][0]["program_id"]
    old_source = tables["sources"][0]["source_id"]
    program_id, source_id = f"YN{year}-HKXF", f"YN{year}R"
    for rows in tables.values():
        for row in rows:
            if row.get("program_id") == old_program:
                row["program_id"] = program_id
            if row.get("source_id") == old_source:
                row["source_id"] = source_id
            if isinstance(row.get("source_ref"), str):
                row["source_ref"] = row["source_ref"].replace(old_source, source_id)


def year_tables(year: int) -> dict[str, list[dict]]:
    """One year's reviewed rows (storage names of lib/intake/workbook_spec.py)."""
    path = HERE / "sources" / f"yunnan_aviation_fire_{year}.txt"
    text = path.read_text(encoding="utf-8")
    draft = read_report(text, path.name)
    tables = draft_tables(draft)

    def sentence_of(phrase: str) -> tuple[str, str]:
        for rows in draft.tables.values():
            for row in rows:
                if phrase in str(row.get("sentence") or "").replace("【", "").replace("】", ""):
                    return row["sentence"], row["source_ref"]
        raise LookupError(f"{path.name}: no drafted sentence has {phrase!r}")

    _review(year, tables, sentence_of)
    _one_source_name(tables)
    _sources_as_stated(tables)
    _ids(year, tables)
    return tables


def build() -> dict[str, list[dict]]:
    merged: dict[str, list[dict]] = {}
    for year in YEARS:
        for table, rows in year_tables(year).items():
            merged.setdefault(table, []).extend(rows)
    return merged


def main() -> None:
    path = write_workbook(OUT, build(), guide=False)
    print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
