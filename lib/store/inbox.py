"""A year's inbox against the store: triage a drop of many files, then commit the chosen
programs as one new version.

``triage`` reads nothing but what the drop and the store hold and writes nothing: each file
already imported (the same sha256 in an earlier version) is skipped and says which version
imported it; every incoming program is matched to the stored programs and to the other files'
programs (lib/intake/inbox_match.py: year + name + department/region, document number where
given), so a report of a stored program shows as "更新 LZ2022-YJJ" with its diff instead of a
new id, and an ambiguous match waits for the analyst's choice; the files of one program are
merged by role (the form's figure where a form and a report both give one), and where they
differ the triage lists a 不符 (lib.intake.inbox_match.Disagreement).

``commit`` writes the chosen programs (all ready ones by default) in one transaction as one
version (Store._apply, the path every import takes: scope checks, archives, derived tables,
the activity log). A report's amount that differs from its form's is kept as a stated figure
of the project (预算合计 / 执行合计, with the report's sentence), so 核查 lists the 不符 after
the commit too (rule R2: the same project's figure written two ways).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from lib.access.roles import Actor, require
from lib.intake import inbox
from lib.intake import workbook_spec as spec
from lib.intake.inbox_match import Disagreement, Match, Member, Merged, merge, number_rows, same_program
from lib.intake.workbook import Finding, ParsedWorkbook
from lib.intake.workbook_checks import cross_checks
from lib.store.base import TABLES, ImportRejected, ImportResult
from lib.store.diff import TableDiff
from lib.store.writes import _actor, _python

UPDATE, NEW, AMBIGUOUS = "update", "new", "ambiguous"
# A stored program row keeps its source and bookkeeping; an incoming file only fills its empty figures.
_KEEP_STORED = ("source_id", "source_ref", "note", "sentence")
STORED = "（库中已有）"


class StaleTriage(RuntimeError):
    """The store got a new version after the triage was made: triage again before committing."""


@dataclass
class ProgramPlan:
    """One program of the drop: the files that speak of it, what the commit does with it.

    ``key``: stable across triages of the same drop (the analyst's choices are keyed on it);
    ``action``: update (``target_id`` is the stored program), new, or ambiguous (``candidates``
    are the stored programs it may be; the analyst chooses one, or 新增).
    """

    key: str
    name: str
    year: int | None
    files: list[str]
    kinds: list[str]
    action: str
    target_id: str | None
    candidates: list[Match] = field(default_factory=list)
    sure: bool = True
    merged: Merged | None = None
    diff: dict[str, TableDiff] = field(default_factory=dict)
    dropped: int = 0  # a report's records not merged because a form or the store has that table's records
    review: list[str] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return self.action != AMBIGUOUS and not self.review

    @property
    def committable(self) -> bool:
        return self.action != AMBIGUOUS and self.merged is not None

    @property
    def disagreements(self) -> list[Disagreement]:
        return self.merged.disagreements if self.merged else []

    def headline(self) -> str:
        """新增 / 更新 / 待确认, as the triage and the CLI say it."""
        if self.action == UPDATE:
            return f"更新 {self.target_id}"
        if self.action == NEW:
            return f"新增 {self.target_id}"
        return "待确认：可能是 " + "、".join(c.program_id for c in self.candidates)

    def changes(self) -> dict[str, tuple[int, int, int]]:
        """Per table with changes: (rows added, changed, removed)."""
        return {t: (len(d.added), d.changed_rows, len(d.removed))
                for t, d in self.diff.items() if not d.empty}


@dataclass
class Triage:
    files: list[inbox.Incoming]
    programs: list[ProgramPlan]
    version: int
    findings: list[Finding] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        out = {s: 0 for s in inbox.STATUS_LABELS}
        for f in self.files:
            out[f.status] += 1
        return out

    def ready_keys(self) -> list[str]:
        return [p.key for p in self.programs if p.ready]


def imported_sha256(store) -> dict[str, int]:
    """sha256 → the first version that imported a file with those bytes."""
    out: dict[str, int] = {}
    frame = store.query("SELECT version_id, sha256 FROM dataset_versions WHERE action = 'import' "
                        "ORDER BY version_id")
    for version, hashes in zip(frame["version_id"], frame["sha256"], strict=True):
        for digest in (hashes or "").split("; "):
            if digest:
                out.setdefault(digest, int(version))
    return out


def triage(store, files: list[inbox.Incoming], choices: dict[str, str] | None = None) -> Triage:
    """Match and merge the drop's programs against the store (nothing written).

    Args:
        files: the drop, read (lib.intake.inbox.read_drop).
        choices: program key → the stored program id it is, or "" for a new program (the
            analyst's answer to an ambiguous match, or a correction of a match).
    """
    choices = choices or {}
    version = store.version_id()
    done = imported_sha256(store)
    seen: dict[str, str] = {}
    for item in files:
        item.already = None  # judged afresh: the store may have imported some of them since
    for item in files:
        if item.sha256 in done and item.status != inbox.REFUSED:
            item.already = f"v{done[item.sha256]}"
        elif item.sha256 in seen and item.status != inbox.REFUSED:
            item.already = f"同一拖入中的 {seen[item.sha256]}"
        else:
            seen.setdefault(item.sha256, item.label)
    members = _members(files)
    stored = store.query("SELECT * FROM programs").to_dict("records")
    stored_ids = {r["program_id"] for r in stored}
    groups = _groups(members)
    plans = []
    for group in groups:
        plans.append(_plan(store, group, stored, stored_ids, choices))
    triaged = Triage(files, plans, version)
    merged = [p for p in plans if p.merged is not None]
    if merged:  # one preview of the whole drop (per program it would cost a query per table each)
        whole = store.preview(_parsed(merged))
        # added and removed rows carry every column; a changed cell only its table's key, so the
        # projects' changes are found by project id
        def column(table: str, part: str) -> str:
            if table == "sources":
                return "source_id"
            return "project_id" if table == "projects" and part == "changed" else "program_id"

        split = {table: {part: _by(getattr(d, part), column(table, part))
                         for part in ("added", "removed", "changed")}
                 for table, d in whole.items()}
        for plan in merged:
            sources = [r["source_id"] for r in plan.merged.tables["sources"]]
            projects = [r["project_id"] for r in plan.merged.tables["projects"]]
            plan.diff = {}
            for table, d in whole.items():
                frames = {}
                for part in split[table]:
                    key = column(table, part)
                    ids = {"source_id": sources, "project_id": projects}.get(key, [plan.target_id])
                    frames[part] = _pick(split[table][part], ids, getattr(d, part))
                # unchanged rows are counted for the whole drop only; a program's share is not shown
                plan.diff[table] = TableDiff(frames["added"], frames["removed"], frames["changed"], 0)
    return triaged


def _by(frame, column: str) -> dict:
    if frame.empty:
        return {}
    return {key: part for key, part in frame.groupby(column, sort=False, dropna=False)}


def _pick(groups: dict, ids: list[str], like):
    parts = [groups[i] for i in ids if i in groups]
    if not parts:
        return like.iloc[0:0]
    return parts[0] if len(parts) == 1 else pd.concat(parts)


def _members(files: list[inbox.Incoming]) -> list[tuple[inbox.Incoming, Member]]:
    """One Member per program of each file that counts (not refused, not already imported)."""
    out = []
    for item in files:
        if item.status in (inbox.REFUSED, inbox.SKIPPED) or item.parsed is None:
            continue
        tables, origins = item.parsed.tables, item.parsed.origins
        for program in tables["programs"]:
            pid = program["program_id"]
            mt: dict[str, list[dict]] = {}
            mo: dict[str, list] = {}
            for table in TABLES:
                rows = tables.get(table, [])
                if table == "sources":
                    picked = [i for i, r in enumerate(rows) if r["source_id"] == program.get("source_id")]
                else:
                    picked = [i for i, r in enumerate(rows) if r.get("program_id") == pid]
                mt[table] = [rows[i] for i in picked]
                mo[table] = [origins[table][i] for i in picked]
            out.append((item, Member(item.kind, item.label, mt, mo)))
    return out


def _groups(members: list[tuple[inbox.Incoming, Member]]) -> list[list[tuple[inbox.Incoming, Member]]]:
    """Members that are one program (same id, or the matching rule), by union-find."""
    parent = list(range(len(members)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    rows = [m.tables["programs"][0] for _, m in members]
    for i in range(len(members)):
        for j in range(i + 1, len(members)):
            if rows[i]["program_id"] == rows[j]["program_id"] or same_program(rows[i], rows[j]):
                parent[find(j)] = find(i)
    grouped: dict[int, list] = {}
    for i, member in enumerate(members):
        grouped.setdefault(find(i), []).append(member)
    return list(grouped.values())


def _plan(store, group, stored: list[dict], stored_ids: set[str], choices: dict[str, str]) -> ProgramPlan:
    members = [m for _, m in group]
    items = [item for item, _ in group]
    rows = [m.tables["programs"][0] for m in members]
    key = " + ".join(sorted({f"{m.label}#{r['program_id']}" for m, r in zip(members, rows, strict=True)}))
    best = max(members, key=lambda m: inbox_rank(m.kind))
    head = best.tables["programs"][0]
    candidates: dict[str, Match] = {}
    for row in rows:
        if row["program_id"] in stored_ids:
            candidates[row["program_id"]] = Match(row["program_id"], True, "编号")
            continue
        for other in stored:
            found = same_program(row, other)
            if found and (found.program_id not in candidates or found.sure):
                candidates[found.program_id] = found
    plan = ProgramPlan(key, head.get("program_name") or "", head.get("year"), [m.label for m in members],
                       [m.kind for m in members], NEW, None)
    for item in items:
        plan.review.extend(f"{item.label}：{why}" for why in item.review)
    choice = choices.get(key)
    if choice is not None:
        target = choice or None
        plan.candidates = list(candidates.values())
        plan.action = UPDATE if target else NEW
        plan.target_id = target or _new_id(members)
        if target and target not in stored_ids:
            raise KeyError(f"库中没有资金/部门“{target}” (no stored program '{target}')")
    elif len(candidates) == 1:
        match = next(iter(candidates.values()))
        plan.action, plan.target_id, plan.candidates = UPDATE, match.program_id, [match]
        plan.sure = match.sure
        if not match.sure:
            plan.review.append(f"与库中 {match.program_id} 按{match.why}相符，请确认是同一资金/部门")
    elif candidates:
        plan.action, plan.candidates = AMBIGUOUS, list(candidates.values())
        return plan
    else:
        plan.target_id = _new_id(members)
    stored_member = None
    replace = any(m.kind == "dataset" and m.tables["programs"][0]["program_id"] == plan.target_id
                  for m in members)
    program_row = None
    if plan.action == UPDATE and not replace:
        stored_member = _stored_member(store, plan.target_id)
        program_row = dict(stored_member.tables["programs"][0])
        plan.name = program_row.get("program_name") or plan.name
        for m in sorted(members, key=lambda m: -inbox_rank(m.kind)):  # fill what the store lacks
            for column, value in m.tables["programs"][0].items():
                if program_row.get(column) is None and value is not None and column not in _KEEP_STORED:
                    program_row[column] = value
    plan.merged = merge(members + ([stored_member] if stored_member else []), plan.target_id, program_row)
    plan.dropped = _drop_report_extras(plan.merged)
    if plan.dropped:
        plan.review.append(f"报告中另有 {plan.dropped} 条记录未并入：自评表或库中已有同类记录（以其为准）")
    _keep_report_amounts(plan.merged)
    return plan


def inbox_rank(kind: str) -> int:
    from lib.intake.inbox_match import FORM_RANK

    return FORM_RANK[kind]


def _new_id(members: list[Member]) -> str:
    """A new program's id: the highest-ranked file's (a form's derived ZP/ZT id before a report's R…)."""
    return max(members, key=lambda m: inbox_rank(m.kind)).tables["programs"][0]["program_id"]


def _stored_member(store, program_id: str) -> Member:
    """The stored rows of a program (and its source row) as a member of rank "stored"."""
    tables: dict[str, list[dict]] = {}
    origins: dict[str, list] = {}
    for table in TABLES:
        columns = [c.name for c in spec.SHEETS_BY_TABLE[table].columns]
        if table == "sources":
            sql = (f"SELECT {', '.join(columns)} FROM sources WHERE source_id IN "
                   "(SELECT source_id FROM programs WHERE program_id = ?)")
        else:
            sql = f"SELECT {', '.join(columns)} FROM {table} WHERE program_id = ?"
        frame = store.query(sql, [program_id])
        rows = [{c: _plain(r[c]) for c in columns} for r in frame.to_dict("records")]
        tables[table] = rows
        origins[table] = [(STORED, spec.SHEETS_BY_TABLE[table].name, 0)] * len(rows)
    return Member("stored", STORED, tables, origins)


def _plain(value: object) -> object:
    import math

    import pandas as pd

    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    return _python(value)


def _drop_report_extras(merged: Merged) -> int:
    """A report's records that matched nothing, in a table (of a project) where a form, a dataset
    or the store already has records, are not merged: the report restates what the other source
    holds in its own words, and adding both would count it twice. Projects are kept (a report may
    name projects no form gives). Returns how many were left out (the triage says so)."""
    origin_kind = _row_kinds(merged)
    dropped = 0
    for table in TABLES:
        if table in ("sources", "programs", "projects"):
            continue
        rows, origins = merged.tables[table], merged.origins[table]
        kinds = origin_kind[table]
        curated = {r.get("project_id") for r, k in zip(rows, kinds, strict=True) if k != "report"}
        keep = [i for i, (r, k) in enumerate(zip(rows, kinds, strict=True))
                if not (k == "report" and r.get("project_id") in curated)]
        dropped += len(rows) - len(keep)
        merged.tables[table] = [rows[i] for i in keep]
        merged.origins[table] = [origins[i] for i in keep]
        merged.kind_of.update({(table, n): kinds[i] for n, i in enumerate(keep)})
        for n in range(len(keep), len(rows)):
            merged.kind_of.pop((table, n), None)
    number_rows(merged)
    return dropped


def _row_kinds(merged: Merged) -> dict[str, list[str]]:
    """Per table, "report" for a row only a report gave, else the kind "other"."""
    return {table: [merged.kind_of.get((table, i), "other") for i in range(len(merged.tables[table]))]
            for table in TABLES}


# The report's figures kept for 核查 where they differ from the form's: column -> (aggregate, unit);
# R2 compares a project's 预算合计 / 执行合计 with its record, R1 a project's 执行率 with executed ÷ budget,
# R16 (lib/analysis/checks/paired.py) its 自评得分 with the form's.
_KEPT_FOR_AUDIT = {"budget": ("预算合计", "万元"), "executed": ("执行合计", "万元"),
                   "stated_execution_rate": ("无", "%"), "stated_score": ("无", "分")}


def _keep_report_amounts(merged: Merged) -> None:
    """A project's budget, executed amount, execution rate or score the report states otherwise
    than the form stays in the store as the report's stated figure (with its sentence), so 核查
    lists the 不符 after the commit as the triage did (rules R2, R1, R16). Indicator values that
    differ are listed in the triage only."""
    figures = merged.tables["stated_figures"]
    for d in merged.disagreements:
        if d.table != "projects" or d.column not in _KEPT_FOR_AUDIT or d.project_id is None:
            continue
        aggregate, unit = _KEPT_FOR_AUDIT[d.column]
        value = float(d.report_value) * (100 if unit == "%" else 1)
        form = f"{float(d.form_value) * 100:.6g}%" if unit == "%" else f"{float(d.form_value):g} {unit}"
        seq = 1 + max((r["seq"] for r in figures if r.get("project_id") == d.project_id), default=0)
        figures.append({
            "program_id": d.program_id, "project_id": d.project_id, "seq": seq, "region": None,
            "fund_source": None, "fund_year": None, "rating": None, "metric": f"报告所写{d.figure}",
            "value": value, "unit": unit, "aggregate": aggregate, "part_of": None,
            "text": d.report_sentence, "source_ref": d.report_place, "sentence": d.report_sentence,
            "note": f"自评表与报告不符：自评表为 {form}（{d.form_place}）",
        })
        merged.origins["stated_figures"].append(
            (d.report_place, spec.SHEETS_BY_TABLE["stated_figures"].name, 0))


def _parsed(plans: Iterable[ProgramPlan]) -> ParsedWorkbook:
    tables = {s.table: [] for s in spec.SHEETS}
    origins = {s.table: [] for s in spec.SHEETS}
    sources: set[str] = set()
    for plan in plans:
        for table in TABLES:
            for row, origin in zip(plan.merged.tables[table], plan.merged.origins[table], strict=True):
                if table == "sources":
                    if row["source_id"] in sources:
                        continue
                    sources.add(row["source_id"])
                tables[table].append(row)
                origins[table].append(origin)
    return ParsedWorkbook(tables, [], origins)


def commit(store, result: Triage, keys: list[str] | None = None,
           user: str | Actor | None = None) -> ImportResult:
    """Import the chosen programs of a triage (default: every ready one) as ONE new version.

    Raises:
        StaleTriage: the store has a newer version than the triage saw.
        KeyError: a key of no committable program (ambiguous and not chosen).
        ImportRejected: the merged rows do not pass the load's checks (nothing written).
        PermissionDenied: the actor may not upload, or a program is out of the actor's scope.
    """
    actor = _actor(user)
    require(actor, "upload")
    if store.version_id() != result.version:
        raise StaleTriage(f"分拣之后数据已有新的版本（v{store.version_id()}）：请重新分拣后再提交 "
                          "(the store changed after the triage: triage again)")
    wanted = result.ready_keys() if keys is None else list(keys)
    by_key = {p.key: p for p in result.programs}
    chosen = []
    for key in wanted:
        plan = by_key.get(key)
        if plan is None or not plan.committable:
            raise KeyError(f"无法提交“{key}”：没有这项，或它与库中多个资金/部门相符、尚待选择 "
                           "(no such program, or an ambiguous match not yet chosen)")
        chosen.append(plan)
    if not chosen:
        raise ImportRejected([Finding("", "", None, "", "没有选择任何可导入的资金/部门",
                                      "nothing chosen to import")])
    parsed = _parsed(chosen)
    findings = cross_checks(parsed) + store._conflicts(parsed)
    if findings:
        raise ImportRejected(findings)
    labels = {label for plan in chosen for label in plan.files}
    files = [(f.label, f.sha256) for f in result.files if f.label in labels]
    return store._apply(parsed, files, actor)


def _file_line(f: inbox.Incoming) -> str:
    kind = inbox.KIND_LABELS.get(f.kind or "", "未识别")
    head = f"  [{inbox.STATUS_LABELS[f.status]}] {f.label}（{kind}）"
    if f.status == inbox.SKIPPED:
        return f"{head}：与 {f.already} 导入的文件相同（sha256 {f.sha256[:12]}…），跳过"
    if f.status == inbox.REFUSED:
        return f"{head}：" + "；".join(f.refused)
    if f.review:
        return f"{head}：" + "；".join(f.review)
    return head


def program_line(plan: ProgramPlan) -> str:
    """"更新 LZ2022-YJJ 兰州新区应急管理局部门本级预算（2022）" and the files it comes from."""
    year = f"（{plan.year}）" if plan.year else ""
    return f"{plan.headline()} {plan.name}{year} ← " + "、".join(plan.files)


def change_text(plan: ProgramPlan) -> str:
    """The diff in a line: 项目 新增 1、修改 2 …"""
    from lib.labels import SHEET_LABELS

    parts = []
    for table, (added, changed, removed) in plan.changes().items():
        bits = [f"{word} {n}" for word, n in (("新增", added), ("修改", changed), ("删除", removed)) if n]
        parts.append(f"{SHEET_LABELS.get(table, table)} " + "、".join(bits))
    return "；".join(parts) or "与库中相同，无变更"


def format_triage(result: Triage) -> str:
    """The triage as the command line prints it (Chinese, one line per file and per program)."""
    counts = result.counts()
    lines = [f"文件 {len(result.files)} 个：" + "，".join(
        f"{inbox.STATUS_LABELS[s]} {n}" for s, n in counts.items())]
    lines += [_file_line(f) for f in result.files]
    lines.append(f"资金/部门 {len(result.programs)} 个（对照数据版本 v{result.version}）：")
    for plan in result.programs:
        lines.append("  " + program_line(plan))
        if plan.action == AMBIGUOUS:
            lines.append("      与库中多个资金/部门相符：用 --match 文件名=编号 选定，"
                         "或 --match 文件名=new 新增")
            continue
        lines.append("      变更：" + change_text(plan))
        lines += [f"      待核对：{why}" for why in plan.review]
        lines += [f"      不符：{d.text()}" for d in plan.disagreements]
    return "\n".join(lines)


def triage_dict(result: Triage) -> dict:
    """The triage as JSON-ready data (``lib.cli intake --json``)."""
    return {
        "version": result.version,
        "counts": result.counts(),
        "files": [{"file": f.label, "kind": f.kind, "status": f.status, "sha256": f.sha256,
                   "already_in": f.already, "refused": f.refused, "review": f.review} for f in result.files],
        "programs": [{"key": p.key, "action": p.action, "program_id": p.target_id, "name": p.name,
                      "year": p.year, "files": p.files, "ready": p.ready, "review": p.review,
                      "candidates": [c.program_id for c in p.candidates],
                      "changes": {t: dict(zip(("added", "changed", "removed"), c, strict=True))
                                  for t, c in p.changes().items()},
                      "disagreements": [{"record": d.record, "figure": d.figure, "form": d.form_value,
                                         "report": d.report_value, "form_place": d.form_place,
                                         "report_place": d.report_place, "sentence": d.report_sentence}
                                        for d in p.disagreements]}
                     for p in result.programs],
    }
