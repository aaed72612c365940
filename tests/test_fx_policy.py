"""One FX policy in every family: an amount without a rate makes its value unknown.

The demo with every USD rate taken out of the FX feed (reporting in EUR): the build stays
green (the evidence still recomputes every value, the revenue reconciliation leaves the
unconvertible quarters to fct_unconverted_amounts), and each value touched by a USD row
is null with a reason naming the currency and the rows, never a short total.
"""

from __future__ import annotations

import duckdb
import pytest

from scorecard.build import build_warehouse
from tests.conftest import copy_home

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def home_without_usd_rates(demo_home, tmp_path_factory):
    home = copy_home(demo_home, tmp_path_factory.mktemp("no_usd") / "home")
    (rates_file,) = (home.raw / "finance" / "fx_rates").glob("2*/part.parquet")
    with duckdb.connect() as con:
        con.execute(
            f"copy (select * from read_parquet('{rates_file}') where currency <> 'USD') "
            f"to '{rates_file}.new' (format parquet)"
        )
    rates_file.with_name("part.parquet.new").replace(rates_file)
    home.warehouse_db.unlink()  # a whole build: the incremental models convert again
    build_warehouse(home)
    return home


def _rows(home, sql: str) -> list[tuple]:
    with duckdb.connect(str(home.warehouse_db), read_only=True) as con:
        return con.execute(sql).fetchall()


def _usd_invoices_due_by_quarter(home) -> dict[tuple[str, str], int]:
    """From the raw invoices alone: (employee, quarter) -> USD invoices (not credit
    notes) due in the calendar quarter (the demo's fiscal year is the calendar year)."""
    invoices = home.raw / "finance" / "invoices" / "*" / "part.parquet"
    with duckdb.connect() as con:
        rows = con.execute(
            f"""
            select employee_id,
                cast(year(due_date) as varchar) || '-Q' || cast(quarter(due_date) as varchar),
                count(*)
            from read_parquet('{invoices}')
            where currency = 'USD' and not is_credit_note
            group by all
            """
        ).fetchall()
    return {(employee, quarter): count for employee, quarter, count in rows}


def test_a_value_with_an_unconvertible_amount_is_null_with_the_currency_and_rows(
    home_without_usd_rates,
):
    home = home_without_usd_rates
    expected = _usd_invoices_due_by_quarter(home)
    # Employees holding one assignment for the whole quarter: the quarter's invoices are
    # all theirs, so the raw count is the value's.
    values = _rows(
        home,
        """
        select employee_id, period_key, numerator, denominator, null_reason
        from marts.fct_indicator_values
        where indicator_code = 'collection_rate' and period_grain = 'quarter'
            and (employee_id, period_key) in (
                select employee_id, period_key from intermediate.int_employee_periods
                where period_grain = 'quarter'
                group by all
                having count(*) = 1
                    and min(overlap_start_date) = min(period_start_date)
                    and max(overlap_end_date) = max(period_end_date)
            )
        """,
    )
    touched = [row for row in values if (row[0], row[1]) in expected]
    assert len(touched) > 20
    for employee, quarter, numerator, denominator, reason in touched:
        count = expected[(employee, quarter)]
        assert (numerator, denominator) == (None, None), (employee, quarter)
        assert reason == f"no FX rate to EUR for USD on {count} of the invoices due"
    untouched = [row for row in values if (row[0], row[1]) not in expected]
    assert untouched and all(
        reason is None or not reason.startswith("no FX rate") for *_, reason in untouched
    )


def test_every_money_value_names_the_missing_rate_and_no_line_scores_it(
    home_without_usd_rates,
):
    """Each family's money indicators carry the policy, and a scorecard line on such a
    value is missing_data with the reason: not scored, never 0 points."""
    reasons = dict(
        _rows(
            home_without_usd_rates,
            """
            select indicator_code, min(null_reason)
            from marts.fct_indicator_values
            where null_reason like 'no FX rate to EUR for USD on %'
            group by indicator_code
            """,
        )
    )
    assert {
        "sales_revenue": "invoices and credit notes",
        "average_order_value": "confirmed or shipped orders",
        "gross_profit_margin": "invoices with a cost of sales",
        "won_deal_value": "deals won",
        "new_customer_quality": "orders of new customers",
        "collection_rate": "invoices due",
        "overdue_receivables_ratio": "open invoices",
    }.items() <= {code: reason.split(" of the ", 1)[1] for code, reason in reasons.items()}.items()
    lines = _rows(
        home_without_usd_rates,
        """
        select line_status, count(*), count(indicator_score)
        from marts.fct_scorecard_lines
        where null_reason like 'no FX rate%'
        group by line_status
        """,
    )
    assert lines and all(status == "missing_data" and scored == 0 for status, _, scored in lines)
