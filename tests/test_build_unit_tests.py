"""A whole `dbt build` after a change of the code rebuilds incremental models and runs the
unit tests; a refresh of new data with the same code does neither."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from scorecard import build
from scorecard.build import BuildResult, build_warehouse, code_fingerprint
from scorecard.errors import UserError
from scorecard.paths import Paths


@pytest.fixture
def project(tmp_path):
    """A stand-in dbt project: the fingerprint reads files, dbt itself is not run."""
    root = tmp_path / "project"
    (root / "models").mkdir(parents=True)
    (root / "dbt_project.yml").write_text("name: p\n")
    (root / "models" / "m.sql").write_text("select 1 as x\n")
    return root


@pytest.fixture
def dbt_calls(monkeypatch):
    """Record the arguments of each dbt run; fail a run when `failing` holds True."""
    calls: list[list[str]] = []
    failing = [False]

    def fake_run_dbt(paths, args, on_node=None, project_dir=None, environment=None):
        calls.append(args)
        return BuildResult(nodes=1, failures=["model.p.m: boom"] if failing[0] else [])

    monkeypatch.setattr(build, "run_dbt", fake_run_dbt)
    return calls, failing


UNIT = ["--exclude", "test_type:unit"]
FULL = ["build", "--full-refresh"]


def test_code_changes_rebuild_and_unit_test_refreshes_do_not(tmp_path, project, dbt_calls):
    calls, _ = dbt_calls
    paths = Paths.from_env(tmp_path / "home")
    first = build_warehouse(paths, project_dir=project)
    second = build_warehouse(paths, project_dir=project)
    (project / "models" / "m.sql").write_text("select 2 as x\n")  # the code changes
    third = build_warehouse(paths, project_dir=project)
    fourth = build_warehouse(paths, project_dir=project, unit_tests="always")
    assert calls == [FULL, ["build", *UNIT], FULL, ["build"]]
    assert [r.unit_tests_skipped for r in (first, second, third, fourth)] == [
        False, True, False, False,
    ]  # fmt: skip


def test_a_failed_build_does_not_count_as_passed_unit_tests(tmp_path, project, dbt_calls):
    calls, failing = dbt_calls
    paths = Paths.from_env(tmp_path / "home")
    failing[0] = True
    with pytest.raises(UserError, match="dbt build failed on 1 node"):
        build_warehouse(paths, project_dir=project)
    failing[0] = False
    build_warehouse(paths, project_dir=project)
    assert calls == [FULL, FULL]


def test_a_selected_build_neither_skips_nor_records(tmp_path, project, dbt_calls):
    calls, _ = dbt_calls
    paths = Paths.from_env(tmp_path / "home")
    build_warehouse(paths, project_dir=project, extra_args=["--select", "m"])
    build_warehouse(paths, project_dir=project)
    assert calls == [["build", "--select", "m"], FULL]


def test_each_engine_keeps_its_own_record(tmp_path, project, dbt_calls):
    calls, _ = dbt_calls
    paths = Paths.from_env(tmp_path / "home")
    spark = {"DBT_TARGET_PATH": str(tmp_path / "home" / "dbt-spark" / "target")}
    build_warehouse(paths, project_dir=project)
    build_warehouse(paths, project_dir=project, environment=spark)
    assert calls == [FULL, FULL]


def test_other_vars_are_other_code(tmp_path, project, dbt_calls):
    calls, _ = dbt_calls
    paths = Paths.from_env(tmp_path / "home")
    as_of = ["--vars", "{as_of_date: '2026-09-30'}"]
    build_warehouse(paths, project_dir=project, extra_args=as_of)
    build_warehouse(paths, project_dir=project, extra_args=as_of)
    build_warehouse(paths, project_dir=project)
    assert calls == [[*FULL[:1], *as_of, "--full-refresh"], ["build", *as_of, *UNIT], FULL]


def test_the_fingerprint_covers_definitions_and_ignores_other_files(tmp_path, project):
    before = code_fingerprint(project)
    (project / "README.md").write_text("docs are not code\n")
    assert code_fingerprint(project) == before
    copy = tmp_path / "copy"
    shutil.copytree(project, copy)
    assert code_fingerprint(copy) == before  # independent of where the checkout lives
    (project / "seeds").mkdir()
    (project / "seeds" / "targets.csv").write_text("k,v\n")
    assert code_fingerprint(project) != before


def test_leaving_tests_out_is_a_whole_build_of_the_same_code(tmp_path, project, dbt_calls):
    calls, _ = dbt_calls
    paths = Paths.from_env(tmp_path / "home")
    build_warehouse(paths, project_dir=project, extra_args=["--exclude", "test_type:data"])
    build_warehouse(paths, project_dir=project)
    assert calls == [[*FULL[:1], "--exclude", "test_type:data", "--full-refresh"], ["build", *UNIT]]


def test_unit_tests_left_out_have_not_passed(tmp_path, project, dbt_calls):
    calls, _ = dbt_calls
    paths = Paths.from_env(tmp_path / "home")
    build_warehouse(paths, project_dir=project, extra_args=UNIT)
    build_warehouse(paths, project_dir=project, extra_args=["--exclude", "test_type:data"])
    build_warehouse(paths, project_dir=project)
    # Same code (no --full-refresh after the first), and the unit tests run until they pass.
    assert calls == [
        [*FULL[:1], *UNIT, "--full-refresh"],
        ["build", "--exclude", "test_type:data"],
        ["build", *UNIT],
    ]


def test_a_refresh_reads_the_raw_batches_of_the_last_build_unless_the_warehouse_is_gone(
    tmp_path, project, dbt_calls
):
    paths = Paths.from_env(tmp_path / "home")
    day = dt.datetime.now(dt.UTC).date()
    first = build_warehouse(paths, project_dir=project)
    paths.warehouse_db.parent.mkdir(parents=True, exist_ok=True)
    paths.warehouse_db.write_bytes(b"")  # what dbt would have built
    second = build_warehouse(paths, project_dir=project)
    paths.warehouse_db.unlink()  # deleted to rebuild it
    third = build_warehouse(paths, project_dir=project)
    # Nothing new since the first build: the periods still running, from the day before,
    # and only the nodes that read the build date.
    assert first.refresh_from is None and third.refresh_from is None
    assert second.refresh_from == day - dt.timedelta(days=1)
    assert dbt_calls[0] == [FULL, ["build", *UNIT, "--select", "tag:build_date+"], ["build", *UNIT]]


def test_a_whole_build_that_fails_is_followed_by_a_whole_build(tmp_path, project, dbt_calls):
    _, failing = dbt_calls
    paths = Paths.from_env(tmp_path / "home")
    build_warehouse(paths, project_dir=project)
    paths.warehouse_db.unlink(missing_ok=True)  # deleted to rebuild it, and the build fails
    failing[0] = True
    with pytest.raises(UserError):
        build_warehouse(paths, project_dir=project)
    failing[0] = False
    paths.warehouse_db.parent.mkdir(parents=True, exist_ok=True)
    paths.warehouse_db.write_bytes(b"")  # the half-built file it left
    assert build_warehouse(paths, project_dir=project).refresh_from is None


def test_a_failed_node_says_what_the_database_said():
    """The CLI prints dbt's failures: the database's own error, not only the headline."""
    from scorecard.build import _collect

    message = (
        "Runtime Error in model fct_indicator_values (models/marts/indicators/"
        "fct_indicator_values.sql)\n  Constraint Error: NOT NULL constraint failed: "
        "fct_indicator_values.definition_version\n"
    )
    result = _collect({"results": [
        {"unique_id": "model.p.fct_indicator_values", "status": "error", "message": message},
        {"unique_id": "test.p.unique_x", "status": "fail", "message": "Got 3 results"},
    ]})  # fmt: skip
    assert result.failures == [
        "model.p.fct_indicator_values: Runtime Error in model fct_indicator_values "
        "(models/marts/indicators/fct_indicator_values.sql): Constraint Error: NOT NULL "
        "constraint failed: fct_indicator_values.definition_version",
        "test.p.unique_x: Got 3 results",
    ]
