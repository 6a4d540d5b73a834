"""Which dataset versions a scoped user sees: those that touched only programs of their scope.

dataset_versions has no department or region of its own, and its file names and program lists
belong to whoever uploaded. A version is a scoped user's when every program it touched (the ids
an import replaced or a rollback changed, its ``programs``) is theirs by the write rule of
lib/store/scoped_writes.py (``out_of_scope``) in every state the store ever held of it (the
archive_* tables keep each state an import stored): a county analyst's own upload, a rollback of
it. A version that touched nothing, or anyone else's program, is not shown to them, so neither
are its file names. The version before a shown one is offered as a rollback target by the data
page; whether the rollback may run is still scoped_writes' decision, inside the write.

Reads run on the system of record (``Store.primary_cursor``: the archive_* tables are not in a
PostgreSQL replica's read copy), with ``?`` placeholders.
"""

from __future__ import annotations

from lib.access.scope import Scope
from lib.store import scoped_writes

# Program ids asked about in one statement (PostgreSQL takes at most 65,535 parameters).
_CHUNK = 1000


def touched_programs(raw: object) -> list[str]:
    """The program ids of dataset_versions.programs ('; ' separated; empty or NULL: none)."""
    return [p.strip() for p in raw.split(";") if p.strip()] if isinstance(raw, str) else []


def visible_versions(store, scope: Scope) -> list[int]:
    """The version ids ``scope`` may see, ascending (all of them when it is unrestricted)."""
    with store.primary_cursor() as cur:
        rows = cur.execute("SELECT version_id, programs FROM dataset_versions ORDER BY version_id").fetchall()
        if scope.unrestricted:
            return [int(v) for v, _ in rows]
        touched = [(int(v), touched_programs(raw)) for v, raw in rows]
        judged: dict[str, bool] = {}  # program id -> in the scope, decided once per call
        # the programs of every ordinary upload at once (a statement per table and chunk, not per
        # version); a version of thousands (the first load) lazily, stopping at its first outsider
        _judge(cur, scope, sorted({p for _, ids in touched if len(ids) <= _CHUNK for p in ids}), judged)
        return [v for v, ids in touched if ids and all(_mine(cur, scope, ids, judged))]


def _judge(cur, scope: Scope, ids: list[str], judged: dict[str, bool]) -> None:
    """Decide for each of ``ids`` not yet in ``judged`` whether it is in the scope."""
    unknown = [p for p in dict.fromkeys(ids) if p not in judged]
    if scope.programs:  # the id alone decides for a program scope: no need to read its rows
        judged.update({p: False for p in unknown if p not in scope.programs})
        unknown = [p for p in unknown if p not in judged]
    for start in range(0, len(unknown), _CHUNK):
        chunk = unknown[start:start + _CHUNK]
        facts = scoped_writes.stored_facts(cur, chunk, "archive_", None)
        for program_id in chunk:
            info = facts.get(program_id)
            judged[program_id] = info is not None and not scoped_writes.out_of_scope(
                scope, program_id, info["departments"], info["regions"])


def _mine(cur, scope: Scope, ids: list[str], judged: dict[str, bool]):
    """Whether each of ``ids`` is in the scope, a chunk at a time: the caller stops at the first
    that is not."""
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        _judge(cur, scope, chunk, judged)
        for program_id in chunk:
            yield judged[program_id]


def counts_before(store, version_ids: list[int]) -> dict[int, str]:
    """Version id -> the row_counts (JSON) of the version just before it, for the shown versions
    of a scoped history: what each of them changed is the difference to its own predecessor,
    which the scoped user's rows do not include."""
    wanted = sorted({int(v) - 1 for v in version_ids if int(v) > 1})
    if not wanted:
        return {}
    marks = ", ".join("?" for _ in wanted)
    with store.primary_cursor() as cur:
        rows = cur.execute("SELECT version_id, row_counts FROM dataset_versions "
                           f"WHERE version_id IN ({marks})", wanted).fetchall()
    return {int(v) + 1: counts for v, counts in rows}
