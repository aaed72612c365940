"""Jobs and schedules: the daily refresh, and quarter close (prepares, never certifies);
the sensor that keeps the quarter partitions in step with the data."""

import datetime as dt

import dagster as dg

from orchestration.partitions import (
    QUARTERS_NAME,
    FiscalCalendar,
    quarter_requests,
    sync_quarters,
    wanted_quarters,
)
from orchestration.resources import ScorecardHome

QUARTERLY_GROUP = "quarterly"

# Everything but the per-quarter assets: landing -> raw -> dbt -> checks -> publish.
refresh_warehouse = dg.define_asset_job(
    "refresh_warehouse",
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups(QUARTERLY_GROUP),
    description="Ingest new landing files, build the warehouse, run the checks, publish.",
)

# The per-quarter assets (report, certification preparation) for one closed quarter.
prepare_quarter = dg.define_asset_job(
    "prepare_quarter",
    selection=dg.AssetSelection.groups(QUARTERLY_GROUP),
    description="Report and preliminary results of one closed fiscal quarter, for review.",
)

daily_refresh = dg.ScheduleDefinition(
    name="daily_refresh",
    job=refresh_warehouse,
    cron_schedule="0 5 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Refresh the warehouse every morning, before people open their dashboards.",
)


def quarter_close_schedule(calendar: FiscalCalendar) -> dg.ScheduleDefinition:
    """`quarter_close` on the home's fiscal calendar."""

    @dg.schedule(
        name="quarter_close",
        job=prepare_quarter,
        cron_schedule=f"0 6 1 {calendar.start_months} *",
        execution_timezone="UTC",
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="Prepare the quarter just closed for certification (a person certifies).",
    )
    def quarter_close(context: dg.ScheduleEvaluationContext, scorecard: ScorecardHome):
        # An hour after the daily refresh, so the closed quarter is read from its final data.
        quarter = calendar.last_closed(context.scheduled_execution_time)
        # The partition must exist before a run asks for it (orchestration/partitions.py).
        sync_quarters(context.instance, scorecard.paths, context.scheduled_execution_time,
                      also=[quarter])  # fmt: skip
        return dg.RunRequest(run_key=quarter, partition_key=quarter)

    return quarter_close


@dg.sensor(
    name="fiscal_quarters",
    minimum_interval_seconds=3600,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Keep the quarter partitions in step with the published scorecards: "
    "every closed fiscal quarter from the first one scored.",
)
def fiscal_quarters(context: dg.SensorEvaluationContext, scorecard: ScorecardHome):
    paths = scorecard.paths
    now = dt.datetime.now(dt.UTC)
    wanted = wanted_quarters(paths, FiscalCalendar.of(paths), now)
    requests = quarter_requests(context.instance.get_dynamic_partitions(QUARTERS_NAME), wanted)
    if not requests:
        return dg.SkipReason(f"{len(wanted)} closed quarter(s) with scorecards, none missing")
    return dg.SensorResult(dynamic_partitions_requests=requests)
