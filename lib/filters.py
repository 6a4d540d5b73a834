"""Dashboard filters: the shared sidebar selection as a value every layer passes around.

Their translation to SQL is lib/store/filters.py, so SQL stays behind lib/store/. The signed-in
user's scope (lib/access/scope.py) rides along in ``scope``: it is part of ``key()``, so every
cached read is keyed by it, and every read compiled from Filters is limited to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

from lib.access.scope import EVERYTHING, Scope

# Filter field -> the column every view exposes for it.
FILTER_COLUMNS = {
    "year": "year",
    "program_id": "program_id",
    "region": "region",
    "project_id": "project_id",
}


@dataclass(frozen=True)
class Filters:
    """The shared sidebar selection. None means 全部 (no restriction) within the scope."""

    year: int | None = None
    program_id: str | None = None
    region: str | None = None
    project_id: str | None = None
    scope: Scope = field(default=EVERYTHING)

    def __post_init__(self):
        if not isinstance(self.scope, Scope):  # rebuilt from key(): (departments, programs, regions)
            object.__setattr__(self, "scope", Scope(*(tuple(v) for v in self.scope)))

    def key(self) -> tuple:
        """A hashable cache key of plain values (the scope as a tuple of name tuples)."""
        values = [getattr(self, name) for name in FILTER_COLUMNS]
        s = self.scope
        return (*values, (s.departments, s.programs, s.regions))

    def active(self) -> dict[str, object]:
        """The sidebar choices made (the scope is not one: see ``scope``)."""
        return {name: getattr(self, name) for name in FILTER_COLUMNS if getattr(self, name) is not None}

    def only(self, *names: str, **values) -> Filters:
        """These filters with only the named choices kept (and ``values`` set), the scope always:
        a read narrower or wider than the sidebar's must stay inside the user's scope."""
        cleared = {f.name: None for f in fields(self) if f.name in FILTER_COLUMNS and f.name not in names}
        return replace(self, **{**cleared, **values})
