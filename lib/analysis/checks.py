"""Consistency checks (核查): rows from the documented views in, findings out. Pure: no SQL, no I/O.

Self-evaluation reports often do not add up. Each check of DOMAIN.md "Consistency checks" 1–8
recomputes a stated figure from the records and names the record, the stated figure, the
recomputed one and the difference. A figure that reconciles is never reported; a stated figure
the records cannot recompute (say a yearly split when allocations carry no year) is reported as
无法核对 with low severity, never as a mismatch.

Units: amounts in 万元; rates in percentage points (99.36 means 99.36%); scores in 分 (out of
100); counts in 个 / 项.

    frames = {name: store.read(name) for name in AUDIT_RELATIONS}
    findings = run_audit(frames)
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field

import pandas as pd

from lib.analysis import notation, scoring
from lib.filters import Filters
from lib.labels import (
    AUDIT_RULES,
    AUDIT_SEVERITIES,
    AUDIT_UNCHECKABLE,
    BAND_LABELS,
    INDICATOR_STATUS,
    QUALITATIVE_LEVELS,
)

HIGH, MEDIUM, LOW = AUDIT_SEVERITIES

# The relations run_audit reads (documented views, plus programs for each program's own region).
AUDIT_RELATIONS = ("programs", "v_projects", "v_execution", "v_indicators", "v_score_parts",
                   "v_stated_figures", "v_spending_items", "v_funding")

FINDING_COLUMNS = ["severity", "rule", "rule_name", "record", "stated", "recomputed", "difference", "unit",
                   "message", "source_ref", "year", "program_id", "project_id", "region"]

UNIT_PERCENT, UNIT_WAN, UNIT_POINTS = "%", "万元", "分"


@dataclass(frozen=True)
class AuditSettings:
    """Tolerances and thresholds of the checks (defaults follow DOMAIN.md).

    rate_tolerance_pp: allowed gap between a stated and a recomputed rate, in percentage
        points; None infers it from the stated precision (33% → ±0.5, 94.65% → ±0.005).
    amount_tolerance: allowed gap between amounts, in 万元 (0.0005 万元 = 5 元).
    score_vs_execution_pp: rule 7, score rate vs execution rate, percentage points.
    low_execution: rule 6, execution below this rate needs an explanation.
    far_above_ratio: rule 6, completion ratio from which an indicator needs an explanation.
    bands: rule 8, red / yellow shares of the elapsed year.
    rate_high_pp / rate_medium_pp: a rate gap this large is 高 / 中 (smaller: 低).
    amount_high_share / amount_medium_share: an amount gap this share of the larger figure is
        高 / 中 (smaller: 低).
    score_high_gap: a score gap this many points is 高 (smaller: 中).
    scoring: the scoring rules (weights, lower-is-better rule, execution basis).
    """

    rate_tolerance_pp: float | None = None
    amount_tolerance: float = 0.0005
    score_vs_execution_pp: float = 5.0
    low_execution: float = 0.90
    far_above_ratio: float = 1.3
    bands: scoring.ExecutionBands = field(default_factory=scoring.ExecutionBands)
    rate_high_pp: float = 1.0
    rate_medium_pp: float = 0.1
    amount_high_share: float = 0.01
    amount_medium_share: float = 0.001
    score_high_gap: float = 2.0
    scoring: scoring.ScoringSettings = field(default_factory=scoring.ScoringSettings)


DEFAULT_SETTINGS = AuditSettings()


@dataclass(frozen=True)
class Finding:
    """One figure that does not reconcile (or cannot be checked).

    stated / recomputed are numbers in ``unit`` (or text, for status-vs-text findings);
    difference = stated − recomputed in ``unit``; None where there is nothing to subtract.
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

    @property
    def rule_name(self) -> str:
        return AUDIT_RULES[self.rule]

    def to_dict(self) -> dict:
        out = asdict(self)
        out["rule_name"] = self.rule_name
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


_NO_TEXT = {"无", "无。", "/", "／", "—", "-", "--", "暂无"}


def _has_text(value: object) -> bool:
    """A real explanation: not empty, not just 无 or /."""
    text = _str(value)
    return text is not None and notation.normalize_text(text) not in _NO_TEXT


def stated_decimals(value: float, most: int = 6) -> int:
    """Decimals a stated number was written with: 33 → 0, 94.65 → 2, 18.4 → 1."""
    for digits in range(most + 1):
        if abs(round(value, digits) - value) < 1e-9 * max(1.0, abs(value)):
            return digits
    return most


def rate_reconciles(stated_pp: float, recomputed_pp: float, tolerance_pp: float | None = None) -> bool:
    """True when a stated rate (percentage points) is the recomputed rate rounded to the stated
    precision: 33 vs 32.67 reconciles, 99.36 vs 99.60 and 92.75 vs 92.74 do not."""
    if tolerance_pp is None:
        tolerance_pp = 0.5 * 10 ** -stated_decimals(stated_pp)
    return abs(stated_pp - recomputed_pp) <= tolerance_pp + 1e-9


def amounts_reconcile(stated: float, recomputed: float, settings: AuditSettings = DEFAULT_SETTINGS) -> bool:
    return abs(stated - recomputed) <= settings.amount_tolerance + 1e-9


def _rate_severity(gap_pp: float, settings: AuditSettings) -> str:
    gap = abs(gap_pp)
    return HIGH if gap >= settings.rate_high_pp else MEDIUM if gap >= settings.rate_medium_pp else LOW


def _amount_severity(stated: float, recomputed: float, settings: AuditSettings) -> str:
    base = max(abs(stated), abs(recomputed)) or 1.0
    share = abs(stated - recomputed) / base
    return HIGH if share >= settings.amount_high_share else MEDIUM if share >= settings.amount_medium_share \
        else LOW


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


class _Context:
    """Names and regions of programs and projects, for record labels and finding keys."""

    def __init__(self, frames: Mapping[str, pd.DataFrame]):
        programs = frames.get("programs", pd.DataFrame())
        self.program_region = {r.program_id: _str(r.region) for r in programs.itertuples()} \
            if not programs.empty else {}
        self.program_name = {r.program_id: r.program_name for r in programs.itertuples()} \
            if not programs.empty else {}

    def keys(self, row, region: object = None) -> dict:
        program_id = _str(getattr(row, "program_id", None))
        region = _str(region) or _str(getattr(row, "region", None)) or self.program_region.get(program_id)
        return {"year": _int(getattr(row, "year", None)), "program_id": program_id,
                "project_id": _str(getattr(row, "project_id", None)), "region": region}

    def record(self, row, *details: object) -> str:
        program_id = _str(getattr(row, "program_id", None))
        parts = [_str(getattr(row, "program_name", None)) or self.program_name.get(program_id) or program_id,
                 _str(getattr(row, "project_name", None)) or _str(getattr(row, "project_id", None))]
        parts += [_str(d) for d in details]
        return " / ".join(p for p in parts if p)

    def is_whole_program(self, row) -> bool:
        """A stated figure whose region is the program's own (or none) covers every region."""
        region = _str(getattr(row, "region", None))
        return region is None or region == self.program_region.get(_str(row.program_id))


def _finding(ctx: _Context, row, rule: str, severity: str, record: str, stated, recomputed, unit: str,
             message: str, region: object = None, difference: float | None = None) -> Finding:
    if difference is None and isinstance(stated, (int, float)) and isinstance(recomputed, (int, float)):
        difference = float(stated) - float(recomputed)
    return Finding(rule=rule, severity=severity, record=record, stated=stated, recomputed=recomputed,
                   difference=difference, unit=unit, message=message,
                   source_ref=_str(getattr(row, "source_ref", None)), **ctx.keys(row, region))


def _frame(frames: Mapping[str, pd.DataFrame], name: str) -> pd.DataFrame:
    return frames.get(name, pd.DataFrame())


# ---------------------------------------------------------------- 1. execution rates


def check_execution_rates(frames: Mapping[str, pd.DataFrame],
                          settings: AuditSettings = DEFAULT_SETTINGS) -> list[Finding]:
    """Rule 1: a stated execution rate vs executed ÷ budget, tolerating rounding to the stated
    precision. Covers projects and execution snapshots (v_execution) and rates stated in the
    text (v_stated_figures rows in % whose 口径 names an 执行率)."""
    ctx = _Context(frames)
    out: list[Finding] = []
    execution = _frame(frames, "v_execution")
    for row in execution.itertuples():
        stated, rate = _num(row.stated_execution_rate), _num(row.execution_rate)
        if stated is None or rate is None:
            continue
        basis = _ratio_text(row.executed, row.budget)
        out += _rate_finding(ctx, row, stated * 100, rate * 100, _execution_label(row), basis, settings)
    figures = _frame(frames, "v_stated_figures")
    if figures.empty:
        return out
    projects = _frame(frames, "v_projects")
    by_id = {r.project_id: r for r in projects.itertuples()} if not projects.empty else {}
    for row in figures.itertuples():
        if _str(row.unit) != UNIT_PERCENT or "执行率" not in str(row.metric):
            continue
        stated = _num(row.value)
        project_id = _str(row.project_id)
        if project_id:
            project = by_id.get(project_id)
            rate = _num(project.execution_rate) if project is not None else None
            basis = _ratio_text(project.executed, project.budget) if project is not None else ""
        else:
            rate, basis = _program_rate(ctx, execution, row)
        record = ctx.record(row, row.metric)
        if rate is None:
            out.append(_finding(ctx, row, "R1", LOW, record, stated, None, UNIT_PERCENT,
                                f"{AUDIT_UNCHECKABLE}：没有可用于重算“{row.metric}”的预算与执行记录。"))
            continue
        out += _rate_finding(ctx, row, stated, rate * 100, record, basis, settings)
    return out


def _ratio_text(executed: object, budget: object) -> str:
    return f"{fmt_value(_num(executed), UNIT_WAN)} ÷ {fmt_value(_num(budget), UNIT_WAN)}"


def _execution_label(row) -> str:
    if _str(row.project_id):
        return " / ".join(p for p in (_str(row.program_name), _str(row.project_name)) if p)
    detail = " ".join(p for p in (_str(row.region), _str(row.fund_source)) if p) or "整体"
    return f"{row.program_name} / {detail}（截至 {pd.Timestamp(row.as_of):%Y-%m-%d}）"


def _program_rate(ctx: _Context, execution: pd.DataFrame, figure) -> tuple[float | None, str]:
    """The execution rate a stated program-level rate refers to: the latest snapshot without a
    project (of the same region and fund source, when the figure names them)."""
    if execution.empty:
        return None, ""
    rows = execution[(execution["program_id"] == figure.program_id) & (execution["scope"] == "snapshot")
                     & execution["project_id"].isna()]
    if not ctx.is_whole_program(figure):
        rows = rows[rows["region"] == figure.region]
    source = _str(figure.fund_source)
    rows = rows[rows["fund_source"] == source] if source else rows[rows["fund_source"].isna()]
    if rows.empty:
        return None, ""
    latest = rows[rows["as_of"] == rows["as_of"].max()]
    budget, executed = float(latest["budget"].sum()), float(latest["executed"].sum())
    if not budget:
        return None, ""
    basis = f"整体执行数 {fmt_value(executed, UNIT_WAN)} ÷ 预算数 {fmt_value(budget, UNIT_WAN)}"
    return executed / budget, basis


def _rate_finding(ctx: _Context, row, stated_pp: float, recomputed_pp: float, record: str, basis: str,
                  settings: AuditSettings) -> list[Finding]:
    if rate_reconciles(stated_pp, recomputed_pp, settings.rate_tolerance_pp):
        return []
    digits = stated_decimals(stated_pp)
    gap = stated_pp - recomputed_pp
    message = (f"报告执行率 {fmt_value(stated_pp, UNIT_PERCENT)}，按 {basis} 重算为 {recomputed_pp:.2f}%"
               f"（按报告精度 {digits} 位小数应写 {recomputed_pp:.{digits}f}%），差 {gap:+.2f} 个百分点。")
    return [_finding(ctx, row, "R1", _rate_severity(gap, settings), record, stated_pp, recomputed_pp,
                     UNIT_PERCENT, message)]


# ---------------------------------------------------------------- 2. parts vs totals


def check_totals(frames: Mapping[str, pd.DataFrame],
                 settings: AuditSettings = DEFAULT_SETTINGS) -> list[Finding]:
    """Rule 2: stated totals vs their parts.

    资金合计 = allocations of the same program (project, region, fund source, fund year);
    预算合计 / 执行合计 = the project's figure, or the sum over the program's projects;
    spending items vs the project's executed amount; stated yearly splits vs the stated total;
    分项合计 = the stated figures that name this one as their total (part_of = its 序号).
    A total the records cannot recompute is 无法核对 (低).
    """
    ctx = _Context(frames)
    figures = _frame(frames, "v_stated_figures")
    out: list[Finding] = []
    if not figures.empty:
        funding = _frame(frames, "v_funding")
        projects = _frame(frames, "v_projects")
        for row in figures.itertuples():
            if row.aggregate == "资金合计":
                out += _funding_total(ctx, row, funding, settings)
            elif row.aggregate in ("预算合计", "执行合计"):
                out += _project_total(ctx, row, projects, settings)
            elif row.aggregate == "分项合计":
                out += _stated_parts_total(ctx, row, figures, settings)
        out += _yearly_splits(ctx, figures, settings)
    out += _spending_items(ctx, frames, settings)
    return out


def _funding_total(ctx: _Context, row, funding: pd.DataFrame, settings: AuditSettings) -> list[Finding]:
    stated = _num(row.value)
    record = ctx.record(row, None if ctx.is_whole_program(row) or _str(row.project_id) else row.region,
                        row.metric)
    rows = funding[funding["program_id"] == row.program_id] if not funding.empty else funding
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
            return [_finding(ctx, row, "R2", LOW, record, stated, None, UNIT_WAN,
                             f"{AUDIT_UNCHECKABLE}：报告称{year}年投入 {fmt_value(stated, UNIT_WAN)}，"
                             "但“资金分配”记录未分投入年度，无法按年度重算（不是不符）。")]
        rows = rows[rows["fund_year"] == year]
        scope.append(f"{year}年投入")
    where = "、".join(scope) or "全部地区与来源"
    if rows.empty:
        return [_finding(ctx, row, "R2", LOW, record, stated, None, UNIT_WAN,
                         f"{AUDIT_UNCHECKABLE}：没有与“{row.metric}”对应的资金分配记录（{where}）。")]
    total = float(pd.to_numeric(rows["amount"]).sum())
    if amounts_reconcile(stated, total, settings):
        return []
    message = (f"报告所称 {fmt_value(stated, UNIT_WAN)}，资金分配记录（{where}，{len(rows)} 条）"
               f"合计 {fmt_value(total, UNIT_WAN)}，相差 {_diff_text(stated - total, UNIT_WAN)}。")
    return [_finding(ctx, row, "R2", _amount_severity(stated, total, settings), record, stated, total,
                     UNIT_WAN, message)]


def _stated_parts_total(ctx: _Context, row, figures: pd.DataFrame, settings: AuditSettings) -> list[Finding]:
    """A stated total vs the stated parts listed under it (same program and project)."""
    stated = _num(row.value)
    record = ctx.record(row, row.metric)
    same_owner = figures["program_id"] == row.program_id
    if _str(row.project_id):
        same_owner &= figures["project_id"] == row.project_id
    else:
        same_owner &= figures["project_id"].isna()
    parts = figures[same_owner & (pd.to_numeric(figures["part_of"]) == row.seq)]
    if parts.empty:
        return [_finding(ctx, row, "R2", LOW, record, stated, None, row.unit,
                         f"{AUDIT_UNCHECKABLE}：没有以序号 {row.seq} 为所属合计的分项。")]
    total = float(pd.to_numeric(parts["value"]).sum())
    if amounts_reconcile(stated, total, settings):
        return []
    message = (f"报告所称 {fmt_value(stated, row.unit)}，所列 {len(parts)} 个分项合计 "
               f"{fmt_value(total, row.unit)}，相差 {_diff_text(stated - total, row.unit)}。")
    return [_finding(ctx, row, "R2", _amount_severity(stated, total, settings), record, stated, total,
                     row.unit, message)]


def _project_total(ctx: _Context, row, projects: pd.DataFrame, settings: AuditSettings) -> list[Finding]:
    stated = _num(row.value)
    column = "budget" if row.aggregate == "预算合计" else "executed"
    what = "全年预算数" if column == "budget" else "全年执行数"
    record = ctx.record(row, row.metric)
    rows = projects[projects["program_id"] == row.program_id] if not projects.empty else projects
    if _str(row.project_id):
        rows = rows[rows["project_id"] == row.project_id]
        basis = f"项目{what}"
    else:
        if not ctx.is_whole_program(row):
            rows = rows[rows["region"] == row.region]
        basis = f"{len(rows)} 个项目{what}之和"
    if rows.empty:
        return [_finding(ctx, row, "R2", LOW, record, stated, None, UNIT_WAN,
                         f"{AUDIT_UNCHECKABLE}：没有可合计的项目记录。")]
    total = float(pd.to_numeric(rows[column]).sum())
    if amounts_reconcile(stated, total, settings):
        return []
    message = f"报告所称 {fmt_value(stated, UNIT_WAN)}，{basis}为 {fmt_value(total, UNIT_WAN)}，相差 " \
              f"{_diff_text(stated - total, UNIT_WAN)}。"
    if not _str(row.project_id):
        message += "差额可能是项目之外的支出或预算，报告未说明。"
    return [_finding(ctx, row, "R2", _amount_severity(stated, total, settings), record, stated, total,
                     UNIT_WAN, message)]


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
        recomputed = float(parts["value"].sum())
        detail = " + ".join(f"{int(y)}年 {fmt_value(v, UNIT_WAN)}"
                            for y, v in zip(parts["fund_year"], parts["value"], strict=True))
        for row in totals.itertuples():
            stated = float(row.value)
            if amounts_reconcile(stated, recomputed, settings):
                continue
            out.append(_finding(ctx, row, "R2", _amount_severity(stated, recomputed, settings),
                                ctx.record(row, row.metric), stated, recomputed, UNIT_WAN,
                                f"报告所称合计 {fmt_value(stated, UNIT_WAN)}，分年度数 {detail} = "
                                f"{fmt_value(recomputed, UNIT_WAN)}。"))
    return out


def _spending_items(ctx: _Context, frames: Mapping[str, pd.DataFrame],
                    settings: AuditSettings) -> list[Finding]:
    items = _frame(frames, "v_spending_items")
    projects = _frame(frames, "v_projects")
    if items.empty or projects.empty:
        return []
    by_id = {r.project_id: r for r in projects.itertuples()}
    out = []
    for project_id, rows in items[items["project_id"].notna()].groupby("project_id", sort=True):
        project = by_id.get(project_id)
        if project is None:
            continue
        total = float(pd.to_numeric(rows["amount"]).sum())
        executed, budget = float(project.executed), _num(project.budget)
        if amounts_reconcile(executed, total, settings):
            continue
        message = (f"支出明细 {len(rows)} 项合计 {fmt_value(total, UNIT_WAN)}，项目全年执行数 "
                   f"{fmt_value(executed, UNIT_WAN)}，相差 {_diff_text(executed - total, UNIT_WAN)}。")
        if budget is not None and total > executed:  # more spent on items than in the year
            if amounts_reconcile(budget, total, settings):
                message += "明细合计等于全年预算数，可能是预算构成而非当年支出。"
            else:
                message += (f"明细合计与全年预算数 {fmt_value(budget, UNIT_WAN)} 也相差 "
                            f"{_diff_text(budget - total, UNIT_WAN)}。")
        first = rows.iloc[0]
        source = pd.Series({**project._asdict(), "source_ref": first["source_ref"]})
        out.append(_finding(ctx, _Row(source), "R2", _amount_severity(executed, total, settings),
                            ctx.record(project, "支出明细合计"), executed, total, UNIT_WAN, message))
    return out


def _indicator_record(ctx: _Context, row) -> str:
    """An indicator's record text: program / project / 一级指标 / 三级指标."""
    return ctx.record(row, row.level1, row.level3)


def _dict_rows(frame: pd.DataFrame) -> Iterator[dict]:
    """The rows as dicts of plain values: iterrows builds a Series per row, which cost the audit
    of a year's 100,000 indicators most of its time."""
    columns = list(frame.columns)
    for values in zip(*(frame[c].tolist() for c in columns), strict=True):
        yield dict(zip(columns, values, strict=True))


class _Row:
    """Attribute access over a row dict or Series (for rows assembled from several frames)."""

    def __init__(self, series: pd.Series | dict):
        self._s = series

    def __getattr__(self, name):
        return self._s.get(name)


# ---------------------------------------------------------------- 3. scores and ratings


def check_scores(frames: Mapping[str, pd.DataFrame],
                 settings: AuditSettings = DEFAULT_SETTINGS) -> list[Finding]:
    """Rule 3: stated score vs the sum of its parts; stated rating vs the band of the stated
    score; part and indicator scores vs their weights; indicator scores vs the scoring rules
    (quantitative: recomputed; qualitative: inside the band of the stated outcome)."""
    ctx = _Context(frames)
    projects = _frame(frames, "v_projects")
    parts = _frame(frames, "v_score_parts")
    indicators = _frame(frames, "v_indicators")
    out: list[Finding] = []
    if not projects.empty:
        computed = scoring.project_scores(projects, indicators, parts, settings.scoring)
        computed = computed.set_index("project_id")
        for row in projects.itertuples():
            out += _project_score(ctx, row, computed.loc[row.project_id], parts, settings)
    if not parts.empty:
        for row in parts.itertuples():
            weight, stated = _num(row.weight), _num(row.stated_score)
            if weight is not None and stated is not None and stated > weight + 1e-9:
                message = f"{row.part}报告得分 {stated:g} 分，超过其分值 {weight:g} 分。"
                out.append(_finding(ctx, row, "R3", HIGH, ctx.record(row, row.part), stated, weight,
                                    UNIT_POINTS, message))
        out += _parts_vs_indicators(ctx, parts, indicators, settings)
    if not indicators.empty:
        out += _indicator_scores(ctx, indicators, settings)
    return out


def _project_score(ctx: _Context, row, computed: pd.Series, parts: pd.DataFrame,
                   settings: AuditSettings) -> list[Finding]:
    out = []
    stated = _num(row.stated_score)
    rating = _str(row.stated_rating)
    record = ctx.record(row)
    if stated is not None and rating is not None:
        band = scoring.rating_band(stated)
        if band != rating:
            message = (f"报告得分 {stated:g} 分应评为“{band}”（优 ≥ 90，良 80–90，中 60–80，"
                       f"差 < 60），报告评为“{rating}”。")
            out.append(_finding(ctx, row, "R3", HIGH, record, rating, band, "", message))
    score = _num(computed["computed_score"])
    if stated is None or score is None:
        return out
    tolerance = 0.5 * 10 ** -stated_decimals(stated)
    if abs(stated - score) > tolerance + 1e-9:
        gap = stated - score
        exec_points = float(computed["execution_points"])
        mine = parts[parts["project_id"] == row.project_id] if not parts.empty else parts
        if computed["score_basis"] == "parts":
            others = mine[mine["part"] != scoring.PART_EXECUTION]
            listed = " + ".join(f"{p} {s:g}"
                                for p, s in zip(others["part"], others["stated_score"], strict=True))
            parts_sum = float(others["stated_score"].sum())
            has_exec = (mine["part"] == scoring.PART_EXECUTION).any()
            message = (f"报告得分 {stated:g} 分；一级指标得分 {listed} = {parts_sum:g} 分，"
                       f"预算执行得分按 分值 × min(执行率, 100%) 计 {exec_points:.2f} 分，"
                       f"合计 {score:.2f} 分。")
            if not has_exec:
                message += "报告未列预算执行率得分"
                full = settings.scoring.weight(scoring.PART_EXECUTION)
                if abs(parts_sum + full - stated) < 1e-6:
                    message += f"；报告得分相当于预算执行率取满分 {full:g} 分"
                message += "。"
        else:
            message = f"报告得分 {stated:g} 分，按指标计分合计 {score:.2f} 分。"
        out.append(_finding(ctx, row, "R3", HIGH if abs(gap) >= settings.score_high_gap else MEDIUM,
                            record, stated, round(score, 4), UNIT_POINTS, message))
    computed_rating = _str(computed["computed_rating"])
    if rating and computed_rating and computed_rating != rating:
        out.append(_finding(ctx, row, "R3", MEDIUM, ctx.record(row, "评级"), rating, computed_rating, "",
                            f"按计算得分 {score:.2f} 分应评为“{computed_rating}”，报告评为“{rating}”。"))
    return out


def _parts_vs_indicators(ctx: _Context, parts: pd.DataFrame, indicators: pd.DataFrame,
                         settings: AuditSettings) -> list[Finding]:
    """A 一级指标 score vs the sum of its indicators' scores, where the indicators' weights make
    up the part's whole weight and every one of them is scored."""
    if indicators.empty:
        return []
    out = []
    for row in parts.itertuples():
        weight, stated = _num(row.weight), _num(row.stated_score)
        if row.part == scoring.PART_EXECUTION or weight is None or stated is None:
            continue
        same_project = indicators["project_id"] == row.project_id if _str(row.project_id) \
            else indicators["project_id"].isna()
        mine = indicators[(indicators["program_id"] == row.program_id) & same_project
                          & (indicators["level1"] == row.part)]
        weights = pd.to_numeric(mine["weight"], errors="coerce")
        scores = pd.to_numeric(mine["stated_score"], errors="coerce")
        if mine.empty or weights.isna().any() or scores.isna().any() or abs(weights.sum() - weight) > 1e-6:
            continue
        total = float(scores.sum())
        if abs(total - stated) > 0.5 * 10 ** -stated_decimals(stated) + 1e-9:
            message = f"{row.part}报告得分 {stated:g} 分，其 {len(mine)} 项三级指标得分合计 {total:g} 分。"
            out.append(_finding(ctx, row, "R3", MEDIUM, ctx.record(row, row.part), stated, total,
                                UNIT_POINTS, message))
    return out


def _indicator_scores(ctx: _Context, indicators: pd.DataFrame, settings: AuditSettings) -> list[Finding]:
    scored = scoring.indicator_scores(indicators, settings.scoring)
    out = []
    for row, s in zip(_dict_rows(indicators), scored.itertuples(), strict=True):
        r = _Row(row)
        stated, weight = _num(row["stated_score"]), _num(row["weight"])
        if stated is None:
            continue
        # the record text is built only for a finding (_indicator_record): most indicators have none
        if weight is not None and stated > weight + 1e-9:
            out.append(_finding(ctx, r, "R3", HIGH, _indicator_record(ctx, r), stated, weight, UNIT_POINTS,
                                f"指标得分 {stated:g} 分超过其分值 {weight:g} 分。"))
            continue
        if s.basis == "quantitative":
            score = float(s.computed_score)
            if abs(stated - score) > 0.5 * 10 ** -stated_decimals(stated) + 1e-9:
                message = (f"指标值 {row['target']}、实际完成值 {row['actual']}、分值 {s.weight_used:g}："
                           f"按“达标得满分、未达标按完成比例计分”应得 {score:.2f} 分，"
                           f"报告得 {stated:g} 分。")
                out.append(_finding(ctx, r, "R3", LOW, _indicator_record(ctx, r), stated, round(score, 4),
                                    UNIT_POINTS, message))
        elif s.basis == "qualitative":
            if not scoring.qualitative_score_in_band(stated, s.level, float(s.weight_used), settings.scoring):
                band = f"{s.score_low:g}–{s.score_high:g}"
                message = (f"定性指标实际完成“{row['actual']}”属{QUALITATIVE_LEVELS[s.level]}，"
                           f"得分应在 {band} 分之间，报告得 {stated:g} 分。")
                out.append(_finding(ctx, r, "R3", MEDIUM, _indicator_record(ctx, r), stated, band,
                                    UNIT_POINTS, message))
    return out


# ---------------------------------------------------------------- 4. counts

_COUNT_RE = re.compile(r"(?P<l1>(?:产出|效益|满意度|成本)指标)?(?P<qual>.*?)(?P<level>[一二三]级)?指标数")
_QUALIFIERS = {"": "all", "已完成": "done", "达标": "done", "存在偏差": "deviating", "有偏差": "deviating",
               "未完成": "not_met", "未达标": "not_met"}
_DONE = {"met", "qualitative_met"}
_NOT_MET = {"not_met", "qualitative_not_met"}


def check_counts(frames: Mapping[str, pd.DataFrame],
                 settings: AuditSettings = DEFAULT_SETTINGS) -> list[Finding]:
    """Rule 4: stated counts vs the records: 项目个数 (projects of the program), 评级个数
    (projects with that stated rating), 指标个数 (indicators of the project, by level, 一级
    indicator and status, read from the 口径 such as 产出指标已完成三级指标数); and a stated
    完成率 vs the stated counts it divides (产出指标完成率 vs 已完成 ÷ 三级指标数).

    Fewer records than the stated count is 低 (the report may name only some indicators);
    more records than stated is 中.
    """
    ctx = _Context(frames)
    figures = _frame(frames, "v_stated_figures")
    if figures.empty:
        return []
    projects = _frame(frames, "v_projects")
    indicators = _frame(frames, "v_indicators")
    out: list[Finding] = []
    for row in figures.itertuples():
        stated = _num(row.value)
        unit = _str(row.unit) or "个"
        record = ctx.record(row, row.metric)
        if row.aggregate in ("项目个数", "评级个数"):
            rows = projects[projects["program_id"] == row.program_id] if not projects.empty else projects
            if not ctx.is_whole_program(row) and not rows.empty:
                rows = rows[rows["region"] == row.region]
            what = "项目"
            if row.aggregate == "评级个数":
                rating = _str(row.rating)
                if rating is None:
                    out.append(_finding(ctx, row, "R4", LOW, record, stated, None, unit,
                                        f"{AUDIT_UNCHECKABLE}：评级个数没有填写评级。"))
                    continue
                rows = rows[rows["stated_rating"] == rating] if not rows.empty else rows
                what = f"评级为“{rating}”的项目"
            n = len(rows)
            if stated != n:
                out.append(_finding(ctx, row, "R4", MEDIUM, record, stated, float(n), unit,
                                    f"报告称{stated:g}{unit}，记录中{what}为 {n} 个。"))
        elif row.aggregate == "指标个数":
            out += _indicator_count(ctx, row, indicators, stated, unit, record)
        elif unit == UNIT_PERCENT and str(row.metric).endswith("完成率") and _str(row.project_id):
            out += _completion_rate(ctx, row, figures, settings)
    return out


def _indicator_count(ctx: _Context, row, indicators: pd.DataFrame, stated: float, unit: str,
                     record: str) -> list[Finding]:
    m = _COUNT_RE.fullmatch(str(row.metric))
    qualifier = _QUALIFIERS.get(m.group("qual")) if m else None
    if qualifier is None:
        return [_finding(ctx, row, "R4", LOW, record, stated, None, unit,
                         f"{AUDIT_UNCHECKABLE}：无法从口径“{row.metric}”确定要数哪些指标。")]
    n = _count_indicators(indicators, row, m.group("l1"), qualifier, m.group("level") or "三级")
    if stated == n:
        return []
    fewer = n < stated
    message = f"报告称{stated:g}{unit}，“绩效指标”记录中为 {n} {unit}。"
    message += ("记录少于报告所称，可能报告只点名了部分指标。" if fewer
                else "记录多于报告所称，报告的个数与其点名的指标不符。")
    return [_finding(ctx, row, "R4", LOW if fewer else MEDIUM, record, stated, float(n), unit, message)]


def _count_indicators(indicators: pd.DataFrame, row, level1: str | None, qualifier: str, level: str) -> int:
    """Indicators of the stated figure's project (or program-wide ones) of one 一级指标 and status,
    counted at the given level (一级 / 二级: distinct names; 三级: rows)."""
    if indicators.empty:
        return 0
    rows = indicators[indicators["program_id"] == row.program_id]
    same = rows["project_id"] == row.project_id if _str(row.project_id) else rows["project_id"].isna()
    rows = rows[same]
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


def _completion_rate(ctx: _Context, row, figures: pd.DataFrame, settings: AuditSettings) -> list[Finding]:
    prefix = str(row.metric)[: -len("完成率")]
    same = figures[(figures["program_id"] == row.program_id) & (figures["project_id"] == row.project_id)]
    done = same[same["metric"] == f"{prefix}已完成三级指标数"]
    total = same[same["metric"] == f"{prefix}三级指标数"]
    if done.empty or total.empty or not _num(total["value"].iloc[0]):
        return []
    n_done, n_total = float(done["value"].iloc[0]), float(total["value"].iloc[0])
    recomputed = n_done / n_total * 100
    stated = float(row.value)
    if rate_reconciles(stated, recomputed, settings.rate_tolerance_pp):
        return []
    message = (f"报告称{row.metric} {fmt_value(stated, UNIT_PERCENT)}，而报告所称已完成 {n_done:g} 项"
               f" ÷ 三级指标 {n_total:g} 项 = {recomputed:.2f}%（计算口径未说明）。")
    return [_finding(ctx, row, "R4", _rate_severity(stated - recomputed, settings),
                     ctx.record(row, row.metric), stated, recomputed, UNIT_PERCENT, message)]


# ---------------------------------------------------------------- 5. status vs text

_BELOW_WORDS = ("低于目标", "低于指标", "低于年初", "低于预期", "低于设定", "未达到", "未达成",
                "未完成目标", "未达标", "没有达到", "不达标", "未实现")
_ABOVE_WORDS = ("高于目标", "超过目标", "超出目标", "超额完成", "达到目标", "达到指标", "达到年初",
                "完成目标值", "均已完成", "均完成", "全部完成", "已达标")


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
            return norm[at: at + stop.start()] if stop else norm[at:end]
    return norm[:20]


def check_status_text(frames: Mapping[str, pd.DataFrame],
                      settings: AuditSettings = DEFAULT_SETTINGS) -> list[Finding]:
    """Rule 5: an indicator's deviation text vs its status ("低于目标值" while actual ≥ target,
    or "达到目标" while not met); a 一级指标 text saying all indicators were met while points
    were deducted (or the reverse)."""
    ctx = _Context(frames)
    out: list[Finding] = []
    indicators = _frame(frames, "v_indicators")
    status_names = {s: INDICATOR_STATUS[s] for s in _DONE | _NOT_MET}
    for row in _dict_rows(indicators):
        status = row["status"]
        if status not in status_names:
            continue
        claim = text_claim(row["deviation_reason"])
        if claim is None or (claim == "below") == (status in _NOT_MET):
            continue
        r = _Row(row)
        said = _claim_phrase(str(row["deviation_reason"]))
        judged = f"{status_names[status]}（指标值 {row['target']}，实际 {row['actual']}）"
        message = (f"偏差说明写“{said}”，但实际完成值 {row['actual']} 对指标值 {row['target']} 为"
                   f"{status_names[status]}。")
        record = _indicator_record(ctx, r)
        out.append(_finding(ctx, r, "R5", MEDIUM, record, said, judged, "", message))
    parts = _frame(frames, "v_score_parts")
    for row in parts.itertuples():
        weight, stated = _num(row.weight), _num(row.stated_score)
        claim = text_claim(row.status_text)
        if weight is None or stated is None or claim is None or row.part == scoring.PART_EXECUTION:
            continue
        said = _claim_phrase(str(row.status_text))
        record = ctx.record(row, row.part)
        if claim == "above" and stated < weight - 1e-9:
            message = f"{row.part}文字称“{said}”，按“达标得满分”应得 {weight:g} 分，报告得 {stated:g} 分。"
            out.append(_finding(ctx, row, "R5", LOW, record, stated, weight, UNIT_POINTS, message))
        elif claim == "below" and stated >= weight - 1e-9:
            message = f"{row.part}文字称“{said}”，却得满分 {weight:g} 分。"
            out.append(_finding(ctx, row, "R5", MEDIUM, record, stated, weight, UNIT_POINTS, message))
    return out


# ---------------------------------------------------------------- 6. overspending, missing explanations


def check_spending_and_explanations(frames: Mapping[str, pd.DataFrame],
                                    settings: AuditSettings = DEFAULT_SETTINGS) -> list[Finding]:
    """Rule 6: spent > budget or > appropriation; a missing deviation explanation where an
    indicator is not met or far exceeded (completion ≥ far_above_ratio), or a project's
    execution is below low_execution."""
    ctx = _Context(frames)
    out: list[Finding] = []
    for row in _frame(frames, "v_execution").itertuples():
        executed, budget, appropriation = _num(row.executed), _num(row.budget), _num(row.appropriation)
        label = _execution_label(row)
        if executed is None:
            continue
        for limit, what in ((budget, "全年预算数"), (appropriation, "财政拨款")):
            if limit is not None and executed > limit + settings.amount_tolerance:
                out.append(_finding(ctx, row, "R6", HIGH, label, executed, limit, UNIT_WAN,
                                    f"全年执行数 {fmt_value(executed, UNIT_WAN)} 超过{what} "
                                    f"{fmt_value(limit, UNIT_WAN)}。"))
    projects = _frame(frames, "v_projects")
    for row in projects.itertuples():
        rate = _num(row.execution_rate)
        if rate is not None and rate < settings.low_execution and not _has_text(row.deviation_reason):
            message = f"执行率 {rate * 100:.2f}% 低于 {settings.low_execution:.0%}，但没有偏差原因说明。"
            out.append(_finding(ctx, row, "R6", MEDIUM, ctx.record(row), rate * 100,
                                settings.low_execution * 100, UNIT_PERCENT, message))
    indicators = _frame(frames, "v_indicators")
    project_reason = {r.project_id: _has_text(r.deviation_reason) for r in projects.itertuples()} \
        if not projects.empty else {}
    for row in _dict_rows(indicators):
        if _has_text(row["deviation_reason"]) or _has_text(row["improvement"]):
            continue
        r = _Row(row)
        ratio = _num(row["completion_ratio"])
        if row["status"] in _NOT_MET:
            general = project_reason.get(row["project_id"], False)
            message = f"指标未达成（指标值 {row['target']}，实际 {row['actual']}），没有偏差原因说明"
            message += "（项目层面有总体说明）。" if general else "。"
            record = _indicator_record(ctx, r)
            out.append(_finding(ctx, r, "R6", LOW if general else MEDIUM, record, _str(row["actual"]),
                                _str(row["target"]), "", message))
        elif ratio is not None and ratio >= settings.far_above_ratio - 1e-9:
            message = (f"实际 {row['actual']} 为指标值 {row['target']} 的 {ratio:.0%}，远超目标"
                       f"（≥ {settings.far_above_ratio:.0%}）却没有说明；指标值可能定得偏低"
                       "（只提示，不扣分）。")
            record = _indicator_record(ctx, r)
            out.append(_finding(ctx, r, "R6", LOW, record, ratio * 100, settings.far_above_ratio * 100,
                                UNIT_PERCENT, message))
    return out


# ---------------------------------------------------------------- 7. score vs execution


def check_score_vs_execution(frames: Mapping[str, pd.DataFrame],
                             settings: AuditSettings = DEFAULT_SETTINGS) -> list[Finding]:
    """Rule 7: a project whose score rate (score ÷ 100) and execution rate differ by more than
    score_vs_execution_pp percentage points deserves a look."""
    ctx = _Context(frames)
    out = []
    for row in _frame(frames, "v_projects").itertuples():
        score, rate = _num(row.stated_score), _num(row.execution_rate)
        if score is None or rate is None:
            continue
        gap = round(score - rate * 100, 9)
        if abs(gap) > settings.score_vs_execution_pp:
            message = (f"得分率 {score:g}%（{score:g} 分 ÷ 100）与执行率 {rate * 100:.2f}% 相差 "
                       f"{abs(gap):.2f} 个百分点，超过 {settings.score_vs_execution_pp:g} 个百分点。")
            out.append(_finding(ctx, row, "R7", MEDIUM, ctx.record(row), score, round(rate * 100, 4),
                                UNIT_PERCENT, message))
    return out


# ---------------------------------------------------------------- 8. execution against time


def check_execution_time(frames: Mapping[str, pd.DataFrame],
                         settings: AuditSettings = DEFAULT_SETTINGS) -> list[Finding]:
    """Rule 8: execution below red (60%) or yellow (80%) of the share of the year elapsed at the
    record's date (scoring.execution_band). Red is 中, yellow 低."""
    ctx = _Context(frames)
    out = []
    for row in _frame(frames, "v_execution").itertuples():
        rate, share = _num(row.execution_rate), _num(row.elapsed_share)
        band = scoring.execution_band(rate, share if share is not None else 1.0, settings.bands)
        if band not in ("red", "yellow"):
            continue
        share = share if share else 1.0
        limit = (settings.bands.red if band == "red" else settings.bands.yellow) * share
        out.append(_finding(ctx, row, "R8", MEDIUM if band == "red" else LOW, _execution_label(row),
                            rate * 100, share * 100, UNIT_PERCENT,
                            f"截至 {pd.Timestamp(row.as_of):%Y-%m-%d} 执行率 {rate * 100:.2f}%，时间进度 "
                            f"{share * 100:.1f}%，低于时间进度的 {limit / share:.0%}（{limit * 100:.1f}%）："
                            f"{BAND_LABELS[band]}。"))
    return out


# ---------------------------------------------------------------- all checks

CHECKS: tuple[Callable[[Mapping[str, pd.DataFrame], AuditSettings], list[Finding]], ...] = (
    check_execution_rates, check_totals, check_scores, check_counts, check_status_text,
    check_spending_and_explanations, check_score_vs_execution, check_execution_time,
)


def run_audit(frames: Mapping[str, pd.DataFrame],
              settings: AuditSettings = DEFAULT_SETTINGS) -> list[Finding]:
    """Every check over the rows of AUDIT_RELATIONS (missing relations count as empty).

    Returns findings ordered by rule, then severity (高 first).
    """
    findings = [f for check in CHECKS for f in check(frames, settings)]
    order = {s: i for i, s in enumerate(AUDIT_SEVERITIES)}
    return sorted(findings, key=lambda f: (f.rule, order[f.severity]))


def read_inputs(read: Callable[[str], pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The frames run_audit needs, from any reader (Store.read, or the page's cached ui.read)."""
    return {name: read(name) for name in AUDIT_RELATIONS}


def findings_frame(findings: Iterable[Finding]) -> pd.DataFrame:
    """Findings as a table for pages and exports: stated and recomputed as display text with
    their unit (99.36%, 7,750.69 万元); the difference stays a number."""
    rows = []
    for f in findings:
        row = f.to_dict()
        row["stated"] = fmt_value(f.stated, f.unit)
        if f.recomputed is not None:
            row["recomputed"] = fmt_value(f.recomputed, f.unit)
        else:
            row["recomputed"] = AUDIT_UNCHECKABLE if f.message.startswith(AUDIT_UNCHECKABLE) else "—"
        row["difference"] = round(f.difference, 6) if f.difference is not None else None
        rows.append(row)
    frame = pd.DataFrame(rows, columns=FINDING_COLUMNS)
    frame["difference"] = pd.to_numeric(frame["difference"], errors="coerce")
    return frame


def filter_findings(frame: pd.DataFrame, filters: Filters | None = None, rules: Iterable[str] | None = None,
                    severities: Iterable[str] | None = None) -> pd.DataFrame:
    """Findings matching the shared sidebar filters (as lib.filters: selecting a project keeps
    only that project's findings) and the chosen rules and severities (None or empty: all)."""
    out = frame
    for name, value in (filters or Filters()).active().items():
        out = out[out[name] == value]
    rules, severities = list(rules or []), list(severities or [])
    if rules:
        out = out[out["rule"].isin(rules)]
    if severities:
        out = out[out["severity"].isin(severities)]
    return out


def summary(frame: pd.DataFrame) -> dict[str, pd.DataFrame | dict[str, int]]:
    """Counts per severity (every severity, 0 where none) and per rule (every rule)."""
    by_severity = {s: int((frame["severity"] == s).sum()) for s in AUDIT_SEVERITIES}
    rows = []
    for code, name in AUDIT_RULES.items():
        mine = frame[frame["rule"] == code]
        rows.append({"rule": code, "rule_name": name,
                     **{s: int((mine["severity"] == s).sum()) for s in AUDIT_SEVERITIES},
                     "findings": len(mine)})
    by_rule = pd.DataFrame(rows)
    return {"by_severity": by_severity, "by_rule": by_rule}


def format_findings(findings: list[Finding], version: int | None = None) -> str:
    """Findings as readable Chinese text for the command line, grouped by rule."""
    counts = {s: sum(f.severity == s for f in findings) for s in AUDIT_SEVERITIES}
    head = f"核查发现 {len(findings)} 条（" + "、".join(f"{s} {n}" for s, n in counts.items()) + "）"
    if version is not None:
        head += f"，数据版本 v{version}"
    lines = [head]
    for code, name in AUDIT_RULES.items():
        mine = [f for f in findings if f.rule == code]
        lines.append("")
        lines.append(f"{code} {name}：{len(mine)} 条" if mine else f"{code} {name}：无")
        for f in mine:
            recomputed = fmt_value(f.recomputed, f.unit) if f.recomputed is not None else AUDIT_UNCHECKABLE
            figures = f"报告值 {fmt_value(f.stated, f.unit)} · 重算值 {recomputed}"
            if f.difference is not None:
                figures += f" · 差异 {_diff_text(f.difference, f.unit)}"
            lines.append(f"  [{f.severity}] {f.record}")
            lines.append(f"      {figures}")
            lines.append(f"      {f.message}" + (f"（出处 {f.source_ref}）" if f.source_ref else ""))
    return "\n".join(lines)
