"""The Word draft of the 自评报告 for a selection: the official structure with the figures already
written into sentences, tables for allocations and indicators, for an analyst to edit.

    data = write_docx(store, Filters(program_id="LZ2022-YJJ"))   # .docx bytes

Structure (DOMAIN.md "The narrative report"), per program in the selection:
一、绩效目标分解下达情况 (the issuing documents, the objective; a transfer's allocation table by
region × source; a department's budget by project); 二、绩效目标完成情况分析 (（一）资金投入情况 with
the execution sentence, （二）总体绩效目标完成情况, （三）绩效指标完成情况; a department gives its totals,
then per project （1）预算执行 （2）总体目标完成 （3）各项指标完成 （4）偏差原因及改进措施 and the rating);
三、偏离绩效目标的原因和下一步改进措施; 四、绩效自评结果拟应用和公开情况; 五、其他需要说明的问题.
Stated figures are written as stated; where a recomputed figure differs beyond the stated
precision it follows in brackets ("执行率99.36%（按7750.69万元、7719.74万元计算为99.60%）").
Every run carries an East-Asian font (宋体 body, 黑体 headings), so Word and WPS show them.
Amounts are 万元 as stored.
"""

from __future__ import annotations

import io
import re

import pandas as pd
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from lib.analysis import checks, scoring, yoy
from lib.filters import Filters
from lib.labels import INDICATOR_STATUS, REPORT_LABELS
from lib.store import Store
from lib.store import lineage as store_lineage

BODY_FONT, HEADING_FONT, LATIN_FONT = "宋体", "黑体", "Times New Roman"
BODY_SIZE = Pt(12)
CN_NUMBERS = "一二三四五六七八九十"
MET = {"met", "qualitative_met"}
NOT_MET = {"not_met", "qualitative_not_met"}
PLACEHOLDER = "（报告未述及，请补充；无则写“无”。）"
CLOSING_SECTIONS = ((3, "三、偏离绩效目标的原因和下一步改进措施"), (4, "四、绩效自评结果拟应用和公开情况"),
                    (5, "五、其他需要说明的问题"))
SECTION_LABELS = {  # objective labels that belong to sections 三, 四 and 五 rather than 二
    3: re.compile(r"偏离|偏差|改进|下一步"),
    4: re.compile(r"应用|公开"),
    5: re.compile(r"其他需要说明"),
}


# ---------------------------------------------------------------- numbers as analysts write them


def amount(value: object) -> str:
    """万元 without separators, at most two decimals, as a sentence writes it: 7750.69万元, 16万元."""
    if value is None or pd.isna(value):
        return "—"
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return f"{text}万元"


def cell_amount(value: object) -> str:
    """万元 in a table cell: thousands separators and two decimals, so a column reads by its
    digits (7,500.00 above 1,511.00)."""
    if value is None or pd.isna(value):
        return "—"
    return f"{float(value):,.2f}"


def percent(fraction: object, digits: int = 2) -> str:
    if fraction is None or pd.isna(fraction):
        return "—"
    return f"{float(fraction) * 100:.{digits}f}%"


def stated_percent(fraction: float) -> str:
    """A stated rate with the digits the report wrote (0.33 → 33%, 0.9936 → 99.36%)."""
    pp = round(float(fraction) * 100, 6)
    return f"{pp:.{checks.stated_decimals(pp)}f}%"


def rate_sentence(executed: object, budget: object, stated: object) -> str:
    """'执行率99.36%（按…计算为99.60%）' where the stated rate differs beyond its precision, else
    the stated (or, with none stated, the computed) rate."""
    computed = float(executed) / float(budget) if budget and not pd.isna(budget) and float(budget) else None
    if stated is None or pd.isna(stated):
        return f"执行率{percent(computed)}" if computed is not None else "执行率无法计算（预算数为0）"
    text = f"执行率{stated_percent(stated)}"
    if computed is not None and not checks.rate_reconciles(float(stated) * 100, computed * 100):
        text += f"（按{amount(executed)} ÷ {amount(budget)}计算为{percent(computed)}）"
    return text


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return None
    text = str(value).strip()
    return text or None


# ---------------------------------------------------------------- document helpers


def _fonts(run, font: str = BODY_FONT) -> None:
    run.font.name = LATIN_FONT
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), font)


class _Writer:
    def __init__(self):
        self.doc = Document()
        normal = self.doc.styles["Normal"]
        normal.font.size = BODY_SIZE
        normal.font.name = LATIN_FONT
        normal.element.get_or_add_rPr()
        rfonts = normal.element.rPr.find(qn("w:rFonts"))
        if rfonts is None:
            rfonts = normal.element.rPr.makeelement(qn("w:rFonts"), {})
            normal.element.rPr.insert(0, rfonts)
        rfonts.set(qn("w:eastAsia"), BODY_FONT)
        section = self.doc.sections[0]  # A4 portrait
        section.page_width, section.page_height = Pt(595.3), Pt(841.9)

    def title(self, text: str) -> None:
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(text)
        run.bold = True
        run.font.size = Pt(18)
        _fonts(run, HEADING_FONT)

    def heading(self, text: str, level: int) -> None:
        p = self.doc.add_heading(level=level)
        run = p.add_run(text)
        run.font.size = Pt({1: 16, 2: 14, 3: 13}.get(level, 12))
        run.font.color.rgb = RGBColor(0, 0, 0)
        _fonts(run, HEADING_FONT)

    def para(self, *parts: str | tuple[str, bool], indent: bool = True) -> None:
        """A body paragraph; a part given as (text, True) is bold."""
        p = self.doc.add_paragraph()
        if indent:
            p.paragraph_format.first_line_indent = Pt(24)
        for part in parts:
            text, bold = part if isinstance(part, tuple) else (part, False)
            run = p.add_run(text)
            run.bold = bold
            _fonts(run)

    def table(self, header: list[str], rows: list[list[str]], numeric: tuple[int, ...] = ()) -> None:
        """A grid table whose header row repeats on every printed page; the ``numeric`` columns
        right-aligned, so that amounts line up by their digits."""
        table = self.doc.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        head = table.rows[0]
        head._tr.get_or_add_trPr().append(head._tr.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"}))
        for i, (cell, text) in enumerate(zip(head.cells, header, strict=True)):
            if i in numeric:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            run = cell.paragraphs[0].add_run(text)
            run.bold = True
            run.font.size = Pt(10.5)
            _fonts(run, HEADING_FONT)
        for values in rows:
            cells = table.add_row().cells
            for i, (cell, text) in enumerate(zip(cells, values, strict=True)):
                if i in numeric:
                    cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
                run = cell.paragraphs[0].add_run(text)
                run.font.size = Pt(10.5)
                _fonts(run)
        self.doc.add_paragraph()

    def bytes(self) -> bytes:
        buf = io.BytesIO()
        self.doc.save(buf)
        return buf.getvalue()


# ---------------------------------------------------------------- the report


def programs_in(store: Store, filters: Filters) -> pd.DataFrame:
    """The programs the selection touches (a region or project narrows them to those with records there)."""
    programs = store.read("programs", filters.only("year", "program_id"),
                          order_by=["year", "program_id"])
    if filters.region is None and filters.project_id is None:
        return programs
    touched = set()
    for relation in ("v_projects", "v_execution", "v_funding", "v_indicators"):
        touched |= set(store.summarize(relation, filters, by=("program_id",))["program_id"])
    return programs[programs["program_id"].isin(touched)]


def report_programs(store: Store, filters: Filters) -> pd.DataFrame:
    """The programs a draft can be written for, latest budget year first (the year rule of every
    headline: a leader's default is the newest report)."""
    programs = programs_in(store, filters)
    return programs.sort_values(["year", "program_id"], ascending=[False, True], kind="stable")


def write_docx(store: Store, filters: Filters | None = None, program_id: str | None = None) -> bytes:
    """The 自评报告 draft of one program of the selection as .docx bytes: ``program_id``, or the
    first of the latest year. A draft is one report: each program is its own file (an analyst
    edits and sends one report, and two programs' reports in one file run to 19 pages).

    Raises KeyError (with a Chinese message) when the selection holds no program, or not that one.
    """
    filters = filters or Filters()
    programs = report_programs(store, filters)
    if program_id is not None:
        programs = programs[programs["program_id"] == program_id]
    if programs.empty:
        raise KeyError(REPORT_LABELS["none"])
    program = programs.iloc[0].to_dict()
    w = _Writer()
    w.title(f"{program['year']}年度{program['program_name']}绩效自评报告（草稿）")
    _program(w, store, program, filters, level=1)
    return w.bytes()


def _program(w: _Writer, store: Store, program: dict, filters: Filters, level: int) -> None:
    pid = program["program_id"]
    scope = filters.only("year", "region", "project_id", program_id=pid)
    whole = filters.only(program_id=pid)
    objectives = store.read("v_objectives", whole, order_by=["project_id", "seq"])
    own_objectives = objectives[objectives["project_id"].isna()]
    projects = store.read("v_projects", scope, order_by=["project_id"])
    execution = store.read("v_execution", whole, order_by=["as_of"])
    indicators = store.read("v_indicators", scope, order_by=["project_id", "seq"])
    parts = store.read("v_score_parts", scope, order_by=["project_id", "part"])
    stated = store.read("v_stated_figures", whole, order_by=["project_id", "seq"])
    funding = store.read("v_funding", filters.only("region", program_id=pid), order_by=["region"])
    transfer = program["program_kind"] == "转移支付"

    # 一、绩效目标分解下达情况
    w.heading("一、绩效目标分解下达情况", level)
    docs = "、".join(d for d in (_text(program["doc_no"]), _text(program["sub_doc_no"])) if d)
    if transfer:
        w.heading("（一）中央下达绩效目标情况", level + 1)
        central = funding.loc[funding["fund_source"] == "中央补助", "amount"].sum()
        sentence = f"{program['department']}{program['year']}年度{program['program_name']}"
        if _text(program["doc_no"]):
            sentence += f"依据{program['doc_no']}下达"
        sentence += f"，中央补助资金{amount(central)}。" if central else "。"
        w.para(sentence)
        w.para(("年度总体绩效目标：", True), _text(program["objective"]) or PLACEHOLDER)
        w.heading("（二）省内分解下达情况", level + 1)
        if _text(program["sub_doc_no"]):
            w.para(f"按{program['sub_doc_no']}分解下达各地区，分配情况如下表。")
        for row in own_objectives.to_dict("records"):
            if "分解下达" in str(row["label"] or "") and _text(row["expected"]):
                w.para((f"{row['label']}：", True), row["expected"])
        _allocation_table(w, funding)
    else:
        w.heading("（一）部门预算下达情况", level + 1)
        sentence = f"{program['department']}{program['year']}年度部门预算"
        if docs:
            sentence += f"（{docs}）"
        sentence += f"共安排项目{len(projects)}个，各项目预算如下表。"
        w.para(sentence)
        w.para(("年度总体绩效目标：", True), _text(program["objective"]) or PLACEHOLDER)
        rows = [[p["project_name"], cell_amount(p["budget"]), cell_amount(p["executed"]),
                 percent(p["execution_rate"])] for p in projects.to_dict("records")]
        if len(projects) > 1:
            budget, executed = projects["budget"].sum(), projects["executed"].sum()
            rows.append(["合计", cell_amount(budget), cell_amount(executed),
                         percent(executed / budget if budget else None)])
        w.table(["项目", "全年预算数（万元）", "全年执行数（万元）", "执行率"], rows, numeric=(1, 2, 3))

    # 二、绩效目标完成情况分析
    w.heading("二、绩效目标完成情况分析", level)
    w.heading("（一）资金投入情况", level + 1)
    _funds(w, program, execution, stated, funding, transfer)
    # 同比: this program against its lineage's year before (lib/store/lineage.py, lib/analysis/yoy.py)
    change = store_lineage.year_on_year(store, whole, int(program["year"]))
    w.para(("同比：", True), "".join(yoy.summary_sentences(change)) if change
           else "本库没有该资金/部门上一年度的数据，不作同比。")
    w.heading("（二）总体绩效目标完成情况", level + 1)
    rest = [r for r in own_objectives.to_dict("records") if _section_of(r) == 2
            and "分解下达" not in str(r["label"] or "")]
    if not rest:
        w.para(PLACEHOLDER)
    for row in rest:
        _objective(w, row)
    w.heading("（三）绩效指标完成情况", level + 1)
    if transfer or projects.empty:
        _indicators(w, indicators[indicators["project_id"].isna()] if not projects.empty else indicators)
    if not projects.empty:
        scores = scoring.project_scores(projects, store.read("v_indicators", whole),
                                        store.read("v_score_parts", whole))
        scores = scores.set_index("project_id")
        for n, project in enumerate(projects.to_dict("records"), start=1):
            _project(w, project, n, indicators[indicators["project_id"] == project["project_id"]],
                     parts[parts["project_id"] == project["project_id"]],
                     objectives[objectives["project_id"] == project["project_id"]],
                     scores.loc[project["project_id"]] if project["project_id"] in scores.index else None,
                     level + 2)

    # 三、四、五
    for number, heading in CLOSING_SECTIONS:
        w.heading(heading, level)
        rows = [r for r in own_objectives.to_dict("records") if _section_of(r) == number]
        for row in rows:
            _objective(w, row)
        if number == 3:
            _deviation_summary(w, projects, indicators, transfer)
        elif not rows:
            w.para(PLACEHOLDER)


def _section_of(objective: dict) -> int:
    label = str(objective.get("label") or "")
    for number, pattern in SECTION_LABELS.items():
        if pattern.search(label):
            return number
    return 2


def _objective(w: _Writer, row: dict) -> None:
    label = _text(row["label"]) or f"第{row['seq']}项"
    expected, actual = _text(row["expected"]), _text(row["actual_text"])
    if expected and actual:
        w.para((f"{label}：", True), f"预期目标为{expected.rstrip('。')}。完成情况：{actual}")
    else:
        w.para((f"{label}：", True), expected or actual or "—")


def _allocation_table(w: _Writer, funding: pd.DataFrame) -> None:
    if funding.empty:
        w.para("本库没有该资金的分配记录。")
        return
    sources = list(dict.fromkeys(funding["fund_source"]))
    pivot = funding.pivot_table(index="region", columns="fund_source", values="amount", aggfunc="sum",
                                sort=False).reindex(columns=sources)
    rows = [[str(region), *(cell_amount(v) for v in values), cell_amount(values.sum())]
            for region, values in pivot.iterrows()]
    totals = pivot.sum()
    rows.append(["合计", *(cell_amount(totals[s]) for s in sources), cell_amount(totals.sum())])
    w.table(["地区", *(f"{s}（万元）" for s in sources), "合计（万元）"], rows,
            numeric=tuple(range(1, len(sources) + 2)))
    w.para(f"共分配{len(pivot)}个地区，合计{amount(totals.sum())}，其中"
           + "、".join(f"{s}{amount(totals[s])}" for s in sources) + "。")


def _funds(w: _Writer, program: dict, execution: pd.DataFrame, stated: pd.DataFrame, funding: pd.DataFrame,
           transfer: bool) -> None:
    """Budget, execution and the stated money figures of the program as a whole."""
    own = execution[execution["project_id"].isna()]
    if own.empty:
        projects = execution[execution["scope"] == "project"]
        if projects.empty:
            w.para("本库没有该资金/部门的执行记录。")
        else:
            budget, executed = projects["budget"].sum(), projects["executed"].sum()
            w.para(f"各项目全年预算数合计{amount(budget)}，全年执行数合计{amount(executed)}，"
                   f"{rate_sentence(executed, budget, None)}。")
    else:
        latest = own[own["as_of"] == own["as_of"].max()]
        sentences = []
        for row in latest.to_dict("records"):
            who = "、".join(p for p in (_text(row["region"]), _text(row["fund_source"])) if p) or "全年"
            when = f"截至{pd.Timestamp(row['as_of']):%Y年%m月%d日}" if pd.notna(row["as_of"]) else ""
            sentences.append(f"{when}{who}预算{amount(row['budget'])}，执行{amount(row['executed'])}，"
                             f"{rate_sentence(row['executed'], row['budget'], row['stated_execution_rate'])}")
        w.para("；".join(sentences) + "。")
    money = stated[stated["project_id"].isna() & (stated["unit"] == "万元")]
    if not money.empty:
        # a table naming each figure's region and source: "省内分解下达预算 1500万元" five times
        # over says nothing until the city is named
        w.para(("报告所列资金数", True), "如下表（照报告所写）。")
        w.table(["口径", "地区", "资金来源", "金额（万元）", "出处"],
                [[_text(r["metric"]) or "—", _text(r["region"]) or "全省/全部门",
                  _text(r["fund_source"]) or "—",
                  cell_amount(r["value"]), _text(r["source_ref"]) or "—"]
                 for r in money.head(60).to_dict("records")], numeric=(3,))
        if len(money) > 60:
            w.para(f"共{len(money)}项，列出前60项；全部见“报告声明数”。")
    if transfer and not funding.empty:
        w.para(f"按分配记录，到位资金合计{amount(funding['amount'].sum())}。")


def _indicator_counts(indicators: pd.DataFrame) -> str:
    statuses = indicators["status"].tolist()
    met = sum(s in MET for s in statuses)
    bad = sum(s in NOT_MET for s in statuses)
    other = len(statuses) - met - bad
    levels = "、".join(f"{k}{v}项" for k, v in indicators.groupby("level1", sort=False).size().items())
    text = f"共设三级指标{len(statuses)}项（{levels}），其中达标{met}项，未达标{bad}项"
    if other:
        text += f"，无法按记录判断{other}项（无指标值或定性表述）"
    return text + "。"


def _indicator_table(w: _Writer, indicators: pd.DataFrame) -> None:
    w.table(["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "完成状态"],
            [[r["level1"], _text(r["level2"]) or "—", r["level3"], _text(r["target"]) or "—",
              _text(r["actual"]) or "—", INDICATOR_STATUS.get(r["status"], "—")]
             for r in indicators.to_dict("records")])


def _indicators(w: _Writer, indicators: pd.DataFrame) -> None:
    if indicators.empty:
        w.para("本库没有该资金的绩效指标记录。")
        return
    w.para(_indicator_counts(indicators))
    _indicator_table(w, indicators)


def _project(w: _Writer, project: dict, n: int, indicators: pd.DataFrame, parts: pd.DataFrame,
             objectives: pd.DataFrame, score, level: int) -> None:
    w.heading(f"{n}. {project['project_name']}", level)
    w.para(("（1）预算执行情况。", True),
           f"全年预算数{amount(project['budget'])}，全年执行数{amount(project['executed'])}，"
           f"{rate_sentence(project['executed'], project['budget'], project['stated_execution_rate'])}。")
    target, actual = _text(project["objective"]), _text(project["objective_actual"])
    texts = [f"年度总体目标：{target.rstrip('。')}。" if target else "",
             f"完成情况：{actual}" if actual else ""]
    for row in objectives.to_dict("records"):
        texts.append("".join(_text(row[c]) or "" for c in ("label", "expected", "actual_text")))
    w.para(("（2）总体目标完成情况。", True), "".join(texts) or PLACEHOLDER)
    counts = _indicator_counts(indicators) if not indicators.empty else "本库没有该项目的三级指标记录。"
    part_text = "；".join(f"{r['part']}分值{_points(r['weight'])}分，得分{_points(r['stated_score'])}分"
                          for r in parts.to_dict("records"))
    w.para(("（3）各项指标完成情况。", True), counts + (f"一级指标：{part_text}。" if part_text else ""))
    if not indicators.empty:
        _indicator_table(w, indicators)
    reasons = [f"{r['level3']}：{r['deviation_reason']}" for r in indicators.to_dict("records")
               if _text(r["deviation_reason"])]
    w.para(("（4）偏差原因及改进措施。", True),
           (_text(project["deviation_reason"]) or "报告未写明偏差原因。")
           + (f"改进措施：{project['improvement']}" if _text(project["improvement"]) else ""))
    for reason in reasons:
        w.para(reason)
    rating = _text(project["stated_rating"])
    stated_score = project["stated_score"]
    sentence = f"自评得分{_points(stated_score)}分" if pd.notna(stated_score) else "报告未写自评得分"
    sentence += f"，自评等级为“{rating}”" if rating else ""
    computed = score["computed_score"] if score is not None else None
    if computed is not None and pd.notna(computed) and pd.notna(stated_score) \
            and abs(float(computed) - float(stated_score)) >= 0.5:
        sentence += f"（按指标与执行率计算为{_points(computed)}分，{score['computed_rating']}）"
    band = _text(score["rating_of_stated"]) if score is not None else None
    if rating and band and band != rating:
        sentence += f"；按得分区间应为“{band}”"
    w.para(("自评结果：", True), sentence + "。")


def _points(value: object) -> str:
    if value is None or pd.isna(value):
        return "—"
    v = float(value)
    return f"{v:.0f}" if v.is_integer() else f"{v:.2f}".rstrip("0").rstrip(".")


def _deviation_summary(w: _Writer, projects: pd.DataFrame, indicators: pd.DataFrame, transfer: bool) -> None:
    unmet = indicators[indicators["status"].isin(NOT_MET)]
    low = projects[projects["execution_rate"] < 0.9] if not projects.empty else projects
    if unmet.empty and low.empty:
        w.para("按记录，各项目执行率均不低于90%，三级指标未见未达标。")
        return
    if not low.empty:
        names = (f"{r['project_name']}{percent(r['execution_rate'])}" for r in low.to_dict("records"))
        w.para("执行率低于90%的项目：" + "；".join(names)
               + ("。原因见第二部分各项目（4）。" if not transfer else "。"))
    if not unmet.empty:
        names = (f"{_text(r['project_name']) or ''}{r['level3']}（指标值{_text(r['target']) or '—'}，"
                 f"实际{_text(r['actual']) or '—'}）" for r in unmet.to_dict("records"))
        w.para("未达标的三级指标：" + "；".join(names) + "。")


def file_name(filters: Filters | None = None, program_id: str | None = None) -> str:
    """e.g. 自评报告草稿_LZ2022-YJJ_20261201-2130.docx: the program the file holds is named."""
    from dataclasses import replace

    from lib.outputs.brief import file_name as brief_name

    filters = filters or Filters()
    if program_id is not None and filters.program_id is None:
        filters = replace(filters, program_id=program_id)
    return brief_name(filters, "docx").replace("绩效简报", REPORT_LABELS["file_stem"], 1)
