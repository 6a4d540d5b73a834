"""报告详情: objectives, stated figures and sources exactly as the reports give them."""

import streamlit as st

from lib import forms, ui
from lib.labels import FORM_LABELS

ui.require_entrypoint()
st.title("报告详情")
ui.version_caption()
filters = ui.current_filters()

objectives = ui.read("v_objectives", filters, order_by=("program_id", "project_id", "seq"))
projects = ui.read("v_projects", filters, order_by=("program_id", "project_id"))
stated = ui.read("v_stated_figures", filters, order_by=("program_id", "project_id", "seq"))

tab_goals, tab_projects, tab_stated, tab_sources = st.tabs(
    ["绩效目标与完成情况", "项目自评情况", "报告声明数", "来源报告"])

with tab_goals:
    if objectives.empty:
        st.info("当前筛选下没有绩效目标记录。")
    for program_name, rows in objectives.groupby("program_name", sort=False):
        st.subheader(program_name)
        for row in rows.itertuples():
            title = row.label or f"第{row.seq}项"
            owner = f"{row.project_name} · " if isinstance(row.project_name, str) else ""
            with st.expander(f"{owner}{title}", expanded=False):
                if isinstance(row.expected, str):
                    st.markdown(f"**预期目标：** {row.expected}")
                if isinstance(row.actual_text, str):
                    st.markdown(f"**实际完成情况：** {row.actual_text}")
                if isinstance(row.note, str):
                    st.caption(f"说明：{row.note}")
                st.caption(f"出处 {row.source_ref}")
    ui.show_table(objectives, "v_objectives", key="objectives_table",
                  columns=["program_name", "project_name", "seq", "label", "expected", "actual_text",
                           "source_ref", "note"])

with tab_projects:
    if projects.empty:
        st.info("当前筛选下没有项目。")
    for row in projects.itertuples():
        with st.expander(f"{row.project_name} · 自评 {row.stated_rating or '—'}", expanded=False):
            for label, value in (("总体绩效目标完成情况", row.objective_actual),
                                 ("偏离绩效目标的原因", row.deviation_reason),
                                 ("下一步改进措施", row.improvement), ("转录说明", row.note)):
                if isinstance(value, str):
                    st.markdown(f"**{label}：** {value}")
            st.caption(f"出处 {row.source_ref}")

with tab_stated:
    st.caption("报告中写明的合计数、个数与比率，按原文保存；核对方式说明可由哪些明细重算。")
    ui.show_table(stated, "v_stated_figures", key="stated_table",
                  columns=["program_name", "project_name", "region", "metric", "value", "unit",
                           "fund_source", "fund_year", "rating", "aggregate", "text", "source_ref", "note"])

with tab_sources:
    sources = ui.read("sources")
    ui.show_table(sources, "sources", key="sources_table")

st.divider()
st.subheader(FORM_LABELS["section"])
st.caption(FORM_LABELS["caption"])
form_choices = forms.form_options(projects, ui.read("programs", filters, order_by=("program_id",)))
if not form_choices:
    st.info(FORM_LABELS["none"])
else:
    form_id = st.selectbox(FORM_LABELS["choose"], list(form_choices), format_func=form_choices.get,
                           key="form_choice")
    st.download_button(FORM_LABELS["download"], forms.write_form(ui.get_store(), form_id),
                       file_name=forms.form_file_name(form_id), key="form_download", on_click="ignore",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
