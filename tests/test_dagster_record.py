"""Command-line runs recorded in the home's Dagster instance: keys, events, a whole run."""

from __future__ import annotations

import collections
import json
import re
import shutil
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.events import DagsterEventType
from typer.testing import CliRunner

from orchestration.cli_runs import Keys, _build_events, keys_from_definitions
from orchestration.manifest import manifest_dir
from orchestration.partitions import QUARTERS_NAME
from orchestration.quarterly import CERTIFICATION_KEY, REPORT_KEY
from orchestration.serving import SERVING_KEY
from scorecard.cli import app
from scorecard.contract import load_contract
from scorecard.paths import Paths
from scorecard.quality import suite_names
from tests.conftest import EMPLOYEES, copy_home, write

FCT_SCORECARDS = dg.AssetKey(["marts", "fct_scorecards"])
ASSET_EVENTS = {DagsterEventType.ASSET_MATERIALIZATION, DagsterEventType.ASSET_CHECK_EVALUATION,
                DagsterEventType.ASSET_OBSERVATION}  # fmt: skip


@pytest.fixture(scope="module")
def manifest_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("dbt-manifest")


@pytest.fixture(scope="module")
def definitions(tmp_path_factory, manifest_root) -> tuple[dg.Definitions, Keys, dict]:
    from orchestration.home_definitions import build_definitions

    paths = Paths.from_env(tmp_path_factory.mktemp("home"))
    defs = build_definitions(paths, manifest_root=manifest_root)
    folder = manifest_dir(paths, root=manifest_root)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return defs, keys_from_definitions(defs, manifest), manifest


def _uid(manifest: dict, prefix: str) -> str:
    [uid] = [uid for uid in manifest["nodes"] if uid.startswith(prefix + ".")]
    return uid


def test_every_key_the_cli_reports_is_in_the_definitions(definitions):
    defs, keys, manifest = definitions
    graph = defs.resolve_asset_graph()
    assert keys.asset_keys <= graph.get_all_asset_keys()
    assert keys.check_keys <= set(graph.asset_check_keys)
    # Every check the UI shows can be evaluated from the command line; every asset but
    # the certification preparation (`scorecard publish-preliminary`) materialized.
    assert keys.check_keys == set(graph.asset_check_keys)
    assert graph.get_all_asset_keys() - keys.asset_keys == {CERTIFICATION_KEY}
    nodes = collections.Counter(node["resource_type"] for node in manifest["nodes"].values())
    assert len(keys.dbt) == nodes["model"] + nodes["seed"]
    assert len(keys.raw) == len(load_contract())
    assert len(keys.suites) == len(suite_names())
    assert len(keys.tests) + len(keys.loose_tests) == nodes["test"]
    assert (keys.serving, keys.report) == (SERVING_KEY, REPORT_KEY)
    # A few by hand: the keys dagster-dbt and checks.py give.
    assert keys.dbt["model.scorecard_warehouse.fct_scorecards"] == FCT_SCORECARDS
    assert keys.raw["crm.orders"] == dg.AssetKey(["raw", "crm", "orders"])
    assert keys.suites["marts.fct_scorecards"] == dg.AssetCheckKey(FCT_SCORECARDS,
                                                                   "marts__fct_scorecards")
    assert keys.suites["raw.load_health"].asset_key == dg.AssetKey(["raw", "hr", "employees"])
    unique = _uid(manifest, "test.scorecard_warehouse.unique_fct_scorecards_scorecard_id")
    assert keys.tests[unique] == dg.AssetCheckKey(FCT_SCORECARDS,
                                                  "unique_fct_scorecards_scorecard_id")
    # A singular test over several models is no check: observed on what it reads.
    loose = "test.scorecard_warehouse.assert_band_and_light_agree"
    assert loose in keys.loose_tests and set(keys.loose_tests[loose]) <= keys.asset_keys
    assert Keys.from_json(keys.to_json()) == keys


def test_run_results_become_events_as_dagster_dbt_makes_them(definitions):
    _, keys, manifest = definitions
    unique = _uid(manifest, "test.scorecard_warehouse.unique_fct_scorecards_scorecard_id")
    accepted = _uid(manifest, "test.scorecard_warehouse.accepted_range_fct_scorecards_data_completeness__1__0")
    share = _uid(manifest, "test.scorecard_warehouse.accepted_range_fct_scorecards_role_day_share__1__0")
    run_results = {"metadata": {"invocation_id": "inv-1"}, "results": [
        {"unique_id": "seed.scorecard_warehouse.gates", "status": "success", "execution_time": 0.5},
        {"unique_id": "model.scorecard_warehouse.fct_scorecards", "status": "success"},
        {"unique_id": "model.scorecard_warehouse.dim_employees", "status": "error", "message": "x"},
        {"unique_id": "model.scorecard_warehouse.fct_scorecard_lines", "status": "skipped"},
        {"unique_id": unique, "status": "pass", "failures": 0},
        {"unique_id": accepted, "status": "warn", "failures": 3, "message": "Got 3 results"},
        {"unique_id": share, "status": "fail", "failures": 1, "message": "Got 1 result"},
        {"unique_id": "unit_test.scorecard_warehouse.fct_scorecards.t", "status": "pass"},
        {"unique_id": "test.scorecard_warehouse.assert_band_and_light_agree", "status": "pass"},
    ]}  # fmt: skip
    build = {"run_results": run_results, "rows": {"model.scorecard_warehouse.fct_scorecards": 7}}
    events = list(_build_events(keys, build, {"source": "scorecard CLI"}))

    materialized = {e.asset_key: e for e in events if isinstance(e, dg.AssetMaterialization)}
    assert set(materialized) == {dg.AssetKey(["seeds", "gates"]), FCT_SCORECARDS}
    assert materialized[FCT_SCORECARDS].metadata["dagster/row_count"].value == 7
    assert materialized[FCT_SCORECARDS].metadata["source"].value == "scorecard CLI"
    checks = {e.check_name: e for e in events if isinstance(e, dg.AssetCheckEvaluation)}
    assert {name: (e.passed, e.severity) for name, e in checks.items()} == {
        "unique_fct_scorecards_scorecard_id": (True, dg.AssetCheckSeverity.ERROR),
        "accepted_range_fct_scorecards_data_completeness__1__0": (False, dg.AssetCheckSeverity.WARN),
        "accepted_range_fct_scorecards_role_day_share__1__0": (False, dg.AssetCheckSeverity.ERROR),
    }
    assert checks["accepted_range_fct_scorecards_role_day_share__1__0"].metadata["message"].value == "Got 1 result"
    assert checks["accepted_range_fct_scorecards_role_day_share__1__0"].asset_key == FCT_SCORECARDS
    observed = [e for e in events if isinstance(e, dg.AssetObservation)]
    assert {e.asset_key for e in observed} == set(
        keys.loose_tests["test.scorecard_warehouse.assert_band_and_light_agree"])


def test_recording_never_fails_a_command(tmp_path, monkeypatch):
    monkeypatch.setenv("SCORECARD_DAGSTER", "on")
    paths = Paths.from_env(tmp_path / "home")
    write(paths.landing, "hr/employees.csv", EMPLOYEES)
    (paths.home / "dagster").write_text("not a directory")  # no instance can live here

    result = CliRunner().invoke(app, ["ingest", "--home", str(paths.home)])

    assert result.exit_code == 0, result.output
    assert "ingested 1 file(s)" in result.output
    warnings = [line for line in result.output.splitlines() if "not recorded in Dagster" in line]
    assert len(warnings) == 1, result.output
    assert warnings[0].startswith("warning: not recorded in Dagster")


def _asset_events(instance: dg.DagsterInstance, command: str) -> list:
    """The runless events one command recorded."""
    return [
        entry.dagster_event for entry in instance.all_logs("", of_type=ASSET_EVENTS)
        if entry.dagster_event.event_specific_data and _metadata(entry.dagster_event)
        .get("scorecard_command") == command
    ]  # fmt: skip


def _metadata(event) -> dict:
    data = event.event_specific_data
    data = getattr(data, "materialization", None) or getattr(data, "asset_observation", data)
    return {key: value.value for key, value in (data.metadata or {}).items()}


@pytest.mark.slow
def test_cli_runs_show_in_the_homes_dagster_instance(demo_home, tmp_path, manifest_root,
                                                      monkeypatch):  # fmt: skip
    """ingest, a whole build (checks, dbt, checks, publish) and a report from the command
    line: every asset the build ran is materialized, every check it ran evaluated."""
    paths = copy_home(demo_home, tmp_path / "home")
    parsed = manifest_dir(paths, root=manifest_root)  # the module's parse, not one more
    shutil.copytree(parsed, paths.home / "dbt" / "manifest" / parsed.name)
    (paths.home / "dbt" / "last-build-code.sha256").unlink()  # a whole build, every node
    with (paths.landing / "crm" / "orders.csv").open(encoding="utf-8") as handle:
        header, first = handle.readline(), handle.readline()
    order = first.split(",")
    order[0] = "ORD-NEW-DAY-1"
    write(paths.landing, "crm/orders__2026-09-30.csv", header + ",".join(order))
    monkeypatch.setenv("SCORECARD_DAGSTER", "on")
    runner = CliRunner()
    for command in (["ingest"], ["build"], ["report", "--quarter", "2026-Q3"]):
        result = runner.invoke(app, [*command, "--home", str(paths.home)])
        assert result.exit_code == 0, result.output
        assert "recorded in Dagster" in result.output, result.output
    _assert_recorded(paths)


def _key(event) -> dg.AssetKey | dg.AssetCheckKey:
    if event.event_type == DagsterEventType.ASSET_CHECK_EVALUATION:
        data = event.event_specific_data
        return dg.AssetCheckKey(data.asset_key, data.check_name)
    return event.asset_key


def _assert_recorded(paths: Paths) -> None:
    from orchestration.cli_runs import load_keys, open_instance
    from orchestration.home_definitions import build_definitions

    keys = load_keys(paths)
    graph = build_definitions(paths).resolve_asset_graph()
    run_results = json.loads((paths.home / "dbt" / "target" / "run_results.json").read_text())
    ran = {r["unique_id"]: r["status"] for r in run_results["results"]}
    built = {keys.dbt[uid] for uid, status in ran.items() if uid in keys.dbt and status == "success"}
    tested = {keys.tests[uid] for uid, status in ran.items() if uid in keys.tests and status != "skipped"}
    assert len(built) == len(keys.dbt) == 88  # every model and seed: a whole build
    assert len(tested) == len(keys.tests) == 255
    with open_instance(paths) as instance:
        ingest, build, report = (_asset_events(instance, c) for c in ("ingest", "build", "report"))
        quarters = instance.get_dynamic_partitions(QUARTERS_NAME)

    # Every event is of an asset or check the definitions have, so the UI shows it.
    known = graph.get_all_asset_keys() | set(graph.asset_check_keys)
    assert {_key(event) for event in ingest + build + report} <= known

    # ingest: the one table with a new batch.
    assert [e.asset_key for e in ingest] == [dg.AssetKey(["raw", "crm", "orders"])]
    assert _metadata(ingest[0])["files_loaded"] == ["crm/orders__2026-09-30.csv"]
    assert _metadata(ingest[0])["source"] == "scorecard CLI"
    # build: every model and seed dbt ran, then publish; every test and suite evaluated.
    materialized = collections.Counter(
        e.asset_key for e in build if e.event_type == DagsterEventType.ASSET_MATERIALIZATION
    )
    assert set(materialized) == built | {SERVING_KEY}
    assert set(materialized.values()) == {1}
    evaluations = {(e.event_specific_data.asset_key, e.event_specific_data.check_name):
                   e.event_specific_data for e in build
                   if e.event_type == DagsterEventType.ASSET_CHECK_EVALUATION}  # fmt: skip
    suites = {(key.asset_key, key.name) for key in keys.suites.values()}
    assert set(evaluations) == {(key.asset_key, key.name) for key in tested} | suites
    assert len(evaluations) == 255 + 33
    fct = next(e for e in build if e.asset_key == FCT_SCORECARDS
               and e.event_type == DagsterEventType.ASSET_MATERIALIZATION)  # fmt: skip
    assert _metadata(fct)["dagster/row_count"] > 0
    assert _metadata(fct)["unique_id"] == "model.scorecard_warehouse.fct_scorecards"
    gx = evaluations[(FCT_SCORECARDS, "marts__fct_scorecards")]
    assert gx.passed and gx.metadata["expectations"].value == 7
    assert evaluations[(FCT_SCORECARDS, "unique_fct_scorecards_scorecard_id")].passed
    # report: the quarter's partition, keyed as the business names it.
    [written] = report
    assert written.asset_key == REPORT_KEY
    assert written.event_specific_data.materialization.partition == "2026-Q3"
    assert quarters == sorted(quarters) and "2026-Q3" in quarters
    assert all(re.fullmatch(r"\d{4}-Q[1-4]", quarter) for quarter in quarters)
