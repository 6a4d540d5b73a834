"""Filters compiled to a parameterized WHERE clause.

Pure: the same Filters give the same (sql, params) everywhere, so pages, exports and the CLI
agree on what "filtered" means. Values never enter the SQL text.

The scope (lib/access/scope.py) compiles to IN lists, one per restricted dimension, all of them
applying: ``department IN (…)``, ``program_id IN (…)``, ``region IN (…)`` with the regions
expanded through the hierarchy (lib/access/regions.py). A relation without a scoped column is
limited through ``programs`` where it can be, and yields nothing where it cannot, so no relation
leaks rows by lacking a column:

- no ``department`` (raw tables, mat_program_totals): its programs must be the department's;
- one row per program (``programs``, mat_program_totals; ``per_program``): a region scope keeps
  the programs with rows in its regions (region_options), not the program's home region: a city
  user sees the province's program whose money reaches the city, and only the city's rows of it;
- ``sources``: the sources of the programs in scope;
- anything else lacking a scoped column (a raw table without ``region``): no rows. Store reads
  ``dataset_versions`` for a scope through lib/store/scoped_versions.py instead (the versions that
  touched only the scope's programs), since which versions those are is not a column.
"""

from __future__ import annotations

from lib.access import regions as region_tree
from lib.access.scope import Scope
from lib.filters import FILTER_COLUMNS, Filters


def where_clause(filters: Filters, available: set[str], per_program: bool = False) -> tuple[str, list]:
    """Compile filters to ' WHERE ...' with ? placeholders for the columns a relation has.

    A filter whose column the relation lacks is skipped (a funding view has no project for
    program-wide money), except the project filter: selecting a project keeps only rows of
    that project, so program-wide rows drop out. The scope is never skipped (module docstring).
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
    scope_sql, scope_params = scope_clause(filters.scope, available, per_program)
    clauses.extend(scope_sql)
    params.extend(scope_params)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def scope_clause(scope: Scope, available: set[str], per_program: bool = False) -> tuple[list[str], list]:
    """The scope's conditions (to AND together) and their parameters, for a relation's columns."""
    if scope.unrestricted:
        return [], []
    if "program_id" not in available and "source_id" in available:
        programs, params = _programs_in(scope)
        return [f"source_id IN (SELECT source_id FROM programs WHERE program_id IN ({programs}))"], params
    clauses: list[str] = []
    params: list = []

    def add(sql: str | None, values) -> None:
        if sql is None:  # the relation cannot be limited in this dimension: nothing of it
            clauses.append("1 = 0")
        else:
            clauses.append(sql)
            params.extend(values)

    if scope.departments:
        marks = _marks(scope.departments)
        add(f"department IN ({marks})" if "department" in available
            else f"program_id IN (SELECT program_id FROM programs WHERE department IN ({marks}))"
            if "program_id" in available else None, scope.departments)
    if scope.programs:
        add(f"program_id IN ({_marks(scope.programs)})" if "program_id" in available else None,
            scope.programs)
    if scope.regions:
        names = region_tree.expand(scope.regions)
        marks = _marks(names)
        add(f"program_id IN (SELECT program_id FROM region_options WHERE region IN ({marks}))"
            if per_program and "program_id" in available
            else f"region IN ({marks})" if "region" in available else None, names)
    return clauses, params


def _programs_in(scope: Scope) -> tuple[str, list]:
    """A subquery of the program ids in scope."""
    clauses, params = scope_clause(scope, {"program_id", "department"}, per_program=True)
    return "SELECT program_id FROM programs WHERE " + " AND ".join(clauses), params


def _marks(values) -> str:
    return ", ".join("?" for _ in values)
