"""Plotly figure builders: data in, figure out. No Streamlit, no SQL.

Every text from the data (names, regions, sources, indicator levels) goes through
safe.plot_text: plotly reads <b>, <a href>, <br> and entities in text.

Money axes are 万元 with separators (plotly's default "3k" ticks mislead finance readers);
rates are percentages.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from lib.analysis.scoring import DEFAULT_BANDS, ExecutionBands, execution_band
from lib.labels import BAND_LABELS, INDICATOR_STATUS
from lib.outputs import fmt
from lib.ui.safe import plot_text, plot_texts

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
BAND_COLORS = {"red": "#d62728", "yellow": "#f0b400", "green": "#2ca02c", None: "#9e9e9e"}
RATING_COLORS = {"优": "#2ca02c", "良": "#1f77b4", "中": "#f0b400", "差": "#d62728"}
SOURCE_COLORS = ["#1f4e79", "#5b9bd5", "#ed7d31", "#a5a5a5", "#70ad47", "#ffc000"]
STATUS_COLORS = {
    "达标": "#2ca02c", "定性达成": "#8fd18f", "未达标": "#d62728", "定性未达成": "#f4a3a3",
    "无指标值": "#bdbdbd", "无法判断": "#9e9e9e", "不适用": "#e0e0e0",
}
STATUS_ORDER = {label: i for i, label in enumerate(STATUS_COLORS)}  # met first, unjudgeable last


def _layout(height: int = 380, **extra) -> dict:
    """The common layout, as a dict given to go.Figure: update_layout's magic-underscore parsing
    costs milliseconds per figure, which adds up on a page of a dozen gauges."""
    # The legend above the plot, in a row (it wraps when wider than the plot): at its default
    # place, right of the plot, it takes a third of a 390 px phone's width from the bars. The
    # top margin holds it below plotly's tool bar.
    layout = dict(font=dict(family=FONT), height=height, margin=dict(l=10, r=10, t=64, b=10),
                  legend=dict(title=dict(text=""), orientation="h", x=0, xanchor="left", y=1.0,
                              yanchor="bottom"), separators=".,")
    layout.update(extra)
    return layout


AXIS_NAME_CHARS = 12  # longer names are cut on the axis (a 390 px phone); the hover shows them whole


def _name_axis(labels: list, **extra) -> dict:
    """A category axis whose tick texts are the names shortened, the categories (and so the
    hover's %{y}) the full names. ``labels`` are the names as written (data text): escaped
    here exactly as the trace escapes them, and the ticks cut from the text as written."""
    raw = [str(v) for v in labels]
    axis = dict(automargin=True, **extra)
    if any(len(n) > AXIS_NAME_CHARS for n in raw):
        axis.update(tickmode="array", tickvals=plot_texts(raw),
                    ticktext=plot_texts([fmt.short(n, AXIS_NAME_CHARS) for n in raw]))
    return axis


LABELLED_BARS = 12  # more bars than this and their amounts overlap: the hover says them instead


def funding_stacked(frame: pd.DataFrame) -> go.Figure:
    """Amount per region, stacked by fund source (central vs local); one row per region × source."""
    order = (frame.groupby("region")["amount"].sum().sort_values(ascending=False).index.tolist())
    traces = []
    for i, (source, part) in enumerate(frame.groupby("fund_source", sort=False)):
        traces.append(go.Bar(
            x=plot_texts(part["region"]), y=part["amount"].astype(float).tolist(), name=plot_text(source),
            marker_color=SOURCE_COLORS[i % len(SOURCE_COLORS)],
            texttemplate="%{y:,.0f}" if len(order) <= LABELLED_BARS else None,
            hovertemplate="%{x}<br>%{fullData.name}: %{y:,.2f} 万元<extra></extra>"))
    return go.Figure(traces, layout=_layout(
        barmode="stack",
        xaxis=dict(title=dict(text="地区"), categoryorder="array", categoryarray=plot_texts(order)),
        yaxis=dict(title=dict(text="万元"), tickformat=",.0f")))


SUNBURST_SEP = "\x1f"  # joins a sector's path into its id; never in a name
# A sector's label is cut to this many characters: plotly shrinks a label until it fits its
# sector, so a 38-character program name in the centre came out at about 2 px on a phone.
SUNBURST_LABEL_CHARS = 8


def funding_sunburst(frame: pd.DataFrame) -> go.Figure:
    """Program → region → source, sized by amount."""
    path = ["program_name", "region", "fund_source"]
    data = frame[path].fillna("—").assign(amount=frame["amount"].astype(float))
    ids, labels, names, parents, values = [], [], [], [], []
    for depth in range(len(path)):
        level = data.groupby(path[:depth + 1], sort=False)["amount"].sum()
        for key, amount in level.items():
            key = key if isinstance(key, tuple) else (key,)
            ids.append(SUNBURST_SEP.join(plot_texts(key)))
            labels.append(plot_text(fmt.short(key[-1], SUNBURST_LABEL_CHARS)))
            names.append(plot_text(key[-1]))
            parents.append(SUNBURST_SEP.join(plot_texts(key[:-1])))
            values.append(amount)
    return go.Figure(go.Sunburst(
        ids=ids, labels=labels, parents=parents, values=values, branchvalues="total",
        insidetextorientation="radial", hovertext=names,
        hovertemplate="%{hovertext}<br>%{value:,.2f} 万元<br>占上级 %{percentParent:.1%}<extra></extra>",
    ), layout=_layout(460, sunburstcolorway=SOURCE_COLORS))


def budget_vs_executed(frame: pd.DataFrame, label_column: str = "project_name") -> go.Figure:
    """Per-project budget and executed amounts side by side, largest budget first, on a linear
    万元 axis with each bar's amount written at its end: a logarithmic axis made 6,116 万 look
    1.5× a 415 万 bar, and the written amounts keep the small bars readable beside the large."""
    data = frame.sort_values("budget", ascending=True)
    labels = plot_texts(data[label_column])
    budget, executed = data["budget"].astype(float).tolist(), data["executed"].astype(float).tolist()
    largest = max([*budget, *executed, 0.0])
    return go.Figure([
        # short legend names: beside 12-character project names a phone's plot is ~180 px wide
        go.Bar(y=labels, x=budget, name="预算数", orientation="h", marker_color="#a5c8e4",
               text=[f"{v:,.0f}" for v in budget], textposition="outside", cliponaxis=False,
               hovertemplate="%{y}<br>预算 %{x:,.2f} 万元<extra></extra>"),
        go.Bar(y=labels, x=executed, name="执行数", orientation="h", marker_color="#1f4e79",
               text=[f"{v:,.0f}" for v in executed], textposition="outside", cliponaxis=False,
               hovertemplate="%{y}<br>执行 %{x:,.2f} 万元<extra></extra>"),
    ], layout=_layout(max(300, 60 + 48 * len(data)), barmode="group",
                      yaxis=_name_axis(data[label_column].tolist()),
                      # room at the right for the largest bar's amount
                      xaxis=dict(tickformat=",.0f", title=dict(text="万元"), type="linear",
                                 range=[0, largest * 1.18 if largest else 1])))


def yearly_execution(frame: pd.DataFrame, links: pd.DataFrame | None = None) -> go.Figure:
    """Budget and executed per budget year (bars, in 万元 or 亿元 as the largest figure needs) with
    each year's execution rate (a marker, right axis). Rates of different years are joined only by
    ``links`` (summary.like_for_like: the rate of the programs present in both years), never by a
    line through years whose programs differ."""
    years = [str(int(y)) for y in frame["year"]]
    rates = [None if r is None or r != r else float(r) * 100 for r in frame["execution_rate"]]
    unit = fmt.money_unit([*frame["budget"], *frame["executed"]])
    scale = fmt.YI if unit == "亿元" else 1.0
    traces = [
        go.Bar(x=years, y=[float(v) / scale for v in frame["budget"]], name="预算数", marker_color="#a5c8e4",
               hovertemplate=f"%{{x}} 年<br>预算 %{{y:,.2f}} {unit}<extra></extra>"),
        go.Bar(x=years, y=[float(v) / scale for v in frame["executed"]], name="执行数",
               marker_color="#1f4e79",
               hovertemplate=f"%{{x}} 年<br>执行 %{{y:,.2f}} {unit}<extra></extra>"),
        go.Scatter(x=years, y=rates, name="执行率", yaxis="y2", mode="markers+text",
                   text=[fmt.rate(r / 100) if r is not None else "" for r in rates],
                   textposition="top center", marker=dict(color="#ed7d31", size=9),
                   hovertemplate="%{x} 年<br>执行率 %{y:.2f}%<extra></extra>"),
    ]
    # every year-to-year segment in one trace, None between them (no line across a gap): each
    # trace is one more thing for plotly to draw in the browser
    link_x: list[str | None] = []
    link_rates: list[float | None] = []
    programs: list[int | None] = []
    for link in (links if links is not None else pd.DataFrame()).itertuples():
        if link_x:
            link_x.append(None), link_rates.append(None), programs.append(None)
        link_x += [str(int(link.from_year)), str(int(link.to_year))]
        link_rates += [float(link.from_rate) * 100, float(link.to_rate) * 100]
        programs += [int(link.programs)] * 2
    if link_x:
        traces.append(go.Scatter(
            x=link_x, y=link_rates, customdata=programs, yaxis="y2", mode="lines", connectgaps=False,
            name="同口径执行率", line=dict(color="#ed7d31", dash="dot"),
            hovertemplate="%{x} 年<br>两年都有的 %{customdata:,} 项资金/部门<br>"
                          "执行率 %{y:.2f}%<extra></extra>"))
    top = max([100.0, *(r for r in [*rates, *link_rates] if r is not None)]) * 1.15
    return go.Figure(traces, layout=_layout(
        350, barmode="group", xaxis=dict(type="category", title=dict(text="预算年度")),
        yaxis=dict(title=dict(text=unit), tickformat=",.0f" if scale == 1 else ",.2f"),
        yaxis2=dict(overlaying="y", side="right", ticksuffix="%", showgrid=False, dtick=25, range=[0, top]),
        # the legend wholly above the plot (its rows fit the top margin on a phone): over the plot
        # it hid a rate label
        margin=dict(l=10, r=10, t=96, b=10),
        legend=dict(orientation="h", x=0, xanchor="left", y=1.04, yanchor="bottom", title=dict(text=""))))


def execution_gauge(execution_rate: float | None, elapsed_share: float, title: str,
                    bands: ExecutionBands = DEFAULT_BANDS) -> go.Figure:
    """A 0–100% gauge; its red/yellow/green zones move with the share of the year elapsed."""
    share = elapsed_share or 1.0
    red_end = min(100.0, bands.red * share * 100)
    yellow_end = min(100.0, bands.yellow * share * 100)
    value = None if execution_rate is None else execution_rate * 100
    band = execution_band(execution_rate, share, bands)
    return go.Figure(go.Indicator(
        mode="gauge+number",
        value=value,
        number={"suffix": "%", "valueformat": ".2f", "font": {"size": 28}},
        title={"text": plot_text(title), "font": {"size": 13}},
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
    ), layout=_layout(210, margin=dict(l=44, r=44, t=46, b=8)))  # room for the 0% and 100% ticks


# The 100% line of a progress or execution axis: the bars read against complete, not the longest.
FULL_LINE = dict(type="line", xref="x", yref="paper", x0=100, x1=100, y0=0, y1=1,
                 line=dict(color="#333", width=1.5, dash="dash"))


def _full_label() -> dict:
    return dict(x=100, xref="x", y=1, yref="paper", yanchor="bottom", text="100%", showarrow=False,
                font=dict(size=11, color="#333"))


def execution_ranking(frame: pd.DataFrame) -> go.Figure:
    """Execution rate per record, lowest first, coloured by band."""
    data = frame.sort_values("execution_rate", ascending=False)
    colors = [BAND_COLORS.get(b) for b in data["band"]]
    rates = (data["execution_rate"].astype(float) * 100).tolist()
    return go.Figure(go.Bar(
        y=plot_texts(data["label"]), x=rates, orientation="h", marker_color=colors,
        text=[fmt.rate(r) for r in data["execution_rate"]], textposition="auto",
        customdata=[BAND_LABELS.get(b, "—") for b in data["band"]],
        hovertemplate="%{y}<br>执行率 %{x:.2f}%<br>%{customdata}<extra></extra>",
    ), layout=_layout(max(260, 60 + 36 * len(data)), yaxis=_name_axis(data["label"].tolist()),
                      xaxis=dict(ticksuffix="%", range=[0, max([105, *(r + 8 for r in rates)])]),
                      shapes=[FULL_LINE], annotations=[_full_label()]))


def _whole_ticks(counts: pd.Series) -> int | None:
    """A tick per whole number for small counts (no "2.5 个项目"); plotly's own ticks beyond,
    since dtick=1 on an axis up to 500,000 has the browser draw half a million labels."""
    return 1 if len(counts) and float(counts.max()) <= 20 else None


def rating_distribution(counts: pd.DataFrame) -> go.Figure:
    return go.Figure(go.Bar(x=counts["rating"].tolist(), y=counts["count"].tolist(),
                            text=[f"{int(n):,}" for n in counts["count"]],
                            marker_color=[RATING_COLORS[r] for r in counts["rating"]],
                            hovertemplate="%{x}：%{y} 个项目<extra></extra>"),
                     layout=_layout(300, yaxis=dict(title=dict(text="项目数"),
                                                    dtick=_whole_ticks(counts["count"])),
                                    xaxis=dict(title=dict(text="自评等级"))))


def indicator_status_bars(counts_by_status: pd.DataFrame) -> go.Figure:
    """Indicators per 一级指标, stacked by completion status (columns level1, status, n)."""
    data = counts_by_status.assign(status_label=counts_by_status["status"].map(INDICATOR_STATUS))
    counts = data.groupby(["level1", "status_label"])["n"].sum().reset_index(name="count")
    traces = [go.Bar(x=part["count"].tolist(), y=plot_texts(part["level1"]), name=status, orientation="h",
                     marker_color=STATUS_COLORS.get(status), text=[f"{int(n):,}" for n in part["count"]],
                     hovertemplate="%{y}<br>%{fullData.name}：%{x} 项<extra></extra>")
              for status, part in sorted(counts.groupby("status_label", sort=False),
                                         key=lambda group: STATUS_ORDER.get(group[0], len(STATUS_ORDER)))]
    return go.Figure(traces, layout=_layout(
        280, barmode="relative", yaxis=dict(title=dict(text="一级指标")),
        xaxis=dict(title=dict(text="指标数"), dtick=_whole_ticks(counts["count"]))))


def progress_bars(frame: pd.DataFrame) -> go.Figure:
    """Completion share per subject and measure (rows with a percentage only)."""
    data = frame.dropna(subset=["percent"]).copy()
    data["label"] = data["region"] + " · " + data["measure"]
    data = data.sort_values("percent")
    return go.Figure(go.Bar(y=plot_texts(data["label"]), x=(data["percent"].astype(float) * 100).tolist(),
                            orientation="h", marker_color="#5b9bd5",
                            text=[fmt.rate(p, 0) for p in data["percent"]],
                            customdata=plot_texts(data["subject"]),
                            hovertemplate="%{customdata}<br>%{y}: %{x:.0f}%<extra></extra>"),
                     layout=_layout(max(220, 60 + 36 * len(data)), yaxis=_name_axis(data["label"].tolist()),
                                    # to 100% and a line there: an axis ending at the longest bar
                                    # made 80% bars look complete
                                    xaxis=dict(range=[0, 105], ticksuffix="%", dtick=20, autorange=False),
                                    shapes=[FULL_LINE], annotations=[_full_label()]))
