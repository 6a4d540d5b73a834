"""Rule 12: a form and its report state one project's score differently (issue 22).

When a year's inbox merges a project's 自评表 with its 自评报告 (lib/store/inbox.py), the record
keeps the form's figures and a figure the report states otherwise is kept beside it as the
report's stated figure, with its sentence. Amounts and the execution rate are then checked by
R2 and R1 like any stated total or rate; the score, which no other rule compares with a second
stated score, is checked here: the report's 自评得分 against the project's (the form's), within
the precision both are written to.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from lib.analysis.checks.core import (
    DEFAULT_SETTINGS,
    HIGH,
    MEDIUM,
    UNIT_POINTS,
    AuditSettings,
    Evidence,
    Finding,
    _figure_finding,
    _frame,
    _num,
    _str,
    context,
    fmt_value,
    stated_decimals,
)

# the metric lib/store/inbox.py gives a report's score kept beside a form's
REPORT_SCORE = "报告所写自评得分"
PAIRED_NOTE = "自评表与报告不符"


def check_form_vs_report(
    frames: Mapping[str, pd.DataFrame], settings: AuditSettings = DEFAULT_SETTINGS
) -> list[Finding]:
    """Rule 12: the report's 自评得分 of a project vs the project's stated score (the form's)."""
    figures = _frame(frames, "v_stated_figures")
    if figures.empty:
        return []
    projects = _frame(frames, "v_projects")
    by_id = {r.project_id: r for r in projects.itertuples()} if not projects.empty else {}
    ctx = context(frames)
    out = []
    for row in figures.itertuples():
        if row.metric != REPORT_SCORE or not str(row.note or "").startswith(PAIRED_NOTE):
            continue
        project = by_id.get(_str(row.project_id))
        stated, recorded = _num(row.value), _num(getattr(project, "stated_score", None))
        if project is None or stated is None or recorded is None:
            continue
        places = min(stated_decimals(stated), stated_decimals(recorded))
        if abs(stated - recorded) <= (0.5 * 10 ** -places if places else 1e-9):
            continue
        gap = stated - recorded
        message = (f"报告所写自评得分 {fmt_value(stated, UNIT_POINTS)}，"
                   f"自评表为 {fmt_value(recorded, UNIT_POINTS)}，相差 {fmt_value(abs(gap), UNIT_POINTS)}："
                   "同一项目的得分在自评表与报告中写法不一。")
        form_place = str(row.note)[len(PAIRED_NOTE):].lstrip("：: ")
        evidence = [ctx.figure_evidence(row), Evidence("重算依据", None, form_place)]
        severity = HIGH if abs(gap) >= settings.score_high_gap else MEDIUM
        out.append(_figure_finding(ctx, row, "R16", severity, stated, recorded, UNIT_POINTS, message,
                                   evidence=evidence))
    return out
