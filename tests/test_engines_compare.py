"""The same demo built on DuckDB and on PostgreSQL gives the same marts, row for row."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from scorecard.engines import ENGINES, open_engine
from scorecard.engines.compare import compare_engines, compare_rows, values_equal
from scorecard.errors import UserError
from tests.conftest import copy_home
from tests.pg_support import require_postgres

# -- the comparison rules (fast) -------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "equal"),
    [
        (1, 1, True),
        (1, Decimal("1.00"), True),  # an integer and a decimal of the same value
        (Decimal("0.10"), Decimal("0.1"), True),
        (Decimal("0.01"), Decimal("0.02"), False),  # cents are exact
        (0.1 + 0.2, 0.3, True),  # float noise: 4e-17 apart
        (100.0, 100.0 * (1 + 5e-10), True),  # within 1e-9 relative
        (100.0, 100.0 * (1 + 5e-9), False),
        (0.0, 1e-12, True),  # near zero: absolute tolerance
        (0.0, 1e-6, False),
        (None, None, True),
        (None, 0, False),
        (True, 1, False),  # a boolean is not a number
        ("E-00004", "E-00004", True),
        ("a", "a ", False),
        (dt.date(2026, 9, 30), dt.date(2026, 9, 30), True),
        (dt.date(2026, 9, 30), dt.datetime(2026, 9, 30), False),  # date_trunc's trap
    ],
)
def test_values_compare_by_kind(a, b, equal):
    assert values_equal(a, b) is equal
    assert values_equal(b, a) is equal


def test_rows_pair_up_in_any_order_and_differences_are_named():
    columns = ["employee_id", "score"]
    duck = (columns, [("E1", 80.0), ("E2", 70.0 + 1e-13), ("E3", None)])
    other = (columns, [("E3", None), ("E2", 70.0), ("E1", 80.0)])
    assert compare_rows("fct_x", duck, other).equal

    changed = (columns, [("E3", None), ("E2", 71.0), ("E1", 80.0)])
    result = compare_rows("fct_x", duck, changed)
    assert result.problems == ["row employee_id='E2', score=70.0000000000001 differs in score: "
                               "70.0000000000001 vs 71.0"]  # fmt: skip

    assert compare_rows("fct_x", duck, (columns, duck[1][:2])).problems[0] == (
        "row counts differ: 3 vs 2"
    )
    renamed = compare_rows("fct_x", duck, (["employee_id", "overall"], other[1]))
    assert renamed.problems[0].startswith("columns differ")


def test_unknown_engine_is_a_user_error(tmp_path):
    from scorecard.paths import Paths

    with pytest.raises(UserError, match="unknown engine 'oracle': choose one of duckdb, "):
        open_engine("oracle", Paths.from_env(tmp_path))
    assert {"duckdb", "postgres"} <= set(ENGINES)


# -- the demo on both engines (slow) ------------------------------------------------------------


@pytest.mark.slow
def test_demo_marts_are_identical_on_duckdb_and_postgres(demo_home, tmp_path):
    require_postgres()
    home = copy_home(demo_home, tmp_path / "home")  # the PostgreSQL build writes dbt files
    with open_engine("duckdb", home) as duck, open_engine("postgres", home) as postgres:
        built = postgres.build()  # seeds, models, unit and data tests, all on PostgreSQL
        assert built.nodes > 400
        comparison = compare_engines(duck, postgres)
    assert comparison.equal, comparison.summary()
    compared = {mart.mart: mart.rows for mart in comparison.marts}
    assert {"fct_scorecards", "fct_indicator_values", "fct_bonus_allocations"} <= set(compared)
    assert compared["fct_indicator_values"] > 1000
