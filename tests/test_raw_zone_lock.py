"""One run at a time ingests into a home's raw zone or builds from it (scorecard/ingest/lock.py).

Each test holds the lock in the test's thread as a run in flight would, starts the other
run in a thread, waits for it to say it is waiting, and checks it has not touched the
raw zone before the lock is released.
"""

from __future__ import annotations

import fcntl
import threading
import time

from scorecard import build
from scorecard.build import BuildResult, build_warehouse
from scorecard.ingest import ingest
from scorecard.ingest.lock import lock_file, raw_zone_lock
from scorecard.ingest.zone import IngestLogRecord, RawZone
from scorecard.paths import Paths
from tests.conftest import EMPLOYEES, TODAY, raw_rows, write


def _start(target) -> tuple[threading.Thread, dict]:
    outcome: dict = {}

    def run() -> None:
        outcome["value"] = target()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def _wait_until_waiting(capsys, holder: str) -> str:
    """The other run's message, once it has found the lock taken (at most 60 s)."""
    seen = ""
    for _ in range(600):
        seen += capsys.readouterr().err
        if "waiting for" in seen:
            assert f"waiting for {holder} (pid " in seen
            return seen
        time.sleep(0.1)
    raise AssertionError(f"the other run never waited for the lock; stderr: {seen!r}")


def test_recovery_waits_for_the_ingest_in_flight_and_keeps_its_batch(paths: Paths, capsys):
    """A build starts by removing batches without a log record. An ingest's batch has
    none between moving into place and its commit: without the lock the build removed
    it, and the ingest then committed a batch of no rows."""
    zone = RawZone(paths)
    batch = paths.raw / "crm" / "orders" / "20261123T000000000000-abc-crm-orders"
    with raw_zone_lock(paths, "ingest"):
        batch.mkdir(parents=True)
        (batch / "part.parquet").write_bytes(b"rows of the batch in flight")
        thread, outcome = _start(zone.recover)
        message = _wait_until_waiting(capsys, "ingest")
        assert str(paths.home) in message
        assert batch.exists() and thread.is_alive()
        zone.write_log(IngestLogRecord(batch.name, "crm.orders", "crm/orders.csv", "abc", "loaded"))
    thread.join(60)
    assert outcome == {"value": []}
    assert (batch / "part.parquet").read_bytes() == b"rows of the batch in flight"


def test_an_ingest_waits_for_the_build_reading_the_raw_zone(paths: Paths, landing, capsys):
    write(landing, "hr/employees.csv", EMPLOYEES)
    with raw_zone_lock(paths, "build"):
        thread, outcome = _start(lambda: ingest(paths, landing, today=TODAY))
        _wait_until_waiting(capsys, "build")
        assert not paths.ingest_log.exists() and thread.is_alive()
    thread.join(60)
    (record,) = outcome["value"].loaded
    assert (record.table, record.rows_loaded) == ("hr.employees", 2)
    assert len(raw_rows(paths, "hr.employees")) == 2


def test_the_lock_is_reentrant_in_a_thread_and_exclusive_across_threads(paths: Paths, capsys):
    order: list[str] = []
    with raw_zone_lock(paths, "build"):
        with raw_zone_lock(paths, "recovery"):  # the same thread: no deadlock
            order.append("nested")
        thread, _ = _start(lambda: order.append("other thread"))
        thread.join(60)  # a thread not taking the lock is not held up
        thread, _ = _start(lambda: _locked(paths, order))
        _wait_until_waiting(capsys, "build")
        order.append("released")
    thread.join(60)
    assert order == ["nested", "other thread", "released", "locked"]


def _locked(paths: Paths, order: list[str]) -> None:
    with raw_zone_lock(paths, "ingest"):
        order.append("locked")


def test_a_build_holds_the_lock_while_dbt_runs(paths: Paths, monkeypatch):
    held = []

    def fake_dbt(*args, **kwargs) -> BuildResult:
        with lock_file(paths).open("a") as other:  # another open file: another holder
            try:
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                held.append(True)
        return BuildResult(nodes=1)

    monkeypatch.setattr(build, "run_dbt", fake_dbt)
    build_warehouse(paths)
    assert held == [True]
    with lock_file(paths).open("a") as after:  # and releases it
        fcntl.flock(after, fcntl.LOCK_EX | fcntl.LOCK_NB)

