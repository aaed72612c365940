"""The event date of a raw table is stated twice: the refresh window reads it from the
raw files (scorecard/refresh_window.py) and source coverage from the staging models
(int_source_deliveries.sql). Both must name the same column, or a late delivery would
refresh other periods than the ones coverage reports."""

from __future__ import annotations

import re

from scorecard.paths import PROJECT_ROOT
from scorecard.refresh_window import DATED_EVENT_TABLES


def test_the_refresh_window_and_source_coverage_use_the_same_event_dates():
    sql = (PROJECT_ROOT / "models/intermediate/coverage/int_source_deliveries.sql").read_text()
    coverage = dict(re.findall(r"\('([\w.]+)', '\w+', '(\w+)'\)", sql))
    assert len(coverage) >= len(DATED_EVENT_TABLES)
    assert {table: coverage.get(table) for table in DATED_EVENT_TABLES} == DATED_EVENT_TABLES
