"""Filters compiled to a parameterized WHERE clause.

Pure: the same Filters give the same (sql, params) everywhere, so pages, exports and the CLI
agree on what "filtered" means. Values never enter the SQL text.
"""

from __future__ import annotations

from lib.filters import FILTER_COLUMNS, Filters


def where_clause(filters: Filters, available: set[str]) -> tuple[str, list]:
    """Compile filters to ' WHERE ...' with ? placeholders for the columns a relation has.

    A filter whose column the relation lacks is skipped (a funding view has no project for
    program-wide money), except the project filter: selecting a project keeps only rows of
    that project, so program-wide rows drop out.
    """
    clauses: list[str] = []
    params: list = []
    for name, value in filters.active().items():
        column = FILTER_COLUMNS[name]
        if column not in available:
            if name == "project_id":
                clauses.append("1 = 0")
            continue
        clauses.append(f"{column} = ?")
        params.append(value)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params
