"""Run the dbt project against one SCORECARD_HOME, in a child process.

A child process keeps dbt's DuckDB connection, memory and global state out of the
caller (tests and Dagster read the warehouse right after a build) and can be killed
without harming the caller. Progress comes from dbt's JSON log lines.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from scorecard.errors import UserError
from scorecard.ingest.lock import raw_zone_lock
from scorecard.paths import PROJECT_ROOT, Paths
from scorecard.refresh_window import (
    RawSnapshot,
    raw_snapshot,
    refresh_from_date,
    refresh_selection,
)
from scorecard.refusals import Cause, refusal
from scorecard.settings import file_settings

# The project's code and definitions (not the data): see code_fingerprint.
CODE_PATHS = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "data-tests")
# A finished dbt node: its name and how many nodes the command runs (None: unknown).
NodeCallback = Callable[[str, int | None], None]
RESULT_EVENTS = {"LogModelResult", "LogTestResult", "LogSeedResult", "LogSnapshotResult"}
FAILED = {"error", "fail", "runtime error"}
# More new raw batches than this since the last build: a full build (see plan_build).
MAX_REFRESH_BATCHES = 1000
# Excluding only these still builds every model: a whole build.
TEST_SELECTORS = re.compile(r"^(test_type:(unit|data)|resource_type:(unit_test|test))$")


@dataclass
class BuildResult:
    nodes: int = 0
    failures: list[str] = field(default_factory=list)
    warnings: int = 0
    seconds_by_kind: dict[str, float] = field(default_factory=dict)  # model, test, unit_test
    seconds_by_node: dict[str, float] = field(default_factory=dict)  # unique_id -> seconds
    unit_tests_skipped: bool = False  # the code had not changed since they last passed
    refresh_from: dt.date | None = None  # the indicator models kept periods ending earlier
    failed_test_sql: dict[str, str] = field(default_factory=dict)  # data test -> its query

    def slowest(self, count: int) -> list[tuple[str, float]]:
        return sorted(self.seconds_by_node.items(), key=lambda item: -item[1])[:count]


def dbt_environment(paths: Paths, project_dir: Path = PROJECT_ROOT) -> dict[str, str]:
    """Environment the dbt profile and sources read: where raw data and the warehouse live."""
    return {
        "SCORECARD_RAW_DIR": str(paths.raw),
        "SCORECARD_WAREHOUSE_DB": str(paths.warehouse_db),
        "DBT_PROFILES_DIR": str(project_dir),
        "DBT_PROJECT_DIR": str(project_dir),
        # Per-home target and logs: two warehouses can build side by side.
        "DBT_TARGET_PATH": str(paths.home / "dbt" / "target"),
        "DBT_LOG_PATH": str(paths.home / "dbt" / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        # dbt's file log defaults to debug: every statement of every node, about a tenth
        # of a refresh's time on 2 cores. DBT_LOG_LEVEL_FILE=debug brings it back.
        "DBT_LOG_LEVEL_FILE": os.environ.get("DBT_LOG_LEVEL_FILE", "info"),
    }


def dbt_settings(
    paths: Paths, project_dir: Path = PROJECT_ROOT, environment: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The environment a dbt run sees: the process's, dbt_environment(), then `environment`."""
    return {**os.environ, **dbt_environment(paths, project_dir), **(environment or {})}


def with_settings(paths: Paths, args: Sequence[str], project_dir: Path = PROJECT_ROOT) -> list[str]:
    """dbt arguments with the home's settings (<home>/settings.yml, scorecard/settings.py)
    as one `--vars`; a var given in `args` (a replay's definitions_as_of, a benchmark's
    as_of_date) wins over the file. Without a settings file, `args` as they are."""
    from_file = file_settings(paths, project_dir)
    if not from_file:
        return list(args)
    rest, given = [], {}
    values = iter(args)
    for arg in values:
        if arg == "--vars":
            given.update(_vars_mapping(next(values, "")))
        elif arg.startswith("--vars="):
            given.update(_vars_mapping(arg.removeprefix("--vars=")))
        else:
            rest.append(arg)
    merged = json.dumps({**from_file, **given}, sort_keys=True, default=str)
    return [*rest, "--vars", merged]


def _vars_mapping(text: str) -> dict:
    """The value of a --vars argument: a YAML (or JSON) mapping, as dbt reads it."""
    try:
        value = yaml.safe_load(text) if text.strip() else {}
    except yaml.YAMLError:
        value = None
    if not isinstance(value, dict):
        raise UserError(f"--vars must be a YAML mapping such as '{{as_of_date: 2026-09-30}}', "
                        f"got {text!r}")  # fmt: skip
    return value


def run_dbt(
    paths: Paths,
    args: list[str],
    on_node: NodeCallback | None = None,
    project_dir: Path = PROJECT_ROOT,
    environment: Mapping[str, str] | None = None,
) -> BuildResult:
    """Run one dbt command; report each finished node; collect failures from run_results.

    Every command gets the home's settings (with_settings). `environment` overrides
    variables of dbt_environment(), e.g. another engine's target (SCORECARD_DBT_TARGET)
    with its own DBT_TARGET_PATH (scorecard/engines/).
    """
    args = with_settings(paths, args, project_dir)
    paths.warehouse_db.parent.mkdir(parents=True, exist_ok=True)
    environment = dbt_settings(paths, project_dir, environment)
    command = [sys.executable, "-m", "dbt.cli.main", *args, "--log-format", "json"]
    with subprocess.Popen(
        command, cwd=project_dir, env=environment, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    ) as child:  # fmt: skip
        errors: list[str] = []
        for line in child.stdout or []:
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                errors.append(line.strip())
                continue
            info = event.get("info", {})
            if info.get("level") == "error":
                errors.append(info.get("msg", "").strip())
            if on_node and info.get("name") in RESULT_EVENTS:
                data = event.get("data", {})
                # result events carry the node's index and the number of nodes selected
                on_node(data.get("node_info", {}).get("node_name", ""), data.get("total"))
    results_file = Path(environment["DBT_TARGET_PATH"]) / "run_results.json"
    if child.returncode == 2 or not results_file.exists():
        # Python's own warnings (a RuntimeWarning of runpy, say) are not dbt's reason.
        detail = next((e for e in errors if e and "Warning:" not in e.split("\n")[0]),
                      f"exit code {child.returncode}")  # fmt: skip
        raise UserError(f"dbt could not run: {detail.splitlines()[0][:400]}")
    return _collect(json.loads(results_file.read_text(encoding="utf-8")))


def _collect(run_results: dict) -> BuildResult:
    result = BuildResult()
    for node in run_results.get("results", []):
        result.nodes += 1
        kind = node["unique_id"].split(".")[0]
        seconds = node.get("execution_time", 0.0)
        result.seconds_by_kind[kind] = result.seconds_by_kind.get(kind, 0.0) + seconds
        result.seconds_by_node[node["unique_id"]] = seconds
        if node["status"] in FAILED:
            result.failures.append(f"{node['unique_id']}: {failure_text(node.get('message'))}")
            if node["unique_id"].startswith("test.") and node.get("compiled_code"):
                result.failed_test_sql[node["unique_id"]] = node["compiled_code"]
        elif node["status"] == "warn":
            result.warnings += 1
    return result


def _add_failing_rows(result: BuildResult, settings: Mapping[str, str], rows: int = 3) -> None:
    """After a failed DuckDB build: the first rows each failed data test returned, so the
    command line names what is wrong (a definition and its quarters, a duplicate key)
    instead of "Got 3 results". Other engines: the message as dbt gave it."""
    if settings.get("SCORECARD_DBT_TARGET", "duckdb") != "duckdb" or not result.failed_test_sql:
        return
    import duckdb

    try:
        con = duckdb.connect(settings["SCORECARD_WAREHOUSE_DB"], read_only=True)
    except duckdb.Error:
        return
    with con:
        for at, failure in enumerate(result.failures):
            sql = result.failed_test_sql.get(failure.split(": ", 1)[0])
            if not sql:
                continue
            try:
                cursor = con.execute(f"select * from ({sql}) as failing limit {rows}")  # noqa: S608
            except duckdb.Error:
                continue
            names = [d[0] for d in cursor.description]
            found = "; ".join(
                ", ".join(f"{n}={v}" for n, v in zip(names, row, strict=True))
                for row in cursor.fetchall()
            )
            result.failures[at] = f"{failure} (first rows: {found})"


def _failure_cause(failure: str) -> Cause:
    """A failed node as a refusal's cause: a data test is about the data, anything else
    about the code or the settings; both are fixed, then built again."""
    if failure.startswith("test."):
        return Cause(failure, "correct the data (a new landing file, `scorecard ingest`) or the "
                     "model, then run `scorecard build`")  # fmt: skip
    return Cause(failure, "correct the model or the settings, then run `scorecard build`")


def failure_text(message: str | None) -> str:
    """dbt's message for a failed node on one line: its headline ("Runtime Error in model
    X") and the database's own words after it ("Constraint Error: NOT NULL constraint
    failed: ..."), which dbt puts on the next lines and the headline alone hides."""
    lines = [line.strip() for line in (message or "").splitlines() if line.strip()]
    if not lines:
        return ""
    return " ".join([lines[0].rstrip(":") + (":" if len(lines) > 1 else ""), *lines[1:3]])[:600]


def code_fingerprint(project_dir: Path = PROJECT_ROOT, args: Sequence[str] = ()) -> str:
    """sha256 over dbt's version, the build arguments (e.g. --vars) and the project's
    files: what the unit tests test and what produced the incremental models' rows."""
    from dbt.version import __version__ as dbt_version

    digest = hashlib.sha256(json.dumps([dbt_version, *args]).encode())
    for name in CODE_PATHS:
        root = project_dir / name
        files = sorted(root.rglob("*")) if root.is_dir() else [root]
        for path in (f for f in files if f.is_file()):
            digest.update(str(path.relative_to(project_dir)).encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class BuildPlan:
    """How to run a `dbt build` of one home, decided from the last successful build."""

    args: list[str]  # after "build"
    unit_tests_skipped: bool
    fingerprint: str  # "" for a build of part of the project: nothing to record
    record: Path
    raw: RawSnapshot | None = None  # the raw batches this build reads
    refresh_from: dt.date | None = None  # periods ending earlier keep their rows
    runs_unit_tests: bool = False
    new_batches: frozenset[tuple[str, str]] = frozenset()  # (table, batch id) since the last build

    @property
    def selection_args(self) -> list[str]:
        """dbt arguments restricting a refresh to the nodes new data or the build date
        can change (refresh_selection); none for a whole build."""
        return ["--select", *refresh_selection(self.new_batches)] if self.refresh_from else []

    @property
    def environment(self) -> dict[str, str]:
        """Variables dbt needs besides dbt_environment(): what a refresh recomputes and
        tests (macros/refresh_window.sql). SCORECARD_REFRESH, which dbt reads while
        parsing, is the same in every refresh, so that a day's refresh does not re-parse
        the project."""
        date = self.refresh_from.isoformat() if self.refresh_from else ""
        batches = ",".join(f"{table}:{batch}" for table, batch in sorted(self.new_batches))
        return {
            "SCORECARD_REFRESH": "periods" if self.refresh_from else "",
            "SCORECARD_REFRESH_FROM_DATE": date,
            "SCORECARD_REFRESH_BATCHES": batches,
        }

    def starting(self) -> None:
        """Before a whole build: forget the raw batches of the last one. Should this build
        fail half way (say into a new, empty warehouse file), the next one must not
        take what is there for the last build's result and refresh it."""
        if self.fingerprint and not self.refresh_from:
            _raw_record(self.record).unlink(missing_ok=True)

    def succeeded(self) -> None:
        """Remember the code and raw batches this whole-project build ran on, and whether
        the unit tests passed on that code: the next build compares with them."""
        if self.fingerprint:
            self.record.parent.mkdir(parents=True, exist_ok=True)
            self.record.write_text(self.fingerprint + "\n", encoding="utf-8")
            _raw_record(self.record).write_text(self.raw.to_json(), encoding="utf-8")
            if self.runs_unit_tests:
                _unit_record(self.record).write_text(self.fingerprint + "\n", encoding="utf-8")


def _raw_record(code_record: Path) -> Path:
    return code_record.with_name("last-build-raw.json")


def _unit_record(code_record: Path) -> Path:
    return code_record.with_name("last-unit-tests-passed.sha256")


def _holds(record: Path, fingerprint: str) -> bool:
    return record.exists() and record.read_text(encoding="utf-8").strip() == fingerprint


def plan_build(
    paths: Paths,
    extra_args: Sequence[str] = (),
    project_dir: Path = PROJECT_ROOT,
    environment: Mapping[str, str] | None = None,
    unit_tests: str = "when-changed",
    subset: bool = False,
) -> BuildPlan:
    """Compare the project's files and arguments with those of the last whole build that
    succeeded on this engine (code_fingerprint):
    - changed (or never built): incremental models are rebuilt from scratch
      (`--full-refresh`), since their stored rows came from other SQL;
    - unchanged: a refresh of new data. It runs only the nodes downstream of the tables
      with new raw batches and of the build date, and the indicator models recompute
      only the periods those batches can reach (scorecard/refresh_window.py).
    Unit tests check code on fixtures: with unit_tests="when-changed" they are left out
    once they have passed on this code; "always" runs them regardless.
    A build of part of the project (`subset`, its own --select, or an --exclude of more
    than tests) runs as asked. Leaving tests out is still a whole build, of the same code.
    The home's settings are part of the arguments (with_settings): a change of them is
    a change of the code. A bad settings file raises before anything runs.
    """
    args = with_settings(paths, extra_args, project_dir)
    settings = dbt_settings(paths, project_dir, environment)
    target_path = Path(settings["DBT_TARGET_PATH"])
    record = target_path.parent / "last-build-code.sha256"
    excluded = _excluded(args)
    if subset or {"--select", "-s", "--selector"} & set(args) or not _only_tests(excluded):
        return BuildPlan(args, False, "", record)
    code_args = _without_exclude(args)
    fingerprint = code_fingerprint(project_dir, code_args)
    skip_unit_tests = unit_tests == "when-changed" and _holds(_unit_record(record), fingerprint)
    raw = raw_snapshot(paths)
    refresh_from, new_batches = None, frozenset()
    if not _holds(record, fingerprint):
        args.append("--full-refresh")
    elif _raw_record(record).exists() and not _duckdb_warehouse_gone(settings):
        previous = RawSnapshot.from_json(_raw_record(record).read_text(encoding="utf-8"))
        new_batches = raw.added_since(previous)
        # A backlog too long for an environment variable is built whole.
        if len(new_batches) <= MAX_REFRESH_BATCHES:
            refresh_from = refresh_from_date(paths, previous, raw)
    if skip_unit_tests and "test_type:unit" not in excluded:
        excluded.append("test_type:unit")
        args = [*code_args, "--exclude", *excluded]
    runs_unit_tests = "test_type:unit" not in excluded and "resource_type:unit_test" not in excluded
    return BuildPlan(
        args, skip_unit_tests, fingerprint, record, raw, refresh_from, runs_unit_tests,
        new_batches if refresh_from else frozenset(),
    )  # fmt: skip


def _duckdb_warehouse_gone(settings: Mapping[str, str]) -> bool:
    """Whether the DuckDB warehouse file was deleted since the last build (to rebuild it):
    then nothing is refreshed, everything is built and tested whole."""
    on_duckdb = settings.get("SCORECARD_DBT_TARGET", "duckdb") == "duckdb"
    return on_duckdb and not Path(settings["SCORECARD_WAREHOUSE_DB"]).exists()


def _excluded(args: Sequence[str]) -> list[str]:
    """The values of --exclude."""
    if "--exclude" not in args:
        return []
    after = args[args.index("--exclude") + 1 :]
    return list(itertools.takewhile(lambda a: not a.startswith("-"), after))


def _without_exclude(args: Sequence[str]) -> list[str]:
    if "--exclude" not in args:
        return list(args)
    at = args.index("--exclude")
    return [*args[:at], *args[at + 1 + len(_excluded(args)) :]]


def _only_tests(excluded: list[str]) -> bool:
    """Whether excluding these still builds every model (tests only)."""
    return all(TEST_SELECTORS.match(value) for value in excluded)


def build_warehouse(
    paths: Paths,
    on_node: NodeCallback | None = None,
    extra_args: list[str] = (),
    project_dir: Path = PROJECT_ROOT,
    environment: Mapping[str, str] | None = None,
    unit_tests: str = "when-changed",
) -> BuildResult:
    """`dbt build`: seeds, models and every test, in DAG order, as plan_build decides;
    failures raise."""
    # The raw zone stays as planned until dbt is done (scorecard/ingest/lock.py).
    with raw_zone_lock(paths, "build"):
        plan = plan_build(paths, extra_args, project_dir, environment, unit_tests)
        environment = {**(environment or {}), **plan.environment}
        plan.starting()
        command = ["build", *plan.args, *plan.selection_args]
        result = run_dbt(paths, command, on_node, project_dir, environment)
        if result.failures:
            _add_failing_rows(result, dbt_settings(paths, project_dir, environment))
            raise refusal(f"dbt build failed on {len(result.failures)} node(s)",
                          [_failure_cause(f) for f in result.failures])  # fmt: skip
        result.unit_tests_skipped = plan.unit_tests_skipped
        result.refresh_from = plan.refresh_from
        plan.succeeded()
    return result
