"""Dagster orchestration: definitions, the whole graph on generated data, blocking checks,
the landing sensor and the quarter-close schedule."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.checks import suite_asset
from orchestration.jobs import fiscal_quarters, quarter_close_schedule
from orchestration.partitions import (
    QUARTERS_NAME,
    FiscalCalendar,
    quarter_label,
    quarter_requests,
    quarter_start,
)
from orchestration.resources import TRANSIENT_RETRY, ScorecardHome
from orchestration.sensors import landing_files
from orchestration.serving import SERVING_KEY
from orchestration.warehouse import _raise_for, manifest_dir
from scorecard.build import dbt_settings
from scorecard.ingest import ingest
from scorecard.paths import PROJECT_ROOT, Paths
from scorecard.refresh_window import node_selector, refresh_left_out, refresh_selection
from tests.conftest import EMPLOYEES, copy_home, write


@pytest.fixture(scope="module")
def manifest_root(tmp_path_factory) -> Path:
    """One dbt parse shared by the homes of this module (the manifest only lays out the graph)."""
    return tmp_path_factory.mktemp("dbt-manifest")


def _definitions(paths: Paths, manifest_root: Path) -> dg.Definitions:
    from orchestration.home_definitions import build_definitions

    return build_definitions(paths, manifest_root=manifest_root)


def _run(defs: dg.Definitions, job_name: str, **kwargs) -> dg.ExecuteInProcessResult:
    job = defs.resolve_job_def(job_name)
    instance = dg.DagsterInstance.ephemeral()
    if "partition_key" in kwargs:  # a quarter partition exists once it has closed and has data
        instance.add_dynamic_partitions(QUARTERS_NAME, [kwargs["partition_key"]])
    return job.execute_in_process(instance=instance, raise_on_error=False, **kwargs)


def _materialized(result: dg.ExecuteInProcessResult) -> set[dg.AssetKey]:
    return {event.asset_key for event in result.get_asset_materialization_events()}


def _failed_checks(result: dg.ExecuteInProcessResult) -> dict[str, dg.AssetCheckSeverity]:
    return {e.check_name: e.severity for e in result.get_asset_check_evaluations() if not e.passed}


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _publication_id(paths: Paths) -> str:
    with duckdb.connect(str(paths.serving_db), read_only=True) as con:
        return con.execute("select publication_id from marts.publication").fetchone()[0]


# --- pure pieces -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "start_month", "label"),
    [
        ("2026-07-01", 1, "2026-Q3"),
        ("2026-01-01", 1, "2026-Q1"),
        # Fiscal year from April, named after the calendar year it ends in.
        ("2026-04-01", 4, "2027-Q1"),
        ("2026-01-01", 4, "2026-Q4"),
        ("2025-10-01", 4, "2026-Q3"),
    ],
)
def test_quarter_label_follows_the_fiscal_calendar(key, start_month, label):
    assert quarter_label(key, start_month) == label
    assert quarter_start(label, start_month) == dt.date.fromisoformat(key)


def test_quarter_start_is_quarter_labels_inverse_in_every_fiscal_calendar():
    for start_month in range(1, 13):
        calendar = FiscalCalendar(start_month, dt.date(2020, 1, 1))
        day = calendar.first_start
        for _ in range(12):
            assert calendar.start(calendar.label(day)) == day
            assert calendar.quarter_of(day + dt.timedelta(days=40)) == calendar.label(day)
            day = (day + dt.timedelta(days=93)).replace(day=1)
    with pytest.raises(ValueError, match="written like 2026-Q3"):
        quarter_start("2026-07-01", 1)


def test_quarter_label_rejects_a_day_that_starts_no_quarter():
    with pytest.raises(ValueError, match="2026-05-01 is not the first day of a fiscal quarter"):
        quarter_label("2026-05-01", 1)


CALENDAR = FiscalCalendar(start_month=1, calendar_start=dt.date(2020, 1, 1))


def test_partitions_are_closed_quarters_only():
    keys = CALENDAR.closed_quarters("2024-Q4", dt.datetime(2026, 11, 22))
    assert keys == ["2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1",
                    "2026-Q2", "2026-Q3"]  # 2026-Q4 has not closed on 22 November
    assert CALENDAR.closed_quarters("2024-Q4", dt.date(2026, 10, 1))[-1] == "2026-Q3"
    assert CALENDAR.closed_quarters("2024-Q4", dt.date(2026, 9, 30))[-1] == "2026-Q2"
    assert CALENDAR.closed_quarters("2026-Q4", dt.date(2026, 11, 22)) == []
    assert CALENDAR.closed_quarters("1990-Q1", dt.date(2020, 7, 1)) == ["2020-Q1", "2020-Q2"]


def test_quarters_are_appended_and_kept_in_calendar_order():
    assert quarter_requests(["2025-Q1", "2025-Q2"], ["2025-Q1", "2025-Q2"]) == []
    [add] = quarter_requests([], ["2025-Q2", "2025-Q1"])
    assert (add.partitions_def_name, add.partition_keys) == (QUARTERS_NAME, ["2025-Q1", "2025-Q2"])
    [add] = quarter_requests(["2025-Q1", "2025-Q2"], ["2025-Q2", "2025-Q3"])
    assert add.partition_keys == ["2025-Q3"]
    # Older history loaded later: the set is added again in order; nothing is dropped.
    delete, add = quarter_requests(["2025-Q1", "2025-Q2"], ["2024-Q4"])
    assert isinstance(delete, dg.DeleteDynamicPartitionsRequest)
    assert delete.partition_keys == ["2025-Q1", "2025-Q2"]
    assert add.partition_keys == ["2024-Q4", "2025-Q1", "2025-Q2"]


def _serving_with_quarters(paths: Paths, *quarters: str) -> None:
    paths.serving_db.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(paths.serving_db)) as con:
        con.execute("create schema marts; create table marts.fct_scorecards (fiscal_quarter varchar)")
        con.executemany("insert into marts.fct_scorecards values (?)", [[q] for q in quarters])


def test_quarter_close_prepares_the_quarter_just_closed(paths):
    quarter_close = quarter_close_schedule(CALENDAR)
    assert quarter_close.cron_schedule == "0 6 1 1,4,7,10 *"
    _serving_with_quarters(paths, "2026-Q2", "2026-Q3")
    with dg.instance_for_test() as instance:
        context = dg.build_schedule_context(
            instance=instance,
            scheduled_execution_time=dt.datetime(2026, 10, 1, 6, tzinfo=dt.UTC),
            resources={"scorecard": ScorecardHome(home=str(paths.home))},
        )
        request = quarter_close(context)
        assert request.partition_key == "2026-Q3"
        # The partition exists before the run asks for it, after the quarters with data.
        assert instance.get_dynamic_partitions(QUARTERS_NAME) == ["2026-Q2", "2026-Q3"]


def test_fiscal_quarters_sensor_adds_the_closed_quarters_with_scorecards(paths):
    resources = {"scorecard": ScorecardHome(home=str(paths.home))}
    with dg.instance_for_test() as instance:
        context = dg.build_sensor_context(instance=instance, resources=resources)
        assert isinstance(fiscal_quarters(context), dg.SkipReason)  # nothing published
        _serving_with_quarters(paths, "2025-Q3", "2025-Q4", "2026-Q1")
        result = fiscal_quarters(dg.build_sensor_context(instance=instance, resources=resources))
        [add] = result.dynamic_partitions_requests
        calendar = FiscalCalendar.of(paths)
        expected = calendar.closed_quarters("2025-Q3", dt.datetime.now(dt.UTC))
        assert add.partition_keys == expected and expected[:3] == ["2025-Q3", "2025-Q4", "2026-Q1"]


def test_suites_sit_on_the_asset_they_guard():
    raw_tables = {"crm.orders", "hr.employees"}
    marts = {"fct_scorecards", "dim_accounts"}
    assert suite_asset("raw.crm__orders", raw_tables, marts) == dg.AssetKey(
        ["raw", "crm", "orders"]
    )
    assert suite_asset("marts.dim_accounts", raw_tables, marts) == dg.AssetKey(
        ["marts", "dim_accounts"]
    )
    # Layer-wide suites: the first raw table in load order, the headline mart.
    assert suite_asset("raw.load_health", raw_tables, marts) == dg.AssetKey(
        ["raw", "hr", "employees"]
    )
    assert suite_asset("marts.privacy", raw_tables, marts) == dg.AssetKey(
        ["marts", "fct_scorecards"]
    )


def test_a_failed_dbt_node_is_not_retried_and_a_dbt_crash_is():
    results = {"results": [
        {"unique_id": "model.x.fct_a", "status": "success", "message": None},
        {"unique_id": "test.x.unique_fct_a_id", "status": "fail", "message": "Got 2 results\nmore"},
    ]}  # fmt: skip
    with pytest.raises(dg.Failure) as failure:
        _raise_for(results)
    assert failure.value.allow_retries is False
    assert failure.value.description == (
        "dbt build failed on 1 node(s): test.x.unique_fct_a_id: Got 2 results"
    )
    with pytest.raises(RuntimeError, match="dbt could not run"):
        _raise_for(None)  # no run results: dbt never ran its nodes (lock, crash)


# --- the landing sensor --------------------------------------------------------------------


def _settled(path: Path) -> Path:
    old = time.time() - 3600
    os.utime(path, (old, old))
    return path


def _evaluate(paths: Paths, cursor: str | None):
    context = dg.build_sensor_context(
        cursor=cursor, resources={"scorecard": ScorecardHome(home=str(paths.home))}
    )
    return landing_files(context), context.cursor


def test_sensor_fires_for_a_new_file_and_never_for_an_ingested_one(paths):
    _settled(write(paths.landing, "hr/employees.csv", EMPLOYEES))
    report = ingest(paths, paths.landing)
    assert len(report.loaded) == 1

    result, cursor = _evaluate(paths, None)
    assert isinstance(result, dg.SkipReason)
    assert json.loads(cursor)["hr/employees.csv"]["sha256"] == report.loaded[0].sha256
    # The same bytes under another name were ingested already: still nothing to do.
    _settled(write(paths.landing, "hr/employees__copy.csv", EMPLOYEES))
    result, cursor = _evaluate(paths, cursor)
    assert isinstance(result, dg.SkipReason)

    _settled(write(paths.landing, "crm/accounts.csv", "account_id,account_name\nA1,Acme\n"))
    result, cursor = _evaluate(paths, cursor)
    assert isinstance(result, dg.RunRequest)
    assert result.tags["scorecard/new_files"] == "1"
    # Asked again before the run ingests it: the same run key, so Dagster launches no second run.
    again, _ = _evaluate(paths, cursor)
    assert again.run_key == result.run_key


def test_sensor_waits_for_a_file_still_being_written(paths):
    write(paths.landing, "crm/accounts.csv", "account_id,account_name\nA1,Acme\n")
    result, cursor = _evaluate(paths, None)
    assert isinstance(result, dg.SkipReason)
    assert json.loads(cursor) == {}
    _settled(paths.landing / "crm/accounts.csv")
    result, _ = _evaluate(paths, cursor)
    assert isinstance(result, dg.RunRequest)


def test_sensor_skips_without_a_landing_directory(paths):
    result, _ = _evaluate(paths, None)
    assert isinstance(result, dg.SkipReason)
    assert "no landing directory" in result.skip_message


# --- definitions and runs ------------------------------------------------------------------


def test_definitions_load_with_layers_checks_jobs_and_schedules(tmp_path, manifest_root):
    paths = Paths.from_env(tmp_path / "home")
    defs = _definitions(paths, manifest_root)
    dg.Definitions.validate_loadable(defs)
    graph = defs.resolve_asset_graph()
    keys = graph.get_all_asset_keys()
    groups = {graph.get(key).group_name for key in keys}
    layers = {"raw", "seeds", "staging", "intermediate", "marts", "serving", "quarterly"}
    assert layers <= groups
    assert graph.get(dg.AssetKey(["intermediate", "int_employee_periods"])).group_name == (
        "intermediate"
    )
    # dbt sources are the raw tables ingestion writes: one node each, no dangling source.
    assert dg.AssetKey(["raw", "crm", "orders"]) in keys
    assert dg.AssetKey(["staging", "stg_crm__orders"]) in keys
    assert graph.get(dg.AssetKey(["staging", "stg_crm__orders"])).parent_keys == {
        dg.AssetKey(["raw", "crm", "orders"])
    }
    assert dg.AssetKey(["marts", "fct_scorecards"]) in graph.get(SERVING_KEY).parent_keys
    checks = {(k.asset_key, k.name): k for k in graph.asset_check_keys}
    assert (dg.AssetKey(["raw", "crm", "orders"]), "raw__crm__orders") in checks
    assert (dg.AssetKey(["marts", "fct_scorecards"]), "marts__fct_scorecards") in checks
    specs = {spec.name: spec for checks_def in defs.asset_checks for spec in checks_def.check_specs}
    assert specs["raw__crm__orders"].blocking  # has critical expectations
    assert not specs["raw__load_health"].blocking  # warnings only
    # Transient failures retry in ingestion and dbt; publish never runs twice on its own.
    for key in (["raw", "crm", "orders"], ["marts", "fct_scorecards"]):
        assert graph.get(dg.AssetKey(key)).assets_def.op.retry_policy == TRANSIENT_RETRY
    assert graph.get(SERVING_KEY).assets_def.op.retry_policy is None
    assert {j.name for j in defs.jobs} == {"refresh_warehouse", "prepare_quarter"}
    assert {s.name for s in defs.schedules} == {"daily_refresh", "quarter_close"}
    assert [s.name for s in defs.sensors] == ["landing_files", "fiscal_quarters"]
    # Per-quarter assets are keyed by the fiscal label (2026-Q3), in the home's instance.
    report = graph.get(dg.AssetKey(["quarterly", "scorecard_report"]))
    assert report.partitions_def == dg.DynamicPartitionsDefinition(name=QUARTERS_NAME)
    # Every check says what it checks.
    all_specs = [spec for a in defs.assets if isinstance(a, dg.AssetsDefinition)
                 for spec in a.check_specs] + list(specs.values())  # fmt: skip
    assert all(spec.description for spec in all_specs), [s.name for s in all_specs
                                                          if not s.description]
    assert specs["raw__crm__orders"].description.startswith(
        "Great Expectations suite raw.crm__orders (expectations/raw/crm__orders.json) on "
        "crm.orders: 29 expectations")
    assert "- critical: one scorecard per employee, quarter and role" in specs[
        "marts__fct_scorecards"].description
    dbt_checks = {spec.name: spec for spec in all_specs if spec.name not in specs}
    assert dbt_checks["accepted_range_fct_scorecards_data_completeness__1__0"].description == (
        "dbt test accepted_range on fct_scorecards.data_completeness (min_value 0, max_value 1);"
        " severity error; models/marts/scorecards/fct_scorecards.yml")


@pytest.mark.slow
def test_whole_graph_materialises_on_generated_data(tmp_path, manifest_root):
    from scorecard.certification.certify import quarter_state
    from scorecard.generate import generate_company

    paths = Paths.from_env(tmp_path / "home")
    generate_company(paths.landing, scale=0.05, seed=42, as_of=dt.date(2026, 9, 30))
    defs = _definitions(paths, manifest_root)

    refresh = _run(defs, "refresh_warehouse")
    assert refresh.success
    graph = defs.resolve_asset_graph()
    quarterly = {k for k in graph.get_all_asset_keys() if graph.get(k).group_name == "quarterly"}
    assert _materialized(refresh) == graph.get_all_asset_keys() - quarterly
    assert not {name for name, severity in _failed_checks(refresh).items()
                if severity == dg.AssetCheckSeverity.ERROR}  # fmt: skip
    ingestion = {
        e.asset_key: e.materialization.metadata for e in refresh.get_asset_materialization_events()
    }
    assert ingestion[dg.AssetKey(["raw", "hr", "employees"])]["files_loaded"].value == [
        "hr/employees.csv"
    ]
    with duckdb.connect(str(paths.serving_db), read_only=True) as con:
        assert con.execute("select count(*) from marts.fct_scorecards").fetchone()[0] > 0
    # dbt ran in a child process: no lock on the warehouse is left in this one.
    writer = subprocess.run(
        [sys.executable, "-c", "import duckdb, sys; duckdb.connect(sys.argv[1]).execute('select 1')",
         str(paths.warehouse_db)], capture_output=True, text=True,
    )  # fmt: skip
    assert writer.returncode == 0, writer.stderr

    prepare = _run(defs, "prepare_quarter", partition_key="2026-Q3")
    assert prepare.success
    assert _materialized(prepare) == quarterly
    assert (paths.reports / "scorecard-2026-Q3.html").stat().st_size > 0
    assert quarter_state(paths, "2026-Q3")["state"] == "preliminary"  # never certified

    # A new day of orders: the refresh runs only what they and the build date reach, as
    # `scorecard build` does, records the rest as not rebuilt, and still publishes.
    with (paths.landing / "crm" / "orders.csv").open(encoding="utf-8") as handle:
        header, first = handle.readline(), handle.readline()
    order = first.split(",")
    order[0], order[6] = "ORD-NEW-DAY-1", "2026-09-30"
    write(paths.landing, "crm/orders__2026-09-30.csv", header + ",".join(order))
    refresh_again = _run(defs, "refresh_warehouse")
    assert refresh_again.success
    assert _materialized(refresh_again) == _materialized(refresh)
    ran = {node["unique_id"].split(".")[-1] for node in json.loads(
        (paths.home / "dbt" / "target" / "run_results.json").read_text())["results"]}  # fmt: skip
    assert {"stg_crm__orders", "int_orders_scored", "fct_scorecards"} <= ran
    assert not {"stg_hr__employees", "dim_employees", "gates"} & ran
    not_rebuilt = {
        e.asset_key for e in refresh_again.get_asset_materialization_events()
        if "refresh" in e.materialization.metadata
    }  # fmt: skip
    assert dg.AssetKey(["marts", "dim_employees"]) in not_rebuilt
    assert dg.AssetKey(["marts", "fct_scorecards"]) not in not_rebuilt
    with duckdb.connect(str(paths.serving_db), read_only=True) as con:
        assert con.execute(
            "select count(*) from marts.fct_scorecards").fetchone()[0] > 0  # fmt: skip


def test_a_refresh_excludes_what_dbt_would_not_select(tmp_path, manifest_root):
    """Dagster cannot pass a refresh's --select (dagster-dbt adds its own, dbt runs the
    union): it passes what the selection leaves out as --exclude beside --select fqn:*,
    without indirect selection. dbt must then list exactly what `scorecard build`
    selects, tests of a node left out and of one that runs included."""
    paths = Paths.from_env(tmp_path / "home")
    manifest = json.loads((manifest_dir(paths, root=manifest_root) / "manifest.json").read_text())
    new = frozenset({("crm.orders", "b1"), ("survey.csat_responses", "b2")})
    settings = dbt_settings(paths, environment={"DBT_TARGET_PATH": str(tmp_path / "target")})

    def listed(*selection: str, indirect: str = "eager") -> set[str]:
        done = subprocess.run(
            [sys.executable, "-m", "dbt.cli.main", "--quiet", "ls", "--output", "json",
             "--output-keys", "unique_id", "--resource-types", "model", "seed", "test",
             "exposure", *selection],
            cwd=PROJECT_ROOT, env={**settings, "DBT_INDIRECT_SELECTION": indirect},
            capture_output=True, text=True,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        return {json.loads(line)["unique_id"] for line in done.stdout.splitlines()}

    left_out = refresh_left_out(manifest, new)
    selected = listed("--select", *refresh_selection(new))
    excluded = listed("--select", "fqn:*", "--exclude", *map(node_selector, left_out),
                      indirect="empty")  # as warehouse_models runs it  # fmt: skip
    assert excluded == selected
    # Tests of a node left out and of one that runs: eager exclusion would drop them.
    assert "test.scorecard_warehouse.assert_every_indicator_is_implemented" in excluded
    assert {node["unique_id"] for node in left_out}.isdisjoint(selected)
    assert "model.scorecard_warehouse.dim_employees" in {node["unique_id"] for node in left_out}
    assert "model.scorecard_warehouse.stg_crm__orders" in selected


def _add_raw_batch(paths: Paths, table: str, replace: str) -> None:
    """A committed raw batch of one row changed by `replace`, as if validation had been bypassed."""
    source_name, name = table.split(".")
    folder = paths.raw / source_name / name
    source = next(p for p in folder.glob("*/part.parquet") if p.parent.name != "0-schema")
    batch_id = f"20991231T000000000000-tampered-{source_name}-{name}"
    (folder / batch_id).mkdir()
    duckdb.execute(
        f"copy (select * replace ({replace}, '{batch_id}' as _batch_id) "
        f"from read_parquet('{source}') limit 1) to '{folder / batch_id / 'part.parquet'}'"
    )
    log = json.loads(next(paths.ingest_log.glob(f"*{source_name}-{name}.json")).read_text())
    log.update(batch_id=batch_id, sha256="0" * 64, source_file=f"{source_name}/tampered.csv")
    (paths.ingest_log / f"{batch_id}.json").write_text(json.dumps(log))


@pytest.mark.slow
def test_failing_raw_check_stops_dbt_and_publish(demo_home, tmp_path, manifest_root):
    paths = copy_home(demo_home, tmp_path / "home")
    _add_raw_batch(paths, "survey.csat_responses", "9 as score")  # scores are 1-5
    served, publication = _file_digest(paths.serving_db), _publication_id(paths)
    warehouse = _file_digest(paths.warehouse_db)

    result = _run(_definitions(paths, manifest_root), "refresh_warehouse")

    assert not result.success
    assert _failed_checks(result)["raw__survey__csat_responses"] == dg.AssetCheckSeverity.ERROR
    materialized = _materialized(result)
    assert materialized and all(key.path[0] == "raw" for key in materialized)  # ingestion only
    assert _file_digest(paths.warehouse_db) == warehouse  # dbt never ran
    assert _file_digest(paths.serving_db) == served
    assert _publication_id(paths) == publication


@pytest.mark.slow
def test_failing_mart_check_stops_publish(demo_home, tmp_path, manifest_root):
    paths = copy_home(demo_home, tmp_path / "home")
    with duckdb.connect(str(paths.warehouse_db)) as con:  # the same scorecard twice
        con.execute("insert into marts.fct_scorecards select * from marts.fct_scorecards limit 1")
    served, publication = _file_digest(paths.serving_db), _publication_id(paths)
    defs = _definitions(paths, manifest_root)
    mart_checks = [
        key for checks in defs.asset_checks for key in checks.check_keys
        if key.asset_key.path[0] == "marts"
    ]  # fmt: skip
    job = dg.define_asset_job(
        "check_and_publish",
        selection=dg.AssetSelection.checks(*mart_checks) | dg.AssetSelection.assets(SERVING_KEY),
    )

    result = _run(dg.Definitions.merge(defs, dg.Definitions(jobs=[job])), "check_and_publish")

    assert not result.success
    assert _failed_checks(result)["marts__fct_scorecards"] == dg.AssetCheckSeverity.ERROR
    assert SERVING_KEY not in _materialized(result)
    assert _file_digest(paths.serving_db) == served
    assert _publication_id(paths) == publication


@pytest.mark.slow
def test_failing_dbt_build_stops_publish_without_retrying(demo_home, tmp_path, manifest_root):
    paths = copy_home(demo_home, tmp_path / "home")
    # An assignment without employee: dim_employees' contract (employee_id not null) fails.
    _add_raw_batch(paths, "hr.role_assignments",
                   "'RA-TAMPERED' as assignment_id, cast(null as varchar) as employee_id")  # fmt: skip
    served, publication = _file_digest(paths.serving_db), _publication_id(paths)
    defs = _definitions(paths, manifest_root)
    # dim_employees and the staging views it reads (recreated over this home's raw zone).
    models = [["staging", "stg_hr__employees"], ["staging", "stg_hr__role_assignments"],
              ["marts", "dim_employees"]]  # fmt: skip
    job = dg.define_asset_job(
        "build_and_publish",
        selection=dg.AssetSelection.assets(*[dg.AssetKey(m) for m in models], SERVING_KEY),
    )

    result = _run(dg.Definitions.merge(defs, dg.Definitions(jobs=[job])), "build_and_publish")

    assert not result.success
    failures = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert [e.step_key for e in failures] == ["warehouse_models"]  # once: no retry
    assert "model.scorecard_warehouse.dim_employees" in failures[0].step_failure_data.error.message
    assert SERVING_KEY not in _materialized(result)
    assert _file_digest(paths.serving_db) == served
    assert _publication_id(paths) == publication
