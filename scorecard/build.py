"""Run the dbt project against one SCORECARD_HOME, in a child process.

A child process keeps dbt's DuckDB connection, memory and global state out of the
caller (tests and Dagster read the warehouse right after a build) and can be killed
without harming the caller. Progress comes from dbt's JSON log lines.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from scorecard.errors import UserError
from scorecard.paths import PROJECT_ROOT, Paths

RESULT_EVENTS = {"LogModelResult", "LogTestResult", "LogSeedResult", "LogSnapshotResult"}
FAILED = {"error", "fail", "runtime error"}


@dataclass
class BuildResult:
    nodes: int = 0
    failures: list[str] = field(default_factory=list)
    warnings: int = 0
    seconds_by_kind: dict[str, float] = field(default_factory=dict)  # model, test, unit_test


def dbt_environment(paths: Paths, project_dir: Path = PROJECT_ROOT) -> dict[str, str]:
    """Environment the dbt profile and sources read: where raw data and the warehouse live."""
    return {
        "SCORECARD_RAW_DIR": str(paths.raw),
        "SCORECARD_WAREHOUSE_DB": str(paths.warehouse_db),
        "DBT_PROFILES_DIR": str(project_dir),
        "DBT_PROJECT_DIR": str(project_dir),
        # Per-home target and logs: two warehouses can build side by side.
        "DBT_TARGET_PATH": str(paths.home / "dbt" / "target"),
        "DBT_LOG_PATH": str(paths.home / "dbt" / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }


def run_dbt(
    paths: Paths,
    args: list[str],
    on_node: Callable[[str], None] | None = None,
    project_dir: Path = PROJECT_ROOT,
    environment: Mapping[str, str] | None = None,
) -> BuildResult:
    """Run one dbt command; report each finished node; collect failures from run_results.

    `environment` overrides variables of dbt_environment(), e.g. another engine's target
    (SCORECARD_DBT_TARGET) with its own DBT_TARGET_PATH (scorecard/engines/).
    """
    paths.warehouse_db.parent.mkdir(parents=True, exist_ok=True)
    environment = {**os.environ, **dbt_environment(paths, project_dir), **(environment or {})}
    command = [sys.executable, "-m", "dbt.cli.main", *args, "--log-format", "json"]
    with subprocess.Popen(
        command, cwd=project_dir, env=environment, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    ) as child:  # fmt: skip
        errors: list[str] = []
        for line in child.stdout or []:
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                errors.append(line.strip())
                continue
            info = event.get("info", {})
            if info.get("level") == "error":
                errors.append(info.get("msg", "").strip())
            if on_node and info.get("name") in RESULT_EVENTS:
                on_node(event.get("data", {}).get("node_info", {}).get("node_name", ""))
    results_file = Path(environment["DBT_TARGET_PATH"]) / "run_results.json"
    if child.returncode == 2 or not results_file.exists():
        detail = next((e for e in errors if e), f"exit code {child.returncode}")
        raise UserError(f"dbt could not run: {detail.splitlines()[0][:400]}")
    return _collect(json.loads(results_file.read_text(encoding="utf-8")))


def _collect(run_results: dict) -> BuildResult:
    result = BuildResult()
    for node in run_results.get("results", []):
        result.nodes += 1
        kind = node["unique_id"].split(".")[0]
        result.seconds_by_kind[kind] = result.seconds_by_kind.get(kind, 0.0) + node.get(
            "execution_time", 0.0
        )
        if node["status"] in FAILED:
            first_line = (node.get("message") or "").strip().splitlines()[:1] or [""]
            result.failures.append(f"{node['unique_id']}: {first_line[0][:300]}")
        elif node["status"] == "warn":
            result.warnings += 1
    return result


def build_warehouse(
    paths: Paths,
    on_node: Callable[[str], None] | None = None,
    extra_args: list[str] = (),
    project_dir: Path = PROJECT_ROOT,
    environment: Mapping[str, str] | None = None,
) -> BuildResult:
    """`dbt build`: seeds, models and every test, in DAG order; failures raise."""
    result = run_dbt(paths, ["build", *extra_args], on_node, project_dir, environment)
    if result.failures:
        shown = "; ".join(result.failures[:3])
        more = f" (and {len(result.failures) - 3} more)" if len(result.failures) > 3 else ""
        raise UserError(f"dbt build failed on {len(result.failures)} node(s): {shown}{more}")
    return result
