"""Incremental refresh: one new day of data against a full build (`scorecard bench incremental`).

A generated company is split at its last day: every event of that day (orders,
activities, inquiries, complaints, RFQs, invoices, payments, survey responses) is held
back as a daily increment, `<source>/<table>__<day>.csv`, the way daily exports land.
The rest is ingested and built from scratch (the full build); then the increment is
ingested as a new batch and the warehouse refreshed with the same `dbt build`
(incremental facts process only the new rows, the indicator models only the periods the
day can reach: docs/incremental-refresh.md).
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from scorecard.bench import machine_description
from scorecard.build import build_warehouse
from scorecard.generate import generate_company
from scorecard.ingest import ingest
from scorecard.paths import Paths

# Landing file (without .csv) -> the column dating each event.
DAILY_EVENTS = {
    "crm/orders": "order_date",
    "crm/activities": "activity_at",
    "crm/inquiries": "received_at",
    "crm/complaints": "received_at",
    "crm/rfqs": "received_at",
    "finance/invoices": "invoice_date",
    "finance/payments": "payment_date",
    "survey/csat_responses": "responded_at",
    "survey/nps_responses": "responded_at",
}


def split_day(landing: Path, increment: Path, day: dt.date) -> dict[str, int]:
    """Move the events dated `day` out of the landing CSVs into daily increment files
    under `increment`; returns the rows moved per table."""
    moved: dict[str, int] = {}
    prefix = day.isoformat()
    for table, date_column in DAILY_EVENTS.items():
        source = landing / f"{table}.csv"
        with source.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            fieldnames = list(reader.fieldnames or [])
            if date_column not in fieldnames:
                raise ValueError(f"{source}: no column {date_column!r} to split by day")
            kept, held = [], []
            for row in reader:
                (held if (row[date_column] or "").startswith(prefix) else kept).append(row)
        target = increment / f"{table}__{prefix}.csv"
        target.parent.mkdir(parents=True, exist_ok=True)
        for path, rows in ((source, kept), (target, held)):
            with path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, fieldnames=fieldnames)
                writer.writeheader()
                writer.writerows(rows)
        moved[table] = len(held)
    return moved


@dataclass(frozen=True)
class IncrementalBenchmark:
    scale: float
    day: dt.date
    increment_rows: int
    full_build_seconds: float
    increment_ingest_seconds: float
    refresh_seconds: float
    full_seconds_by_kind: dict[str, float]
    refresh_seconds_by_kind: dict[str, float]
    refresh_slowest: list[tuple[str, float]]
    nodes: int
    machine: str
    refresh_from: dt.date | None  # the indicator models kept the periods ending earlier

    @property
    def refresh_share(self) -> float:
        """Refresh time as a share of the full build (the goal: at most 0.10)."""
        return self.refresh_seconds / self.full_build_seconds if self.full_build_seconds else 0.0


def bench_incremental(
    scale: float, seed: int = 42, extra_args: list[str] = (), work_dir: Path | None = None
) -> IncrementalBenchmark:
    with tempfile.TemporaryDirectory(prefix="scorecard-bench-", dir=work_dir) as tmp:
        paths = Paths.from_env(Path(tmp) / "home")
        summary = generate_company(paths.landing, scale=scale, seed=seed)
        increment = Path(tmp) / "increment"
        moved = split_day(paths.landing, increment, summary.as_of)
        ingest(paths, paths.landing)

        started = time.perf_counter()
        full = build_warehouse(paths, extra_args=list(extra_args))
        full_seconds = time.perf_counter() - started

        started = time.perf_counter()
        ingest(paths, increment)
        ingest_seconds = time.perf_counter() - started

        started = time.perf_counter()
        refresh = build_warehouse(paths, extra_args=list(extra_args))
        refresh_seconds = time.perf_counter() - started
    return IncrementalBenchmark(
        scale, summary.as_of, sum(moved.values()), full_seconds, ingest_seconds,
        refresh_seconds, full.seconds_by_kind, refresh.seconds_by_kind, refresh.slowest(15),
        refresh.nodes,
        machine_description(),
        refresh.refresh_from,
    )  # fmt: skip
