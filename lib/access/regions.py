"""The region hierarchy (省 → 市 → 县) a region scope expands through.

A city user sees the city and its counties, a province user the province, its cities and their
counties. The hierarchy is a shipped, editable file, config/regions.toml (``$JIXIAO_REGIONS``
for another), rather than something inferred from the data: the data does not say which city a
county lies in (an allocation to 康平县 names no 沈阳市), and an upload must not be able to widen
anyone's scope by naming a new parent. Format: a table per 省, a key per 市, its 县 as a list
(TOML wants the Chinese names quoted)::

    ["辽宁省"]
    "沈阳市" = ["新民市", "辽中区", "康平县", "法库县"]

A scope region missing from the file covers itself only. The file is read again when it changes.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_cache: dict[tuple[str, int, int], dict[str, tuple[str, ...]]] = {}


class RegionConfigError(ValueError):
    """The regions file is malformed; the message names the file and the entry."""


def regions_path() -> Path:
    return Path(os.environ.get("JIXIAO_REGIONS") or ROOT / "config" / "regions.toml")


def children() -> dict[str, tuple[str, ...]]:
    """Region -> the regions directly under it, from the regions file (empty without one)."""
    path = regions_path()
    if not path.is_file():
        return {}
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    cached = _cache.get(key)
    if cached is None:
        cached = _cache[key] = _parse(path)
    return cached


def _parse(path: Path) -> dict[str, tuple[str, ...]]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise RegionConfigError(f"{path}: 不是有效的 TOML（{exc}） (not valid TOML)") from exc
    tree: dict[str, tuple[str, ...]] = {}
    for province, cities in data.items():
        if not isinstance(cities, dict):
            raise RegionConfigError(f"{path}: “{province}”应为一个表 [{province}]，列出其下的市 "
                                    f"('{province}' must be a table of cities)")
        tree[province] = tuple(cities)
        for city, counties in cities.items():
            if not isinstance(counties, list) or not all(isinstance(c, str) for c in counties):
                raise RegionConfigError(f"{path}: {province}.{city} 应为县名列表 "
                                        f"({province}.{city} must be a list of county names)")
            tree[city] = tuple(counties)
    return tree


def expand(regions: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The regions and every region under them, sorted (each name once)."""
    tree = children()
    seen: set[str] = set()
    todo = list(regions)
    while todo:
        region = todo.pop()
        if region not in seen:
            seen.add(region)
            todo.extend(tree.get(region, ()))
    return tuple(sorted(seen))
