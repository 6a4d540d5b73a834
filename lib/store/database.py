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
import math
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd

from lib.access.roles import ANALYST, SYSTEM, Actor, require
from lib.access.scope import EVERYTHING, Scope
from lib.analysis import notation
from lib.filters import Filters
from lib.intake import workbook_spec as spec
from lib.intake.layouts import Layout
from lib.intake.workbook import Finding, ParsedWorkbook, read_workbooks
from lib.store import accounts, scoped_writes
from lib.store import layouts as layouts_sql
from lib.store.diff import TableDiff, diff_rows
from lib.store.filters import scope_clause, where_clause

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_SQL = (Path(__file__).with_name("schema.sql")).read_text(encoding="utf-8")
SCHEMA_SHA256 = hashlib.sha256(SCHEMA_SQL.encode()).hexdigest()
# v_<name> reads the table mat_<name>, calc_<name> stored per program (see schema.sql).
# In refresh order: funding_by_region_source sums v_funding (mat_funding, refreshed just before).
MATERIALIZED = ("funding", "funding_by_region_source", "execution", "projects", "indicators", "progress",
                "stated_figures", "spending_items", "score_parts", "objectives")
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

# Columns the import derives for indicators from their notation (lib/analysis/notation.py).
INDICATOR_DERIVED = (
    "target_op", "target_value", "target_unit", "actual_op", "actual_value", "actual_unit",
    "direction", "status", "completion_ratio",
)


class StoreError(RuntimeError):
    """The store cannot be opened or reached (the message says why, in Chinese and English)."""


class StoreBusyError(StoreError):
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
        self._columns: dict[str, list[str]] = {}
        self._con.execute(SCHEMA_SQL)
        for table in TABLES:  # archive_<table>: the table's columns after a state_version
            self._con.execute(f"CREATE TABLE IF NOT EXISTS archive_{table} AS "
                              f"SELECT CAST(NULL AS INTEGER) AS state_version, * FROM {table} WHERE 1 = 0")
        self._add_optional_columns()
        self._ensure_derived()

    def _add_optional_columns(self) -> None:
        """A database made before an optional text column of the format existed (原文句子, ``sentence``)
        gets it, at the end of the table and of its archive alike, so archived rows still line up."""
        for table in TABLES:
            present = {d[0] for d in self._con.execute(f"SELECT * FROM {table} LIMIT 0").description}
            for col in spec.SHEETS_BY_TABLE[table].columns:
                if col.name not in present and col.type == spec.TEXT and not col.required:
                    self._con.execute(f"ALTER TABLE {table} ADD COLUMN {col.name} VARCHAR")
                    self._con.execute(f"ALTER TABLE archive_{table} ADD COLUMN {col.name} VARCHAR")

    def _ensure_derived(self) -> None:
        """Rebuild the derived tables when they were built with another schema (or never: a
        database from before they existed, or one filled by a bulk loader)."""
        cur = self.cursor()
        try:
            built = cur.execute("SELECT schema_sha256 FROM derived_state").fetchall()
        finally:
            cur.close()
        if [r[0] for r in built] != [SCHEMA_SHA256]:
            self.refresh_derived()

    def refresh_derived(self) -> None:
        """Rebuild every derived table from the data tables (after a bulk load outside import_files)."""
        with self._transaction() as cur:
            for name in MATERIALIZED:  # recreated: their columns follow the calc_ views
                cur.execute(f"DROP TABLE IF EXISTS mat_{name}")
            cur.execute(SCHEMA_SQL)
            _refresh_derived(cur, None)
            cur.execute("DELETE FROM derived_state")
            cur.execute("INSERT INTO derived_state VALUES (?)", [SCHEMA_SHA256])

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

    def primary_query(self, sql: str, params: list | None = None) -> pd.DataFrame:
        """A read from the system of record itself (here the file; PostgreSQL for the shared store,
        where ``query`` reads the replica's copy): for small tables outside the dataset versions
        that every replica must see at once (e.g. saved layouts)."""
        return self.query(sql, params)

    def columns(self, relation: str) -> list[str]:
        if relation not in EXPORTABLE:
            raise KeyError(relation)
        cached = self._columns.get(relation)
        if cached is None:
            cur = self.cursor()
            try:
                cur.execute(f"SELECT * FROM {relation} LIMIT 0")  # relation is from the allow-list
                cached = self._columns[relation] = [d[0] for d in cur.description]
            finally:
                cur.close()
        return list(cached)

    def _where(self, relation: str, filters: Filters | None = None, where: dict[str, object] | None = None,
               search: tuple[tuple[str, ...], str] | None = None, where_in: dict[str, list] | None = None,
               not_null: tuple[str, ...] = ()) -> tuple[str, list, list[str]]:
        """(' WHERE …' with ? placeholders, params, the relation's columns) for read/count/summarize."""
        cols = self.columns(relation)
        sql_where, params = where_clause(filters or Filters(), set(cols), per_program=relation == "programs")
        conditions: list[str] = [sql_where[len(" WHERE "):]] if sql_where else []
        for column, value in (where or {}).items():
            _known(relation, cols, [column])
            conditions.append(f"{column} = ?")
            params.append(value)
        for column, values in (where_in or {}).items():
            _known(relation, cols, [column])
            values = list(values)
            conditions.append(f"{column} IN ({_marks(values)})" if values else "1 = 0")
            params.extend(values)
        _known(relation, cols, not_null)
        conditions.extend(f"{column} IS NOT NULL" for column in not_null)
        if search and search[1].strip():
            search_cols, text = search
            _known(relation, cols, search_cols)
            conditions.append("(" + " OR ".join(
                f"LOWER(COALESCE(CAST({c} AS VARCHAR), '')) LIKE ?" for c in search_cols) + ")")
            params.extend([f"%{text.strip().lower()}%"] * len(search_cols))
        return (" WHERE " + " AND ".join(conditions) if conditions else ""), params, cols

    def read(self, relation: str, filters: Filters | None = None,
             where: dict[str, object] | None = None, order_by: list[str] | None = None,
             search: tuple[tuple[str, ...], str] | None = None, limit: int | None = None,
             where_in: dict[str, list] | None = None, not_null: tuple[str, ...] = ()) -> pd.DataFrame:
        """Rows of a documented table or view, filtered.

        Args:
            relation: a name from EXPORTABLE (anything else raises KeyError).
            filters: the dashboard's shared filters.
            where: extra column = value conditions (columns must exist in the relation).
            order_by: columns to sort by (must exist in the relation).
            search: (columns, text): keep rows where any of the columns contains the text,
                case-insensitively.
            limit: at most this many rows (in ``order_by`` order): pages show a bounded table and
                get the full count from ``count``.
            where_in: column -> allowed values.
            not_null: columns that must have a value.
        """
        sql_where, params, cols = self._where(relation, filters, where, search, where_in, not_null)
        sql = f"SELECT * FROM {relation}{sql_where}"
        if order_by:
            sql += " ORDER BY " + ", ".join(_order_terms(order_by, cols))
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        return self.query(sql, params)

    def count(self, relation: str, filters: Filters | None = None, where: dict[str, object] | None = None,
              search: tuple[tuple[str, ...], str] | None = None, where_in: dict[str, list] | None = None,
              not_null: tuple[str, ...] = ()) -> int:
        """How many rows ``read`` would return without a limit."""
        sql_where, params, _ = self._where(relation, filters, where, search, where_in, not_null)
        return int(self.query(f"SELECT COUNT(*) AS n FROM {relation}{sql_where}", params)["n"].iloc[0])

    def summarize(self, relation: str, filters: Filters | None = None, by: tuple[str, ...] = (),
                  sums: tuple[str, ...] = (), nonnull: tuple[str, ...] = (),
                  order: tuple[str, ...] = (), limit: int | None = None) -> pd.DataFrame:
        """Per group of ``by``, aggregated in the database: row count ``n``, the sum of each of
        ``sums`` (as float: 万元 for display) and ``n_<col>``, the count of values of each of
        ``nonnull``. Sorted by ``order`` (names of output columns, each optionally followed by
        ' DESC'), else by ``by``; at most ``limit`` groups.
        """
        sql_where, params, cols = self._where(relation, filters)
        _known(relation, cols, (*by, *sums, *nonnull))
        select = [*by, "COUNT(*) AS n", *(f"CAST(SUM({c}) AS DOUBLE PRECISION) AS {c}" for c in sums),
                  *(f"COUNT({c}) AS n_{c}" for c in nonnull)]
        sql = f"SELECT {', '.join(select)} FROM {relation}{sql_where}"
        if by:
            sql += f" GROUP BY {', '.join(by)}"
        outputs = [*by, "n", *sums, *(f"n_{c}" for c in nonnull)]
        if order or by:
            sql += " ORDER BY " + ", ".join(_order_terms(order or by, outputs))
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        return self.query(sql, params)

    def count_distinct(self, relation: str, filters: Filters | None, columns: tuple[str, ...]) -> int:
        """How many distinct combinations of ``columns`` the filtered rows have."""
        sql_where, params, cols = self._where(relation, filters)
        _known(relation, cols, columns)
        return int(self.query(f"SELECT COUNT(*) AS n FROM (SELECT DISTINCT {', '.join(columns)} "
                              f"FROM {relation}{sql_where}) d", params)["n"].iloc[0])

    def execution_band_counts(self, filters: Filters | None, red: float, yellow: float) -> dict[str, int]:
        """v_execution rows per band (red / yellow / green), as lib.scoring.execution_band judges
        them: execution_rate below red (yellow) × the elapsed share of the year."""
        sql_where, params, _ = self._where("v_execution", filters, not_null=("execution_rate",))
        share = "(CASE WHEN elapsed_share > 0 THEN elapsed_share ELSE 1.0 END)"
        frame = self.query(
            f"SELECT CASE WHEN execution_rate < ? * {share} THEN 'red' "
            f"WHEN execution_rate < ? * {share} THEN 'yellow' ELSE 'green' END AS band, COUNT(*) AS n "
            f"FROM v_execution{sql_where} GROUP BY 1", [red, yellow, *params])
        counts = dict(zip(frame["band"], frame["n"], strict=True))
        return {band: int(counts.get(band, 0)) for band in ("red", "yellow", "green")}

    def program_totals(self, filters: Filters | None = None) -> pd.DataFrame:
        """Budget and executed per program, from the best record each program has.

        A program-wide snapshot (a v_execution row with no project, e.g. a department's or a
        province's total) is what the report states for the whole program, so its latest as-of
        date wins; a program with none is the sum of its projects' year-end figures.
        Columns: program_id, program_name, year, basis ('program' / 'projects'), as_of, budget,
        executed, execution_rate; sorted by program.
        """
        filters = filters or Filters()
        # stored per program on import; a region scope sees only its regions' rows of a program
        if filters.region is None and filters.project_id is None and not filters.scope.regions:
            sql_where, params = where_clause(filters.only("year", "program_id"),
                                             {"program_id", "year"}, per_program=True)
            return self.query(f"SELECT * FROM mat_program_totals{sql_where} "
                              "ORDER BY program_id, program_name, year", params)
        sql_where, params, _ = self._where("v_execution", filters)
        return self.query(_program_totals_sql(sql_where), params)

    # ------------------------------------------------------------------ sidebar filter options
    def filter_years(self, scope: Scope = EVERYTHING) -> list[int]:
        cond, params = self._where("programs", Filters(scope=scope))[:2]
        return [int(y) for y in self.query(f"SELECT DISTINCT year FROM programs{cond} ORDER BY year DESC",
                                           params)["year"]]

    def filter_programs(self, year: int | None, limit: int, include: str | None = None,
                        scope: Scope = EVERYTHING) -> tuple[pd.DataFrame, int]:
        """(program_id, program_name) of a year (newest first, then by id) in the scope, at most
        ``limit`` (``include`` always among them when it exists), and how many there are in all."""
        cond, params = self._where("programs", Filters(year=year, scope=scope))[:2]
        total = int(self.query(f"SELECT COUNT(*) AS n FROM programs {cond}", params)["n"].iloc[0])
        if total > limit:  # the list would be cut anyway: only the chosen one
            cond, params = self._where("programs", Filters(scope=scope),
                                       where_in={"program_id": [include] if include is not None else []})[:2]
            limit = 1
        frame = self.query(
            f"SELECT program_id, program_name, year FROM programs {cond} "
            "ORDER BY CASE WHEN program_id = ? THEN 0 ELSE 1 END, year DESC, program_id LIMIT ?",
            [*params, include, limit])
        return frame.sort_values(["year", "program_id"], ascending=[False, True], ignore_index=True), total

    def filter_regions(self, year: int | None, program_id: str | None,
                       scope: Scope = EVERYTHING) -> list[str]:
        """Regions that have funding, execution, indicator or progress rows in the selection."""
        conds, params = scope_clause(scope, {"program_id", "region"})
        if year is not None:
            conds.append("program_id IN (SELECT program_id FROM programs WHERE year = ?)")
            params.append(year)
        if program_id is not None:
            conds.append("program_id = ?")
            params.append(program_id)
        where = " WHERE " + " AND ".join(conds) if conds else ""
        frame = self.query(f"SELECT DISTINCT region FROM region_options{where} ORDER BY region", params)
        return frame["region"].tolist()

    def filter_projects(self, year: int | None, program_id: str | None, limit: int,
                        include: str | None = None, scope: Scope = EVERYTHING) -> tuple[pd.DataFrame, int]:
        """(project_id, project_name) in the selection and the scope, by id, at most ``limit``
        (``include`` always among them when it exists), and how many there are in all."""
        where, params, _ = self._where("v_projects", Filters(year=year, program_id=program_id, scope=scope))
        total = int(self.query(f"SELECT COUNT(*) AS n FROM v_projects{where}", params)["n"].iloc[0])
        if total > limit:  # the list would be cut anyway: only the chosen one
            where, params, _ = self._where("v_projects", Filters(scope=scope),
                                           where_in={"project_id": [include] if include is not None else []})
            limit = 1
        frame = self.query(
            f"SELECT project_id, project_name FROM v_projects{where} "
            "ORDER BY CASE WHEN project_id = ? THEN 0 ELSE 1 END, project_id LIMIT ?",
            [*params, include, limit])
        return frame.sort_values("project_id", ignore_index=True), total

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


def _order_terms(terms, allowed) -> list[str]:
    """ORDER BY terms from 'column' or 'column DESC' (columns from ``allowed`` only); NULLs last."""
    out = []
    for term in terms:
        name, descending = (term[:-len(" DESC")], True) if term.endswith(" DESC") else (term, False)
        if name not in allowed:
            raise KeyError(f"unknown order term {term!r}")
        out.append(f"{name} {'DESC' if descending else 'ASC'} NULLS LAST")
    return out


def _known(relation: str, cols: list[str], wanted) -> None:
    unknown = [c for c in wanted if c not in cols]
    if unknown:
        raise KeyError(f"{relation} 没有列 {unknown} (no such column)")


# Tables derived from the data tables, rebuilt per program inside the transaction that changes
# the program: the sidebar's region choices would otherwise scan four views on every first load.
_REGION_SOURCES = ("v_funding", "v_execution", "v_indicators", "v_progress")


def _program_totals_sql(sql_where: str) -> str:
    """Budget and executed per program from the v_execution rows ``sql_where`` selects."""
    return f"""
        WITH e AS (SELECT * FROM v_execution{sql_where}),
        wide AS (SELECT program_id, MAX(as_of) AS as_of FROM e
                 WHERE scope = 'snapshot' AND project_id IS NULL GROUP BY program_id),
        picked AS (
            SELECT e.program_id, e.program_name, e.year, 'program' AS basis, e.as_of, e.budget, e.executed
            FROM e JOIN wide w ON w.program_id = e.program_id AND w.as_of = e.as_of
            WHERE e.scope = 'snapshot' AND e.project_id IS NULL
            UNION ALL
            SELECT e.program_id, e.program_name, e.year, 'projects', e.as_of, e.budget, e.executed
            FROM e WHERE e.scope = 'project'
              AND NOT EXISTS (SELECT 1 FROM wide w WHERE w.program_id = e.program_id))
        SELECT program_id, program_name, year, basis, MAX(as_of) AS as_of,
               CAST(SUM(budget) AS DOUBLE PRECISION) AS budget,
               CAST(SUM(executed) AS DOUBLE PRECISION) AS executed,
               CASE WHEN SUM(budget) <> 0
                    THEN CAST(SUM(executed) AS DOUBLE PRECISION) / CAST(SUM(budget) AS DOUBLE PRECISION)
               END AS execution_rate
        FROM picked GROUP BY program_id, program_name, year, basis
        ORDER BY program_id, program_name, year"""


def _refresh_derived(cur, program_ids: list[str] | None) -> None:
    """Rebuild the derived rows (mat_* tables, region_options) of the given programs (None: all).

    Imports and rollbacks replace whole programs with their projects, so a program's derived
    rows depend on that program's records only.
    """
    if program_ids is not None and not program_ids:
        return
    if program_ids is None:
        where, cond, params = "", "", []
    else:
        where = f" WHERE program_id IN ({_marks(program_ids)})"
        cond, params = f" AND program_id IN ({_marks(program_ids)})", list(program_ids)
    for name in MATERIALIZED:
        cur.execute(f"DELETE FROM mat_{name}{where}", params)
        cur.execute(f"INSERT INTO mat_{name} SELECT * FROM calc_{name}{where}", params)
    cur.execute(f"DELETE FROM mat_program_totals{where}", params)
    cur.execute(f"INSERT INTO mat_program_totals {_program_totals_sql(where)}", params)
    cur.execute(f"DELETE FROM region_options{where}", params)
    union = " UNION ".join(f"SELECT program_id, region FROM {v} WHERE region IS NOT NULL{cond}"
                           for v in _REGION_SOURCES)
    cur.execute(f"INSERT INTO region_options (program_id, region) {union}", params * len(_REGION_SOURCES))


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


def _marks(values: list) -> str:
    return ", ".join("?" for _ in values)


def _next_version(cur) -> int:
    return cur.execute("SELECT COALESCE(MAX(version_id), 0) + 1 FROM dataset_versions").fetchone()[0]


def _actor(user: str | Actor | None) -> Actor:
    if isinstance(user, Actor):
        return user
    return Actor(user or _current_user(), ANALYST)


def _frame(table: str, rows: list[dict]) -> pd.DataFrame:
    """The parsed rows of one table as columns of Python objects: None stays NULL and dates stay
    dates for DuckDB (the converted cells are never NaN)."""
    columns = [c.name for c in spec.SHEETS_BY_TABLE[table].columns]
    data = {name: [row.get(name) for row in rows] for name in columns}
    if table == "indicators":
        data.update(zip(INDICATOR_DERIVED, _derived_columns(rows), strict=True))
    return pd.DataFrame(data, columns=list(data), dtype=object)


def _derived_columns(rows: list[dict]) -> list[list]:
    """INDICATOR_DERIVED for each indicator row, as columns; computed once per distinct
    (target, actual, 二级, 三级), which is all derive_indicator reads."""
    known: dict[tuple, tuple] = {}
    out = []
    for row in rows:
        key = (row.get("target"), row.get("actual"), row.get("level2"), row.get("level3"))
        values = known.get(key)
        if values is None:
            derived = derive_indicator(row)
            values = known[key] = tuple(None if isinstance(v, float) and math.isnan(v) else v
                                        for v in (derived[name] for name in INDICATOR_DERIVED))
        out.append(values)
    return [list(column) for column in zip(*out, strict=True)] if out else [[] for _ in INDICATOR_DERIVED]


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


def database_url(path: str | Path | None = None) -> str | None:
    """The PostgreSQL URL to use: ``path`` when it is one (``postgresql://…``), else
    $JIXIAO_DATABASE_URL when no path is given; None means the DuckDB file."""
    if path is None:
        return os.environ.get("JIXIAO_DATABASE_URL") or None
    text = str(path)
    return text if text.startswith(("postgresql://", "postgres://")) else None


def open_store(path: str | Path | None = None, seed: bool = True) -> Store:
    """Open the store, building it from the shipped dataset when it holds no data yet.

    ``path``: a DuckDB file, or a ``postgresql://`` URL; None: $JIXIAO_DATABASE_URL if set (the
    shared PostgreSQL store, see lib/store/postgres.py), else the DuckDB file of default_db_path().
    """
    url = database_url(path)
    if url:
        from lib.store.postgres import PostgresStore

        store: Store = PostgresStore(url)
    else:
        store = Store(path)
    if seed:
        try:
            store.seed_if_empty(seed_sources())
        except BaseException:
            store.close()
            raise
    return store
