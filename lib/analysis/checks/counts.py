"""Rule 4 (DOMAIN.md "Consistency checks" 4): stated counts.

Counts of projects and ratings are compared with the projects. Counts of indicators the report
never itemized are checked against each other, and what cannot be checked is said once per
project (无法核对), never once per count.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

from lib.analysis.checks.core import (
    DEFAULT_SETTINGS,
    LOW,
    MEDIUM,
    NOTE,
    UNCHECKABLE,
    UNIT_PERCENT,
    AuditSettings,
    Finding,
    _Context,
    _figure_finding,
    _finding,
    _frame,
    _has_text,
    _num,
    _str,
    context,
    fmt_value,
    rate_reconciles,
)
from lib.analysis.checks.lookup import program_rows

# ---------------------------------------------------------------- 4. counts


def _count_gap(ctx: _Context, row, said: float, found: float, message: str, **kwargs) -> Finding:
    """A stated count (a v_stated_figures row) that the records or its own parts do not give."""
    return _figure_finding(ctx, row, "R4", MEDIUM, said, found, row.unit, message, **kwargs)

_COUNT_RE = re.compile(r"(?P<l1>(?:产出|效益|满意度|成本)指标)?(?P<qual>.*?)(?P<level>[一二三]级)?指标数")
_QUALIFIERS = {
    "": "all",
    "已完成": "done",
    "达标": "done",
    "存在偏差": "deviating",
    "有偏差": "deviating",
    "未完成": "not_met",
    "未达标": "not_met",
}
_DONE = {"met", "qualitative_met"}
_NOT_MET = {"not_met", "qualitative_not_met"}
_LEVEL1 = ("产出指标", "效益指标", "满意度指标", "成本指标")
_QUAL_WORDS = {"all": "", "done": "已完成", "deviating": "存在偏差", "not_met": "未完成"}


def check_counts(
    frames: Mapping[str, pd.DataFrame], settings: AuditSettings = DEFAULT_SETTINGS
) -> list[Finding]:
    """Rule 4: stated counts vs the records and vs each other.

    项目个数 / 评级个数 vs the projects (itemized: 不符 when they differ). 指标个数 (read from
    the 口径, e.g. 产出指标已完成三级指标数): where the records hold every indicator the report
    counts, the counts are compared with them; where the report counts indicators it never
    names, the counts are checked against each other (已完成 + 存在偏差 = 三级指标数; the 一级
    parts add up to the project's total; the deviations add up), and the project gets one 无法核对
    that says what could not be checked, with any 完成率 whose base is not stated. A report that
    names more deviating indicators than it counts gets a 提示 naming them.
    """
    ctx = context(frames)
    figures = _frame(frames, "v_stated_figures")
    if figures.empty:
        return []
    indicators = _frame(frames, "v_indicators")
    out: list[Finding] = []
    per_project: dict[tuple, list] = {}
    for row in figures.itertuples():
        stated = _num(row.value)
        unit = _str(row.unit) or "个"
        if row.aggregate in ("项目个数", "评级个数"):
            rows = program_rows(frames, "v_projects", row.program_id)
            if not ctx.is_whole_program(row) and not rows.empty:
                rows = rows[rows["region"] == row.region]
            what = "项目"
            if row.aggregate == "评级个数":
                rating = _str(row.rating)
                if rating is None:
                    out.append(
                        _figure_finding(
                            ctx,
                            row,
                            "R4",
                            LOW,
                            stated,
                            None,
                            unit,
                            f"{UNCHECKABLE}：评级个数没有填写评级。",
                            certainty=UNCHECKABLE,
                        )
                    )
                    continue
                rows = rows[rows["stated_rating"] == rating] if not rows.empty else rows
                what = f"评级为“{rating}”的项目"
            n = len(rows)
            if stated != n:
                out.append(
                    _figure_finding(
                        ctx,
                        row,
                        "R4",
                        MEDIUM,
                        stated,
                        float(n),
                        unit,
                        f"报告称{stated:g}{unit}，记录中{what}为 {n} 个。",
                    )
                )
        elif row.aggregate == "指标个数" or (
            unit == UNIT_PERCENT and str(row.metric).endswith("完成率") and _str(row.project_id)
        ):
            per_project.setdefault((row.program_id, _str(row.project_id)), []).append(row)
    for rows in per_project.values():
        out += _project_counts(ctx, rows, indicators, settings)
    return out


def _records_of(ctx: _Context, row) -> pd.DataFrame:
    rows = program_rows(ctx.frames, "v_indicators", row.program_id)
    if rows.empty:
        return rows
    same = rows["project_id"] == row.project_id if _str(row.project_id) else rows["project_id"].isna()
    return rows[same]


def _count(rows: pd.DataFrame, level1: str | None, qualifier: str, level: str) -> int:
    """Indicators of one 一级指标 and status, counted at a level (一级 / 二级: distinct names;
    三级: rows)."""
    if rows.empty:
        return 0
    if level1:
        rows = rows[rows["level1"] == level1]
    if qualifier == "done":
        rows = rows[rows["status"].isin(_DONE)]
    elif qualifier == "not_met":
        rows = rows[rows["status"].isin(_NOT_MET)]
    elif qualifier == "deviating":  # not met, or explained as a deviation
        explained = rows["deviation_reason"].map(_has_text).astype(bool)
        rows = rows[rows["status"].isin(_NOT_MET) | explained]
    if level == "一级":
        return int(rows["level1"].nunique())
    if level == "二级":
        return len(rows.dropna(subset=["level2"]).drop_duplicates(["level1", "level2"]))
    return len(rows)


def _project_counts(
    ctx: _Context, rows: list, indicators: pd.DataFrame, settings: AuditSettings
) -> list[Finding]:
    first = rows[0]
    records = _records_of(ctx, first)
    stated: dict[tuple, tuple[float, object]] = {}
    other: dict[str | None, list] = {}  # counts whose 口径 names no known status, per 一级指标
    rates = []
    for row in rows:
        if row.aggregate != "指标个数":
            rates.append(row)
            continue
        m = _COUNT_RE.fullmatch(str(row.metric))
        qualifier = _QUALIFIERS.get(m.group("qual")) if m else None
        level1 = m.group("l1") if m else None
        if qualifier is None:
            other.setdefault(level1, []).append(row)
            continue
        stated.setdefault((level1, qualifier, m.group("level") or "三级"), (float(row.value), row))

    def value(level1, qualifier, level="三级"):
        hit = stated.get((level1, qualifier, level))
        return hit[0] if hit else None

    def itemized(level1) -> bool:
        if level1 is None:
            total = value(None, "all")
            if total is None:
                return all(itemized(l1) for l1 in _LEVEL1 if value(l1, "all") is not None)
            return _count(records, None, "all", "三级") >= total
        total = value(level1, "all")
        return total is None or _count(records, level1, "all", "三级") >= total

    out: list[Finding] = []
    # 1. itemized counts vs the records; named deviations beyond the stated count
    for (level1, qualifier, level), (number, row) in stated.items():
        n = _count(records, level1, qualifier, level)
        if itemized(level1):
            if n != number:
                out.append(
                    _count_gap(
                        ctx,
                        row,
                        number,
                        float(n),
                        f"报告称{number:g}{row.unit}，“绩效指标”记录（报告逐项列出的指标）中为 {n} "
                        f"{row.unit}。",
                    )
                )
        elif level1 and qualifier in ("deviating", "not_met") and n > number:
            named = _named(records, level1, qualifier)
            out.append(
                _count_gap(
                    ctx,
                    row,
                    number,
                    float(n),
                    f"报告称{number:g}{row.unit}{level1}{_QUAL_WORDS[qualifier]}，却点名了 {n} 项："
                    f"{'、'.join(named)}（请核对是否有两项实为一项）。",
                    certainty=NOTE,
                )
            )
    # 2. the report's counts against each other
    checked: list[str] = []
    out += _counts_agree(ctx, stated, other, records, checked)
    # 3. once per project: what could not be checked
    named_count = len(records)
    notes = []
    for row in rates:
        note = _rate_note(row, value)
        if note:
            notes.append((row, note))
    unparsed = [r for rs in other.values() for r in rs]
    not_itemized = not all(itemized(l1) for l1 in (None, *_LEVEL1))
    if not (not_itemized or notes or unparsed):
        return out
    parts = []
    if checked:
        parts.append("报告所称个数彼此相符（" + "；".join(checked) + "）")
    if not_itemized:
        parts.append(f"但“绩效指标”记录只有报告点名的 {named_count} 项，其余指标报告未列名称，无法逐项核对")
    for row in unparsed:
        parts.append(f"“{_str(row.text) or row.metric}”未写明状态")
    for _, note in notes:
        parts.append(note)
    biggest = max((v for (l1, q, lv), (v, _) in stated.items() if q == "all" and lv == "三级"), default=None)
    evidence, seen = [], set()
    for row in rows:
        ev = ctx.figure_evidence(row)
        if ev.quote not in seen:
            seen.add(ev.quote)
            evidence.append(ev)
    places = tuple(dict.fromkeys(_str(r.source_ref) for r in rows if _str(r.source_ref)))
    stated_text = f"三级指标 {biggest:g} 项" if biggest is not None else (_str(first.metric) or "")
    out.append(
        _finding(
            ctx,
            first,
            "R4",
            LOW,
            ctx.record(first, "指标个数与完成率"),
            stated_text,
            None,
            "",
            f"{UNCHECKABLE}：" + "；".join(parts) + "（不是不符）。",
            certainty=UNCHECKABLE,
            evidence=evidence,
            places=places,
        )
    )
    return out


def _named(records: pd.DataFrame, level1: str, qualifier: str) -> list[str]:
    rows = records[records["level1"] == level1]
    if qualifier == "not_met":
        rows = rows[rows["status"].isin(_NOT_MET)]
    else:
        rows = rows[rows["status"].isin(_NOT_MET) | rows["deviation_reason"].map(_has_text).astype(bool)]
    return [str(x) for x in rows["level3"]]


def _counts_agree(
    ctx: _Context, stated: dict, other: dict, records: pd.DataFrame, checked: list[str]
) -> list[Finding]:
    """The report's own counts vs each other: 已完成 + 存在偏差 (+ 未写明状态) = 三级指标数 per 一级
    指标; the 一级 parts (stated, or the named records where the report states none) add up to the
    project's 二级 / 三级 totals; the deviations per 一级 add up to the project's deviations."""
    out = []

    def value(level1, qualifier, level="三级"):
        hit = stated.get((level1, qualifier, level))
        return hit[0] if hit else None

    def compare(key: tuple, said: float, parts: float, message: str, agreed: str, *inputs: tuple) -> None:
        """One stated count (the figure stated under ``key``) against what its parts add up to: a
        不符 finding, or a line of what agreed for the project's 无法核对 note. ``inputs``: keys of
        the stated counts quoted as the recomputation's basis."""
        if parts == said:
            checked.append(agreed)
            return
        row = stated[key][1]
        evidence = None
        if inputs:
            evidence = [ctx.figure_evidence(row)]
            evidence += [ctx.figure_evidence(stated[k][1], "重算依据") for k in inputs]
        out.append(_count_gap(ctx, row, said, parts, message, evidence=evidence))

    for level1 in _LEVEL1:
        total, done = value(level1, "all"), value(level1, "done")
        deviating = value(level1, "deviating")
        if deviating is None:
            deviating = value(level1, "not_met")
        unknown = float(sum(float(r.value) for r in other.get(level1, [])))
        if total is None or done is None or (deviating is None and not unknown):
            continue
        parts = done + (deviating or 0) + unknown
        compare(
            (level1, "all", "三级"),
            total,
            parts,
            f"报告称{level1}三级指标{total:g}项，其中已完成 {done:g} 项、其余 "
            f"{(deviating or 0) + unknown:g} 项，合计 {parts:g} 项。",
            f"{level1} {done:g} 已完成 + {(deviating or 0) + unknown:g} 其余 = {parts:g} 项",
            (level1, "done", "三级"),
        )

    levels1 = [l1 for l1 in _LEVEL1 if any(k[0] == l1 for k in stated) or _count(records, l1, "all", "三级")]
    for level in ("三级", "二级"):
        total = value(None, "all", level)
        if total is None:
            continue
        pieces = []
        for l1 in levels1:
            v = value(l1, "all", level)
            pieces.append((l1, v if v is not None else float(_count(records, l1, "all", level))))
        parts = sum(v for _, v in pieces)
        text = " + ".join(f"{l1[:-2]} {v:g}" for l1, v in pieces) + f" = {parts:g}"
        compare(
            (None, "all", level),
            total,
            parts,
            f"报告称{level}指标共{total:g}项，而各一级指标的{level}指标 {text} 项"
            "（未报个数的一级指标按点名的指标计）。",
            f"{level}指标 {text} 项",
        )
    first_level = value(None, "all", "一级")
    if first_level is not None:
        compare(
            (None, "all", "一级"),
            first_level,
            float(len(levels1)),
            f"报告称一级指标{first_level:g}项，报告述及的一级指标为 {len(levels1)} 项："
            f"{'、'.join(levels1)}。",
            f"一级指标 {len(levels1)} 项",
        )
    deviations = value(None, "deviating")
    if deviations is not None:
        pieces = []
        for l1 in levels1:
            v = value(l1, "deviating")
            if v is None:
                v = value(l1, "not_met")
            if v is None and value(l1, "all") is not None and value(l1, "done") is not None:
                v = value(l1, "all") - value(l1, "done")
            pieces.append((l1, v if v is not None else float(_count(records, l1, "deviating", "三级"))))
        parts = sum(v for _, v in pieces)
        text = " + ".join(f"{l1[:-2]} {v:g}" for l1, v in pieces) + f" = {parts:g}"
        compare(
            (None, "deviating", "三级"),
            deviations,
            parts,
            f"报告称共{deviations:g}项指标存在偏差，而各一级指标的偏差 {text} 项。",
            f"存在偏差 {text} 项",
        )
    return out


def _rate_note(row, value) -> str | None:
    """A stated 完成率 next to done / total counts: reconciles, or its base is not stated."""
    prefix = str(row.metric)[: -len("完成率")]
    level1 = prefix if prefix in _LEVEL1 else None
    done, total = value(level1, "done"), value(level1, "all")
    stated = float(row.value)
    if done is None or not total:
        return f"“{row.metric} {fmt_value(stated, UNIT_PERCENT)}”未说明计算口径"
    recomputed = done / total * 100
    if rate_reconciles(stated, recomputed):
        return None
    return (
        f"“{row.metric} {fmt_value(stated, UNIT_PERCENT)}”未说明计算口径（已完成 {done:g} ÷ {total:g} 项 = "
        f"{recomputed:.2f}%；也可能是各指标完成程度的平均或某一指标的完成率）"
    )
