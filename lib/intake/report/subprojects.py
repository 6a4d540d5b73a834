"""Sub-projects a program's money is split into, in the list shapes reports use.

Shapes read (two or more items in one sentence, in the paragraphs about the whole program):
- ``其中低保、特困和临时救助资金100万元，孤儿基本生活保障金11万元`` — name then amount;
- ``分别支持南昌市南塘湖水生态系统综合治理项目3000万元、进贤县…项目3357.17万元``;
- ``具体是：布达拉宫雪城修缮展示工程项目3005万元；布达拉宫二期结构检测工程项目1235万元`` ;
- ``安排5440万元支持配售型保障性住房项目；安排252万元支持新筹集公租房`` — amount then 支持 / 用于 + name.
A sub-project the report gives both a budget and an executed amount for becomes a project; one
with a budget only is kept as a stated figure naming it (a project's executed amount is required
before a draft can load, and the report does not give it), with the total it is a part of.
Regions and fund sources are not sub-projects (transfer.py and headline.py read those).
"""

from __future__ import annotations

import re

from lib.intake.report import grammar, roles
from lib.intake.report.context import Context, fund_source, is_region_name, sentence_at
from lib.intake.report.sections import Para

_NAME_END = re.compile(r"(?:项目|工程|资金|经费|保障金|补助金|补助|补贴|救助金|公租房|住房|专项|活动|建设)$")
_LIST_LEAD = re.compile(
    r"^(?:其中|分别支持|分别用于|分别为|具体是|具体为|主要包括|包括|用于|支持|安排|下达)[:：，,]?"
)
_AFTER_NAME = re.compile(r"^(?:用于|支持|补助|专项用于)(?P<name>[^，,；;。、（()]{2,40})")
_ROLE_WORDS = re.compile(r"预算|下达|到位|执行|支出|结余|拨付|使用|合计|总计|共计|累计|总额")


def _name_before(text: str, pos: int, after: int = 0) -> tuple[str, int]:
    """The words before an amount back to the clause's start or the amount before it (、 stays
    inside a name: "低保、特困和临时救助资金")."""
    start = max(max(text.rfind(c, 0, pos) for c in "，,；;。：:") + 1, after)
    while start < pos and text[start] in "、，, ":
        start += 1
    raw = text[start:pos].strip()
    lead = _LIST_LEAD.match(raw)
    if lead:
        start += lead.end()
        raw = raw[lead.end() :]
    return raw.strip(" 、"), start


def _items(ctx: Context, p: Para) -> list[list[tuple[str, grammar.Figure]]]:
    """Lists of two or more (name, amount) items standing side by side: between one item and the
    next only separators (，、；) — a name and an amount far apart in a sentence are no list."""
    text = p.text
    runs: list[list[tuple[str, grammar.Figure]]] = []
    run: list[tuple[str, grammar.Figure]] = []
    last_end = previous = -1
    for a in grammar.amounts(text):
        span = (a.start, a.end)
        name, start = _name_before(text, a.start, previous)
        previous = a.end
        if a.kind != "amount" or (ctx.is_placed(p, span) and not ctx.only_stated(p, span)):
            continue
        after = _AFTER_NAME.match(text[a.end :])
        end = a.end
        if after and (not name or roles.role_of(name) in (roles.BUDGET, None)):
            lead = text.rfind("安排", max(0, a.start - 8), a.start)
            start = lead if lead >= 0 else a.start
            name, end = after["name"], a.end + after.end()
        elif (not _NAME_END.search(re.sub(r"[（(][^）)]{1,12}[）)]$", "", name)) or _ROLE_WORDS.search(name)
              or _NOT_A_NAME.match(name)):
            continue
        if len(name) < 3 or fund_source(name) or is_region_name(name, ctx.regions) or re.search(r"\d", name):
            continue
        if run and not re.fullmatch(r"[，,、；;\s]*", text[last_end:start]):
            runs.append(run)
            run = []
        run.append((name, a))
        last_end = end
    runs.append(run)
    return [r for r in runs if len(r) >= 2]


# not a sub-project: the reporting unit speaking, a verb phrase, a tranche of the money (第二批资金)
_NOT_A_NAME = re.compile(
    r"^(?:我区|我省|我市|我县|我局|从|将|通过|经|由|对|向|第[一二三四五六七八九十\d]+批)"
)


def extract(ctx: Context, paras: list[Para], skip: set[int], about_program) -> None:
    if ctx.tables.get("projects"):
        return  # a department's projects come from their own sections (department.py)
    for p in paras:
        if p.index in skip or not about_program(p):
            continue
        for items in _items(ctx, p):
            for name, a in items:
                _state(ctx, p, name, a)


def _state(ctx: Context, p: Para, name: str, a: grammar.Figure) -> None:
    note = "子项目预算：报告只写了预算数，未写执行数，不能记为项目"
    sentence = sentence_at(p.text, a.start)
    if ctx.only_stated(p, (a.start, a.end)):
        for row in ctx.tables.get("stated_figures", []):
            if row.get("text") == a.text and row.get("sentence") == sentence and row["value"] == a.value:
                row["metric"], row["note"] = name, note
                return
    ctx.stated(p, a, name, "无", note=note)
