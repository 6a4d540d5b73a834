"""Rule 3 (DOMAIN.md "Consistency checks" 3): scores and ratings.

Where the report's own figures disagree (a score above its weight, a total that is not the sum
of the parts the report lists, a rating outside the band of its own score) the finding is 不符.
Where only the product's scoring rule disagrees (a score a local rule explains, an indicator
scored below the proportional rule, one indicator scored two ways) it is 提示.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from lib.analysis import scoring
from lib.analysis.checks.core import (
    DEFAULT_SETTINGS,
    DISAGREE,
    HIGH,
    LOW,
    MEDIUM,
    NOTE,
    UNIT_PERCENT,
    UNIT_POINTS,
    AuditSettings,
    Evidence,
    Finding,
    _Context,
    _finding,
    _frame,
    _indicator_record,
    _num,
    _str,
    context,
    fmt_value,
    stated_decimals,
)
from lib.analysis.checks.lookup import RowIndex, _Row, frame_rows
from lib.labels import QUALITATIVE_LEVELS

# ---------------------------------------------------------------- 3. scores and ratings


def check_scores(
    frames: Mapping[str, pd.DataFrame], settings: AuditSettings = DEFAULT_SETTINGS
) -> list[Finding]:
    """Rule 3: stated score vs the sum of its parts; stated rating vs the band of the stated
    score; part and indicator scores vs their weights; indicator scores vs the scoring rules
    (quantitative: recomputed; qualitative: inside the band of the stated outcome)."""
    ctx = context(frames)
    projects = _frame(frames, "v_projects")
    parts = _frame(frames, "v_score_parts")
    indicators = _frame(frames, "v_indicators")
    out: list[Finding] = []
    scored = scoring.indicator_scores(indicators, settings.scoring) if not indicators.empty else None
    if not projects.empty:
        computed = scoring.project_scores(projects, indicators, parts, settings.scoring, scored)
        by_project = dict(zip(computed["project_id"], computed.to_dict("records"), strict=True))
        parts_by = RowIndex(parts, ["project_id"]) if not parts.empty else None
        for row in projects.itertuples():
            out += _project_score(ctx, row, by_project[row.project_id], parts, parts_by, settings)
    if not parts.empty:
        for row in parts.itertuples():
            weight, stated = _num(row.weight), _num(row.stated_score)
            if weight is not None and stated is not None and stated > weight + 1e-9:
                message = f"{row.part}报告得分 {stated:g} 分，超过其分值 {weight:g} 分。"
                out.append(
                    _finding(
                        ctx,
                        row,
                        "R3",
                        HIGH,
                        ctx.record(row, row.part),
                        stated,
                        weight,
                        UNIT_POINTS,
                        message,
                        evidence=[_part_evidence(row)],
                    )
                )
        out += _parts_vs_indicators(ctx, parts, indicators, settings)
    if not indicators.empty:
        out += _indicator_scores(ctx, indicators, scored, settings)
        out += _same_figures_other_scores(ctx, indicators)
    return out


def _same_figures_other_scores(ctx: _Context, indicators: pd.DataFrame) -> list[Finding]:
    """The same indicator with the same target, actual and weight scored differently in two
    projects of one program (P01 and P02: 90% against 95%, 10 points, scored 9 and 8): 提示."""
    keys = ["program_id", "level1", "level3", "target", "actual", "weight"]
    mask = (indicators["stated_score"].notna() & indicators["weight"].notna()).to_numpy()
    if not mask.any():
        return []
    # only indicators whose group has two different scores can give a finding: found in pandas
    spread = indicators[mask].groupby(keys, dropna=False, sort=False)["stated_score"].transform("nunique")
    rows = frame_rows(ctx.frames, "v_indicators")
    out = []
    groups: dict[tuple, list[dict]] = {}
    for i in np.flatnonzero(mask)[spread.to_numpy() >= 2]:
        row = rows[i]
        groups.setdefault(tuple(str(row[k]) for k in keys), []).append(row)
    for key in sorted(groups):
        rows = groups[key]
        scores = sorted({float(r["stated_score"]) for r in rows})
        if len(scores) < 2:
            continue
        first = _Row(rows[0])
        other = next(
            float(r["stated_score"]) for r in rows if float(r["stated_score"]) != float(first.stated_score)
        )
        listed = "、".join(
            f"{_str(r['project_name']) or r['project_id']} {float(r['stated_score']):g} 分" for r in rows
        )
        message = (
            f"同一指标“{first.level3}”（指标值 {first.target}，实际 {first.actual}，分值 {first.weight:g}）"
            f"在不同项目得分不同：{listed}，计分规则前后不一。"
        )
        out.append(
            _finding(
                ctx,
                first,
                "R3",
                LOW,
                ctx.record(first, first.level1, first.level3),
                float(first.stated_score),
                other,
                UNIT_POINTS,
                message,
                certainty=NOTE,
                places=tuple(dict.fromkeys(_str(r["source_ref"]) for r in rows)),
                evidence=[_indicator_evidence(r) for r in rows],
            )
        )
    return out


def _part_evidence(row, role: str = "报告值") -> Evidence:
    text = _str(row.status_text)
    return Evidence(
        role,
        _str(row.source_ref),
        text if text else f"{row.part} 分值 {row.weight:g} 分，得分 {row.stated_score:g} 分（记录）",
    )


def _project_evidence(row) -> Evidence:
    return Evidence(
        "报告值",
        _str(row.source_ref),
        f"预算执行率 {fmt_value(_num(row.stated_execution_rate) * 100, UNIT_PERCENT)}，"
        f"得分 {_num(row.stated_score):g} 分，自评结果“{_str(row.stated_rating) or '—'}”（记录）"
        if _num(row.stated_execution_rate) is not None and _num(row.stated_score) is not None
        else f"得分 {row.stated_score} 分，自评结果“{_str(row.stated_rating) or '—'}”（记录）",
    )


def _project_score(
    ctx: _Context,
    row,
    computed: Mapping,
    parts: pd.DataFrame,
    parts_by: RowIndex | None,
    settings: AuditSettings,
) -> list[Finding]:
    """``computed``: the project's row of scoring.project_scores; ``parts_by``: the score parts
    by project (None where there are none)."""
    out = []
    stated = _num(row.stated_score)
    rating = _str(row.stated_rating)
    record = ctx.record(row)
    if stated is not None and rating is not None:
        band = scoring.rating_band(stated)
        if band != rating:
            message = (
                f"报告得分 {stated:g} 分应评为“{band}”（优 ≥ 90，良 80–90，中 60–80，"
                f"差 < 60），报告评为“{rating}”。"
            )
            out.append(
                _finding(
                    ctx, row, "R3", HIGH, record, rating, band, "", message, evidence=[_project_evidence(row)]
                )
            )
    score = _num(computed["computed_score"])
    if stated is None or score is None:
        return out
    tolerance = 0.5 * 10 ** -stated_decimals(stated)
    if abs(stated - score) > tolerance + 1e-9:
        gap = stated - score
        exec_points = float(computed["execution_points"])
        mine = parts_by.rows(row.project_id) if parts_by is not None else parts
        certainty, severity = NOTE, LOW
        evidence = [_project_evidence(row)]
        if computed["score_basis"] == "parts":
            others = mine[mine["part"] != scoring.PART_EXECUTION]
            evidence += [_part_evidence(p, "重算依据") for p in others.itertuples()]
            listed = " + ".join(
                f"{p} {s:g}" for p, s in zip(others["part"], others["stated_score"], strict=True)
            )
            parts_sum = float(others["stated_score"].sum())
            execution = mine[mine["part"] == scoring.PART_EXECUTION]
            stated_exec = _num(execution["stated_score"].iloc[0]) if not execution.empty else None
            full = settings.scoring.weight(scoring.PART_EXECUTION)
            rate = _num(row.execution_rate)
            if stated_exec is not None:
                own = parts_sum + stated_exec
                if abs(own - stated) <= tolerance + 1e-9:
                    return out
                message = (
                    f"报告得分 {stated:g} 分，而报告所列各部分得分 {listed} + 预算执行 {stated_exec:g} = "
                    f"{own:g} 分。"
                )
                certainty, severity = (
                    DISAGREE,
                    HIGH if abs(stated - own) >= settings.score_high_gap else MEDIUM,
                )
                score, gap = own, stated - own
            else:
                message = (
                    f"报告得分 {stated:g} 分；一级指标得分 {listed} = {parts_sum:g} 分，"
                    f"预算执行得分按 分值 × min(执行率, 100%) 计 {exec_points:.2f} 分，"
                    f"合计 {score:.2f} 分。报告未列预算执行率得分"
                )
                implied = stated - parts_sum
                threshold = settings.full_execution_marks_from
                if (
                    abs(implied - full) < 1e-6
                    and threshold is not None
                    and rate is not None
                    and rate >= threshold - 1e-9
                ):
                    message += (
                        f"；报告得分相当于预算执行率取满分 {full:g} 分，符合“执行率 ≥ {threshold:.0%} "
                        f"得满分”的地方规则（执行率 {rate * 100:.2f}%），不是不符。"
                    )
                elif implied > full + 1e-6 or implied < -1e-6:
                    message += (
                        f"；报告得分需要预算执行得 {implied:g} 分，超出 0–{full:g} 分，与所列得分不符。"
                    )
                    certainty = DISAGREE
                    severity = HIGH if abs(gap) >= settings.score_high_gap else MEDIUM
                else:
                    message += (
                        f"；报告得分相当于预算执行得 {implied:g} 分（按执行率应为 {exec_points:.2f} 分）。"
                    )
        else:
            message = (
                f"报告得分 {stated:g} 分，按指标计分（达标得满分、未达标按完成比例）合计 {score:.2f} 分："
                "计分规则可能不同。"
            )
        out.append(
            _finding(
                ctx,
                row,
                "R3",
                severity,
                record,
                stated,
                round(score, 4),
                UNIT_POINTS,
                message,
                certainty=certainty,
                evidence=evidence,
            )
        )
    computed_rating = _str(computed["computed_rating"])
    if rating and computed_rating and computed_rating != rating and scoring.rating_band(stated) == rating:
        out.append(
            _finding(
                ctx,
                row,
                "R3",
                LOW,
                ctx.record(row, "评级"),
                rating,
                computed_rating,
                "",
                f"按计算得分 {score:.2f} 分应评为“{computed_rating}”，报告评为“{rating}”"
                "（报告评级与其自身得分相符）。",
                certainty=NOTE,
                evidence=[_project_evidence(row)],
            )
        )
    return out


def _parts_vs_indicators(
    ctx: _Context, parts: pd.DataFrame, indicators: pd.DataFrame, settings: AuditSettings
) -> list[Finding]:
    """A 一级指标 score vs the sum of its indicators' scores, where the indicators' weights make
    up the part's whole weight and every one of them is scored."""
    if indicators.empty:
        return []
    out = []
    index = RowIndex(indicators, ["program_id", "project_id", "level1"])
    all_weights = pd.to_numeric(indicators["weight"], errors="coerce").to_numpy(dtype=float)
    all_scores = pd.to_numeric(indicators["stated_score"], errors="coerce").to_numpy(dtype=float)
    for row in parts.itertuples():
        weight, stated = _num(row.weight), _num(row.stated_score)
        if row.part == scoring.PART_EXECUTION or weight is None or stated is None:
            continue
        if _str(row.program_id) is None or _str(row.part) is None:
            continue  # compared with ==, a missing key matches nothing
        at = index.positions(row.program_id, row.project_id if _str(row.project_id) else None, row.part)
        weights, scores = all_weights[at], all_scores[at]
        if not at or np.isnan(weights).any() or np.isnan(scores).any() or abs(weights.sum() - weight) > 1e-6:
            continue
        total = float(scores.sum())
        if abs(total - stated) > 0.5 * 10 ** -stated_decimals(stated) + 1e-9:
            message = f"{row.part}报告得分 {stated:g} 分，其 {len(at)} 项三级指标得分合计 {total:g} 分。"
            out.append(
                _finding(
                    ctx,
                    row,
                    "R3",
                    MEDIUM,
                    ctx.record(row, row.part),
                    stated,
                    total,
                    UNIT_POINTS,
                    message,
                    evidence=[_part_evidence(row)],
                )
            )
    return out


def _indicator_evidence(row: dict) -> Evidence:
    return Evidence(
        "报告值",
        _str(row["source_ref"]),
        f"{row['level3']} 指标值 {row['target']}，实际完成值 {row['actual']}，"
        f"分值 {row['weight']:g}，得分 {row['stated_score']:g}（记录）",
    )


def _indicator_candidates(indicators: pd.DataFrame, scored: pd.DataFrame) -> np.ndarray:
    """Positions of the indicators that may get a finding below: a stated score above its
    分值, a quantitative score off by more than the finest rounding a stated score carries, or
    any qualitative score (its band is checked per row). Every other row is passed over
    unread, which is most of a wide selection."""
    stated = pd.to_numeric(indicators["stated_score"], errors="coerce").to_numpy(dtype=float)
    weight = pd.to_numeric(indicators["weight"], errors="coerce").to_numpy(dtype=float)
    computed = pd.to_numeric(scored["computed_score"], errors="coerce").to_numpy(dtype=float)
    basis = scored["basis"].to_numpy(dtype=object)
    with np.errstate(invalid="ignore"):
        over = stated > weight + 1e-9
        off = (basis == "quantitative") & (np.abs(stated - computed) > 0.5 * 10.0**-6)
    return np.flatnonzero(~np.isnan(stated) & (over | off | (basis == "qualitative")))


def _indicator_scores(
    ctx: _Context, indicators: pd.DataFrame, scored: pd.DataFrame, settings: AuditSettings
) -> list[Finding]:
    out = []
    rows = frame_rows(ctx.frames, "v_indicators")
    at = _indicator_candidates(indicators, scored)
    for i, s in zip(at, scored.iloc[at].itertuples(), strict=True):
        row = rows[i]
        r = _Row(row)
        stated, weight = _num(row["stated_score"]), _num(row["weight"])
        if stated is None:
            continue
        # the record text is built only for a finding (_indicator_record): most indicators have none
        if weight is not None and stated > weight + 1e-9:
            out.append(
                _finding(
                    ctx,
                    r,
                    "R3",
                    HIGH,
                    _indicator_record(ctx, r),
                    stated,
                    weight,
                    UNIT_POINTS,
                    f"指标得分 {stated:g} 分超过其分值 {weight:g} 分。",
                    evidence=[_indicator_evidence(row)],
                )
            )
            continue
        if s.basis == "quantitative":
            score = float(s.computed_score)
            if abs(stated - score) > 0.5 * 10 ** -stated_decimals(stated) + 1e-9:
                message = (
                    f"指标值 {row['target']}、实际完成值 {row['actual']}、分值 {s.weight_used:g}："
                    f"按“达标得满分、未达标按完成比例计分”应得 {score:.2f} 分，"
                    f"报告得 {stated:g} 分（报告未写计分规则，只提示）。"
                )
                out.append(
                    _finding(
                        ctx,
                        r,
                        "R3",
                        LOW,
                        _indicator_record(ctx, r),
                        stated,
                        round(score, 4),
                        UNIT_POINTS,
                        message,
                        certainty=NOTE,
                        evidence=[_indicator_evidence(row)],
                    )
                )
        elif s.basis == "qualitative":
            if not scoring.qualitative_score_in_band(stated, s.level, float(s.weight_used), settings.scoring):
                band = f"{s.score_low:g}–{s.score_high:g}"
                message = (
                    f"定性指标实际完成“{row['actual']}”属{QUALITATIVE_LEVELS[s.level]}，"
                    f"得分应在 {band} 分之间，报告得 {stated:g} 分。"
                )
                out.append(
                    _finding(
                        ctx,
                        r,
                        "R3",
                        MEDIUM,
                        _indicator_record(ctx, r),
                        stated,
                        band,
                        UNIT_POINTS,
                        message,
                        certainty=NOTE,
                        evidence=[_indicator_evidence(row)],
                    )
                )
    return out


