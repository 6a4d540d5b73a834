"""Program identity across years: which programs of different budget years are one fund or one
department's budget (its lineage, 跨年度编号).

Programs are keyed per year (LZ2022-YJJ, RT2021-350b03), so nothing in an id links a program to
itself a year later. The rule here proposes a lineage; a person confirms or corrects it on
数据管理, and a workbook may state it (the optional 跨年度编号 column of 资金与部门). The one that
counts is, in order: the choice saved on 数据管理, the workbook's column, the rule.

The rule: the same department and region (both normalized; a draft's 报告未写明 placeholder is no
name), and names equal once the budget year, brackets, punctuation and the generic words of fund
names are removed, or one such name containing the other with at least four characters and
lacking at most a quarter of it (a fund renamed 森林草原航空消防补助 → 森林草原航空消防租机补助经费 keeps
its kernel; the family name 中央自然灾害 does not swallow every sub-fund). Never two programs of one
year in one lineage: the second of a year starts its own.

Pure: rows in, rows out.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# Words every fund name may carry or drop from one year to the next; removing them leaves what
# the fund is for. Longest first, so 转移支付资金 goes before 资金.
_GENERIC = sorted((
    "中央对地方转移支付", "转移支付", "专项资金", "补助资金", "救灾资金", "资金", "经费", "补助", "专项",
    "项目", "预算", "部门本级", "本级", "部门", "中央财政", "省级", "年度",
), key=len, reverse=True)
_YEAR = re.compile(r"(?:19|20)\d{2}\s*(?:-\s*(?:19|20)?\d{2,4})?\s*(?:年度|年)?")
_PUNCT = re.compile(r"[\s()（）〔〕\[\]【】《》<>〈〉“”\"'‘’·、，,。.:：;；\-—_/]+")
_PLACEHOLDER = re.compile(r"^[（(]报告未写明.*[）)]$")  # NFKC folds （） to ()
MIN_KERNEL = 4  # a contained name shorter than this says too little to join two programs
# a contained name may lack at most this share of the longer one: 森林草原航空消防 → …租机 (2 of 16)
# joins, the fund family 中央自然灾害 → 中央自然灾害森林草原航空消防 (8 of 14) does not
MAX_EXTRA_SHARE = 0.25
MAX_SCAN = 200  # series of one department and region searched for a contained kernel


def _fold(text) -> str:
    return unicodedata.normalize("NFKC", str(text or "")).strip()


def name_kernel(program_name: str) -> str:
    """What a program's name keeps from year to year: without the year, brackets, punctuation and
    generic words ("中央自然灾害(森林草原航空消防补助)救灾资金" → "中央自然灾害森林草原航空消防")."""
    text = _PUNCT.sub("", _YEAR.sub("", _fold(program_name)))
    for word in _GENERIC:
        text = text.replace(word, "")
    return text


def place_key(text) -> str:
    """Department or region as compared: folded, without spaces; a draft's placeholder
    （报告未写明主管部门） counts as unknown (empty), never as a name two programs share."""
    value = _fold(text)
    if not value or _PLACEHOLDER.match(value):
        return ""
    return re.sub(r"\s+", "", value)


@dataclass(frozen=True)
class Link:
    """One program's lineage and why: ``basis`` is 'confirmed' (saved on 数据管理), 'workbook'
    (the workbook's 跨年度编号) or 'rule' (proposed here); ``reason`` says it in Chinese."""

    program_id: str
    lineage_id: str
    basis: str
    reason: str


def _same_series(a: str, b: str) -> bool:
    if not a or not b:
        return False
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    return (len(short) >= MIN_KERNEL and short in long_
            and len(long_) - len(short) <= MAX_EXTRA_SHARE * len(long_))


def propose(programs: Iterable[Mapping]) -> dict[str, Link]:
    """The rule's lineage of every program: rows with program_id, program_name, year, department,
    region. A lineage is named by its earliest program's id. Programs are taken by year, then id,
    so the result does not depend on the rows' order. Series are looked up by department and
    region, then by equal kernel; a contained kernel is looked for among at most
    ``MAX_SCAN`` series of one department and region (a province of thousands of programs under
    one department would otherwise compare every pair)."""
    rows = sorted(programs, key=lambda r: (int(r["year"]), str(r["program_id"])))
    groups: dict[tuple[str, str], list[dict]] = {}  # (department, region) -> its series
    exact: dict[tuple[str, str, str], list[dict]] = {}  # (department, region, kernel) -> series
    out: dict[str, Link] = {}
    for row in rows:
        pid, year = str(row["program_id"]), int(row["year"])
        kernel = name_kernel(row.get("program_name"))
        dept, region = place_key(row.get("department")), place_key(row.get("region"))
        found = None
        if dept and kernel:
            found = next((s for s in exact.get((dept, region, kernel), ()) if year not in s["years"]), None)
            group = groups.get((dept, region), [])
            if found is None and len(group) <= MAX_SCAN:
                found = next((s for s in group if year not in s["years"]
                              and any(_same_series(kernel, k) for k in s["kernels"])), None)
        if found is None:
            found = {"lineage_id": pid, "kernels": [], "years": set()}
            groups.setdefault((dept, region), []).append(found)
            reason = ("主管部门未写明，不与其他年度关联" if not dept
                      else "首个年度" if kernel else "名称为空，不与其他年度关联")
        else:
            reason = f"与 {found['lineage_id']} 同主管部门、同地区，名称主干相同（{kernel}）"
        if kernel not in found["kernels"]:
            found["kernels"].append(kernel)
            exact.setdefault((dept, region, kernel), []).append(found)
        found["years"].add(year)
        out[pid] = Link(pid, found["lineage_id"], "rule", reason)
    return out


def resolve(programs: Iterable[Mapping], confirmed: Mapping[str, str] | None = None,
            rule: Mapping[str, Link] | None = None) -> dict[str, Link]:
    """Each program's lineage as it counts: the 数据管理 choice (``confirmed``: program_id →
    lineage_id), else the workbook's ``lineage_id`` column, else :func:`propose` (``rule``: its
    result when the caller has it already)."""
    rows = list(programs)
    rule = propose(rows) if rule is None else rule
    confirmed = confirmed or {}
    out: dict[str, Link] = {}
    for row in rows:
        pid = str(row["program_id"])
        chosen = _fold(confirmed.get(pid))
        stated = _fold(row.get("lineage_id"))
        if chosen:
            out[pid] = Link(pid, chosen, "confirmed", "已在数据管理中确认")
        elif stated:
            out[pid] = Link(pid, stated, "workbook", "数据工作簿“跨年度编号”列所填")
        else:
            out[pid] = rule[pid]
    return out


def lineage_map(programs: Iterable[Mapping], confirmed: Mapping[str, str] | None = None) -> dict[str, str]:
    """program_id → lineage_id (see :func:`resolve`)."""
    return {pid: link.lineage_id for pid, link in resolve(programs, confirmed).items()}


def previous_of(programs: Iterable[Mapping], lineage: Mapping[str, str]) -> dict[str, str]:
    """program_id → the program_id of the same lineage in the year just before (only where that
    year exists: 2024 after 2022 has no previous year, a gap is not a year-on-year)."""
    by_key = {}
    for row in programs:
        pid = str(row["program_id"])
        by_key[(lineage.get(pid, pid), int(row["year"]))] = pid
    return {pid: by_key[(lin, year - 1)] for (lin, year), pid in by_key.items() if (lin, year - 1) in by_key}
