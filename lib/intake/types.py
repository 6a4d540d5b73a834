"""The types every reader of lib/intake shares, at the bottom of the package: a finding (what is
wrong, where), a cell's conversion error, the parsed result of a load, the limits on a file, and
the conversion of one cell to its column's type. Everything in lib/intake may import this module;
it imports nothing of lib/intake but the dataset format (workbook_spec)."""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import asdict, dataclass, field

from lib.intake import workbook_spec as spec

MAX_FILE_BYTES = 50 * 1024 * 1024
# A workbook that unpacks to more than this is refused before anything parses it (zip bomb).
MAX_UNZIPPED_BYTES = 500 * 1024 * 1024
# DECIMAL(18,6) holds up to 10^12 万元; anything larger is a keying error, not a budget.
MAX_AMOUNT = 1e12
YUAN_PER_WAN = 10_000
OLD_WORD_ZH = ("这是 Word 97-2003（.doc）或 WPS 文字（.wps）文件，无法直接读取；"
               "请在 Word 或 WPS 中“另存为”.docx 后再上传")
OLD_WORD_EN = "a .doc or .wps file cannot be read; save it as .docx (Word) and upload that"


@dataclass(frozen=True)
class Finding:
    """One problem in an input workbook. ``row`` and ``column`` are as Excel shows them."""

    file: str
    sheet: str
    row: int | None
    column: str
    problem: str
    problem_en: str

    def as_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        where = f"{self.file} › {self.sheet}" if self.sheet else self.file
        if self.row:
            where += f" › 第{self.row}行"
        if self.column:
            where += f" › {self.column}"
        return f"{where}：{self.problem}（{self.problem_en}）"


class CellError(ValueError):
    def __init__(self, zh: str, en: str):
        super().__init__(zh)
        self.zh, self.en = zh, en


@dataclass
class ParsedWorkbook:
    """Typed rows per table (storage column names) and the findings that reject them."""

    tables: dict[str, list[dict]]
    findings: list[Finding]
    # where each row came from (file, sheet, Excel row), for findings raised after parsing
    origins: dict[str, list[tuple[str, str, int]]]
    # official forms only: cells read but not stored (lib.intake.coverage.Unmapped), and how many
    # non-empty cells the forms had and how many of them were accounted for
    unmapped: list = field(default_factory=list)
    cells_read: int = 0
    cells_stored: int = 0

    @property
    def blocking_unmapped(self) -> list:
        """What was not imported and waits for a decision (map it, or accept it as not imported)."""
        return [u for u in self.unmapped if u.blocking]

    @property
    def coverage(self) -> float | None:
        """Share of the forms' non-empty cells that were stored or read as labels (None: no form)."""
        return self.cells_stored / self.cells_read if self.cells_read else None

    @property
    def ok(self) -> bool:
        return not self.findings


def _fold(text: str) -> str:
    """Header matching ignores width, spaces, and a trailing unit such as （万元）."""
    folded = unicodedata.normalize("NFKC", str(text))
    folded = re.sub(r"\s+", "", folded)
    folded = re.sub(r"\((万元|元|%|％)\)$", "", folded)
    return folded.lower()



_WHAT_EN = {"整数": "a whole number", "金额（万元）": "an amount in wan yuan (10,000 CNY)",
            "数值": "a number", "分数": "a score", "比率": "a rate", "完成比例": "a completion share"}


def _number(value: object, what: str) -> float:
    """A number from a cell; text may carry thousands separators and, for amounts, a unit."""
    what_en = _WHAT_EN.get(what, "a number")
    if isinstance(value, bool):
        raise CellError(f"应为{what}，不是逻辑值", f"expected {what_en}, got a boolean")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise CellError(f"应为{what}", f"expected {what_en}")
        return float(value)
    text = unicodedata.normalize("NFKC", str(value)).strip().replace(",", "")
    scale = 1.0
    if what.startswith("金额"):
        if text.endswith("万元"):
            text = text[:-2]
        elif text.endswith("元"):  # 元 written in a 万元 column
            text, scale = text[:-1], 1 / YUAN_PER_WAN
    try:
        number = float(text) * scale
    except ValueError:
        raise CellError(f"应为{what}，实际为“{value}”", f"expected {what_en}, got '{value}'") from None
    if not math.isfinite(number):
        raise CellError(f"应为{what}，实际为“{value}”", f"expected {what_en}, got '{value}'")
    return number


def _fraction(value: object, what: str) -> float:
    """A rate cell: a fraction (Excel percent format) or text with a % sign."""
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        if text.endswith("%"):
            return _number(text[:-1], what) / 100
    return _number(value, what)


def convert(value: object, column: spec.Column) -> object:
    """Convert one non-empty cell to its column's type; raise CellError with the reason."""
    t = column.type
    if t == spec.TEXT:
        if type(value) is str:
            return value.strip()
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, (dt.datetime, dt.date)):
            return value.isoformat()[:10]
        return str(value).strip()
    if t == spec.INT:
        number = _number(value, "整数")
        if not number.is_integer():
            raise CellError(f"应为整数，实际为 {value}", f"expected a whole number, got {value}")
        return int(number)
    if t == spec.MONEY:
        number = _number(value, "金额（万元）")
        if number < 0:
            raise CellError(f"金额不能为负数：{value}", f"amount must not be negative: {value}")
        if number >= MAX_AMOUNT:
            raise CellError(f"金额过大（应小于10^12万元）：{value}",
                            f"amount too large (must be below 10^12 wan yuan): {value}")
        return number
    if t == spec.NUMBER:
        number = _number(value, "数值")
        if number < 0:
            raise CellError(f"数值不能为负数：{value}", f"value must not be negative: {value}")
        return number
    if t == spec.SCORE:
        number = _number(value, "分数")
        if not 0 <= number <= 100:
            raise CellError(f"分数应在0–100之间，实际为 {value}", f"score must be 0-100, got {value}")
        return number
    if t == spec.RATE:
        number = _fraction(value, "比率")
        if not 0 <= number <= 2:
            raise CellError(
                f"比率应在0%–200%之间（填写94.65%或0.9465），实际为 {value}",
                f"rate must be 0%-200% (write 94.65% or 0.9465), got {value}",
            )
        return number
    if t == spec.SHARE:
        number = _fraction(value, "完成比例")
        if not 0 <= number <= 1:
            raise CellError(
                f"完成比例应在0%–100%之间，实际为 {value}",
                f"completion share must be 0%-100%, got {value}",
            )
        return number
    if t == spec.DATE:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = unicodedata.normalize("NFKC", str(value)).strip()
        m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text)
        if m:
            try:
                return dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                pass
        raise CellError(f"应为日期（如2023-12-31），实际为“{value}”", f"expected a date, got '{value}'")
    if t in (spec.RATING, spec.CHOICE):
        text = re.sub(r"[\s“”\"']", "", unicodedata.normalize("NFKC", str(value)))
        if text not in column.choices:
            allowed = "、".join(column.choices)
            raise CellError(
                f"应为以下之一：{allowed}；实际为“{value}”", f"must be one of {column.choices}, got '{value}'"
            )
        return text
    raise AssertionError(f"unknown column type {t}")

# A CSV holds one table: as a dataset it would replace a program's every record with that one
# sheet's, so it is refused with the way to bring it in (an official form as CSV is read).
CSV_DATASET_ZH = ("CSV 文件只有一张表，不能直接作为数据工作簿导入（数据工作簿按“资金/部门编号”整体替换"
                  "来源、项目、资金分配、指标等全部工作表）：请在“模板下载”部分下载数据模板，"
                  "把 CSV 的内容粘贴到对应工作表（如“项目”），另存为 .xlsx 后上传；"
                  "官方自评表另存的 CSV 可直接上传。")
CSV_DATASET_EN = ("a CSV holds one table and cannot be imported as a dataset workbook: paste it into the "
                  "matching sheet of the template and upload the .xlsx (an official form saved as CSV "
                  "is read)")
