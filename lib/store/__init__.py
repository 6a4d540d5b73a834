"""The database: schema and views, atomic imports, versions, filtered reads (all SQL lives here:
base (files, tables, errors), database (Store: reads), writes (imports, rollbacks), derived
(mat_* tables), postgres, accounts, filters, scoped, scoped_writes, scoped_versions, diff,
layouts).

The embedded DuckDB file by default; a shared PostgreSQL database (lib/store/postgres.py) when
$JIXIAO_DATABASE_URL or a ``postgresql://`` path is given to open_store.
"""

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
)
from lib.store.database import Store, database_url, open_store, seed_sources
from lib.store.derived import derive_indicator

__all__ = [
    "DATA_DIR", "EXPORTABLE", "INDICATOR_DERIVED", "MATERIALIZED", "SCHEMA_SQL", "SEED_WORKBOOKS",
    "TABLES", "VIEWS", "ImportRejected", "ImportResult", "Store", "StoreBusyError", "StoreError",
    "database_url", "default_db_path",
    "derive_indicator", "open_store", "seed_sources",
]
