"""Narrative self-evaluation reports (自评报告) → a draft dataset: records plus unplaced figures.

Pure: text in, records out (storage column names of lib/intake/workbook_spec.py), never the
store. Rule-based and local: a grammar of how these reports are written (normalize.py,
sections.py, grammar.py) and extractors per kind of report (department.py, transfer.py,
indicators.py). Every record carries ``source_ref`` (the section) and ``sentence`` (the sentence
its figures were read from); every figure of the text that no extractor placed is a stated figure
(amounts, labelled rates) or an entry of ``unplaced`` with its sentence and the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lib.intake.report import (
    department,
    grammar,
    header,
    headline,
    indicator_clauses,
    normalize,
    sections,
    subprojects,
    transfer,
)
from lib.intake.report.context import Context, Unplaced, fund_source, label_before

__all__ = ["ReportDraft", "Unplaced", "read_report"]


@dataclass
class ReportDraft:
    """The draft: rows per table, figures that could not be placed, what the reader noticed."""

    tables: dict[str, list[dict]]
    unplaced: list[Unplaced]
    notes: list[str] = field(default_factory=list)
    title: str = ""
    program_id: str = ""

    def loadable(self) -> bool:
        program = (self.tables.get("programs") or [{}])[0]
        return bool(program.get("program_name") and program.get("year"))


def read_report(text: str, file_name: str = "") -> ReportDraft:
    """Read one report's text into a draft dataset.

    Args:
        text: the report as plain text (from .txt, .docx or .pdf; see lib/intake/report/files.py).
        file_name: the original file name, kept on the 来源 row.
    Returns:
        A ReportDraft; its ``tables`` write to a dataset workbook with lib/outputs/draft.py.
    """
    paras = sections.build(normalize.normalize(text))
    notes: list[str] = []
    paras = _settle_run_ins(paras, notes)
    head = header.read(paras)
    h = header.short_hash(head.title or text[:200])
    year = head.year
    kind_code = "D" if head.kind == "部门预算" else "T"
    source_id = f"R{year or 0}-{h}"
    program_id = f"R{kind_code}{year or 0}-{h}"
    ctx = Context(program_id, source_id, year, head.kind, head.region)
    title_ref = head.title_para or paras[0]
    ctx.add(
        "sources",
        title_ref,
        {
            "source_id": source_id,
            "title": head.title or "（报告未写标题）",
            "issuer": head.issuer,
            "report_date": head.report_date,
            "file_name": file_name or None,
            "note": "由报告文本自动起草（lib.cli draft），待人工核对",
        },
    )
    ctx.tables["sources"][0].pop("program_id")
    ctx.tables["sources"][0].pop("source_ref")
    department_name = head.department or _named_department(paras)
    program = ctx.add(
        "programs",
        title_ref,
        {
            "program_name": head.program_name or head.title or "（报告未写明名称）",
            "year": year,
            "program_kind": head.kind,
            "department": department_name or "（报告未写明主管部门）",
            "region": head.region,
            "doc_no": head.doc_no,
            "sub_doc_no": head.sub_doc_no,
            "objective": transfer.program_objective(paras) if head.kind == "转移支付" else None,
            "source_id": source_id,
            "note": None if department_name else "报告未写明主管部门，请补填",
        },
        head.title,
    )
    if year is None:
        notes.append("报告未写年度：草稿须补填“年度”后才能导入")
    if not (head.program_name or head.title):
        notes.append("报告未写标题，资金/项目名称未能读出：草稿中记为“（报告未写明名称）”，请补填")
    if not head.title:
        notes.append("报告未写标题：年度按开头所写最多的年份起草，请核对")
    project_of: dict[int, str] = {}
    if head.kind == "部门预算":
        department.extract(ctx, paras)
        for n, (_, group) in enumerate(department.project_sections(paras), start=1):
            for p in group:
                project_of[p.index] = f"{program_id}-P{n:02d}"
    else:
        default = "中央补助" if program["program_name"].startswith("中央") else None
        transfer.extract(ctx, paras, default)
    headline.extract(ctx, paras, set(project_of))
    headline.source_allocations(ctx, paras, set(project_of))
    subprojects.extract(ctx, paras, set(project_of), headline.about_program)
    if head.kind != "部门预算":
        headline.score_and_rating(ctx, paras, set(project_of))
    # the clauses the shipped grammar of indicator sentences left unread
    indicator_clauses.read(ctx, paras, project_of)
    _leftovers(ctx, paras, project_of, {head.title_para.index} if head.title_para else set())
    _canonical_regions(ctx)
    _number(ctx)
    return ReportDraft(ctx.tables, ctx.unplaced, notes, head.title, program_id)


def _named_department(paras) -> str | None:
    for p in paras[:40]:
        m = re.search(r"主管部门[:：为是]\s*(?P<d>[^，。；\s]{2,30})", p.text)
        if m:
            return m["d"]
    return None


def _settle_run_ins(paras, notes: list[str]):
    """Document numbers run into amounts ("财建〔20202185000万元"): split where a stated total settles it."""
    for p in paras:
        runs = grammar.run_in_doc_numbers(p.text)
        if not runs:
            continue
        text = p.text
        for run in reversed(runs):
            others = [
                a
                for a in grammar.amounts(text)
                if a.kind == "amount" and not (run.start <= a.start < run.end)
            ]
            settled = None
            for total in others:
                rest = sum(a.value for a in others if a is not total and a.start > total.end)
                fit = grammar.settle_run_in(run, total.value - rest) if rest else None
                if fit:
                    settled = fit
                    break
            if settled:
                doc, amount = settled
                new = f"{doc}{grammar.value_text(amount)}万元"
                notes.append(f"{p.ref}：“{run.text}”按所写合计拆为 {doc} 与 {grammar.value_text(amount)}万元")
                text = text[: run.start] + new + text[run.end :]
        p.text = text
        p.body = text if p.level == 0 else p.body
    return paras


def _leftovers(ctx: Context, paras, project_of: dict[int, str], skip: set[int]) -> None:
    """Every figure no extractor placed: a stated figure when it is money or a labelled rate,
    otherwise an unplaced entry with its sentence."""
    for p in paras:
        if p.index in skip and not p.appendix:
            # the title line: a web page's line may carry the site's labels (索引号, 时间) beside it
            title_at = p.text.find(ctx_title(ctx))
            if title_at >= 0:
                ctx.place(p, (title_at, title_at + len(ctx_title(ctx))))
            _unread_numbers(ctx, p)
            continue
        if p.appendix:
            continue
        text = p.text
        pid = project_of.get(p.index)
        region = ctx.para_region.get(p.index)
        objective = bool(re.match(r"^目标\d", text))
        for run in grammar.run_in_doc_numbers(text):
            ctx.unplace(p, run.text, "文号与金额连在一起，原文无合计可据以拆分，请核对", run.start)
            ctx.place(p, (run.start, run.end))
        _split_lists(ctx, p, pid)
        for fig in grammar.amounts(text):
            if ctx.is_placed(p, (fig.start, fig.end)):
                continue
            label = label_before(text, fig.start)
            source = fund_source(label) if ctx.kind == "转移支付" or "中央" in label else None
            ctx.stated(p, fig, label, "无", project_id=pid, fund_source=source, region=region)
        for fig in grammar.rates(text):
            if ctx.is_placed(p, (fig.start, fig.end)):
                continue
            label = label_before(text, fig.start)
            if fig.value > 1000:
                # a table turned into text runs its cells together ("2030.12101 122030.1210100%")
                ctx.unplace(p, fig, "比率超过1000%：多半是表格转成文本后数字连在一起，请对照原表")
            elif "到位" in label:
                ctx.stated(p, fig, label, "无", project_id=pid, note="到位率（按到位资金计），不是执行率")
            elif label and not objective and re.search(r"率|覆盖|满意|完成|达到|达", label):
                ctx.stated(p, fig, label, "无", project_id=pid)
            else:
                ctx.unplace(p, fig, "比率未归类（口径不明）")
        for fig in grammar.counts(text):
            if ctx.is_placed(p, (fig.start, fig.end)):
                continue
            label = label_before(text, fig.start)
            if objective or not label or p.level == 0 and not p.path:
                ctx.unplace(p, fig, "数量未归类（绩效目标叙述中的工作量）" if objective else "数量未归类")
            else:
                ctx.stated(
                    p,
                    fig,
                    label,
                    "无",
                    project_id=pid,
                    region=region,
                    note=f"原文“{fig.text}”是约数，数值取{grammar.value_text(fig.value)}"
                    if fig.approx
                    else None,
                )
        _unread_numbers(ctx, p)


# numbers that are not figures: years and dates, document numbers, section markers, ordinals (第3批)
_NOT_A_FIGURE = re.compile(
    r"(?:19|20)\d{2}\s*[-–~～至到]\s*(?:(?:19|20)\d{2}|\d{1,2})\s*年"
    r"|(?:19|20)\d{2}\s*年(?:度)?(?:\d{1,2}\s*月(?:\d{1,2}\s*日)?)?"
    r"|(?:19|20)\d{2}[-/.]\d{1,2}(?:[-/.]\d{1,2})?"
    r"|\d{1,2}\s*月(?:\d{1,2}\s*[日号])?(?:\s*[-–至到]\s*\d{1,2}\s*[日号])?"
    r"|[〔﹝\[［【(（]\s*(?:19|20)\d{2}\s*[〕﹞\]］】)）]\s*\d{1,5}\s*号"
    r"|第\s*\d+|\d+\s*[:：]\d{2}"
)
_NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")


def ctx_title(ctx: Context) -> str:
    return (ctx.tables.get("sources") or [{}])[0].get("title") or ""


def _unread_numbers(ctx: Context, p) -> None:
    """Every number still unread (no record, no stated figure, not yet listed): listed in 未归类数字
    with its sentence, so that a figure in a unit or shape no extractor knows never vanishes."""
    text = p.text
    skip = [m.span() for m in _NOT_A_FIGURE.finditer(text)]
    marker = len(p.text) - len(p.body) if p.level else 0
    for m in _NUMBER.finditer(text):
        span = m.span()
        if span[1] <= marker or ctx.is_placed(p, span) or any(a <= span[0] and span[1] <= b for a, b in skip):
            continue
        if m.start() > 0 and text[m.start() - 1].isdigit():
            continue
        after = text[m.end() : m.end() + 4]
        unit = re.match(r"[^\s，,。；;、：:（）()\d]{0,4}", after)[0]
        ctx.unplace(p, f"{m[0]}{unit}", "数字未归类（口径或单位未能识别）", m.start())
        ctx.place(p, span)


_LIST_ITEM = re.compile(
    r"(?P<label>[^，,、；;：:。\d]{2,30}?)(?P<num>\d+(?:\.\d+)?)(?P<unit>个|项|家|套|件|人次|人|处|座|台|名)"
    r"(?=[、，,；;。]|$)"
)


def _split_lists(ctx: Context, p, pid: str | None) -> None:
    """'已完成清查对象1451个，其中：医疗卫生机构15个、提供住宿的社会服务机构3个…': the total and its parts."""
    text = p.text
    for m in re.finditer(
        r"(?P<num>\d+(?:\.\d+)?)(?P<unit>个|项|家|套|件|人次|人|处|座|台|名)[，,]?其中[:：，,]?", text
    ):
        if ctx.is_placed(p, (m.start(), m.end("unit"))):
            continue
        end = text.find("。", m.end())
        end = len(text) if end < 0 else end
        parts = [x for x in _LIST_ITEM.finditer(text, m.end(), end) if x["unit"] == m["unit"]]
        if len(parts) < 2:
            continue
        total_fig = grammar.Figure("count", float(m["num"]), m["unit"], m.start(), m.end("unit"), m[0])
        total_sum = sum(float(x["num"]) for x in parts)
        note = (
            None
            if abs(total_sum - total_fig.value) < 1e-9
            else (f"所列分项合计{grammar.value_text(total_sum)}{m['unit']}，与所写{m['num']}{m['unit']}不符")
        )
        total = ctx.stated(p, total_fig, label_before(text, m.start()), "分项合计", project_id=pid, note=note)
        for x in parts:
            fig = grammar.Figure("count", float(x["num"]), x["unit"], x.start("num"), x.end(), x[0])
            row = ctx.stated(p, fig, x["label"].strip("、，, "), "无", project_id=pid)
            row["_part_of"] = total


def _canonical_regions(ctx: Context) -> None:
    longs = {r for r in ctx.regions if re.search(r"(?:市|县|区|镇|乡|旗|盟)$", r)}
    mapping = {}
    for r in ctx.regions:
        match = [x for x in longs if x != r and x.startswith(r) and len(x) - len(r) == 1]
        if match:
            mapping[r] = match[0]
    for table in ("allocations", "stated_figures", "indicators", "progress"):
        for row in ctx.tables.get(table, []):
            if row.get("region") in mapping:
                row["region"] = mapping[row["region"]]


def _number(ctx: Context) -> None:
    for table in ("objectives", "indicators", "spending_items", "stated_figures"):
        counters: dict[tuple, int] = {}
        for row in ctx.tables.get(table, []):
            owner = (row["program_id"], row.get("project_id"))
            counters[owner] = counters.get(owner, 0) + 1
            row["seq"] = counters[owner]
    for row in ctx.tables.get("stated_figures", []):
        parent = row.pop("_part_of", None)
        if parent is not None:
            row["part_of"] = parent["seq"]
    # one allocation per key: a second mention with another amount stays a stated figure
    seen = set()
    kept = []
    for row in ctx.tables.get("allocations", []):
        key = (row.get("project_id"), row["region"], row["fund_source"], row.get("fund_year"))
        if key not in seen:
            seen.add(key)
            kept.append(row)
    if "allocations" in ctx.tables:
        ctx.tables["allocations"] = kept

