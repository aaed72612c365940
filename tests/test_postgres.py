"""PostgreSQL: the throwaway server, the raw-zone load, and publishing with roles."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
import threading
import time
from contextlib import closing
from pathlib import Path

import duckdb
import psycopg2
import pytest
from psycopg2 import errors

from scorecard import pgserver
from scorecard.bench_queries import BI_DOC
from scorecard.engines.compare import compare_rows
from scorecard.engines.postgres import load_raw
from scorecard.errors import UserError
from scorecard.ingest import ingest
from scorecard.paths import Paths
from scorecard.pg import PgConnection
from scorecard.publish import publish
from scorecard.publish_postgres import BI_ROLE, HR_ROLE, publish_postgres
from tests.conftest import EMPLOYEES, copy_home, raw_rows, write
from tests.pg_support import require_postgres

TODAY = dt.date(2026, 11, 22)


def _rows(connection: PgConnection, sql: str, parameters: tuple = ()) -> list[tuple]:
    with closing(connection.connect()) as con, con.cursor() as cursor:
        cursor.execute(sql, parameters or None)  # None: a literal % is not a placeholder
        return cursor.fetchall()


def _login(server: PgConnection, name: str, role: str | None) -> PgConnection:
    """A login user (a person or a BI tool's service account), member of `role`."""
    password = f"pw-{name}"
    membership = f" in role {role}" if role else ""
    with closing(server.connect()) as con, con.cursor() as cursor:
        con.autocommit = True
        cursor.execute(f"create role {name} login password %s{membership}", (password,))
    return server.as_user(name, password)


# -- the server ---------------------------------------------------------------------------


def test_temporary_server_serves_then_disappears():
    require_postgres()
    parent = Path(tempfile.mkdtemp(prefix="scorecard-pgtest-"))
    parent.chmod(0o755)  # the server may run as the postgres user
    try:
        with pgserver.temporary_server(parent=parent) as server:
            version = _rows(server, "select current_setting('server_version_num')::int")
            assert version[0][0] >= 150000
            assert len(list(parent.iterdir())) == 1  # data, socket and log in one folder
        with pytest.raises(UserError, match="cannot connect to PostgreSQL"):
            server.connect()
        assert list(parent.iterdir()) == []
    finally:
        shutil.rmtree(parent, ignore_errors=True)


def test_missing_binaries_say_how_to_install(monkeypatch):
    monkeypatch.setattr(pgserver, "find_binaries", lambda: None)
    with (
        pytest.raises(UserError, match="apt-get install -y postgresql"),
        pgserver.temporary_server(),
    ):
        pass


def test_connection_settings_come_from_options_then_environment(monkeypatch):
    monkeypatch.setenv("SCORECARD_PG_HOST", "db.internal")
    monkeypatch.setenv("SCORECARD_PG_PORT", "6543")
    monkeypatch.setenv("SCORECARD_PG_USER", "loader")
    monkeypatch.setenv("SCORECARD_PG_PASSWORD", "s3cret")
    monkeypatch.delenv("SCORECARD_PG_DATABASE", raising=False)
    connection = PgConnection.from_environment(dbname="bi")
    assert (connection.host, connection.port, connection.user, connection.dbname) == (
        "db.internal", 6543, "loader", "bi",
    )  # fmt: skip
    assert connection.password == "s3cret"
    assert "s3cret" not in repr(connection)
    monkeypatch.setenv("SCORECARD_PG_PORT", "five")
    with pytest.raises(UserError, match="port must be a number, got 'five'"):
        PgConnection.from_environment()


# -- the raw zone in PostgreSQL -------------------------------------------------------------


def test_raw_zone_load_copies_every_batch_once_and_follows_removals(paths, landing, pg_database):
    write(landing, "hr/employees.csv", EMPLOYEES)
    ingest(paths, landing, today=TODAY)

    first = load_raw(pg_database, paths.raw, paths.tmp)
    assert first.rows_loaded == {"hr.employees": 2}
    in_postgres = _rows(
        pg_database,
        "select employee_id, full_name, hire_date, termination_date, updated_at, _batch_id, "
        "_source_file, _source_row_number, _loaded_at from raw.employees "
        "order by employee_id, _batch_id",
    )
    assert in_postgres == raw_rows(paths, "hr.employees")
    assert in_postgres[0][:4] == ("E1", "Ann Lee", dt.date(2024, 1, 15), None)
    # Every contract table exists, typed like its Parquet, even with no rows yet.
    assert _rows(pg_database, "select count(*) from raw.orders") == [(0,)]
    assert _rows(
        pg_database,
        "select format_type(atttypid, atttypmod) from pg_attribute "
        "where attrelid = 'raw.invoices'::regclass and attname = 'amount'",
    ) == [("numeric(18,2)",)]

    assert load_raw(pg_database, paths.raw, paths.tmp).rows_loaded == {}  # nothing new

    write(landing, "hr/employees__2.csv", EMPLOYEES.replace("Ann Lee", "Ann Lee-Smith"))
    ingest(paths, landing, today=TODAY)
    second = load_raw(pg_database, paths.raw, paths.tmp)
    assert second.rows_loaded == {"hr.employees": 2}
    assert _rows(pg_database, "select count(*) from raw.employees") == [(4,)]

    # A batch removed from the zone (e.g. an uncommitted one recovered) leaves PostgreSQL.
    batch_dirs = sorted(
        p for p in (paths.raw / "hr" / "employees").iterdir() if p.name != "0-schema"
    )
    shutil.rmtree(batch_dirs[-1])
    third = load_raw(pg_database, paths.raw, paths.tmp)
    assert third.batches_deleted == {"hr.employees": 1}
    assert _rows(pg_database, "select count(*), count(distinct _batch_id) from raw.employees") == [
        (2, 1)
    ]


# -- publishing for BI with roles ---------------------------------------------------------


@pytest.fixture(scope="module")
def published_home(demo_home, tmp_path_factory) -> Paths:
    """A copy of the demo home with a certified quarter (the HR schema carries it)."""
    from scorecard.certification import certify as certify_module

    home = copy_home(demo_home, tmp_path_factory.mktemp("pg-publish") / "home")
    original = certify_module._quality_blockers
    certify_module._quality_blockers = lambda paths: []  # the quality gate has its own tests
    try:
        certify_module.publish_preliminary(home, "2026-Q2", "Hanna Berg (HR)")
        certify_module.certify_quarter(home, "2026-Q2", "Hanna Berg (HR)",
                                       confirm_unscored="demo: scorecards without data")
    finally:
        certify_module._quality_blockers = original
    return home


def _serving_count(paths: Paths, table: str) -> int:
    with duckdb.connect(str(paths.serving_db), read_only=True) as con:
        return con.execute(f"select count(*) from marts.{table}").fetchone()[0]


@pytest.mark.slow
def test_bi_reads_marts_only_and_hr_also_reads_names_and_certified_results(
    published_home, pg_server, pg_database
):
    result = publish_postgres(published_home, pg_database)
    assert result.certified_included
    assert {"fct_scorecards", "dim_employees", "publication"} <= set(result.marts)
    assert {"employees", "certifications", "certified_scorecards"} <= set(result.hr)

    bi = _login(pg_server, "bi_tool", BI_ROLE).with_database(pg_database.dbname)
    hr = _login(pg_server, "hanna", HR_ROLE).with_database(pg_database.dbname)
    stranger = _login(pg_server, "stranger", None).with_database(pg_database.dbname)

    scorecards = _serving_count(published_home, "fct_scorecards")
    assert _rows(bi, "select count(*) from marts.fct_scorecards") == [(scorecards,)]
    for table in ("employees", "certified_scorecards", "certifications"):
        with pytest.raises(errors.InsufficientPrivilege, match="permission denied for schema hr"):
            _rows(bi, f"select * from hr.{table} limit 1")

    assert _rows(hr, "select count(*) from marts.fct_scorecards") == [(scorecards,)]
    with duckdb.connect(str(published_home.warehouse_db), read_only=True) as con:
        name = con.execute(
            "select full_name from staging.stg_hr__employees where employee_id = 'E-00004'"
        ).fetchone()[0]
    assert _rows(hr, "select full_name from hr.employees where employee_id = 'E-00004'") == [
        (name,)
    ]
    certified = _rows(
        hr,
        "select count(*) from hr.certified_scorecards as c join hr.certifications as h "
        "using (certification_id) where h.quarter = '2026-Q2' and h.revision = 1",
    )[0][0]
    with duckdb.connect(str(published_home.serving_db), read_only=True) as con:
        expected = con.execute(
            "select count(*) from marts.fct_scorecards where fiscal_quarter = '2026-Q2'"
        ).fetchone()[0]
    assert certified == expected > 0

    with pytest.raises(errors.InsufficientPrivilege, match="permission denied for schema marts"):
        _rows(stranger, "select count(*) from marts.fct_scorecards")

    # The dashboard queries of docs/bi.md give the BI role on PostgreSQL what they give
    # on the serving DuckDB file.
    queries = re.findall(r"```sql\n(.*?)```", BI_DOC.read_text(encoding="utf-8"), flags=re.S)
    assert len(queries) >= 7
    with duckdb.connect(str(published_home.serving_db), read_only=True) as con:
        for query in queries:
            on_duckdb = con.execute(query)
            expected = ([d[0] for d in on_duckdb.description], on_duckdb.fetchall())
            with closing(bi.connect()) as pg, pg.cursor() as cursor:
                cursor.execute(query)
                actual = ([d.name for d in cursor.description], cursor.fetchall())
            comparison = compare_rows(query.strip().splitlines()[0], expected, actual)
            assert comparison.equal, comparison.problems


@pytest.mark.slow
def test_readers_see_the_old_or_the_new_publication_never_an_error(
    published_home, pg_server, pg_database
):
    home = published_home
    first = publish_postgres(home, pg_database)
    bi = _login(pg_server, "dashboard", BI_ROLE).with_database(pg_database.dbname)
    expected_rows = first.marts["fct_scorecard_lines"]
    seen: set[str] = set()
    failures: list[str] = []
    stop = threading.Event()

    def read_in_a_loop() -> None:
        deadline = time.monotonic() + 300  # bounded even if the publisher hangs
        with closing(bi.connect()) as con:
            con.autocommit = True
            with con.cursor() as cursor:
                while not stop.is_set() and time.monotonic() < deadline:
                    try:
                        cursor.execute(
                            "select p.publication_id, (select count(*) from "
                            "marts.fct_scorecard_lines) from marts.publication as p"
                        )
                        for publication_id, rows in cursor.fetchall():
                            seen.add(publication_id)
                            if rows != expected_rows:
                                failures.append(f"{publication_id}: {rows} rows")
                    except psycopg2.Error as exc:
                        failures.append(str(exc).strip())

    readers = [threading.Thread(target=read_in_a_loop) for _ in range(2)]
    for reader in readers:
        reader.start()
    try:
        for _ in range(3):
            publish(home)  # a new DuckDB publication: a new publication id
            publish_postgres(home, pg_database)
    finally:
        stop.set()
        for reader in readers:
            reader.join()
    assert failures == []
    assert len(seen) >= 2  # readers saw publications change under them
    leftovers = _rows(
        pg_database, "select nspname from pg_namespace where nspname like 'marts%' order by 1"
    )
    assert leftovers == [("marts",)]


@pytest.mark.slow
def test_a_reader_holding_old_tables_does_not_stall_publication(
    published_home, pg_server, pg_database
):
    publish_postgres(published_home, pg_database)
    bi = _login(pg_server, "idle_tool", BI_ROLE).with_database(pg_database.dbname)
    with closing(bi.connect()) as idle:
        with idle.cursor() as cursor:  # a transaction left open on the old tables
            cursor.execute("select count(*) from marts.fct_scorecards")
        second = publish_postgres(published_home, pg_database)
        assert second.schemas_left and all("__old_" in s for s in second.schemas_left)
        with idle.cursor() as cursor:  # still reads its snapshot of the old tables
            cursor.execute("select count(*) from marts.fct_scorecards")
        idle.rollback()
    third = publish_postgres(published_home, pg_database)
    assert third.schemas_left == []
    assert _rows(
        pg_database, "select count(*) from pg_namespace where nspname like 'marts\\_\\_%'"
    ) == [(0,)]


def test_publish_target_is_checked_and_needs_a_publication(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from scorecard.cli import app

    home = str(tmp_path / "home")
    wrong = CliRunner().invoke(app, ["publish", "--home", home, "--target", "oracle"])
    assert wrong.exit_code == 1
    assert "--target must be duckdb or postgres, got 'oracle'" in wrong.output
    monkeypatch.setenv("SCORECARD_PG_PASSWORD", "never-printed")
    empty = CliRunner().invoke(app, ["publish", "--home", home, "--target", "postgres"])
    assert empty.exit_code == 1
    assert "nothing published yet" in empty.output
    assert "never-printed" not in empty.output
