"""Command-line runs in the home's Dagster instance: what `scorecard` built and checked.

`scorecard ingest`, `build`, `check`, `publish`, `report` and `demo` report their work
to the Dagster instance of their home (`<home>/dagster`, the DAGSTER_HOME `make dagster`
uses) as runless asset events, so the UI shows every build wherever it ran:

- an AssetMaterialization for every asset the command (re)built: each raw table that
  got new batches, each dbt model and seed the build ran (from dbt's run_results.json),
  the serving database on publish, the quarter's report (partition `2026-Q3`);
- an AssetCheckEvaluation for every check it evaluated: each dbt test dagster-dbt makes
  a check, each Great Expectations suite; passed or not, with severity and the failed
  expectations. A dbt test dagster-dbt cannot attach to one asset (a singular test over
  several models) is an AssetObservation of each model it reads, as in a Dagster run.

Keys come from the definitions themselves (build_definitions), never rebuilt by hand:
the dbt nodes and tests by the unique id dagster-dbt stores in each spec, the raw tables
and suites by the ids ingestion.py and checks.py store in theirs. Loading the
definitions takes seconds, so the keys are kept in a small JSON file beside the parsed
manifest (<home>/dbt/manifest/<hash>/), valid for one version of the dbt files, of this
package, of the expectation suites and of Dagster.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import dagster as dg

from orchestration.manifest import manifest_dir
from orchestration.metadata import publication_metadata, report_metadata, suite_evaluation
from orchestration.partitions import QUARTERS_NAME, sync_quarters
from scorecard.paths import PROJECT_ROOT, Paths

SOURCE = "scorecard CLI"
DBT_UNIQUE_ID = "dagster_dbt/unique_id"  # dagster-dbt's metadata key on every spec
KEYS_FORMAT = 1
CONFIG = Path(__file__).with_name("dagster.yaml")

Item = tuple[str, Any]  # (kind, what the command produced): see record()


@dataclass
class Keys:
    """What the definitions call each thing the command line builds or checks."""

    raw: dict[str, dg.AssetKey]  # contract table 'crm.orders' -> raw/crm/orders
    dbt: dict[str, dg.AssetKey]  # dbt unique id (model, seed) -> its asset
    tests: dict[str, dg.AssetCheckKey]  # dbt test unique id -> its check
    loose_tests: dict[str, list[dg.AssetKey]]  # a test that is no check -> what it reads
    suites: dict[str, dg.AssetCheckKey]  # expectation suite -> its check
    serving: dg.AssetKey
    report: dg.AssetKey

    @property
    def asset_keys(self) -> set[dg.AssetKey]:
        return {*self.raw.values(), *self.dbt.values(), self.serving, self.report}

    @property
    def check_keys(self) -> set[dg.AssetCheckKey]:
        return {*self.tests.values(), *self.suites.values()}

    def to_json(self) -> str:
        def check(key: dg.AssetCheckKey) -> list:
            return [key.asset_key.path, key.name]

        return json.dumps({
            "format": KEYS_FORMAT,
            "raw": {name: key.path for name, key in self.raw.items()},
            "dbt": {uid: key.path for uid, key in self.dbt.items()},
            "tests": {uid: check(key) for uid, key in self.tests.items()},
            "loose_tests": {uid: [k.path for k in keys] for uid, keys in self.loose_tests.items()},
            "suites": {suite: check(key) for suite, key in self.suites.items()},
            "serving": self.serving.path,
            "report": self.report.path,
        }, indent=1, sort_keys=True)  # fmt: skip

    @classmethod
    def from_json(cls, text: str) -> Keys:
        data = json.loads(text)

        def check(value: list) -> dg.AssetCheckKey:
            return dg.AssetCheckKey(dg.AssetKey(value[0]), value[1])

        return cls(
            raw={name: dg.AssetKey(path) for name, path in data["raw"].items()},
            dbt={uid: dg.AssetKey(path) for uid, path in data["dbt"].items()},
            tests={uid: check(value) for uid, value in data["tests"].items()},
            loose_tests={uid: [dg.AssetKey(p) for p in paths]
                         for uid, paths in data["loose_tests"].items()},  # fmt: skip
            suites={suite: check(value) for suite, value in data["suites"].items()},
            serving=dg.AssetKey(data["serving"]),
            report=dg.AssetKey(data["report"]),
        )


def keys_from_definitions(defs: dg.Definitions, manifest: dict) -> Keys:
    """Read every key off the definitions (see the module docstring)."""
    from orchestration.checks import SUITE_METADATA
    from orchestration.ingestion import RAW_TABLE_METADATA
    from orchestration.quarterly import REPORT_KEY
    from orchestration.serving import SERVING_KEY

    raw, dbt, tests, suites = {}, {}, {}, {}
    for assets_def in defs.assets or []:
        for spec in assets_def.specs:
            metadata = spec.metadata or {}
            if RAW_TABLE_METADATA in metadata:
                raw[metadata[RAW_TABLE_METADATA]] = spec.key
            if DBT_UNIQUE_ID in metadata:
                dbt[metadata[DBT_UNIQUE_ID]] = spec.key
        for check_spec in assets_def.check_specs:
            if DBT_UNIQUE_ID in (check_spec.metadata or {}):
                tests[check_spec.metadata[DBT_UNIQUE_ID]] = check_spec.key
    for checks_def in defs.asset_checks or []:
        for check_spec in checks_def.check_specs:
            if SUITE_METADATA in (check_spec.metadata or {}):
                suites[check_spec.metadata[SUITE_METADATA]] = check_spec.key
    loose = {}
    for uid, node in manifest["nodes"].items():
        if node["resource_type"] == "test" and uid not in tests:
            parents = (_parent_key(parent, manifest, dbt, raw)
                       for parent in node["depends_on"]["nodes"])  # fmt: skip
            loose[uid] = [key for key in parents if key]
    return Keys(raw, dbt, tests, loose, suites, SERVING_KEY, REPORT_KEY)


def _parent_key(uid: str, manifest: dict, dbt: dict, raw: dict) -> dg.AssetKey | None:
    if uid in dbt:
        return dbt[uid]
    source = manifest["sources"].get(uid)  # a dbt source is a raw table (LayerTranslator)
    return raw.get(f"{source['source_name']}.{source['name']}") if source else None


def keys_fingerprint(project_dir: Path = PROJECT_ROOT) -> str:
    """What the keys depend on besides the dbt files: this package, the suites, Dagster."""
    digest = hashlib.sha256(f"{KEYS_FORMAT} {version('dagster')} {version('dagster-dbt')}".encode())
    files = [*sorted((project_dir / "orchestration").glob("*.py")),
             *sorted((project_dir / "expectations").rglob("*.json"))]  # fmt: skip
    for path in files:
        digest.update(path.relative_to(project_dir).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def load_keys(paths: Paths) -> Keys:
    """The keys of this home's definitions, from the cache or from a definitions load."""
    folder = manifest_dir(paths)  # parses the dbt project if its files changed
    cached = folder / f"dagster-keys-{keys_fingerprint()}.json"
    if cached.exists():
        return Keys.from_json(cached.read_text(encoding="utf-8"))
    from orchestration.home_definitions import build_definitions

    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    keys = keys_from_definitions(build_definitions(paths), manifest)
    scratch = cached.with_name(f".{cached.name}.{uuid.uuid4().hex[:8]}")
    scratch.write_text(keys.to_json(), encoding="utf-8")
    os.replace(scratch, cached)
    for old in folder.glob("dagster-keys-*.json"):
        if old != cached:
            old.unlink(missing_ok=True)
    return keys


def open_instance(paths: Paths) -> dg.DagsterInstance:
    """The home's Dagster instance, set up as `make dagster` sets it up."""
    dagster_home = paths.home / "dagster"
    dagster_home.mkdir(parents=True, exist_ok=True)
    if not (dagster_home / "dagster.yaml").exists():
        shutil.copyfile(CONFIG, dagster_home / "dagster.yaml")
    return dg.DagsterInstance.from_config(str(dagster_home))


# --- events -------------------------------------------------------------------------------


def _ingest_events(keys: Keys, report, common: dict) -> Iterator[dg.AssetMaterialization]:
    """A raw table with new batches; a file rejected whole leaves its table as it was."""
    by_table = defaultdict(list)
    for record in report.loaded:
        by_table[record.table].append(record)
    for table, records in by_table.items():
        if table not in keys.raw:
            continue
        yield dg.AssetMaterialization(keys.raw[table], metadata={
            "rows_loaded": sum(r.rows_loaded for r in records),
            "rows_quarantined": sum(r.rows_quarantined for r in records),
            "rows_read": sum(r.rows_read for r in records),
            "batch_ids": [r.batch_id for r in records],
            "files_loaded": [r.source_file for r in records],
            **common,
        })  # fmt: skip


def _check_events(keys: Keys, run, common: dict) -> Iterator[dg.AssetCheckEvaluation]:
    for suite in run.suites:
        if suite not in keys.suites:
            continue
        key = keys.suites[suite]
        evaluation = suite_evaluation([o for o in run.outcomes if o.suite == suite],
                                      run.raw_scopes.get(suite))  # fmt: skip
        evaluation["metadata"].update(quality_run_id=run.run_id, **common)
        yield dg.AssetCheckEvaluation(asset_key=key.asset_key, check_name=key.name, **evaluation)


def _build_events(keys: Keys, build: dict, common: dict) -> Iterator:
    """dbt's run results as dagster-dbt turns them into events (its status rules).

    build: {"run_results": run_results.json, "rows": {unique id: rows of a table}}.
    """
    run_results, rows = build["run_results"], build.get("rows", {})
    invocation = run_results.get("metadata", {}).get("invocation_id")
    for result in run_results.get("results", []):
        uid, status = result["unique_id"], result["status"]
        node = {"unique_id": uid, "dbt_invocation_id": invocation,
                "execution_seconds": round(result.get("execution_time") or 0.0, 3)}  # fmt: skip
        if uid in keys.dbt and status == "success":
            counted = {"dagster/row_count": rows[uid]} if uid in rows else {}
            yield dg.AssetMaterialization(keys.dbt[uid], metadata={**node, **counted, **common})
            continue
        if not uid.startswith("test.") or status == "skipped":
            continue  # unit tests are no checks in dagster-dbt either
        metadata = {**node, "status": status, **common}
        if result.get("failures") is not None:
            metadata["dagster_dbt/failed_row_count"] = result["failures"]
        if status != "pass" and result.get("message"):
            metadata["message"] = str(result["message"])[:2000]
        if uid in keys.tests:
            key = keys.tests[uid]
            yield dg.AssetCheckEvaluation(
                asset_key=key.asset_key, check_name=key.name, passed=status == "pass",
                severity=(dg.AssetCheckSeverity.WARN if status == "warn"
                          else dg.AssetCheckSeverity.ERROR),
                metadata=metadata,
            )  # fmt: skip
        else:
            for key in keys.loose_tests.get(uid, []):
                yield dg.AssetObservation(key, metadata=metadata, description=(
                    f"dbt test {uid.split('.')[2]} ({status}): it reads several models, "
                    "so it is no asset check"))  # fmt: skip


@dataclass
class Recorded:
    materializations: int = 0
    evaluations: int = 0
    observations: int = 0
    quarters_added: int = 0

    def add(self, event) -> None:
        if isinstance(event, dg.AssetMaterialization):
            self.materializations += 1
        elif isinstance(event, dg.AssetCheckEvaluation):
            self.evaluations += 1
        else:
            self.observations += 1


class Recorder:
    """Records one command's work as it is noted (scorecard/dagster_record.py).

    add() reports at once what needs no file of the home; finish() brings the quarter
    partitions in step with the serving database and reports the quarter's report,
    once the command no longer writes anything.
    """

    def __init__(self, paths: Paths, command: str, run_id: str) -> None:
        self.paths = paths
        self.instance = open_instance(paths)  # first: no definitions load for nothing
        try:
            self.keys = load_keys(paths)
        except BaseException:
            self.instance.dispose()
            raise
        self.common = {"source": SOURCE, "scorecard_command": command, "scorecard_run_id": run_id}
        self.recorded = Recorded()
        self.reports: list = []

    def _report(self, events: Iterable) -> None:
        for event in events:
            self.instance.report_runless_asset_event(event)
            self.recorded.add(event)

    def add(self, kind: str, value: Any) -> None:
        """ingest: IngestReport; check: CheckRun; build: see _build_events; publish:
        Publication; report: ReportResult (recorded by finish)."""
        keys, common = self.keys, self.common
        if kind == "ingest":
            self._report(_ingest_events(keys, value, common))
        elif kind == "check":
            self._report(_check_events(keys, value, common))
        elif kind == "build":
            self._report(_build_events(keys, value, common))
        elif kind == "publish":
            self._report([dg.AssetMaterialization(keys.serving, metadata={
                **publication_metadata(value), **common})])  # fmt: skip
        elif kind == "report":
            self.reports.append(value)
        else:
            raise ValueError(f"unknown kind of command-line work {kind!r}")

    def finish(self, now: dt.datetime | None = None) -> Recorded:
        try:
            now = now or dt.datetime.now(dt.UTC)
            self.recorded.quarters_added = len(sync_quarters(self.instance, self.paths, now))
            quarters = set(self.instance.get_dynamic_partitions(QUARTERS_NAME))
            self._report(
                dg.AssetMaterialization(self.keys.report, partition=result.quarter,
                                        metadata={**report_metadata(result), **self.common})
                for result in self.reports
                if result.quarter in quarters  # an open quarter is no partition yet
            )  # fmt: skip
        finally:
            self.instance.dispose()
        return self.recorded


def record(paths: Paths, command: str, run_id: str, items: Iterable[Item],
           now: dt.datetime | None = None) -> Recorded:  # fmt: skip
    """Report what one `scorecard` command did, in the order it did it."""
    recorder = Recorder(paths, command, run_id)
    try:
        for kind, value in items:
            recorder.add(kind, value)
    except BaseException:
        recorder.instance.dispose()
        raise
    return recorder.finish(now)
