"""Reading checks: what only reading the report's text finds (DOMAIN.md "Checks that need
reading rather than arithmetic"), over the texts the store keeps.

R9: a deviation section that is empty or says 无 / 不存在偏差 while execution is below the
    threshold or an indicator is unmet.
R10: one quantity (a count of drills, monitoring points, parks, trainings) stated with
    different numbers in different sections of one report.
R11: a section that names another project of the same report than the one it belongs to.
R5 (summary claims): a text saying every target was met (均完成 / 均超指标完成) beside
    indicators the report marks as missed.
Each finding quotes the sentences it rests on.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

import pandas as pd

from lib.analysis.checks.core import (
    DEFAULT_SETTINGS,
    DISAGREE,
    HIGH,
    LOW,
    MEDIUM,
    NOTE,
    AuditSettings,
    Evidence,
    Finding,
    _Context,
    _finding,
    _frame,
    _has_text,
    _num,
    _str,
    context,
    sentence_with,
)
from lib.analysis.checks.lookup import _Row, frame_rows, program_rows
from lib.analysis.checks.texts import _claim_phrase, text_claim

_DEVIATION_SECTION = re.compile(r"偏离|偏差")
_NOT_MET = {"not_met", "qualitative_not_met"}

# ---------------------------------------------------------------- R9 deviation section says 无


def check_missing_explanations(
    frames: Mapping[str, pd.DataFrame], settings: AuditSettings = DEFAULT_SETTINGS
) -> list[Finding]:
    """R9: a deviation section (a program's 偏离绩效目标的原因… section, a project's 偏差原因)
    that says 无 or is empty while execution is below settings.low_execution or an indicator of
    its scope is unmet and not explained on its own line. 无 written beside such figures is 不符
    (高 for execution); an empty project explanation is 提示 (it may simply be missing)."""
    ctx = context(frames)
    out: list[Finding] = []
    execution = _frame(frames, "v_execution")
    objectives = _frame(frames, "v_objectives")
    unmet_of = _unmet_by_scope(frames)
    if not objectives.empty:
        sections = objectives[
            objectives["project_id"].isna() & objectives["label"].fillna("").str.contains(_DEVIATION_SECTION)
        ]
        for row in sections.itertuples():
            if _has_text(row.actual_text):
                continue
            low = _low_snapshots(execution, row.program_id, settings)
            unmet = unmet_of.get((row.program_id, None), [])
            if not low and not unmet:
                continue
            out.append(
                _section_finding(ctx, row, _str(row.actual_text), low, unmet, str(row.label), explicit=True)
            )
    projects = _frame(frames, "v_projects")
    for row in projects.itertuples():
        if _has_text(row.deviation_reason) or _has_text(row.improvement):
            continue
        rate = _num(row.execution_rate)
        low = [(ctx.record(row), rate, row)] if rate is not None and rate < settings.low_execution else []
        unmet = unmet_of.get((row.program_id, _str(row.project_id)), [])
        if not low and not unmet:
            continue
        explicit = _str(row.deviation_reason) is not None
        out.append(
            _section_finding(
                ctx, row, _str(row.deviation_reason), low, unmet, "偏差原因及改进措施", explicit=explicit
            )
        )
    return out


def _low_snapshots(execution: pd.DataFrame, program_id: str, settings: AuditSettings) -> list:
    if execution.empty:
        return []
    rows = execution[(execution["program_id"] == program_id) & execution["project_id"].isna()]
    if rows.empty:
        return []
    latest = rows[rows["as_of"] == rows["as_of"].max()]
    out = []
    for r in latest.itertuples():
        rate = _num(r.execution_rate)
        if rate is not None and rate < settings.low_execution:
            label = " ".join(p for p in (_str(r.region), _str(r.fund_source)) if p) or "整体"
            out.append((label, rate, r))
    return out


def _unmet_by_scope(frames: Mapping[str, pd.DataFrame]) -> dict[tuple, list[_Row]]:
    """Unmet indicators with no explanation of their own, per (program, project or None)."""
    out: dict[tuple, list[_Row]] = {}
    for row in frame_rows(frames, "v_indicators"):
        if row["status"] not in _NOT_MET:
            continue
        if _has_text(row["deviation_reason"]) or _has_text(row["improvement"]):
            continue
        out.setdefault((row["program_id"], _str(row["project_id"])), []).append(_Row(row))
    return out


def _section_finding(
    ctx: _Context, row, text: str | None, low: list, unmet: list, label: str, explicit: bool
) -> Finding:
    said = text or "（空）"
    facts = [f"{name} 执行率 {rate * 100:.2f}%" for name, rate, _ in low]
    facts += [f"{r.level3} 指标值 {r.target}、实际 {r.actual}（未达成）" for r in unmet[:5]]
    evidence = [Evidence("报告值", _str(row.source_ref), f"{label}：{said}")]
    for _, _, r in low:
        evidence.append(ctx.amount_evidence(r, "全年执行数", r.executed))
        evidence.append(ctx.amount_evidence(r, "全年预算数", r.budget))
    for r in unmet[:5]:
        evidence.append(
            Evidence(
                "重算依据", _str(r.source_ref), f"{r.level3} 指标值 {r.target}，实际完成值 {r.actual}（记录）"
            )
        )
    message = (
        f"“{label}”写“{said}”，但"
        + "；".join(facts)
        + "：偏离目标却没有说明原因"
        + ("。" if explicit else "（说明为空，可能漏填）。")
    )
    severity = HIGH if low and explicit else MEDIUM
    return _finding(
        ctx,
        row,
        "R9",
        severity,
        ctx.record(row, label),
        said,
        "；".join(facts),
        "",
        message,
        certainty=DISAGREE if explicit else NOTE,
        evidence=evidence,
    )


# ---------------------------------------------------------------- R10 one quantity, two numbers

# What a count counts (a head noun) and the words that make two counts different things
# (a 大型综合实战演练 is not a 林草灭火演练). Only exact counts are compared: “20余场次” is not.
_HEADS = {
    "应急演练": r"演练",
    "监控点位": r"监控(?:点位|设备|点)",
    "化工园区": r"化工园区|化工产业聚集区",
    "培训": r"培训班|培训",
    "祭祀台": r"祭祀台",
    "监测站": r"监测站",
    "检查组": r"检查组",
}
_KINDS = (
    "大型",
    "综合",
    "实战",
    "专项",
    "林草",
    "灭火",
    "防洪",
    "抗洪",
    "抢险",
    "防汛",
    "抗旱",
    "专题",
    "灾害信息员",
    "安全生产",
    "室内",
    "入林",
    "高空",
    "卡口",
    "瞭望",
    "气象",
)
_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NUM = r"(?P<n>\d+|[一二两三四五六七八九十]{1,3})"
_CLS = r"(?P<c>场次|次|场|处|个|座|期|大)"
_NOUN = r"[^\d，。；、,;：:（）()“”\"\s]"


def _cn_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    return _CN_DIGITS.get(text) if len(text) == 1 else None


def _patterns() -> list[tuple[str, re.Pattern]]:
    out = []
    for name, head in _HEADS.items():
        after = re.compile(rf"(?<![\d.]){_NUM}\s?{_CLS}(?P<noun>{_NOUN}{{0,12}}?(?:{head}))")
        before = re.compile(
            rf"(?P<noun>{_NOUN}{{0,14}}?(?:{head}))(?:共|达|了)?{_NUM}\s?{_CLS}"
            r"(?=[，。；、,;）)\s]|$)"
        )
        out += [(name, after), (name, before)]
    return out


_QUANTITY_PATTERNS = _patterns()


def quantity_mentions(text: str) -> list[dict]:
    """The exact counts a text states, each with what it counts: [{"quantity": "应急演练",
    "kinds": ("综合",), "value": 5, "phrase": "5次综合性应急演练"}, …], in text order."""
    return [dict(m) for m in _mentions(text)]


@functools.lru_cache(maxsize=4096)
def _mentions(text: str) -> tuple[dict, ...]:
    """quantity_mentions, once per distinct text (a year's projects repeat a few texts)."""
    out, seen = [], set()
    for name, pattern in _QUANTITY_PATTERNS:
        for m in pattern.finditer(text):
            value = _cn_number(m.group("n"))
            if value is None or (m.start(), m.end()) in seen:
                continue
            tail = text[m.end() : m.end() + 1]
            if tail in ("余", "多"):
                continue
            seen.add((m.start(), m.end()))
            noun = m.group("noun")
            kinds = tuple(k for k in _KINDS if k in noun)
            out.append(
                {"quantity": name, "kinds": kinds, "value": value, "phrase": m.group(0), "at": m.start()}
            )
    return tuple(sorted(out, key=lambda m: m["at"]))


def check_restated_quantities(
    frames: Mapping[str, pd.DataFrame], settings: AuditSettings = DEFAULT_SETTINGS
) -> list[Finding]:
    """R10: the same count (same thing, same kind words) written with different numbers in
    different sections of one report. Both in the program's own sections, or both in one
    project's: 不符. One in a department section and one in a project: 提示 (the department's
    year may hold more than the project paid for)."""
    ctx = context(frames)
    out: list[Finding] = []
    programs = set()
    for name in ("v_objectives", "v_projects"):
        frame = _frame(frames, name)
        if not frame.empty:
            programs |= set(frame["program_id"].dropna())
    projects = _frame(frames, "v_projects")
    for program_id in sorted(programs):
        mentions = []
        scopes = [None] + (
            sorted(program_rows(frames, "v_projects", program_id)["project_id"].dropna())
            if not projects.empty
            else []
        )
        for project_id in scopes:
            for ref, text in ctx.texts(program_id, project_id):
                for mention in quantity_mentions(text):
                    mention.update(
                        project_id=project_id,
                        source_ref=ref,
                        sentence=sentence_with(text, mention["phrase"]) or mention["phrase"],
                    )
                    mentions.append(mention)
        groups: dict[tuple, list[dict]] = {}
        for m in mentions:
            groups.setdefault((m["quantity"], m["kinds"]), []).append(m)
        for (quantity, kinds), group in groups.items():
            out += _restated(ctx, program_id, quantity, kinds, group)
    return out


def _restated(
    ctx: _Context, program_id: str, quantity: str, kinds: tuple, group: list[dict]
) -> list[Finding]:
    """Pairs of mentions that should agree: two of the program's own sections, two sections of one
    project (不符), or a program section and a project's (提示). Two different projects count
    different things and are never compared."""
    unique: dict[tuple, dict] = {}
    for m in group:  # one mention per section and value (a phrase stored twice is one statement)
        unique.setdefault((m["project_id"], m["source_ref"], m["value"]), m)
    own = [m for m in unique.values() if m["project_id"] is None]
    by_project: dict[str, list[dict]] = {}
    for m in unique.values():
        if m["project_id"] is not None:
            by_project.setdefault(m["project_id"], []).append(m)
    pairs = [(a, b) for i, a in enumerate(own) for b in own[i + 1:]]
    for mine in by_project.values():
        pairs += [(a, b) for i, a in enumerate(mine) for b in mine[i + 1:]]
        pairs += [(a, b) for a in own for b in mine]
    out = []
    what = "".join(kinds) + quantity if kinds else quantity
    for a, b in pairs:
        if a["value"] == b["value"] or a["source_ref"] == b["source_ref"]:
            continue
        same_scope = a["project_id"] == b["project_id"]
        message = (
            f"“{what}”在 {a['source_ref']} 写作“{a['phrase']}”（{a['value']}），在 {b['source_ref']} "
            f"写作“{b['phrase']}”（{b['value']}）：同一数量前后数字不一"
        )
        message += "。" if same_scope else "（一处为部门整体、一处为项目，口径可能不同，请核对）。"
        row = _Anchor(ctx, program_id, a["project_id"] if same_scope else None, a["source_ref"])
        out.append(
            _finding(ctx, row, "R10", MEDIUM if same_scope else LOW, ctx.record(row, what),
                     float(a["value"]), float(b["value"]), "", message,
                     certainty=DISAGREE if same_scope else NOTE,
                     places=(a["source_ref"], b["source_ref"]),
                     evidence=[Evidence("报告值", a["source_ref"], a["sentence"]),
                               Evidence("另见", b["source_ref"], b["sentence"])])
        )
    return out


class _Anchor:
    """A finding's row for a program or project named by id (year and names from the context)."""

    def __init__(self, ctx: _Context, program_id: str, project_id: str | None, source_ref: str | None):
        self.program_id, self.project_id, self.source_ref = program_id, project_id, source_ref
        self.region = ctx.program_region.get(program_id)
        self.program_name = ctx.program_name.get(program_id)
        self.project_name = ctx.project_names.get(project_id) if project_id else None
        self.year = ctx.program_year.get(program_id)


# ---------------------------------------------------------------- R11 another project's name


def check_project_names(
    frames: Mapping[str, pd.DataFrame], settings: AuditSettings = DEFAULT_SETTINGS
) -> list[Finding]:
    """R11: a project's section that names another project of the same report, in a sentence
    that does not name its own (a paragraph copied from the next project)."""
    ctx = context(frames)
    projects = _frame(frames, "v_projects")
    out: list[Finding] = []
    if projects.empty:
        return out
    by_program: dict[object, list] = {}
    for r in projects.itertuples():  # once: itertuples per program group cost seconds
        if pd.notna(r.program_id):
            by_program.setdefault(r.program_id, []).append(r)
    for program_id in sorted(by_program):
        mine = by_program[program_id]
        names = {r.project_id: _core_name(r.project_name, r.region) for r in mine}
        distinct = sorted({n for n in names.values() if len(n) >= 4}, key=len, reverse=True)
        if len(distinct) < 2:
            continue
        # one pass per text over every name of the program (a department may have thousands)
        pattern = re.compile("|".join(re.escape(n) for n in distinct))
        found_in: dict[str, list[str]] = {}
        for row in mine:
            own = names[row.project_id]
            reported = set()
            for ref, text in ctx.texts(program_id, row.project_id):
                if text not in found_in:
                    found_in[text] = list(dict.fromkeys(m.group(0) for m in pattern.finditer(text)))
                for other in found_in[text]:
                    if other == own or other in own or other in reported:
                        continue
                    sentence = sentence_with(text, other)
                    if sentence is None or own in sentence:
                        continue
                    reported.add(other)
                    message = (
                        f"“{row.project_name}”一节写的是“{other}”（另一个项目的名称）："
                        f"“{sentence}”，疑为从该项目复制。"
                    )
                    out.append(
                        _finding(ctx, row, "R11", MEDIUM, ctx.record(row, "项目名称"), other,
                                 row.project_name, "", message, certainty=DISAGREE,
                                 places=(ref,) if ref else (), evidence=[Evidence("报告值", ref, sentence)])
                    )
    return out


def _core_name(name: object, region: object) -> str:
    """A project's name without the region in front (兰州新区应急救援能力提升项目 → 应急救援能力提升项目)."""
    text = _str(name) or ""
    prefix = _str(region)
    if prefix and text.startswith(prefix) and len(text) > len(prefix) + 3:
        text = text[len(prefix) :]
    return text


# ---------------------------------------------------------------- R5 summary claims


def check_summary_claims(
    frames: Mapping[str, pd.DataFrame], settings: AuditSettings = DEFAULT_SETTINGS
) -> list[Finding]:
    """R5, summary texts: a program section saying every target was met or exceeded
    (均完成 / 均超指标完成 / 全部完成) while indicators of the program are marked not met (提示:
    the claim may mean only its 'core' indicators)."""
    ctx = context(frames)
    objectives = _frame(frames, "v_objectives")
    indicators = _frame(frames, "v_indicators")
    out: list[Finding] = []
    if objectives.empty or indicators.empty:
        return out
    for row in objectives[objectives["project_id"].isna()].itertuples():
        text = _str(row.actual_text)
        if text is None or text_claim(text) != "above":
            continue
        unmet = program_rows(frames, "v_indicators", row.program_id)
        unmet = unmet[unmet["status"].isin(_NOT_MET)]
        if unmet.empty:
            continue
        said = _claim_phrase(text)
        sentence = next(
            (
                s
                for s in (
                    sentence_with(text, w)
                    for w in ("均超指标完成", "均完成", "均已完成", "全部完成", "均达到")
                )
                if s
            ),
            said,
        )
        listed = "、".join(
            f"{_str(r.project_name) or ''}{r.level3}（{r.target} → {r.actual}）"
            for r in unmet.head(4).itertuples()
        )
        message = (
            f"“{row.label}”写“{said}”，但有 {len(unmet)} 项指标未达成：{listed}"
            + ("等" if len(unmet) > 4 else "")
            + "。"
        )
        evidence = [Evidence("报告值", _str(row.source_ref), sentence)]
        evidence += [
            Evidence("重算依据", _str(r.source_ref), f"{r.level3} 指标值 {r.target}，实际完成值 {r.actual}")
            for r in unmet.head(4).itertuples()
        ]
        out.append(
            _finding(
                ctx,
                row,
                "R5",
                MEDIUM,
                ctx.record(row, row.label),
                said,
                f"{len(unmet)} 项未达成",
                "",
                message,
                certainty=NOTE,
                evidence=evidence,
            )
        )
    return out
