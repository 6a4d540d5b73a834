"""核查: every statement of the reports that does not add up, cannot be checked, or deserves a look,
grouped by what kind of statement it is (不符 first), each with the quoted sentences behind it."""

import streamlit as st

from lib import ui
from lib.analysis import checks
from lib.labels import (
    AUDIT_CERTAINTIES,
    AUDIT_CERTAINTY_HELP,
    AUDIT_RULE_HELP,
    AUDIT_RULES,
    AUDIT_SEVERITIES,
    SECTION_LABELS,
)
from lib.ui.sections import section

ui.require_entrypoint()
st.title("核查")
ui.version_caption()
filters = ui.current_filters()

# The checks recompute whole programs, so they read every record of the selected year / program
# and the findings are then narrowed to the region / project. Past AUDIT_MAX_ROWS indicator rows
# that is no longer a page view but a batch job: the command line does it.
AUDIT_MAX_ROWS = 200_000
scope = filters.only("year", "program_id")
in_scope = ui.count("v_indicators", scope)
if in_scope > AUDIT_MAX_ROWS:
    st.info(f"当前范围有 {in_scope:,} 条绩效指标，超过页面核查上限 {AUDIT_MAX_ROWS:,} 条："
            "请在左侧选择年度和资金/部门，或在命令行运行 python -m lib.cli check 核查全部数据。")
    st.stop()
findings = checks.filter_findings(ui.audit_findings(scope), filters)
counts = checks.summary(findings)

cards = ui.metric_row()
cards.metric("发现", f"{len(findings)} 条", border=True,
                help="报告自相矛盾、无法核对或值得一看之处；能对上的数字不列出")
for certainty in AUDIT_CERTAINTIES:
    cards.metric(certainty, f"{counts['by_certainty'][certainty]} 条", border=True,
                help=AUDIT_CERTAINTY_HELP[certainty])

RESULTS, BY_RULE = SECTION_LABELS["audit"][1]
if section("audit") == BY_RULE:
    ui.show_table(counts["by_rule"], "audit_rules", key="audit_by_rule",
                  columns=["rule", "rule_name", *AUDIT_CERTAINTIES, "findings"])
    st.markdown("\n".join(f"- **{code} {AUDIT_RULES[code]}**：{text}"
                           for code, text in AUDIT_RULE_HELP.items()))
    st.stop()

# the certainty and rule picks are in the URL (?certainty=不符&rule=R1,R12); unknown ones refused
for refused in (ui.url_picks("certainty", AUDIT_CERTAINTIES, "audit_certainty_pick", "性质"),
                ui.url_picks("rule", AUDIT_RULES, "audit_rule_pick", "规则")):
    if refused:
        st.error(refused)
# the three pickers in one row: one horizontal container, where columns were four blocks
pickers = st.container(horizontal=True, gap="small")
certainties = pickers.multiselect("性质", list(AUDIT_CERTAINTIES), key="audit_certainty_pick",
                                  placeholder="全部")
rules = pickers.multiselect("规则", list(AUDIT_RULES), key="audit_rule_pick",
                            format_func=lambda code: f"{code} {AUDIT_RULES[code]}", placeholder="全部规则")
severities = pickers.multiselect("严重程度", list(AUDIT_SEVERITIES), key="audit_severity_pick",
                                 placeholder="全部")
ui.keep_url_picks("certainty", certainties)
ui.keep_url_picks("rule", rules)
shown = checks.filter_findings(findings, rules=rules, severities=severities, certainties=certainties)
# a scoped user's program-wide findings say why they concern the scope
scope_column = ["scope_note"] if shown["scope_note"].notna().any() else []
if shown.empty:
    st.success("当前筛选下没有发现：报告数字与记录一致。")
for certainty in AUDIT_CERTAINTIES:
    group = shown[shown["certainty"] == certainty]
    if group.empty:
        continue
    st.markdown(f"#### {certainty}（{len(group)} 条）")
    st.caption(AUDIT_CERTAINTY_HELP[certainty])
    ui.show_table(group, f"audit_findings_{certainty}", key=f"audit_findings_{certainty}",
                  columns=["certainty", "severity", "rule", "rule_name", "record", "stated", "recomputed",
                           "difference", "unit", "message", "evidence", "places", *scope_column],
                  column_config={"record": st.column_config.Column("记录", width="large"),
                                 "message": st.column_config.Column("说明", width="large"),
                                 "evidence": st.column_config.Column("原文依据", width="large"),
                                 "difference": st.column_config.NumberColumn("差异", format="%.4g")})
if not shown.empty:
    st.caption("差异 = 报告值 − 重算值（单位见“单位”列：% 为百分点）。“原文依据”引用报告原句："
               "报告值、重算依据、另见（同一数字在别处的写法）。"
               "命令行：python -m lib.cli check [--json] [--certainty 不符]")
