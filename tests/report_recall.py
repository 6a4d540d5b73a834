"""Compare a draft (lib/intake/report) with the hand transcription of the same report (data/*.xlsx).

For each table: how many of the transcription's figures (amounts, rates, scores, ratings,
allocations, indicator target/actual pairs, stated figures) the draft holds in the right column
of the matching record, how many it holds with another value (misplaced), and how many it fills
where the transcription is empty (extra). Records are matched by what identifies them in the
report, never by id: a project by its name; an allocation by region × source × year; an
indicator by owner, 一级, region and the closest name; a stated figure by owner, value, unit and
its region / source / year / rating.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

FIELDS = {
    "projects": (
        "budget_initial",
        "budget",
        "appropriation",
        "executed",
        "stated_execution_rate",
        "stated_score",
        "stated_rating",
    ),
    "allocations": ("amount",),
    "execution": ("budget", "executed", "stated_execution_rate"),
    "progress": ("percent",),
    "indicators": ("target/actual", "weight", "stated_score"),
    "score_parts": ("weight", "stated_score"),
    "spending_items": ("amount",),
    "stated_figures": ("value",),
}


@dataclass
class TableRecall:
    table: str
    gold: int = 0
    found: int = 0
    misplaced: int = 0
    extra: int = 0
    draft_only: int = 0  # draft records matching no record of the transcription
    matched: set = field(default_factory=set)
    misses: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 1.0


def _fold(text) -> str:
    return re.sub(r"[\s“”\"（）()]", "", str(text or ""))


def _same(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(float(a) - float(b)) < 1e-6
    return _fold(a) == _fold(b)


def _similar(a: str, b: str) -> float:
    a, b = _fold(a), _fold(b)
    if not a or not b:
        return 0.0
    if a in b or b in a:
        return 1.0
    return difflib.SequenceMatcher(None, a, b).ratio()


def _compare(out: TableRecall, gold: dict, draft: dict | None, fields, what: str) -> None:
    if draft is not None:
        out.matched.add(id(draft))
    for f in fields:
        if f == "target/actual":
            g = (gold.get("target"), gold.get("actual"))
            d = ((draft or {}).get("target"), (draft or {}).get("actual"))
            if g == (None, None):
                continue
            out.gold += 1
            if draft is None:
                out.misses.append(f"{what} {f}")
            elif all(_same(x, y) for x, y in zip(g, d, strict=True)):
                out.found += 1
            elif any(x is not None and y is not None and not _same(x, y) for x, y in zip(g, d, strict=True)):
                out.misplaced += 1
                out.wrong.append(f"{what} {f}: {g} ≠ {d}")
            else:
                out.extra += any(x is None and y is not None for x, y in zip(g, d, strict=True))
                out.misses.append(f"{what} {f}: {g} vs {d}")
            continue
        g = gold.get(f)
        d = (draft or {}).get(f)
        if g is None:
            out.extra += d is not None and draft is not None
            continue
        out.gold += 1
        if d is None:
            out.misses.append(f"{what} {f}={g}")
        elif _same(g, d):
            out.found += 1
        else:
            out.misplaced += 1
            out.wrong.append(f"{what} {f}: {g} ≠ {d}")


def compare(gold: dict[str, list[dict]], draft: dict[str, list[dict]]) -> dict[str, TableRecall]:
    """Per-table recall of the transcription's figures in the draft (one program each)."""
    project_map = {}  # gold project_id → draft project_id
    for g in gold.get("projects", []):
        best = max(
            draft.get("projects", []),
            key=lambda d: _similar(g["project_name"], d["project_name"]),
            default=None,
        )
        if best and _similar(g["project_name"], best["project_name"]) >= 0.9:
            project_map[g["project_id"]] = best["project_id"]
    owner = lambda row: project_map.get(row.get("project_id"), "?") if row.get("project_id") else None  # noqa: E731
    downer = lambda row: row.get("project_id")  # noqa: E731
    out = {t: TableRecall(t) for t in FIELDS}

    by_id = {d["project_id"]: d for d in draft.get("projects", [])}
    for g in gold.get("projects", []):
        _compare(
            out["projects"],
            g,
            by_id.get(project_map.get(g["project_id"])),
            FIELDS["projects"],
            g["project_name"],
        )

    def keyed(table, key):
        pool = {}
        for d in draft.get(table, []):
            pool.setdefault(key(d, downer), []).append(d)
        for g in gold.get(table, []):
            candidates = pool.get(key(g, owner), [])
            match = candidates.pop(0) if candidates else None
            _compare(out[table], g, match, FIELDS[table], f"{table} {key(g, owner)}")

    keyed("allocations", lambda r, o: (o(r), _fold(r["region"]), r["fund_source"], r.get("fund_year")))
    keyed("execution", lambda r, o: (o(r), r.get("fund_source")))
    keyed("score_parts", lambda r, o: (o(r), r["part"]))

    # progress: per region, the transcription's percents as a multiset
    pool: dict = {}
    for d in draft.get("progress", []):
        pool.setdefault(_fold(d["region"]), []).append(d)
    for g in gold.get("progress", []):
        if g.get("percent") is None:
            continue
        candidates = pool.get(_fold(g["region"]), [])
        match = next((d for d in candidates if _same(d.get("percent"), g["percent"])), None)
        if match is None and candidates:
            match = max(candidates, key=lambda d: _similar(d["measure"], g["measure"]))
        if match in candidates:
            candidates.remove(match)
        _compare(out["progress"], g, match, FIELDS["progress"], f"progress {g['region']} {g['measure']}")

    # named records: the closest name among the same owner (and 一级, region for indicators)
    def named(table, name_col, group):
        pool: dict = {}
        for d in draft.get(table, []):
            pool.setdefault(group(d, downer), []).append(d)
        for g in gold.get(table, []):
            if table == "indicators" and not any(
                g.get(f) is not None for f in ("target", "actual", "weight", "stated_score")
            ):
                continue  # a name only: no figure to compare
            candidates = [
                d
                for d in pool.get(group(g, owner), [])
                if table != "indicators"
                or not (g.get("level2") and d.get("level2"))
                or g["level2"] == d["level2"]
            ]
            match = max(candidates, key=lambda d: _similar(g[name_col], d[name_col]), default=None)
            if match is not None and _similar(g[name_col], match[name_col]) < 0.5:
                match = None
            if match is not None:
                pool[group(g, owner)].remove(match)
            _compare(out[table], g, match, FIELDS[table], f"{table} {owner(g)} {g[name_col]}")

    named("indicators", "level3", lambda r, o: (o(r), r["level1"], _fold(r.get("region"))))
    named("spending_items", "item", lambda r, o: (o(r),))

    # stated figures: by owner, value, unit, region, source, year, rating
    def sf_key(r, o):
        return (
            o(r),
            round(float(r["value"]), 6),
            r["unit"],
            _fold(r.get("region")),
            r.get("fund_source"),
            r.get("fund_year"),
            r.get("rating"),
        )

    pool = {}
    for d in draft.get("stated_figures", []):
        pool.setdefault(sf_key(d, downer), []).append(d)
    for g in gold.get("stated_figures", []):
        candidates = pool.get(sf_key(g, owner), [])
        match = candidates.pop(0) if candidates else None
        _compare(
            out["stated_figures"],
            g,
            match,
            FIELDS["stated_figures"],
            f"stated {g['metric']} {g['value']}{g['unit']}",
        )
    for table, result in out.items():
        result.draft_only = len(draft.get(table, [])) - len(result.matched)
    return out


def table_text(name: str, results: dict[str, TableRecall]) -> str:
    """The per-table figures as printed by the test and quoted in docs/user-guide.md."""
    head = f"{'table':<16}{'gold':>6}{'found':>7}{'recall':>8}{'misplaced':>11}{'extra':>7}{'draft only':>12}"
    lines = [name, head]
    total = TableRecall("all")
    for r in [*results.values(), total]:
        if r is total:
            pass
        elif not r.gold and not r.extra and not r.draft_only:
            continue
        else:
            total.gold += r.gold
            total.found += r.found
            total.misplaced += r.misplaced
            total.extra += r.extra
            total.draft_only += r.draft_only
        lines.append(f"{r.table:<16}{r.gold:>6}{r.found:>7}{r.recall:>8.1%}{r.misplaced:>11}{r.extra:>7}"
                     f"{r.draft_only:>12}")
    return "\n".join(lines)
