"""Dagster Definitions for one SCORECARD_HOME.

`dagster dev -m orchestration.definitions` (what `make dagster` runs) loads `defs` for
the home in SCORECARD_HOME (default ./var); tests call `build_definitions` with their own.
"""

from __future__ import annotations

import sys
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration import jobs
from orchestration.ingestion import landing_ingestion
from orchestration.resources import ScorecardHome
from orchestration.sensors import landing_files
from orchestration.serving import serving_database
from orchestration.warehouse import dbt_project, warehouse_models
from scorecard.paths import Paths

DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")


def build_definitions(paths: Paths) -> dg.Definitions:
    project = dbt_project(paths)
    models = warehouse_models(project)
    marts = [key for key in models.keys if key.path[0] == "marts"]
    return dg.Definitions(
        assets=[landing_ingestion(), models, serving_database(marts)],
        jobs=[jobs.refresh_warehouse, jobs.prepare_quarter],
        schedules=[jobs.daily_refresh, jobs.quarter_close],
        sensors=[landing_files],
        resources={
            "scorecard": ScorecardHome(home=str(paths.home)),
            # The dbt of this environment, whether or not its bin/ is on PATH.
            "dbt": DbtCliResource(project_dir=project, dbt_executable=DBT_EXECUTABLE),
        },
    )


defs = build_definitions(Paths.from_env())
