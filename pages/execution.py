"""执行率: a gauge per project / fund, a ranking coloured by band, and construction progress."""

import streamlit as st

from lib import charts, fmt, ui
from lib.labels import BAND_LABELS
from lib.scoring import DEFAULT_BANDS, ExecutionBands, execution_band

ui.require_entrypoint()
st.title("执行率")
ui.version_caption()
filters = ui.current_filters()

with st.expander("预警口径设置", expanded=False):
    st.markdown("执行率与截至日期的**时间进度**比较：低于时间进度 × 红色阈值为红色预警，"
                "低于时间进度 × 黄色阈值为黄色关注。年末时间进度为100%，即默认红 < 60%、黄 < 80%。")
    a, b = st.columns(2)
    red = a.slider("红色阈值（占时间进度）", 0, 100, int(DEFAULT_BANDS.red * 100), 5, format="%d%%",
                   key="band_red")
    yellow = b.slider("黄色阈值（占时间进度）", 0, 100, int(DEFAULT_BANDS.yellow * 100), 5, format="%d%%",
                      key="band_yellow")
    bands = ExecutionBands(red=red / 100, yellow=max(yellow, red) / 100)

execution = ui.read("v_execution", filters, order_by=("program_id", "project_id", "as_of"))
if execution.empty:
    st.info("当前筛选下没有执行数据。")
    st.stop()


def _label(row) -> str:
    if isinstance(row.project_name, str):
        return row.project_name
    parts = [row.region, row.fund_source]
    return " · ".join(p for p in parts if isinstance(p, str)) or row.program_name


execution["label"] = [_label(r) for r in execution.itertuples()]
execution["band"] = [execution_band(r.execution_rate, r.elapsed_share, bands)
                     for r in execution.itertuples()]
execution["band_label"] = execution["band"].map(BAND_LABELS)

counts = execution["band"].value_counts()
c1, c2, c3 = st.columns(3)
c1.metric("🔴 红色预警", f"{int(counts.get('red', 0))} 项", border=True)
c2.metric("🟡 黄色关注", f"{int(counts.get('yellow', 0))} 项", border=True)
c3.metric("🟢 正常", f"{int(counts.get('green', 0))} 项", border=True)

for program_name, rows in execution.groupby("program_name", sort=False):
    st.subheader(program_name)
    latest = rows.sort_values("as_of").groupby(["label"], sort=False).tail(1)
    grid = st.columns(3)
    for i, row in enumerate(latest.itertuples()):
        with grid[i % 3]:
            st.plotly_chart(charts.execution_gauge(row.execution_rate, row.elapsed_share, row.label, bands),
                            key=f"gauge_{row.Index}")
            stated = "" if row.stated_execution_rate != row.stated_execution_rate else (
                f" · 报告执行率 {fmt.rate(row.stated_execution_rate)}")  # NaN: the report states none
            st.caption(f"{fmt.money(row.executed)} / {fmt.money(row.budget)}{stated} · 截至 "
                       f"{row.as_of:%Y-%m-%d} · 时间进度 {fmt.rate(row.elapsed_share, 0)}")

st.subheader("执行率排名")
st.plotly_chart(charts.execution_ranking(execution.dropna(subset=["execution_rate"])), key="ranking")
ui.show_table(
    execution, "v_execution", key="execution_table",
    columns=["program_name", "label", "as_of", "budget", "appropriation", "executed", "execution_rate",
             "stated_execution_rate", "elapsed_share", "band_label", "source_ref", "note"],
    column_config={"label": st.column_config.Column("事项"),
                   "band_label": st.column_config.Column("预警"),
                   "as_of": st.column_config.DateColumn("截至日期", format="YYYY-MM-DD")},
)

progress = ui.read("v_progress", filters, order_by=("program_id", "region", "subject"))
if not progress.empty:
    st.subheader("建设进度")
    if progress["percent"].notna().any():
        st.plotly_chart(charts.progress_bars(progress), key="progress")
    ui.show_table(progress, "v_progress", key="progress_table",
                  columns=["region", "subject", "measure", "percent", "status_text", "source_ref"])
