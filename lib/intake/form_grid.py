"""One form table as a grid of cells: non-empty values, merged ranges, number formats,
formulas, and which cells the reader has accounted for (stored, or read as a label)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from openpyxl.cell.cell import MergedCell
from openpyxl.utils import get_column_letter

from lib.intake.form_layout import _ALL_LABELS, MAX_FORM_COLS, MAX_FORM_ROWS, label_in, label_key


class _Grid:
    """A sheet's non-empty cells and merged ranges; a merged range's value is its top-left's."""

    def __init__(self, title: str, cells: dict[tuple[int, int], object], formats: dict[tuple[int, int], str],
                 merged: Iterable[tuple[int, int, int, int]], formulas: set[tuple[int, int]] | None = None,
                 visible: bool = True):
        """``cells``: (row, column) → value of the non-empty cells (1-based, as Excel counts);
        ``merged``: (first row, first column, last row, last column) of each merged range."""
        self.title, self.visible = title, visible
        self.cells: dict[tuple[int, int], object] = {}
        self.formats = formats
        self.by_row: dict[int, list[int]] = {}
        for (r, c), value in sorted(cells.items()):
            if r > MAX_FORM_ROWS or c > MAX_FORM_COLS or value is None:
                continue
            if isinstance(value, str) and not value.strip():
                continue
            self.cells[(r, c)] = value
            self.by_row.setdefault(r, []).append(c)
        self.max_row = max((r for r, _ in self.cells), default=0)
        self.max_col = max((c for _, c in self.cells), default=0)
        self.bounds: dict[tuple[int, int], tuple[int, int, int, int]] = {}
        for r0, c0, r1, c1 in merged:
            r1, c1 = min(r1, MAX_FORM_ROWS), min(c1, MAX_FORM_COLS)
            self.max_row, self.max_col = max(self.max_row, r1), max(self.max_col, c1)
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    self.bounds[(r, c)] = (r0, c0, r1, c1)
        self.formulas = formulas or set()
        # cells the reader accounted for: stored in a field or read as a label (top-left of a range)
        self.used: set[tuple[int, int]] = set()
        # cells a saved layout says to ignore: (row, col) -> the layout's name
        self.ignored: dict[tuple[int, int], str] = {}

    @classmethod
    def from_openpyxl(cls, ws, formulas: set[tuple[int, int]]) -> _Grid:
        """A worksheet opened by openpyxl in normal mode (so merged ranges are known)."""
        cells, formats = {}, {}
        for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row or 0, MAX_FORM_ROWS),
                                max_col=min(ws.max_column or 0, MAX_FORM_COLS)):
            for cell in row:
                if cell.value is not None and not isinstance(cell, MergedCell):
                    cells[(cell.row, cell.column)] = cell.value
                    formats[(cell.row, cell.column)] = cell.number_format or ""
        merged = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
        return cls(ws.title, cells, formats, merged, formulas, ws.sheet_state == "visible")

    def fresh(self) -> _Grid:
        """The same cells with nothing accounted for yet (for a second reading)."""
        copy = object.__new__(_Grid)
        copy.__dict__.update(self.__dict__)
        copy.used, copy.ignored = set(), {}
        return copy

    def use(self, r: int, c: int) -> None:
        """Mark the (merged) cell at (r, c) as accounted for."""
        self.used.add(self.span(r, c)[:2])

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
             max_col: int | None = None, inline: bool = True) -> tuple[int, int, str | None] | None:
        """The first cell (row by row) whose label is one of ``keys``: (row, col, inline value).

        A cell "项目名称：档案整理" matches with the inline value "档案整理" (unless not ``inline``);
        a label matches by its kernel too ("自治区主管部门" for 主管部门, lib.intake.form_layout.label_in).
        """
        wanted = set(keys)
        for r in range(min_row, (max_row or self.max_row) + 1):
            for c, value in self.row_cells(r):
                if max_col and c > max_col or not isinstance(value, str):
                    continue
                if label_in(label_key(value), wanted):
                    self.use(r, c)
                    return r, c, None
                text = unicodedata.normalize("NFKC", value).strip()
                if inline and ":" in text:
                    head, rest = text.split(":", 1)
                    if label_in(label_key(head), wanted) and rest.strip():
                        self.use(r, c)
                        return r, c, rest.strip()
        return None

    def value_right(self, r: int, c: int) -> tuple[object, int, int] | None:
        """The first value right of a label cell on its row, unless another label comes first."""
        r0, _, _, c1 = self.span(r, c)
        cc = c1 + 1
        while cc <= self.max_col:
            value = self.effective(r0, cc)
            if value is not None:
                if isinstance(value, str) and label_in(label_key(value), _ALL_LABELS):
                    return None
                return value, r0, cc
            cc = self.span(r0, cc)[3] + 1
        return None

