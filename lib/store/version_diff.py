"""What a version changed, value by value: the rows of the programs it replaced, as the version
before held them (their archived state) against its own (lib/store/diff.py compares them).

The row counts of dataset_versions say "项目 9 → 9" for an upload that changed one executed
amount; 版本历史 names the values instead: 项目 LZ2022-P04 全年执行数 9 → 12. Reads run on the
system of record (``Store.primary_cursor``: the archive_* tables are not in a PostgreSQL
replica's read copy), with ``?`` placeholders.
"""

from __future__ import annotations

import pandas as pd

from lib.intake import workbook_spec as spec
from lib.store.base import TABLES
from lib.store.diff import diff_rows

# A version that replaced more programs than this (the first load, a province's batch) is
# described by its row counts: listing its values would read thousands of archived rows.
MOST_PROGRAMS = 20


def value_changes(store, version_id: int, most: int = 6,
                  programs: set[str] | None = None) -> tuple[list[dict], int]:
    """The first ``most`` values ``version_id`` changed against the version before it, and how
    many it changed in all: [{table, key, column, old, new}], key the row's key values joined
    (a project id, program id · seq). Rows added or removed are the row counts' to say.
    ``programs``: only these programs' values (a scoped user's); None for all."""
    if version_id <= 1:
        return [], 0
    with store.primary_cursor() as cur:
        def states(version: int) -> dict[str, int]:
            rows = cur.execute("SELECT program_id, state_version FROM version_programs "
                               "WHERE version_id = ?", [version]).fetchall()
            return {p: int(s) for p, s in rows}

        before, after = states(version_id - 1), states(version_id)
        touched = sorted(p for p in after if p in before and after[p] != before[p]
                         and (programs is None or p in programs))
        if not touched or len(touched) > MOST_PROGRAMS:
            return [], 0
        found: list[dict] = []
        total = 0
        for table in TABLES:
            if table == "sources":
                continue
            sheet = spec.SHEETS_BY_TABLE[table]
            columns = [c.name for c in sheet.columns]
            for program_id in touched:
                frames = []
                for state in (before[program_id], after[program_id]):
                    rows = cur.execute(f"SELECT {', '.join(columns)} FROM archive_{table} "
                                       "WHERE program_id = ? AND state_version = ?",
                                       [program_id, state]).fetchall()
                    frames.append(pd.DataFrame(rows, columns=columns))
                changed = diff_rows(frames[0], frames[1], list(sheet.key), columns).changed
                total += len(changed)
                for row in changed.to_dict("records"):
                    if len(found) < most:
                        key = " · ".join(str(row[k]) for k in sheet.key
                                         if k != "program_id" or table == "programs")
                        found.append({"table": table, "key": key, "column": row["column"],
                                      "old": row["old"], "new": row["new"]})
        return found, total
