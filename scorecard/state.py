"""The record of the last pipeline run, so scripts (and `scorecard status`) can find it."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field

from scorecard.paths import Paths


@dataclass
class Step:
    name: str
    status: str = "running"
    seconds: float = 0.0
    detail: str = ""


def new_run_id() -> str:
    """Sortable and unique: the time the command started and a random suffix."""
    return f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"


@dataclass
class RunState:
    command: str
    run_id: str = field(default_factory=new_run_id)  # also on its Dagster events
    status: str = "running"
    started_at: str = field(default_factory=lambda: dt.datetime.now(dt.UTC).isoformat())
    finished_at: str | None = None
    steps: list[Step] = field(default_factory=list)
    error: str | None = None


class RunRecorder:
    """Writes the run state after every step, so a crash still leaves an honest record."""

    def __init__(self, paths: Paths, command: str) -> None:
        self.paths = paths
        self.state = RunState(command=command)
        self._save()

    @property
    def run_id(self) -> str:
        return self.state.run_id

    @contextmanager
    def step(self, name: str) -> Iterator[Step]:
        step = Step(name=name)
        self.state.steps.append(step)
        self._save()
        started = time.perf_counter()
        try:
            yield step
        except BaseException as exc:
            step.status = "failed"
            self.state.status, self.state.error = "failed", str(exc).splitlines()[0][:500]
            raise
        else:
            step.status = "succeeded" if step.status == "running" else step.status
        finally:
            step.seconds = round(time.perf_counter() - started, 2)
            self._finish_if_failed()
            self._save()

    def _finish_if_failed(self) -> None:
        if self.state.status == "failed":
            self.state.finished_at = dt.datetime.now(dt.UTC).isoformat()

    def succeed(self) -> None:
        self.state.status = "succeeded"
        self.state.finished_at = dt.datetime.now(dt.UTC).isoformat()
        self._save()

    def _save(self) -> None:
        target = self.paths.state_file
        target.parent.mkdir(parents=True, exist_ok=True)
        scratch = target.with_suffix(".tmp")
        scratch.write_text(json.dumps(asdict(self.state), indent=2), encoding="utf-8")
        os.replace(scratch, target)


def read_last_run(paths: Paths) -> dict | None:
    try:
        return json.loads(paths.state_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
