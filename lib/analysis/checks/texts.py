"""Rules 5–8 (DOMAIN.md "Consistency checks" 5–8): status vs text, overspending and unexplained
indicators, score vs execution, execution against time.

An indicator text that contradicts its own figures ("实际满意度为100%，低于目标值100%") is 不符;
"均完成" beside deducted points, a missing explanation, a score far from the execution rate and
a red band are 提示: they deserve a look, the report does not contradict itself.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

from lib.analysis import notation, scoring
from lib.analysis.checks.core import (
    DEFAULT_SETTINGS,
    DISAGREE,
    HIGH,
    LOW,
    MEDIUM,
    NOTE,
    UNIT_PERCENT,
    UNIT_POINTS,
    UNIT_WAN,
    AuditSettings,
    Evidence,
    Finding,
    _Context,
    _finding,
    _frame,
    _has_text,
    _indicator_record,
    _num,
    _str,
    context,
    fmt_value,
    sentence_with,
)
from lib.analysis.checks.lookup import _Row, frame_rows
from lib.analysis.checks.rates import _execution_label
from lib.labels import BAND_LABELS, INDICATOR_STATUS

_DONE = {"met", "qualitative_met"}
_NOT_MET = {"not_met", "qualitative_not_met"}



def _note(ctx: _Context, row, rule: str, severity: str, record: str, stated, recomputed, unit: str,
          message: str, evidence: list[Evidence]) -> Finding:
    """A 提示 (deserves a look: the report does not contradict itself)."""
    return _finding(ctx, row, rule, severity, record, stated, recomputed, unit, message, certainty=NOTE,
                    evidence=evidence)


# ---------------------------------------------------------------- 5. status vs text

_BELOW_WORDS = (
    "低于目标",
    "低于指标",
    "低于年初",
    "低于预期",
    "低于设定",
    "未达到",
    "未达成",
    "未完成目标",
    "未达标",
    "没有达到",
    "不达标",
    "未实现",
)
_ABOVE_WORDS = (
    "高于目标",
    "超过目标",
    "超出目标",
    "超额完成",
    "达到目标",
    "达到指标",
    "达到年初",
    "完成目标值",
    "均已完成",
    "均完成",
    "全部完成",
    "已达标",
    "均达到",
    "均超指标完成",
)


def text_claim(text: object) -> str | None:
    """'below' when a text says the target was missed, 'above' when it says it was reached."""
    norm = notation.normalize_text(_str(text) or "")
    if not norm:
        return None
    if any(w in norm for w in _BELOW_WORDS):
        return "below"
    if any(w in norm for w in _ABOVE_WORDS):
        return "above"
    return None


def _claim_phrase(text: str) -> str:
    norm = notation.normalize_text(text)
    for word in _BELOW_WORDS + _ABOVE_WORDS:
        at = norm.find(word)
        if at >= 0:
            end = min(len(norm), at + len(word) + 8)
            stop = re.search(r"[，。；;,]", norm[at:end])
            return norm[at : at + stop.start()] if stop else norm[at:end]
    return norm[:20]


def _claim_sentence(text: str) -> str:
    """The sentence of a text that carries its claim (for the evidence)."""
    norm = notation.normalize_text(text)
    for word in _BELOW_WORDS + _ABOVE_WORDS:
        found = sentence_with(norm, word)
        if found:
            return found
    return norm


def check_status_text(
    frames: Mapping[str, pd.DataFrame], settings: AuditSettings = DEFAULT_SETTINGS
) -> list[Finding]:
    """Rule 5: an indicator's deviation text vs its status ("低于目标值" while actual ≥ target,
    or "达到目标" while not met: 不符, the sentence contradicts its own figures); a 一级指标 text
    saying all indicators were met while points were deducted, or the reverse (提示: a
    qualitative indicator may score below full marks when achieved)."""
    ctx = context(frames)
    out: list[Finding] = []
    indicators = _frame(frames, "v_indicators")
    status_names = {s: INDICATOR_STATUS[s] for s in _DONE | _NOT_MET}
    for row in frame_rows(ctx.frames, "v_indicators"):
        status = row["status"]
        if status not in status_names:
            continue
        claim = text_claim(row["deviation_reason"])
        if claim is None or (claim == "below") == (status in _NOT_MET):
            continue
        r = _Row(row)
        said = _claim_phrase(str(row["deviation_reason"]))
        judged = f"{status_names[status]}（指标值 {row['target']}，实际 {row['actual']}）"
        message = (
            f"偏差说明写“{said}”，但实际完成值 {row['actual']} 对指标值 {row['target']} 为"
            f"{status_names[status]}：同一句话的文字与数字相矛盾。"
        )
        record = _indicator_record(ctx, r)
        evidence = [
            Evidence("报告值", _str(row["source_ref"]), _claim_sentence(str(row["deviation_reason"]))),
            Evidence(
                "重算依据",
                _str(row["source_ref"]),
                f"{row['level3']} 指标值 {row['target']}，实际完成值 {row['actual']}（记录）",
            ),
        ]
        out.append(_finding(ctx, r, "R5", MEDIUM, record, said, judged, "", message, evidence=evidence))
    out += _actual_as_target(ctx, indicators)
    parts = _frame(frames, "v_score_parts")
    for row in parts.itertuples():
        weight, stated = _num(row.weight), _num(row.stated_score)
        claim = text_claim(row.status_text)
        if weight is None or stated is None or claim is None or row.part == scoring.PART_EXECUTION:
            continue
        said = _claim_phrase(str(row.status_text))
        record = ctx.record(row, row.part)
        evidence = [Evidence("报告值", _str(row.source_ref), _claim_sentence(str(row.status_text)))]
        if claim == "above" and stated < weight - 1e-9:
            message = (
                f"{row.part}文字称“{said}”，按“达标得满分”应得 {weight:g} 分，报告得 {stated:g} 分，"
                "扣分原因未说明（定性指标达成也可得 80%–100%，只提示）。"
            )
            out.append(
                _note(
                    ctx, row, "R5", MEDIUM, record, stated, weight, UNIT_POINTS, message, evidence,
                )
            )
        elif claim == "below" and stated >= weight - 1e-9:
            message = f"{row.part}文字称“{said}”，却得满分 {weight:g} 分。"
            out.append(
                _note(
                    ctx, row, "R5", MEDIUM, record, stated, weight, UNIT_POINTS, message, evidence,
                )
            )
    return out


_VAGUE_ACTUALS = ("达成预期指标", "达到预期", "达成预期", "已完成", "完成")


def _actual_as_target(ctx, indicators: pd.DataFrame) -> list[Finding]:
    """An actual written like a target ("满意度≥90%") or as a vague phrase ("达成预期指标") where
    a number is due: the value achieved is not stated (提示)."""
    out = []
    if indicators.empty or "actual_op" not in indicators.columns:
        return out
    for row in frame_rows(ctx.frames, "v_indicators"):
        actual = _str(row["actual"])
        if actual is None:
            continue
        op = _str(row.get("actual_op"))
        vague = actual in _VAGUE_ACTUALS and _num(row.get("target_value")) is not None
        if not (op in ("≥", "≤", ">", "<", ">=", "<=") or vague):
            continue
        r = _Row(row)
        message = (
            f"实际完成值写作“{actual}”，"
            + ("是指标值的写法，" if not vague else "不是数值，")
            + "报告没有给出实际达到的数值，无法判断是否达标。"
        )
        out.append(
            _note(
                ctx,
                r,
                "R5",
                LOW,
                _indicator_record(ctx, r),
                actual,
                _str(row["target"]) or "—",
                "",
                message,
                [
                    Evidence(
                        "报告值", _str(row["source_ref"]), f"{row['level3']} 实际完成值 {actual}（记录）"
                    )
                ],
            )
        )
    return out


# ---------------------------------------------------------------- 6. overspending, missing explanations


def check_spending_and_explanations(
    frames: Mapping[str, pd.DataFrame], settings: AuditSettings = DEFAULT_SETTINGS
) -> list[Finding]:
    """Rule 6: spent > budget or > appropriation (不符); an indicator not met or far exceeded
    (completion ≥ far_above_ratio) with no explanation (提示). Deviation sections that say 无
    while execution is low are rule 9."""
    ctx = context(frames)
    out: list[Finding] = []
    for row in _frame(frames, "v_execution").itertuples():
        executed, budget, appropriation = _num(row.executed), _num(row.budget), _num(row.appropriation)
        label = _execution_label(row)
        if executed is None:
            continue
        for limit, what in ((budget, "全年预算数"), (appropriation, "财政拨款")):
            if limit is not None and executed > limit + settings.amount_tolerance:
                out.append(
                    _finding(
                        ctx,
                        row,
                        "R6",
                        HIGH,
                        label,
                        executed,
                        limit,
                        UNIT_WAN,
                        f"全年执行数 {fmt_value(executed, UNIT_WAN)} 超过{what} "
                        f"{fmt_value(limit, UNIT_WAN)}。",
                        evidence=[
                            ctx.amount_evidence(row, "全年执行数", executed, "报告值"),
                            ctx.amount_evidence(row, what, limit),
                        ],
                    )
                )
    projects = _frame(frames, "v_projects")
    project_reason = (
        {r.project_id: _has_text(r.deviation_reason) for r in projects.itertuples()}
        if not projects.empty
        else {}
    )
    for row in frame_rows(ctx.frames, "v_indicators"):
        ratio = _num(row["completion_ratio"])
        unmet = row["status"] in _NOT_MET
        if not unmet and (ratio is None or ratio < settings.far_above_ratio - 1e-9):
            continue  # met and not far above: nothing to explain (most rows; the text test is dearer)
        if _has_text(row["deviation_reason"]) or _has_text(row["improvement"]):
            continue
        r = _Row(row)
        evidence = [
            Evidence(
                "报告值",
                _str(row["source_ref"]),
                f"{row['level3']} 指标值 {row['target']}，实际完成值 {row['actual']}（记录）",
            )
        ]
        if unmet:
            general = project_reason.get(row["project_id"], False)
            message = f"指标未达成（指标值 {row['target']}，实际 {row['actual']}），没有偏差原因说明"
            message += "（项目层面有总体说明）。" if general else "。"
            record = _indicator_record(ctx, r)
            out.append(
                _note(
                    ctx, r, "R6", LOW if general else MEDIUM, record, _str(row["actual"]),
                    _str(row["target"]), "", message, evidence,
                )
            )
        elif ratio is not None and ratio >= settings.far_above_ratio - 1e-9:
            message = (
                f"实际 {row['actual']} 为指标值 {row['target']} 的 {ratio:.0%}，远超目标"
                f"（≥ {settings.far_above_ratio:.0%}）却没有说明；指标值可能定得偏低"
                "（只提示，不扣分）。"
            )
            record = _indicator_record(ctx, r)
            out.append(
                _note(
                    ctx, r, "R6", LOW, record, ratio * 100, settings.far_above_ratio * 100, UNIT_PERCENT,
                    message, evidence,
                )
            )
    return out


# ---------------------------------------------------------------- 7. score vs execution


def check_score_vs_execution(
    frames: Mapping[str, pd.DataFrame], settings: AuditSettings = DEFAULT_SETTINGS
) -> list[Finding]:
    """Rule 7: a project whose score rate (score ÷ 100) and execution rate differ by more than
    score_vs_execution_pp percentage points deserves a look (提示)."""
    ctx = context(frames)
    out = []
    for row in _frame(frames, "v_projects").itertuples():
        score, rate = _num(row.stated_score), _num(row.execution_rate)
        if score is None or rate is None:
            continue
        gap = round(score - rate * 100, 9)
        if abs(gap) > settings.score_vs_execution_pp:
            message = (
                f"得分率 {score:g}%（{score:g} 分 ÷ 100）与执行率 {rate * 100:.2f}% 相差 "
                f"{abs(gap):.2f} 个百分点，超过 {settings.score_vs_execution_pp:g} 个百分点。"
            )
            evidence = [
                ctx.amount_evidence(row, "全年执行数", row.executed),
                ctx.amount_evidence(row, "全年预算数", row.budget),
            ]
            out.append(
                _note(
                    ctx, row, "R7", MEDIUM, ctx.record(row), score, round(rate * 100, 4), UNIT_PERCENT,
                    message, evidence,
                )
            )
    return out


# ---------------------------------------------------------------- 8. execution against time


def check_execution_time(
    frames: Mapping[str, pd.DataFrame], settings: AuditSettings = DEFAULT_SETTINGS
) -> list[Finding]:
    """Rule 8: during the year, execution below red (60%) or yellow (80%) of the share of the year
    elapsed at the record's date (scoring.execution_band): 提示, red 中, yellow 低. A year-end
    record is not checked here: its low rate is rule 9 (explained or not) and rule 7."""
    ctx = context(frames)
    out = []
    for row in _frame(frames, "v_execution").itertuples():
        rate, share = _num(row.execution_rate), _num(row.elapsed_share)
        if share is not None and share >= 1 - 1e-9:
            continue  # at year end a low rate is rule 9's (an explanation) and rule 7's, not a time band
        band = scoring.execution_band(rate, share if share is not None else 1.0, settings.bands)
        if band not in ("red", "yellow"):
            continue
        share = share if share else 1.0
        limit = (settings.bands.red if band == "red" else settings.bands.yellow) * share
        evidence = [
            ctx.amount_evidence(row, "全年执行数", row.executed),
            ctx.amount_evidence(row, "全年预算数", row.budget),
        ]
        out.append(
            _note(
                ctx,
                row,
                "R8",
                MEDIUM if band == "red" else LOW,
                _execution_label(row),
                rate * 100,
                share * 100,
                UNIT_PERCENT,
                f"截至 {pd.Timestamp(row.as_of):%Y-%m-%d} 执行率 {rate * 100:.2f}%，时间进度 "
                f"{share * 100:.1f}%，低于时间进度的 {limit / share:.0%}（{limit * 100:.1f}%）："
                f"{BAND_LABELS[band]}。",
                evidence,
            )
        )
    return out


__all__ = ["DISAGREE", "text_claim"]
