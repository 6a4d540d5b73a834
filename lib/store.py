"""The DuckDB file: connect, schema, atomic import, dataset versions, filtered reads.

All SQL and data access of the product goes through this module. One Store owns one
connection to the file; every read and write runs on its own cursor, because Streamlit serves
sessions on several threads and a DuckDB connection is not thread-safe. Writes are
serialized by a lock and run in one transaction, so a reader never sees half an import.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from lib import notation
from lib import workbook_spec as spec
from lib.access import ANALYST, SYSTEM, Actor, require
from lib.diff import TableDiff, diff_rows
from lib.filters import Filters, where_clause
from lib.workbook import Finding, ParsedWorkbook, read_workbooks

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_SQL = (Path(__file__).with_name("schema.sql")).read_text(encoding="utf-8")
DATA_DIR = ROOT / "data"
# The shipped default dataset, one workbook per source report.
SEED_WORKBOOKS = ("liaoning_2023_hazchem.xlsx", "lanzhou_2022_emergency.xlsx")

TABLES = spec.TABLE_ORDER
VIEWS = (
    "v_funding", "v_funding_by_region_source", "v_execution", "v_projects", "v_indicators",
    "v_deviations", "v_progress", "v_stated_figures", "v_spending_items", "v_score_parts",
    "v_objectives",
)
EXPORTABLE = TABLES + VIEWS + ("dataset_versions",)
# Tables whose content a rejected import must leave unchanged.
STATE_TABLES = TABLES + ("dataset_versions", "version_programs") + tuple(f"archive_{t}" for t in TABLES)

# Columns the import derives for indicators from their notation (lib/notation.py).
INDICATOR_DERIVED = (
    "target_op", "target_value", "target_unit", "actual_op", "actual_value", "actual_unit",
    "direction", "status", "completion_ratio",
)


class StoreBusyError(RuntimeError):
    """The database file is held by another process (DuckDB locks a file per process)."""


class ImportRejected(ValueError):
    """An import that did not pass validation; nothing was written."""

    def __init__(self, findings: list[Finding]):
        super().__init__(f"{len(findings)} 个问题，未导入 ({len(findings)} problems, nothing imported)")
        self.findings = findings


@dataclass
class ImportResult:
    version_id: int
    programs: list[str]
    row_counts: dict[str, int] = field(default_factory=dict)


def default_db_path() -> Path:
    """JIXIAO_DB if set, else var/jixiao.duckdb in the project."""
    return Path(os.environ.get("JIXIAO_DB") or ROOT / "var" / "jixiao.duckdb")


class Store:
    """One DuckDB database file, opened read-write, with the schema applied."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path else default_db_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._con = duckdb.connect(str(self.path))
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise StoreBusyError(
                    f"数据库文件 {self.path} 正被另一个进程占用（例如正在运行的看板应用）。"
                    "请先停止该进程，或用 --db 指定另一个文件。"
                    f" (The database file is locked by another process: {exc})"
                ) from exc
            raise
        self._write_lock = threading.Lock()
        self._con.execute(SCHEMA_SQL)
        for table in TABLES:  # archive_<table>: the table's columns after a state_version
            self._con.execute(f"CREATE TABLE IF NOT EXISTS archive_{table} AS "
                              f"SELECT CAST(NULL AS INTEGER) AS state_version, * FROM {table} WHERE 1 = 0")

    def close(self) -> None:
        self._con.close()

    # ------------------------------------------------------------------ reads
    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self._con.cursor()

    def query(self, sql: str, params: list | None = None) -> pd.DataFrame:
        cur = self.cursor()
        try:
            return cur.execute(sql, params or []).df()
        finally:
            cur.close()

    def columns(self, relation: str) -> list[str]:
        if relation not in EXPORTABLE:
            raise KeyError(relation)
        cur = self.cursor()
        try:
            cur.execute(f"SELECT * FROM {relation} LIMIT 0")  # relation is from the allow-list
            return [d[0] for d in cur.description]
        finally:
            cur.close()

    def read(self, relation: str, filters: Filters | None = None,
             where: dict[str, object] | None = None, order_by: list[str] | None = None,
             search: tuple[tuple[str, ...], str] | None = None) -> pd.DataFrame:
        """Rows of a documented table or view, filtered.

        Args:
            relation: a name from EXPORTABLE (anything else raises KeyError).
            filters: the dashboard's shared filters.
            where: extra column = value conditions (columns must exist in the relation).
            order_by: columns to sort by (must exist in the relation).
            search: (columns, text): keep rows where any of the columns contains the text,
                case-insensitively.
        """
        cols = self.columns(relation)
        sql_where, params = where_clause(filters or Filters(), set(cols))
        conditions: list[str] = [sql_where[len(" WHERE "):]] if sql_where else []
        for column, value in (where or {}).items():
            if column not in cols:
                raise KeyError(f"{relation} 没有列 {column} (no column {column})")
            conditions.append(f"{column} = ?")
            params.append(value)
        if search and search[1].strip():
            search_cols, text = search
            unknown = [c for c in search_cols if c not in cols]
            if unknown:
                raise KeyError(f"{relation} 没有列 {unknown}")
            conditions.append("(" + " OR ".join(
                f"LOWER(COALESCE(CAST({c} AS VARCHAR), '')) LIKE ?" for c in search_cols) + ")")
            params.extend([f"%{text.strip().lower()}%"] * len(search_cols))
        sql_where = " WHERE " + " AND ".join(conditions) if conditions else ""
        order = [c for c in (order_by or []) if c in cols]
        if order_by and len(order) != len(order_by):
            raise KeyError(f"unknown order column in {order_by}")
        sql = f"SELECT * FROM {relation}{sql_where}"
        if order:
            sql += " ORDER BY " + ", ".join(order)
        return self.query(sql, params)

    def current_version(self) -> dict | None:
        df = self.query("SELECT * FROM dataset_versions ORDER BY version_id DESC LIMIT 1")
        return None if df.empty else df.iloc[0].to_dict()

    def version_id(self) -> int:
        """The current dataset version (0 for an empty store); cheap, pages ask on every read."""
        cur = self.cursor()
        try:
            return int(cur.execute("SELECT COALESCE(MAX(version_id), 0) FROM dataset_versions").fetchone()[0])
        finally:
            cur.close()

    def row_counts(self) -> dict[str, int]:
        cur = self.cursor()
        try:
            return {t: cur.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}
        finally:
            cur.close()

    def content_checksum(self) -> str:
        """sha256 over every data table's rows in a canonical order.

        Equal checksums mean equal content: what a rejected import must leave unchanged.
        """
        digest = hashlib.sha256()
        cur = self.cursor()
        try:
            for table in STATE_TABLES:
                rows = cur.execute(f"SELECT * FROM {table}").fetchall()
                digest.update(table.encode())
                for line in sorted(repr(r) for r in rows):
                    digest.update(line.encode())
        finally:
            cur.close()
        return digest.hexdigest()

    # ------------------------------------------------------------------ writes
    def validate(self, sources: list[tuple[str, str | Path | bytes]],
                 on_file: Callable[[int, int, str], None] | None = None) -> ParsedWorkbook:
        """Read and validate workbooks against the format and the stored data; writes nothing.

        ``on_file(i, n, label)`` is called before each file is read (for a progress bar).
        """
        parsed = read_workbooks(sources, on_file=on_file)
        parsed.findings.extend(self._conflicts(parsed))
        return parsed

    def import_files(self, sources: list[tuple[str, str | Path | bytes]],
                     user: str | Actor | None = None) -> ImportResult:
        """Validate and import workbooks in one transaction, as a new dataset version.

        Every program in the files replaces all stored records of the same program id (its
        projects, allocations, execution, indicators, …); other programs stay as they are;
        sources with the same id are replaced.

        Args:
            sources: (file label, path or bytes) pairs.
            user: the Actor importing (must be an analyst); a plain name means a trusted local
                caller (command line, tests) acting as analyst.
        Raises:
            PermissionDenied: the actor may not upload.
            ImportRejected: with the findings, when any file has a problem. Nothing is written.
        """
        actor = _actor(user)
        require(actor, "upload")
        parsed = self.validate(sources)
        if parsed.findings:
            raise ImportRejected(parsed.findings)
        files = [(label, _sha256(src)) for label, src in sources]
        return self._apply(parsed, files, actor.name)

    def preview(self, parsed: ParsedWorkbook) -> dict[str, TableDiff]:
        """What importing ``parsed`` would change, per table, against the stored data."""
        program_ids = sorted({r["program_id"] for r in parsed.tables["programs"]})
        source_ids = sorted({r["source_id"] for r in parsed.tables["sources"]})
        out: dict[str, TableDiff] = {}
        for table in TABLES:
            sheet = spec.SHEETS_BY_TABLE[table]
            columns = [c.name for c in sheet.columns]
            ids, id_column = (source_ids, "source_id") if table == "sources" else (program_ids, "program_id")
            current = self._rows_in(table, id_column, ids, columns)
            incoming = pd.DataFrame(parsed.tables[table], columns=columns)
            out[table] = diff_rows(current, incoming, list(sheet.key), columns)
        return out

    def _rows_in(self, table: str, column: str, values: list, columns: list[str]) -> pd.DataFrame:
        if not values:
            return pd.DataFrame(columns=columns)
        marks = ", ".join("?" for _ in values)
        return self.query(f"SELECT {', '.join(columns)} FROM {table} WHERE {column} IN ({marks})", values)

    def _conflicts(self, parsed: ParsedWorkbook) -> list[Finding]:
        """Project ids the file reuses from another stored program (they would collide)."""
        found = []
        incoming = {r["program_id"] for r in parsed.tables["programs"]}
        stored = dict(self.query("SELECT project_id, program_id FROM projects").itertuples(index=False))
        for i, row in enumerate(parsed.tables["projects"]):
            owner = stored.get(row["project_id"])
            if owner and owner not in incoming:
                file_label, sheet, row_no = parsed.origins["projects"][i]
                found.append(Finding(
                    file_label, sheet, row_no, spec.SHEETS_BY_TABLE["projects"].column("project_id").header,
                    f"项目编号“{row['project_id']}”已属于库中的“{owner}”",
                    f"project id already belongs to stored program '{owner}'"))
        return found

    def _apply(self, parsed: ParsedWorkbook, files: list[tuple[str, str]], user: str) -> ImportResult:
        program_ids = sorted({r["program_id"] for r in parsed.tables["programs"]})
        source_ids = sorted({r["source_id"] for r in parsed.tables["sources"]})
        frames = {t: _frame(t, rows) for t, rows in parsed.tables.items()}
        with self._transaction() as cur:
            version_id = _next_version(cur)
            previous = version_id - 1
            self._delete_programs(cur, program_ids)
            if source_ids:
                cur.execute(f"DELETE FROM sources WHERE source_id IN ({_marks(source_ids)})", source_ids)
            for table in TABLES:
                frame = frames[table]
                if frame.empty:
                    continue
                cur.register("incoming_rows", frame)
                cols = ", ".join(frame.columns)
                cur.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM incoming_rows")
                cur.unregister("incoming_rows")
            # archive the new state of each replaced program, and the sources as they now are
            if program_ids:
                for table in TABLES[1:]:
                    cur.execute(f"INSERT INTO archive_{table} SELECT ?, * FROM {table} "
                                f"WHERE program_id IN ({_marks(program_ids)})",
                                [version_id, *program_ids])
            cur.execute("INSERT INTO archive_sources SELECT ?, * FROM sources", [version_id])
            keep = "" if not program_ids else f" AND program_id NOT IN ({_marks(program_ids)})"
            cur.execute("INSERT INTO version_programs SELECT ?, program_id, state_version "
                        f"FROM version_programs WHERE version_id = ?{keep}",
                        [version_id, previous, *program_ids])
            for program_id in program_ids:
                cur.execute("INSERT INTO version_programs VALUES (?, ?, ?)",
                            [version_id, program_id, version_id])
            counts = self._record_version(cur, version_id, user, "import", files, program_ids,
                                          restored=None, sources_version=version_id)
        return ImportResult(version_id, program_ids, counts)

    def rollback(self, target_version: int, user: str | Actor | None = None) -> ImportResult:
        """Restore the data of an earlier version, as a new version (nothing is destroyed).

        Raises:
            PermissionDenied: the actor may not roll back.
            KeyError: no such version.
        """
        actor = _actor(user)
        require(actor, "rollback")
        with self._transaction() as cur:
            target = cur.execute("SELECT sources_version FROM dataset_versions WHERE version_id = ?",
                                 [target_version]).fetchone()
            if target is None:
                raise KeyError(f"没有数据版本 v{target_version} (no version {target_version})")
            version_id = _next_version(cur)
            wanted = dict(cur.execute("SELECT program_id, state_version FROM version_programs "
                                      "WHERE version_id = ?", [target_version]).fetchall())
            current = dict(cur.execute("SELECT program_id, state_version FROM version_programs "
                                       "WHERE version_id = ?", [version_id - 1]).fetchall())
            changed = sorted(p for p in set(wanted) | set(current) if wanted.get(p) != current.get(p))
            self._delete_programs(cur, changed)
            for program_id in changed:
                if program_id not in wanted:
                    continue
                for table in TABLES[1:]:
                    cols = ", ".join(self.columns(table))
                    cur.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM archive_{table} "
                                "WHERE state_version = ? AND program_id = ?",
                                [wanted[program_id], program_id])
            cur.execute("DELETE FROM sources")
            cols = ", ".join(self.columns("sources"))
            cur.execute(f"INSERT INTO sources ({cols}) SELECT {cols} FROM archive_sources "
                        "WHERE state_version = ?", [target[0]])
            for program_id, state in sorted(wanted.items()):
                cur.execute("INSERT INTO version_programs VALUES (?, ?, ?)",
                            [version_id, program_id, state])
            counts = self._record_version(cur, version_id, actor.name, "rollback", [], changed,
                                          restored=target_version, sources_version=target[0])
        return ImportResult(version_id, changed, counts)

    @contextmanager
    def _transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One write at a time, all or nothing: a cursor inside a transaction under the lock."""
        with self._write_lock:
            cur = self.cursor()
            try:
                cur.begin()
                yield cur
                cur.commit()
            except BaseException:
                cur.rollback()
                raise
            finally:
                cur.close()

    @staticmethod
    def _delete_programs(cur, program_ids: list[str]) -> None:
        if not program_ids:
            return
        for table in reversed(TABLES[1:]):  # children first; sources have no program
            cur.execute(f"DELETE FROM {table} WHERE program_id IN ({_marks(program_ids)})", program_ids)

    @staticmethod
    def _record_version(cur, version_id: int, user: str, action: str, files: list[tuple[str, str]],
                        program_ids: list[str], restored: int | None, sources_version: int) -> dict:
        counts = {t: cur.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}
        cur.execute(
            "INSERT INTO dataset_versions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [version_id, dt.datetime.now(), user, action,
             "; ".join(f for f, _ in files), "; ".join(h for _, h in files),
             "; ".join(program_ids), json.dumps(counts, ensure_ascii=False), restored, sources_version],
        )
        return counts


def _marks(values: list) -> str:
    return ", ".join("?" for _ in values)


def _next_version(cur) -> int:
    return cur.execute("SELECT COALESCE(MAX(version_id), 0) + 1 FROM dataset_versions").fetchone()[0]


def _actor(user: str | Actor | None) -> Actor:
    if isinstance(user, Actor):
        return user
    return Actor(user or _current_user(), ANALYST)


def _frame(table: str, rows: list[dict]) -> pd.DataFrame:
    sheet = spec.SHEETS_BY_TABLE[table]
    columns = [c.name for c in sheet.columns]
    if table == "indicators":
        rows = [row | derive_indicator(row) for row in rows]
        columns += list(INDICATOR_DERIVED)
    frame = pd.DataFrame(rows, columns=columns)
    # Object columns keep None as NULL and Python dates as dates for DuckDB.
    return frame.astype(object).where(frame.notna(), None)


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


def _sha256(source: str | Path | bytes) -> str:
    data = Path(source).read_bytes() if isinstance(source, (str, Path)) else bytes(source)
    return hashlib.sha256(data).hexdigest()


def _current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "unknown"


def seed_sources() -> list[tuple[str, Path]]:
    return [(name, DATA_DIR / name) for name in SEED_WORKBOOKS]


def open_store(path: str | Path | None = None, seed: bool = True) -> Store:
    """Open the database, building it from the shipped dataset when it holds no data yet."""
    store = Store(path)
    if seed and store.version_id() == 0:
        store.import_files(seed_sources(), user=SYSTEM)
    return store
