"""Fiscal quarters as Dagster partitions, keyed as the business names them: `2026-Q3`.

The keys are the fiscal labels dim_periods gives (`quarter_label`), so the UI, the
reports and the warehouse name a quarter the same way. A time-window partition can only
be keyed by a date format (no strftime code gives a fiscal quarter), so the quarters are
a dynamic partitions set, `fiscal_quarters`, kept in the home's Dagster instance:

- it runs from the first quarter with scorecards in the serving database (the
  published marts the per-quarter assets read) to the last quarter closed, never the
  open one: only closed quarters are scored;
- it is kept in step by the `fiscal_quarters` sensor (hourly), by `quarter_close`
  before it asks for the quarter just closed, and by every `scorecard` command that
  records its run in Dagster (orchestration/cli_runs.py). New data only ever adds
  quarters; an earlier first quarter (older history loaded later) re-adds the whole set
  in calendar order, so the UI lists the quarters in order. A quarter is never removed.

Each home has its own calendar: its settings fiscal_year_start_month and calendar_start
(scorecard/settings.py), as its dim_periods has. This module imports no dagster-dbt: the
command line loads it to record its runs.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import dagster as dg

from scorecard.paths import Paths
from scorecard.settings import effective

QUARTERS_NAME = "fiscal_quarters"
QUARTERS = dg.DynamicPartitionsDefinition(name=QUARTERS_NAME)
LABEL = re.compile(r"^(\d{4})-Q([1-4])$")

QuarterRequest = dg.AddDynamicPartitionsRequest | dg.DeleteDynamicPartitionsRequest


def quarter_label(start: str | dt.date, fiscal_year_start_month: int) -> str:
    """The fiscal quarter starting on `start`, labelled as dim_periods labels it.

    The fiscal year is named after the calendar year in which it ends.
    """
    start_month = fiscal_year_start_month
    try:
        day = start if isinstance(start, dt.date) else dt.date.fromisoformat(start)
    except ValueError as exc:
        raise ValueError(f"a quarter start must be a date, got {start!r}") from exc
    fiscal_month = (day.month - start_month) % 12 + 1
    if (fiscal_month - 1) % 3 or day.day != 1:
        raise ValueError(f"{day} is not the first day of a fiscal quarter")
    fiscal_year = day.year + (1 if start_month > 1 and day.month >= start_month else 0)
    return f"{fiscal_year}-Q{(fiscal_month - 1) // 3 + 1}"


def quarter_start(label: str, fiscal_year_start_month: int) -> dt.date:
    """The first day of the fiscal quarter `label` (e.g. '2026-Q3'): quarter_label's inverse."""
    found = LABEL.match(label)
    if not found:
        raise ValueError(f"a fiscal quarter is written like 2026-Q3, got {label!r}")
    fiscal_year, quarter = int(found[1]), int(found[2])
    # Months since January of the fiscal year's name: the year starts 12 - (start - 1)
    # months before the January it ends in, unless it starts in January.
    months = (fiscal_year_start_month - 1) + 3 * (quarter - 1)
    year = fiscal_year - (1 if fiscal_year_start_month > 1 else 0)
    return dt.date(year + months // 12, months % 12 + 1, 1)


@dataclass(frozen=True)
class FiscalCalendar:
    """The fiscal quarters of one home."""

    start_month: int  # fiscal_year_start_month
    calendar_start: dt.date

    @classmethod
    def of(cls, paths: Paths) -> FiscalCalendar:
        """The calendar the home's settings give (a bad settings file raises UserError)."""
        settings = effective(paths)
        start = dt.date.fromisoformat(str(settings["calendar_start"].value))
        return cls(int(settings["fiscal_year_start_month"].value), start)

    def label(self, start: str | dt.date) -> str:
        return quarter_label(start, self.start_month)

    def start(self, label: str) -> dt.date:
        return quarter_start(label, self.start_month)

    def check(self, partition_key: str) -> str:
        """A partition key as a quarter label (a key written otherwise raises)."""
        self.start(partition_key)
        return partition_key

    @property
    def start_months(self) -> str:
        """Cron month field of the fiscal quarter starts, e.g. '1,4,7,10'."""
        months = sorted((self.start_month - 1 + 3 * i) % 12 + 1 for i in range(4))
        return ",".join(map(str, months))

    @property
    def quarters(self) -> dg.DynamicPartitionsDefinition:
        """The partitions of the per-quarter assets (the module docstring)."""
        return QUARTERS

    def quarter_of(self, day: dt.date) -> str:
        """The label of the fiscal quarter `day` falls in."""
        months_in = (day.month - self.start_month) % 3
        first = dt.date(day.year, day.month, 1)
        for _ in range(months_in):
            first = (first - dt.timedelta(days=1)).replace(day=1)
        return self.label(first)

    def last_closed(self, now: dt.datetime | dt.date) -> str:
        """The last quarter that has ended by `now` (its last day is over)."""
        day = now.date() if isinstance(now, dt.datetime) else now
        current = self.start(self.quarter_of(day))
        return self.quarter_of(current - dt.timedelta(days=1))

    @property
    def first_start(self) -> dt.date:
        """The first quarter start on or after calendar_start (where dim_periods begins)."""
        day = self.start(self.quarter_of(self.calendar_start))
        if day < self.calendar_start:
            day = (day + dt.timedelta(days=93)).replace(day=1)
        return day

    def closed_quarters(self, first: str, now: dt.datetime | dt.date) -> list[str]:
        """Every quarter from `first` to the last closed by `now`, in calendar order
        (none before first_start)."""
        last = self.start(self.last_closed(now))
        day = max(self.start(first), self.first_start)
        quarters = []
        while day <= last:
            quarters.append(self.label(day))
            day = (day + dt.timedelta(days=93)).replace(day=1)
        return quarters


def first_scored_quarter(paths: Paths) -> str | None:
    """The first fiscal quarter with scorecards in the serving database, or None (nothing
    published yet, or the file cannot be read now)."""
    import duckdb

    if not paths.serving_db.exists():
        return None
    try:
        with duckdb.connect(str(paths.serving_db), read_only=True) as con:
            row = con.execute("select min(fiscal_quarter) from marts.fct_scorecards").fetchone()
    except duckdb.Error:
        return None
    return row[0] if row and row[0] else None


def wanted_quarters(paths: Paths, calendar: FiscalCalendar, now: dt.datetime) -> list[str]:
    """The partitions the home should have now: its scored quarters that have closed."""
    first = first_scored_quarter(paths)
    return calendar.closed_quarters(first, now) if first else []


def quarter_requests(existing: Sequence[str], wanted: Iterable[str]) -> list[QuarterRequest]:
    """What brings the partitions set from `existing` to hold `wanted` too, in order.

    Quarters after the last one are appended; one that sorts before a quarter already
    there (older history loaded later) re-adds the whole set in calendar order, as
    dynamic partitions list in the order they were added. Nothing is ever dropped.
    """
    missing = sorted(set(wanted) - set(existing))
    if not missing:
        return []
    if not existing or missing[0] > max(existing):
        return [dg.AddDynamicPartitionsRequest(QUARTERS_NAME, missing)]
    return [
        dg.DeleteDynamicPartitionsRequest(QUARTERS_NAME, list(existing)),
        dg.AddDynamicPartitionsRequest(QUARTERS_NAME, sorted({*existing, *missing})),
    ]


def apply_requests(instance: dg.DagsterInstance, requests: Iterable[QuarterRequest]) -> None:
    for request in requests:
        if isinstance(request, dg.AddDynamicPartitionsRequest):
            instance.add_dynamic_partitions(request.partitions_def_name, request.partition_keys)
        else:
            for key in request.partition_keys:
                instance.delete_dynamic_partition(request.partitions_def_name, key)


def sync_quarters(instance: dg.DagsterInstance, paths: Paths, now: dt.datetime,
                  also: Iterable[str] = ()) -> list[str]:  # fmt: skip
    """Bring the instance's quarters in step with the home's data (and `also`); returns
    the quarters added."""
    calendar = FiscalCalendar.of(paths)
    existing = instance.get_dynamic_partitions(QUARTERS_NAME)
    wanted = {*wanted_quarters(paths, calendar, now), *also}
    apply_requests(instance, quarter_requests(existing, wanted))
    return sorted(wanted - set(existing))
