"""绩效指标: the indicator tree with target vs actual, completion status, weight and score."""

import streamlit as st

from lib import ui
from lib.analysis import scoring
from lib.labels import INDICATOR_STATUS
from lib.ui import charts, fmt
from lib.ui.safe import md

ui.require_entrypoint()
st.title("绩效指标")
ui.version_caption()
filters = ui.current_filters()

# Counts come from the database for the whole selection; the tables list its first rows.
by_status = ui.summarize("v_indicators", filters, by=("level1", "status"), nonnull=("weight",))
if by_status.empty:
    st.info("当前筛选下没有绩效指标。")
    st.stop()

per_status = by_status.groupby("status")["n"].sum()
met = int(per_status.get("met", 0) + per_status.get("qualitative_met", 0))
not_met = int(per_status.get("not_met", 0) + per_status.get("qualitative_not_met", 0))
judged = met + not_met
total = int(by_status["n"].sum())
c1, c2, c3, c4 = st.columns(4)
c1.metric("指标数", fmt.count(total, "项"), help=f"{total:,} 项", border=True)
c2.metric("达标（含定性）", fmt.count(met, "项"), help=f"{met:,} 项", border=True)
c3.metric("未达标", fmt.count(not_met, "项"), help=f"{not_met:,} 项", border=True)
c4.metric("达标率", f"{met / judged:.1%}" if judged else "—", border=True,
          help="达标 ÷ (达标 + 未达标)；无指标值、无法判断的不计")

st.plotly_chart(charts.indicator_status_bars(by_status), key="indicator_status")
st.caption(scoring.indicator_score_note(int(by_status["n_weight"].sum()), total))

STATUS_ICON = {"met": "✅", "qualitative_met": "✅", "not_met": "❌", "qualitative_not_met": "❌",
               "no_target": "➖", "unknown": "❔", "not_applicable": "⊘"}
ORDER = ("program_id", "project_id", "seq")


def prepare(indicators):
    """Display columns; computed scores rescale weights over each project's rows in the frame."""
    indicators["status_label"] = indicators["status"].map(INDICATOR_STATUS)
    indicators["owner"] = indicators["project_name"].fillna(indicators["program_name"])
    indicators["mark"] = indicators["status"].map(STATUS_ICON) + " " + indicators["status_label"]
    indicators["computed_score"] = scoring.indicator_scores(indicators)["computed_score"]
    return indicators


def in_table_order(rows):
    return rows.sort_values(["level2", "owner", "seq"], na_position="last")


shown = prepare(ui.read("v_indicators", filters, order_by=ORDER, limit=ui.DETAIL_ROWS))
table_columns = ["level2", "level3", "target", "actual", "mark", "weight", "stated_score", "computed_score",
                 "region", "owner", "deviation_reason"]
config = {"computed_score": st.column_config.NumberColumn("计算得分", format="%.2f"),
          "owner": st.column_config.Column("项目/资金", width="medium"),
          "level3": st.column_config.Column("三级指标", width="large"),
          "mark": st.column_config.Column("完成状态"),
          "level2": st.column_config.Column("二级指标", width="small")}

# Only the first 一级指标's table opens at once: it alone fills the first screen, and each open
# table is one more grid for the browser to lay out; the titles state every count.
for i, (level1, rows) in enumerate(by_status.groupby("level1", sort=False)):
    n_rows = int(rows["n"].sum())
    n_bad = int(rows.loc[rows["status"].isin(["not_met", "qualitative_not_met"]), "n"].sum())
    title = (md("{}（{:,} 项，未达标 {:,} 项）", level1, n_rows, n_bad) if n_bad
             else md("{}（{:,} 项）", level1, n_rows))
    with st.expander(title, expanded=i == 0):
        ui.show_table(
            in_table_order(shown[shown["level1"] == level1]), "v_indicators", key=f"ind_{level1}",
            columns=table_columns, column_config=config, total=n_rows,
            full=lambda level1=level1: in_table_order(
                prepare(ui.read_all("v_indicators", filters, order_by=ORDER)).query("level1 == @level1")))

if ui.count("v_score_parts", filters):
    st.subheader("一级指标分值与得分")
    ui.show_rows("v_score_parts", filters, "v_score_parts", key="score_parts",
                 order_by=("program_id", "project_id", "part"),
                 columns=["project_name", "part", "weight", "stated_score", "status_text", "source_ref"])
