"""版本历史 as a person reads it: who made each version, what it touched and how the tables changed.

dataset_versions keeps, per version, the row count of every table after it (JSON, English table
names) and the user's login name; the history shows the change from the version before in the
sheets' Chinese names, and the shipped data's first load as the system's, not a user's.
"""

from __future__ import annotations

import json

import pandas as pd

from lib.labels import COLUMN_LABELS, SHEET_LABELS, VERSION_ACTIONS, VERSION_USERS
from lib.outputs import fmt
from lib.outputs.export import RATE_COLUMNS
from lib.ui.preview import cell_text, rate_text

UNCHANGED_COUNTS = "各表行数未变（所涉资金/部门的记录已替换）"
COLUMNS = ["version_id", "created_at", "user_name", "action", "changes", "programs", "restored_version",
           "files", "sha256"]


def _counts(raw: object) -> dict[str, int]:
    if fmt.missing(raw) or not str(raw).strip():
        return {}
    return {table: int(n) for table, n in json.loads(str(raw)).items()}


def changes(before: dict[str, int] | None, after: dict[str, int], totals: bool = True) -> str:
    """The row counts' change between two versions, table by table in the workbook's sheet order:
    项目 9 → 10（+1）；绩效指标 59 → 57（−2）. The first version lists what it loaded. Without
    ``totals`` only the differences (项目 +1；绩效指标 −2): the counts are the whole store's, which a
    scoped user is not shown, while the difference a version of their own programs made is theirs."""
    tables = [t for t in SHEET_LABELS if t in after] + [t for t in after if t not in SHEET_LABELS]
    if before is None:
        loaded = [f"{SHEET_LABELS.get(t, t)} {after[t]:,}" for t in tables if after[t]]
        return "载入：" + "、".join(loaded) if loaded else "空数据"
    parts = []
    for table in tables:
        was, now = before.get(table, 0), after[table]
        if was != now:
            sign = "+" if now > was else "−"
            label = SHEET_LABELS.get(table, table)
            parts.append(f"{label} {was:,} → {now:,}（{sign}{abs(now - was):,}）" if totals
                         else f"{label} {sign}{abs(now - was):,}")
    return "；".join(parts) if parts else UNCHANGED_COUNTS


def value_text(values: list[dict], total: int) -> str:
    """A version's changed values as a person checks them (lib/store/version_diff.py): 改动 1 处：
    项目 LZ2022-P04 全年执行数 9 → 12; rates as percentages (报告执行率 18.4% → 61.22%)."""
    if not total:
        return ""
    shown = [f"{SHEET_LABELS.get(v['table'], v['table'])} {v['key']} "
             f"{COLUMN_LABELS.get(v['column'], v['column'])} "
             f"{_value(v['column'], v['old'])} → {_value(v['column'], v['new'])}" for v in values]
    more = f"等（共 {total:,} 处）" if total > len(values) else ""
    return f"改动 {total:,} 处：" + "；".join(shown) + more


def _value(column: str, value: object) -> str:
    return rate_text(value) if column in RATE_COLUMNS else cell_text(value)


def _programs(raw: object, names: dict[str, str]) -> str:
    ids = [p.strip() for p in str(raw).split(";") if p.strip()] if not fmt.missing(raw) else []
    return "、".join(f"{names[p]}（{p}）" if names.get(p) else p for p in ids) or "—"


def table(versions: pd.DataFrame, program_names: dict[str, str],
          counts_before: dict[int, object] | None = None,
          values: dict[int, tuple[list[dict], int]] | None = None) -> pd.DataFrame:
    """The rows of dataset_versions (any order) as the history table, newest first.

    Args:
        versions: dataset_versions rows.
        program_names: program id -> name, for the programs each version touched.
        counts_before: for a scoped user's history (some versions left out): version id -> the
            row_counts of the version just before it; each change is then that version's own,
            as differences only (see ``changes``).
        values: version id -> its changed values and how many (version_diff.value_changes),
            named after the row counts; a version whose counts did not move is then named by them.
    Returns:
        The COLUMNS: version_id stays a number (for sorting and the rollback choice); the user
        as named in VERSION_USERS, the action in Chinese, the changes as text (see ``changes``),
        the restored version as v1.
    """
    ordered = versions.sort_values("version_id")
    rows = []
    before: dict[str, int] | None = None
    for version in ordered.to_dict("records"):
        version_id = int(version["version_id"])
        after = _counts(version.get("row_counts"))
        if counts_before is not None:  # a scoped history: each version against its own predecessor
            before = _counts(counts_before[version_id]) if version_id in counts_before else None
        restored = version.get("restored_version")
        rows.append({
            "version_id": version_id,
            "created_at": version["created_at"],
            "user_name": VERSION_USERS.get(version["user_name"], version["user_name"]),
            "action": VERSION_ACTIONS.get(version["action"], version["action"]),
            "programs": _programs(version.get("programs"), program_names),
            "changes": _with_values(changes(before, after, totals=counts_before is None),
                                    *(values or {}).get(version_id, ([], 0))),
            "restored_version": "" if fmt.missing(restored) else f"v{int(restored)}",
            "files": fmt.text_or(version.get("files"), ""),
            "sha256": fmt.text_or(version.get("sha256"), ""),
        })
        before = after
    return pd.DataFrame(rows, columns=COLUMNS).iloc[::-1].reset_index(drop=True)


def _with_values(counted: str, values: list[dict], total: int) -> str:
    named = value_text(values, total)
    if not named:
        return counted
    if counted == UNCHANGED_COUNTS:
        return named
    return f"{counted}；{named}"


def rollback_targets(shown: list[int], current: int, scoped: bool) -> dict[int, str]:
    """The versions one may choose to roll back to, newest first, with their labels.

    Everyone may choose any shown version but the current one. A scoped user's history leaves out
    the versions of others, among them, often, the one before their own upload: so the version
    just before each shown one is offered too ("v3（v4 之前）"), which is what undoing that upload
    restores. Whether the rollback may run is the store's decision (lib/store/scoped_writes.py).
    """
    labels = {v: f"v{v}" for v in shown if v != current}
    if scoped:
        for v in shown:
            if v - 1 >= 1 and v - 1 != current and v - 1 not in labels:
                labels[v - 1] = f"v{v - 1}（v{v} 之前）"
    return {v: labels[v] for v in sorted(labels, reverse=True)}
