"""The shared PostgreSQL store: several app replicas (and the command line) on one database.

Design (measured in bench/pg.py, documented in docs/deploy.md): PostgreSQL is the system of
record — data tables, sources, the archive, dataset versions and the per-version program states
live there, and every import or rollback is one PostgreSQL transaction serialized by an advisory
lock. Each replica reads from its own DuckDB read copy (a file: $JIXIAO_REPLICA_DB, or one in a
temporary folder removed on close), brought up to date whenever the dataset version in
PostgreSQL differs from the copy's: only the programs whose archived state changed are copied
(COPY … TO STDOUT as CSV into DuckDB), and the derived tables (mat_*, region_options) are
rebuilt for those programs by the same code the
DuckDB store runs. So every page runs the same SQL at DuckDB's speed on either store, and a
version committed through one replica is what every replica shows at its next rerun, because
``version_id()`` — which pages ask on every run — reads the version from PostgreSQL.

In PostgreSQL the documented views v_<name> read calc_<name> directly (no materialized copies:
the replicas hold those), so other tools reading PostgreSQL see the same views, always current.
Values are bound by psycopg, never formatted into SQL; identifiers come from the schema only.
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import psycopg
from psycopg import sql
from psycopg_pool import ConnectionPool, PoolTimeout

from lib.intake.types import ParsedWorkbook
from lib.store import derived
from lib.store.base import SCHEMA_SHA256, SCHEMA_SQL, STATE_TABLES, TABLES, ImportRejected, StoreError
from lib.store.database import Store

# pg_advisory_xact_lock key of every write (imports, rollbacks, schema setup): one writer at a time
# across all replicas and command lines.
WRITE_LOCK_KEY = 7_305_948_031_117_401_001
# Tables only the replicas hold (built from the data tables by derived._refresh_derived).
REPLICA_ONLY = ("mat_program_totals", "region_options")
# Copied to the replica in full on every sync (small), then the data tables per changed program.
SYNC_WHOLE = ("sources",)
POOL_MAX = int(os.environ.get("JIXIAO_PG_POOL_MAX", "4"))


def postgres_schema(schema_sql: str = SCHEMA_SQL) -> list[str]:
    """schema.sql as PostgreSQL statements: the mat_* tables and the replica-only derived tables
    left out, and each v_<name> reading calc_<name> instead of mat_<name>."""
    text = re.sub(r"--[^\n]*", "", schema_sql)
    out = []
    for statement in (s.strip() for s in text.split(";")):
        if not statement:
            continue
        if re.match(r"CREATE TABLE IF NOT EXISTS mat_\w+ AS SELECT \* FROM calc_\w+", statement):
            continue
        if re.match(rf"CREATE TABLE IF NOT EXISTS ({'|'.join(REPLICA_ONLY)})\b", statement):
            continue
        statement = re.sub(r"^(CREATE OR REPLACE VIEW v_(\w+) AS SELECT \* FROM) mat_\2$", r"\1 calc_\2",
                           statement)
        out.append(statement)
    return out


def _pg_sql(sql: str) -> str:
    """The store's portable SQL (``?`` placeholders) in psycopg's paramstyle (``%s``)."""
    return sql.replace("%", "%%").replace("?", "%s")


class _PgCursor:
    """A psycopg cursor that takes the store's ``?`` placeholders, so database.Store's write code
    (imports, rollbacks) runs unchanged on PostgreSQL."""

    def __init__(self, cur: psycopg.Cursor):
        self.raw = cur

    def execute(self, sql: str, params: list | tuple | None = None) -> _PgCursor:
        if params:
            self.raw.execute(_pg_sql(sql), list(params))
        else:  # without parameters psycopg reads no placeholders
            self.raw.execute(sql)
        return self

    def fetchone(self):
        return self.raw.fetchone()

    def fetchall(self):
        return self.raw.fetchall()

    @property
    def description(self):
        return self.raw.description


class PostgresStore(Store):
    """The Store interface on a shared PostgreSQL database, read through a local DuckDB copy."""

    def __init__(self, url: str, replica: str | Path | None = None):
        self.url = url
        try:
            # one plain connection first: a wrong URL or a stopped server fails now, plainly,
            # instead of the pool retrying until its timeout
            psycopg.connect(url, connect_timeout=10).close()
            self._pool = ConnectionPool(url, min_size=1, max_size=POOL_MAX, open=True,
                                        kwargs={"autocommit": True}, name="jixiao")
            self._pool.wait(timeout=_connect_timeout())
        except Exception as exc:  # PoolTimeout, OperationalError: the server is not reachable
            pool = getattr(self, "_pool", None)
            if pool is not None:
                pool.close()
            raise StoreError(f"无法连接 PostgreSQL 数据库 {_safe_url(url)}，"
                             "请检查 JIXIAO_DATABASE_URL / --db 和数据库服务。 "
                             f"(Cannot connect to PostgreSQL: {exc})") from exc
        self._sync_lock = threading.Lock()
        self._replica_dir: tempfile.TemporaryDirectory | None = None
        try:
            self._setup_schema()
            replica = replica or os.environ.get("JIXIAO_REPLICA_DB")
            if not replica:
                # A file, not ":memory:": DuckDB compresses rows when it checkpoints, and an
                # in-memory copy filled in one transaction stayed uncompressed even through an
                # explicit CHECKPOINT (DuckDB 2.0): page aggregates over its string columns
                # (status, 一级指标) then ran 2–3× slower than on the DuckDB file (bench/pg.py).
                self._replica_dir = tempfile.TemporaryDirectory(prefix="jixiao-replica-")
                replica = Path(self._replica_dir.name) / "replica.duckdb"
            super().__init__(replica)
            self.sync()
        except BaseException:
            self._pool.close()
            self._remove_replica_dir()
            raise

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._pool.close()
            self._remove_replica_dir()

    def _remove_replica_dir(self) -> None:
        if self._replica_dir is not None:
            self._replica_dir.cleanup()
            self._replica_dir = None

    # ------------------------------------------------------------------ PostgreSQL
    @contextmanager
    def _write(self) -> Iterator[_PgCursor]:
        """One PostgreSQL transaction under the advisory write lock; the replica catches up after."""
        with self._pool.connection() as conn, conn.transaction():
            cur = conn.cursor()
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK_KEY])
            yield _PgCursor(cur)
        self.sync()

    @contextmanager
    def _record_write(self) -> Iterator[_PgCursor]:
        """A small write in PostgreSQL outside the dataset versions (users, activity, lockouts):
        no advisory lock, so a sign-in does not wait for an upload, and no read-copy sync."""
        with self._pool.connection() as conn, conn.transaction():
            yield _PgCursor(conn.cursor())

    def _setup_schema(self) -> None:
        """Create the tables and views once per schema (several replicas may start together)."""
        with self._write_lockless() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK_KEY])
            cur.execute("SELECT to_regclass('derived_state') IS NOT NULL")
            built = []
            if cur.fetchone()[0]:
                cur.execute("SELECT schema_sha256 FROM derived_state")
                built = [r[0] for r in cur.fetchall()]
            if built == [SCHEMA_SHA256]:
                return
            cur.execute("SELECT table_name FROM information_schema.views "
                        "WHERE table_schema = current_schema() "
                        "AND (table_name LIKE 'v\\_%' OR table_name LIKE 'calc\\_%')")
            for (view,) in cur.fetchall():  # recreated: CREATE OR REPLACE cannot drop a column
                cur.execute(sql.SQL("DROP VIEW IF EXISTS {} CASCADE").format(sql.Identifier(view)))
            for statement in postgres_schema():
                cur.execute(statement)
            for table in TABLES:
                cur.execute(f"CREATE TABLE IF NOT EXISTS archive_{table} AS "
                            f"SELECT CAST(NULL AS INTEGER) AS state_version, * FROM {table} WHERE 1 = 0")
            # a program's rows are deleted, archived, restored and copied to replicas by program id:
            # without these, each of those statements reads a whole table (DuckDB scans columns fast)
            for table in TABLES[2:]:
                cur.execute(f"CREATE INDEX IF NOT EXISTS {table}_program ON {table} (program_id)")
            for table in TABLES[1:]:
                cur.execute(f"CREATE INDEX IF NOT EXISTS archive_{table}_state "
                            f"ON archive_{table} (state_version, program_id)")
            cur.execute("CREATE INDEX IF NOT EXISTS archive_sources_state ON archive_sources (state_version)")
            cur.execute("CREATE INDEX IF NOT EXISTS version_programs_version "
                        "ON version_programs (version_id)")
            cur.execute("DELETE FROM derived_state")
            cur.execute("INSERT INTO derived_state VALUES (%s)", [SCHEMA_SHA256])

    @contextmanager
    def _write_lockless(self) -> Iterator[psycopg.Cursor]:
        with self._pool.connection() as conn, conn.transaction():
            yield conn.cursor()

    def _insert_frame(self, cur: _PgCursor, table: str, frame: pd.DataFrame) -> None:
        """COPY the parsed rows in (values adapted by psycopg, never formatted into SQL)."""
        cols = ", ".join(frame.columns)
        with cur.raw.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
            for row in frame.itertuples(index=False, name=None):
                copy.write_row(row)

    def _check_before_write(self, cur: _PgCursor, parsed: ParsedWorkbook) -> None:
        """Project ids are checked against PostgreSQL under the lock: another replica may have
        committed since this one's read copy was last brought up to date."""
        incoming = sorted({r["project_id"] for r in parsed.tables["projects"]})
        stored = dict(cur.execute("SELECT project_id, program_id FROM projects WHERE project_id = ANY(?)",
                                  [incoming]).fetchall()) if incoming else {}
        findings = self._conflicts(parsed, stored)
        if findings:
            raise ImportRejected(findings)

    def _derive(self, cur, program_ids: list[str]) -> None:
        """Nothing in PostgreSQL: its views compute live; each replica derives on sync."""

    def _remote_version(self) -> int:
        """Read first on every page run, so a server that went away after the start is reported
        here, as a StoreError the app shows, rather than as a traceback from whatever read is next."""
        try:
            with self._pool.connection(timeout=_connect_timeout()) as conn:
                row = conn.execute("SELECT COALESCE(MAX(version_id), 0) FROM dataset_versions").fetchone()
        except (psycopg.Error, PoolTimeout) as exc:
            raise StoreError(f"PostgreSQL 数据库 {_safe_url(self.url)} 暂时无法访问，"
                             "请稍后刷新页面或联系管理员。 "
                             f"(PostgreSQL is not reachable: {exc})") from exc
        return int(row[0])

    # ------------------------------------------------------------------ reads
    def version_id(self) -> int:
        """The dataset version in PostgreSQL; the read copy is brought up to it first when it lags."""
        remote = self._remote_version()
        if remote != self._local_version():
            self.sync()
        return remote

    def current_version(self) -> dict | None:
        self.version_id()
        return super().current_version()

    def validate(self, sources, on_file=None, layout: str | None = None) -> ParsedWorkbook:
        self.version_id()  # checks against the data as PostgreSQL holds it now
        return super().validate(sources, on_file=on_file, layout=layout)

    def primary_query(self, sql: str, params: list | None = None) -> pd.DataFrame:
        """A read run in PostgreSQL (``?`` placeholders), not on the replica's copy."""
        with self.primary_cursor() as cur:
            cur.execute(sql, params or [])
            return pd.DataFrame(cur.fetchall(), columns=[d.name for d in cur.description])

    @contextmanager
    def primary_cursor(self) -> Iterator[_PgCursor]:
        """A cursor on PostgreSQL itself, for reads of what the replica does not copy (archive_*)."""
        with self._pool.connection() as conn:
            yield _PgCursor(conn.cursor())

    def content_checksum(self) -> str:
        """As Store.content_checksum, over the tables in PostgreSQL (the system of record)."""
        import hashlib

        digest = hashlib.sha256()
        with self._pool.connection() as conn:
            for table in STATE_TABLES:
                rows = conn.execute(f"SELECT * FROM {table}").fetchall()
                digest.update(table.encode())
                for line in sorted(repr(r) for r in rows):
                    digest.update(line.encode())
        return digest.hexdigest()

    # ------------------------------------------------------------------ the read copy
    def _local_version(self) -> int:
        cur = self.cursor()
        try:
            return int(cur.execute("SELECT COALESCE(MAX(version_id), 0) FROM dataset_versions").fetchone()[0])
        finally:
            cur.close()

    def sync(self) -> dict:
        """Bring the DuckDB read copy to PostgreSQL's current version in one local transaction.

        Returns {'version': …, 'programs': changed program count or None for a full copy}.
        """
        with self._sync_lock, self._pool.connection() as conn, conn.transaction():
            pg = conn.cursor()
            pg.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            remote = dict(pg.execute("SELECT version_id, created_at FROM dataset_versions").fetchall())
            local_cur = self.cursor()
            try:
                local = dict(local_cur.execute("SELECT version_id, created_at FROM dataset_versions")
                             .fetchall())
            finally:
                local_cur.close()
            top = max(remote, default=0)
            top_local = max(local, default=0)
            if top == top_local and remote.get(top) == local.get(top_local):
                return {"version": top, "programs": 0}
            # incremental when the copy's versions are a prefix of PostgreSQL's
            full = top_local == 0 or any(remote.get(v) != t for v, t in local.items())
            changed: list[str] | None = None
            if not full:
                wanted = dict(pg.execute("SELECT program_id, state_version FROM version_programs "
                                         "WHERE version_id = %s", [top]).fetchall())
                local_cur = self.cursor()
                try:
                    have = dict(local_cur.execute("SELECT program_id, state_version FROM version_programs "
                                                  "WHERE version_id = ?", [top_local]).fetchall())
                finally:
                    local_cur.close()
                changed = sorted(p for p in set(wanted) | set(have) if wanted.get(p) != have.get(p))
            with tempfile.TemporaryDirectory(prefix="jixiao-sync-") as tmp, self._transaction() as cur:
                csv = Path(tmp) / "rows.csv"
                if full:
                    for table in (*TABLES, "dataset_versions", "version_programs"):
                        cur.execute(f"DELETE FROM {table}")
                    for table in TABLES[1:]:
                        self._copy_in(pg, cur, csv, table, "", [])
                    self._copy_in(pg, cur, csv, "version_programs", "", [])
                    self._copy_in(pg, cur, csv, "dataset_versions", "", [])
                else:
                    self._delete_programs(cur, changed)
                    if changed:
                        for table in TABLES[1:]:
                            self._copy_in(pg, cur, csv, table, " WHERE program_id = ANY(%s)", [changed])
                    self._copy_in(pg, cur, csv, "version_programs", " WHERE version_id > %s", [top_local])
                    self._copy_in(pg, cur, csv, "dataset_versions", " WHERE version_id > %s", [top_local])
                for table in SYNC_WHOLE:
                    cur.execute(f"DELETE FROM {table}")
                    self._copy_in(pg, cur, csv, table, "", [])
                derived._refresh_derived(cur, changed)
            # compress what was copied now, not once the WAL has grown to DuckDB's threshold
            self._con.execute("CHECKPOINT")
        return {"version": top, "programs": None if changed is None else len(changed)}

    @staticmethod
    def _copy_in(pg: psycopg.Cursor, cur, csv: Path, table: str, where: str, params: list) -> None:
        """Rows of a PostgreSQL table (``where`` with %s placeholders bound by psycopg) into the
        same DuckDB table, through a CSV file: PostgreSQL writes NULL unquoted and '' quoted."""
        columns = cur.execute("SELECT column_name, data_type FROM information_schema.columns "
                              "WHERE table_name = ? AND table_schema = current_schema() "
                              "ORDER BY ordinal_position",
                              [table]).fetchall()
        names = ", ".join(name for name, _ in columns)
        statement = f"COPY (SELECT {names} FROM {table}{where}) TO STDOUT (FORMAT csv)"
        with open(csv, "wb") as out, pg.copy(statement, params or None) as copy:
            for chunk in copy:
                out.write(chunk)
        if csv.stat().st_size == 0:
            return
        types = "{" + ", ".join(f"'{name}': '{kind}'" for name, kind in columns) + "}"
        cur.execute(f"INSERT INTO {table} ({names}) SELECT * FROM read_csv(?, header = false, "
                    "auto_detect = false, delim = ',', quote = '\"', escape = '\"', "
                    f"allow_quoted_nulls = false, columns = {types})",
                    [str(csv)])


def _safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"(://[^:/@]*):[^@]*@", r"\1:***@", url)


def _connect_timeout() -> float:
    """Seconds to wait for a connection ($JIXIAO_PG_CONNECT_TIMEOUT, default 15)."""
    return float(os.environ.get("JIXIAO_PG_CONNECT_TIMEOUT", "15"))
