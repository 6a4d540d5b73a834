"""What an upload changes: rows added, changed (old → new) and removed, per table.

Pure: two frames in, a TableDiff out. Rows are matched on the sheet's key; values are compared
after normalizing what storage does to them (DECIMAL vs float, dates vs timestamps, NaN vs
None), so an unchanged re-upload shows no changes.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from lib.labels import SHEET_LABELS


@dataclass
class TableDiff:
    added: pd.DataFrame
    removed: pd.DataFrame
    # one row per changed cell: key columns, then column, old, new
    changed: pd.DataFrame
    unchanged: int

    @property
    def changed_rows(self) -> int:
        if self.changed.empty:
            return 0
        keys = [c for c in self.changed.columns if c not in ("column", "old", "new")]
        return len(self.changed[keys].drop_duplicates())

    @property
    def empty(self) -> bool:
        return self.added.empty and self.removed.empty and self.changed.empty


def normalize(value: object) -> object:
    """A comparable form of a cell: None for missing, floats rounded to storage precision."""
    kind = type(value)  # the common cells first: a preview normalizes every cell of both sides
    if kind is str:
        return value
    if kind is float:
        return None if math.isnan(value) else round(value, 6)
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float, Decimal)):
        return round(float(value), 6)
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalar
        return normalize(value.item())
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()[:10]
    return str(value)


def _keyed(frame: pd.DataFrame, key: list[str], columns: list[str]) -> dict[tuple, dict]:
    out: dict[tuple, dict] = {}
    key_at = [columns.index(k) for k in key]
    for values in zip(*(frame[c].tolist() for c in columns), strict=True):
        norm = [normalize(v) for v in values]
        out[tuple(norm[i] for i in key_at)] = dict(zip(columns, norm, strict=True))
    return out


def diff_rows(old: pd.DataFrame, new: pd.DataFrame, key: list[str], columns: list[str]) -> TableDiff:
    """Compare the stored rows with the incoming ones on ``key``.

    Args:
        old: the rows stored now (only those the upload would replace).
        new: the incoming rows.
        key: columns that identify a row (the sheet's key).
        columns: the columns to compare (key included).
    """
    before = _keyed(old, key, columns)
    after = _keyed(new, key, columns)
    added = [after[k] for k in after if k not in before]
    removed = [before[k] for k in before if k not in after]
    changed = []
    unchanged = 0
    for k in after:
        if k not in before:
            continue
        cells = [(c, before[k][c], after[k][c]) for c in columns
                 if c not in key and before[k][c] != after[k][c]]
        if not cells:
            unchanged += 1
        for column, was, now in cells:
            changed.append({**dict(zip(key, k, strict=True)), "column": column, "old": was, "new": now})
    return TableDiff(
        added=pd.DataFrame(added, columns=columns),
        removed=pd.DataFrame(removed, columns=columns),
        changed=pd.DataFrame(changed, columns=[*key, "column", "old", "new"]),
        unchanged=unchanged,
    )


def summary(diffs: dict[str, TableDiff]) -> pd.DataFrame:
    """One row per table: rows added, changed, removed and unchanged."""
    return pd.DataFrame([
        {"table": table, "sheet": SHEET_LABELS.get(table, table), "added": len(d.added),
         "changed": d.changed_rows, "removed": len(d.removed), "unchanged": d.unchanged}
        for table, d in diffs.items()
    ])

