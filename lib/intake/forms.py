"""Reading the official self-evaluation forms (自评表) as analysts keep them (writing: lib/outputs/forms.py).

Three layouts (DOMAIN.md "The official form"):

* 项目支出绩效自评表 — one project per sheet: 项目名称, 主管部门 / 实施单位, the funds block
  (年初预算数, 全年预算数, 全年执行数, 分值, 执行率, 得分 × 年度资金总额, 当年财政拨款, 上年结转资金,
  其他资金), 年度总体目标 (预期目标 | 实际完成情况), the indicator block, 总分.
* 部门整体支出绩效自评表 — the same blocks for a department's whole budget, funds split by revenue
  type (一般公共预算 …) and by 基本支出 / 项目支出.
* 中央对地方转移支付区域绩效自评表 — a transfer program in one region: 中央补助 / 地方资金 / 其他资金
  rows with 全年预算数 (A), 全年执行数 (B), 执行率 (B/A); no 分值/得分; last indicator column
  未完成原因和改进措施.

Reading locates every field by its label, never by a fixed cell: labels are compared after
folding width and whitespace and dropping unit and marker suffixes such as （万元） or （B/A）, so
"项目名称　", "全年预算数（A）" and "其中：本年财政拨款" are found. Merged cells are read from the
top-left cell of their range (the workbook is opened with openpyxl in normal mode, so the merged
ranges are known). Formulas count with their last calculated value.

Identifiers: a form carries no program, project or source id, so they are derived from its
content, deterministically (the same form always gets the same ids, so importing it again
replaces what it imported before):

* department program (project and department forms) = ``ZP<year>-<h(主管部门)>``; its name is
  "<主管部门><year>年度部门预算"; every project form of the same department and year belongs to
  it. Because an import replaces every record of each program id it contains, import all of a
  department's forms of a year together (one workbook with a sheet per project, or several
  files in one load).
* transfer program (region forms) = ``ZT<year>-<h(地区|资金名称)>``.
* project = ``<program id>-<h(项目名称)>``.
* source = ``<program id>-F``: one source row per program, naming the file (or files) it was
  read from; importing the program's forms again replaces it.

``h`` is the first six hex digits of the SHA-1 of the text after folding width and whitespace.

Where things go: a project form fills ``projects`` (年度资金总额 row → budget_initial, budget,
executed, stated rate; 当年财政拨款's 全年预算数 → appropriation; 总分 → stated score; 自评等级 →
rating; 预期目标 / 实际完成情况 → objective / objective_actual; 存在问题 / 改进措施 → deviation /
improvement; 评价结论 and 备注 → note), ``indicators``, ``score_parts`` (预算执行率 from the funds
block's 分值/得分; a 一级 from a 小计 row, or a row with a 一级 but no 三级) and ``stated_figures``
(the other funds rows). Department forms fill a program-wide ``execution`` row (the total), with the
revenue and expenditure splits, total score and rating as ``stated_figures``. Region forms fill
``execution`` and ``allocations`` per fund source, with the total as ``stated_figures``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.cell.cell import MergedCell
from openpyxl.utils import get_column_letter

from lib.intake import workbook_spec as spec
from lib.intake.workbook import (
    MAX_FILE_BYTES,
    MAX_UNZIPPED_BYTES,
    YUAN_PER_WAN,
    CellError,
    Finding,
    ParsedWorkbook,
    _fold,
    _open,
    convert,
)

PROJECT, DEPARTMENT, REGION = "project", "department", "region"
TITLES = {
    PROJECT: "项目支出绩效自评表",
    DEPARTMENT: "部门整体支出绩效自评表",
    REGION: "中央对地方转移支付区域绩效自评表",
}
# A form is a few hundred cells; only this corner of a sheet is read.
MAX_FORM_ROWS = 2000
MAX_FORM_COLS = 60
LEVEL1 = ("产出指标", "效益指标", "满意度指标", "成本指标")

# ---------------------------------------------------------------- label vocabulary (folded keys)
L_PROJECT_NAME = ("项目名称", "项目全称")
L_DEPARTMENT = ("主管部门", "主管部门(单位)", "主管单位", "预算部门", "主管部门名称")
L_IMPLEMENTER = ("实施单位", "项目实施单位", "资金使用单位", "实施单位名称")
L_DEPT_NAME = ("部门(单位)名称", "部门名称", "单位名称", "部门(单位)", "预算单位", "预算部门名称")
L_TRANSFER_NAME = ("转移支付(项目)名称", "转移支付名称", "转移支付项目名称", "资金名称", "专项资金名称",
                   "项目名称")
L_LOCAL_DEPT = ("地方主管部门", "省级主管部门", "主管部门")
L_CENTRAL_DEPT = ("中央主管部门",)
L_REGION = ("填报地区", "地区", "所属地区", "省份", "区域", "省(自治区、直辖市)", "省(区、市)")
L_YEAR = ("年度", "预算年度", "评价年度", "所属年度", "自评年度")
L_RATING = ("自评等级", "评价等级", "自评结果", "绩效等级", "评价结果", "等级", "自评结果等级")
L_SCORE = ("自评得分", "总分", "总得分", "综合得分", "合计得分")
TOTAL_ROW = ("总分", "总计", "合计", "自评总分", "总得分", "综合得分", "合计得分")
SUBTOTAL = ("小计", "小计得分", "一级指标小计")
L_OBJECTIVE = ("年度总体目标", "总体目标", "年度绩效目标", "绩效目标")
L_EXPECTED = ("预期目标", "年度预期目标")
L_ACHIEVED = ("实际完成情况", "目标实际完成情况", "实际完成", "完成情况", "全年实际完成情况")
CLOSING = {
    "conclusion": ("评价结论", "自评结论", "总体评价", "综合评价", "评价结论及建议", "自评结论及建议"),
    "problems": ("存在问题", "存在的问题", "主要问题", "存在问题及原因", "存在的问题及原因", "问题及原因",
                 "偏差原因", "偏离绩效目标的原因", "存在问题及原因分析", "偏差原因分析"),
    "improvement": ("改进措施", "下一步改进措施", "整改措施", "改进建议", "改进意见", "改进措施及建议",
                    "下一步工作措施"),
    "note": ("备注", "说明", "其他需要说明的问题", "其他说明"),
}
FUND_COLUMNS = {
    "budget_initial": ("年初预算数", "年初预算", "年初预算金额"),
    "budget": ("全年预算数", "调整后预算数", "全年预算", "调整后预算", "预算数", "全年预算金额"),
    "executed": ("全年执行数", "预算执行数", "执行数", "全年执行", "实际执行数", "全年支出数", "实际支出数"),
    "weight": ("分值", "权重"),
    "rate": ("执行率", "预算执行率", "资金执行率"),
    "score": ("得分",),
}
FUND_COLUMN_NAMES = {"budget_initial": "年初预算数", "budget": "全年预算数", "executed": "全年执行数"}
# funds rows: canonical name -> label variants
FUND_ROWS = {
    "年度资金总额": ("年度资金总额", "资金总额", "年度资金合计", "资金合计", "合计", "年度总额", "总计",
                 "年度资金总计"),
    "当年财政拨款": ("当年财政拨款", "本年财政拨款", "财政拨款", "当年财政资金", "本年财政资金"),
    "上年结转资金": ("上年结转资金", "上年结转", "上年结转结余资金", "上年结余结转资金"),
    "其他资金": ("其他资金",),
    "中央补助": ("中央补助", "中央补助资金", "中央财政补助", "中央财政补助资金", "中央财政资金", "中央资金"),
    "地方资金": ("地方资金", "地方财政资金", "地方配套资金", "地方配套", "地方财政投入", "地方投入资金"),
    "一般公共预算": ("一般公共预算", "一般公共预算资金", "一般公共预算拨款", "一般公共预算财政拨款"),
    "政府性基金预算": ("政府性基金", "政府性基金预算", "政府性基金预算资金", "政府性基金预算拨款"),
    "国有资本经营预算": ("国有资本经营预算", "国有资本经营预算资金", "国有资本经营预算拨款"),
    "财政专户管理资金": ("财政专户", "财政专户管理资金", "财政专户资金"),
    "单位资金": ("单位资金", "单位自有资金", "单位其他资金"),
    "基本支出": ("基本支出",),
    "项目支出": ("项目支出",),
}
REGION_SOURCES = ("中央补助", "地方资金", "其他资金")
INDICATOR_COLUMNS = {
    "level1": ("一级指标",),
    "level2": ("二级指标",),
    "level3": ("三级指标", "三级指标名称", "绩效指标名称"),
    "target": ("年度指标值", "指标值", "年度目标值", "目标值", "预期指标值", "绩效目标值", "年度绩效指标值",
               "全年指标值"),
    "target_op": ("指标性质", "指标值性质", "运算符", "指标方向"),
    "unit": ("度量单位", "计量单位", "单位", "指标单位"),
    "actual": ("实际完成值", "完成值", "实际值", "全年实际完成值", "年度实际完成值", "实际完成指标值",
               "全年完成值"),
    "weight": ("分值", "权重"),
    "score": ("得分",),
}
DEVIATION_PREFIXES = ("偏差原因", "未完成原因", "偏离原因")
_OPERATORS = {">=": "≥", "≥": "≥", "大于等于": "≥", "不低于": "≥", "不少于": "≥", "<=": "≤", "≤": "≤",
              "小于等于": "≤", "不高于": "≤", "不多于": "≤", "不超过": "≤", "=": "=", "等于": "=", ">": ">",
              "大于": ">", "高于": ">", "<": "<", "小于": "<", "低于": "<", "定性": "", "定量": ""}
_NOT_APPLICABLE = ("/", "—", "-", "--", "——", "无", "不适用")
_RATINGS = {"优": "优", "优秀": "优", "良": "良", "良好": "良", "中": "中", "中等": "中", "一般": "中",
            "合格": "中", "差": "差", "较差": "差", "不合格": "差"}

_ALL_LABELS = frozenset(
    [*L_PROJECT_NAME, *L_DEPARTMENT, *L_IMPLEMENTER, *L_DEPT_NAME, *L_TRANSFER_NAME, *L_LOCAL_DEPT,
     *L_CENTRAL_DEPT, *L_REGION, *L_YEAR, *L_RATING, *L_SCORE, *L_OBJECTIVE, *L_EXPECTED, *L_ACHIEVED,
     "项目资金", "资金投入情况", "年度部门整体支出预算", "绩效指标", "按收入性质分", "按支出性质分"]
    + [k for keys in CLOSING.values() for k in keys]
    + [k for keys in FUND_COLUMNS.values() for k in keys]
    + [k for keys in INDICATOR_COLUMNS.values() for k in keys])


def fold(value: object) -> str:
    """Width and whitespace folded (NFKC: （）→(), ：→:, full-width digits → digits)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))


def label_key(value: object) -> str:
    """A label as compared: folded, without 其中：, a trailing colon, a numbering prefix, or a unit
    or marker in brackets such as (万元), (元), (A), (B/A)."""
    text = fold(value)
    text = re.sub(r"^其中[:,、]?", "", text)
    text = re.sub(r"^(?:[一二三四五六七八九十]+、|\d{1,2}[、.](?!\d))", "", text)
    text = re.sub(r"\((?:万元|元|%|分|[ABC]|B/A|[ABC][/÷][ABC])\)", "", text, flags=re.I)
    return text.rstrip(":")


def _short_hash(text: str) -> str:
    return hashlib.sha1(fold(text).encode("utf-8")).hexdigest()[:6]


# What program_id_for and source_id_for derive: ZP<year>-<hash> for a department's budget,
# ZT<year>-<hash> for a transfer program, "-F" after either for its source.
_DERIVED_ID = re.compile(r"Z([PT])\d{4}-[0-9a-f]{6}(-F)?")


def is_department_program_id(record_id: str) -> bool:
    """Whether the id is one the forms derived for a department's budget (not a source's)."""
    m = _DERIVED_ID.fullmatch(record_id)
    return bool(m) and m[1] == "P" and not m[2]


def program_id_for(kind: str, year: int, department: str, name: str = "", region: str = "") -> str:
    """The derived program id (see the module docstring)."""
    if kind == REGION:
        return f"ZT{year}-{_short_hash(f'{region}|{name}')}"
    return f"ZP{year}-{_short_hash(department)}"


def project_id_for(program_id: str, project_name: str) -> str:
    return f"{program_id}-{_short_hash(project_name)}"


def source_id_for(program_id: str) -> str:
    return f"{program_id}-F"


# ================================================================ detection


def _bytes(source: str | Path | bytes) -> bytes:
    return Path(source).read_bytes() if isinstance(source, (str, Path)) else bytes(source)


def detect_format(source: str | Path | bytes) -> str | None:
    """"dataset" for a workbook in our dataset format, "form" for official 自评表, else None.

    A workbook with any sheet named like a dataset sheet (来源, 项目 …) is a dataset; otherwise
    one whose sheets carry a form's title or labels is a form. Files that cannot be opened give
    None, and the dataset reader then says why.
    """
    try:
        data = _bytes(source)
        if not data or len(data) > MAX_FILE_BYTES or not zipfile.is_zipfile(io.BytesIO(data)):
            return None
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(i.file_size for i in archive.infolist()) > MAX_UNZIPPED_BYTES:
                return None
            info = archive.getinfo("xl/workbook.xml")
            if info.file_size > 10 * 1024 * 1024:
                return None
            xml = archive.read(info).decode("utf-8", "replace")
        names = [html.unescape(n) for n in re.findall(r'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"', xml)]
        dataset_names = {_fold(s.name) for s in spec.SHEETS} | {_fold(s.table) for s in spec.SHEETS}
        if any(_fold(n) in dataset_names for n in names):
            return "dataset"
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            for ws in book.worksheets:
                texts = [v for row in ws.iter_rows(max_row=80, max_col=30, values_only=True)
                         for v in row if isinstance(v, str) and v.strip()]
                if _kind_of(texts):
                    return "form"
        finally:
            book.close()
    except Exception:  # a damaged file is the dataset reader's to report
        return None
    return None


def _kind_of(texts: Iterable[str]) -> str | None:
    """Which form a sheet's texts make: by title first, then by characteristic labels."""
    folded = [fold(t) for t in texts]
    keys = {label_key(t) for t in texts}
    if any("区域绩效自评表" in t for t in folded):
        return REGION
    if any("整体支出绩效自评表" in t for t in folded):
        return DEPARTMENT
    if any("项目支出绩效自评表" in t for t in folded):
        return PROJECT
    has_indicators = "三级指标" in keys or "一级指标" in keys
    has_funds = bool(keys & set(FUND_ROWS["年度资金总额"]))
    if not (has_indicators or has_funds):
        return None
    if "中央补助" in keys and (any("转移支付" in t for t in folded) or "地方资金" in keys):
        return REGION
    if keys & set(L_DEPT_NAME) or "按收入性质分" in keys:
        return DEPARTMENT
    if keys & set(L_PROJECT_NAME):
        return PROJECT
    return None


# ================================================================ the cell grid of one sheet


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


# ================================================================ value conversion

_MONEY = spec.SHEETS_BY_TABLE["projects"].column("budget")
_SCORE = spec.SHEETS_BY_TABLE["projects"].column("stated_score")


def _blank(value: object) -> bool:
    if value is None:
        return True
    return isinstance(value, str) and fold(value) in ("", *_NOT_APPLICABLE)


def _text(value: object, number_format: str = "") -> str | None:
    """A cell as text, as the analyst sees it: 0.95 in a percent cell is "95%"."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        if "%" in (number_format or ""):
            return f"{_plain(value * 100)}%"
        return _plain(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()[:10]
    text = str(value).strip()
    return text or None


def _plain(number: float) -> str:
    if isinstance(number, float) and number.is_integer():
        return str(int(number))
    return format(round(float(number), 10), ".10g")


def _amount(value: object, scale: float) -> float | None:
    """An amount in 万元. ``scale`` converts the form's unit (1/10000 for a form in 元); a value
    written with its own unit ("1,500元", "12万元") keeps it."""
    if _blank(value):
        return None
    number = convert(value, _MONEY)
    if isinstance(value, str) and fold(value).endswith("元"):
        return number
    return number * scale


def _rate(value: object) -> float | None:
    """A rate as a fraction: "94.65%" or 0.9465; a bare number above 2 is read as percent points."""
    if _blank(value):
        return None
    if isinstance(value, str):
        text = fold(value)
        percent = text.endswith("%")
        try:
            number = float(text.rstrip("%").replace(",", ""))
        except ValueError:
            raise CellError(f"应为执行率（如94.65%），实际为“{value}”",
                            f"expected a rate such as 94.65%, got '{value}'") from None
        number = number / 100 if percent or number > 2 else number
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value) / 100 if value > 2 else float(value)
    else:
        raise CellError(f"应为执行率，实际为“{value}”", f"expected a rate, got '{value}'")
    if not math.isfinite(number) or not 0 <= number <= 2:
        raise CellError(f"执行率应在0%–200%之间，实际为 {value}", f"rate must be 0%-200%, got {value}")
    return number


def _score(value: object) -> float | None:
    if _blank(value):
        return None
    if isinstance(value, str):
        value = fold(value).removesuffix("分")
    return convert(value, _SCORE)


def _rating(value: object) -> str | None:
    if _blank(value):
        return None
    text = re.sub(r"[\"“”'()]", "", fold(value))
    if text in _RATINGS:
        return _RATINGS[text]
    raise CellError(f"自评等级应为优、良、中或差，实际为“{value}”",
                    f"rating must be 优/良/中/差, got '{value}'")


def _level1(value: object) -> tuple[str | None, float | None]:
    """The canonical 一级指标 and a weight written in it ("产出指标（50分）")."""
    key = label_key(value)
    m = re.fullmatch(r"(产出|效益|满意度|成本)(?:指标)?(?:\((\d+(?:\.\d+)?)分?\))?", key)
    if not m:
        return None, None
    return f"{m[1]}指标", float(m[2]) if m[2] else None


def _operator(value: object) -> str:
    """指标性质 as an operator: "≥", "≤", "=", ">", "<"; "" for 定性 or unknown ("004 >=" → "≥")."""
    if value is None:
        return ""
    text = re.sub(r"^\d+", "", fold(value))
    return _OPERATORS.get(text, "")


def split_deviation(text: str | None) -> tuple[str | None, str | None]:
    """"原因…\n改进措施：…" → (reason, improvement); text without the marker is all reason."""
    if not text:
        return None, None
    m = re.search(r"(?:^|\n|(?<=[。；;]))\s*改进措施[:：]", text)
    if not m:
        return text.strip() or None, None
    reason = re.sub(r"^\s*偏差原因(?:分析)?[:：]", "", text[:m.start()]).strip() or None
    return reason, text[m.end():].strip() or None


def join_deviation(reason: str | None, improvement: str | None) -> str | None:
    if reason and improvement:
        return f"{reason}\n改进措施：{improvement}"
    if improvement:
        return f"改进措施：{improvement}"
    return reason


_FOOTERS = ("填表人", "填报人", "联系电话", "联系人", "填报日期", "填表日期", "审核人", "负责人",
            "单位负责人", "财务负责人", "注:", "注1", "说明:")


def _ends_block(text: str) -> bool:
    """A row led by 总分, a closing label (存在问题 …), 自评等级 or a footer ends the indicators."""
    key = label_key(text)
    head = label_key(unicodedata.normalize("NFKC", text).split(":", 1)[0])
    closing = {k for keys in CLOSING.values() for k in keys}
    return (key in TOTAL_ROW or key in closing or head in closing or key in L_RATING or head in L_RATING
            or fold(text).startswith(_FOOTERS))


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


class _SheetReader:
    """Reads one sheet of a form; problems become findings naming the sheet and the cell."""

    def __init__(self, grid: _Grid, kind: str, out: _Out):
        self.g, self.kind, self.out = grid, kind, out
        self.ok = True

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
    def field(self, keys: Iterable[str], max_row: int | None = None) -> tuple[str | None, int, int] | None:
        """(text, row, col of the value) for a labelled field; None when the label is absent."""
        hit = self.g.find(keys, max_row=max_row)
        if hit is None:
            return None
        r, c, inline = hit
        if inline is not None:
            return inline, r, c
        right = self.g.value_right(r, c)
        if right is None:
            return None, r, self.g.span(r, c)[3] + 1
        value, rr, cc = right
        return _text(value, self.g.formats.get((rr, cc), "")), rr, cc

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

    def year(self, max_row: int) -> int | None:
        found = self.field(L_YEAR, max_row)
        candidates = [found[0]] if found and found[0] else []
        title_rows = range(1, max_row + 1)
        candidates += [str(v) for r in title_rows for _, v in self.g.row_cells(r) if isinstance(v, str)]
        for text in candidates:
            m = re.search(r"((?:19|20)\d{2})\s*(?:年|$)", unicodedata.normalize("NFKC", str(text)))
            if m:
                return int(m[1])
        self.problem(None, None, "未找到年度（标题或“年度”一栏应写明，如“（2022年度）”）",
                     "no year found (the title or a 年度 field should give it, e.g. (2022年度))")
        return None

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

    # -------------------------------------------------------------- funds block
    def funds(self, start: int, stop: int) -> tuple[dict, int | None, float]:
        """The funds table: {row name: {field: (value, r, c)}}, its header row, the amount scale."""
        header = None
        for r in range(start, stop):
            keys = {label_key(v): c for c, v in self.g.row_cells(r) if isinstance(v, str)}
            if set(keys) & set(FUND_COLUMNS["budget"]) and set(keys) & set(FUND_COLUMNS["executed"]):
                header = r
                break
        if header is None:
            return {}, None, 1.0
        columns: dict[str, tuple[int, int]] = {}
        for c, value in self.g.row_cells(header):
            if not isinstance(value, str):
                continue
            key = label_key(value)
            for name, variants in FUND_COLUMNS.items():
                if key in variants and name not in columns:
                    columns[name] = (c, self.g.span(header, c)[3])
        first = min(c0 for c0, _ in columns.values())
        end = stop
        for r in range(header + 1, stop):
            labels = [label_key(v) for c, v in self.g.row_cells(r) if c < first and isinstance(v, str)]
            if any(k in L_OBJECTIVE or k in L_EXPECTED for k in labels):
                end = r
                break
        scale = 1 / YUAN_PER_WAN if self.in_yuan(range(header, end)) else 1.0
        rows: dict[str, dict] = {}
        for r in range(header + 1, end):
            name = None
            for c, value in self.g.row_cells(r):
                if c >= first or not isinstance(value, str):
                    continue
                key = label_key(value)
                for canonical, variants in FUND_ROWS.items():
                    if key in variants:
                        name = canonical  # the rightmost label names the row (按收入性质分 | 一般公共预算)
            if name is None or name in rows:
                continue
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
        return rows, header, scale

    def fund_values(self, cells: dict, scale: float, what: str) -> dict:
        """Typed values of one funds row: amounts in 万元, rate as a fraction, weight and score."""
        typed = {}
        for fname, (value, r, c) in ((k, v) for k, v in cells.items() if k != "_row"):
            label = what + (FUND_COLUMN_NAMES | {"weight": "分值", "rate": "执行率", "score": "得分"})[fname]
            if fname in FUND_COLUMN_NAMES:
                typed[fname] = self.convert_cell(_amount, value, r, c, label, scale)
            elif fname == "rate":
                typed[fname] = self.convert_cell(_rate, value, r, c, label)
            else:
                typed[fname] = self.convert_cell(_score, value, r, c, label)
        return typed

    # -------------------------------------------------------------- objectives
    def objectives(self, start: int, stop: int) -> list[tuple[str | None, str | None, int]]:
        """(expected, achieved, row) pairs of the 年度总体目标 block."""
        hit = self.g.find(L_EXPECTED, min_row=start, max_row=stop - 1)
        if hit is not None and hit[2] is None:
            r, c_exp, _ = hit
            achieved = None
            for c, value in self.g.row_cells(r):
                if c > c_exp and isinstance(value, str) and label_key(value) in L_ACHIEVED:
                    achieved = c
            pairs = []
            for rr in range(r + 1, stop):
                exp = _text(self.g.at_row(rr, c_exp))
                act = _text(self.g.at_row(rr, achieved)) if achieved else None
                if exp and label_key(exp) in _ALL_LABELS and not act:
                    break
                if exp or act:
                    pairs.append((exp, act, rr))
            if pairs:
                return pairs
            if achieved:  # labels with their texts to the right
                exp = self.g.value_right(r, c_exp)
                act = self.g.value_right(r, achieved)
                texts = (_text(exp[0]) if exp else None, _text(act[0]) if act else None)
                return [(*texts, r)] if any(texts) else []
        found = self.field(L_OBJECTIVE, stop - 1)
        if found and found[0] and found[1] >= start:
            achieved = self.field(("年度总体目标完成情况", "总体目标完成情况", "目标完成情况"), stop - 1)
            return [(found[0], achieved[0] if achieved else None, found[1])]
        return []

    # -------------------------------------------------------------- indicators
    def indicator_header(self, start: int) -> tuple[int, int, dict[str, int]] | None:
        """(first header row, last header row, field -> column) of the indicator block."""
        for r in range(start, self.g.max_row + 1):
            keys = {label_key(v) for _, v in self.g.row_cells(r) if isinstance(v, str)}
            if not (keys & set(INDICATOR_COLUMNS["level3"]) and "一级指标" in keys):
                continue
            columns: dict[str, int] = {}
            last = r
            for rr in (r, r + 1):
                found: dict[str, int] = {}
                for c, value in self.g.row_cells(rr):
                    if not isinstance(value, str):
                        continue
                    name = self._indicator_column(label_key(value))
                    if name and name not in found:
                        found[name] = c
                if rr == r:
                    columns = found
                elif found and not set(found) & {"level1", "level3"} and \
                        _level1(self.g.effective(rr, columns.get("level1", 0)))[0] is None:
                    for name, c in found.items():  # a second header row refines the first
                        columns = {k: v for k, v in columns.items() if v != c}
                        columns[name] = c
                    last = rr
            return r, last, columns
        return None

    @staticmethod
    def _indicator_column(key: str) -> str | None:
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
            if raw1 is not None:
                name1, weight_in_label = _level1(raw1)
                if name1 is None:
                    self.problem(r, c1, f"一级指标“{_text(raw1)}”不是{'、'.join(LEVEL1)}之一",
                                 f"level-1 indicator '{_text(raw1)}' must be one of {LEVEL1}")
                    r += 1
                    continue
                if name1 != level1:
                    level1, level2 = name1, None
                    if weight_in_label is not None:
                        parts.append({"part": name1, "weight": weight_in_label, "_row": r})
            is_subtotal = any(v is not None and label_key(v) in SUBTOTAL for v in (raw2, raw3))
            if not is_subtotal and raw3 is None and all(_blank(v) for v in values.values()):
                r += 1  # a blank row, or a 一级 label alone
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
            if raw2 is not None:  # blank and unmerged: the 二级 above carries on
                level2 = None if _blank(raw2) else _text(raw2)
            reason, improvement = split_deviation(deviation)
            rows.append({"level1": level1, "level2": level2, "level3": _text(raw3),
                         "target": self._target(r, cols), "actual": self._actual(r, cols),
                         "weight": weight, "stated_score": score, "deviation_reason": reason,
                         "improvement": improvement, "_row": r, "_ref": self.g.ref(r, c3)})
            r += 1
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
        op = _operator(self._cell_text(r, cols.get("target_op"))) if "target_op" in cols else ""
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
            c_score = cols.get("score")
            value = self.g.at_row(r, c_score) if c_score else None
            where = (r, c_score) if c_score else None
            if c_score is None and "weight" not in cols:
                right = self.g.value_right(r, lead[0])
                if right is not None:  # "总分 | 100 | 94": the last number is the score
                    numbers = [(v, r, c) for c, v in self.g.row_cells(r) if c > lead[0] and not _blank(v)]
                    value, rr, cc = numbers[-1] if numbers else right
                    where = (rr, cc)
            if where:
                out["score"] = self.convert_cell(_score, value, *where, "总分")
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
            return _text(right[0])
        below = self.g.span(r, c)[2] + 1
        cells = self.g.row_cells(below)
        if cells and not (isinstance(cells[0][1], str) and label_key(cells[0][1]) in _ALL_LABELS):
            return _text(cells[0][1])
        return None


def read_form(source: str | Path | bytes, file_label: str | None = None) -> ParsedWorkbook:
    """Read a workbook of official 自评表 (any mix of the three layouts, one form per sheet).

    Args:
        source: a path, or the file's bytes (an upload).
        file_label: the name findings and the derived source row use for the file.
    Returns:
        ParsedWorkbook with rows in the dataset tables (ids derived as the module docstring
        says) and every finding; a workbook with any finding must not be imported.
    """
    label = file_label or (Path(source).name if isinstance(source, (str, Path)) else "上传文件")
    out = _Out(label)
    checked, archive, findings = _open(source, label)  # size, encryption, zip-bomb checks
    if checked is None:
        return ParsedWorkbook(out.tables, findings, out.origins)
    checked.close()
    archive.close()
    data = _bytes(source)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
        formula_book = openpyxl.load_workbook(io.BytesIO(data), data_only=False)
    except Exception as exc:  # openpyxl raises many types for damaged files
        out.findings.append(Finding(label, "", None, "", f"无法读取工作簿：{exc}",
                                    f"cannot read the workbook: {exc}"))
        return ParsedWorkbook(out.tables, out.findings, out.origins)
    read_any = False
    for ws in book.worksheets:
        formulas = {(c.row, c.column) for row in formula_book[ws.title].iter_rows(
            max_row=min(ws.max_row, MAX_FORM_ROWS), max_col=min(ws.max_column, MAX_FORM_COLS))
            for c in row if c.data_type == "f"}
        grid = _Grid(ws, formulas)
        kind = _kind_of(grid.texts())
        if kind is None:
            continue  # notes, a blank Sheet2, a hidden list of choices …
        if ws.sheet_state != "visible":
            out.findings.append(Finding(label, ws.title, None, "",
                                        "工作表处于隐藏状态；请取消隐藏、核对内容后再上传",
                                        "the sheet is hidden; unhide and check it before uploading"))
            continue
        read_any = True
        reader = _SheetReader(grid, kind, out)
        {PROJECT: _read_project, DEPARTMENT: _read_department, REGION: _read_region}[kind](reader)
    book.close()
    formula_book.close()
    if not read_any and not out.findings:
        out.findings.append(Finding(label, "", None, "",
                                    "没有找到可识别的自评表（项目支出、部门整体支出或区域绩效自评表）",
                                    "no recognizable self-evaluation form in the workbook"))
    return ParsedWorkbook(out.tables, out.findings, out.origins)


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


def _read_common(rd: _SheetReader) -> _Common:
    g = rd.g
    header = rd.indicator_header(1)
    if header is None:
        rd.problem(None, None, "未找到绩效指标表头（一级指标、二级指标、三级指标）",
                   "the indicator header (一级指标, 二级指标, 三级指标) was not found")
    head_end = header[0] - 1 if header else g.max_row
    funds, funds_header, scale = rd.funds(1, head_end + 1)
    first_label = funds_header or head_end
    year = rd.year(max(first_label - 1, 1))
    objectives = rd.objectives(funds_header or 1, head_end + 1)
    if header:
        indicators, parts, after = rd.indicators(header)
        closing = rd.total_and_closing(after, header[2])
    else:
        indicators, parts, closing = [], [], {"score": None, "rating": None}
    region_field = rd.field(L_REGION, head_end)
    region = region_field[0] if region_field else None
    return _Common(header, head_end, year, funds, funds_header, scale, objectives, indicators, parts,
                   closing, region)


def _note(closing: dict) -> str | None:
    parts = []
    if closing.get("conclusion"):
        parts.append(f"评价结论：{closing['conclusion']}")
    if closing.get("note"):
        parts.append(closing["note"])
    return "\n".join(parts) or None


def _source_row(source_id: str, title: str, file_label: str, issuer: str | None) -> dict:
    return {"source_id": source_id, "title": title, "issuer": issuer, "file_name": file_label,
            "note": "由官方自评表导入；编号由表中主管部门（或地区与资金名称）、年度与项目名称导出"}


def _add_indicators(rd: _SheetReader, c: _Common, program_id: str, project_id: str | None,
                    source_id: str, region_default: str | None = None) -> None:
    for seq, row in enumerate(c.indicators, start=1):
        level3, region = row["level3"], None
        if project_id is None:
            region = region_default
            m = _REGION_SUFFIX.match(level3 or "")
            if m and m["region"] != region_default:
                level3, region = m["name"], m["region"]
        rd.out.add("indicators", {
            "program_id": program_id, "project_id": project_id, "seq": seq, "region": region,
            "level1": row["level1"], "level2": row["level2"], "level3": level3, "target": row["target"],
            "actual": row["actual"], "weight": row["weight"], "stated_score": row["stated_score"],
            "deviation_reason": row["deviation_reason"], "improvement": row["improvement"],
            "source_ref": f"{source_id} {rd.g.title}!{row['_ref']}",
        }, rd.g.title, row["_row"])


def _add_parts(rd: _SheetReader, c: _Common, program_id: str, project_id: str | None, source_id: str,
               execution_part: dict | None) -> None:
    parts: dict[str, dict] = {}
    if execution_part and any(execution_part.get(k) is not None for k in ("weight", "stated_score")):
        parts["预算执行率"] = execution_part
    for part in c.parts:
        merged = parts.setdefault(part["part"], {"_row": part["_row"]})
        for key in ("weight", "stated_score", "status_text"):
            if part.get(key) is not None:
                merged[key] = part[key]
    for name, part in parts.items():
        rd.out.add("score_parts", {
            "program_id": program_id, "project_id": project_id, "part": name, "weight": part.get("weight"),
            "stated_score": part.get("stated_score"), "status_text": part.get("status_text"),
            "source_ref": f"{source_id} {rd.g.title}!{part['_row']}行",
        }, rd.g.title, part["_row"])


def _stated(rd: _SheetReader, program_id: str, project_id: str | None, source_id: str, seq: int,
            metric: str, value: float, unit: str, row: int, aggregate: str = "无", text: str | None = None,
            region: str | None = None, fund_source: str | None = None) -> None:
    rd.out.add("stated_figures", {
        "program_id": program_id, "project_id": project_id, "seq": seq, "metric": metric, "value": value,
        "unit": unit, "aggregate": aggregate, "text": text, "region": region, "fund_source": fund_source,
        "source_ref": f"{source_id} {rd.g.title}!{row}行",
    }, rd.g.title, row)


def _total_money(rd: _SheetReader, c: _Common, total: dict | None) -> dict:
    """The 年度资金总额 row, typed; its 全年预算数 and 全年执行数 are required."""
    if not total:
        return {}
    money = rd.fund_values(total, c.scale, "年度资金总额")
    for fname, what in (("budget", "全年预算数"), ("executed", "全年执行数")):
        raw, r, col = total[fname]
        if _blank(raw) and not rd.g.is_formula(r, col):
            rd.problem(r, col, f"年度资金总额的{what}为空", f"the total's {what} is empty")
    return money


def _read_project(rd: _SheetReader) -> None:
    c = _read_common(rd)
    name = rd.required_text(L_PROJECT_NAME, "项目名称", "project name", c.head_end)
    department = rd.field(L_DEPARTMENT, c.head_end)
    department = department[0] if department else None
    implementer = rd.field(L_IMPLEMENTER, c.head_end)
    implementer = implementer[0] if implementer else None
    if not department:
        department = implementer
    if not department:
        rd.problem(None, None, "未找到“主管部门”（编号由主管部门与年度导出）",
                   "主管部门 (supervising department) not found; ids are derived from it and the year")
    if c.funds_header is None:
        rd.problem(None, None, "未找到项目资金表头（全年预算数、全年执行数）",
                   "the funds header (全年预算数, 全年执行数) was not found")
    total = c.funds.get("年度资金总额")
    if c.funds_header is not None and total is None:
        rd.problem(c.funds_header, 1, "项目资金中未找到“年度资金总额”行",
                   "the 年度资金总额 row was not found")
    money = _total_money(rd, c, total)
    sub_rows = {n: rd.fund_values(c.funds[n], c.scale, n)
                for n in ("当年财政拨款", "上年结转资金", "其他资金") if n in c.funds}
    if not rd.ok or not name or not department or c.year is None:
        return
    program_id = program_id_for(PROJECT, c.year, department)
    project_id = project_id_for(program_id, name)
    source_id = source_id_for(program_id)
    rd.out.add_source(_source_row(source_id, f"{department}{c.year}年度绩效自评表", rd.out.label, department),
                      rd.g.title)
    rd.out.add_program({
        "program_id": program_id, "program_name": f"{department}{c.year}年度部门预算", "year": c.year,
        "program_kind": "部门预算", "department": department, "region": c.region, "source_id": source_id,
        "source_ref": f"{source_id} {rd.g.title}",
    }, rd.g.title, 1)
    objective = "\n".join(e for e, _, _ in c.objectives if e) or None
    achieved = "\n".join(a for _, a, _ in c.objectives if a) or None
    rd.out.add("projects", {
        "project_id": project_id, "program_id": program_id, "project_name": name,
        "implementing_unit": implementer, "region": c.region,
        "budget_initial": money.get("budget_initial"), "budget": money.get("budget"),
        "appropriation": sub_rows.get("当年财政拨款", {}).get("budget"), "executed": money.get("executed"),
        "stated_execution_rate": money.get("rate"), "stated_score": c.closing.get("score"),
        "stated_rating": c.closing.get("rating"), "objective": objective, "objective_actual": achieved,
        "deviation_reason": c.closing.get("problems"), "improvement": c.closing.get("improvement"),
        "source_ref": f"{source_id} {rd.g.title}", "note": _note(c.closing),
    }, rd.g.title, total["_row"] if total else 1)
    _add_indicators(rd, c, program_id, project_id, source_id)
    _add_parts(rd, c, program_id, project_id, source_id,
               {"weight": money.get("weight"), "stated_score": money.get("score"),
                "_row": total["_row"] if total else 1})
    seq = 0
    for row_name, values in sub_rows.items():
        for fname, col_name in FUND_COLUMN_NAMES.items():
            if values.get(fname) is None or (row_name == "当年财政拨款" and fname == "budget"):
                continue
            seq += 1
            _stated(rd, program_id, project_id, source_id, seq, f"{row_name}{col_name}", values[fname],
                    "万元", c.funds[row_name]["_row"])


def _read_department(rd: _SheetReader) -> None:
    c = _read_common(rd)
    department = rd.required_text(L_DEPT_NAME, "部门（单位）名称", "department name", c.head_end)
    if c.funds_header is None:
        rd.problem(None, None, "未找到部门整体支出预算表头（全年预算数、全年执行数）",
                   "the funds header (全年预算数, 全年执行数) was not found")
    total = c.funds.get("年度资金总额")
    if c.funds_header is not None and total is None:
        rd.problem(c.funds_header, 1, "未找到“年度资金总额”行", "the 年度资金总额 row was not found")
    money = _total_money(rd, c, total)
    splits = {n: rd.fund_values(v, c.scale, n) for n, v in c.funds.items() if n != "年度资金总额"}
    inline = _inline_splits(rd, c)
    if not rd.ok or not department or c.year is None:
        return
    program_id = program_id_for(DEPARTMENT, c.year, department)
    source_id = source_id_for(program_id)
    rd.out.add_source(_source_row(source_id, f"{department}{c.year}年度绩效自评表", rd.out.label, department),
                      rd.g.title)
    rd.out.add_program({
        "program_id": program_id, "program_name": f"{department}{c.year}年度部门预算", "year": c.year,
        "program_kind": "部门预算", "department": department, "region": c.region,
        "objective": _program_objective(c.objectives),
        "source_id": source_id, "source_ref": f"{source_id} {rd.g.title}",
    }, rd.g.title, 1)
    rd.out.add("execution", {
        "program_id": program_id, "region": c.region, "as_of": dt.date(c.year, 12, 31),
        "budget": money.get("budget"), "executed": money.get("executed"),
        "stated_execution_rate": money.get("rate"),
        "source_ref": f"{source_id} {rd.g.title}!{total['_row']}行",
        "note": "部门整体支出（自评表年度资金总额）",
    }, rd.g.title, total["_row"])
    seq = 0
    figures = []
    if money.get("budget_initial") is not None:
        figures.append(("年度资金总额年初预算数", money["budget_initial"], "万元", total["_row"], None))
    for row_name, values in splits.items():
        for fname, col_name in FUND_COLUMN_NAMES.items():
            if values.get(fname) is not None:
                figures.append((f"{row_name}{col_name}", values[fname], "万元", c.funds[row_name]["_row"],
                                None))
    figures += inline
    if c.closing.get("score") is not None:
        rating = c.closing.get("rating")
        figures.append(("部门整体支出绩效自评得分", c.closing["score"], "分", c.head_end,
                        f"自评等级：{rating}" if rating else None))
    for metric, value, unit, row, text in figures:
        seq += 1
        _stated(rd, program_id, None, source_id, seq, metric, value, unit, row, text=text)
    _add_objectives(rd, c, program_id, source_id)
    _add_indicators(rd, c, program_id, None, source_id, c.region)
    _add_parts(rd, c, program_id, None, source_id,
               {"weight": money.get("weight"), "stated_score": money.get("score"), "_row": total["_row"]})


def _inline_splits(rd: _SheetReader, c: _Common) -> list[tuple]:
    """Revenue/expenditure splits written as "一般公共预算：1234" beside the table."""
    found = []
    for name in ("一般公共预算", "政府性基金预算", "国有资本经营预算", "财政专户管理资金", "单位资金",
                 "基本支出", "项目支出"):
        if name in c.funds:
            continue
        hit = rd.field(FUND_ROWS[name], c.head_end)
        if hit is None or hit[0] is None:
            continue
        value = rd.convert_cell(_amount, hit[0], hit[1], hit[2], name, c.scale)
        if value is not None:
            found.append((name, value, "万元", hit[1], None))
    return found


_OBJECTIVE_LABEL = re.compile(r"^\s*([^，。；,;:：\s]{2,20})\s*[:：]\s*")


def _program_objective(objectives: list[tuple]) -> str | None:
    """The program's 年度总体目标: the unlabelled 预期目标 rows ("目标1：…" rows are labelled),
    or every row when all are labelled."""
    expected = [e for e, _, _ in objectives if e]
    plain = [e for e in expected if not _OBJECTIVE_LABEL.match(e)]
    return "\n".join(plain or expected) or None


def _add_objectives(rd: _SheetReader, c: _Common, program_id: str, source_id: str) -> None:
    seq = 0
    for expected, achieved, row in c.objectives:
        seq += 1
        label = None
        m = _OBJECTIVE_LABEL.match(expected or "")
        if m:
            label, expected = m[1], expected[m.end():] or None
        rd.out.add("objectives", {"program_id": program_id, "seq": seq, "label": label or "年度总体目标",
                                  "expected": expected, "actual_text": achieved,
                                  "source_ref": f"{source_id} {rd.g.title}!{row}行"}, rd.g.title, row)
    for name, label in (("conclusion", "评价结论"), ("problems", "存在问题"), ("improvement", "改进措施"),
                        ("note", "备注")):
        if c.closing.get(name):
            seq += 1
            rd.out.add("objectives", {"program_id": program_id, "seq": seq, "label": label,
                                      "actual_text": c.closing[name],
                                      "source_ref": f"{source_id} {rd.g.title}"}, rd.g.title, c.head_end)


def _read_region(rd: _SheetReader) -> None:
    c = _read_common(rd)
    name = rd.required_text(L_TRANSFER_NAME, "转移支付（项目）名称", "transfer program name", c.head_end)
    local = rd.field(("地方主管部门", "省级主管部门"), c.head_end) or rd.field(("主管部门",), c.head_end)
    central = rd.field(L_CENTRAL_DEPT, c.head_end)
    department = (local[0] if local else None) or (central[0] if central else None)
    if not department:
        rd.problem(None, None, "未找到“地方主管部门”", "地方主管部门 (local department) not found")
    region = c.region
    if not region and department:
        m = re.match(r"^(.{2,8}?(?:自治区|省|市))", department)
        region = m[1] if m else None
    if c.funds_header is None:
        rd.problem(None, None, "未找到资金投入情况表头（全年预算数、全年执行数）",
                   "the funds header (全年预算数, 全年执行数) was not found")
    sources = {n: rd.fund_values(c.funds[n], c.scale, n) for n in REGION_SOURCES if n in c.funds}
    for fund, values in sources.items():
        if values.get("executed") is not None and values.get("budget") is None:
            _, r, col = c.funds[fund].get("budget", (None, c.funds[fund]["_row"], 1))
            rd.problem(r, col, f"{fund}的全年预算数为空", f"the {fund} budget is empty")
    total_cells = c.funds.get("年度资金总额")
    total = rd.fund_values(total_cells, c.scale, "年度资金总额") if total_cells else {}
    if c.funds_header is not None and not sources and not total:
        rd.problem(c.funds_header, 1, "资金投入情况中没有中央补助、地方资金或其他资金的金额",
                   "no amounts for 中央补助, 地方资金 or 其他资金")
    if not rd.ok or not name or not department or c.year is None:
        return
    program_id = program_id_for(REGION, c.year, department, name, region or "")
    source_id = source_id_for(program_id)
    title = f"{region or ''}{name}{c.year}年度区域绩效自评表"
    rd.out.add_source(_source_row(source_id, title, rd.out.label, department), rd.g.title)
    expected = _program_objective(c.objectives)
    central_note = f"中央主管部门：{central[0]}" if central and central[0] and local else None
    rd.out.add_program({
        "program_id": program_id, "program_name": name, "year": c.year, "program_kind": "转移支付",
        "department": department, "region": region, "objective": expected, "source_id": source_id,
        "source_ref": f"{source_id} {rd.g.title}", "note": central_note,
    }, rd.g.title, 1)
    for fund, values in sources.items():
        row = c.funds[fund]["_row"]
        ref = f"{source_id} {rd.g.title}!{row}行"
        if values.get("budget") is not None and region:
            rd.out.add("allocations", {"program_id": program_id, "region": region, "fund_source": fund,
                                       "amount": values["budget"], "source_ref": ref}, rd.g.title, row)
        if values.get("budget") is not None and values.get("executed") is not None:
            rd.out.add("execution", {
                "program_id": program_id, "region": region, "fund_source": fund,
                "as_of": dt.date(c.year, 12, 31), "budget": values["budget"], "executed": values["executed"],
                "stated_execution_rate": values.get("rate"), "source_ref": ref}, rd.g.title, row)
    seq = 0
    if total:
        row = total_cells["_row"]
        for fname, metric, unit, aggregate, scale in (
                ("budget", "年度资金总额（全年预算数）", "万元", "资金合计", 1),
                ("executed", "年度资金总额（全年执行数）", "万元", "无", 1),
                ("rate", "年度资金总额执行率", "%", "无", 100)):
            if total.get(fname) is not None:
                seq += 1
                _stated(rd, program_id, None, source_id, seq, metric, total[fname] * scale, unit, row,
                        aggregate=aggregate if region else "无", region=region)
    _add_objectives(rd, c, program_id, source_id)
    _add_indicators(rd, c, program_id, None, source_id, region)


def merge_into(merged: ParsedWorkbook, one: ParsedWorkbook) -> None:
    """Before ``one`` (a form file) joins ``merged`` (the files read so far in this load): drop
    the program and source rows ``merged`` already holds, because several form files of one
    department and year share a derived program and its source. The kept program row gains
    the empty fields the dropped one fills; the kept source row names every file."""
    for table, key in (("programs", "program_id"), ("sources", "source_id")):
        known = {r[key]: r for r in merged.tables[table]}
        rows, origins = [], []
        for row, origin in zip(one.tables[table], one.origins[table], strict=True):
            existing = known.get(row[key])
            if existing is None or not _DERIVED_ID.fullmatch(row[key]):
                rows.append(row)
                origins.append(origin)
                continue
            for column, value in row.items():
                if existing.get(column) is None and value is not None:
                    existing[column] = value
            if table == "sources" and row["file_name"] not in existing["file_name"].split("、"):
                existing["file_name"] += "、" + row["file_name"]
        one.tables[table], one.origins[table] = rows, origins
