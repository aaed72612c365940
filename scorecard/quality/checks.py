"""Run the expectation suites in expectations/ with Great Expectations, record the outcomes.

Suites are GX suite files: expectations/raw/*.json (generated from the contract) and
expectations/marts/*.json (written by hand). Each names its table in `meta.table`
(`crm.orders`, `marts.fct_scorecards`) and gives every expectation a severity:
critical failures block publishing and certification; warnings are reported.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path

from scorecard.errors import UserError
from scorecard.paths import Paths
from scorecard.quality import history, raw_scope
from scorecard.quality.history import CheckRun, Outcome
from scorecard.quality.page import write_quality_page
from scorecard.quality.raw_suites import SUITES_DIR
from scorecard.quality.sources import build_checks_database
from scorecard.sql import literal

SAMPLE_ROWS = 5


@cache
def _suite_files() -> dict[str, Path]:
    files = {}
    for path in sorted(SUITES_DIR.glob("*/*.json")):
        name = json.loads(path.read_text(encoding="utf-8"))["name"]
        files[name] = path
    return files


def _boundaries(suites: list[str]) -> tuple[bool, bool]:
    """Whether the suites read the raw zone, and whether they read the warehouse."""
    return any(s.startswith("raw.") for s in suites), any(
        not s.startswith("raw.") for s in suites
    )


def suite_names(boundary: str | None = None) -> list[str]:
    """Every suite: raw.<source>__<table>, raw.load_health, marts.<model>; or those of
    one boundary ('raw', 'marts')."""
    return [name for name in _suite_files() if boundary is None or name.startswith(boundary + ".")]


def load_suite(name: str) -> dict:
    try:
        return json.loads(_suite_files()[name].read_text(encoding="utf-8"))
    except KeyError:
        known = ", ".join(suite_names())
        raise UserError(f"no expectation suite {name!r}; suites: {known}") from None


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def warehouse_modified_at(paths: Paths) -> dt.datetime | None:
    if not paths.warehouse_db.exists():
        return None
    return dt.datetime.fromtimestamp(os.stat(paths.warehouse_db).st_mtime, dt.UTC).replace(
        tzinfo=None
    )


def newest_raw_load(paths: Paths) -> dt.datetime | None:
    stamps = [
        json.loads(p.read_text(encoding="utf-8")).get("finished_at")
        for p in paths.ingest_log.glob("*.json")
    ] if paths.ingest_log.exists() else []  # fmt: skip
    stamps = [s for s in stamps if s]
    return dt.datetime.fromisoformat(max(stamps)) if stamps else None


def _outcome(suite: str, table: str, result) -> Outcome:
    config = result.expectation_config
    column = config.kwargs.get("column")
    label = config.description or config.type
    body = result.result or {}
    error = None
    if result.exception_info and result.exception_info.get("raised_exception"):
        error = (result.exception_info.get("exception_message") or "error")[:500]
    if config.type == "unexpected_rows_expectation":
        count = body.get("observed_value")
        sample = (body.get("details") or {}).get("unexpected_rows", [])[:SAMPLE_ROWS]
        observed = count
    else:
        count = body.get("unexpected_count")
        sample = body.get("partial_unexpected_list", [])[:SAMPLE_ROWS]
        observed = body.get("observed_value")
    return Outcome(
        suite=suite, table_name=table, expectation=label, column_name=column,
        severity=str(getattr(config.severity, "value", config.severity) or "critical"),
        success=bool(result.success), observed_value=observed, unexpected_count=count,
        sample=[_plain(row) for row in sample], error=error,
    )  # fmt: skip


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def run_checks(
    paths: Paths,
    suites: Iterable[str] | None = None,
    on_suite: Callable[[str], None] | None = None,
    full: bool = False,
) -> CheckRun:
    """Validate the chosen suites (default: all) inside DuckDB; record and return the run.
    A raw table's suite validates only what changed since it last passed, unless `full`
    (scorecard/quality/raw_scope.py).

    Great Expectations runs in a child process, as dbt does: its heavy imports and its
    DuckDB handles stay out of the caller (Dagster, tests), and DuckDB's shutdown noise
    about objects GX keeps alive stays in the child's stderr.
    """
    chosen = list(suites) if suites is not None else suite_names()
    for name in chosen:
        load_suite(name)  # unknown names fail here, with the list of suites
    reads_raw, reads_marts = _boundaries(chosen)
    if reads_marts and not paths.warehouse_db.exists():
        raise UserError(f"no warehouse at {paths.warehouse_db}: run `scorecard build` first")
    started = _utc_now()
    run_id = f"{started:%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}"
    command = [sys.executable, "-m", "scorecard.quality.worker", str(paths.home), run_id,
               "--full" if full else "--changed", *chosen]  # fmt: skip
    outcomes: list[Outcome] = []
    scopes: dict[str, str] = {}
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as child:  # fmt: skip
        for line in child.stdout or []:
            if not line.startswith("{"):
                continue  # a library printing to stdout; our messages are JSON objects
            message = json.loads(line)
            if "suite" in message:
                if message["scope"]:
                    scopes[message["suite"]] = message["scope"]
                if on_suite:
                    on_suite(message["suite"])
            if "outcome" in message:
                outcomes.append(Outcome(**message["outcome"]))
            if "user_error" in message:
                raise UserError(message["user_error"])
        stderr = child.stderr.read() if child.stderr else ""
    if child.returncode != 0:
        # DuckDB's nanobind prints leak notes at exit: they are never the error.
        last = [line for line in stderr.splitlines() if line.strip() and "nanobind" not in line
                and not line.startswith(" - ")]  # fmt: skip
        raise UserError(f"data-quality checks crashed: {last[-1] if last else child.returncode}")
    run = CheckRun(
        run_id=run_id, started_at=started, finished_at=_utc_now(), suites=chosen,
        outcomes=outcomes,
        warehouse_modified_at=warehouse_modified_at(paths) if reads_marts else None,
        raw_loaded_at=newest_raw_load(paths) if reads_raw else None, raw_scopes=scopes,
    )  # fmt: skip
    history.record(paths, run)
    write_quality_page(paths)  # the offline view of what was just recorded
    return run


def validate_suites(
    paths: Paths,
    run_id: str,
    chosen: list[str],
    on_suite: Callable[[str, str], None],
    full: bool = False,
) -> list[Outcome]:
    """The Great Expectations part, in this process: SQL pushed down to DuckDB.
    `on_suite(name, scope)`: scope says what of a raw table was validated."""
    import great_expectations as gx

    from scorecard.quality.gx_duckdb import close, open_project

    project = paths.home / "quality"  # GX validation results: the latest per suite
    project.mkdir(parents=True, exist_ok=True)
    checks_db = paths.tmp / "quality" / f"checks-{run_id}.duckdb"
    docs_scratch = paths.reports / f".data_docs-{run_id}"
    datasources = {}
    outcomes: list[Outcome] = []
    # One check at a time per home: the GX project's files and the docs are shared.
    with open(project / "gx.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        context = open_project(project, docs_scratch)
        try:
            # Hashed before the checks read anything: a batch landing meanwhile is not
            # recorded as validated, so the next run validates it.
            scopes = _raw_scopes(paths, chosen, full)
            reads_raw, reads_marts = _boundaries(chosen)
            if reads_raw:
                build_checks_database(paths, checks_db)
                datasources["raw"] = _datasource(context, "raw_zone", checks_db)
            if reads_marts:
                datasources["warehouse"] = _datasource(context, "warehouse", paths.warehouse_db)
            latest = history.latest_outcomes(paths) if scopes else {}
            passed = {}
            for name in chosen:
                scope = scopes.get(name)
                found = _carried_over(scope, latest.get(name))
                files = scope.new_files if scope and scope.new_files else None  # else whole
                on_suite(name, _scope_note(scope, found, files))
                if found is None:
                    found = _validate(gx, context, project, datasources, name, load_suite(name),
                                      files)  # fmt: skip
                if scope:
                    passed[name] = (scope, all(o.success for o in found))
                outcomes += found
            raw_scope.save_passed(paths, passed)
        finally:
            for source in datasources.values():
                close(source)
            checks_db.unlink(missing_ok=True)
            checks_db.with_suffix(".duckdb.wal").unlink(missing_ok=True)
        context.build_data_docs()
        _replace_dir(docs_scratch, paths.data_docs)
    return outcomes


def _raw_scopes(paths: Paths, chosen: list[str], full: bool) -> dict[str, raw_scope.Scope]:
    """What each raw table suite among `chosen` must validate (raw_scope)."""
    tables = [n for n in chosen if n.startswith("raw.") and n != "raw.load_health"]
    if not tables:
        return {}
    files, passed = raw_scope.raw_files(paths), raw_scope.load_passed(paths)
    return {n: raw_scope.scope(paths, load_suite(n), files, passed, full) for n in tables}


def _carried_over(scope: raw_scope.Scope | None, latest) -> list[Outcome] | None:
    """The last outcomes of a raw suite with nothing new to validate, if they all passed
    (they are about the same files); None: validate."""
    if scope and scope.unchanged and latest and all(o.success for o in latest[1]):
        return latest[1]
    return None


def _scope_note(scope, carried, files) -> str:
    if scope is None:
        return ""
    if carried is not None:
        return raw_scope.UNCHANGED
    return raw_scope.new_files_note(len(files)) if files else raw_scope.WHOLE_TABLE


def _datasource(context, name: str, database: Path):
    return context.data_sources.add_sql(
        name, connection_string=f"duckdb:///{database}",
        kwargs={"connect_args": {"read_only": True}},
    )  # fmt: skip


def _replace_dir(new: Path, target: Path) -> None:
    """Swap a freshly rendered site in; a reader may see a missing site for a moment."""
    old = target.with_name(f".{target.name}-old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def _validate(
    gx, context, project: Path, datasources: dict, name: str, suite_doc: dict,
    files: list[Path] | None = None,
) -> list[Outcome]:
    """Validate one suite; `files`: only these raw Parquet files of its table."""
    table = suite_doc["meta"]["table"]
    if name == "raw.load_health":
        source, relation = datasources["raw"], "quality.raw_loads"
    elif name.startswith("raw."):
        source, relation = datasources["raw"], name
    else:
        source, relation = datasources["warehouse"], table
    # A query asset, not a table asset: GX's column introspection ignores the schema of
    # a table asset on DuckDB and then fails every expectation.
    query = suite_doc["meta"].get("query") or f"select * from {relation}"
    if files:
        query = (f"select * from read_parquet([{', '.join(literal(str(f)) for f in files)}], "
                 "union_by_name = true)")  # fmt: skip
    batch_definition = source.add_query_asset(name, query=query).add_batch_definition_whole_table(
        "all"
    )
    suite = context.suites.add_or_update(
        gx.ExpectationSuite(
            name=name, expectations=suite_doc["expectations"], meta=suite_doc["meta"]
        )
    )
    # Data Docs show the latest result per suite; history is dq_results.
    shutil.rmtree(project / "validations" / name.replace(".", "/"), ignore_errors=True)
    validation = context.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=name, data=batch_definition, suite=suite)
    )
    result = validation.run(
        result_format={"result_format": "COMPLETE", "partial_unexpected_count": SAMPLE_ROWS}
    )
    return [_outcome(name, table, r) for r in result.results]
