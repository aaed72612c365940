"""The `make demo` path end to end at a small scale: generate, ingest, dbt build."""

from __future__ import annotations

import json
import re

import duckdb
import pytest
from typer.testing import CliRunner

from scorecard.cli import app
from scorecard.contract import load_contract
from scorecard.paths import PROJECT_ROOT

pytestmark = pytest.mark.slow


def test_demo_reconciles_every_input_row(demo_home):
    manifest = json.loads((demo_home.landing / "_generator_manifest.json").read_text())
    logs = [json.loads(p.read_text()) for p in demo_home.ingest_log.glob("*.json")]
    assert {log["table"] for log in logs} == set(load_contract())
    for log in logs:
        assert log["status"] == "loaded"
        assert log["rows_read"] == manifest["rows"][log["table"]]
        assert log["rows_read"] == log["rows_loaded"] + log["rows_quarantined"]
        # Each injected defect, and nothing else, is quarantined.
        assert log["rows_quarantined"] == manifest["defect_rows"].get(log["table"], 0), log


def test_demo_builds_the_warehouse_and_records_the_run(demo_home):
    state = json.loads(demo_home.state_file.read_text())
    assert state["status"] == "succeeded"
    assert [s["name"] for s in state["steps"]][:6] == [
        "generate", "ingest", "raw checks", "dbt build", "mart checks", "publish"]
    # Both boundaries were checked, nothing critical failed, and BI sees the history.
    with duckdb.connect(str(demo_home.serving_db), read_only=True) as con:
        runs = con.execute(
            "select count(*), sum(critical_failures), sum(expectations) from quality.dq_runs"
        ).fetchone()
        suites = {r[0] for r in con.execute("select distinct suite from quality.dq_results").fetchall()}
    assert runs[0] >= 2 and runs[1] == 0 and runs[2] > 300
    assert {"raw.crm__orders", "raw.load_health", "marts.fct_scorecards"} <= suites
    with duckdb.connect(str(demo_home.warehouse_db), read_only=True) as con:
        employees = con.execute("select count(*) from staging.stg_hr__employees").fetchone()[0]
        raw = con.execute(
            f"select count(distinct employee_id) from read_parquet("
            f"'{demo_home.raw}/hr/employees/*/*.parquet')"
        ).fetchone()[0]
    assert employees == raw > 0


def test_demo_rerun_ingests_nothing_new(demo_home):
    result = CliRunner().invoke(app, ["ingest", "--home", str(demo_home.home)])
    assert result.exit_code == 0
    assert "ingested 0 file(s)" in " ".join(result.output.split())
    assert f"{len(load_contract())} skipped" in " ".join(result.output.split())


def test_every_query_in_docs_bi_runs_on_the_serving_database(demo_home):
    doc = (PROJECT_ROOT / "docs" / "bi.md").read_text(encoding="utf-8")
    queries = re.findall(r"```sql\n(.*?)```", doc, flags=re.S)
    assert len(queries) >= 7
    with duckdb.connect(str(demo_home.serving_db), read_only=True) as con:
        for query in queries:
            con.execute(query).fetchall()
