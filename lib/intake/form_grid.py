"""One form table as a grid of cells: non-empty values, merged ranges, number formats,
formulas, and which cells the reader has accounted for (stored, or read as a label)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from openpyxl.cell.cell import MergedCell
from openpyxl.utils import get_column_letter

from lib.intake.form_layout import _ALL_LABELS, MAX_FORM_COLS, MAX_FORM_ROWS, label_key


class _Grid:
    """A sheet's non-empty cells and merged ranges; a merged range's value is its top-left's."""

    def __init__(self, ws, formulas: set[tuple[int, int]]):
        self.title = ws.title
        self.max_row = min(ws.max_row or 0, MAX_FORM_ROWS)
        self.max_col = min(ws.max_column or 0, MAX_FORM_COLS)
        self.cells: dict[tuple[int, int], object] = {}
        self.formats: dict[tuple[int, int], str] = {}
        self.by_row: dict[int, list[int]] = {}
        for row in ws.iter_rows(min_row=1, max_row=self.max_row, max_col=self.max_col):
            for cell in row:
                value = cell.value
                if value is None or isinstance(cell, MergedCell):
                    continue
                if isinstance(value, str) and not value.strip():
                    continue
                self.cells[(cell.row, cell.column)] = value
                self.formats[(cell.row, cell.column)] = cell.number_format or ""
                self.by_row.setdefault(cell.row, []).append(cell.column)
        self.bounds: dict[tuple[int, int], tuple[int, int, int, int]] = {}
        for rng in ws.merged_cells.ranges:
            r0, c0 = rng.min_row, rng.min_col
            r1, c1 = min(rng.max_row, self.max_row), min(rng.max_col, self.max_col)
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    self.bounds[(r, c)] = (r0, c0, r1, c1)
        self.formulas = formulas

    def span(self, r: int, c: int) -> tuple[int, int, int, int]:
        return self.bounds.get((r, c), (r, c, r, c))

    def effective(self, r: int, c: int) -> object:
        """The value shown at (r, c): a merged range's top-left value anywhere in the range."""
        r0, c0, _, _ = self.span(r, c)
        return self.cells.get((r0, c0))

    def at_row(self, r: int, c: int) -> object:
        """The value shown at (r, c) if its (merged) cell starts on row r, else None."""
        r0, c0, _, _ = self.span(r, c)
        return self.cells.get((r0, c0)) if r0 == r else None

    def ref(self, r: int, c: int) -> str:
        r0, c0, _, _ = self.span(r, c)
        return f"{get_column_letter(c0)}{r0}"

    def is_formula(self, r: int, c: int) -> bool:
        r0, c0, _, _ = self.span(r, c)
        return (r0, c0) in self.formulas

    def row_cells(self, r: int) -> list[tuple[int, object]]:
        """(column, value) of the cells that start on row r, left to right."""
        return [(c, self.cells[(r, c)]) for c in sorted(self.by_row.get(r, ()))]

    def texts(self) -> list[str]:
        return [v for v in self.cells.values() if isinstance(v, str)]

    def find(self, keys: Iterable[str], min_row: int = 1, max_row: int | None = None,
             max_col: int | None = None) -> tuple[int, int, str | None] | None:
        """The first cell (row by row) whose label is one of ``keys``: (row, col, inline value).

        A cell "项目名称：档案整理" matches with the inline value "档案整理".
        """
        wanted = set(keys)
        for r in range(min_row, (max_row or self.max_row) + 1):
            for c, value in self.row_cells(r):
                if max_col and c > max_col or not isinstance(value, str):
                    continue
                if label_key(value) in wanted:
                    return r, c, None
                text = unicodedata.normalize("NFKC", value).strip()
                if ":" in text:
                    head, rest = text.split(":", 1)
                    if label_key(head) in wanted and rest.strip():
                        return r, c, rest.strip()
        return None

    def value_right(self, r: int, c: int) -> tuple[object, int, int] | None:
        """The first value right of a label cell on its row, unless another label comes first."""
        r0, _, _, c1 = self.span(r, c)
        cc = c1 + 1
        while cc <= self.max_col:
            value = self.effective(r0, cc)
            if value is not None:
                if isinstance(value, str) and label_key(value) in _ALL_LABELS:
                    return None
                return value, r0, cc
            cc = self.span(r0, cc)[3] + 1
        return None

