"""One FX policy in every family: an amount without a rate makes its value unknown.

The demo with every USD rate taken out of the FX feed (reporting in EUR): the build stays
green (the revenue reconciliation leaves the unconvertible quarters to
fct_unconverted_amounts), and each value touched by a USD row is null with a reason
naming the currency and how many of its rows have no rate, never a short total.
"""

from __future__ import annotations

import re

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


def _collection_rows_by_quarter(home) -> dict[tuple[str, str], tuple[int, int]]:
    """From the raw files alone: (employee, quarter) -> (rows in USD, rows) of the
    collection rate: the invoices (not credit notes) due in the calendar quarter (the
    demo's fiscal year is the calendar year) and the payments on them dated by the
    quarter end. A USD row has no rate: a USD invoice, and a USD payment (one in its
    invoice's currency converts at the invoice's rate, any other at its own date's)."""
    invoices = home.raw / "finance" / "invoices" / "*" / "part.parquet"
    payments = home.raw / "finance" / "payments" / "*" / "part.parquet"
    with duckdb.connect() as con:
        rows = con.execute(
            f"""
            with due as (
                select invoice_id, employee_id, currency,
                    cast(year(due_date) as varchar) || '-Q' || cast(quarter(due_date) as varchar)
                        as fiscal_quarter,
                    cast(date_trunc('quarter', due_date) + interval 3 month - interval 1 day
                        as date) as quarter_end
                from read_parquet('{invoices}')
                where not is_credit_note
            ),
            paid as (
                select due.employee_id, due.fiscal_quarter, payments.currency
                from read_parquet('{payments}') as payments
                inner join due on payments.invoice_id = due.invoice_id
                where payments.payment_date <= due.quarter_end
            ),
            source_rows as (
                select employee_id, fiscal_quarter, currency from due
                union all
                select employee_id, fiscal_quarter, currency from paid
            )
            select employee_id, fiscal_quarter, count(*) filter (where currency = 'USD'), count(*)
            from source_rows
            group by all
            having count(*) filter (where currency = 'USD') > 0
            """
        ).fetchall()
    return {(employee, quarter): (usd, total) for employee, quarter, usd, total in rows}


def test_a_value_with_an_unconvertible_amount_is_null_with_the_currency_and_rows(
    home_without_usd_rates,
):
    home = home_without_usd_rates
    expected = _collection_rows_by_quarter(home)
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
        usd, total = expected[(employee, quarter)]
        assert (numerator, denominator) == (None, None), (employee, quarter)
        assert reason == f"no FX rate to EUR for USD ({usd} of {total} source rows)"
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
            where null_reason like 'no FX rate to EUR for USD (%'
            group by indicator_code
            """,
        )
    )
    assert {
        "sales_revenue",
        "average_order_value",
        "gross_profit_margin",
        "won_deal_value",
        "new_customer_quality",
        "collection_rate",
        "overdue_receivables_ratio",
    } <= set(reasons)
    # The families on contributions say how many of the value's rows have no rate.
    assert re.fullmatch(
        r"no FX rate to EUR for USD \(\d+ of \d+ source rows?\)", reasons["collection_rate"]
    )
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
