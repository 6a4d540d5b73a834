"""执行率: band counts, then one part (lib/ui/sections.py): a gauge per project / fund, a ranking
coloured by band with the table, construction progress."""

import streamlit as st

from lib import ui
from lib.analysis.scoring import DEFAULT_BANDS, ExecutionBands, execution_band
from lib.labels import BAND_BADGES, BAND_LABELS, COUNTED_ONCE_NOTE, SECTION_LABELS, YEAR_BASIS_LABELS
from lib.ui import charts, fmt
from lib.ui import gauges as gauge_wall
from lib.ui.safe import md, md_text
from lib.ui.sections import section

ui.require_entrypoint()
st.title("执行率")
ui.version_caption()
filters = ui.current_filters()

# The thresholds' sliders are drawn only while their expander is open (a closed expander's
# content is drawn by the browser all the same); the values chosen are kept for the session.
KEPT_RED, KEPT_YELLOW = "band_red_kept", "band_yellow_kept"
settings = st.expander("预警口径设置", key="band_settings", on_change="rerun")
red = st.session_state.get(KEPT_RED, int(DEFAULT_BANDS.red * 100))
yellow = st.session_state.get(KEPT_YELLOW, int(DEFAULT_BANDS.yellow * 100))
if settings.open:
    with settings:
        st.markdown("执行率与截至日期的**时间进度**比较：低于时间进度 × 红色阈值为红色预警，"
                    "低于时间进度 × 黄色阈值为黄色关注。年末时间进度为100%，即默认红 < 60%、黄 < 80%。")
        red = st.slider("红色阈值（占时间进度）", 0, 100, red, 5, format="%d%%", key="band_red")
        yellow = st.slider("黄色阈值（占时间进度）", 0, 100, yellow, 5, format="%d%%", key="band_yellow")
st.session_state[KEPT_RED], st.session_state[KEPT_YELLOW] = red, yellow
bands = ExecutionBands(red=red / 100, yellow=max(yellow, red) / 100)

ORDER = ("program_id", "project_id", "as_of")
# A selection of at most ALL_GAUGES records shows a gauge for each (the shipped data: 12); a longer
# one the LOWEST_GAUGES lowest (each gauge in a chart costs the browser, bench/elements.py).
ALL_GAUGES = 12
LOWEST_GAUGES = 6
RANKED = 60  # ranking and progress bars drawn: beyond that, the lowest
total = ui.count("v_execution", filters)
if total == 0:
    st.info("当前筛选下没有执行数据。")
    st.stop()


def _label(row) -> str:
    if isinstance(row.project_name, str):
        return row.project_name
    parts = [row.region, row.fund_source]
    return " · ".join(p for p in parts if isinstance(p, str)) or row.program_name


def banded(execution):
    """Display label and band of each record (the bands follow the sliders above)."""
    execution["label"] = [_label(r) for r in execution.itertuples()]
    execution["band"] = [execution_band(r.execution_rate, r.elapsed_share, bands)
                         for r in execution.itertuples()]
    execution["band_label"] = execution["band"].map(BAND_LABELS)
    return execution


# The cards follow 总览's year rule (lib/ui/years.py): the latest year unless a sum is chosen.
years = sorted(ui.summarize("v_execution", filters, by=("year",))["year"].astype(int), reverse=True)
basis, headlines = ui.headline_scopes(filters, years, "execution_year_basis")
for prefix, _, scope in headlines:
    counts = ui.execution_band_counts(scope, bands.red, bands.yellow)
    cards = ui.metric_row()
    for band in ("red", "yellow", "green"):
        cards.metric(f"{prefix} {BAND_BADGES[band]}".strip(), fmt.count(counts[band], "项"),
                     help=f"{counts[band]:,} 项", border=True)
note = [COUNTED_ONCE_NOTE]
if len(years) > 1 and basis == "latest":
    note.insert(0, YEAR_BASIS_LABELS["execution_caption"].format(
        n=len(years), years="、".join(str(y) for y in sorted(years)), year=years[0]))
st.caption("  \n".join(note))
# the programs that list their projects: their own row is their whole, not one more item
per_program = ui.summarize("v_execution", filters, by=("program_id",), nonnull=("project_id",))
with_projects = set(per_program.loc[per_program["n_project_id"] > 0, "program_id"])
reported = ui.stated_execution(filters)
matched = reported.loc[reported["reconciled"].astype(bool)]
bases = dict(zip(matched["program_id"], matched["base"], strict=True))



def every_record():
    """Every execution record of the selection, banded, when it is short enough to draw whole
    (at most DETAIL_ROWS); else None. Read by the part drawn, not on every run of the page."""
    return banded(ui.read("v_execution", filters, order_by=ORDER)) if total <= ui.limits.DETAIL_ROWS else None


def draw_gauges(rows, with_program: bool) -> None:
    gauge_wall.draw(rows, with_program, bands, with_projects, bases)


def gauges() -> None:
    execution = every_record()
    if execution is not None:
        latest = execution.sort_values("as_of").groupby(["program_name", "label"], sort=False).tail(1)
    else:  # too many for a wall of gauges: the lowest rates of the selection
        latest = banded(ui.read("v_execution", filters, not_null=("execution_rate",), limit=LOWEST_GAUGES,
                                order_by=("execution_rate", *ORDER)))
    if len(latest) > ALL_GAUGES:
        latest = latest.nsmallest(LOWEST_GAUGES, "execution_rate")
    lowest_only = execution is None or len(latest) < len(execution.drop_duplicates(["program_name", "label"]))
    if lowest_only:  # one grid, lowest first; each gauge names its program
        st.caption(f"共 {total:,} 条执行记录，仪表盘只画执行率最低的 {len(latest)} 项；"
                   "全部见“执行率排名”的表及其下载。")
        draw_gauges(latest.sort_values("execution_rate", kind="stable").itertuples(), with_program=True)
    else:  # every record: grouped by program, in the order of the data
        order = {name: i for i, name in enumerate(dict.fromkeys(execution["program_name"]))}
        grouped = latest.assign(_order=latest["program_name"].map(order)).sort_values("_order", kind="stable")
        many_years = grouped["year"].nunique() > 1
        for (year, program_name), rows in grouped.groupby(["year", "program_name"], sort=False):
            st.subheader(md("{}年 · {}", int(year), program_name) if many_years else md_text(program_name))
            draw_gauges(rows.itertuples(), with_program=False)


def ranking() -> None:
    execution = every_record()
    if execution is not None and len(execution.dropna(subset=["execution_rate"])) <= RANKED:
        ranked = execution.dropna(subset=["execution_rate"])
    else:
        st.caption(f"图中为执行率最低的 {RANKED} 条记录。")
        ranked = banded(ui.read("v_execution", filters, not_null=("execution_rate",), limit=RANKED,
                                order_by=("execution_rate", *ORDER)))
    st.plotly_chart(charts.execution_ranking(ranked), key="ranking")
    ui.show_rows(
        "v_execution", filters, "v_execution", key="execution_table", order_by=ORDER, prepare=banded,
        # the item first (pinned), then its rate: at 1440 px 执行率 was cut off behind the amounts
        columns=["label", "execution_rate", "stated_execution_rate", "band_label", "budget", "executed",
                 "appropriation", "as_of", "elapsed_share", "year", "program_name", "source_ref", "note"],
        column_config={"label": st.column_config.Column("事项", width="medium", pinned=True),
                       "band_label": st.column_config.Column("预警"),
                       "as_of": st.column_config.DateColumn("截至日期", format="YYYY-MM-DD")},
    )


PROGRESS_ORDER = ("program_id", "region", "subject")


def progress() -> None:
    if not ui.count("v_progress", filters):
        st.info("当前筛选下没有建设进度记录。")
        return
    with_percent = ui.count("v_progress", filters, not_null=("percent",))
    if with_percent > RANKED:
        st.caption(f"共 {with_percent:,} 条有完成比例的进度，图中为最低的 {RANKED} 条。")
    if with_percent:
        lowest = ui.read("v_progress", filters, not_null=("percent",), limit=RANKED,
                         order_by=("percent", *PROGRESS_ORDER))
        st.plotly_chart(charts.progress_bars(lowest), key="progress")
    ui.show_rows("v_progress", filters, "v_progress", key="progress_table", order_by=PROGRESS_ORDER,
                 columns=["region", "subject", "measure", "percent", "status_text", "source_ref"])


PARTS = dict(zip(SECTION_LABELS["execution"][1], (gauges, ranking, progress), strict=True))
PARTS[section("execution")]()
