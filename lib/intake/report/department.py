"""A department report: the department's totals, then per project (1) 预算执行 (2) 总体目标
(3) 各项指标 (4) 偏差原因及改进措施 and the rating.

Label → column of a project's budget sentence ("当年财政预算16万元，财政拨款15.14353万元，全年执行支出
15.14353万元，预算执行率94.65%，项目执行得分94分"): 年初预算 → budget_initial; 全年/调整后/当年(财政)预算,
预算数 → budget; 财政拨款 / 本年拨款 → appropriation; 执行支出 / 执行数 / 支出 → executed; 执行率 →
stated_execution_rate (a rate against 到位资金 is kept as a stated figure instead: it is not the
budget's rate); 得分 → stated_score. A figure whose label fits none is left for the stated figures.
"""

from __future__ import annotations

import re

from lib.intake.report import grammar, indicators
from lib.intake.report.context import Context, label_before, marked_sentence, raw_label_before, sentence_at
from lib.intake.report.sections import Para

_RATING_SENTENCE = re.compile(r"(?:项目)?自评结果为?[“\"「]?(?P<r>优|良|中|差)[”\"」]?")
_SPLIT_IMPROVEMENT = re.compile(r"(?=(?:下一步|今后|20\d{2}年(?:计划|，我局将|我局将|将)|我局将从以下))")


def budget_column(label: str) -> str | None:
    if "到位" in label:
        return None
    if "年初预算" in label:
        return "budget_initial"
    if "拨款" in label:
        return "appropriation"
    if "执行率" in label:
        return "stated_execution_rate"
    if "得分" in label:
        return "stated_score"
    if re.search(r"执行|支出|支付", label):
        return "executed"
    if "预算" in label:
        return "budget"
    return None


def project_sections(paras: list[Para]) -> list[tuple[str, list[Para]]]:
    """(project name, its paragraphs): a level-3 section whose (1) is a 预算执行 heading."""
    groups: dict[tuple, list[Para]] = {}
    for p in paras:
        key = tuple(x for x in p.path if x[0] <= 3)
        if key and key[-1][0] == 3:
            groups.setdefault(key, []).append(p)
    out = []
    for group in groups.values():
        if any(p.level == 4 and "预算执行" in p.head(4) for p in group):
            out.append((group[0].head(3), group))
    return out


def extract(ctx: Context, paras: list[Para]) -> None:
    projects = project_sections(paras)
    in_project = {p.index for _, group in projects for p in group}
    _department_totals(ctx, [p for p in paras if p.index not in in_project and not p.appendix])
    _objectives(ctx, paras)
    for n, (name, group) in enumerate(projects, start=1):
        _project(ctx, f"{ctx.program_id}-P{n:02d}", name, group)


def _department_totals(ctx: Context, paras: list[Para]) -> None:
    executed_row = False
    for p in paras:
        text = p.text
        budget = next(
            (
                a
                for a in grammar.amounts(text)
                if "预算" in raw_label_before(text, a.start)
                or raw_label_before(text, a.start).startswith("当年财政")
            ),
            None,
        )
        spent = next(
            (
                a
                for a in grammar.amounts(text)
                if budget
                and a.start > budget.start
                and re.search(r"支出|执行", raw_label_before(text, a.start))
            ),
            None,
        )
        if budget and spent:
            rate = next(
                (
                    r
                    for r in grammar.rates(text)
                    if r.start > spent.start and "执行率" in raw_label_before(text, r.start)
                ),
                None,
            )
            if not executed_row and ctx.year:
                import datetime as dt

                ctx.add(
                    "execution",
                    p,
                    {
                        "project_id": None,
                        "region": None,
                        "fund_source": None,
                        "as_of": dt.date(ctx.year, 12, 31),
                        "budget": budget.value,
                        "executed": spent.value,
                        "stated_execution_rate": rate.value / 100 if rate else None,
                        "note": "报告未写截至日期，按年末记录",
                    },
                    sentence_at(text, budget.start),
                )
                executed_row = True
            ctx.stated(p, budget, label_before(text, budget.start), "预算合计")
            ctx.stated(p, spent, label_before(text, spent.start), "执行合计")
            if rate:
                ctx.stated(p, rate, label_before(text, rate.start) or "执行率")
        for m in re.finditer(
            r"[“\"「](?P<r>优|良|中|差)[”\"」](?P<n>\d+)个|(?P<n2>\d+)个项目(?:自评)?结果为[“\"「]"
            r"(?P<r2>优|良|中|差)",
            text,
        ):
            rating, num = m["r"] or m["r2"], m["n"] or m["n2"]
            fig = grammar.Figure("count", float(num), "个", m.start(), m.end(), m[0])
            ctx.stated(p, fig, f"自评结果为{rating}的项目数", "评级个数", rating=rating)
        for m in re.finditer(r"(?P<label>[^，。；、]{0,12}项目)数?(?P<n>\d+)个", text):
            if ctx.is_placed(p, m.span("n")):
                continue
            label = re.sub(r"^(?:\d{4}年，?)?(?:本部门|全年|我局|我单位)?", "", m["label"]) + "数"
            fig = grammar.Figure("count", float(m["n"]), "个", m.start("n"), m.end(), m[0])
            ctx.stated(p, fig, label, "项目个数")


def _objectives(ctx: Context, paras: list[Para]) -> None:
    """目标1：… (expected) and 目标1完成情况：… (achieved) → 绩效目标 rows."""
    expected: dict[str, tuple[Para, str]] = {}
    achieved: dict[str, list[str]] = {}
    for p in paras:
        for m in re.finditer(
            r"(?:^|(?<=[。]))\s*(?P<label>目标\d+)(?P<done>完成情况)?\s*[：:](?P<text>.*?)(?=目标\d+(?:完成情况)?[：:]|$)",
            p.text,
        ):
            if m["done"]:
                achieved.setdefault(m["label"], []).append(m["text"].strip())
            else:
                expected.setdefault(m["label"], (p, m["text"].strip()))
    labels = list(dict.fromkeys([*expected, *achieved]))
    for seq, label in enumerate(labels, start=1):
        para = expected[label][0] if label in expected else paras[0]
        ctx.add(
            "objectives",
            para,
            {
                "project_id": None,
                "seq": seq,
                "label": label,
                "expected": expected.get(label, (None, None))[1],
                "actual_text": "\n\n".join(achieved.get(label, [])) or None,
                "note": None,
            },
        )


def _project(ctx: Context, project_id: str, name: str, group: list[Para]) -> None:
    head = group[0]
    row = {
        "project_id": project_id,
        "project_name": name,
        "implementing_unit": None,
        "region": ctx.region,
        "budget_initial": None,
        "budget": None,
        "appropriation": None,
        "executed": None,
        "stated_execution_rate": None,
        "stated_score": None,
        "stated_rating": None,
        "objective": None,
        "objective_actual": None,
        "deviation_reason": None,
        "improvement": None,
        "note": None,
    }
    sentences: dict[str, str] = {}
    marks: list[tuple[int, int]] = []
    budget_para = None
    budget_paras = [p for p in group if "预算执行" in p.head(4)]
    for p in budget_paras:
        text = p.text
        for fig in sorted(grammar.amounts(text) + grammar.rates(text) + _scores(text), key=lambda f: f.start):
            column = budget_column(raw_label_before(text, fig.start))
            if column is None or row[column] is not None:
                continue
            if fig.kind == "price":
                continue
            row[column] = fig.value / 100 if column == "stated_execution_rate" else fig.value
            sentences.setdefault("budget", sentence_at(text, fig.start))
            budget_para = budget_para or p
            if p is budget_para:
                marks.append((fig.start, fig.end))
            ctx.place(p, (fig.start, fig.end))
    objective_paras = [p for p in group if p.level != 4 or "总体绩效目标" in p.head(4)]
    objective_paras = [p for p in objective_paras if "总体绩效目标" in p.head(4)]
    if objective_paras:
        row["objective_actual"] = "\n".join(_after_heading(p) for p in objective_paras).strip() or None
    deviation = [
        p for p in group if "偏" in p.head(4) and p.level != 4 and not _RATING_SENTENCE.search(p.text)
    ]
    if deviation:
        text = "\n\n".join(p.text for p in deviation).strip()
        parts = _SPLIT_IMPROVEMENT.split(text, maxsplit=1)
        row["deviation_reason"] = parts[0].strip() or None
        row["improvement"] = (
            parts[1].strip() if len(parts) > 1 else ("无" if text.rstrip("。") == "无" else None)
        )
    for p in group:
        m = _RATING_SENTENCE.search(p.text)
        if m:
            row["stated_rating"] = m["r"]
            ctx.place(p, m.span("r"))
    project = ctx.add("projects", head, row, sentences.get("budget"))
    project["source_ref"] = ctx.ref(head)
    if budget_para is not None:
        project["_marked"] = marked_sentence(budget_para.text, marks)
    if row["budget"] is None or row["executed"] is None:
        project["note"] = "报告未写全年预算数或全年执行数，需补填后才能导入"
    for p in objective_paras:
        _spending_items(ctx, p, project_id)
    for p in group:
        if "指标" in p.head(4) and p.level == 5 or ("指标" in p.head(4) and p.level == 0 and p.head(5)):
            indicators.score_part(ctx, p, project_id)
            indicators.counts(ctx, p, project_id)
            indicators.read(ctx, p, project_id)
    for p in group:
        if "偏" in p.head(4):
            indicators.counts(ctx, p, project_id)


def _after_heading(p: Para) -> str:
    if p.level == 4:
        return re.sub(r"^[^：:]{1,30}[：:]", "", p.body, count=1).strip()
    return p.text.strip()


def _scores(text: str) -> list[grammar.Figure]:
    return [
        grammar.Figure("score", float(m["num"]), "分", m.start("num"), m.end(), m[0])
        for m in re.finditer(r"得分(?P<num>\d+(?:\.\d+)?)分", text)
    ]


def _spending_items(ctx: Context, p: Para, project_id: str) -> None:
    """What the money was spent on: amounts that add up to a stated 合计/共计 right after them,
    or a 包括 list inside brackets after a total."""
    text = p.text
    amounts = [a for a in grammar.amounts(text) if a.kind == "amount"]
    for i, total in enumerate(amounts):
        label = label_before(text, total.start)
        whole = text[max(0, total.start - 12) : total.start]
        if re.search(r"合计|共计|总计", whole) and not re.search(r"费用共计|经费共计|^共计\d", whole[-4:]):
            parts = amounts[:i]
            for k in range(len(parts) - 1):
                run = parts[k:]
                if len(run) >= 2 and grammar.close(sum(a.value for a in run), total.value, total.text):
                    _add_items(ctx, p, project_id, run, note=None)
                    ctx.stated(p, total, label or "合计支出", "执行合计", project_id=project_id)
                    break
        bracket = re.match(r"[。]?[（(]包括(?P<list>[^）)]+)[）)]", text[total.end :])
        if bracket:
            offset = total.end + bracket.start("list")
            run = [a for a in amounts if offset <= a.start < offset + len(bracket["list"])]
            if len(run) >= 2 and grammar.close(sum(a.value for a in run), total.value, total.text):
                _add_items(
                    ctx,
                    p,
                    project_id,
                    run,
                    note=f"为{grammar.value_text(total.value)}万元的构成（包括…），不一定是当年支出",
                )


def _add_items(ctx: Context, p: Para, project_id: str, run: list[grammar.Figure], note: str | None) -> None:
    text = p.text
    seq = len([r for r in ctx.tables.get("spending_items", []) if r.get("project_id") == project_id])
    for a in run:
        if ctx.is_placed(p, (a.start, a.end)):
            continue
        semicolon = text.rfind("；", 0, a.start)
        segment_start = (semicolon if semicolon >= 0 else text.rfind("。", 0, a.start)) + 1
        head = re.match(r"^\s*(?P<h>[^，。；：:\d]{2,12})[：:]", text[segment_start : a.start])
        name = head["h"] if head and head["h"] not in ("其中", "包括") else label_before(text, a.start)
        name = re.sub(r"(?:费用)?共计$", "", name).strip() or "（未写明事项）"
        seq += 1
        ctx.add(
            "spending_items",
            p,
            {"project_id": project_id, "seq": seq, "item": name, "amount": a.value, "note": note},
            sentence_at(text, a.start),
            [(a.start, a.end)],
        )
