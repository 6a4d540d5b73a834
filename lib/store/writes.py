"""The store's write path: validate, preview, import, roll back, all or nothing, versioned.

A mixin of :class:`lib.store.database.Store`: the hooks ``_write`` / ``_transaction`` /
``_insert_frame`` / ``_check_before_write`` / ``_derive`` are where lib/store/postgres.py writes to
PostgreSQL instead of the DuckDB file.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd

from lib.access.roles import ANALYST, SYSTEM, Actor, require
from lib.intake import workbook_spec as spec
from lib.intake.layouts import Layout
from lib.intake.pipeline import read_workbooks
from lib.intake.types import Finding, ParsedWorkbook
from lib.store import accounts, scoped_writes
from lib.store import layouts as layouts_sql
from lib.store.base import (
    TABLES,
    ImportRejected,
    ImportResult,
)
from lib.store.derived import (
    _frame,
    _marks,
    _refresh_derived,
)
from lib.store.diff import TableDiff, diff_rows


class Writes:
    """Imports, rollbacks and saved layouts (see the module docstring)."""

    # ------------------------------------------------------------------ writes
    def validate(self, sources: list[tuple[str, str | Path | bytes]],
                 on_file: Callable[[int, int, str], None] | None = None,
                 layout: str | None = None) -> ParsedWorkbook:
        """Read and validate workbooks against the format and the stored data; writes nothing.

        ``on_file(i, n, label)`` is called before each file is read (for a progress bar).
        Official forms get the saved layouts (column mappings) that fit their headers, or the
        one named ``layout`` (KeyError when there is none of that name).
        """
        saved = self.layouts()
        chosen = None
        if layout is not None:
            chosen = next((lay for lay in saved if lay.name == layout), None)
            if chosen is None:
                raise KeyError(f"没有名为“{layout}”的版式 (no saved layout named '{layout}')")
        parsed = read_workbooks(sources, on_file=on_file, layouts=saved, layout=chosen)
        parsed.findings.extend(self._conflicts(parsed))
        if not parsed.findings:
            self._keep_other_projects(parsed)
        return parsed

    def _keep_other_projects(self, parsed: ParsedWorkbook) -> None:
        """Official 项目支出 forms update their own projects only. A department's program (its id
        derived from the forms, ZP<year>-…) is still replaced as a whole, so the stored records of
        its projects that are not in the upload are added to it unchanged, and so are its
        department-wide records (部门整体 figures, indicators, objectives) when no 部门整体支出
        form came with it. Dataset workbooks are not touched: they hold whole programs."""
        from lib.intake import forms

        programs = sorted({r["program_id"] for r in parsed.tables["programs"]
                           if forms.is_department_program_id(r["program_id"])})
        if not programs:
            return
        stored = {r[0] for r in self._fetch("programs", ["program_id"], programs)[1]}
        for program_id in (p for p in programs if p in stored):
            uploaded = {r["project_id"] for r in parsed.tables["projects"] if r["program_id"] == program_id}
            department_wide = any(r["program_id"] == program_id and r.get("project_id") is None
                                  for table in TABLES[3:] for r in parsed.tables[table])
            for table in TABLES[2:]:
                columns = [c.name for c in spec.SHEETS_BY_TABLE[table].columns]
                names, rows = self._fetch(table, columns, [program_id])
                for values in rows:
                    record = {name: _python(value) for name, value in zip(names, values, strict=True)}
                    project_id = record.get("project_id")
                    if (project_id not in uploaded) if project_id is not None else not department_wide:
                        parsed.tables[table].append(record)
                        parsed.origins[table].append(("（库中已有）", spec.SHEETS_BY_TABLE[table].name, 0))

    def _fetch(self, table: str, columns: list[str], program_ids: list[str]) -> tuple[list[str], list[tuple]]:
        """(column names, rows as Python values) of a table's rows of these programs."""
        cur = self.cursor()
        try:
            where = f"program_id IN ({_marks(program_ids)})"
            cur.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE {where}", program_ids)
            return [d[0] for d in cur.description], cur.fetchall()
        finally:
            cur.close()

    def import_files(self, sources: list[tuple[str, str | Path | bytes]],
                     user: str | Actor | None = None,
                     validated: ParsedWorkbook | None = None, accept_unmapped: bool = False,
                     layout: str | None = None) -> ImportResult:
        """Validate and import workbooks in one transaction, as a new dataset version.

        Every program in the files replaces all stored records of the same program id (its
        projects, allocations, execution, indicators, …); other programs stay as they are;
        sources with the same id are replaced.

        Args:
            sources: (file label, path or bytes) pairs.
            user: the Actor importing (must be an analyst); a plain name means a trusted local
                caller (command line, tests) acting as analyst.
            validated: what ``validate(sources)`` returned for these same files (the upload page
                has it from its preview): the files are not read again, but the checks against
                the stored data run again, since another import may have landed since.
            accept_unmapped: import although some cells of an official form were not
                recognized (they are listed in ``validate``'s ``unmapped``); without it such an
                import is refused.
            layout: the saved column mapping to apply to every form (see ``validate``).
        Raises:
            PermissionDenied: the actor may not upload, or the files touch a program outside the
                actor's scope (OutOfScope, lib/store/scoped_writes.py).
            ImportRejected: with the findings, when any file has a problem. Nothing is written.
        """
        actor = _actor(user)
        require(actor, "upload")
        if validated is None:
            parsed = self.validate(sources, layout=layout)
        else:
            parsed = validated
            if not parsed.findings:
                parsed = ParsedWorkbook(parsed.tables, self._conflicts(parsed), parsed.origins,
                                        parsed.unmapped, parsed.cells_read, parsed.cells_stored)
        if parsed.findings:
            raise ImportRejected(parsed.findings)
        if parsed.blocking_unmapped and not accept_unmapped:
            raise ImportRejected([u.as_finding() for u in parsed.blocking_unmapped])
        files = [(label, _sha256(src)) for label, src in sources]
        return self._apply(parsed, files, actor)

    # ------------------------------------------------------------------ saved form layouts
    def layouts(self) -> list[Layout]:
        """The current version of every saved column mapping (lib/store/layouts.py)."""
        return layouts_sql.latest_layouts(self)

    def save_layout(self, layout: Layout, user: str | Actor | None = None) -> Layout:
        """Save a column mapping as the next version of its name (analysts only)."""
        actor = _actor(user)
        require(actor, "upload")
        return layouts_sql.save_layout(self, layout, actor)

    def layout_versions(self, name: str) -> list[int]:
        return layouts_sql.layout_versions(self, name)

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

    def _conflicts(self, parsed: ParsedWorkbook, stored: dict[str, str] | None = None) -> list[Finding]:
        """Project ids the file reuses from another stored program (they would collide).

        ``stored``: project_id -> program_id as the system of record holds them (default: read here).
        """
        found = []
        incoming = {r["program_id"] for r in parsed.tables["programs"]}
        if stored is None:
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

    def seed_if_empty(self, sources: list[tuple[str, str | Path | bytes]]) -> ImportResult | None:
        """Import the shipped dataset as version 1 when the store holds no version yet; None when
        it does (also when another process seeded it first: the check runs under the write lock)."""
        if self.version_id() != 0:
            return None
        require(SYSTEM, "upload")
        parsed = self.validate(sources)
        if parsed.findings:
            raise ImportRejected(parsed.findings)
        files = [(label, _sha256(src)) for label, src in sources]
        return self._apply(parsed, files, SYSTEM, only_if_empty=True)

    def _apply(self, parsed: ParsedWorkbook, files: list[tuple[str, str]], actor: Actor,
               only_if_empty: bool = False) -> ImportResult | None:
        program_ids = sorted({r["program_id"] for r in parsed.tables["programs"]})
        source_ids = sorted({r["source_id"] for r in parsed.tables["sources"]})
        frames = {t: _frame(t, rows) for t, rows in parsed.tables.items()}
        with self._write() as cur:
            version_id = _next_version(cur)
            if only_if_empty and version_id != 1:
                return None
            self._check_before_write(cur, parsed)
            scoped_writes.check_import(cur, actor, parsed.tables)
            previous = version_id - 1
            self._delete_programs(cur, program_ids)
            if source_ids:
                cur.execute(f"DELETE FROM sources WHERE source_id IN ({_marks(source_ids)})", source_ids)
            for table in TABLES:
                frame = frames[table]
                if frame.empty:
                    continue
                self._insert_frame(cur, table, frame)
            # archive the new state of each replaced program, and the sources as they now are
            if program_ids:
                for table in TABLES[1:]:
                    cur.execute(f"INSERT INTO archive_{table} SELECT CAST(? AS INTEGER), * FROM {table} "
                                f"WHERE program_id IN ({_marks(program_ids)})",
                                [version_id, *program_ids])
            cur.execute("INSERT INTO archive_sources SELECT CAST(? AS INTEGER), * FROM sources", [version_id])
            keep = "" if not program_ids else f" AND program_id NOT IN ({_marks(program_ids)})"
            cur.execute("INSERT INTO version_programs SELECT CAST(? AS INTEGER), program_id, state_version "
                        f"FROM version_programs WHERE version_id = ?{keep}",
                        [version_id, previous, *program_ids])
            _insert_version_programs(cur, [(version_id, p, version_id) for p in program_ids])
            self._derive(cur, program_ids)
            counts = self._record_version(cur, version_id, actor.name, "import", files, program_ids,
                                          restored=None, sources_version=version_id)
            accounts.record(cur, actor, "upload", {"version": version_id, "files": [f for f, _ in files],
                                                   "sha256": [h for _, h in files], "programs": program_ids})
        return ImportResult(version_id, program_ids, counts)

    def rollback(self, target_version: int, user: str | Actor | None = None) -> ImportResult:
        """Restore the data of an earlier version, as a new version (nothing is destroyed).

        Raises:
            PermissionDenied: the actor may not roll back, or the rollback would change a program
                outside the actor's scope (OutOfScope).
            KeyError: no such version.
        """
        actor = _actor(user)
        require(actor, "rollback")
        with self._write() as cur:
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
            scoped_writes.check_rollback(cur, actor, changed, wanted)
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
            _insert_version_programs(cur, [(version_id, p, state) for p, state in sorted(wanted.items())])
            self._derive(cur, changed)
            counts = self._record_version(cur, version_id, actor.name, "rollback", [], changed,
                                          restored=target_version, sources_version=target[0])
            accounts.record(cur, actor, "rollback", {"version": version_id, "restored": target_version,
                                                     "programs": changed})
        return ImportResult(version_id, changed, counts)

    # Hooks of the system of record: here the DuckDB file itself; lib/store/postgres.py writes to
    # PostgreSQL instead and keeps this file as its replica's read copy.
    def _write(self):
        """The transaction imports and rollbacks write in (a cursor taking ? placeholders)."""
        return self._transaction()

    def _record_write(self):
        """The transaction of a small write outside the dataset versions (users, the activity log,
        lockouts: lib/store/accounts.py); PostgreSQL runs it without the import lock."""
        return self._transaction()

    def _insert_frame(self, cur, table: str, frame: pd.DataFrame) -> None:
        """Bulk-insert a frame of parsed rows (never executemany: 10k rows took 15 s)."""
        cur.register("incoming_rows", frame)
        cols = ", ".join(frame.columns)
        cur.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM incoming_rows")
        cur.unregister("incoming_rows")

    def _check_before_write(self, cur, parsed: ParsedWorkbook) -> None:
        """Checks against the stored data that must hold inside the write transaction (none here:
        one process owns the file and its writes are serialized by the lock)."""

    def _derive(self, cur, program_ids: list[str]) -> None:
        """Rebuild the derived tables of these programs inside the write transaction."""
        _refresh_derived(cur, program_ids)

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



def _insert_version_programs(cur, rows: list[tuple[int, str, int]]) -> None:
    """(version, program, state version) rows, several per statement: one statement per program
    costs more than the rest of a large import's bookkeeping."""
    for start in range(0, len(rows), 500):
        chunk = rows[start:start + 500]
        cur.execute("INSERT INTO version_programs VALUES " + ", ".join("(?, ?, ?)" for _ in chunk),
                    [value for row in chunk for value in row])


def _python(value: object) -> object:
    """A stored value as the workbook reader gives it (DECIMAL money as float)."""
    return float(value) if isinstance(value, Decimal) else value


def _next_version(cur) -> int:
    return cur.execute("SELECT COALESCE(MAX(version_id), 0) + 1 FROM dataset_versions").fetchone()[0]


def _actor(user: str | Actor | None) -> Actor:
    if isinstance(user, Actor):
        return user
    return Actor(user or _current_user(), ANALYST)


def _sha256(source: str | Path | bytes) -> str:
    data = Path(source).read_bytes() if isinstance(source, (str, Path)) else bytes(source)
    return hashlib.sha256(data).hexdigest()


def _current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "unknown"
