"""绩效指标: the indicator tree with target vs actual, completion status, weight and score."""

import streamlit as st

from lib import charts, scoring, ui
from lib.labels import INDICATOR_STATUS

ui.require_entrypoint()
st.title("绩效指标")
ui.version_caption()
filters = ui.current_filters()

indicators = ui.read("v_indicators", filters, order_by=("program_id", "project_id", "seq"))
if indicators.empty:
    st.info("当前筛选下没有绩效指标。")
    st.stop()

indicators["status_label"] = indicators["status"].map(INDICATOR_STATUS)
indicators["owner"] = indicators["project_name"].fillna(indicators["program_name"])
counts = indicators["status"].value_counts()
met = int(counts.get("met", 0) + counts.get("qualitative_met", 0))
not_met = int(counts.get("not_met", 0) + counts.get("qualitative_not_met", 0))
judged = met + not_met
c1, c2, c3, c4 = st.columns(4)
c1.metric("指标数", f"{len(indicators)} 项", border=True)
c2.metric("达标（含定性）", f"{met} 项", border=True)
c3.metric("未达标", f"{not_met} 项", border=True)
c4.metric("达标率", f"{met / judged:.1%}" if judged else "—", border=True,
          help="达标 ÷ (达标 + 未达标)；无指标值、无法判断的不计")

st.plotly_chart(charts.indicator_status_bars(indicators), key="indicator_status")
st.caption(scoring.indicator_score_note(indicators))

STATUS_ICON = {"met": "✅", "qualitative_met": "✅", "not_met": "❌", "qualitative_not_met": "❌",
               "no_target": "➖", "unknown": "❔", "not_applicable": "⊘"}
indicators["mark"] = indicators["status"].map(STATUS_ICON) + " " + indicators["status_label"]
indicators["computed_score"] = scoring.indicator_scores(indicators)["computed_score"]
table_columns = ["level2", "level3", "target", "actual", "mark", "weight", "stated_score", "computed_score",
                 "region", "owner", "deviation_reason"]
config = {"computed_score": st.column_config.NumberColumn("计算得分", format="%.2f"),
          "owner": st.column_config.Column("项目/资金", width="medium"),
          "level3": st.column_config.Column("三级指标", width="large"),
          "mark": st.column_config.Column("完成状态"),
          "level2": st.column_config.Column("二级指标", width="small")}

for level1, rows in indicators.groupby("level1", sort=False):
    n_bad = int(rows["status"].isin(["not_met", "qualitative_not_met"]).sum())
    title = f"{level1}（{len(rows)} 项" + (f"，未达标 {n_bad} 项）" if n_bad else "）")
    with st.expander(title, expanded=True):
        ui.show_table(rows.sort_values(["level2", "owner", "seq"], na_position="last"), "v_indicators",
                      key=f"ind_{level1}", columns=table_columns, column_config=config)

parts = ui.read("v_score_parts", filters, order_by=("program_id", "project_id", "part"))
if not parts.empty:
    st.subheader("一级指标分值与得分")
    ui.show_table(parts, "v_score_parts", key="score_parts",
                  columns=["project_name", "part", "weight", "stated_score", "status_text", "source_ref"])
