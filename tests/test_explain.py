"""Explain: the listed source rows recompute the mart's figures; gaps are explained."""

from __future__ import annotations

import json

import duckdb
import pytest
from typer.testing import CliRunner

from scorecard.cli import app
from scorecard.errors import UserError
from scorecard.explain import Request, explain, render_text
from scorecard.paths import Paths

pytestmark = pytest.mark.slow


@pytest.fixture
def home(demo_home):
    return demo_home


def _query(paths: Paths, sql: str) -> list[tuple]:
    with duckdb.connect(str(paths.warehouse_db), read_only=True) as con:
        return con.execute(sql).fetchall()


def _scored_line(paths: Paths, indicator: str) -> tuple[str, str]:
    """An employee and quarter whose line for the indicator has a value and source rows."""
    return _query(paths, f"""
        select lines.employee_id, lines.fiscal_quarter from marts.fct_scorecard_lines as lines
        where lines.indicator_code = '{indicator}' and lines.actual_value is not null
            and lines.denominator > 0
        order by lines.employee_id, lines.fiscal_quarter limit 1
    """)[0]  # fmt: skip


@pytest.mark.parametrize(
    ("indicator", "kind"),
    [("win_rate", "ratio"), ("first_contact_to_proposal_days", "median"),
     ("new_customers", "distinct count"), ("csat", "survey"), ("sales_revenue", "sum")],
)  # fmt: skip
def test_explained_source_rows_recompute_the_line(home, indicator, kind):
    employee, quarter = _scored_line(home, indicator)
    result = explain(home, Request(employee, quarter, indicator, limit=5))
    (card,) = [c for c in result["scorecards"] if "evidence" in c and c["lines"]][:1]
    line, evidence = card["lines"][0], card["evidence"]
    assert evidence["row_count"] > 0 and len(evidence["rows"]) == min(5, evidence["row_count"])
    if kind == "median":
        assert evidence["observation_median"] == pytest.approx(line["numerator"], rel=1e-9)
    else:
        assert evidence["numerator_total"] == pytest.approx(line["numerator"], rel=1e-9)
    if kind in ("ratio", "survey"):  # sums, counts and medians divide by a constant 1
        assert evidence["denominator_total"] == pytest.approx(line["denominator"], rel=1e-9)
    row = evidence["rows"][0]
    assert row["source_file"] and row["source_row_number"] >= 2 and row["batch_id"]


def test_the_360_blend_is_explained_from_its_reviews(home):
    employee, quarter = _query(home, """
        select employee_id, period_key from marts.fct_indicator_values
        where indicator_code = 'score_360' and period_grain = 'quarter'
            and indicator_value is not null
        order by employee_id, period_key limit 1
    """)[0]  # fmt: skip
    result = explain(home, Request(employee, quarter, "score_360"))
    card = next(c for c in result["scorecards"] if c["evidence"]["row_count"])
    assert card["evidence"]["numerator_total"] == pytest.approx(card["lines"][0]["numerator"])
    assert {r["source_table"] for r in card["evidence"]["rows"]} == {"survey.reviews_360"}


def test_a_line_without_data_says_no_rows_were_found_and_why(home):
    rows = _query(home, """
        select employee_id, fiscal_quarter, indicator_code, null_reason
        from marts.fct_scorecard_lines where line_status = 'missing_data'
        order by employee_id, fiscal_quarter, indicator_code limit 1
    """)  # fmt: skip
    employee, quarter, indicator, reason = rows[0]
    result = explain(home, Request(employee, quarter, indicator))
    card = next(c for c in result["scorecards"] if c["lines"])
    assert card["evidence"]["row_count"] == 0
    assert card["evidence"]["summary"] == f"no source rows were found: {reason}"
    assert any("missing_data" in line for line in render_text(result, detail=True))
    assert f"    Not scored: no data: {reason}." in render_text(result)


def test_decided_appeals_show_who_decided_and_hr_sees_names_bi_does_not(home):
    employee, quarter, decided_by = _query(home, """
        select appeals.employee_id, appeals.fiscal_quarter, appeals.decided_by
        from staging.stg_hr__appeals as appeals
        inner join marts.fct_scorecards as cards
            on appeals.employee_id = cards.employee_id
            and appeals.fiscal_quarter = cards.fiscal_quarter
        where appeals.appeal_status = 'accepted'
        order by 1, 2 limit 1
    """)[0]  # fmt: skip
    bi = CliRunner().invoke(app, ["explain", "--home", str(home.home), "--employee", employee,
                                  "--quarter", quarter, "--format", "json"])  # fmt: skip
    assert bi.exit_code == 0, bi.output
    payload = json.loads(bi.stdout)
    assert "employee_name" not in payload
    assert any(a["decided_by"] == decided_by and a["appeal_status"] == "accepted"
               for a in payload["appeals"])  # fmt: skip
    names = [r[0] for r in _query(home, "select full_name from staging.stg_hr__employees")]
    assert not any(name in bi.stdout for name in names)
    customers = [r[0] for r in duckdb.sql(
        f"select account_name from read_parquet('{home.raw}/crm/accounts/*/*.parquet')"
    ).fetchall() if r[0]]  # fmt: skip
    assert not any(customer in bi.stdout for customer in customers)
    hr = explain(home, Request(employee, quarter, audience="hr"))
    assert hr["employee_name"] in names


def test_unknown_employee_or_indicator_is_a_one_line_error(home):
    with pytest.raises(UserError, match="no scorecard for employee 'E-NOPE'"):
        explain(home, Request("E-NOPE", "2026-Q3"))
    employee, quarter = _scored_line(home, "win_rate")
    with pytest.raises(UserError, match="no indicator 'nope'"):
        explain(home, Request(employee, quarter, "nope"))


def test_integrity_holdouts_are_explained_and_match_the_scorecard(home):
    """The demo's planted burst is flagged, rejected and held out: explain shows the case."""
    manifest = json.loads((home.landing / "_generator_manifest.json").read_text())
    cheat = manifest["gamed"][0]
    case_id = f"INT-{cheat['employee_id']}-{cheat['month']}"
    ((quarter, orders, amount),) = _query(home, f"""
        select fiscal_quarter, held_out_orders, held_out_amount_rc from marts.fct_scorecards
        where employee_id = '{cheat['employee_id']}' and held_out_orders > 0
    """)  # fmt: skip
    # The planted orders share one IP and device; the spike rule adds the month's others.
    assert orders >= cheat["orders"]
    result = explain(home, Request(cheat["employee_id"], quarter, None, 20, "bi"))
    (case,) = result["integrity_cases"]
    assert (case["case_id"], case["review_status"], case["is_held_out"]) == (
        case_id,
        "rejected",
        True,
    )
    assert case["orders"] == orders and abs(case["amount_rc"] - amount) < 1e-6
    text = "\n".join(render_text(result))
    assert f"integrity case {case_id}" in text and "held out of scoring; rejected by" in text


def test_the_employee_reads_plain_words_and_ids_only_with_detail(home):
    employee, quarter = _scored_line(home, "win_rate")
    result = explain(home, Request(employee, quarter, "win_rate", limit=3))
    card = next(c for c in result["scorecards"] if "evidence" in c and c["evidence"]["rows"])
    plain, detail = "\n".join(render_text(result)), "\n".join(render_text(result, True))
    batch = card["evidence"]["rows"][0]["batch_id"]
    for engineer_only in (card["templates_hash"][:12], card["lines"][0]["definition_hash"][:12],
                          card["assignment_id"], batch, " den ", " obs "):  # fmt: skip
        assert engineer_only not in plain and engineer_only in detail, engineer_only
    assert "Win rate: " in plain and " out of " in plain and " x weight " in plain
    payload = json.loads(CliRunner().invoke(app, [
        "explain", "--home", str(home.home), "--employee", employee, "--quarter", quarter,
        "--indicator", "win_rate", "--format", "json"]).stdout)  # fmt: skip
    cards = [c for c in payload["scorecards"] if c["scorecard_id"] == card["scorecard_id"]]
    assert cards[0]["templates_hash"] == card["templates_hash"]
    assert cards[0]["evidence"]["rows"][0]["batch_id"] == batch
    assert cards[0]["bands"] and cards[0]["lines"][0]["in_words"]


def test_a_tiered_line_at_its_base_target_reads_target_met_100_points(home):
    """On the scale where 100 means target met: actual = base target scores exactly 100."""
    rows = _query(home, """
        select employee_id, fiscal_quarter, indicator_code, weight
        from marts.fct_scorecard_lines
        where scoring_method = 'tiered' and line_status = 'scored' and not is_adjusted
            and actual_value = base_target and challenge_target > base_target
        order by employee_id, fiscal_quarter limit 1
    """)  # fmt: skip
    assert rows, "the demo has a tiered line exactly at its base target"
    employee, quarter, indicator, weight = rows[0]
    text = render_text(explain(home, Request(employee, quarter, indicator)))
    # 100 x weight points, e.g. 100 x 0.4 = 40
    assert (
        f"    Score 100 (target met) x weight {100 * weight:g}% = {100 * weight:g} points." in text
    )
    assert any(line.startswith("    Target lines (") and "base " in line
               and " earns 100 points, challenge " in line for line in text)  # fmt: skip
