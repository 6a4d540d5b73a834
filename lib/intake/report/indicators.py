"""Indicator statements: "<name>指标值<target>，实际完成值<actual>" and the other ways reports say it.

Shapes read (each within one clause list of a paragraph under an indicator heading):
- ``集中祭祀台建设完成率指标值100%，实际完成值100%`` (also qualitative: 指标值效果显著 …);
- ``调查任务完成合格率≥90%，实际完成值100%`` and ``数据成果汇交率100%；实际完成值100%``;
- ``普查对象清查覆盖率100%；`` — one value only: both target and actual hold it (as the shipped
  transcription does), and the record's note says so;
- ``服务企业满意度为90%，未达到年初设定值95%`` / ``实际满意度为88%，低于目标值90%``: the second
  figure is the target; but ``低于控制指标5%`` states a *difference* from the target, never a target;
- region splits of a transfer program: ``全省…60%，其中沈阳、盘锦完成100%，抚顺、阜新…正在建设中``.
The 一级 of an indicator is the label of its paragraph (产出/效益/满意度/成本指标, whatever the
numbering says) and 满意度 for any satisfaction name; the 二级 only where the text names one.
"""

from __future__ import annotations

import re

from lib.intake.report import grammar
from lib.intake.report.context import Context, sentence_at
from lib.intake.report.sections import Para

LEVEL1 = ("产出指标", "效益指标", "满意度指标", "成本指标")
LEVEL2 = (
    "数量指标",
    "质量指标",
    "时效指标",
    "成本指标",
    "经济效益指标",
    "社会效益指标",
    "生态效益指标",
    "可持续影响指标",
    "服务对象满意度指标",
)
_VALUE = r"(?:[≥≤<>=]|不低于|不高于|不少于|不超过)?\d+(?:\.\d+)?(?:%|个月|个|项|天|日|次|家|人|万元|元|年)?"
_TEXT_VALUE = r"[^，。；;,]{1,16}?"
# name 指标值 target ，实际完成值 actual
_PAIR = re.compile(
    rf"(?P<name>[^，。；;:：]{{2,60}}?)指标值(?:为)?(?P<target>{_TEXT_VALUE})[，,；;]\s*"
    rf"实际完成值(?:为)?(?P<actual>{_TEXT_VALUE})(?=[，。；;,]|$)"
)
# name target ，实际完成值 actual (no 指标值)
_PAIR_BARE = re.compile(
    rf"(?P<name>[^，。；;:：]{{2,60}}?(?:率|量|数|度|性|时限|程度))(?P<target>{_VALUE})[，,；;]\s*"
    rf"实际完成值(?:为)?(?P<actual>{_TEXT_VALUE})(?=[，。；;,]|$)"
)
# name value ; (one value, no actual)
_SINGLE = re.compile(
    rf"(?P<name>[^，。；;:：]{{2,40}}?(?:率|量))(?:为|达到|达)?(?P<value>{_VALUE})(?=[；;。]|$)"
)
# satisfaction/actual first, target after a comparison word
_AGAINST = re.compile(
    rf"(?P<name>[^，。；;:：]{{1,30}}?)(?:为|达到|是)?(?P<actual>{_VALUE})[，,]\s*"
    r"(?P<cmp>未达到|未达|低于|高于|达到|超过|超出)(?P<base>年初设定值|设定值|目标值|预期值|指标值|"
    rf"年度目标|控制指标|控制目标)(?:为)?(?P<target>{_VALUE})"
)
_SATISFACTION = re.compile(
    rf"(?P<name>[^，。；;:：]{{0,20}}满意度)(?:为|达到|达)?(?P<value>{_VALUE})(?=[，。；;,]|$)(?![，,]\s*实际)"
)
_NAMED_AS = re.compile(r"指标为(?P<name>[^，。；;]{2,30}?满意度)")
_SCORE_PAIR = re.compile(r"(?:分值|值)(?P<w>\d+(?:\.\d+)?)分[，,]\s*得分(?P<s>\d+(?:\.\d+)?)分")
_NAME_PREFIX = re.compile(
    r"^(?:[①②③④⑤⑥⑦⑧⑨⑩]|\d+[.、]|[（(]\d+[)）])?\s*(?:(?:产出|效益|满意度|成本)指标[。：:，,]?)?"
    r"(?:服务对象满意度指标[：:])?(?:实际)?"
)


def indicator_record(project_id, region, level1, level2, name, target, actual, note) -> dict:
    """An indicator as a draft row: what a sentence gives (weights and scores, where written, are
    set by the caller)."""
    return {
        "project_id": project_id,
        "region": region,
        "level1": level1,
        "level2": level2,
        "level3": name,
        "target": target,
        "actual": actual,
        "weight": None,
        "stated_score": None,
        "deviation_reason": None,
        "improvement": None,
        "note": note,
    }


def level1_of(para: Para, text: str) -> str | None:
    """The 一级 a paragraph speaks of: its own leading label first, then the headings above."""
    body = re.sub(r"^[①②③④⑤⑥⑦⑧⑨⑩\d.、（()）\s]+", "", text)
    for label in LEVEL1[:3]:
        if body.startswith(label) or body.startswith(label[:-2]):
            return label
    for level in sorted(para.heads, reverse=True):
        for label in LEVEL1[:3]:
            if label[:-2] in para.heads[level] and "指标" in para.heads[level]:
                return label
    return "成本指标" if body.startswith("成本指标") else None


def level2_of(para: Para) -> str | None:
    for level in sorted(para.heads, reverse=True):
        for label in LEVEL2:
            if para.heads[level].startswith(label):
                return label
    return None


def _name(raw: str) -> str:
    name = _NAME_PREFIX.sub("", raw.strip())
    name = re.sub(r"^(?:且|并|其中|但|而|另外)", "", name)
    return name.strip(" 的：:")


def read(ctx: Context, para: Para, project_id: str | None, region: str | None = None) -> int:
    """Indicators stated in one paragraph; returns how many were added."""
    text = para.text
    level1 = level1_of(para, text)
    if level1 is None:
        return 0
    level2 = level2_of(para)
    added: list[dict] = []
    taken: list[tuple[int, int]] = []

    def free(span):
        return not any(a < span[1] and span[0] < b for a, b in taken)

    def add(name, target, actual, span, note=None, level=None):
        lvl = "满意度指标" if "满意度" in name else (level or level1)
        row = ctx.add(
            "indicators",
            para,
            indicator_record(
                project_id,
                region,
                lvl,
                level2 if lvl == level1 else ("服务对象满意度指标" if "服务对象满意度指标" in text else None),
                name,
                target,
                actual,
                note,
            ),
            sentence_at(text, span[0]),
            [span],
        )
        added.append(row)
        taken.append(span)

    for m in _PAIR.finditer(text):
        add(_name(m["name"]), m["target"].strip(), m["actual"].strip(), m.span())
    for m in _PAIR_BARE.finditer(text):
        if free(m.span()):
            add(_name(m["name"]), m["target"], m["actual"].strip(), m.span())
    for m in _AGAINST.finditer(text):
        if not free(m.span()):
            continue
        name = _name(m["name"])
        named = _NAMED_AS.search(text)
        if (not name or name == "满意度") and named:
            name = named["name"]
        if "控制" in m["base"]:
            # "低于控制指标5%": the difference from the target, not the target
            add(
                name,
                None,
                m["actual"],
                (m.start(), m.start("cmp")),
                note=f"原文“{m['cmp']}{m['base']}{m['target']}”是与指标值的差额，不是指标值，未填入指标值",
            )
            ctx.unplace(para, m["target"], "与控制指标的差额，不是指标值", m.start("target"))
            ctx.place(para, m.span("target"))
            continue
        add(name, m["target"], m["actual"], m.span())
    for m in _SINGLE.finditer(text):
        if free(m.span()) and "满意度" not in m["name"] and not m["name"].startswith("执行"):
            name = _name(m["name"])
            if len(name) < 4 or re.search(r"执行率|到位率", name):
                continue
            if re.search(r"(?:为|达到|达)$", text[: m.start("value")]) or not re.search(
                "指标值|实际完成值", text
            ):
                add(name, None, m["value"], m.span(), note="报告只写实际完成值，未写年度指标值")
            else:
                add(
                    name,
                    m["value"],
                    m["value"],
                    m.span(),
                    note="报告只写一个值（指标值与实际完成值未分列），两栏照录同一值",
                )
    for m in _SATISFACTION.finditer(text):
        if free(m.span()):
            name = _name(m["name"]) or "满意度"
            named = _NAMED_AS.search(text)
            if name in ("满意度", "实际满意度") and named:
                name = named["name"]
            add(name, None, m["value"], m.span(), note="报告未写年度指标值")
    score = _SCORE_PAIR.search(text)
    if score and len(added) == 1:
        added[0]["weight"] = float(score["w"])
        added[0]["stated_score"] = float(score["s"])
    return len(added)


def read_region_split(ctx: Context, para: Para, regions: dict[str, str]) -> int:
    """A transfer program's indicator stated for the whole province and per region.

    "全省已完成…建设总量的60%，其中沈阳、盘锦、葫芦岛完成100%，抚顺、阜新园区的…部分模块正在建设中"
    ``regions`` maps the short names the text uses to the regions of the draft.
    """
    text = para.text
    level1 = level1_of(para, text)
    level2 = level2_of(para)
    if level1 is None or not regions:
        return 0
    whole = re.search(
        r"(?P<scope>全省|全市|全县|全区)(?:已完成|已实现|已达到|完成|实现)?(?P<name>[^，。；]{2,40}?)的?"
        rf"(?P<value>{_VALUE}%?)(?=[，。；]|$)",
        text,
    )
    if not whole or not re.search(r"\d", whole["value"]):
        return 0
    name = re.sub(r"总量$", "", whole["name"]).strip("的") or (level2 or level1)
    base = {
        "project_id": None,
        "level1": level1,
        "level2": level2,
        "level3": name,
        "target": None,
        "weight": None,
        "stated_score": None,
        "deviation_reason": None,
        "improvement": None,
        "note": "报告未写年度指标值",
    }
    n = 0
    ctx.add(
        "indicators",
        para,
        {**base, "region": ctx.region, "actual": whole["value"]},
        sentence_at(text, whole.start()),
        [whole.span("value")],
    )
    n += 1
    names = "|".join(sorted(map(re.escape, regions), key=len, reverse=True))
    for m in re.finditer(
        rf"(?P<list>(?:(?:{names})[、和及]?)+)(?:园区)?(?P<rest>[^，。；]*)", text[whole.end() :]
    ):
        listed = re.findall(names, m["list"])
        if not listed:
            continue
        offset = whole.end() + m.start()
        rate = re.search(rf"(?:完成|达到|实现)(?P<v>{_VALUE}%?)", m["rest"])
        if rate:
            actual, span = (
                rate["v"],
                (offset + len(m["list"]) + rate.start("v"), offset + len(m["list"]) + rate.end("v")),
            )
        else:
            status = m["rest"].rsplit("的", 1)[-1].strip()
            if not status:
                continue
            actual, span = status, (offset, offset + len(m[0]))
        for short in listed:
            ctx.add(
                "indicators",
                para,
                {**base, "region": regions[short], "actual": actual},
                sentence_at(text, offset),
                [span],
            )
            n += 1
    return n


def score_part(ctx: Context, para: Para, project_id: str | None) -> bool:
    """'①产出指标。…分值50分，得分47分' → the 一级 part's weight and stated score."""
    level1 = level1_of(para, para.text)
    m = _SCORE_PAIR.search(para.text)
    if not level1 or not m:
        return False
    status = re.sub(r"^[①②③④⑤⑥⑦⑧⑨⑩]\s*" + level1 + r"[。：:，,]?", "", para.text).strip()
    ctx.add(
        "score_parts",
        para,
        {
            "project_id": project_id,
            "part": level1,
            "weight": float(m["w"]),
            "stated_score": float(m["s"]),
            "status_text": status,
            "note": None,
        },
        sentence_at(para.text, m.start()),
        [m.span("w"), m.span("s"), m.span()],
    )
    return True


def counts(ctx: Context, para: Para, project_id: str | None) -> int:
    """Stated indicator counts: "产出指标包含4项二级指标，6项三级指标。其中，4项三级指标已完成…"."""
    level1 = level1_of(para, para.text) or ""
    n = 0
    for m in re.finditer(
        r"(?P<num>\d+)项(?P<level>一级|二级|三级)?指标(?P<state>已完成|存在偏差|基本达标|均已完成)?",
        para.text,
    ):
        state = m["state"] or ""
        after = para.text[m.end() : m.end() + 6]
        if not state and after.startswith(("存在偏差", "已完成", "基本达标")):
            state = re.match(r"存在偏差|已完成|基本达标", after)[0]
        metric = (
            f"{level1 if m['level'] != '一级' and level1 and m['level'] else ''}{m['level'] or ''}"
            f"{'' if not state else state}指标数"
        )
        figure = grammar.Figure("count", float(m["num"]), "项", m.start(), m.end(), m[0])
        ctx.stated(para, figure, metric, "指标个数", project_id=project_id)
        n += 1
    return n
