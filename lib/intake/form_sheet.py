"""Reading the blocks of one form sheet (heading fields, funds, objectives, indicators, total
and closing texts) into positioned values; lib/intake/form_records.py turns them into rows."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from lib.intake import workbook_spec as spec
from lib.intake.coverage import FOOTERS, Block
from lib.intake.form_funds import _FundsReader
from lib.intake.form_grid import _Grid
from lib.intake.form_layout import (
    _ALL_LABELS,
    _NOT_APPLICABLE,
    _RATINGS,
    CLOSING,
    DEVIATION_PREFIXES,
    INDICATOR_COLUMNS,
    L_ACHIEVED,
    L_EXPECTED,
    L_OBJECTIVE,
    L_RATING,
    L_REGION,
    L_YEAR,
    LEVEL1,
    LEVEL1_OF,
    REGION,
    SUBTOTAL,
    TOTAL_ROW,
    UNFILLED,
    fold,
    label_in,
    label_key,
    split_deviation,
)
from lib.intake.form_values import (
    _blank,
    _level1,
    _operator,
    _rating,
    _score,
    _text,
)
from lib.intake.types import CellError, Finding


def _ends_block(text: str) -> bool:
    """A row led by 总分, a closing label (存在问题 …), 自评等级 or a footer ends the indicators."""
    key = label_key(text)
    head = label_key(unicodedata.normalize("NFKC", text).split(":", 1)[0])
    closing = {k for keys in CLOSING.values() for k in keys}
    return (key in TOTAL_ROW or key in closing or head in closing or key in L_RATING or head in L_RATING
            or fold(text).startswith(FOOTERS))


# a date, or a line naming one (填报日期, 报告日期 …): never the form's year
_A_DATE = re.compile(r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月|(?:填报|填表|报告|报送|编制)日期|^日期")
_REGION_SUFFIX = re.compile(r"^(?P<name>.+?)[(（](?P<region>[^()（）]{2,12}?(?:省|市|区|县|州|盟|旗))[)）]$")


# ================================================================ reading


@dataclass
class _Out:
    """Rows of one file, per table, with where each came from."""

    label: str
    tables: dict[str, list[dict]] = field(default_factory=lambda: {s.table: [] for s in spec.SHEETS})
    origins: dict[str, list[tuple[str, str, int]]] = field(
        default_factory=lambda: {s.table: [] for s in spec.SHEETS})
    findings: list[Finding] = field(default_factory=list)

    def add(self, table: str, row: dict, sheet: str, excel_row: int) -> None:
        columns = [c.name for c in spec.SHEETS_BY_TABLE[table].columns]
        self.tables[table].append({c: row.get(c) for c in columns})
        self.origins[table].append((self.label, sheet, excel_row))

    def add_program(self, row: dict, sheet: str, excel_row: int) -> None:
        """One row per program id: a later sheet of the same program fills only empty fields."""
        for existing in self.tables["programs"]:
            if existing["program_id"] == row["program_id"]:
                for key, value in row.items():
                    if existing.get(key) is None and value is not None:
                        existing[key] = value
                return
        self.add("programs", row, sheet, excel_row)

    def add_source(self, row: dict, sheet: str) -> None:
        if all(s["source_id"] != row["source_id"] for s in self.tables["sources"]):
            self.add("sources", row, sheet, 1)


class _SheetReader(_FundsReader):
    """Reads one sheet of a form; problems become findings naming the sheet and the cell."""

    def __init__(self, grid: _Grid, kind: str, out: _Out, layout: dict[str, str] | None = None):
        """``layout``: a saved layout's header → field choices (folded header keys; "ignore")."""
        self.g, self.kind, self.out = grid, kind, out
        self.layout = layout or {}
        self.ok = True
        self.blocks: list[Block] = []

    # -------------------------------------------------------------- findings
    def problem(self, r: int | None, c: int | None, zh: str, en: str) -> None:
        self.ok = False
        ref = self.g.ref(r, c) if r and c else ""
        row = int(re.sub(r"\D", "", ref)) if ref else r
        finding = Finding(self.out.label, self.g.title, row, ref, zh, en)
        if finding not in self.out.findings:  # a merged cell is met on every row it spans
            self.out.findings.append(finding)

    def convert_cell(self, fn, value: object, r: int, c: int, what: str, *args):
        try:
            result = fn(value, *args)
        except CellError as err:
            self.problem(r, c, f"{what}：{err.zh}", f"{what}: {err.en}")
            return None
        if result is None and value is None and self.g.is_formula(r, c):
            self.problem(r, c, f"{what}：单元格含公式但没有计算结果；请在Excel中重新计算并保存",
                         f"{what}: the cell holds a formula with no calculated value; recalculate and save")
        return result

    # -------------------------------------------------------------- labels
    def field(self, keys: Iterable[str], max_row: int | None = None,
              inline: bool = True) -> tuple[str | None, int, int] | None:
        """(text, row, col of the value) for a labelled field; None when the label is absent.
        ``inline=False``: only a label cell with its value to the right, not "项目名称：…"."""
        hit = self.g.find(keys, max_row=max_row, inline=inline)
        if hit is None:
            return None
        r, c, inline = hit
        if inline is not None:
            return inline, r, c
        right = self.g.value_right(r, c)
        if right is None:
            return None, r, self.g.span(r, c)[3] + 1
        value, rr, cc = right
        self.g.use(rr, cc)
        text = _text(value, self.g.formats.get(self.g.span(rr, cc)[:2], ""))
        label = label_key(self.g.effective(r, c))
        if "/" in label and text:
            parts, values = label.split("/"), re.split(r"\s*[/／]\s*", text)
            if len(parts) == len(values):  # "项目实施单位/项目负责人 | 某单位/张三": the part asked for
                text = next((v for p, v in zip(parts, values, strict=True) if label_in(p, set(keys))), text)
        return text, rr, cc

    def required_text(self, keys: tuple[str, ...], what: str, what_en: str,
                      max_row: int | None) -> str | None:
        found = self.field(keys, max_row)
        if found is None:
            self.problem(None, None, f"未找到“{what}”", f"label '{what}' ({what_en}) not found")
            return None
        text, r, c = found
        if not text:
            self.problem(r, c, f"“{what}”为空", f"{what_en} is empty")
        return text

    def title_name(self, max_row: int) -> str | None:
        """What a title names when no label does: "宣城市…防控项目2023年度绩效自评表" → the project.

        The year, a bracketed year and the form's kind ("项目支出绩效自评表", "绩效自评表" …) are
        taken off; what is left is the name.
        """
        for r in range(1, max_row + 1):
            for c, value in self.g.row_cells(r):
                if not isinstance(value, str) or not re.search(r"(?:自评|评价)(?:表|情况表)", fold(value)):
                    continue
                text = unicodedata.normalize("NFKC", value).strip()
                text = re.sub(r"[(（]?\s*(?:19|20)\d{2}\s*年度?\s*[)）]?", "", text)
                text = re.sub(r"(?:项目支出|项目)?(?:绩效)?(?:自评|评价)(?:情况)?表$", "", text)
                text = text.strip(" ：:-—")
                if len(text) >= 2:
                    self.g.use(r, c)
                    return text
        return None

    def year(self, max_row: int) -> int | None:
        """The year from a 年度 field, else from the title rows ("（2022年度）", "2022年…自评表")."""
        found = self.field(L_YEAR, max_row)
        candidates = [(found[0], found[1], found[2])] if found and found[0] else []
        title_rows = range(1, max_row + 1)
        candidates += [(v, r, c) for r in title_rows for c, v in self.g.row_cells(r) if isinstance(v, str)]
        for text, r, c in candidates:
            text = unicodedata.normalize("NFKC", str(text))
            if _A_DATE.search(text):
                continue  # "填报日期：2022年2月3日" is when the form was filled in, not its budget year
            m = re.search(r"((?:19|20)\d{2})\s*(?:年|$)", text)
            if m:
                if re.fullmatch(r"[(（]?\s*(?:19|20)\d{2}\s*年度?\s*[)）]?", fold(text)):
                    self.g.use(r, c)  # a cell that is only the year
                return int(m[1])
        self.problem(None, None, "未找到年度（标题或“年度”一栏应写明，如“（2022年度）”）",
                     "no year found (the title or a 年度 field should give it, e.g. (2022年度))")
        return None

    # -------------------------------------------------------------- objectives
    def _goals_header(self, start: int, stop: int) -> tuple[int, int, None] | None:
        """A goals header without 预期目标: "总体目标 | 全年实际完成情况" (内蒙古, 安徽 transfers), a
        goal label with an achieved label to its right on the same row."""
        for r in range(start, stop):
            cells = [(c, label_key(v)) for c, v in self.g.row_cells(r) if isinstance(v, str)]
            for c, key in cells:
                if key in L_OBJECTIVE and any(cc > c and k in L_ACHIEVED for cc, k in cells):
                    self.g.use(r, c)
                    return r, c, None
        return None

    def objectives(self, start: int, stop: int) -> list[tuple[str | None, str | None, int]]:
        """(expected, achieved, row) pairs of the 年度总体目标 block."""
        hit = self.g.find(L_EXPECTED, min_row=start, max_row=stop - 1) or self._goals_header(start, stop)
        if hit is not None and hit[2] is None:
            r, c_exp, _ = hit
            achieved = None
            for c, value in self.g.row_cells(r):
                if c > c_exp and isinstance(value, str) and label_key(value) in L_ACHIEVED:
                    achieved = c
                    self.g.use(r, c)
                elif c < c_exp and isinstance(value, str) and label_key(value) in (*L_ACHIEVED, *L_OBJECTIVE):
                    self.g.use(r, c)  # the block's own label on the left ("总体目标完成情况")
            pairs = []
            for rr in range(r + 1, stop):
                exp = _text(self.g.at_row(rr, c_exp))
                act = _text(self.g.at_row(rr, achieved)) if achieved else None
                if exp and label_key(exp) in _ALL_LABELS and (not act or act == exp):  # or one cell across
                    break
                if exp or act:
                    pairs.append((exp, act, rr))
                    self.g.use(rr, c_exp)
                    if achieved:
                        self.g.use(rr, achieved)
            if pairs:
                return pairs
            if not achieved:  # "年度目标1：（80分） | 增强政府工作效率…": the goal only, to its right
                right = self.g.value_right(r, c_exp)
                if right and _text(right[0]):
                    self.g.use(right[1], right[2])
                    return [(_text(right[0]), None, r)]
            if achieved:  # labels with their texts to the right
                exp = self.g.value_right(r, c_exp)
                act = self.g.value_right(r, achieved)
                for hit in (exp, act):
                    if hit:
                        self.g.use(hit[1], hit[2])
                texts = (_text(exp[0]) if exp else None, _text(act[0]) if act else None)
                return [(*texts, r)] if any(texts) else []
        found = self.field(L_OBJECTIVE, stop - 1)
        if found and found[0] and found[1] >= start:
            achieved = self.field(("年度总体目标完成情况", "总体目标完成情况", "目标完成情况"), stop - 1)
            return [(found[0], achieved[0] if achieved else None, found[1])]
        return []

    # -------------------------------------------------------------- indicators
    def indicator_header(self, start: int) -> tuple[int, int, dict[str, int]] | None:
        """(first header row, last header row, field -> column) of the indicator block.

        The header is a band of one or two rows, merged either way: a column's field is named by
        the lowest header cell over it that the vocabulary knows ("完成情况" over "实际完成值 | 分值
        | 得分", or "实际完成值" merged down through both rows), in any order of columns.
        """
        for r in range(start, self.g.max_row + 1):
            keys = {label_key(v) for _, v in self.g.row_cells(r) if isinstance(v, str)}
            if not (keys & set(INDICATOR_COLUMNS["level3"]) and "一级指标" in keys):
                continue
            last = r
            below = {self._indicator_column(label_key(v)) for _, v in self.g.row_cells(r + 1)
                     if isinstance(v, str)} - {None, "ignore"}
            c1 = next((c for c, v in self.g.row_cells(r)
                       if isinstance(v, str) and label_key(v) == "一级指标"), 0)
            if below and not below & {"level1", "level3"} and _level1(self.g.effective(r + 1, c1))[0] is None:
                last = r + 1  # a second header row refines the first
            columns: dict[str, int] = {}
            self.op_columns: list[int] = []  # 指标性质 and 指标方向 both: the one holding operators counts
            ignored = []
            for c in range(1, self.g.max_col + 1):
                for rr in range(last, r - 1, -1):  # the lowest header cell over the column first
                    r0, c0, _, _ = self.g.span(rr, c)
                    value = self.g.cells.get((r0, c0))
                    name = self._indicator_column(label_key(value)) if isinstance(value, str) else None
                    if name is None:
                        continue
                    self.g.use(r0, c0)
                    if name == "ignore":
                        ignored.append(c)
                    elif name == "target_op" and c0 == c:
                        self.op_columns.append(c)
                        columns.setdefault(name, c)
                    elif name not in columns:
                        columns[name] = c
                    break
            for rr in range(r, last + 1):  # a group over known headers is a label too
                for c, value in self.g.row_cells(rr):
                    if isinstance(value, str) and self._indicator_column(label_key(value)) is not None:
                        self.g.use(rr, c)
            self.ignored_indicators = tuple(ignored)
            return r, last, columns
        return None

    def _indicator_column(self, key: str) -> str | None:
        """The indicator field a header names: a saved layout's choice first, then the vocabulary."""
        if key in self.layout:
            return self.layout[key]
        for name, variants in INDICATOR_COLUMNS.items():
            if key in variants:
                return name
        if key.startswith(DEVIATION_PREFIXES):
            return "deviation"
        return None

    def indicators(self, header: tuple[int, int, dict[str, int]]) -> tuple[list[dict], list[dict], int]:
        """Indicator rows and 一级 subtotals (score parts); returns them and the row after the block."""
        first, last, cols = header
        rows: list[dict] = []
        parts: list[dict] = []
        c1, c3 = cols.get("level1"), cols.get("level3")
        level1 = level2 = None
        r = last + 1
        while r <= self.g.max_row:
            lead = next(((c, v) for c, v in self.g.row_cells(r) if c <= c1 and isinstance(v, str)), None)
            if lead is not None and _ends_block(lead[1]):
                break
            raw1 = self.g.effective(r, c1)
            raw2 = self.g.effective(r, cols["level2"]) if "level2" in cols else None
            raw3 = self.g.at_row(r, c3)
            get = {name: (self.g.at_row(r, cols[name]), r, cols[name]) for name in cols
                   if name not in ("level1", "level2", "level3")}
            values = {k: v[0] for k, v in get.items()}
            for c in (c1, cols.get("level2"), c3, *(cc for _, _, cc in get.values()),
                      *getattr(self, "op_columns", ())):
                if c is not None and self.g.at_row(r, c) is not None or c == c1 and raw1 is not None:
                    self.g.use(r, c)
            execution_part = raw1 is not None and re.match(r"^预算执行(?:率)?(?:\(|$)", label_key(raw1))
            if execution_part:  # "预算执行（10分）": the execution part written as an indicator row
                parts.append({"part": "预算执行率", "_row": r, "_execution": True,
                              "weight": self.convert_cell(_score, values.get("weight"), r,
                                                          cols.get("weight", c3), "分值")
                              if "weight" in cols else None,
                              "stated_score": self.convert_cell(_score, values.get("score"), r,
                                                                cols.get("score", c3), "得分")
                              if "score" in cols else None,
                              "status_text": "；".join(x for x in (
                                  _text(raw3), self._target(r, cols), self._actual(r, cols),
                                  _text(values.get("deviation")), _text(values.get("note"))) if x) or None})
                r += 1
                continue
            if raw1 is not None and label_key(raw1) in SUBTOTAL:
                raw3 = raw1  # "小计" written in the 一级 column: a subtotal of the 一级 above
                raw1 = None
            if raw1 is not None:
                name1, weight_in_label = _level1(raw1)
                weight_only = re.fullmatch(r"\(?(\d+(?:\.\d+)?)分?\)?", fold(raw1))
                if name1 is None and weight_only:  # "(50分)": the 一级 named by its first 二级
                    if self.g.span(r, c1) == getattr(self, "_weight_only_span", None):
                        name1 = level1
                    else:
                        name1 = LEVEL1_OF.get(re.sub(r"\s+", "", _text(raw2) or ""))
                        weight_in_label = float(weight_only[1])
                        self._weight_only_span = self.g.span(r, c1)
                if name1 is None:
                    self.problem(r, c1, f"一级指标“{_text(raw1)}”不是{'、'.join(LEVEL1)}之一",
                                 f"level-1 indicator '{_text(raw1)}' must be one of {LEVEL1}")
                    r += 1
                    continue
                if name1 != level1:
                    level1, level2 = name1, None
                    if weight_in_label is not None:
                        parts.append({"part": name1, "weight": weight_in_label, "_row": r})
                    span = re.search(r"\((\d+-\d+)\)分?", fold(raw1))
                    if span:  # "成本指标（0-20）分": the range the rules allow, kept as the part's text
                        parts.append({"part": name1, "status_text": f"分值范围{span[1]}分", "_row": r})
            is_subtotal = any(v is not None and label_key(v) in SUBTOTAL for v in (raw2, raw3))
            if not is_subtotal and all(_blank(v) for v in values.values()) and (
                    raw3 is None or UNFILLED.match(fold(raw3)) or fold(raw3) in _NOT_APPLICABLE):
                r += 1  # a blank row, a 一级 label alone, the template's "指标2" / "……" / "-" left unfilled
                continue
            if level1 is None:
                self.problem(r, c1, "一级指标为空", "level-1 indicator is empty")
                r += 1
                continue
            weight = self.convert_cell(_score, values.get("weight"), r, cols.get("weight", c3), "分值") \
                if "weight" in cols else None
            score = self.convert_cell(_score, values.get("score"), r, cols.get("score", c3), "得分") \
                if "score" in cols else None
            deviation = _text(values.get("deviation"))
            if is_subtotal or (raw3 is None and (weight is not None or score is not None)):
                parts.append({"part": level1, "weight": weight, "stated_score": score,
                              "status_text": deviation, "_row": r})
                r += 1
                continue
            if raw3 is None:
                self.problem(r, c3, "三级指标为空，但该行填有指标值或完成值",
                             "level-3 indicator is empty but the row has values")
                r += 1
                continue
            if raw2 is not None:  # blank and unmerged: the 二级 above carries on ("经济效益\n指标": one name)
                level2 = None if _blank(raw2) else re.sub(r"\s+", "", _text(raw2))
            reason, improvement = split_deviation(deviation)
            rows.append({"level1": level1, "level2": level2, "level3": _text(raw3),
                         "target": self._target(r, cols), "actual": self._actual(r, cols),
                         "weight": weight, "stated_score": score, "deviation_reason": reason,
                         "improvement": improvement, "note": _text(values.get("note")),
                         "_row": r, "_ref": self.g.ref(r, c3)})
            r += 1
        self.blocks.append(Block("indicators", tuple(range(first, last + 1)), last + 1, r - 1,
                                 getattr(self, "ignored_indicators", ())))
        return rows, parts, r

    def _cell_text(self, r: int, c: int | None) -> str | None:
        if c is None:
            return None
        value = self.g.at_row(r, c)
        r0, c0, _, _ = self.g.span(r, c)
        return _text(value, self.g.formats.get((r0, c0), ""))

    def _target(self, r: int, cols: dict[str, int]) -> str | None:
        """The target as one string: 指标性质 + 指标值 + 度量单位 joined ("≥" "90" "%" → "≥90%")."""
        value = self._cell_text(r, cols.get("target"))
        if value is None:
            return None
        if fold(value) in _NOT_APPLICABLE:
            return value
        ops = (_operator(self._cell_text(r, c)) for c in getattr(self, "op_columns", ()))
        op = next((o for o in ops if o), "")
        unit = self._cell_text(r, cols.get("unit")) if "unit" in cols else None
        if unit and fold(unit) not in _NOT_APPLICABLE and re.fullmatch(r"[\d.,]+", fold(value)):
            value = value + unit.strip()
        if op and re.match(r"^[\d.]", fold(value)):
            value = op + value
        return value

    def _actual(self, r: int, cols: dict[str, int]) -> str | None:
        value = self._cell_text(r, cols.get("actual"))
        unit = self._cell_text(r, cols.get("unit")) if "unit" in cols else None
        if value and unit and fold(unit) not in _NOT_APPLICABLE and re.fullmatch(r"[\d.,]+", fold(value)):
            return value + unit.strip()
        return value

    # -------------------------------------------------------------- total, rating, closing
    def total_and_closing(self, start: int, cols: dict[str, int]) -> dict:
        """总分 (score), 自评等级 (rating) and the closing texts after the indicator block."""
        out: dict = {"score": None, "rating": None}
        for r in range(start, self.g.max_row + 1):
            lead = next(((c, v) for c, v in self.g.row_cells(r) if isinstance(v, str)), None)
            if lead is None or label_key(lead[1]) not in TOTAL_ROW:
                continue
            self.g.use(r, lead[0])
            c_score = cols.get("score")
            value = self.g.at_row(r, c_score) if c_score else None
            where = (r, c_score) if c_score else None
            c_weight = cols.get("weight")
            if c_weight and not _blank(self.g.at_row(r, c_weight)):  # the weights' stated sum
                out["weight_total"] = self.convert_cell(_score, self.g.at_row(r, c_weight), r, c_weight,
                                                        "分值合计")
                out["total_row"] = r
                self.g.use(r, c_weight)
            if c_score is None and "weight" not in cols:
                right = self.g.value_right(r, lead[0])
                if right is not None:  # "总分 | 100 | 94": the last number is the score
                    numbers = [(v, r, c) for c, v in self.g.row_cells(r) if c > lead[0] and not _blank(v)]
                    value, rr, cc = numbers[-1] if numbers else right
                    where = (rr, cc)
                    if len(numbers) == 2:  # "总分 | 100 | 94": the first is the weights' sum
                        out["weight_total"] = self.convert_cell(_score, numbers[0][0], r, numbers[0][2],
                                                                "分值合计")
                        out["total_row"] = r
                        self.g.use(r, numbers[0][2])
            if where:
                if value is not None:
                    self.g.use(*where)
                out["score"] = self.convert_cell(_score, value, *where, "总分")
            for c, v in self.g.row_cells(r):  # "总分 | 100 | 96 | 优": the rating after the score
                if c > (where[1] if where else lead[0]) and isinstance(v, str) and fold(v) in _RATINGS:
                    out["rating"] = _RATINGS[fold(v)]
                    self.g.use(r, c)
            break
        found = self.field(L_RATING)
        if found and found[0]:
            out["rating"] = self.convert_cell(_rating, found[0], found[1], found[2], "自评等级")
        if out["score"] is None:
            found = self.field(("自评得分", "总得分", "综合得分"))
            if found and found[0]:
                out["score"] = self.convert_cell(_score, found[0], found[1], found[2], "自评得分")
        for name, keys in CLOSING.items():
            out[name] = self._closing_text(keys, start)
        return out

    def _closing_text(self, keys: tuple[str, ...], start: int) -> str | None:
        hit = self.g.find(keys, min_row=start)
        if hit is None:
            return None
        r, c, inline = hit
        if inline:
            return inline
        right = self.g.value_right(r, c)
        if right is not None:
            self.g.use(right[1], right[2])
            return _text(right[0])
        below = self.g.span(r, c)[2] + 1
        cells = self.g.row_cells(below)
        if cells and not (isinstance(cells[0][1], str) and label_key(cells[0][1]) in _ALL_LABELS):
            self.g.use(below, cells[0][0])
            return _text(cells[0][1])
        return None


@dataclass
class _Common:
    """What every layout reads: the blocks' positions, year, funds, objectives, indicators, closing."""

    indicator_header: tuple[int, int, dict[str, int]] | None
    head_end: int
    year: int | None
    funds: dict
    funds_header: int | None
    scale: float
    objectives: list
    indicators: list
    parts: list
    closing: dict
    region: str | None
    # the text block inside the funds area: (item, 情况说明, 存在问题和改进措施, row)
    funds_texts: list = field(default_factory=list)
    # check-box lines of the heading: (label, the options ticked, row) — "项目类别", ["县直专项"]
    choices: list = field(default_factory=list)


# a check box as forms print them: ticked (☑ ■ √ ☒ ▣) or not (□ ☐)
_TICKED, _BOXES = "☑■√☒▣", "☑■√☒▣□☐"
_CHOICE = re.compile(rf"(?:\d+[、.])?\s*([^{_BOXES}\s]+)\s*([{_BOXES}])")


def _choices(rd: _SheetReader, head_end: int) -> list[tuple[str, list[str], int]]:
    """Check-box lines above the blocks ("项目类别 | 1、部门预算项目 □ 2、县直专项 ☑",
    "评价类型:项目实施过程评价□ 项目完成结果评价■"): the options ticked, under their label."""
    found = []
    for r in range(1, head_end + 1):
        cells = rd.g.row_cells(r)
        for i, (c, value) in enumerate(cells):
            if not isinstance(value, str) or not any(b in value for b in _BOXES):
                continue
            text = unicodedata.normalize("NFKC", value).strip()
            label, body = None, text
            m = re.match(r"^([^:□☐☑■√☒▣]{2,12}):(.*)$", text, re.S)
            if m:
                label, body = m[1].strip(), m[2]
            elif i > 0 and isinstance(cells[i - 1][1], str):
                label = cells[i - 1][1].strip()
                rd.g.use(r, cells[i - 1][0])
            ticked = [name for name, box in _CHOICE.findall(body) if box in _TICKED]
            rd.g.use(r, c)
            found.append((label or "选项", ticked, r))
    return found


def _read_common(rd: _SheetReader) -> _Common:
    g = rd.g
    header = rd.indicator_header(1)
    if header is None and rd.kind != REGION:  # a transfer's funds table may come on its own
        rd.problem(None, None, "未找到绩效指标表头（一级指标、二级指标、三级指标）",
                   "the indicator header (一级指标, 二级指标, 三级指标) was not found")
    head_end = header[0] - 1 if header else g.max_row
    funds, funds_header, scale = rd.funds(1, head_end + 1)
    first_label = funds_header or head_end
    year = rd.year(max(first_label - 1, 1))
    objectives = rd.objectives(funds_header or 1, head_end + 1)
    if not objectives and funds_header:  # the goals above the funds block (四川: 项目基本情况 first)
        objectives = rd.objectives(1, funds_header)
    if header:
        indicators, parts, after = rd.indicators(header)
        closing = rd.total_and_closing(after, header[2])
    else:
        indicators, parts, closing = [], [], {"score": None, "rating": None}
    region_field = rd.field(L_REGION, head_end)
    region = region_field[0] if region_field else None
    choices = _choices(rd, head_end)
    return _Common(header, head_end, year, funds, funds_header, scale, objectives, indicators, parts,
                   closing, region, getattr(rd, "funds_texts", []), choices)

