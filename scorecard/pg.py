"""Talking to PostgreSQL: connection settings from the environment and bulk copies.

Connection settings come from options or SCORECARD_PG_HOST / _PORT / _USER / _DATABASE;
the password only ever from the environment (SCORECARD_PG_PASSWORD, or libpq's own
PGPASSWORD / ~/.pgpass), never from a command line or a file in git.

Rows move from DuckDB to PostgreSQL as CSV through COPY, the fastest way into
PostgreSQL: DuckDB writes the CSV (NULL unquoted and empty, an empty string quoted,
doubles in their shortest exact form), psycopg2 streams it with copy_expert.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import duckdb

from scorecard.errors import UserError
from scorecard.sql import ident, literal

ENV_PREFIX = "SCORECARD_PG_"


@dataclass(frozen=True)
class PgConnection:
    """How to reach a PostgreSQL database (the password is kept out of repr)."""

    host: str
    port: int
    user: str
    dbname: str
    password: str = ""

    def __repr__(self) -> str:
        return f"PgConnection({self.user}@{self.host}:{self.port}/{self.dbname})"

    @classmethod
    def from_environment(
        cls,
        host: str | None = None,
        port: int | None = None,
        user: str | None = None,
        dbname: str | None = None,
    ) -> PgConnection:
        """Options first, then SCORECARD_PG_* variables; the password from the environment."""
        env = os.environ
        port_text = str(port) if port is not None else env.get(ENV_PREFIX + "PORT", "5432")
        try:
            port_number = int(port_text)
        except ValueError as exc:
            raise UserError(f"PostgreSQL port must be a number, got {port_text!r}") from exc
        return cls(
            host=host or env.get(ENV_PREFIX + "HOST", "127.0.0.1"),
            port=port_number,
            user=user or env.get(ENV_PREFIX + "USER") or env.get("USER", "postgres"),
            dbname=dbname or env.get(ENV_PREFIX + "DATABASE", "scorecard"),
            password=env.get(ENV_PREFIX + "PASSWORD", ""),
        )

    def connect_kwargs(self) -> dict[str, object]:
        """Keyword arguments for psycopg2.connect (no password: libpq may still find one)."""
        kwargs: dict[str, object] = {
            "host": self.host, "port": self.port, "user": self.user, "dbname": self.dbname,
            "application_name": "scorecard",
        }  # fmt: skip
        if self.password:
            kwargs["password"] = self.password
        return kwargs

    def connect(self):
        """A psycopg2 connection; a clear error when the server cannot be reached."""
        import psycopg2

        try:
            return psycopg2.connect(**self.connect_kwargs())
        except psycopg2.OperationalError as exc:
            detail = str(exc).strip().splitlines()[0] if str(exc).strip() else "no detail"
            raise UserError(
                f"cannot connect to PostgreSQL {self.user}@{self.host}:{self.port}/"
                f"{self.dbname}: {detail} (set SCORECARD_PG_HOST, _PORT, _USER, _DATABASE "
                "and SCORECARD_PG_PASSWORD)"
            ) from exc

    def as_user(self, user: str, password: str = "") -> PgConnection:
        return PgConnection(self.host, self.port, user, self.dbname, password)

    def with_database(self, dbname: str) -> PgConnection:
        return PgConnection(self.host, self.port, self.user, dbname, self.password)

    def environment(self) -> dict[str, str]:
        """The SCORECARD_PG_* variables that point the dbt profile and the CLI here."""
        return {
            ENV_PREFIX + "HOST": self.host,
            ENV_PREFIX + "PORT": str(self.port),
            ENV_PREFIX + "USER": self.user,
            ENV_PREFIX + "PASSWORD": self.password,
            ENV_PREFIX + "DATABASE": self.dbname,
        }


def create_database(server: PgConnection, name: str) -> PgConnection:
    """A new empty database on the server; returns the connection to it."""
    with closing(server.connect()) as con:
        con.autocommit = True
        with con.cursor() as cursor:
            cursor.execute(f"create database {ident(name)}")
    return server.with_database(name)


# DuckDB column types and their PostgreSQL equivalents, spelled as PostgreSQL's
# format_type() spells them, so an unchanged table is recognised as such.
_SIMPLE_TYPES = {
    "VARCHAR": "text",
    "BOOLEAN": "boolean",
    "SMALLINT": "smallint",
    "INTEGER": "integer",
    "BIGINT": "bigint",
    "HUGEINT": "numeric(38,0)",
    "FLOAT": "real",
    "DOUBLE": "double precision",
    "DATE": "date",
    "TIMESTAMP": "timestamp without time zone",
    "TIMESTAMP WITH TIME ZONE": "timestamp with time zone",
}


def postgres_type(duckdb_type: str, where: str) -> str:
    """The PostgreSQL type for a DuckDB column type; `where` names the column in errors."""
    if duckdb_type in _SIMPLE_TYPES:
        return _SIMPLE_TYPES[duckdb_type]
    if duckdb_type.startswith("DECIMAL("):
        return "numeric" + duckdb_type.removeprefix("DECIMAL").replace(" ", "")
    raise UserError(f"{where}: column type {duckdb_type} has no PostgreSQL mapping")


def query_columns(duck: duckdb.DuckDBPyConnection, query: str, where: str) -> list[tuple[str, str]]:
    """Names and PostgreSQL types of a DuckDB query's columns."""
    rows = duck.execute(f"describe {query}").fetchall()
    return [(name, postgres_type(kind, f"{where}.{name}")) for name, kind, *_ in rows]


def copy_from_duckdb(
    duck: duckdb.DuckDBPyConnection,
    query: str,
    cursor,
    target: str,
    columns: list[str],
    tmp_dir: Path | None = None,
) -> int:
    """Copy the rows of a DuckDB query into the PostgreSQL table `target` (already
    quoted); `columns` names the query's columns in order. Returns the rows copied."""
    if tmp_dir is not None:
        tmp_dir.mkdir(parents=True, exist_ok=True)
    handle, csv_name = tempfile.mkstemp(suffix=".csv", dir=tmp_dir)
    os.close(handle)
    try:
        duck.execute(f"copy ({query}) to {literal(csv_name)} (format csv, header false)")
        names = ", ".join(ident(c) for c in columns)
        with open(csv_name, encoding="utf-8") as stream:
            cursor.copy_expert(f"copy {target} ({names}) from stdin with (format csv)", stream)
        return cursor.rowcount
    finally:
        os.unlink(csv_name)
