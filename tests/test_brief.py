"""The PDF brief: its figures from the shipped dataset, its HTML, the PDF Chromium prints (read
back with pypdf), the CLI, and the message where Chromium or the fonts are missing.

The figures are the source reports' (../shared/seeds): Lanzhou's department budget 7,750.69 万元,
executed 7,719.74 万元 (99.60%; the report says 99.36%), 9 projects rated 优 7 / 良 1 / 中 1.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import make_workbook

from lib import cli
from lib.analysis import checks
from lib.filters import Filters
from lib.outputs import brief
from lib.store import open_store

CHROMIUM = "/usr/bin/chromium"
LANZHOU = Filters(program_id="LZ2022-YJJ")
needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists() and not os.environ.get("CI"),
                                    reason="Chromium not installed (apt-get install chromium fonts-noto-cjk)")


@pytest.fixture(scope="module")
def db_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("brief") / "brief.duckdb"
    open_store(path).close()  # built from data/ as the app does on first start
    return path


@pytest.fixture(scope="module")
def store(db_path):
    s = open_store(db_path)
    yield s
    s.close()


@pytest.fixture(scope="module")
def lanzhou_pdf(store):
    return brief.write_pdf(store, LANZHOU)


def pdf_text(data: bytes) -> list[str]:
    """Each page's text, as a search or a copy from the PDF gets it."""
    import io

    from pypdf import PdfReader

    return [p.extract_text() for p in PdfReader(io.BytesIO(data)).pages]


def test_lanzhou_headline_in_wan_and_the_computed_rate(store):
    data = brief.brief_data(store, LANZHOU)
    assert data["scope"] == "兰州新区应急管理局部门本级预算"
    assert data["version"].startswith("数据版本 v1（")
    assert data["unit"] == "万元"
    assert data["headline"] == {"budget": "7,750.69", "executed": "7,719.74", "rate": "99.60%",
                                "projects": "9", "programs": "1"}


def test_all_data_headline_is_the_latest_year_as_on_the_overview(store):
    data = brief.brief_data(store, Filters())
    assert data["scope"] == "全部数据"
    # 2023 only, as 总览's cards: Liaoning's 3,250 of 17,880 万元, never 2022's department added
    assert data["unit"] == "亿元"
    assert data["headline"]["budget"] == "1.79" and data["headline"]["rate"] == "18.18%"
    head = data["headlines"][0]
    assert head["prefix"] == "2023年" and len(data["headlines"]) == 1
    assert (head["count_label"], head["count_value"]) == ("分配地区数", "5 个")
    # the report's own 33% beside it, with the base it was computed on
    assert head["stated"] == "报告 33%（中央补助 2,450 ÷ 7,500） · 按全部资金 18.18%"
    assert "含 2 个预算年度（2022、2023）" in data["year_note"]
    lowest = data["lowest"][0]
    assert lowest["label"].endswith("辽宁省 地方资金") and lowest["rate_text"] == "7.71%"  # 800 / 10,380
    assert lowest["band"] == "red" and lowest["year"] == 2023
    # the report's one 33% is the central money's, not the local funds' 7.71%
    assert lowest["stated"] == "33%（为中央补助 2,450 ÷ 7,500 之数，非本项）"
    assert {d["year"] for d in data["low_projects"]} == {2022}  # the lists keep every year, named
    html = brief.render_html(data)
    assert "2023年预算总额（亿元）" in html and "报告 33%（中央补助 2,450 ÷ 7,500）" in html
    assert '<th class="nowrap">年度</th><th>事项</th>' in html and "2022年 · 气象灾害预警项目" in html


def test_a_sum_of_years_only_when_chosen_and_labelled(store):
    data = brief.brief_data(store, Filters(), "sum")
    head = data["headlines"][0]
    assert head["prefix"] == "全部年度合计" and head["budget"] == "2.56"  # 17,880 + 7,750.69 万元
    assert head["rate"] == "42.80%"  # 10,969.74 / 25,630.69
    assert "不同年度的预算相加，仅作总量参考" in data["year_note"]
    side = brief.brief_data(store, Filters(), "side")["headlines"]
    assert [(h["prefix"], h["unit"], h["budget"], h["rate"]) for h in side] == [
        ("2023年", "亿元", "1.79", "18.18%"), ("2022年", "万元", "7,750.69", "99.60%")]
    # Lanzhou's 99.36% has no base in its own figures: said so, not matched to a wrong one
    assert side[1]["stated"] == "报告 99.36%（口径未说明：7,719.74 ÷ 7,750.69 不得此数） · 按全部资金 99.60%"


def test_ratings_indicators_and_deviations_of_lanzhou(store):
    data = brief.brief_data(store, LANZHOU)
    assert data["ratings"] == [("优", 7), ("良", 1), ("中", 1), ("差", 0)]
    status = {row["level1"]: row for row in data["status"]}
    assert (status["产出指标"]["达标"], status["产出指标"]["未达标"], status["产出指标"]["其他"]) == (19, 0, 11)
    assert (status["满意度指标"]["达标"], status["满意度指标"]["未达标"]) == (5, 4)
    first = data["low_projects"][0]
    assert first["name"] == "气象灾害预警项目" and first["rate"] == "18.37%"
    assert first["reason"].startswith("2022年度，兰州新区发生新一轮疫情")
    unmet = {(d["name"], d["target"], d["actual"]) for d in data["unmet"]}
    assert ("服务对象（被诊断企业）满意度", "90%", "85%") in unmet
    assert [s["id"] for s in data["sources"]] == ["LZ2022"]


def test_audit_lists_mismatches_only(store):
    data = brief.brief_data(store, LANZHOU)
    frame = checks.findings_frame(checks.run_audit(checks.read_inputs(lambda name: store.read(name, LANZHOU))))
    expected = brief.mismatches(frame)
    assert data["n_findings"] == len(expected) > 0
    assert len(data["findings"]) == min(len(expected), brief.FINDINGS)
    records = [f["record"] for f in data["findings"]]
    assert set(records) <= set(expected["record"])
    # the department's stated 99.36% against 7719.74 / 7750.69 = 99.60%, and P07's two spending totals
    assert any("整体" in r for r in records) and any("全国自然灾害综合风险普查项目 / 共计支出" in r for r in records)
    # P08's "资金执行率为100%" is executed ÷ appropriation, an unstated base: 提示, not in the brief
    assert not any("国家西北区域应急救援中心项目" in r for r in records)


def test_mismatches_follow_certainty_where_the_audit_gives_it(store):
    frame = checks.findings_frame(checks.run_audit(checks.read_inputs(store.read)))
    frame = frame.drop(columns="certainty", errors="ignore")  # an audit that does not say how certain
    by_severity = brief.mismatches(frame)
    assert len(by_severity) == int(frame["severity"].isin(["高", "中"]).sum()) > 0
    certain = frame.assign(certainty=["不符" if i % 3 == 0 else "提示" for i in range(len(frame))])
    picked = brief.mismatches(certain)
    assert len(picked) == len(range(0, len(frame), 3))
    assert set(picked["certainty"]) == {"不符"}


def test_an_empty_selection_says_so(store):
    html = brief.render_html(brief.brief_data(store, Filters(year=1999)))
    assert "当前筛选下没有执行数据。" in html and "当前筛选下没有绩效指标。" in html
    assert "None" not in html and "nan" not in html.lower().replace("nanjing", "")


def test_data_text_is_never_markup(tmp_path, minimal_tables):
    tables = minimal_tables()
    tables["projects"][0]["project_name"] = '<img src=x onerror=alert(1)>监测'
    tables["projects"][0]["budget"] = 100  # lowest execution: the name is drawn in the chart too
    s = open_store(tmp_path / "x.duckdb", seed=False)
    try:
        s.import_files([("x.xlsx", make_workbook(tmp_path, tables))])
        html = brief.render_html(brief.brief_data(s, Filters()))
    finally:
        s.close()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;监测" in html


@needs_chromium
def test_pdf_is_a4_with_embedded_fonts_page_numbers_and_the_figures(lanzhou_pdf):
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(lanzhou_pdf))
    assert len(reader.pages) >= 2
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (596, 843)  # A4 pt
    pages = pdf_text(lanzhou_pdf)
    first = pages[0]
    assert "预算绩效自评简报" in first and "兰州新区应急管理局部门本级预算" in first
    for figure in ("7,750.69", "7,719.74", "99.60%", "9 个"):
        assert figure in first
    # the execution chart's bars are vector drawings labelled in text: rate and band per record
    assert "气象灾害预警项目 18.37% 红色预警" in first
    for n, text in enumerate(pages, start=1):
        assert f"第 {n} 页 / 共 {len(pages)} 页" in text
    every = "".join(pages).replace("\n", "")
    # the text layer names ideographs, not the radicals Noto CJK shares glyphs with (部⻔, 执⾏)
    assert not [ch for ch in every if 0x2E80 <= ord(ch) <= 0x2FDF]
    assert "部门" in first and "执行率" in first and "第 1 页" in first
    assert "六、核查发现的不符" in every and "七、来源报告" in every
    assert "兰州新区应急管理局2022年度部门本级预算绩效自评工作总结" in every
    fonts = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts.append(font)
    assert fonts
    for font in fonts:  # every font is carried in the file: glyph programs (Type 3) or a font file
        if font["/Subtype"] == "/Type3":
            assert font["/CharProcs"] and "/ToUnicode" in font
        else:
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    # no raster images: the charts are paths and text
    for page in reader.pages:
        xobjects = page["/Resources"].get("/XObject", {})
        assert all(x.get_object().get("/Subtype") != "/Image" for x in xobjects.values())


def test_missing_chromium_says_what_to_install(store, monkeypatch, capsys, db_path, tmp_path):
    monkeypatch.setenv("JIXIAO_CHROMIUM", str(tmp_path / "no-chromium"))
    problem = brief.renderer_problem()
    assert problem and "apt-get install chromium fonts-noto-cjk" in problem
    with pytest.raises(brief.BriefUnavailable, match="apt-get install chromium fonts-noto-cjk"):
        brief.render_pdf("<p>x</p>")
    out = tmp_path / "b.pdf"
    assert cli.main(["report", "--format", "pdf", "--db", str(db_path), "--out", str(out)]) == 2
    assert "apt-get install chromium fonts-noto-cjk" in capsys.readouterr().err
    assert not out.exists()


@needs_chromium
@pytest.mark.parametrize("where", [[], ["region=沈阳市"], ["project_id=LZ2022-P04", "year=2022"]])
def test_cli_writes_the_pdf_for_any_filter(db_path, tmp_path, where, capsys):
    out = tmp_path / "brief.pdf"
    args = ["report", "--format", "pdf", "--db", str(db_path), "--out", str(out)]
    for item in where:
        args += ["--where", item]
    assert cli.main(args) == 0, capsys.readouterr().err
    text = "".join(pdf_text(out.read_bytes())).replace("\n", "")
    scope = {(): "全部数据", ("region=沈阳市",): "沈阳市",
             ("project_id=LZ2022-P04", "year=2022"): "2022年 · 气象灾害预警项目"}[tuple(where)]
    assert f"范围：{scope}" in text


def test_cli_rejects_a_column_that_is_not_a_filter(db_path, capsys):
    assert cli.main(["report", "--db", str(db_path), "--where", "budget=1"]) == 2
    assert "year, program_id, region, project_id" in capsys.readouterr().err


def test_radicals_in_the_text_layer_become_their_ideographs():
    assert chr(brief.unified(0x2ED4)) == "门"  # ⻔ (CJK Radicals Supplement)
    assert chr(brief.unified(0x2F8F)) == "行"  # ⾏ (Kangxi radical)
    assert chr(brief.unified(ord("页"))) == "页"
    cmap = b"2 beginbfchar\n<C1> <2EDA>\n<C2> <8D44>\nendbfchar\n1 beginbfrange\n<01> <02> <2F8F>\nendbfrange"
    assert brief._fix_cmap(cmap) == (b"2 beginbfchar\n<C1> <9875>\n<C2> <8D44>\nendbfchar\n"
                                     b"1 beginbfrange\n<01> <02> <884C>\nendbfrange")
