"""Data-quality results as data: every check run and outcome, kept across rebuilds.

The store is its own DuckDB file beside the warehouse (warehouse/quality.duckdb):
rebuilding the warehouse from scratch keeps the history, and publishing copies it to
the serving database (schema `quality`) for BI.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

import duckdb

from scorecard import refusals
from scorecard.paths import Paths
from scorecard.refusals import Cause

CHECK = "run `scorecard check`"

SCHEMA = """
create table if not exists dq_runs (
    run_id varchar primary key,
    started_at timestamp not null,
    finished_at timestamp not null,
    suites varchar[] not null,
    expectations integer not null,
    critical_failures integer not null,
    warnings integer not null,
    -- What was checked: the warehouse file's modification time (mart suites) and the
    -- newest ingest log record (raw suites). Certification refuses stale checks.
    warehouse_modified_at timestamp,
    raw_loaded_at timestamp
);
create table if not exists dq_results (
    run_id varchar not null,
    checked_at timestamp not null,
    suite varchar not null,
    table_name varchar not null,
    expectation varchar not null,
    column_name varchar,
    severity varchar not null,
    success boolean not null,
    observed_value varchar,
    unexpected_count bigint,
    sample varchar,
    error varchar
);
"""


@dataclass(frozen=True)
class Outcome:
    suite: str
    table_name: str
    expectation: str
    column_name: str | None
    severity: str  # critical | warning
    success: bool
    observed_value: object = None
    unexpected_count: int | None = None
    sample: list = field(default_factory=list)
    error: str | None = None

    def describe(self) -> str:
        where = f"{self.table_name}" + (f".{self.column_name}" if self.column_name else "")
        seen = f"{self.unexpected_count} unexpected" if self.unexpected_count else ""
        if self.error:
            seen = f"could not evaluate: {self.error}"
        sample = f"; sample: {json.dumps(self.sample[:3], default=str)}" if self.sample else ""
        return f"[{self.severity}] {where}: {self.expectation} failed ({seen}){sample}"


@dataclass
class CheckRun:
    run_id: str
    started_at: dt.datetime
    finished_at: dt.datetime
    suites: list[str]
    outcomes: list[Outcome]
    warehouse_modified_at: dt.datetime | None = None
    raw_loaded_at: dt.datetime | None = None
    raw_scopes: dict[str, str] = field(default_factory=dict)  # raw suite -> what it validated

    @property
    def blocking(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.success and o.severity == "critical"]

    @property
    def warnings(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.success and o.severity != "critical"]

    @property
    def seconds(self) -> float:
        return (self.finished_at - self.started_at).total_seconds()


def _connect(paths: Paths) -> duckdb.DuckDBPyConnection:
    paths.quality_db.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(paths.quality_db))
    con.execute(SCHEMA)
    return con


def record(paths: Paths, run: CheckRun) -> None:
    """Append one run and its outcomes in a single transaction."""
    with _connect(paths) as con:
        con.execute("begin")
        con.execute(
            "insert into dq_runs values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                run.run_id, run.started_at, run.finished_at, run.suites, len(run.outcomes),
                len(run.blocking), len(run.warnings), run.warehouse_modified_at,
                run.raw_loaded_at,
            ],
        )  # fmt: skip
        con.executemany(
            "insert into dq_results values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [_row(run, o) for o in run.outcomes],
        )
        con.execute("commit")


def _row(run: CheckRun, o: Outcome) -> list:
    return [
        run.run_id, run.finished_at, o.suite, o.table_name, o.expectation, o.column_name,
        o.severity, o.success,
        None if o.observed_value is None else json.dumps(o.observed_value, default=str),
        o.unexpected_count, json.dumps(o.sample, default=str) if o.sample else None, o.error,
    ]  # fmt: skip


def latest_outcomes(paths: Paths) -> dict[str, tuple[dt.datetime, list[Outcome]]]:
    """Per suite: when it last ran and what it found."""
    if not paths.quality_db.exists():
        return {}
    with duckdb.connect(str(paths.quality_db), read_only=True) as con:
        rows = con.execute("""
            with last_run as (
                select suite, max(checked_at) as checked_at from dq_results group by suite
            )
            select r.* exclude (run_id) from dq_results as r
            join last_run using (suite, checked_at) order by r.suite, r.expectation
        """).fetchall()  # fmt: skip
    found: dict[str, tuple[dt.datetime, list[Outcome]]] = {}
    for checked_at, suite, table, expectation, column, severity, success, observed, count, sample, error in rows:  # noqa: E501
        outcome = Outcome(
            suite, table, expectation, column, severity, success,
            json.loads(observed) if observed else None, count,
            json.loads(sample) if sample else [], error,
        )  # fmt: skip
        found.setdefault(suite, (checked_at, []))[1].append(outcome)
    return found


def certification_blockers(paths: Paths) -> list[Cause]:
    """Why data quality does not allow certifying now (empty: it does): all suites count."""
    return blockers(paths)


def blockers(paths: Paths, suites: Iterable[str] | None = None) -> list[Cause]:
    """Why data quality does not allow publishing or certifying now (empty: it does).

    Every suite must have run after the data it checks last changed, and its latest run
    must have no failed critical expectation. Each reason is a Cause (scorecard/refusals.py):
    stale suites collapse into one line with a count.
    """
    from scorecard.quality.checks import newest_raw_load, suite_names, warehouse_modified_at

    wanted = list(suites) if suites is not None else suite_names()
    latest = latest_outcomes(paths)
    blockers: list[Cause] = []
    never = [s for s in wanted if s not in latest]
    if never:
        blockers.append(Cause(
            f"data-quality suites never ran: {', '.join(never[:5])}"
            + (f" and {len(never) - 5} more" if len(never) > 5 else ""),
            CHECK, rank=refusals.RECHECK,
        ))  # fmt: skip
    built, loaded = warehouse_modified_at(paths), newest_raw_load(paths)
    for suite in wanted:
        if suite not in latest:
            continue
        checked_at, outcomes = latest[suite]
        raw = suite.startswith("raw.")
        changed = loaded if raw else built
        if changed and checked_at < changed:
            blockers.append(Cause(
                f"{suite} last ran at {checked_at:%Y-%m-%d %H:%M:%S}, before the data changed "
                f"at {changed:%Y-%m-%d %H:%M:%S}", CHECK, subject=suite, rank=refusals.RECHECK,
                group="raw suites ran before the last ingest" if raw else
                "mart suites ran before the last build",
            ))  # fmt: skip
        blockers += [
            Cause("critical data-quality failure: " + o.describe(), failure_fix(o.suite),
                  rank=refusals.CORRECT)
            for o in outcomes if not o.success and o.severity == "critical"
        ]  # fmt: skip
    return blockers


def failure_fix(suite: str) -> str:
    """What fixes a failed critical expectation of a suite."""
    if suite.startswith("raw."):
        return ("correct the rows in a new landing file, `scorecard ingest` it, then "
                "`scorecard build`")  # fmt: skip
    return "correct the model or the data behind it, then run `scorecard build`"
