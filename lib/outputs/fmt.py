"""Number formatting for display. Storage keeps full precision; only display rounds."""

from __future__ import annotations

import math
from decimal import Decimal

YI = 10_000  # 1 亿元 = 10,000 万元


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or missing(value)


def money(value: object, digits: int = 2) -> str:
    """万元 with thousands separators: 3,011.00 万元."""
    if _missing(value):
        return "—"
    return f"{float(value):,.{digits}f} 万元"


def money_unit(values) -> str:
    """'亿元' when the largest of several figures shown together reaches 1 亿元, else '万元'."""
    largest = max((abs(float(v)) for v in values if not _missing(v)), default=0.0)
    return "亿元" if largest >= YI else "万元"


def money_in(value: object, unit: str) -> str:
    """A 万元 amount shown in the given unit, so figures side by side share one unit."""
    if _missing(value):
        return "—"
    if unit == "亿元":
        return f"{float(value) / YI:,.2f} 亿元"
    return money(value)


def number_in(value: object, unit: str) -> str:
    """A 万元 amount as a bare number in the given unit, for cards whose label names the unit."""
    if _missing(value):
        return "—"
    v = float(value) / YI if unit == "亿元" else float(value)
    return f"{v:,.2f}"


def count(n: int, unit: str) -> str:
    """A count for a card: 9 个, 945,259 项; from a million on in 万 (1,000.0 万项), so the card
    does not cut it off. The exact figure goes in the card's help."""
    if n >= 1_000_000:
        return f"{n / 10_000:,.1f} 万{unit}"
    return f"{n:,} {unit}"


def project_count_card(n_projects: int, programs: int, itemized: int, regions: int,
                       allocations: int) -> tuple[str, str, str]:
    """The 项目数 card's label (after the year prefix), value and help. A program reported by region
    and fund source, not by project (a transfer payment's 分配表), has no project records: its card
    counts the regions the money went to and says why, instead of a bare 0 that reads as missing
    data (and a short figure, which a narrow card does not cut off).

    Args:
        n_projects: project records in the selection.
        programs: programs (资金/部门预算) in the selection; ``itemized``: those with projects.
        regions, allocations: distinct regions and allocation rows in the selection.
    """
    unitemized = programs - itemized
    by_region = (f"按 {regions:,} 个地区分配下达（{allocations:,} 条资金分配记录）" if allocations
                 else "无项目明细")
    if n_projects == 0 and programs:
        why = f"{programs:,} 项资金/部门预算未分项目填报，{by_region}"
        return ("分配地区数", count(regions, "个"), why) if allocations else ("项目数", "未分项目", why)
    help_text = f"{n_projects:,} 个，涉及 {itemized:,} 项资金/部门预算"
    if unitemized > 0:
        help_text += f"；另有 {unitemized:,} 项未分项目填报，{by_region}"
    return "项目数", count(n_projects, "个"), help_text


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


def text(value: object) -> str:
    """A text cell for display; missing (None or NaN) shows as —."""
    if _missing(value) or value is None or (isinstance(value, str) and not value.strip()):
        return "—"
    return str(value)


def missing(value: object) -> bool:
    """None, NaN, NaT or pandas' NA: nothing to show."""
    if value is None:
        return True
    try:
        import pandas as pd

        return bool(pd.isna(value)) if not isinstance(value, (list, tuple, dict)) else False
    except (TypeError, ValueError):
        return False


def text_or(value: object, default: str = "—") -> str:
    """A value for a sentence or a card title: ``default`` where missing or blank (never "nan")."""
    if missing(value) or (isinstance(value, str) and not value.strip()):
        return default
    return str(value)


def joined(*values: object, sep: str = " ") -> str:
    """The present values joined (missing ones left out, never written as None/nan)."""
    return sep.join(str(v) for v in values if not missing(v) and str(v).strip())


# Empty cells of a table on screen: Streamlit's grid writes "None" there unless told otherwise.
TABLE_PLACEHOLDER = ""
# Every rate in a table, as a percentage with one decimal (the grid's own "percent" drops
# trailing zeros: 100% beside 94.65%). The screen frame holds the rate × 100 for it.
RATE_FORMAT = "%.2f%%"  # two decimals, as fmt.rate writes a rate on cards and captions
RATE_DECIMALS = 10  # of the percentage: the fraction's binary noise (94.64999999999999) goes


def display_frame(frame, rate_columns=()):
    """A table for the screen whose numbers stay numbers (they sort as numbers; an empty cell is
    left empty by the grid's placeholder, TABLE_PLACEHOLDER).

    Rate columns become percentages (× 100, for RATE_FORMAT); number columns that arrive as
    objects (DECIMAL cells, numbers with None among them) become numeric columns.
    Returns a new frame; the frame given (and so the downloads) is not changed.
    """
    import pandas as pd

    out = frame.copy()
    for col in out.columns:
        series = out[col]
        if series.dtype == object:
            present = series.dropna()
            if len(present) and all(isinstance(v, (int, float, Decimal)) and not isinstance(v, bool)
                                    for v in present):
                series = pd.to_numeric(series, errors="coerce").astype("Float64")
                out[col] = series
        if col in rate_columns and pd.api.types.is_numeric_dtype(series) \
                and not pd.api.types.is_bool_dtype(series):
            out[col] = (series.astype("Float64") * 100).round(RATE_DECIMALS)
    return out


def short(name: object, limit: int = 12) -> str:
    """A long name cut to ``limit`` characters with …, for chart axes on a phone (the hover and
    the tables give the full name)."""
    text_value = text_or(name)
    return text_value if len(text_value) <= limit else text_value[: limit - 1] + "…"


def program_list(programs, most: int = 3) -> str:
    """Programs named with their year for a caption: '2023年 中央…资金；2022年 兰州…预算', or
    the first ``most`` and how many more. ``programs``: rows with year and program_name."""
    rows = programs.sort_values(["year", "program_name"], ascending=[False, True])
    names = [f"{int(r.year)}年 {r.program_name}" for r in rows.head(most).itertuples()]
    more = len(rows) - len(names)
    return "；".join(names) + (f" 等 {len(rows):,} 项" if more > 0 else "")

