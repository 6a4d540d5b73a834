"""资金分配: money per city, per project and per source, with the tables behind the charts.

The cards are always drawn; of the four parts below them only the chosen one
(lib/ui/sections.py, kept in the URL)."""

import streamlit as st

from lib import ui
from lib.labels import SECTION_LABELS
from lib.ui import charts, fmt
from lib.ui.safe import md, md_join
from lib.ui.sections import section

ui.require_entrypoint()
st.title("资金分配")
ui.version_caption()
filters = ui.current_filters()

# Charts draw at most this many bars / sectors; the tables and their downloads have the rest.
CHART_REGIONS = 20
CHART_PROJECTS = 30
SUNBURST_GROUPS = 300
NO_FUNDING = "当前筛选下没有按地区、来源分配的资金记录。"

# The cards follow 总览's year rule (lib/ui/years.py) and name the programs whose allocations
# they add: the parts below may show other programs' projects (a department has projects and
# no allocations, a transfer allocations and no projects).
funded = ui.summarize("v_funding", filters, by=("year", "program_id", "program_name"), sums=("amount",))
funded_years = sorted({int(y) for y in funded["year"]}, reverse=True)
_, headlines = ui.headline_scopes(filters, funded_years, "funding_year_basis")
if funded.empty:
    st.info(NO_FUNDING)
for prefix, _, scope in headlines if not funded.empty else ():
    per_source = ui.summarize("v_funding", scope, by=("fund_source",), sums=("amount",))
    total = float(per_source["amount"].sum())
    unit = fmt.money_unit([total])
    cards = ui.metric_row()
    cards.metric(f"{prefix}分配合计（{unit}）", fmt.number_in(total, unit), help=fmt.money(total),
                 border=True)
    for row in per_source.itertuples():
        cards.metric(md("{}{}（{}）", prefix, row.fund_source, unit), fmt.number_in(row.amount, unit),
                     help=f"{fmt.money(row.amount)}，占 {row.amount / total:.1%}" if total else None,
                     border=True)
if not funded.empty:
    st.caption(md("分配记录来自：{}", fmt.program_list(funded)))

# The stored sums per program × region × source answer every selection but a single project's.
sums_of = "v_funding" if filters.project_id else "v_funding_by_region_source"
GROUP_BY = ("program_name", "region", "fund_source")


def funding_groups():
    """The rows per program × region × source (the first 3 × DETAIL_ROWS), their count and
    whether the rows are cut short."""
    if filters.project_id:
        groups = ui.summarize("v_funding", filters, by=GROUP_BY, sums=("amount",),
                              limit=3 * ui.limits.DETAIL_ROWS)
        n_groups = ui.count_distinct("v_funding", filters, GROUP_BY)
    else:
        groups = ui.read(sums_of, filters, order_by=(*GROUP_BY, "year", "program_id"),
                         limit=3 * ui.limits.DETAIL_ROWS)[[*GROUP_BY, "amount"]]
        n_groups = ui.count(sums_of, filters)
    truncated = len(groups) < n_groups
    if truncated:  # the last program × region may have lost a source to the limit
        last = groups.iloc[-1]
        groups = groups[(groups["program_name"] != last["program_name"])
                        | (groups["region"] != last["region"])]
    return groups, n_groups, truncated


def pivot_of(rows):
    pivot = rows.pivot_table(index=["program_name", "region"], columns="fund_source",
                             values="amount", aggfunc="sum", fill_value=0).reset_index()
    pivot["total"] = pivot.drop(columns=["program_name", "region"]).sum(axis=1)
    return pivot.sort_values(["program_name", "total"], ascending=[True, False])


def by_region() -> None:
    by_region = ui.summarize(sums_of, filters, by=("region", "fund_source"), sums=("amount",))
    region_totals = by_region.groupby("region")["amount"].sum().sort_values(ascending=False)
    note = "按资金来源堆叠（万元）"
    if len(region_totals) > CHART_REGIONS:
        note += f"；共 {len(region_totals):,} 个地区，图中为金额最大的 {CHART_REGIONS} 个"
        by_region = by_region[by_region["region"].isin(region_totals.index[:CHART_REGIONS])]
    st.caption(note + "。")
    st.plotly_chart(charts.funding_stacked(by_region), key="funding_stacked")


def region_table() -> None:  # the part's label heads it
    # One row per program × region × source from the database; the pivot is of the rows shown.
    groups, _, truncated = funding_groups()
    pivot = pivot_of(groups)
    money_cols = [c for c in pivot.columns if c not in ("program_name", "region")]
    money_config = {c: st.column_config.NumberColumn(f"{'合计' if c == 'total' else c}（万元）",
                                                      format="accounting") for c in money_cols}
    ui.show_table(pivot, "v_funding_by_region_source", key="funding_pivot", column_config=money_config,
                  sums=True,
                  total=ui.count_distinct(sums_of, filters, GROUP_BY[:2]) if truncated else None,
                  full=lambda: pivot_of(ui.get_store().summarize(sums_of, ui.scoped(filters), by=GROUP_BY,
                                                                 sums=("amount",))))


def composition() -> None:
    st.subheader("资金构成：资金 → 地区 → 来源")
    groups, n_groups, _ = funding_groups()
    if n_groups > SUNBURST_GROUPS:
        st.caption(f"当前筛选有 {n_groups:,} 组资金 × 地区 × 来源，构成图只在 {SUNBURST_GROUPS} 组以内绘制："
                   "请先选择年度或资金。")
    else:
        st.plotly_chart(charts.funding_sunburst(groups), key="funding_sunburst")


PROJECT_ORDER = ("program_id", "project_id")
SPENDING_ORDER = ("program_id", "project_id", "seq")


def by_project() -> None:  # the part's label heads it
    n_projects = ui.count("v_projects", filters)
    if n_projects == 0:
        st.info("当前筛选下没有项目。")
    else:
        owners = ui.summarize("v_projects", filters, by=("year", "program_id", "program_name"))
        if set(owners["program_id"]) != set(funded["program_id"]):  # not the programs the cards add up
            st.caption(md("以下项目来自：{}（与上方分配合计的资金/部门不同）", fmt.program_list(owners)))
        if n_projects > CHART_PROJECTS:
            st.caption(f"共 {n_projects:,} 个项目，图中为预算最大的 {CHART_PROJECTS} 个。")
            largest = ui.read("v_projects", filters, order_by=("budget DESC", *PROJECT_ORDER),
                              limit=CHART_PROJECTS)
        else:
            largest = ui.read("v_projects", filters, order_by=PROJECT_ORDER)
        st.plotly_chart(charts.budget_vs_executed(largest), key="funding_projects")
        ui.show_rows("v_projects", filters, "v_projects", key="funding_projects_table",
                     order_by=PROJECT_ORDER, sums=True,
                     columns=["year", "program_name", "project_name", "budget", "appropriation", "executed",
                              "execution_rate"])
    if ui.count("v_spending_items", filters):
        st.subheader("项目支出明细")
        sums = ui.summarize("v_spending_items", filters, by=("project_name",), sums=("amount",), limit=21)
        if len(sums) <= 20:
            st.caption(md_join("；", [md("{}：明细合计 {}", r.project_name, fmt.money(r.amount))
                                     for r in sums.itertuples()]))
        ui.show_rows("v_spending_items", filters, "v_spending_items", key="funding_spending",
                     order_by=SPENDING_ORDER,
                     columns=["project_name", "seq", "item", "amount", "source_ref", "note"])


def detail() -> None:  # the part's label heads it
    ui.show_rows("v_funding", filters, "v_funding", key="funding_detail", sums=True,
                 order_by=("program_id", "region", "fund_source"),
                 columns=["year", "program_name", "region", "fund_source", "fund_year", "amount",
                          "doc_no", "source_ref", "note"])


PARTS = dict(zip(SECTION_LABELS["funding"][1], (by_region, region_table, composition, by_project, detail),
                 strict=True))
draw = PARTS[section("funding")]
if funded.empty and draw in (by_region, region_table, composition):
    st.info(NO_FUNDING)
else:
    draw()
