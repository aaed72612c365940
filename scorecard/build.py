"""Run the dbt project in-process against one SCORECARD_HOME."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

from scorecard.errors import UserError
from scorecard.paths import PROJECT_ROOT, Paths

RESULT_EVENTS = {"LogModelResult", "LogTestResult", "LogSeedResult", "LogSnapshotResult"}


@dataclass
class BuildResult:
    nodes: int = 0
    failures: list[str] = field(default_factory=list)
    warnings: int = 0


def dbt_environment(paths: Paths) -> dict[str, str]:
    """Environment the dbt profile and sources read: where raw data and the warehouse live."""
    return {
        "SCORECARD_RAW_DIR": str(paths.raw),
        "SCORECARD_WAREHOUSE_DB": str(paths.warehouse_db),
        "DBT_PROFILES_DIR": str(PROJECT_ROOT),
        "DBT_PROJECT_DIR": str(PROJECT_ROOT),
        # Per-home target and logs: two warehouses can build side by side.
        "DBT_TARGET_PATH": str(paths.home / "dbt" / "target"),
        "DBT_LOG_PATH": str(paths.home / "dbt" / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }


def run_dbt(
    paths: Paths, args: list[str], on_node: Callable[[str], None] | None = None
) -> BuildResult:
    from dbt.cli.main import dbtRunner  # heavy import, only when building

    os.environ.update(dbt_environment(paths))
    paths.warehouse_db.parent.mkdir(parents=True, exist_ok=True)

    def callback(event) -> None:
        if on_node and event.info.name in RESULT_EVENTS:
            on_node(getattr(event.data, "node_info", None) and event.data.node_info.node_name)

    outcome = dbtRunner(callbacks=[callback]).invoke([*args, "--quiet"])
    result = BuildResult()
    if outcome.exception is not None:
        raise UserError(f"dbt could not run: {outcome.exception}")
    for node in getattr(outcome.result, "results", None) or []:
        result.nodes += 1
        status = str(node.status)
        if status in ("error", "fail", "runtime error"):
            first_line = (node.message or "").strip().splitlines()[:1] or [""]
            result.failures.append(f"{node.node.unique_id}: {first_line[0][:300]}")
        elif status == "warn":
            result.warnings += 1
    return result


def build_warehouse(paths: Paths, on_node: Callable[[str], None] | None = None) -> BuildResult:
    """`dbt build`: seeds, models, snapshots and every test, in DAG order."""
    result = run_dbt(paths, ["build"], on_node)
    if result.failures:
        shown = "; ".join(result.failures[:3])
        more = f" (and {len(result.failures) - 3} more)" if len(result.failures) > 3 else ""
        raise UserError(f"dbt build failed on {len(result.failures)} node(s): {shown}{more}")
    return result
