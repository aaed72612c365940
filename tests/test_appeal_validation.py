"""Appeals that always do what they say (issue 22, point 4): `appeal add` refuses what no
build could apply, `appeal list` shows every appeal, certify names open appeals with
employee and indicator, and an accepted appeal whose line left the scorecard blocks
certification instead of vanishing.

Expectations are read off the demo at scale 0.05 by hand: E-00004 is a sales_rep in
every quarter from 2024-Q4 to 2026-Q3 (template lines in seeds/role_templates.csv:
new_customers, sales_revenue, visit_frequency, win_rate); the demo's appeals are
AP-00001..AP-00008, of which AP-00008 (E-00019, new_customers, 2026-Q3) is still open.
"""

from __future__ import annotations

import csv
import datetime as dt
import re

import duckdb
import pytest
from typer.testing import CliRunner

from scorecard.certification import certify as certify_module
from scorecard.certification.appeals import add_appeal, latest_appeals, list_appeals
from scorecard.certification.certify import certify_quarter, publish_preliminary
from scorecard.cli import app
from scorecard.errors import UserError
from scorecard.generate import generate_company
from scorecard.paths import PROJECT_ROOT, Paths
from tests.conftest import copy_home

HR = "Hanna Berg (HR)"
E4_LINES = "new_customers, sales_revenue, visit_frequency, win_rate"
QUARTERS = "2024-Q4, 2025-Q1, 2025-Q2, 2025-Q3, 2025-Q4, 2026-Q1, 2026-Q2, 2026-Q3"


@pytest.fixture
def gates_off(monkeypatch):
    """The data-quality and unscored gates have their own tests (test_certification.py)."""
    monkeypatch.setattr(certify_module, "_quality_blockers", lambda paths: [])
    monkeypatch.setattr(certify_module, "_unscored_blocker", lambda unscored, quarter: [])


@pytest.fixture
def home(demo_home, tmp_path) -> Paths:
    return copy_home(demo_home, tmp_path / "home")


def _add(home: Paths, *args: str):
    return CliRunner().invoke(app, ["appeal", "add", "--home", str(home.home), "--reason",
                                    "visits missing", "--by", "E-00004", *args])  # fmt: skip


def _refusal(home: Paths, quarter: str) -> str:
    with pytest.raises(UserError) as info:
        certify_quarter(home, quarter, HR)
    return str(info.value)


# -- appeal add --------------------------------------------------------------------------


@pytest.mark.slow
def test_appeal_add_refuses_on_one_line_what_no_build_could_apply(home, gates_off):
    publish_preliminary(home, "2026-Q2", HR)
    certify_quarter(home, "2026-Q2", HR)
    cases = [
        (["--employee", "E-99999", "--quarter", "2026-Q3"],
         "no employee 'E-99999' in the warehouse: give an employee id of hr.employees, "
         "e.g. E-00004"),
        (["--employee", "E-00004", "--quarter", "2019-Q3"],
         f"E-00004 has no scorecard in 2019-Q3: quarters with one: {QUARTERS}"),
        (["--employee", "E-00004", "--quarter", "2026-Q3", "--indicator", "win_rat"],
         f"'win_rat' is not a line of E-00004's 2026-Q3 scorecard: give one of {E4_LINES}, "
         "or no --indicator for the overall score"),
        (["--employee", "E-00004", "--quarter", "2026-Q2", "--indicator", "win_rate"],
         "2026-Q2 is certified (revision 1 by Hanna Berg (HR)): its results are frozen and an "
         "appeal would change nothing; a correction is a new revision: `scorecard certify "
         "2026-Q2 --revise --reason TEXT --by NAME`"),
    ]  # fmt: skip
    for args, expected in cases:
        result = _add(home, *args)
        assert result.exit_code == 1, (args, result.output)
        assert " ".join(result.output.split()) == f"error: {expected}", args
    assert not (home.home / "appeals").exists()  # nothing recorded
    assert len(latest_appeals(home)) == 8

    recorded = _add(home, "--employee", "E-00004", "--quarter", "2026-Q3",
                    "--indicator", " New_Customers ")  # fmt: skip
    assert recorded.exit_code == 0, recorded.output
    [mine] = [a for a in latest_appeals(home, "2026-Q3", "open") if a["employee_id"] == "E-00004"]
    assert mine["indicator_code"] == "new_customers"


def test_appeal_add_without_a_built_warehouse_says_build_first(paths):
    with pytest.raises(UserError) as info:
        add_appeal(paths, "E-00004", "2026-Q3", "new_customers", "r", None, "x")
    assert str(info.value) == (f"no warehouse at {paths.warehouse_db} to check the appeal "
                               "against: run `scorecard build` first")  # fmt: skip
    assert not (paths.home / "appeals").exists()


# -- appeal list -------------------------------------------------------------------------


@pytest.mark.slow
def test_appeal_list_shows_the_demo_appeals_with_who_what_and_age(demo_home):
    now = dt.datetime(2026, 11, 22, 12, 0)
    rows = list_appeals(demo_home, now=now)
    assert [r["appeal_id"] for r in rows] == [f"AP-{i:05d}" for i in range(1, 9)]
    [still_open] = list_appeals(demo_home, "2026-Q3", "open", now=now)
    # raised 2026-09-29 13:34:27; 2026-11-22 12:00 is 53 whole days later
    assert {k: still_open[k] for k in ("appeal_id", "employee_id", "indicator_code",
                                       "status", "adjustment_points", "age_days")} == {
        "appeal_id": "AP-00008", "employee_id": "E-00019", "indicator_code": "new_customers",
        "status": "open", "adjustment_points": None, "age_days": 53,
    }  # fmt: skip
    accepted = list_appeals(demo_home, status="accepted", now=now)
    # AP-00003: raised 2025-07-07 09:06:05, accepted 2025-07-10 09:06:05 (3 days) +1.52
    assert [(a["appeal_id"], a["adjustment_points"], a["decided_by"], a["age_days"])
            for a in accepted] == [("AP-00003", 1.52, "Marc Olsen", 3),
                                   ("AP-00004", 2.46, "Aisha Rahman", 13)]  # fmt: skip
    assert [r["indicator_code"] for r in list_appeals(demo_home, "2026-Q2")] == [None]

    runner, h = CliRunner(), ["--home", str(demo_home.home)]
    shown = runner.invoke(app, ["appeal", "list", "--quarter", "2026-Q3", "--status", "open", *h])
    assert shown.exit_code == 0, shown.output
    header, row, summary = shown.output.splitlines()
    assert header.split()[:4] == ["appeal", "employee", "quarter", "indicator"]
    assert row.split()[:6] == ["AP-00008", "E-00019", "2026-Q3", "new_customers", "-", "open"]
    assert row.endswith("Credit note booked against my revenue belongs to another team.")
    assert summary == "1 appeal(s): 1 open"
    overall = runner.invoke(app, ["appeal", "list", "--quarter", "2026-Q2", *h])
    assert overall.output.splitlines()[1].split()[:5] == [
        "AP-00007", "E-00026", "2026-Q2", "overall", "-"]  # fmt: skip
    refused = runner.invoke(app, ["appeal", "list", "--status", "pending", *h])
    assert refused.exit_code == 1
    assert "--status must be one of open, accepted, rejected, got 'pending'" in refused.output


@pytest.mark.slow
def test_every_seeded_demo_appeal_names_a_line_of_the_scorecard(demo_home):
    """The generator drew appeal indicators from the target plans (collection_rate for an
    account manager, sales_revenue for a new-customer developer): accepted ones would
    have changed nothing."""
    with duckdb.connect(str(demo_home.warehouse_db), read_only=True) as con:
        strays = con.execute("""
            select appeals.appeal_id from staging.stg_hr__appeals as appeals
            where appeals.indicator_code is not null and not exists (
                select 1 from marts.fct_scorecard_lines as lines
                where lines.employee_id = appeals.employee_id
                    and lines.fiscal_quarter = appeals.fiscal_quarter
                    and lines.indicator_code = appeals.indicator_code)
        """).fetchall()  # fmt: skip
    assert strays == []


# -- certify -----------------------------------------------------------------------------


@pytest.mark.slow
def test_certify_names_the_open_appeal_with_employee_indicator_and_the_fix(home, gates_off):
    publish_preliminary(home, "2026-Q3", HR)
    assert _refusal(home, "2026-Q3") == (
        "cannot certify 2026-Q3: 1 appeal(s) still open for 2026-Q3: AP-00008 (E-00019, "
        "new_customers): decide each with `scorecard appeal resolve ID --decision accepted "
        "--points N` or `--decision rejected`, with --reason TEXT --by NAME, then run "
        "`scorecard build` (`scorecard appeal list --quarter 2026-Q3 --status open` lists them)"
    )


@pytest.mark.slow
def test_an_accepted_appeal_whose_line_left_the_scorecard_blocks_certification(home, gates_off):
    runner, h = CliRunner(), ["--home", str(home.home)]
    added = _add(home, "--employee", "E-00004", "--quarter", "2026-Q2", "--indicator", "win_rate")
    assert added.exit_code == 0, added.output
    appeal_id = added.output.split()[1]
    resolved = runner.invoke(app, ["appeal", "resolve", appeal_id, "--decision", "accepted",
                                   "--points", "2.5", "--reason", "CRM outage", "--by", HR, *h])  # fmt: skip
    assert resolved.exit_code == 0, resolved.output
    final = runner.invoke(app, ["appeal", "resolve", appeal_id, "--decision", "rejected",
                                "--reason", "changed my mind", "--by", HR, *h])  # fmt: skip
    assert "a decision is final" in final.output  # it applies: the decision stands

    # The template of a sales_rep loses win_rate (a rebuild under a corrected template):
    # the line is no longer on E-00004's 2026-Q2 scorecard, in the warehouse and served.
    for database in (home.warehouse_db, home.serving_db):
        with duckdb.connect(str(database)) as con:
            con.execute("delete from marts.fct_scorecard_lines where employee_id = 'E-00004' "
                        "and fiscal_quarter = '2026-Q2' and indicator_code = 'win_rate'")  # fmt: skip
    publish_preliminary(home, "2026-Q2", HR)
    message = _refusal(home, "2026-Q2")
    assert (f"  - accepted appeal {appeal_id} (E-00004, win_rate, +2.5 points) matches no line "
            "of E-00004's 2026-Q2 scorecard (lines: new_customers, sales_revenue, "
            "visit_frequency), so it changes no score: reject it with `scorecard appeal "
            f"resolve {appeal_id} --decision rejected --reason TEXT --by NAME` and raise it "
            "again on a line of the scorecard") in message.splitlines()  # fmt: skip

    withdrawn = runner.invoke(app, ["appeal", "resolve", appeal_id, "--decision", "rejected",
                                    "--reason", "line left the template", "--by", HR, *h])  # fmt: skip
    assert withdrawn.exit_code == 0, withdrawn.output
    assert "accepted appeal" not in _refusal(home, "2026-Q2")  # only the rebuild is left


# -- README ------------------------------------------------------------------------------


def test_the_readme_appeal_example_names_a_line_of_the_employee_in_make_demo(tmp_path):
    """`make demo` (Makefile SCALE) makes E-00004 a new_customer_developer in 2026-Q3 (from
    2025-07-17 on); the README once appealed win_rate, which that template lacks."""
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    employee, quarter, indicator = re.search(
        r"appeal add --employee (\S+) --quarter (\S+) --indicator (\S+)", readme).groups()  # fmt: skip
    scale = re.search(r"^SCALE \?= (\S+)$", (PROJECT_ROOT / "Makefile").read_text(), re.M)[1]
    generate_company(tmp_path, scale=float(scale))
    with (tmp_path / "hr" / "role_assignments.csv").open(newline="") as handle:
        [role] = [r["role_code"] for r in csv.DictReader(handle)
                  if r["employee_id"] == employee and r["valid_from"] <= "2026-09-30"
                  and (r["valid_to"] or "9999") >= "2026-07-01"]  # fmt: skip
    assert (employee, quarter, role) == ("E-00004", "2026-Q3", "new_customer_developer")
    with (PROJECT_ROOT / "seeds" / "role_templates.csv").open(newline="") as handle:
        lines = {r["indicator_code"] for r in csv.DictReader(handle) if r["role_code"] == role}
    assert indicator in lines, (indicator, sorted(lines))
