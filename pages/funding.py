"""资金分配: money per city, per project and per source, with the tables behind the charts."""

import streamlit as st

from lib import charts, fmt, ui

ui.require_entrypoint()
st.title("资金分配")
ui.version_caption()
filters = ui.current_filters()

by_region = ui.read("v_funding_by_region_source", filters, order_by=("program_id", "region", "fund_source"))
funding = ui.read("v_funding", filters, order_by=("program_id", "region", "fund_source"))

if by_region.empty:
    st.info("当前筛选下没有按地区、来源分配的资金记录。")
else:
    total = float(by_region["amount"].sum())
    per_source = by_region.groupby("fund_source")["amount"].sum().astype(float)
    unit = fmt.money_unit([total])
    cols = st.columns(1 + len(per_source))
    cols[0].metric(f"分配合计（{unit}）", fmt.number_in(total, unit), help=fmt.money(total), border=True)
    for col, (source, amount) in zip(cols[1:], per_source.items(), strict=True):
        col.metric(f"{source}（{unit}）", fmt.number_in(amount, unit),
                   help=f"{fmt.money(amount)}，占 {amount / total:.1%}", border=True)

    st.subheader("分地区资金（按来源堆叠）")
    st.plotly_chart(charts.funding_stacked(by_region), key="funding_stacked")

    st.subheader("分地区分来源汇总")
    pivot = by_region.pivot_table(index=["program_name", "region"], columns="fund_source",
                                  values="amount", aggfunc="sum", fill_value=0).reset_index()
    pivot["total"] = pivot.drop(columns=["program_name", "region"]).sum(axis=1)
    pivot = pivot.sort_values(["program_name", "total"], ascending=[True, False])
    money_cols = [c for c in pivot.columns if c not in ("program_name", "region")]
    money_config = {c: st.column_config.NumberColumn(f"{'合计' if c == 'total' else c}（万元）",
                                                      format="accounting") for c in money_cols}
    ui.show_table(pivot, "v_funding_by_region_source", key="funding_pivot", column_config=money_config)

    st.subheader("资金构成：资金 → 地区 → 来源")
    st.plotly_chart(charts.funding_sunburst(by_region), key="funding_sunburst")

st.subheader("分项目预算与执行")
projects = ui.read("v_projects", filters, order_by=("program_id", "project_id"))
if projects.empty:
    st.info("当前筛选下没有项目。")
else:
    st.plotly_chart(charts.budget_vs_executed(projects), key="funding_projects")
    ui.show_table(projects, "v_projects", key="funding_projects_table",
                  columns=["program_name", "project_name", "budget", "appropriation", "executed",
                           "execution_rate"])

spending = ui.read("v_spending_items", filters, order_by=("program_id", "project_id", "seq"))
if not spending.empty:
    st.subheader("项目支出明细")
    sums = spending.groupby("project_name")["amount"].sum()
    st.caption("；".join(f"{p}：明细合计 {fmt.money(v)}" for p, v in sums.items()))
    ui.show_table(spending, "v_spending_items", key="funding_spending",
                  columns=["project_name", "seq", "item", "amount", "source_ref", "note"])

st.subheader("资金分配明细")
ui.show_table(funding, "v_funding", key="funding_detail",
              columns=["year", "program_name", "region", "fund_source", "fund_year", "amount",
                       "doc_no", "source_ref", "note"])
