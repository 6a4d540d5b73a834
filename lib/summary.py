"""Headline figures for the overview, computed from execution rows (pure, pandas in/out)."""

from __future__ import annotations

import pandas as pd


def program_totals(execution: pd.DataFrame) -> pd.DataFrame:
    """Budget and executed per program, from the best record each program has.

    A program-wide snapshot (a row with no project, e.g. a department's or a province's
    total) is what the report states for the whole program, so its latest as-of date wins;
    a program with none is the sum of its projects' year-end figures.
    Columns: program_id, program_name, year, basis, as_of, budget, executed, execution_rate.
    """
    cols = ["program_id", "program_name", "year", "basis", "as_of", "budget", "executed",
            "execution_rate"]
    if execution.empty:
        return pd.DataFrame(columns=cols)
    out = []
    for (program_id, name, year), rows in execution.groupby(
            ["program_id", "program_name", "year"], sort=True):
        wide = rows[(rows["scope"] == "snapshot") & rows["project_id"].isna()]
        if not wide.empty:
            latest = wide[wide["as_of"] == wide["as_of"].max()]
            basis, picked = "program", latest
        else:
            basis, picked = "projects", rows[rows["scope"] == "project"]
        budget = float(picked["budget"].sum())
        executed = float(picked["executed"].sum())
        out.append({
            "program_id": program_id, "program_name": name, "year": year, "basis": basis,
            "as_of": picked["as_of"].max(), "budget": budget, "executed": executed,
            "execution_rate": executed / budget if budget else None,
        })
    return pd.DataFrame(out, columns=cols)


def headline(execution: pd.DataFrame) -> dict:
    """Total budget, executed and execution rate over the programs in view."""
    totals = program_totals(execution)
    budget = float(totals["budget"].sum()) if not totals.empty else 0.0
    executed = float(totals["executed"].sum()) if not totals.empty else 0.0
    return {
        "budget": budget,
        "executed": executed,
        "execution_rate": executed / budget if budget else None,
        "programs": len(totals),
    }


def rating_counts(projects: pd.DataFrame, ratings=("优", "良", "中", "差")) -> pd.DataFrame:
    """Projects per stated rating, every rating present (0 where none)."""
    counts = projects["stated_rating"].value_counts() if not projects.empty else pd.Series(dtype=int)
    return pd.DataFrame({"rating": list(ratings), "count": [int(counts.get(r, 0)) for r in ratings]})
