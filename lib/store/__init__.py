"""The database: schema and views, atomic imports, versions, filtered reads (all SQL lives here).

The embedded DuckDB file by default; a shared PostgreSQL database (lib/store/postgres.py) when
$JIXIAO_DATABASE_URL or a ``postgresql://`` path is given to open_store.
"""

from lib.store.database import (
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
    Store,
    StoreBusyError,
    StoreError,
    database_url,
    default_db_path,
    derive_indicator,
    open_store,
    seed_sources,
)

__all__ = [
    "DATA_DIR", "EXPORTABLE", "INDICATOR_DERIVED", "MATERIALIZED", "SCHEMA_SQL", "SEED_WORKBOOKS",
    "TABLES", "VIEWS", "ImportRejected", "ImportResult", "Store", "StoreBusyError", "StoreError",
    "database_url", "default_db_path",
    "derive_indicator", "open_store", "seed_sources",
]
