"""绩效指标: counts by completion, then one part (lib/ui/sections.py): completion per 一级指标,
the indicator tree with target vs actual, status, weight and score, the stated scores per 一级指标."""

import streamlit as st

from lib import ui
from lib.analysis import scoring
from lib.labels import INDICATOR_STATUS, SECTION_LABELS, YEAR_BASIS_LABELS
from lib.ui import charts, fmt
from lib.ui.sections import section

ui.require_entrypoint()
st.title("绩效指标")
ui.version_caption()
filters = ui.current_filters()

# Counts come from the database for the whole selection; the tables list its first rows.
by_status = ui.summarize("v_indicators", filters, by=("level1", "status"), nonnull=("weight",))
if by_status.empty:
    st.info("当前筛选下没有绩效指标。")
    st.stop()

total = int(by_status["n"].sum())  # the parts below cover the whole selection
# The cards follow 总览's year rule (lib/ui/years.py): the latest year unless a sum is chosen.
by_year = ui.summarize("v_indicators", filters, by=("year", "status"))
years = sorted({int(y) for y in by_year["year"]}, reverse=True)
basis, headlines = ui.headline_scopes(filters, years, "indicators_year_basis")
for prefix, covered, _ in headlines:
    rows = by_year[by_year["year"].isin(covered)] if covered else by_year
    per_status = rows.groupby("status")["n"].sum()
    met = int(per_status.get("met", 0) + per_status.get("qualitative_met", 0))
    not_met = int(per_status.get("not_met", 0) + per_status.get("qualitative_not_met", 0))
    judged = met + not_met
    n = int(rows["n"].sum())
    cards = ui.metric_row()
    cards.metric(f"{prefix}指标数", fmt.count(n, "项"), help=f"{n:,} 项", border=True)
    cards.metric(f"{prefix}达标（含定性）", fmt.count(met, "项"), help=f"{met:,} 项", border=True)
    cards.metric(f"{prefix}未达标", fmt.count(not_met, "项"), help=f"{not_met:,} 项", border=True)
    cards.metric(f"{prefix}达标率", f"{met / judged:.2%}" if judged else "—", border=True,
                 help="达标 ÷ (达标 + 未达标)；无指标值、无法判断的不计")
if len(years) > 1 and basis == "latest":
    st.caption(YEAR_BASIS_LABELS["indicators_caption"].format(
        n=len(years), years="、".join(str(y) for y in sorted(years)), year=years[0]))

# plain marks in the grid (no emoji: they print as empty boxes without a colour-emoji font)
STATUS_MARK = {"met": "✓", "qualitative_met": "✓", "not_met": "×", "qualitative_not_met": "×",
               "no_target": "–", "unknown": "?", "not_applicable": "/"}
ORDER = ("program_id", "project_id", "seq")


def prepare(indicators):
    """Display columns; computed scores rescale weights over each project's rows in the frame."""
    indicators["status_label"] = indicators["status"].map(INDICATOR_STATUS)
    indicators["owner"] = indicators["project_name"].fillna(indicators["program_name"])
    indicators["mark"] = indicators["status"].map(STATUS_MARK) + " " + indicators["status_label"]
    indicators["computed_score"] = scoring.indicator_scores(indicators)["computed_score"]
    return indicators


def in_table_order(rows):
    return rows.sort_values(["level2", "owner", "seq"], na_position="last")


# who and which indicator first (pinned), then the figures, then the text: with 项目 at the far
# right the rows of three projects' 满意度 read as one row three times
table_columns = ["owner", "level3", "target", "actual", "mark", "weight", "stated_score", "computed_score",
                 "level2", "region", "deviation_reason"]
config = {"computed_score": st.column_config.NumberColumn("计算得分", format="%.2f"),
          "owner": st.column_config.Column("项目/资金", width="medium", pinned=True),
          "level3": st.column_config.Column("三级指标", width="large"),
          "mark": st.column_config.Column("完成状态"),
          "level2": st.column_config.Column("二级指标", width="small")}



def completion() -> None:
    st.plotly_chart(charts.indicator_status_bars(by_status), key="indicator_status")
    st.caption(scoring.indicator_score_note(int(by_status["n_weight"].sum()), total))


def level1_title(level1: str, rows) -> str:
    n_rows = int(rows["n"].sum())
    n_bad = int(rows.loc[rows["status"].isin(["not_met", "qualitative_not_met"]), "n"].sum())
    return (f"{level1}（{n_rows:,} 项，未达标 {n_bad:,} 项）" if n_bad else f"{level1}（{n_rows:,} 项）")


def detail() -> None:
    """One 一级指标's table at a time, chosen above it (its title states every count): one grid
    for the browser to lay out, where a table per 一级指标 was three."""
    shown = prepare(ui.read("v_indicators", filters, order_by=ORDER, limit=ui.limits.DETAIL_ROWS))
    groups = dict(tuple(by_status.groupby("level1", sort=False)))
    titles = {level1: level1_title(level1, rows) for level1, rows in groups.items()}
    level1 = st.selectbox("一级指标", list(titles), format_func=titles.get, key="indicator_level1")
    ui.show_table(
        in_table_order(shown[shown["level1"] == level1]), "v_indicators", key=f"ind_{level1}",
        columns=table_columns, column_config=config, total=int(groups[level1]["n"].sum()),
        full=lambda: in_table_order(
            prepare(ui.read_all("v_indicators", filters, order_by=ORDER)).query("level1 == @level1")))


def score_parts() -> None:
    if not ui.count("v_score_parts", filters):
        st.info("当前筛选下的报告没有分列一级指标的分值与得分。")
        return
    ui.show_rows("v_score_parts", filters, "v_score_parts", key="score_parts",
                 order_by=("program_id", "project_id", "part"),
                 columns=["project_name", "part", "weight", "stated_score", "status_text", "source_ref"])


PARTS = dict(zip(SECTION_LABELS["indicators"][1], (completion, detail, score_parts), strict=True))
PARTS[section("indicators")]()
