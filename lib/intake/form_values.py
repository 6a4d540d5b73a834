"""Cell values of a form as the analyst wrote them: text as shown, amounts in 万元, rates as
fractions, scores, ratings, 一级 names and 指标性质 operators."""

from __future__ import annotations

import datetime as dt
import math
import re

from lib.intake import workbook_spec as spec
from lib.intake.form_layout import _NOT_APPLICABLE, _OPERATORS, _RATINGS, fold, label_key
from lib.intake.types import CellError, convert

_MONEY = spec.SHEETS_BY_TABLE["projects"].column("budget")
_SCORE = spec.SHEETS_BY_TABLE["projects"].column("stated_score")


def _blank(value: object) -> bool:
    if value is None:
        return True
    return isinstance(value, str) and fold(value) in ("", *_NOT_APPLICABLE)


def _text(value: object, number_format: str = "") -> str | None:
    """A cell as text, as the analyst sees it: 0.95 in a percent cell is "95%"."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        if "%" in (number_format or ""):
            return f"{_plain(value * 100)}%"
        return _plain(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()[:10]
    text = str(value).strip()
    return text or None


def _plain(number: float) -> str:
    if isinstance(number, float) and number.is_integer():
        return str(int(number))
    return format(round(float(number), 10), ".10g")


def _amount(value: object, scale: float) -> float | None:
    """An amount in 万元. ``scale`` converts the form's unit (1/10000 for a form in 元); a value
    written with its own unit ("1,500元", "12万元") keeps it."""
    if _blank(value):
        return None
    if isinstance(value, str) and fold(value).endswith("万"):  # "864.2万": 万元 without the 元
        value = f"{value.strip()}元"
    number = convert(value, _MONEY)
    if isinstance(value, str) and fold(value).endswith("元"):
        return number
    return number * scale


def _rate(value: object) -> float | None:
    """A rate as a fraction: "94.65%" or 0.9465; a bare number above 2 is read as percent points."""
    if _blank(value):
        return None
    if isinstance(value, str):
        text = fold(value)
        percent = text.endswith("%")
        try:
            number = float(text.rstrip("%").replace(",", ""))
        except ValueError:
            raise CellError(f"应为执行率（如94.65%），实际为“{value}”",
                            f"expected a rate such as 94.65%, got '{value}'") from None
        number = number / 100 if percent or number > 2 else number
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value) / 100 if value > 2 else float(value)
    else:
        raise CellError(f"应为执行率，实际为“{value}”", f"expected a rate, got '{value}'")
    if not math.isfinite(number) or not 0 <= number <= 2:
        raise CellError(f"执行率应在0%–200%之间，实际为 {value}", f"rate must be 0%-200%, got {value}")
    return number


def _score(value: object) -> float | None:
    if _blank(value):
        return None
    if isinstance(value, str):
        value = fold(value).removesuffix("分")
    return convert(value, _SCORE)


def _rating(value: object) -> str | None:
    if _blank(value):
        return None
    text = re.sub(r"[\"“”'()]", "", fold(value))
    if text in _RATINGS:
        return _RATINGS[text]
    raise CellError(f"自评等级应为优、良、中或差，实际为“{value}”",
                    f"rating must be 优/良/中/差, got '{value}'")


def _level1(value: object) -> tuple[str | None, float | None]:
    """The canonical 一级指标 and a weight written in it ("产出指标（50分）")."""
    key = label_key(value, keep_weight=True)
    # "产出指标（50分）", "成本指标（0-20）分" (a range is the rule's, not this form's weight)
    m = re.fullmatch(r"(产出|效益|满意度|成本)(?:指标)?(?:\((\d+(?:\.\d+)?)分?\)|\(\d+-\d+\)分?)?分?", key)
    if not m:
        return None, None
    return f"{m[1]}指标", float(m[2]) if m[2] else None


def _operator(value: object) -> str:
    """指标性质 as an operator: "≥", "≤", "=", ">", "<"; "" for 定性 or unknown ("004 >=" → "≥")."""
    if value is None:
        return ""
    text = re.sub(r"^\d+", "", fold(value))
    return _OPERATORS.get(text, "")

