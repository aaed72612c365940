"""A refresh after one appended day of data equals a full build over the same raw zone."""

from __future__ import annotations

import csv
import datetime as dt
import shutil

import pytest

from scorecard.bench_incremental import DAILY_EVENTS, split_day
from scorecard.build import build_warehouse
from scorecard.engines import open_engine
from scorecard.engines.compare import compare_engines
from scorecard.generate import generate_company
from scorecard.ingest import ingest
from scorecard.paths import Paths
from tests.conftest import write

DAY = dt.date(2026, 9, 30)


def test_split_day_moves_exactly_the_events_of_that_day(tmp_path):
    landing, increment = tmp_path / "landing", tmp_path / "increment"
    for table, column in DAILY_EVENTS.items():
        write(landing, f"{table}.csv", f"id,{column}\n1,2026-09-29\n2,2026-09-30\n3,\n")
    write(landing, "crm/activities.csv",
          "id,activity_at\n1,2026-09-30 23:59:00\n2,2026-09-29 10:00:00\n3,2026-10-01 00:00:00\n")  # fmt: skip
    moved = split_day(landing, increment, DAY)
    assert moved["crm/activities"] == 1 and moved["crm/orders"] == 1
    with (increment / "crm" / "activities__2026-09-30.csv").open(encoding="utf-8") as handle:
        assert list(csv.reader(handle)) == [["id", "activity_at"], ["1", "2026-09-30 23:59:00"]]
    with (landing / "crm" / "activities.csv").open(encoding="utf-8") as handle:
        assert [row[0] for row in csv.reader(handle)] == ["id", "2", "3"]
    with (landing / "crm" / "orders.csv").open(encoding="utf-8") as handle:
        assert [row[0] for row in csv.reader(handle)] == ["id", "1", "3"]  # the undated row stays


@pytest.mark.slow
def test_refresh_after_an_appended_day_equals_a_full_build(tmp_path):
    incremental = Paths.from_env(tmp_path / "incremental")
    summary = generate_company(incremental.landing, scale=0.05, seed=11)
    assert summary.as_of == DAY
    moved = split_day(incremental.landing, tmp_path / "increment", DAY)
    assert moved["crm/orders"] > 0 and moved["crm/activities"] > 0 and moved["finance/invoices"] > 0
    ingest(incremental, incremental.landing)
    build_warehouse(incremental, extra_args=["--exclude", "test_type:data"])

    report = ingest(incremental, tmp_path / "increment")
    assert sum(r.rows_loaded for r in report.loaded) > 0
    build_warehouse(incremental, extra_args=["--exclude", "test_type:data"])

    full = Paths.from_env(tmp_path / "full")
    shutil.copytree(incremental.raw, full.raw)
    build_warehouse(full, extra_args=["--exclude", "test_type:data"])

    with open_engine("duckdb", incremental) as refreshed, open_engine("duckdb", full) as rebuilt:
        comparison = compare_engines(rebuilt, refreshed)
    assert comparison.equal, comparison.summary()
    rows = {mart.mart: mart.rows for mart in comparison.marts}
    assert rows["fct_indicator_values"] > 1000 and rows["fct_scorecards"] > 0
