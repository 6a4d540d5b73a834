"""Program identity across years in the store: the choices made on 数据管理 (``program_lineage``)
and each program's lineage as it counts (lib/analysis/lineage.py resolve).

Choices sit outside the dataset versions, as saved layouts do: written in the store's write
transaction and read from the system of record (``primary_query``), so on the shared PostgreSQL
store a confirmation made through one replica counts at once on every other, and re-importing a
year keeps it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd

from lib.access.roles import Actor
from lib.analysis import lineage, yoy
from lib.store import accounts

PROGRAM_COLUMNS = "program_id, program_name, year, department, region, lineage_id"


class LineageError(ValueError):
    """A lineage choice that cannot be saved; the message says why, in Chinese."""


def _system_of_record(store):
    """The Store behind a ScopedReader (a scoped user's brief or Word draft reads through one):
    the choices are not data of a scope, the programs read below are."""
    return getattr(store, "store", store)


def confirmed(store) -> dict[str, str]:
    """program_id → lineage_id saved on 数据管理."""
    rows = _system_of_record(store).primary_query(
        "SELECT program_id, lineage_id FROM program_lineage ORDER BY program_id")
    return dict(zip(rows["program_id"], rows["lineage_id"], strict=True))


def choices_stamp(store) -> tuple[int, str]:
    """How many choices are saved and when the last was: a cache key part (they are outside the
    dataset versions, so a version number alone would keep a page's lineage stale)."""
    row = _system_of_record(store).primary_query(
        "SELECT COUNT(*) AS n, MAX(decided_at) AS at FROM program_lineage").iloc[0]
    return int(row["n"]), str(row["at"])


def programs(store) -> pd.DataFrame:
    """Every program (of the reader's scope) with the columns the lineage rule reads (the
    workbook's lineage_id too)."""
    frame = store.read("programs", order_by=["year", "program_id"])
    return frame[[c.strip() for c in PROGRAM_COLUMNS.split(",")]].reset_index(drop=True)


def resolved(store) -> pd.DataFrame:
    """Every program with its lineage as it counts: columns program_id, program_name, year,
    department, region, lineage_id (the workbook's), lineage (the one that counts), basis
    ('confirmed' / 'workbook' / 'rule'), reason, suggested (the rule's), previous_id (the same
    lineage's program of the year before, or None)."""
    frame = programs(store)
    rows = frame.to_dict("records")
    rule = lineage.propose(rows)  # the costly part: once, for both the links and the suggestion
    links = lineage.resolve(rows, confirmed(store), rule)
    mapping = {pid: link.lineage_id for pid, link in links.items()}
    previous = lineage.previous_of(rows, mapping)
    frame["lineage"] = [links[p].lineage_id for p in frame["program_id"]]
    frame["basis"] = [links[p].basis for p in frame["program_id"]]
    frame["reason"] = [links[p].reason for p in frame["program_id"]]
    frame["suggested"] = [rule[p].lineage_id for p in frame["program_id"]]
    frame["previous_id"] = pd.Series([previous.get(p) for p in frame["program_id"]], dtype=object)
    return frame


def save(store, actor: Actor, choices: dict[str, str]) -> int:
    """Save lineage choices (program_id → lineage_id) made on 数据管理; an empty lineage_id removes
    a saved choice (the workbook or the rule counts again). Refuses a program the store does not
    hold, and two programs of one year in one lineage. Returns how many rows changed."""
    if not choices:
        return 0
    frame = programs(store)
    known = set(frame["program_id"])
    unknown = sorted(set(choices) - known)
    if unknown:
        raise LineageError(f"没有这些资金/部门：{'、'.join(unknown)}")
    current = confirmed(store)
    for pid, value in choices.items():
        current.pop(pid, None)
        if str(value or "").strip():
            current[pid] = str(value).strip()
    counted = lineage.lineage_map(frame.to_dict("records"), current)
    years = dict(zip(frame["program_id"], frame["year"], strict=True))
    seen: dict[tuple[str, int], str] = {}
    for pid, lin in counted.items():
        other = seen.setdefault((lin, int(years[pid])), pid)
        if other != pid:
            raise LineageError(f"{other} 与 {pid} 同为 {int(years[pid])} 年度，不能属于同一跨年度编号 {lin}")
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with store._record_write() as cur:
        for pid, value in choices.items():
            cur.execute("DELETE FROM program_lineage WHERE program_id = ?", [pid])
            if str(value or "").strip():
                cur.execute("INSERT INTO program_lineage (program_id, lineage_id, decided_at, decided_by) "
                            "VALUES (?, ?, ?, ?)", [pid, str(value).strip(), now, accounts.who(actor)])
        accounts.record(cur, actor, "lineage_save", {"programs": sorted(choices)})
    return len(choices)


def year_on_year(store, filters, year: int):
    """``year`` of the selection against the year before, like for like (lib/analysis/yoy.py),
    for the brief and the Word draft: the selection read without its year and program (the year
    before has other program ids), narrowed to the chosen program's lineage. None: no program of
    ``year`` has the previous year."""
    mapping = dict(zip(*(resolved(store)[c] for c in ("program_id", "lineage")), strict=True))
    totals = store.program_totals(replace(filters, year=None, program_id=None))
    if filters.program_id is not None:
        chosen = mapping.get(filters.program_id, filters.program_id)
        totals = totals[[mapping.get(p, p) == chosen for p in totals["program_id"]]]
    return yoy.year_on_year(totals, mapping, int(year))
