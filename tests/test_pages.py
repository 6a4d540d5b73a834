"""Every page, run server-side with streamlit.testing.v1.AppTest on the shipped dataset.

Assertions are figures from the source reports (see ../shared/seeds), so a page that renders
but shows the wrong number fails.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from conftest import figure_of, figure_text, metrics, run_page, seeded_app
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["overview", "funding", "execution", "indicators", "deviations", "reports"]
LIAONING = "LN2023-WHP"
LANZHOU = "LZ2022-YJJ"


@pytest.fixture(scope="module", autouse=True)
def seeded_db(tmp_path_factory):
    yield from seeded_app(tmp_path_factory, "pages")


def frame_with(at: AppTest, column: str):
    """The first table on the page that has the given (Chinese-labelled or storage) column."""
    for df in (d.value for d in at.dataframe):
        if column in df.columns:
            return df
    raise AssertionError(f"no table with column {column}")


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_with_title_and_sidebar_filters(page):
    at = run_page(page)
    assert at.title[0].value
    labels = [s.label for s in at.sidebar.selectbox]
    assert labels == ["年度", "资金/部门", "地区", "项目"]
    assert all(s.value is not None for s in at.sidebar.selectbox)
    assert any("数据版本 v" in c.value for c in at.caption)


def test_overview_headline_all_data_shows_the_latest_year_not_a_sum_over_years():
    at = run_page("overview")
    m = metrics(at)
    # 2023 is Liaoning's central subsidy alone: 2,450 + 800 of 7,500 + 10,380 万元, no project records
    assert m["2023年预算总额（亿元）"] == "1.79"
    assert m["2023年执行率"] == "18.18%"  # 3,250 / 17,880
    # allocated by city: the card counts the regions, never a bare 0 project that reads as missing
    assert m["2023年分配地区数"] == "5 个" and "2023年项目数" not in m
    card = next(c for c in at.metric if c.label == "2023年分配地区数")
    assert card.help == "1 项资金/部门预算未分项目填报，按 5 个地区分配下达（10 条资金分配记录）"
    assert not any(label.startswith("预算总额") for label in m)  # never the 2022 + 2023 sum unlabelled
    assert any("含 2 个预算年度（2022、2023）" in c.value for c in at.caption)
    # the report's own 33% on the rate card, with the base it was computed on
    rate = next(c for c in at.metric if c.label == "2023年执行率")
    assert rate.delta == "报告 33%（中央补助 2,450 ÷ 7,500）"
    assert any("报告 33%（中央补助 2,450 ÷ 7,500） · 按全部资金 18.18%" in c.value for c in at.caption)


def test_overview_years_side_by_side_and_the_labelled_sum():
    at = run_page("overview")
    at.radio(key="overview_year_basis").set_value("side").run()
    m = metrics(at)
    assert m["2022年预算总额（万元）"] == "7,750.69" and m["2022年执行率"] == "99.60%"
    assert m["2022年项目数"] == "9 个" and m["2023年执行率"] == "18.18%"
    at.radio(key="overview_year_basis").set_value("sum").run()
    m = metrics(at)
    # Liaoning 2450 + 800 of 7500 + 10380; Lanzhou department 7719.74 of 7750.69
    assert m["全部年度合计预算总额（亿元）"] == "2.56"
    assert m["全部年度合计执行率"] == "42.80%"  # 10969.74 / 25630.69
    assert m["全部年度合计项目数"] == "9 个"
    # two programs' reports: each named with its own rate, none on the card
    assert not next(c for c in at.metric if c.label == "全部年度合计执行率").delta
    assert any("兰州新区应急管理局部门本级预算：报告 99.36%" in c.value for c in at.caption)
    card = next(c for c in at.metric if c.label == "全部年度合计项目数")
    assert card.help == ("9 个，涉及 1 项资金/部门预算；另有 1 项未分项目填报，"
                         "按 5 个地区分配下达（10 条资金分配记录）")
    assert any("2022–2023年 共 2 个预算年度之和" in c.value for c in at.caption)


def test_overview_lanzhou_department_figures():
    at = run_page("overview", program=LANZHOU)
    m = metrics(at)
    assert m["预算总额（万元）"] == "7,750.69"
    assert m["执行数（万元）"] == "7,719.74"
    assert m["执行率"] == "99.60%"  # the report states 99.36%; the page shows executed ÷ budget
    rate = next(c for c in at.metric if c.label == "执行率")
    assert rate.delta == "报告 99.36%（口径未说明：7,719.74 ÷ 7,750.69 不得此数）"
    assert m["项目数"] == "9 个"
    ratings = run_page("overview", "等级与预警", program=LANZHOU)
    assert metrics(ratings) == m  # the cards head every part
    assert any("优：7个、良：1个、中：1个、差：0个" in c.value for c in ratings.caption)
    listed = run_page("overview", "项目一览", program=LANZHOU)
    projects = frame_with(listed, "stated_rating")
    assert len(projects) == 9
    # a 合计 line under a list of money: the nine projects' 7,140.30 万元 (the department's
    # 7,750.69 includes its basic spending besides them)
    assert any(c.value.startswith("合计（9 行）：全年预算数 7,140.30 万元") for c in listed.caption)
    row = projects[projects["project_name"] == "气象灾害预警项目"].iloc[0]
    assert row["budget"] == pytest.approx(49) and row["executed"] == pytest.approx(9)
    assert row["execution_rate"] == pytest.approx(9 / 49 * 100)  # on screen a percentage, for its one-decimal format


def test_overview_lowest_execution_names_the_local_funds():
    at = run_page("overview", "等级与预警", program=LIAONING)
    text = " ".join(md.value for md in at.markdown)
    assert "地方资金" in text and "7.71%" in text
    assert ":red-badge[红色预警] 2023年 · " in text and "🔴" not in text  # a badge, not an emoji


def test_overview_lists_that_mix_years_name_the_year():
    projects = frame_with(run_page("overview", "项目一览"), "stated_rating")
    assert list(projects.columns[:2]) == ["year", "project_name"] and set(projects["year"]) == {2022}
    totals = frame_with(run_page("overview", "各资金/部门预算执行"), "stated_text")
    by_program = dict(zip(totals["program_name"].str[:4], totals["stated_text"], strict=True))
    assert by_program["中央安全"] == "报告 33%（中央补助 2,450 ÷ 7,500）"
    assert by_program["兰州新区"].startswith("报告 99.36%（口径未说明")


def test_funding_city_totals_and_sources():
    at = run_page("funding", program=LIAONING)
    m = metrics(at)
    assert m["分配合计（亿元）"] == "1.79"
    assert m["中央补助（亿元）"] == "0.75"
    assert m["地方资金（亿元）"] == "1.04"
    assert len(at.get("plotly_chart")) == 1  # the chosen part's chart only
    pivot = frame_with(run_page("funding", "分地区分来源汇总", program=LIAONING), "total")
    totals = dict(zip(pivot["region"], pivot["total"], strict=True))
    assert totals == {"沈阳市": 3011, "抚顺市": 3501, "阜新市": 3121, "盘锦市": 3981, "葫芦岛市": 4266}
    at = run_page("funding", "分地区分来源汇总", program=LIAONING)
    assert any(c.value == "合计（5 行）：中央补助 7,500.00 万元 · 地方资金 10,380.00 万元 · 合计 17,880.00 万元"
               for c in at.caption)
    assert len(run_page("funding", "资金构成", program=LIAONING).get("plotly_chart")) == 1


def test_funding_region_filter_from_url():
    at = run_page("funding", region="沈阳市")
    m = metrics(at)
    assert m["分配合计（万元）"] == "3,011.00"
    assert m["中央补助（万元）"] == "1,500.00"
    assert m["地方资金（万元）"] == "1,511.00"
    assert at.sidebar.selectbox[2].value == "沈阳市"


def test_funding_spending_items_of_census_project():
    at = run_page("funding", "分项目预算与执行", project="LZ2022-P07")
    items = frame_with(at, "item")
    assert sorted(items["amount"].round(4).tolist()) == [20.3196, 41.0, 109.0]
    assert any("170.32 万元" in c.value for c in at.caption)


RED, YELLOW, GREEN = ":red-badge[红色预警]", ":orange-badge[黄色关注]", ":green-badge[正常]"


def test_execution_bands_on_year_end_data():
    at = run_page("execution")
    m = metrics(at)
    # the latest year by default, as 总览: Liaoning central 32.67% and local 7.71%
    assert (m[f"2023年 {RED}"], m[f"2023年 {YELLOW}"], m[f"2023年 {GREEN}"]) == ("2 项", "0 项", "0 项")
    at.radio(key="execution_year_basis").set_value("sum").run()
    m = metrics(at)
    # all years: also 气象灾害预警 18.37%, 普查 57.04%; Lanzhou's department total (99.60%) is its
    # nine projects' money and is not counted beside them: 11 items, not 12
    assert m[f"全部年度合计 {RED}"] == "4 项"
    assert m[f"全部年度合计 {YELLOW}"] == "0 项"
    assert m[f"全部年度合计 {GREEN}"] == "7 项"
    assert any("不再计其整体数" in c.value for c in at.caption)
    # twelve records: a gauge for each (the department's whole named so), grouped by program
    lines = [line for c in at.caption if "时间进度" in c.value for line in c.value.split("  \n")]
    assert len(lines) == 12
    assert any(line.startswith("兰州新区应急管理局部门本级预算（整体，不与项目重复计数）") for line in lines)
    # the transfer states one 33% on both its funds' rows: only the central money gives it
    assert any(line.startswith("辽宁省 · 中央补助：2,450.00 万元 / 7,500.00 万元 = 32.67% · 报告执行率 33% ·")
               for line in lines), lines
    assert any(line.startswith("辽宁省 · 地方资金：800.00 万元 / 10,380.00 万元 = 7.71% · "
                               "报告执行率 33%（为中央补助 2,450 ÷ 7,500 之数，非本项）") for line in lines)
    assert len(at.get("plotly_chart")) == 12 and len(at.subheader) == 2  # a chart a gauge
    # the gauges mix years: each program's heading names its year
    assert [h.value[:5] for h in at.subheader] == ["2023年", "2022年"]
    table = frame_with(run_page("execution", "执行率排名"), "band_label")
    census = table[table["label"] == "全国自然灾害综合风险普查项目"].iloc[0]
    assert census["execution_rate"] == pytest.approx(171.12 / 300 * 100)
    assert census["stated_execution_rate"] == pytest.approx(57.04)
    assert census["band_label"] == "红色预警"


def test_execution_bands_are_configurable():
    at = run_page("execution", program=LANZHOU)
    assert metrics(at)[RED] == "2 项"
    assert not at.slider  # the sliders are drawn while their expander is open
    at.session_state["band_settings"] = True  # the reader opens 预警口径设置
    at.run()
    at.slider(key="band_red").set_value(95).run()
    at.slider(key="band_yellow").set_value(95).run()
    # now everything under 95%: 档案 94.65, 执法 90.43, 气象 18.37, 能力提升 93.26, 视频 92.74, 普查 57.04
    assert metrics(at)[RED] == "6 项"
    at.session_state["band_settings"] = False  # closed again: the thresholds chosen stay
    at.run()
    assert metrics(at)[RED] == "6 项" and not at.slider


def test_execution_progress_of_parks():
    at = run_page("execution", "建设进度", program=LIAONING)
    progress = frame_with(at, "measure")
    shenyang = progress[progress["region"] == "沈阳市"].iloc[0]
    # a column with empty cells stays numeric on screen (a percentage for the one-decimal format)
    assert shenyang["percent"] == 80
    assert progress["percent"].isna().any() and pd.api.types.is_float_dtype(progress["percent"])
    assert set(progress["region"]) >= {"沈阳市", "抚顺市", "阜新市", "盘锦市", "葫芦岛市"}


def test_indicators_counts_and_census_targets():
    at = run_page("indicators")
    m = metrics(at)
    # the latest year by default, as 总览: Liaoning's 15 indicators, none judgeable against a target
    assert (m["2023年指标数"], m["2023年未达标"], m["2023年达标率"]) == ("15 项", "0 项", "—")
    at.radio(key="indicators_year_basis").set_value("sum").run()
    m = metrics(at)
    assert m["全部年度合计指标数"] == "59 项"
    # 满意度 of P01, P02 (90% vs 95%), P03 (88% vs 90%), P09 (85% vs 90%)
    assert m["全部年度合计未达标"] == "4 项" and m["全部年度合计达标率"] == "87.88%"  # 29 of 33 judged
    at = run_page("indicators", "指标明细", project="LZ2022-P07")
    output = frame_with(at, "target")
    row = output[output["level3"] == "质检核查率"].iloc[0]
    assert (row["target"], row["actual"]) == ("≥80%", "98%")
    assert "达标" in row["mark"]


def test_indicators_score_parts_of_archive_project():
    at = run_page("indicators", "一级指标分值", project="LZ2022-P01")
    parts = frame_with(at, "part")
    scores = dict(zip(parts["part"], zip(parts["weight"], parts["stated_score"], strict=True), strict=True))
    assert scores == {"产出指标": (50, 47), "效益指标": (30, 28), "满意度指标": (10, 9)}


def test_deviations_search():
    at = run_page("deviations", "偏差说明表")
    total = len(frame_with(at, "deviation_reason"))
    at.text_input(key="deviation_search").input("疫情").run()
    found = frame_with(at, "deviation_reason")
    assert 0 < len(found) < total
    assert found["deviation_reason"].fillna("").str.contains("疫情").any() or \
        found["improvement"].fillna("").str.contains("疫情").any()
    cards = run_page("deviations")
    cards.text_input(key="deviation_search").input("疫情").run()
    assert any("偏差原因" in md.value and "疫情" in md.value for md in cards.markdown)


def test_deviations_show_the_satisfaction_gap_of_the_archive_project():
    at = run_page("deviations", project="LZ2022-P01")
    text = " ".join(md.value for md in at.markdown)
    assert "指标值 **95%** → 实际 **90%**" in text


def test_reports_objectives_and_stated_figures():
    at = run_page("reports", program=LANZHOU)
    objectives = frame_with(at, "expected")
    assert {"目标1", "目标5"} <= set(objectives["label"].dropna())
    stated = frame_with(run_page("reports", "报告声明数", program=LANZHOU), "metric")
    assert 7750.69 in stated["value"].round(2).tolist()
    assert 7719.74 in stated["value"].round(2).tolist()


def test_year_filter_drops_other_programs():
    at = run_page("overview", year="2023")
    m = metrics(at)
    assert m["分配地区数"] == "5 个"  # Liaoning allocates by city: no project records
    assert m["预算总额（亿元）"] == "1.79"  # central 7500 + local 10380
    assert at.sidebar.selectbox[0].value == 2023


def test_long_tables_list_their_first_rows_and_say_how_many(monkeypatch):
    import lib.ui

    monkeypatch.setattr(lib.ui.limits, "DETAIL_ROWS", 4)
    at = run_page("overview", "项目一览", program=LANZHOU)
    assert metrics(at)["项目数"] == "9 个"  # counted in the database, not from the rows listed
    projects = frame_with(at, "stated_rating")
    assert len(projects) == 4 and "全国自然灾害综合风险普查项目" not in set(projects["project_name"])  # P07
    assert any("共 9 行，表中列出前 4 行；下载的文件包含全部 9 行" in c.value for c in at.caption)
    at = run_page("indicators", "指标明细", program=LANZHOU)
    assert any("共" in c.value and "表中列出前" in c.value for c in at.caption)


def test_tables_on_screen_hold_their_first_rows_and_the_downloads_all(monkeypatch):
    import lib.ui

    monkeypatch.setattr(lib.ui.limits, "SCREEN_ROWS", 3)
    at = run_page("overview", "项目一览", program=LANZHOU)  # 9 projects, all read: 3 sent to the browser
    assert len(frame_with(at, "stated_rating")) == 3
    assert any("共 9 行，表中列出前 3 行；下载的文件包含全部 9 行" in c.value for c in at.caption)
    assert metrics(at)["项目数"] == "9 个"


def test_overview_computed_score_beside_the_stated_one():
    at = run_page("overview", "项目一览", program=LANZHOU)
    projects = frame_with(at, "computed_score").set_index("project_name")
    archive = projects.loc["档案整理专项"]
    # 84 from its 一级指标 scores as stated + 10 points × execution rate 15.1435 / 16
    assert archive["computed_score"] == pytest.approx(84 + 10 * 15.14353 / 16)  # a number: others are empty
    assert archive["stated_score"] == 94 and archive["computed_rating"] == "优"
    assert projects.loc["安全生产监督执法专项经费", "computed_rating"] == "良"
    at.run()  # a rerun (as after a click) shows the same, from the cache
    assert frame_with(at, "computed_score").set_index("project_name").loc["档案整理专项", "computed_score"] \
        == archive["computed_score"]


def test_selections_too_long_to_download_point_to_csv_or_the_command_line(monkeypatch):
    import lib.ui

    monkeypatch.setattr(lib.ui.limits, "XLSX_DOWNLOAD_MAX_ROWS", 5)
    at = run_page("overview", "项目一览", program=LANZHOU)  # 9 projects: too many for Excel, fine as csv
    buttons = {b.proto.label: b.proto.disabled for b in at.get("download_button")}
    assert buttons["⬇ 下载 CSV"] is False and buttons["⬇ 下载 Excel"] is True
    assert any("9 行超过 Excel 下载上限 5 行：可下载 CSV" in c.value for c in at.caption)

    monkeypatch.setattr(lib.ui.limits, "CSV_DOWNLOAD_MAX_ROWS", 8)
    at = run_page("overview", "项目一览", program=LANZHOU)
    project_buttons = [b.proto for b in at.get("download_button") if "overview_projects" in b.proto.id]
    assert project_buttons and all(b.disabled for b in project_buttons)
    assert any("python -m lib.cli export v_projects --where program_id=LZ2022-YJJ --format csv" in c.value
               for c in at.caption)


def test_execution_gauges_of_a_long_selection_are_the_lowest_in_one_grid(monkeypatch):
    import lib.ui

    monkeypatch.setattr(lib.ui.limits, "DETAIL_ROWS", 4)  # 12 records: more than a table's worth
    at = run_page("execution")
    assert not [h for h in at.subheader if h.value in ("兰州新区应急管理局部门本级预算",)]  # no per-program groups
    # the gauges' figures: one caption, a line per gauge in the order of the gauges, lowest first
    caption = next(c.value for c in at.caption if "时间进度" in c.value)
    gauges = caption.split("  \n")
    assert len(gauges) == 6 and len(at.get("plotly_chart")) == 6  # the six lowest, a chart each
    assert gauges[0].startswith("中央安全生产预防和应急救援能力建设补助资金") and "800.00 万元" in gauges[0]  # 7.71%
    assert gauges[1].startswith("兰州新区应急管理局部门本级预算 · 气象灾害预警项目：9.00 万元 / 49.00 万元")  # 18.37%


def test_overview_budget_and_execution_per_year():
    at = run_page("overview")
    chart = next(c for c in at.get("plotly_chart") if "预算年度" in figure_text(c))
    traces = {t["name"]: dict(zip(t["x"], t["y"], strict=True)) for t in figure_of(chart)["data"]}
    # in 亿元, as the cards: LZ department 7,750.69 万元; LN 7,500 + 10,380 万元
    assert traces["预算数"] == pytest.approx({"2022": 0.775069, "2023": 1.788})
    assert traces["执行数"] == pytest.approx({"2022": 0.771974, "2023": 0.325})  # LN 2,450 + 800 万元
    assert traces["执行率"]["2023"] == pytest.approx(3250 / 17880 * 100)
    # the two years hold different programs: the rates are markers, never joined by a line
    rate = next(t for t in figure_of(chart)["data"] if t["name"] == "执行率")
    assert "lines" not in rate["mode"] and "同口径执行率" not in traces
    assert any("执行率不连线" in c.value for c in at.caption)
    at = run_page("overview", year="2022")  # one year: no trend to draw
    assert not any("预算年度" in figure_text(c) for c in at.get("plotly_chart"))


def test_word_draft_is_one_program_a_file_latest_year_first():
    at = run_page("reports", "表格与报告下载")
    choice = next(s for s in at.selectbox if s.key == "report_program")
    assert choice.options[0].startswith("2023年 · 中央安全生产预防和应急救援能力建设补助资金")
    assert choice.options[1] == "2022年 · 兰州新区应急管理局部门本级预算"
    single = run_page("reports", "表格与报告下载", program=LANZHOU)
    assert not any(s.key == "report_program" for s in single.selectbox)  # one program: no choice to make


def test_funding_cards_name_the_program_they_add_up():
    at = run_page("funding", "分项目预算与执行")
    captions = [c.value for c in at.caption]
    # the cards add Liaoning's allocations; the part below lists Lanzhou's projects: both named
    assert any(c.startswith("分配记录来自：2023年 中央安全生产预防和应急救援能力建设补助资金") for c in captions)
    assert any(c.startswith("以下项目来自：2022年 兰州新区应急管理局部门本级预算") for c in captions)
    assert metrics(at)["分配合计（亿元）"] == "1.79"
    assert "year" in frame_with(at, "project_name").columns


def test_deviation_cards_run_worst_first_with_their_year():
    at = run_page("deviations")
    cards = [m.value for m in at.markdown if "出处" in m.value]
    # 气象灾害预警 executed 9 of 49 万元 (18.37%): the furthest miss, first (card 10 in project order)
    assert "气象灾害预警项目 · 项目整体" in cards[0] and "差 **81.63%**" in cards[0]
    assert "2022年" in cards[0] and "❌" not in "".join(cards) and "📌" not in "".join(cards)
    table = frame_with(run_page("deviations", "偏差说明表"), "shortfall")
    assert list(table.columns[:3]) == ["year", "project_name", "subject"]


def test_one_year_choice_for_every_page_s_cards():
    at = run_page("overview")
    at.radio(key="overview_year_basis").set_value("sum").run()
    at.switch_page("pages/execution.py").run()
    assert not at.exception, [e.value for e in at.exception]
    # chosen on 总览, kept on 执行率 (and for the sidebar's brief)
    assert at.radio(key="execution_year_basis").value == "sum"
    assert metrics(at)[f"全部年度合计 {RED}"] == "4 项"
    assert at.session_state["year_basis"] == "sum"
