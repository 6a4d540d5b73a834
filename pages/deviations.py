"""偏差分析: every deviation explanation next to the figure it explains, searchable."""

import streamlit as st

from lib import ui
from lib.labels import INDICATOR_STATUS, SECTION_LABELS, STATUS_BADGES
from lib.ui import fmt, paging
from lib.ui.safe import Markdown, md, md_join
from lib.ui.sections import section

ui.require_entrypoint()
st.title("偏差分析")
ui.version_caption()
filters = ui.current_filters()

SEARCH_COLUMNS = ("subject", "project_name", "program_name", "deviation_reason", "improvement", "target",
                  "actual")
text = st.text_input("搜索偏差说明", placeholder="如：疫情、满意度、执行率", key="deviation_search")
ORDER = ("program_id", "project_id", "kind")
# the cards: the furthest miss first (18.37% execution was card 10 of 21 in project order)
WORST_FIRST = ("shortfall DESC", *ORDER, "subject")
search = (SEARCH_COLUMNS, text)
total = ui.count("v_deviations", filters, search=search)
st.caption(md("共 {:,} 条（含“{}”）", total, text) if text.strip() else md("共 {:,} 条", total))
if total == 0:
    st.info("没有符合条件的偏差说明。")
    st.stop()

kinds = {"indicator": "指标", "project": "项目"}


def card_text(row):
    """One card's Markdown: heading and figure, reason, measures and the source as one block (one
    element for the browser where a block per line was four)."""
    owner = row.project_name if isinstance(row.project_name, str) else row.program_name
    if row.kind == "indicator":
        figure = md("指标值 **{}** → 实际 **{}**", fmt.text(row.target), fmt.text(row.actual))
        status = INDICATOR_STATUS.get(row.status, "")
        badge = STATUS_BADGES.get(row.status, ":gray-badge[说明]")
        heading = md("{} {}年 · {} · {}", Markdown(badge), int(row.year), owner, row.subject)
    else:
        figure, status = md("执行率 **{}**", fmt.rate(row.execution_rate)), ""
        heading = md("{} {}年 · {} · 项目整体", Markdown(":blue-badge[项目]"), int(row.year), owner)
    if row.shortfall > 0:  # how far it misses: the cards run worst first
        figure = md("{} · 差 **{}**", figure, fmt.rate(row.shortfall))
    parts = [md("**{}**  \n{} · {}", heading, figure, status) if status
             else md("**{}**  \n{}", heading, figure)]
    if isinstance(row.deviation_reason, str):
        parts.append(md("**偏差原因：** {}", row.deviation_reason))
    if isinstance(row.improvement, str):
        parts.append(md("**改进措施：** {}", row.improvement))
    if not isinstance(row.deviation_reason, str) and not isinstance(row.improvement, str):
        parts.append(md(":orange-badge[{}]", NO_REASON))
    parts.append(md(":gray[{} · 出处 {}]", kinds.get(row.kind, row.kind), row.source_ref))
    return md_join("\n\n", parts)


NO_REASON = "未填写偏差原因及改进措施"


def cards() -> None:
    # Cards for the first few (a screen of reading, not a wall; 显示更多 adds more); the table
    # lists more and its downloads hold every one.
    selection = (filters.key(), text.strip())
    n_cards = paging.shown("deviation_cards", selection, min(total, ui.limits.DETAIL_ROWS))
    deviations = ui.read("v_deviations", filters, order_by=WORST_FIRST, search=search, limit=n_cards)
    if total > n_cards:
        st.caption(f"下面列出前 {n_cards:,} 条的说明卡片；全部 {total:,} 条见“偏差说明表”及其下载。")
    for row in deviations.itertuples():
        st.container(border=True).markdown(card_text(row))
    paging.more_button("deviation_cards", selection, n_cards, min(total, ui.limits.DETAIL_ROWS))


def labelled(frame):
    frame["kind_label"] = frame["kind"].map(kinds)
    frame["status_label"] = frame["status"].map(INDICATOR_STATUS)
    return frame


def table() -> None:
    ui.show_rows("v_deviations", filters, "v_deviations", key="deviation_table", order_by=ORDER,
                 search=search, prepare=labelled,
                 columns=["year", "project_name", "subject", "kind_label", "target", "actual", "status_label",
                          "execution_rate", "shortfall", "deviation_reason", "improvement", "program_name",
                          "source_ref"],
                 column_config={"kind_label": st.column_config.Column("类别"),
                                "shortfall": st.column_config.NumberColumn(
                                    "差距", format=fmt.RATE_FORMAT,
                                    help="1 − 完成值 ÷ 指标值，或 1 − 执行率"),
                                "status_label": st.column_config.Column("完成状态")})


PARTS = dict(zip(SECTION_LABELS["deviations"][1], (cards, table), strict=True))
PARTS[section("deviations")]()
