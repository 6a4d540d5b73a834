"""The rows a form's sheet makes, per layout (项目支出, 部门整体支出, 区域): ids derived as
lib/intake/forms.py describes; and merging the forms of several files of one load."""

from __future__ import annotations

import datetime as dt
import re

from lib.intake.form_layout import (
    _DERIVED_ID,
    DEPARTMENT,
    FUND_ROWS,
    L_CENTRAL_DEPT,
    L_DEPARTMENT,
    L_DEPT_NAME,
    L_FINANCE,
    L_IMPLEMENTER,
    L_ISSUER,
    L_LOCAL_DEPT,
    L_PROJECT_NAME,
    L_TRANSFER_NAME,
    PROJECT,
    REGION,
    label_in,
    label_key,
    place_of,
    program_id_for,
    project_id_for,
    source_id_for,
    weight_in,
)
from lib.intake.form_sheet import _REGION_SUFFIX, _Common, _read_common, _SheetReader
from lib.intake.form_values import (
    _amount,
    _blank,
    _text,
)
from lib.intake.types import ParsedWorkbook


def _note(closing: dict, *more: str | None) -> str | None:
    parts = []
    if closing.get("conclusion"):
        parts.append(f"评价结论：{closing['conclusion']}")
    if closing.get("note"):
        parts.append(closing["note"])
    parts += [m for m in more if m]
    return "\n".join(parts) or None


def _choices_note(c: _Common) -> str | None:
    """The heading's check boxes as one line each: "项目类别：县直专项"."""
    return "\n".join(f"{label}：{'、'.join(ticked) or '未勾选'}" for label, ticked, _ in c.choices) or None


def _funds_texts_note(c: _Common) -> str | None:
    """The funds area's text block (资金管理情况) as lines "分配科学性：…" (a project form keeps it in
    the project's note; department and transfer forms as objectives rows)."""
    return "\n".join(f"{item}：{_funds_text(text, problems)}" for item, text, problems, _ in c.funds_texts
                     if text or problems) or None


def _funds_text(text: str | None, problems: str | None) -> str:
    return "\n".join([text or ""] + ([f"存在问题和改进措施：{problems}"] if problems else [])).strip()


def _computed_total(rd: _SheetReader, c: _Common, total: dict, money: dict) -> str | None:
    """A 年度资金总额 row left empty while its sub-rows carry the figures (内蒙古: only 自治区补助
    filled): its budget and spending are the sub-rows' sums, said so in a note."""
    filled = [n for n in ("budget", "executed") if money.get(n) is not None]
    if filled or not total:
        return None
    sums: dict[str, float] = {}
    for name, cells in c.funds.items():
        if name == "年度资金总额":
            continue
        amounts = {k: v for k, v in cells.items() if k in ("budget_initial", "budget", "executed", "_row")}
        values = rd.fund_values(amounts, c.scale, name)
        for field_name, value in values.items():
            if value is not None:
                sums[field_name] = sums.get(field_name, 0.0) + value
    if sums.get("budget") is None or sums.get("executed") is None:
        return None
    for field_name in ("budget_initial", "budget", "executed"):
        if money.get(field_name) is None and field_name in sums:
            money[field_name] = sums[field_name]
    return "年度资金总额未填，全年预算数、全年执行数按其下各资金来源之和计算"


def _issuer(rd: _SheetReader, c: _Common, department: str | None) -> str | None:
    """Who reports the form: a heading line naming it ("部门：临沧市永德县明朗中学"), else the
    supervising department."""
    hit = rd.g.find(L_ISSUER, max_row=c.head_end)
    return hit[2] if hit and hit[2] else department


def _source_row(source_id: str, title: str, file_label: str, issuer: str | None) -> dict:
    return {"source_id": source_id, "title": title, "issuer": issuer, "file_name": file_label,
            "note": "由官方自评表导入；编号由表中主管部门（或地区与资金名称）、年度与项目名称导出"}


def _add_indicators(rd: _SheetReader, c: _Common, program_id: str, project_id: str | None,
                    source_id: str, region_default: str | None = None) -> None:
    for seq, row in enumerate(c.indicators, start=1):
        level3, region = row["level3"], None
        if project_id is None:
            region = region_default
            m = _REGION_SUFFIX.match(level3 or "")
            if m and m["region"] != region_default:
                level3, region = m["name"], m["region"]
        rd.out.add("indicators", {
            "program_id": program_id, "project_id": project_id, "seq": seq, "region": region,
            "level1": row["level1"], "level2": row["level2"], "level3": level3, "target": row["target"],
            "actual": row["actual"], "weight": row["weight"], "stated_score": row["stated_score"],
            "deviation_reason": row["deviation_reason"], "improvement": row["improvement"],
            "source_ref": f"{source_id} {rd.g.title}!{row['_ref']}", "note": row.get("note"),
        }, rd.g.title, row["_row"])


def _add_parts(rd: _SheetReader, c: _Common, program_id: str, project_id: str | None, source_id: str,
               execution_part: dict | None) -> None:
    parts: dict[str, dict] = {}
    if execution_part and any(execution_part.get(k) is not None for k in ("weight", "stated_score")):
        parts["预算执行率"] = execution_part
    for part in c.parts:
        merged = parts.setdefault(part["part"], {"_row": part["_row"]})
        for key in ("weight", "stated_score", "status_text"):
            if part.get(key) is not None:
                merged[key] = part[key]
    for name, part in parts.items():
        rd.out.add("score_parts", {
            "program_id": program_id, "project_id": project_id, "part": name, "weight": part.get("weight"),
            "stated_score": part.get("stated_score"), "status_text": part.get("status_text"),
            "source_ref": f"{source_id} {rd.g.title}!{part['_row']}行",
        }, rd.g.title, part["_row"])


def _stated(rd: _SheetReader, program_id: str, project_id: str | None, source_id: str, seq: int,
            metric: str, value: float, unit: str, row: int, aggregate: str = "无", text: str | None = None,
            region: str | None = None, fund_source: str | None = None) -> None:
    rd.out.add("stated_figures", {
        "program_id": program_id, "project_id": project_id, "seq": seq, "metric": metric, "value": value,
        "unit": unit, "aggregate": aggregate, "text": text, "region": region, "fund_source": fund_source,
        "source_ref": f"{source_id} {rd.g.title}!{row}行",
    }, rd.g.title, row)


def _total_money(rd: _SheetReader, c: _Common, total: dict | None) -> dict:
    """The 年度资金总额 row, typed; its 全年预算数 and 全年执行数 are required (or computed from
    the sub-rows when the row is left empty, with a note in ``money["_note"]``)."""
    if not total:
        return {}
    money = rd.fund_values(total, c.scale, "年度资金总额")
    if "budget" in total and "executed" in total:
        money["_note"] = _computed_total(rd, c, total, money)
    if money.get("weight") is None and c.funds_header:  # no 分值 column: "预算执行情况（万元）（20分）"
        money["weight"] = next((weight_in(v) for _, v in rd.g.row_cells(c.funds_header)
                                if isinstance(v, str) and weight_in(v) is not None), None)
    if "budget" not in total and "budget_initial" in total and "executed" in total:
        # 年初预算数(A) | 全年执行数(B) | 执行率(B/A) and no 全年预算数 (贵州, 山东): A is the denominator
        money["budget"] = money.get("budget_initial")
        money["_note"] = "表中没有全年预算数：执行率按年初预算数(A)计算，全年预算数记为年初预算数"
        total = {**total, "budget": total["budget_initial"]}
    if "executed" not in total:  # a funds block of budgets only: a 绩效目标表, set before the year
        rd.problem(total["_row"], total["budget"][2],
                   "这是绩效目标表（资金只有预算数，没有全年执行数），不是自评表：请导入年度结束后填写的绩效自评表",
                   "a performance-target form (budgets only, no spending), not a self-evaluation form")
        return money
    for fname, what in (("budget", "全年预算数"), ("executed", "全年执行数")):
        raw, r, col = total[fname]
        if _blank(raw) and money.get(fname) is None and not rd.g.is_formula(r, col):
            rd.problem(r, col, f"年度资金总额的{what}为空", f"the total's {what} is empty")
    return money


def _read_project(rd: _SheetReader) -> None:
    c = _read_common(rd)
    name = rd.title_name(c.head_end) if rd.field(L_PROJECT_NAME, c.head_end) is None else None
    name = name or rd.required_text(L_PROJECT_NAME, "项目名称", "project name", c.head_end)
    department_hit = rd.field(L_DEPARTMENT, c.head_end)
    department = department_hit[0] if department_hit else None
    implementer = rd.field(L_IMPLEMENTER, c.head_end)
    implementer = implementer[0] if implementer else None
    if not department:
        department = implementer
    if not department and department_hit:  # the label is there, its cell left empty (湖北 鄂州)
        rd.problem(department_hit[1], department_hit[2],
                   "“主管部门”为空，“实施单位”也未填写（编号由主管部门与年度导出）",
                   "主管部门 and 实施单位 are empty; ids are derived from the department and the year")
    elif not department:
        rd.problem(None, None, "未找到“主管部门”（编号由主管部门与年度导出）",
                   "主管部门 (supervising department) not found; ids are derived from it and the year")
    if c.funds_header is None:
        rd.problem(None, None, "未找到项目资金表头（全年预算数、全年执行数）",
                   "the funds header (全年预算数, 全年执行数) was not found")
    total = c.funds.get("年度资金总额")
    if c.funds_header is not None and total is None:
        rd.problem(c.funds_header, 1, "项目资金中未找到“年度资金总额”行",
                   "the 年度资金总额 row was not found")
    money = _total_money(rd, c, total)
    sub_rows = {n: rd.fund_values(v, c.scale, n) for n, v in c.funds.items() if n != "年度资金总额"}
    if not rd.ok or not name or not department or c.year is None:
        return
    program_id = program_id_for(PROJECT, c.year, department)
    project_id = project_id_for(program_id, name)
    source_id = source_id_for(program_id)
    rd.out.add_source(_source_row(source_id, f"{department}{c.year}年度绩效自评表", rd.out.label,
                                  _issuer(rd, c, department)),
                      rd.g.title)
    rd.out.add_program({
        "program_id": program_id, "program_name": f"{department}{c.year}年度部门预算", "year": c.year,
        "program_kind": "部门预算", "department": department, "region": c.region or place_of(department),
        "source_id": source_id,
        "source_ref": f"{source_id} {rd.g.title}",
    }, rd.g.title, 1)
    objective = "\n".join(e for e, _, _ in c.objectives if e) or None
    achieved = "\n".join(a for _, a, _ in c.objectives if a) or None
    rd.out.add("projects", {
        "project_id": project_id, "program_id": program_id, "project_name": name,
        "implementing_unit": implementer, "region": c.region or place_of(implementer) or place_of(department),
        "budget_initial": money.get("budget_initial"), "budget": money.get("budget"),
        "appropriation": sub_rows.get("当年财政拨款", {}).get("budget"), "executed": money.get("executed"),
        "stated_execution_rate": money.get("rate"), "stated_score": c.closing.get("score"),
        "stated_rating": c.closing.get("rating"), "objective": objective, "objective_actual": achieved,
        "deviation_reason": c.closing.get("problems"), "improvement": c.closing.get("improvement"),
        "source_ref": f"{source_id} {rd.g.title}",
        "note": _note(c.closing, money.get("_note"), _choices_note(c), _funds_texts_note(c)),
    }, rd.g.title, total["_row"] if total else 1)
    _add_indicators(rd, c, program_id, project_id, source_id)
    _add_parts(rd, c, program_id, project_id, source_id,
               {"weight": money.get("weight"), "stated_score": money.get("score"),
                "status_text": _status(money), "_row": total["_row"] if total else 1})
    figures = [f for row_name, values in sub_rows.items()
               for f in _row_figures(row_name, values, c.funds[row_name]["_row"],
                                     ("budget",) if row_name == "当年财政拨款" else ())]
    for seq, (metric, value, unit, row, text) in enumerate(figures + _closing_figures(c), start=1):
        _stated(rd, program_id, project_id, source_id, seq, metric, value, unit, row, text=text)


# a funds row's figures as stated figures: field -> (column name, unit, factor)
_FUND_FIGURES = {"budget_initial": ("年初预算数", "万元", 1), "budget": ("全年预算数", "万元", 1),
                 "executed": ("全年执行数", "万元", 1), "rate": ("执行率", "%", 100),
                 "weight": ("分值", "分", 1), "score": ("得分", "分", 1),
                 "integrated": ("统筹整合资金数", "万元", 1),
                 "budget_net": ("扣除统筹整合资金后预算金额", "万元", 1),
                 "received": ("全年到位资金", "万元", 1), "received_rate": ("到位率", "%", 100),
                 "balance": ("结余", "万元", 1)}


def _row_figures(name: str, values: dict, row: int, skip: tuple[str, ...] = ()) -> list[tuple]:
    """(metric, value, unit, row, text) of every figure of a funds row but those in ``skip``."""
    return [(f"{name}{col}", values[f] * factor, unit, row, None)
            for f, (col, unit, factor) in _FUND_FIGURES.items()
            if f not in skip and values.get(f) is not None]


def _closing_figures(c: _Common) -> list[tuple]:
    """The total row's sum of weights, when the form states it."""
    if c.closing.get("weight_total") is None:
        return []
    return [("指标分值合计", c.closing["weight_total"], "分", c.closing["total_row"], None)]


def _read_department(rd: _SheetReader) -> None:
    c = _read_common(rd)
    # the table's 单位名称 names the department; a heading line "单位名称：…" above it is the issuer's
    in_table = rd.field(L_DEPT_NAME, c.head_end, inline=False)
    if not (in_table and in_table[0]):  # 安徽: "部门 | 金寨县茶谷和美丽乡村建设服务中心" in the table
        in_table = rd.field(("部门",), c.head_end, inline=False)
    department = in_table[0] if in_table and in_table[0] else rd.required_text(
        L_DEPT_NAME, "部门（单位）名称", "department name", c.head_end)
    if c.funds_header is None:
        rd.problem(None, None, "未找到部门整体支出预算表头（全年预算数、全年执行数）",
                   "the funds header (全年预算数, 全年执行数) was not found")
    total = c.funds.get("年度资金总额")
    if c.funds_header is not None and total is None:
        rd.problem(c.funds_header, 1, "未找到“年度资金总额”行", "the 年度资金总额 row was not found")
    money = _total_money(rd, c, total)
    splits = {n: rd.fund_values(v, c.scale, n) for n, v in c.funds.items() if n != "年度资金总额"}
    inline = _inline_splits(rd, c)
    if not rd.ok or not department or c.year is None:
        return
    program_id = program_id_for(DEPARTMENT, c.year, department)
    source_id = source_id_for(program_id)
    region = c.region or place_of(department)  # the department's own place: "金寨县…服务中心" → 金寨县
    rd.out.add_source(_source_row(source_id, f"{department}{c.year}年度绩效自评表", rd.out.label,
                                  _issuer(rd, c, department)),
                      rd.g.title)
    rd.out.add_program({
        "program_id": program_id, "program_name": f"{department}{c.year}年度部门预算", "year": c.year,
        "program_kind": "部门预算", "department": department, "region": region,
        "objective": _program_objective(c.objectives),
        "source_id": source_id, "source_ref": f"{source_id} {rd.g.title}", "note": _choices_note(c),
    }, rd.g.title, 1)
    rd.out.add("execution", {
        "program_id": program_id, "region": region, "as_of": dt.date(c.year, 12, 31),
        "budget": money.get("budget"), "executed": money.get("executed"),
        "stated_execution_rate": money.get("rate"),
        "source_ref": f"{source_id} {rd.g.title}!{total['_row']}行",
        "note": "\n".join(n for n in ("部门整体支出（自评表年度资金总额）", money.get("_note")) if n),
    }, rd.g.title, total["_row"])
    seq = 0
    figures = []
    if money.get("budget_initial") is not None:
        figures.append(("年度资金总额年初预算数", money["budget_initial"], "万元", total["_row"], None))
    for row_name, values in splits.items():
        figures += _row_figures(row_name, values, c.funds[row_name]["_row"])
    figures += inline + _closing_figures(c)
    if c.closing.get("score") is not None:
        rating = c.closing.get("rating")
        figures.append(("部门整体支出绩效自评得分", c.closing["score"], "分", c.head_end,
                        f"自评等级：{rating}" if rating else None))
    for metric, value, unit, row, text in figures:
        seq += 1
        _stated(rd, program_id, None, source_id, seq, metric, value, unit, row, text=text)
    _add_objectives(rd, c, program_id, source_id)
    _add_indicators(rd, c, program_id, None, source_id, region)
    _add_parts(rd, c, program_id, None, source_id,
               {"weight": money.get("weight"), "stated_score": money.get("score"),
                "status_text": _status(money), "_row": total["_row"]})


def _inline_splits(rd: _SheetReader, c: _Common) -> list[tuple]:
    """Revenue/expenditure splits written as "一般公共预算：1234" beside the table."""
    found = []
    for name in ("一般公共预算", "政府性基金预算", "国有资本经营预算", "财政专户管理资金", "单位资金",
                 "基本支出", "项目支出"):
        if name in c.funds:
            continue
        hit = rd.field(FUND_ROWS[name], c.head_end)
        if hit is None or hit[0] is None:
            continue
        value = rd.convert_cell(_amount, hit[0], hit[1], hit[2], name, c.scale)
        if value is not None:
            found.append((name, value, "万元", hit[1], None))
    return found


_OBJECTIVE_LABEL = re.compile(r"^\s*([^，。；,;:：\s]{2,20})\s*[:：]\s*")


def _program_objective(objectives: list[tuple]) -> str | None:
    """The program's 年度总体目标: the unlabelled 预期目标 rows ("目标1：…" rows are labelled),
    or every row when all are labelled."""
    expected = [e for e, _, _ in objectives if e]
    plain = [e for e in expected if not _OBJECTIVE_LABEL.match(e)]
    return "\n".join(plain or expected) or None


def _status(money: dict) -> str | None:
    """What the funds block says beside the execution score: why spending fell short (原因), how
    the score is computed (得分计算方法)."""
    parts = [money.get("reason"), f"得分计算方法：{money['method']}" if money.get("method") else None]
    return "；".join(p for p in parts if p) or None


def _add_objectives(rd: _SheetReader, c: _Common, program_id: str, source_id: str) -> None:
    seq = 0
    for expected, achieved, row in c.objectives:
        seq += 1
        label = None
        m = _OBJECTIVE_LABEL.match(expected or "")
        if m:
            label, expected = m[1], expected[m.end():] or None
        rd.out.add("objectives", {"program_id": program_id, "seq": seq, "label": label or "年度总体目标",
                                  "expected": expected, "actual_text": achieved,
                                  "source_ref": f"{source_id} {rd.g.title}!{row}行"}, rd.g.title, row)
    for item, text, problems, row in c.funds_texts:  # 资金管理情况 | 分配科学性 | 情况说明
        if text or problems:
            seq += 1
            rd.out.add("objectives", {"program_id": program_id, "seq": seq, "label": f"资金管理情况：{item}",
                                      "actual_text": _funds_text(text, problems),
                                      "source_ref": f"{source_id} {rd.g.title}!{row}行"}, rd.g.title, row)
    for name, label in (("conclusion", "评价结论"), ("problems", "存在问题"), ("improvement", "改进措施"),
                        ("note", "备注")):
        if c.closing.get(name):
            seq += 1
            rd.out.add("objectives", {"program_id": program_id, "seq": seq, "label": label,
                                      "actual_text": c.closing[name],
                                      "source_ref": f"{source_id} {rd.g.title}"}, rd.g.title, c.head_end)


_COUNTY_DEPT = ("旗县主管部门", "市县主管部门", "县级主管部门", "区级主管部门", "县(市、区)主管部门")
_CITY_DEPT = ("盟市主管部门", "市级主管部门", "市州主管部门")


def _other_departments(rd: _SheetReader, c: _Common, chosen: tuple | None) -> list[str]:
    """The departments of the other levels beside the local one ("自治区主管部门：…"), as note lines."""
    lines = []
    for r in range(1, c.head_end + 1):
        for col, value in rd.g.row_cells(r):
            if not isinstance(value, str) or label_key(value) in L_CENTRAL_DEPT or \
                    not label_in(label_key(value), ("主管部门",)) or chosen and chosen[1] == r and \
                    rd.g.value_right(r, col) and rd.g.value_right(r, col)[2] == chosen[2]:
                continue
            right = rd.g.value_right(r, col)
            if right is not None and _text(right[0]):
                rd.g.use(r, col)
                rd.g.use(right[1], right[2])
                lines.append(f"{value.strip()}：{_text(right[0])}")
    return lines


def _read_region(rd: _SheetReader) -> None:
    c = _read_common(rd)
    name = rd.required_text(L_TRANSFER_NAME, "转移支付（项目）名称", "transfer program name", c.head_end)
    # the most local department first: 旗县 / 市县 before 盟市 before 自治区 (内蒙古 prints all three)
    local = next((hit for keys in (_COUNTY_DEPT, _CITY_DEPT, L_LOCAL_DEPT[:-1], ("主管部门",))
                  if (hit := rd.field(keys, c.head_end)) and hit[0]), None)
    central = rd.field(L_CENTRAL_DEPT, c.head_end)
    department = (local[0] if local else None) or (central[0] if central else None)
    other_departments = _other_departments(rd, c, local)
    if not department:
        rd.problem(None, None, "未找到“地方主管部门”", "地方主管部门 (local department) not found")
    user = rd.field(L_IMPLEMENTER, c.head_end)
    finance = rd.field(L_FINANCE, c.head_end)
    # the region is the place of the unit that spends the money, else of the local department:
    # "巴彦淖尔市临河区财政局" is 临河区, not 巴彦淖尔市
    region = c.region or place_of(user[0] if user else None) or place_of(department)
    if c.funds_header is None:
        rd.problem(None, None, "未找到资金投入情况表头（全年预算数、全年执行数）",
                   "the funds header (全年预算数, 全年执行数) was not found")
    # 中央补助 / 地方资金 / 其他资金, or the sources as the form names them (省级配套资金 …)
    sources = {n: rd.fund_values(v, c.scale, n) for n, v in c.funds.items() if n != "年度资金总额"}
    for fund, values in sources.items():
        if values.get("executed") is not None and values.get("budget") is None:
            _, r, col = c.funds[fund].get("budget", (None, c.funds[fund]["_row"], 1))
            rd.problem(r, col, f"{fund}的全年预算数为空", f"the {fund} budget is empty")
    total_cells = c.funds.get("年度资金总额")
    total = rd.fund_values(total_cells, c.scale, "年度资金总额") if total_cells else {}
    if c.funds_header is not None and not sources and not total:
        rd.problem(c.funds_header, 1, "资金投入情况中没有中央补助、地方资金或其他资金的金额",
                   "no amounts for 中央补助, 地方资金 or 其他资金")
    if not rd.ok or not name or not department or c.year is None:
        return
    program_id = program_id_for(REGION, c.year, department, name, region or "")
    source_id = source_id_for(program_id)
    title = f"{region or ''}{name}{c.year}年度区域绩效自评表"
    rd.out.add_source(_source_row(source_id, title, rd.out.label, _issuer(rd, c, department)), rd.g.title)
    expected = _program_objective(c.objectives)
    central_note = "\n".join(
        ([f"中央主管部门：{central[0]}"] if central and central[0] and local else [])
        + ([f"资金使用单位：{user[0]}"] if user and user[0] else [])
        + ([f"地方财政部门：{finance[0]}"] if finance and finance[0] else [])
        + other_departments
        + [n for n in (_choices_note(c),) if n]) or None
    rd.out.add_program({
        "program_id": program_id, "program_name": name, "year": c.year, "program_kind": "转移支付",
        "department": department, "region": region, "objective": expected, "source_id": source_id,
        "source_ref": f"{source_id} {rd.g.title}", "note": central_note,
    }, rd.g.title, 1)
    held: dict[str, tuple[str, ...]] = {}  # per source, the figures its rows below hold
    for fund, values in sources.items():
        row = c.funds[fund]["_row"]
        ref = f"{source_id} {rd.g.title}!{row}行"
        held[fund] = ()
        if values.get("budget") is not None and region:
            held[fund] = ("budget",)
            rd.out.add("allocations", {"program_id": program_id, "region": region, "fund_source": fund,
                                       "amount": values["budget"], "source_ref": ref}, rd.g.title, row)
        if values.get("budget") is not None and values.get("executed") is not None:
            held[fund] = ("budget", "executed", "rate")
            rd.out.add("execution", {
                "program_id": program_id, "region": region, "fund_source": fund,
                "as_of": dt.date(c.year, 12, 31), "budget": values["budget"], "executed": values["executed"],
                "stated_execution_rate": values.get("rate"), "source_ref": ref}, rd.g.title, row)
    seq = 0
    if total:
        row = total_cells["_row"]
        for fname, metric, unit, aggregate, scale in (
                ("budget", "年度资金总额（全年预算数）", "万元", "资金合计", 1),
                ("executed", "年度资金总额（全年执行数）", "万元", "无", 1),
                ("rate", "年度资金总额执行率", "%", "无", 100)):
            if total.get(fname) is not None:
                seq += 1
                _stated(rd, program_id, None, source_id, seq, metric, total[fname] * scale, unit, row,
                        aggregate=aggregate if region else "无", region=region)
    skipped = [f for name, values in sources.items()  # what the execution rows do not hold
               for f in _row_figures(name, values, c.funds[name]["_row"], held[name])]
    total_rest = _row_figures("年度资金总额", total, total_cells["_row"], ("budget", "executed", "rate")) \
        if total else []
    for metric, value, unit, row, text in skipped + total_rest + _closing_figures(c):
        seq += 1
        _stated(rd, program_id, None, source_id, seq, metric, value, unit, row, text=text, region=region)
    _add_objectives(rd, c, program_id, source_id)
    _add_indicators(rd, c, program_id, None, source_id, region)


def merge_into(merged: ParsedWorkbook, one: ParsedWorkbook) -> None:
    """Before ``one`` (a form file) joins ``merged`` (the files read so far in this load): drop
    the program and source rows ``merged`` already holds, because several form files of one
    department and year share a derived program and its source. The kept program row gains
    the empty fields the dropped one fills; the kept source row names every file."""
    for table, key in (("programs", "program_id"), ("sources", "source_id")):
        known = {r[key]: r for r in merged.tables[table]}
        rows, origins = [], []
        for row, origin in zip(one.tables[table], one.origins[table], strict=True):
            existing = known.get(row[key])
            if existing is None or not _DERIVED_ID.fullmatch(row[key]):
                rows.append(row)
                origins.append(origin)
                continue
            for column, value in row.items():
                if existing.get(column) is None and value is not None:
                    existing[column] = value
            if table == "sources" and row["file_name"] not in existing["file_name"].split("、"):
                existing["file_name"] += "、" + row["file_name"]
        one.tables[table], one.origins[table] = rows, origins
