"""The database: schema and views, atomic imports, versions, filtered reads (all SQL lives here:
base (files, tables, errors), database (Store: reads), writes (imports, rollbacks), derived
(mat_* tables), postgres, accounts, filters, scoped, scoped_writes, scoped_versions, diff,
layouts).

The embedded DuckDB file by default; a shared PostgreSQL database (lib/store/postgres.py) when
$JIXIAO_DATABASE_URL or a ``postgresql://`` path is given to open_store. open_store, here, is the
one place that chooses the backend: the DuckDB Store knows nothing of PostgreSQL (PostgresStore
builds on it: its reads run on a local DuckDB replica).
"""

from __future__ import annotations

import os
from pathlib import Path

from lib.store.base import (
    DATA_DIR,
    EXPORTABLE,
    INDICATOR_DERIVED,
    MATERIALIZED,
    SCHEMA_SQL,
    SEED_WORKBOOKS,
    TABLES,
    VIEWS,
    ImportRejected,
    ImportResult,
    StoreBusyError,
    StoreError,
    default_db_path,
    seed_sources,
)
from lib.store.database import Store
from lib.store.derived import derive_indicator

__all__ = [
    "DATA_DIR", "EXPORTABLE", "INDICATOR_DERIVED", "MATERIALIZED", "SCHEMA_SQL", "SEED_WORKBOOKS",
    "TABLES", "VIEWS", "ImportRejected", "ImportResult", "Store", "StoreBusyError", "StoreError",
    "database_url", "default_db_path",
    "derive_indicator", "open_store", "seed_sources",
]


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
        # imported only when chosen: psycopg and its pool are not needed for the DuckDB file
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
