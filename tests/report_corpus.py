"""The report corpus (tests/corpus/reports/): real published 自评报告 with their expected figures,
written by hand from the text before the reader was run on them, and the scorer that measures the
reader (lib/intake/report) against them role by role.

A role is what a figure *is* for the dashboard: the program's budget, its executed amount, its
stated rate (with its base), funds received (到位), an allocation to a region, a project's figures,
an indicator's target and actual, the score and the rating. For each expected figure the scorer
says: found (the draft holds it in the right place), misplaced (the right place holds another
value: worse than missing, since a page would show it) or missed.

Sealed reports (``"sealed": true``) are measured but never shown one by one: their per-report
results stay out of every printout, so the reader is never tuned on them.

Run ``python tests/report_corpus.py`` for the table (open reports per report; sealed in total).
"""

from __future__ import annotations

import difflib
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus" / "reports"
if str(HERE.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent))

HEADLINE_ROLES = (
    "budget",
    "budget_initial",
    "appropriation",
    "received",
    "executed",
    "execution_rate",
    "received_rate",
    "balance",
    "score",
    "rating",
)
ROLES = ("name", "year", *HEADLINE_ROLES, "allocation", "project", "indicator")


@dataclass
class Report:
    key: str
    text: str
    expected: dict
    source_line: str

    @property
    def sealed(self) -> bool:
        return bool(self.expected.get("sealed"))


def load() -> list[Report]:
    """Every report of the corpus with a .txt and a .json."""
    out = []
    for meta in sorted(CORPUS.glob("*.json")):
        txt = meta.with_suffix(".txt")
        if not txt.exists():
            continue
        raw = txt.read_text(encoding="utf-8")
        first, _, body = raw.partition("\n")
        out.append(Report(meta.stem, body if first.startswith("# 来源") else raw, json.loads(meta.read_text("utf-8")),
                          first))
    return out


@dataclass
class Score:
    found: dict[str, int] = field(default_factory=dict)
    misplaced: dict[str, int] = field(default_factory=dict)
    expected: dict[str, int] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    def add(self, role: str, outcome: str, what: str = "") -> None:
        self.expected[role] = self.expected.get(role, 0) + 1
        if outcome == "found":
            self.found[role] = self.found.get(role, 0) + 1
        elif outcome == "misplaced":
            self.misplaced[role] = self.misplaced.get(role, 0) + 1
            self.wrong.append(f"{role}: {what}")
        else:
            self.misses.append(f"{role}: {what}")

    def merge(self, other: Score) -> None:
        for mine, theirs in ((self.found, other.found), (self.misplaced, other.misplaced),
                             (self.expected, other.expected)):
            for k, v in theirs.items():
                mine[k] = mine.get(k, 0) + v

    def total(self, which: dict) -> int:
        return sum(which.values())

    @property
    def recall(self) -> float:
        n = self.total(self.expected)
        return self.total(self.found) / n if n else 1.0


def fold(text) -> str:
    text = unicodedata.normalize("NFKC", str(text or ""))
    return re.sub(r"[\s“”\"'‘’（）()《》<>〈〉【】\[\]、，,。.:：;；-]", "", text)


def similar(a, b) -> float:
    a, b = fold(a), fold(b)
    if not a or not b:
        return 0.0
    if a in b or b in a:
        return 1.0
    return difflib.SequenceMatcher(None, a, b).ratio()


def same_number(a, b, rel: float = 1e-6) -> bool:
    try:
        a, b = float(a), float(b)
    except (TypeError, ValueError):
        return False
    return abs(a - b) <= max(1e-6, rel * abs(b))


def _figures_of(text) -> list[float]:
    return [float(x) for x in re.findall(r"\d+(?:\.\d+)?", unicodedata.normalize("NFKC", str(text or "")))]


def same_value_text(draft, want) -> bool:
    """An indicator's target or actual: the same operator (where the corpus gives one) and the
    same numbers; a qualitative value by its words."""
    if want is None:
        return True
    d, w = fold(draft), fold(want)
    if not d:
        return False
    wn, dn = _figures_of(w), _figures_of(d)
    if wn:
        if [round(x, 6) for x in wn] != [round(x, 6) for x in dn]:
            return False
        ops = {"≥": "≥", ">=": "≥", "≤": "≤", "<=": "≤", ">": ">", "<": "<"}
        w_op = next((v for k, v in ops.items() if w.startswith(k)), "")
        d_op = next((v for k, v in ops.items() if d.startswith(k)), "")
        return not w_op or w_op == d_op
    return similar(d, w) >= 0.6


# ---------------------------------------------------------------- where a draft holds each role

_STATED_ROLE = {
    "budget_initial": (r"年初", "万元"),
    "appropriation": (r"拨款|实际下达|已下达|财政部.*下达", "万元"),
    "received": (r"到位|到账", "万元"),
    "received_rate": (r"到位", "%"),
    "balance": (r"结余|结转|未支出|未使用", "万元"),
}


def _program_level(rows: list[dict]) -> list[dict]:
    return [r for r in rows if not r.get("project_id")]


def _headline_record(tables: dict) -> dict | None:
    """The program-level execution record; a program of one source has it under that source."""
    program_level = _program_level(tables.get("execution", []))
    rows = [r for r in program_level if not r.get("fund_source")]
    if not rows and len(program_level) == 1:
        rows = program_level
    return rows[0] if rows else None


def _stated(tables: dict, pattern: str, unit: str, program_only: bool = True) -> list[dict]:
    rows = tables.get("stated_figures", [])
    if program_only:
        rows = _program_level(rows)
    return [r for r in rows if r.get("unit") == unit and re.search(pattern, str(r.get("metric") or ""))]


def _outcome(candidates: list, want, compare=same_number) -> tuple[str, str]:
    if any(compare(c, want) for c in candidates):
        return "found", ""
    if candidates:
        return "misplaced", f"{want} expected, draft has {candidates[:3]}"
    return "missed", f"{want}"


def score_headline(tables: dict, head: dict, score: Score) -> None:
    record = _headline_record(tables)
    base = head.get("rate_base") or "budget"
    projects = tables.get("projects", [])
    for role in HEADLINE_ROLES:
        want = head.get(role)
        if want in (None, ""):
            continue
        if role in ("budget", "executed"):
            got = [record[role]] if record and record.get(role) is not None else []
            if record is None and head.get("executed" if role == "budget" else "budget") is None:
                # the other of the two is not stated: this one can only be a stated figure
                got = [r["value"] for r in _stated(tables, "^预算数$" if role == "budget" else "^执行数$", "万元")]
        elif role == "execution_rate":
            if base == "budget" and record and record.get("stated_execution_rate") is not None:
                got = [record["stated_execution_rate"]]
            else:
                got = [r["value"] / 100 for r in _stated(tables, r"执行率|支出率|使用率", "%")]
                if record and record.get("stated_execution_rate") is not None:
                    got.insert(0, record["stated_execution_rate"])
        elif role == "score":
            got = [r["value"] for r in _stated(tables, r"得分|总分|自评分|评分|分数|综合", "分")]
            if len(projects) == 1 and projects[0].get("stated_score") is not None:
                got.append(projects[0]["stated_score"])
            got += [r.get("stated_score") for r in tables.get("score_parts", []) if r.get("part") == "总分"]
        elif role == "rating":
            got = [r.get("stated_rating") for r in projects if r.get("stated_rating")] if len(projects) == 1 else []
            got += [r.get("rating") for r in _stated(tables, r"得分", "分") if r.get("rating")]
            got += re.findall(r"自评等级：(优|良|中|差)", (tables.get("programs") or [{}])[0].get("note") or "")
            want = {"优秀": "优", "良好": "良", "中等": "中", "合格": "中", "不合格": "差"}.get(want, want)
            score.add(role, *_outcome(got, want, lambda a, b: a == b))
            continue
        else:
            pattern, unit = _STATED_ROLE[role]
            got = [r["value"] / 100 if unit == "%" else r["value"] for r in _stated(tables, pattern, unit)]
        outcome, what = _outcome(got, want)
        score.add(role, outcome, what)


def score_program(tables: dict, program: dict, score: Score) -> None:
    draft = (tables.get("programs") or [{}])[0]
    if program.get("name"):
        got = draft.get("program_name") or ""
        ok = similar(got, program["name"]) >= 0.7
        outcome = "found" if ok else ("missed" if got.startswith("（报告未写明") else "misplaced")
        score.add("name", outcome, f"{program['name']} / {got}")
    if program.get("year"):
        got = draft.get("year")
        outcome = "found" if got == program["year"] else ("misplaced" if got else "missed")
        score.add("year", outcome, f"{program['year']} / {got}")


def score_allocations(tables: dict, expected: list[dict], score: Score) -> None:
    rows = tables.get("allocations", [])
    for want in expected:
        region, source = want.get("region"), want.get("fund_source")
        same_place = [r for r in rows if (not region or similar(r.get("region"), region) >= 0.8)]
        if any(same_number(r.get("amount"), want.get("amount")) for r in same_place):
            score.add("allocation", "found")
        elif same_place and region:
            score.add("allocation", "misplaced", f"{region} {source} {want.get('amount')}: "
                                                 f"{[(r.get('fund_source'), r.get('amount')) for r in same_place][:3]}")
        else:
            score.add("allocation", "missed", f"{region} {source} {want.get('amount')}")


def score_projects(tables: dict, expected: list[dict], score: Score) -> None:
    rows = tables.get("projects", [])
    for want in expected:
        best = max(rows, key=lambda r: similar(r.get("project_name"), want.get("name")), default=None)
        match = best if best is not None and similar(best.get("project_name"), want.get("name")) >= 0.6 else None
        for key, col in (("budget", "budget"), ("executed", "executed"), ("execution_rate", "stated_execution_rate"),
                         ("score", "stated_score"), ("rating", "stated_rating")):
            if want.get(key) in (None, ""):
                continue
            if match is None:
                # a sub-project with a budget only cannot be a project record (its executed amount is
                # required to load): the reader keeps it as a stated figure naming it
                stated = [r for r in tables.get("stated_figures", []) if r.get("unit") == "万元"
                          and similar(r.get("metric"), want.get("name")) >= 0.8]
                if key == "budget" and want.get("executed") is None and stated:
                    ok = any(same_number(r["value"], want[key]) for r in stated)
                    score.add("project", "found" if ok else "misplaced", f"{want.get('name')} {key}")
                else:
                    score.add("project", "missed", f"{want.get('name')} {key}")
                continue
            got = match.get(col)
            ok = got == want[key] if key == "rating" else same_number(got, want[key])
            score.add("project", "found" if ok else ("misplaced" if got not in (None, "") else "missed"),
                      f"{want.get('name')} {key}: {want[key]} / {got}")


def score_indicators(tables: dict, expected: list[dict], score: Score) -> None:
    rows = tables.get("indicators", [])
    for want in expected:
        name = want.get("name")
        best = max(rows, key=lambda r: similar(r.get("level3"), name), default=None)
        if best is None or similar(best.get("level3"), name) < 0.5:
            score.add("indicator", "missed", f"{name}")
            continue
        fields = [k for k in ("target", "actual") if want.get(k) not in (None, "")]
        bad = [k for k in fields if not same_value_text(best.get(k), want[k])]
        if not bad:
            score.add("indicator", "found")
        elif all(best.get(k) in (None, "") for k in bad):
            score.add("indicator", "missed", f"{name}: {[(k, want[k]) for k in bad]}")
        else:
            score.add("indicator", "misplaced",
                      f"{name}: {[(k, want[k], best.get(k)) for k in bad]} (draft {best.get('level3')})")


def score_report(report: Report) -> tuple[Score, object]:
    from lib.intake.report import read_report

    draft = read_report(report.text, f"{report.key}.txt")
    exp = report.expected
    out = Score()
    score_program(draft.tables, exp.get("program") or {}, out)
    score_headline(draft.tables, exp.get("headline") or {}, out)
    score_allocations(draft.tables, exp.get("allocations") or [], out)
    score_projects(draft.tables, exp.get("projects") or [], out)
    score_indicators(draft.tables, exp.get("indicators") or [], out)
    return out, draft


def measure(reports: list[Report]) -> dict[str, object]:
    per = {}
    open_total, sealed_total = Score(), Score()
    for r in reports:
        s, _ = score_report(r)
        per[r.key] = s
        (sealed_total if r.sealed else open_total).merge(s)
    return {"per": per, "open": open_total, "sealed": sealed_total}


def _row(name: str, s: Score) -> str:
    n, f, m = s.total(s.expected), s.total(s.found), s.total(s.misplaced)
    return f"{name:<44} {f:>4}/{n:<4} {s.recall:6.1%}  misplaced {m}"


def print_table(result: dict, reports: list[Report], details: bool = False, show_sealed: bool = False) -> None:
    sealed = {r.key for r in reports if r.sealed}
    print("report (open)                                 found/expected  recall")
    for key, s in result["per"].items():
        if key in sealed:
            continue
        print(_row(key, s))
        if details:
            for line in s.misses + s.wrong:
                print("    ", line)
    # the sealed part only on request (--sealed): watching it while changing the reader is tuning on it
    for part in ("open", "sealed") if show_sealed else ("open",):
        s = result[part]
        print(_row(f"TOTAL {part} ({sum(1 for r in reports if r.sealed == (part == 'sealed'))} reports)", s))
        for role in ROLES:
            if s.expected.get(role):
                print(f"    {role:<16} {s.found.get(role, 0):>4}/{s.expected[role]:<4} "
                      f"{s.found.get(role, 0) / s.expected[role]:6.1%}  misplaced {s.misplaced.get(role, 0)}")


if __name__ == "__main__":
    reports = load()
    print_table(measure(reports), reports, details="-v" in sys.argv, show_sealed="--sealed" in sys.argv)
