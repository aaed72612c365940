"""Benchmarks, run on demand (never as timed unit tests); results go to docs/benchmarks.md."""

from __future__ import annotations

import multiprocessing
import platform
import resource
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

from scorecard.generate import generate_company
from scorecard.ingest import ingest
from scorecard.paths import Paths


@dataclass(frozen=True)
class IngestBenchmark:
    scale: float
    files: int
    rows: int
    seconds: float
    peak_rss_mb: float
    machine: str

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def machine_description() -> str:
    cpu = platform.processor() or platform.machine()
    memory = psutil.virtual_memory().total / 2**30
    return f"{psutil.cpu_count()} cores {cpu}, {memory:.0f} GiB RAM, {platform.platform()}"


def _ingest_child(home: str, landing: str, queue: multiprocessing.Queue) -> None:
    report = ingest(Paths.from_env(home), Path(landing))
    queue.put((len(report.loaded), report.rows_read))


def bench_ingest(scale: float, seed: int = 42) -> IngestBenchmark:
    """Generate a company, then time ingestion alone in a child process (its own peak RSS)."""
    with tempfile.TemporaryDirectory(prefix="scorecard-bench-") as tmp:
        landing = Path(tmp) / "landing"
        generate_company(landing, scale=scale, seed=seed)
        queue: multiprocessing.Queue = multiprocessing.get_context("spawn").Queue()
        child = multiprocessing.get_context("spawn").Process(
            target=_ingest_child, args=(str(Path(tmp) / "home"), str(landing), queue)
        )
        started = time.perf_counter()
        child.start()
        files, rows = queue.get()
        child.join()
        seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return IngestBenchmark(scale, files, rows, seconds, peak_kb / 1024, machine_description())


@dataclass(frozen=True)
class BuildBenchmark:
    scale: float
    raw_rows: int
    build_seconds: float
    scan_floor_seconds: float
    nodes: int
    seconds_by_kind: dict[str, float]
    machine: str
    raw_checks_seconds: float = 0.0  # Great Expectations, raw zone suites
    mart_checks_seconds: float = 0.0  # Great Expectations, mart suites
    expectations: int = 0
    # CPU seconds of the child processes (dbt; the GX worker): comparable on a busy machine.
    build_cpu_seconds: float = 0.0
    checks_cpu_seconds: float = 0.0

    @property
    def checks_share_of_build(self) -> float:
        """Validation time as a share of the dbt build (goal: at most 20%)."""
        checks = self.raw_checks_seconds + self.mart_checks_seconds
        return checks / self.build_seconds if self.build_seconds else 0.0

    @property
    def ratio_to_scan_floor(self) -> float:
        return self.build_seconds / self.scan_floor_seconds if self.scan_floor_seconds else 0.0


def scan_floor_seconds(paths: Paths) -> tuple[float, int]:
    """One aggregate pass over every raw table (every column read once): the least any
    build over this data can cost on this machine."""
    import duckdb

    from scorecard.contract import load_contract
    from scorecard.ingest.zone import RawZone
    from scorecard.sql import ident, literal

    zone = RawZone(paths)
    con = duckdb.connect()
    rows = 0
    started = time.perf_counter()
    for table in load_contract().values():
        # A hash over every column forces each value to be decoded: max(column) alone
        # would be answered from Parquet statistics without reading the data.
        columns = ", ".join(ident(c) for c in table.column_names)
        rows += con.execute(
            f"select count(*), max(hash({columns})) from read_parquet({literal(zone.glob(table))})"
        ).fetchone()[0]
    return time.perf_counter() - started, rows


def bench_build(scale: float, seed: int = 42) -> BuildBenchmark:
    """Generate and ingest a company, then time `dbt build` against the scan floor, and the
    expectation suites on either side of it against the build."""
    from scorecard.build import build_warehouse
    from scorecard.quality import run_checks, suite_names

    with tempfile.TemporaryDirectory(prefix="scorecard-bench-") as tmp:
        paths = Paths.from_env(Path(tmp) / "home")
        generate_company(paths.landing, scale=scale, seed=seed)
        ingest(paths, paths.landing)
        floor, rows = scan_floor_seconds(paths)
        cpu = [_children_cpu_seconds()]
        raw = run_checks(paths, suite_names("raw"))
        cpu.append(_children_cpu_seconds())
        started = time.perf_counter()
        result = build_warehouse(paths)
        seconds = time.perf_counter() - started
        cpu.append(_children_cpu_seconds())
        marts = run_checks(paths, suite_names("marts"))
        cpu.append(_children_cpu_seconds())
    return BuildBenchmark(
        scale, rows, seconds, floor, result.nodes, result.seconds_by_kind, machine_description(),
        raw.seconds, marts.seconds, len(raw.outcomes) + len(marts.outcomes),
        build_cpu_seconds=cpu[2] - cpu[1], checks_cpu_seconds=cpu[1] - cpu[0] + cpu[3] - cpu[2],
    )  # fmt: skip


def _children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
