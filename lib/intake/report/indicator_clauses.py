"""Indicators in the common sentence shapes of any bureau's report, clause by clause.

indicators.py reads the shapes of the shipped reports ("…指标值X，实际完成值Y"); this reads what
other reports write, under a heading about targets or indicators (绩效目标 / 年度目标 / 绩效指标 /
产出 / 效益 / 满意度 …):
- ``布防飞机数量≥6架,实际布防6架`` — a target with its operator, the next clause's 实际 its actual;
- ``满意度需达到80%以上，实际满意度为90%`` — the operator in words (需达到 … 以上, 不低于, 大于, 至少);
- ``服务驻点人员在岗大于250天`` / ``完成至少7个调研课题`` / ``推动建立1个县域商业审核机制`` — a
  target alone under a 目标 heading (the name around the value);
- ``资助学生5961人次`` / ``救助小学生140人`` under a 完成情况 heading — an actual alone;
- Chinese numerals (五个园区) and units beyond 个/项 (架, 户, 只, 起, 公顷, 万亩, 小时, ‰ …).
Which side a lone value is on is said by the heading (目标 → target; 完成 → actual) and noted.
A clause whose figure another extractor already placed is left to it.
"""

from __future__ import annotations

import re

from lib.intake.report import indicators
from lib.intake.report.context import Context, sentence_at
from lib.intake.report.sections import Para, cn_number

UNITS = (
    "%|‰|个百分点|人次|户次|个月|小时|平方米|立方米|平方公里|公里|千米|万亩|亩|公顷|万人|万元|元|"
    "个|项|家|人|户|只|头|架|起|篇|次|场|期|所|座|台|辆|套|件|份|条|处|名|天|日|月|年|米|吨|册|张|株|棵|分|批|支|本|村|镇|县|校"
)
_NUM = r"\d+(?:\.\d+)?|[一二两三四五六七八九十]{1,3}"
_OPS = (
    (r"不低于|不少于|至少|大于等于|≥|>=", "≥"),
    (r"不高于|不超过|不多于|小于等于|≤|<=|控制在", "≤"),
    (r"大于|高于|超过|多于|>", ">"),
    (r"小于|低于|少于|<", "<"),
    (r"等于|=", "="),
)
_OP_WORDS = "|".join(p for p, _ in _OPS)
_VALUE = re.compile(
    rf"(?P<op>{_OP_WORDS})?(?:达到|达|为|是)?(?P<op2>{_OP_WORDS})?(?P<num>{_NUM})"
    rf"(?P<unit>(?:{UNITS})(?:/\d*[万千百]?(?:{UNITS}))?)"
    r"(?P<tail>以上|及以上|以下|及以下|以内)?"
)
_ACTUAL_LEAD = re.compile(r"^(?:实际|已|累计|全年|共|实际完成|实际达到)")
_TARGET_WORDS = re.compile(r"需|应|要|目标|计划|预期|预计|力争|确保|争取")
_HEAD_TARGET = re.compile(r"目标(?!完成)|年度指标|绩效指标设定|指标设定|申报")
_HEAD_DONE = re.compile(r"完成情况|完成|实现|产出|效益|满意度|成效|实施")
_CLAUSE = re.compile(r"[^，,；;。：:]+")
UNIT_END = "[%‰个项家人户只头架起篇次场期所座台辆套件份条处名天日月年米吨亩顷册张株棵分批支本村镇县校]"
_LEAD_WORDS = re.compile(
    r"^(?:[①②③④⑤⑥⑦⑧⑨⑩]|\d+[.、]|[（(]\d+[)）])?\s*"
    r"(?:(?:数量|质量|时效|成本|经济效益|社会效益|生态效益|可持续影响|服务对象满意度|满意度|产出|效益)指标[:：。]?)?"
    r"(?:其中|并|且|同时|另外|以及|项目当年度目标[:：]|年度目标[:：]|目标[:：]|主要|包括|[一二三四五六七八九十]是|共计|累计|全年)?"
    r"[:：]?(?:\d+个(?=[\u4e00-\u9fff]))?"
)
_VERB_END = re.compile(
    r"(?:完成|实现|推动建立|建立|组织|开展|新建|建设|培训|举办|筹集|发放|救助|资助|改造|修建|新增)$"
)


def _op(*words: str | None) -> str:
    for w in words:
        if not w:
            continue
        for pattern, op in _OPS:
            if re.fullmatch(pattern, w):
                return op
    return ""


def _number(text: str) -> str:
    return text if text[0].isdigit() else str(cn_number(text.replace("两", "二")))


def _value_text(m: re.Match) -> str:
    op = _op(m["op"], m["op2"]) or {"以上": "≥", "及以上": "≥", "以下": "≤", "及以下": "≤", "以内": "≤"}.get(
        m["tail"] or "", ""
    )
    return f"{op}{_number(m['num'])}{m['unit']}"


def _name(clause: str, m: re.Match) -> str:
    before = clause[: m.start()]
    after = clause[m.end() :]
    before = re.sub(r"(?:需|应|要|须|必须)?(?:达到|达|为|是|完成|实现)?$", "", before)
    name = _LEAD_WORDS.sub("", before).strip(" ：:")
    if len(name) < 2 or _VERB_END.search(name):
        # the value inside the name: "完成至少7个调研课题", "钦州市范围内建设145.3公里森林防火道路"
        name = f"{name}{after.strip()}"
    return re.sub(r"^(?:实际|已)", "", name).strip(" 的：:")


def _about_indicators(p: Para) -> bool:
    """A paragraph about indicators or the year's targets — not an account of work done under a
    goal ("目标1完成情况：排查燃气管道492公里…"), whose figures are stated figures, not indicators."""
    heads = "".join(p.heads.values())
    if re.match(r"^(?:目标\d+|总体目标|年度目标)完成情况", p.body):
        return False
    if re.search(r"目标完成|完成情况", heads) and "指标" not in heads:
        return False
    if re.search(r"偏离|偏差|问题|改进|建议|公开|应用", heads):
        return False
    if re.search(r"指标", heads) or _LEVEL2_LEAD.match(p.body):
        return True
    return bool(re.search(r"绩效目标|年度目标|区域目标|目标设定", heads))


_LEVEL2_LEAD = re.compile(
    r"^(?:[（(]?\d+[)）.、]?)?(?:数量|质量|时效|成本|社会效益|经济效益|生态效益|满意度)指标"
)


def read(ctx: Context, paras: list[Para], project_of: dict[int, str]) -> int:
    n = 0
    for p in paras:
        if p.appendix or not _about_indicators(p):
            continue
        n += _read_para(ctx, p, project_of.get(p.index))
    return n


def _read_para(ctx: Context, p: Para, project_id: str | None) -> int:
    text = p.text
    heads = "".join(p.heads.values())
    own_head = p.head(max(p.heads or {0: ""}))
    side_of_lone = "target" if _HEAD_TARGET.search(heads) and not _HEAD_DONE.search(own_head) else "actual"
    clauses = list(_clauses(text))
    level1_para = indicators.level1_of(p, text)
    n = 0
    i = 0
    while i < len(clauses):
        c = clauses[i]
        clause = c[0]
        m, name = _value_and_name(clause)
        if not m or _ACTUAL_LEAD.match(clause.strip()) or ctx.is_placed(
            p, (c.start() + m.start(), c.start() + m.end())
        ):
            i += 1
            continue
        target, actual, spans, note = None, None, [(c.start() + m.start(), c.start() + m.end())], None
        nxt = clauses[i + 1] if i + 1 < len(clauses) else None
        m2 = _VALUE.search(nxt[0]) if nxt is not None else None
        if nxt is not None and m2 and _ACTUAL_LEAD.match(nxt[0].strip()):
            target, actual = _value_text(m), _value_text(m2)
            spans.append((nxt.start() + m2.start(), nxt.start() + m2.end()))
            i += 1
        elif _TARGET_WORDS.search(clause[: m.start()]) or side_of_lone == "target" or _op(m["op"], m["op2"]):
            target = _value_text(m)
            note = "报告只写指标值，未写实际完成值"
        else:
            # one value under a 完成情况 heading: both columns hold it, as the shipped transcriptions do
            target = actual = _value_text(m)
            note = "报告只写一个值（指标值与实际完成值未分列），两栏照录同一值"
        level1 = "满意度指标" if "满意" in name else (level1_para or _level1_by_heads(heads))
        earlier = _read_alone(ctx, p, spans[-1]) if target is not None and len(spans) == 2 else None
        if earlier is not None:
            # the shipped grammar read the actual alone ("实际项目验收合格率为85%"): this clause is its target
            earlier["target"], earlier["note"] = target, None
            for span in spans:
                ctx.place(p, span)
            n += 1
            i += 1
            continue
        ctx.add(
            "indicators",
            p,
            indicators.indicator_record(
                project_id,
                None,
                level1 or "产出指标",
                indicators.level2_of(p),
                name,
                target,
                actual,
                "；".join(x for x in (note, None if level1 else _LEVEL1_GUESSED) if x),
            ),
            sentence_at(text, spans[0][0]),
            spans,
        )
        n += 1
        i += 1
    return n


_LEVEL1_GUESSED = "报告未写一级指标，按产出指标起草"


def _read_alone(ctx: Context, p: Para, actual_span: tuple[int, int]) -> dict | None:
    """An indicator the shipped grammar read from this clause's 实际 alone (no target)."""
    def holds(row):
        return any(a <= actual_span[0] < b or actual_span[0] <= a < actual_span[1] for a, b in row["_spans"])
    rows = ctx.tables.get("indicators", [])
    return next((r for r in rows if r["_para"] == p.index and r.get("target") is None and holds(r)), None)


def _clauses(text: str):
    """Clauses, and inside one the items of a 、 list of indicators ("…削减量1659吨/年、…削减量250吨/年")."""
    for c in _CLAUSE.finditer(text):
        start = c.start()
        for piece in re.split(rf"(?<={UNIT_END})、", c[0]):
            yield _Clause(piece, start)
            start += len(piece) + 1


class _Clause:
    """A clause with its place in the paragraph (the shape of a regex match: [0], start())."""

    def __init__(self, text: str, start: int):
        self._text, self._start = text, start

    def __getitem__(self, i):
        return self._text

    def start(self) -> int:
        return self._start


def _value_and_name(clause: str):
    """The clause's value and the indicator's name: a leading count ("112个国控断面…") is part of
    the name's phrase, not the value, so the next value is tried."""
    for m in _VALUE.finditer(clause):
        name = _name(clause, m)
        if 2 <= len(name) <= 40 and not re.search(r"\d", name) and not _not_an_indicator(name, m):
            return m, name
    return None, ""


def _not_an_indicator(name: str, m: re.Match) -> bool:
    """Money and money rates are the funds' figures (headline.py, stated figures), a year is a date."""
    if m["unit"] == "年" and re.fullmatch(r"(?:19|20)\d{2}", m["num"]):
        return True
    if m["unit"] in ("万元", "元") and re.search(r"资金|预算|经费", name):
        return True
    return bool(re.search(r"执行率|到位率|支出率|使用率|支付率|拨付率", name))


def _level1_by_heads(heads: str) -> str | None:
    for label in ("满意度指标", "效益指标", "产出指标", "成本指标"):
        if label[:-2] in heads:
            return label
    return None
