"""One process at a time ingests into a home's raw zone or builds from it.

An ingest moves a batch's files into place, then writes its log record (the commit,
scorecard/ingest/zone.py). Anything starting meanwhile that recovers the raw zone (an
ingest, a build) would take that batch for one an interrupted run left behind and remove
it, and the log record would then commit a batch with no rows: the file counts as loaded,
its rows are gone. Two ingests of the same file at once would both load it. And a build
must read one state of the raw zone from its plan (which batches are new) to its end.
So ingest and build hold this lock, and one waits for the other, saying so on stderr.

flock: the kernel releases it when the holding process ends, however it ends, so a crash
never leaves a stale lock. Re-entrant within a thread (the PostgreSQL engine holds it
across its load of the raw zone and the build it then calls); another thread of the same
process waits like another process.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from scorecard.paths import Paths

_held: dict[tuple[str, int], int] = {}  # (lock file, thread) -> depth


def lock_file(paths: Paths) -> Path:
    return paths.home / "warehouse" / "raw-zone.lock"


@contextmanager
def raw_zone_lock(paths: Paths, holder: str) -> Iterator[None]:
    """Hold the home's raw-zone lock; `holder` ("ingest", "build") names this run to
    whoever waits for it."""
    path = lock_file(paths)
    key = (str(path), threading.get_ident())
    if key in _held:
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            running = handle.read().strip() or "another run"
            print(f"waiting for {running} to finish with {paths.home}", file=sys.stderr, flush=True)
            fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        handle.truncate()
        started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        handle.write(f"{holder} (pid {os.getpid()}, since {started})\n")
        handle.flush()
        _held[key] = 1
        try:
            yield
        finally:
            del _held[key]
            fcntl.flock(handle, fcntl.LOCK_UN)
