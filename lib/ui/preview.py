"""The upload preview's tables (rows added, changed old → new, removed) as a person checks them.

The changed cells of many columns share one 原值 and one 新值 column, so a number, a date and a
text can sit under each other: both sides are written as text at the precision stored (six
decimals for money, nothing cut), so the grid formats neither side by its own rules and the old
value reads exactly as the new one does. Rows name their project beside its id.
"""

from __future__ import annotations

import pandas as pd

from lib.labels import COLUMN_LABELS
from lib.outputs import fmt
from lib.outputs.export import RATE_COLUMNS


def cell_text(value: object) -> str:
    """A stored or incoming cell as written: 16, 15.14353, 2023-12-31, 优; — where empty."""
    if fmt.missing(value):
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        number = round(float(value), 6)  # storage precision: DECIMAL(18,6)
        return f"{number:.0f}" if number.is_integer() else repr(number)
    return str(value)


def rate_text(value: object) -> str:
    """A stored rate (a fraction) as the percentage it stands for, nothing cut: 0.184 → 18.4%,
    0.6122 → 61.22%; a value that is no number as ``cell_text``."""
    if fmt.missing(value) or isinstance(value, (bool, str)):
        return cell_text(value)
    try:
        return f"{round(float(value) * 100, 4):g}%"
    except (TypeError, ValueError):  # a date or another value that is no number
        return cell_text(value)


def readable(frame: pd.DataFrame, project_names: dict[str, str]) -> pd.DataFrame:
    """One preview table (TableDiff.added / changed / removed) for the screen: the changed column
    named as its sheet header, old and new values as ``cell_text``, the project's name after its
    id, Chinese headers; numbers stay numbers (the page shows empty cells with
    fmt.TABLE_PLACEHOLDER)."""
    out = frame.copy()
    rates = out["column"].isin(RATE_COLUMNS).tolist() if "column" in out.columns else [False] * len(out)
    for side in ("old", "new"):
        if side in out.columns:  # a rate reads as a percentage, as everywhere else (0.184 → 18.4%)
            out[side] = [rate_text(v) if is_rate else cell_text(v)
                         for v, is_rate in zip(out[side], rates, strict=True)]
    if "column" in out.columns:
        out["column"] = out["column"].map(lambda c: COLUMN_LABELS.get(c, c))
    if "project_id" in out.columns and "project_name" not in out.columns:
        names = ["—" if fmt.missing(p) else project_names.get(p, "—") for p in out["project_id"]]
        out.insert(out.columns.get_loc("project_id") + 1, "project_name", names)
    return fmt.display_frame(out).rename(columns=COLUMN_LABELS)
