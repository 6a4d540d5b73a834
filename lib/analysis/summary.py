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
    common programs (by their ``lineage`` column where the frame has one, else matched by
    :func:`series_key`) in each of the two years, or no row when they
    share none. Columns: from_year, to_year, from_rate, to_rate, programs (how many in common).
    """
    columns = ["from_year", "to_year", "from_rate", "to_rate", "programs"]
    if totals.empty:
        return pd.DataFrame(columns=columns)
    if "lineage" in totals:  # the program's identity across years (lib/analysis/lineage.py)
        series = totals["lineage"]
    else:
        names = totals["program_name"]
        keys = {name: series_key(name) for name in names.unique()}  # a name recurs across regions and years
        series = names.map(keys)
    # one row per year × series, summed once: a province's thousands of programs made the
    # per-pair filtering below the slowest step of the overview (~50 ms a run at 1M rows)
    sums = (totals.assign(series=series, year=totals["year"].astype(int),
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


# ---------------------------------------------------------------- one year rule for every headline

YEAR_BASES = ("latest", "side", "sum")


def headline_years(years, basis: str = "latest", most: int = 4) -> list[tuple[str, tuple[int, ...]]]:
    """Which budget years each row of headline figures covers, and the label it is headed by.

    Budgets of different years are not one total (a 2022 department budget and a 2023 central
    subsidy added up read as one year's money), so every headline — 总览's cards, 执行率's, the PDF
    brief, the Word draft — covers the latest year unless a sum is chosen (then labelled
    全部年度合计) or the years side by side (at most ``most``, newest first). A selection of one
    year has no label: nothing else could be meant. Returns [(prefix, years)], e.g.
    [("2023年", (2023,))]; [("", ())] for a selection without years.
    """
    ys = sorted({int(y) for y in years}, reverse=True)
    if not ys:
        return [("", ())]
    if len(ys) == 1:
        return [("", (ys[0],))]
    if basis == "sum":
        return [("全部年度合计", tuple(ys))]
    if basis == "side":
        return [(f"{y}年", (y,)) for y in ys[:most]]
    return [(f"{ys[0]}年", (ys[0],))]


def counted_once(execution: pd.DataFrame) -> pd.DataFrame:
    """The execution records a count of items takes: a program's own figure (a row without a
    project: a department's whole budget) is left out where the program lists its projects,
    whose money it already holds — counting both counts the department twice. A program
    without project rows (a transfer reported per fund source) keeps its own rows."""
    if execution.empty:
        return execution
    with_projects = set(execution.loc[execution["project_id"].notna(), "program_id"])
    whole = execution["project_id"].isna() & execution["program_id"].isin(with_projects)
    return execution[~whole]


def stated_rate_text(fraction: float) -> str:
    """A stated rate with the digits the report wrote it with (0.33 → 33%, 0.9936 → 99.36%)."""
    from lib.analysis.checks import stated_decimals

    pp = round(float(fraction) * 100, 6)
    return f"{pp:.{stated_decimals(pp)}f}%"


def _amount(value: float) -> str:
    text = f"{float(value):,.2f}"
    return text[:-3] if text.endswith(".00") else text


def stated_execution(snapshots: pd.DataFrame) -> pd.DataFrame:
    """Each program's stated execution rate and the base it was computed on, from the report.

    ``snapshots``: v_execution rows of the programs' own figures (no project; a department's
    total or a transfer's per-source rows). A report's rate is often of one part only (a
    transfer states 33% of its central money, 2,450 ÷ 7,500, where all funds give 18.18%): the
    base is the row (or the sum of rows) whose executed ÷ budget rounds to the stated rate at its
    own precision; none matching, the base is unknown and the text says what the rows give.
    Columns: program_id, stated (fraction), base (text: '中央补助 2,450 ÷ 7,500'), reconciled
    (whether a base was found), text ('报告 33%（中央补助 2,450 ÷ 7,500）').
    """
    from lib.analysis.checks import rate_reconciles

    columns = ["program_id", "stated", "base", "reconciled", "text"]
    rows = []
    if snapshots.empty:
        return pd.DataFrame(columns=columns)
    own = snapshots[snapshots["project_id"].isna()]
    for program_id, part in own.groupby("program_id", sort=True):
        part = part[part["as_of"] == part["as_of"].max()]
        stated_values = part["stated_execution_rate"].dropna()
        if stated_values.empty:
            continue
        stated = float(stated_values.iloc[0])
        stated_pp = round(stated * 100, 6)
        # a row is named by what tells it from the others (中央补助 / 地方资金, or a region)
        telling = [c for c in ("fund_source", "region") if part[c].nunique(dropna=False) > 1]
        candidates = []
        for row in part.to_dict("records"):
            who = " ".join(str(row[c]) for c in telling if isinstance(row[c], str) and row[c])
            candidates.append((who, float(row["executed"]), float(row["budget"])))
        if len(part) > 1:
            candidates.append(("合计", float(part["executed"].sum()), float(part["budget"].sum())))
        base, reconciled = None, False
        for who, executed, budget in candidates:
            if budget and rate_reconciles(stated_pp, executed / budget * 100):
                base = f"{who + ' ' if who else ''}{_amount(executed)} ÷ {_amount(budget)}"
                reconciled = True
                break
        if base is None:  # no part gives the stated rate: the report's base is not its own figures
            _, executed, budget = candidates[-1]
            base = f"口径未说明：{_amount(executed)} ÷ {_amount(budget)} 不得此数"
        rows.append((program_id, stated, base, reconciled, f"报告 {stated_rate_text(stated)}（{base}）"))
    return pd.DataFrame(rows, columns=columns)


def stated_beside(stated: pd.DataFrame, totals: pd.DataFrame, names: bool = False) -> str:
    """The reports' own rates beside the computed one of ``totals`` (program totals):
    '报告 33%（中央补助 2,450 ÷ 7,500）· 按全部资金 18.18%'. ``names``: put each program's name
    first (a headline over several programs). Empty when no report of them states a rate."""
    if stated.empty or totals.empty:
        return ""
    shown = stated[stated["program_id"].isin(set(totals["program_id"]))]
    if shown.empty:
        return ""
    program_names = dict(zip(totals["program_id"], totals["program_name"], strict=False))
    parts = [f"{program_names.get(r.program_id, r.program_id)}：{r.text}" if names else r.text
             for r in shown.itertuples()]
    computed = headline(totals)["execution_rate"]
    tail = f" · 按全部资金 {computed:.2%}" if computed is not None else ""
    return "；".join(parts) + tail


def row_stated_text(stated: object, executed: object, budget: object, program_base: str | None = None) -> str:
    """A record's stated rate as a gauge's caption gives it, beside its own figures: '报告执行率
    94.65%' where its executed ÷ budget gives it; else what it is the rate of — a transfer states
    one rate, 33%, on each fund's row, while only the central money's 2,450 ÷ 7,500 gives it:
    '报告执行率 33%（为中央补助 2,450 ÷ 7,500 之数，非本项）' on the local funds' row. Empty where
    none is stated. ``program_base``: the program's base found by stated_execution, if any."""
    from lib.analysis.checks import rate_reconciles

    if stated is None or stated != stated:  # NaN: the report states none
        return ""
    text = f"报告执行率 {stated_rate_text(float(stated))}"
    computed = float(executed) / float(budget) if budget and float(budget) else None
    if computed is not None and rate_reconciles(round(float(stated) * 100, 6), computed * 100):
        return text
    if program_base:
        return f"{text}（为{program_base} 之数，非本项）"
    return f"{text}（按本项数为 {computed:.2%}）" if computed is not None else text

