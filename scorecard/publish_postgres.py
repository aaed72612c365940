"""Publish the marts to PostgreSQL for multi-user BI, with a BI role and an HR role.

What is published:
- schema `marts`: every table of the serving DuckDB (the last good publication:
  marts and `publication`), identifiers only, no names;
- schema `hr`: `employees` (id, full name, hire and termination dates from the
  warehouse's staging.stg_hr__employees) and, when the certification store exists,
  its certified results: `certifications`, `certification_diffs` and every
  `certified_*` table (all revisions; they are append-only there).

Atomic for readers: the new tables are built in fresh schemas (`marts__next_<id>`),
then one transaction renames the live schemas away and the new ones into place. A
query sees the old or the new tables, never a mix nor a half-loaded table, and
renaming a schema takes no lock on its tables, so readers are not blocked. The old
schemas are dropped afterwards, in their own transaction; one that a session still
reads (say a BI tool idle in a transaction) is left for the next publication to drop
instead of making this one wait, and so is whatever a killed publication left.

Roles (group roles without login; give people login roles that are members):
- scorecard_bi reads `marts`;
- scorecard_hr is a member of scorecard_bi and also reads `hr`;
- scorecard_manager reads the rows of the manager's own people in the person-level
  marts (row-level security, scorecard/pg_access.py), the reference marts, nothing else.
Nobody else gets any privilege on the two schemas.
"""

from __future__ import annotations

import datetime as dt
import uuid
from contextlib import closing
from dataclasses import dataclass, field

import duckdb
import psycopg2
from psycopg2.errors import LockNotAvailable

from scorecard.errors import UserError
from scorecard.paths import Paths
from scorecard.pg import PgConnection, copy_from_duckdb, query_columns
from scorecard.sql import ident, literal

MARTS_SCHEMA = "marts"
HR_SCHEMA = "hr"
BI_ROLE = "scorecard_bi"
HR_ROLE = "scorecard_hr"
MANAGER_ROLE = "scorecard_manager"
EMPLOYEES_QUERY = (
    "select employee_id, full_name, hire_date, termination_date "
    "from warehouse.staging.stg_hr__employees order by employee_id"
)
DROP_LOCK_TIMEOUT = "3s"
CERTIFIED_TABLE_PATTERN = ("certifications", "certification_diffs", "certified_%")


@dataclass
class PgPublication:
    publication_id: str
    database: str
    marts: dict[str, int] = field(default_factory=dict)  # table -> rows
    hr: dict[str, int] = field(default_factory=dict)
    certified_included: bool = False
    schemas_left: list[str] = field(default_factory=list)  # old schemas still being read
    manager_scope_rows: int | None = None  # None: no hierarchy published, managers see nothing
    manager_tables: list[str] = field(default_factory=list)  # row-level security for managers


def _duckdb_tables(duck: duckdb.DuckDBPyConnection, catalog: str, schema: str,
                   patterns: tuple[str, ...] = ("%",)) -> list[str]:  # fmt: skip
    likes = " or ".join("table_name like ?" for _ in patterns)
    rows = duck.execute(
        "select table_name from information_schema.tables where table_catalog = ? "
        f"and table_schema = ? and table_type = 'BASE TABLE' and ({likes}) order by table_name",
        [catalog, schema, *patterns],
    ).fetchall()
    return [row[0] for row in rows]


def _copy_table(duck, cursor, query: str, target_schema: str, table: str, paths: Paths) -> int:
    columns = query_columns(duck, query, table)
    target = f"{ident(target_schema)}.{ident(table)}"
    cursor.execute(
        f"create table {target} ({', '.join(f'{ident(n)} {t}' for n, t in columns)})"
    )
    rows = copy_from_duckdb(duck, query, cursor, target, [n for n, _ in columns], paths.tmp)
    cursor.execute(f"analyze {target}")
    return rows


def ensure_roles(cursor) -> None:
    """Create the group roles when missing (they are cluster-wide)."""
    for role in (BI_ROLE, HR_ROLE, MANAGER_ROLE):
        cursor.execute("select 1 from pg_roles where rolname = %s", (role,))
        if cursor.fetchone() is None:
            cursor.execute(f"create role {ident(role)} nologin")
    cursor.execute(
        "select 1 from pg_auth_members where roleid = to_regrole(%s) and member = to_regrole(%s)",
        (BI_ROLE, HR_ROLE),
    )
    if cursor.fetchone() is None:
        cursor.execute(f"grant {ident(BI_ROLE)} to {ident(HR_ROLE)}")


def _grant(cursor, schema: str, role: str) -> None:
    cursor.execute(f"revoke all on schema {ident(schema)} from public")
    cursor.execute(f"grant usage on schema {ident(schema)} to {ident(role)}")
    cursor.execute(f"grant select on all tables in schema {ident(schema)} to {ident(role)}")


def _drop_schemas(con, cursor, schemas: list[str]) -> list[str]:
    """Drop schemas that nobody should read any more; returns those left for later.

    A session still reading an old table (a BI tool idle in a transaction) holds a lock
    that DROP waits for: after DROP_LOCK_TIMEOUT the schema is left for the next
    publication to drop, rather than the publication waiting on that session.
    """
    left = []
    for schema in schemas:
        cursor.execute(f"set local lock_timeout = '{DROP_LOCK_TIMEOUT}'")
        try:
            cursor.execute(f"drop schema if exists {ident(schema)} cascade")
            con.commit()
        except LockNotAvailable:
            con.rollback()
            left.append(schema)
    return left


def _stale_schemas(cursor) -> list[str]:
    """Schemas an earlier publication left: staged but never swapped in (killed), or
    retired but still read when it tried to drop them."""
    cursor.execute(
        "select nspname from pg_namespace where nspname like %s or nspname like %s "
        "order by nspname",
        (f"{MARTS_SCHEMA}\\_\\_%", f"{HR_SCHEMA}\\_\\_%"),
    )
    return [row[0] for row in cursor.fetchall()]


def publish_postgres(paths: Paths, connection: PgConnection) -> PgPublication:
    """Copy the served marts and the HR tables into PostgreSQL and swap them in."""

    try:
        return _publish(paths, connection)
    except psycopg2.Error as exc:
        detail = (str(exc).strip().splitlines() or ["no detail"])[0]
        raise UserError(
            f"PostgreSQL refused the publication to {connection!r}: {detail} (the user needs "
            "CREATEROLE the first time, to create the roles scorecard_bi, scorecard_hr and "
            "scorecard_manager)"
        ) from exc


def _publish(paths: Paths, connection: PgConnection) -> PgPublication:
    from scorecard import pg_access

    if not paths.serving_db.exists():
        raise UserError(
            f"nothing published yet at {paths.serving_db}: run `scorecard build` first"
        )
    if not paths.warehouse_db.exists():
        raise UserError(f"no warehouse at {paths.warehouse_db}: run `scorecard build` first")
    publication_id = f"{dt.datetime.now(dt.UTC):%Y%m%d%H%M%S}_{uuid.uuid4().hex[:6]}"
    staged = {
        MARTS_SCHEMA: f"{MARTS_SCHEMA}__next_{publication_id}",
        HR_SCHEMA: f"{HR_SCHEMA}__next_{publication_id}",
    }
    retired = {schema: f"{schema}__old_{publication_id}" for schema in staged}
    result = PgPublication(publication_id, connection.dbname)
    with closing(connection.connect()) as con, con.cursor() as cursor, duckdb.connect() as duck:
        # One publication at a time per database (held until this connection closes).
        cursor.execute("select pg_advisory_lock(hashtext(%s))", ("scorecard publish",))
        _drop_schemas(con, cursor, _stale_schemas(cursor))
        ensure_roles(cursor)
        pg_access.ensure_access(cursor)  # the manager mapping: never swapped nor dropped
        con.commit()
        duck.execute(f"attach {literal(paths.serving_db)} as serving (read_only)")
        duck.execute(f"attach {literal(paths.warehouse_db)} as warehouse (read_only)")
        try:
            for schema in staged.values():
                cursor.execute(f"create schema {ident(schema)}")
            for table in _duckdb_tables(duck, "serving", MARTS_SCHEMA):
                query = f"select * from serving.{MARTS_SCHEMA}.{ident(table)}"
                result.marts[table] = _copy_table(
                    duck, cursor, query, staged[MARTS_SCHEMA], table, paths
                )
            result.hr["employees"] = _copy_table(
                duck, cursor, EMPLOYEES_QUERY, staged[HR_SCHEMA], "employees", paths
            )
            result.certified_included = _copy_certified(duck, cursor, staged[HR_SCHEMA],
                                                        paths, result)  # fmt: skip
            # Row-level security on the new tables before anyone can read them.
            access = pg_access.secure_marts(cursor, staged[MARTS_SCHEMA], set(result.marts))
            result.manager_scope_rows = access.scope_rows
            result.manager_tables = access.policy_tables
            _grant(cursor, staged[MARTS_SCHEMA], BI_ROLE)
            _grant(cursor, staged[HR_SCHEMA], HR_ROLE)
            con.commit()  # the staged schemas are complete; nobody reads them yet
        except BaseException:
            con.rollback()
            raise
        # The swap: one transaction of renames.
        for schema, new in staged.items():
            cursor.execute("select 1 from pg_namespace where nspname = %s", (schema,))
            if cursor.fetchone() is not None:
                cursor.execute(f"alter schema {ident(schema)} rename to {ident(retired[schema])}")
            cursor.execute(f"alter schema {ident(new)} rename to {ident(schema)}")
        con.commit()
        result.schemas_left = _drop_schemas(con, cursor, list(retired.values()))
    return result


def _copy_certified(duck, cursor, schema: str, paths: Paths, result: PgPublication) -> bool:
    """The certification store's tables into the HR schema, when the store exists."""
    if not paths.certified_db.exists():
        return False
    duck.execute(f"attach {literal(paths.certified_db)} as certified (read_only)")
    try:
        catalog_schema = duck.execute(
            "select schema_name from information_schema.schemata where catalog_name = "
            "'certified' and schema_name = 'main'"
        ).fetchone()
        if catalog_schema is None:
            return False
        for table in _duckdb_tables(duck, "certified", "main", CERTIFIED_TABLE_PATTERN):
            query = f"select * from certified.main.{ident(table)}"
            result.hr[table] = _copy_table(duck, cursor, query, schema, table, paths)
    finally:
        duck.execute("detach certified")
    return True
