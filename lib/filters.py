"""Dashboard filters: the shared sidebar selection as a value every layer passes around.

Their translation to SQL is lib/store/filters.py, so SQL stays behind lib/store/.
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
