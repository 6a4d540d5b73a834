"""Scoring the form reader against the published-form corpus (tests/corpus/forms/<id>.json, with
<id>.xlsx and <id>.docx beside each, built from the JSON by tests/corpus/forms/build.py).

Each form's "expected" was written by hand from the published form before the reader read it.
A form is read from each file with the product's reader (lib.intake.pipeline, the road an
upload takes); what was read is turned back into the shape of "expected" (``as_expected``) and
compared role by role (``score``):

* a value the form states (expected not null) is *found* when read equal, *wrong* when read
  different, *missing* when not read;
* a value read where the form states none is *extra* (listed apart from wrong: it is what the
  reader added, such as a total it computed and noted).

Texts compare after folding width and whitespace; amounts within 0.000001 万元; rates as
fractions within 0.00001; an actual read with the target's unit joined ("1次", where the form
splits 度量单位 off and the expectation writes the cell's "1") counts as found. Indicators pair by their 三级 name (folded), else by order.

SEALED forms ("sealed": true) are scored into totals only: ``report`` never prints one of
their per-form or per-role lines, and a sealed form's reading problems count without their
text.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from lib.intake.form_layout import FUND_ROWS, label_key
from lib.intake.pipeline import read_workbooks

FORMS_DIR = Path(__file__).resolve().parent / "corpus" / "forms"
FUND_FIELDS = ("budget_initial", "budget", "executed", "execution_rate", "weight", "score")
INDICATOR_FIELDS = ("level3", "target", "actual", "weight", "score")
SCALAR_ROLES = ("name", "year", "department", "implementing_unit", "region", "goal_expected",
                "goal_actual", "total_score", "rating")
ROLES = (*SCALAR_ROLES, *(f"funds.{f}" for f in FUND_FIELDS), *(f"indicators.{f}" for f in INDICATOR_FIELDS))
FORMATS = ("xlsx", "docx")


@dataclass
class Form:
    id: str
    province: str
    level: str
    kind: str
    sealed: bool
    expected: dict
    files: dict[str, bytes]


def load_forms(directory: Path = FORMS_DIR) -> list[Form]:
    """Every corpus form whose .xlsx and .docx have been built."""
    forms = []
    for path in sorted(directory.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        files = {fmt: path.with_suffix(f".{fmt}").read_bytes() for fmt in FORMATS
                 if path.with_suffix(f".{fmt}").exists()}
        if len(files) < len(FORMATS):
            continue
        forms.append(Form(data["id"], data.get("province", ""), data.get("level", ""), data.get("kind", ""),
                          bool(data.get("sealed")), data["expected"], files))
    return forms


# ---------------------------------------------------------------- what the reader read, as "expected"

_COLUMNS = {"年初预算数": "budget_initial", "全年预算数": "budget", "全年执行数": "executed",
            "执行率": "execution_rate", "分值": "weight", "得分": "score"}


def fold(value: object) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))


def fund_name(label: str) -> str:
    """A funds row's name as the reader names it: the canonical row (年度资金总额, 当年财政拨款 …)
    its label is a variant of, else the label as printed without 其中：."""
    key = label_key(label)
    bare = re.sub(r"\(.*\)$", "", key)
    for canonical, variants in FUND_ROWS.items():
        if key in variants or bare in variants:
            return canonical
    return re.sub(r"^其中[:：,、]?", "", str(label).strip())


def _funds_from_figures(figures: list[dict], funds: dict[str, dict]) -> None:
    """Stated figures named "<row><column>" (当年财政拨款全年预算数 …) into funds rows."""
    for f in figures:
        metric = f["metric"]
        for column, name in _COLUMNS.items():
            if metric.endswith(column) and len(metric) > len(column):
                row = metric[: -len(column)]
                if row.startswith("年度资金总额") and row != "年度资金总额":
                    continue
                value = f["value"] / 100 if f["unit"] == "%" else f["value"]
                funds.setdefault(row, {})[name] = value
                break


def as_expected(parsed) -> dict:
    """The records of one form file in the shape of a corpus form's "expected"."""
    t = parsed.tables
    program = t["programs"][0] if t["programs"] else {}
    project = t["projects"][0] if t["projects"] else None
    parts = {p["part"]: p for p in t["score_parts"]}
    funds: dict[str, dict] = {}
    out = {"year": program.get("year"), "department": program.get("department"),
           "region": (project or program).get("region"), "implementing_unit": None}
    execution_part = parts.get("预算执行率", {})
    if project is not None:
        out |= {"name": project["project_name"], "implementing_unit": project["implementing_unit"],
                "goal_expected": project["objective"], "goal_actual": project["objective_actual"],
                "total_score": project["stated_score"], "rating": project["stated_rating"]}
        funds["年度资金总额"] = {"budget_initial": project["budget_initial"], "budget": project["budget"],
                             "executed": project["executed"],
                             "execution_rate": project["stated_execution_rate"]}
        if project["appropriation"] is not None:
            funds["当年财政拨款"] = {"budget": project["appropriation"]}
        _funds_from_figures(t["stated_figures"], funds)
    else:
        transfer = program.get("program_kind") == "转移支付"
        goals = [o for o in t["objectives"] if o["label"] not in ("评价结论", "存在问题", "改进措施", "备注")
                 and not o["label"].startswith("资金管理情况")]  # the funds area's text block
        expected_goal = "\n".join((o["expected"] if o["label"] == "年度总体目标" else f"{o['label']}：{o['expected']}")
                                  for o in goals if o["expected"])
        note = program.get("note") or ""
        user = re.search(r"资金使用单位：(.+)", note)
        out |= {"name": program.get("program_name") if transfer else program.get("department"),
                "implementing_unit": user[1].strip() if user else None,
                "goal_expected": expected_goal or None,
                "goal_actual": "\n".join(o["actual_text"] for o in goals if o["actual_text"]) or None,
                "total_score": None, "rating": None}
        for e in t["execution"]:
            row = e.get("fund_source") or "年度资金总额"
            funds.setdefault(row, {}).update({"budget": e["budget"], "executed": e["executed"],
                                              "execution_rate": e["stated_execution_rate"]})
        for a in t["allocations"]:
            funds.setdefault(a["fund_source"], {}).setdefault("budget", a["amount"])
        for f in t["stated_figures"]:
            total = {"年度资金总额（全年预算数）": "budget", "年度资金总额（全年执行数）": "executed",
                     "年度资金总额执行率": "execution_rate", "年度资金总额年初预算数": "budget_initial"}.get(f["metric"])
            if total:
                funds.setdefault("年度资金总额", {})[total] = f["value"] / 100 if f["unit"] == "%" else f["value"]
            if f["metric"] == "部门整体支出绩效自评得分":
                out["total_score"] = f["value"]
                rating = re.search(r"自评等级：(.+)", f["text"] or "")
                out["rating"] = rating[1] if rating else None
        _funds_from_figures(t["stated_figures"], funds)
    if funds.get("年度资金总额") is not None:
        funds["年度资金总额"] |= {k: v for k, v in (("weight", execution_part.get("weight")),
                                                 ("score", execution_part.get("stated_score"))) if v is not None}
    out["funds"] = [{"source": name, **values} for name, values in funds.items()]
    out["indicators"] = [{"level1": i["level1"], "level2": i["level2"], "level3": i["level3"],
                          "target": i["target"], "actual": i["actual"], "weight": i["weight"],
                          "score": i["stated_score"]} for i in t["indicators"]]
    return out


# ---------------------------------------------------------------- comparing

@dataclass
class Tally:
    found: int = 0
    wrong: int = 0
    missing: int = 0
    extra: int = 0

    @property
    def stated(self) -> int:
        return self.found + self.wrong + self.missing

    @property
    def recall(self) -> float | None:
        return self.found / self.stated if self.stated else None

    def add(self, other: Tally) -> None:
        self.found += other.found
        self.wrong += other.wrong
        self.missing += other.missing
        self.extra += other.extra


@dataclass
class Result:
    """One form read from one file: per role, and the values that were not found or were wrong."""

    form: Form
    fmt: str
    imports_whole: bool
    problems: list[str]
    refused: bool = False  # a finding refuses it (not only cells the mapping step could place)
    roles: dict[str, Tally] = field(default_factory=lambda: {r: Tally() for r in ROLES})
    misses: list[str] = field(default_factory=list)

    def total(self) -> Tally:
        out = Tally()
        for t in self.roles.values():
            out.add(t)
        return out


def _same(role: str, want: object, got: object) -> bool:
    if isinstance(want, bool) or isinstance(got, bool):
        return want == got
    if isinstance(want, (int, float)) and isinstance(got, (int, float)):
        tolerance = 1e-5 if role.endswith("execution_rate") else 1e-6
        return abs(float(want) - float(got)) <= tolerance
    if isinstance(want, (int, float)) or isinstance(got, (int, float)):
        return fold(want) == fold(got)
    return fold(want) == fold(got)


def _unit_of(target: object) -> str:
    """The unit a target ends with ("≥1次" → 次, "=100%" → %): a split 度量单位 the reader joins to
    the actual too, where the expectations write the actual as its cell shows it."""
    m = re.search(r"[\d.]+\s*([^\d\s.]{1,4})$", fold(target or ""))
    return m[1] if m else ""


def _compare(result: Result, role: str, want: object, got: object, where: str, unit: str = "") -> None:
    tally = result.roles[role]
    if unit and want is not None and got is not None and fold(got) == fold(want) + unit:
        got = want  # "1次" read where the cell shows 1 beside 度量单位 次
    if want is None or want == "":
        if got is not None and got != "":
            tally.extra += 1
            result.misses.append(f"extra   {where}: read {got!r}")
        return
    if got is None or got == "":
        tally.missing += 1
        result.misses.append(f"missing {where}: {want!r}")
    elif _same(role, want, got):
        tally.found += 1
    else:
        tally.wrong += 1
        result.misses.append(f"wrong   {where}: {want!r} read {got!r}")


def score(form: Form, fmt: str) -> Result:
    label = f"{form.id}.{fmt}"
    try:
        parsed = read_workbooks([(label, form.files[fmt])])
    except Exception as exc:  # a crash is a result too: nothing was read
        result = Result(form, fmt, False, [f"reader raised {type(exc).__name__}: {exc}"], True)
        got: dict = {"funds": [], "indicators": []}
    else:
        problems = [str(f) for f in parsed.findings] + [u.message for u in parsed.blocking_unmapped]
        result = Result(form, fmt, not problems, problems, bool(parsed.findings))
        got = as_expected(parsed)
    want = form.expected
    for role in SCALAR_ROLES:
        _compare(result, role, want.get(role), got.get(role), role)
    read_funds = {fund_name(f["source"]): f for f in got["funds"]}
    for row in want.get("funds") or []:
        mine = read_funds.pop(fund_name(row["source"]), {})
        for f in FUND_FIELDS:
            _compare(result, f"funds.{f}", row.get(f), mine.get(f), f"funds[{row['source']}].{f}")
    for name, row in read_funds.items():  # funds rows the form does not have
        for f in FUND_FIELDS:
            _compare(result, f"funds.{f}", None, row.get(f), f"funds[{name}].{f}")
    read_indicators = list(got["indicators"])
    for i, row in enumerate(want.get("indicators") or []):
        key = fold(row.get("level3") or "")
        mine = next((r for r in read_indicators if fold(r["level3"] or "") == key), None)
        if mine is None and i < len(got["indicators"]) and got["indicators"][i] in read_indicators:
            mine = got["indicators"][i]
        if mine is not None:
            read_indicators.remove(mine)
        for f in INDICATOR_FIELDS:
            _compare(result, f"indicators.{f}", row.get(f), (mine or {}).get(f),
                     f"indicators[{i + 1} {row.get('level3')}].{f}",
                     _unit_of(row.get("target")) if f == "actual" else "")
    for row in read_indicators:  # indicators the form does not have
        _compare(result, "indicators.level3", None, row["level3"], f"indicators[+ {row['level3']}]")
    return result


def score_all(forms: list[Form]) -> list[Result]:
    return [score(form, fmt) for form in forms for fmt in FORMATS]


# ---------------------------------------------------------------- printing

def _pct(t: Tally) -> str:
    return f"{t.recall:6.1%}" if t.recall is not None else "     -"


def _line(name: str, t: Tally) -> str:
    return f"{name:<28} {t.stated:>6} {t.found:>6} {_pct(t)} {t.wrong:>6} {t.missing:>7} {t.extra:>6}"


HEAD = f"{'':<28} {'stated':>6} {'found':>6} {'recall':>6} {'wrong':>6} {'missing':>7} {'extra':>6}"


def totals(results: list[Result]) -> tuple[Tally, dict[str, Tally], int]:
    """(all roles, per role, how many files imported whole)."""
    overall, per_role = Tally(), {r: Tally() for r in ROLES}
    for res in results:
        for role, t in res.roles.items():
            per_role[role].add(t)
            overall.add(t)
    return overall, per_role, sum(r.imports_whole for r in results)


def report(results: list[Result], details: bool = True) -> str:
    """Open forms per form, per role and per province; sealed forms in totals only."""
    lines = []
    open_ = [r for r in results if not r.form.sealed]
    sealed = [r for r in results if r.form.sealed]
    lines.append(f"OPEN forms: {len({r.form.id for r in open_})} (each from {', '.join(FORMATS)})")
    lines.append(HEAD)
    for res in open_:
        name = f"{res.form.id[:22]}.{res.fmt}"
        lines.append(_line(name, res.total()) + ("" if res.imports_whole else "  NOT WHOLE"))
        if details:
            lines += [f"    {p}" for p in res.problems[:6]]
            lines += [f"    {m}" for m in res.misses[:40]]
    overall, per_role, whole = totals(open_)
    lines.append("open, per role:")
    lines.append(HEAD)
    lines += [_line(role, t) for role, t in per_role.items() if t.stated or t.extra]
    provinces = Counter()
    by_province: dict[str, Tally] = {}
    for res in open_:
        by_province.setdefault(res.form.province, Tally()).add(res.total())
        provinces[res.form.province] += 1
    lines.append("open, per province (files):")
    lines.append(HEAD)
    lines += [_line(f"{p} ({provinces[p]})", t) for p, t in sorted(by_province.items())]
    lines.append(_line("OPEN TOTAL", overall) + f"  imports whole: {whole}/{len(open_)} files")
    lines.append(_line("open, files imported whole", totals([r for r in open_ if r.imports_whole])[0]))
    if sealed:
        s_overall, _, s_whole = totals(sealed)
        lines.append(_line("SEALED TOTAL", s_overall)
                     + f"  imports whole: {s_whole}/{len(sealed)} files ({len({r.form.id for r in sealed})} forms)")
        lines.append(_line("sealed, files imported whole", totals([r for r in sealed if r.imports_whole])[0]))
    return "\n".join(lines)


if __name__ == "__main__":  # python tests/published_forms_score.py [--open-only] [--brief] [DIR]
    import sys

    dirs = [Path(a) for a in sys.argv[1:] if not a.startswith("--")]
    chosen = load_forms(dirs[0] if dirs else FORMS_DIR)
    if "--open-only" in sys.argv:
        chosen = [f for f in chosen if not f.sealed]
    print(report(score_all(chosen), details="--brief" not in sys.argv))
