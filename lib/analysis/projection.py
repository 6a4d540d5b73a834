"""Year-end projection of an in-year execution record (截至 a date before 12-31): where the year is
heading, shown as a band with its method, never as a reported figure.

Two methods, each a projected year-end execution rate (a fraction):

- 按时间进度线性外推: the rate so far ÷ the share of the year elapsed (spending goes on at the
  pace it had);
- 按往年同期进度: where earlier years of the same lineage have a snapshot near the same day of the
  year (± ``window_days``) and a year-end figure, the rate so far × (that year's year-end rate ÷
  its rate then), one estimate per earlier year (budgets are often spent late in the year, which
  a straight line misses).

The band runs from the lowest estimate to the highest, never below the rate already reached and
never above 100% (spending past the budget needs an adjustment, not a projection).
Pure: rows in, rows out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

LINEAR = "按时间进度线性外推"
PACE = "按往年同期进度"


@dataclass(frozen=True)
class Projection:
    """One in-year record's projected year-end rate: ``low``–``high`` (fractions), the methods
    used, and the estimates behind them (method, basis year or None, rate)."""

    program_id: str
    as_of: dt.date
    rate: float
    elapsed_share: float
    low: float
    high: float
    methods: tuple[str, ...]
    estimates: tuple[tuple[str, int | None, float], ...]

    def describe(self) -> str:
        parts = [f"{m}{'（' + str(y) + '年）' if y else ''} {r * 100:.1f}%" for m, y, r in self.estimates]
        band = (f"{self.low * 100:.1f}%" if abs(self.high - self.low) < 5e-4
                else f"{self.low * 100:.1f}%–{self.high * 100:.1f}%")
        return (f"截至 {self.as_of:%Y-%m-%d} 执行率 {self.rate * 100:.2f}%"
                f"（时间进度 {self.elapsed_share * 100:.1f}%），预计年末执行率 {band}："
                + "；".join(parts) + "。预测值，不是报告数。")


def _day_of_year(value) -> int:
    return pd.Timestamp(value).day_of_year


def linear(rate: float, elapsed_share: float) -> float | None:
    """The rate so far ÷ the share of the year elapsed; None at the start of a year."""
    if elapsed_share is None or elapsed_share <= 0:
        return None
    return rate / elapsed_share


def project(execution: pd.DataFrame, lineage: Mapping[str, str] | None = None,
            window_days: int = 31) -> list[Projection]:
    """A projection for each program-wide in-year record (v_execution rows with no project,
    region or fund source and elapsed_share < 1; project and per-source rows of the same
    program are not summed into it). ``lineage``: program_id → lineage, for earlier years' pace."""
    if execution.empty:
        return []
    lineage = lineage or {}
    rows = execution[execution["execution_rate"].notna()].copy()
    rows["lineage"] = [lineage.get(p, p) for p in rows["program_id"]]
    whole = rows[rows["project_id"].isna() & rows["region"].isna() & rows["fund_source"].isna()]
    year_end = {(r.lineage, int(r.year)): float(r.execution_rate)
                for r in whole.itertuples() if r.elapsed_share >= 1 - 1e-9}
    earlier = [r for r in whole.itertuples() if r.elapsed_share < 1 - 1e-9]
    out = []
    for r in earlier:
        rate, share = float(r.execution_rate), float(r.elapsed_share)
        estimates: list[tuple[str, int | None, float]] = []
        straight = linear(rate, share)
        if straight is not None:
            estimates.append((LINEAR, None, straight))
        day = _day_of_year(r.as_of)
        for e in earlier:
            if e.lineage != r.lineage or int(e.year) >= int(r.year) or float(e.execution_rate) <= 0:
                continue
            end = year_end.get((e.lineage, int(e.year)))
            if end is not None and abs(_day_of_year(e.as_of) - day) <= window_days:
                estimates.append((PACE, int(e.year), rate * end / float(e.execution_rate)))
        if not estimates:
            continue
        values = [min(1.0, max(rate, v)) for _, _, v in estimates]
        out.append(Projection(
            program_id=str(r.program_id), as_of=pd.Timestamp(r.as_of).date(), rate=rate, elapsed_share=share,
            low=min(values), high=max(values), methods=tuple(dict.fromkeys(m for m, _, _ in estimates)),
            estimates=tuple(estimates)))
    return out
