"""R17 targets across years (目标值设定偏低 / 绩效目标不够细化 in a provincial review): an indicator
of one program matched to itself the year before, the same lineage (lib/analysis/lineage.py) and
the same 三级指标 kernel, both with a parsed number in one unit. Three 提示, each quoting both years:

- a target set below what was achieved the year before (for a lower-is-better indicator: above it);
- a target left unchanged while the actual exceeded it by a wide margin (≥ 130%, the far-exceeded
  line of rule 6) in both years;
- a target lowered (loosened) after it was missed.

A hint, never a contradiction: a province may set a target low on purpose (a new standard, a
smaller budget). The lineage is the rule's over the frames' programs (the store's confirmed choices
are given as the optional frame ``program_lineage``: program_id, lineage).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

import pandas as pd

from lib.analysis import lineage as lineage_rule
from lib.analysis.checks.core import (
    DEFAULT_SETTINGS,
    LOW,
    NOTE,
    AuditSettings,
    Evidence,
    Finding,
    _finding,
    _frame,
    context,
)

RULE = "R17"
WIDE_MARGIN = 1.3  # actual ≥ 130% of target (≤ 1/1.3 for lower-is-better): rule 6's far-exceeded line
_PUNCT = re.compile(r"[\s()（）\[\]【】《》“”\"'、，,。.:：;；\-—_/]+")


def indicator_kernel(level3: object) -> str:
    """The 三级指标 as matched across years: folded, without year, brackets' content kept but
    brackets, spaces and punctuation removed ("年森林火灾发生率" and "年 森林火灾发生率（次）" match)."""
    text = unicodedata.normalize("NFKC", str(level3 or ""))
    text = re.sub(r"(?:19|20)\d{2}\s*(?:年度|年)", "", text)
    return _PUNCT.sub("", text)


def _lineages(indicators: pd.DataFrame, given: pd.DataFrame | None) -> dict[str, str]:
    programs = (indicators[["program_id", "program_name", "year", "department", "region"]]
                .drop_duplicates("program_id").to_dict("records"))
    mapping = lineage_rule.lineage_map(programs)
    if given is not None and not given.empty:
        mapping.update(dict(zip(given["program_id"], given["lineage"], strict=True)))
    return mapping


def _num(value) -> float | None:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return None if pd.isna(v) else v


def _said(row) -> str:
    return f"{int(row.year)}年“{row.level3}”指标值{row.target}，实际完成值{row.actual}"


def check_targets_across_years(
    frames: Mapping[str, pd.DataFrame], settings: AuditSettings = DEFAULT_SETTINGS
) -> list[Finding]:
    """Rule 20 over v_indicators (program-level and project-level indicators alike, matched by
    project name within a lineage)."""
    del settings
    indicators = _frame(frames, "v_indicators")
    if indicators.empty:
        return []
    needed = {"target_value", "actual_value", "target_unit", "actual_unit", "direction", "status"}
    if not needed <= set(indicators.columns):
        return []
    ctx = context(frames)
    mapping = _lineages(indicators, frames.get("program_lineage"))
    by_key: dict[tuple, object] = {}
    for row in indicators.itertuples():
        if _num(row.target_value) is None:
            continue
        key = (mapping.get(row.program_id, row.program_id), str(row.project_name or ""),
               indicator_kernel(row.level3), str(row.target_unit or ""), int(row.year))
        by_key.setdefault(key, row)  # a region's copy of the same indicator is one indicator
    out: list[Finding] = []
    for (lineage, project, kernel, unit, year), now in sorted(by_key.items(), key=lambda kv: kv[0]):
        before = by_key.get((lineage, project, kernel, unit, year - 1))
        if before is None:
            continue
        out.extend(_compare(ctx, before, now, unit))
    return out


def _compare(ctx, before, now, unit: str) -> list[Finding]:
    lower_better = str(now.direction or "") == "lower"
    t0, t1 = _num(before.target_value), _num(now.target_value)
    a0, a1 = _num(before.actual_value), _num(now.actual_value)
    same_unit = lambda row: str(row.actual_unit or "") in ("", unit)  # noqa: E731
    evidence = [Evidence("上年", before.source_ref, _said(before)),
                Evidence("本年", now.source_ref, _said(now))]
    record = f"{now.program_name} · {now.level3}"
    found: list[Finding] = []

    def hint(message: str, stated, recomputed) -> None:
        found.append(_finding(ctx, now, RULE, LOW, record, stated, recomputed, unit, message,
                              certainty=NOTE, evidence=evidence))

    # 1. below last year's actual
    if a0 is not None and same_unit(before):
        easier = t1 > a0 if lower_better else t1 < a0
        if easier:
            hint(f"{int(now.year)}年指标值 {now.target} {'宽于' if lower_better else '低于'}上年实际完成值 "
                 f"{before.actual}（{int(before.year)}年）：目标值可能设定偏低。", t1, a0)
    # 2. unchanged while far exceeded in both years
    if t0 == t1 and a0 is not None and a1 is not None and same_unit(before) and same_unit(now) and t1:
        def far(actual: float) -> bool:
            return (actual > 0 and t1 / actual >= WIDE_MARGIN) if lower_better else actual / t1 >= WIDE_MARGIN
        if far(a0) and far(a1):
            hint(f"指标值连续两年均为 {now.target}，而实际完成值 {before.actual}（{int(before.year)}年）、"
                 f"{now.actual}（{int(now.year)}年）均远超目标（超过 {WIDE_MARGIN:.0%}）：目标未随实际调整。",
                 t1, a1)
    # 3. lowered after a miss
    if str(before.status) == "not_met":
        loosened = t1 > t0 if lower_better else t1 < t0
        if loosened:
            hint(f"{int(before.year)}年未完成（指标值 {before.target}，实际 {before.actual}）后，"
                 f"{int(now.year)}年指标值{'放宽' if lower_better else '下调'}为 {now.target}。", t1, t0)
    return found
