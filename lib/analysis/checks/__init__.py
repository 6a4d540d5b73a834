"""Consistency checks (核查): rows from the documented views in, findings out. Pure: no SQL, no I/O.

Self-evaluation reports often do not add up. Each check of DOMAIN.md "Consistency checks" 1–8
recomputes a stated figure from the records and names the record, the stated figure, the
recomputed one and the difference; the reading checks (R9–R11, and R5's summary claims) read
the texts the store keeps. A figure that reconciles — within its own rounding and the rounding
of its inputs — is never reported. Every finding says what kind of statement it is
(``certainty``): 不符 (the report contradicts itself, both figures shown), 无法核对 (cannot be
recomputed from what the report gives; once per record), 提示 (deserves a look). It carries the
quoted sentences behind the stated figure and each input (``evidence``), and every section that
states the figure (``places``): the same figure restated is one finding.

    frames = {name: store.read(name) for name in AUDIT_RELATIONS}
    findings = run_audit(frames)

Modules by rule family: core (settings, Finding, tolerances, quotes), rates (R1), totals (R2),
scores (R3), counts (R4), texts (R5–R8), reading (R9–R11 and R5 summary claims), narrative
(R12–R15: status words, goals, money indicators and text out of place, read across sections),
paired (R16: a form and its report, merged by the inbox, stating a project's score differently),
targets across years (R17: an indicator's target against the same program's previous years).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace

import pandas as pd

from lib.analysis.checks.core import (
    AUDIT_RELATIONS,
    DEFAULT_SETTINGS,
    DISAGREE,
    FINDING_COLUMNS,
    NOTE,
    UNCHECKABLE,
    AuditFrames,
    AuditSettings,
    Evidence,
    Finding,
    _diff_text,
    amounts_reconcile,
    fmt_value,
    rate_interval,
    rate_reconciles,
    ratio_reconciles,
    stated_decimals,
    sum_reconciles,
)
from lib.analysis.checks.counts import check_counts
from lib.analysis.checks.narrative import (
    check_goals_against_evidence,
    check_money_indicators,
    check_status_vs_figures,
    check_text_out_of_place,
)
from lib.analysis.checks.paired import check_form_vs_report
from lib.analysis.checks.rates import check_execution_rates
from lib.analysis.checks.reading import (
    check_missing_explanations,
    check_project_names,
    check_restated_quantities,
    check_summary_claims,
    quantity_mentions,
)
from lib.analysis.checks.scores import check_scores
from lib.analysis.checks.targets_across_years import check_targets_across_years
from lib.analysis.checks.texts import (
    check_execution_time,
    check_score_vs_execution,
    check_spending_and_explanations,
    check_status_text,
    text_claim,
)
from lib.analysis.checks.totals import check_totals
from lib.filters import Filters
from lib.labels import AUDIT_CERTAINTIES, AUDIT_RULES, AUDIT_SEVERITIES

__all__ = [
    "AUDIT_RELATIONS",
    "CHECKS",
    "DEFAULT_SETTINGS",
    "DISAGREE",
    "FINDING_COLUMNS",
    "NOTE",
    "UNCHECKABLE",
    "AuditSettings",
    "Evidence",
    "Finding",
    "amounts_reconcile",
    "audit_in_scope",
    "check_counts",
    "check_execution_rates",
    "check_execution_time",
    "check_form_vs_report",
    "check_goals_against_evidence",
    "check_money_indicators",
    "check_missing_explanations",
    "check_project_names",
    "check_restated_quantities",
    "check_score_vs_execution",
    "check_scores",
    "check_spending_and_explanations",
    "check_status_text",
    "check_status_vs_figures",
    "check_summary_claims",
    "check_targets_across_years",
    "check_text_out_of_place",
    "check_totals",
    "filter_findings",
    "findings_frame",
    "findings_in_scope",
    "fmt_value",
    "format_findings",
    "merge_findings",
    "quantity_mentions",
    "rate_interval",
    "rate_reconciles",
    "ratio_reconciles",
    "read_inputs",
    "refuse_unknown",
    "run_audit",
    "stated_decimals",
    "sum_reconciles",
    "summary",
    "text_claim",
]

CHECKS: tuple[Callable[[Mapping[str, pd.DataFrame], AuditSettings], list[Finding]], ...] = (
    check_execution_rates,
    check_totals,
    check_scores,
    check_counts,
    check_status_text,
    check_summary_claims,
    check_spending_and_explanations,
    check_score_vs_execution,
    check_execution_time,
    check_missing_explanations,
    check_restated_quantities,
    check_project_names,
    check_status_vs_figures,
    check_goals_against_evidence,
    check_money_indicators,
    check_text_out_of_place,
    check_form_vs_report,
    check_targets_across_years,
)

_CERTAINTY_ORDER = {c: i for i, c in enumerate(AUDIT_CERTAINTIES)}
_SEVERITY_ORDER = {s: i for i, s in enumerate(AUDIT_SEVERITIES)}


def _rule_number(rule: str) -> int:
    return int(rule[1:]) if rule[1:].isdigit() else 99


def _sort_key(f: Finding) -> tuple:
    return (_CERTAINTY_ORDER.get(f.certainty, 9), _rule_number(f.rule), _SEVERITY_ORDER[f.severity])


def _value_key(value: object) -> object:
    if isinstance(value, (int, float)):
        return round(float(value), 6)
    return value


_RESTATED_FIGURE_RULES = ("R1", "R2")


def merge_findings(findings: Iterable[Finding]) -> list[Finding]:
    """One statement, one finding: findings of the same rule and certainty about the same record
    with the same stated and recomputed figures (a figure restated in another section, or one
    sentence stored twice) become one finding that lists every place and every quote."""
    merged: dict[tuple, Finding] = {}
    for f in findings:
        # a rate or total restated in another section comes from another row with another label;
        # any other finding repeats only when it is about the same record
        subject = None if f.rule in _RESTATED_FIGURE_RULES else f.record
        key = (f.rule, f.certainty, f.program_id, f.project_id, f.region, f.unit, subject,
               _value_key(f.stated), _value_key(f.recomputed))
        first = merged.get(key)
        if first is None:
            merged[key] = f
            continue
        places = tuple(dict.fromkeys(first.places + f.places))
        quotes = {e.quote for e in first.evidence}
        extra = tuple(
            Evidence("另见" if e.role == "报告值" else e.role, e.source_ref, e.quote)
            for e in f.evidence
            if e.quote not in quotes
        )
        severity = min(first.severity, f.severity, key=_SEVERITY_ORDER.__getitem__)
        message = first.message
        if len(places) > 1 and "同一数字另见" not in message:
            message += "同一数字另见" + "、".join(p for p in places if p != first.source_ref) + "。"
        merged[key] = Finding(
            **{
                **{k: getattr(first, k) for k in first.__dataclass_fields__},
                "places": places,
                "evidence": first.evidence + extra,
                "severity": severity,
                "message": message,
            }
        )
    return list(merged.values())


def run_audit(
    frames: Mapping[str, pd.DataFrame], settings: AuditSettings = DEFAULT_SETTINGS
) -> list[Finding]:
    """Every check over the rows of AUDIT_RELATIONS (missing relations count as empty).

    Returns findings with duplicates merged, ordered by certainty (不符 first), then rule, then
    severity (高 first).
    """
    shared = AuditFrames(frames)
    findings = [f for check in CHECKS for f in check(shared, settings)]
    return sorted(merge_findings(findings), key=_sort_key)


# the relations whose rows name the regions a program's money reaches
_REGION_RELATIONS = ("v_funding", "v_execution", "v_indicators", "v_progress", "v_stated_figures",
                     "v_projects")


def findings_in_scope(
    findings: Iterable[Finding], frames: Mapping[str, pd.DataFrame], regions: Iterable[str]
) -> list[Finding]:
    """The findings that concern a user scoped to ``regions`` (already expanded through the region
    hierarchy), from an audit of the whole programs they can see: every finding about one of
    their regions, and the program-wide findings (about the program's home region, or none) of a
    program with rows in their regions — those marked in ``scope_note`` with the money the
    program sends there. A 沈阳市 user thus sees the province report's wrong 33% and its "无"
    deviation section (沈阳's 3,011 万元 are in them), and not what concerns 抚顺市 alone.

    With no regions (a department or program scope, or none) every finding is kept: such a
    scope already chose whole programs.
    """
    wanted = set(regions)
    findings = list(findings)
    if not wanted:
        return findings
    programs = frames.get("programs", pd.DataFrame())
    home = dict(zip(programs["program_id"], programs["region"], strict=True)) if not programs.empty else {}
    reached: dict[str, set[str]] = {}
    for name in _REGION_RELATIONS:
        frame = frames.get(name)
        if frame is None or frame.empty or "region" not in frame.columns:
            continue
        mine = frame[frame["region"].isin(wanted)]
        for program_id, region in zip(mine["program_id"], mine["region"], strict=True):
            reached.setdefault(program_id, set()).add(region)
    funding = frames.get("v_funding", pd.DataFrame())
    out = []
    for f in findings:
        if f.region in wanted:
            out.append(f)
            continue
        if f.program_id not in reached or (f.region is not None and f.region != home.get(f.program_id)):
            continue
        names = "、".join(sorted(reached[f.program_id]))
        note = f"资金整体的发现（本资金有{names}的记录）"
        if not funding.empty:
            mine = funding[(funding["program_id"] == f.program_id) & funding["region"].isin(wanted)]
            total = pd.to_numeric(mine["amount"], errors="coerce").sum()
            if total:
                note = f"资金整体的发现（本资金分配到{names} {fmt_value(float(total), '万元')}）"
        out.append(replace(f, scope_note=note))
    return out


def audit_in_scope(
    read_visible: Callable[[str], pd.DataFrame],
    read_programs: Callable[[str, list[str]], pd.DataFrame],
    regions: Iterable[str] = (),
    settings: AuditSettings = DEFAULT_SETTINGS,
) -> list[Finding]:
    """The audit as a scoped user sees it. The checks recompute whole programs (a province's 33%
    is 800 ÷ 10380 over every city), so they run over every row of the programs the user can see
    (``read_visible("programs")``, read within the scope; ``read_programs(name, ids)``: those
    programs' rows, unscoped), and only the findings that concern the user's ``regions`` come out
    (findings_in_scope). The unscoped rows never leave this function."""
    programs = read_visible("programs")
    ids = programs["program_id"].tolist() if not programs.empty else []
    if not ids:
        return []
    frames = {name: read_programs(name, ids) for name in AUDIT_RELATIONS}
    return findings_in_scope(run_audit(frames, settings), frames, regions)


def refuse_unknown(what: str, values: Iterable[str], valid: Iterable[str]) -> str | None:
    """The error for ``values`` (rule codes, certainties) not among ``valid`` — naming the valid
    ones — or None when every value is known. Exact spelling only: "r1" is refused rather than
    guessed, as "R99" is (both once printed "核查发现 0 条", as if the audit had found nothing)."""
    valid = list(valid)
    unknown = [v for v in dict.fromkeys(values) if v not in valid]
    if not unknown:
        return None
    names = [f"{v} {AUDIT_RULES[v]}" if v in AUDIT_RULES else v for v in valid]
    return (f"未知的{what}：{'、'.join(unknown)}。可选：{'、'.join(names)}"
            f" (unknown {'rule' if what == '规则' else 'certainty'}: {', '.join(unknown)})")


def read_inputs(read: Callable[[str], pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The frames run_audit needs, from any reader (Store.read, or the page's cached ui.read)."""
    return {name: read(name) for name in AUDIT_RELATIONS}


def evidence_text(f: Finding) -> str:
    """A finding's quotes as one readable text (for tables and exports)."""
    return "\n".join(e.text() for e in f.evidence)


def findings_frame(findings: Iterable[Finding]) -> pd.DataFrame:
    """Findings as a table for pages and exports: stated and recomputed as display text with
    their unit (99.36%, 7,750.69 万元); the difference stays a number; places and evidence as
    text (one quote a line)."""
    rows = []
    for f in findings:
        row = f.to_dict()
        row["stated"] = fmt_value(f.stated, f.unit)
        if f.recomputed is not None:
            row["recomputed"] = fmt_value(f.recomputed, f.unit)
        else:
            row["recomputed"] = UNCHECKABLE if f.certainty == UNCHECKABLE else "—"
        row["difference"] = round(f.difference, 6) if f.difference is not None else None
        row["places"] = "、".join(row["places"])
        row["evidence"] = evidence_text(f)
        rows.append(row)
    frame = pd.DataFrame(rows, columns=FINDING_COLUMNS)
    frame["difference"] = pd.to_numeric(frame["difference"], errors="coerce")
    return frame


def filter_findings(
    frame: pd.DataFrame,
    filters: Filters | None = None,
    rules: Iterable[str] | None = None,
    severities: Iterable[str] | None = None,
    certainties: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Findings matching the shared sidebar filters (as lib.filters: selecting a project keeps
    only that project's findings) and the chosen rules, severities and certainties (None or
    empty: all)."""
    out = frame
    for name, value in (filters or Filters()).active().items():
        out = out[out[name] == value]
    rules, severities, certainties = list(rules or []), list(severities or []), list(certainties or [])
    if rules:
        out = out[out["rule"].isin(rules)]
    if severities:
        out = out[out["severity"].isin(severities)]
    if certainties:
        out = out[out["certainty"].isin(certainties)]
    return out


def summary(frame: pd.DataFrame) -> dict[str, pd.DataFrame | dict[str, int]]:
    """Counts per certainty and per severity (every one, 0 where none) and per rule (every
    rule, split by certainty)."""
    by_severity = {s: int((frame["severity"] == s).sum()) for s in AUDIT_SEVERITIES}
    by_certainty = {c: int((frame["certainty"] == c).sum()) for c in AUDIT_CERTAINTIES}
    rows = []
    for code, name in AUDIT_RULES.items():
        mine = frame[frame["rule"] == code]
        rows.append(
            {
                "rule": code,
                "rule_name": name,
                **{c: int((mine["certainty"] == c).sum()) for c in AUDIT_CERTAINTIES},
                **{s: int((mine["severity"] == s).sum()) for s in AUDIT_SEVERITIES},
                "findings": len(mine),
            }
        )
    by_rule = pd.DataFrame(rows)
    return {"by_severity": by_severity, "by_certainty": by_certainty, "by_rule": by_rule}


def format_findings(findings: list[Finding], version: int | None = None) -> str:
    """Findings as readable Chinese text for the command line: grouped by certainty (不符
    first), then by rule, each with its places and quoted sentences."""
    counts = {c: sum(f.certainty == c for f in findings) for c in AUDIT_CERTAINTIES}
    severities = {s: sum(f.severity == s for f in findings) for s in AUDIT_SEVERITIES}
    head = (
        f"核查发现 {len(findings)} 条（"
        + "、".join(f"{c} {n}" for c, n in counts.items())
        + "；"
        + "、".join(f"{s} {n}" for s, n in severities.items())
        + "）"
    )
    if version is not None:
        head += f"，数据版本 v{version}"
    lines = [head]
    for certainty in AUDIT_CERTAINTIES:
        group = [f for f in findings if f.certainty == certainty]
        lines.append("")
        lines.append(f"【{certainty}】{len(group)} 条" if group else f"【{certainty}】无")
        for code, name in AUDIT_RULES.items():
            mine = [f for f in group if f.rule == code]
            if not mine:
                continue
            lines.append(f"{code} {name}：{len(mine)} 条")
            for f in mine:
                recomputed = fmt_value(f.recomputed, f.unit) if f.recomputed is not None else UNCHECKABLE
                figures = f"报告值 {fmt_value(f.stated, f.unit)} · 重算值 {recomputed}"
                if f.difference is not None:
                    figures += f" · 差异 {_diff_text(f.difference, f.unit)}"
                lines.append(f"  [{f.severity}] {f.record}" + (f"（{f.scope_note}）" if f.scope_note else ""))
                lines.append(f"      {figures}")
                lines.append(f"      {f.message}" + (f"（出处 {'、'.join(f.places)}）" if f.places else ""))
                for e in f.evidence:
                    lines.append(f"        · {e.text()}")
    return "\n".join(lines)
