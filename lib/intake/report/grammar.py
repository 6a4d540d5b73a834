"""The grammar of figures in report sentences: amounts, rates, document numbers, dates, counts.

Pure functions over normalized text (see normalize.py). Every match keeps its span, so the
extractors can tell which figures of a sentence they placed and which are left over.

Traps handled here (DOMAIN.md "Reading figures out of report text"):
- units 元 / 万元 / 亿元 and a bare 万 ("水东8万") → 万元; "5万余册", "10万人次" are counts, not money;
- a price such as "500元/天·人" keeps its unit and is never converted to 万元;
- document numbers whose closing bracket and 号 were lost run into the amount
  ("财建〔20202185000万元"): the split is returned as candidates, settled only by a stated total;
- year ranges ("2023-2024年") and dates are never amounts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"
_AMOUNT = re.compile(
    rf"(?<![\d.〔﹝\[［【\-–~～])(?P<num>{NUM})(?P<unit>亿元|万元|元(?P<per>/[^\s，。；、,;)）]{{1,6}})?|万(?=$|[，。；、,;)）\s和及]))"
)
_RATE = re.compile(rf"(?P<op>[≥≤<>=]|不低于|不高于|不少于|不超过)?(?P<num>{NUM})%")
DOC_NO = re.compile(r"[\u4e00-\u9fff]{1,10}[〔﹝\[［【(（]\d{4}[〕﹞\]］】)）]\d{1,5}号")
# a document number that lost its closing bracket and 号: prefix〔 + digits running into an amount
_RUN_IN = re.compile(
    r"(?P<prefix>[\u4e00-\u9fff]{1,10})[〔﹝\[［【](?P<year>(?:19|20)\d{2})(?P<rest>\d{2,12})"
    r"(?P<unit>亿元|万元|元)"
)
YEAR_RANGE = re.compile(r"(?:19|20)\d{2}\s*[-–~～至到]\s*(?:(?:19|20)\d{2}|\d{1,2})\s*年")
DATE = re.compile(r"(?P<y>(?:19|20)\d{2})年(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})日)?")
COUNT = re.compile(
    rf"(?P<num>{NUM})(?P<more>余|多)?(?P<unit>个百分点|个月|个|项|家|套|件|人次|户次|人|次|场次|场|期|份|条|处|座|台|部|名|卷|页"
    r"|平方公里|公里|千米|块|起|架次|架|户|只|头|万亩|亩|公顷|平方米|立方米|小时|篇|所|辆|吨|册|株|棵|‰)"
)
SCORE = re.compile(rf"(?P<label>分值|值|得分|权重)(?:为)?(?P<num>{NUM})分")
RATING = re.compile(r"(?:自评)?(?:结果|等级|评级|评价)[为是:：]?[“\"「]?(?P<rating>优|良|中|差)[”\"」]?")
OPERATORS = ("≥", "≤", "<", ">", "=")
_OP_WORDS = {"不低于": "≥", "不少于": "≥", "不高于": "≤", "不超过": "≤"}
_UNIT_FACTOR = {"亿元": Decimal(10000), "万元": Decimal(1), "万": Decimal(1), "元": Decimal("0.0001")}


@dataclass(frozen=True)
class Figure:
    """One figure found in a text: its value in 万元 (amount), percent points (rate) or units."""

    kind: str  # "amount" | "price" | "rate" | "count"
    value: float
    unit: str  # 万元 for amounts; the stated unit otherwise ("%", "个", "元/天·人")
    start: int
    end: int
    text: str  # the figure as written
    op: str = ""  # ≥ ≤ < > = for rates written with one
    approx: bool = False  # "100余套"


def number(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def amounts(text: str) -> list[Figure]:
    """Money figures in 万元, and prices (元/unit) kept in their own unit."""
    out = []
    blocked = [m.span() for m in YEAR_RANGE.finditer(text)]
    for m in _AMOUNT.finditer(text):
        if any(a <= m.start() < b for a, b in blocked):
            continue
        if m["per"]:
            out.append(Figure("price", float(number(m["num"])), m["unit"], m.start(), m.end(), m[0]))
            continue
        unit = m["unit"]
        value = number(m["num"]) * _UNIT_FACTOR[unit]
        out.append(Figure("amount", float(value), "万元", m.start(), m.end(), m[0]))
    return out


def rates(text: str) -> list[Figure]:
    out = []
    for m in _RATE.finditer(text):
        op = _OP_WORDS.get(m["op"] or "", m["op"] or "")
        out.append(Figure("rate", float(number(m["num"])), "%", m.start(), m.end(), m[0], op))
    return out


def counts(text: str) -> list[Figure]:
    out = []
    for m in COUNT.finditer(text):
        if m.start() > 0 and text[m.start() - 1] in "〔﹝[［【.-":
            continue
        out.append(
            Figure(
                "count", float(number(m["num"])), m["unit"], m.start(), m.end(), m[0], approx=bool(m["more"])
            )
        )
    return out


def doc_numbers(text: str) -> list[str]:
    return [m[0] for m in DOC_NO.finditer(text)]


@dataclass(frozen=True)
class RunIn:
    """A document number run into an amount: every way to split the digits."""

    start: int
    end: int
    text: str
    prefix: str
    year: str
    candidates: tuple[tuple[str, float], ...]  # (document number, amount in 万元)


def run_in_doc_numbers(text: str) -> list[RunIn]:
    """ "财建〔20202185000万元" → 〔2020〕2号 + 185000万元, 〔2020〕21号 + 85000, 〔2020〕218号 + 5000 …"""
    out = []
    for m in _RUN_IN.finditer(text):
        rest, unit = m["rest"], m["unit"]
        cands = []
        for k in range(1, min(len(rest), 5)):
            doc, amount = rest[:k], rest[k:]
            if amount.startswith("0"):
                continue
            cands.append(
                (f"{m['prefix']}〔{m['year']}〕{int(doc)}号", float(number(amount) * _UNIT_FACTOR[unit]))
            )
        out.append(RunIn(m.start(), m.end(), m[0], m["prefix"], m["year"], tuple(cands)))
    return out


def settle_run_in(run: RunIn, expected: float) -> tuple[str, float] | None:
    """The split whose amount is the one a stated total requires; None when none or several fit."""
    fits = [c for c in run.candidates if abs(c[1] - expected) < 1e-6]
    return fits[0] if len(fits) == 1 else None


def decimals(figure_text: str) -> int:
    digits = re.search(NUM, figure_text)
    if not digits or "." not in digits[0]:
        return 0
    return len(digits[0].split(".")[1])


def close(a: float, b: float, stated_text: str | None = None) -> bool:
    """a equals b within the rounding of the stated figure (half a unit of its last digit)."""
    tol = 0.5 * 10 ** -decimals(stated_text) if stated_text else 1e-6
    return abs(a - b) <= tol + 1e-9


def value_text(value: float) -> str:
    """A number as a report writes it: 1500, 15.14353 (no trailing zeros)."""
    text = f"{Decimal(str(value)).normalize():f}"
    return text
