"""The database: schema and views, atomic imports, versions, filtered reads (all SQL lives here)."""

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
    default_db_path,
    derive_indicator,
    open_store,
    seed_sources,
)

__all__ = [
    "DATA_DIR", "EXPORTABLE", "INDICATOR_DERIVED", "MATERIALIZED", "SCHEMA_SQL", "SEED_WORKBOOKS",
    "TABLES", "VIEWS", "ImportRejected", "ImportResult", "Store", "StoreBusyError", "default_db_path",
    "derive_indicator", "open_store", "seed_sources",
]
