"""The program's own headline: "下达/安排 X 万元，实际执行/支出 Y 万元，执行率 Z%" → an execution record.

Read in any bureau's wording (roles.py decides each amount's role by its label's head words), from
the paragraphs about the whole program (not a project's section, not an indicator's sentence), the
first figure of each role that is not a part of a total (a source, a place, 其中…). What it writes:
- 执行进度 at program level (no project, no source): budget, executed, the stated rate when it is
  against the budget; as of the date the sentence gives (截至2023年11月30日) or the year's end;
- received funds (到位), the appropriation, the start-of-year budget and the balance as stated
  figures with their own metric — 到位 is never taken for the budget;
- a rate against received funds as a stated figure naming that base, never as the record's rate,
  so 核查 recomputes each rate over its own base.
Runs after the kind's own extractors and only where they wrote no program-level record.
"""

from __future__ import annotations

import datetime as dt
import re

from lib.intake.report import grammar, roles
from lib.intake.report.context import Context, raw_label_before, sentence_at
from lib.intake.report.sections import Para

_AS_OF = re.compile(r"截[至止](?:到)?(?P<y>(?:19|20)\d{2})年(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})日)?(?:止)?")


def _about_program(p: Para) -> bool:
    heads = "".join(p.heads.values())
    if re.search(r"指标完成|绩效指标|产出指标|效益指标|满意度|偏离|偏差|改进|问题|建议|公开|结果应用", heads):
        return False
    return not p.appendix


def extract(ctx: Context, paras: list[Para], skip: set[int]) -> None:
    if ctx.year is None or any(
        not r.get("project_id") and not r.get("fund_source") for r in ctx.tables.get("execution", [])
    ):
        return
    found = _first_of_each_role(ctx, paras, skip, parts_allowed=False)
    if roles.BUDGET not in found:
        # a central or provincial fund's own total names its source ("下达…中央财政水利发展资金1785万元"):
        # with no source-less total, the first one named by its source is the program's
        for role, hit in _first_of_each_role(ctx, paras, skip, parts_allowed=True).items():
            found.setdefault(role, hit)
    if roles.BUDGET not in found and roles.BUDGET_INITIAL in found:
        found[roles.BUDGET] = found[roles.BUDGET_INITIAL]
    budget, executed = found.get(roles.BUDGET), found.get(roles.EXECUTED)
    received = found.get(roles.RECEIVED)
    rate = _rate_after(ctx, paras, executed) if executed else None
    if budget and executed:
        _record(ctx, budget, executed, received, rate)
    elif budget:
        p, a, label = budget
        ctx.stated(p, a, roles.METRIC[roles.BUDGET], "无",
                   note=f"原文：{label or a.text}；报告未写执行数，不能记为执行进度")
    for role in (roles.RECEIVED, roles.APPROPRIATION, roles.BALANCE, roles.BUDGET_INITIAL):
        if role in found and not ctx.is_placed(found[role][0], (found[role][1].start, found[role][1].end)):
            p, a, label = found[role]
            ctx.stated(p, a, roles.METRIC[role], "无", note=f"原文：{label or a.text}")


def _first_of_each_role(ctx: Context, paras: list[Para], skip: set[int], parts_allowed: bool):
    found: dict[str, tuple[Para, grammar.Figure, str]] = {}
    for p in paras:
        if p.index in skip or not _about_program(p):
            continue
        text = p.text
        for a in grammar.amounts(text):
            if a.kind != "amount" or ctx.is_placed(p, (a.start, a.end)):
                continue
            label = raw_label_before(text, a.start)
            after = text[a.end : a.end + 14]
            clause_start = max(text.rfind(c, 0, a.start) for c in "，,。；;")
            if "其中" in text[clause_start + 1 : a.start]:
                continue
            own_total = parts_allowed and not re.search(r"其中|上年结转|以前年度", label)
            if roles.is_part(label) and not own_total:
                continue
            in_bracket = text.rfind("（", 0, a.start) > text.rfind("）", 0, a.start) or text.rfind(
                "(", 0, a.start
            ) > text.rfind(")", 0, a.start)
            if in_bracket:
                continue
            role = roles.role_of(label, after)
            if role and role not in found:
                found[role] = (p, a, label)
    return found


def _rate_after(ctx: Context, paras: list[Para], executed) -> tuple[Para, grammar.Figure, str] | None:
    """The execution rate stated with the executed amount: in its paragraph after it, or the next."""
    p, a, _ = executed
    for q in (p, *[x for x in paras if x.index == p.index + 1]):
        for r in grammar.rates(q.text):
            if q is p and r.start < a.end:
                continue
            label = raw_label_before(q.text, r.start)
            if roles.is_execution_rate(label) and not ctx.is_placed(q, (r.start, r.end)):
                return q, r, label
    return None


def _as_of(ctx: Context, *texts: str) -> tuple[dt.date, str | None]:
    for text in texts:
        m = _AS_OF.search(text)
        if m and int(m["y"]) == ctx.year:
            month = int(m["m"])
            day = int(m["d"]) if m["d"] else _month_end(ctx.year, month)
            try:
                return dt.date(ctx.year, month, day), None
            except ValueError:
                break
    return dt.date(ctx.year, 12, 31), "报告未写截至日期，按年末记录"


def _month_end(year: int, month: int) -> int:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return (nxt - dt.timedelta(days=1)).day


def _record(ctx, budget, executed, received, rate) -> None:
    bp, b, blabel = budget
    ep, e, elabel = executed
    sentence_e = sentence_at(ep.text, e.start)
    as_of, note = _as_of(ctx, sentence_e, sentence_at(bp.text, b.start))
    stated_rate, base = None, roles.BUDGET
    if rate:
        rp, r, rlabel = rate
        got = received[1].value if received else None
        base = roles.rate_base(r.value / 100, e.value, b.value, got, rlabel)
        if base == roles.BUDGET:
            stated_rate = r.value / 100
        else:
            ctx.stated(rp, r, "执行率（执行数÷到位资金）", "无",
                       note="报告的执行率按到位资金计算，不是按预算数")
    spans_of_rate = [(rate[1].start, rate[1].end)] if rate and base == roles.BUDGET else []
    notes = [n for n in (note, f"预算数原文：{blabel}；执行数原文：{elabel}") if n]
    ctx.add(
        "execution",
        ep,
        {
            "project_id": None,
            "region": None,
            "fund_source": None,
            "as_of": as_of,
            "budget": b.value,
            "executed": e.value,
            "stated_execution_rate": stated_rate,
            "note": "；".join(notes),
        },
        sentence_e if bp is ep else f"{sentence_at(bp.text, b.start)}……{sentence_e}",
        [(e.start, e.end)] + (spans_of_rate if rate and rate[0] is ep else []),
    )
    ctx.place(bp, (b.start, b.end))
    if rate and base == roles.BUDGET and rate[0] is not ep:
        ctx.place(rate[0], (rate[1].start, rate[1].end))


_SOURCE_NAMES = (
    (r"中央", "中央补助"),
    (r"自治区", "自治区资金"),
    (r"省级|省本级|省财政|省补助|省配套", "省级资金"),
    (r"盟市|市级|市财政|市本级|市配套", "市级资金"),
    (r"旗县|县级|县财政|县本级|区级|区财政|区本级|县配套|区配套", "县级资金"),
    (r"市县|市以下|地方", "地方资金"),
    (r"乡镇|乡级|镇级", "乡镇资金"),
    (r"自筹|社会资金|单位资金|其他资金", "其他资金"),
)


def source_name(label: str) -> str | None:
    """The source a label names, at the level the report gives it (县级 stays 县级, not 地方)."""
    label = re.sub(r"[\u4e00-\u9fff]{0,3}财政(?:厅|部|局)", "", label)
    for pattern, name in _SOURCE_NAMES:
        if re.search(pattern, label):
            return name
    return None


def source_allocations(ctx: Context, paras: list[Para], skip: set[int]) -> None:
    """A program's money by source with no region ("其中，中央补助资金8353万元，省级配套资金2088万元"):
    one allocation per source to the program's own region, where no region list gave that source.

    Only budget-side amounts (下达 / 安排 / 投入 …, or none named): spending and funds received by
    source are not allocations."""
    by_region = {r["fund_source"] for r in ctx.tables.get("allocations", [])}
    region = ctx.region or "（报告未写明地区）"
    for p in paras:
        if p.index in skip or not _about_program(p):
            continue
        text = p.text
        for a in grammar.amounts(text):
            span = (a.start, a.end)
            if a.kind != "amount" or (ctx.is_placed(p, span) and not ctx.only_stated(p, span)):
                continue
            label = raw_label_before(text, a.start)
            source = source_name(label)
            if source is None or source in by_region or re.search(r"上年结转|以前年度|结余", label):
                continue
            role = roles.role_of(label, text[a.end : a.end + 14])
            if role not in (None, roles.BUDGET):
                continue
            if any(r["fund_source"] == source and r["region"] == region
                   for r in ctx.tables.get("allocations", [])):
                continue
            ctx.add(
                "allocations",
                p,
                {
                    "project_id": None,
                    "region": region,
                    "fund_source": source,
                    "fund_year": None,
                    "amount": a.value,
                    "doc_no": None,
                    "note": "报告只分来源、未分地区：记在本资金/部门所属地区",
                },
                sentence_at(text, a.start),
                [(a.start, a.end)],
            )
