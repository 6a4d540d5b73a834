"""What a money figure *is*, decided by the head words of its label: a small phrase grammar.

A label is the words before an amount back to the previous separator ("2023年县财政共下达我局财政
衔接资金" 8010万元). Chinese noun phrases put their head last, so the role is that of the head word
nearest the amount, with the object allowed in between: "实际执行飞行经费" is executed (执行 …
经费), "预算飞行经费" a budget, "专项资金支出预算" a budget (预算 after 支出), "预算执行数"
executed. Words after the amount settle the figures that name their role behind them ("10441万元
资金全部拨付到位" is received).

Roles: budget (预算 / 安排 / 下达 / 批复 / 核定 / 计划 / 投入 / 筹措), budget_initial (年初预算),
appropriation (财政拨款 / 实际下达), received (到位 / 到账), executed (执行 / 支出 / 使用 / 支付 /
拨付 / 完成投资), balance (结余 / 结存 / 未使用). DOMAIN.md: 到位率 is not 执行率, and a rate may be
against funds received: see ``rate_base``.
"""

from __future__ import annotations

import re

BUDGET, BUDGET_INITIAL, APPROPRIATION, RECEIVED, EXECUTED, BALANCE = (
    "budget",
    "budget_initial",
    "appropriation",
    "received",
    "executed",
    "balance",
)
# canonical 报告声明数 metric per role (the label as written stays in the record's sentence)
METRIC = {
    BUDGET: "预算数",
    BUDGET_INITIAL: "年初预算数",
    APPROPRIATION: "财政拨款（实际下达）",
    RECEIVED: "到位资金",
    EXECUTED: "执行数",
    BALANCE: "结余资金",
}
_HEADS = (
    (BUDGET_INITIAL, r"年初预算|年初批复|年初安排"),
    (RECEIVED, r"到位|到账|收到"),
    (BALANCE, r"结余|结存|未使用|未支出|未执行"),
    (APPROPRIATION, r"财政拨款|本年拨款|实际下达|已下达"),
    (EXECUTED, r"执行|支出|使用|支付|拨付|完成投资|完成|花费|兑付|发放"),
    (BUDGET, r"预算|安排|下达|批复|核定|计划|投入|筹措|筹集|落实|争取|获得|获批|申报|申请"),
)
# words that name a total without saying what kind: a budget only when no head word is there
_WEAK_BUDGET = re.compile(r"总额|总计|资金总|项目资金|专项资金|补助资金")
_AFTER_RECEIVED = re.compile(r"^[\u4e00-\u9fff]{0,6}?(?:全部|均已|均|已|足额|及时)*(?:拨付|下达)?到位")
# a part of a total, not the total: a source or a place named in the label
_PART = re.compile(
    r"其中|中央|省级|省本级|省财政|市级|县级|区级|地方|市以下|市县|配套|自筹|社会资金|单位资金|上级|本级|"
    r"上年结转|以前年度|结转资金"
)
_NOT_MONEY_OF_PROGRAM = re.compile(
    r"总投资|投资总额|标准|每[人户亩个]|人均|户均|补助标准|单价|不超过|不低于|最高"
)


def role_of(label: str, after: str = "") -> str | None:
    """The role of an amount from its label (words before) and the words right after it."""
    if _AFTER_RECEIVED.match(after):
        return RECEIVED
    if not label or _NOT_MONEY_OF_PROGRAM.search(label):
        return None
    # fund names that hold a head word without being one: 转移支付 is a kind of fund, not a payment
    label = re.sub(r"转移支付|支付宝|执行单位|实施单位|预算单位|预算绩效", "", label)
    best, best_end = None, -1
    for role, pattern in _HEADS:
        for m in re.finditer(pattern, label):
            # the head nearest the amount wins; 年初预算 / 财政拨款 beat their own 预算 / 拨付 at one place
            if m.end() > best_end or (m.end() == best_end and best in (BUDGET, EXECUTED)):
                best, best_end = role, m.end()
    if best is None and _WEAK_BUDGET.search(label):
        return BUDGET
    if best == APPROPRIATION and "已下达" in label and not re.search(r"财政部|中央|实际", label):
        return BUDGET  # "已下达" alone is how a transfer names its budget
    return best


def is_part(label: str) -> bool:
    """A label naming a source, a year's share or a place: the figure is a part of a total."""
    return bool(_PART.search(label))


_RATE_LABEL = re.compile(r"执行率|支出率|使用率|支付率|拨付率|完成率")


def is_execution_rate(label: str) -> bool:
    return bool(_RATE_LABEL.search(label)) and "到位" not in label and not re.search(r"指标|满意", label)


def rate_base(rate: float, executed: float, budget: float | None, received: float | None,
              label: str = "") -> str:
    """What a stated execution rate divides by: "budget" or "received".

    Decided by the figures where only one base fits the stated rate (to its stated precision, with
    the amounts' own rounding), else by the label ("占到位资金"), else the budget (DOMAIN.md's
    default: 执行 ÷ 预算)."""
    def fits(base):
        return bool(base) and abs(executed / base - rate) <= 0.0051 + 0.0001
    if "到位" in label:
        return RECEIVED
    if fits(budget):
        return BUDGET
    if fits(received):
        return RECEIVED
    return BUDGET
