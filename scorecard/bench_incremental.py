"""Incremental refresh: new days of data against a full build (`scorecard bench incremental`).

A generated company is split at its last days: every event of each (orders,
activities, inquiries, complaints, RFQs, invoices, payments, survey responses) is held
back as a daily increment, `<source>/<table>__<day>.csv`, the way daily exports land.
The rest is ingested and built from scratch (the full build); then each day is
ingested as a new batch and the warehouse refreshed with the same `dbt build`
(incremental facts process only the new rows, the indicator models only the periods the
day can reach: docs/incremental-refresh.md).

Around each build it also times the rest of the pipeline a scheduled run does (Dagster's
daily refresh): the raw suites before dbt, the mart suites after, and publish; for the
day, its ingest too.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from scorecard.bench import machine_description
from scorecard.build import build_warehouse
from scorecard.errors import UserError
from scorecard.generate import generate_company
from scorecard.ingest import ingest
from scorecard.paths import Paths
from scorecard.publish import publish
from scorecard.quality import run_checks, suite_names

HELD_BACK_DAYS = 2  # refreshed one at a time: the first after the full build

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
class DailyRefresh:
    """One day's run: its ingest, the raw checks, the refresh, the mart checks, publish."""

    day: dt.date
    increment_rows: int
    pipeline: dict[str, float]  # step -> seconds
    seconds_by_kind: dict[str, float]  # dbt node time, summed over threads
    slowest: list[tuple[str, float]]
    nodes: int
    refresh_from: dt.date | None  # the indicator models kept the periods ending earlier

    @property
    def refresh_seconds(self) -> float:
        return self.pipeline["dbt build"]


@dataclass(frozen=True)
class IncrementalBenchmark:
    scale: float
    as_of: dt.date  # the build date of every build (dbt var as_of_date)
    full_seconds_by_kind: dict[str, float]
    full_pipeline: dict[str, float]  # step -> seconds, around the full build
    days: list[DailyRefresh]  # the first after the full build, then the next day's
    machine: str

    @property
    def full_build_seconds(self) -> float:
        return self.full_pipeline["dbt build"]

    def refresh_share(self, day: DailyRefresh) -> float:
        """The day's refresh as a share of the full build (the goal: at most 0.10)."""
        return day.refresh_seconds / self.full_build_seconds

    def pipeline_share(self, day: DailyRefresh) -> float:
        """The day's run (its ingest to publish) as a share of a rebuild from the raw
        zone (raw checks to publish)."""
        return sum(day.pipeline.values()) / sum(self.full_pipeline.values())


def bench_incremental(
    scale: float, seed: int = 42, extra_args: list[str] = (), work_dir: Path | None = None
) -> IncrementalBenchmark:
    """Build a company without its last HELD_BACK_DAYS days, then refresh it one day at a
    time. The first refresh follows a full build; the next one follows a refresh, as
    every scheduled run after the first does (dbt parses the windowed models again when
    a refresh follows a whole build). Every build has the same build date, the day after
    the data's last, as a daily run has: with today's date the newest periods would be
    months after the data and the numbers would change with the calendar."""
    with tempfile.TemporaryDirectory(prefix="scorecard-bench-", dir=work_dir) as tmp:
        paths = Paths.from_env(Path(tmp) / "home")
        summary = generate_company(paths.landing, scale=scale, seed=seed)
        as_of = summary.as_of + dt.timedelta(days=1)
        args = ["--vars", json.dumps({"as_of_date": as_of.isoformat()}), *extra_args]
        days = [summary.as_of - dt.timedelta(days=n) for n in reversed(range(HELD_BACK_DAYS))]
        increments = {day: Path(tmp) / f"increment-{day}" for day in days}
        held_back = {}
        for day in reversed(days):  # the last day first: each split keeps what came before
            held_back[day] = split_day(paths.landing, increments[day], day)
        ingest(paths, paths.landing)
        # A rebuild from the raw zone (not timed: ingesting all the history).
        full, full_pipeline = _pipeline(paths, args, {})
        refreshes = []
        for day in days:
            steps = {"ingest": _timed(ingest, paths, increments[day])[1]}
            refresh, steps = _pipeline(paths, args, steps)
            refreshes.append(DailyRefresh(
                day, sum(held_back[day].values()), steps, refresh.seconds_by_kind,
                refresh.slowest(15), refresh.nodes, refresh.refresh_from,
            ))  # fmt: skip
    return IncrementalBenchmark(
        scale, as_of, full.seconds_by_kind, full_pipeline, refreshes, machine_description()
    )


def _pipeline(paths: Paths, extra_args, steps: dict[str, float]):
    """Raw suites, dbt build, mart suites, publish (the steps after ingest), timed."""
    raw_run, steps["raw checks"] = _timed(run_checks, paths, suite_names("raw"))
    build, steps["dbt build"] = _timed(build_warehouse, paths, extra_args=list(extra_args))
    mart_run, steps["mart checks"] = _timed(run_checks, paths, suite_names("marts"))
    for run in (raw_run, mart_run):
        if run.blocking:
            raise UserError(f"benchmark data failed its checks: {run.blocking[0].describe()}")
    steps["publish"] = _timed(publish, paths)[1]
    return build, steps


def _timed(step, *args, **kwargs):
    started = time.perf_counter()
    result = step(*args, **kwargs)
    return result, time.perf_counter() - started
