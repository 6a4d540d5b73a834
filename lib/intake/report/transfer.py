"""A transfer program report (中央对地方转移支付): what was handed down to whom, funds in and spent,
progress per region, indicators.

Shapes read:
- a list of regions with amounts after a total: "7500万元（沈阳1500万元，抚顺1500万元，…）", also with
  a bare 万 ("水东8万、水西6万") → one allocation per region, the total and each part as stated figures;
- a region's total with its split by source: "沈阳市项目投资总额3011万元（中央财政补助资金1500万元，市以下
  财政投入资金1511万元）" → allocations per source (中央 / 省级 / 地方 / 其他) and the stated figures;
- "其中" splits of a total and yearly splits in brackets ("（2023年投入资金6722万元，…）") → stated figures
  with the source and year they belong to;
- spending by source: "中央补助资金支出2450万元，资金执行率33%" → an execution record whose budget is
  the stated total of that source (none stated: the figures stay stated figures);
- progress per park/region: "X园区…工作任务总量已完成80%" under 总体绩效目标完成情况.
"""

from __future__ import annotations

import datetime as dt
import re

from lib.intake.report import grammar, indicators
from lib.intake.report.context import (
    Context,
    fund_source,
    is_region_name,
    label_before,
    raw_label_before,
    sentence_at,
)
from lib.intake.report.sections import Para

_REGION_AT_START = re.compile(
    r"^(?:按地区划分[，,]?)?(?P<r>[\u4e00-\u9fff]{2,6}?(?:省|市|县|区|镇|乡|旗|州|盟))"
    r"(?=[\u4e00-\u9fff]*?(?:总额|资金|投资|投入|补助|预算))"
)
_FUND_YEAR = re.compile(r"((?:19|20)\d{2})年度?(?:投入|到位|安排|下达)")
_EXECUTED = re.compile(r"支出|已执行|执行|拨付|使用")


def extract(ctx: Context, paras: list[Para], default_source: str | None) -> None:
    totals: dict[str, float] = {}  # fund source → stated total of the program
    for p in paras:
        if p.appendix:
            break
        _region_lists(ctx, p, default_source)
        _region_totals(ctx, p, totals)
    for p in paras:
        if p.appendix:
            break
        _execution(ctx, p, totals)
        if p.under("总体绩效目标完成", "目标完成情况") and not p.under("指标"):
            _progress(ctx, p)
        if p.under("绩效指标") or p.under("指标完成情况"):
            if not indicators.read_region_split(ctx, p, _short_names(ctx)):
                indicators.read(ctx, p, None, region=ctx.region)
    for p in paras:
        if "分解" in p.head(2):
            m = re.search(r"(?:年度)?绩效目标(?:是|为)(?P<t>[^。]+。?)", p.text)
            if m:
                ctx.add(
                    "objectives",
                    p,
                    {
                        "project_id": None,
                        "seq": 0,
                        "label": "分解下达绩效目标",
                        "expected": m["t"],
                        "actual_text": None,
                        "note": None,
                    },
                )


def program_objective(paras: list[Para]) -> str | None:
    for p in paras:
        if p.under("中央下达", "下达转移支付"):
            m = re.search(r"(?:年度)?绩效目标(?:是|为)(?P<t>[^。]+。?)", p.text)
            if m:
                return m["t"].rstrip("。")
    return None


def _short_names(ctx: Context) -> dict[str, str]:
    out = {}
    for region in ctx.regions:
        out[region] = region
        short = re.sub(r"(?:市|县|区|镇|乡|旗|盟)$", "", region)
        if len(short) >= 2:
            out[short] = region
    return out


def _region_lists(ctx: Context, p: Para, default_source: str | None) -> None:
    """'总额（甲地a万元，乙地b万元，…）' and '甲地a万，乙地b万' lists of two or more regions."""
    text = p.text
    amounts = [a for a in grammar.amounts(text) if a.kind == "amount"]
    runs: list[list[tuple[str, grammar.Figure]]] = []
    current: list[tuple[str, grammar.Figure]] = []
    for a in amounts:
        # a word may stand between the place and its amount: "白脑包镇补助资金10万元、八一乡补助资金20万元"
        raw = label_before(text, a.start)
        label = _PLACE_WORD.sub("", raw)
        gap_ok = current and re.fullmatch(
            r"[，,、；;和及\s]*", text[current[-1][1].end : a.start - len(raw)] or ""
        )
        if is_region_name(label, ctx.regions) and (not current or gap_ok):
            current.append((label, a))
            continue
        if len(current) >= 2:
            runs.append(current)
        current = [(label, a)] if is_region_name(label, ctx.regions) else []
    if len(current) >= 2:
        runs.append(current)
    for run in runs:
        first = run[0][1]
        before = text[: first.start]
        total = next(
            (
                a
                for a in reversed(amounts)
                if a.end <= first.start
                and before[a.end :].lstrip("（( ").startswith(run[0][0])
                and len(before) - a.end < 4 + len(run[0][0])
            ),
            None,
        )
        context_label = (
            label_before(text, total.start)
            if total
            else label_before(text, text.rfind(run[0][0], 0, first.start))
        )
        source = fund_source(context_label) or default_source or "上级补助"
        docs = grammar.doc_numbers(sentence_at(text, first.start))
        parts_sum = sum(a.value for _, a in run)
        note = None
        if total and not grammar.close(parts_sum, total.value, total.text):
            note = f"各地区合计{grammar.value_text(parts_sum)}万元，与所写合计{total.text}不符"
        if total:
            ctx.stated(p, total, context_label or "下达资金", "资金合计", fund_source=source, note=note)
        for region, a in run:
            ctx.regions.add(region)
            _allocation(ctx, p, region, source, a, docs[-1] if docs else None)
            ctx.stated(p, a, context_label or "下达资金", "资金合计", region=region, fund_source=source)


_PLACE_WORD = re.compile(r"(?<=[省市县区镇乡旗州盟村])(?:补助资金|专项资金|资金|补助|经费|拨款|安排|下达)$")


def _allocation(
    ctx: Context,
    p: Para,
    region: str,
    source: str,
    a: grammar.Figure,
    doc: str | None,
    fund_year: int | None = None,
) -> None:
    for row in ctx.tables.get("allocations", []):
        if (
            _same_region(row["region"], region)
            and row["fund_source"] == source
            and row["fund_year"] == fund_year
        ):
            if abs(row["amount"] - a.value) < 1e-9:
                row["source_ref"] += f"；{p.ref}"
                if len(region) > len(row["region"]):
                    row["region"] = region
                ctx.place(p, (a.start, a.end))
                return
            row["note"] = (row.get("note") or "") + f"另处（{p.ref}）写作{a.text}"
            return
    ctx.add(
        "allocations",
        p,
        {
            "project_id": None,
            "region": region,
            "fund_source": source,
            "fund_year": fund_year,
            "amount": a.value,
            "doc_no": doc,
            "note": None,
        },
        sentence_at(p.text, a.start),
        [(a.start, a.end)],
    )


def _same_region(a: str, b: str) -> bool:
    return a == b or a.startswith(b) or b.startswith(a)


def _region_totals(ctx: Context, p: Para, totals: dict[str, float]) -> None:
    """'地区…总额X万元（来源a万元，来源b万元）' and '总额X。其中，来源a，来源b（年a…）' clauses."""
    text = p.text
    amounts = [a for a in grammar.amounts(text) if a.kind == "amount"]
    for clause in re.finditer(r"[^；;。]+", text):
        cstart = clause.start()
        body = clause[0]
        m = _REGION_AT_START.match(body)
        region = m["r"] if m and not fund_source(m["r"]) else None
        inside = [a for a in amounts if cstart <= a.start < clause.end()]
        parent_source: str | None = None
        for a in inside:
            if ctx.is_placed(p, (a.start, a.end)):
                continue
            label = label_before(text, a.start)
            if _EXECUTED.search(label) and not re.search(r"总额|预算", label):
                continue
            if region and label.startswith(region):
                label = label[len(region) :]
            source = fund_source(label)
            year_m = _FUND_YEAR.match(raw_label_before(text, a.start))
            fund_year = int(year_m[1]) if year_m else None
            in_bracket = text.rfind("（", 0, a.start) > text.rfind("）", 0, a.start)
            if source is None and fund_year is not None and in_bracket:
                source = parent_source
            if source and not fund_year:
                parent_source = source
            if region:
                ctx.regions.add(region)
                if source and not fund_year:
                    _allocation(ctx, p, region, source, a, None)
                    ctx.place(p, (a.start, a.end))
            elif source and not fund_year and source not in totals:
                totals[source] = a.value
            if source or region or re.search(r"总额|总计|合计", label):
                ctx.stated(p, a, label, "资金合计", region=region, fund_source=source, fund_year=fund_year)


def _execution(ctx: Context, p: Para, totals: dict[str, float]) -> None:
    """'中央补助资金支出2450万元，资金执行率33%，地方投入资金已执行800万元，资金执行率33%'."""
    text = p.text
    rates = grammar.rates(text)
    for a in grammar.amounts(text):
        if a.kind != "amount" or ctx.is_placed(p, (a.start, a.end)):
            continue
        label = label_before(text, a.start)
        source = fund_source(label)
        if not source or not _EXECUTED.search(label) or "预算" in label:
            continue
        rate = next(
            (
                r
                for r in rates
                if r.start > a.end
                and "执行率" in label_before(text, r.start)
                and not re.search(r"\d", text[a.end : r.start])
            ),
            None,
        )
        if rate and "到位" in label_before(text, rate.start):
            rate = None
        budget = totals.get(source)
        if budget is None or ctx.year is None:
            ctx.stated(
                p, a, label, "无", fund_source=source, note="报告未写该来源的预算总额，不能记为执行进度"
            )
            continue
        ctx.add(
            "execution",
            p,
            {
                "project_id": None,
                "region": ctx.region,
                "fund_source": source,
                "as_of": dt.date(ctx.year, 12, 31),
                "budget": budget,
                "executed": a.value,
                "stated_execution_rate": rate.value / 100 if rate else None,
                "note": "报告未写截至日期，按年末记录；预算数取报告所写该来源的资金总额",
            },
            sentence_at(text, a.start),
            [(a.start, a.end)] + ([(rate.start, rate.end)] if rate else []),
        )


_SUBJECT = re.compile(
    r"^(?P<s>[\u4e00-\u9fff（）()]{2,40}(?:园区|开发区|工业园|产业园|聚集区|基地|园))"
    r"(?P<m>[\u4e00-\u9fff]{0,30}?)(?:已完成|完成|已达到|达到)(?P<v>\d+(?:\.\d+)?)%"
)
_MEASURE_RATE = re.compile(r"(?P<m>[\u4e00-\u9fff]{2,20}?率)(?:已达到|达到|为)(?P<v>\d+(?:\.\d+)?)%")


def _progress(ctx: Context, p: Para) -> None:
    """'沈阳化学工业园重大安全风险防控项目工作任务总量已完成80%' (and a second measure '…建成率已达到80%')."""
    if p.level != 3:
        return
    body = p.body
    offset = len(p.text) - len(body)
    m = _SUBJECT.match(body)
    if not m:
        return
    subject = m["s"]
    shorts = _short_names(ctx)
    region = next((shorts[s] for s in sorted(shorts, key=len, reverse=True) if s in subject[:8]), None)
    region = region or re.sub(r"(?<=[市县区])[\u4e00-\u9fff]*$", "", subject)
    if not region:
        return
    ctx.para_region[p.index] = region
    rows = [(m["m"] or "完成比例", m["v"], m.start("v"))]
    for extra in _MEASURE_RATE.finditer(body, m.end()):
        rows.append((extra["m"], extra["v"], extra.start("v")))
    for measure, value, pos in rows:
        ctx.add(
            "progress",
            p,
            {
                "region": region,
                "subject": subject,
                "measure": measure,
                "percent": float(value) / 100,
                "status_text": body,
                "as_of": None,
                "note": "报告未写截至日期",
            },
            sentence_at(p.text, offset + pos),
            [(offset + pos, offset + pos + len(value) + 1)],
        )
