"""Number formatting for display. Storage keeps full precision; only display rounds."""

from __future__ import annotations

import math

YI = 10_000  # 1 亿元 = 10,000 万元


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def money(value: object, digits: int = 2) -> str:
    """万元 with thousands separators: 3,011.00 万元."""
    if _missing(value):
        return "—"
    return f"{float(value):,.{digits}f} 万元"


def money_auto(value: object) -> str:
    """亿元 for large totals (≥ 1 亿元), 万元 otherwise: 1.79 亿元 / 7,500.00 万元."""
    if _missing(value):
        return "—"
    v = float(value)
    if abs(v) >= YI:
        return f"{v / YI:,.2f} 亿元"
    return money(v)


def rate(value: object, digits: int = 2) -> str:
    """A fraction as a percentage: 0.9465 -> 94.65%."""
    if _missing(value):
        return "—"
    return f"{float(value) * 100:.{digits}f}%"


def score(value: object) -> str:
    if _missing(value):
        return "—"
    v = float(value)
    return f"{v:.0f}" if v.is_integer() else f"{v:.2f}"
