"""The dbt project on PostgreSQL: load the raw zone into it, build, read the marts.

PostgreSQL cannot read Parquet, so its raw zone is a copy: every raw table (the union
of its committed batches, lineage columns included) becomes a table in the `raw`
schema, where the dbt sources resolve on this target (models/staging/*/_*__sources.yml).
The copy is incremental by batch: a batch directory is loaded once (COPY from a CSV
stream, not row inserts), a batch that disappeared from the zone is deleted, and a
change of columns reloads the table. Each table changes in its own transaction.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from scorecard.build import BuildResult, NodeCallback, build_warehouse
from scorecard.contract import Table, load_contract
from scorecard.errors import UserError
from scorecard.ingest.lock import raw_zone_lock
from scorecard.ingest.zone import RawZone, committed_batches
from scorecard.paths import Paths
from scorecard.pg import PgConnection, copy_from_duckdb, create_database, query_columns
from scorecard.pgserver import temporary_server
from scorecard.sql import ident, literal

RAW_SCHEMA = "raw"  # the `schema:` of every source in models/staging/*/_*__sources.yml
MART_SCHEMA = "marts"
WAREHOUSE_DATABASE = "scorecard"


@dataclass
class RawLoad:
    """What one load changed, per table `<source>.<table>`."""

    batches_loaded: dict[str, int] = field(default_factory=dict)
    rows_loaded: dict[str, int] = field(default_factory=dict)
    batches_deleted: dict[str, int] = field(default_factory=dict)
    tables_recreated: list[str] = field(default_factory=list)


def _raw_columns(duck: duckdb.DuckDBPyConnection, raw_dir: Path, table: Table):
    """Columns and PostgreSQL types of the raw table, as its Parquet files declare them."""
    pattern = raw_dir / table.source / table.name / "*" / "*.parquet"
    try:
        return query_columns(
            duck, f"select * from read_parquet({literal(pattern)})", table.qualified_name
        )
    except duckdb.Error as exc:
        raise UserError(
            f"raw table {table.qualified_name} is unreadable at {pattern}: {exc}; "
            "run `scorecard ingest` first"
        ) from exc


def _existing_columns(cursor, table: str) -> list[tuple[str, str]]:
    cursor.execute(
        "select attname, format_type(atttypid, atttypmod) from pg_attribute "
        "where attrelid = to_regclass(%s) and attnum > 0 and not attisdropped order by attnum",
        (f"{RAW_SCHEMA}.{ident(table)}",),
    )
    return [(name, kind) for name, kind in cursor.fetchall()]


def load_raw(connection: PgConnection, raw_dir: Path, tmp_dir: Path | None = None) -> RawLoad:
    """Bring the `raw` schema up to date with the raw zone on disk."""
    tables = load_contract()
    names = [t.name for t in tables.values()]
    clashes = sorted({n for n in names if names.count(n) > 1})
    if clashes:
        raise UserError(f"raw tables share a name across sources, one `raw` schema: {clashes}")
    report = RawLoad()
    with closing(connection.connect()) as con, con.cursor() as cursor, duckdb.connect() as duck:
        cursor.execute(f"create schema if not exists {RAW_SCHEMA}")
        con.commit()
        for table in tables.values():
            _load_table(duck, cursor, raw_dir, table, tmp_dir, report)
            con.commit()
    return report


def _load_table(duck, cursor, raw_dir: Path, table: Table, tmp_dir: Path | None,
                report: RawLoad) -> None:  # fmt: skip
    target = f"{RAW_SCHEMA}.{ident(table.name)}"
    columns = _raw_columns(duck, raw_dir, table)
    files = committed_batches(raw_dir / table.source / table.name)
    if _existing_columns(cursor, table.name) == columns:
        cursor.execute(f"select distinct _batch_id from {target}")
        loaded = {row[0] for row in cursor.fetchall()}
    else:
        # New table or changed columns: `cascade` drops the staging views on it,
        # which the next dbt build creates again.
        cursor.execute(f"drop table if exists {target} cascade")
        column_sql = ", ".join(f"{ident(name)} {kind}" for name, kind in columns)
        cursor.execute(f"create table {target} ({column_sql})")
        report.tables_recreated.append(table.qualified_name)
        loaded = set()
    gone = sorted(loaded - files.keys())
    if gone:
        cursor.execute(f"delete from {target} where _batch_id = any(%s)", (gone,))
        report.batches_deleted[table.qualified_name] = len(gone)
    new = [files[batch] for batch in sorted(files.keys() - loaded)]
    if not new:
        return
    report.batches_loaded[table.qualified_name] = len(new)
    names = [name for name, _ in columns]
    file_list = "[" + ", ".join(literal(f) for f in new) + "]"
    query = (
        f"select {', '.join(ident(n) for n in names)} "
        f"from read_parquet({file_list}, union_by_name = true)"
    )
    report.rows_loaded[table.qualified_name] = copy_from_duckdb(
        duck, query, cursor, target, names, tmp_dir
    )
    cursor.execute(f"analyze {target}")  # fresh statistics: the planner sizes joins by them


def dbt_environment(paths: Paths, connection: PgConnection) -> dict[str, str]:
    """Variables the `postgres` target of profiles.yml reads, plus its own dbt folders."""
    return {
        "SCORECARD_DBT_TARGET": "postgres",
        **connection.environment(),
        "DBT_TARGET_PATH": str(paths.home / "dbt-postgres" / "target"),
        "DBT_LOG_PATH": str(paths.home / "dbt-postgres" / "logs"),
    }


@dataclass
class PostgresEngine:
    """The warehouse built on one PostgreSQL database."""

    paths: Paths
    connection: PgConnection
    name: str = "postgres"

    def build(
        self, on_node: NodeCallback | None = None, extra_args: Sequence[str] = ()
    ) -> BuildResult:
        # As `scorecard build` does: a batch an interrupted ingest left uncommitted
        # must not reach the warehouse. The build must plan on the raw zone it loaded.
        with raw_zone_lock(self.paths, "build"):
            RawZone(self.paths).recover()
            load_raw(self.connection, self.paths.raw, self.paths.tmp)
            return build_warehouse(
                self.paths, on_node=on_node, extra_args=list(extra_args),
                environment=dbt_environment(self.paths, self.connection),
            )  # fmt: skip

    def mart_names(self) -> list[str]:
        rows = self._query(
            "select table_name from information_schema.tables where table_schema = %s "
            "and table_type = 'BASE TABLE' order by table_name",
            (MART_SCHEMA,),
        )[1]
        return [row[0] for row in rows]

    def fetch_mart(self, mart: str) -> tuple[list[str], list[tuple]]:
        return self._query(f"select * from {MART_SCHEMA}.{ident(mart)}")

    def _query(self, sql: str, parameters: tuple = ()) -> tuple[list[str], list[tuple]]:
        with closing(self.connection.connect()) as con, con.cursor() as cur:
            cur.execute(sql, parameters)
            return [d.name for d in cur.description], cur.fetchall()


@contextmanager
def open_engine(paths: Paths, connection: PgConnection | None = None) -> Iterator[PostgresEngine]:
    """The PostgreSQL engine on `connection`, or on a throwaway server when none is given."""
    if connection is not None:
        yield PostgresEngine(paths, connection)
        return
    with temporary_server() as server:
        yield PostgresEngine(paths, create_database(server, WAREHOUSE_DATABASE))
