"""Data quality: Great Expectations suites at the raw and mart boundaries, as data."""

from scorecard.quality.checks import run_checks, suite_names
from scorecard.quality.history import CheckRun, Outcome, blockers, certification_blockers

__all__ = ["CheckRun", "Outcome", "blockers", "certification_blockers", "run_checks", "suite_names"]
