"""A home's settings (<home>/settings.yml): checked one problem per line, merged over the
defaults of dbt_project.yml, and given to every dbt run as --vars."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest
import yaml
from typer.testing import CliRunner

from scorecard import build
from scorecard.build import BuildResult, build_warehouse, run_dbt, with_settings
from scorecard.cli import app
from scorecard.errors import UserError
from scorecard.paths import PROJECT_ROOT, Paths
from scorecard.settings import DEFAULT, KINDS, NOT_SETTABLE, effective, file_settings

runner = CliRunner()

# A stand-in dbt project: defaults and seeds the expectations below are computed from.
PROJECT_YML = """\
name: p
vars:
  reporting_currency: EUR
  fiscal_year_start_month: 1
  calendar_start: "2020-01-01"
  calendar_end: 2031-01-01
  role_change_rule: event_date
  rater_blend_code: default
  pseudonym_salt: dev-salt
  require_pseudonym_salt: false
  definitions_as_of: null
  scoring_start_date: null
  bonus_pool_rule_code: default
  calibration_min_scorecards: 3
  scorecard_band_codes: [excellent, pass, fail]
  scoring_rule_set: default
  as_of_date: null
  min_measured_weight: 0.7
"""
SEEDS = {
    "rater_group_weights.csv": "blend_code,version,rater_group,weight\n"
    "default,1,peer,0.5\ndefault,1,superior,0.5\nsales_heavy,1,customer,1.0\n",
    "bonus_pool_rules.csv": "rule_code,version\ndefault,1\n",
    "scoring_rules.csv": "rule_set,version\ndefault,1\nstrict,1\n",
    "score_bands.csv": "band_code,version,min_score\nexcellent,1,90\npass,1,80\nfail,1,0\n",
}
SETTINGS = (
    "reporting_currency, fiscal_year_start_month, calendar_start, calendar_end, "
    "role_change_rule, rater_blend_code, require_pseudonym_salt, scoring_start_date, "
    "bonus_pool_rule_code, calibration_min_scorecards, scorecard_band_codes, "
    "scoring_rule_set, as_of_date, min_measured_weight"
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "seeds").mkdir(parents=True)
    (root / "models").mkdir()
    (root / "dbt_project.yml").write_text(PROJECT_YML, encoding="utf-8")
    for name, text in SEEDS.items():
        (root / "seeds" / name).write_text(text, encoding="utf-8")
    return root


def write_settings(paths: Paths, text: str) -> Path:
    paths.home.mkdir(parents=True, exist_ok=True)
    paths.settings_file.write_text(text, encoding="utf-8")
    return paths.settings_file


def problem(paths: Paths, project: Path, text: str) -> str:
    write_settings(paths, text)
    with pytest.raises(UserError) as raised:
        file_settings(paths, project)
    message = str(raised.value)
    assert "\n" not in message
    return message


# --- loading ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [None, "", "# nothing set yet\n"])
def test_a_missing_or_empty_file_means_every_default(paths, project, text):
    if text is not None:
        write_settings(paths, text)
    settings = effective(paths, project)
    assert ", ".join(settings) == SETTINGS
    assert {s.origin for s in settings.values()} == {DEFAULT}
    assert settings["reporting_currency"].value == "EUR"
    assert settings["fiscal_year_start_month"].value == 1
    assert settings["calendar_end"].value == "2031-01-01"  # an unquoted YAML date, as text
    assert settings["scoring_start_date"].value is None
    assert settings["scorecard_band_codes"].value == ["excellent", "pass", "fail"]
    assert settings["min_measured_weight"].value == 0.7
    assert file_settings(paths, project) == {}


def test_a_file_sets_several_keys_and_the_rest_stay_defaults(paths, project):
    path = write_settings(paths, (
        "fiscal_year_start_month: 4\n"
        "reporting_currency: USD\n"
        "as_of_date: 2026-09-30\n"
        "scoring_start_date: null\n"
        "rater_blend_code: sales_heavy\n"
        "scorecard_band_codes: [excellent, fail]\n"
        "min_measured_weight: 1\n"
        "require_pseudonym_salt: true\n"
    ))  # fmt: skip
    assert file_settings(paths, project) == {
        "fiscal_year_start_month": 4,
        "reporting_currency": "USD",
        "as_of_date": "2026-09-30",
        "scoring_start_date": None,
        "rater_blend_code": "sales_heavy",
        "scorecard_band_codes": ["excellent", "fail"],
        "min_measured_weight": 1.0,
        "require_pseudonym_salt": True,
    }
    settings = effective(paths, project)
    assert settings["fiscal_year_start_month"].value == 4
    assert settings["fiscal_year_start_month"].origin == str(path)
    assert settings["min_measured_weight"].value == 1.0
    assert settings["role_change_rule"].value == "event_date"
    assert settings["role_change_rule"].origin == DEFAULT
    assert settings["calendar_start"].value == "2020-01-01"
    from_file = {name for name, s in settings.items() if s.origin == str(path)}
    assert from_file == {
        "fiscal_year_start_month", "reporting_currency", "as_of_date", "scoring_start_date",
        "rater_blend_code", "scorecard_band_codes", "min_measured_weight",
        "require_pseudonym_salt",
    }  # fmt: skip


# --- one line per problem --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("fiscal_year_start_month: 13", "fiscal_year_start_month: 13 is not allowed (a month number 1-12)"),
        ("fiscal_year_start_month: '4'", "fiscal_year_start_month: '4' is not allowed (a month number 1-12)"),
        ("reporting_currency: usd", "reporting_currency: usd is not allowed (a 3-letter uppercase currency code, e.g. EUR)"),
        ("reporting_currency: EURO", "reporting_currency: EURO is not allowed (a 3-letter uppercase currency code, e.g. EUR)"),
        ("as_of_date: 2026-02-30", "as_of_date: 2026-02-30 is not allowed (a date YYYY-MM-DD, or null)"),
        ("as_of_date: 30.09.2026", "as_of_date: 30.09.2026 is not allowed (a date YYYY-MM-DD, or null)"),
        ("calendar_start: null", "calendar_start: null is not allowed (a date YYYY-MM-DD)"),
        ("role_change_rule: whenever", "role_change_rule: whenever is not allowed (one of event_date, period_end)"),
        ("rater_blend_code: nope", "rater_blend_code: nope is not allowed (a blend_code of seeds/rater_group_weights.csv: default, sales_heavy)"),
        ("bonus_pool_rule_code: ''", "bonus_pool_rule_code: '' is not allowed (a rule_code of seeds/bonus_pool_rules.csv: default)"),
        ("scoring_rule_set: 7", "scoring_rule_set: 7 is not allowed (a rule_set of seeds/scoring_rules.csv: default, strict)"),
        ("calibration_min_scorecards: 0", "calibration_min_scorecards: 0 is not allowed (a whole number >= 1)"),
        ("calibration_min_scorecards: 2.5", "calibration_min_scorecards: 2.5 is not allowed (a whole number >= 1)"),
        ("scorecard_band_codes: [excellent, gold]", "scorecard_band_codes: [excellent, gold] is not allowed (a list of band_codes of seeds/score_bands.csv, each once: excellent, fail, pass)"),
        ("scorecard_band_codes: [pass, pass]", "scorecard_band_codes: [pass, pass] is not allowed (a list of band_codes of seeds/score_bands.csv, each once: excellent, fail, pass)"),
        ("scorecard_band_codes: pass", "scorecard_band_codes: pass is not allowed (a list of band_codes of seeds/score_bands.csv, each once: excellent, fail, pass)"),
        ("require_pseudonym_salt: 'yes'", "require_pseudonym_salt: 'yes' is not allowed (true or false)"),
        ("min_measured_weight: 0", "min_measured_weight: 0 is not allowed (a number greater than 0 and at most 1)"),
        ("min_measured_weight: 1.5", "min_measured_weight: 1.5 is not allowed (a number greater than 0 and at most 1)"),
        ("min_measured_weight: true", "min_measured_weight: true is not allowed (a number greater than 0 and at most 1)"),
    ],
)  # fmt: skip
def test_a_bad_value_is_one_line_naming_file_key_value_and_what_is_allowed(
    paths, project, line, expected
):
    assert problem(paths, project, line + "\n") == f"{paths.settings_file}: {expected}"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("colour: blue", f"colour is not a setting (settings: {SETTINGS})"),
        ("pseudonym_salt: s3cret", "pseudonym_salt is not a setting (a secret: set the environment variable SCORECARD_PSEUDONYM_SALT)"),
        ("definitions_as_of: 2026-01-01", "definitions_as_of is not a setting (a replay's own: `scorecard replay --definitions-at`)"),
    ],
)  # fmt: skip
def test_an_unknown_or_unsettable_key_is_one_line(paths, project, line, expected):
    assert problem(paths, project, line + "\n") == f"{paths.settings_file}: {expected}"


def test_several_problems_are_still_one_line_the_first_and_the_other_keys(paths, project):
    text = "reporting_currency: USD\nfiscal_year_start_month: 0\ncolour: blue\nas_of_date: x\n"
    assert problem(paths, project, text) == (
        f"{paths.settings_file}: fiscal_year_start_month: 0 is not allowed (a month number "
        "1-12) (and 2 more: colour, as_of_date)"
    )


def test_the_calendar_must_end_after_it_starts(paths, project):
    assert problem(paths, project, "calendar_end: 2019-12-31\n") == (
        f"{paths.settings_file}: calendar_end: 2019-12-31 is not allowed (calendar_start must "
        "be before calendar_end: 2020-01-01 is not before 2019-12-31)"
    )


def test_a_yaml_syntax_error_is_one_line_with_its_place(paths, project):
    message = problem(paths, project, "reporting_currency: USD\nscorecard_band_codes: [pass\n")
    assert message.startswith(f"{paths.settings_file}: not valid YAML: line 3, column 1: ")


def test_a_file_that_is_not_a_mapping_is_one_line(paths, project):
    assert problem(paths, project, "- fiscal_year_start_month: 4\n") == (
        f"{paths.settings_file}: must be a mapping of setting: value, e.g. "
        "`reporting_currency: USD`, not [{fiscal_year_start_month: 4}]"
    )


def test_every_var_of_dbt_project_yml_is_a_setting_or_deliberately_not():
    project_vars = yaml.safe_load((PROJECT_ROOT / "dbt_project.yml").read_text())["vars"]
    assert set(project_vars) == set(KINDS) | set(NOT_SETTABLE)
    assert project_vars["min_measured_weight"] == 0.7


# --- scorecard settings --------------------------------------------------------------------------


def test_the_settings_command_prints_value_and_origin_of_every_setting(paths):
    path = write_settings(paths, "fiscal_year_start_month: 4\nreporting_currency: USD\n")
    result = runner.invoke(app, ["settings", "--home", str(paths.home)])
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line.split()[1:] for line in result.stdout.splitlines()}
    assert rows["fiscal_year_start_month"] == ["4", str(path)]
    assert rows["reporting_currency"] == ["USD", str(path)]
    assert rows["role_change_rule"] == ["event_date", "default"]
    assert rows["min_measured_weight"] == ["0.7", "default"]
    assert rows["scoring_start_date"] == ["null", "default"]
    assert set(rows) >= set(KINDS)

    result = runner.invoke(app, ["settings", "--home", str(paths.home), "--json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert shown["file"] == str(path)
    assert set(shown["settings"]) == set(KINDS)
    assert shown["settings"]["fiscal_year_start_month"] == {"value": 4, "origin": str(path)}
    assert shown["settings"]["as_of_date"] == {"value": None, "origin": "default"}


def test_the_settings_command_prints_a_bad_file_as_one_error_line(paths):
    write_settings(paths, "scorecard_band_codes: [excellent, gold]\n")
    result = runner.invoke(app, ["settings", "--home", str(paths.home)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: {paths.settings_file}: scorecard_band_codes: [excellent, gold] is not "
        "allowed (a list of band_codes of seeds/score_bands.csv, each once: excellent, "
        "fail, pass)"
    ]  # the brackets are printed, not taken for rich markup


def test_a_bad_file_stops_scorecard_build_before_anything_runs(paths):
    write_settings(paths, "fiscal_year_start_month: 13\n")
    result = runner.invoke(app, ["build", "--home", str(paths.home)])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"error: {paths.settings_file}: fiscal_year_start_month: 13 is not allowed "
        "(a month number 1-12)"
    )
    assert sorted(p.name for p in paths.home.iterdir()) == ["settings.yml"]


# --- the vars dbt gets -----------------------------------------------------------------------------


def _vars(args: list[str]) -> dict:
    assert args.count("--vars") == 1
    return json.loads(args[args.index("--vars") + 1])


def test_without_a_file_the_dbt_arguments_are_unchanged(paths, project):
    args = ["build", "--vars", "{as_of_date: '2026-09-30'}", "--select", "m"]
    assert with_settings(paths, args, project) == args


def test_the_file_is_one_vars_argument_and_explicit_vars_win(paths, project):
    write_settings(paths, "fiscal_year_start_month: 4\nas_of_date: 2026-06-30\n")
    assert with_settings(paths, ["docs", "generate"], project) == [
        "docs", "generate", "--vars", '{"as_of_date": "2026-06-30", "fiscal_year_start_month": 4}',
    ]  # fmt: skip
    args = with_settings(
        paths,
        ["build", "--vars", "{as_of_date: '2026-09-30'}", "--select", "m",
         "--vars={definitions_as_of: 2026-01-01}"],
        project,
    )  # fmt: skip
    assert args[:3] == ["build", "--select", "m"]
    assert _vars(args) == {
        "as_of_date": "2026-09-30",  # the caller's, not the file's 2026-06-30
        "definitions_as_of": "2026-01-01",
        "fiscal_year_start_month": 4,
    }


def test_explicit_vars_that_are_not_a_mapping_are_an_error(paths, project):
    write_settings(paths, "fiscal_year_start_month: 4\n")
    with pytest.raises(UserError, match="--vars must be a YAML mapping"):
        with_settings(paths, ["build", "--vars", "as_of_date"], project)


def test_run_dbt_gives_every_command_the_settings(paths, monkeypatch):
    write_settings(paths, "fiscal_year_start_month: 4\n")
    commands = []

    class Started(Exception):
        pass

    def fake_popen(command, **kwargs):
        commands.append(command)
        raise Started

    monkeypatch.setattr(build.subprocess, "Popen", fake_popen)
    with pytest.raises(Started):
        run_dbt(paths, ["docs", "generate"])
    assert commands[0][3:] == [
        "docs", "generate", "--vars", '{"fiscal_year_start_month": 4}', "--log-format", "json",
    ]  # fmt: skip


@pytest.fixture
def dbt_calls(monkeypatch) -> list[list[str]]:
    calls: list[list[str]] = []

    def fake_run_dbt(paths, args, on_node=None, project_dir=None, environment=None):
        calls.append(args)
        return BuildResult(nodes=1)

    monkeypatch.setattr(build, "run_dbt", fake_run_dbt)
    return calls


def test_a_change_of_settings_rebuilds_like_a_change_of_code(paths, project, dbt_calls):
    write_settings(paths, "fiscal_year_start_month: 4\n")
    build_warehouse(paths, project_dir=project)
    build_warehouse(paths, project_dir=project)
    write_settings(paths, "fiscal_year_start_month: 7\n")
    build_warehouse(paths, project_dir=project)
    assert ["--full-refresh" in call for call in dbt_calls] == [True, False, True]
    assert [_vars(call)["fiscal_year_start_month"] for call in dbt_calls] == [4, 4, 7]


def test_a_bad_file_stops_a_build_before_dbt_runs(paths, project, dbt_calls):
    write_settings(paths, "role_change_rule: yearly\n")
    with pytest.raises(UserError, match="role_change_rule: yearly is not allowed"):
        build_warehouse(paths, project_dir=project)
    assert dbt_calls == []


def test_a_replay_builds_with_the_homes_settings_and_its_own_definitions_date(paths, monkeypatch):
    from scorecard import replay

    write_settings(paths, "fiscal_year_start_month: 4\n")
    paths.warehouse_db.parent.mkdir(parents=True)
    scorecards = (
        "create schema marts; create table marts.fct_scorecards as select 'E1' as employee_id, "
        "'A1' as assignment_id, 'rep' as role_code, 80.0 as overall_score, 'pass' as band_code, "
        "1 as rank_in_role, '2026-Q1' as fiscal_quarter"
    )
    with duckdb.connect(str(paths.warehouse_db)) as con:
        con.execute(scorecards)
    dbt_args = []

    def fake_build(scratch: Paths, extra_args, project_dir=PROJECT_ROOT):
        dbt_args.append(with_settings(scratch, extra_args, project_dir))
        scratch.warehouse_db.parent.mkdir(parents=True, exist_ok=True)
        with duckdb.connect(str(scratch.warehouse_db)) as con:
            con.execute(scorecards)

    monkeypatch.setattr(replay, "build_warehouse", fake_build)
    replay.replay(paths, "2026-Q1", "2025-01-01")
    assert _vars(dbt_args[0]) == {"definitions_as_of": "2025-01-01", "fiscal_year_start_month": 4}


def test_dagster_partitions_follow_the_homes_fiscal_year(paths):
    from orchestration.partitions import FiscalCalendar

    write_settings(paths, "fiscal_year_start_month: 2\ncalendar_start: 2020-01-15\n")
    calendar = FiscalCalendar.of(paths)
    assert calendar.start_months == "2,5,8,11"
    assert calendar.label("2026-02-01") == "2027-Q1"  # February 2026 to January 2027
    assert calendar.label("2026-11-01") == "2027-Q4"
    assert calendar.start("2027-Q4") == dt.date(2026, 11, 1)
    # From the first quarter starting on calendar_start or later, to the last closed.
    quarters = calendar.closed_quarters("2019-Q1", dt.date(2026, 11, 22))
    assert (quarters[0], quarters[-1]) == ("2021-Q1", "2027-Q3")
    assert calendar.start(quarters[0]) == dt.date(2020, 2, 1)


def test_dbt_compiles_with_the_files_settings_and_explicit_vars_first(paths):
    """A real dbt run (a parse of the project, about 20 s): dim_periods' fiscal month."""
    write_settings(paths, "fiscal_year_start_month: 4\ncalendar_end: 2030-01-01\n")
    explicit = ["--vars", "{calendar_end: '2029-01-01'}"]
    result = run_dbt(paths, ["compile", "--select", "dim_periods", *explicit])
    assert result.failures == []
    compiled = paths.home / "dbt" / "target" / "compiled" / "scorecard_warehouse" / "models"
    sql = (compiled / "marts" / "core" / "dim_periods.sql").read_text(encoding="utf-8")
    assert "mod(calendar_month - 4 + 12, 12) + 1 as fiscal_month_of_year" in sql
    assert "when 4 > 1 and calendar_month >= 4 then 1" in sql
    assert "cast('2029-01-01' as date)" in sql
    assert "2030-01-01" not in sql


@pytest.mark.slow
def test_the_demo_builds_and_passes_its_tests_with_non_default_settings(tmp_path):
    """A deployment's settings never break the build: fiscal year from April, reporting in
    USD, a pinned build date, a stricter coverage rule. Every dbt test and unit test runs
    (a new home: the whole build), and the marts follow the settings."""
    home = Paths.from_env(tmp_path / "home")
    home.home.mkdir(parents=True)
    home.settings_file.write_text(
        "fiscal_year_start_month: 4\nreporting_currency: USD\nas_of_date: 2026-09-30\n"
        "min_measured_weight: 0.8\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["demo", "--home", str(home.home), "--scale", "0.02"])
    assert result.exit_code == 0, result.output
    with duckdb.connect(str(home.serving_db), read_only=True) as con:
        # April start: fiscal 2027-Q1 is April to June 2026 (named after the year it ends).
        assert con.execute(
            "select period_start_date, period_end_date from marts.dim_periods "
            "where period_grain = 'quarter' and period_key = '2027-Q1'"
        ).fetchone() == (dt.date(2026, 4, 1), dt.date(2026, 6, 30))
        # Built as of 2026-09-30: 2027-Q2 (July to September) is the last closed quarter.
        assert con.execute("select max(fiscal_quarter) from marts.fct_scorecards").fetchone() == (
            "2027-Q2",
        )
        # Nothing banded below the stricter measured-weight rule.
        assert con.execute(
            "select count(*) from marts.fct_scorecards "
            "where measured_weight < 0.8 and band_code is not null"
        ).fetchone() == (0,)
