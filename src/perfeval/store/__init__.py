"""The results store (结果库): every run's projects, indicators, execution and findings, year after year.

    from perfeval.store import open_store
    with_history = open_store("results.duckdb").history(code="510402-2024-001")

The store is a DuckDB file (embedded, no server; frames move in and out
through Arrow).  :mod:`.duck` is the only module of perfeval that speaks SQL;
:mod:`.schema` holds the versioned schema and the analyst views;
:mod:`.yoy` compares a run with the years before it (polars only).
See docs/store.md.
"""

from __future__ import annotations

from .duck import Prior, Store, StoreError, open_for_run, open_store
from .schema import COLUMNS, SCHEMA_VERSION
from .yoy import key_expr, previous_columns, recurring, target_below_last_actual, year_expr

__all__ = [
    "COLUMNS", "Prior", "SCHEMA_VERSION", "Store", "StoreError", "key_expr", "open_for_run", "open_store",
    "previous_columns", "recurring", "target_below_last_actual", "year_expr",
]
