"""The default engine: DuckDB reads the Parquet raw zone in place (external sources)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import duckdb

from scorecard.build import BuildResult, NodeCallback, build_warehouse
from scorecard.errors import UserError
from scorecard.paths import Paths
from scorecard.sql import ident

MART_SCHEMA = "marts"


@dataclass
class DuckDBEngine:
    paths: Paths
    name: str = "duckdb"

    def build(
        self, on_node: NodeCallback | None = None, extra_args: Sequence[str] = ()
    ) -> BuildResult:
        return build_warehouse(self.paths, on_node=on_node, extra_args=list(extra_args))

    def mart_names(self) -> list[str]:
        rows = self._query(
            "select table_name from information_schema.tables where table_schema = ? "
            "and table_type = 'BASE TABLE' order by table_name",
            [MART_SCHEMA],
        )[1]
        return [row[0] for row in rows]

    def fetch_mart(self, mart: str) -> tuple[list[str], list[tuple]]:
        return self._query(f"select * from {MART_SCHEMA}.{ident(mart)}")

    def _query(self, sql: str, parameters: list | None = None) -> tuple[list[str], list[tuple]]:
        if not self.paths.warehouse_db.exists():
            raise UserError(f"no warehouse at {self.paths.warehouse_db}: build it first")
        with duckdb.connect(str(self.paths.warehouse_db), read_only=True) as con:
            relation = con.execute(sql, parameters or [])
            return [d[0] for d in relation.description], relation.fetchall()


@contextmanager
def open_engine(paths: Paths) -> Iterator[DuckDBEngine]:
    yield DuckDBEngine(paths)
