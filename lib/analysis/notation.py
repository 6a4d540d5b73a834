"""Parse indicator values as analysts write them, and judge whether a target is met.

Self-evaluation forms write targets and actuals as text: "≥90%", "≤100万元", "=100%",
"100%", "1个月", "<90%", "效果显著", "有效", "/". The product keeps the text as written and
derives from it an operator, a number and a unit, so completion can be judged without anyone
re-keying the value. Pure functions: no I/O.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

# Words meaning "not applicable" in the 指标值 column.
_NOT_APPLICABLE = {"/", "／", "无", "不适用", "—", "-", "--"}

# Qualitative actuals that mean the target was reached or not. Checked as substrings, negative
# first ("未达到" contains "达到").
_NEGATIVE_WORDS = ("未完成", "未达到", "未达成", "未实现", "未", "正在", "部分", "滞后", "不足", "无效", "差",
                   "不满意", "不合格", "不达标", "不到位", "不及时", "不明显", "不理想", "没有")
_POSITIVE_WORDS = (
    "效果显著", "显著", "有效", "达成", "达到", "完成", "按期", "按时", "及时", "合格", "良好",
    "提升", "提高", "满意",
)

# Units after which smaller is better when no operator says otherwise.
_TIME_UNITS = {"月", "个月", "天", "日", "个工作日", "工作日", "小时", "年", "周"}

_NUMBER_RE = re.compile(
    r"^(?P<op>>=|<=|≥|≤|>|<|=)?\s*(?P<num>[0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?)\s*"
    r"(?P<unit>[^\d,.\s]\S{0,7})?$"
)
_OP_CANON = {">=": "≥", "≤": "≤", "<=": "≤", "≥": "≥", ">": ">", "<": "<", "=": "="}

INDICATOR_STATUSES = (
    "met", "not_met", "qualitative_met", "qualitative_not_met", "not_applicable", "no_target",
    "unknown",
)


@dataclass(frozen=True)
class Value:
    """One parsed indicator value. ``number`` is in ``unit`` as written (90 for "90%")."""

    text: str | None
    op: str | None = None
    number: float | None = None
    unit: str | None = None
    not_applicable: bool = False

    @property
    def is_blank(self) -> bool:
        return self.text is None

    @property
    def is_qualitative(self) -> bool:
        return self.text is not None and self.number is None and not self.not_applicable


def normalize_text(text: str) -> str:
    """Full-width to half-width (NFKC keeps ≥ and ≤), spaces removed."""
    folded = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", "", folded)


@functools.lru_cache(maxsize=65536)  # pure, and the same texts recur across thousands of indicators
def parse_value(text: object) -> Value:
    """Parse one 年度指标值 / 实际完成值 cell.

    Returns a Value with the operator (≥ ≤ > < =), number and unit when the text is a
    quantity, or a qualitative Value otherwise. Numbers keep the unit as written, so "90%"
    gives number 90 and unit "%".
    """
    if text is None:
        return Value(None)
    raw = str(text).strip()
    if not raw:
        return Value(None)
    norm = normalize_text(raw)
    if norm in _NOT_APPLICABLE:
        return Value(raw, not_applicable=True)
    m = _NUMBER_RE.match(norm)
    if not m:
        return Value(raw)
    op = _OP_CANON.get(m.group("op") or "", None)
    number = float(m.group("num").replace(",", ""))
    unit = m.group("unit") or None
    return Value(raw, op=op, number=number, unit=unit)


def direction(target: Value, level2: str | None = None, name: str | None = None) -> str:
    """'higher' when a larger actual is better, 'lower' when a smaller one is, 'equal' for '='.

    An explicit operator decides; otherwise cost indicators, durations and 偏差/事故 counts are
    lower-is-better and everything else (rates, counts, satisfaction) higher-is-better.
    """
    if target.op in ("≤", "<"):
        return "lower"
    if target.op in ("≥", ">"):
        return "higher"
    if target.op == "=":
        return "equal"
    if target.unit == "%":
        return "higher"
    if (level2 or "").startswith("成本") or (target.unit in _TIME_UNITS):
        return "lower"
    if name and any(w in name for w in ("偏差", "事故", "投诉", "超支")):
        return "lower"
    return "higher"


def qualitative_outcome(text: str | None) -> str | None:
    """'positive' / 'negative' for a qualitative actual such as 效果显著 or 正在建设中."""
    if not text:
        return None
    norm = normalize_text(text)
    if any(w in norm for w in _NEGATIVE_WORDS):
        return "negative"
    if any(w in norm for w in _POSITIVE_WORDS):
        return "positive"
    return None


def _units_compatible(a: str | None, b: str | None) -> bool:
    if a == b:
        return True
    return {a, b} <= {"月", "个月"}


def indicator_status(target: Value, actual: Value, how: str) -> str:
    """Completion status of one indicator; one of INDICATOR_STATUSES.

    ``how`` is the direction from :func:`direction`. An actual written with a bound ("<90%",
    "≥90%") counts only where the bound decides the question.
    """
    if target.not_applicable or actual.not_applicable:
        return "not_applicable"
    if target.is_blank:
        return "no_target"
    if actual.is_blank:
        return "unknown"
    if target.is_qualitative or actual.is_qualitative:
        if actual.is_qualitative:
            if target.text and normalize_text(actual.text) == normalize_text(target.text):
                return "qualitative_met"
            outcome = qualitative_outcome(actual.text)
            if outcome == "positive":
                return "qualitative_met"
            if outcome == "negative":
                return "qualitative_not_met"
        return "unknown"
    if not _units_compatible(target.unit, actual.unit):
        return "unknown"
    t, a = target.number, actual.number
    if how == "equal":
        if actual.op in ("<", ">"):
            return "not_met"
        if actual.op in ("≤", "≥"):
            return "unknown" if a == t else "not_met"
        return "met" if a == t else "not_met"
    strict = target.op in (">", "<")
    if how == "lower":  # mirror onto higher-is-better by negating both sides
        t, a = -t, -a
        flip = {"<": ">", ">": "<", "≤": "≥", "≥": "≤"}
        actual_op = flip.get(actual.op, actual.op)
    else:
        actual_op = actual.op

    def reaches(x: float) -> bool:
        return x > t if strict else x >= t

    if actual_op == "<":  # actual is somewhere below a
        return "not_met" if a <= t else "unknown"
    if actual_op == "≤":
        if a < t or (strict and a == t):
            return "not_met"
        return "unknown"
    if actual_op in (">", "≥"):  # actual is somewhere above a
        if reaches(a) or (actual_op == ">" and a >= t):
            return "met"
        return "unknown"
    return "met" if reaches(a) else "not_met"


def completion_ratio(target: Value, actual: Value, how: str) -> float | None:
    """Actual ÷ target (target ÷ actual when lower is better); None when not comparable.

    1.0 means exactly on target; the audit uses ≥ 1.3 to flag a target set too low.
    """
    if target.number is None or actual.number is None:
        return None
    if not _units_compatible(target.unit, actual.unit):
        return None
    if actual.op in ("<", ">", "≤", "≥"):  # a bound, not a measured value
        return None
    t, a = target.number, actual.number
    if how == "lower":
        return None if a == 0 else t / a
    return None if t == 0 else a / t
