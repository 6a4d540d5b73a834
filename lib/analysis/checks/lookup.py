"""Rows of a frame by key, for rules that take each record's related rows.

A rule that filtered the whole frame once per record (``indicators[indicators.program_id == x]``)
cost the audit of a 200,000-row selection most of its time; an index built once answers each
record with one dict look-up and returns the same rows in the same order.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterator, Mapping

import pandas as pd


class RowIndex:
    """Row positions of ``frame`` per tuple of ``columns`` values. Values are compared exactly
    (as ``==`` does); a missing value (None, NaN, NA) is keyed ``None``, so ``rows(x, None)``
    gives the rows whose second column is missing (as ``isna()`` does)."""

    def __init__(self, frame: pd.DataFrame, columns: list[str] | tuple[str, ...]):
        self.frame = frame
        values = [_plain(frame[c]) for c in columns]
        self._positions: dict[tuple, list[int]] = {}
        for i, key in enumerate(zip(*values, strict=True)):
            self._positions.setdefault(key, []).append(i)

    def positions(self, *key: Hashable) -> list[int]:
        return self._positions.get(key, [])

    def rows(self, *key: Hashable) -> pd.DataFrame:
        """The rows with these key values, in frame order (empty, with the columns, when none)."""
        return self.frame.iloc[self.positions(*key)]

    def keys(self):
        return self._positions.keys()


def program_rows(frames: Mapping[str, pd.DataFrame], name: str, program_id: object) -> pd.DataFrame:
    """The rows of ``frames[name]`` whose program_id is ``program_id`` (as ``==`` selects them:
    none for a missing id), from an index made once per audit run."""
    frame = frames.get(name, pd.DataFrame())
    if frame.empty or program_id is None or (isinstance(program_id, float) and math.isnan(program_id)):
        return frame.iloc[0:0]
    cache = getattr(frames, "index_cache", None)
    if cache is None:  # a check called on its own: one scan is cheaper than an index
        return frame[frame["program_id"] == program_id]
    if name not in cache:
        cache[name] = RowIndex(frame, ["program_id"])
    return cache[name].rows(program_id)


def plain_text_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its string columns as object columns (same values; missing stays NaN)."""
    text = [c for c in frame.columns if isinstance(frame[c].dtype, pd.StringDtype)]
    if not text:
        return frame
    return frame.assign(**{c: frame[c].astype(object) for c in text})


def _plain(column: pd.Series) -> list:
    return column.astype(object).where(column.notna(), None).tolist()


def frame_rows(frames: Mapping[str, pd.DataFrame], name: str) -> list[dict]:
    """Every row of ``frames[name]`` as a dict (see _dict_rows), made once per audit run: several
    rules walk every indicator, and making the dicts was most of each walk. Rows are shared
    between rules: read them, never change them."""
    cache = getattr(frames, "row_cache", None)
    if cache is not None and name in cache:
        return cache[name]
    rows = list(_dict_rows(frames.get(name, pd.DataFrame())))
    if cache is not None:
        cache[name] = rows
    return rows


def _dict_rows(frame: pd.DataFrame) -> Iterator[dict]:
    """The rows as dicts of plain values: iterrows builds a Series per row, which cost the audit
    of a year's 100,000 indicators most of its time."""
    columns = list(frame.columns)
    for values in zip(*(frame[c].tolist() for c in columns), strict=True):
        yield dict(zip(columns, values, strict=True))


class _Row:
    """Attribute access over a row dict or Series (for rows assembled from several frames)."""

    def __init__(self, series: pd.Series | dict):
        self._s = series

    def __getattr__(self, name):
        return self._s.get(name)
