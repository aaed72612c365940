"""Shared fixtures: an isolated SCORECARD_HOME and helpers to write landing files."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import duckdb
import pytest

from scorecard.paths import Paths

# pg_server / pg_database: a real PostgreSQL server (skipped locally without it, never in CI).
pytest_plugins = ["tests.pg_support"]

# Commands record their runs in the home's Dagster instance (scorecard/dagster_record.py):
# off in tests, which make many short-lived homes, but for those of tests/test_dagster_record.py.
os.environ.setdefault("SCORECARD_DAGSTER", "off")

TODAY = dt.date(2026, 11, 22)


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    return Paths.from_env(tmp_path / "home")


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    path = tmp_path / "landing"
    path.mkdir()
    return path


def write(landing: Path, relative: str, text: str, encoding: str = "utf-8") -> Path:
    path = landing / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


EMPLOYEES = (
    "employee_id,full_name,hire_date,termination_date,updated_at\n"
    "E1,Ann Lee,2024-01-15,,2024-01-15 09:00:00\n"
    "E2,Bo Chen,2024-03-01,,2024-03-01 09:00:00\n"
)


def raw_rows(paths: Paths, table: str) -> list[tuple]:
    source, name = table.split(".")
    glob = paths.raw / source / name / "*" / "*.parquet"
    return duckdb.sql(f"select * from read_parquet('{glob}') order by all").fetchall()


def quarantine_rows(paths: Paths, table: str) -> list[dict]:
    source, name = table.split(".")
    files = list((paths.quarantine / source / name).glob("*/*.parquet"))
    if not files:
        return []
    rel = duckdb.sql(
        f"select * from read_parquet({[str(f) for f in files]}) order by _source_row_number"
    )
    return [dict(zip(rel.columns, row, strict=True)) for row in rel.fetchall()]


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory) -> Paths:
    """One demo warehouse at scale 0.05 per test worker, built once (about a minute).

    Read-only for tests: a test that changes data copies the home first (`copy_home`).
    """
    from typer.testing import CliRunner

    from scorecard.cli import app

    home = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(app, ["demo", "--home", str(home), "--scale", "0.05"])
    assert result.exit_code == 0, result.output
    return Paths.from_env(home)


def copy_home(source: Paths, target: Path) -> Paths:
    """A private copy of a built home (symlinks kept) for a test that changes it."""
    import shutil

    shutil.copytree(source.home, target, symlinks=True)
    return Paths.from_env(target)
