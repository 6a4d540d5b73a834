"""Every user-facing label, in one place.

Chinese first; English alongside where an analyst or a tool may read it. Pages, exports,
validation messages and the workbook format all take their words from here, so a renamed
label changes everywhere at once.
"""

APP_TITLE = "绩效看板"
APP_SUBTITLE = "预算绩效自评数据看板 · Performance Dashboard"
# under the title when no login is configured (lib/ui/login.py gate returns the local analyst)
LOCAL_MODE_NOTE = "本地单用户模式：未配置登录（config/users.toml），当前用户拥有分析员权限。"

# Column names (storage, English) -> display label (Chinese). The workbook format uses the
# same Chinese headers, so an analyst sees one vocabulary in Excel and on screen.
COLUMN_LABELS: dict[str, str] = {
    # program totals: which figures a program's budget and execution come from
    "basis": "口径",
    # a deviation: how far its figure misses (1 − actual ÷ target, 1 − execution rate)
    "shortfall": "差距",
    "stated_text": "报告执行率（口径）",
    # identities and references
    "source_id": "来源编号",
    "program_id": "资金/部门编号",
    "project_id": "项目编号",
    "seq": "序号",
    "source_ref": "来源出处",
    "note": "备注",
    "sentence": "原文句子",
    # sources
    "title": "报告标题",
    "issuer": "报告单位",
    "report_date": "报告日期",
    "file_name": "原始文件",
    # programs
    "program_name": "资金/部门名称",
    "year": "年度",
    "program_kind": "类型",
    "department": "主管部门",
    "doc_no": "下达文号",
    "sub_doc_no": "分解下达文号",
    "objective": "年度总体目标",
    "lineage_id": "跨年度编号",
    # projects
    "project_name": "项目名称",
    "implementing_unit": "实施单位",
    "region": "地区",
    "budget_initial": "年初预算数",
    "budget": "全年预算数",
    "appropriation": "财政拨款",
    "executed": "全年执行数",
    "stated_execution_rate": "报告执行率",
    "stated_score": "报告得分",
    "stated_rating": "报告评级",
    "objective_actual": "实际完成情况",
    "deviation_reason": "偏差原因",
    "improvement": "改进措施",
    # allocations
    "fund_source": "资金来源",
    "fund_year": "投入年度",
    "amount": "金额",
    # execution snapshots
    "as_of": "截至日期",
    # progress
    "subject": "建设对象",
    "measure": "进度口径",
    "percent": "完成比例",
    "status_text": "进展情况",
    # objectives
    "label": "目标编号",
    "expected": "预期目标",
    "actual_text": "实际完成情况",
    # indicators
    "level1": "一级指标",
    "level2": "二级指标",
    "level3": "三级指标",
    "target": "年度指标值",
    "actual": "实际完成值",
    "weight": "分值",
    # score parts
    "part": "得分构成",
    # spending items
    "item": "支出事项",
    # stated figures
    "metric": "口径",
    "value": "数值",
    "unit": "单位",
    "aggregate": "核对方式",
    "part_of": "所属合计序号",
    "rating": "评级",
    "text": "原文",
    # computed (views)
    "execution_rate": "执行率",
    "rate_diff": "执行率差异",
    "elapsed_share": "时间进度",
    "status": "完成状态",
    "direction": "指标方向",
    # the notation read out of 指标值 / 实际完成值 (lib/analysis/notation.py): exports head them in Chinese
    "target_op": "指标值符号", "target_value": "指标值数值", "target_unit": "指标值单位",
    "actual_op": "实际值符号", "actual_value": "实际值数值", "actual_unit": "实际值单位",
    "completion_ratio": "完成比例",
    "level": "层级",
    "scope": "范围",
    "kind": "类别",
    "central": "中央补助",
    "local": "地方资金",
    "total": "合计",
    "rows": "行数",
    # dataset versions and upload preview
    "version_id": "版本",
    "created_at": "时间",
    "user_name": "用户",
    "action": "操作",
    "files": "文件",
    "sha256": "SHA-256",
    "programs": "涉及资金/部门",
    "row_counts": "各表行数",
    "changes": "变更内容",
    "restored_version": "恢复自版本",
    "sources_version": "来源版本",
    "sheet": "工作表",
    "added": "新增",
    "changed": "修改",
    "removed": "删除",
    "unchanged": "未变",
    "column": "列",
    "old": "原值",
    "new": "新值",
    "file": "文件",
    "row": "行",
    "problem": "问题",
    "problem_en": "Problem",
}

VERSION_ACTIONS = {"import": "导入", "rollback": "回滚"}
# Who made a version, where it was not a person: the shipped data loaded on first start.
VERSION_USERS = {"system": "系统（初始数据）"}
# 版本历史 for a user with a scope (lib/store/scoped_versions.py).
HISTORY_LABELS = {
    "scoped": "仅列出只涉及您权限范围内资金/部门的版本；“变更”为该版本本身带来的行数增减。"
              "回滚的可选版本还包括每个所列版本之前的版本（即撤销该版本）；回滚若会改动范围之外的数据，将被拒绝。",
}

# Workbook sheet names (Chinese) for each stored table.
SHEET_LABELS: dict[str, str] = {
    "sources": "来源",
    "programs": "资金与部门",
    "projects": "项目",
    "allocations": "资金分配",
    "execution": "执行进度",
    "progress": "建设进度",
    "objectives": "绩效目标",
    "indicators": "绩效指标",
    "score_parts": "得分构成",
    "spending_items": "支出明细",
    "stated_figures": "报告声明数",
}

# Views: the documented SQL interface, with a Chinese name for menus and export files.
VIEW_LABELS: dict[str, str] = {
    "v_funding": "资金分配明细",
    "v_funding_by_region_source": "分地区分来源资金",
    "v_execution": "执行情况",
    "v_projects": "项目一览",
    "v_indicators": "绩效指标完成情况",
    "v_deviations": "偏差说明",
    "v_progress": "建设进度",
    "v_stated_figures": "报告声明数",
    "v_spending_items": "项目支出明细",
    "v_score_parts": "得分构成",
    "v_objectives": "绩效目标",
}

INDICATOR_STATUS = {
    "met": "达标",
    "not_met": "未达标",
    "qualitative_met": "定性达成",
    "qualitative_not_met": "定性未达成",
    "not_applicable": "不适用",
    "no_target": "无指标值",
    "unknown": "无法判断",
}

BAND_LABELS = {"red": "红色预警", "yellow": "黄色关注", "green": "正常"}
# Coloured badges (Streamlit Markdown) where emoji were: 🔴 renders as an empty box where no
# colour-emoji font is installed (an intranet's Linux desktop, the print server).
BAND_BADGES = {"red": ":red-badge[红色预警]", "yellow": ":orange-badge[黄色关注]",
               "green": ":green-badge[正常]", None: ":gray-badge[无执行率]"}
STATUS_BADGES = {"met": ":green-badge[达标]", "qualitative_met": ":green-badge[达成]",
                 "not_met": ":red-badge[未达标]", "qualitative_not_met": ":red-badge[未达成]"}
COUNTED_ONCE_NOTE = ("按事项计数：已分项目填报的资金/部门只计其项目，不再计其整体数（同一笔钱不计两次）；"
                     "整体数见下方仪表盘。")

PAGES = {
    "overview": "总览",
    "funding": "资金分配",
    "execution": "执行率",
    "indicators": "绩效指标",
    "deviations": "偏差分析",
    "reports": "报告详情",
    "data": "数据管理",
    "audit": "核查",
    "admin": "用户与日志",
}

# The parts of a page drawn one at a time as tabs (lib/ui/sections.py): page -> (URL parameter,
# tab labels). A label is also the parameter's value in a bookmark: renaming one breaks old links.
SECTION_LABELS = {
    "chooser": "查看",
    "overview": ("overview_view",
                 ("各年度预算执行", "各资金/部门预算执行", "等级与预警", "项目一览", "同比与趋势")),
    "funding": ("funding_view",
                ("分地区资金", "分地区分来源汇总", "资金构成", "分项目预算与执行", "资金分配明细")),
    "execution": ("execution_view", ("执行率仪表盘", "执行率排名", "建设进度")),
    "indicators": ("indicators_view", ("完成情况", "指标明细", "一级指标分值")),
    "deviations": ("deviations_view", ("说明卡片", "偏差说明表")),
    "audit": ("audit_view", ("核查结果", "按规则汇总")),
    "data": ("data_view", ("上传数据", "版本历史", "模板下载", "数据导出", "批量导入", "跨年度关联")),
    "reports": ("reports_view",
                ("绩效目标与完成情况", "项目自评情况", "报告声明数", "来源报告", "表格与报告下载")),
}

# under a list of cards or expanders drawn a screen at a time (lib/ui/paging.py)
MORE_LABEL = "显示更多（已显示 {shown:,} 条，共 {total:,} 条）"

FILTER_LABELS = {
    "year": "年度",
    "program": "资金/部门",
    "region": "地区",
    "project": "项目",
    "all": "全部",
    # a filter's button in the sidebar names its choice; the list opens under it
    "chip": "{label}：{value}",
    "chip_help": "点击更改{label}",
    # the search under a choice list too long to show whole
    "search": "搜索{what}",
    "search_hint": "名称或编号中的字",
    # the signed-in user's scope, under the filters (lib/ui sidebar_filters)
    "scope_departments": "部门",
    "scope_programs": "资金/项目",
    "scope_regions": "地区",
    "scope_below": "（含下级地区）",
}

UNIT_WAN = "万元"
UNIT_YI = "亿元"


def column_label(name: str) -> str:
    """The Chinese label of a storage column; unknown names pass through unchanged."""
    return COLUMN_LABELS.get(name, name)


# ------------------------------------------------------- 核查 (audit): lib/analysis/checks.py, pages/audit.py
# Rule code -> Chinese name; the numbers follow DOMAIN.md "Consistency checks" 1–8.
AUDIT_RULES: dict[str, str] = {
    "R1": "执行率核对",
    "R2": "分项与合计",
    "R3": "得分与评级",
    "R4": "个数核对",
    "R5": "状态与文字",
    "R6": "超支与缺少说明",
    "R7": "得分与执行率",
    "R8": "执行与时间进度",
    "R9": "偏差说明缺失",
    "R10": "前后数字不一",
    "R11": "项目名称错位",
    "R12": "完成状态与数字",
    "R13": "目标与完成情况",
    "R14": "资金类指标与目标",
    "R15": "文字错位与年份",
    "R16": "自评表与报告",
    "R17": "跨年度目标值",
}
AUDIT_SEVERITIES = ("高", "中", "低")
AUDIT_UNCHECKABLE = "无法核对"
# What kind of statement a finding is, in display order (不符 first).
AUDIT_CERTAINTIES = ("不符", AUDIT_UNCHECKABLE, "提示")
AUDIT_COLUMN_LABELS: dict[str, str] = {
    "certainty": "性质",
    "scope_note": "与本范围的关系",
    "places": "出处（全部）",
    "evidence": "原文依据",
    "severity": "严重程度",
    "rule": "规则",
    "rule_name": "规则名称",
    "record": "记录",
    "stated": "报告值",
    "recomputed": "重算值",
    "difference": "差异",
    "message": "说明",
    "findings": "发现数",
    "computed_score": "计算得分",
    "computed_rating": "计算评级",
    "rating_of_stated": "评级区间",
    "score_basis": "计分依据",
    "execution_points": "预算执行得分",
}
COLUMN_LABELS.update({k: v for k, v in AUDIT_COLUMN_LABELS.items() if k not in COLUMN_LABELS})
VIEW_LABELS.setdefault("audit_findings", "核查结果")
# How a project's computed score (计算得分) was obtained (lib/scoring.project_scores).
SCORE_BASIS_LABELS: dict[str, str] = {
    "indicators": "按指标计分（含预算执行得分）",
    "parts": "一级指标报告得分 + 预算执行得分（按执行率计算）",
    "none": "报告未给出指标级分值，无法计算",
}
RATING_BAND_NOTE = "评级区间为报告得分所属区间（优 ≥ 90，良 80–<90，中 60–<80，差 < 60）。"
QUALITATIVE_LEVELS = {"achieved": "达成", "partly": "部分达成", "not_achieved": "未达成"}
INDICATOR_SCORE_NOTE = ("计算得分：定量指标达标得满分，未达标按完成比例计分"
                        "（越小越好的指标按 指标值 ÷ 实际值），"
                        "不超过分值；定性指标以报告得分为准（核查页检查它是否在应得区间内）。"
                        "{weighted} 项指标有分值；其余 {unweighted} 项报告未给出指标级分值，无法计算得分。")
AUDIT_SEVERITY_HELP = {
    "高": "数字明显不符（差额大，或评级与得分不符）",
    "中": "需要核实（差额较小、文字与状态矛盾、执行偏慢、得分与执行率背离）",
    "低": "细微差异、提示，或记录不足以重算（无法核对）",
}
AUDIT_RULE_HELP = {
    "R1": "报告执行率 vs 执行数 ÷ 预算数，按报告写出的小数位数容许四舍五入（33% 对 32.67% 不算不符）",
    "R2": ("合计数 vs 分项：资金分配按地区/来源/年度合计，部门预算与支出 vs 各项目之和，"
           "支出明细 vs 执行数，分年度数 vs 合计"),
    "R3": ("报告得分 vs 一级指标得分之和（加按执行率计算的预算执行得分）；评级 vs 得分区间；"
           "指标得分 vs 分值与计分规则"),
    "R4": "报告所称项目个数、评级个数、指标个数 vs 记录；完成率 vs 报告所称个数",
    "R5": "偏差说明写“低于目标值”却已达标（或反之）；一级指标写“均完成”却被扣分",
    "R6": "执行数超过预算或财政拨款；未达标、远超目标（≥130%）或执行率低于 90% 却没有偏差说明",
    "R7": "得分率（得分 ÷ 100）与执行率相差超过 5 个百分点",
    "R8": "执行率低于时间进度的 60%（红）或 80%（黄）",
    "R9": "偏差原因一节写“无”或为空，而执行率低于 90% 或有指标未达成",
    "R10": "同一数量（演练、监控点位、园区、培训等的个数）在不同章节写成不同数字",
    "R11": "某项目一节写的是另一个项目的名称（疑为复制）",
    "R12": ("“基本完成”“已完成”等完成状态 vs 其他章节的完成比例、指标实际值和“正在建设中”"
            "（同一对象才比较）；时效指标 100% 而同句称仍在建设"),
    "R13": "年度总体目标 / 目标N 的各项 vs 项目一节所说的“未完成”；目标所列数量各章节均未提及（无法核对）",
    "R14": ("资金支付率 / 资金执行率 / 预算执行率 指标 vs 执行数 ÷ 预算数（符合按财政拨款计算的只提示）；"
            "一项资金或项目的指标全都没有年度指标值（无法核对，只说一次）"),
    "R15": "写的是另一项资金的名称；以往年度的工作写作本年完成；年度已结束仍写“预计年底前完成”",
    "R16": "批量导入时同一项目的自评表与自评报告所写得分不一（金额与执行率的不一见 R2、R1）",
    "R17": ("同一资金/部门相邻两年的同一指标：指标值低于上年实际完成值；指标值不变而两年实际都远超目标"
            "（≥130%）；上年未完成后下调指标值（提示，引两年原文）"),
}
AUDIT_CERTAINTY_HELP = {
    "不符": "报告自相矛盾：两处数字（或文字与数字）对不上，两者都列出",
    "无法核对": "报告给出的内容不足以重算（例如只点名了部分指标）；每条记录只说一次，不是不符",
    "提示": "值得一看：得分与执行率背离、执行偏慢、口径未说明、符合地方规则的差异",
}

# ----------------------------- 官方自评表 (official forms): lib/intake/forms.py, lib/outputs/forms.py
FORM_LABELS: dict[str, str] = {
    "section": "官方自评表下载",
    "caption": ("按官方格式（项目支出绩效自评表 / 中央对地方转移支付区域绩效自评表）填好本库数据，"
                "A4 横向可直接打印；部门预算选“全部项目”时每个项目一张工作表。"),
    "choose": "项目或资金",
    "download": "⬇ 下载自评表（Excel）",
    "none": "当前筛选下没有可导出的项目或资金。",
}

# ----------------------------- 总览 (overview): which budget years the headline cards cover
YEAR_BASIS_LABELS: dict[str, str] = {
    "question": "年度口径",
    "help": "不同预算年度的资金不宜直接相加：默认显示最新年度，可切换为各年度并列或全部年度合计。",
    "latest": "最新年度（{year}年）",
    "side": "各年度并列",
    "sum": "全部年度合计",
    "latest_caption": "当前选择含 {n} 个预算年度（{years}）；卡片为最新年度 {year} 年，"
                      "各年度见“各年度并列”或下方“各年度预算执行”。",
    "sum_caption": "全部年度合计：{years} 共 {n} 个预算年度之和；不同年度的预算相加，仅作总量参考。",
    "side_caption": "只列最近 {shown} 个年度（共 {n} 个）；全部年度见下方“各年度预算执行”。",
    "no_links": "各年度的资金/部门互不相同，执行率不连线；连线只连接两年都有的资金/部门（同口径）。",
    "links": "虚线为同口径执行率：只计两年都有的资金/部门。",
    "indicators_caption": ("当前选择含 {n} 个预算年度（{years}）：指标卡片为最新年度 {year} 年"
                           "（与“总览”一致）；下方图表与明细含全部年度。"),
    "execution_caption": ("当前选择含 {n} 个预算年度（{years}）：预警卡片为最新年度 {year} 年"
                          "（与“总览”一致），可切换为各年度并列或全部年度合计；"
                          "仪表盘与排名含全部年度，并注明年度。"),
}

# ------------------------------- 自评报告起草 (narrative reports): lib/intake/report, lib/ui/draft_review.py
DRAFT_LABELS: dict[str, str] = {
    "toggle": "从自评报告起草（.txt / .docx / .pdf）",
    "caption": ("上传一份自评报告（文字版 PDF、Word 或文本）：系统按报告的章节与句式读出其中的数字，"
                "逐表列出，每个数字旁是它所出自的原句（数字以【】标出）。可直接改正数值或勾选“删除”去掉一行；"
                "报告没写的数字留空，不会推测。核对后“生成预览”，确认提交后成为一个新的数据版本。"),
    "uploader": "选择自评报告",
    "title": "报告",
    "drop": "删除",
    "sentence": "原文句子（数字以【】标出）",
    "unplaced": "未能归类的数字（附原句）",
    "viewer": "当前账号为浏览者：可以查看草稿；提交需要分析员账号。",
    "check": "生成预览",
    "findings": "草稿有 {n} 个问题，未做任何更改：请在上面的表中补填或改正后重新生成预览。",
    "valid": "校验通过。以下为提交后的变更；确认无误后提交。",
    "commit": "确认提交草稿",
    "stale": "预览之后数据已有新的版本，变更已按最新数据重新计算：请核对后再次提交。",
    "done": "草稿已提交，当前数据版本 v{version}。",
}

# ----------------------------- 自评表导入：未导入内容与列映射 (form intake: unmapped cells, mapping step)
UNMAPPED_COLUMNS: dict[str, str] = {
    "file": "文件", "sheet": "工作表", "problem": "未导入的内容", "cells": "单元格", "samples": "示例值",
    "decision": "处理",
}
MAPPING_LABELS: dict[str, str] = {
    "coverage": "自评表单元格：读取 {read} 个，已导入或识别为标签 {stored} 个（覆盖率 {share:.1%}）。",
    "waits": "待处理（映射或确认不导入）",
    "ignored": "按已保存版式忽略",
    "outside": "表外内容，未导入",
    "warning": "有 {n} 个单元格未能识别，尚未导入。请为下列未识别的列选择对应字段并保存为版式，"
               "或勾选确认不导入后再提交。",
    "title": "列映射（保存为版式，下次上传相同表头的文件时自动使用）",
    "help": "每个未识别的列选择一个字段，或选择“忽略（不导入）”。保存后将重新校验。",
    "choose": "（请选择）",
    "ignore": "忽略（不导入）",
    "column": "列“{header}”对应",
    "name": "版式名称",
    "save": "保存版式并重新校验",
    "saved": "已保存版式“{name}”，并已按它重新校验。",
    "accept": "确认上表中待处理的单元格不导入，仍然提交",
}
# .doc and .wps are not offered: they cannot be read, only refused (save them as .docx); a
# .csv is taken, read as an official form or refused in Chinese with the fix
UPLOAD_TYPES = ("xlsx", "xls", "ods", "docx", "csv")
UPLOAD_OLD_WORD = "Word 97-2003（.doc）或 WPS 文字（.wps）的自评表请先在 Word/WPS 中“另存为”.docx 再上传。"
# Streamlit draws the drop zone's own words in English ("Upload", "50MB per file"; on other widths
# and versions "Drag and drop files here", "Limit 200MB per file", "Browse files"), with no locale
# setting or parameter for them in 1.67 (streamlit/streamlit#13500); so every uploader says in
# Chinese, beside it, what it takes.
UPLOAD_NOTE = ("点击框内按钮选择文件，或将文件拖入框内{many}；支持 {types} 格式，每个文件不超过 {limit} MB。"
               "（框内英文为 Streamlit 固定文字：Upload / Browse files = 选择文件，"
               "Drag and drop files here = 拖入文件，per file = 每个文件）")

# ------------------------- 简报与报告 (briefs and reports): lib/outputs/brief.py, lib/outputs/report_docx.py
BRIEF_LABELS: dict[str, str] = {
    "title": "预算绩效自评简报",
    "file_stem": "绩效简报",
    "all_data": "全部数据",
    "no_version": "尚无数据版本",
    "download": "⬇ 导出简报PDF",
    "download_help": ("按当前侧栏筛选（年度 / 资金 / 地区 / 项目）生成 A4 简报，"
                      "含核心数字、图表、偏差与核查结果"),
    "install_hint": ("生成 PDF 简报需要 Chromium 浏览器和中文字体，本机未安装："
                     "请运行 sudo apt-get install chromium fonts-noto-cjk 后重试"
                     "（the PDF brief needs Chromium and CJK fonts: "
                     "apt-get install chromium fonts-noto-cjk）"),
    "no_playwright": ("生成 PDF 简报需要 Python 包 playwright："
                      "请运行 .venv/bin/pip install -r requirements.txt"
                      "（the PDF brief needs the playwright package: pip install -r requirements.txt）"),
    "audit_too_big": ("当前范围有 {n:,} 条绩效指标，超过核查上限 {limit:,} 条，简报未列核查结果："
                      "请缩小筛选，或运行 python -m lib.cli check。"),
    "failed": "简报生成失败",
    "latest_note": ("当前选择含 {n} 个预算年度（{years}）：核心数字为最新年度 {year} 年（与“总览”卡片一致），"
                    "不同年度的预算不相加；下列各表含全部年度，并注明年度。"),
    "side_note": ("当前选择含 {n} 个预算年度：核心数字按年度并列（与“总览”一致）；"
                  "下列各表含全部年度，并注明年度。"),
    "stated": "报告所述",
}
REPORT_LABELS: dict[str, str] = {
    "file_stem": "自评报告草稿",
    "download": "⬇ 下载自评报告草稿（Word）",
    "caption": ("按自评报告的官方结构（一至五部分）写好数字与表格的草稿，分析员在此基础上修改；筛选同侧栏。"
                "每项资金/部门预算一个文件。"),
    "choose": "选择资金/部门（最新年度在前）",
    "none": "当前筛选下没有资金或部门预算，无法生成报告。",
}

# ------------------------- 用户与日志 (users and the activity log): pages/admin.py, lib/ui/admin.py
ADMIN_LABELS: dict[str, str] = {
    "refused": "“用户与日志”页仅管理员可以打开：当前用户（{}）没有管理用户和查看操作日志的权限。",
    "users": "用户",
    "add": "添加用户",
    "edit": "修改用户",
    "log": "操作日志",
    "username": "用户名",
    "name": "姓名",
    "role": "角色",
    "departments": "部门",
    "programs": "资金/部门预算",
    "regions": "地区",
    "email": "邮箱（单点登录）",
    "subject": "OIDC subject（单点登录，可不填）",
    "password": "初始密码",
    "password_help": "至少 {} 个字符；填写邮箱的单点登录用户可不设密码。",
    "new_password": "新密码（留空则不改）",
    "disabled": "停用（不能再登录）",
    "add_submit": "添加",
    "save_submit": "保存修改",
    "added": "已添加用户 {}。",
    "saved": "已保存用户 {} 的修改。",
    "unchanged": "没有修改。",
    "scope_help": "不选表示不限；多项同时生效（例如某部门在某市的数据）。",
    "all": "全部",
    "status_on": "启用",
    "status_off": "停用",
    "yes": "是",
    "no": "否",
    "since": "自（本地日期）",
    "until": "至（本地日期）",
    "user_filter": "用户",
    "action_filter": "操作",
    "empty": "所选范围内没有日志记录。",
    "sso_only": "（仅单点登录）",
}
USER_COLUMNS: dict[str, str] = {
    "username": "用户名", "name": "姓名", "role": "角色", "scope": "范围", "email": "邮箱",
    "oidc_subject": "OIDC subject", "status": "状态", "created_at": "创建时间", "created_by": "创建人",
    "updated_at": "最后修改时间", "updated_by": "最后修改人",
}
ACTIVITY_COLUMNS: dict[str, str] = {"at": "时间", "user_name": "用户", "action": "操作", "details": "详情"}
ACTIVITY_ACTIONS: dict[str, str] = {
    "sign_in": "登录", "sign_out": "退出登录", "sign_in_failed": "登录失败",
    "lockout": "锁定（连续输错密码）",
    "sign_in_locked": "锁定期间尝试登录", "sign_in_disabled": "停用用户尝试登录", "upload": "上传导入",
    "rollback": "回滚", "export": "导出", "layout_save": "保存表样映射", "user_added": "添加用户",
    "user_changed": "修改用户", "user_seeded": "从用户文件导入用户",
}
SCOPE_LABELS: dict[str, str] = {"departments": "部门", "programs": "资金", "regions": "地区",
                                "all": "全部数据"}

# program_totals.basis: a report's own totals, or the sum of its projects' year-end figures
TOTALS_BASIS_LABELS = {"program": "报告整体数", "projects": "项目合计"}
