"""The dbt project on Apache Spark (dbt-spark, session method): build, read the marts.

Spark reads the Parquet raw zone in place: an on-run-start hook makes one view per
source over its batches (macros/register_raw_sources.sql), so there is no load step.
dbt runs Spark inside its own process (pyspark, local[*], Java 17); the catalog (a
Derby metastore) and the managed tables live under `<home>/warehouse/spark`.

The marts are read back from the tables' Parquet files with DuckDB rather than through
a second Spark session: starting a JVM costs more than reading a few megabytes, and
the files are exactly what Spark wrote (a managed table is a directory of Parquet
parts at `<warehouse dir>/<schema>.db/<table>`).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from scorecard.build import BuildResult, NodeCallback, build_warehouse
from scorecard.errors import UserError
from scorecard.paths import Paths
from scorecard.sql import literal

MART_SCHEMA = "marts"


def spark_dir(paths: Paths) -> Path:
    """Spark's catalog and tables for one home (SCORECARD_SPARK_DIR of profiles.yml)."""
    return paths.home / "warehouse" / "spark"


def tables_dir(paths: Paths) -> Path:
    """spark.sql.warehouse.dir of the `spark` target: one `<schema>.db/` per schema."""
    return spark_dir(paths) / "tables"


def dbt_environment(paths: Paths) -> dict[str, str]:
    """Variables the `spark` target of profiles.yml reads, plus its own dbt folders."""
    if shutil.which("java") is None:
        raise UserError(
            "the spark engine needs Java 17 or newer on the PATH "
            "(Debian/Ubuntu: apt-get install openjdk-17-jre-headless)"
        )
    return {
        "SCORECARD_DBT_TARGET": "spark",
        "SCORECARD_SPARK_DIR": str(spark_dir(paths)),
        "DBT_TARGET_PATH": str(paths.home / "dbt-spark" / "target"),
        "DBT_LOG_PATH": str(paths.home / "dbt-spark" / "logs"),
    }


@dataclass
class SparkEngine:
    """The warehouse built by Spark under one home."""

    paths: Paths
    name: str = "spark"

    def build(
        self, on_node: NodeCallback | None = None, extra_args: Sequence[str] = ()
    ) -> BuildResult:
        spark_dir(self.paths).mkdir(parents=True, exist_ok=True)
        return build_warehouse(
            self.paths,
            on_node=on_node,
            extra_args=list(extra_args),
            environment=self.environment(),
        )

    def environment(self) -> Mapping[str, str]:
        return dbt_environment(self.paths)

    def mart_names(self) -> list[str]:
        schema_dir = tables_dir(self.paths) / f"{MART_SCHEMA}.db"
        if not schema_dir.is_dir():
            raise UserError(f"no Spark warehouse at {schema_dir}: build it first")
        return sorted(p.name for p in schema_dir.iterdir() if p.is_dir())

    def fetch_mart(self, mart: str) -> tuple[list[str], list[tuple]]:
        table_dir = tables_dir(self.paths) / f"{MART_SCHEMA}.db" / mart
        # Spark writes at least one part (with the schema) even for an empty result.
        parts = [str(p) for p in sorted(table_dir.glob("*.parquet"))]
        if not parts:
            raise UserError(f"Spark table {MART_SCHEMA}.{mart} has no Parquet files in {table_dir}")
        with duckdb.connect() as con:
            file_list = "[" + ", ".join(literal(p) for p in parts) + "]"
            relation = con.execute(f"select * from read_parquet({file_list})")
            return [d[0] for d in relation.description], relation.fetchall()


@contextmanager
def open_engine(paths: Paths) -> Iterator[SparkEngine]:
    yield SparkEngine(paths)
