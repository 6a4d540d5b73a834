"""The official forms' layout, shared by the reader (lib/intake/forms.py) and the writer
(lib/outputs/forms.py): titles, the label vocabulary (folded keys), the derived ids, and the
deviation text's reason / improvement split. See lib/intake/forms.py for what the layouts are."""

from __future__ import annotations

import hashlib
import re
import unicodedata

PROJECT, DEPARTMENT, REGION = "project", "department", "region"
TITLES = {
    PROJECT: "项目支出绩效自评表",
    DEPARTMENT: "部门整体支出绩效自评表",
    REGION: "中央对地方转移支付区域绩效自评表",
}
# A form is a few hundred cells; only this corner of a sheet is read.
MAX_FORM_ROWS = 2000
MAX_FORM_COLS = 60
LEVEL1 = ("产出指标", "效益指标", "满意度指标", "成本指标")
# the 一级 a 二级 belongs to (DOMAIN.md "Indicator tree"), for a 一级 cell printing only its weight ("(50分)")
LEVEL1_OF = {"数量指标": "产出指标", "质量指标": "产出指标", "时效指标": "产出指标", "成本指标": "产出指标",
             "经济效益指标": "效益指标", "社会效益指标": "效益指标", "生态效益指标": "效益指标",
             "可持续影响指标": "效益指标", "服务对象满意度指标": "满意度指标", "满意度指标": "满意度指标",
             "经济成本指标": "成本指标", "社会成本指标": "成本指标", "生态环境成本指标": "成本指标"}

# ---------------------------------------------------------------- label vocabulary (folded keys)
L_PROJECT_NAME = ("项目名称", "项目全称")
L_DEPARTMENT = ("主管部门", "主管部门(单位)", "主管单位", "预算部门", "主管部门名称", "项目主管部门",
                "主管部门及编码")
L_IMPLEMENTER = ("实施单位", "项目实施单位", "资金使用单位", "实施单位名称", "项目执行单位", "执行单位",
                 "实施单位(盖章)", "项目单位")
# the finance bureau beside a transfer's 地方主管部门 (内蒙古: 地方财政部门, 市县财政部门)
L_FINANCE = ("财政部门", "地方财政部门", "同级财政部门")
L_DEPT_NAME = ("部门(单位)名称", "部门名称", "单位名称", "部门(单位)", "预算单位", "预算部门名称")
L_TRANSFER_NAME = ("转移支付(项目)名称", "转移支付名称", "转移支付项目名称", "转移(项目)名称", "资金名称",
                   "专项资金名称",
                   "资金项目", "资金项目名称", "项目名称")
L_LOCAL_DEPT = ("地方主管部门", "省级主管部门", "市级主管部门", "县级主管部门", "区级主管部门",
                "县(市、区)主管部门", "主管部门")
L_CENTRAL_DEPT = ("中央主管部门",)
L_REGION = ("填报地区", "地区", "所属地区", "省份", "区域", "省(自治区、直辖市)", "省(区、市)")
# the reporting unit, on a heading line of its own ("部门：…"); only its inline form is read
L_ISSUER = ("部门", "填报单位", "填报部门", "报送单位", "报告单位", "单位名称", "主管部门(盖章)",
            "单位(盖章)")
L_YEAR = ("年度", "预算年度", "评价年度", "所属年度", "自评年度")
L_RATING = ("自评等级", "评价等级", "自评结果", "绩效等级", "评价结果", "等级", "自评结果等级")
L_SCORE = ("自评得分", "总分", "总得分", "综合得分", "合计得分")
TOTAL_ROW = ("总分", "总计", "合计", "自评总分", "总得分", "综合得分", "合计得分")
SUBTOTAL = ("小计", "小计得分", "一级指标小计", "产出指标小计", "效益指标小计", "满意度指标小计",
            "成本指标小计")
L_OBJECTIVE = ("年度总体目标", "总体目标", "年度绩效目标", "绩效目标")
L_EXPECTED = ("预期目标", "年度预期目标", "年初设定目标", "年度目标", "项目年度目标")
L_ACHIEVED = ("实际完成情况", "目标实际完成情况", "实际完成", "完成情况", "全年实际完成情况",
              "年度总体目标完成情况综述", "年度目标完成情况", "年度总体目标完成情况", "总体目标完成情况",
              "具体完成情况")
# a text block inside a funds area (资金管理情况 | 分配科学性 | 情况说明 …): its head and its text columns
L_FUNDS_TEXT = ("资金管理情况", "资金使用管理情况", "资金管理")
L_FUNDS_TEXT_COLUMNS = ("情况说明", "存在问题和改进措施", "存在问题及改进措施", "问题和改进措施")
CLOSING = {
    "conclusion": ("评价结论", "自评结论", "总体评价", "综合评价", "评价结论及建议", "自评结论及建议"),
    "problems": ("存在问题", "存在的问题", "主要问题", "存在问题及原因", "存在的问题及原因", "问题及原因",
                 "偏差原因", "偏离绩效目标的原因", "存在问题及原因分析", "偏差原因分析",
                 # 湖北 (通城) 部门整体支出绩效自评表
                 "偏差大或目标未完成原因分析"),
    "improvement": ("改进措施", "下一步改进措施", "整改措施", "改进建议", "改进意见", "改进措施及建议",
                    "下一步工作措施", "改进措施及结果应用方案"),
    "note": ("备注", "说明", "其他需要说明的问题", "其他说明", "其他需要说明事项", "其他需要说明的事项"),
}
FUND_COLUMNS = {
    "budget_initial": ("年初预算数", "年初预算", "年初预算金额"),
    "budget": ("全年预算数", "调整后预算数", "全年预算", "调整后预算", "预算数", "全年预算金额",
               "预算/下达数", "下达数", "下达资金", "预算金额", "调整后全年预算数", "评价金额"),
    "executed": ("全年执行数", "预算执行数", "执行数", "全年执行", "实际执行数", "全年支出数", "实际支出数",
                 "全年执行资金", "执行金额", "支出数", "实际支出", "全年实际执行数", "支出"),
    "weight": ("分值", "权重"),
    "rate": ("执行率", "预算执行率", "资金执行率", "实际执行率", "支出率", "预算执行"),
    "score": ("得分",),
    # 四川 (雅安) transfer forms: 统筹整合 (B), the budget net of it (C), funds received (D), D/C
    "integrated": ("统筹整合资金数", "统筹整合资金"),
    "budget_net": ("扣除统筹整合资金后预算金额", "扣除统筹整合资金后预算数"),
    "received": ("全年到位资金", "到位资金", "到位数", "资金到位数"),
    "received_rate": ("预算到位", "到位率", "资金到位率"),
    "balance": ("结余", "结余资金", "结转结余"),
    # 四川 (青神): why the spending fell short, beside the amounts; stored with the execution part
    "reason": ("原因", "未执行原因", "执行偏差原因"),
    # 贵州: how the execution score is computed, beside it; stored with the execution part too
    "method": ("得分计算方法", "计算方法", "评分方法", "评分标准"),
}
FUND_COLUMN_NAMES = {"budget_initial": "年初预算数", "budget": "全年预算数", "executed": "全年执行数",
                     "integrated": "统筹整合资金数", "budget_net": "扣除统筹整合资金后预算金额",
                     "received": "全年到位资金", "balance": "结余"}
FUND_RATES = ("rate", "received_rate")
# funds rows: canonical name -> label variants
FUND_ROWS = {
    "年度资金总额": ("年度资金总额", "资金总额", "总额", "年度资金合计", "资金合计", "合计", "年度总额",
                 "总计", "年度资金总计", "预算执行情况", "资金来源合计", "部门整体支出总额",
                 "年度财政资金总额", "财政资金总额", "预算资金总额"),
    "当年财政拨款": ("当年财政拨款", "本年财政拨款", "财政拨款", "当年财政资金", "本年财政资金"),
    "上年结转资金": ("上年结转资金", "上年结转", "上年结转结余资金", "上年结余结转资金"),
    "其他资金": ("其他资金",),
    "中央补助": ("中央补助", "中央补助资金", "中央财政补助", "中央财政补助资金", "中央财政资金", "中央资金",
             "中央转移支付资金", "财政部下达(中央)", "中央财政"),
    "地方资金": ("地方资金", "地方财政资金", "地方配套资金", "地方配套", "地方财政投入", "地方投入资金",
             "省级配套资金", "省级资金", "市级配套资金", "县级配套资金", "省级财政资金"),
    "一般公共预算": ("一般公共预算", "一般公共预算资金", "一般公共预算拨款", "一般公共预算财政拨款"),
    "政府性基金预算": ("政府性基金", "政府性基金预算", "政府性基金预算资金", "政府性基金预算拨款"),
    "国有资本经营预算": ("国有资本经营预算", "国有资本经营预算资金", "国有资本经营预算拨款"),
    "财政专户管理资金": ("财政专户", "财政专户管理资金", "财政专户资金"),
    "单位资金": ("单位资金", "单位自有资金", "单位其他资金"),
    "基本支出": ("基本支出", "基本支出总额"),
    "项目支出": ("项目支出", "项目支出总额"),
}
REGION_SOURCES = ("中央补助", "地方资金", "其他资金")
INDICATOR_COLUMNS = {
    "level1": ("一级指标",),
    # a 目标表 with long-term and annual indicators side by side: the annual ones are the year's
    "level2": ("二级指标", "二级指标(年度)"),
    "level3": ("三级指标", "三级指标名称", "绩效指标名称", "指标内容", "三级指标(年度)"),
    "target": ("年度指标值", "指标值", "年度目标值", "目标值", "预期指标值", "绩效目标值", "年度绩效指标值",
               "全年指标值", "年初目标值", "预期值", "年度目标", "计划指标值", "年初指标值", "指标值(年度)",
               "年度目标指标值", "目标指标值", "预期指标值"),
    "target_op": ("指标性质", "指标值性质", "运算符", "指标方向"),
    "unit": ("度量单位", "计量单位", "单位", "指标单位"),
    "actual": ("实际完成值", "完成值", "实际值", "全年实际完成值", "年度实际完成值", "实际完成指标值",
               "全年完成值", "全年实际值", "实际完成数", "实际完成指标", "全年实际完成"),
    "weight": ("分值", "权重", "指标权重", "指标分值"),
    "score": ("得分", "自评得分", "指标得分"),
    "note": ("指标解释", "指标说明", "备注", "得分计算方法", "计算方法", "评分标准"),
}
# a template's indicator slot left unfilled: "指标2", "指标1：", "……" with nothing else on the row
UNFILLED = re.compile(r"^(?:指标\d{1,2}[:：]?|…+|\.{3,})$")
DEVIATION_PREFIXES = ("偏差原因", "未完成原因", "偏离原因")
_OPERATORS = {">=": "≥", "≥": "≥", "大于等于": "≥", "不低于": "≥", "不少于": "≥", "<=": "≤", "≤": "≤",
              "小于等于": "≤", "不高于": "≤", "不多于": "≤", "不超过": "≤", "=": "=", "等于": "=", ">": ">",
              "大于": ">", "高于": ">", "<": "<", "小于": "<", "低于": "<", "定性": "", "定量": "",
              # as some systems print them: ≧ ≦ (U+2267/2266) and a box-drawing ═ for "="
              "≧": "≥", "≦": "≤", "═": "="}
_NOT_APPLICABLE = ("/", "—", "-", "--", "——", "无", "不适用")
_RATINGS = {"优": "优", "优秀": "优", "良": "良", "良好": "良", "中": "中", "中等": "中", "一般": "中",
            "合格": "中", "差": "差", "较差": "差", "不合格": "差"}

_ALL_LABELS = frozenset(
    [*L_PROJECT_NAME, *L_DEPARTMENT, *L_IMPLEMENTER, *L_DEPT_NAME, *L_TRANSFER_NAME, *L_LOCAL_DEPT,
     *L_CENTRAL_DEPT, *L_REGION, *L_YEAR, *L_RATING, *L_SCORE, *L_OBJECTIVE, *L_EXPECTED, *L_ACHIEVED,
     "项目资金", "资金投入情况", "年度部门整体支出预算", "绩效指标", "按收入性质分", "按支出性质分",
     # 四川 (青神): the sections above the funds block, and the funds' row-label column
     "项目基本情况", "项目年度目标完成情况", "项目实施内容及过程概述", "年度预算数",
     *L_FINANCE, *L_FUNDS_TEXT, *L_FUNDS_TEXT_COLUMNS, "年度总体目标完成情况", "总体目标完成情况",
     "项目预算执行情况", "部门(单位)总体资金", "资金来源"]
    + [k for keys in CLOSING.values() for k in keys]
    + [k for keys in FUND_COLUMNS.values() for k in keys]
    + [k for keys in INDICATOR_COLUMNS.values() for k in keys])


def fold(value: object) -> str:
    """Width and whitespace folded (NFKC: （）→(), ：→:, full-width digits → digits)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))


def label_key(value: object, keep_weight: bool = False) -> str:
    """A label as compared: folded, without 其中：, a trailing colon, a numbering prefix, or a unit
    or marker in brackets such as (万元), (元), (A), (B/A).

    A weight in brackets is taken off too ("预算执行情况(万元)(20分)", "得分(20分*执行率)",
    "年度目标1：(80分)" → "年度目标", a goal's number with it) unless ``keep_weight``: the 一级指标
    reader wants "产出指标(50分)" whole, to keep the weight.
    """
    text = fold(value)
    text = re.sub(r"^其中[:,、]?", "", text)
    text = re.sub(r"^(?:[一二三四五六七八九十]+、|\d{1,2}[、.](?!\d))", "", text)
    text = re.sub(r"\((?:万元|元|%|分|个|[A-Z0-9/÷×*+\-%]+)\)", "", text, flags=re.I)
    if not keep_weight:
        text = re.sub(r"\(\d+(?:\.\d+)?分(?:\*[^()]*)?\)", "", text).rstrip(":")
        text = re.sub(r"(目标)\d{1,2}$", r"\1", text)
    return text.rstrip(":")


# the level a label may name before its kernel: 自治区主管部门, 市县财政部门, 盟市主管部门 …
_LEVEL_PREFIX = re.compile(r"^(?:自治区|省级?|市县级?|市级|县级|区级|盟市|旗县|县市区|市州|地方|本级|同级"
                           r"|市|县|区)")


def label_in(key: str, wanted) -> bool:
    """Whether a label (folded by label_key) is one of ``wanted``: as it is, by its kernel after a
    level prefix ("自治区主管部门" → 主管部门), or as one part of "项目实施单位/项目负责人"."""
    if key in wanted:
        return True
    kernel = _LEVEL_PREFIX.sub("", key)
    if kernel != key and kernel in wanted:
        return True
    return "/" in key and any(label_in(part, wanted) for part in key.split("/") if part)


def weight_in(value: object) -> float | None:
    """The weight a label carries in brackets: "预算执行情况（万元）（20分）" → 20."""
    m = re.search(r"\((\d+(?:\.\d+)?)分\)", fold(value))
    return float(m[1]) if m else None


def _short_hash(text: str) -> str:
    return hashlib.sha1(fold(text).encode("utf-8")).hexdigest()[:6]


# What program_id_for and source_id_for derive: ZP<year>-<hash> for a department's budget,
# ZT<year>-<hash> for a transfer program, "-F" after either for its source.
_DERIVED_ID = re.compile(r"Z([PT])\d{4}-[0-9a-f]{6}(-F)?")


def is_department_program_id(record_id: str) -> bool:
    """Whether the id is one the forms derived for a department's budget (not a source's)."""
    m = _DERIVED_ID.fullmatch(record_id)
    return bool(m) and m[1] == "P" and not m[2]


def program_id_for(kind: str, year: int, department: str, name: str = "", region: str = "") -> str:
    """The derived program id (see the module docstring)."""
    if kind == REGION:
        return f"ZT{year}-{_short_hash(f'{region}|{name}')}"
    return f"ZP{year}-{_short_hash(department)}"


def project_id_for(program_id: str, project_name: str) -> str:
    return f"{program_id}-{_short_hash(project_name)}"


def source_id_for(program_id: str) -> str:
    return f"{program_id}-F"


def split_deviation(text: str | None) -> tuple[str | None, str | None]:
    """"原因…\n改进措施：…" → (reason, improvement); text without the marker is all reason."""
    if not text:
        return None, None
    m = re.search(r"(?:^|\n|(?<=[。；;]))\s*改进措施[:：]", text)
    if not m:
        return text.strip() or None, None
    reason = re.sub(r"^\s*偏差原因(?:分析)?[:：]", "", text[:m.start()]).strip() or None
    return reason, text[m.end():].strip() or None


def join_deviation(reason: str | None, improvement: str | None) -> str | None:
    if reason and improvement:
        return f"{reason}\n改进措施：{improvement}"
    if improvement:
        return f"改进措施：{improvement}"
    return reason



# ---------------------------------------------------------------- the place a unit's name begins with
# "临沧市临翔区林业和草原局" → 临翔区: a name is one to four characters that are not themselves a
# level's suffix, then the level (自治区 before 区); 乡 before 村 is 乡村, not a township; "各县（区）"
# is no place.
_PLACE = re.compile(r"((?![各本该])[^省市县区旗镇乡盟()/、,;:]{1,4}"
                    r"(?:特别行政区|自治区|自治州|自治县|自治旗|新区|地区|街道|省|市|州|盟|县|区|旗|镇|乡(?!村)))")
# words that end like a place but are none: as a whole ("城市管理局"), or as an ending ("XX园区")
_NOT_PLACE = ("城市", "都市", "山区", "库区", "牧区", "垦区", "乡镇", "村镇", "城镇", "集镇", "城乡", "市州",
              "省市", "区县", "县区", "县市", "全省", "全市", "全县", "全区", "全旗", "全镇", "全乡")
_NOT_PLACE_END = ("社区", "园区", "景区", "校区", "小区", "辖区", "片区", "街区", "城乡")
_PROVINCE = ("省", "自治区", "特别行政区")
_PREFECTURE = ("市", "州", "盟", "地区", "自治州")
_COUNTY = ("县", "区", "旗", "新区", "自治县", "自治旗")


def place_of(unit: object) -> str | None:
    """The place a unit's name begins with, as specific as the name gives it, province and
    prefecture dropped before a county: "巴彦淖尔市临河区财政局" → 临河区, "绥阳县太白镇人民政府" →
    绥阳县太白镇, "314002-成安县民政局机关" → 成安县, "云南省应急管理厅" → 云南省; None when the name
    begins with no place ("县农业农村局")."""
    if unit is None:
        return None
    text = re.sub(r"^[\[【(]?\d+[\]】)]?[-_.、:]?", "", fold(unit))  # a unit code before the name: "[155]"
    tokens: list[str] = []
    pos = 0
    while True:
        m = _PLACE.match(text, pos)
        if m is None or m[1] in _NOT_PLACE or m[1].endswith(_NOT_PLACE_END):
            break
        tokens.append(m[1])
        pos = m.end()
    if not tokens:
        return None

    def level(token: str, before: str | None) -> str:
        if token.endswith(_PROVINCE):
            return "province"
        if token.endswith(_COUNTY) or token.endswith("市") and before in ("prefecture", "county"):
            return "county"  # 县级市 after its prefecture
        if token.endswith(_PREFECTURE):
            return "prefecture"
        return "town"

    levels: list[str] = []
    for token in tokens:
        levels.append(level(token, levels[-1] if levels else None))
    keep = [t for i, t in enumerate(tokens)
            if not (i + 1 < len(tokens) and (levels[i] == "province"
                                             or levels[i] == "prefecture" and levels[i + 1] == "county"))]
    return "".join(keep)
