"""报告详情: objectives, stated figures and sources exactly as the reports give them."""

import streamlit as st

from lib import ui
from lib.labels import FORM_LABELS, REPORT_LABELS, SECTION_LABELS
from lib.outputs import forms, report_docx
from lib.ui import fmt, paging
from lib.ui.safe import md, md_join, md_text
from lib.ui.sections import section

ui.require_entrypoint()
st.title("报告详情")
ui.version_caption()
filters = ui.current_filters()

# Expanders for the first few records of each kind (显示更多 adds more); the tables list more,
# their downloads all.
OBJECTIVE_ORDER = ("program_id", "project_id", "seq")
PROJECT_ORDER = ("program_id", "project_id")
selection = filters.key()
n_objectives = ui.count("v_objectives", filters)
shown_objectives = paging.shown("objective_cards", selection, min(n_objectives, ui.limits.DETAIL_ROWS))
objectives = ui.read("v_objectives", filters, order_by=OBJECTIVE_ORDER, limit=shown_objectives)
projects = ui.read("v_projects", filters, order_by=PROJECT_ORDER, limit=ui.limits.DETAIL_ROWS)
n_projects = ui.count("v_projects", filters) if len(projects) >= ui.limits.DETAIL_ROWS else len(projects)
shown_projects = paging.shown("project_cards", selection, len(projects))


def more_note(total: int, shown: int, what: str) -> None:
    if total > shown:
        st.caption(f"共 {total:,} 条{what}，下面展开前 {shown:,} 条；全部见表格及其下载。")


def goals() -> None:
    if objectives.empty:
        st.info("当前筛选下没有绩效目标记录。")
    more_note(n_objectives, len(objectives), "绩效目标")
    many_years = objectives["year"].nunique() > 1  # the list mixes years: each program names its own
    for (year, program_name), rows in objectives.groupby(["year", "program_name"], sort=False):
        st.subheader(md("{}年 · {}", int(year), program_name) if many_years else md_text(program_name))
        for row in rows.itertuples():
            title = fmt.text_or(row.label, f"第{row.seq}项")
            owner = md("{} · ", row.project_name) if isinstance(row.project_name, str) else ""
            # one block per expander: each element is one more render of the page in the browser
            lines = []
            if isinstance(row.expected, str):
                lines.append(md("**预期目标：** {}", row.expected))
            if isinstance(row.actual_text, str):
                lines.append(md("**实际完成情况：** {}", row.actual_text))
            if isinstance(row.note, str):
                lines.append(md(":gray[说明：{}]", row.note))
            lines.append(md(":gray[出处 {}]", row.source_ref))
            st.expander(md("{}{}", owner, title), expanded=False).markdown(md_join("\n\n", lines))
    paging.more_button("objective_cards", selection, len(objectives),
                       min(n_objectives, ui.limits.DETAIL_ROWS))
    ui.show_rows("v_objectives", filters, "v_objectives", key="objectives_table", order_by=OBJECTIVE_ORDER,
                 columns=["year", "program_name", "project_name", "seq", "label", "expected", "actual_text",
                          "source_ref", "note"])


def project_reports() -> None:
    if projects.empty:
        st.info("当前筛选下没有项目。")
    more_note(n_projects, shown_projects, "项目")
    for row in projects.head(shown_projects).itertuples():
        label = md("{} · 自评 {}", row.project_name, fmt.text_or(row.stated_rating))
        lines = [md("**{}：** {}", heading, value)
                 for heading, value in (("总体绩效目标完成情况", row.objective_actual),
                                      ("偏离绩效目标的原因", row.deviation_reason),
                                      ("下一步改进措施", row.improvement), ("转录说明", row.note))
                 if isinstance(value, str)]
        lines.append(md(":gray[出处 {}]", row.source_ref))
        st.expander(label, expanded=False).markdown(md_join("\n\n", lines))
    paging.more_button("project_cards", selection, shown_projects, len(projects))


def stated() -> None:
    st.caption("报告中写明的合计数、个数与比率，按原文保存；核对方式说明可由哪些明细重算。")
    ui.show_rows("v_stated_figures", filters, "v_stated_figures", key="stated_table",
                 order_by=("program_id", "project_id", "seq"),
                 columns=["year", "program_name", "project_name", "region", "metric", "value", "unit",
                          "fund_source", "fund_year", "rating", "aggregate", "text", "source_ref", "note"])


def sources() -> None:
    ui.show_rows("sources", filters.only(), "sources", key="sources_table", order_by=("source_id",))


def downloads() -> None:
    st.subheader(FORM_LABELS["section"])
    st.caption(FORM_LABELS["caption"])
    form_choices = forms.form_options(
        projects, ui.read("programs", filters, order_by=("program_id",), limit=ui.limits.DETAIL_ROWS),
        with_projects=set(ui.summarize("v_projects", filters, by=("program_id",))["program_id"]))
    if not form_choices:
        st.info(FORM_LABELS["none"])
    else:
        form_id = st.selectbox(FORM_LABELS["choose"], list(form_choices), format_func=form_choices.get,
                               key="form_choice")
        st.download_button(FORM_LABELS["download"],
                           ui.logged_export(lambda: forms.write_form(ui.scoped_store(), form_id), "form",
                                            forms.form_file_name(form_id), {"record_id": form_id}),
                           file_name=forms.form_file_name(form_id), key="form_download", on_click="ignore",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    st.subheader("自评报告草稿")
    st.caption(REPORT_LABELS["caption"])
    drafts = report_docx.report_programs(ui.scoped_store(), ui.scoped(filters)) \
        if ui.count("programs", filters.only("year", "program_id")) else None
    if drafts is None or drafts.empty:
        st.info(REPORT_LABELS["none"])
    else:  # one report a file: the program chosen, the latest year's first
        names = {r.program_id: f"{r.year}年 · {r.program_name}" for r in drafts.itertuples()}
        program_id = st.selectbox(REPORT_LABELS["choose"], list(names), format_func=names.get,
                                  key="report_program") if len(names) > 1 else next(iter(names))
        name = report_docx.file_name(filters, program_id)
        st.download_button(REPORT_LABELS["download"],
                           ui.logged_export(lambda: report_docx.write_docx(ui.scoped_store(),
                                                                           ui.scoped(filters), program_id),
                                            "report", name, {k: str(v) for k, v in filters.active().items()}
                                            | {"program_id": program_id}),
                           file_name=name, key="report_docx", on_click="ignore",
                           mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")


PARTS = dict(zip(SECTION_LABELS["reports"][1], (goals, project_reports, stated, sources, downloads),
                 strict=True))
PARTS[section("reports")]()
