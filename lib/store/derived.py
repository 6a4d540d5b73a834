"""Derived rows: the mat_* tables, program totals and region choices, rebuilt per program inside
the transaction that changes the program, and the columns an import derives for indicators."""

from __future__ import annotations

import math

import pandas as pd

from lib.analysis import notation
from lib.intake import workbook_spec as spec
from lib.store.base import INDICATOR_DERIVED, MATERIALIZED

# Tables derived from the data tables, rebuilt per program inside the transaction that changes
# the program: the sidebar's region choices would otherwise scan four views on every first load.
_REGION_SOURCES = ("v_funding", "v_execution", "v_indicators", "v_progress")


def _program_totals_sql(sql_where: str) -> str:
    """Budget and executed per program from the v_execution rows ``sql_where`` selects."""
    return f"""
        WITH e AS (SELECT * FROM v_execution{sql_where}),
        wide AS (SELECT program_id, MAX(as_of) AS as_of FROM e
                 WHERE scope = 'snapshot' AND project_id IS NULL GROUP BY program_id),
        picked AS (
            SELECT e.program_id, e.program_name, e.year, 'program' AS basis, e.as_of, e.budget, e.executed
            FROM e JOIN wide w ON w.program_id = e.program_id AND w.as_of = e.as_of
            WHERE e.scope = 'snapshot' AND e.project_id IS NULL
            UNION ALL
            SELECT e.program_id, e.program_name, e.year, 'projects', e.as_of, e.budget, e.executed
            FROM e WHERE e.scope = 'project'
              AND NOT EXISTS (SELECT 1 FROM wide w WHERE w.program_id = e.program_id))
        SELECT program_id, program_name, year, basis, MAX(as_of) AS as_of,
               CAST(SUM(budget) AS DOUBLE PRECISION) AS budget,
               CAST(SUM(executed) AS DOUBLE PRECISION) AS executed,
               CASE WHEN SUM(budget) <> 0
                    THEN CAST(SUM(executed) AS DOUBLE PRECISION) / CAST(SUM(budget) AS DOUBLE PRECISION)
               END AS execution_rate
        FROM picked GROUP BY program_id, program_name, year, basis
        ORDER BY program_id, program_name, year"""


def _refresh_derived(cur, program_ids: list[str] | None) -> None:
    """Rebuild the derived rows (mat_* tables, region_options) of the given programs (None: all).

    Imports and rollbacks replace whole programs with their projects, so a program's derived
    rows depend on that program's records only.
    """
    if program_ids is not None and not program_ids:
        return
    if program_ids is None:
        where, cond, params = "", "", []
    else:
        where = f" WHERE program_id IN ({_marks(program_ids)})"
        cond, params = f" AND program_id IN ({_marks(program_ids)})", list(program_ids)
    for name in MATERIALIZED:
        cur.execute(f"DELETE FROM mat_{name}{where}", params)
        cur.execute(f"INSERT INTO mat_{name} SELECT * FROM calc_{name}{where}", params)
    cur.execute(f"DELETE FROM mat_program_totals{where}", params)
    cur.execute(f"INSERT INTO mat_program_totals {_program_totals_sql(where)}", params)
    cur.execute(f"DELETE FROM region_options{where}", params)
    union = " UNION ".join(f"SELECT program_id, region FROM {v} WHERE region IS NOT NULL{cond}"
                           for v in _REGION_SOURCES)
    cur.execute(f"INSERT INTO region_options (program_id, region) {union}", params * len(_REGION_SOURCES))


def _marks(values: list) -> str:
    return ", ".join("?" for _ in values)


def _frame(table: str, rows: list[dict]) -> pd.DataFrame:
    """The parsed rows of one table as columns of Python objects: None stays NULL and dates stay
    dates for DuckDB (the converted cells are never NaN)."""
    columns = [c.name for c in spec.SHEETS_BY_TABLE[table].columns]
    data = {name: [row.get(name) for row in rows] for name in columns}
    if table == "indicators":
        data.update(zip(INDICATOR_DERIVED, _derived_columns(rows), strict=True))
    return pd.DataFrame(data, columns=list(data), dtype=object)


def _derived_columns(rows: list[dict]) -> list[list]:
    """INDICATOR_DERIVED for each indicator row, as columns; computed once per distinct
    (target, actual, 二级, 三级), which is all derive_indicator reads."""
    known: dict[tuple, tuple] = {}
    out = []
    for row in rows:
        key = (row.get("target"), row.get("actual"), row.get("level2"), row.get("level3"))
        values = known.get(key)
        if values is None:
            derived = derive_indicator(row)
            values = known[key] = tuple(None if isinstance(v, float) and math.isnan(v) else v
                                        for v in (derived[name] for name in INDICATOR_DERIVED))
        out.append(values)
    return [list(column) for column in zip(*out, strict=True)] if out else [[] for _ in INDICATOR_DERIVED]


def derive_indicator(row: dict) -> dict:
    """Parsed notation and completion status for one indicator row."""
    target = notation.parse_value(row.get("target"))
    actual = notation.parse_value(row.get("actual"))
    how = notation.direction(target, row.get("level2"), row.get("level3"))
    return {
        "target_op": target.op, "target_value": target.number, "target_unit": target.unit,
        "actual_op": actual.op, "actual_value": actual.number, "actual_unit": actual.unit,
        "direction": how,
        "status": notation.indicator_status(target, actual, how),
        "completion_ratio": notation.completion_ratio(target, actual, how),
    }
