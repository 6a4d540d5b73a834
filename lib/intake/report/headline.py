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
from lib.intake.report.context import Context, marked_sentence, raw_label_before, sentence_at, sentence_bounds
from lib.intake.report.sections import Para

_AS_OF = re.compile(r"截[至止](?:到)?(?P<y>(?:19|20)\d{2})年(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})日)?(?:止)?")


def about_program(p: Para) -> bool:
    heads = "".join(p.heads.values())
    if re.search(r"指标完成|绩效指标|产出指标|效益指标|满意度|偏离|偏差|改进|问题|建议|公开|结果应用", heads):
        return False
    return not p.appendix


def extract(ctx: Context, paras: list[Para], skip: set[int]) -> None:
    program_level = [r for r in ctx.tables.get("execution", []) if not r.get("project_id")]
    if ctx.year is None or any(not r.get("fund_source") for r in program_level):
        return  # the kind's reader wrote the program's execution
    found = _first_of_each_role(ctx, paras, skip)
    if roles.BUDGET not in found and roles.BUDGET_INITIAL in found:
        found[roles.BUDGET] = found[roles.BUDGET_INITIAL]
    budget, executed = found.get(roles.BUDGET), found.get(roles.EXECUTED)
    received = found.get(roles.RECEIVED)
    rate = _rate_after(ctx, paras, executed) if executed else None
    if budget and any(abs(r["budget"] - budget[1].value) < 1e-9 for r in program_level):
        budget = None  # one source's total, recorded by source already: not the program's
    if budget and executed:
        _record(ctx, budget, executed, received, rate)
    elif budget or not program_level:
        for role, why in ((roles.BUDGET, "报告未写执行数"), (roles.EXECUTED, "报告未写预算数")):
            if _free(ctx, found.get(role)):
                p, a, label = found[role]
                ctx.restate(p, a, roles.METRIC[role], f"原文：{label or a.text}；{why}，不能记为执行进度")
    for role in (roles.RECEIVED, roles.APPROPRIATION, roles.BALANCE, roles.BUDGET_INITIAL):
        if _free(ctx, found.get(role)):
            p, a, label = found[role]
            ctx.restate(p, a, roles.METRIC[role], f"原文：{label or a.text}")


def _free(ctx: Context, hit) -> bool:
    """A figure found for a role that no record holds yet (a stated figure may be renamed)."""
    if hit is None:
        return False
    p, a, _ = hit
    return not ctx.is_placed(p, (a.start, a.end)) or ctx.only_stated(p, (a.start, a.end))


def _first_of_each_role(ctx: Context, paras: list[Para], skip: set[int]):
    """The first figure of each role about the whole program. A budget named 预算 outranks one only
    安排 / 下达: "财政部…安排补助资金2513万元" comes before "预算飞行经费共计7952万元，财政部实际下达资金
    2513万元" in one report, and the budget is the 7952."""
    found: dict[str, tuple[Para, grammar.Figure, str]] = {}
    named_budget = None
    for p in paras:
        if p.index in skip or not about_program(p):
            continue
        text = p.text
        for a in grammar.amounts(text):
            span = (a.start, a.end)
            taken_as = ctx.placed_in.get((p.index, a.start)) if ctx.is_placed(p, span) else None
            if a.kind != "amount" or taken_as not in (None, "stated_figures", "allocations"):
                continue
            label = raw_label_before(text, a.start)
            if not _a_total(text, a, label):
                continue
            role = roles.role_of(label, text[a.end : a.end + 14])
            if taken_as == "allocations" and (role != roles.BUDGET or not _own_region(ctx, p, a)):
                continue  # an allocation to the program's own region is its budget; to a place, a part
            if role == roles.BUDGET and named_budget is None and "预算" in label:
                named_budget = (p, a, label)
            if role and role not in found:
                found[role] = (p, a, label)
                if role == roles.BUDGET:
                    adjusted = _adjusted(ctx, p, a)
                    if adjusted:
                        found[roles.BUDGET_INITIAL], found[roles.BUDGET] = found[role], adjusted
    # a budget named 预算 outranks one only 安排/下达, unless it is smaller (then it is a part)
    first = found.get(roles.BUDGET)
    if named_budget and roles.BUDGET_INITIAL not in found and named_budget[1].value >= first[1].value:
        found[roles.BUDGET] = named_budget
    return found


_ADJUSTED = re.compile(r"调整后|调整为|全年实际下达|实际下达|实际批复|最终|全年预算|调整预算")


def _own_region(ctx: Context, p: Para, a: grammar.Figure) -> bool:
    return any(r["_para"] == p.index and r["amount"] == a.value and r["region"] == ctx.region
               for r in ctx.tables.get("allocations", []))


def _adjusted(ctx: Context, p: Para, first: grammar.Figure):
    """"下达111万元…调减40万元…全年实际下达71万元": the budget after the change; the first is the
    start-of-year figure."""
    text = p.text
    tail = text[first.end : first.end + 200]
    if not re.search(r"调减|调增|调整|追加|压减|收回", tail):
        return None
    for b in grammar.amounts(text):
        if b.kind != "amount" or b.start <= first.end or b.start > first.end + 200:
            continue
        label = raw_label_before(text, b.start)
        span = (b.start, b.end)
        if _ADJUSTED.search(label) and (not ctx.is_placed(p, span) or ctx.only_stated(p, span)):
            return (p, b, label)
    return None


def _a_total(text: str, a: grammar.Figure, label: str) -> bool:
    """Not a part of a total: not after 其中 in its clause, not in brackets, and a source or place
    in its label only when it is the first amount of its sentence (a central fund's own total
    names its source: "下达…中央财政水利发展资金1785万元")."""
    start, _ = sentence_bounds(text, a.start)
    if "其中" in text[start : a.start]:
        return False
    purposes = re.findall(r"万元(?:用于|支持|专项用于)", text[start : sentence_bounds(text, a.start)[1]])
    if len(purposes) >= 2 and re.match(r"(?:用于|支持|专项用于)", text[a.end :]):
        return False  # "安排X万元支持A；安排Y万元支持B": sub-projects' budgets
    if _in_brackets(text, a.start):
        return False
    if roles.is_part(label):
        if re.search(r"其中|上年结转|以前年度", label):
            return False
        return not any(b.kind == "amount" and start <= b.start < a.start for b in grammar.amounts(text))
    return True


def _in_brackets(text: str, pos: int) -> bool:
    return any(text.rfind(o, 0, pos) > text.rfind(c, 0, pos) for o, c in (("（", "）"), ("(", ")")))


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
    ctx.placed_in[(bp.index, b.start)] = "execution"  # a record holds it now, not only a stated figure
    ctx.placed_in[(ep.index, e.start)] = "execution"
    if rate and base == roles.BUDGET and rate[0] is not ep:
        ctx.place(rate[0], (rate[1].start, rate[1].end))
    # the review copy marks every figure of the record, in each sentence it came from
    row = ctx.tables["execution"][-1]
    marked = [marked_sentence(bp.text, [(b.start, b.end)])] if bp is not ep else []
    in_ep = [(e.start, e.end)] + (spans_of_rate if rate and rate[0] is ep else [])
    marked.append(marked_sentence(ep.text, in_ep + ([(b.start, b.end)] if bp is ep else [])))
    if rate and base == roles.BUDGET and rate[0] is not ep:
        marked.append(marked_sentence(rate[0].text, [(rate[1].start, rate[1].end)]))
    row["_marked"] = "……".join(marked)


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
        if p.index in skip or not about_program(p):
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


_SCORE = re.compile(
    r"(?:自评|综合|评价|最终|总)(?:得分|分数|评分)(?:为|是|[:：])?\s*(?P<n>\d+(?:\.\d+)?)\s*分"
    r"|得分(?:为|是|[:：])\s*(?P<n2>\d+(?:\.\d+)?)\s*分"
)
_RATING = re.compile(
    r"(?:自评|评价|绩效)?(?:结论|结果|等级|评级|级别)(?:为|是|[:：])?\s*[“\"「]?"
    r"(?P<r>优秀|良好|合格|不合格|中等|优|良|中|差)(?:等级|等次|级)?[”\"」]?"
)
RATING_WORDS = {"优秀": "优", "良好": "良", "中等": "中", "合格": "中", "不合格": "差"}


def score_and_rating(ctx: Context, paras: list[Para], skip: set[int]) -> None:
    """The program's own self-evaluation score and rating ("自评得分102.964分", "自评结论为“优秀”"):
    a stated figure 自评得分 with the rating beside it; a rating stated without a score is said in
    the program's note (报告声明数 hold numbers only)."""
    score = rating = None
    for p in paras:
        if p.index in skip or p.appendix:
            continue
        if score is None:
            m = _SCORE.search(p.text)
            group = "n" if m and m["n"] else "n2"
            if m and float(m[group]) <= 120 and not ctx.is_placed(p, m.span(group)):
                score = (p, m)
        if rating is None:
            m = _RATING.search(p.text)
            if m:
                rating = (p, m)
    band = RATING_WORDS.get(rating[1]["r"], rating[1]["r"]) if rating else None
    if score:
        p, m = score
        group = "n" if m["n"] else "n2"
        figure = grammar.Figure("count", float(m[group]), "分", m.start(group), m.end(), m[0])
        ctx.stated(p, figure, "自评得分", "无", rating=band,
                   note=f"自评等级原文：{rating[1]['r']}" if rating and band != rating[1]["r"] else None)
    elif band:
        program = ctx.tables["programs"][0]
        said = f"报告自评等级：{band}（原文“{rating[1][0]}”，未写得分）"
        program["note"] = f"{program['note']}；{said}" if program.get("note") else said
