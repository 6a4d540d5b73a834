"""The funds block of a form sheet (项目资金 / 资金投入情况 / 资金情况): its header and rows, the
amount unit, and the typed values of a row. A mixin of lib/intake/form_sheet.py's reader, which
provides the grid (``g``), the saved layout, ``blocks`` and ``convert_cell``."""

from __future__ import annotations

import re

from lib.intake.coverage import Block, is_label_only
from lib.intake.form_layout import (
    FUND_COLUMN_NAMES,
    FUND_COLUMNS,
    FUND_RATES,
    FUND_ROWS,
    L_ACHIEVED,
    L_EXPECTED,
    L_FUNDS_TEXT,
    L_FUNDS_TEXT_COLUMNS,
    L_OBJECTIVE,
    fold,
    label_key,
)
from lib.intake.form_values import _amount, _rate, _score, _text
from lib.intake.types import YUAN_PER_WAN


class _FundsReader:
    def in_yuan(self, funds_rows: range) -> bool:
        """Amounts in 元 when the funds block (or else the heading) says so; 万元 by default."""
        def units(rows) -> list[str]:
            found = []
            for r in rows:
                for _, value in self.g.row_cells(r):
                    if isinstance(value, str):
                        text = fold(value)
                        found += re.findall(r"\((万元|元)\)", text)
                        found += re.findall(r"单位:?(?:人民币)?(万元|元)(?![/\w])", text)
            return found
        block = units(funds_rows)
        if block:
            return "元" in block and "万元" not in block
        heading = units(range(1, funds_rows.start))
        return "元" in heading and "万元" not in heading

    @staticmethod
    def _block_label(value: str) -> bool:
        """A label that belongs to another block (年度总体目标 …), not to a funds row."""
        key = label_key(value)
        return key in L_OBJECTIVE or key in L_EXPECTED or key in L_ACHIEVED

    # -------------------------------------------------------------- funds block
    def funds(self, start: int, stop: int) -> tuple[dict, int | None, float]:
        """The funds table: {row name: {field: (value, r, c)}}, its header row, the amount scale."""
        header = None
        for r in range(start, stop):
            keys = {label_key(v): c for c, v in self.g.row_cells(r) if isinstance(v, str)}
            # 贵州, 山东: 年初预算数(A) | 全年执行数(B), no 全年预算数
            budgets = set(FUND_COLUMNS["budget"]) | set(FUND_COLUMNS["budget_initial"])
            if set(keys) & budgets and set(keys) & set(FUND_COLUMNS["executed"]):
                header = r
                break
        if header is None:
            return self._labelled_funds(start, stop)
        self.ignored_funds: list[int] = []
        columns: dict[str, tuple[int, int]] = {}
        for c, value in self.g.row_cells(header):
            if not isinstance(value, str):
                continue
            key = label_key(value)
            choice = self.layout.get(key)
            if choice == "ignore":
                self.ignored_funds.append(c)
                self.g.use(header, c)
                continue
            for name, variants in FUND_COLUMNS.items():
                if (key in variants or choice == name) and name not in columns:
                    columns[name] = (c, self.g.span(header, c)[3])
                    self.g.use(header, c)
        first = min(c0 for c0, _ in columns.values())
        end = stop
        self.funds_texts: list[tuple[str, str | None, str | None, int]] = []
        for r in range(header + 1, stop):
            labels = [label_key(v) for c, v in self.g.row_cells(r) if c < first and isinstance(v, str)]
            if any(k in L_OBJECTIVE or k in L_EXPECTED or k in L_ACHIEVED for k in labels):
                end = r
                break
            if self._funds_text_head(r, first, labels):
                end = r
                self.funds_texts = self._funds_text_block(r, first)
                break
        scale = 1 / YUAN_PER_WAN if self.in_yuan(range(header, end)) else 1.0
        rows: dict[str, dict] = {}
        for r in range(header + 1, end):
            name = None
            for c, value in self.g.row_cells(r):
                if c >= first or not isinstance(value, str):
                    continue
                key = label_key(value)
                bare = re.sub(r"\(.*\)$", "", key)  # "其他资金（自有资金、社会资本…）"
                for canonical, variants in FUND_ROWS.items():
                    if key in variants or bare in variants:
                        name = canonical  # the rightmost label names the row (按收入性质分 | 一般公共预算)
            if name is None:  # a row named by its own label ("中央自然灾害救灾资金（干旱灾害救灾补助）")
                own = [v for c, v in self.g.row_cells(r) if c < first and isinstance(v, str)
                       and not is_label_only(v)]
                has_values = any(self.g.at_row(r, cc) is not None for c0, c1 in columns.values()
                                 for cc in range(c0, c1 + 1))
                if own and has_values:
                    name = re.sub(r"^其中[:：,、]?", "", own[-1].strip())  # kept as written
            if name is None or name in rows:
                if not any(self.g.at_row(r, cc) is not None for c0, c1 in columns.values()
                           for cc in range(c0, c1 + 1)):
                    for c, value in self.g.row_cells(r):  # a source row left empty: its label only
                        if c < first and isinstance(value, str) and (name or not self._block_label(value)):
                            self.g.use(r, c)
                continue
            for c, value in self.g.row_cells(r):
                if c < first and isinstance(value, str):
                    self.g.use(r, c)  # the row's labels (按收入性质分 | 一般公共预算)
            values = {}
            for fname, (c0, c1) in columns.items():
                for cc in range(c0, c1 + 1):
                    value = self.g.at_row(r, cc)
                    if value is not None:
                        values[fname] = (value, r, cc)
                        break
                else:
                    values[fname] = (None, r, c0)
            rows[name] = values | {"_row": r}
        self.blocks.append(Block("funds", (header,), header + 1, end - 1, tuple(self.ignored_funds)))
        return rows, header, scale

    def _funds_text_head(self, r: int, first: int, labels: list[str]) -> bool:
        """A row that heads a text block inside the funds area: 资金管理情况 on its left, or 情况说明
        where the amounts' headers stand."""
        heads = [label_key(v) for c, v in self.g.row_cells(r) if c >= first and isinstance(v, str)]
        return any(k in L_FUNDS_TEXT for k in labels) or any(k in L_FUNDS_TEXT_COLUMNS for k in heads)

    def _funds_text_block(self, r: int, first: int) -> list[tuple[str, str | None, str | None, int]]:
        """(item, 情况说明, 存在问题和改进措施, row) of a text block such as
        资金管理情况 | 分配科学性 | 情况说明: the items down the label column, their texts under the
        text headers, as far as the block's head runs down (its merged cell), else to the first row
        that is not an item."""
        columns = [(c, label_key(v)) for c, v in self.g.row_cells(r) if c >= first and isinstance(v, str)]
        for c, value in self.g.row_cells(r):
            if isinstance(value, str):
                self.g.use(r, c)
        head = next(((c, v) for c, v in self.g.row_cells(r) if c < first and isinstance(v, str)
                     and label_key(v) in L_FUNDS_TEXT), None)
        last = self.g.span(r, head[0])[2] if head else self.g.max_row
        texts = [c for c, _ in columns]
        items = []
        for rr in range(r + 1, last + 1):
            labels = [(c, v) for c, v in self.g.row_cells(rr) if c < first and isinstance(v, str)
                      and self.g.span(rr, c)[0] == rr]
            if not labels or any(label_key(v) in L_OBJECTIVE or label_key(v) in L_EXPECTED
                                 or label_key(v) in L_ACHIEVED for _, v in labels):
                break
            item_col, item = labels[-1]
            self.g.use(rr, item_col)
            values = []
            for c in texts:
                value = _text(self.g.at_row(rr, c))
                if value:
                    self.g.use(rr, c)
                values.append(value)
            values += [None] * (2 - len(values))
            items.append((item.strip(), values[0], values[1], rr))
        self.blocks.append(Block("funds_text", (r,), r + 1, max((i[3] for i in items), default=r)))
        return items

    def fund_values(self, cells: dict, scale: float, what: str) -> dict:
        """Typed values of one funds row: amounts in 万元, rate as a fraction, weight and score."""
        typed = {}
        for fname, (value, r, c) in ((k, v) for k, v in cells.items() if k != "_row"):
            if value is not None:
                self.g.use(r, c)  # read here means stored: callers store every value they ask for
            label = what + (FUND_COLUMN_NAMES | {"weight": "分值", "rate": "执行率", "score": "得分",
                                                 "received_rate": "到位率", "reason": "原因",
                                                 "method": "得分计算方法"})[fname]
            if fname in ("reason", "method"):
                typed[fname] = _text(value)
            elif fname in FUND_COLUMN_NAMES:
                typed[fname] = self.convert_cell(_amount, value, r, c, label, scale)
            elif fname in FUND_RATES:
                typed[fname] = self.convert_cell(_rate, value, r, c, label)
            else:
                typed[fname] = self.convert_cell(_score, value, r, c, label)
        return typed

    def _labelled_funds(self, start: int, stop: int) -> tuple[dict, int | None, float]:
        """A funds block with no column header: labels with their amounts on the right
        ("年度资金总额： | 16", "其中：上级资金 | 16"), as a 绩效目标表 prints it. The amounts are
        budgets: a targets form has no spending yet."""
        hit = self.g.find(FUND_ROWS["年度资金总额"], min_row=start, max_row=stop - 1)
        if hit is None or hit[2] is not None:
            return {}, None, 1.0
        first, c_label = hit[0], hit[1]
        rows: dict[str, dict] = {}
        r = first
        while r < stop:
            value = self.g.at_row(r, c_label)
            right = self.g.value_right(r, c_label) if isinstance(value, str) else None
            if right is None or not _AMOUNT.fullmatch(fold(right[0])):
                break
            key = label_key(value)
            name = next((canon for canon, variants in FUND_ROWS.items() if key in variants), None)
            name = name or re.sub(r"^其中[:：,、]?", "", value.strip())  # a source named as written
            self.g.use(r, c_label)
            rows[name] = {"budget": (right[0], right[1], right[2]), "_row": r}
            r = self.g.span(r, c_label)[2] + 1
        self.blocks.append(Block("funds", (), first, r - 1))
        return rows, first, 1 / YUAN_PER_WAN if self.in_yuan(range(first, r)) else 1.0


# an amount as a labelled funds block writes it: "16", "1,200.5", "10000万元"
_AMOUNT = re.compile(r"\d[\d,]*(?:\.\d+)?(?:万元|元)?")
