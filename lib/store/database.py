"""The DuckDB file: connect, schema, filtered reads; imports and rollbacks are lib/store/writes.py
(a mixin of Store), the derived tables lib/store/derived.py, names and errors lib/store/base.py.

All SQL and data access of the product goes through lib/store/. One Store owns one
connection to the file; every read and write runs on its own cursor, because Streamlit serves
sessions on several threads and a DuckDB connection is not thread-safe. Writes are
serialized by a lock and run in one transaction, so a reader never sees half an import.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import duckdb
import pandas as pd

from lib.access.scope import EVERYTHING, Scope
from lib.filters import Filters
from lib.intake import workbook_spec as spec
from lib.store import scoped_versions
from lib.store.base import (
    EXPORTABLE,
    MATERIALIZED,
    SCHEMA_SHA256,
    SCHEMA_SQL,
    STATE_TABLES,
    TABLES,
    StoreBusyError,
    default_db_path,
)
from lib.store.derived import (
    _marks,
    _program_totals_sql,
    _refresh_derived,
)
from lib.store.filters import scope_clause, where_clause
from lib.store.writes import Writes


class Store(Writes):
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

    @contextmanager
    def primary_cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor on the system of record (here the file; PostgreSQL for the shared store, whose
        read copy lacks the archive_* tables), closed after the block."""
        cur = self.cursor()
        try:
            yield cur
        finally:
            cur.close()

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
        filters = filters or Filters()
        if relation == "dataset_versions" and not filters.scope.unrestricted:
            # no scoped column: the versions that touched only the scope's programs (scoped_versions)
            shown = scoped_versions.visible_versions(self, filters.scope)
            if where_in and "version_id" in where_in:
                asked = set(where_in["version_id"])
                shown = [v for v in shown if v in asked]
            where_in = {**(where_in or {}), "version_id": shown}
            filters = replace(filters, scope=EVERYTHING)
        sql_where, params = where_clause(filters, set(cols), per_program=relation == "programs")
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
        them: execution_rate below red (yellow) × the elapsed share of the year. A program's own
        figure is not counted where the program lists its projects (summary.counted_once): a
        department's total and its projects are the same money."""
        sql_where, params, _ = self._where("v_execution", filters, not_null=("execution_rate",))
        share = "(CASE WHEN elapsed_share > 0 THEN elapsed_share ELSE 1.0 END)"
        once = ("NOT (project_id IS NULL AND program_id IN "
                "(SELECT program_id FROM v_execution WHERE project_id IS NOT NULL))")
        sql_where = f"{sql_where} AND {once}" if sql_where else f" WHERE {once}"
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
                        scope: Scope = EVERYTHING, search: str | None = None) -> tuple[pd.DataFrame, int]:
        """(program_id, program_name) of a year (newest first, then by id) in the scope whose id or
        name contains ``search``, none of them when more than ``limit`` match (``include`` always
        among them when it is in the year and scope), and how many match in all."""
        return self._choices("programs", ("program_id", "program_name"), Filters(year=year, scope=scope),
                             limit, include, search, "year DESC, program_id", extra=("year",))

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
                        include: str | None = None, scope: Scope = EVERYTHING,
                        search: str | None = None) -> tuple[pd.DataFrame, int]:
        """(project_id, project_name) in the selection and the scope, by id, as filter_programs."""
        return self._choices("v_projects", ("project_id", "project_name"),
                             Filters(year=year, program_id=program_id, scope=scope), limit, include, search,
                             "project_id")

    def _choices(self, relation: str, id_name: tuple[str, str], filters: Filters, limit: int,
                 include: str | None, search: str | None, order: str,
                 extra: tuple[str, ...] = ()) -> tuple[pd.DataFrame, int]:
        # A list cut at ``limit`` would hide the rest without saying which: past it only the chosen
        # one is offered, and the sidebar asks for a narrower selection or a search instead.
        key = id_name[0]
        text = (search or "").strip()
        where, params, _ = self._where(relation, filters, search=(id_name, text) if text else None)
        total = int(self.query(f"SELECT COUNT(*) AS n FROM {relation}{where}", params)["n"].iloc[0])
        chosen_where, chosen_params, _ = self._where(
            relation, filters, where_in={key: [include] if include is not None else []})
        cols = ", ".join((*id_name, *extra))
        sql = f"SELECT {cols} FROM {relation}{chosen_where}"
        if total <= limit:
            sql += f" UNION SELECT {cols} FROM {relation}{where}"
            chosen_params = [*chosen_params, *params]
        frame = self.query(f"SELECT * FROM ({sql}) AS choices ORDER BY {order}", chosen_params)
        return frame.reset_index(drop=True), total

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
