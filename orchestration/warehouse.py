"""The dbt project as Dagster assets (dagster-dbt), grouped by layer.

dbt runs as a child process (DbtCliResource), so its DuckDB connection and lock end
with it: checks and publish read the warehouse right after. The manifest Dagster needs
to lay out the graph is parsed once per version of the dbt files, under the home (never
in the repository), and re-parsed when a model, seed, macro or test changes.
"""

import itertools
import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from orchestration.manifest import manifest_dir
from orchestration.resources import TRANSIENT_RETRY, ScorecardHome
from scorecard.build import FAILED, dbt_environment, plan_build
from scorecard.ingest.lock import raw_zone_lock
from scorecard.ingest.zone import RawZone
from scorecard.paths import PROJECT_ROOT, Paths
from scorecard.refresh_window import node_selector, refresh_left_out


def dbt_project(
    paths: Paths, project_dir: Path = PROJECT_ROOT, manifest_root: Path | None = None
) -> DbtProject:
    return DbtProject(
        project_dir=project_dir,
        target_path=manifest_dir(paths, project_dir, manifest_root),
        profiles_dir=project_dir,
    )


class LayerTranslator(DagsterDbtTranslator):
    """Asset keys and groups by warehouse layer: raw / seeds / staging / intermediate / marts.

    Sources map to the raw tables the ingestion asset writes (raw/<source>/<table>), so
    the graph runs from landing files to marts without a gap.
    """

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey(
                ["raw", dbt_resource_props["source_name"], dbt_resource_props["name"]]
            )
        return dg.AssetKey([self.get_group_name(dbt_resource_props), dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str:
        resource_type = dbt_resource_props["resource_type"]
        if resource_type == "source":
            return "raw"
        if resource_type == "seed":
            return "seeds"
        # The top folder under models/ is the layer (staging, intermediate, marts, semantic).
        fqn = dbt_resource_props["fqn"]
        return fqn[1] if len(fqn) > 2 else "models"

    def get_asset_check_spec(self, asset_spec: dg.AssetSpec, manifest: Mapping[str, Any],
                             unique_id: str, project: DbtProject | None
                             ) -> dg.AssetCheckSpec | None:  # fmt: skip
        """dagster-dbt's check for a dbt test, described when its yml gives no description."""
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None or spec.description:
            return spec
        return spec._replace(description=test_description(manifest["nodes"][unique_id]))


def test_description(test: Mapping[str, Any]) -> str:
    """What a dbt test checks, in one line: test, model and column, arguments, where it is
    declared. E.g. `accepted_range on fct_scorecards.data_completeness (min_value 0,
    max_value 1); severity error; models/marts/scorecards/fct_scorecards.yml`."""
    if test.get("description"):
        return test["description"]
    declared = test.get("original_file_path", "")
    severity = str(test.get("config", {}).get("severity") or "error").lower()
    generic = test.get("test_metadata") or {}
    if not generic:  # a singular test: the comment heading its SQL says what it asserts
        heading = " ".join(line.removeprefix("--").strip() for line in itertools.takewhile(
            lambda line: line.startswith("--"), (test.get("raw_code") or "").splitlines()))
        return f"{heading or 'dbt singular test ' + test['name']} (severity {severity}; {declared})"
    model = (test.get("attached_node") or "").rsplit(".", 1)[-1]
    column = test.get("column_name")
    arguments = ", ".join(f"{k} {v}" for k, v in generic.get("kwargs", {}).items()
                          if k not in {"model", "column_name"})  # fmt: skip
    on = f"{model}.{column}" if column else model
    return (f"dbt test {generic['name']} on {on}" + (f" ({arguments})" if arguments else "")
            + f"; severity {severity}; {declared}")  # fmt: skip


def mart_key(model: str) -> dg.AssetKey:
    return dg.AssetKey(["marts", model])


@contextmanager
def _scoped_environment(values: dict[str, str]) -> Iterator[None]:
    """The home's dbt variables for the dbt child process DbtCliResource starts.

    DbtCliResource copies os.environ when it starts dbt and takes no env of its own;
    the values are restored at once, so nothing else in the process sees them.
    """
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def warehouse_models(project: DbtProject) -> dg.AssetsDefinition:
    @dbt_assets(
        manifest=project.manifest_path,
        project=project,
        dagster_dbt_translator=LayerTranslator(),
        name="warehouse_models",
        retry_policy=TRANSIENT_RETRY,
    )
    def _warehouse_models(
        context: dg.AssetExecutionContext, dbt: DbtCliResource, scorecard: ScorecardHome
    ):
        """`dbt build` (seeds, models, unit and data tests) into the home's warehouse."""
        # No ingest changes the raw zone from the plan to dbt's end (scorecard/ingest/lock.py).
        with raw_zone_lock(scorecard.paths, "build"):
            yield from _build(context, dbt, scorecard.paths, project)

    return _warehouse_models


def _build(context: dg.AssetExecutionContext, dbt: DbtCliResource, paths: Paths,
           project: DbtProject) -> Iterator:  # fmt: skip
    """What `scorecard build` does, as dbt events for Dagster."""
    # A batch an interrupted ingest left uncommitted must not reach the warehouse.
    for removed in RawZone(paths).recover():
        context.log.warning(f"removed uncommitted batch {removed}")
    target = paths.home / "dbt" / "target"
    results = target / "run_results.json"
    results.unlink(missing_ok=True)  # never judge this run by the last one's results
    # As `scorecard build`: a full refresh after a code change, no unit tests and
    # only the reachable periods on a refresh (scorecard.build.plan_build).
    plan = plan_build(paths, project_dir=Path(project.project_dir), subset=context.is_subset)
    plan.starting()
    left_out = []  # a refresh runs only the nodes new data or the build date reaches
    if plan.refresh_from:
        left_out = refresh_left_out(_manifest(project), plan.new_batches)
    # Recorded first: nothing left out is downstream of a node that runs (Dagster
    # wants a multi-asset's outputs in graph order), and publish needs every mart.
    translator = LayerTranslator()
    for node in left_out:
        key = translator.get_asset_key(node)
        if node["resource_type"] in {"model", "seed"} and key in context.selected_asset_keys:
            yield dg.MaterializeResult(asset_key=key, metadata={
                "refresh": "not rebuilt: no new batch or build date reaches it"})  # fmt: skip
    # Not --select: dagster-dbt adds one of this run's assets, and dbt runs the union.
    # (One value: dagster-dbt takes one per --exclude and splits it on spaces.) The
    # tests left out are listed, so dbt must not also drop every test of a node left
    # out (its default, "eager"): a test of it and of a node that runs runs too.
    exclude = ["--exclude", " ".join(map(node_selector, left_out))] if left_out else []
    indirect = {"DBT_INDIRECT_SELECTION": "empty"} if left_out else {}
    with _scoped_environment({**dbt_environment(paths, Path(project.project_dir)),
                              **plan.environment, **indirect}):  # fmt: skip
        invocation = dbt.cli(["build", *plan.args, *exclude], context=context,
                             target_path=target, raise_on_error=False)  # fmt: skip
    yield from invocation.stream()
    if not invocation.is_successful():
        _raise_for(json.loads(results.read_text("utf-8")) if results.exists() else None)
    plan.succeeded()


def _manifest(project: DbtProject) -> dict:
    return json.loads(Path(project.manifest_path).read_text(encoding="utf-8"))


def _raise_for(run_results: dict | None) -> None:
    """A model error or failed test is in the data or code: retrying cannot fix it."""
    failed = [
        f"{node['unique_id']}: {((node.get('message') or '').strip().splitlines() or [''])[0]}"
        for node in (run_results or {}).get("results", [])
        if node["status"] in FAILED
    ]
    if failed:
        raise dg.Failure(
            description=f"dbt build failed on {len(failed)} node(s): " + "; ".join(failed[:5]),
            metadata={"failed_nodes": dg.MetadataValue.json(failed)},
            allow_retries=False,
        )
    raise RuntimeError("dbt could not run (see the dbt log above); retrying")
