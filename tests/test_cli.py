"""The command line: help everywhere, one-line errors, machine-readable status."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from scorecard.cli import app

runner = CliRunner()
COMMANDS = [
    "generate", "ingest", "build", "publish", "demo", "status", "contract-docs", "replay",
    "explain", "bench", "bench ingest", "bench build", "bench queries", "bench incremental", "report",
    "appeal", "appeal add", "appeal resolve", "appeal list", "publish-preliminary", "certify", "certifications",
    "export", "verify-export", "check", "expectations",
    "docs", "metrics", "settings", "coverage",
    "pg-access", "pg-access grant-manager", "pg-access revoke-manager", "pg-access list",
]  # fmt: skip


def test_the_help_list_covers_every_command():
    def names(typer_app):
        return {
            c.name or c.callback.__name__.replace("_", "-") for c in typer_app.registered_commands
        }

    registered = names(app)
    for group in app.registered_groups:  # bench, appeal, pg-access
        registered |= {group.name} | {f"{group.name} {n}" for n in names(group.typer_instance)}
    assert registered == set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    result = runner.invoke(app, [*command.split(), "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_user_error_is_one_line_without_traceback(tmp_path):
    missing = tmp_path / "nowhere"
    proc = subprocess.run(
        [sys.executable, "-m", "scorecard", "ingest", "--home", str(tmp_path / "h"),
         "--landing", str(missing)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert f"error: landing directory {missing} does not exist" in " ".join(proc.stderr.split())


def test_rejected_file_gives_exit_code_2_and_names_the_file(tmp_path):
    landing = tmp_path / "landing" / "hr"
    landing.mkdir(parents=True)
    (landing / "employees.csv").write_text("employee_id\nE1\n")
    result = runner.invoke(app, ["ingest", "--home", str(tmp_path / "h"), "--landing",
                                 str(landing.parent)])  # fmt: skip
    assert result.exit_code == 2
    assert "rejected: hr/employees.csv -> hr.employees: required column 'full_name'" in " ".join(
        result.output.split()
    )


def test_status_json_lists_paths_and_last_run(tmp_path):
    home = tmp_path / "h"
    (tmp_path / "landing").mkdir()
    runner.invoke(app, ["ingest", "--home", str(home), "--landing", str(tmp_path / "landing")])
    result = runner.invoke(app, ["status", "--home", str(home), "--json"])
    info = json.loads(result.stdout)
    assert info["warehouse"] == str(home / "warehouse" / "scorecard.duckdb")
    assert info["serving_database"] == str(home / "serving" / "scorecard.duckdb")
    assert info["parquet"] == str(home / "serving" / "parquet")
    assert info["last_report"] is None
    assert info["last_run"]["command"] == "ingest" and info["last_run"]["status"] == "succeeded"
    assert info["last_run"]["steps"][0]["detail"] == "0 loaded, 0 quarantined"


def _scorecard(*args: str) -> subprocess.CompletedProcess:
    """The CLI as a user runs it with its output piped (not a terminal)."""
    return subprocess.run([sys.executable, "-m", "scorecard", *args], capture_output=True,
                          text=True)  # fmt: skip


def test_version_and_help_follow_conventions():
    from scorecard import __version__

    assert runner.invoke(app, ["--version"]).output == f"scorecard {__version__}\n"
    status = runner.invoke(app, ["status", "--help"]).output
    assert "--json " in status and "<bool>" not in status  # a switch, not a value
    export = " ".join(runner.invoke(app, ["export", "--help"]).output.split())
    assert "--format [xlsx|csv|parquet]" in export
    explain = " ".join(runner.invoke(app, ["explain", "--help"]).output.split())
    assert "--format [text|json]" in explain and "--audience [bi|hr]" in explain
    resolve = " ".join(runner.invoke(app, ["appeal", "resolve", "--help"]).output.split())
    assert "--decision [accepted|rejected]" in resolve
    # one --scale default: the demo's 0.1 everywhere
    for command in ("generate", "demo", "bench ingest", "bench build", "bench"):
        text = " ".join(runner.invoke(app, [*command.split(), "--help"]).output.split())
        assert "--scale <float> Company size: 1 is about 1,000 employees. [default: 0.1]" in text


def test_user_mistakes_are_one_error_line_and_a_nonzero_exit(tmp_path):
    (tmp_path / "landing").mkdir()
    encoding = _scorecard("ingest", "--home", str(tmp_path / "h"), "--landing",
                          str(tmp_path / "landing"), "--encoding", "latin-9x")  # fmt: skip
    assert encoding.returncode == 1
    assert encoding.stderr.splitlines()[-1] == (
        "error: --encoding 'latin-9x' is not a known text encoding "
        "(e.g. utf-8, latin-1, cp1252, utf-16)"
    )
    assert not (tmp_path / "h" / "raw").exists()  # refused before anything was read
    status = _scorecard("status", "--home", str(tmp_path / "nowhere"))
    assert status.returncode == 1 and status.stdout == ""
    # a long line stays one line when the output is not a terminal (no wrap at 80)
    assert status.stderr.splitlines() == [
        f"error: no data home at {tmp_path / 'nowhere'}: run `scorecard demo` (a demo company) "
        "or `scorecard ingest` first, or give --home"
    ]


def test_file_names_headers_and_values_are_printed_as_text(tmp_path):
    """Console markup and emoji codes in data are data: no MarkupError, no emoji, and the
    documented exit code 2 for a rejected file."""
    landing = tmp_path / "landing"
    (landing / "hr").mkdir(parents=True)
    (landing / "hr" / "employees.csv").write_text("employee_id,[/red]full_name\nE1,Ann\n")
    (landing / "[" / ":x:").mkdir(parents=True)
    (landing / "[" / ":x:" / "notes[bold].csv").write_text("a\n1\n")
    result = _scorecard("ingest", "--home", str(tmp_path / "h"), "--landing", str(landing))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "MarkupError" not in result.stderr
    lines = result.stderr.splitlines()
    assert "ignored: [/:x:/notes[bold].csv: no mapping rule and not in the default layout" in lines
    rejected = next(line for line in lines if line.startswith("rejected: hr/employees.csv"))
    assert "[/red]full_name" in rejected
    assert "\N{CROSS MARK}" not in result.stderr


def test_a_second_ingest_collapses_its_skipped_files_into_one_line(tmp_path):
    landing = tmp_path / "landing"
    (landing / "hr").mkdir(parents=True)
    (landing / "hr" / "employees.csv").write_text(
        "employee_id,full_name,hire_date,termination_date,updated_at\n"
        "E1,Ann Lee,2024-01-15,,2024-01-15 09:00:00\n"
    )
    home = str(tmp_path / "h")
    assert _scorecard("ingest", "--home", home, "--landing", str(landing)).returncode == 0
    again = _scorecard("ingest", "--home", home, "--landing", str(landing))
    assert again.returncode == 0, again.stderr
    skipped = [line for line in again.stderr.splitlines() if line.startswith("skipped")]
    assert skipped == ["skipped 1 file(s) already loaded with the same content: hr/employees.csv"]


def test_a_long_step_shows_a_heartbeat_when_output_is_not_a_terminal(capsys):
    import time

    from scorecard.console import Heartbeat

    with Heartbeat(every=0.05) as beat:
        task = beat.add_task("dbt build", total=None, item="")
        beat.update(task, advance=1, item="stg_crm__orders", total=447)
        time.sleep(0.3)
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "dbt build..."
    assert len(lines) >= 3  # a line every 0.05 s while the step runs
    assert lines[-1].startswith("dbt build: 1/447, now stg_crm__orders (")
