"""Fiscal quarters as Dagster partitions: one partition per closed quarter.

A time-window partition exists only once its window has ended, so backfills and the
quarter-close schedule can only ever ask for closed quarters, the only ones scored.
Partition keys are the first day of the quarter (Dagster's format); `quarter_label`
turns a key into the warehouse's fiscal label, e.g. '2026-07-01' -> '2026-Q3'.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import dagster as dg
import yaml

from scorecard.paths import PROJECT_ROOT


@cache
def _calendar_vars() -> tuple[int, str]:
    """Fiscal year start month and calendar start, from dbt_project.yml (one source of truth)."""
    variables = yaml.safe_load((PROJECT_ROOT / "dbt_project.yml").read_text(encoding="utf-8"))
    variables = variables.get("vars", {})
    return int(variables.get("fiscal_year_start_month", 1)), str(variables["calendar_start"])


def quarter_label(partition_key: str, fiscal_year_start_month: int | None = None) -> str:
    """The fiscal quarter starting on `partition_key`, labelled as dim_periods labels it.

    The fiscal year is named after the calendar year in which it ends.
    """
    start_month = fiscal_year_start_month or _calendar_vars()[0]
    try:
        start = dt.date.fromisoformat(partition_key)
    except ValueError as exc:
        raise ValueError(f"quarter partition key must be a date, got {partition_key!r}") from exc
    fiscal_month = (start.month - start_month) % 12 + 1
    if (fiscal_month - 1) % 3:
        raise ValueError(f"{partition_key} is not the first day of a fiscal quarter")
    fiscal_year = start.year + (1 if start_month > 1 and start.month >= start_month else 0)
    return f"{fiscal_year}-Q{(fiscal_month - 1) // 3 + 1}"


def quarter_start_months() -> str:
    """Cron month field of the fiscal quarter starts, e.g. '1,4,7,10'."""
    start_month = _calendar_vars()[0]
    return ",".join(str(m) for m in sorted((start_month - 1 + 3 * i) % 12 + 1 for i in range(4)))


def fiscal_quarters() -> dg.TimeWindowPartitionsDefinition:
    start_month, calendar_start = _calendar_vars()
    first = dt.date.fromisoformat(calendar_start)
    while (first.month - start_month) % 3 or first.day != 1:  # first fiscal quarter start
        first = (first.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return dg.TimeWindowPartitionsDefinition(
        cron_schedule=f"0 0 1 {quarter_start_months()} *", start=first.isoformat(), fmt="%Y-%m-%d"
    )


FISCAL_QUARTERS = fiscal_quarters()
