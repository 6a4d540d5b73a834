"""What part of the data a user may see and change: departments, programs and regions.

An empty dimension does not restrict; several dimensions all apply (a user of 应急管理厅 in 沈阳市
sees that department's rows in 沈阳市 and the regions under it). Which regions lie under a
region comes from the store's region hierarchy, so a city user also sees the city's counties.
The scope travels inside :class:`lib.filters.Filters`, so every cached read is keyed by it.
"""

from __future__ import annotations

from dataclasses import dataclass

from lib.labels import FILTER_LABELS


@dataclass(frozen=True)
class Scope:
    departments: tuple[str, ...] = ()
    programs: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()

    @property
    def unrestricted(self) -> bool:
        return not (self.departments or self.programs or self.regions)

    def describe(self) -> str:
        """In words, as the sidebar and an export's notes say it: 部门：…；地区：…（含下级地区）;
        '' when unrestricted. Plain text: a page escapes it (lib/ui/safe.py)."""
        parts = [f"{FILTER_LABELS[key]}：{'、'.join(values)}" for key, values in (
            ("scope_departments", self.departments), ("scope_programs", self.programs),
            ("scope_regions", self.regions)) if values]
        return "；".join(parts) + (FILTER_LABELS["scope_below"] if self.regions else "")

    def to_dict(self) -> dict[str, list[str]]:
        return {"departments": list(self.departments), "programs": list(self.programs),
                "regions": list(self.regions)}

    @classmethod
    def from_dict(cls, data: dict | None) -> Scope:
        """From a users-file entry or a stored row; missing keys do not restrict."""
        data = data or {}

        def names(key: str) -> tuple[str, ...]:
            value = data.get(key) or ()
            if isinstance(value, str):
                value = [value]
            return tuple(sorted({str(v).strip() for v in value if str(v).strip()}))

        return cls(names("departments"), names("programs"), names("regions"))


EVERYTHING = Scope()
