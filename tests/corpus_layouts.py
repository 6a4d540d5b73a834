"""The form corpus: published layouts, cell by cell (tests/test_forms_corpus.py reads them).

Each layout says where it comes from. "figures" are as transcribed in
/work/shared/samples/forms/ (the file named) unless a layout says they are illustrative; where
a transcription holds only part of a form (a funds table, the tail of the indicators), the rest
of the form is the official layout's (DOMAIN.md) with illustrative heading fields, said so in
``note``. Layouts described in issue 10 without the agency named are labelled so. ``printing``
says which kind each is: only 池州 is a whole published form here (tests/corpus_published.py holds
more); 宣州 ×2, 云南 ×2, 四川 铁路 and 雅安, 湖南 and 奉节 are partly real; 云南 in 元, the district,
county and two-project forms are illustrative.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from form_corpus import Sheet

L, U = "<", "^"
# how much of a layout is a real printing (``Layout.printing``):
PUBLISHED_FORM = "published"  # every cell as the agency printed it (what the page lost is in ``note``)
PARTLY = "partly"  # the transcribed table as printed; the rest the official layout's, in ``note``
ILLUSTRATIVE = "illustrative"  # a layout as described (issue 10, DOMAIN.md), figures made up


@dataclass
class Layout:
    key: str
    province: str
    origin: str
    sheets: list[Sheet]
    note: str = ""
    # expected records: table -> list of {column: value} (only the columns named are compared)
    expect: dict[str, list[dict]] = field(default_factory=dict)
    # headers left for the mapping step (blocking), as printed
    unmapped_headers: tuple[str, ...] = ()
    printing: str = ILLUSTRATIVE


def _ind(rows):
    return [{"level1": a, "level2": b, "level3": c, "target": d, "actual": e} | extra
            for a, b, c, d, e, extra in rows]


# ------------------------------------------------------------------ 安徽 池州 棠溪镇 (s02)
CHIZHOU_EXP = ("本项目共申请预算资金90万元。其中:30万元用于基建工程项目预算编制;30万元用于基建工程项目审计;"
               "30万元用于基建工程项目设计、规划、测绘。")
CHIZHOU_ACT = ("本项目共完成预算资金89.97万元。其中:30万元用于基建工程项目预算编制;30万元用于基建工程项目审计;"
               "29.99万元用于基建工程项目设计、规划、测绘。")
CHIZHOU = Layout(
    "anhui_chizhou_tangxi_2022", "安徽", "s02_chizhou_tangxi_2022_*.csv (池州市贵池区棠溪镇人民政府)",
    [Sheet("委托业务项目", [
        ["项目支出绩效自评表", L, L, L, L, L, L, L],
        ["（2022年度）", L, L, L, L, L, L, L],
        ["项目名称", "委托业务项目", L, L, L, L, L, L],
        ["主管部门", "219-池州市贵池区棠溪镇人民政府", L, L, "实施单位", "219001-池州市贵池区棠溪镇人民政府", L, L],
        ["项目资金（万元）", None, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        [U, "年度资金总额", 0, 0, 0, 10, 0, 0],
        [U, "其中:本年财政拨款", 90, 89.974, 89.974, None, None, None],
        [U, "上年结转资金", None, None, None, None, None, None],
        [U, "其他资金", None, None, None, None, None, None],
        ["年度总体目标", "预期目标", L, L, "实际完成情况", L, L, L],
        [U, CHIZHOU_EXP, L, L, CHIZHOU_ACT, L, L, L],
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
        ["产出指标(50分)", "数量指标", "基建工程委托业务项目数量", "≥50个", 50, 8, 8, None],
        [U, "质量指标", "委托业务报告合格率", "≥100百分比", 100, 8, 8, None],
        [U, U, "经费支出合规性", "严格执行相关制度规定", "达成预期指标", 8, 8, None],
        [U, "时效指标", "提交报告及时性", "在项目计划完成时间内完成", "达成预期指标", 8, 8, None],
        [U, "成本指标", "项目总成本", "≤90万元", 90, 8, 8, None],
        [U, U, "单项业务成本", "符合相关规定", "达成预期指标", 10, 10, None],
        ["效益指标(30分)", "社会效益指标", "对维护基建市场公平的影响程度", "效果明显", "达成预期指标", 10, 10, None],
        [U, "生态效益指标", "对控制基建项目成本影响程度", "效果明显", "达成预期指标", 10, 10, None],
        [U, "可持续影响指标", "对推动基建项目“四项制度”健全和落实的持续性影响", "效果明显", "达成预期指标", 10, 10,
         None],
        [U, "经济效益指标", None, None, None, None, None, None],
    ])],
    "transcription truncated at 满意度 (left out); the total row of the funds block reads all 0 as published",
    {"projects": [{"project_name": "委托业务项目", "budget_initial": 0.0, "budget": 0.0, "executed": 0.0,
                   "stated_execution_rate": 0.0, "appropriation": 89.974,
                   "implementing_unit": "219001-池州市贵池区棠溪镇人民政府",
                   "objective": CHIZHOU_EXP, "objective_actual": CHIZHOU_ACT}],
     "programs": [{"department": "219-池州市贵池区棠溪镇人民政府", "year": 2022}],
     "indicators": _ind([
         ("产出指标", "数量指标", "基建工程委托业务项目数量", "≥50个", "50", {"weight": 8.0, "stated_score": 8.0}),
         ("产出指标", "质量指标", "委托业务报告合格率", "≥100百分比", "100", {"weight": 8.0}),
         ("产出指标", "质量指标", "经费支出合规性", "严格执行相关制度规定", "达成预期指标", {}),
         ("产出指标", "时效指标", "提交报告及时性", "在项目计划完成时间内完成", "达成预期指标", {}),
         ("产出指标", "成本指标", "项目总成本", "≤90万元", "90", {}),
         ("产出指标", "成本指标", "单项业务成本", "符合相关规定", "达成预期指标", {"weight": 10.0}),
         ("效益指标", "社会效益指标", "对维护基建市场公平的影响程度", "效果明显", "达成预期指标", {}),
         ("效益指标", "生态效益指标", "对控制基建项目成本影响程度", "效果明显", "达成预期指标", {}),
         ("效益指标", "可持续影响指标", "对推动基建项目“四项制度”健全和落实的持续性影响", "效果明显",
          "达成预期指标", {"stated_score": 10.0})]),
     "score_parts": [{"part": "预算执行率", "weight": 10.0, "stated_score": 0.0},
                     {"part": "产出指标", "weight": 50.0}, {"part": "效益指标", "weight": 30.0}],
     "stated_figures": [{"metric": "当年财政拨款年初预算数", "value": 90.0},
                        {"metric": "当年财政拨款全年执行数", "value": 89.974}]},
    printing=PUBLISHED_FORM,
)

# ------------------------------------------------------------------ 安徽 宣城 宣州 化工园区 (s04)
XUANZHOU_CHEM = Layout(
    "anhui_xuanzhou_chempark_2023", "安徽", "s04_xuanzhou_chempark_2023_funding.csv (宣城市宣州区应急管理局)",
    [Sheet("化工园区", [
        ["转移支付绩效自评表（2023年度）", L, L, L, L],
        ["转移支付（项目）名称", "宣城高新化工园区重大安全风险防控项目", L, L, L],
        ["地方主管部门", "宣城市宣州区应急管理局", L, L, L],
        ["资金投入情况（万元）", None, "全年预算数", "全年执行数", "预算执行率"],
        [U, "年度资金总额", 5372.5833, 4772.58, "88.83%"],
        [U, "中央财政资金", 1800, 1200, "66.67%"],
        [U, "地方财政资金", 2192.58, 2192.58, "100%"],
        [U, "其他资金", 1380, 1380, "100%"],
    ])],
    "funds table as transcribed; title and labels are the official transfer layout's",
    # the region is the unit's own place (宣城市宣州区应急管理局 → 宣州区), issue 21
    {"programs": [{"program_name": "宣城高新化工园区重大安全风险防控项目", "year": 2023, "region": "宣州区",
                   "program_kind": "转移支付"}],
     "execution": [{"fund_source": "中央补助", "budget": 1800.0, "executed": 1200.0,
                    "stated_execution_rate": 0.6667},
                   {"fund_source": "地方资金", "budget": 2192.58, "executed": 2192.58, "stated_execution_rate": 1.0},
                   {"fund_source": "其他资金", "budget": 1380.0, "executed": 1380.0, "stated_execution_rate": 1.0}],
     "stated_figures": [{"metric": "年度资金总额（全年预算数）", "value": 5372.5833},
                        {"metric": "年度资金总额（全年执行数）", "value": 4772.58},
                        {"metric": "年度资金总额执行率", "value": 88.83}]},
    printing=PARTLY,
)

# ------------------------------------------------------------------ 安徽 宣城 宣州 干旱 (s08)
XUANZHOU_DROUGHT = Layout(
    "anhui_xuanzhou_drought_2022", "安徽", "s08_xuanzhou_drought_2022_funding.csv (宣城市宣州区应急管理局)",
    [Sheet("干旱", [
        ["中央对地方转移支付区域绩效自评表", L, L, L],
        ["（2022年度）", L, L, L],
        ["转移支付（项目）名称", "干旱灾害救灾补助", L, L],
        ["地方主管部门", "宣城市宣州区应急管理局", L, L],
        ["资金来源", "预算数", "全年执行数", "实际执行率"],
        ["中央自然灾害救灾资金（干旱灾害救灾补助）", 70, 70, "100%"],
    ])],
    "a single source row named by the fund itself, no total row",
    {"execution": [{"fund_source": "中央自然灾害救灾资金（干旱灾害救灾补助）", "budget": 70.0, "executed": 70.0,
                    "stated_execution_rate": 1.0}]},
    printing=PARTLY,
)

# ------------------------------------------------------------------ 云南 应急管理厅 (s05)
YUNNAN_2022 = Layout(
    "yunnan_emergency_2022", "云南", "s05_yunnan_emergency_*.csv (云南省应急管理厅, 2022)",
    [Sheet("2022", [
        ["中央对地方转移支付区域绩效自评表", L, L, L, L, L],
        ["（2022年度）", L, L, L, L, L],
        ["转移支付（项目）名称", "中央自然灾害救灾资金（森林草原航空消防租机补助经费）", L, L, L, L],
        ["地方主管部门", "云南省应急管理厅", L, L, L, L],
        ["资金来源", "预算/下达数", "执行数", "执行率", "到位率", None],
        ["合计", 10441, 9265.353442, "88.74%", "100%", None],
        ["中央转移支付资金", 8353, 7177.373442, None, None, None],
        ["省级配套资金", 2088, 2087.98, None, None, None],
        ["一级指标", "二级指标", "三级指标", "指标值", "实际完成值", "未完成原因和改进措施"],
        ["产出指标", "数量指标", "布防飞机数量", "≥6架", "6架", None],
        [U, U, "飞机飞行时长", "≥928小时", "909.93小时", None],
        [U, "质量指标", "实际完成飞行小时数/计划小时数", "≥80%", None, None],
    ])],
    "the third indicator's actual is truncated in the transcription (left empty); the deviation column is "
    "the official region layout's",
    {"programs": [{"region": "云南省", "year": 2022}],
     "execution": [{"fund_source": "中央补助", "budget": 8353.0, "executed": 7177.373442},
                   {"fund_source": "地方资金", "budget": 2088.0, "executed": 2087.98}],
     "allocations": [{"fund_source": "中央补助", "amount": 8353.0}, {"fund_source": "地方资金", "amount": 2088.0}],
     "stated_figures": [{"metric": "年度资金总额（全年预算数）", "value": 10441.0},
                        {"metric": "年度资金总额（全年执行数）", "value": 9265.353442},
                        {"metric": "年度资金总额执行率", "value": 88.74},
                        {"metric": "年度资金总额到位率", "value": 100.0}],
     "indicators": _ind([("产出指标", "数量指标", "布防飞机数量", "≥6架", "6架", {}),
                         ("产出指标", "数量指标", "飞机飞行时长", "≥928小时", "909.93小时", {}),
                         ("产出指标", "质量指标", "实际完成飞行小时数/计划小时数", "≥80%", None, {})])},
    printing=PARTLY,
)

YUNNAN_2024 = Layout(
    "yunnan_emergency_2024", "云南", "s05_yunnan_emergency_funding.csv (云南省应急管理厅, 2024)",
    [Sheet("2024", [
        ["中央对地方转移支付区域绩效自评表（2024年度）", L, L, L, L],
        ["资金名称", "中央自然灾害救灾资金（森林草原航空消防租机补助经费）", L, L, L],
        ["省级主管部门", "云南省应急管理厅", L, L, L],
        ["资金来源", "下达数", "执行数", "支出率", "到位率"],
        ["合计", 14856.17, 14474.11553, "97.43%", "100%"],
        ["财政部下达（中央）", 11682, 11300.10553, None, None],
        ["省级配套资金", 3174.17, 3174.01, None, None],
    ])],
    "funds only; 支出率 for 执行率, 财政部下达（中央） for 中央补助",
    {"execution": [{"fund_source": "中央补助", "budget": 11682.0, "executed": 11300.10553},
                   {"fund_source": "地方资金", "budget": 3174.17, "executed": 3174.01}],
     "stated_figures": [{"metric": "年度资金总额（全年预算数）", "value": 14856.17},
                        {"metric": "年度资金总额（全年执行数）", "value": 14474.11553},
                        {"metric": "年度资金总额执行率", "value": 97.43},
                        {"metric": "年度资金总额到位率", "value": 100.0}]},
    printing=PARTLY,
)

# ------------------------------------------------------------------ 云南: a form in 元 with 指标性质 codes (issue 10)
YUNNAN_YUAN = Layout(
    "yunnan_yuan_codes", "云南", "issue 10: 'a Yunnan form in 元 with 指标性质 codes (\"004 >=\")'",
    [Sheet("项目自评", [
        ["项目支出绩效自评表", L, L, L, L, L, L, L, L, L],
        ["（2023年度）", L, L, L, L, L, L, L, L, L],
        ["单位：元", L, L, L, L, L, L, L, L, L],
        ["项目名称", "森林草原防火能力提升", L, L, L, L, L, L, L, L],
        ["主管部门", "某州应急管理局", L, L, L, "实施单位", "某县应急管理局", L, L, L],
        ["项目资金", None, None, "年初预算数", "调整后预算数", "预算执行数", "权重", "预算执行率", "得分", None],
        [U, "年度资金总额", L, 1200000, 1250000, 1187500, 10, 0.95, 9.5, None],
        [U, "其中：本年财政拨款", L, 1200000, 1250000, 1187500, None, None, None, None],
        [U, "上年结转资金", L, None, None, None, None, None, None, None],
        [U, "其他资金", L, None, None, None, None, None, None, None],
        ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "完成值", "权重", "得分",
         "未完成原因及改进措施"],
        ["产出指标", "数量指标", "防火物资采购批次", "004 >=", "3", "批", "3", 20, 20, None],
        [U, "质量指标", "物资验收合格率", "001 =", 100, "%", 100, 15, 15, None],
        [U, "成本指标", "单批次采购成本", "005 <=", "40", "万元", "39.5", 15, 15, None],
        ["小计", L, L, L, L, L, L, 50, 50, None],
        ["效益指标", "社会效益指标", "森林火灾受害率", "005 <=", "0.9", "‰", "0.6", 30, 30, None],
        ["满意度指标", "服务对象满意度指标", "群众满意度", "004 >=", 0.9, "%", 0.88, 10, 9.78,
         "宣传覆盖不足，下一步加强宣传"],
        ["总分", L, L, L, L, L, L, 100, 94.28, None],
    ], {(7, 8): "0.00%", (17, 5): "0%", (17, 7): "0%"})],
    "layout as the issue describes it; figures illustrative (heading and indicators made up)",
    {"projects": [{"project_name": "森林草原防火能力提升", "budget_initial": 120.0, "budget": 125.0,
                   "executed": 118.75, "stated_execution_rate": 0.95, "stated_score": 94.28}],
     "indicators": _ind([
         ("产出指标", "数量指标", "防火物资采购批次", "≥3批", "3批", {"weight": 20.0, "stated_score": 20.0}),
         ("产出指标", "质量指标", "物资验收合格率", "=100%", "100%", {"weight": 15.0}),
         ("产出指标", "成本指标", "单批次采购成本", "≤40万元", "39.5万元", {"weight": 15.0}),
         ("效益指标", "社会效益指标", "森林火灾受害率", "≤0.9‰", "0.6‰", {"weight": 30.0}),
         ("满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "88%",
          {"weight": 10.0, "stated_score": 9.78, "deviation_reason": "宣传覆盖不足，下一步加强宣传"})]),
     "score_parts": [{"part": "预算执行率", "weight": 10.0, "stated_score": 9.5},
                     {"part": "产出指标", "weight": 50.0, "stated_score": 50.0}],
     "stated_figures": [{"metric": "当年财政拨款年初预算数", "value": 120.0},
                        {"metric": "当年财政拨款全年执行数", "value": 118.75},
                        {"metric": "指标分值合计", "value": 100.0}]},
    printing=ILLUSTRATIVE,
)

# ------------------------------------------------------------------ 四川 铁路沿线 (s11)
SICHUAN_RAILWAY = Layout(
    "sichuan_railway_2023", "四川", "s11_railway_safety_indicators.csv (部门预算项目支出绩效自评表, tail)",
    [Sheet("铁路沿线", [
        ["部门预算项目支出绩效自评表", L, L, L, L, L, L, L, L],
        ["（2023年度）", L, L, L, L, L, L, L, L],
        ["项目名称", "铁路沿线环境及安全整治", L, L, L, L, L, L, L],
        ["主管部门", "某区综合行政执法局", L, L, L, "实施单位", "某区综合行政执法局", L, L],
        ["项目资金（万元）", None, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分", None],
        [U, "年度资金总额", 15, 15, 15, 10, "100%", 10, None],
        [U, "其中：财政拨款", 15, 15, 15, None, None, None, None],
        ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "完成值", "权重", "得分"],
        ["产出指标", "时效指标", "安全警示标志设置及时率", "=", 100, "%", 100, 5, None],
        [U, "成本指标", "安全隐患排查成本预算", "=", 6, "万元", 6, 5, None],
        [U, U, "警示标志设置成本预算", "=", 5, "万元", 5, 5, None],
        [U, U, "清理垃圾成本预算", "=", 4, "万元", 4, 5, None],
        ["效益指标", "社会效益指标", "环境治理亮化美化率", "≥", 90, "%", 93, 10, None],
        [U, U, "安全隐患排查有效处置率", "≥", 90, "%", 91, 10, None],
        [U, "可持续影响指标", "铁路沿线环境及安全整治管理机制健全性", "定性", "优良中低差", None, "优", 10, None],
        ["满意度指标", "服务对象满意度指标", "群众满意度", "≥", 95, "%", 96, 10, None],
        ["合计", L, L, L, L, L, L, 100, None],
    ])],
    "indicator tail as transcribed (得分 blank as published); the 一级 of the first rows (not in the excerpt) "
    "is 产出指标 by the indicator tree, the first row's 二级 assumed 时效指标; heading and funds illustrative",
    {"indicators": _ind([
        ("产出指标", "时效指标", "安全警示标志设置及时率", "=100%", "100%", {"weight": 5.0}),
        ("产出指标", "成本指标", "安全隐患排查成本预算", "=6万元", "6万元", {"weight": 5.0}),
        ("产出指标", "成本指标", "警示标志设置成本预算", "=5万元", "5万元", {}),
        ("产出指标", "成本指标", "清理垃圾成本预算", "=4万元", "4万元", {}),
        ("效益指标", "社会效益指标", "环境治理亮化美化率", "≥90%", "93%", {"weight": 10.0}),
        ("效益指标", "社会效益指标", "安全隐患排查有效处置率", "≥90%", "91%", {}),
        ("效益指标", "可持续影响指标", "铁路沿线环境及安全整治管理机制健全性", "优良中低差", "优", {}),
        ("满意度指标", "服务对象满意度指标", "群众满意度", "≥95%", "96%", {"stated_score": None})]),
     "stated_figures": [{"metric": "当年财政拨款年初预算数", "value": 15.0},
                        {"metric": "当年财政拨款全年执行数", "value": 15.0},
                        {"metric": "指标分值合计", "value": 100.0}]},
    printing=PARTLY,
)

# ------------------------------------------------------------------ 四川 雅安 名山 林业 (s13)
YAAN = Layout(
    "sichuan_yaan_forestry_2024", "四川", "s13_yaan_forestry_2024_funding.csv (雅安市名山区林业局)",
    [Sheet("林业", [
        ["林业草原改革发展资金绩效评价表（2024年度）", L, L, L, L, L, L, L],
        ["转移支付（项目）名称", "林业草原改革发展资金", L, L, L, L, L, L],
        ["地方主管部门", "雅安市名山区林业局", L, L, L, L, L, L],
        ["资金来源", "全年预算数（A）", "统筹整合资金数（B）", "扣除统筹整合资金后预算金额（C）", "全年到位资金（D）",
         "预算到位（D/C×100%）", "全年执行资金（E）", "预算执行（E/C×100%）"],
        ["年度资金总额", "52.800000", None, "52.800000", "52.800000", "100.00%", "30.800000", "58.33%"],
        ["其中：中央财政资金", "52.800000", None, "52.800000", "52.800000", "100.00%", "30.800000", "58.33%"],
        ["地方财政资金", None, None, None, None, None, None, None],
        ["其他资金（自有资金、社会资本、以前年度结转结余资金等）", None, None, None, None, None, None, None],
    ])],
    "amounts stored as text with six decimals, as published",
    {"execution": [{"fund_source": "中央补助", "budget": 52.8, "executed": 30.8, "stated_execution_rate": 0.5833}],
     "programs": [{"region": "名山区", "year": 2024}],  # 雅安市名山区林业局 (issue 21)
     "stated_figures": [{"metric": "年度资金总额（全年预算数）", "value": 52.8},
                        {"metric": "年度资金总额（全年执行数）", "value": 30.8},
                        {"metric": "年度资金总额执行率", "value": 58.33},
                        {"metric": "中央补助扣除统筹整合资金后预算金额", "value": 52.8},
                        {"metric": "中央补助全年到位资金", "value": 52.8},
                        {"metric": "中央补助到位率", "value": 100.0}]},
    printing=PARTLY,
)

# ------------------------------------------------------------------ 湖南 安全生产专项资金 (s09)
HUNAN = Layout(
    "hunan_safety_fund_2022", "湖南", "s09_hunan_safety_fund_sample_execution.csv (湖南省应急管理厅)",
    [Sheet("抽查", [
        ["安全生产预防及应急专项资金绩效自评表（2022年度）", L, L, L, L, L, L],
        ["专项资金名称", "安全生产预防及应急专项资金", L, L, L, L, L],
        ["省级主管部门", "湖南省应急管理厅", L, L, L, L, L],
        ["资金来源", "评价金额", "到位资金", "到位率", "支出", "结余", "执行率"],
        ["合计", "9,653.00", "8,525.06", "88.32%", "5,995.28", "2,529.78", "70.33%"],
    ])],
    "the sampled execution (截止2023-04-10) as a funds table; its 执行率 is against 到位资金 (DOMAIN.md)",
    {"stated_figures": [{"metric": "年度资金总额（全年预算数）", "value": 9653.0},
                        {"metric": "年度资金总额（全年执行数）", "value": 5995.28},
                        {"metric": "年度资金总额执行率", "value": 70.33},
                        {"metric": "年度资金总额全年到位资金", "value": 8525.06},
                        {"metric": "年度资金总额到位率", "value": 88.32},
                        {"metric": "年度资金总额结余", "value": 2529.78}],
     "programs": [{"program_name": "安全生产预防及应急专项资金", "region": "湖南省"}]},
    printing=PARTLY,
)

# ------------------------------------------------------------------ issue 10: district form, 年初目标值
DISTRICT = Layout(
    "issue_district_target_2023", "（未注明）", "issue 10: 'a district form headed its target column 年初目标值'",
    [Sheet("Sheet1", [
        ["2023年度区级项目支出绩效自评表", L, L, L, L, L, L, L],
        ["项目名称", "老旧小区消防设施改造", L, L, L, L, L, L],
        ["主管部门", "某区应急管理局", L, L, "实施单位", "某区消防救援大队", L, L],
        ["项目资金（万元）", None, "年初预算数", "调整后预算数", "全年执行数", "分值", "执行率", "得分"],
        [U, "年度资金总额", 300, 320, 304, 10, 0.95, 9.5],
        [U, "其中：当年财政拨款", 300, 320, 304, None, None, None],
        ["一级指标", "二级指标", "三级指标", "年初目标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
        ["产出指标", "数量指标", "改造小区数", "≥11个", "11个", 20, 20, "-"],
        [U, U, "新增消防栓", "≥1亿", "/", 10, 10, "/"],
        [U, "质量指标", "验收合格率", 1, 1, 20, 20, None],
        ["效益指标", "社会效益指标", "火灾隐患整改率", "≥24亿", "24亿", 30, 28, "部分隐患整改中"],
        ["满意度指标", "服务对象满意度指标", "居民满意度", "≥90%", "91%", 10, 10, None],
        ["总分", L, L, L, L, 100, 97.5, None],
        ["自评等级", L, L, L, L, "优", L, L],
    ], {(5, 7): "0%", (10, 4): "0%", (10, 5): "0%"})],
    "layout as the issue describes it (agency not named); figures illustrative, with '1亿'/'24亿' targets, "
    "'/' and '-' cells and a 100% written as 1 in a % cell",
    {"projects": [{"project_name": "老旧小区消防设施改造", "budget": 320.0, "executed": 304.0,
                   "stated_score": 97.5, "stated_rating": "优"}],
     "indicators": _ind([("产出指标", "数量指标", "改造小区数", "≥11个", "11个", {"deviation_reason": "-"}),
                         ("产出指标", "数量指标", "新增消防栓", "≥1亿", "/", {"deviation_reason": "/"}),
                         ("产出指标", "质量指标", "验收合格率", "100%", "100%", {}),
                         ("效益指标", "社会效益指标", "火灾隐患整改率", "≥24亿", "24亿",
                          {"stated_score": 28.0, "deviation_reason": "部分隐患整改中"}),
                         ("满意度指标", "服务对象满意度指标", "居民满意度", "≥90%", "91%", {})])},
    printing=ILLUSTRATIVE,
)

# ------------------------------------------------------------------ issue 10: county transfer form
COUNTY = Layout(
    "issue_county_transfer_2023", "（未注明）",
    "issue 10: 'a county transfer form (专项资金名称, 全年预算数（A）/ 全年执行数（B）/ 执行率（B/A）, no 分值/得分)'",
    [Sheet("县级", [
        ["2023年度专项资金绩效自评表", L, L, L, L, L],
        ["专项资金名称", "自然灾害防治体系建设补助资金", L, L, L, L],
        ["县级主管部门", "某县应急管理局", L, "资金使用单位", "各乡镇", L],
        ["资金情况（万元）", None, "全年预算数（A）", "全年执行数（B）", "执行率（B/A）", None],
        [U, "中央补助", 500, 450, "90%", None],
        [U, "地方资金", 100, 100, "100%", None],
        [U, "合计", 600, 550, "91.67%", None],
        ["年度总体目标", "预期目标", L, "实际完成情况", L, L],
        [U, "完成应急避难场所建设3处", L, "完成3处", L, L],
        ["一级指标", "二级指标", "三级指标", "指标值", "实际完成值", "未完成原因及改进措施"],
        ["产出指标", "数量指标", "应急避难场所建设数量", "3处", "3处", None],
        ["满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "93%", None],
    ])],
    "layout as the issue describes it (agency not named); figures illustrative; 合计 last",
    {"execution": [{"fund_source": "中央补助", "budget": 500.0, "executed": 450.0, "stated_execution_rate": 0.9},
                   {"fund_source": "地方资金", "budget": 100.0, "executed": 100.0}],
     "programs": [{"program_name": "自然灾害防治体系建设补助资金", "department": "某县应急管理局",
                   "note": "资金使用单位：各乡镇", "objective": "完成应急避难场所建设3处"}],
     "stated_figures": [{"metric": "年度资金总额（全年预算数）", "value": 600.0},
                        {"metric": "年度资金总额（全年执行数）", "value": 550.0},
                        {"metric": "年度资金总额执行率", "value": 91.67}]},
    printing=ILLUSTRATIVE,
)

# ------------------------------------------------------------------ issue 10: two projects, Sheet2, 预算执行情况
def _two(name: str, title: str, budget: float, executed: float, rate: str) -> list[list]:
    return [
        [title, L, L, L, L, L, L],
        ["项目名称", name, L, L, L, L, L],
        ["主管部门", "某市水利局", L, "实施单位", "某市水利局", L, L],
        ["预算执行情况（万元）", None, "年初预算数", "全年预算数", "全年执行数", "执行率", None],
        [U, "预算执行情况", budget, budget, executed, rate, None],
        ["一级指标", "二级指标", "三级指标", "指标值", "实际完成值", "分值", "得分"],
        ["产出指标", "数量指标", f"{name}完成数", "≥1处", "1处", 90, 90],
        ["总分", L, L, L, L, 90, 90],
    ]


TWO = Layout(
    "issue_two_projects_2022", "（未注明）",
    "issue 10: 'a workbook with two projects, the second on a sheet named Sheet2 with the year inside its title "
    "and a 预算执行情况 block'",
    [Sheet("河道整治", _two("河道整治", "项目支出绩效自评表（2022年度）", 80, 76, "95%")),
     Sheet("Sheet2", _two("堤防加固", "2022年堤防加固项目绩效自评表", 50, 50, "100%"))],
    "figures illustrative",
    {"projects": [{"project_name": "河道整治", "budget": 80.0, "executed": 76.0, "stated_execution_rate": 0.95},
                  {"project_name": "堤防加固", "budget": 50.0, "executed": 50.0, "stated_execution_rate": 1.0}],
     "programs": [{"department": "某市水利局", "year": 2022}]},
    printing=ILLUSTRATIVE,
)

# ------------------------------------------------------------------ 重庆 奉节 (s12): targets only, 指标解释
FENGJIE = Layout(
    "chongqing_fengjie_2023", "重庆", "s12_fengjie_yjj_targets.csv (奉节县应急管理局 绩效目标审批表)",
    [Sheet("目标", [
        ["项目支出绩效自评表（2023年度）", L, L, L, L, L, L, L, L],
        ["项目名称", "安全生产宣传及举报奖励", L, L, L, L, L, L, L],
        ["主管部门", "奉节县应急管理局", L, L, L, L, L, L, L],
        ["项目资金（万元）", None, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分", None],
        [U, "年度资金总额", 100, 100, 100, 10, "100%", 10, None],
        ["一级指标", "二级指标", "三级指标", "指标值", "实际完成值", "分值", "得分", None, "指标解释"],
        ["预算执行(10分)", None, "年度预算执行率", "100%", "100%", "10分", 10, None,
         "项目总预算100 当年年度预算100 财政资金100 其它资金0; 科目2240109-应急管理"],
        ["成本指标(0-20)分", "经济成本指标", "0", "0.00%", "0.00%", 0, 0, None, "反映实施相关项目所产生的直接经济成本"],
        [U, "社会成本指标", "0", "0.00%", "0.00%", 0, 0, None, "反映实施相关项目对社会发展、公共福利等方面可能造成的负面影响"],
        ["产出指标(40-50)分", "数量指标", "12350安全生产举报奖励次数", "≥5次", "5次", 10, 10, 0, None],
    ])],
    "the published 绩效目标审批表's indicator rows (targets) set into a self-evaluation form: actuals, scores "
    "and the funds block illustrative. Its unlabelled column (one 0) is left for the mapping step",
    {"score_parts": [{"part": "预算执行率", "weight": 10.0, "stated_score": 10.0}],
     "indicators": _ind([
         ("成本指标", "经济成本指标", "0", "0.00%", "0.00%", {"note": "反映实施相关项目所产生的直接经济成本"}),
         ("成本指标", "社会成本指标", "0", "0.00%", "0.00%", {}),
         ("产出指标", "数量指标", "12350安全生产举报奖励次数", "≥5次", "5次", {"weight": 10.0})])},
    unmapped_headers=(), printing=PARTLY,
)

CORPUS = [CHIZHOU, XUANZHOU_CHEM, XUANZHOU_DROUGHT, YUNNAN_2022, YUNNAN_2024, YUNNAN_YUAN, SICHUAN_RAILWAY,
          YAAN, HUNAN, DISTRICT, COUNTY, TWO, FENGJIE]
