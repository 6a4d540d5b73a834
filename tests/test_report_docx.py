"""The Word 自评报告 draft, read back with python-docx: the official sections, the figures written
into sentences (stated as stated, computed beside where they differ), the tables, the fonts.

Figures from the source reports (../shared/seeds): Lanzhou's department rate is stated 99.36%
where 7719.74 ÷ 7750.69 = 99.60%; Liaoning's local funds 33% stated where 800 ÷ 10380 = 7.71%,
its central funds 33% for 2450 ÷ 7500 = 32.67% (consistent at the stated precision).
"""

from __future__ import annotations

import io

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from lib import cli
from lib.filters import Filters
from lib.outputs import report_docx
from lib.store import open_store

SECTIONS = ["一、绩效目标分解下达情况", "二、绩效目标完成情况分析", "三、偏离绩效目标的原因和下一步改进措施",
            "四、绩效自评结果拟应用和公开情况", "五、其他需要说明的问题"]


@pytest.fixture(scope="module")
def db_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "report.duckdb"
    open_store(path).close()
    return path


@pytest.fixture(scope="module")
def store(db_path):
    s = open_store(db_path)
    yield s
    s.close()


def read(data: bytes) -> Document:
    return Document(io.BytesIO(data))


def paragraphs(doc: Document) -> list[str]:
    return [p.text for p in doc.paragraphs]


def headings(doc: Document) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]


@pytest.fixture(scope="module")
def lanzhou(store):
    return read(report_docx.write_docx(store, Filters(program_id="LZ2022-YJJ")))


@pytest.fixture(scope="module")
def liaoning(store):
    return read(report_docx.write_docx(store, Filters(program_id="LN2023-WHP")))


def test_department_report_has_the_five_sections_and_a_part_per_project(lanzhou):
    heads = headings(lanzhou)
    positions = [heads.index(s) for s in SECTIONS]
    assert positions == sorted(positions)
    projects = [h for h in heads if h[:2] in {f"{n}." for n in range(1, 10)}]
    assert projects[0] == "1. 档案整理专项" and len(projects) == 9
    assert paragraphs(lanzhou)[0] == "2022年度兰州新区应急管理局部门本级预算绩效自评报告（草稿）"


def test_department_totals_stated_with_the_computed_rate_beside(lanzhou):
    text = "\n".join(paragraphs(lanzhou))
    assert "执行率99.36%（按7719.74万元 ÷ 7750.69万元计算为99.60%）" in text
    # a project whose stated rate rounds right gets no bracket; one that does not, gets one
    assert "全年预算数16万元，全年执行数15.14万元，执行率94.65%。" in text
    assert "执行率92.75%（按46.37万元 ÷ 50万元计算为92.74%）" in text


def test_project_paragraphs_in_order_with_rating(lanzhou):
    text = paragraphs(lanzhou)
    start = text.index("1. 档案整理专项")
    block = text[start:text.index("2. 安全生产监督执法专项经费")]
    labels = [p[:3] for p in block if p.startswith("（")]
    assert labels == ["（1）", "（2）", "（3）", "（4）"]
    assert any(p.startswith("自评结果：自评得分94分，自评等级为“优”") for p in block)
    assert any("产出指标分值50分，得分47分" in p for p in block)


def test_department_budget_and_indicator_tables(lanzhou):
    budget = lanzhou.tables[0]
    assert [c.text for c in budget.rows[0].cells] == ["项目", "全年预算数（万元）", "全年执行数（万元）", "执行率"]
    assert [c.text for c in budget.rows[1].cells] == ["档案整理专项", "16.00", "15.14", "94.65%"]
    assert [c.text for c in budget.rows[8].cells] == ["国家西北区域应急救援中心项目", "6,116.30", "5,852.25", "95.68%"]
    assert len(budget.rows) == 11  # a 合计 row under the nine projects
    assert [c.text for c in budget.rows[10].cells][:3] == ["合计", "7,140.30", "6,692.37"]
    indicator_tables = [t for t in lanzhou.tables if t.rows[0].cells[0].text == "一级指标"]
    assert len(indicator_tables) == 9
    satisfaction = [[c.text for c in r.cells] for t in indicator_tables for r in t.rows if r.cells[0].text == "满意度指标"]
    assert ["满意度指标", "服务对象满意度指标", "服务企业满意度", "95%", "90%", "未达标"] in satisfaction


def test_transfer_allocations_table_and_rates(liaoning):
    table = liaoning.tables[0]
    rows = [[c.text for c in r.cells] for r in table.rows]
    assert rows[0] == ["地区", "中央补助（万元）", "地方资金（万元）", "合计（万元）"]
    assert ["沈阳市", "1,500.00", "1,511.00", "3,011.00"] in rows
    assert rows[-1] == ["合计", "7,500.00", "10,380.00", "17,880.00"]
    # figures right-aligned, the header repeated on every printed page
    assert {c.paragraphs[0].alignment for r in table.rows for c in r.cells[1:]} == {WD_ALIGN_PARAGRAPH.RIGHT}
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    # the report's money figures as a table naming each city, not a run of "省内分解下达预算 1500万元；"
    stated = next(t for t in liaoning.tables if t.rows[0].cells[0].text == "口径")
    stated_rows = [[c.text for c in r.cells][:4] for r in stated.rows]
    assert ["省内分解下达预算", "沈阳市", "中央补助", "1,500.00"] in stated_rows
    assert "报告所列资金数：" not in "\n".join(paragraphs(liaoning))
    text = "\n".join(paragraphs(liaoning))
    assert "依据财资环〔2023〕48号下达，中央补助资金7500万元。" in text
    assert "辽宁省、中央补助预算7500万元，执行2450万元，执行率33%；" in text
    assert "辽宁省、地方资金预算10380万元，执行800万元，执行率33%（按800万元 ÷ 10380万元计算为7.71%）" in text
    heads = headings(liaoning)
    assert [heads.index(s) for s in SECTIONS] == sorted(heads.index(s) for s in SECTIONS)
    # the report's own sections 四 and 五 are written under their headings
    after = text[text.index("四、绩效自评结果拟应用和公开情况"):]
    assert "2023年度，我省首次争取到中央安全生产预防和应急救援能力建设补助资金" in after


def _runs(doc: Document):
    for p in doc.paragraphs:
        yield from p.runs
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                for p in cell.paragraphs:
                    yield from p.runs


def test_every_run_names_an_east_asian_font(lanzhou):
    runs = [r for r in _runs(lanzhou) if r.text.strip()]
    assert len(runs) > 200
    fonts = {r._element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) for r in runs}
    assert fonts == {"宋体", "黑体"}
    for p in lanzhou.paragraphs:
        if p.style.name.startswith("Heading"):
            assert {r._element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) for r in p.runs} == {"黑体"}


def test_no_none_or_nan_where_a_person_reads(store):
    for filters in (Filters(), Filters(region="沈阳市"), Filters(project_id="LZ2022-P04")):
        doc = read(report_docx.write_docx(store, filters))
        text = "\n".join(paragraphs(doc) + [c.text for t in doc.tables for r in t.rows for c in r.cells])
        assert "None" not in text and "nan" not in text and "NaT" not in text


def test_one_program_per_file_latest_year_first(store):
    # both programs in the selection: the default draft is the latest year's alone
    doc = read(report_docx.write_docx(store, Filters()))
    assert paragraphs(doc)[0].startswith("2023年度中央安全生产预防和应急救援能力建设补助资金")
    assert not any("兰州新区" in h for h in headings(doc))
    other = read(report_docx.write_docx(store, Filters(), "LZ2022-YJJ"))
    assert paragraphs(other)[0] == "2022年度兰州新区应急管理局部门本级预算绩效自评报告（草稿）"
    assert list(report_docx.report_programs(store, Filters())["program_id"]) == ["LN2023-WHP", "LZ2022-YJJ"]
    assert "LZ2022-YJJ" in report_docx.file_name(Filters(), "LZ2022-YJJ")
    with pytest.raises(KeyError):
        report_docx.write_docx(store, Filters(year=2023), "LZ2022-YJJ")


def test_cli_writes_a_file_per_program(db_path, tmp_path, capsys):
    out = tmp_path / "draft.docx"
    assert cli.main(["report", "--format", "docx", "--db", str(db_path), "--out", str(out)]) == 0
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == ["draft_LN2023-WHP.docx", "draft_LZ2022-YJJ.docx"]


def test_a_project_filter_keeps_only_that_project(store):
    doc = read(report_docx.write_docx(store, Filters(project_id="LZ2022-P04")))
    heads = headings(doc)
    assert [h for h in heads if h[:2] == "1."] == ["1. 气象灾害预警项目"]
    assert not [h for h in heads if h.startswith("2. ")]


@pytest.mark.parametrize("where", [[], ["year=2022"], ["program_id=LN2023-WHP"], ["region=沈阳市"],
                                   ["project_id=LZ2022-P04"]])
def test_cli_writes_the_docx_for_any_filter(db_path, tmp_path, where, capsys):
    out = tmp_path / "report.docx"
    args = ["report", "--format", "docx", "--db", str(db_path), "--out", str(out)]
    for item in where:
        args += ["--where", item]
    assert cli.main(args) == 0, capsys.readouterr().err
    written = list(tmp_path.glob("report*.docx"))  # one file per program of the selection
    assert written and (out in written or not out.exists())
    for path in written:
        heads = headings(read(path.read_bytes()))
        assert all(s in heads for s in SECTIONS)


def test_cli_says_when_the_selection_has_no_program(db_path, tmp_path, capsys):
    out = tmp_path / "none.docx"
    assert cli.main(["report", "--format", "docx", "--db", str(db_path), "--where", "year=1999",
                     "--out", str(out)]) == 2
    assert "当前筛选下没有资金或部门预算" in capsys.readouterr().err
    assert not out.exists()
