"""The README's "Bring your own export" on the public Maven CRM export, end to end.

Runs exactly the README's commands (settings file, ingest with the mapping, build,
coverage, report) as a new user would, then checks the figures against values worked
out by hand from shared/realdata/maven_crm/sales_pipeline.csv, and the fairness rules
of docs/coverage.md: only the 2017 quarters the data reaches are scored, agents without
any deal are no_activity, nobody is banded, red or a PIP candidate on a quarter or a
source the export does not have.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from scorecard.paths import PROJECT_ROOT

pytestmark = pytest.mark.slow

MAVEN = PROJECT_ROOT.parent / "shared" / "realdata" / "maven_crm"
EXAMPLE = PROJECT_ROOT / "examples" / "maven_crm"
SCORECARD = str(Path(sys.executable).with_name("scorecard"))
# sales_teams.csv lists 35 agents; these 5 have no row in sales_pipeline.csv.
WITHOUT_DEALS = ["Carl Lin", "Carol Thompson", "Elizabeth Anderson", "Mei-Mei Johns",
                 "Natalya Ivanova"]  # fmt: skip
# By hand from sales_pipeline.csv: deals with deal_stage Won / Lost and close_date in the
# quarter; won value = sum of close_value of the won deals; cycle = median of
# close_date - engage_date in days over the won deals.
# Darcel Schlecht 2017-Q2: 96 won, 60 lost, 310,075 won, median cycle 42 days.
# Darcel Schlecht 2017-Q4: 94 won, 65 lost, 357,666 won, median 41 days.
# Moses Frase 2017-Q2: 43 won, 26 lost, 76,956 won, median 81 days.
# Moses Frase 2017-Q4: 36 won, 17 lost, 66,224 won, median 74 days.
BY_HAND = {
    ("Darcel Schlecht", "2017-Q2"): (96, 60, 310_075.0, 42.0),
    ("Darcel Schlecht", "2017-Q4"): (94, 65, 357_666.0, 41.0),
    ("Moses Frase", "2017-Q2"): (43, 26, 76_956.0, 81.0),
    ("Moses Frase", "2017-Q4"): (36, 17, 66_224.0, 74.0),
}


@pytest.fixture(scope="module")
def maven_home(tmp_path_factory) -> Path:
    """A home built with the README's commands, run as a user runs them."""
    if not MAVEN.exists():
        pytest.skip("shared/realdata is beside the checkout")
    home = tmp_path_factory.mktemp("maven")
    shutil.copy(EXAMPLE / "settings.yml", home / "settings.yml")
    env = {**os.environ, "SCORECARD_HOME": str(home)}
    commands = [
        [SCORECARD, "ingest", "--landing", str(MAVEN), "--mapping", str(EXAMPLE / "mapping.yml")],
        [SCORECARD, "build"],
        [SCORECARD, "coverage", "--quarter", "2017-Q2"],
        [SCORECARD, "report", "--quarter", "2017-Q4"],
    ]
    outputs = []
    for command in commands:
        done = subprocess.run(command, env=env, cwd=PROJECT_ROOT, capture_output=True,
                              text=True, timeout=900)  # fmt: skip
        assert done.returncode == 0, (command, done.stdout[-3000:], done.stderr[-3000:])
        outputs.append(done.stdout + done.stderr)
    (home / "coverage.txt").write_text(outputs[2], encoding="utf-8")
    (home / "build.txt").write_text(outputs[1], encoding="utf-8")
    return home


def _query(home: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(home / "serving" / "scorecard.duckdb"), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def test_the_figures_match_the_export_computed_by_hand(maven_home):
    for (agent, quarter), (won, lost, value, cycle) in BY_HAND.items():
        rows = dict(_query(maven_home, """
            select indicator_code, indicator_value from marts.fct_indicator_values
            where employee_id = ? and period_grain = 'quarter' and period_key = ?
                and indicator_code in
                    ('win_rate', 'deals_won', 'won_deal_value', 'sales_cycle_days')
        """, [agent, quarter]))  # fmt: skip
        assert rows["win_rate"] == pytest.approx(won / (won + lost), abs=1e-12), (agent, quarter)
        assert rows["deals_won"] == won
        assert rows["won_deal_value"] == pytest.approx(value, abs=1e-6)
        assert rows["sales_cycle_days"] == cycle


def test_only_the_quarters_the_data_reaches_are_scored(maven_home):
    statuses = _query(maven_home, """
        select fiscal_quarter, scorecard_status, count(*) from marts.fct_scorecards
        group by all order by all
    """)  # fmt: skip
    # Deals close from 2017-03-01: Q1 is covered for one month of three (measured 1/3).
    assert statuses == [
        ("2017-Q1", "insufficient_data", 30), ("2017-Q1", "no_activity", 5),
        ("2017-Q2", "no_activity", 5), ("2017-Q2", "scored", 30),
        ("2017-Q3", "no_activity", 5), ("2017-Q3", "scored", 30),
        ("2017-Q4", "no_activity", 5), ("2017-Q4", "scored", 30),
    ]  # fmt: skip
    idle = _query(maven_home, """
        select distinct employee_id from marts.fct_scorecards
        where scorecard_status = 'no_activity' order by 1
    """)  # fmt: skip
    assert [e for (e,) in idle] == WITHOUT_DEALS
    # No period after the data horizon (2017-12-31), whatever today's date.
    assert _query(maven_home, "select max(period_end_date) from marts.fct_indicator_values") == [
        (dt.date(2017, 12, 31),)
    ]


def test_nobody_is_banded_red_or_a_pip_on_data_the_export_lacks(maven_home):
    unfair = _query(maven_home, """
        select count(*) from marts.fct_scorecards
        where scorecard_status in ('insufficient_data', 'no_activity')
            and (band_code is not null or traffic_light is not null or is_pip_candidate
                or overall_score is not null or rank_in_role is not null or is_bonus_eligible)
    """)  # fmt: skip
    assert unfair == [(0,)]
    assert _query(maven_home, """
        select count(*) from marts.fct_scorecards
        where measured_weight < 0.7 and band_code is not null
    """) == [(0,)]  # fmt: skip
    # An indicator whose source the export does not have is null with the reason, never 0.
    orders = _query(maven_home, """
        select count(*), count(indicator_value), min(null_reason), max(null_reason)
        from marts.fct_indicator_values where indicator_code = 'new_customers'
    """)  # fmt: skip
    reason = "not measured: no crm.orders data delivered for this period"
    assert orders[0][1:] == (0, reason, reason) and orders[0][0] > 0


def test_coverage_and_the_report_say_what_was_delivered(maven_home):
    coverage = (maven_home / "coverage.txt").read_text(encoding="utf-8")
    assert "2017-Q2  scorecards: 5 no_activity, 30 scored" in coverage
    opportunities = next(line for line in coverage.splitlines() if "crm.opportunities" in line)
    assert opportunities.split() == ["crm.opportunities", "2,032", "2017-04-01", "2017-06-30",
                                     "complete"]  # fmt: skip
    orders = next(line for line in coverage.splitlines() if "crm.orders" in line)
    assert orders.split() == ["crm.orders", "0", "-", "-", "not", "delivered"]
    assert "role crm_sales_rep: 100% of the template's weight measurable" in coverage
    report = (maven_home / "reports" / "scorecard-2017-Q4.html").read_text(encoding="utf-8")
    assert "<h3>Data coverage</h3>" in report
    assert "<td>no activity</td><td class=num>5</td>" in report


def test_reporting_in_the_exports_currency_converts_every_amount(maven_home):
    """The example's settings report in USD, the export's currency: nothing unconverted,
    and the build prints no FX warning."""
    assert _query(maven_home, "select count(*) from marts.fct_unconverted_amounts") == [(0,)]
    assert "no FX rate" not in (maven_home / "build.txt").read_text(encoding="utf-8")


def test_an_amount_without_a_rate_is_named_with_its_currency_table_rows_and_dates():
    from scorecard.coverage import UnconvertedAmounts

    found = UnconvertedAmounts("crm.opportunities", "USD", "EUR", 6711,
                               dt.date(2017, 3, 1),
                               dt.date(2017, 12, 31))  # fmt: skip
    assert found.warning().startswith(
        "no FX rate from USD to EUR for 6,711 crm.opportunities rows dated 2017-03-01 to "
        "2017-12-31: their amounts are not converted"
    )
