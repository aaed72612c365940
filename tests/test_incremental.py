"""Incremental facts equal a full refresh after new, corrected and re-rated rows arrive."""

from __future__ import annotations

import csv
import shutil

import duckdb
import pytest

from scorecard.build import build_warehouse
from scorecard.generate import generate_company
from scorecard.ingest import ingest
from scorecard.paths import Paths

pytestmark = pytest.mark.slow

INCREMENTAL_MODELS = [
    "int_orders_converted",
    "int_invoices_converted",
    "int_payments_converted",
    "int_activities_current",
]
WATERMARKS = {"loaded_at", "fx_rates_loaded_at", "invoice_loaded_at"}


def _rows(paths: Paths, schema: str, table: str) -> list[tuple]:
    """Rows without watermark columns; doubles rounded to 9 decimals, because parallel
    aggregation adds floats in no fixed order (0.9 vs 0.9000000000000001)."""
    with duckdb.connect(str(paths.warehouse_db), read_only=True) as con:
        relation = con.table(f"{schema}.{table}")
        columns = [
            f"round({name}, 9)" if str(kind) == "DOUBLE" else name
            for name, kind in zip(relation.columns, relation.types, strict=True)
            if name not in WATERMARKS
        ]
        return con.execute(
            f"select {', '.join(columns)} from {schema}.{table} order by all"
        ).fetchall()


def _write_increment(landing, source_rows: dict[str, list[dict]]) -> None:
    for relative, rows in source_rows.items():
        path = landing / relative
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)


def test_incremental_refresh_equals_full_refresh(tmp_path):
    incremental = Paths.from_env(tmp_path / "incremental")
    generate_company(incremental.landing, scale=0.05, seed=7)
    ingest(incremental, incremental.landing)
    build_warehouse(incremental, extra_args=["--exclude", "test_type:data"])

    with (incremental.landing / "crm" / "orders.csv").open(encoding="utf-8") as handle:
        orders = list(csv.DictReader(handle))
    corrected = {**orders[0], "amount": "12345.67", "status": "cancelled",
                 "updated_at": "2026-09-30 12:00:00"}  # fmt: skip
    new_order = {**orders[1], "order_id": "ORD-NEW-1", "amount": "999.99", "currency": "USD"}
    with (incremental.landing / "crm" / "activities.csv").open(encoding="utf-8") as handle:
        new_activity = {**next(csv.DictReader(handle)), "activity_id": "ACT-NEW-1"}
    restated_rate = {"rate_date": "2025-01-02", "currency": "USD", "rate_to_reporting": "0.5"}
    increment = tmp_path / "increment"
    (increment / "crm").mkdir(parents=True)
    (increment / "finance").mkdir()
    _write_increment(increment, {
        "crm/orders__increment.csv": [corrected, new_order],
        "crm/activities__increment.csv": [new_activity],
        "finance/fx_rates__restated.csv": [restated_rate],
    })  # fmt: skip
    report = ingest(incremental, increment)
    assert sum(r.rows_loaded for r in report.loaded) == 4
    build_warehouse(incremental, extra_args=["--exclude", "test_type:data"])

    full = Paths.from_env(tmp_path / "full")
    shutil.copytree(incremental.raw, full.raw)
    build_warehouse(full, extra_args=["--exclude", "test_type:data"])

    for model in INCREMENTAL_MODELS:
        assert _rows(incremental, "intermediate", model) == _rows(full, "intermediate", model), (
            model
        )
    assert _rows(incremental, "marts", "fct_indicator_values") == _rows(
        full, "marts", "fct_indicator_values"
    )
    changed = dict(
        (row[0], row)
        for row in _rows(incremental, "intermediate", "int_orders_converted")
        if row[0] in (corrected["order_id"], "ORD-NEW-1")
    )
    assert len(changed) == 2  # the correction replaced the old version, the new order arrived
