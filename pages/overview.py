"""总览: headline money and execution, then one of its parts (lib/ui/sections.py): budget execution by
year and program, ratings and the lowest executions, the project list."""

from dataclasses import replace

import streamlit as st

from lib import ui
from lib.analysis import scoring, summary
from lib.analysis.scoring import execution_band
from lib.filters import Filters
from lib.labels import BAND_LABELS, SECTION_LABELS, TOTALS_BASIS_LABELS, YEAR_BASIS_LABELS
from lib.ui import across_years, charts, fmt
from lib.ui.safe import md, md_join, md_text
from lib.ui.sections import section

ui.require_entrypoint()
st.title("总览")
ui.version_caption()
filters = ui.current_filters()

totals = ui.program_totals(filters)
years = sorted({int(y) for y in totals["year"]}, reverse=True)


def headline_cards(scope: Filters, rows, prefix: str = "") -> None:
    """Budget, executed, rate and project count of ``rows`` (program totals) as four cards."""
    head = summary.headline(rows)
    n_projects = ui.count("v_projects", scope)
    projects_label, projects_value, projects_help = fmt.project_count_card(
        n_projects, head["programs"], ui.count_distinct("v_projects", scope, ("program_id",)),
        ui.count_distinct("v_funding", scope, ("region",)), ui.count("v_funding", scope))
    unit = fmt.money_unit([head["budget"], head["executed"]])
    cards = ui.metric_row()
    cards.metric(f"{prefix}预算总额（{unit}）", fmt.number_in(head["budget"], unit),
              help=fmt.money(head["budget"]), border=True)
    cards.metric(f"{prefix}执行数（{unit}）", fmt.number_in(head["executed"], unit),
              help=fmt.money(head["executed"]), border=True)
    cards.metric(f"{prefix}执行率", fmt.rate(head["execution_rate"]), help="执行数 ÷ 预算数", border=True)
    cards.metric(f"{prefix}{projects_label}", projects_value, border=True, help=projects_help)


BASIS_NOTE = ("预算与执行取各资金/部门报告的整体数（如部门全年预算、中央与地方资金合计）；"
              "没有整体数的，取其项目年末数之和。")
if len(years) <= 1:
    headline_cards(filters, totals)
    st.caption(BASIS_NOTE)
else:
    span = f"{years[-1]}–{years[0]}年"
    basis = st.radio(YEAR_BASIS_LABELS["question"], ("latest", "side", "sum"), horizontal=True,
                     key="overview_year_basis", help=YEAR_BASIS_LABELS["help"],
                     format_func=lambda b: YEAR_BASIS_LABELS[b].format(year=years[0]))
    # one caption under the cards (each element is one more render in the browser)
    if basis == "sum":
        headline_cards(filters, totals, "全部年度合计")
        note = YEAR_BASIS_LABELS["sum_caption"].format(years=span, n=len(years))
    elif basis == "side":
        shown = years[:4]
        for year in shown:
            headline_cards(replace(filters, year=year), totals[totals["year"] == year], f"{year}年")
        note = (YEAR_BASIS_LABELS["side_caption"].format(shown=len(shown), n=len(years))
                if len(years) > len(shown) else "")
    else:
        headline_cards(replace(filters, year=years[0]), totals[totals["year"] == years[0]], f"{years[0]}年")
        note = YEAR_BASIS_LABELS["latest_caption"].format(
            n=len(years), years="、".join(str(y) for y in sorted(years)), year=years[0])
    st.caption(f"{note}  \n{BASIS_NOTE}" if note else BASIS_NOTE)


yearly, links = ui.yearly_execution(filters)


def yearly_execution() -> None:
    st.plotly_chart(charts.yearly_execution(yearly, links), key="overview_years")
    st.caption(YEAR_BASIS_LABELS["links" if len(links) else "no_links"])


def program_execution() -> None:  # the part's label heads it
    shown = totals.assign(basis=totals["basis"].map(TOTALS_BASIS_LABELS))
    ui.show_table(
        shown.head(ui.DETAIL_ROWS), "program_totals", key="overview_totals",
        total=len(shown), full=lambda: shown,
        columns=["year", "program_name", "basis", "as_of", "budget", "executed", "execution_rate"],
        column_config={"as_of": st.column_config.DateColumn("截至日期", format="YYYY-MM-DD")},
    )


def ratings_and_alerts() -> None:
    left, right = st.columns(2)
    with left:
        st.subheader("自评等级分布")
        if ui.count("v_projects", filters) == 0:
            st.info("当前筛选下没有项目自评结果。")
        else:
            counts = summary.rating_counts_of(ui.summarize("v_projects", filters, by=("stated_rating",)))
            st.plotly_chart(charts.rating_distribution(counts), key="overview_ratings")
            st.caption(md_text("、".join(f"{r}：{n:,}个"
                                         for r, n in zip(counts["rating"], counts["count"], strict=True))))
    with right:
        st.subheader("执行率最低的事项")
        rows = ui.read("v_execution", filters, not_null=("execution_rate",), limit=5,
                       order_by=("execution_rate", "program_id", "project_id", "as_of"))
        if rows.empty:
            st.info("当前筛选下没有执行数据。")
        lines = []
        for row in rows.itertuples():
            band = execution_band(row.execution_rate, row.elapsed_share)
            name = row.project_name if isinstance(row.project_name, str) else (
                f"{row.program_name} · {fmt.joined(row.region, row.fund_source)}".strip(" ·"))
            icon = {"red": "🔴", "yellow": "🟡", "green": "🟢"}.get(band, "⚪")
            lines.append(md("{} **{}** — 执行率 **{}**（{} / {}）· {}", icon, name,
                            fmt.rate(row.execution_rate), fmt.money(row.executed), fmt.money(row.budget),
                            BAND_LABELS.get(band, "")))
        if lines:  # one block, a line each
            st.markdown(md_join("\n\n", lines))


def project_list() -> None:  # the part's label heads it: no subheader
    projects = ui.show_rows(
        "v_projects", filters, "v_projects", key="overview_projects", order_by=("program_id", "project_id"),
        prepare=lambda rows: ui.with_project_scores(rows, filters),
        columns=["project_name", "budget", "appropriation", "executed", "execution_rate",
                 "stated_execution_rate", "stated_score", "computed_score", "stated_rating",
                 "rating_of_stated", "computed_rating"],
        column_config={"computed_score": st.column_config.NumberColumn("计算得分", format="%.2f"),
                       "rating_of_stated": st.column_config.Column(
                           "评级区间", help="报告得分所属区间：优 ≥ 90，良 80–<90，中 60–<80，差 < 60")},
    )
    if not projects.empty:
        st.caption(md_text(scoring.score_note(projects)))


PARTS = dict(zip(SECTION_LABELS["overview"][1],
                 (yearly_execution, program_execution, ratings_and_alerts, project_list,
                  lambda: across_years.overview_part(filters)), strict=True))
# one budget year has no trend to draw: the landing part is then the table per program
PARTS[section("overview", skip=() if len(yearly) > 1 else (SECTION_LABELS["overview"][1][0],))]()
