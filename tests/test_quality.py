"""Data quality: Great Expectations on DuckDB finds bad rows at both boundaries and blocks."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from scorecard.cli import app
from scorecard.contract import load_contract
from scorecard.ingest import ingest
from scorecard.paths import Paths
from scorecard.quality import blockers, certification_blockers, raw_scope, raw_suites, run_checks
from scorecard.quality.page import quality_page_path
from tests.conftest import EMPLOYEES, TODAY, copy_home, write


def test_gx_metrics_work_on_a_plain_duckdb_table(tmp_path):
    """The IndexError of GX issues #10738/#11579 is gone, and a bad value fails."""
    import great_expectations as gx

    from scorecard.quality.gx_duckdb import close, new_context

    database = tmp_path / "t.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute("create table answers as select * from (values (1, 4), (2, 5), (3, 9)) t(id, csat)")
    source = new_context().data_sources.add_sql("t", connection_string=f"duckdb:///{database}")
    batch = source.add_table_asset("answers", table_name="answers").add_batch_definition_whole_table("all").get_batch()
    try:
        count = batch.validate(gx.expectations.ExpectTableRowCountToEqual(value=3))
        csat = batch.validate(gx.expectations.ExpectColumnValuesToBeBetween(column="csat", min_value=1, max_value=5))
    finally:
        close(source)
    assert count.success and count.result["observed_value"] == 3
    assert not csat.success
    assert csat.result["unexpected_count"] == 1 and csat.result["partial_unexpected_list"] == [9]


def _ingested(tmp_path: Path) -> Paths:
    paths = Paths.from_env(tmp_path / "home")
    landing = tmp_path / "landing"
    write(landing, "hr/employees.csv", EMPLOYEES)
    ingest(paths, landing, today=TODAY)
    return paths


def _add_raw_batch(paths: Paths, table: str, select_sql: str) -> None:
    """Drop a Parquet batch into the raw zone behind ingestion's back (a bug or tampering)."""
    source, name = table.split(".")
    target = paths.raw / source / name / "99-tampered"
    target.mkdir(parents=True)
    existing = f"{paths.raw}/{source}/{name}/*/*.parquet"
    duckdb.sql(
        f"copy ({select_sql.format(existing=f'read_parquet({existing!r})')}) "
        f"to '{target / 'part.parquet'}' (format parquet)"
    )


def test_a_bad_raw_row_fails_its_expectations_with_the_row_named(tmp_path):
    paths = _ingested(tmp_path)
    clean = run_checks(paths, ["raw.hr__employees"])
    assert clean.outcomes and not clean.blocking

    # One row with no name and a duplicated key inside one batch.
    _add_raw_batch(paths, "hr.employees", "select * replace ('99-tampered' as _batch_id, "
                   "case when employee_id = 'E1' then null else full_name end as full_name) from {existing} "
                   "union all select * replace ('99-tampered' as _batch_id) from {existing} where employee_id = 'E2'")
    run = run_checks(paths, ["raw.hr__employees"])
    failed = {(o.column_name, o.expectation): o for o in run.blocking}
    not_null = failed[("full_name", "expect_column_values_to_not_be_null")]
    assert not_null.table_name == "hr.employees" and not_null.unexpected_count == 1
    unique = next(o for o in run.blocking if o.expectation.startswith("primary key"))
    assert unique.unexpected_count == 2 and unique.sample  # both copies of E2
    assert "hr.employees.full_name: expect_column_values_to_not_be_null failed (1 unexpected)" in not_null.describe()


def test_raw_suites_validate_only_the_files_added_since_they_passed(tmp_path):
    paths = _ingested(tmp_path)
    suite = ["raw.hr__employees"]
    first = run_checks(paths, suite)
    assert first.raw_scopes == {"raw.hr__employees": "whole table"} and not first.blocking

    again = run_checks(paths, suite)  # nothing new: the passing outcomes carry over
    assert again.raw_scopes == {"raw.hr__employees": "unchanged since it last passed"}
    def by_expectation(run):
        return sorted(run.outcomes, key=lambda o: (o.expectation, o.column_name or ""))

    assert by_expectation(again) == by_expectation(first)
    assert blockers(paths, suite) == []  # recorded by this run: current, not stale

    landing = tmp_path / "landing"
    write(landing, "hr/employees__more.csv",
          "employee_id,full_name,hire_date,termination_date,updated_at\nE3,Cy Dee,2024-05-01,,2024-05-01 09:00:00\n")
    ingest(paths, landing, today=TODAY)
    assert run_checks(paths, suite).raw_scopes == {"raw.hr__employees": "1 new batch file(s)"}

    # A bad batch behind ingestion's back: its one null name is found in the new file.
    _add_raw_batch(paths, "hr.employees", "select * replace ('99-tampered' as _batch_id, "
                   "null as full_name) from {existing} where employee_id = 'E3'")
    bad = run_checks(paths, suite)
    assert bad.raw_scopes == {"raw.hr__employees": "1 new batch file(s)"}
    (null_name,) = [o for o in bad.blocking if o.column_name == "full_name"]
    assert null_name.unexpected_count == 1
    # A suite that failed validates the whole table until it passes again.
    assert run_checks(paths, suite).raw_scopes == {"raw.hr__employees": "whole table"}
    shutil.rmtree(paths.raw / "hr" / "employees" / "99-tampered")
    assert not run_checks(paths, suite).blocking
    assert run_checks(paths, suite, full=True).raw_scopes == {"raw.hr__employees": "whole table"}


def test_an_edited_raw_file_is_validated_again_whatever_its_time_says(tmp_path):
    paths = _ingested(tmp_path)
    suite = ["raw.hr__employees"]
    assert not run_checks(paths, suite).blocking
    (batch,) = [f for f in (paths.raw / "hr" / "employees").glob("*/*.parquet") if "0-schema" not in str(f)]
    stamp = batch.stat()
    duckdb.sql(f"copy (select * replace (null as full_name) from read_parquet('{batch}')) "
               f"to '{batch}.edited' (format parquet)")
    os.replace(f"{batch}.edited", batch)
    os.utime(batch, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    run = run_checks(paths, suite)
    assert run.raw_scopes == {"raw.hr__employees": "whole table"}
    (null_name,) = [o for o in run.blocking if o.column_name == "full_name"]
    assert null_name.unexpected_count == 2


def test_what_a_raw_suite_validates_follows_its_files_and_the_tables_it_references(paths):
    orders = json.loads((raw_suites.RAW_DIR / "crm__orders.json").read_text())
    files = {"crm.orders": {"b1/part.parquet": "o1"}, "crm.accounts": {"a1/part.parquet": "x1"},
             "hr.employees": {"e1/part.parquet": "y1"}}
    passed = {"raw.crm__orders": {"suite_sha256": raw_scope.suite_sha256(orders), "files": files}}

    def scoped(now, record=passed, suite=orders):
        found = raw_scope.scope(paths, suite, now, record)
        return found.new_files if found.new_files is None else [f.name for f in found.new_files]

    orders_dir = paths.raw / "crm" / "orders"
    assert scoped(files) == []
    assert scoped({**files, "crm.orders": {**files["crm.orders"], "b2/part.parquet": "o2"}}) == ["part.parquet"]
    assert raw_scope.scope(paths, orders, {**files, "crm.orders": {**files["crm.orders"], "b2/p.parquet": "o2"}},
                           passed).new_files == [orders_dir / "b2" / "p.parquet"]
    # New accounts only add keys an order may reference: nothing to validate again.
    assert scoped({**files, "crm.accounts": {**files["crm.accounts"], "a2/part.parquet": "x2"}}) == []
    assert scoped({**files, "crm.accounts": {"a1/part.parquet": "edited"}}) is None
    assert scoped({**files, "hr.employees": {}}) is None  # a referenced file went away
    assert scoped({**files, "crm.orders": {"b1/part.parquet": "edited"}}) is None
    assert scoped(files, record={}) is None
    changed = {**orders, "expectations": orders["expectations"][:-1]}
    assert scoped(files, suite=changed) is None
    # Expectations about rows across batches: the whole table, every time.
    unique_by_key = json.loads(json.dumps(orders))
    for expectation in unique_by_key["expectations"]:
        if expectation["type"] == "expect_compound_columns_to_be_unique":
            expectation["kwargs"]["column_list"] = ["order_id"]
    counted = json.loads(json.dumps(orders))
    counted["expectations"].append({"type": "unexpected_rows_expectation", "kwargs": {
        "unexpected_rows_query": "select order_id from {batch} group by order_id having count(*) > 1"}})
    for suite in (unique_by_key, counted):
        record = {"raw.crm__orders": {"suite_sha256": raw_scope.suite_sha256(suite), "files": files}}
        assert scoped(files, record=record, suite=suite) is None


def test_results_are_stored_as_history(tmp_path):
    paths = _ingested(tmp_path)
    first = run_checks(paths, ["raw.hr__employees", "raw.load_health"])
    run_checks(paths, ["raw.hr__employees"])
    with duckdb.connect(str(paths.quality_db), read_only=True) as con:
        runs = con.execute("select count(*), sum(expectations) from dq_runs").fetchone()
        stored = con.execute(
            "select suite, severity, success from dq_results where run_id = ? order by all",
            [first.run_id],
        ).fetchall()
    assert runs == (2, 2 * len([o for o in first.outcomes if o.suite == "raw.hr__employees"]) + 2)
    assert len(stored) == len(first.outcomes)
    assert ("raw.load_health", "warning", True) in stored
    # Data Docs: the latest result of each suite, rendered by GX.
    index = (paths.data_docs / "index.html").read_text(encoding="utf-8")
    assert "raw.hr__employees" in index and "raw.load_health" in index
    # The offline quality page: every suite of the history, the runs (browser test:
    # tests/test_report_browser.py).
    quality = quality_page_path(paths).read_text(encoding="utf-8")
    assert "raw.hr__employees" in quality and "raw.load_health" in quality
    assert quality.count("<tr><td>20") == 2  # both runs listed (ids start with the date)


def test_a_batch_far_smaller_than_recent_ones_raises_a_volume_warning(tmp_path):
    paths = _ingested(tmp_path)
    landing = tmp_path / "landing"
    rows = "".join(f"E{i},Person {i},2024-01-15,,2024-01-15 09:00:00\n" for i in range(3, 203))
    write(landing, "hr/employees__big.csv", "employee_id,full_name,hire_date,termination_date,updated_at\n" + rows)
    ingest(paths, landing, today=TODAY)
    write(landing, "hr/employees__small.csv",
          "employee_id,full_name,hire_date,termination_date,updated_at\nE9,X Y,2024-01-15,,2024-01-15 09:00:00\n")
    ingest(paths, landing, today=TODAY)
    # Batches: 2 rows, 200 rows, then 1 row: under half the median (101) of the previous two.
    run = run_checks(paths, ["raw.load_health"])
    assert not run.blocking
    (volume,) = [o for o in run.warnings if o.expectation.startswith("latest batch")]
    assert volume.unexpected_count == 1
    assert volume.sample[0]["table_name"] == "hr.employees"
    assert (volume.sample[0]["latest_rows"], volume.sample[0]["recent_median_rows"]) == (1, 101)


def test_tables_not_loaded_within_their_freshness_window_raise_a_warning(tmp_path):
    paths = _ingested(tmp_path)
    fresh = run_checks(paths, ["raw.load_health"])
    (never_loaded,) = [o for o in fresh.warnings if o.expectation.startswith("loaded within")]
    with_window = [t for t in load_contract().values() if t.freshness_days]
    assert never_loaded.unexpected_count == len(with_window) - 1  # all but hr.employees

    (log,) = paths.ingest_log.glob("*.json")
    record = json.loads(log.read_text())
    record["finished_at"] = "2020-01-01T00:00:00"  # employees last loaded years ago
    log.write_text(json.dumps(record))
    stale = run_checks(paths, ["raw.load_health"])
    (outcome,) = [o for o in stale.warnings if o.expectation.startswith("loaded within")]
    assert outcome.unexpected_count == len(with_window)
    assert not stale.blocking


def test_raw_suites_match_the_contract():
    assert raw_suites.stale_files() == []


@pytest.mark.slow
def test_a_broken_mart_blocks_publishing_and_certification(demo_home, tmp_path):
    paths = copy_home(demo_home, tmp_path / "home")
    runner = CliRunner()
    ok = runner.invoke(app, ["check", "--home", str(paths.home)])
    assert ok.exit_code == 0, ok.output
    assert certification_blockers(paths) == []

    with duckdb.connect(str(paths.warehouse_db)) as con:
        scorecard_id, score = con.execute(
            "select scorecard_id, overall_score from marts.fct_scorecards "
            "where band_code = 'fail' order by scorecard_id limit 1").fetchone()  # fmt: skip
        con.execute("update marts.fct_scorecards set band_code = 'excellent' where scorecard_id = ?",
                    [scorecard_id])
    # The warehouse changed after the last check: publishing must wait for a new one.
    assert any("before the data changed" in b for b in blockers(paths, ["marts.fct_scorecards"]))
    served_before = paths.serving_db.stat().st_mtime_ns

    failed = runner.invoke(app, ["check", "--home", str(paths.home), "--boundary", "marts"])
    assert failed.exit_code == 1
    text = " ".join(failed.output.split())
    assert "marts.fct_scorecards: each band is the band in force" in text
    assert scorecard_id in text and "'expected_band': 'fail'" in text.replace('"', "'")

    refused = runner.invoke(app, ["publish", "--home", str(paths.home)])
    assert refused.exit_code == 1 and "not publishing" in refused.output
    assert paths.serving_db.stat().st_mtime_ns == served_before
    assert any("critical data-quality failure" in b and scorecard_id in b
               for b in certification_blockers(paths))
    assert score is not None
