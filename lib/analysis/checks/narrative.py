"""Reading a report as a reviewer does: one section's words against another section's figures.

R12 status words against figures: a small lexicon of completion states (已完成 / 完成了 /
    基本完成 against 正在建设中 / 部分模块正在建设中 / 未完成), each tied to the object it speaks of
    (a park's modules or platform, a year's task, a timeliness indicator), compared across
    sections and with the progress shares, indicator actuals and execution rates.
R13 goals against their evidence: each part of a 年度总体目标 / 目标N that a project's own section
    says was not done, or that no section reports on at all.
R14 indicators that restate money: a 资金支付率 / 资金执行率 / 预算执行率 indicator against the
    project's executed ÷ budget; a program (or project) none of whose indicators has a target.
R15 text out of place: another fund's name written as this program's subject; a sentence that
    reports an earlier year's work, or a forecast (预计…年底前) in a self-evaluation of a year that
    has ended.

Precision first (DOMAIN.md "When a stated figure is not a contradiction"): a rate that fits
another stated basis (财政拨款, funds received) is a note naming both bases; a goal part nobody
reports on is 无法核对, never 不符; a completion word is compared only with a statement about the
same object (a park's modules with the same park's modules), never with a different measure.
Every finding quotes the sentences it rests on. Pure: rows in, findings out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

from lib.analysis.checks.core import (
    _SENTENCE_END,
    DEFAULT_SETTINGS,
    DISAGREE,
    LOW,
    MEDIUM,
    NOTE,
    UNCHECKABLE,
    UNIT_PERCENT,
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
    fmt_value,
    ratio_reconciles,
    sentence_with,
)
from lib.analysis.checks.lookup import _Row, program_rows
from lib.analysis.checks.texts import text_claim


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def _clause_with(text: str, phrase: str) -> str | None:
    """The clause (between ，。；) holding ``phrase``."""
    at = text.find(phrase)
    if at < 0:
        return None
    start = max(text.rfind(c, 0, at) for c in "，,。；;\n") + 1
    ends = [i for i in (text.find(c, at + len(phrase)) for c in "，,。；;\n") if i >= 0]
    return text[start : min(ends) if ends else len(text)].strip()


def _pp(value: object) -> float | None:
    """A stored share (0.6) or percent figure (60.0) as percentage points."""
    number = _num(value)
    if number is None:
        return None
    return number * 100 if abs(number) <= 1.5 else number


def _row(**values) -> _Row:
    return _Row(values)


def _program_of(ctx: _Context, program_id: str, **extra) -> _Row:
    return _row(
        program_id=program_id,
        program_name=ctx.program_name.get(program_id),
        year=ctx.program_year.get(program_id),
        region=ctx.program_region.get(program_id),
        **extra,
    )


def _split_ref(ref: str | None) -> tuple[str | None, str | None]:
    """A goal record's reference "LZ2022 §二(二)1 目标5；§二(二)2 目标5完成情况" as the goal's own section
    and the completion's (each with the source id): a quote names the section it stands in."""
    if not ref or "；" not in ref:
        return ref, ref
    first, *rest = [p.strip() for p in ref.split("；")]
    source = first.split(" ", 1)[0] if " " in first else ""
    rest = [p if not source or p.startswith(source + " ") else f"{source} {p}" for p in rest]
    return first, "；".join(rest)


def _at(row, ref: str | None) -> _Row:
    """``row`` with another source_ref (the finding's own section)."""
    values = row._asdict() if hasattr(row, "_asdict") else dict(row._s)
    return _Row({**values, "source_ref": ref})


def _objective_sections(frames, program_id: str) -> dict[tuple[str, str], str]:
    """(merged reference, text) → the section the text stands in, for the program's goal records."""
    out = {}
    for row in program_rows(frames, "v_objectives", program_id).itertuples():
        ref = _str(row.source_ref)
        if not ref or "；" not in ref:
            continue
        first, rest = _split_ref(ref)
        for text, section in ((_str(row.expected), first), (_str(row.actual_text), rest)):
            if text:
                out[(ref, text)] = section
    return out


def _project_ids(ctx: _Context, program_id: str) -> list[str]:
    """The program's project ids, from the run's index (a filter per program would scan them all)."""
    rows = program_rows(ctx.frames, "v_projects", program_id)
    return rows["project_id"].tolist() if not rows.empty else []


def _is_whole(ctx: _Context, row) -> bool:
    region = _str(getattr(row, "region", None))
    return region is None or region == ctx.program_region.get(_str(row.program_id))


# ---------------------------------------------------------------- R12 status words vs figures

_BASIC_DONE = re.compile(r"基本完成[^，,。；;]{0,20}?(?:任务|目标)")
# 已完成 / 完成了 followed by what was completed (not by a share: 已完成80% is a share)
_DONE = re.compile(r"(?:已完成|完成了)(?![\d０-９])([^，,。；;]{2,60})")
_ONGOING = re.compile(r"正在建设|建设中|部分模块|部分完成|未完成|尚未完成")
_WHOLE_TASK = ("年度总体目标", "年度目标", "全部任务", "建设任务")
_COMPLETION_NAME = re.compile(r"完成率|建设率|建成率|完成进度")


def check_status_vs_figures(
    frames: Mapping[str, pd.DataFrame], settings: AuditSettings = DEFAULT_SETTINGS
) -> list[Finding]:
    """R12: completion words against the figures and statements of other sections.

    - a whole-program "基本完成…任务" while the program's own completion shares (progress, output
      indicators named …完成率 / 建设率) are below settings.basic_completion_from: 不符 (中); the
      execution rates are quoted beside (payment may lag construction: not the basis);
    - a park (region) said to have 已完成 its modules / platform / annual goal in one section
      while an indicator of the same park says some modules are 正在建设中: 不符 (中);
    - a timeliness indicator at 100% whose own sentence says the work is 正在建设中: 提示 (中),
      on-time completion has not happened yet.
    """
    ctx = context(frames)
    out: list[Finding] = []
    # each part walks only the programs it can concern (a text with 基本完成, a park's progress
    # row, a timeliness indicator at 100%): a year's 200,000 indicators hold few of them
    objectives = _frame(frames, "v_objectives")
    if not objectives.empty:
        said = _text_column(objectives, "actual_text").str.contains("基本完成", regex=False)
        for program_id in dict.fromkeys(
            objectives.loc[
                said.to_numpy() & objectives["project_id"].isna().to_numpy(), "program_id"
            ].tolist()
        ):
            out += _basic_done_claims(ctx, frames, program_id, settings.basic_completion_from * 100)
    # a park's modules still being built: its programs are the only ones the park check reads
    indicators = _frame(frames, "v_indicators")
    if not indicators.empty:
        building = _text_column(indicators, "actual").str.contains("模块", regex=False) & _text_column(
            indicators, "actual"
        ).str.contains(_ONGOING)
        for program_id in dict.fromkeys(indicators.loc[building.to_numpy(), "program_id"].tolist()):
            out += _park_contradictions(ctx, frames, program_id)
    out += _timeliness_while_building(ctx, frames)
    return out


def _text_column(frame: pd.DataFrame, column: str) -> pd.Series:
    return (
        frame[column].astype(object).fillna("").astype(str)
        if column in frame.columns
        else pd.Series([""] * len(frame), index=frame.index)
    )


def _completion_shares(ctx: _Context, frames, program_id: str) -> list[tuple[str, float, Evidence]]:
    """(what, percentage points, sentence) of the program's whole-program completion shares."""
    shares: list[tuple[str, float, Evidence]] = []
    progress = program_rows(frames, "v_progress", program_id)
    for row in progress.itertuples():
        pp = _pp(row.percent)
        text = _str(row.status_text)
        if pp is None or not _is_whole(ctx, row) or text is None:
            continue
        number = f"{fmt_value(pp, UNIT_PERCENT)}"
        quote = sentence_with(text, number) or text
        shares.append(
            (
                f"{_str(row.measure) or '建设进度'} {number}",
                pp,
                Evidence("重算依据", _str(row.source_ref), quote),
            )
        )
    indicators = program_rows(frames, "v_indicators", program_id)
    for row in indicators.itertuples():
        if _str(row.project_id) or not _is_whole(ctx, row) or _str(row.level1) != "产出指标":
            continue
        if not _COMPLETION_NAME.search(_str(row.level3) or "") or _str(row.actual_unit) != "%":
            continue
        pp = _num(row.actual_value)
        if pp is None:
            continue
        found = ctx.quote(program_id, None, _str(row.actual), _str(row.source_ref))
        quote = found[1] if found else f"{row.level3} 实际完成值 {row.actual}（记录）"
        shares.append((f"{row.level3} {row.actual}", pp, Evidence("重算依据", _str(row.source_ref), quote)))
    return shares


def _basic_done_claims(ctx: _Context, frames, program_id: str, basic_from_pp: float) -> list[Finding]:
    out: list[Finding] = []
    objectives = program_rows(frames, "v_objectives", program_id)
    for row in objectives.itertuples():
        text = _str(row.actual_text)
        if _str(row.project_id) or text is None:
            continue
        match = _BASIC_DONE.search(text)
        if not match:
            continue
        shares = _completion_shares(ctx, frames, program_id)
        low = [s for s in shares if s[1] < basic_from_pp]
        if not low:
            continue
        claim = match.group(0)
        figures = "、".join(s[0] for s in low)
        message = f"“{row.label}”写“{claim}”，而本资金给出的完成比例为 {figures}"
        parts = [
            _pp(p.percent)
            for p in program_rows(frames, "v_progress", program_id).itertuples()
            if not _is_whole(ctx, p) and _pp(p.percent) is not None
        ]
        if parts:
            least, most = fmt_value(min(parts), UNIT_PERCENT), fmt_value(max(parts), UNIT_PERCENT)
            # the parks' own progress (工作任务总量, 建成率), not a per-region 基本工程建设率 (review)
            message += f"；各园区自报进度 {least}–{most}"
        # the shares may measure the whole project where the claim is about one year's part of it
        message += "；报告未写本年度的阶段目标，“基本完成”指什么无法核对，请核对。"
        evidence = [Evidence("报告值", _str(row.source_ref), sentence_with(text, claim) or claim)]
        evidence += [s[2] for s in low]
        places = tuple(dict.fromkeys(x for x in [_str(row.source_ref), *(s[2].source_ref for s in low)] if x))
        out.append(
            _finding(
                ctx,
                row,
                "R12",
                MEDIUM,
                ctx.record(row, row.label),
                claim,
                f"完成比例 {fmt_value(min(s[1] for s in low), UNIT_PERCENT)}–"
                f"{fmt_value(max(s[1] for s in low), UNIT_PERCENT)}",
                "",
                message,
                certainty=NOTE,
                evidence=evidence,
                places=places,
            )
        )
    return out


def _done_claim(text: str) -> str | None:
    """The 已完成 phrase of a park's text that speaks of its modules, platform or whole task."""
    for match in _DONE.finditer(text):
        obj = match.group(1)
        if "模块" in obj or "平台" in obj or any(w in obj for w in _WHOLE_TASK):
            return match.group(0)
    return None


def _park_contradictions(ctx: _Context, frames, program_id: str) -> list[Finding]:
    """Per park (a region below the program's own): what says its modules are done — its progress
    text ("已完成…六大功能模块建设") or a module indicator at 100% — against an indicator of the same
    park saying modules are still being built. A claim of the whole annual goal ("完成了年度总体目标")
    with nothing firmer beside it is only a note: the park's annual target is not stated."""
    out: list[Finding] = []
    progress = program_rows(frames, "v_progress", program_id)
    indicators = program_rows(frames, "v_indicators", program_id)
    if indicators.empty:
        return out
    regions = dict.fromkeys(
        r for r in [*progress["region"].tolist(), *indicators["region"].tolist()] if _str(r)
    )
    for region in sorted(regions):  # one order on both backends (rows come in the backend's order)
        if region == ctx.program_region.get(program_id):
            continue
        mine = indicators[indicators["region"] == region]
        ongoing = [
            i for i in mine.itertuples() if _ONGOING.search(_str(i.actual) or "") and "模块" in _str(i.actual)
        ]
        if not ongoing:
            continue
        firm: list[tuple[object, str, Evidence]] = []  # (row, what it says, its sentence)
        whole: list[tuple[object, str, Evidence]] = []
        for row in progress[progress["region"] == region].itertuples():
            text = _str(row.status_text)
            claim = _done_claim(text) if text else None
            if claim:
                said = Evidence("报告值", _str(row.source_ref), sentence_with(text, claim) or text)
                (whole if any(w in claim for w in _WHOLE_TASK) else firm).append((row, claim, said))
        for i in mine.itertuples():
            name = _str(i.level3) or ""
            value = _num(i.actual_value)
            if value is None or value < 100 or not ("模块" in name or "平台" in name):
                continue
            found = ctx.quote(program_id, None, f"完成{i.actual}", _str(i.source_ref)) or ctx.quote(
                program_id, None, _str(i.actual), _str(i.source_ref)
            )
            quote = found[1] if found else f"{name} 实际完成值 {i.actual}（记录）"
            firm.append((i, f"{name} {i.actual}", Evidence("报告值", _str(i.source_ref), quote)))
        if not firm and not whole:
            continue
        subject = next((_str(r.subject) for r in progress[progress["region"] == region].itertuples()), region)
        said = "、".join(dict.fromkeys(f"{_str(i.level2) or i.level3}“{i.actual}”" for i in ongoing))
        building_refs = "、".join(dict.fromkeys(_str(i.source_ref) or "" for i in ongoing))
        head_row, claim, _ = (firm or whole)[0]
        evidence = [e for _, _, e in firm] + [e for _, _, e in whole]
        evidence = [evidence[0]] + [Evidence("另见", e.source_ref, e.quote) for e in evidence[1:]]
        for i in ongoing:
            found = ctx.quote(program_id, None, _str(i.actual), _str(i.source_ref))
            evidence.append(
                Evidence(
                    "另见",
                    _str(i.source_ref),
                    found[1] if found else f"{i.level3} 实际完成值 {i.actual}（记录）",
                )
            )
        own_text = [f for f in firm if hasattr(f[0], "status_text")]
        if firm and not own_text:
            # only another indicator of the park at 100% (数量 "完成100%" against 质量's "部分模块正在
            # 建设中"): two indicators measure different things, so it is a note (independent review)
            claims = "；".join(f"{e.source_ref} 称其{c}" for _, c, e in firm)
            message = (f"{subject}：{claims}，而 {building_refs} 说该园区{said}：两处是不同的指标，"
                       "同称“模块”，该园区模块的完成状态请核对。")
            if whole:
                message += "（另称“" + "、".join(c for _, c, _ in whole) + "”。）"
            certainty = NOTE
        elif firm:
            # a park's own text is quoted ("写"), an indicator's figure is named ("称其…")
            claims = "；".join(
                f"{e.source_ref} " + (f"写“{c}”" if hasattr(r, "status_text") else f"称其{c}")
                for r, c, e in firm
            )
            message = (
                f"{subject}：{claims}，而 {building_refs} 说该园区{said}：同一园区模块的完成状态前后矛盾。"
            )
            if whole:
                message += "（另称“" + "、".join(c for _, c, _ in whole) + "”。）"
            certainty = DISAGREE
        else:
            claims = "；".join(f"{e.source_ref} 写“{c}”" for _, c, e in whole)
            message = (
                f"{subject}：{claims}，而 {building_refs} 说该园区{said}；"
                "报告未写该园区的年度目标，完成与否请核对。"
            )
            certainty = NOTE
        places = tuple(dict.fromkeys(e.source_ref for e in evidence if e.source_ref))
        out.append(
            _finding(
                ctx,
                _at(head_row, evidence[0].source_ref),
                "R12",
                MEDIUM,
                ctx.record(_program_of(ctx, program_id), subject, "完成状态"),
                claim,
                "、".join(dict.fromkeys(_str(i.actual) for i in ongoing)),
                "",
                message,
                region=region,
                certainty=certainty,
                evidence=evidence,
                places=places,
            )
        )
    return out


_STILL_BUILDING = re.compile(r"目前正在建设中|正在建设中|尚未完成|正在实施")


def _timeliness_while_building(ctx: _Context, frames) -> list[Finding]:
    out: list[Finding] = []
    indicators = _frame(frames, "v_indicators")
    if indicators.empty or "actual_value" not in indicators.columns:
        return out
    full = (indicators["level2"] == "时效指标").to_numpy() & (
        pd.to_numeric(indicators["actual_value"], errors="coerce") >= 100
    ).to_numpy()
    building: dict[tuple, bool] = {}  # per record: does any of its texts say the work goes on?
    for row in indicators[full].itertuples():
        key = (row.program_id, _str(row.project_id))
        if key not in building:
            building[key] = any(
                _STILL_BUILDING.search(t) for k in {key, (row.program_id, None)} for _, t in ctx.texts(*k)
            )
        if not building[key]:
            continue
        found = ctx.quote(row.program_id, row.project_id, _str(row.actual), _str(row.source_ref))
        if not found:
            continue
        sentence = found[1]
        ongoing = _STILL_BUILDING.search(sentence)
        if not ongoing:
            continue
        message = (
            f"时效指标“{row.level3}”实际完成值 {row.actual}，但同一句说“{ongoing.group(0)}”："
            "工作尚未完成，按期完成与否还无法判断，100% 的依据报告未说明。"
        )
        out.append(
            _finding(
                ctx,
                row,
                "R12",
                MEDIUM,
                ctx.record(row, row.level1, row.level3),
                _str(row.actual),
                ongoing.group(0),
                "",
                message,
                certainty=NOTE,
                evidence=[Evidence("报告值", found[0] or _str(row.source_ref), sentence)],
            )
        )
    return out


# ---------------------------------------------------------------- R13 goals against evidence

_GOAL_LABEL = re.compile(r"^目标[\d一二三四五六七八九十]+$|年度总体目标|总体目标$")
_NOT_DONE = re.compile(r"(?:尚未|未能|没有|未)完成")
_GENERIC_BIGRAMS = {"项目", "工作", "新区", "完成", "开展", "建设"}
_COUNTED_GOAL = re.compile(r"新增(?:建设)?(\d+)(?:个|座|处|台|套|家)[“\"]?([\u4e00-\u9fff]{3,20})[”\"]?")


def _bigrams(text: str) -> set[str]:
    chars = re.sub(r"[^\u4e00-\u9fff]", "", text)
    return {chars[i : i + 2] for i in range(len(chars) - 1)} - _GENERIC_BIGRAMS


def _not_done_object(sentence: str, match: re.Match) -> str:
    """What a 未完成 clause says was not done: the words before it in its clause, without the
    lead-in (导致 / 致使 / 因) and the generic tail (项目 / 工作)."""
    start = max(sentence.rfind(c, 0, match.start()) for c in "，,。；;\n") + 1
    obj = sentence[start : match.start()]
    obj = re.sub(r"^(?:导致|致使|因此|由于|因)", "", obj)
    return re.sub(r"(?:项目|工作)$", "", obj).strip()


def check_goals_against_evidence(
    frames: Mapping[str, pd.DataFrame], settings: AuditSettings = DEFAULT_SETTINGS
) -> list[Finding]:
    """R13: the parts of a program's goals (目标N / 年度总体目标) against what the report says was
    done.

    - a goal part "完成X" that a project's own section says was 未完成 (the same object, by the
      characters the two names share): 不符 (中), both sentences quoted, and the program's
      "均完成 / 均超指标完成" claim beside it if it makes one;
    - a counted goal part ("新增建设3个…站") that no other section of the report mentions at all:
      无法核对 (低), once per part.
    """
    ctx = context(frames)
    out: list[Finding] = []
    objectives = _frame(frames, "v_objectives")
    if objectives.empty:
        return out
    goals = objectives[objectives["project_id"].isna()]
    labelled = _text_column(goals, "label").str.contains(_GOAL_LABEL) & _text_column(goals, "expected").ne("")
    for program_id, mine in goals[labelled.to_numpy()].groupby("program_id", sort=False):
        not_done = _not_done_statements(ctx, program_id)
        for row in mine.itertuples():
            expected = _str(row.expected)
            if expected is None:
                continue
            if not_done:
                for clause in re.split(r"[，,。；;]", expected):
                    out += _goal_part_not_done(
                        ctx, row, clause, not_done, lambda p=program_id: _claim(ctx, p)
                    )
            out += _goal_parts_unreported(ctx, row, expected)
    return out


def _claim(ctx: _Context, program_id: str) -> tuple[object, str] | None:
    """The program's own "均完成 / 均超指标完成" claim, if it makes one (row, text)."""
    rows = program_rows(ctx.frames, "v_objectives", program_id)
    for r in rows[rows["project_id"].isna()].itertuples():
        text = _str(r.actual_text)
        if text and text_claim(text) == "above":
            return r, text
    return None


def _not_done_statements(ctx: _Context, program_id: str) -> list[tuple[str, str | None, str, str]]:
    """(object, source_ref, sentence, phrase) of every 未完成 statement in the program's and its
    projects' texts."""
    found = []
    pools = [(None, ctx.texts(program_id, None))]
    for project_id in _project_ids(ctx, program_id):
        pools.append((project_id, ctx.texts(program_id, project_id)))
    for project_id, pool in pools:
        for ref, text in pool:
            if not _NOT_DONE.search(text):
                continue
            for sentence in _sentences(text):
                for match in _NOT_DONE.finditer(sentence):
                    obj = _not_done_object(sentence, match)
                    if len(_bigrams(obj)) >= 3:
                        clause = sentence[: match.end()]
                        phrase = clause[clause.rfind(obj[:2]) if obj[:2] in clause else 0 :]
                        found.append((obj, ref, sentence, phrase, project_id))
    return found


def _goal_part_not_done(ctx: _Context, row, clause: str, not_done, claim) -> list[Finding]:
    if "完成" not in clause or _NOT_DONE.search(clause):
        return []
    goal = clause.strip()
    goal_bigrams = _bigrams(goal.split("完成", 1)[1])
    out: list[Finding] = []
    for obj, ref, sentence, phrase, project_id in not_done:
        own = _bigrams(obj)
        shared = own & goal_bigrams
        if len(shared) < 3 or len(shared) < 0.6 * len(own):
            continue
        actual = _str(row.actual_text) or ""
        reported = any(len(_bigrams(c) & own) >= 0.6 * len(own) for c in re.split(r"[，,。；;]", actual))
        project = ctx.project_names.get(project_id) if project_id else None
        if reported:
            continue  # the goal's own account says it: nothing to add
        own_ref = _split_ref(_str(row.source_ref))[0]
        where = f"“{project}”一节" if project else "报告"
        message = (
            f"“{row.label}”要求“{goal}”，{where}说“{phrase}”"
            f"{'（并说明了原因）' if re.search(r'因|由于|导致', sentence) else ''}，"
            f"而“{row.label}”的完成情况对此未作说明。"
        )
        if claim() is not None:
            message += "部门“均完成 / 均超指标完成”的说法与未达成指标的矛盾见 R5。"
        evidence = [Evidence("报告值", own_ref, goal), Evidence("重算依据", ref, sentence)]
        out.append(
            _finding(
                ctx,
                _at(row, own_ref),
                "R13",
                MEDIUM,
                ctx.record(row, row.label),
                goal,
                phrase,
                "",
                message,
                certainty=NOTE,
                evidence=evidence,
                places=tuple(dict.fromkeys(x for x in (own_ref, ref) if x)),
            )
        )
        break
    return out


def _goal_parts_unreported(ctx: _Context, row, expected: str) -> list[Finding]:
    out: list[Finding] = []
    for match in _COUNTED_GOAL.finditer(expected):
        thing = match.group(2)
        # any tail of four characters or more counts as a mention ("气象监测站" for "六要素气象监测站")
        probes = {thing[-n:] for n in range(4, len(thing) + 1)}
        texts = [t for _, t in ctx.texts(row.program_id, None) if t != expected]
        for project_id in _project_ids(ctx, row.program_id):
            texts += [t for _, t in ctx.texts(row.program_id, project_id)]
        if any(p in t for p in probes for t in texts):
            continue
        part = _clause_with(expected, match.group(0)) or match.group(0)
        message = f"“{row.label}”要求“{part}”，但目标完成情况和各项目均未提及“{thing}”：是否完成无法核对。"
        own_ref = _split_ref(_str(row.source_ref))[0]
        out.append(
            _finding(
                ctx,
                _at(row, own_ref),
                "R13",
                LOW,
                ctx.record(row, row.label, thing),
                f"{match.group(1)} 个",
                None,
                "",
                message,
                certainty=UNCHECKABLE,
                evidence=[Evidence("报告值", own_ref, sentence_with(expected, match.group(0)) or part)],
            )
        )
    return out


# ---------------------------------------------------------------- R14 indicators and money

_MONEY_RATE = re.compile(r"(?:资金|预算)(?:支付|执行)(?:完成)?率|资金支付率")


def check_money_indicators(
    frames: Mapping[str, pd.DataFrame], settings: AuditSettings = DEFAULT_SETTINGS
) -> list[Finding]:
    """R14: indicators that restate the money, and indicators without targets.

    - an indicator named 资金支付率 / 资金执行率 / 预算执行率 whose actual % is not the project's
      executed ÷ budget (within the rounding of all three): 不符 (中), unless it is executed ÷
      appropriation (财政拨款), then 提示 (中) naming both bases — a payment rate may be counted
      against the funds received;
    - a program, or a project, none of whose indicators carries a target (年度指标值): 无法核对
      (低), said once; no indicator of it can be judged met.
    """
    ctx = context(frames)
    out: list[Finding] = []
    projects = _frame(frames, "v_projects")
    by_project = {r.project_id: r for r in projects.itertuples()} if not projects.empty else {}
    indicators = _frame(frames, "v_indicators")
    if indicators.empty:
        return out
    named = indicators["level3"].astype(object).fillna("").astype(str).str.contains(_MONEY_RATE)
    for row in indicators[named.to_numpy()].itertuples():
        if not _MONEY_RATE.search(_str(row.level3) or "") or _str(row.actual_unit) != "%":
            continue
        project = by_project.get(row.project_id)
        stated = _num(row.actual_value)
        if project is None or stated is None:
            continue
        budget, executed, appropriation = (
            _num(project.budget),
            _num(project.executed),
            _num(project.appropriation),
        )
        if not budget or executed is None or ratio_reconciles(stated, executed, budget, settings):
            continue
        if _same_rate_in_text(ctx, row, stated) is not None:
            continue  # the project's text states the same rate, which rule 1 weighs: one finding
        by_budget = executed / budget * 100
        # a missing explanation matters only where one is due (execution below the threshold)
        explained = (
            _has_text(project.deviation_reason)
            or _has_text(project.improvement)
            or executed / budget >= settings.low_execution
        )
        own = (
            f"{row.level3} 实际完成值 {row.actual}；按全年执行数 ÷ 全年预算数 "
            f"{fmt_value(executed, '万元')} ÷ {fmt_value(budget, '万元')} = "
            f"{fmt_value(by_budget, UNIT_PERCENT)}"
        )
        tail = "" if explained else "；执行率低于 90% 而项目的偏差原因一节写“无”"
        if appropriation and ratio_reconciles(stated, executed, appropriation, settings):
            certainty = NOTE
            message = (
                f"{own}，按财政拨款 {fmt_value(appropriation, '万元')} 计为 "
                f"{fmt_value(executed / appropriation * 100, UNIT_PERCENT)}：指标未写口径，"
                f"全年预算中 {fmt_value(budget - executed, '万元')} 未支付{tail}。"
            )
        else:
            certainty = DISAGREE
            message = f"{own}，报告的 {row.actual} 与之不符{tail}。"
        found = ctx.quote(row.program_id, row.project_id, f"{executed:g}万元", whole_number=True)
        evidence = [
            Evidence(
                "报告值",
                _str(row.source_ref),
                f"{row.level3} 指标值 {row.target}，实际完成值 {row.actual}（记录）",
            )
        ]
        evidence.append(
            Evidence("重算依据", found[0], found[1])
            if found
            else Evidence(
                "重算依据", _str(project.source_ref), f"全年执行数 {fmt_value(executed, '万元')}（记录）"
            )
        )
        out.append(
            _finding(
                ctx,
                row,
                "R14",
                MEDIUM,
                ctx.record(row, row.level1, row.level3),
                stated,
                round(by_budget, 6),
                UNIT_PERCENT,
                message,
                certainty=certainty,
                evidence=evidence,
            )
        )
    out += _without_targets(ctx, indicators)
    return out


def _same_rate_in_text(ctx: _Context, row, stated: float) -> tuple[str, str] | None:
    """(source_ref, text) of a rate the project's own text states with the same figure
    ("资金执行率为100%"): the same claim in words, which rule 1 weighs (the indicator restating it is
    not a second finding)."""
    figures = program_rows(ctx.frames, "v_stated_figures", row.program_id)
    if figures.empty:
        return None
    for f in figures[figures["project_id"] == row.project_id].itertuples():
        value = _num(f.value)
        if (
            _str(f.unit) == "%"
            and "率" in (_str(f.metric) or "")
            and value is not None
            and abs(value - stated) < 1e-9
        ):
            return _str(f.source_ref) or "", _str(f.text) or ""
    return None


def _without_targets(ctx: _Context, indicators: pd.DataFrame) -> list[Finding]:
    out: list[Finding] = []
    target = _text_column(indicators, "target").str.strip()
    frame = indicators.assign(_has_target=~target.isin(["", "/", "无", "nan", "None"]))
    # which programs have no target at all, and which projects of the others have none (2+ rows)
    by_program = frame.groupby("program_id", sort=False)["_has_target"].any()
    by_project = (
        frame[frame["project_id"].notna()]
        .groupby(["program_id", "project_id"], sort=False)["_has_target"]
        .agg(["any", "size"])
    )
    groups: list[tuple[str, str | None]] = [(p, None) for p, has in by_program.items() if not has]
    empty = by_project[~by_project["any"].to_numpy() & (by_project["size"] >= 2).to_numpy()]
    groups += [(p, j) for p, j in empty.index if by_program.get(p, False)]
    for program_id, project_id in groups:
        mine = program_rows(ctx.frames, "v_indicators", program_id)
        rows = mine if project_id is None else mine[mine["project_id"] == project_id]
        first = next(rows.itertuples())
        row = _program_of(
            ctx,
            program_id,
            project_id=project_id,
            source_ref=_str(first.source_ref),
            project_name=ctx.project_names.get(project_id) if project_id else None,
        )
        whom = "本项目" if project_id else "本资金"
        # count indicators as the report names them, not the rows they are stored in (one
        # indicator given per park is one indicator)
        named = len(dict.fromkeys(zip(rows["level1"], rows["level3"], strict=True)))
        split = "（部分按地区分列）" if named < len(rows) else ""
        message = (
            f"{whom}的 {named} 项绩效指标{split}均未写年度指标值（目标），"
            "无一能判断是否达标：各指标的完成情况无法核对（不是不符）。"
        )
        evidence, seen = [], set()
        for i in rows.itertuples():
            ref = _str(i.source_ref)
            if ref in seen:
                continue
            seen.add(ref)
            found = ctx.quote(program_id, i.project_id, _str(i.actual), ref) if _str(i.actual) else None
            evidence.append(
                Evidence(
                    "报告值",
                    ref,
                    found[1]
                    if found
                    else f"{i.level3} 实际完成值 {_str(i.actual) or '未写'}，未写指标值（记录）",
                )
            )
        places = tuple(dict.fromkeys(e.source_ref for e in evidence if e.source_ref))
        out.append(
            _finding(
                ctx,
                row,
                "R14",
                LOW,
                ctx.record(row, "绩效指标年度指标值"),
                f"{named} 项指标无目标",
                None,
                "",
                message,
                certainty=UNCHECKABLE,
                evidence=evidence,
                places=places,
            )
        )
    return out


# ---------------------------------------------------------------- R15 text out of place

# "规范和加强X资金管理": X is the fund the section says it manages
_MANAGED_FUND = re.compile(r"(?:规范|加强)(?:和加强|和规范|和)?([\u4e00-\u9fff]{2,12}?)资金(?:管理|使用)")
_GENERIC_FUNDS = {
    "项目",
    "补助",
    "专项",
    "财政",
    "中央",
    "省级",
    "地方",
    "配套",
    "预算",
    "转移支付",
    "中央补助",
    "补助资金",
    "项目建设",
    "本级",
    "各类",
    "相关",
}
_PAST_WORK = re.compile(r"^\s*((?:19|20)\d\d)年[，,]([^。；;]*?(?:已完成|完成了)[^。；;]*[。；;]?)")
_YEAR_COMMA = re.compile(r"(?:19|20)\d\d年[，,]")
_FORECAST = re.compile(r"预计[^。；;，,]{0,8}(?:年底前|年底|年内|年末)[^。；;]*?完成[^。；;，,]*")


def check_text_out_of_place(
    frames: Mapping[str, pd.DataFrame], settings: AuditSettings = DEFAULT_SETTINGS
) -> list[Finding]:
    """R15: text that belongs elsewhere.

    - "规范和加强X资金管理" where X shares no words with the program's or its projects' names
      (冬春救助资金 in a report on a hazardous-chemicals fund): 不符 (中), copied from another
      fund's report;
    - a sentence opening with an earlier year ("2021年，已完成…") in a report of a later year:
      提示 (低), it may report last year's work as this year's;
    - "预计…年底前…完成" in the self-evaluation of a year that has ended: 提示 (低), the report
      should say whether it was done.
    """
    ctx = context(frames)
    out: list[Finding] = []
    programs = _frame(frames, "programs")
    for program_id in programs["program_id"].tolist() if not programs.empty else []:
        year = ctx.program_year.get(program_id)
        own_ids = _project_ids(ctx, program_id)
        names = " ".join(
            [ctx.program_name.get(program_id) or "", *(ctx.project_names.get(p) or "" for p in own_ids)]
        )
        own_words = _bigrams(names) | _GENERIC_BIGRAMS
        ended = _year_ended(frames, program_id)
        sections = None  # a goal record's two sections, worked out once a text needs them
        for project_id in [None, *own_ids]:
            for ref, text in ctx.texts(program_id, project_id):
                if ref and "；" in ref:
                    sections = _objective_sections(frames, program_id) if sections is None else sections
                    ref = sections.get((ref, text), ref)
                base = _program_of(
                    ctx,
                    program_id,
                    project_id=project_id,
                    source_ref=ref,
                    project_name=ctx.project_names.get(project_id) if project_id else None,
                )
                if "资金" in text:
                    out += _other_fund(ctx, base, text, own_words)
                # most texts hold neither a year opening a sentence nor a forecast: skip the split
                past, forecast = _YEAR_COMMA.search(text), ended and "预计" in text
                if not (past or forecast):
                    continue
                for sentence in _sentences(text):
                    if past:
                        out += _past_year(ctx, base, sentence, year)
                    if forecast:
                        out += _forecast(ctx, base, sentence, year)
    return out


def _year_ended(frames, program_id: str) -> bool:
    """The report looks back on a whole year: its execution is stated at year end (or not dated)."""
    execution = program_rows(frames, "v_execution", program_id)
    shares = [_num(v) for v in execution["elapsed_share"].tolist()] if not execution.empty else []
    shares = [s for s in shares if s is not None]
    return not shares or max(shares) >= 1.0


def _other_fund(ctx: _Context, row, text: str, own_words: set[str]) -> list[Finding]:
    out: list[Finding] = []
    for match in _MANAGED_FUND.finditer(text):
        fund = match.group(1)
        if fund in _GENERIC_FUNDS or len(fund) < 3:
            continue
        foreign = _bigrams(fund) - own_words
        if len(foreign) < 2 or _bigrams(fund) & own_words:
            continue
        sentence = sentence_with(text, match.group(0)) or match.group(0)
        quoted = [Evidence("报告值", row.source_ref, sentence), *_own_name(ctx, row.program_id)]
        message = (
            f"{row.source_ref} 写“{match.group(0)}”：“{fund}资金”不是本资金"
            f"（{ctx.program_name.get(row.program_id)}），疑从其他资金的报告套用。"
        )
        out.append(
            _finding(
                ctx,
                row,
                "R15",
                MEDIUM,
                ctx.record(row, "资金名称"),
                f"{fund}资金",
                ctx.program_name.get(row.program_id),
                "",
                message,
                certainty=DISAGREE,
                evidence=quoted,
                places=tuple(dict.fromkeys(e.source_ref for e in quoted if e.source_ref)),
            )
        )
    return out


def _own_name(ctx: _Context, program_id: str) -> list[Evidence]:
    """The report's own sentence naming its fund (the name up to its bracket), beside another's."""
    name = (ctx.program_name.get(program_id) or "").split("（")[0]
    for core in (name, name[2:] if name.startswith("中央") else None):
        found = ctx.quote(program_id, None, core) if core and len(core) >= 6 else None
        if found:
            return [Evidence("重算依据", found[0], found[1])]
    return []


def _past_year(ctx: _Context, row, sentence: str, year: int | None) -> list[Finding]:
    match = _PAST_WORK.search(sentence)
    if not match or year is None or int(match.group(1)) >= year:
        return []
    said = int(match.group(1))
    lead = _clause_with(sentence, "完成") or match.group(0)
    message = (
        f"{year}年度的自评写“{match.group(1)}年，{lead}”：这是{said}年的工作，"
        f"不应作为{year}年的完成情况（请核对是否为上年内容）。"
    )
    return [
        _finding(
            ctx,
            row,
            "R15",
            LOW,
            ctx.record(row, "年份"),
            f"{said}年",
            f"{year}年",
            "",
            message,
            certainty=NOTE,
            evidence=[Evidence("报告值", row.source_ref, sentence)],
        )
    ]


def _forecast(ctx: _Context, row, sentence: str, year: int | None) -> list[Finding]:
    match = _FORECAST.search(sentence)
    if not match:
        return []
    message = (
        f"{year}年度的自评写“{match.group(0)}”：自评是在该年度结束后写的，"
        "应写明年底前是否已完成，而不是预计。"
    )
    return [
        _finding(
            ctx,
            row,
            "R15",
            LOW,
            ctx.record(row, "预计完成"),
            match.group(0),
            "年度已结束",
            "",
            message,
            certainty=NOTE,
            evidence=[Evidence("报告值", row.source_ref, sentence)],
        )
    ]
