"""Across years on the pages: 总览's part 同比与趋势 (the year against the previous one, like for like,
and a trend per program) and 数据管理's part 跨年度关联 (each program's lineage, for confirmation
and correction). The logic is lib/analysis/lineage.py, yoy.py and lib/store/lineage.py; this
module only reads (cached) and draws."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from lib import ui
from lib.access.roles import Actor
from lib.analysis import projection, yoy
from lib.filters import Filters
from lib.store import lineage as store_lineage
from lib.ui import fmt
from lib.ui.safe import md, md_join, md_text

BASIS_LABELS = {"confirmed": "已确认", "workbook": "工作簿所填", "rule": "系统建议"}
NO_PREVIOUS = ("没有上年数据：当前数据中没有哪个资金/部门有上一年度的记录（按跨年度编号关联），"
               "因此不显示同比。导入同一资金或部门其他年度的数据后，这里按同口径显示同比与趋势；"
               "关联可在“数据管理 › 跨年度关联”中确认。")


@st.cache_data(max_entries=16, show_spinner=False)
def _cached_lineage(version: int, stamp: tuple) -> pd.DataFrame:
    del version, stamp
    return store_lineage.resolved(ui.get_store())


def lineage_frame() -> pd.DataFrame:
    """Every program with its lineage (lib/store/lineage.py resolved), kept per version and choice."""
    return _cached_lineage(ui.dataset_version(), store_lineage.choices_stamp(ui.get_store())).copy()


def lineage_map() -> dict[str, str]:
    frame = lineage_frame()
    return dict(zip(frame["program_id"], frame["lineage"], strict=True))


NO_PREVIOUS_SHORT = "同比：没有上一年度的同一资金/部门数据，不显示同比。"


def _wide_totals(filters: Filters) -> tuple[Filters, pd.DataFrame, dict[str, str]]:
    """The selection without its year and program (the year before has other program ids),
    narrowed to the chosen program's lineage; with the lineage map."""
    wide = replace(filters, year=None, program_id=None)
    totals = ui.program_totals(wide)
    mapping = lineage_map()
    if filters.program_id is not None:
        chosen = mapping.get(filters.program_id, filters.program_id)
        totals = totals[[mapping.get(p, p) == chosen for p in totals["program_id"]]]
    return wide, totals, mapping


def card_change(filters: Filters, year: int) -> yoy.YearOnYear | None:
    """``year`` against the year before, like for like, for 总览's headline cards (None: no
    program of the selection has the previous year)."""
    _, totals, mapping = _wide_totals(filters)
    return yoy.year_on_year(totals, mapping, year)


def delta_text(fraction: float | None) -> str | None:
    """A card's 同比 delta: +6.55% (money), None without a previous year."""
    return None if fraction is None else f"同比 {fraction * 100:+.2f}%"


# ---------------------------------------------------------------- 总览 › 同比与趋势
def overview_part(filters: Filters) -> None:
    """Draw 同比与趋势 for the selection: cards of the chosen (else latest comparable) year against
    the year before, over programs present in both, and a table of every program by year."""
    # the year filter chooses the year and the program filter the lineage: the comparison needs the
    # year before, whose program has another id, so both are read without and narrowed by lineage
    wide, totals, mapping = _wide_totals(filters)
    if totals.empty or not yoy.has_previous_year(totals, mapping):
        st.info(NO_PREVIOUS)
    else:
        _year_on_year(filters, wide, totals, mapping)
    _projections(wide, mapping, totals)


def _year_on_year(filters: Filters, wide: Filters, totals: pd.DataFrame, mapping: dict[str, str]) -> None:
    years = sorted({int(y) for y in totals["year"]}, reverse=True)
    year = filters.year if filters.year is not None else next(
        (y for y in years if yoy.year_on_year(totals, mapping, y) is not None), years[0])
    result = yoy.year_on_year(totals, mapping, year)
    if result is None:
        st.info(md("{}年的资金/部门都没有{}年的数据，{}年不显示同比。", year, year - 1, year))
    else:
        unit = fmt.money_unit([result.budget, result.previous_budget, result.executed])
        cards = ui.metric_row()
        cards.metric(f"{year}年预算（{unit}，同口径）", fmt.number_in(result.budget, unit),
                     delta=_delta(result.budget_change), border=True,
                     help=f"上年 {fmt.money(result.previous_budget)}")
        cards.metric(f"{year}年执行数（{unit}，同口径）", fmt.number_in(result.executed, unit),
                     delta=_delta(result.executed_change), border=True,
                     help=f"上年 {fmt.money(result.previous_executed)}")
        cards.metric(f"{year}年执行率（同口径）", fmt.rate(result.execution_rate),
                     delta=_points(result.rate_change), border=True,
                     help=f"上年 {fmt.rate(result.previous_execution_rate)}")
        st.caption(md_text(result.basis_note()))
    indicators = ui.summarize("v_indicators", wide, by=("program_id", "status"))
    rows = yoy.trend(totals, mapping, completion=yoy.indicator_completion(indicators))
    st.subheader("各资金/部门逐年情况")
    ui.show_table(rows, "yoy_trend", key="overview_trend",
                  columns=["lineage", "year", "program_name", "budget", "executed", "execution_rate",
                           "completion", "budget_change", "rate_change", "yoy"],
                  column_config={
                      "lineage": st.column_config.Column("跨年度编号"),
                      "completion": st.column_config.NumberColumn("指标完成率", format="percent"),
                      "budget_change": st.column_config.NumberColumn("预算同比", format="percent"),
                      "rate_change": st.column_config.NumberColumn("执行率同比（百分点）", format="percent"),
                      "yoy": st.column_config.Column("同比表述"),
                  })
    st.caption("同比只在同一跨年度编号相邻两个年度都有数据时计算；中间缺一年的，不与更早年度比较。"
               "指标完成率 = 达成的指标 ÷ 可判断完成与否的指标。")


def _projections(wide: Filters, mapping: dict[str, str], totals: pd.DataFrame) -> None:
    """Year-end projections of the selection's in-year program-wide records (lib/analysis/projection.py)."""
    st.subheader("年末执行率预测")
    execution = ui.read("v_execution", wide, not_null=("execution_rate",))
    # the program filter narrowed totals to one lineage: the same programs here
    execution = execution[execution["program_id"].isin(set(totals["program_id"]))]
    found = projection.project(execution, mapping)
    if not found:
        st.caption("当前数据中没有 12 月 31 日以前的资金/部门整体执行记录，无需预测年末执行率。")
        return
    names = dict(zip(totals["program_id"], totals["program_name"], strict=True))
    lines = [md("**{}**：{}", names.get(p.program_id, p.program_id), p.describe()) for p in found]
    st.markdown(md_join("\n\n", lines))
    st.caption("预测区间：各方法估计值的最低到最高，不低于已达到的执行率、不高于 100%；"
               "线性外推假定余下月份按已有速度支出，往年同期进度按同一跨年度编号往年相近日期的进度换算。"
               "预测值只供参考，不是报告数，不进入合计与核查。")


def _delta(fraction: float | None) -> str | None:
    return None if fraction is None else f"{fraction * 100:+.2f}%"


def _points(points: float | None) -> str | None:
    return None if points is None else f"{points * 100:+.2f} 个百分点"


# ---------------------------------------------------------------- 数据管理 › 跨年度关联
def data_part(actor: Actor) -> None:
    """Each program's lineage with the rule's proposal and why; an analyst edits 跨年度编号 and saves."""
    st.markdown("同一资金或部门预算在不同年度的记录，靠**跨年度编号**关联，同比与趋势按它计算。"
                "系统按名称主干、主管部门、地区建议；数据工作簿可在“资金与部门”表的“跨年度编号”列填写；"
                "在这里确认或更正后以这里为准（重新导入数据不会覆盖）。清空一格即恢复为工作簿所填或系统建议。")
    # the rule runs over every program (a lineage is named by its first year, maybe out of scope);
    # the table lists the programs of the user's scope, and a region scope does not see the
    # region of a province-wide program
    scope = ui.user_scope()
    visible = set(ui.read("programs", Filters())["program_id"])
    frame = lineage_frame()
    frame = frame[frame["program_id"].isin(visible)].reset_index(drop=True)
    if frame.empty:
        st.info("还没有资金/部门数据。")
        return
    shown = pd.DataFrame({
        "program_id": frame["program_id"], "year": frame["year"], "program_name": frame["program_name"],
        "department": frame["department"], "region": frame["region"].fillna(""),
        "suggested": frame["suggested"], "basis": frame["basis"].map(BASIS_LABELS),
        "reason": frame["reason"], "lineage": frame["lineage"],
    })
    if scope.regions:
        shown = shown.drop(columns=["region"])
    config = {
        "program_id": st.column_config.Column("资金/部门编号", disabled=True),
        "year": st.column_config.NumberColumn("年度", format="%d", disabled=True),
        "program_name": st.column_config.Column("资金/部门名称", disabled=True),
        "department": st.column_config.Column("主管部门", disabled=True),
        **({} if scope.regions else {"region": st.column_config.Column("地区", disabled=True)}),
        "suggested": st.column_config.Column("系统建议", disabled=True),
        "basis": st.column_config.Column("依据", disabled=True),
        "reason": st.column_config.Column("说明", disabled=True),
        "lineage": st.column_config.TextColumn("跨年度编号", disabled=not actor.can("upload")),
    }
    edited = st.data_editor(shown, hide_index=True, column_config=config, key="lineage_editor")
    if not actor.can("upload"):
        st.caption("浏览者只能查看；确认或更正需要分析员账号。")
        return
    pairs = zip(edited["program_id"], edited["lineage"], shown["lineage"], strict=True)
    changes = {pid: str(new or "").strip() for pid, new, old in pairs if str(new or "").strip() != str(old)}
    if st.button("保存跨年度关联", disabled=not changes, key="lineage_save"):
        try:
            n = store_lineage.save(ui.get_store(), actor, changes)
        except store_lineage.LineageError as exc:
            st.error(md("未保存：{}", str(exc)))
        else:
            st.success(f"已保存 {n} 个资金/部门的跨年度编号。")
            st.rerun()
