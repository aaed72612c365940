"""Dagster Definitions for the home in SCORECARD_HOME (default ./var).

`dagster dev -m orchestration.definitions` (what `make dagster` runs) loads `defs`;
tests call `orchestration.home_definitions.build_definitions` with their own home.
"""

from orchestration.home_definitions import build_definitions
from scorecard.paths import Paths

defs = build_definitions(Paths.from_env())
