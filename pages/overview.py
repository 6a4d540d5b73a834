"""总览: headline money and execution, then one of its parts (lib/ui/sections.py): budget execution by
year and program, ratings and the lowest executions, the project list."""

import streamlit as st

from lib import ui
from lib.analysis import scoring, summary
from lib.analysis.scoring import execution_band
from lib.filters import Filters
from lib.labels import BAND_BADGES, SECTION_LABELS, TOTALS_BASIS_LABELS, YEAR_BASIS_LABELS
from lib.ui import across_years, charts, fmt
from lib.ui.safe import Markdown, md, md_join, md_text
from lib.ui.sections import section

ui.require_entrypoint()
st.title("总览")
ui.version_caption()
filters = ui.current_filters()

totals = ui.program_totals(filters)
years = sorted({int(y) for y in totals["year"]}, reverse=True)


stated = ui.stated_execution(filters)


def headline_cards(scope: Filters, rows, prefix: str = "", change=None) -> str:
    """Budget, executed, rate and project count of ``rows`` (program totals) as four cards; the
    report's own rate on the rate card (one program) and, returned for the caption, each
    report's rate with its base beside the computed one."""
    head = summary.headline(rows)
    n_projects = ui.count("v_projects", scope)
    projects_label, projects_value, projects_help = fmt.project_count_card(
        n_projects, head["programs"], ui.count_distinct("v_projects", scope, ("program_id",)),
        ui.count_distinct("v_funding", scope, ("region",)), ui.count("v_funding", scope))
    unit = fmt.money_unit([head["budget"], head["executed"]])
    own = stated[stated["program_id"].isin(set(rows["program_id"]))]
    beside = summary.stated_beside(own, rows, names=head["programs"] > 1)
    cards = ui.metric_row()
    # 同比 (lib/ui/across_years.py): over the programs present in the year before too
    cards.metric(f"{prefix}预算总额（{unit}）", fmt.number_in(head["budget"], unit),
              help=fmt.money(head["budget"]), border=True,
              delta=across_years.delta_text(change.budget_change) if change else None)
    cards.metric(f"{prefix}执行数（{unit}）", fmt.number_in(head["executed"], unit),
              help=fmt.money(head["executed"]), border=True,
              delta=across_years.delta_text(change.executed_change) if change else None)
    cards.metric(f"{prefix}执行率", fmt.rate(head["execution_rate"]), border=True,
                 help="执行数 ÷ 预算数（全部资金）" + (f"；{beside}" if beside else ""),
                 delta=own["text"].iloc[0] if len(own) == 1 and head["programs"] == 1 else None,
                 delta_color="off", delta_arrow="off")
    cards.metric(f"{prefix}{projects_label}", projects_value, border=True, help=projects_help)
    return f"{prefix}{'：' if prefix else ''}{beside}" if beside else ""


BASIS_NOTE = ("预算与执行取各资金/部门报告的整体数（如部门全年预算、中央与地方资金合计）；"
              "没有整体数的，取其项目年末数之和。")
basis, headlines = ui.headline_scopes(filters, years, "overview_year_basis")
lines = []
for prefix, covered, scope in headlines:
    change = across_years.card_change(filters, covered[0]) if len(covered) == 1 else None
    lines.append(headline_cards(scope, totals[totals["year"].isin(covered)] if covered else totals, prefix,
                                change))
    if len(covered) == 1:
        lines.append(change.basis_note() if change else across_years.NO_PREVIOUS_SHORT)
if len(years) > 1:
    span = f"{years[-1]}–{years[0]}年"
    if basis == "sum":
        note = YEAR_BASIS_LABELS["sum_caption"].format(years=span, n=len(years))
    elif basis == "side":
        note = (YEAR_BASIS_LABELS["side_caption"].format(shown=min(4, len(years)), n=len(years))
                if len(years) > 4 else "")
    else:
        note = YEAR_BASIS_LABELS["latest_caption"].format(
            n=len(years), years="、".join(str(y) for y in sorted(years)), year=years[0])
    lines.insert(0, note)
# one caption under the cards (each element is one more render in the browser)
st.caption(md_join("  \n", [md_text(line) for line in [*lines, BASIS_NOTE] if line]))


yearly, links = ui.yearly_execution(filters)


def yearly_execution() -> None:
    st.plotly_chart(charts.yearly_execution(yearly, links), key="overview_years")
    st.caption(YEAR_BASIS_LABELS["links" if len(links) else "no_links"])


def program_execution() -> None:  # the part's label heads it
    # the report's own rate and its base beside the computed one, on screen and in the downloads
    reported = dict(zip(stated["program_id"], stated["text"], strict=True))
    shown = totals.assign(basis=totals["basis"].map(TOTALS_BASIS_LABELS),
                          stated_text=totals["program_id"].map(reported))
    ui.show_table(
        shown.head(ui.limits.DETAIL_ROWS), "program_totals", key="overview_totals",
        total=len(shown), full=lambda: shown,
        columns=["year", "program_name", "budget", "executed", "execution_rate", "stated_text", "basis",
                 "as_of"],
        column_config={"as_of": st.column_config.DateColumn("截至日期", format="YYYY-MM-DD"),
                       "stated_text": st.column_config.TextColumn("报告执行率（口径）", width="large")},
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
            # the list mixes years: each line names its own
            lines.append(md("{} {}年 · **{}** — 执行率 **{}**（{} / {}）", Markdown(BAND_BADGES.get(band)),
                            int(row.year), name, fmt.rate(row.execution_rate), fmt.money(row.executed),
                            fmt.money(row.budget)))
        if lines:  # one block, a line each
            st.markdown(md_join("\n\n", lines))


def project_list() -> None:  # the part's label heads it: no subheader
    projects = ui.show_rows(
        "v_projects", filters, "v_projects", key="overview_projects", order_by=("program_id", "project_id"),
        prepare=lambda rows: ui.with_project_scores(rows, filters), sums=True,
        columns=[*(["year"] if len(years) > 1 else []), "project_name", "budget", "appropriation", "executed",
                 "execution_rate",
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
