"""Plotly figure builders: data in, figure out. No Streamlit, no SQL.

Money axes are 万元 with separators (plotly's default "3k" ticks mislead finance readers);
rates are percentages.
"""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from lib import fmt
from lib.labels import BAND_LABELS, INDICATOR_STATUS
from lib.scoring import DEFAULT_BANDS, ExecutionBands, execution_band

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
BAND_COLORS = {"red": "#d62728", "yellow": "#f0b400", "green": "#2ca02c", None: "#9e9e9e"}
RATING_COLORS = {"优": "#2ca02c", "良": "#1f77b4", "中": "#f0b400", "差": "#d62728"}
SOURCE_COLORS = ["#1f4e79", "#5b9bd5", "#ed7d31", "#a5a5a5", "#70ad47", "#ffc000"]
STATUS_COLORS = {
    "达标": "#2ca02c", "定性达成": "#8fd18f", "未达标": "#d62728", "定性未达成": "#f4a3a3",
    "无指标值": "#bdbdbd", "无法判断": "#9e9e9e", "不适用": "#e0e0e0",
}


def _layout(fig: go.Figure, height: int = 380) -> go.Figure:
    fig.update_layout(font_family=FONT, height=height, margin=dict(l=10, r=10, t=40, b=10),
                      legend_title_text="", separators=".,")
    return fig


def funding_stacked(frame: pd.DataFrame) -> go.Figure:
    """Amount per region, stacked by fund source (central vs local)."""
    order = (frame.groupby("region")["amount"].sum().sort_values(ascending=False).index.tolist())
    fig = px.bar(frame, x="region", y="amount", color="fund_source", barmode="stack",
                 category_orders={"region": order}, color_discrete_sequence=SOURCE_COLORS,
                 labels={"region": "地区", "amount": "金额（万元）", "fund_source": "资金来源"},
                 text_auto=",.0f")
    fig.update_yaxes(tickformat=",.0f", title="万元")
    fig.update_traces(hovertemplate="%{x}<br>%{fullData.name}: %{y:,.2f} 万元<extra></extra>")
    return _layout(fig)


def funding_sunburst(frame: pd.DataFrame) -> go.Figure:
    """Program → region → source, sized by amount."""
    data = frame.assign(amount=frame["amount"].astype(float))
    fig = px.sunburst(data, path=["program_name", "region", "fund_source"], values="amount",
                      color_discrete_sequence=SOURCE_COLORS)
    fig.update_traces(hovertemplate="%{label}<br>%{value:,.2f} 万元<br>占上级 %{percentParent:.1%}"
                                    "<extra></extra>", insidetextorientation="radial")
    return _layout(fig, 460)


def budget_vs_executed(frame: pd.DataFrame, label_column: str = "project_name") -> go.Figure:
    """Per-project budget and executed amounts side by side, largest budget first."""
    data = frame.sort_values("budget", ascending=True)
    fig = go.Figure()
    fig.add_bar(y=data[label_column], x=data["budget"].astype(float), name="全年预算数",
                orientation="h", marker_color="#a5c8e4",
                hovertemplate="%{y}<br>预算 %{x:,.2f} 万元<extra></extra>")
    fig.add_bar(y=data[label_column], x=data["executed"].astype(float), name="全年执行数",
                orientation="h", marker_color="#1f4e79",
                hovertemplate="%{y}<br>执行 %{x:,.2f} 万元<extra></extra>")
    fig.update_layout(barmode="group")
    fig.update_xaxes(tickformat=",.0f", title="万元", type="log" if _wide_range(data) else "linear")
    return _layout(fig, max(300, 60 + 48 * len(data)))


def _wide_range(data: pd.DataFrame) -> bool:
    values = data["budget"].astype(float)
    values = values[values > 0]
    return len(values) > 1 and values.max() / values.min() > 100


def execution_gauge(execution_rate: float | None, elapsed_share: float, title: str,
                    bands: ExecutionBands = DEFAULT_BANDS) -> go.Figure:
    """A 0–100% gauge; its red/yellow/green zones move with the share of the year elapsed."""
    share = elapsed_share or 1.0
    red_end = min(100.0, bands.red * share * 100)
    yellow_end = min(100.0, bands.yellow * share * 100)
    value = None if execution_rate is None else execution_rate * 100
    band = execution_band(execution_rate, share, bands)
    fig = go.Figure(go.Indicator(
        mode="gauge+number",
        value=value,
        number={"suffix": "%", "valueformat": ".2f", "font": {"size": 28}},
        title={"text": title, "font": {"size": 13}},
        gauge={
            "axis": {"range": [0, max(100, value or 0)], "ticksuffix": "%"},
            "bar": {"color": BAND_COLORS[band], "thickness": 0.35},
            "steps": [
                {"range": [0, red_end], "color": "#fbe3e3"},
                {"range": [red_end, yellow_end], "color": "#fdf3d0"},
                {"range": [yellow_end, max(100, value or 0)], "color": "#e2f3e2"},
            ],
            "threshold": {"line": {"color": "#333", "width": 2}, "thickness": 0.8,
                          "value": share * 100},
        },
    ))
    return _layout(fig, 220).update_layout(margin=dict(l=35, r=35, t=50, b=10))


def execution_ranking(frame: pd.DataFrame) -> go.Figure:
    """Execution rate per record, lowest first, coloured by band."""
    data = frame.sort_values("execution_rate", ascending=False)
    colors = [BAND_COLORS.get(b) for b in data["band"]]
    fig = go.Figure(go.Bar(
        y=data["label"], x=data["execution_rate"] * 100, orientation="h", marker_color=colors,
        text=[fmt.rate(r) for r in data["execution_rate"]], textposition="auto",
        customdata=[BAND_LABELS.get(b, "—") for b in data["band"]],
        hovertemplate="%{y}<br>执行率 %{x:.2f}%<br>%{customdata}<extra></extra>",
    ))
    fig.update_xaxes(ticksuffix="%", range=[0, max(100, float((data["execution_rate"] * 100).max()) + 5)])
    return _layout(fig, max(260, 60 + 36 * len(data)))


def rating_distribution(counts: pd.DataFrame) -> go.Figure:
    fig = go.Figure(go.Bar(x=counts["rating"], y=counts["count"], text=counts["count"],
                           marker_color=[RATING_COLORS[r] for r in counts["rating"]],
                           hovertemplate="%{x}：%{y} 个项目<extra></extra>"))
    fig.update_yaxes(title="项目数", dtick=1)
    fig.update_xaxes(title="自评等级")
    return _layout(fig, 300)


def indicator_status_bars(counts_by_status: pd.DataFrame) -> go.Figure:
    """Indicators per 一级指标, stacked by completion status (columns level1, status, n)."""
    data = counts_by_status.assign(status_label=counts_by_status["status"].map(INDICATOR_STATUS))
    counts = data.groupby(["level1", "status_label"])["n"].sum().reset_index(name="count")
    fig = px.bar(counts, x="count", y="level1", color="status_label", orientation="h",
                 color_discrete_map=STATUS_COLORS, text="count",
                 labels={"level1": "一级指标", "count": "指标数", "status_label": "完成状态"})
    fig.update_xaxes(dtick=1 if counts["count"].max() <= 20 else None)
    return _layout(fig, 280)


def progress_bars(frame: pd.DataFrame) -> go.Figure:
    """Completion share per subject and measure (rows with a percentage only)."""
    data = frame.dropna(subset=["percent"]).copy()
    data["label"] = data["region"] + " · " + data["measure"]
    data = data.sort_values("percent")
    fig = go.Figure(go.Bar(y=data["label"], x=data["percent"] * 100, orientation="h",
                           marker_color="#5b9bd5", text=[fmt.rate(p, 0) for p in data["percent"]],
                           customdata=data["subject"],
                           hovertemplate="%{customdata}<br>%{y}: %{x:.0f}%<extra></extra>"))
    fig.update_xaxes(range=[0, 100], ticksuffix="%")
    return _layout(fig, max(220, 60 + 36 * len(data)))
