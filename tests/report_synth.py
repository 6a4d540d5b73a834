"""Synthetic self-evaluation reports written in the phrasings seen in the corpus (tests/corpus/reports),
with the figures each one states, for the round trip at scale (tests/test_report_roundtrip.py).

Each report is built from random dataset rows — a program with its budget, spending, funds received,
sources, sub-projects, indicators, score and rating — and written with, for every role, one of the
shapes real reports use (the shapes are listed next to each role below, with the report of the
corpus they come from), sections in varying order and numbering, amounts in 元 / 万元 / 亿元. The
expected figures are in the corpus's own schema, so the same scorer measures the reader.
"""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal

PLACES = ("云南省", "临河区", "会宁县", "钦州市", "金凤区", "西平县", "福田区", "奉化区", "衡山县", "隆阳区", "铜梁区")
FUNDS = (
    "中央自然灾害救灾资金", "农业生产和水利救灾资金", "困难群众救助补助资金", "水污染防治资金", "优抚对象补助经费",
    "城乡义务教育补助经费", "财政衔接推进乡村振兴补助资金", "文物保护专项资金", "就业补助资金", "彩票公益金项目补助资金",
)
SUBPROJECTS = (
    "森林防火道路建设项目", "残疾人托养中心建设项目", "农产品仓储基地建设项目", "高效节水灌溉工程", "公租房保障项目",
    "水生态系统综合治理项目", "孤儿基本生活保障金", "临时救助资金", "古籍文献保护项目", "消防提升工程项目",
)
INDICATORS = (
    ("布防飞机数量", "架", False), ("受益群众户数", "户", False), ("项目验收合格率", "%", False),
    ("新建森林防火道路", "公里", False), ("培训人次", "人次", False), ("服务对象满意度", "%", False),
    ("项目完工率", "%", False), ("救助对象覆盖率", "%", False), ("恢复农业生产面积", "万亩", False),
    ("飞行小时数", "小时", False),
)
CN_SECTION = "一二三四五六七八九十"


def _money(value: Decimal, rng: random.Random) -> tuple[str, Decimal]:
    """An amount in 万元 written as 万元, 元 or 亿元 (the value in 万元 it states)."""
    kind = rng.choice(("万元", "万元", "万元", "元", "亿元"))
    if kind == "元":
        return f"{(value * 10000).quantize(Decimal('0.01'))}元".replace(".00元", "元"), value
    if kind == "亿元" and value >= 10000 and value % 100 == 0:
        return f"{(value / 10000).normalize():f}亿元", value
    return f"{value.normalize():f}万元", value


def _amount(rng: random.Random, low: int, high: int, places: int = 2) -> Decimal:
    step = Decimal(1).scaleb(-places)
    return (Decimal(rng.randint(low * 100, high * 100)) / 100).quantize(step, ROUND_HALF_UP)


def generate(n: int, seed: int = 20261207) -> list[tuple[str, dict]]:
    rng = random.Random(seed)
    return [_one(rng, i) for i in range(n)]


def _one(rng: random.Random, i: int) -> tuple[str, dict]:
    year = rng.randint(2019, 2025)
    place = rng.choice(PLACES)
    fund = rng.choice(FUNDS)
    budget = _amount(rng, 50, 20000) if rng.random() > 0.15 else Decimal(rng.randint(100, 900) * 100)
    executed = (budget * Decimal(rng.randint(30, 100)) / 100).quantize(Decimal("0.01"))
    rate = (executed / budget * 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
    expected: dict = {"program": {"name": fund, "year": year}, "headline": {}, "allocations": [],
                      "projects": [], "indicators": []}
    head = expected["headline"]
    title = f"{place}{year}年度{fund}绩效自评报告"

    # --- funds: budget (下达/安排/预算 …), received (到位), executed (执行/支出/使用/拨付), rate
    b_text, b_val = _money(budget, rng)
    e_text, e_val = _money(executed, rng)
    budget_shapes = (
        f"{year}年共下达{place}{fund}{b_text}。",  # 会宁 / 西平
        f"财政部下达{year}年{fund}{b_text}。",  # 广西 灾害
        f"{year}年，{place}获得{fund}{b_text}。",  # 南昌
        f"{year}年共投入{fund}预算{b_text}。",  # 云南 2022
        f"年初预算{b_text}。",  # 海南
    )
    head["budget"] = float(b_val)
    funds = [rng.choice(budget_shapes)]
    if rng.random() < 0.5:
        shares = sorted(rng.sample(range(1, 100), 2))
        parts = [budget * shares[0] / 100, budget * (shares[1] - shares[0]) / 100]
        parts = [p.quantize(Decimal("0.01")) for p in parts]
        parts.append(budget - sum(parts))
        names = rng.choice((("中央补助资金", "省级配套资金", "县级资金"), ("中央财政资金", "自治区资金", "市级资金")))
        funds.append("其中，" + "，".join(f"{n}{p.normalize():f}万元" for n, p in zip(names, parts, strict=True)) + "。")
        for n, p in zip(names, parts, strict=True):
            expected["allocations"].append({"region": None, "fund_source": n[:2], "amount": float(p)})
    received = None
    if rng.random() < 0.3:
        # funds received short of the budget, the rate over what was received (云南 2020: 到位率31%)
        received = (budget * Decimal(rng.randint(40, 90)) / 100).quantize(Decimal("0.01"))
        executed = (received * Decimal(rng.randint(50, 100)) / 100).quantize(Decimal("0.01"))
        e_text, e_val = _money(executed, rng)
        rate = (executed / received * 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
        funds.append(f"实际到位资金{received.normalize():f}万元。")
        head["received"] = float(received)
    elif rng.random() < 0.5:
        funds.append(rng.choice((f"{b_text}资金全部拨付到位，资金到位率100%。", "资金到位率100%。")))
        head["received_rate"] = 1.0
    if rng.random() < 0.3:
        # a region list with a word between place and amount (临河: 白脑包镇补助资金10万元、八一乡补助资金20万元)
        towns = rng.sample(("白脑包镇", "八一乡", "城关镇", "狼山镇", "干召庙镇", "双河镇"), 3)
        shares = [_amount(rng, 1, 90) for _ in towns]
        word = rng.choice(("补助资金", "资金", ""))
        funds.append("资金分配到乡镇：" + "、".join(f"{t}{word}{x.normalize():f}万元" for t, x in zip(towns, shares,
                                                                                        strict=True)) + "。")
        expected["allocations"] += [{"region": t, "fund_source": None, "amount": float(x)}
                                    for t, x in zip(towns, shares, strict=True)]
    as_of = rng.choice(("", f"截至{year}年12月31日，"))
    spent = rng.choice((f"实际执行{e_text}", f"项目实际使用资金{e_text}", f"已完成拨付{e_text}", f"实际支出{e_text}"))
    rate_word = rng.choice(("执行率", "资金执行率", "资金使用率", "预算执行率为", "项目执行率"))
    funds.append(f"{as_of}{spent}，{rate_word}{rate.normalize():f}%。")
    head["executed"] = float(e_val)
    head["execution_rate"] = float(rate / 100)
    head["rate_base"] = "received" if received is not None else "budget"

    # --- sub-projects, as a list after the funds (其中 / 分别支持 / 安排…支持)
    subs = []
    if rng.random() < 0.5:
        names = rng.sample(SUBPROJECTS, rng.randint(2, 4))
        amounts = [_amount(rng, 5, 900) for _ in names]
        shape = rng.randint(0, 2)
        if shape == 0:
            subs.append("资金分别支持" + "、".join(f"{n}{a.normalize():f}万元" for n, a in zip(names, amounts, strict=True))
                        + "。")
        elif shape == 1:
            subs.append("具体是：" + "；".join(f"{n}{a.normalize():f}万元" for n, a in zip(names, amounts, strict=True))
                        + "。")
        else:
            subs.append("；".join(f"安排{a.normalize():f}万元支持{n}" for n, a in zip(names, amounts, strict=True)) + "。")
        expected["projects"] = [{"name": n, "budget": float(a)} for n, a in zip(names, amounts, strict=True)]

    # --- indicators under 绩效指标完成情况 (target with operator, then 实际 …)
    lines = []
    for name, unit, _ in rng.sample(INDICATORS, rng.randint(2, 5)):
        if unit == "%":
            target = rng.choice((90, 95, 100, 85))
            actual = rng.choice((target, 100, target - 5))
            shape = rng.randint(0, 2)
            if shape == 0:
                lines.append(f"{name}≥{target}%，实际完成{actual}%")
                t_text = f"≥{target}%"
            elif shape == 1:
                lines.append(f"{name}需达到{target}%以上，实际{name}为{actual}%")
                t_text = f"≥{target}%"
            else:
                lines.append(f"{name}不低于{target}%，实际达到{actual}%")
                t_text = f"≥{target}%"
            a_text = f"{actual}%"
        else:
            target = rng.randint(2, 900)
            actual = target + rng.choice((0, 1, -1, 5))
            lines.append(f"{name}≥{target}{unit}，实际完成{actual}{unit}")
            t_text, a_text = f"≥{target}{unit}", f"{actual}{unit}"
        expected["indicators"].append({"name": name, "target": t_text, "actual": a_text})
    indicators = "产出指标：" + "；".join(lines) + "。"

    # --- score and rating
    score = Decimal(rng.randint(6000, 10000)) / 100
    rating = "优" if score >= 90 else "良" if score >= 80 else "中" if score >= 60 else "差"
    rating_word = {"优": rng.choice(("优", "优秀")), "良": rng.choice(("良", "良好")), "中": "中", "差": "差"}[rating]
    closing = rng.choice((f"经自评，自评得分{score.normalize():f}分，自评等级为“{rating_word}”。",
                          f"综合得分{score.normalize():f}分，评价结果为“{rating_word}”。"))
    head["score"] = float(score)
    head["rating"] = rating

    sections = [
        ("资金投入及使用情况", funds + subs),
        ("绩效指标完成情况", [indicators]),
        ("自评结论", [closing]),
    ]
    if rng.random() < 0.5:
        sections[0], sections[1] = sections[1], sections[0]
    text = [title, f"为做好{fund}绩效管理工作，现将自评情况报告如下："]
    for n, (heading, paras) in enumerate(sections):
        text.append(f"{CN_SECTION[n]}、{heading}")
        text += paras
    expected["id"] = f"synth_{i:04d}"
    return "\n".join(text) + "\n", expected
