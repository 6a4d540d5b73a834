"""More of the form corpus: forms as their agencies published them on the web, cell by cell.

Every layout here is a real published form, transcribed from the page named in its ``origin``
(address and title): the labels, the merged blocks and the values as printed, inconsistencies
included (a weight total that is not 100, a goal written as a bare amount, template rows left
unfilled). Where the web page lost part of the form (a cut tail, a blank that may be a merged
cell), ``note`` says what was assumed. A personal telephone number is left out.
"""

from __future__ import annotations

from corpus_layouts import PARTLY, PUBLISHED_FORM, Layout, _ind
from form_corpus import Sheet

L, U = "<", "^"

# ------------------------------------------------------------------ 河北 廊坊 食品工程学校 (2019)
_LANGFANG_DEVIATION = "已完工,剩余3%尾款未付,且最高限价低于预算金额。提高预算准确度。"


def _unfilled(width: int, *lead) -> list[list]:
    """The template's "指标2" / "……" rows a form leaves empty under each 二级."""
    return [[*lead, "指标2", *[None] * (width - len(lead) - 1)],
            [*[U] * len(lead), "……", *[None] * (width - len(lead) - 1)]]


HEBEI_LANGFANG = Layout(
    "hebei_langfang_food_school_2019", "河北",
    "http://www.lfsp.cn/newsinfo/1158053.html '办公宿舍楼、食堂及餐厅暖通改造经费 绩效自评表(修改)' "
    "(廊坊市食品工程学校, 附件1 项目支出绩效自评表 2019年度)",
    [Sheet("暖通改造", [
        ["项目支出绩效自评表", L, L, L, L, L, L, L],
        ["（2019年度）", L, L, L, L, L, L, L],
        ["项目名称", "办公宿舍楼、食堂及餐厅暖通改造经费", L, L, L, L, L, L],
        ["主管部门", "廊坊市发改委", L, L, "实施单位", "廊坊市食品工程学校", L, L],
        ["项目资金\n（万元）", None, "年初\n预算数", "全年\n预算数", "全年\n执行数", "分值", "执行率", "得分"],
        [U, "年度资金总额", 43.2, 43.2, 37.24, 10, "86%", 9],
        [U, "其中：当年财政拨款", 43.2, 43.2, 37.24, None, None, None],
        [U, "上年结转资金", None, None, None, None, None, None],
        [U, "其他资金", None, None, None, None, None, None],
        ["年度总体目标", "预期目标", L, L, "实际完成情况", L, L, L],
        [U, 43.2, L, L, 37.24, L, L, L],
        ["一级指标", "二级指标", "三级指标", "年度\n指标值", "实际\n完成值", "分值", "得分", "偏差原因分析及改进措施"],
        ["产出指标", "数量指标", "指标1工程资金金额", 43.2, 37.24, 10, 9, _LANGFANG_DEVIATION],
        *_unfilled(8, U, U),
        [U, "质量指标", "指标1工程完工率", 100, 100, 10, 10, None],
        [U, U, "指标2工程验收合格率", 100, 100, 10, 10, None],
        [U, U, "……", None, None, None, None, None],
        [U, "时效指标", "指标1项目完成及时率", 100, 100, 10, 10, None],
        *_unfilled(8, U, U),
        [U, "成本指标", "指标1成本控制率", 100, 100, 10, 10, None],
        *_unfilled(8, U, U),
        ["效益指标", "经济效益指标", "指标1安全率", 100, 100, 10, 10, 0],
        *_unfilled(8, U, U),
        [U, "社会效益指标", "指标1学校发展能力", 100, 100, 10, 10, 0],
        *_unfilled(8, U, U),
        [U, "生态效益指标", "指标1", None, None, None, None, None],
        *_unfilled(8, U, U),
        ["效益指标", "可持续影响指标", "指标1长期使用性", 100, 100, 10, 10, None],
        *_unfilled(8, U, U),
        ["满意度指标", "服务对象满意度指标", "指标1学生满意度", 100, 100, 10, 10, 0],
        [U, U, "指标2", None, None, None, None, None],
    ])],
    "the page ends at the last 指标2 (the 总分 row is not on it); its goal cells hold the two amounts, "
    "as printed; 效益指标 is printed a second time above 可持续影响指标 (a page break), kept",
    {"projects": [{"project_name": "办公宿舍楼、食堂及餐厅暖通改造经费", "budget_initial": 43.2, "budget": 43.2,
                   "executed": 37.24, "stated_execution_rate": 0.86, "implementing_unit": "廊坊市食品工程学校",
                   "objective": "43.2", "objective_actual": "37.24"}],
     "programs": [{"department": "廊坊市发改委", "year": 2019}],
     "score_parts": [{"part": "预算执行率", "weight": 10.0, "stated_score": 9.0}],
     "indicators": _ind([
         ("产出指标", "数量指标", "指标1工程资金金额", "43.2", "37.24",
          {"weight": 10.0, "stated_score": 9.0, "deviation_reason": _LANGFANG_DEVIATION, "improvement": None}),
         ("产出指标", "质量指标", "指标1工程完工率", "100", "100", {"weight": 10.0}),
         ("产出指标", "质量指标", "指标2工程验收合格率", "100", "100", {}),
         ("产出指标", "时效指标", "指标1项目完成及时率", "100", "100", {}),
         ("产出指标", "成本指标", "指标1成本控制率", "100", "100", {}),
         ("效益指标", "经济效益指标", "指标1安全率", "100", "100", {"deviation_reason": "0"}),
         ("效益指标", "社会效益指标", "指标1学校发展能力", "100", "100", {}),
         ("效益指标", "可持续影响指标", "指标1长期使用性", "100", "100", {"deviation_reason": None}),
         ("满意度指标", "服务对象满意度指标", "指标1学生满意度", "100", "100", {"stated_score": 10.0})])},
    printing=PUBLISHED_FORM,
)

# ------------------------------------------------------------------ 湖北 武汉 青山区教育局 (2020 目标表)
HUBEI_QINGSHAN_RURAL = Layout(
    "hubei_qingshan_rural_schools_2020", "湖北",
    "https://www.qingshan.gov.cn/qzfbm/zfgzbm/jyj/czxx/zxzj/ywjygz/202101/t20210105_1589009.shtml "
    "'绩效目标表' (武汉市青山区教育局, 2021-01-05, 2020年度)",
    [Sheet("绩效目标表", [
        ["绩效目标表", L, L, L, L],
        ["（2020年度）", L, L, L, L],
        ["项目名称", "农村义务教育薄弱学校改造补助资金", L, L, L],
        ["项目主管部门", "青山区教育局", "项目执行单位", "化工区学校", L],
        ["资金情况\n（万元）", "年度资金总额：", L, 16, L],
        [U, "其中：上级资金", L, 16, L],
        ["总体目标", "年度目标", L, L, L],
        [U, "全面改善农村义务教育薄弱学校办学条件，扩大基础教育资源，进一步提高义务教育均衡发展水平。", L, L, L],
        ["绩效指标", "一级指标", "二级指标", "指标内容", "指标值"],
        [U, "产出指标", "数量指标", "农村义务教育学校改造覆盖率", "100%"],
        [U, U, "质量指标", "校舍维修改造质量合格率", "100%"],
        [U, U, U, "购置设施设备质量合格率", "100%"],
        [U, U, "时效指标", "预算资金当年下达率", "100%"],
        [U, U, U, "项目按计划完成率", "100%"],
        [U, U, "成本指标", "建设项目成本控制率", "100%"],
        [U, "效益指标", "可持续影响指标", "义务教育优质均衡发展情况", "稳步提高"],
        [U, U, "社会公众或服务对象满意度指标", "学生家长满意度", "≥90%"],
        [U, U, U, "学校满意度", "≥90%"],
    ])],
    "a targets-only form (no actuals, scores or spending): read whole, then refused as not a self-evaluation "
    "(a project's 全年执行数 is required in the store); the page runs each row's cells together, so which cells "
    "are merged is the official 目标表's",
    printing=PUBLISHED_FORM,
)

HUBEI_QINGSHAN_BUILDING = Layout(
    "hubei_qingshan_school_building_2020", "湖北",
    "http://www.qingshan.gov.cn/qzfbm/zfgzbm/jyj/czxx/zjxx/202001/t20200120_1016313.shtml "
    "'项目支出绩效目标表3' (武汉市青山区教育局, 2020-01-20, 2020年度)",
    [Sheet("目标表3", [
        ["项目支出绩效目标表", L, L, L, L, L, L],
        ["（2020年度）", L, L, L, L, L, L],
        ["项目名称", "教育系统基础设施建设和设备购置", L, L, L, L, L],
        ["主管部门\n及编码", "[015001]武汉市青山区教育局", L, L, "实施单位", "武汉市青山区教育局", L],
        ["项目属性", "基础建设、修缮类", L, L, "项目起止时间", "202001-202012", L],
        ["项目资金", "资金总额", "10000万元", L, "当年资金总额：", "10000万元", L],
        [U, "其中：财政拨款", "10000万元", L, "其中：当年财政拨款", "10000万元", L],
        [U, "其他资金", None, L, "当年其他资金", None, L],
        ["总体目标", "中期目标", L, L, "年度目标", L, L],
        [U, "优化教育布局，推进教育领域综合改革全面提升育人质量实现基础教育持续发展", L, L,
         "按工作计划完成教育局重点项目建设经费预算安排", L, L],
        ["绩效项目指标表", L, L, L, L, L, L],
        ["一级指标", "二级指标（长期）", "三级指标（长期）", "指标值（长期）", "二级指标（年度）", "三级指标（年度）",
         "指标值（年度）"],
        ["产出指标", "数量指标", None, None, "数量指标", "重点建设工程安排数量", 2],
        ["产出指标", "质量指标", None, None, "质量指标", "重点建设工程验收合格率", "100%"],
        ["产出指标", "成本指标", None, None, "成本指标", "建设项目成本", "参照政府采购成本控制"],
        ["产出指标", "时效指标", None, None, "时效指标", "重点建设工程按期完成率", "100%"],
        ["效益指标", "可持续影响指标", None, None, "可持续影响指标", "基础教育巩固提高情况", "巩固提高"],
        ["效益指标", "社会效益指标", None, None, "社会效益指标", "基础教育学校办学条件", "持续改善"],
        ["满意度指标", "服务对象满意度指标", None, None, "服务对象满意度指标", "学生、家长、社会满意度", "≥90%"],
    ])],
    "a targets-only form with long-term and annual indicators side by side (the long-term 三级 and 指标值 left "
    "empty) and funds as two label / amount pairs a row: refused as not a self-evaluation; the page runs the "
    "cells one a line, so the merges are the official 目标表's",
    printing=PUBLISHED_FORM,
)

# ------------------------------------------------------------------ 云南 临沧 永德县明朗中学 (2022, 元)
YUNNAN_YONGDE = Layout(
    "yunnan_yongde_nutrition_2022", "云南",
    "https://www.yongde.gov.cn/info/3003/116104.htm '2022年度项目支出绩效自评表' (临沧市永德县明朗中学, 公开14表)",
    [Sheet("公开14表", [
        ["2022年度项目支出绩效自评表", L, L, L, L, L, L, L, L, L, L],
        ["部门：临沧市永德县明朗中学", L, L, L, L, L, L, L, "公开14表", L, L],
        ["项目名称", "义务教育营养改善计划专项资金", L, L, L, L, L, L, L, L, L],
        ["主管部门", "永德县教育体育局", L, L, L, "实施单位", "永德县明朗中学", L, L, L, L],
        ["项目资金\n（元）", None, None, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分", None, None],
        [U, "年度资金总额", L, None, 387664.62, 387664.62, 10, "100%", 10, None, None],
        [U, "其中：当年财政\n拨款", L, None, 387664.62, 387664.62, "—", "—", "—", None, None],
        [U, "上年结转\n资金", L, None, None, None, "—", "—", "—", None, None],
        [U, "其他资金", L, "—", "—", "—", "—", "—", "—", None, None],
        ["年度\n总体\n目标", "预期目标", L, L, L, "实际完成情况", L, L, L, L, L],
        [U, "确保每一个学生都能享受到国家政策福利，改善学生体质", L, L, L,
         "确保每一个学生都能享受到国家政策福利，改善学生体质", L, L, L, L, L],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", L, L, "实际完成值", "分值", "得分",
         "偏差原因分析及改进措施"],
        [U, U, U, U, "指标性质", "指标值", "度量单位", U, U, U, U],
        [U, "产出指标", "数量指标", "学生受资助人数", "≧", 735, "人次", 735, 10, 10, None],
        [U, U, "质量指标", "营养改善计划覆盖率", "≧", 100, "%", "100%", 10, 10, None],
        [U, U, "时效指标", "资金到位及时率", "≧", 100, "%", "100%", 10, 7, None],
        [U, U, "成本指标", "生均补助标准达标率", "═", 100, "%", "100%", 10, 10, None],
        [U, "效益指标", "经济效益\n指标", "减轻贫困学生家庭经济负担", None, "有效", None, "有效", 10, 10, None],
        [U, U, "社会效益\n指标", "政策知晓率", "═", 100, "%", "98%", 10, 9, None],
        [U, U, "生态效益\n指标", None, None, None, None, None, None, None, None],
        [U, U, "可持续影响\n指标", "促进学校教育事业健康发展", "≧", 100, "%", "100%", 10, 10, None],
        [U, "满意度指标", "服务对象满意度指标等", "学生满意度", "≧", 95, "%", "100%", 10, 10, None],
        [U, U, U, "家长满意度", "≧", 95, "%", "100%", 10, 10, None],
        ["其他需要说明事项", "无", L, L, L, L, L, L, L, L, L],
        ["总分", L, L, L, L, L, L, L, 100, 96, "优"],
    ])],
    "money in 元; ≧ and ═ as the 指标性质 signs, as printed. The page gives two amounts for 年度资金总额 under "
    "three columns: read as 全年预算数 and 全年执行数 with 年初预算数 blank; the 偏差原因 column is empty on "
    "every indicator row, and the total row's last cell holds the rating",
    {"projects": [{"project_name": "义务教育营养改善计划专项资金", "budget": 38.766462, "executed": 38.766462,
                   "stated_execution_rate": 1.0, "stated_score": 96.0, "stated_rating": "优",
                   "implementing_unit": "永德县明朗中学",
                   "objective": "确保每一个学生都能享受到国家政策福利，改善学生体质"}],
     "programs": [{"department": "永德县教育体育局", "year": 2022}],
     "indicators": _ind([
         ("产出指标", "数量指标", "学生受资助人数", "≥735人次", "735人次", {"weight": 10.0, "stated_score": 10.0}),
         ("产出指标", "质量指标", "营养改善计划覆盖率", "≥100%", "100%", {}),
         ("产出指标", "时效指标", "资金到位及时率", "≥100%", "100%", {"stated_score": 7.0}),
         ("产出指标", "成本指标", "生均补助标准达标率", "=100%", "100%", {}),
         ("效益指标", "经济效益指标", "减轻贫困学生家庭经济负担", "有效", "有效", {}),
         ("效益指标", "社会效益指标", "政策知晓率", "=100%", "98%", {"stated_score": 9.0}),
         ("效益指标", "可持续影响指标", "促进学校教育事业健康发展", "≥100%", "100%", {}),
         ("满意度指标", "服务对象满意度指标等", "学生满意度", "≥95%", "100%", {}),
         ("满意度指标", "服务对象满意度指标等", "家长满意度", "≥95%", "100%", {})]),
     "score_parts": [{"part": "预算执行率", "weight": 10.0, "stated_score": 10.0}]},
    printing=PUBLISHED_FORM,
)

# ------------------------------------------------------------------ 四川 德阳 中江县水利局 (2022 衔接资金)
SICHUAN_ZHONGJIANG = Layout(
    "sichuan_zhongjiang_water_2022", "四川",
    "https://chacewang.com/newsdetail/news242266.html (中江县水利局 2022-12-30, 附件 '2022年财政衔接资金实施项目"
    "绩效自评表': 绩效目标自评表 2022年度)",
    [Sheet("水标尺", [
        ["绩效目标自评表", L, L, L, L, L, L, L],
        ["（2022年度）", L, L, L, L, L, L, L],
        ["项目名称", "中江县农业水价综合改革精准补贴和节水奖励项目小型水库水标尺制作安装", L, L, L,
         "项目负责人及电话", "谢凯", L],
        ["主管部门", "中江县水利局", L, L, L, "实施单位", "中江县水利局", L],
        ["资金情况\n（万元）", None, None, "全年预算数（A）", "全年执行数（B）", "分值", "执行率（B/A）", "得分"],
        [U, "年度资金总额：", L, 20, 20, 10, "100.00%", 10],
        [U, "其中：本年财政拨款", L, 20, 20, None, None, None],
        [U, "其他资金", L, None, None, None, None, None],
        ["年度总体目标", "年初设定目标", L, L, "年度总体目标完成情况综述", L, L, L],
        [U, "对农村地区供水计量设施设备进行改进，对项目区农业用水计量，为项目区农业生产夯实基础，", L, L,
         "对项目区农业用水计量，为项目区农业生产夯实基础，", L, L, L],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "分值", "年度指标值", "全年实际值", "得分"],
        [U, "产出指标（70分）", "数量指标", "安装坡面水标尺", 10, "≥266米", "≥266米", 10],
        [U, U, U, "水标尺宽度", 10, "≥50厘米", "≥50厘米", 10],
        [U, U, "质量指标", "项目（工程）验收合格率", 20, "100%", "100%", 20],
        [U, U, "时效指标", "及时（按期）开工率", 10, "≥90%", "≥90%", 10],
        [U, U, U, "及时（按期）完工率", 10, "≥90%", "≥90%", 10],
        [U, U, "成本指标", "项目计划总投资", 10, "20万元", "20万元", 10],
        [U, "效益指标（20分）", "经济效益指标", None, None, None, None, None],
        [U, U, "社会效益指标", "受益脱贫（含监测对象）户人口数", 10, "≥1000人", "≥1000人", 10],
        [U, U, U, "群众生产生活条件改善状况", 10, "显著提升", "显著提升", 10],
        [U, "满意度指标（10分）", "服务对象满意度指标", "受益脱贫（含监测对象）户满意度", 10, "≥95%", "≥95%", 10],
        [U, U, U, "……", None, None, None, None],
        ["总分", L, L, L, 100, None, None, 100],
    ])],
    "the 项目负责人 telephone number is left out; the 未完成原因及拟采取的改进措施 column is empty on the page "
    "(left out), as is the footnote 注 below the table; the parts as printed (70 + 20 + 10 and 10 for "
    "spending) add to 110 against a 总分 of 100",
    {"projects": [{"project_name": "中江县农业水价综合改革精准补贴和节水奖励项目小型水库水标尺制作安装",
                   "budget": 20.0, "executed": 20.0, "stated_execution_rate": 1.0, "stated_score": 100.0,
                   "implementing_unit": "中江县水利局",
                   "objective": "对农村地区供水计量设施设备进行改进，对项目区农业用水计量，为项目区农业生产夯实基础，",
                   "objective_actual": "对项目区农业用水计量，为项目区农业生产夯实基础，"}],
     "programs": [{"department": "中江县水利局", "year": 2022}],
     "score_parts": [{"part": "预算执行率", "weight": 10.0, "stated_score": 10.0},
                     {"part": "产出指标", "weight": 70.0}, {"part": "效益指标", "weight": 20.0},
                     {"part": "满意度指标", "weight": 10.0}],
     "indicators": _ind([
         ("产出指标", "数量指标", "安装坡面水标尺", "≥266米", "≥266米", {"weight": 10.0, "stated_score": 10.0}),
         ("产出指标", "数量指标", "水标尺宽度", "≥50厘米", "≥50厘米", {}),
         ("产出指标", "质量指标", "项目（工程）验收合格率", "100%", "100%", {"weight": 20.0, "stated_score": 20.0}),
         ("产出指标", "时效指标", "及时（按期）开工率", "≥90%", "≥90%", {}),
         ("产出指标", "时效指标", "及时（按期）完工率", "≥90%", "≥90%", {}),
         ("产出指标", "成本指标", "项目计划总投资", "20万元", "20万元", {}),
         ("效益指标", "社会效益指标", "受益脱贫（含监测对象）户人口数", "≥1000人", "≥1000人", {}),
         ("效益指标", "社会效益指标", "群众生产生活条件改善状况", "显著提升", "显著提升", {}),
         ("满意度指标", "服务对象满意度指标", "受益脱贫（含监测对象）户满意度", "≥95%", "≥95%", {})])},
    printing=PUBLISHED_FORM,
)

# ------------------------------------------------------------------ 四川 眉山 青神县发展和改革局 (2023)
_QS_GOAL = "严格执行相关政策，保障工资及时、足额发放或社保及时、足额缴纳，预算编制科学合理，减少结余资金。"
_QS_DONE = "对照年度目标，说明相关任务目标的完成情况（100字以内）"
_QS_WHY = ("1.预算执行率=预算执行数/调整后预算数，预算执行率未达到90%的需说明原因（100字以内）；2.年中发生预算调整的"
           "（追加或调减），应单独说明理由；3.其他资金包括：社会投入资金、银行贷款.")
_QS_CONCLUSION = "结合自评情况，说明项目自评总分，说明项目实施取得的成效或成果。（200字以内）"
_QS_PROBLEMS = "结合自评情况，分析存在的问题及原因。（200字以内）"
_QS_IMPROVE = "针对项目自评中发现的问题，提出下一步改进完善的意见及有关政策性建议。（200字以内）"
SICHUAN_QINGSHEN = Layout(
    "sichuan_qingshen_wages_2023", "四川",
    "https://www.scqs.gov.cn/info/13206/211004.htm '部门预算项目支出绩效自评表(2023年度)' "
    "(青神县发展和改革局, 报表编号 510000_0013zp)",
    [Sheet("工资性支出", [
        ["报表编号：510000_0013zp", L, L, L, L, L, L, L, L, L, L],
        ["部门预算项目支出绩效自评表（2023年度）", L, L, L, L, L, L, L, L, L, L],
        ["项目名称", "51000021R000000019951-工资性支出", L, L, L, L, L, L, L, L, L],
        ["主管部门", "青神县发展和改革局本级", L, L, L, "实施单位（盖章）", "青神县发展和改革局", L, L, L, L],
        ["项目基本情况", "1.项目年度目标完成情况", L, L, L, L, L, L, L, L, L],
        [U, "项目年度目标", L, L, L, "年度目标完成情况", L, L, L, L, L],
        [U, _QS_GOAL, L, L, L, _QS_DONE, L, L, L, L, L],
        [U, "2.项目实施内容及过程概述", L, L, L, L, L, L, L, L, L],
        [U, "", L, L, L, L, L, L, L, L, L],
        ["预算执行情况（10分）", "年度预算数（万元）", "年初预算", "调整后预算数", "预算执行数", "预算执行率", "权重",
         "得分", "原因", L, L],
        [U, "总额", 238.93, 251.89, 251.89, "100.00%", 10, None, _QS_WHY, L, L],
        [U, "其中：财政资金", 238.93, 251.89, 251.89, "100.00%", "/", "/", U, U, U],
        [U, "财政专户管理资金", "0.00", "0.00", "0.00", "0.00%", "/", "/", U, U, U],
        [U, "单位资金", "0.00", "0.00", "0.00", "0.00%", "/", "/", U, U, U],
        [U, "其他资金", None, None, None, None, "/", "/", U, U, U],
        ["绩效指标（90分）", "一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "完成值", "权重", "得分",
         "未完成原因分析"],
        [U, "产出指标", "数量指标", "发放（缴纳）覆盖率", "=", 100, "%", None, 60, None, None],
        [U, "效益指标", "社会效益指标", "足额保障率（参保率）", "=", 100, "%", None, 30, None, None],
        ["合计", L, L, L, L, L, L, L, 100, None, None],
        ["评价结论", _QS_CONCLUSION, L, L, L, L, L, L, L, L, L],
        ["存在问题", _QS_PROBLEMS, L, L, L, L, L, L, L, L, L],
        ["改进措施", _QS_IMPROVE, L, L, L, L, L, L, L, L, L],
        ["项目负责人：", L, L, L, L, "财务负责人：", L, L, L, L, L],
    ])],
    "published half filled in: no 完成值 or 得分, the template's instructions left in the 完成情况, 原因 and closing "
    "cells (stored as written); which cells are merged is the official layout's (the page flattens the table)",
    {"projects": [{"project_name": "51000021R000000019951-工资性支出", "budget_initial": 238.93, "budget": 251.89,
                   "executed": 251.89, "stated_execution_rate": 1.0, "stated_score": None,
                   "implementing_unit": "青神县发展和改革局", "objective": _QS_GOAL, "objective_actual": _QS_DONE,
                   "deviation_reason": _QS_PROBLEMS, "improvement": _QS_IMPROVE,
                   "note": f"评价结论：{_QS_CONCLUSION}"}],
     "programs": [{"department": "青神县发展和改革局本级", "year": 2023}],
     "score_parts": [{"part": "预算执行率", "weight": 10.0, "stated_score": None, "status_text": _QS_WHY}],
     "indicators": _ind([
         ("产出指标", "数量指标", "发放（缴纳）覆盖率", "=100%", None, {"weight": 60.0, "stated_score": None}),
         ("效益指标", "社会效益指标", "足额保障率（参保率）", "=100%", None, {"weight": 30.0})]),
     "stated_figures": [{"metric": "指标分值合计", "value": 100.0}]},
    printing=PUBLISHED_FORM,
)

# ------------------------------------------------------------------ 湖北 咸宁 通城县塘湖镇 (2020 部门整体)
TONGCHENG_GOAL = "增强政府工作效率、改善乡镇居住环境"
HUBEI_TONGCHENG_TANGHU = Layout(
    "hubei_tongcheng_tanghu_department_2020", "湖北",
    "http://www.zgtc.gov.cn/xxgk/dfbmptlj/xzxxgkpt/thz/fdzdgknr_22529/czzj_22533/202108/t20210825_2381407.shtml "
    "(通城县人民政府 乡镇信息公开 塘湖镇 财政资金, 2021-08-25: 塘湖镇人民政府 部门整体支出绩效自评表, "
    "填报日期 2021.5.18)",
    [Sheet("塘湖镇", [
        ["部门整体支出绩效自评表", L, L, L, L, L, L],
        ["（2020年度）", L, L, L, L, L, L],
        ["单位名称：塘湖镇政府", L, L, L, "填报日期：2021.5.18", L, L],
        ["单位名称", "塘湖镇人民政府", L, L, L, L, L],
        ["基本支出总额", "864.2万", L, "项目支出总额", L, 0, L],
        ["预算执行情况（万元）\n（20分）", "预算数（A）", L, "执行数（B）", "执行率（B/A）", "得分\n（20分*执行率）", L],
        ["部门整体支出总额", 864.2, L, L, "100%", 20, L],
        ["年度目标1：（80分）", TONGCHENG_GOAL, L, L, L, L, L],
        ["年度绩效指标", "一级指标", "二级指标", "三级指标", "年初目标值（A）", "实际完成值（B）", "得分"],
        [U, "产出指标", "数量指标", "办结信访案件", "168起", "168起", 10],
        [U, U, "数量指标", "拆除活人墓、豪华墓", "32座", "32座", 20],
        [U, U, "日效性指标", "解决群众问题时间", "2天以内", "2天以内", 10],
        [U, "效益指标", "社会效益指标", "改善人居环境", "有效改善", "有效改善", 10],
        [U, U, "社会效益指标", "提升出行效率", "有效提升", "有效提升", 10],
        [U, "满意度指标", "群众满意度\n指标", "群众对政府工作满意度", "≧90%", "95%", 20],
        ["总分", "100分", L, L, L, L, L],
        ["偏差大或\n目标未完成\n原因分析", "无", L, L, L, L, L],
        ["改进措施及\n结果应用方案", "无", L, L, L, L, L],
    ])],
    "the stored page begins at the '单位名称：塘湖镇政府 填报日期：2021.5.18' line: the title and year lines above "
    "it are assumed (the form's kind as the 部门整体支出 layout names it; 2020, the year before the 填报日期). The "
    "page prints one 864.2 under 预算数（A） and 执行数（B） with 执行率 100%: read as one cell across both. No 分值 "
    "column: the weights are in the labels (20分 for spending, 80分 for 年度目标1) and the 得分 column holds "
    "each indicator's score; '数量指标' and '社会效益指标' are printed on each row; the 备注 under the table "
    "(how to compute the scores) is left out",
    {"programs": [{"department": "塘湖镇人民政府", "year": 2020, "objective": TONGCHENG_GOAL}],
     "sources": [{"issuer": "塘湖镇政府"}],
     "execution": [{"budget": 864.2, "executed": 864.2, "stated_execution_rate": 1.0}],
     "score_parts": [{"part": "预算执行率", "weight": 20.0, "stated_score": 20.0}],
     "stated_figures": [{"metric": "基本支出", "value": 864.2}, {"metric": "项目支出", "value": 0.0},
                        {"metric": "部门整体支出绩效自评得分", "value": 100.0}],
     "objectives": [{"label": "年度总体目标", "expected": TONGCHENG_GOAL},
                    {"label": "存在问题", "actual_text": "无"}, {"label": "改进措施", "actual_text": "无"}],
     "indicators": _ind([
         ("产出指标", "数量指标", "办结信访案件", "168起", "168起", {"stated_score": 10.0, "weight": None}),
         ("产出指标", "数量指标", "拆除活人墓、豪华墓", "32座", "32座", {"stated_score": 20.0}),
         ("产出指标", "日效性指标", "解决群众问题时间", "2天以内", "2天以内", {"stated_score": 10.0}),
         ("效益指标", "社会效益指标", "改善人居环境", "有效改善", "有效改善", {"stated_score": 10.0}),
         ("效益指标", "社会效益指标", "提升出行效率", "有效提升", "有效提升", {"stated_score": 10.0}),
         ("满意度指标", "群众满意度指标", "群众对政府工作满意度", "≧90%", "95%", {"stated_score": 20.0})])},
    printing=PARTLY,
)

# ------------------------------------------------------------------ 湖南 衡阳 衡山县商务和粮食局 (2020 县级专项资金)
_HS_RESERVE = "5000吨稻谷、500吨成品粮储备到位率"
HUNAN_HENGSHAN_GRAIN = Layout(
    "hunan_hengshan_grain_reserve_2020", "湖南",
    "https://taowenge.com/p-72820237.html '2020年度县级专项资金绩效目标自评表.docx' (衡山县商务和粮食局 "
    "县级储备粮, as shared on a document site)",
    [Sheet("县级储备粮", [
        ["2020年度县级专项资金绩效目标自评表", L, L, L, L, L, L],
        ["专项资金名称", "县级储备粮", L, L, "负责人及电话", "旷建成、向建军", L],
        ["县级主管部门", "衡山县商务和粮食局", L, L, "实施单位", "粮食调控储备与产业发展股", L],
        ["项目资金\n（万元）", None, L, "全年预算数（A）", "全年执行数（B）", "执行率（B/A）", L],
        [U, "年度资金总额", L, 194.9, 194.9, "100%", L],
        [U, "其中：中央、省、市补助县级资金", L, 194.9, 194.9, "100%", L],
        [U, "其他资金", L, None, None, None, L],
        ["年度\n总体\n目标", "年初设定目标", L, L, "全年实际完成情况", L, L],
        [U, "保持和稳定地方粮食储备机制", L, L, "地方储备粮食规模达标", L, L],
        ["绩\n效\n指\n标", "一级\n指标", "二级\n指标", "三级指标", "年度指标\n值", "全年\n完成值", "未完成原因和\n改进措施"],
        [U, "产\n出\n指\n标", "数量\n指标", _HS_RESERVE, "100%", "100%", None],
        [U, U, U, "库存数量真实率", "100%", "100%", None],
        [U, U, "质量\n指标", "县级储备粮管理制度严格执行率", "100%", "100%", None],
        [U, U, U, "储备粮管理专户管理率", "100%", "100%", None],
        [U, U, U, "县级储备粮库存粮食明显变质比例", "0", "0", None],
        [U, U, "时效\n指标", "县级储备粮贷款付息及时率", "100%", "100%", None],
        [U, U, U, "县级储备粮应急保障率", "100%", "100%", None],
        [U, U, "成本\n指标", "国家政策性粮收购价格执行率", "100%", "100%", None],
        [U, U, U, "县级储备粮库存成本核算率", "100%", "100%", None],
        [U, "效益\n指标", "经济\n效益\n指标", "利息费用保障率", "100%", "100%", None],
        [U, U, U, "政策性挂账利息补贴保障率", "100%", "无", "没有轮换、动用库存"],
        # the second page repeats the block labels on its left
        ["绩\n效\n指\n标", "效\n益\n指\n标", "生态\n效益\n指标", "低温、低氧、低剂量科学保粮率", "100%", "100%", None],
        [U, U, U, "食品安全指标达标率", "100%", "100%", None],
        [U, U, "可持\n续影\n响指标", "粮食储备设备维护及安全性", "高", "高", None],
        [U, "满意\n度指\n标", "服务\n对象\n满意\n度指\n标", "因粮食市场波动引起的粮食安全事件发生数", "0起", "0起", None],
        [U, U, U, "市民满意度调查2", "90%", "100%", None],
        ["说明", "无", L, L, L, L, L],
    ])],
    "the site gives the document's text with each row's cells run together, so which cells are merged is the "
    "county 专项资金 layout's (issue 10's transfer form: no 分值/得分); '市民满意度调查290%100%' is read as the "
    "indicator '市民满意度调查2' with 90% and 100%; the footnote 注 under the table (cut on the page) is left out; "
    "its two-page break repeats 绩效指标 / 效益指标 on the left, kept",
    {"programs": [{"program_name": "县级储备粮", "department": "衡山县商务和粮食局", "year": 2020,
                   "objective": "保持和稳定地方粮食储备机制", "note": "资金使用单位：粮食调控储备与产业发展股"}],
     "execution": [{"fund_source": "中央、省、市补助县级资金", "budget": 194.9, "executed": 194.9,
                    "stated_execution_rate": 1.0}],
     "stated_figures": [{"metric": "年度资金总额（全年预算数）", "value": 194.9},
                        {"metric": "年度资金总额（全年执行数）", "value": 194.9},
                        {"metric": "年度资金总额执行率", "value": 100.0}],
     "objectives": [{"expected": "保持和稳定地方粮食储备机制", "actual_text": "地方储备粮食规模达标"},
                    {"label": "备注", "actual_text": "无"}],
     "indicators": _ind([
         ("产出指标", "数量指标", _HS_RESERVE, "100%", "100%", {"deviation_reason": None}),
         ("产出指标", "数量指标", "库存数量真实率", "100%", "100%", {}),
         ("产出指标", "质量指标", "县级储备粮管理制度严格执行率", "100%", "100%", {}),
         ("产出指标", "质量指标", "储备粮管理专户管理率", "100%", "100%", {}),
         ("产出指标", "质量指标", "县级储备粮库存粮食明显变质比例", "0", "0", {}),
         ("产出指标", "时效指标", "县级储备粮贷款付息及时率", "100%", "100%", {}),
         ("产出指标", "时效指标", "县级储备粮应急保障率", "100%", "100%", {}),
         ("产出指标", "成本指标", "国家政策性粮收购价格执行率", "100%", "100%", {}),
         ("产出指标", "成本指标", "县级储备粮库存成本核算率", "100%", "100%", {}),
         ("效益指标", "经济效益指标", "利息费用保障率", "100%", "100%", {}),
         ("效益指标", "经济效益指标", "政策性挂账利息补贴保障率", "100%", "无",
          {"deviation_reason": "没有轮换、动用库存"}),
         ("效益指标", "生态效益指标", "低温、低氧、低剂量科学保粮率", "100%", "100%", {}),
         ("效益指标", "生态效益指标", "食品安全指标达标率", "100%", "100%", {}),
         ("效益指标", "可持续影响指标", "粮食储备设备维护及安全性", "高", "高", {}),
         ("满意度指标", "服务对象满意度指标", "因粮食市场波动引起的粮食安全事件发生数", "0起", "0起", {}),
         ("满意度指标", "服务对象满意度指标", "市民满意度调查2", "90%", "100%", {})])},
    printing=PUBLISHED_FORM,
)

PUBLISHED = [HEBEI_LANGFANG, YUNNAN_YONGDE, SICHUAN_ZHONGJIANG, SICHUAN_QINGSHEN, HUBEI_TONGCHENG_TANGHU,
             HUNAN_HENGSHAN_GRAIN]
# published 绩效目标表 (targets set before the year): read whole, refused as not a self-evaluation
TARGET_FORMS = [HUBEI_QINGSHAN_RURAL, HUBEI_QINGSHAN_BUILDING]
