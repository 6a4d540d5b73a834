"""A program is one program: match the programs of a drop to each other and to the stored ones,
merge the files of one program by role, and compare a form with its report (pure).

Matching rule (issue 22): two program rows are the same program when they are of the same
year and

* their names are equal after ``name_key`` (width, spaces and punctuation folded; the year,
  本级 and the closing words 绩效自评报告 / 自评表 / 年度 dropped), or
* both are a department's budget (部门预算) of the same department (``text_key``),

and nothing they both state contradicts it: the regions (one may name the other: 兰州 and
兰州新区), the departments, and for transfers the document number (下达文号) must agree where
both give one. A match on the name with every stated field agreeing is *sure*; a match on the
department alone, or where one side lacks the department, asks for confirmation.

Merging by role: the files of one program (and, when it updates a stored program, the stored
rows) become one set of rows. Records are matched by what they are about, not by their ids: a
project by its name, an indicator by its project and 三级指标, a score part by its part, … The
file of higher rank gives a figure where both give one: form > dataset > report > stored.
Where a form and a report both give one and they differ beyond the stated precision, that is a
``Disagreement`` (不符), quoting the form's cell and the report's sentence.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field

from lib.intake import workbook_spec as spec

FORM_RANK = {"stored": 0, "report": 1, "dataset": 2, "form": 3}
_YEAR = re.compile(r"(?:19|20)\d{2}\s*年度?")
_DROP_WORDS = ("绩效自评工作总结", "绩效自评报告", "绩效自评表", "自评报告", "自评表", "绩效评价报告",
               "本级", "年度")
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


# What a page saved from the web puts before a report's title ("# 来源: https://… |"): the report
# reader may keep it in the name or the region, and it names no program.
_WEB_SOURCE = re.compile(r"#?\s*来源\s*[:：]?\s*https?://\S*\s*\|?|https?://\S+")


def text_key(text: object) -> str:
    """A text folded for comparison: NFKC (full width → half width), no spaces or punctuation."""
    if text is None:
        return ""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", str(text))).lower()


def name_key(name: object) -> str:
    """A program's or project's name for matching: ``text_key`` without the year and the words
    around it that vary between a form and a report of the same program."""
    text = _WEB_SOURCE.sub("", unicodedata.normalize("NFKC", str(name or "")))
    text = _YEAR.sub("", text)
    for word in _DROP_WORDS:
        text = text.replace(word, "")
    return text_key(text)


def _known(text: object) -> str:
    """A stated field, or "" for a placeholder the report reader writes when the text has none
    (（报告未写明主管部门）)."""
    key = text_key(_WEB_SOURCE.sub("", unicodedata.normalize("NFKC", str(text or ""))))
    return "" if not key or key.startswith("报告未") else key


def _compatible(a: str, b: str) -> bool:
    return not a or not b or a.startswith(b) or b.startswith(a)


@dataclass(frozen=True)
class Match:
    """``program_id`` matches; ``sure``: by name with every stated field agreeing; ``why``: the
    fields that agreed (for the triage's wording)."""

    program_id: str
    sure: bool
    why: str


def same_program(a: dict, b: dict) -> Match | None:
    """Whether program rows ``a`` and ``b`` are one program (see the module docstring); the Match
    names ``b``'s id."""
    if a.get("year") is None or a.get("year") != b.get("year"):
        return None
    region_a, region_b = _known(a.get("region")), _known(b.get("region"))
    dept_a, dept_b = _known(a.get("department")), _known(b.get("department"))
    if not _compatible(region_a, region_b):
        return None
    transfer = a.get("program_kind") == "转移支付" or b.get("program_kind") == "转移支付"
    doc_a, doc_b = text_key(a.get("doc_no")), text_key(b.get("doc_no"))
    if transfer and doc_a and doc_b and doc_a != doc_b:
        return None
    by_name = name_key(a.get("program_name")) == name_key(b.get("program_name")) != ""
    both_departments = a.get("program_kind") == b.get("program_kind") == "部门预算"
    if by_name:
        if dept_a and dept_b and dept_a != dept_b and not both_departments:
            return None
        if both_departments and dept_a and dept_b and dept_a != dept_b:
            return None
        agreed = ["年度", "名称"] + (["地区"] if region_a and region_b else []) + (
            ["主管部门"] if dept_a and dept_b else []) + (["文号"] if doc_a and doc_b else [])
        sure = bool(dept_a and dept_b) or (transfer and bool(doc_a and doc_b))
        return Match(b["program_id"], sure, "、".join(agreed))
    if both_departments and dept_a and dept_a == dept_b:
        return Match(b["program_id"], False, "年度、主管部门")
    return None


# ------------------------------------------------------------------ merging by role
# What a record is about, per table (after project ids are mapped to the merged program's).
def _record_key(table: str, row: dict) -> tuple:
    p = row.get("project_id")
    if table == "projects":
        return (name_key(row.get("project_name")),)
    if table == "indicators":
        return (p, _known(row.get("region")), text_key(row.get("level3")))
    if table == "score_parts":
        return (p, row.get("part"))
    if table == "objectives":
        return (p, row.get("seq"))
    if table == "execution":
        return (p, _known(row.get("region")), row.get("fund_source"), row.get("as_of"))
    if table == "allocations":
        return (p, _known(row.get("region")), row.get("fund_source"), row.get("fund_year"))
    if table == "progress":
        return (_known(row.get("region")), text_key(row.get("subject")), text_key(row.get("measure")))
    if table == "spending_items":
        return (p, text_key(row.get("item")))
    if table == "stated_figures":
        return (p, text_key(row.get("metric")), _known(row.get("region")), row.get("fund_source"),
                row.get("fund_year"), row.get("rating"))
    raise KeyError(table)


_SEQ_TABLES = ("objectives", "indicators", "spending_items", "stated_figures")
_IDS = {"program_id", "project_id", "seq", "source_id"}
_BOOKKEEPING = ("source_ref", "note", "sentence", "text")
# The figures a form and a report both state, compared (DOMAIN.md: budget, execution, rate,
# score, an indicator's target or actual): table -> (column, label, unit).
COMPARED = {
    "projects": (("budget", "全年预算数", "万元"), ("executed", "全年执行数", "万元"),
                 ("budget_initial", "年初预算数", "万元"), ("appropriation", "财政拨款", "万元"),
                 ("stated_execution_rate", "执行率", "%"), ("stated_score", "自评得分", "分"),
                 ("stated_rating", "自评等级", "")),
    "execution": (("budget", "全年预算数", "万元"), ("executed", "全年执行数", "万元"),
                  ("stated_execution_rate", "执行率", "%")),
    "indicators": (("target", "指标值", ""), ("actual", "实际完成值", ""), ("weight", "分值", "分"),
                   ("stated_score", "得分", "分")),
    "score_parts": (("weight", "分值", "分"), ("stated_score", "得分", "分")),
}


@dataclass
class Member:
    """One file's rows of one program (all tables, storage column names), with where each row
    came from: ``origins[table][i]`` = (file, sheet, row)."""

    kind: str  # form / dataset / report / stored
    label: str
    tables: dict[str, list[dict]]
    origins: dict[str, list[tuple[str, str, int]]]


@dataclass
class Disagreement:
    """A figure the form and the report of one program state differently (不符)."""

    program_id: str
    record: str  # the project's / indicator's name
    figure: str  # 全年执行数, 指标值 …
    unit: str
    form_value: object
    report_value: object
    form_place: str  # file › sheet › 第N行 › column
    report_place: str
    report_sentence: str | None
    project_id: str | None = None
    table: str = ""
    column: str = ""

    def text(self) -> str:
        quote = f"“{self.report_sentence}”" if self.report_sentence else "（报告未留原句）"
        return (f"{self.record} {self.figure}：自评表 {show(self.form_value, self.unit)}"
                f"（{self.form_place}），报告 {show(self.report_value, self.unit)}"
                f"（{self.report_place}：{quote}）")


def show(value: object, unit: str) -> str:
    """A compared figure as a reader writes it: rates as percentages, amounts with their unit."""
    if isinstance(value, float) and unit == "%":
        return f"{value * 100:.10g}%"
    if isinstance(value, float):
        return f"{value:.10g}{unit}"
    return f"{value}{unit}" if value is not None else "—"


@dataclass
class Merged:
    """The merged rows of one program, with their origins and the form-vs-report differences."""

    tables: dict[str, list[dict]]
    origins: dict[str, list[tuple[str, str, int]]]
    disagreements: list[Disagreement] = field(default_factory=list)
    # (table, row index) -> "report" for a row only a report gave, else "other"
    kind_of: dict[tuple[str, int], str] = field(default_factory=dict)


def _differs(a: object, b: object) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return not math.isclose(float(a), float(b), rel_tol=0, abs_tol=1e-6)
    return a != b


def _decimals(value: float) -> int:
    text = f"{value:.10f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def numbers_differ(a: object, b: object, rate: bool = False) -> bool:
    """Whether two stated figures differ beyond the precision they are stated to (DOMAIN.md "When a
    stated figure is not a contradiction"): the less precise one spans half its last digit;
    a whole number is exact (the audit's default, integer_amounts_exact). Texts (an indicator's
    "≥90%") compare by the numbers in them, else as folded text."""
    if isinstance(a, str) or isinstance(b, str):
        na, nb = _numbers(a), _numbers(b)
        if na and nb:
            return len(na) != len(nb) or any(numbers_differ(x, y) for x, y in zip(na, nb, strict=True))
        return text_key(a) != text_key(b)
    fa, fb = float(a), float(b)
    if math.isclose(fa, fb, rel_tol=0, abs_tol=1e-9):
        return False
    if rate:  # fractions: the precision is that of the percentage as written
        fa, fb = fa * 100, fb * 100
    places = min(_decimals(fa), _decimals(fb))
    tolerance = 0.5 * 10 ** -places if places else 1e-9
    return abs(fa - fb) > tolerance + 1e-12


_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _numbers(value: object) -> list[float]:
    text = unicodedata.normalize("NFKC", str(value or "")).replace(",", "")
    return [float(n) for n in _NUMBER.findall(text)]


def _place(origin: tuple[str, str, int], column: str, table: str) -> str:
    file, sheet, row = origin
    header = spec.SHEETS_BY_TABLE[table].column(column).header
    where = f"{file} › {sheet}" if sheet else file
    return f"{where} › 第{row}行 › {header}" if row else f"{where} › {header}"


def merge(members: list[Member], target_id: str, program_row: dict | None = None) -> Merged:
    """The rows of one program from several files (and the stored rows, as a member of kind
    "stored"), merged by role (module docstring), every row under ``target_id``.

    ``program_row``: the program row to keep (the stored one when updating); else the highest-
    ranked member's, with the empty fields filled from the others.
    """
    ordered = sorted(members, key=lambda m: FORM_RANK[m.kind])  # lowest first: later ones override
    out = Merged({s.table: [] for s in spec.SHEETS}, {s.table: [] for s in spec.SHEETS})
    # the program row
    programs = [(m, r) for m in ordered for r in m.tables.get("programs", [])]
    if program_row is not None:
        row = dict(program_row)
    else:
        row = dict(programs[-1][1])
        for _, other in reversed(programs[:-1]):
            for column, value in other.items():
                if row.get(column) is None and value is not None:
                    row[column] = value
    row["program_id"] = target_id
    out.tables["programs"].append(row)
    out.origins["programs"].append(next((m.origins["programs"][0] for m in reversed(ordered)
                                         if m.kind != "stored" and m.origins.get("programs")),
                                        ("（库中已有）", spec.SHEETS_BY_TABLE["programs"].name, 0)))
    # sources: every file's own, by id
    seen_sources: set[str] = set()
    for m in ordered:
        for r, origin in zip(m.tables.get("sources", []), m.origins.get("sources", []), strict=True):
            if r["source_id"] not in seen_sources:
                seen_sources.add(r["source_id"])
                out.tables["sources"].append(dict(r))
                out.origins["sources"].append(origin)
    # projects: one per name; the id of the lowest-ranked member that has it (the stored id first)
    project_map: dict[tuple[int, str], str] = {}  # (member index, its project id) -> merged id
    by_key: dict[tuple, int] = {}
    kinds: dict[tuple[str, int], dict[str, tuple]] = {}  # (table, row index) -> kind -> (origin, its row)
    project_owner: dict[tuple, int] = {}
    for mi, m in enumerate(ordered):
        for r, origin in zip(m.tables.get("projects", []), m.origins.get("projects", []), strict=True):
            key = _record_key("projects", r)
            while key in by_key and project_owner.get(key) == mi:
                key = (key, "again")
            project_owner.setdefault(key, mi)
            if key in by_key:
                i = by_key[key]
                project_map[(mi, r["project_id"])] = out.tables["projects"][i]["project_id"]
                _overlay(out, "projects", i, r, m, origin, kinds)
            else:
                new = dict(r, program_id=target_id)
                project_map[(mi, r["project_id"])] = new["project_id"]
                by_key[key] = len(out.tables["projects"])
                out.tables["projects"].append(new)
                out.origins["projects"].append(origin)
                kinds[("projects", by_key[key])] = {m.kind: (origin, r)}
    # the other tables
    for sheet in spec.SHEETS:
        table = sheet.table
        if table in ("sources", "programs", "projects"):
            continue
        by_key = {}
        owner: dict[tuple, int] = {}
        for mi, m in enumerate(ordered):
            for r, origin in zip(m.tables.get(table, []), m.origins.get(table, []), strict=True):
                r = dict(r, program_id=target_id)
                if "project_id" in r and r["project_id"] is not None:
                    r["project_id"] = project_map.get((mi, r["project_id"]), r["project_id"])
                key = _record_key(table, r)
                if table == "objectives":
                    key = (key, mi if m.kind != "stored" else -1)  # objectives are numbered per file
                while key in by_key and owner.get(key) == mi:  # one file's two rows stay two rows
                    key = (key, "again")
                if key in by_key:
                    _overlay(out, table, by_key[key], r, m, origin, kinds)
                    continue
                owner[key] = mi
                by_key[key] = len(out.tables[table])
                out.tables[table].append(dict(r))  # a copy: ``r`` stays the file's own for the comparison
                out.origins[table].append(origin)
                kinds[(table, by_key[key])] = {m.kind: (origin, r)}
    out.disagreements = _disagreements(out, kinds, target_id)
    out.kind_of = {k: "stored" if "stored" in v else "report" if set(v) == {"report"} else "other"
                   for k, v in kinds.items()}
    return out


def number_rows(merged: Merged) -> None:
    """序号 of the tables numbered per project: a stored row keeps its own (so the diff compares it
    with itself), every other row the next free number of its project."""
    for table in _SEQ_TABLES:
        rows = merged.tables[table]
        kept = [merged.kind_of.get((table, i)) == "stored" for i in range(len(rows))]
        top: dict[object, int] = {}
        for row, stored in zip(rows, kept, strict=True):
            if stored:
                top[row.get("project_id")] = max(top.get(row.get("project_id"), 0), int(row["seq"]))
        for row, stored in zip(rows, kept, strict=True):
            if not stored:
                scope = row.get("project_id")
                top[scope] = top.get(scope, 0) + 1
                row["seq"] = top[scope]


def _overlay(out: Merged, table: str, i: int, row: dict, m: Member, origin, kinds) -> None:
    """``row`` (of higher rank) over the merged row ``i``: its stated values replace, its empty ones
    keep what is there. Each kind's row is remembered for the form-vs-report comparison."""
    target = out.tables[table][i]
    by_kind = kinds.setdefault((table, i), {})
    # a report over a record a form, a dataset or the store gives: a re-reading of prose, so it
    # updates the compared figures and fills what is empty, never rewrites the record's texts
    # (its labels, regions, aggregates) or the stated figures an analyst transcribed
    restricted = m.kind == "report" and any(k != "report" for k in by_kind)
    compared = {c for c, _, _ in COMPARED.get(table, ())}
    changed = False
    for column, value in row.items():
        if column in _IDS or column in _BOOKKEEPING or value is None:
            continue
        if restricted and column not in compared and target.get(column) is not None:
            continue
        changed = changed or _differs(target.get(column), value)
        target[column] = value
    # where the row restates a stored record unchanged, the record keeps its own 出处, note and
    # sentence: a report re-read is no reason to rewrite what the analyst transcribed
    if changed or "stored" not in by_kind:
        for column in _BOOKKEEPING:
            if row.get(column) is not None:
                target[column] = row[column]
        if m.kind != "stored":
            out.origins[table][i] = origin
    by_kind.setdefault(m.kind, (origin, row))


def _disagreements(out: Merged, kinds, program_id: str) -> list[Disagreement]:
    found = []
    for (table, i), by_kind in kinds.items():
        if "form" not in by_kind or "report" not in by_kind:
            continue
        (form_origin, form_row), (report_origin, report_row) = by_kind["form"], by_kind["report"]
        merged_row = out.tables[table][i]
        for column, label, unit in COMPARED.get(table, ()):
            fv, rv = form_row.get(column), report_row.get(column)
            if fv is None or rv is None:
                continue
            if column == "stated_rating":
                if text_key(fv) == text_key(rv):
                    continue
            elif not numbers_differ(fv, rv, rate=column == "stated_execution_rate"):
                continue
            name = merged_row.get("level3") or merged_row.get("part") or _project_name(out, merged_row) \
                or "整体"
            found.append(Disagreement(
                program_id, str(name), label, unit, fv, rv, _place(form_origin, column, table),
                report_row.get("source_ref") or report_origin[0], report_row.get("sentence") or None,
                merged_row.get("project_id"), table, column))
    return found


def _project_name(out: Merged, row: dict) -> str | None:
    if "project_name" in row:
        return row["project_name"]
    pid = row.get("project_id")
    return next((p["project_name"] for p in out.tables["projects"] if p["project_id"] == pid), None)
