"""`scorecard bench --scale S --engine E`: the whole pipeline, stage by stage.

generate -> ingest -> load (engines that cannot read the raw zone in place) -> dbt build
-> publish, each with its wall time, rows/s and the peak memory of the process tree
during the stage (this process plus every child: dbt, and Spark's JVM under it), then
the build against the scan floor (one DuckDB pass decoding every raw value).
"""

from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from scorecard.bench import machine_description, scan_floor_seconds
from scorecard.engines import ENGINES, open_engine
from scorecard.errors import UserError
from scorecard.generate import generate_company
from scorecard.ingest import ingest
from scorecard.paths import Paths


@dataclass(frozen=True)
class StageTiming:
    stage: str
    seconds: float
    rows: int  # rows the stage processed (its input, or its output for publish)
    peak_rss_mb: float
    note: str = ""

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


@dataclass
class PipelineBenchmark:
    scale: float
    engine: str
    machine: str
    stages: list[StageTiming] = field(default_factory=list)
    scan_floor_seconds: float = 0.0
    nodes: int = 0
    seconds_by_kind: dict[str, float] = field(default_factory=dict)

    def stage(self, name: str) -> StageTiming:
        return next(s for s in self.stages if s.stage == name)

    @property
    def total_seconds(self) -> float:
        return sum(s.seconds for s in self.stages)

    @property
    def build_ratio_to_scan_floor(self) -> float:
        floor = self.scan_floor_seconds
        return self.stage("build").seconds / floor if floor else 0.0


class PeakMemory:
    """Samples the resident memory of this process and all its descendants."""

    def __init__(self, interval: float = 0.1) -> None:
        self.interval = interval
        self.peak_bytes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> int:
        me = psutil.Process()
        total = 0
        for process in [me, *me.children(recursive=True)]:
            try:
                total += process.memory_info().rss
            except psutil.Error:  # a child that ended between listing and reading
                continue
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_bytes = max(self.peak_bytes, self._sample())
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakMemory:
        self.peak_bytes = self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


@contextmanager
def _timed(stages: list[StageTiming], name: str, note: str = "") -> Iterator[dict]:
    """Time a stage; the body stores the rows it processed in the yielded dict."""
    counted = {"rows": 0}
    with PeakMemory() as memory:
        started = time.perf_counter()
        yield counted
        seconds = time.perf_counter() - started
    stages.append(StageTiming(name, seconds, counted["rows"], memory.peak_bytes / 2**20, note))


def bench_pipeline(
    scale: float,
    engine: str = "duckdb",
    seed: int = 42,
    work_dir: Path | None = None,
    say: Callable[[str], None] = lambda message: None,
    build_args: Sequence[str] = (),
) -> PipelineBenchmark:
    """Run the whole pipeline on a generated company in a scratch home (removed after);
    `build_args` go to `dbt build` (e.g. `--exclude test_type:unit`)."""
    if engine not in ENGINES:
        raise UserError(f"unknown engine {engine!r}: choose one of {', '.join(sorted(ENGINES))}")
    result = PipelineBenchmark(scale, engine, machine_description())
    with tempfile.TemporaryDirectory(prefix="scorecard-bench-", dir=work_dir) as tmp:
        paths = Paths.from_env(Path(tmp) / "home")
        say("generate")
        with _timed(result.stages, "generate") as counted:
            counted["rows"] = generate_company(paths.landing, scale=scale, seed=seed).total_rows
        say("ingest")
        with _timed(result.stages, "ingest") as counted:
            counted["rows"] = ingest(paths, paths.landing).rows_read
        result.scan_floor_seconds, raw_rows = scan_floor_seconds(paths)
        with open_engine(engine, paths) as warehouse:
            if engine == "postgres":
                say("load")
                from scorecard.engines.postgres import load_raw

                with _timed(result.stages, "load", "raw zone copied into PostgreSQL") as counted:
                    load_raw(warehouse.connection, paths.raw, paths.tmp)
                    counted["rows"] = raw_rows
            say("build")
            with _timed(result.stages, "build") as counted:
                build = warehouse.build(extra_args=build_args)
                counted["rows"] = raw_rows
            result.nodes, result.seconds_by_kind = build.nodes, build.seconds_by_kind
            say("publish")
            if engine == "duckdb":
                from scorecard.publish import publish

                with _timed(result.stages, "publish", "serving DuckDB + Parquet") as counted:
                    counted["rows"] = sum(publish(paths).tables.values())
            else:
                # The serving database is DuckDB: what publishing from another engine
                # costs at least is reading every mart out of it.
                note = f"every mart read out of {engine}"
                with _timed(result.stages, "publish", note) as counted:
                    counted["rows"] = sum(
                        len(warehouse.fetch_mart(mart)[1]) for mart in warehouse.mart_names()
                    )
    return result
