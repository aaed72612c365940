"""Latency of the documented dashboard queries (docs/bi.md) on the serving database.

The queries are read from docs/bi.md itself, so the benchmark times exactly what the
documentation tells BI users to run. Each query runs once to warm up, then `runs`
times on one read-only connection (as a BI tool keeps its connection open), fetching
every row; p50 and p95 are nearest-rank percentiles over those runs.
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from scorecard.errors import UserError
from scorecard.paths import PROJECT_ROOT

BI_DOC = PROJECT_ROOT / "docs" / "bi.md"
# A heading, then (after any prose) the first sql block under it.
QUERY = re.compile(
    r"^### (?P<title>[^\n]+)\n(?:(?!#)[^\n]*\n)*?```sql\n(?P<sql>.*?)```", re.M | re.S
)


@dataclass(frozen=True)
class QueryTiming:
    title: str
    rows: int
    p50_ms: float
    p95_ms: float
    max_ms: float
    # CPU time of this process (DuckDB's threads included): what the query costs when the
    # machine is shared, where wall time also counts waiting for a core.
    cpu_p50_ms: float


@dataclass(frozen=True)
class QueryBenchmark:
    serving_db: Path
    runs: int
    connect_ms: float
    scorecards: int
    timings: list[QueryTiming]

    @property
    def worst_p95_ms(self) -> float:
        return max(t.p95_ms for t in self.timings)


def dashboard_queries(doc: Path = BI_DOC) -> list[tuple[str, str]]:
    queries = [(m["title"].strip(), m["sql"]) for m in QUERY.finditer(doc.read_text("utf-8"))]
    if not queries:
        raise UserError(f"no '### title' + ```sql blocks found in {doc}")
    return queries


def percentile(samples: list[float], share: float) -> float:
    """Nearest-rank percentile: the smallest sample with at least `share` of samples <= it."""
    ordered = sorted(samples)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


def bench_queries(serving_db: Path, runs: int = 50) -> QueryBenchmark:
    if runs < 1:
        raise UserError(f"--runs must be at least 1, got {runs}")
    if not serving_db.exists():
        raise UserError(f"no serving database at {serving_db}: run `scorecard build` first")
    started = time.perf_counter()
    con = duckdb.connect(str(serving_db), read_only=True)
    connect_ms = 1000 * (time.perf_counter() - started)
    timings = []
    with con:
        scorecards = con.execute("select count(*) from marts.fct_scorecards").fetchone()[0]
        for title, sql in dashboard_queries():
            rows = len(con.execute(sql).fetchall())  # warm-up: first read from disk
            samples, cpu = [], []
            for _ in range(runs):
                t0, c0 = time.perf_counter(), time.process_time()
                con.execute(sql).fetchall()
                samples.append(1000 * (time.perf_counter() - t0))
                cpu.append(1000 * (time.process_time() - c0))
            timings.append(QueryTiming(title, rows, percentile(samples, 0.5),
                                       percentile(samples, 0.95), max(samples),
                                       percentile(cpu, 0.5)))  # fmt: skip
    return QueryBenchmark(serving_db, runs, connect_ms, scorecards, timings)
