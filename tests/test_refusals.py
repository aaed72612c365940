"""Refusals that lead to the fix (issue 22, point 5): one line per distinct cause, repeated
causes collapsed with a count, the most actionable first, each with its command.

The collapsing is unit-tested on hand-made causes; `check`, `publish` and
`publish-preliminary` are tested through the CLI, `certify` on a copy of the demo
warehouse after an ingest that makes every raw suite stale.
"""

from __future__ import annotations

import datetime as dt

import pytest
from typer.testing import CliRunner

from scorecard import build, quality, refusals
from scorecard.build import BuildResult
from scorecard.certification import certify as certify_module
from scorecard.certification.certify import certify_quarter, publish_preliminary
from scorecard.cli import app
from scorecard.errors import UserError
from scorecard.paths import Paths
from scorecard.quality.history import CheckRun, Outcome
from scorecard.quality.raw_suites import SUITES_DIR
from scorecard.refusals import Cause, collapse, refusal
from tests.conftest import copy_home

HR = "Hanna Berg (HR)"


def _stale(suite: str) -> Cause:
    return Cause(f"{suite} last ran at 2026-10-01 09:00:00, before the data changed at "
                 "2026-10-02 09:00:00", "run `scorecard check`", subject=suite,
                 group="raw suites ran before the last ingest", rank=refusals.RECHECK)  # fmt: skip


# -- the helper ------------------------------------------------------------------------


def test_a_group_collapses_into_one_counted_line_after_the_fix_that_clears_it():
    suites = [f"raw.crm__t{i:02d}" for i in range(25)]
    build = Cause("1 batch(es) were ingested after the published build (hr/appeals.csv)",
                  "run `scorecard build`", rank=refusals.REBUILD)  # fmt: skip
    lines = collapse([*map(_stale, suites), build])
    assert lines == [
        "1 batch(es) were ingested after the published build (hr/appeals.csv): "
        "run `scorecard build`",
        "25 raw suites ran before the last ingest (raw.crm__t00, raw.crm__t01, raw.crm__t02 "
        "and 22 more): run `scorecard check`",
    ]


def test_one_cause_of_a_group_keeps_its_own_line_and_plain_strings_are_causes():
    prefixed = _stale("raw.hr__employees").prefixed("data quality: ")
    assert collapse(["quarter has not ended", prefixed, "quarter has not ended"]) == [
        "data quality: raw.hr__employees last ran at 2026-10-01 09:00:00, before the data "
        "changed at 2026-10-02 09:00:00: run `scorecard check`",
        "quarter has not ended (2 times)",  # plain strings rank as CORRECT, after RECHECK
    ]
    assert collapse([_stale("raw.a").prefixed("dq: "), _stale("raw.b").prefixed("dq: ")]) == [
        "dq: 2 raw suites ran before the last ingest (raw.a, raw.b): run `scorecard check`"
    ]


def test_a_refusal_is_one_line_for_one_cause_and_one_line_per_cause_otherwise():
    assert str(refusal("cannot certify 2026-Q3", ["a"])) == "cannot certify 2026-Q3: a"
    wait = Cause("2026-Q4 has not ended", rank=refusals.WAIT)
    decide = Cause("1 appeal(s) still open", "decide it", rank=refusals.DECIDE)
    assert str(refusal("cannot certify 2026-Q4", [wait, decide])) == (
        "cannot certify 2026-Q4 (2 causes):\n"
        "  - 1 appeal(s) still open: decide it\n"
        "  - 2026-Q4 has not ended"
    )


# -- check, publish, publish-preliminary ------------------------------------------------


def _failed(suite: str, table: str, column: str, expectation: str) -> Outcome:
    return Outcome(suite=suite, table_name=table, expectation=expectation, column_name=column,
                   severity="critical", success=False, unexpected_count=2)  # fmt: skip


def test_check_names_each_distinct_failure_once_with_its_fix(monkeypatch, tmp_path):
    """Three raw tables fail one expectation, one mart another: two lines, not one
    "First: ..." that hides the rest."""
    now = dt.datetime(2026, 10, 2, 9, 0)
    outcomes = [
        _failed(f"raw.crm__{t}", f"crm.{t}", "id", "values are not null")
        for t in ("orders", "accounts", "activities")
    ] + [_failed("marts.fct_scorecards", "marts.fct_scorecards", "band_code", "band in force")]
    run = CheckRun("r1", now, now, ["raw.crm__orders"], outcomes)
    monkeypatch.setattr(quality, "run_checks", lambda *args, **kwargs: run)
    result = CliRunner().invoke(app, ["check", "--home", str(tmp_path)])
    assert result.exit_code == 1
    error = result.output[result.output.index("error:") :]
    assert error.splitlines() == [
        "error: 4 critical expectation(s) failed, which blocks publishing and certification "
        "(2 causes):",
        '  - 3 failures of "values are not null" (crm.orders.id, crm.accounts.id, '
        "crm.activities.id): correct the rows in a new landing file, `scorecard ingest` it, "
        "then `scorecard build`",
        "  - [critical] marts.fct_scorecards.band_code: band in force failed (2 unexpected): "
        "correct the model or the data behind it, then run `scorecard build`",
    ]


def test_publish_lists_every_blocker_not_the_first_and_a_count(monkeypatch, tmp_path):
    found = [_stale("marts.fct_scorecards"), _stale("marts.fct_scorecard_lines"),
             Cause("critical data-quality failure: x", "run `scorecard build`")]  # fmt: skip
    monkeypatch.setattr(quality, "blockers", lambda paths, suites: found)
    result = CliRunner().invoke(app, ["publish", "--home", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output.splitlines()[-3:] == [
        "error: not publishing (2 causes):",
        "  - 2 raw suites ran before the last ingest (marts.fct_scorecards, "
        "marts.fct_scorecard_lines): run `scorecard check`",
        "  - critical data-quality failure: x: run `scorecard build`",
    ]


def test_a_failed_dbt_build_names_every_failed_node_with_its_fix(tmp_path, monkeypatch):
    """Four failed nodes: four lines (the old message showed three and "(and 1 more)")."""
    project = tmp_path / "project"
    (project / "models").mkdir(parents=True)
    (project / "dbt_project.yml").write_text("name: p\n")
    failures = [f"test.p.unique_m{i}_id: Got 2 results" for i in range(3)] + ["model.p.m: boom"]
    monkeypatch.setattr(build, "run_dbt",
                        lambda *args, **kwargs: BuildResult(nodes=4, failures=list(failures)))  # fmt: skip
    with pytest.raises(UserError) as info:
        build.build_warehouse(Paths.from_env(tmp_path / "home"), project_dir=project)
    data_fix = ("correct the data (a new landing file, `scorecard ingest`) or the model, "
                "then run `scorecard build`")  # fmt: skip
    assert str(info.value).splitlines() == [
        "dbt build failed on 4 node(s) (4 causes):",
        *(f"  - test.p.unique_m{i}_id: Got 2 results: {data_fix}" for i in range(3)),
        "  - model.p.m: boom: correct the model or the settings, then run `scorecard build`",
    ]


@pytest.mark.slow
def test_publish_preliminary_names_both_causes(demo_home, tmp_path):
    home = copy_home(demo_home, tmp_path / "home")
    with pytest.raises(UserError) as info:
        publish_preliminary(home, "2030-Q4", HR, today=dt.date(2026, 11, 22))
    assert str(info.value) == (
        "cannot publish 2030-Q4 for review (2 causes):\n"
        "  - it has not ended (last day 2030-12-31, today 2026-11-22)\n"
        "  - no scorecards for 2030-Q4 in the published marts (only closed quarters are "
        "scored): run `scorecard build` after the quarter's last day"
    )


# -- certify ---------------------------------------------------------------------------


@pytest.mark.slow
def test_certify_after_an_ingest_puts_the_build_first_and_counts_the_stale_suites(
    demo_home, tmp_path, monkeypatch
):
    """The issue's case: one appeal ingested after the build made every raw suite stale;
    the refusal was 25 "last ran ... run `scorecard check`" and the build at the end."""
    monkeypatch.setattr(certify_module, "_unscored_blocker", lambda unscored, quarter: [])
    home = copy_home(demo_home, tmp_path / "home")
    quarter = "2026-Q2"  # closed, no open appeals in the demo
    publish_preliminary(home, quarter, HR)
    added = CliRunner().invoke(app, [
        "appeal", "add", "--home", str(home.home), "--employee", "E-00004", "--quarter",
        quarter, "--reason", "visits missing", "--by", "E-00004",
    ])  # fmt: skip
    assert added.exit_code == 0, added.output
    appeal_id = added.output.split()[1]
    with pytest.raises(UserError) as info:
        certify_quarter(home, quarter, HR)
    raw_suites = sorted(p.stem for p in (SUITES_DIR / "raw").glob("*.json"))
    assert len(raw_suites) == 26  # 25 raw tables + raw.load_health (expectations/raw)
    lines = str(info.value).splitlines()
    assert lines[0] == "cannot certify 2026-Q2 (3 causes):"
    assert lines[1] == ("  - 1 batch(es) were ingested after the published build "
                        "(hr/appeals.csv): run `scorecard build` so that the results "
                        "include them")  # fmt: skip
    assert lines[2].startswith("  - data quality: 26 raw suites ran before the last ingest (")
    assert lines[2].endswith("and 23 more): run `scorecard check`")
    assert lines[3].startswith(
        f"  - 1 appeal(s) still open for 2026-Q2: {appeal_id} "
        "(E-00004, overall): decide each with `scorecard appeal resolve"
    )
    assert str(info.value).count("scorecard check") == 1
