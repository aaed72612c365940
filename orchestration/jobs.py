"""Jobs and schedules: the daily refresh, and quarter close (prepares, never certifies)."""

import dagster as dg

from orchestration.partitions import FiscalCalendar

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
    def quarter_close(context: dg.ScheduleEvaluationContext):
        # An hour after the daily refresh, so the closed quarter is read from its final data.
        with dg.partition_loading_context(context.scheduled_execution_time):
            quarter = calendar.quarters.get_last_partition_key()
        if quarter is None:
            return dg.SkipReason("no fiscal quarter has closed yet")
        return dg.RunRequest(run_key=quarter, partition_key=quarter)

    return quarter_close
