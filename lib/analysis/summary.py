"""Headline figures for the overview from per-program totals and rating counts (pure, pandas in/out)."""

from __future__ import annotations

import re
import unicodedata

import pandas as pd


def headline(totals: pd.DataFrame) -> dict:
    """Total budget, executed and execution rate over per-program totals (Store.program_totals)."""
    budget = float(totals["budget"].sum()) if not totals.empty else 0.0
    executed = float(totals["executed"].sum()) if not totals.empty else 0.0
    return {
        "budget": budget,
        "executed": executed,
        "execution_rate": executed / budget if budget else None,
        "programs": len(totals),
    }


def by_year(totals: pd.DataFrame) -> pd.DataFrame:
    """Budget, executed and execution rate per budget year over per-program totals."""
    if totals.empty:
        return pd.DataFrame(columns=["year", "budget", "executed", "execution_rate", "programs"])
    out = (totals.groupby("year", sort=True)
           .agg(budget=("budget", "sum"), executed=("executed", "sum"), programs=("program_id", "count"))
           .reset_index())
    out["budget"], out["executed"] = out["budget"].astype(float), out["executed"].astype(float)
    out["execution_rate"] = [e / b if b else None
                             for e, b in zip(out["executed"], out["budget"], strict=True)]
    return out


_YEAR_IN_NAME = re.compile(r"(?:19|20)\d{2}\s*(?:年度|年)?")


def series_key(program_name: str) -> str:
    """The name a program keeps from year to year: its name without the budget year written in it
    ("兰州新区应急管理局2022年度部门预算" and "…2023年度部门预算" are one series)."""
    text = unicodedata.normalize("NFKC", str(program_name or ""))
    return re.sub(r"\s+", "", _YEAR_IN_NAME.sub("", text))


def like_for_like(totals: pd.DataFrame) -> pd.DataFrame:
    """Execution rate from one budget year to the next over only the programs present in both.

    A year-to-year line must not join different programs (a 2022 department budget and a 2023
    central subsidy are not one series), so each consecutive pair of years gets the rate of its
    common programs (matched by :func:`series_key`) in each of the two years, or no row when they
    share none. Columns: from_year, to_year, from_rate, to_rate, programs (how many in common).
    """
    columns = ["from_year", "to_year", "from_rate", "to_rate", "programs"]
    if totals.empty:
        return pd.DataFrame(columns=columns)
    names = totals["program_name"]
    keys = {name: series_key(name) for name in names.unique()}  # a name recurs across regions and years
    # one row per year × series, summed once: a province's thousands of programs made the
    # per-pair filtering below the slowest step of the overview (~50 ms a run at 1M rows)
    sums = (totals.assign(series=names.map(keys), year=totals["year"].astype(int),
                          budget=totals["budget"].astype(float), executed=totals["executed"].astype(float))
            .groupby(["year", "series"], sort=True)[["budget", "executed"]].sum())
    years = sorted(sums.index.get_level_values("year").unique())
    rows = []
    for a, b in zip(years, years[1:], strict=False):
        left, right = sums.loc[a], sums.loc[b]
        common = left.index.intersection(right.index)
        if common.empty:
            continue
        rates = []
        for part in (left.loc[common], right.loc[common]):
            budget, executed = float(part["budget"].sum()), float(part["executed"].sum())
            rates.append(executed / budget if budget else None)
        if None not in rates:
            rows.append((a, b, rates[0], rates[1], len(common)))
    return pd.DataFrame(rows, columns=columns)


RATINGS = ("优", "良", "中", "差")


def rating_counts(projects: pd.DataFrame, ratings=RATINGS) -> pd.DataFrame:
    """Projects per stated rating, every rating present (0 where none)."""
    counts = projects["stated_rating"].value_counts() if not projects.empty else pd.Series(dtype=int)
    return pd.DataFrame({"rating": list(ratings), "count": [int(counts.get(r, 0)) for r in ratings]})


def rating_counts_of(grouped: pd.DataFrame, ratings=RATINGS) -> pd.DataFrame:
    """rating_counts from a count per stated_rating (columns stated_rating, n)."""
    counts = dict(zip(grouped["stated_rating"], grouped["n"], strict=True))
    return pd.DataFrame({"rating": list(ratings), "count": [int(counts.get(r, 0)) for r in ratings]})
