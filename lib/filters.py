"""Dashboard filters and their translation to a parameterized WHERE clause.

Pure: the same Filters give the same (sql, params) everywhere, so pages, exports and the CLI
agree on what "filtered" means. Values never enter the SQL text.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

# Filter field -> the column every view exposes for it.
FILTER_COLUMNS = {
    "year": "year",
    "program_id": "program_id",
    "region": "region",
    "project_id": "project_id",
}


@dataclass(frozen=True)
class Filters:
    """The shared sidebar selection. None means 全部 (no restriction)."""

    year: int | None = None
    program_id: str | None = None
    region: str | None = None
    project_id: str | None = None

    def key(self) -> tuple:
        """A hashable cache key."""
        return tuple(getattr(self, f.name) for f in fields(self))

    def active(self) -> dict[str, object]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}


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
