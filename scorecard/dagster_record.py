"""Command-line runs recorded in the home's Dagster instance (orchestration/cli_runs.py).

A command notes what it built and checked as it goes; the notes become Dagster events in
`<home>/dagster`, so `make dagster` shows every build, not only Dagster's own runs.

Dagster writes each event to SQLite with its own commits (tens of milliseconds each; a
demo makes about 400), so a thread started with the command loads Dagster and records
the notes while the command goes on (the mart checks and publish after a dbt build,
say); the command waits for it at its end.
The thread reads no file of the home a command may be writing: dbt's row counts are
read here, between dbt and the checks, and the quarter partitions (which read the
serving database) are brought in step once the command is done.

Recording never fails a command: when Dagster cannot record (its instance locked, the
definitions not loading), one warning line says so and the command goes on.
SCORECARD_DAGSTER=off turns recording off (the test suite does, but for its own tests).
"""

from __future__ import annotations

import json
import os
import queue
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from scorecard.console import console, say
from scorecard.paths import PROJECT_ROOT, Paths

ENVIRONMENT = "SCORECARD_DAGSTER"
OFF = {"0", "off", "false", "no"}


def enabled() -> bool:
    return os.environ.get(ENVIRONMENT, "on").strip().lower() not in OFF


def table_rows(warehouse_db: Path, run_results: dict) -> dict[str, int]:
    """Rows of each table the build wrote, by dbt unique id (a view is read whole to be
    counted: left out)."""
    import duckdb

    relations = {}
    for result in run_results.get("results", []):
        relation = result.get("relation_name")
        if result.get("status") == "success" and relation:
            relations[result["unique_id"]] = relation
    if not relations or not warehouse_db.exists():
        return {}
    rows = {}
    with duckdb.connect(str(warehouse_db), read_only=True) as con:
        tables = {f'"{d}"."{s}"."{t}"' for d, s, t in con.execute(
            "select database_name, schema_name, table_name from duckdb_tables()").fetchall()}
        for uid, relation in relations.items():
            if relation in tables:
                rows[uid] = con.execute(f"select count(*) from {relation}").fetchone()[0]
    return rows  # fmt: skip


class DagsterRecord:
    """What one command did, in order, recorded by a thread (the module docstring)."""

    def __init__(self, paths: Paths, command: str, run_id: str) -> None:
        self.paths, self.command, self.run_id = paths, command, run_id
        self._notes: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._error: Exception | None = None
        self._recorded = None

    def start(self) -> None:
        """Load Dagster, the keys and the instance now, while the command works."""
        if self._thread is None and enabled():
            self._thread = threading.Thread(target=self._work, name="dagster-record", daemon=True)
            self._thread.start()

    def _note(self, kind: str, value: Any) -> None:
        if enabled():
            self.start()
            self._notes.put((kind, value))

    def _work(self) -> None:
        try:
            if str(PROJECT_ROOT) not in sys.path:  # orchestration/ is beside the package
                sys.path.append(str(PROJECT_ROOT))
            from orchestration.cli_runs import Recorder

            recorder = Recorder(self.paths, self.command, self.run_id)
            try:
                while (note := self._notes.get()) is not None:
                    recorder.add(*note)
            except BaseException:
                recorder.instance.dispose()
                raise
            self._recorded = recorder.finish()
        except Exception as exc:  # recording must never fail the command
            self._error = exc

    def ingested(self, report) -> None:
        if report.loaded:
            self._note("ingest", report)

    def checked(self, run) -> None:
        self._note("check", run)

    def built(self, run_results: Path, started: float) -> None:
        """dbt's run results, when this build wrote them (a crash may leave older ones)."""
        if not enabled():
            return
        try:
            if run_results.stat().st_mtime < started:
                return
            results = json.loads(run_results.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        try:
            rows = table_rows(self.paths.warehouse_db, results)
        except Exception:  # the warehouse locked by another process: no row counts
            rows = {}
        self._note("build", {"run_results": results, "rows": rows})

    def published(self, publication) -> None:
        self._note("publish", publication)

    def reported(self, result) -> None:
        self._note("report", result)

    def flush(self) -> None:
        """Wait for the thread; print what it recorded, or one warning line."""
        if self._thread is None and self._error is None:
            return
        started = time.perf_counter()
        if self._thread is not None:
            self._notes.put(None)
            self._thread.join()
            self._thread = None
        waited = time.perf_counter() - started
        if self._error is not None or self._recorded is None:
            error = self._error or RuntimeError("nothing recorded")
            reason = (str(error).strip().splitlines() or [""])[0][:300]
            say(("warning:", "yellow"), f" not recorded in Dagster ({self.paths.home / 'dagster'})"
                f": {type(error).__name__}: {reason}")  # fmt: skip
            return
        done = self._recorded
        if not done.materializations + done.evaluations + done.observations:
            return  # nothing built or checked (an ingest of files already loaded, say)
        console.print(
            f"recorded in Dagster: {done.materializations} materialization(s), "
            f"{done.evaluations} check evaluation(s) (waited {waited:.1f} s)",
            style="dim",
        )


@contextmanager
def dagster_record(paths: Paths, command: str, run_id: str) -> Iterator[DagsterRecord]:
    """Notes for one command, recorded by its end, also when it fails (not when it is
    interrupted: Ctrl-C stops at once)."""
    notes = DagsterRecord(paths, command, run_id)
    notes.start()
    try:
        yield notes
    except Exception:
        notes.flush()
        raise
    notes.flush()
