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
