"""Scoring rules from 财预〔2020〕10号 (see DOMAIN.md): pure functions, no I/O."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from lib.analysis import notation
from lib.labels import INDICATOR_SCORE_NOTE, RATING_BAND_NOTE, SCORE_BASIS_LABELS

RATING_BANDS = ((90.0, "优"), (80.0, "良"), (60.0, "中"), (0.0, "差"))


@dataclass(frozen=True)
class ExecutionBands:
    """Execution is judged against the share of the year elapsed at the as-of date.

    red: execution_rate < red × elapsed share; yellow: < yellow × elapsed share; else green.
    At year end (elapsed share 1) the defaults are red < 60%, yellow < 80%.
    """

    red: float = 0.60
    yellow: float = 0.80


DEFAULT_BANDS = ExecutionBands()


def execution_band(execution_rate: float | None, elapsed_share: float = 1.0,
                   bands: ExecutionBands = DEFAULT_BANDS) -> str | None:
    """'red' / 'yellow' / 'green', or None when the rate is unknown."""
    if execution_rate is None or execution_rate != execution_rate:  # NaN
        return None
    share = elapsed_share if elapsed_share and elapsed_share > 0 else 1.0
    if execution_rate < bands.red * share:
        return "red"
    if execution_rate < bands.yellow * share:
        return "yellow"
    return "green"


def execution_score(execution_rate: float, weight: float = 10.0) -> float:
    """Budget-execution points: weight × min(执行率, 100%)."""
    return weight * min(max(execution_rate, 0.0), 1.0)


def rating_band(total_score: float | None) -> str | None:
    """优 ≥ 90; 良 80 to < 90; 中 60 to < 80; 差 < 60."""
    if total_score is None or total_score != total_score:
        return None
    for floor, rating in RATING_BANDS:
        if total_score >= floor:
            return rating
    return "差"


# ---------------------------------------------------------------- indicator and project scores
#
# Points are in 分 (the total is out of 100); rates are fractions (0.9465 = 94.65%); an
# indicator's weight is its 分值 as written in the report.

PART_EXECUTION = "预算执行率"
PART_OUTPUT = "产出指标"
PART_OUTCOME = "效益指标"
PART_SATISFACTION = "满意度指标"
DEFAULT_WEIGHTS: dict[str, float] = {PART_EXECUTION: 10.0, PART_OUTPUT: 50.0, PART_OUTCOME: 30.0,
                                     PART_SATISFACTION: 10.0}
WEIGHT_TOTAL = 100.0

# Qualitative outcome -> share of the weight an analyst may give (财预〔2020〕10号: 达成 100–80%,
# 部分达成 80–60%, 未达成 60–0%). Both ends count as inside the band.
QUALITATIVE_BANDS: dict[str, tuple[float, float]] = {
    "achieved": (0.8, 1.0), "partly": (0.6, 0.8), "not_achieved": (0.0, 0.6),
}
LOWER_RULE_RATIO = "ratio"            # weight × target ÷ actual
LOWER_RULE_LINEAR = "linear_to_double"  # full up to the target, 0 at twice the target
EXECUTION_BASIS_BUDGET = "budget"            # 执行数 ÷ 全年预算数 (default)
EXECUTION_BASIS_RECEIVED = "appropriation"   # 执行数 ÷ 到位资金 (财政拨款), some provinces

# Qualitative actuals that mean "partly achieved"; checked before notation's negative words.
_PARTLY_WORDS = ("部分", "基本", "正在", "滞后", "未全部", "尚未全部", "大部分")


def validate_weights(weights: Mapping[str, float], total: float = WEIGHT_TOTAL) -> None:
    """Raise ValueError unless every weight is ≥ 0 and they sum to ``total`` (100 分)."""
    negative = [k for k, v in weights.items() if v < 0]
    if negative:
        raise ValueError(f"分值不能为负：{', '.join(negative)} (negative weights)")
    got = sum(float(v) for v in weights.values())
    if abs(got - total) > 1e-6:
        raise ValueError(f"分值合计应为 {total:g}，实际为 {got:g} (weights must sum to {total:g})")


@dataclass(frozen=True)
class ScoringSettings:
    """The scoring choices a locality may change; the defaults follow DOMAIN.md.

    weights: points per part (预算执行率, 产出指标, 效益指标, 满意度指标), summing to 100;
        pass a dict, kept as a tuple of pairs so the settings stay hashable.
    lower_rule: for lower-is-better indicators over target, ``"ratio"`` (weight × target ÷
        actual) or ``"linear_to_double"`` (full marks up to the target, 0 at twice it).
    execution_basis: denominator of the execution rate, ``"budget"`` (全年预算数) or
        ``"appropriation"`` (funds actually received, 财政拨款).
    cap_at_weight: an indicator never scores above its weight.
    far_above_ratio: completion ratio from which a target looks set too low (flagged, not
        penalized).
    """

    weights: tuple[tuple[str, float], ...] | Mapping[str, float] = tuple(DEFAULT_WEIGHTS.items())
    lower_rule: str = LOWER_RULE_RATIO
    execution_basis: str = EXECUTION_BASIS_BUDGET
    cap_at_weight: bool = True
    far_above_ratio: float = 1.3
    qualitative_bands: tuple[tuple[str, tuple[float, float]], ...] = tuple(QUALITATIVE_BANDS.items())

    def __post_init__(self) -> None:
        pairs = tuple((str(k), float(v)) for k, v in dict(self.weights).items())
        validate_weights(dict(pairs))
        object.__setattr__(self, "weights", pairs)
        if self.lower_rule not in (LOWER_RULE_RATIO, LOWER_RULE_LINEAR):
            raise ValueError(f"unknown lower_rule {self.lower_rule!r}")
        if self.execution_basis not in (EXECUTION_BASIS_BUDGET, EXECUTION_BASIS_RECEIVED):
            raise ValueError(f"unknown execution_basis {self.execution_basis!r}")

    def weight(self, part: str) -> float:
        """Points of one part (0 when the project's weights do not include it)."""
        return dict(self.weights).get(part, 0.0)

    def band(self, level: str) -> tuple[float, float]:
        return dict(self.qualitative_bands)[level]


DEFAULT_SETTINGS = ScoringSettings()


def as_number(value: object) -> float | None:
    """A float, or None for None/NaN/blank (pandas cells come in as NaN or pd.NA)."""
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def execution_rate(executed: float | None, budget: float | None, received: float | None = None,
                   settings: ScoringSettings = DEFAULT_SETTINGS) -> float | None:
    """执行率 as a fraction: executed ÷ budget (or ÷ received funds, per the setting).

    Amounts in 万元. None when the denominator is missing or zero.
    """
    denominator = received if settings.execution_basis == EXECUTION_BASIS_RECEIVED else budget
    executed, denominator = as_number(executed), as_number(denominator)
    if executed is None or not denominator:
        return None
    return executed / denominator


def is_not_applicable(target: notation.Value, actual: notation.Value | None = None) -> bool:
    """An indicator marked "/" or "无" (in 指标值 or 实际完成值) is dropped from scoring."""
    return target.not_applicable or bool(actual is not None and actual.not_applicable)


def quantitative_score(target: notation.Value, actual: notation.Value, weight: float, how: str,
                       settings: ScoringSettings = DEFAULT_SETTINGS) -> float | None:
    """Points for a quantitative indicator, in 分, between 0 and ``weight``.

    Target met → full weight. Not met: higher-is-better → weight × actual ÷ target;
    lower-is-better → weight × target ÷ actual (or, with ``lower_rule="linear_to_double"``,
    full up to the target, 0 at twice the target, linear between); "=" targets →
    weight × the smaller of actual ÷ target and target ÷ actual. None when the values cannot
    be compared (qualitative, different units, an actual written as a bound, no number).

    Args:
        target, actual: parsed 年度指标值 / 实际完成值 (lib.notation.parse_value).
        weight: the indicator's 分值.
        how: the direction from lib.notation.direction ("higher", "lower", "equal").
    """
    status = notation.indicator_status(target, actual, how)
    if status == "met":
        return float(weight)
    if status != "not_met" or target.number is None or actual.number is None:
        return None
    if actual.op is not None:  # a bound such as "<90%": below target, amount unknown
        return None
    t, a = target.number, actual.number
    if how == "lower":
        if settings.lower_rule == LOWER_RULE_LINEAR:
            share = 0.0 if t <= 0 else (2 * t - a) / t
        else:
            share = 0.0 if a <= 0 else t / a
    elif how == "equal":
        share = 0.0 if t <= 0 or a <= 0 else min(a / t, t / a)
    else:
        share = 0.0 if t <= 0 else a / t
    score = weight * max(share, 0.0)
    return min(score, float(weight)) if settings.cap_at_weight else score


def qualitative_level(actual_text: str | None, target_text: str | None = None) -> str | None:
    """'achieved' / 'partly' / 'not_achieved' for a qualitative actual, or None when unclear.

    An actual written as the target (效果显著 / 效果显著) is achieved; 部分 / 基本 / 正在 …
    mean partly achieved; other negative words (未完成, 无效 …) not achieved.
    """
    if not actual_text or not str(actual_text).strip():
        return None
    text = notation.normalize_text(str(actual_text))
    if target_text and text == notation.normalize_text(str(target_text)):
        return "achieved"
    if any(w in text for w in _PARTLY_WORDS):
        return "partly"
    outcome = notation.qualitative_outcome(text)
    if outcome == "negative":
        return "not_achieved"
    if outcome == "positive":
        return "achieved"
    return None


def qualitative_range(level: str, weight: float,
                      settings: ScoringSettings = DEFAULT_SETTINGS) -> tuple[float, float]:
    """(lowest, highest) points in 分 an analyst may give for the outcome ``level``."""
    low, high = settings.band(level)
    return weight * low, weight * high


def qualitative_score_in_band(stated_score: float, level: str, weight: float,
                              settings: ScoringSettings = DEFAULT_SETTINGS) -> bool:
    """True when the analyst's score lies in the band the stated outcome implies (ends included)."""
    low, high = qualitative_range(level, weight, settings)
    return low - 1e-9 <= stated_score <= high + 1e-9


def rescale_weights(weights: Sequence[float | None], applicable: Sequence[bool]) -> list[float | None]:
    """Drop not-applicable indicators and rescale the others to the same total.

    Weights of dropped indicators become 0; a None weight stays None (unknown). With nothing
    applicable, every weight is 0.
    """
    known = [float(w) if w is not None else None for w in weights]
    total = sum(w for w in known if w is not None)
    kept = sum(w for w, ok in zip(known, applicable, strict=True) if ok and w is not None)
    factor = total / kept if kept else 0.0
    return [None if w is None else (w * factor if ok else 0.0)
            for w, ok in zip(known, applicable, strict=True)]


@dataclass(frozen=True)
class IndicatorScore:
    """Computed points for one indicator.

    basis: 'quantitative' (score computed), 'qualitative' (score is the analyst's; low/high is
    the band it must lie in), 'not_applicable' (dropped), 'no_weight' (the report gives no
    分值) or 'unknown' (values not comparable).
    """

    basis: str
    weight: float | None
    score: float | None = None
    low: float | None = None
    high: float | None = None
    level: str | None = None


def indicator_score(target: object, actual: object, weight: object, level2: str | None = None,
                    name: str | None = None, settings: ScoringSettings = DEFAULT_SETTINGS) -> IndicatorScore:
    """Score one indicator from its 年度指标值 / 实际完成值 text and 分值 (points).

    Quantitative indicators get a computed score (see quantitative_score); qualitative ones get
    the band the analyst's score must lie in; "/" or "无" indicators are not applicable.
    """
    t, a = notation.parse_value(target), notation.parse_value(actual)
    w = as_number(weight)
    if is_not_applicable(t, a):
        return IndicatorScore("not_applicable", w)
    if w is None:
        return IndicatorScore("no_weight", None)
    if t.is_qualitative or a.is_qualitative:
        level = qualitative_level(a.text, t.text)
        if level is None:
            return IndicatorScore("unknown", w)
        low, high = qualitative_range(level, w, settings)
        return IndicatorScore("qualitative", w, low=low, high=high, level=level)
    how = notation.direction(t, level2, name)
    score = quantitative_score(t, a, w, how, settings)
    if score is None:
        return IndicatorScore("unknown", w)
    return IndicatorScore("quantitative", w, score=score, low=score, high=score)


def total_score(points: Iterable[float | None]) -> float | None:
    """Sum of part scores in 分; None when any part is unknown."""
    values = list(points)
    if any(as_number(v) is None for v in values):
        return None
    return float(sum(float(v) for v in values))


# ---------------------------------------------------------------- frames (view rows in, scores out)



def indicator_scores(indicators: pd.DataFrame, settings: ScoringSettings = DEFAULT_SETTINGS) -> pd.DataFrame:
    """Computed score per v_indicators row, with not-applicable weights rescaled per project.

    Returns a frame on the same index with: basis, weight_used (分值 after rescaling),
    computed_score (quantitative only), score_low / score_high (the band for qualitative),
    level (qualitative outcome).
    """
    cols = ["basis", "weight_used", "computed_score", "score_low", "score_high", "level"]
    if indicators.empty:
        return pd.DataFrame(columns=cols, index=indicators.index)
    # Plain records, not iterrows: a page scores thousands of rows on every uncached run.
    records = _records(indicators,
                       ["program_id", "project_id", "target", "actual", "weight", "level2", "level3"])
    groups: dict[tuple, list[int]] = {}
    for i, r in enumerate(records):
        groups.setdefault((r["program_id"], _text(r["project_id"]) or ""), []).append(i)
    out: list[tuple | None] = [None] * len(records)
    # The same indicator text and 分值 recur across projects (满意度 ≥90% …): score each once.
    known: dict[tuple, tuple] = {}
    for members in groups.values():
        rows = [records[i] for i in members]
        applicable = [not is_not_applicable(notation.parse_value(r["target"]),
                                            notation.parse_value(r["actual"])) for r in rows]
        weights = rescale_weights([as_number(r["weight"]) for r in rows], applicable)
        for i, r, w in zip(members, rows, weights, strict=True):
            key = (r["target"], r["actual"], w, _text(r["level2"]), _text(r["level3"]))
            scored = known.get(key)
            if scored is None:
                result = indicator_score(r["target"], r["actual"], w, key[3], key[4], settings)
                scored = known[key] = (result.basis, result.weight, result.score, result.low, result.high,
                                       result.level)
            out[i] = scored
    return pd.DataFrame(out, columns=cols, index=indicators.index)


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    """Rows as dicts of the given columns (absent columns as None; missing cells stay NaN or None,
    which as_number, _text and the notation parser all read as empty)."""
    values = [frame[c].tolist() if c in frame.columns else [None] * len(frame) for c in columns]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def project_scores(projects: pd.DataFrame, indicators: pd.DataFrame, score_parts: pd.DataFrame,
                   settings: ScoringSettings = DEFAULT_SETTINGS,
                   scored: pd.DataFrame | None = None) -> pd.DataFrame:
    """Computed total score (分) and rating per v_projects row, where the report allows it.

    In order: (1) every applicable indicator has a 分值 and a score (computed, or the
    analyst's for qualitative ones) and with the execution weight they make 100 → execution
    score + indicator scores; (2) the report gives 一级指标 scores covering the other parts →
    those stated scores + the execution score computed from the rate; (3) otherwise no score.
    The execution score is weight × min(执行率, 100%), its weight from a stated 预算执行率 part
    or the settings.

    ``scored`` is indicator_scores(indicators, settings) where the caller has it already (the
    audit scores every indicator once for both uses).

    Returns columns project_id, computed_score, computed_rating, execution_points (分),
    rating_of_stated (the band of the stated score), score_basis (key of SCORE_BASIS_LABELS).
    """
    cols = ["project_id", "computed_score", "computed_rating", "execution_points", "rating_of_stated",
            "score_basis"]
    out = []
    if indicators.empty:
        scored = None
    elif scored is None:
        scored = indicator_scores(indicators, settings)
    # Each project's indicator rows (positions) and score parts, found once rather than per project.
    by_project: dict[object, list[int]] = {}
    if scored is not None:
        for i, pid in enumerate(indicators["project_id"].tolist()):
            by_project.setdefault(pid, []).append(i)
        ind_rows = _records(indicators, ["stated_score"])
        score_rows = _records(scored, ["basis", "computed_score", "weight_used"])
    parts_of: dict[object, list[dict]] = {}
    for part in (_records(score_parts, ["project_id", "part", "weight", "stated_score"])
                 if not score_parts.empty else []):
        parts_of.setdefault(part["project_id"], []).append(part)
    for row in projects.itertuples(index=False):
        pid = row.project_id
        rate = execution_rate(row.executed, row.budget, getattr(row, "appropriation", None), settings)
        parts = parts_of.get(pid, [])
        exec_part = [p for p in parts if p["part"] == PART_EXECUTION]
        exec_weight = as_number(exec_part[0]["weight"]) if exec_part else None
        if exec_weight is None:
            exec_weight = settings.weight(PART_EXECUTION)
        exec_points = execution_score(rate, exec_weight) if rate is not None else None
        score, basis = None, "none"
        if exec_points is not None and scored is not None:
            mine = by_project.get(pid, [])
            score = _score_from_indicators([ind_rows[i] for i in mine], [score_rows[i] for i in mine],
                                           exec_weight)
            if score is not None:
                score, basis = score + exec_points, "indicators"
        if score is None and exec_points is not None and parts:
            others = [p for p in parts if p["part"] != PART_EXECUTION]
            weights = [as_number(p["weight"]) for p in others]
            stated = [as_number(p["stated_score"]) for p in others]
            if (others and None not in weights and None not in stated
                    and abs(sum(weights) + exec_weight - WEIGHT_TOTAL) < 1e-6):
                score, basis = sum(stated) + exec_points, "parts"
        stated_score = as_number(row.stated_score)
        out.append({"project_id": pid, "computed_score": score,
                    "computed_rating": rating_band(score) if score is not None else None,
                    "execution_points": exec_points,
                    "rating_of_stated": rating_band(stated_score), "score_basis": basis})
    return pd.DataFrame(out, columns=cols)


def _score_from_indicators(rows: list[dict], scored: list[dict], exec_weight: float) -> float | None:
    """Sum of indicator points when every applicable indicator can be scored and the weights
    with the execution weight make 100; else None."""
    if not rows:
        return None
    total_weight, points = 0.0, 0.0
    for row, s in zip(rows, scored, strict=True):
        if s["basis"] == "not_applicable":
            continue
        if s["basis"] == "quantitative":
            points += float(s["computed_score"])
        elif s["basis"] == "qualitative" and as_number(row["stated_score"]) is not None:
            points += float(row["stated_score"])  # the analyst's score stands
        else:
            return None
        total_weight += float(s["weight_used"])
    if abs(total_weight + exec_weight - WEIGHT_TOTAL) > 1e-6:
        return None
    return points


def score_note(scored_projects: pd.DataFrame) -> str:
    """One sentence under a table of projects with computed scores: how each was computed, and
    which could not be (the report gives no indicator-level 分值), so nothing is invented."""
    names = scored_projects.get("project_name", scored_projects["project_id"])
    groups = {basis: _name_list(names[scored_projects["score_basis"] == basis].astype(str).tolist())
              for basis in SCORE_BASIS_LABELS}
    parts = [f"{SCORE_BASIS_LABELS[basis]}：{who}" for basis, who in groups.items() if who]
    return "计算得分 — " + "；".join(parts) + "。" + RATING_BAND_NOTE


def _name_list(names: list[str], most: int = 10) -> str:
    """Names joined with 、; a long list is cut to its first ``most`` and a count."""
    if len(names) <= most:
        return "、".join(names)
    return "、".join(names[:most]) + f" 等 {len(names):,} 个"


def indicator_score_note(weighted: int, total: int) -> str:
    """How the indicator table's 计算得分 was obtained, and how many of ``total`` indicators have
    none because the report gives them no 分值 (``weighted`` have one)."""
    return INDICATOR_SCORE_NOTE.format(weighted=f"{weighted:,}", unweighted=f"{total - weighted:,}")
