"""Writes limited to the actor's scope: an import or a rollback that would change a program
outside it is refused before anything is written.

An import replaces every stored record of each program it contains, and a rollback every record
of each program whose state it changes, so what counts is the whole program, as stored and as it
would be: its id must be in the scope's programs, its department (stored and new) in the scope's
departments, and every region its rows name (program, projects, allocations, execution, progress,
indicators, stated figures; stored and new) in the scope's regions with the regions under them.
A county analyst therefore cannot replace the province's program even through the county's own
rows, since the upload would also replace the other cities' rows.

The checks run on the write transaction's cursor (``?`` placeholders, DuckDB or PostgreSQL),
inside the transaction and under its lock, so what they read is what the write would replace.
Saved form layouts are column mappings, not data, and are not limited by scope.
"""

from __future__ import annotations

from lib.access import regions as region_tree
from lib.access.roles import ROLE_LABELS, Actor, PermissionDenied
from lib.access.scope import Scope

# Tables whose rows name a region (the views fall back from indicator to project to program).
REGION_TABLES = ("programs", "projects", "allocations", "execution", "progress", "indicators",
                 "stated_figures")


class OutOfScope(PermissionDenied):
    """The write would change a program outside the actor's scope."""


def check_import(cur, actor: Actor, tables: dict[str, list[dict]]) -> None:
    """Refuse an import of ``tables`` (parsed rows per table) touching anything out of scope."""
    if actor.scope.unrestricted:
        return
    program_ids = sorted({r["program_id"] for r in tables["programs"]})
    facts = stored_facts(cur, program_ids, "", None)
    for name, rows in tables.items():
        if name in REGION_TABLES:
            for row in rows:
                _add(facts, row["program_id"], row.get("department") if name == "programs" else None,
                     row.get("region"), row.get("program_name") if name == "programs" else None)
    _judge(actor, facts, "上传", "upload")


def check_rollback(cur, actor: Actor, changed: list[str], wanted: dict[str, int]) -> None:
    """Refuse a rollback changing programs out of scope: as they are now, and as restored."""
    if actor.scope.unrestricted or not changed:
        return
    facts = stored_facts(cur, changed, "", None)
    for state in sorted({wanted[p] for p in changed if p in wanted}):
        programs = [p for p in changed if wanted.get(p) == state]
        for program_id, info in stored_facts(cur, programs, "archive_", state).items():
            mine = facts.setdefault(program_id, {"name": None, "departments": set(), "regions": set()})
            mine["name"] = mine["name"] or info["name"]
            mine["departments"] |= info["departments"]
            mine["regions"] |= info["regions"]
    _judge(actor, facts, "回滚", "roll back")


def stored_facts(cur, program_ids: list[str], prefix: str, state: int | None) -> dict[str, dict]:
    """program id -> {name, departments, regions} from the data tables (prefix '') or from an
    archived state (prefix 'archive_', ``state`` its state_version)."""
    facts: dict[str, dict] = {}
    if not program_ids:
        return facts
    marks = ", ".join("?" for _ in program_ids)
    cond = f"program_id IN ({marks})" + (" AND state_version = ?" if state is not None else "")
    params = [*program_ids, *([state] if state is not None else [])]
    for program_id, name, department, region in cur.execute(
            f"SELECT program_id, program_name, department, region FROM {prefix}programs WHERE {cond}",
            params).fetchall():
        _add(facts, program_id, department, region, name)
    for table in REGION_TABLES[1:]:
        for program_id, region in cur.execute(
                f"SELECT DISTINCT program_id, region FROM {prefix}{table} "
                f"WHERE {cond} AND region IS NOT NULL", params).fetchall():
            _add(facts, program_id, None, region, None)
    return facts


def _add(facts: dict[str, dict], program_id: str, department: str | None, region: str | None,
         name: str | None) -> None:
    info = facts.setdefault(program_id, {"name": None, "departments": set(), "regions": set()})
    if name:
        info["name"] = info["name"] or name
    if department:
        info["departments"].add(department)
    if region:
        info["regions"].add(region)


def out_of_scope(scope: Scope, program_id: str, departments: set[str], regions: set[str]) -> list[str]:
    """What of one program lies outside the scope, as Chinese phrases (empty: all inside)."""
    reasons = []
    if scope.programs and program_id not in scope.programs:
        reasons.append("资金/项目不在范围内")
    if scope.departments:
        outside = sorted(departments - set(scope.departments))
        if outside:
            reasons.append("部门“" + "、".join(outside) + "”不在范围内")
    if scope.regions:
        outside = sorted(regions - set(region_tree.expand(scope.regions)))
        if outside:
            reasons.append("地区“" + "、".join(outside) + "”不在范围内")
    return reasons


def _judge(actor: Actor, facts: dict[str, dict], verb: str, verb_en: str) -> None:
    refused = []
    for program_id in sorted(facts):
        info = facts[program_id]
        reasons = out_of_scope(actor.scope, program_id, info["departments"], info["regions"])
        if reasons:
            label = f"“{program_id}”" + (f"（{info['name']}）" if info["name"] else "")
            refused.append((program_id, f"{label}：{'；'.join(reasons)}"))
    if refused:
        role = ROLE_LABELS.get(actor.role, actor.role)
        ids = ", ".join(p for p, _ in refused)
        raise OutOfScope(
            f"{actor.name}（{role}）无权{verb}权限范围之外的数据，未写入任何内容。"
            + "　".join(text for _, text in refused)
            + f" ({actor.name} may not {verb_en} program(s) outside their scope: {ids}; nothing was written)")


def upload_problem(store, actor: Actor, tables: dict[str, list[dict]]) -> str | None:
    """Why importing ``tables`` would be refused for scope (None: it would not), read from the
    store's copy, for the upload preview; the import itself checks again inside its transaction."""
    cur = store.cursor()
    try:
        check_import(cur, actor, tables)
    except OutOfScope as exc:
        return str(exc)
    finally:
        cur.close()
    return None
