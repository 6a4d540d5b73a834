"""Nothing dropped without a word: every non-empty cell of a form is either accounted for
(stored in a field, or read as a label, a title or a unit) or reported as not imported.

A cell under a column header the reader does not know is reported with its column
("列“年初目标值”未识别：11 个值未导入", the cells and sample values); any other cell on its own.
Cells a saved layout ignores on purpose are listed too, as ignored, and do not block an import;
nor do footers (填表人, 联系电话 …) outside the form's table.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass

from openpyxl.utils import get_column_letter

from lib.intake.form_layout import (
    _ALL_LABELS,
    CLOSING,
    DEVIATION_PREFIXES,
    FUND_ROWS,
    LEVEL1,
    SUBTOTAL,
    TOTAL_ROW,
    UNFILLED,
    fold,
    label_key,
)
from lib.intake.form_values import _text
from lib.intake.types import Finding

FOOTERS = ("填表人", "填报人", "联系电话", "联系人", "填报日期", "填表日期", "审核人", "负责人",
           "单位负责人", "财务负责人", "注:", "注1", "说明:")
# Cells that are labels only: their meaning is the form's structure, they carry no figure.
_BLOCK_LABELS = frozenset(
    [*_ALL_LABELS, *TOTAL_ROW, *SUBTOTAL, *(k for keys in FUND_ROWS.values() for k in keys),
     *(k for keys in CLOSING.values() for k in keys),
     "项目资金", "资金情况", "预算执行情况", "资金投入情况", "年度资金", "绩效指标", "年度绩效指标",
     "绩效指标完成情况", "按收入性质分", "按支出性质分", "其中", "指标", "资金来源", "项目资金来源",
     # the indicator tree's own names (DOMAIN.md): a 二级 with no 三级 under it holds no figure
     *LEVEL1, "数量指标", "质量指标", "时效指标", "经济效益指标", "社会效益指标", "生态效益指标",
     "可持续影响指标", "服务对象满意度指标", "经济成本指标", "社会成本指标", "生态环境成本指标"])
_TITLE = re.compile(r"(自评表|评价表|目标表|审批表|自评情况表|绩效自评|绩效评价)")
_UNIT = re.compile(r"^(?:金额|资金)?单位[:：]?(?:人民币)?(?:万元|元)$")
# a table's number in a disclosure package: "公开14表", "附表3", "附件1", "附件3：", "表2-1"
_TABLE_NO = re.compile(r"^(?:公开\d{1,3}表|附?表\d{1,3}(?:-\d{1,2})?|附件\d{1,3}(?:-\d{1,2})?:?"
                       r"|报表编号:[\w-]+)$")
# a contact in the heading ("项目负责人及电话 | 张三"): who to ask, not a figure of the form
_CONTACT = re.compile(r"^(?:项目)?(?:负责人|联系人|联系电话|经办人)")
_SAMPLES = 3


@dataclass(frozen=True)
class Unmapped:
    """Cells read but not stored, with where they are and why.

    ``header`` is the column's header as printed (None for a cell not under an unknown header);
    ``cells`` their references ("H7"); ``samples`` up to three of their values as shown.
    ``blocking``: whether the import waits for a decision (map the column, or accept).
    ``ignored_by``: the saved layout that ignores this column on purpose, if any.
    """

    file: str
    sheet: str
    block: str
    header: str | None
    column: str
    cells: tuple[str, ...]
    samples: tuple[str, ...]
    blocking: bool = True
    ignored_by: str | None = None

    @property
    def message(self) -> str:
        sample = "、".join(f"“{s}”" for s in self.samples)
        if self.ignored_by:
            return (f"列“{self.header}”按版式“{self.ignored_by}”忽略：{len(self.cells)} 个值未导入"
                    f"（如 {sample}）")
        if self.header is not None:
            if not self.cells:
                return f"表头“{self.header}”（{self.column}列）未识别，该列没有数值"
            return f"列“{self.header}”未识别：{len(self.cells)} 个值未导入（如 {sample}）"
        where = "表外内容" if not self.blocking else "单元格"
        return f"{where} {'、'.join(self.cells)} 未识别，未导入：{sample}"

    @property
    def message_en(self) -> str:
        if self.ignored_by:
            return f"column '{self.header}' ignored by layout '{self.ignored_by}': {len(self.cells)} values"
        if self.header is not None:
            return f"unknown column '{self.header}': {len(self.cells)} values not imported"
        return f"cell(s) {', '.join(self.cells)} not recognized, not imported"

    def as_finding(self) -> Finding:
        """As a finding of a refused import (lib.intake.workbook.Finding)."""
        first = self.cells[0] if self.cells else ""
        row = int(re.sub(r"\D", "", first)) if first else None
        column = f"{self.column}列" + (f"“{self.header}”" if self.header else "")
        return Finding(self.file, self.sheet, row, column, self.message, self.message_en)

    def as_dict(self) -> dict:
        return asdict(self) | {"problem": self.message, "problem_en": self.message_en,
                               "cells": "、".join(self.cells), "samples": "、".join(self.samples)}


@dataclass
class Block:
    """A table inside the form: its header rows and the rows of its body (inclusive)."""

    name: str
    header_rows: tuple[int, ...]
    first: int
    last: int
    ignored_columns: tuple[int, ...] = ()


def shown(value: object, number_format: str = "") -> str:
    """A value as a sample, as the sheet shows it (0.9 in a % cell is "90%"), cut to 30 characters."""
    text = unicodedata.normalize("NFKC", _text(value, number_format) or "").strip().replace("\n", " ")
    return text if len(text) <= 30 else text[:29] + "…"


def is_label_only(value: object) -> bool:
    """A label, title or unit line: structure, not a figure."""
    if not isinstance(value, str):
        return False
    key = label_key(value)
    if key in _BLOCK_LABELS or key.startswith(DEVIATION_PREFIXES) and len(key) <= 16:
        return True
    if re.sub(r"\(.*\)$", "", key) in _BLOCK_LABELS:  # "其他资金（自有资金、社会资本…）"
        return True
    text = fold(value)
    if _UNIT.match(text) or _TABLE_NO.match(text) or UNFILLED.match(text):
        return True
    return bool(_TITLE.search(text)) and len(text) <= 80


def account(grid, blocks: list[Block], file_label: str, layout_name: str | None = None
            ) -> tuple[list[Unmapped], int, int]:
    """(what was not imported, cells read, cells accounted for) of one form sheet."""
    for block in blocks:  # a saved layout's ignored columns
        for c in block.ignored_columns:
            for r in range(block.first, block.last + 1):
                top = grid.span(r, c)[:2]
                if top in grid.cells and top not in grid.used:
                    grid.ignored[top] = layout_name or ""
    left = [(r, c) for (r, c) in sorted(grid.cells) if (r, c) not in grid.used
            and (r, c) not in grid.ignored and not is_label_only(grid.cells[(r, c)])]
    groups: dict[tuple, list[tuple[int, int]]] = {}
    singles: list[tuple[int, int]] = []
    for r, c in left:
        owner = _header_of(grid, blocks, r, c)
        if owner is None:
            singles.append((r, c))
        else:
            groups.setdefault(owner, []).append((r, c))
    out: list[Unmapped] = []
    header_cells = {(hr, hc) for _, hr, hc in groups}
    for (block, hr, hc), cells in groups.items():
        values = [(r, c) for r, c in cells if (r, c) != (hr, hc)]
        out.append(Unmapped(file_label, grid.title, block, _header_text(grid.cells[(hr, hc)]),
                            get_column_letter(hc), tuple(grid.ref(r, c) for r, c in values),
                            _samples(grid, values), blocking=bool(values)))
    for r, c in singles:
        if (r, c) in header_cells:
            continue
        value = grid.cells[(r, c)]
        footer = isinstance(value, str) and fold(value).startswith(FOOTERS) or _is_contact(grid, r, c)
        out.append(Unmapped(file_label, grid.title, "footer" if footer else _block_at(blocks, r), None,
                            get_column_letter(c), (grid.ref(r, c),), _samples(grid, [(r, c)]),
                            blocking=not footer))
    ignored: dict[tuple, list[tuple[int, int]]] = {}
    for (r, c), name in grid.ignored.items():
        owner = _header_of(grid, blocks, r, c, any_header=True)
        if owner is not None:
            ignored.setdefault((owner, name), []).append((r, c))
    for ((block, hr, hc), name), cells in ignored.items():
        values = [p for p in sorted(cells) if p != (hr, hc)]
        out.append(Unmapped(file_label, grid.title, block, _header_text(grid.cells.get((hr, hc), "")),
                            get_column_letter(hc), tuple(grid.ref(*p) for p in values),
                            _samples(grid, values), False, name))
    return out, len(grid.cells), len(grid.cells) - len(left) - len(grid.ignored)


def _is_contact(grid, r: int, c: int) -> bool:
    """A contact label in the form's heading, or the name / number written right of one: listed
    as not imported without holding the import up, like a footer's 填表人."""
    value = grid.cells[(r, c)]
    if isinstance(value, str) and _CONTACT.match(fold(value)):
        return True
    labels = [(cc, v) for (rr, cc), v in grid.cells.items() if rr == r and cc < c and isinstance(v, str)
              and (label_key(v) in _BLOCK_LABELS or _CONTACT.match(fold(v)))]
    return bool(labels) and bool(_CONTACT.match(fold(max(labels)[1])))


def _header_text(value: object) -> str:
    """A header as printed, whole (a saved layout matches on it), on one line."""
    return re.sub(r"\s+", " ", str(value)).strip()


def _samples(grid, cells: list[tuple[int, int]]) -> tuple[str, ...]:
    return tuple(shown(grid.cells[p], grid.formats.get(p, "")) for p in cells[:_SAMPLES])


def _block_at(blocks: list[Block], r: int) -> str:
    """Which part of the form row r is in: a block, the heading above them, or the closing."""
    for block in blocks:
        if min(block.header_rows, default=block.first) <= r <= block.last:
            return block.name
    return "closing" if blocks and r > max(b.last for b in blocks) else "heading"


def _header_of(grid, blocks: list[Block], r: int, c: int, any_header: bool = False
               ) -> tuple[str, int, int] | None:
    """(block, header row, header column) of the header a cell sits under, when that header is
    one the reader did not know (or, with ``any_header``, any header)."""
    for block in blocks:
        if not block.header_rows:
            continue
        top = min(block.header_rows)
        if not top <= r <= block.last:
            continue
        for hr in sorted(block.header_rows, reverse=True):  # the lowest header row names the column
            if r <= hr and (r, c) != grid.span(hr, c)[:2]:
                continue
            head = grid.span(hr, c)[:2]
            if head not in grid.cells:
                continue
            if any_header or (head not in grid.used and not is_label_only(grid.cells[head])):
                return block.name, head[0], head[1]
            break
    return None
