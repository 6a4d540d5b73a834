"""同比: a year's figures against the same programs' previous year, like for like.

A year-on-year change joins a program to itself a year earlier through its lineage
(lib/analysis/lineage.py), never through its per-year id, and only over programs present in
both years: a 2022 total over three funds against a 2021 total over two would be no 同比 at all.
Every result says how many programs it covers and which were left out for having no previous
year, so a card can say so.

Amounts are 万元, rates fractions; a change of money is a fraction of last year's figure
(0.0655 = 增长6.55%), a change of a rate is in percentage points (0.032 = 提高3.2个百分点).
Pure: frames in, frames and sentences out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

# Indicator statuses that count in a completion share (met ÷ judged); the rest cannot be judged.
_MET = ("met", "qualitative_met")
_JUDGED = ("met", "not_met", "qualitative_met", "qualitative_not_met")


@dataclass(frozen=True)
class YearOnYear:
    """One year's money against the previous year's, over the programs present in both.

    ``common``: the year's programs whose lineage also has the previous year (their names);
    ``without_previous``: the year's programs left out, having none."""

    year: int
    previous_year: int
    budget: float
    previous_budget: float
    executed: float
    previous_executed: float
    common: tuple[str, ...] = ()
    without_previous: tuple[str, ...] = field(default=())
    # the latest 截至 date of each side's figures: before 12-31 the year is not over
    as_of: object = None
    previous_as_of: object = None

    @property
    def execution_rate(self) -> float | None:
        return self.executed / self.budget if self.budget else None

    @property
    def previous_execution_rate(self) -> float | None:
        return self.previous_executed / self.previous_budget if self.previous_budget else None

    @property
    def budget_change(self) -> float | None:
        return change(self.budget, self.previous_budget)

    @property
    def executed_change(self) -> float | None:
        return change(self.executed, self.previous_executed)

    @property
    def rate_change(self) -> float | None:
        if self.execution_rate is None or self.previous_execution_rate is None:
            return None
        return self.execution_rate - self.previous_execution_rate

    def basis_note(self) -> str:
        """What the comparison covers, as a card's caption says it."""
        text = (f"同比口径：{len(self.common)}个资金/部门在{self.previous_year}年和{self.year}年"
                "均有数据，按其合计比较")
        if self.without_previous:
            names = "、".join(self.without_previous)
            text += f"；{len(self.without_previous)}个没有上年数据，未计入同比（{names}）"
        text += "。"
        now, before = _in_year(self.as_of, self.year), _in_year(self.previous_as_of, self.previous_year)
        if now or before:
            this = f"截至{now}的数" if now else "年末数"
            last = f"截至{before}的数" if before else "年末数"
            text += f"注意：{self.year}年为{this}，{self.previous_year}年为{last}，不是同期比较。"
        return text


def _in_year(as_of, year: int) -> str:
    """'6月30日' when ``as_of`` is before the year's end, '' at year end or without a date."""
    if as_of is None or pd.isna(as_of):
        return ""
    day = pd.Timestamp(as_of)
    return "" if (day.month, day.day) == (12, 31) or day.year > year else f"{day.month}月{day.day}日"


def change(current, previous) -> float | None:
    """(current − previous) ÷ previous; None without a previous figure or when it is 0."""
    if current is None or previous is None or pd.isna(current) or pd.isna(previous):
        return None
    if float(previous) == 0:
        return None
    return (float(current) - float(previous)) / float(previous)


def change_words(fraction: float | None, digits: int = 2) -> str:
    """A money change as a report writes it: 较上年增长6.55% / 较上年下降3.10% / 与上年持平;
    '' when there is no previous figure."""
    if fraction is None:
        return ""
    shown = round(abs(fraction) * 100, digits)
    if shown == 0:
        return "与上年持平"
    return f"较上年{'增长' if fraction > 0 else '下降'}{shown:.{digits}f}%"


def point_words(points: float | None, digits: int = 2) -> str:
    """A rate's change in percentage points: 较上年提高3.20个百分点 / 降低… / 与上年持平."""
    if points is None:
        return ""
    shown = round(abs(points) * 100, digits)
    if shown == 0:
        return "与上年持平"
    return f"较上年{'提高' if points > 0 else '降低'}{shown:.{digits}f}个百分点"


def yoy_sentence(label: str, current: float | None, previous: float | None, unit: str = "万元") -> str:
    """The sentence a report writes: "预算数10,441.00万元，较上年增长6.55%" (unit 万元), or for a
    rate (unit "%"), "执行率88.74%，较上年降低4.22个百分点". Without a previous figure the figure
    alone ("…，上年无可比数据")."""
    if current is None or pd.isna(current):
        return ""
    if unit == "%":
        figure = f"{label}{float(current) * 100:.2f}%"
        known = previous is not None and not pd.isna(previous)
        words = point_words(float(current) - float(previous) if known else None)
    else:
        figure = f"{label}{float(current):,.2f}{unit}"
        words = change_words(change(current, previous))
    return f"{figure}，{words or '上年无可比数据'}"


def summary_sentences(result: YearOnYear | None) -> list[str]:
    """The 同比 sentences of a brief or report for one year's totals (budget, executed, rate), with
    the basis; empty without a previous year."""
    if result is None:
        return []
    return [
        yoy_sentence(f"{result.year}年预算数", result.budget, result.previous_budget) + "；",
        yoy_sentence("执行数", result.executed, result.previous_executed) + "；",
        yoy_sentence("执行率", result.execution_rate, result.previous_execution_rate, unit="%") + "。",
        result.basis_note(),
    ]


def with_lineage(totals: pd.DataFrame, lineage: Mapping[str, str]) -> pd.DataFrame:
    """Program totals (Store.program_totals) with a ``lineage`` column (a program without one is
    its own lineage)."""
    out = totals.copy()
    out["lineage"] = [lineage.get(p, p) for p in out["program_id"]]
    return out


def year_on_year(totals: pd.DataFrame, lineage: Mapping[str, str], year: int) -> YearOnYear | None:
    """``year``'s money against ``year − 1`` over the programs present in both (by lineage); None
    when no program of ``year`` has a previous year (the page says there is none)."""
    if totals.empty:
        return None
    frame = with_lineage(totals, lineage)
    now = frame[frame["year"] == year]
    before = frame[frame["year"] == year - 1]
    before_lineages = set(before["lineage"])
    common = now[now["lineage"].isin(before_lineages)]
    if common.empty:
        return None
    previous = before[before["lineage"].isin(set(common["lineage"]))]
    missing = now[~now["lineage"].isin(before_lineages)]
    return YearOnYear(
        year=int(year), previous_year=int(year) - 1,
        budget=float(common["budget"].sum()), previous_budget=float(previous["budget"].sum()),
        executed=float(common["executed"].sum()), previous_executed=float(previous["executed"].sum()),
        common=tuple(str(n) for n in common["program_name"]),
        without_previous=tuple(str(n) for n in missing["program_name"]),
        as_of=common["as_of"].max() if "as_of" in common else None,
        previous_as_of=previous["as_of"].max() if "as_of" in previous else None,
    )


def has_previous_year(totals: pd.DataFrame, lineage: Mapping[str, str]) -> bool:
    """Whether any program has the same lineage's program of the year before."""
    frame = with_lineage(totals, lineage)
    keys = set(zip(frame["lineage"], frame["year"].astype(int), strict=True))
    return any((lin, year - 1) in keys for lin, year in keys)


def indicator_completion(indicators: pd.DataFrame) -> pd.DataFrame:
    """Per program: indicators judged (met or not, quantitative or qualitative), met, and the
    share met (None when none can be judged). ``indicators``: one row per indicator (program_id,
    status), or counts per program and status in a column ``n`` (Store.summarize).
    Columns: program_id, judged, met, completion."""
    if indicators.empty:
        return pd.DataFrame(columns=["program_id", "judged", "met", "completion"])
    rows = indicators.assign(n=indicators["n"] if "n" in indicators else 1)
    judged = rows[rows["status"].isin(_JUDGED)]
    out = (rows[["program_id"]].drop_duplicates()
           .merge(judged.groupby("program_id")["n"].sum().rename("judged").reset_index(), how="left")
           .merge(judged[judged["status"].isin(_MET)].groupby("program_id")["n"].sum().rename("met")
                  .reset_index(), how="left"))
    out["judged"] = out["judged"].fillna(0).astype(int)
    out["met"] = out["met"].fillna(0).astype(int)
    out["completion"] = [m / j if j else None for m, j in zip(out["met"], out["judged"], strict=True)]
    return out


def trend(totals: pd.DataFrame, lineage: Mapping[str, str], scores: pd.DataFrame | None = None,
          completion: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per program and year, in lineage and year order, with the same lineage's figures of
    the year before and the changes: lineage, year, program_id, program_name, budget, executed,
    execution_rate, score, rating, completion, previous_year (None when that year is missing),
    budget_change, executed_change, rate_change (percentage points as a fraction), yoy (the
    sentence of the budget's change).

    ``scores``: program_id, score, rating (the program's stated score and rating, if any);
    ``completion``: :func:`indicator_completion`."""
    frame = with_lineage(totals, lineage)
    for extra in (scores, completion):
        if extra is not None and not extra.empty:
            frame = frame.merge(extra, on="program_id", how="left")
    for col in ("score", "rating", "completion"):
        if col not in frame:
            frame[col] = None
    frame = frame.sort_values(["lineage", "year", "program_id"]).reset_index(drop=True)
    by_key = {(r.lineage, int(r.year)): r for r in frame.itertuples()}
    prev_year, budget_change, executed_change, rate_change, words = [], [], [], [], []
    for r in frame.itertuples():
        before = by_key.get((r.lineage, int(r.year) - 1))
        prev_year.append(int(r.year) - 1 if before is not None else None)
        budget_change.append(change(r.budget, before.budget) if before is not None else None)
        executed_change.append(change(r.executed, before.executed) if before is not None else None)
        rate_change.append(r.execution_rate - before.execution_rate
                           if before is not None and pd.notna(r.execution_rate)
                           and pd.notna(before.execution_rate) else None)
        words.append(yoy_sentence("预算数", r.budget, before.budget if before is not None else None))
    frame["previous_year"] = prev_year
    frame["budget_change"] = budget_change
    frame["executed_change"] = executed_change
    frame["rate_change"] = rate_change
    frame["yoy"] = words
    return frame[["lineage", "year", "program_id", "program_name", "budget", "executed", "execution_rate",
                  "score", "rating", "completion", "previous_year", "budget_change", "executed_change",
                  "rate_change", "yoy"]]
