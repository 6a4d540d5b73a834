"""Rule 1 (DOMAIN.md "Consistency checks" 1): stated execution rates vs executed ÷ budget.

A rate is compared with the interval its rounded inputs span, at the stated rate's own
precision. A rate that fits another base the report gives (执行数 ÷ 财政拨款) is 提示; one no
stored amount pair produces is 不符, and the message says which pair does produce it, if any.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from lib.analysis.checks.core import (
    DEFAULT_SETTINGS,
    LOW,
    MEDIUM,
    NOTE,
    UNCHECKABLE,
    UNIT_PERCENT,
    UNIT_WAN,
    AuditSettings,
    Evidence,
    Finding,
    _Context,
    _figure_finding,
    _finding,
    _frame,
    _num,
    _rate_severity,
    _str,
    context,
    fmt_value,
    plain_number,
    ratio_reconciles,
    stated_decimals,
)
from lib.analysis.checks.lookup import _Row

# ---------------------------------------------------------------- 1. execution rates


def check_execution_rates(
    frames: Mapping[str, pd.DataFrame], settings: AuditSettings = DEFAULT_SETTINGS
) -> list[Finding]:
    """Rule 1: a stated execution rate vs executed ÷ budget, the rounding of the stated rate and
    of both amounts included. Covers projects and execution snapshots (v_execution) and rates
    stated in the text (v_stated_figures rows in % whose 口径 names an 执行率).

    A rate that fits another base the report gives (执行数 ÷ 财政拨款, or ÷ one year's tranche)
    is 提示: the base is unstated, not contradicted. Otherwise it is 不符, and the message says
    which other amount pair of the record produces the stated rate, or that none does."""
    ctx = context(frames)
    out: list[Finding] = []
    execution = _frame(frames, "v_execution")
    figures = _frame(frames, "v_stated_figures")
    for row in execution.itertuples():
        stated, budget, executed = _num(row.stated_execution_rate), _num(row.budget), _num(row.executed)
        if stated is None or not budget or executed is None:
            continue
        if ratio_reconciles(round(stated * 100, 9), executed, budget, settings):
            continue  # most rates add up: no sentence to look for
        stated_ev = _rate_sentence(ctx, row, stated * 100)
        out += _rate_finding(
            ctx,
            row,
            round(stated * 100, 9),
            executed,
            budget,
            _execution_label(row),
            _alternatives(row, figures),
            stated_ev,
            execution,
            settings,
        )
    if figures.empty:
        return out
    projects = _frame(frames, "v_projects")
    by_id = {r.project_id: r for r in projects.itertuples()} if not projects.empty else {}
    for row in figures.itertuples():
        if _str(row.unit) != UNIT_PERCENT or "执行率" not in str(row.metric):
            continue
        stated = _num(row.value)
        project_id = _str(row.project_id)
        record = ctx.record(row, row.metric)
        source = by_id.get(project_id) if project_id else _program_snapshot(ctx, execution, row)
        if source is None or not _num(source.budget):
            out.append(
                _figure_finding(
                    ctx,
                    row,
                    "R1",
                    LOW,
                    stated,
                    None,
                    UNIT_PERCENT,
                    f"{UNCHECKABLE}：没有可用于重算“{row.metric}”的预算与执行记录。",
                    certainty=UNCHECKABLE,
                )
            )
            continue
        source_row = _Row({**source._asdict(), "source_ref": row.source_ref}) if project_id else source
        out += _rate_finding(
            ctx,
            source_row,
            stated,
            float(source.executed),
            float(source.budget),
            record,
            _alternatives(source, figures),
            ctx.figure_evidence(row),
            execution,
            settings,
            figure=row,
        )
    return out


def _rate_sentence(ctx: _Context, row, stated_pp: float) -> Evidence:
    plain = plain_number(stated_pp)
    for phrase in (f"执行率{plain}%", f"执行率为{plain}%", f"执行率 {plain}%"):
        found = ctx.quote(row.program_id, getattr(row, "project_id", None), phrase, row.source_ref)
        if found:
            return Evidence("报告值", found[0] or row.source_ref, found[1])
    return Evidence("报告值", _str(row.source_ref), f"执行率{plain}%（记录）")


def _alternatives(row, figures: pd.DataFrame) -> list[tuple[str, float]]:
    """Other bases the report gives for the same execution: the appropriation actually
    allocated (财政拨款), and the yearly tranches stated for the same program, region and fund."""
    out = []
    appropriation, budget = _num(getattr(row, "appropriation", None)), _num(row.budget)
    if appropriation and budget and abs(appropriation - budget) > 1e-9:
        out.append(("财政拨款", appropriation))
    if figures.empty or _str(getattr(row, "project_id", None)):
        return out
    source = _str(getattr(row, "fund_source", None))
    yearly = figures[
        (figures["program_id"] == row.program_id)
        & figures["fund_year"].notna()
        & (figures["unit"] == UNIT_WAN)
    ]
    if source:
        yearly = yearly[yearly["fund_source"] == source]
    for r in yearly.itertuples():
        out.append((f"{int(r.fund_year)}年{r.metric.removeprefix(f'{int(r.fund_year)}年')}", float(r.value)))
    return out


def _ratio_text(executed: object, budget: object) -> str:
    return f"{fmt_value(_num(executed), UNIT_WAN)} ÷ {fmt_value(_num(budget), UNIT_WAN)}"


def _execution_label(row) -> str:
    if _str(row.project_id):
        return " / ".join(p for p in (_str(row.program_name), _str(row.project_name)) if p)
    detail = " ".join(p for p in (_str(row.region), _str(row.fund_source)) if p) or "整体"
    return f"{row.program_name} / {detail}（截至 {pd.Timestamp(row.as_of):%Y-%m-%d}）"


def _program_snapshot(ctx: _Context, execution: pd.DataFrame, figure):
    """The execution a stated program-level rate refers to: the latest snapshots without a
    project (of the same region and fund source, when the figure names them), summed."""
    if execution.empty:
        return None
    rows = execution[
        (execution["program_id"] == figure.program_id)
        & (execution["scope"] == "snapshot")
        & execution["project_id"].isna()
    ]
    if not ctx.is_whole_program(figure):
        rows = rows[rows["region"] == figure.region]
    source = _str(figure.fund_source)
    rows = rows[rows["fund_source"] == source] if source else rows[rows["fund_source"].isna()]
    if rows.empty:
        return None
    latest = rows[rows["as_of"] == rows["as_of"].max()]
    first = latest.iloc[0].to_dict()
    first.update(
        budget=float(latest["budget"].sum()), executed=float(latest["executed"].sum()), appropriation=None
    )
    return _Row(first | {"_asdict": lambda: first})


def _pair_producing(stated_pp: float, row, execution: pd.DataFrame, settings: AuditSettings) -> str | None:
    """Another execution record of the same program whose executed ÷ budget gives the stated
    rate (a rate copied from the next line), as text; None when no stored pair produces it."""
    if execution.empty:
        return None
    mine = execution[execution["program_id"] == row.program_id]
    for other in mine.itertuples():
        if (_str(other.project_id), _str(other.fund_source), _str(other.region)) == (
            _str(getattr(row, "project_id", None)),
            _str(getattr(row, "fund_source", None)),
            _str(getattr(row, "region", None)),
        ):
            continue
        budget, executed = _num(other.budget), _num(other.executed)
        if budget and executed is not None and ratio_reconciles(stated_pp, executed, budget, settings):
            label = _str(other.project_name) or " ".join(
                p for p in (_str(other.region), _str(other.fund_source)) if p) or "整体"
            return f"{label} {_ratio_text(executed, budget)} = {executed / budget * 100:.2f}%"
    return None


def _rate_finding(
    ctx: _Context,
    row,
    stated_pp: float,
    executed: float,
    budget: float,
    record: str,
    alternatives: list[tuple[str, float]],
    stated_ev: Evidence,
    execution: pd.DataFrame,
    settings: AuditSettings,
    figure=None,
) -> list[Finding]:
    if ratio_reconciles(stated_pp, executed, budget, settings):
        return []
    recomputed = executed / budget * 100
    inputs = [
        ctx.amount_evidence(row, "全年执行数", executed),
        ctx.amount_evidence(row, "全年预算数", budget),
    ]
    target = figure if figure is not None else row
    for label, base in alternatives:
        if ratio_reconciles(stated_pp, executed, base, settings):
            message = (
                f"报告执行率 {fmt_value(stated_pp, UNIT_PERCENT)} 等于 全年执行数 ÷ {label} "
                f"{_ratio_text(executed, base)} = {executed / base * 100:.2f}%，而按全年预算数 "
                f"{_ratio_text(executed, budget)} 为 {recomputed:.2f}%：报告未说明所用口径"
                f"（DOMAIN：执行率可能按到位资金计）。"
            )
            return [
                _finding(
                    ctx,
                    target,
                    "R1",
                    MEDIUM,
                    record,
                    stated_pp,
                    recomputed,
                    UNIT_PERCENT,
                    message,
                    certainty=NOTE,
                    evidence=[stated_ev, *inputs],
                )
            ]
    digits = _digits(stated_pp)
    gap = stated_pp - recomputed
    message = (
        f"报告执行率 {fmt_value(stated_pp, UNIT_PERCENT)}，按 {_ratio_text(executed, budget)} 重算为 "
        f"{recomputed:.2f}%（按报告精度 {digits} 位小数应写 {recomputed:.{digits}f}%），"
        f"差 {gap:+.2f} 个百分点。"
    )
    copied = _pair_producing(stated_pp, row, execution, settings)
    if copied:
        message += f"报告值与 {copied} 一致，疑沿用了该行的执行率。"
    if alternatives:
        # each other base with what it gives (the local funds' 2023 tranche gives 11.90%, not 33%)
        message += (
            "按报告所给的其他口径（"
            + "、".join(
                f"{label} {fmt_value(base, UNIT_WAN)}：{executed / base * 100:.2f}%"
                for label, base in alternatives
            )
            + "）也得不出该值。"
        )
    elif not copied:
        message += "报告中没有哪一对金额能得出该值。"
    return [
        _finding(
            ctx,
            target,
            "R1",
            _rate_severity(gap, settings),
            record,
            stated_pp,
            recomputed,
            UNIT_PERCENT,
            message,
            evidence=[stated_ev, *inputs],
        )
    ]


def _digits(value: float) -> int:
    return stated_decimals(value)


