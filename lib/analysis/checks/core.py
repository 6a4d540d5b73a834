"""The audit's shared parts: settings, the Finding and its evidence, tolerances, record labels and
the quoting of report sentences. Pure: no SQL, no I/O.

Units: amounts in 万元; rates in percentage points (99.36 means 99.36%); scores in 分 (out of
100); counts in 个 / 项.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lib.analysis import notation, scoring
from lib.analysis.checks.lookup import plain_text_columns
from lib.labels import AUDIT_CERTAINTIES, AUDIT_RULES, AUDIT_SEVERITIES, AUDIT_UNCHECKABLE

HIGH, MEDIUM, LOW = AUDIT_SEVERITIES
# 不符: the report contradicts itself (both figures shown); 无法核对: cannot be recomputed from what
# the report gives (once per record); 提示: deserves a look (a gap, a band, a local rule).
DISAGREE, UNCHECKABLE, NOTE = AUDIT_CERTAINTIES
assert UNCHECKABLE == AUDIT_UNCHECKABLE

# The relations run_audit reads (documented views, plus programs for each program's own region).
AUDIT_RELATIONS = (
    "programs",
    "v_projects",
    "v_execution",
    "v_indicators",
    "v_score_parts",
    "v_stated_figures",
    "v_spending_items",
    "v_funding",
    "v_objectives",
    "v_progress",
)

FINDING_COLUMNS = [
    "certainty",
    "severity",
    "rule",
    "rule_name",
    "record",
    "stated",
    "recomputed",
    "difference",
    "unit",
    "message",
    "source_ref",
    "places",
    "evidence",
    "year",
    "program_id",
    "project_id",
    "region",
    "scope_note",
]

UNIT_PERCENT, UNIT_WAN, UNIT_POINTS = "%", "万元", "分"


@dataclass(frozen=True)
class AuditSettings:
    """Tolerances and thresholds of the checks (defaults follow DOMAIN.md).

    rate_tolerance_pp: allowed gap between a stated and a recomputed rate, in percentage
        points; None infers it from the stated precision and from the precision of the amounts
        the rate is computed from (interval arithmetic: 46.37 ÷ 50 spans 92.73%–92.76%).
    amount_tolerance: allowed gap between amounts beyond their rounding, in 万元 (5 元).
    integer_amounts_exact: an amount written without decimals is read as exact (a budget of
        50 万元 is 50, not 49.5–50.5); one with decimals spans half its last digit (6116.3 is
        6116.25–6116.35; 46.37 is 46.365–46.375), as DOMAIN.md's 12.37 ÷ 20 example.
    score_vs_execution_pp: rule 7, score rate vs execution rate, percentage points.
    low_execution: rules 6 and 9, execution below this rate needs an explanation.
    far_above_ratio: rule 6, completion ratio from which an indicator needs an explanation.
    full_execution_marks_from: the local rule "full 预算执行 marks from this execution rate" that
        a score may follow (a note naming the rule, not a mismatch); None: no such rule.
    bands: rule 8, red / yellow shares of the elapsed year.
    rate_high_pp / rate_medium_pp: a rate gap this large is 高 / 中 (smaller: 低).
    amount_high_share / amount_medium_share: an amount gap this share of the larger figure is
        高 / 中 (smaller: 低).
    score_high_gap: a score gap this many points is 高 (smaller: 中).
    scoring: the scoring rules (weights, lower-is-better rule, execution basis).
    basic_completion_from: rule 12, a whole task said to be 基本完成 while the program's own
        completion shares are below this is a contradiction (read as four fifths done).
    """

    rate_tolerance_pp: float | None = None
    amount_tolerance: float = 0.0005
    integer_amounts_exact: bool = True
    score_vs_execution_pp: float = 5.0
    low_execution: float = 0.90
    far_above_ratio: float = 1.3
    full_execution_marks_from: float | None = 0.90
    bands: scoring.ExecutionBands = field(default_factory=scoring.ExecutionBands)
    rate_high_pp: float = 1.0
    rate_medium_pp: float = 0.1
    amount_high_share: float = 0.01
    amount_medium_share: float = 0.001
    score_high_gap: float = 2.0
    scoring: scoring.ScoringSettings = field(default_factory=scoring.ScoringSettings)
    basic_completion_from: float = 0.80


DEFAULT_SETTINGS = AuditSettings()


@dataclass(frozen=True)
class Evidence:
    """One report sentence behind a finding: the stated figure (报告值), an input of the
    recomputation (重算依据), or the same figure stated elsewhere (另见)."""

    role: str
    source_ref: str | None
    quote: str

    def to_dict(self) -> dict:
        return {"role": self.role, "source_ref": self.source_ref, "quote": self.quote}

    def text(self) -> str:
        return (
            f"{self.role}（{self.source_ref}）：“{self.quote}”"
            if self.source_ref
            else f"{self.role}：“{self.quote}”"
        )


@dataclass(frozen=True)
class Finding:
    """One statement of a report that does not reconcile, cannot be checked, or deserves a look.

    stated / recomputed are numbers in ``unit`` (or text, for status-vs-text findings);
    difference = stated − recomputed in ``unit``; None where there is nothing to subtract.
    certainty: 不符 / 无法核对 / 提示 (lib.labels.AUDIT_CERTAINTIES). places: every section
    that states the figure (a figure restated elsewhere is one finding). evidence: the quoted
    sentences behind the stated figure and each input of the recomputation.
    """

    rule: str
    severity: str
    record: str
    stated: float | str | None
    recomputed: float | str | None
    difference: float | None
    unit: str
    message: str
    source_ref: str | None = None
    year: int | None = None
    program_id: str | None = None
    project_id: str | None = None
    region: str | None = None
    certainty: str = DISAGREE
    evidence: tuple[Evidence, ...] = ()
    places: tuple[str, ...] = ()
    # for a user scoped to some regions: why a program-wide finding concerns them (None: it is
    # about their own region, or the user is not scoped)
    scope_note: str | None = None

    @property
    def rule_name(self) -> str:
        return AUDIT_RULES[self.rule]

    def to_dict(self) -> dict:
        out = {name: getattr(self, name) for name in FINDING_COLUMNS if name not in ("rule_name",)}
        out["rule_name"] = self.rule_name
        out["evidence"] = [e.to_dict() for e in self.evidence]
        out["places"] = list(self.places or ((self.source_ref,) if self.source_ref else ()))
        return {k: out[k] for k in FINDING_COLUMNS}


# ---------------------------------------------------------------- helpers


_num = scoring.as_number


def _str(value: object) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def _int(value: object) -> int | None:
    number = _num(value)
    return None if number is None else int(number)


# A deviation section that says there is nothing to explain.
_NO_TEXT = {
    "无",
    "/",
    "／",
    "—",
    "-",
    "--",
    "暂无",
    "没有",
    "不存在偏差",
    "无偏差",
    "未发生偏差",
    "不存在",
    "无偏离",
    "未偏离",
}


def _has_text(value: object) -> bool:
    """A real explanation: not empty, not just 无, / or 不存在偏差."""
    text = _str(value)
    if text is None:
        return False
    return notation.normalize_text(text).strip("。.；;，, ") not in _NO_TEXT


def stated_decimals(value: float, most: int = 6) -> int:
    """Decimals a stated number was written with: 33 → 0, 94.65 → 2, 18.4 → 1."""
    for digits in range(most + 1):
        if abs(round(value, digits) - value) < 1e-9 * max(1.0, abs(value)):
            return digits
    return most


def half_unit(value: float, min_decimals: int = 0) -> float:
    """Half the last written digit: the rounding a stated figure carries (12.37 → 0.005)."""
    return 0.5 * 10 ** -max(stated_decimals(value), min_decimals)


def rate_reconciles(stated_pp: float, recomputed_pp: float, tolerance_pp: float | None = None) -> bool:
    """True when a stated rate (percentage points) is the recomputed rate rounded to the stated
    precision: 33 vs 32.67 reconciles, 99.36 vs 99.60 and 92.75 vs 92.73 do not."""
    if tolerance_pp is None:
        tolerance_pp = half_unit(stated_pp)
    return abs(stated_pp - recomputed_pp) <= tolerance_pp + 1e-9


def amount_half_unit(value: float, settings: AuditSettings) -> float:
    """The rounding a stated amount carries (0 for a whole amount when integer_amounts_exact)."""
    if settings.integer_amounts_exact and stated_decimals(value) == 0:
        return 0.0
    return half_unit(value)


def rate_interval(numerator: float, denominator: float, settings: AuditSettings) -> tuple[float, float]:
    """The rates (percentage points) a ratio of two rounded amounts can stand for: 46.37 ÷ 50
    with 46.37 in [46.365, 46.375] spans 92.73%–92.75%."""
    dn = amount_half_unit(numerator, settings)
    dd = amount_half_unit(denominator, settings)
    low_den, high_den = denominator + dd, max(denominator - dd, 1e-12)
    low, high = (numerator - dn) / low_den, (numerator + dn) / high_den
    return low * 100, high * 100


def ratio_reconciles(
    stated_pp: float, numerator: float, denominator: float, settings: AuditSettings = DEFAULT_SETTINGS
) -> bool:
    """A stated rate vs numerator ÷ denominator, the inputs' rounding included (DOMAIN.md
    "Rounding of the inputs too"): the stated rate's own rounding interval must meet the
    interval the rounded inputs span."""
    if not denominator:
        return False
    if settings.rate_tolerance_pp is not None:
        return rate_reconciles(stated_pp, numerator / denominator * 100, settings.rate_tolerance_pp)
    low, high = rate_interval(numerator, denominator, settings)
    own = half_unit(stated_pp)
    return stated_pp + own + 1e-9 >= low and stated_pp - own - 1e-9 <= high


def sum_reconciles(
    stated: float, parts: list[float], settings: AuditSettings = DEFAULT_SETTINGS, exact: bool = False
) -> bool:
    """A stated total vs the sum of its parts, each figure's rounding included (6116.3 vs
    5320 + 532.6 + 263.69 = 6116.29 reconciles); exact for counts."""
    total = float(sum(parts))
    if exact:
        return abs(stated - total) < 1e-9
    slack = amount_half_unit(stated, settings) + sum(amount_half_unit(p, settings) for p in parts)
    return abs(stated - total) <= slack + settings.amount_tolerance + 1e-9


def amounts_reconcile(stated: float, recomputed: float, settings: AuditSettings = DEFAULT_SETTINGS) -> bool:
    return abs(stated - recomputed) <= settings.amount_tolerance + 1e-9


def _rate_severity(gap_pp: float, settings: AuditSettings) -> str:
    gap = abs(gap_pp)
    return HIGH if gap >= settings.rate_high_pp else MEDIUM if gap >= settings.rate_medium_pp else LOW


def _amount_severity(stated: float, recomputed: float, settings: AuditSettings) -> str:
    base = max(abs(stated), abs(recomputed)) or 1.0
    share = abs(stated - recomputed) / base
    return (
        HIGH
        if share >= settings.amount_high_share
        else MEDIUM
        if share >= settings.amount_medium_share
        else LOW
    )


def fmt_value(value: object, unit: str) -> str:
    """A stated or recomputed figure for display: 99.36%, 7,750.69 万元, 94 分, 6 项."""
    if isinstance(value, str):
        return value
    number = _num(value)
    if number is None:
        return "—"
    if unit == UNIT_PERCENT:
        return f"{number:.{stated_decimals(number, 2)}f}%"
    if unit == UNIT_WAN:
        text = f"{number:,.6f}".rstrip("0")
        whole, _, frac = text.partition(".")
        return f"{whole}.{frac.ljust(2, '0')} 万元"
    text = f"{number:.2f}".rstrip("0").rstrip(".")
    return f"{text} {unit}".strip()


def _diff_text(value: float, unit: str) -> str:
    if unit == UNIT_PERCENT:
        return f"{value:+.2f} 个百分点"
    return ("+" if value > 0 else "") + fmt_value(value, unit)


def plain_number(value: float) -> str:
    """A number as a report writes it: 6116.3, 15.14353, 50."""
    return f"{value:.6f}".rstrip("0").rstrip(".")


# ---------------------------------------------------------------- record labels and quotes

_SENTENCE_END = re.compile(r"(?<=[。；;！？!?\n])")


def sentence_with(text: str, phrase: str) -> str | None:
    """The sentence of ``text`` (split at 。；\\n) that contains ``phrase``; a phrase that runs
    across sentences gives the whole span."""
    at = text.find(phrase)
    if at < 0:
        return None
    start = max(text.rfind(c, 0, at) for c in "。；;！？!?\n") + 1
    ends = [i for i in (text.find(c, at + len(phrase)) for c in "。；;！？!?\n") if i >= 0]
    end = min(ends) + 1 if ends else len(text)
    return text[start:end].strip()


class _Context:
    """Names and regions of programs and projects (record labels, finding keys) and the report
    text the store keeps for each program and project (for quoting the sentences behind a
    finding). The text corpus is built on first use."""

    def __init__(self, frames: Mapping[str, pd.DataFrame]):
        self.frames = frames
        programs = frames.get("programs", pd.DataFrame())
        self.program_region = (
            {r.program_id: _str(r.region) for r in programs.itertuples()} if not programs.empty else {}
        )
        self.program_name = (
            {r.program_id: r.program_name for r in programs.itertuples()} if not programs.empty else {}
        )
        self.program_year = (
            {r.program_id: _int(getattr(r, "year", None)) for r in programs.itertuples()}
            if not programs.empty
            else {}
        )
        projects = frames.get("v_projects", pd.DataFrame())
        self.project_names = (
            dict(zip(projects["project_id"], projects["project_name"], strict=True))
            if not projects.empty and "project_name" in projects.columns
            else {}
        )
        self._texts: dict[tuple[str | None, str | None], list[tuple[str | None, str]]] | None = None

    def keys(self, row, region: object = None) -> dict:
        program_id = _str(getattr(row, "program_id", None))
        region = _str(region) or _str(getattr(row, "region", None)) or self.program_region.get(program_id)
        return {
            "year": _int(getattr(row, "year", None)),
            "program_id": program_id,
            "project_id": _str(getattr(row, "project_id", None)),
            "region": region,
        }

    def record(self, row, *details: object) -> str:
        program_id = _str(getattr(row, "program_id", None))
        parts = [
            _str(getattr(row, "program_name", None)) or self.program_name.get(program_id) or program_id,
            _str(getattr(row, "project_name", None)) or _str(getattr(row, "project_id", None)),
        ]
        parts += [_str(d) for d in details]
        return " / ".join(p for p in parts if p)

    def is_whole_program(self, row) -> bool:
        """A stated figure whose region is the program's own (or none) covers every region."""
        region = _str(getattr(row, "region", None))
        return region is None or region == self.program_region.get(_str(row.program_id))

    # -- the report text

    def texts(self, program_id: object, project_id: object = None) -> list[tuple[str | None, str]]:
        """(source_ref, text) of every long text the store keeps for a program's own sections
        (project_id None) or for one project: objectives, project texts, score-part and indicator
        texts, stated-figure sentences."""
        if self._texts is None:
            self._texts = _collect_texts(self.frames)
        return self._texts.get((_str(program_id), _str(project_id)), [])

    def quote(
        self,
        program_id: object,
        project_id: object,
        phrase: object,
        source_ref: object = None,
        whole_number: bool = False,
    ) -> tuple[str | None, str] | None:
        """The report sentence holding ``phrase`` (the project's texts first, then the program's).
        With a source_ref, only texts of that section count; with whole_number, the phrase must
        not continue a longer number ("9万元" is not found inside "49万元")."""
        phrase = _str(phrase)
        if phrase is None:
            return None
        pools = [self.texts(program_id, project_id)]
        if _str(project_id):
            pools.append(self.texts(program_id, None))
        wanted = _str(source_ref)
        for pool in pools:
            for ref, text in pool:
                if wanted and not _same_section(ref, wanted):
                    continue
                at = _find(text, phrase, whole_number)
                if at < 0:
                    continue
                found = sentence_with(text[at:], phrase)
                start = max(text.rfind(c, 0, at) for c in "。；;！？!?\n") + 1
                found = (text[start:at] + (found or phrase)).strip()
                if len(found) > len(phrase):
                    return ref, found
        return None

    def figure_evidence(self, row, role: str = "报告值") -> Evidence:
        """A stated figure's sentence: its `text` widened to the whole sentence where the store
        keeps the section's text."""
        text = _str(getattr(row, "text", None))
        ref = _str(getattr(row, "source_ref", None))
        if text:
            found = self.quote(row.program_id, getattr(row, "project_id", None), text, ref)
            return Evidence(role, ref, found[1] if found else text)
        return Evidence(role, ref, f"{row.metric} {plain_number(float(row.value))}{row.unit}")

    def amount_evidence(self, row, label: str, value: object, role: str = "重算依据") -> Evidence:
        """A record amount (a project's 全年执行数…): the sentence of the project that writes it
        (“支出了171.12万元”), else the record itself."""
        number = _num(value)
        ref = _str(getattr(row, "source_ref", None))
        if number is not None:
            found = self.quote(
                row.program_id,
                getattr(row, "project_id", None),
                f"{plain_number(number)}万元",
                whole_number=True,
            )
            if found:
                return Evidence(role, found[0] or ref, found[1])
        return Evidence(role, ref, f"{label} {fmt_value(number, UNIT_WAN)}（记录）")


def _find(text: str, phrase: str, whole_number: bool) -> int:
    at = text.find(phrase)
    while whole_number and at > 0 and (text[at - 1].isdigit() or text[at - 1] == "."):
        at = text.find(phrase, at + 1)
    return at


def _sections(ref: str) -> list[str]:
    """A source_ref's sections without the source id: "LZ2022 §二(二)1 目标4；§二(二)2 目标4完成情况"
    → ["§二(二)1 目标4", "§二(二)2 目标4完成情况"]."""
    parts = [p.strip() for p in ref.split("；")]
    return [p.split(" ", 1)[1] if p.split(" ", 1)[0].isalnum() and " " in p else p for p in parts]


def _same_section(ref: str | None, wanted: str) -> bool:
    if not ref:
        return False
    return any(r.startswith(w) or w.startswith(r) for r in _sections(ref) for w in _sections(wanted))


def _collect_texts(frames: Mapping[str, pd.DataFrame]) -> dict:
    out: dict[tuple[str | None, str | None], list[tuple[str | None, str]]] = {}

    def add(frame_name: str, columns: tuple[str, ...]) -> None:
        frame = frames.get(frame_name)
        if frame is None or frame.empty:
            return
        present = [c for c in columns if c in frame.columns]
        if not present:
            return
        # only the non-empty cells are walked (most indicators carry no text), in row then
        # column order, as the sentences stand in the report
        cells = []
        for j, column in enumerate(present):
            values = frame[column]
            filled = values.notna().to_numpy()
            text = values[filled].astype(str).str.strip()
            kept = (text != "").to_numpy()
            at = np.flatnonzero(filled)[kept]
            cells += zip(at.tolist(), [j] * len(at), text[kept].tolist(), strict=True)
        cells.sort(key=lambda c: (c[0], c[1]))
        programs = frame["program_id"].tolist()
        projects = frame["project_id"].tolist() if "project_id" in frame.columns else None
        refs = frame["source_ref"].tolist() if "source_ref" in frame.columns else None
        for i, _, text in cells:
            key = (_str(programs[i]), _str(projects[i]) if projects else None)
            out.setdefault(key, []).append((_str(refs[i]) if refs else None, text))

    add("v_projects", ("objective_actual", "deviation_reason", "improvement", "objective"))
    add("v_objectives", ("expected", "actual_text"))
    add("v_score_parts", ("status_text",))
    add("v_indicators", ("deviation_reason", "improvement"))
    add("v_stated_figures", ("text",))
    return out


def context(frames: Mapping[str, pd.DataFrame]) -> _Context:
    """The run's shared context (run_audit builds it once), or a new one for a single check."""
    ctx = getattr(frames, "audit_context", None)
    return ctx if ctx is not None else _Context(frames)


class AuditFrames(dict):
    """The frames of one audit run, carrying the one _Context every check shares. Text columns
    are held as Python objects: the rules read rows one by one, and reading an Arrow-backed
    string column element by element cost more than the rules themselves."""

    def __init__(self, frames: Mapping[str, pd.DataFrame]):
        super().__init__({name: plain_text_columns(frame) for name, frame in frames.items()})
        self.row_cache: dict[str, list[dict]] = {}
        self.index_cache: dict[str, object] = {}
        self.audit_context = _Context(self)


def _finding(
    ctx: _Context,
    row,
    rule: str,
    severity: str,
    record: str,
    stated,
    recomputed,
    unit: str,
    message: str,
    region: object = None,
    difference: float | None = None,
    *,
    certainty: str = DISAGREE,
    evidence: tuple[Evidence, ...] | list[Evidence] = (),
    places: tuple[str, ...] = (),
) -> Finding:
    if difference is None and isinstance(stated, (int, float)) and isinstance(recomputed, (int, float)):
        difference = float(stated) - float(recomputed)
    source_ref = _str(getattr(row, "source_ref", None))
    kept, quotes = [], set()
    for e in evidence:
        if e is not None and e.quote not in quotes:
            quotes.add(e.quote)
            kept.append(e)
    return Finding(
        rule=rule,
        severity=severity,
        record=record,
        stated=stated,
        recomputed=recomputed,
        difference=difference,
        unit=unit,
        message=message,
        source_ref=source_ref,
        certainty=certainty,
        evidence=tuple(kept),
        places=tuple(places) or ((source_ref,) if source_ref else ()),
        **ctx.keys(row, region),
    )


def _figure_finding(
    ctx: _Context,
    row,
    rule: str,
    severity: str,
    stated,
    recomputed,
    unit: str,
    message: str,
    *,
    certainty: str = DISAGREE,
    evidence: tuple[Evidence, ...] | list[Evidence] | None = None,
) -> Finding:
    """A finding about one stated figure (a v_stated_figures row): its record is the figure's
    metric, its evidence the figure's own sentence unless other evidence is given."""
    if evidence is None:
        evidence = [ctx.figure_evidence(row)]
    return _finding(ctx, row, rule, severity, ctx.record(row, row.metric), stated, recomputed, unit,
                    message, certainty=certainty, evidence=evidence)


def _frame(frames: Mapping[str, pd.DataFrame], name: str) -> pd.DataFrame:
    return frames.get(name, pd.DataFrame())


def _indicator_record(ctx: _Context, row) -> str:
    """An indicator's record text: program / project / 一级指标 / 三级指标."""
    return ctx.record(row, row.level1, row.level3)

