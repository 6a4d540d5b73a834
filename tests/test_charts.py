"""Figure builders: the numbers a chart draws are the numbers it was given."""

from __future__ import annotations

import pandas as pd
import pytest

from lib.ui import charts

LIAONING_ALLOCATIONS = pd.DataFrame({
    "region": ["沈阳市", "抚顺市", "盘锦市", "沈阳市", "抚顺市", "盘锦市"],
    "fund_source": ["中央补助"] * 3 + ["地方资金"] * 3,
    "amount": [1500.0, 1500.0, 1500.0, 1511.0, 2001.0, 2481.0],
})


def test_funding_stacked_one_trace_per_source_regions_by_total():
    fig = charts.funding_stacked(LIAONING_ALLOCATIONS)
    assert [t.name for t in fig.data] == ["中央补助", "地方资金"]
    local = fig.data[1]
    assert dict(zip(local.x, local.y, strict=True)) == {"沈阳市": 1511.0, "抚顺市": 2001.0, "盘锦市": 2481.0}
    assert fig.layout.barmode == "stack"
    assert list(fig.layout.xaxis.categoryarray) == ["盘锦市", "抚顺市", "沈阳市"]  # 3981, 3501, 3011
    assert fig.layout.yaxis.tickformat == ",.0f"  # 万元 with separators, not "3k"


def test_funding_sunburst_parents_sum_their_children():
    frame = LIAONING_ALLOCATIONS.assign(program_name="危化品安全治理转移支付")
    trace = charts.funding_sunburst(frame).data[0]
    values = dict(zip(trace.ids, trace.values, strict=True))
    root = "危化品安全治理转移支付"
    assert values[root] == pytest.approx(10493.0)
    assert values[charts.SUNBURST_SEP.join([root, "沈阳市"])] == pytest.approx(3011.0)
    assert values[charts.SUNBURST_SEP.join([root, "沈阳市", "地方资金"])] == pytest.approx(1511.0)
    for sector, parent in zip(trace.ids, trace.parents, strict=True):
        children = [v for i, p, v in zip(trace.ids, trace.parents, trace.values, strict=True) if p == sector]
        if children:
            assert sum(children) == pytest.approx(values[sector])
        assert parent == "" or parent in values
    assert trace.branchvalues == "total"


def test_gauge_colour_follows_the_band_of_the_elapsed_year():
    assert charts.execution_gauge(0.5, 1.0, "x").data[0].gauge.bar.color == charts.BAND_COLORS["red"]
    assert charts.execution_gauge(0.7, 1.0, "x").data[0].gauge.bar.color == charts.BAND_COLORS["yellow"]
    # half a year gone: 50% executed is on track
    half = charts.execution_gauge(0.5, 0.5, "x").data[0].gauge
    assert half.bar.color == charts.BAND_COLORS["green"] and half.threshold.value == 50


def test_ranking_and_status_bars_draw_given_counts():
    ranking = charts.execution_ranking(pd.DataFrame({
        "label": ["甲", "乙"], "execution_rate": [0.9465, 0.4], "band": ["green", "red"]}))
    assert list(ranking.data[0].y) == ["甲", "乙"] and list(ranking.data[0].x) == pytest.approx([94.65, 40.0])
    bars = charts.indicator_status_bars(pd.DataFrame({
        "level1": ["产出指标", "产出指标", "效益指标"], "status": ["not_met", "met", "met"], "n": [1, 5, 2]}))
    assert [t.name for t in bars.data] == ["达标", "未达标"]  # met first, whatever the input order
    by_status = {t.name: dict(zip(t.y, t.x, strict=True)) for t in bars.data}
    assert by_status["达标"] == {"产出指标": 5, "效益指标": 2}
    assert by_status["未达标"] == {"产出指标": 1}


def test_count_axes_tick_every_whole_number_only_for_small_counts():
    small = charts.rating_distribution(pd.DataFrame({"rating": ["优", "良"], "count": [7, 1]}))
    assert small.layout.yaxis.dtick == 1
    # a national count: one tick per project would have the browser draw 500,000 labels
    large = charts.rating_distribution(pd.DataFrame({"rating": ["优", "良"], "count": [512_345, 80_000]}))
    assert large.layout.yaxis.dtick is None
    bars = charts.indicator_status_bars(pd.DataFrame({"level1": ["产出指标"], "status": ["met"], "n": [4_000_000]}))
    assert bars.layout.xaxis.dtick is None


def test_many_stacked_bars_leave_their_amounts_to_the_hover():
    regions = [f"地区{i}" for i in range(30)]
    many = pd.DataFrame({"region": regions, "fund_source": "中央补助", "amount": range(30)})
    assert charts.funding_stacked(many).data[0].texttemplate is None
    assert charts.funding_stacked(LIAONING_ALLOCATIONS).data[0].texttemplate == "%{y:,.0f}"
    big = charts.rating_distribution(pd.DataFrame({"rating": ["优"], "count": [545_459]}))
    assert list(big.data[0].text) == ["545,459"]


def test_yearly_totals_and_chart():
    from lib.analysis import summary

    totals = pd.DataFrame({"program_id": ["A", "B", "C"], "year": [2023, 2022, 2023],
                           "budget": [100.0, 50.0, 0.0], "executed": [90.0, 25.0, 0.0]})
    yearly = summary.by_year(totals)
    assert yearly["year"].tolist() == [2022, 2023] and yearly["programs"].tolist() == [1, 2]
    assert yearly["execution_rate"].tolist() == [0.5, 0.9]
    fig = charts.yearly_execution(yearly)
    assert [t.name for t in fig.data] == ["预算数", "执行数", "执行率"]
    assert list(fig.data[2].y) == pytest.approx([50.0, 90.0]) and fig.data[2].yaxis == "y2"
    assert list(fig.data[0].y) == [50.0, 100.0] and fig.layout.yaxis.title.text == "万元"
    big = charts.yearly_execution(yearly.assign(budget=yearly["budget"] * 1000))  # 100,000 万元 = 10 亿元
    assert list(big.data[0].y) == [5.0, 10.0] and big.layout.yaxis.title.text == "亿元"


def test_a_year_to_year_line_joins_only_programs_present_in_both_years():
    from lib.analysis import summary

    totals = pd.DataFrame({
        "program_id": ["D22", "D23", "S23", "T24"],
        "program_name": ["兰州新区应急管理局2022年度部门预算", "兰州新区应急管理局2023年度部门预算",
                         "中央安全生产补助资金", "农村危房改造补助资金"],
        "year": [2022, 2023, 2023, 2024],
        "budget": [100.0, 200.0, 1000.0, 50.0], "executed": [90.0, 150.0, 100.0, 50.0]})
    assert summary.series_key("兰州新区应急管理局2022年度部门预算") == summary.series_key("兰州新区应急管理局 2023年部门预算")
    links = summary.like_for_like(totals)
    # 2022→2023: only the department is in both years (its 2023 rate 75%, not 250 / 1,200 with the subsidy);
    # 2023→2024 share no program: no segment
    assert links[["from_year", "to_year", "programs"]].values.tolist() == [[2022, 2023, 1]]
    assert links["from_rate"].tolist() == [0.9] and links["to_rate"].tolist() == [0.75]
    fig = charts.yearly_execution(summary.by_year(totals), links)
    rate = next(t for t in fig.data if t.name == "执行率")
    assert rate.mode == "markers+text"
    segment = [t for t in fig.data if t.name == "同口径执行率"]
    assert len(segment) == 1 and list(segment[0].x) == ["2022", "2023"]
    assert list(segment[0].y) == pytest.approx([90.0, 75.0])
    assert summary.like_for_like(totals.iloc[0:0]).empty


def test_funding_sunburst_cuts_long_labels_and_hovers_the_whole_name():
    program = "中央安全生产预防和应急救援能力建设补助资金（危险化学品重大安全风险防控支出）"
    trace = charts.funding_sunburst(LIAONING_ALLOCATIONS.assign(program_name=program)).data[0]
    labels = dict(zip(trace.ids, trace.labels, strict=True))
    names = dict(zip(trace.ids, trace.hovertext, strict=True))
    assert labels[program] == "中央安全生产预…" and names[program] == program  # the centre
    assert labels[charts.SUNBURST_SEP.join([program, "沈阳市"])] == "沈阳市"  # short names stay whole
    assert "%{hovertext}" in trace.hovertemplate
    assert all(len(label) <= charts.SUNBURST_LABEL_CHARS for label in trace.labels)


def test_legends_sit_above_the_plot_in_a_row():
    budget = charts.budget_vs_executed(pd.DataFrame({"project_name": ["甲", "乙"], "budget": [415.0, 16.0],
                                                     "executed": [415.0, 15.14]}))
    assert (budget.layout.legend.orientation, budget.layout.legend.yanchor) == ("h", "bottom")



def test_money_axis_is_linear_with_the_amounts_on_the_bars():
    # Lanzhou's 国家西北区域应急救援中心 6,116.30 万 beside 安责险 80 万: a log axis drew the first
    # 1.5× the second; linear, with each amount written at its bar
    wide = charts.budget_vs_executed(pd.DataFrame({"project_name": ["甲", "乙"], "budget": [6116.3, 80.0],
                                                   "executed": [5852.25, 80.0]}))
    assert wide.layout.xaxis.type == "linear" and wide.layout.xaxis.range[0] == 0
    budget = next(t for t in wide.data if t.name == "预算数")
    assert list(budget.text) == ["80", "6,116"] and budget.textposition == "outside"
    assert wide.layout.xaxis.range[1] > 6116.3  # room for the largest amount's label


def test_progress_and_ranking_axes_run_to_100_with_a_line_there():
    progress = charts.progress_bars(pd.DataFrame({"region": ["沈阳市", "抚顺市"], "measure": ["主体", "整体"],
                                                  "subject": ["园区", "园区"], "percent": [0.8, 0.6]}))
    assert progress.layout.xaxis.range[1] >= 100  # 80% does not reach the end of the axis
    assert [(sh.x0, sh.x1) for sh in progress.layout.shapes] == [(100, 100)]
    ranking = charts.execution_ranking(pd.DataFrame({"label": ["甲"], "execution_rate": [0.18], "band": ["red"]}))
    assert ranking.layout.xaxis.range[1] >= 100 and ranking.layout.shapes[0].x0 == 100


def test_the_yearly_legend_sits_wholly_above_the_plot():
    fig = charts.yearly_execution(pd.DataFrame({"year": [2022, 2023], "budget": [7750.69, 17880.0],
                                                "executed": [7719.74, 3250.0],
                                                "execution_rate": [0.996, 0.1818]}))
    assert fig.layout.legend.yanchor == "bottom" and fig.layout.legend.y > 1
    assert fig.layout.margin.t >= 90  # two legend rows and the tool bar fit above the plot on a phone
