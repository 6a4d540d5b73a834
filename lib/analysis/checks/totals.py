"""Rule 2 (DOMAIN.md "Consistency checks" 2): totals vs parts.

A total is compared with the sum of its parts, every figure's rounding included. A breakdown is
compared with the figure its own sentence names (items after a commitment break down the
commitment, not the year's spending). A department total is not the sum of its projects unless
the report says so: a gap there is 无法核对, said once per department. A list with an item the
report gave no number is 无法核对, not 不符.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

from lib.analysis.checks.core import (
    DEFAULT_SETTINGS,
    LOW,
    UNCHECKABLE,
    UNIT_WAN,
    AuditSettings,
    Evidence,
    Finding,
    _amount_severity,
    _Context,
    _diff_text,
    _figure_finding,
    _finding,
    _frame,
    _int,
    _num,
    _str,
    context,
    fmt_value,
    plain_number,
    sum_reconciles,
)
from lib.analysis.checks.lookup import _dict_rows, _Row, program_rows

# ---------------------------------------------------------------- 2. parts vs totals


def _amount_gap(
    ctx: _Context, row, stated: float, total: float, message: str, settings: AuditSettings, evidence=None
) -> Finding:
    """A stated amount (万元) that its parts do not make up: 不符, graded by the share of the gap."""
    return _figure_finding(ctx, row, "R2", _amount_severity(stated, total, settings), stated, total, UNIT_WAN,
                           message, evidence=evidence)


def _unchecked(
    ctx: _Context,
    row,
    stated: float,
    message: str,
    unit: str = UNIT_WAN,
    record: str | None = None,
    evidence=None,
) -> list[Finding]:
    """A stated total that cannot be recomputed (no records to add up, a part without a number):
    one 无法核对, its message after “无法核对：”."""
    return [
        _finding(ctx, row, "R2", LOW, record or ctx.record(row, row.metric), stated, None, unit,
                 f"{UNCHECKABLE}：{message}", certainty=UNCHECKABLE,
                 evidence=evidence or [ctx.figure_evidence(row)])
    ]


def check_totals(
    frames: Mapping[str, pd.DataFrame], settings: AuditSettings = DEFAULT_SETTINGS
) -> list[Finding]:
    """Rule 2: stated totals vs their parts.

    资金合计 = allocations of the same program (project, region, fund source, fund year);
    预算合计 / 执行合计 of a project = the project's figure; of a department = not recomputed
    from its projects unless the projects exceed it (one 无法核对 per department: a department
    total may hold spending outside its projects); spending items vs the figure their sentence
    names (a commitment, or the year's spending); stated yearly splits vs the stated total;
    分项合计 = the stated figures that name this one as their total (part_of = its 序号).
    A total the records cannot recompute is 无法核对 (低), once per record.
    """
    ctx = context(frames)
    figures = _frame(frames, "v_stated_figures")
    out: list[Finding] = []
    if not figures.empty:
        funding = _frame(frames, "v_funding")
        projects = _frame(frames, "v_projects")
        yearly: dict[tuple, list] = {}
        department: dict[str, list] = {}
        for row in figures.itertuples():
            if row.aggregate == "资金合计":
                out += _funding_total(ctx, row, funding, settings, yearly)
            elif row.aggregate in ("预算合计", "执行合计"):
                out += _project_total(ctx, row, projects, settings, department)
            elif row.aggregate == "分项合计":
                out += _stated_parts_total(ctx, row, figures, settings)
        out += _yearly_unchecked(ctx, yearly, figures, settings)
        out += _department_unchecked(ctx, department)
        out += _yearly_splits(ctx, figures, settings)
    out += _spending_items(ctx, frames, settings)
    return out


def _funding_total(
    ctx: _Context, row, funding: pd.DataFrame, settings: AuditSettings, yearly: dict[tuple, list]
) -> list[Finding]:
    stated = _num(row.value)
    record = ctx.record(
        row, None if ctx.is_whole_program(row) or _str(row.project_id) else row.region, row.metric
    )
    rows = program_rows(ctx.frames, "v_funding", row.program_id)
    scope = []
    if _str(row.project_id):
        rows = rows[rows["project_id"] == row.project_id]
    elif not ctx.is_whole_program(row):
        rows = rows[rows["region"] == row.region]
        scope.append(str(row.region))
    source = _str(row.fund_source)
    if source and not rows.empty:
        rows = rows[rows["fund_source"] == source]
        scope.append(source)
    year = _int(row.fund_year)
    if year is not None and not rows.empty:
        if rows["fund_year"].isna().all():
            yearly.setdefault((row.program_id, _str(row.project_id), _str(row.region), source), []).append(
                row
            )
            return []
        rows = rows[rows["fund_year"] == year]
        scope.append(f"{year}年投入")
    where = "、".join(scope) or "全部地区与来源"
    if rows.empty:
        message = f"没有与“{row.metric}”对应的资金分配记录（{where}）。"
        return _unchecked(ctx, row, stated, message, record=record)
    amounts = [float(a) for a in pd.to_numeric(rows["amount"])]
    total = float(sum(amounts))
    if sum_reconciles(stated, amounts, settings):
        return []
    message = (
        f"报告所称 {fmt_value(stated, UNIT_WAN)}，资金分配记录（{where}，{len(rows)} 条）"
        f"合计 {fmt_value(total, UNIT_WAN)}，相差 {_diff_text(stated - total, UNIT_WAN)}。"
    )
    return [
        _finding(
            ctx,
            row,
            "R2",
            _amount_severity(stated, total, settings),
            record,
            stated,
            total,
            UNIT_WAN,
            message,
            evidence=[ctx.figure_evidence(row)],
        )
    ]


def _yearly_unchecked(
    ctx: _Context, yearly: dict[tuple, list], figures: pd.DataFrame, settings: AuditSettings
) -> list[Finding]:
    """One 无法核对 per record for the yearly amounts the allocations cannot split by year."""
    out = []
    for (program_id, _project_id, region, source), rows in yearly.items():
        first = rows[0]
        parts = " + ".join(f"{int(r.fund_year)}年 {fmt_value(float(r.value), UNIT_WAN)}" for r in rows)
        total = figures[
            (figures["program_id"] == program_id)
            & figures["fund_year"].isna()
            & (figures["aggregate"] == "资金合计")
            & (figures["unit"] == UNIT_WAN)
            & (figures["region"].map(_str) == region)
            & (figures["fund_source"].map(_str) == source)
        ]
        message = (
            f"{UNCHECKABLE}：报告按投入年度分列 {parts}，但“资金分配”记录未分投入年度，"
            "报告也没有给出这些年度数所属的合计，无法按年度核对（不是不符）。"
        )
        if not total.empty:
            stated_total = float(total["value"].iloc[0])
            if sum_reconciles(stated_total, [float(r.value) for r in rows], settings):
                continue  # the split adds up to the total its own sentence names: nothing left unchecked
            continue  # a split that does not add up is _yearly_splits' 不符
        record = ctx.record(
            first, None if ctx.is_whole_program(first) else region, f"{source or ''}分年度投入"
        )
        out.append(
            _finding(
                ctx,
                first,
                "R2",
                LOW,
                record,
                parts,
                None,
                UNIT_WAN,
                message,
                certainty=UNCHECKABLE,
                evidence=[ctx.figure_evidence(r) for r in rows],
            )
        )
    return out


def _stated_parts_total(ctx: _Context, row, figures: pd.DataFrame, settings: AuditSettings) -> list[Finding]:
    """A stated total vs the stated parts listed under it (same program and project)."""
    stated = _num(row.value)
    owner = program_rows(ctx.frames, "v_stated_figures", row.program_id)
    if _str(row.project_id):
        same_owner = owner["project_id"] == row.project_id
    else:
        same_owner = owner["project_id"].isna()
    parts = owner[same_owner & (pd.to_numeric(owner["part_of"]) == row.seq)]
    if parts.empty:
        return _unchecked(ctx, row, stated, f"没有以序号 {row.seq} 为所属合计的分项。", unit=row.unit)
    values = [float(v) for v in pd.to_numeric(parts["value"])]
    total = float(sum(values))
    if sum_reconciles(stated, values, settings, exact=row.unit != UNIT_WAN):
        return []
    stated_ev = ctx.figure_evidence(row)
    names = [str(m) for m in parts["metric"]]
    missing = _unnumbered_items(stated_ev.quote, _str(getattr(row, "text", None)), names)
    if missing:
        message = (
            f"报告所称 {fmt_value(stated, row.unit)}，"
            f"所列分项中“{'、'.join(missing)}”没有数字，"
            f"其余 {len(parts)} 个分项合计 {fmt_value(total, row.unit)}，差 "
            f"{_diff_text(stated - total, row.unit)} 可能就是未写数字的分项，无法核对（不是不符）。"
        )
        return _unchecked(ctx, row, stated, message, unit=row.unit, evidence=[stated_ev])
    message = (
        f"报告所称 {fmt_value(stated, row.unit)}，所列 {len(parts)} 个分项合计 "
        f"{fmt_value(total, row.unit)}，相差 {_diff_text(stated - total, row.unit)}。"
    )
    first_part = next(parts.itertuples())
    return [
        _figure_finding(
            ctx,
            row,
            "R2",
            _amount_severity(stated, total, settings),
            stated,
            total,
            row.unit,
            message,
            evidence=[ctx.figure_evidence(row), ctx.figure_evidence(first_part, "重算依据")],
        )
    ]


_LIST_SPLIT = re.compile(r"[、，,；;。]")
_HAS_NUMBER = re.compile(r"\d")


def _unnumbered_items(sentence: str, total_text: str | None, part_names: list[str]) -> list[str]:
    """Items of the list after a stated total ("1451个，其中：A15个、B3个、C、D3个…") that carry
    no number and are not part of any listed part's name: a part whose figure the report left
    out, so the parts cannot settle the total."""
    if not total_text or total_text not in sentence:
        return []
    rest = sentence[sentence.index(total_text) + len(total_text) :]
    rest = rest.split("其中", 1)[1] if "其中" in rest else rest
    names = [n.split("：", 1)[-1] for n in part_names]
    out = []
    for piece in _LIST_SPLIT.split(rest.lstrip("：:")):
        piece = piece.strip()
        if not piece or _HAS_NUMBER.search(piece):
            continue
        if not any(piece in name for name in names):
            out.append(piece)
    return out


def _project_total(
    ctx: _Context, row, projects: pd.DataFrame, settings: AuditSettings, department: dict[str, list]
) -> list[Finding]:
    stated = _num(row.value)
    column = "budget" if row.aggregate == "预算合计" else "executed"
    what = "全年预算数" if column == "budget" else "全年执行数"
    rows = program_rows(ctx.frames, "v_projects", row.program_id)
    if _str(row.project_id):
        rows = rows[rows["project_id"] == row.project_id]
    elif not ctx.is_whole_program(row) and not rows.empty:
        rows = rows[rows["region"] == row.region]
    if rows.empty:
        return _unchecked(ctx, row, stated, "没有可合计的项目记录。")
    amounts = [float(a) for a in pd.to_numeric(rows[column])]
    total = float(sum(amounts))
    if not _str(row.project_id):
        if total > stated + settings.amount_tolerance and not sum_reconciles(stated, amounts, settings):
            message = (
                f"报告所称 {fmt_value(stated, UNIT_WAN)}，而 {len(rows)} 个项目{what}之和已达 "
                f"{fmt_value(total, UNIT_WAN)}，分项超过合计 {_diff_text(total - stated, UNIT_WAN)}。"
            )
            return [
                _amount_gap(ctx, row, stated, total, message, settings)
            ]
        if not sum_reconciles(stated, amounts, settings):
            department.setdefault(row.program_id, []).append((row, what, total, len(rows)))
        return []
    if sum_reconciles(stated, [total], settings):
        return []
    project = next(rows.itertuples())
    message = (
        f"报告所称 {fmt_value(stated, UNIT_WAN)}，项目{what}为 {fmt_value(total, UNIT_WAN)}，相差 "
        f"{_diff_text(stated - total, UNIT_WAN)}：同一项目的{what}在两处写法不一。"
    )
    return [
        _amount_gap(
            ctx,
            row,
            stated,
            total,
            message,
            settings,
            evidence=[ctx.figure_evidence(row), ctx.amount_evidence(project, what, total)],
        )
    ]


def _department_unchecked(ctx: _Context, department: dict[str, list]) -> list[Finding]:
    """One 无法核对 per department whose stated totals exceed the sum of its projects."""
    out = []
    for rows in department.values():
        first = rows[0][0]
        seen, parts, places = set(), [], []
        for row, what, total, n in rows:
            ref = _str(row.source_ref)
            if ref and ref not in places:
                places.append(ref)
            if row.metric in seen:
                continue
            seen.add(row.metric)
            parts.append(
                f"{row.metric} {fmt_value(float(row.value), UNIT_WAN)}（{n} 个项目{what}之和 "
                f"{fmt_value(total, UNIT_WAN)}，差 {_diff_text(float(row.value) - total, UNIT_WAN)}）"
            )
        message = (
            f"{UNCHECKABLE}：报告所称" + "；".join(parts) + "。报告未说明部门数只含这些项目"
            "（部门数可含基本支出等项目之外的支出），差额无法核对（不是不符）。"
        )
        metrics = list(dict.fromkeys((row.metric, float(row.value)) for row, *_ in rows))
        stated = "；".join(f"{metric} {fmt_value(value, UNIT_WAN)}" for metric, value in metrics)
        out.append(
            _finding(
                ctx,
                first,
                "R2",
                LOW,
                ctx.record(first, "部门合计与项目之和"),
                stated,
                None,
                UNIT_WAN,
                message,
                certainty=UNCHECKABLE,
                places=tuple(places),
                evidence=[ctx.figure_evidence(row) for row, *_ in rows],
            )
        )
    return out


def _yearly_splits(ctx: _Context, figures: pd.DataFrame, settings: AuditSettings) -> list[Finding]:
    """Stated amounts split by 投入年度 vs the stated total of the same program/region/source."""
    money = figures[figures["unit"] == UNIT_WAN].copy()
    if money.empty:
        return []
    keys = ["program_id", "project_id", "region", "fund_source"]
    for k in keys:
        money[f"_{k}"] = money[k].map(_str).fillna("")
    out = []
    for _, group in money.groupby([f"_{k}" for k in keys], sort=False):
        splits = group[group["fund_year"].notna()]
        totals = group[group["fund_year"].isna() & (group["aggregate"] == "资金合计")]
        if splits["fund_year"].nunique() < 2 or totals.empty:
            continue
        parts = splits.drop_duplicates("fund_year")
        values = [float(v) for v in parts["value"]]
        recomputed = float(sum(values))
        detail = " + ".join(
            f"{int(y)}年 {fmt_value(v, UNIT_WAN)}"
            for y, v in zip(parts["fund_year"], parts["value"], strict=True)
        )
        for row in totals.itertuples():
            stated = float(row.value)
            if sum_reconciles(stated, values, settings):
                continue
            out.append(
                _amount_gap(
                    ctx,
                    row,
                    stated,
                    recomputed,
                    f"报告所称合计 {fmt_value(stated, UNIT_WAN)}，分年度数 {detail} = "
                    f"{fmt_value(recomputed, UNIT_WAN)}。",
                    settings,
                    evidence=[
                        ctx.figure_evidence(row),
                        *(ctx.figure_evidence(p, "重算依据") for p in parts.itertuples()),
                    ],
                )
            )
    return out


def _named_total(ctx: _Context, project, items: list, figures: dict[str, list]):
    """The stated amount a list of spending items breaks down: the 预算合计 / 执行合计 figure of
    the project whose sentence stands right before the items (“承担6116.3万元（包括土地款…）”)
    or right after them (“…共计支出170.3196万元”); None when the text does not show it."""
    mine = figures.get(project.project_id, [])
    if not mine:
        return None
    best, best_gap = None, 41
    for _, text in ctx.texts(project.program_id, project.project_id):
        spots = [(text.find(str(name)), len(str(name))) for name in items]
        if any(s < 0 for s, _ in spots):
            continue
        start, end = min(s for s, _ in spots), max(s + n for s, n in spots)
        for fig in mine:
            at = text.find(str(fig.text))
            if at < 0:
                continue
            fig_end = at + len(str(fig.text))
            gap = start - fig_end if fig_end <= start else at - end if at >= end else 0
            if gap < best_gap:
                best, best_gap = fig, gap
    return best


def _spending_items(
    ctx: _Context, frames: Mapping[str, pd.DataFrame], settings: AuditSettings
) -> list[Finding]:
    items = _frame(frames, "v_spending_items")
    projects = _frame(frames, "v_projects")
    if items.empty or projects.empty:
        return []
    figures = _frame(frames, "v_stated_figures")
    named_figures: dict[str, list] = {}
    if not figures.empty:
        money = figures[figures["project_id"].notna() & (figures["unit"] == UNIT_WAN)
                        & figures["aggregate"].isin(["预算合计", "执行合计"]) & figures["text"].notna()]
        for fig in _dict_rows(money):
            named_figures.setdefault(fig["project_id"], []).append(_Row(fig))
    by_id = {r.project_id: r for r in projects.itertuples()}
    grouped: dict[str, list[dict]] = {}
    for row in _dict_rows(items[items["project_id"].notna()]):
        grouped.setdefault(row["project_id"], []).append(row)
    out = []
    for project_id in sorted(grouped):
        rows = grouped[project_id]
        project = by_id.get(project_id)
        if project is None:
            continue
        names = [r["item"] for r in rows]
        amounts = [float(r["amount"]) for r in rows]
        total = float(sum(amounts))
        first = rows[0]
        source = _Row({**project._asdict(), "source_ref": first["source_ref"]})
        named = _named_total(ctx, project, names, named_figures)
        items_ev = Evidence(
            "重算依据",
            _str(first["source_ref"]),
            "、".join(f"{i} {plain_number(a)}万元" for i, a in zip(names, amounts, strict=True)),
        )
        if named is not None:
            stated = float(named.value)
            if sum_reconciles(stated, amounts, settings):
                continue
            message = (
                f"支出明细 {len(rows)} 项合计 {fmt_value(total, UNIT_WAN)}，与其所在句所称"
                f"“{named.metric}” {fmt_value(stated, UNIT_WAN)} 相差 "
                f"{_diff_text(stated - total, UNIT_WAN)}。"
            )
            out.append(
                _finding(
                    ctx,
                    source,
                    "R2",
                    _amount_severity(stated, total, settings),
                    ctx.record(project, f"{named.metric}明细合计"),
                    stated,
                    total,
                    UNIT_WAN,
                    message,
                    evidence=[ctx.figure_evidence(named), items_ev],
                )
            )
            continue
        executed, budget = float(project.executed), _num(project.budget)
        if sum_reconciles(executed, amounts, settings):
            continue
        if budget is not None and sum_reconciles(budget, amounts, settings):
            continue  # the items make up the budget: a budget breakdown, not the year's spending
        message = (
            f"支出明细 {len(rows)} 项合计 {fmt_value(total, UNIT_WAN)}，项目全年执行数 "
            f"{fmt_value(executed, UNIT_WAN)}，相差 {_diff_text(executed - total, UNIT_WAN)}。"
        )
        out.append(
            _finding(
                ctx,
                source,
                "R2",
                _amount_severity(executed, total, settings),
                ctx.record(project, "支出明细合计"),
                executed,
                total,
                UNIT_WAN,
                message,
                evidence=[ctx.amount_evidence(project, "全年执行数", executed), items_ev],
            )
        )
    return out
