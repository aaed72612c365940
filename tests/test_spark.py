"""The dbt project on Apache Spark: the demo's marts equal DuckDB's, row for row."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb
import pytest

from scorecard.engines import open_engine
from scorecard.engines.compare import compare_engines
from scorecard.engines.spark import dbt_environment, tables_dir
from scorecard.errors import UserError
from scorecard.paths import Paths
from tests.conftest import copy_home

# -- the engine's plumbing (fast) ---------------------------------------------------------------


def test_spark_target_keeps_its_catalog_and_dbt_files_under_the_home(tmp_path):
    paths = Paths.from_env(tmp_path / "home")
    environment = dbt_environment(paths)
    assert environment["SCORECARD_DBT_TARGET"] == "spark"
    assert environment["SCORECARD_SPARK_DIR"] == str(paths.home / "warehouse" / "spark")
    assert environment["DBT_TARGET_PATH"] == str(paths.home / "dbt-spark" / "target")


def test_spark_without_java_is_a_user_error(tmp_path, monkeypatch):
    monkeypatch.setattr("scorecard.engines.spark.shutil.which", lambda name: None)
    with pytest.raises(UserError, match="the spark engine needs Java 17 or newer on the PATH"):
        dbt_environment(Paths.from_env(tmp_path / "home"))


def test_marts_are_read_from_the_parquet_parts_spark_wrote(tmp_path):
    paths = Paths.from_env(tmp_path / "home")
    table = tables_dir(paths) / "marts.db" / "fct_x"
    table.mkdir(parents=True)
    (tables_dir(paths) / "marts.db" / "dim_y").mkdir()
    for part, rows in (("part-00000", "('E1', 1.5, 2.00, date '2026-09-30')"),
                       ("part-00001", "('E2', null, 3.10, null)")):  # fmt: skip
        duckdb.sql(
            f"copy (select * from (values {rows}) as t(employee_id, score, amount, day)) "
            f"to '{table / part}.snappy.parquet' (format parquet)"
        )
    (table / "_SUCCESS").write_text("")  # Spark's marker file is not data
    with open_engine("spark", paths) as spark:
        assert spark.mart_names() == ["dim_y", "fct_x"]
        columns, rows = spark.fetch_mart("fct_x")
        with pytest.raises(UserError, match="marts.dim_y has no Parquet files"):
            spark.fetch_mart("dim_y")
    assert columns == ["employee_id", "score", "amount", "day"]
    assert sorted(rows, key=str) == [
        ("E1", 1.5, Decimal("2.00"), dt.date(2026, 9, 30)),
        ("E2", None, Decimal("3.10"), None),
    ]


def test_reading_an_unbuilt_spark_warehouse_says_so(tmp_path):
    with (
        open_engine("spark", Paths.from_env(tmp_path / "home")) as spark,
        pytest.raises(UserError, match="no Spark warehouse at .*marts.db: build it first"),
    ):
        spark.mart_names()


# -- the demo on Spark (slow) ---------------------------------------------------------------------


@pytest.mark.slow
def test_demo_marts_are_identical_on_duckdb_and_spark(demo_home, tmp_path):
    home = copy_home(demo_home, tmp_path / "home")  # Spark writes its catalog into the home
    with open_engine("duckdb", home) as duck, open_engine("spark", home) as spark:
        # Seeds, models and data tests on Spark. Unit tests run on DuckDB and PostgreSQL:
        # they check model logic that this comparison checks again on real data, and on
        # Spark they cost most of the build (planning every fixture CTE in a fresh query).
        built = spark.build(extra_args=["--exclude", "test_type:unit"])
        assert built.nodes > 300  # every model, seed and data test: not a partial build
        comparison = compare_engines(duck, spark)
    assert comparison.equal, comparison.summary()
    compared = {mart.mart: mart.rows for mart in comparison.marts}
    assert {"fct_scorecards", "fct_indicator_values", "fct_bonus_allocations"} <= set(compared)
    assert compared["fct_indicator_values"] > 1000
