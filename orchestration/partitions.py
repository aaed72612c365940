"""Fiscal quarters as Dagster partitions: one partition per closed quarter.

A time-window partition exists only once its window has ended, so backfills and the
quarter-close schedule can only ever ask for closed quarters, the only ones scored.
Partition keys are the first day of the quarter (Dagster's format); `quarter_label`
turns a key into the warehouse's fiscal label, e.g. '2026-07-01' -> '2026-Q3'.
Each home has its own calendar: its settings fiscal_year_start_month and calendar_start
(scorecard/settings.py), as its dim_periods has.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

import dagster as dg

from scorecard.paths import Paths
from scorecard.settings import effective


def quarter_label(partition_key: str, fiscal_year_start_month: int) -> str:
    """The fiscal quarter starting on `partition_key`, labelled as dim_periods labels it.

    The fiscal year is named after the calendar year in which it ends.
    """
    start_month = fiscal_year_start_month
    try:
        start = dt.date.fromisoformat(partition_key)
    except ValueError as exc:
        raise ValueError(f"quarter partition key must be a date, got {partition_key!r}") from exc
    fiscal_month = (start.month - start_month) % 12 + 1
    if (fiscal_month - 1) % 3:
        raise ValueError(f"{partition_key} is not the first day of a fiscal quarter")
    fiscal_year = start.year + (1 if start_month > 1 and start.month >= start_month else 0)
    return f"{fiscal_year}-Q{(fiscal_month - 1) // 3 + 1}"


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

    def label(self, partition_key: str) -> str:
        return quarter_label(partition_key, self.start_month)

    @property
    def start_months(self) -> str:
        """Cron month field of the fiscal quarter starts, e.g. '1,4,7,10'."""
        months = sorted((self.start_month - 1 + 3 * i) % 12 + 1 for i in range(4))
        return ",".join(map(str, months))

    @cached_property
    def quarters(self) -> dg.TimeWindowPartitionsDefinition:
        first = self.calendar_start
        while (first.month - self.start_month) % 3 or first.day != 1:  # first quarter start
            first = (first.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        return dg.TimeWindowPartitionsDefinition(
            cron_schedule=f"0 0 1 {self.start_months} *", start=first.isoformat(), fmt="%Y-%m-%d"
        )
