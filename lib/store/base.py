"""What every part of the store shares: its files and tables, and the errors it raises."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from lib.intake import workbook_spec as spec
from lib.intake.workbook import Finding

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


def seed_sources() -> list[tuple[str, Path]]:
    """The shipped dataset's workbooks as (file name, path), the store's content when it is new."""
    return [(name, DATA_DIR / name) for name in SEED_WORKBOOKS]
