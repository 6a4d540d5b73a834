"""The dataset workbook format: sheets, columns, types and keys.

One .xlsx holds one or more programs (a transfer program or a department's budget) with
everything filed about them. Each sheet's first row is the header; headers are the Chinese
labels from ``lib.labels`` (the English storage names are accepted too). README documents
every sheet and column from this module, and ``tests/test_docs.py`` keeps the two in step.

Amounts are 万元. Rates are fractions (Excel percent format, so 94.65% is stored as 0.9465);
text such as "94.65%" is accepted and converted.
"""

from __future__ import annotations

from dataclasses import dataclass

from lib.labels import COLUMN_LABELS, SHEET_LABELS

# Column types. Validation and the DuckDB schema both derive from these.
TEXT = "text"  # free text, kept as written
INT = "int"  # whole number (a year, a sequence number)
MONEY = "money"  # 万元, >= 0
RATE = "rate"  # fraction, 0..2 (0%..200%)
SHARE = "share"  # fraction, 0..1 (a completion share)
SCORE = "score"  # points, 0..100
NUMBER = "number"  # any non-negative number (a stated count or amount)
DATE = "date"  # calendar date
RATING = "rating"  # 优 / 良 / 中 / 差
CHOICE = "choice"  # one of Column.choices

RATINGS = ("优", "良", "中", "差")
PROGRAM_KINDS = ("转移支付", "部门预算")
# How a stated figure can be recomputed from the records (used by the audit).
AGGREGATES = ("资金合计", "预算合计", "执行合计", "项目个数", "评级个数", "指标个数", "分项合计", "无")
SCORE_PARTS = ("预算执行率", "产出指标", "效益指标", "满意度指标", "成本指标")


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool = False
    choices: tuple[str, ...] = ()
    doc: str = ""

    @property
    def header(self) -> str:
        return COLUMN_LABELS[self.name]


@dataclass(frozen=True)
class Sheet:
    table: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    doc: str

    @property
    def name(self) -> str:
        return SHEET_LABELS[self.table]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _c(name: str, type_: str, required: bool = False, doc: str = "", choices=()) -> Column:
    return Column(name, type_, required, tuple(choices), doc)


_OWNER = (
    _c("program_id", TEXT, True, "所属资金/部门编号，须在“资金与部门”表中"),
    _c("project_id", TEXT, False, "所属项目编号（可空：属于整个资金/部门），须在“项目”表中"),
)
_SOURCE_REF = _c("source_ref", TEXT, True, "出处：来源编号 + 章节，如 LN2023 §二(一)1")
_NOTE = _c("note", TEXT, False, "转录说明，如原文笔误、推断的归类")
# Optional: the sentence of the report a record's figures were read from (drafts from report text,
# lib/intake/report); workbooks without the column load as before.
_SENTENCE = _c("sentence", TEXT, False, "原文句子：记录中数字所出自的报告原句（由报告文本起草时填写）")

# Optional: the same fund or department's budget in other years carries the same value (lib/analysis/
# lineage.py); left empty, the rule proposes one and 数据管理 shows it for confirmation.
_LINEAGE = _c("lineage_id", TEXT, False,
              "跨年度编号：同一资金或部门预算在不同年度填同一编号（可空：系统按名称、主管部门、地区建议）")

SHEETS: tuple[Sheet, ...] = (
    Sheet(
        "sources",
        (
            _c("source_id", TEXT, True, "来源编号，如 LN2023"),
            _c("title", TEXT, True, "报告标题"),
            _c("issuer", TEXT, False, "报告单位"),
            _c("report_date", DATE, False, "报告日期"),
            _c("file_name", TEXT, False, "原始文件名"),
            _NOTE,
        ),
        ("source_id",),
        "每份原始报告一行。",
    ),
    Sheet(
        "programs",
        (
            _c("program_id", TEXT, True, "编号，全库唯一"),
            _c("program_name", TEXT, True, "资金或部门预算名称"),
            _c("year", INT, True, "预算年度"),
            _c("program_kind", CHOICE, True, "转移支付 或 部门预算", PROGRAM_KINDS),
            _c("department", TEXT, True, "主管部门"),
            _c("region", TEXT, False, "所属地区（省、市、新区）"),
            _c("doc_no", TEXT, False, "下达文号，如 财资环〔2023〕48号"),
            _c("sub_doc_no", TEXT, False, "分解下达文号，如 辽财指环〔2023〕356号"),
            _c("objective", TEXT, False, "年度总体绩效目标"),
            _c("source_id", TEXT, True, "来源编号，须在“来源”表中"),
            _SOURCE_REF,
            _NOTE,
            _SENTENCE,
            _LINEAGE,
        ),
        ("program_id",),
        "一项转移支付资金或一个部门的年度预算一行。上传时按此表的编号整体替换。",
    ),
    Sheet(
        "projects",
        (
            _c("project_id", TEXT, True, "编号，全库唯一"),
            _c("program_id", TEXT, True, "所属资金/部门编号"),
            _c("project_name", TEXT, True, "项目名称"),
            _c("implementing_unit", TEXT, False, "实施单位"),
            _c("region", TEXT, False, "地区"),
            _c("budget_initial", MONEY, False, "年初预算数（万元）"),
            _c("budget", MONEY, True, "全年预算数（万元），执行率的分母"),
            _c("appropriation", MONEY, False, "财政拨款（万元）"),
            _c("executed", MONEY, True, "全年执行数（万元）"),
            _c("stated_execution_rate", RATE, False, "报告所写执行率，照录"),
            _c("stated_score", SCORE, False, "报告所写自评得分，照录"),
            _c("stated_rating", RATING, False, "报告所写评级：优/良/中/差", RATINGS),
            _c("objective", TEXT, False, "项目年度绩效目标"),
            _c("objective_actual", TEXT, False, "总体绩效目标实际完成情况"),
            _c("deviation_reason", TEXT, False, "偏离绩效目标的原因"),
            _c("improvement", TEXT, False, "下一步改进措施"),
            _SOURCE_REF,
            _NOTE,
            _SENTENCE,
        ),
        ("project_id",),
        "每个项目一行，数字为年末数。",
    ),
    Sheet(
        "allocations",
        (
            *_OWNER,
            _c("region", TEXT, True, "地区"),
            _c("fund_source", TEXT, True, "资金来源，如 中央补助、地方资金、本级财政"),
            _c("fund_year", INT, False, "投入年度（资金分年投入时填写）"),
            _c("amount", MONEY, True, "金额（万元）"),
            _c("doc_no", TEXT, False, "下达文号"),
            _SOURCE_REF,
            _NOTE,
            _SENTENCE,
        ),
        ("program_id", "project_id", "region", "fund_source", "fund_year"),
        "资金按地区 × 来源 × 年度的分配，最细一级记录；合计数放在“报告声明数”。",
    ),
    Sheet(
        "execution",
        (
            *_OWNER,
            _c("region", TEXT, False, "地区（可空：整个资金/部门）"),
            _c("fund_source", TEXT, False, "资金来源（可空：全部来源）"),
            _c("as_of", DATE, True, "截至日期，年末填12月31日"),
            _c("budget", MONEY, True, "预算数（万元），执行率的分母"),
            _c("executed", MONEY, True, "截至该日执行数（万元）"),
            _c("stated_execution_rate", RATE, False, "报告所写执行率，照录"),
            _SOURCE_REF,
            _NOTE,
            _SENTENCE,
        ),
        ("program_id", "project_id", "region", "fund_source", "as_of"),
        "某日的执行进度（可按月填报），用于跟踪执行率随时间变化。项目年末数在“项目”表。",
    ),
    Sheet(
        "progress",
        (
            _c("program_id", TEXT, True, "所属资金/部门编号"),
            _c("region", TEXT, True, "地区"),
            _c("subject", TEXT, True, "建设对象，如园区名称"),
            _c("measure", TEXT, True, "进度口径：这个比例衡量什么"),
            _c("percent", SHARE, False, "完成比例（0–100%）；只有文字描述时留空"),
            _c("status_text", TEXT, False, "进展情况原文"),
            _c("as_of", DATE, False, "截至日期"),
            _SOURCE_REF,
            _NOTE,
            _SENTENCE,
        ),
        ("program_id", "region", "subject", "measure"),
        "分地区/园区的建设进度。",
    ),
    Sheet(
        "objectives",
        (
            *_OWNER,
            _c("seq", INT, True, "序号"),
            _c("label", TEXT, False, "目标编号，如 目标1"),
            _c("expected", TEXT, False, "预期目标"),
            _c("actual_text", TEXT, False, "实际完成情况"),
            _SOURCE_REF,
            _NOTE,
        ),
        ("program_id", "project_id", "seq"),
        "年度总体绩效目标：预期与实际完成情况。",
    ),
    Sheet(
        "indicators",
        (
            *_OWNER,
            _c("seq", INT, True, "序号"),
            _c("region", TEXT, False, "地区（分地区的完成值）"),
            _c("level1", CHOICE, True, "一级指标", ("产出指标", "效益指标", "满意度指标", "成本指标")),
            _c("level2", TEXT, False, "二级指标，如 数量指标"),
            _c("level3", TEXT, True, "三级指标名称"),
            _c("target", TEXT, False, "年度指标值，照录：≥90%、≤100万元、1个月、效果显著、/"),
            _c("actual", TEXT, False, "实际完成值，照录"),
            _c("weight", SCORE, False, "分值"),
            _c("stated_score", SCORE, False, "报告所写得分"),
            _c("deviation_reason", TEXT, False, "偏差原因"),
            _c("improvement", TEXT, False, "改进措施"),
            _SOURCE_REF,
            _NOTE,
            _SENTENCE,
        ),
        ("program_id", "project_id", "seq"),
        "三级绩效指标，指标值与实际完成值照原文填写，完成状态由系统解析。",
    ),
    Sheet(
        "score_parts",
        (
            *_OWNER,
            _c("part", CHOICE, True, "得分构成", SCORE_PARTS),
            _c("weight", SCORE, False, "分值"),
            _c("stated_score", SCORE, False, "报告所写得分"),
            _c("status_text", TEXT, False, "完成情况原文"),
            _SOURCE_REF,
            _NOTE,
            _SENTENCE,
        ),
        ("program_id", "project_id", "part"),
        "一级指标（及预算执行率）的分值与得分，报告只给汇总分时填在这里。",
    ),
    Sheet(
        "spending_items",
        (
            *_OWNER,
            _c("seq", INT, True, "序号"),
            _c("item", TEXT, True, "支出事项"),
            _c("amount", MONEY, True, "金额（万元）"),
            _SOURCE_REF,
            _NOTE,
            _SENTENCE,
        ),
        ("program_id", "project_id", "seq"),
        "项目支出的构成明细。",
    ),
    Sheet(
        "stated_figures",
        (
            *_OWNER,
            _c("seq", INT, True, "序号"),
            _c("region", TEXT, False, "地区"),
            _c("fund_source", TEXT, False, "资金来源"),
            _c("fund_year", INT, False, "投入年度"),
            _c("rating", RATING, False, "评级（评级个数时填写）", RATINGS),
            _c("metric", TEXT, True, "口径，如 项目投资总额、评级为优的项目数"),
            _c("value", NUMBER, True, "数值"),
            _c("unit", TEXT, True, "单位：万元、个、%"),
            _c("aggregate", CHOICE, True,
               "可由记录重算的方式；“分项合计”= 所属合计序号指向本行的各行之和；不可重算填“无”", AGGREGATES),
            _c("part_of", INT, False, "本行是同一项目（或资金/部门）下哪一行合计数的分项：填那一行的序号"),
            _c("text", TEXT, False, "原文"),
            _SOURCE_REF,
            _NOTE,
            _SENTENCE,
        ),
        ("program_id", "project_id", "seq"),
        "报告中写明的合计数、个数等，原样保存，核对时与明细重算值比较。",
    ),
)

SHEETS_BY_TABLE: dict[str, Sheet] = {s.table: s for s in SHEETS}
REQUIRED_SHEETS = ("sources", "programs")
# Load order: parents before children.
TABLE_ORDER = tuple(s.table for s in SHEETS)
