"""SIGKILL at several points: the last good state survives and a re-run converges."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import duckdb
import pytest

from scorecard.contract import load_contract
from scorecard.generate import generate_company
from scorecard.ingest import ingest
from scorecard.ingest.zone import RawZone
from scorecard.paths import Paths
from scorecard.publish import publish
from tests.test_publish import _warehouse

pytestmark = pytest.mark.slow


def _raw_fingerprint(paths: Paths) -> dict[str, tuple]:
    """Rows and an order-free checksum of every raw table, batch ids and times aside."""
    zone, result = RawZone(paths), {}
    for name, table in load_contract().items():
        columns = ", ".join(c for c in table.column_names + ["_source_file", "_source_row_number"])
        result[name] = duckdb.sql(
            f"select count(*), sum(hash({columns})) from read_parquet('{zone.glob(table)}')"
        ).fetchall()[0]
    return result


def _kill_after(command: list[str], seconds: float) -> None:
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(seconds)
    if child.poll() is None:
        os.kill(child.pid, signal.SIGKILL)
    child.wait()


def test_ingest_killed_at_three_points_then_rerun_equals_an_uninterrupted_ingest(tmp_path):
    landing = tmp_path / "landing"
    generate_company(landing, scale=0.3, seed=5)
    reference = Paths.from_env(tmp_path / "reference")
    started = time.perf_counter()
    ingest(reference, landing)
    duration = time.perf_counter() - started
    expected = _raw_fingerprint(reference)

    crashed = Paths.from_env(tmp_path / "crashed")
    command = [sys.executable, "-m", "scorecard", "ingest", "--home", str(crashed.home),
               "--landing", str(landing)]  # fmt: skip
    for fraction in (0.3, 0.6, 0.9):
        _kill_after(command, 1.0 + duration * fraction)  # +1 s: interpreter start-up
    report = ingest(crashed, landing)
    assert _raw_fingerprint(crashed) == expected
    logs = RawZone(crashed).log_records()
    assert sum(r.rows_read for r in logs if r.status == "loaded") == sum(
        r.rows_read for r in RawZone(reference).log_records()
    )
    assert len(report.loaded) + len(report.skipped) == len(load_contract())


def test_publish_killed_midway_leaves_the_last_publication_readable(tmp_path):
    paths = Paths.from_env(tmp_path)
    _warehouse(paths, 1)
    good = publish(paths)
    with duckdb.connect(str(paths.warehouse_db)) as con:  # big enough to take a while
        con.execute("create or replace table marts.big as select range as n, "
                    "md5(range::varchar) as h from range(6000000)")  # fmt: skip
    code = f"from scorecard.paths import Paths; from scorecard.publish import publish; " \
           f"publish(Paths.from_env({str(tmp_path)!r}))"  # fmt: skip
    _kill_after([sys.executable, "-c", code], 1.5)
    with duckdb.connect(str(paths.serving_db), read_only=True) as con:
        assert con.execute("select publication_id from marts.publication").fetchone()[0] == (
            good.publication_id
        )
    assert duckdb.sql(
        f"select count(*) from '{paths.parquet}/fct_scorecards.parquet'"
    ).fetchall() == [(10,)]
    again = publish(paths)  # the next publication cleans up and succeeds
    assert again.tables["big"] == 6_000_000
    assert not list(paths.serving_db.parent.glob(".*.duckdb*"))
