"""Headline figures for the overview from per-program totals and rating counts (pure, pandas in/out)."""

from __future__ import annotations

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


RATINGS = ("优", "良", "中", "差")


def rating_counts(projects: pd.DataFrame, ratings=RATINGS) -> pd.DataFrame:
    """Projects per stated rating, every rating present (0 where none)."""
    counts = projects["stated_rating"].value_counts() if not projects.empty else pd.Series(dtype=int)
    return pd.DataFrame({"rating": list(ratings), "count": [int(counts.get(r, 0)) for r in ratings]})


def rating_counts_of(grouped: pd.DataFrame, ratings=RATINGS) -> pd.DataFrame:
    """rating_counts from a count per stated_rating (columns stated_rating, n)."""
    counts = dict(zip(grouped["stated_rating"], grouped["n"], strict=True))
    return pd.DataFrame({"rating": list(ratings), "count": [int(counts.get(r, 0)) for r in ratings]})
