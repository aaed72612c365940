"""All Dagster definitions for one SCORECARD_HOME (see orchestration/definitions.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration import jobs
from orchestration.checks import expectation_checks
from orchestration.ingestion import landing_ingestion
from orchestration.partitions import FiscalCalendar
from orchestration.quarterly import quarterly_assets
from orchestration.resources import ScorecardHome
from orchestration.sensors import landing_files
from orchestration.serving import serving_database
from orchestration.warehouse import dbt_project, warehouse_models
from scorecard.paths import Paths

DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")


def build_definitions(paths: Paths, manifest_root: Path | None = None) -> dg.Definitions:
    """Everything Dagster runs for one home; `manifest_root` lets homes share a dbt parse."""
    calendar = FiscalCalendar.of(paths)  # a bad settings file stops here, before any run
    project = dbt_project(paths, manifest_root=manifest_root)
    models = warehouse_models(project)
    marts = [key for key in models.keys if key.path[0] == "marts"]
    return dg.Definitions(
        assets=[
            landing_ingestion(),
            models,
            serving_database(marts),
            *quarterly_assets(calendar),
        ],
        asset_checks=expectation_checks(key.path[-1] for key in marts),
        jobs=[jobs.refresh_warehouse, jobs.prepare_quarter],
        schedules=[jobs.daily_refresh, jobs.quarter_close_schedule(calendar)],
        sensors=[landing_files, jobs.fiscal_quarters],
        # The graph is a chain (ingest, checks, dbt, checks, publish) and dbt already runs
        # in its own process: a process per step would only reload these definitions.
        executor=dg.in_process_executor,
        resources={
            "scorecard": ScorecardHome(home=str(paths.home)),
            # The dbt of this environment, whether or not its bin/ is on PATH.
            "dbt": DbtCliResource(project_dir=project, dbt_executable=DBT_EXECUTABLE),
        },
    )
