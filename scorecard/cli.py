"""`scorecard`: the command-line tool for the whole pipeline."""

from __future__ import annotations

import collections
import datetime as dt
import json
import os
import time
from pathlib import Path
from typing import Annotated

import typer

from scorecard import __version__
from scorecard.console import console, progress_bar, say, user_errors
from scorecard.dagster_record import DagsterRecord, dagster_record
from scorecard.errors import UserError
from scorecard.paths import Paths
from scorecard.state import RunRecorder, new_run_id, read_last_run

# Plain click help (rich_markup_mode=None): flags show as switches, not `<bool>`, and
# help texts are never read as markup.
app = typer.Typer(
    rich_markup_mode=None,
    help="Scorecard Warehouse: ingest CRM, finance, survey and HR data; build fair scorecards.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"scorecard {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Scorecard Warehouse: ingest CRM, finance, survey and HR data; build fair scorecards."""


bench_app = typer.Typer(
    rich_markup_mode=None,
    help="Benchmarks (results belong in docs/benchmarks.md). Without a subcommand: the whole "
    "pipeline on one engine, stage by stage."
)
app.add_typer(bench_app, name="bench")

from scorecard.certification import commands as certification_commands  # noqa: E402

certification_commands.register(app)

HomeOption = Annotated[
    Path | None,
    typer.Option(
        "--home",
        envvar="SCORECARD_HOME",
        help="Data directory (default ./var).",
        show_default=False,
    ),
]
ScaleOption = Annotated[float, typer.Option(help="Company size: 1 is about 1,000 employees.")]
SCALE = 0.1  # the one default of every --scale (make demo's size: about 100 employees)
SeedOption = Annotated[int, typer.Option(help="Random seed: same seed, same files.")]


def _do_generate(out: Path, scale: float, seed: int, as_of: dt.date):
    from scorecard.generate import generate_company

    if scale <= 0:
        raise UserError(f"--scale must be positive, got {scale}")
    with progress_bar() as bar:
        task = bar.add_task("generate", total=None, item="")
        summary = generate_company(
            out, scale=scale, seed=seed, as_of=as_of,
            progress=lambda table, rows: bar.update(task, advance=1, item=f"{table} ({rows:,})"),
        )  # fmt: skip
    rows = sum(summary.rows.values())
    console.print(f"generated {len(summary.rows)} tables, {rows:,} rows into {out}")
    return summary


def _do_ingest(paths: Paths, landing: Path, mapping: Path | None, encoding: str | None,
               future_days: int, record: DagsterRecord | None = None):  # fmt: skip
    from scorecard.ingest import ingest

    with progress_bar() as bar:
        task = bar.add_task("ingest", total=None, item="")
        report = ingest(
            paths, landing, mapping_file=mapping, encoding=encoding, future_days=future_days,
            progress=lambda name, i, n: bar.update(task, completed=i - 1, total=n, item=name),
        )  # fmt: skip
    if record:
        record.ingested(report)
    for path in report.recovered:
        say(("recovered:", "yellow"), f" removed uncommitted batch {path}")
    if report.skipped:  # one line, not one per file: a re-run skips them all
        files = [file for file, _, _ in report.skipped]
        shown = ", ".join(files[:3]) + (f" and {len(files) - 3} more" if len(files) > 3 else "")
        console.print(f"skipped {len(files)} file(s) already loaded with the same content: {shown}")
    for name in report.unmapped:
        say(("ignored:", "yellow"), f" {name}: no mapping rule and not in the default layout")
    for record in report.rejected:
        say(("rejected:", "red"), f" {record.source_file} -> {record.table}: {record.error}")
    quarantined = sum(1 for r in report.loaded if r.rows_quarantined)
    console.print(
        f"ingested {len(report.loaded)} file(s): {report.rows_read:,} rows read = "
        f"{report.rows_loaded:,} loaded + {report.rows_quarantined:,} quarantined "
        + (f"+ {report.rows_filtered:,} left out by a mapping's where "
           if report.rows_filtered else "")
        + (f"+ {report.rows_collapsed:,} identical repeats collapsed "
           if report.rows_collapsed else "")
        + f"({quarantined} file(s) with quarantined rows, see {paths.quarantine}); "
        f"{len(report.skipped)} skipped, {len(report.rejected)} rejected"
    )
    return report


def _do_build(paths: Paths, unit_tests: str = "when-changed", record: DagsterRecord | None = None):
    from scorecard.build import build_warehouse, dbt_environment
    from scorecard.ingest.zone import RawZone

    # A batch an interrupted ingest left uncommitted must not reach the warehouse.
    for path in RawZone(paths).recover():
        say(("recovered:", "yellow"), f" removed uncommitted batch {path}")

    started = time.time()
    try:
        with progress_bar() as bar:
            task = bar.add_task("dbt build", total=None, item="")
            result = build_warehouse(
                paths,
                on_node=lambda name, total: bar.update(task, advance=1, item=name, total=total),
                unit_tests=unit_tests,
            )  # fmt: skip
    finally:  # what ran, also when a model or test failed
        if record:
            target = Path(dbt_environment(paths)["DBT_TARGET_PATH"])
            record.built(target / "run_results.json", started)
    skipped = " (unit tests skipped: code unchanged since they passed)"
    console.print(
        f"built the warehouse: {result.nodes} dbt nodes ok, {result.warnings} warning(s)"
        f"{skipped if result.unit_tests_skipped else ''}: {paths.warehouse_db}"
    )
    return result


def _do_check(paths: Paths, boundary: str | None = None, full: bool = False,
              record: DagsterRecord | None = None):  # fmt: skip
    """Run the expectation suites of one boundary ('raw', 'marts') or all; critical fails stop."""
    from scorecard.quality import run_checks, suite_names

    chosen = suite_names(boundary)
    with progress_bar() as bar:
        task = bar.add_task("expectations", total=len(chosen), item="")
        run = run_checks(paths, chosen, on_suite=lambda s: bar.update(task, advance=1, item=s),
                         full=full)  # fmt: skip
    if record:  # before a refusal: failed checks are recorded too
        record.checked(run)
    for outcome in run.warnings:  # critical failures: in the refusal below
        say(("failed:", "yellow"), " " + outcome.describe())
    console.print(
        f"checked {len(run.outcomes)} expectations in {len(chosen)} suites in {run.seconds:.1f} s: "
        f"{len(run.blocking)} critical failure(s), {len(run.warnings)} warning(s) "
        f"(history: {paths.quality_db}, run {run.run_id})"
    )
    if run.raw_scopes:
        from scorecard.quality.raw_scope import UNCHANGED, WHOLE_TABLE

        kinds = collections.Counter(run.raw_scopes.values())
        whole, unchanged = kinds[WHOLE_TABLE], kinds[UNCHANGED]
        console.print(
            f"raw tables: {whole} validated whole, {len(run.raw_scopes) - whole - unchanged} "
            f"on their new files only, {unchanged} unchanged since their suite last passed "
            "(`scorecard check --full` validates every file again)"
        )
    if run.blocking:
        from scorecard.quality.history import failure_fix
        from scorecard.refusals import Cause, refusal

        raise refusal(
            f"{len(run.blocking)} critical expectation(s) failed, which blocks publishing and "
            "certification",
            [Cause(o.describe(), failure_fix(o.suite),
                   group=f"failures of \"{o.expectation}\"",
                   subject=o.table_name + (f".{o.column_name}" if o.column_name else ""))
             for o in run.blocking],
        )  # fmt: skip
    return run


def _do_publish(paths: Paths, record: DagsterRecord | None = None):
    from scorecard.publish import publish
    from scorecard.quality import blockers, suite_names

    # BI only ever sees marts whose checks ran after they were built and passed.
    found = blockers(paths, suite_names("marts"))
    if found:
        from scorecard.refusals import refusal

        raise refusal("not publishing", found)

    with console.status("publishing the marts"):
        publication = publish(paths)
    if record:
        record.published(publication)
    rows = sum(publication.tables.values())
    console.print(
        f"published {len(publication.tables)} marts ({rows:,} rows) as "
        f"{publication.publication_id}: {publication.serving_db} and {publication.parquet_dir}"
    )
    _warn_unconverted(publication.serving_db)
    return publication


def _warn_unconverted(serving_db: Path) -> None:
    """Amounts without an FX rate, loudly: a currency nobody converts is never a zero."""
    from scorecard.coverage import read_unconverted

    for found in read_unconverted(serving_db):
        say(("warning: " + found.warning(), "yellow"))


def _do_report(paths: Paths, quarter: str | None, out: Path | None, audience: str,
               team: str | None = None,
               record: DagsterRecord | None = None):  # fmt: skip
    from scorecard.report import write_report

    with console.status("writing the scorecard report"):
        result = write_report(paths, quarter, out, audience, team)
    scope = f", team {team}" if team else ""
    # the company report Dagster's quarterly asset writes
    if record and out is None and audience == "bi" and team is None:
        record.reported(result)
    console.print(
        f"report {result.quarter} ({audience}{scope}): {result.employees} employees, "
        f"{result.scorecards} scorecards, {result.explanations} explanations, "
        f"{result.size_bytes / 2**20:.1f} MiB in {result.seconds:.1f} s: {result.path}"
    )
    if result.explanations_unavailable:
        say(("explanations left out:", "yellow"), f" {result.explanations_unavailable}")
    return result


@app.command()
def generate(
    home: HomeOption = None,
    scale: ScaleOption = SCALE,
    seed: SeedOption = 42,
    out: Annotated[Path | None, typer.Option(help="Landing directory to write.")] = None,
    as_of: Annotated[str, typer.Option(help="Last day of the generated history.")] = "2026-09-30",
) -> None:
    """Write a realistic, deterministic demo company as landing files."""
    with user_errors():
        try:
            as_of_date = dt.date.fromisoformat(as_of)
        except ValueError as exc:
            raise UserError(f"--as-of must be a date like 2026-09-30, got {as_of!r}") from exc
        _do_generate(out or Paths.from_env(home).landing, scale, seed, as_of_date)


@app.command("ingest")
def ingest_command(
    home: HomeOption = None,
    landing: Annotated[Path | None, typer.Option(help="Directory of landing files.")] = None,
    mapping: Annotated[Path | None, typer.Option(help="Source mapping YAML.")] = None,
    encoding: Annotated[str | None, typer.Option(help="Encoding of CSV files.")] = None,
    future_days: Annotated[int, typer.Option(help="Tolerance for future dates.")] = 1,
) -> None:
    """Validate landing files into the raw zone; reject rows to quarantine with reasons."""
    with user_errors():
        paths = Paths.from_env(home)
        recorder = RunRecorder(paths, "ingest")
        with dagster_record(paths, "ingest", recorder.run_id) as dagster:
            with recorder.step("ingest") as step:
                report = _do_ingest(paths, landing or paths.landing, mapping, encoding,
                                    future_days, dagster)  # fmt: skip
                step.detail = f"{report.rows_loaded} loaded, {report.rows_quarantined} quarantined"
            recorder.succeed()
        if report.rejected:
            raise typer.Exit(2)


@app.command()
def build(
    home: HomeOption = None,
    all_unit_tests: Annotated[
        bool,
        typer.Option(
            "--all-unit-tests",
            help="Run the dbt unit tests even if the code is unchanged since they last passed.",
        ),
    ] = False,
) -> None:
    """Build the warehouse with dbt (models and tests), then publish the marts for BI."""
    from scorecard.settings import file_settings

    with user_errors():
        paths = Paths.from_env(home)
        file_settings(paths)  # a bad settings file stops the build before anything runs
        recorder = RunRecorder(paths, "build")
        with dagster_record(paths, "build", recorder.run_id) as dagster:
            with recorder.step("raw checks"):
                _do_check(paths, "raw", record=dagster)
            with recorder.step("dbt build"):
                _do_build(paths, "always" if all_unit_tests else "when-changed", dagster)
            with recorder.step("mart checks"):
                _do_check(paths, "marts", record=dagster)
            with recorder.step("publish"):
                _do_publish(paths, dagster)
            recorder.succeed()


@app.command()
def check(
    home: HomeOption = None,
    boundary: Annotated[
        str | None, typer.Option(help="Only the raw zone ('raw') or the marts ('marts').",
                     metavar="[raw|marts]")
    ] = None,
    full: Annotated[
        bool,
        typer.Option(help="Validate every raw file, not only those added since a suite passed."),
    ] = False,
) -> None:
    """Run the Great Expectations suites; exit 1 when a critical expectation fails."""
    with user_errors():
        if boundary not in (None, "raw", "marts"):
            raise UserError(f"--boundary must be raw or marts, got {boundary!r}")
        paths = Paths.from_env(home)
        recorder = RunRecorder(paths, "check")
        with dagster_record(paths, "check", recorder.run_id) as dagster:
            with recorder.step("checks"):
                _do_check(paths, boundary, full, dagster)
            recorder.succeed()


@app.command()
def expectations(
    check_only: Annotated[
        bool, typer.Option("--check", help="Only check that they are current.")
    ] = False,
) -> None:
    """Regenerate the raw-zone expectation suites (expectations/raw) from the data contract."""
    from scorecard.quality import raw_suites

    with user_errors():
        if check_only:
            stale = raw_suites.stale_files()
            if stale:
                raise UserError(f"{len(stale)} raw suite file(s) stale, e.g. {stale[0]}: "
                                "run `scorecard expectations`")  # fmt: skip
            typer.echo("expectations/raw is current")
            return
        typer.echo(f"wrote {len(raw_suites.write_suites())} suites to {raw_suites.RAW_DIR}")


def _do_publish_postgres(paths: Paths, connection):
    from scorecard.publish_postgres import publish_postgres

    with console.status(f"publishing the marts to PostgreSQL {connection!r}"):
        publication = publish_postgres(paths, connection)
    certified = "with" if publication.certified_included else "without (no certification store)"
    console.print(
        f"published {len(publication.marts)} tables to schema marts and "
        f"{len(publication.hr)} to schema hr {certified} certified results, database "
        f"{publication.database}; roles scorecard_bi (marts) and scorecard_hr (marts, hr)"
    )
    if publication.manager_scope_rows is None:
        console.print("[yellow]no manager hierarchy published (dim_employees, dim_periods):[/] "
                      "scorecard_manager logins see nothing")  # fmt: skip
    else:
        console.print(
            f"scorecard_manager: their own people's rows of {len(publication.manager_tables)} "
            f"tables (row-level security; {publication.manager_scope_rows:,} manager-employee-"
            "quarter rows in marts.manager_scope); `scorecard pg-access list` shows the logins"
        )
    if publication.schemas_left:
        console.print(f"still read, dropped next time: {', '.join(publication.schemas_left)}")
    return publication


def _pg_option(variable: str, help_text: str):
    return typer.Option(envvar=variable, show_default=False, help=help_text)


PgHostOption = Annotated[str | None, _pg_option("SCORECARD_PG_HOST", "PostgreSQL host.")]
PgPortOption = Annotated[int | None, _pg_option("SCORECARD_PG_PORT", "PostgreSQL port.")]
PgUserOption = Annotated[str | None, _pg_option("SCORECARD_PG_USER", "PostgreSQL user.")]
PgDatabaseOption = Annotated[
    str | None, _pg_option("SCORECARD_PG_DATABASE", "PostgreSQL database (scorecard).")
]


@app.command("publish")
def publish_command(
    home: HomeOption = None,
    target: Annotated[
        str, typer.Option(help="duckdb: serving file + Parquet; postgres: a PostgreSQL database.")
    ] = "duckdb",
    host: PgHostOption = None,
    port: PgPortOption = None,
    user: PgUserOption = None,
    database: PgDatabaseOption = None,
) -> None:
    """Publish the built marts again: serving DuckDB swapped in atomically, plus Parquet.

    With --target postgres, copy the last DuckDB publication and the HR tables into a
    PostgreSQL database (schemas marts and hr swapped in atomically; roles scorecard_bi
    and scorecard_hr). The password comes from SCORECARD_PG_PASSWORD or PGPASSWORD only.
    """
    with user_errors():
        if target not in ("duckdb", "postgres"):
            raise UserError(f"--target must be duckdb or postgres, got {target!r}")
        paths = Paths.from_env(home)
        recorder = RunRecorder(paths, "publish")
        with dagster_record(paths, "publish", recorder.run_id) as dagster:
            with recorder.step(f"publish ({target})"):
                if target == "postgres":  # no Dagster asset: nothing to record
                    from scorecard.pg import PgConnection

                    connection = PgConnection.from_environment(host, port, user, database)
                    _do_publish_postgres(paths, connection)
                else:
                    _do_publish(paths, dagster)
            recorder.succeed()


pg_access_app = typer.Typer(
    help="Who reads what on the PostgreSQL serving database: manager logins that see their "
    "own people only (row-level security, docs/bi.md)."
)
app.add_typer(pg_access_app, name="pg-access")
LoginOption = Annotated[str, typer.Option(help="The manager's PostgreSQL login role.")]


def _manager_line(m) -> str:
    people = (
        f"{m.people_latest_quarter} people in {m.latest_quarter}"
        if m.people_latest_quarter is not None else "people: not published yet"
    )  # fmt: skip
    notes = []
    if not m.login_exists:
        notes.append("login dropped: sees nothing; revoke-manager removes the mapping")
    elif not m.is_manager_member:
        notes.append("not a member of scorecard_manager: sees nothing")
    if m.sees_everything:
        notes.append(f"{m.sees_everything}: sees every row, the mapping restricts nothing")
    warning = f" [{'; '.join(notes)}]" if notes else ""
    return (f"{m.login:20} {m.manager_employee_id:12} {people:24} granted {m.granted_at} by "
            f"{m.granted_by}{warning}")  # fmt: skip


@pg_access_app.command("grant-manager")
def grant_manager_command(
    login: LoginOption,
    employee: Annotated[
        str, typer.Option(help="The manager's employee id (manager_employee_id), e.g. E-00027.")
    ],
    host: PgHostOption = None,
    port: PgPortOption = None,
    user: PgUserOption = None,
    database: PgDatabaseOption = None,
) -> None:
    """Let a login see the people EMPLOYEE manages, directly or below, quarter by quarter.

    The login must exist and must not be a member of scorecard_bi or scorecard_hr (they
    see every row). A login may be mapped to several managers (interim cover).
    """
    from scorecard.pg import PgConnection
    from scorecard.pg_access import grant_manager

    with user_errors():
        connection = PgConnection.from_environment(host, port, user, database)
        mappings = grant_manager(connection, login, employee)
    typer.echo(f"{login} is a member of scorecard_manager and sees the people of:")
    for mapping in mappings:
        typer.echo("  " + _manager_line(mapping))


@pg_access_app.command("revoke-manager")
def revoke_manager_command(
    login: LoginOption,
    employee: Annotated[
        str | None, typer.Option(help="Only this mapping (default: all of the login's).")
    ] = None,
    host: PgHostOption = None,
    port: PgPortOption = None,
    user: PgUserOption = None,
    database: PgDatabaseOption = None,
) -> None:
    """Remove a login's manager mappings (or one); with none left it leaves scorecard_manager."""
    from scorecard.pg import PgConnection
    from scorecard.pg_access import revoke_manager

    with user_errors():
        connection = PgConnection.from_environment(host, port, user, database)
        removed, left = revoke_manager(connection, login, employee)
    typer.echo(f"removed {removed} mapping(s) of {login}")
    if left:
        typer.echo("still sees the people of:")
        for mapping in left:
            typer.echo("  " + _manager_line(mapping))
    else:
        typer.echo(f"{login} has no manager mapping left and is no member of scorecard_manager")


@pg_access_app.command("list")
def list_managers_command(
    host: PgHostOption = None,
    port: PgPortOption = None,
    user: PgUserOption = None,
    database: PgDatabaseOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Every manager login, its employee id and how many people it sees now."""
    from dataclasses import asdict

    from scorecard.pg import PgConnection
    from scorecard.pg_access import list_managers

    with user_errors():
        mappings = list_managers(PgConnection.from_environment(host, port, user, database))
    if as_json:
        typer.echo(json.dumps([asdict(m) for m in mappings], indent=2))
        return
    if not mappings:
        typer.echo("no manager logins (scorecard pg-access grant-manager --login L --employee E)")
    for mapping in mappings:
        typer.echo(_manager_line(mapping))


@app.command()
def demo(home: HomeOption = None, scale: ScaleOption = SCALE, seed: SeedOption = 42) -> None:
    """Generate a demo company, ingest it, build and publish (what `make demo` runs)."""
    from scorecard.settings import file_settings

    with user_errors():
        paths = Paths.from_env(home)
        file_settings(paths)  # a bad settings file stops the demo before anything runs
        recorder = RunRecorder(paths, "demo")
        with dagster_record(paths, "demo", recorder.run_id) as dagster:
            with recorder.step("generate"):
                _do_generate(paths.landing, scale, seed, dt.date(2026, 9, 30))
            with recorder.step("ingest") as step:
                report = _do_ingest(paths, paths.landing, None, None, 1, dagster)
                step.detail = f"{report.rows_loaded} loaded, {report.rows_quarantined} quarantined"
            with recorder.step("raw checks"):
                _do_check(paths, "raw", record=dagster)
            with recorder.step("dbt build"):
                _do_build(paths, record=dagster)
            with recorder.step("mart checks"):
                _do_check(paths, "marts", record=dagster)
            with recorder.step("publish"):
                _do_publish(paths, dagster)
            with recorder.step("report"):
                _do_report(paths, None, None, "bi", record=dagster)
            recorder.succeed()
        say(("demo ready.", "green"), f" warehouse: {paths.warehouse_db}")
        console.print(f"BI reads: {paths.serving_db} (DuckDB) and {paths.parquet} (Parquet)")
        console.print(f"raw zone: {paths.raw}  quarantine: {paths.quarantine}")
        console.print("next: `scorecard status --json`")


@app.command()
def status(
    home: HomeOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Where the warehouse, serving database, Parquet output and report are; the last run."""
    paths = Paths.from_env(home)
    with user_errors():
        if not paths.home.is_dir():
            raise UserError(f"no data home at {paths.home}: run `scorecard demo` (a demo "
                            "company) or `scorecard ingest` first, or give --home")  # fmt: skip
    reports = sorted(paths.reports.glob("scorecard-*.html")) if paths.reports.exists() else []
    quality_page = paths.reports / "quality.html"
    info = {
        "version": __version__,
        "home": str(paths.home),
        "warehouse": str(paths.warehouse_db),
        "serving_database": str(paths.serving_db),
        "parquet": str(paths.parquet),
        "last_report": str(reports[-1]) if reports else None,
        "data_docs": str(paths.data_docs / "index.html") if paths.data_docs.exists() else None,
        "quality_page": str(quality_page) if quality_page.exists() else None,
        "quality_history": str(paths.quality_db),
        "raw_zone": str(paths.raw),
        "quarantine": str(paths.quarantine),
        "last_run": read_last_run(paths),
    }
    if as_json:
        info["coverage"] = _coverage_summary(paths)
        typer.echo(json.dumps(info, indent=2, default=str))
        return
    for key, value in info.items():
        if key != "last_run":
            typer.echo(f"{key:17} {value}")
    run = info["last_run"]
    typer.echo(f"{'last run':17} " + (f"{run['command']}: {run['status']}" if run else "none"))


def _coverage_summary(paths: Paths) -> dict | None:
    """Per quarter: indicator sources not delivered, scorecards by status (None before
    the first publication)."""
    from scorecard.coverage import read_coverage

    try:
        return read_coverage(paths.serving_db).summary()
    except UserError:
        return None


@app.command()
def coverage(
    quarter: Annotated[str | None, typer.Option(help="One fiscal quarter, e.g. 2017-Q2.")] = None,
    home: HomeOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """What was delivered per source table and quarter, and the share of each role
    template's weight that can be measured with it (docs/coverage.md)."""
    from scorecard.coverage import read_coverage, read_unconverted

    with user_errors():
        serving_db = Paths.from_env(home).serving_db
        found = read_coverage(serving_db, quarter)
    unconverted = read_unconverted(serving_db)
    if as_json:
        summary = {"quarters": found.summary(), "unconverted_amounts": [
            {**u.__dict__, "first_date": str(u.first_date), "last_date": str(u.last_date)}
            for u in unconverted]}  # fmt: skip
        typer.echo(json.dumps(summary, indent=2))
        return
    for amounts in unconverted:
        typer.echo("warning: " + amounts.warning())
    for fiscal_quarter in sorted({row.fiscal_quarter for row in found.sources}):
        statuses = found.statuses.get(fiscal_quarter, {})
        counted = ", ".join(f"{n} {status}" for status, n in sorted(statuses.items()))
        typer.echo(f"{fiscal_quarter}  scorecards: {counted or 'none'}")
        typer.echo(f"  {'source table':30} {'rows':>9}  {'first event':11}  {'last event':11}  "
                   "coverage")  # fmt: skip
        for row in (r for r in found.sources if r.fiscal_quarter == fiscal_quarter):
            if not row.is_delivered and not row.is_indicator_source:
                continue
            coverage_text = row.coverage_status if row.is_delivered else "not delivered"
            typer.echo(f"  {row.source_table:30} {row.row_count:>9,}  "
                       f"{str(row.first_event_date or '-'):11}  "
                       f"{str(row.last_event_date or '-'):11}  {coverage_text}")  # fmt: skip
        for row in (r for r in found.templates if r.fiscal_quarter == fiscal_quarter):
            missing = f" (not measured: {row.not_measured})" if row.not_measured else ""
            typer.echo(f"  role {row.role_code}: {row.measurable_weight:.0%} of the template's "
                       f"weight measurable{missing}")  # fmt: skip


@app.command("settings")
def settings_command(
    home: HomeOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Every setting of this home: its value and where it comes from (<home>/settings.yml
    or the default in dbt_project.yml)."""
    from scorecard.settings import effective

    with user_errors():
        paths = Paths.from_env(home)
        settings = effective(paths)
    salt_set = bool(os.environ.get("SCORECARD_PSEUDONYM_SALT"))
    if as_json:
        typer.echo(json.dumps({
            "file": str(paths.settings_file),
            "settings": {name: {"value": s.value, "origin": s.origin}
                         for name, s in settings.items()},
            "pseudonym_salt_from_environment": salt_set,
        }, indent=2))  # fmt: skip
        return
    present = "" if paths.settings_file.exists() else " (absent: every setting is its default)"
    typer.echo(f"settings file: {paths.settings_file}{present}")
    for name, setting in settings.items():
        typer.echo(f"{name:27} {_setting_text(setting.value):24} {setting.origin}")
    typer.echo("pseudonym salt: " + ("from SCORECARD_PSEUDONYM_SALT" if salt_set else
               "SCORECARD_PSEUDONYM_SALT is not set (the development salt)"))  # fmt: skip


def _setting_text(value: object) -> str:
    """A value as it is written in settings.yml."""
    if isinstance(value, list):
        return "[" + ", ".join(map(_setting_text, value)) + "]"
    return json.dumps(value) if value is None or isinstance(value, bool) else str(value)


@app.command("contract-docs")
def contract_docs(
    check: Annotated[bool, typer.Option(help="Only check that the doc is current.")] = False,
) -> None:
    """Regenerate docs/data-contract.md from the dbt sources files."""
    from scorecard import contract_docs as docs

    with user_errors():
        if check:
            if not docs.is_current():
                raise UserError(f"{docs.DOC_PATH} is stale: run `scorecard contract-docs`")
            typer.echo("docs/data-contract.md is current")
            return
        typer.echo(f"wrote {docs.write()}")


@bench_app.command("ingest")
def bench_ingest_command(scale: ScaleOption = SCALE, seed: SeedOption = 42) -> None:
    """Time ingestion of a generated company: rows/s and peak memory."""
    from scorecard.bench import bench_ingest

    result = bench_ingest(scale, seed)
    typer.echo(
        f"scale {result.scale}: {result.files} files, {result.rows:,} rows in "
        f"{result.seconds:.1f} s = {result.rows_per_second:,.0f} rows/s, "
        f"peak RSS {result.peak_rss_mb:.0f} MB ({result.machine}, {dt.date.today()})"
    )


@bench_app.command("queries")
def bench_queries_command(
    home: HomeOption = None,
    runs: Annotated[int, typer.Option(help="Timed runs of each query.")] = 50,
) -> None:
    """Time the dashboard queries of docs/bi.md on the serving database: p50/p95 per query."""
    from scorecard.bench import machine_description
    from scorecard.bench_queries import bench_queries

    with user_errors():
        result = bench_queries(Paths.from_env(home).serving_db, runs)
    typer.echo(
        f"{result.serving_db}: {result.scorecards:,} scorecards; connect "
        f"{result.connect_ms:.1f} ms; {result.runs} runs per query "
        f"({machine_description()}, {dt.date.today()})"
    )
    for t in result.timings:
        typer.echo(f"  p50 {t.p50_ms:7.1f} ms  p95 {t.p95_ms:7.1f} ms  max {t.max_ms:7.1f} ms  "
                   f"cpu p50 {t.cpu_p50_ms:6.1f} ms  {t.rows:>6} rows  {t.title}")  # fmt: skip
    typer.echo(f"worst p95 {result.worst_p95_ms:.1f} ms")


@bench_app.command("build")
def bench_build_command(scale: ScaleOption = SCALE, seed: SeedOption = 42) -> None:
    """Time `dbt build` on a generated company against a scan floor over the raw zone."""
    from scorecard.bench import bench_build

    with user_errors():
        result = bench_build(scale, seed)
    typer.echo(
        f"scale {result.scale}: {result.raw_rows:,} raw rows, "
        f"dbt build {result.build_seconds:.1f} s "
        f"({result.nodes} nodes), scan floor {result.scan_floor_seconds:.2f} s, "
        f"ratio {result.ratio_to_scan_floor:.1f}x ({result.machine}, {dt.date.today()})"
    )
    node_seconds = ", ".join(f"{k} {v:.1f} s" for k, v in sorted(result.seconds_by_kind.items()))
    typer.echo(f"time inside dbt nodes (2 threads, summed): {node_seconds}")
    typer.echo(
        f"expectations: {result.expectations} in {result.raw_checks_seconds:.1f} s (raw) + "
        f"{result.mart_checks_seconds:.1f} s (marts) = {result.checks_share_of_build:.0%} of "
        "the dbt build (goal: at most 20%)"
    )
    typer.echo(
        f"CPU seconds (child processes): dbt build {result.build_cpu_seconds:.1f}, "
        f"expectations {result.checks_cpu_seconds:.1f} "
        f"({result.checks_cpu_seconds / max(result.build_cpu_seconds, 1e-9):.0%})"
    )


EngineOption = Annotated[
    str, typer.Option(help="duckdb, postgres or spark.", metavar="[duckdb|postgres|spark]")
]


@bench_app.callback(invoke_without_command=True)
def bench_pipeline_command(
    ctx: typer.Context, scale: ScaleOption = SCALE, engine: EngineOption = "duckdb",
    seed: SeedOption = 42,
    skip_unit_tests: Annotated[
        bool, typer.Option(help="Build with --exclude test_type:unit (a fixed cost, not data).")
    ] = False,
) -> None:  # fmt: skip
    """Without a subcommand: the whole pipeline on one engine, per stage (wall time, rows/s,
    peak memory) and the build against the scan floor."""
    if ctx.invoked_subcommand is not None:
        return
    from scorecard.bench_pipeline import bench_pipeline

    with user_errors():
        result = bench_pipeline(
            scale, engine, seed, say=lambda stage: typer.echo(f"{stage}...", err=True),
            build_args=["--exclude", "test_type:unit"] if skip_unit_tests else [],
        )  # fmt: skip
    typer.echo(f"scale {result.scale} on {result.engine} ({result.machine}, {dt.date.today()})")
    for s in result.stages:
        note = f"  ({s.note})" if s.note else ""
        typer.echo(
            f"  {s.stage:<9} {s.seconds:8.1f} s  {s.rows:>12,} rows  "
            f"{s.rows_per_second:>11,.0f} rows/s  peak {s.peak_rss_mb:7,.0f} MB{note}"
        )
    typer.echo(f"  {'total':<9} {result.total_seconds:8.1f} s")
    node_seconds = ", ".join(f"{k} {v:.1f} s" for k, v in sorted(result.seconds_by_kind.items()))
    typer.echo(f"dbt: {result.nodes} nodes; inside nodes (summed over threads): {node_seconds}")
    typer.echo(f"scan floor {result.scan_floor_seconds:.2f} s; build / scan floor = "
               f"{result.build_ratio_to_scan_floor:,.0f}x")  # fmt: skip


@bench_app.command("incremental")
def bench_incremental_command(
    scale: ScaleOption = SCALE,
    seed: SeedOption = 42,
    skip_unit_tests: Annotated[
        bool, typer.Option(help="Build with --exclude test_type:unit (both builds).")
    ] = False,
) -> None:
    """Refreshes of one new day of data, two days running, against a full build (goal: at
    most 10%)."""
    from scorecard.bench_incremental import bench_incremental

    extra = ["--exclude", "test_type:unit"] if skip_unit_tests else []
    with user_errors():
        r = bench_incremental(scale, seed, extra)
    typer.echo(f"scale {r.scale} ({r.machine}, {dt.date.today()}), build date {r.as_of}: "
               f"full build {r.full_build_seconds:.1f} s")  # fmt: skip
    _echo_steps("  inside nodes, full build", r.full_seconds_by_kind)
    _echo_steps("  pipeline, a rebuild from the raw zone", r.full_pipeline, total=True)
    for index, day in enumerate(r.days):
        label = "after the full build" if index == 0 else "after the day before's refresh"
        typer.echo(
            f"{day.day}, {label}: {day.increment_rows:,} rows; refresh {day.refresh_seconds:.1f} s "
            f"({day.nodes} nodes) = {r.refresh_share(day):.1%} of the full build (goal: at most "
            f"10%); refresh date {day.refresh_from or 'none (whole history)'}"
        )
        _echo_steps("  inside nodes", day.seconds_by_kind)
        _echo_steps("  pipeline", day.pipeline, total=True)
        typer.echo(f"  the day's run takes {r.pipeline_share(day):.1%} of a rebuild")
    typer.echo(f"slowest nodes of the refresh of {r.days[-1].day}:")
    for node, seconds in r.days[-1].slowest:
        typer.echo(f"  {seconds:6.1f} s  {node}")


def _echo_steps(label: str, seconds: dict[str, float], total: bool = False) -> None:
    line = ", ".join(f"{k} {v:.1f} s" for k, v in seconds.items())
    typer.echo(f"{label}: {line}" + (f" = {sum(seconds.values()):.1f} s" if total else ""))


@app.command()
def report(
    quarter: Annotated[
        str | None, typer.Option(help="Fiscal quarter, e.g. 2026-Q3 (default: the latest).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="HTML file (default <home>/reports/scorecard-Q.html).")
    ] = None,
    audience: Annotated[
        str, typer.Option(help="bi (ids only) or hr (with names).", metavar="[bi|hr]")
    ] = "bi",
    team: Annotated[
        str | None,
        typer.Option(help="Only this team's people, e.g. T-001 (default file scorecard-Q-T.html)."),
    ] = None,
    home: HomeOption = None,
) -> None:
    """Write a quarter's scorecards as one self-contained, offline HTML report."""
    with user_errors():
        paths = Paths.from_env(home)
        with dagster_record(paths, "report", new_run_id()) as dagster:
            _do_report(paths, quarter, out, audience, team, dagster)


@app.command()
def docs(
    home: HomeOption = None,
    serve: Annotated[
        bool, typer.Option("--serve", help="Also serve the site on 127.0.0.1.")
    ] = False,
    port: Annotated[int, typer.Option(help="Port for --serve (0: any free port).")] = 8080,
) -> None:
    """Lineage of sources, models and exposures (dbt docs), readable offline."""
    from scorecard import dbt_docs

    with user_errors():
        with console.status("dbt docs generate"):
            site = dbt_docs.generate_docs(Paths.from_env(home))
        typer.echo(f"docs site: {site.static_index}")
        typer.echo("  open that file in a browser (one file, works offline from file://)")
        if not serve:
            typer.echo("  or run `scorecard docs --serve` to serve the site on 127.0.0.1")
            return
        dbt_docs.serve(site, port, lambda url: typer.echo(f"serving {site.folder} at {url} "
                                                          "(Ctrl-C stops)"))  # fmt: skip


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def metrics(ctx: typer.Context, home: HomeOption = None) -> None:
    """MetricFlow on this home's warehouse: `scorecard metrics query --metrics M --group-by D`."""
    from scorecard.semantic import run_metricflow

    with user_errors():
        if not ctx.args:
            raise UserError("give mf arguments, e.g. `scorecard metrics list metrics`")
        done = run_metricflow(Paths.from_env(home), ctx.args)
    typer.echo(done.stdout, nl=False)
    typer.echo(done.stderr, err=True, nl=False)
    raise typer.Exit(done.returncode)


@app.command()
def replay(
    quarter: Annotated[str, typer.Option(help="Fiscal quarter to replay, e.g. 2026-Q1.")],
    definitions_at: Annotated[
        str, typer.Option(help="A date (definitions in force then) or a git ref (seeds then).")
    ],
    home: HomeOption = None,
    limit: Annotated[int, typer.Option(help="Changed scorecards to print.")] = 20,
) -> None:
    """Recompute a past quarter with other definitions; print and write the diff."""
    from rich.table import Table

    from scorecard.replay import replay as run_replay

    with user_errors():
        paths = Paths.from_env(home)
        with console.status(f"replaying {quarter} with definitions at {definitions_at}"):
            result = run_replay(paths, quarter, definitions_at)
    changed = sorted(result.changed, key=lambda c: -abs(c.score_change or 0))
    table = Table(title=f"{quarter}: definitions at {definitions_at} vs the warehouse")
    for column in ("employee", "role", "score", "band", "rank in role"):
        table.add_column(column)
    for c in changed[:limit]:
        table.add_row(
            c.employee_id, c.role_code,
            f"{c.score_before} -> {c.score_after} ({c.score_change:+})"
            if c.score_change is not None else f"{c.score_before} -> {c.score_after}",
            f"{c.band_before} -> {c.band_after}", f"{c.rank_before} -> {c.rank_after}",
        )  # fmt: skip
    console.print(table)
    typer.echo(
        f"{len(changed)} of {len(result.changes)} scorecards changed; diff written to "
        f"{result.output}"
    )


@app.command()
def explain(
    employee: Annotated[str, typer.Option(help="Employee id, e.g. E-00004.")],
    quarter: Annotated[str, typer.Option(help="Fiscal quarter, e.g. 2026-Q3.")],
    indicator: Annotated[
        str | None, typer.Option(help="One indicator line, with its source rows.")
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", help="text or json.", metavar="[text|json]")
    ] = "text",
    limit: Annotated[int, typer.Option(help="Source rows to list.")] = 20,
    audience: Annotated[
        str, typer.Option(help="bi (ids only) or hr (with names).", metavar="[bi|hr]")
    ] = "bi",
    detail: Annotated[
        bool, typer.Option("--detail", help="Also ratio parts, ids, hashes and batch ids.")
    ] = False,
    home: HomeOption = None,
) -> None:
    """Explain a score in plain words: what was counted, targets, points, next band."""
    from scorecard.explain import Request, render_text
    from scorecard.explain import explain as run_explain

    with user_errors():
        if output_format not in ("text", "json"):
            raise UserError(f"--format must be text or json, got {output_format!r}")
        result = run_explain(
            Paths.from_env(home), Request(employee, quarter, indicator, limit, audience)
        )
    if output_format == "json":
        typer.echo(json.dumps(result, indent=2, default=str))
    else:
        typer.echo("\n".join(render_text(result, detail)))
