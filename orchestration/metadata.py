"""What Dagster shows of a check, a publication or a report, whoever ran it.

A Dagster run (checks.py, serving.py, quarterly.py) and a command-line run recorded in
Dagster afterwards (cli_runs.py) describe the same work with the same fields. Imports
no dagster-dbt: the command line loads it.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

import dagster as dg

from scorecard.quality import Outcome
from scorecard.quality.checks import load_suite

SHOWN_FAILURES = 20
SHOWN_EXPECTATIONS = 40


def suite_evaluation(outcomes: Sequence[Outcome], scope: str | None = None) -> dict[str, Any]:
    """passed, severity and metadata of one suite's check from its outcomes."""
    failed = [o for o in outcomes if not o.success]
    critical = [o for o in failed if o.severity == "critical"]
    metadata: dict[str, Any] = {
        "expectations": len(outcomes),
        "critical_failures": len(critical),
        "warnings": len(failed) - len(critical),
    }
    if scope:  # what of a raw table was validated (scorecard/quality/raw_scope.py)
        metadata["validated"] = scope
    if failed:
        metadata["failed_expectations"] = dg.MetadataValue.md(
            "\n".join(f"- {o.describe()}" for o in failed[:SHOWN_FAILURES])
        )
        metadata["samples"] = dg.MetadataValue.json(
            [
                {"expectation": o.expectation, "column": o.column_name,
                 "observed_value": json.loads(json.dumps(o.observed_value, default=str)),
                 "unexpected_count": o.unexpected_count, "sample": o.sample}
                for o in failed[:SHOWN_FAILURES]
            ]
        )  # fmt: skip
    return {
        "passed": not failed,
        "severity": dg.AssetCheckSeverity.ERROR if critical else dg.AssetCheckSeverity.WARN,
        "metadata": metadata,
    }


def _expectation_line(expectation: dict) -> str:
    severity = expectation.get("severity") or "critical"
    kwargs = expectation.get("kwargs", {})
    what = expectation.get("description") or expectation["type"].removeprefix("expect_")
    column = kwargs.get("column") or ", ".join(kwargs.get("column_list") or [])
    return f"- {severity}: {what}" + (f" ({column})" if column and column not in what else "")


def suite_description(suite: str) -> str:
    """The suite in a few lines: its table, how many expectations of each severity, and
    each expectation (its description, or its type and column)."""
    content = load_suite(suite)
    expectations = content["expectations"]
    severities = Counter(e.get("severity") or "critical" for e in expectations)
    layer, _, name = suite.partition(".")
    counted = ", ".join(f"{n} {severity}" for severity, n in sorted(severities.items()))
    lines = [
        f"Great Expectations suite {suite} (expectations/{layer}/{name}.json) on "
        f"{content.get('meta', {}).get('table', name)}: {len(expectations)} expectations "
        f"({counted}). A critical failure blocks what is downstream; a warning does not.",
        "",
        *(_expectation_line(e) for e in expectations[:SHOWN_EXPECTATIONS]),
    ]
    if len(expectations) > SHOWN_EXPECTATIONS:
        lines.append(f"- and {len(expectations) - SHOWN_EXPECTATIONS} more")
    return "\n".join(lines)


def publication_metadata(publication) -> dict[str, Any]:
    """A publication (scorecard.publish.publish) as the serving asset's metadata."""
    return {
        "publication_id": publication.publication_id,
        "published_at": publication.published_at,
        "rows_by_mart": dg.MetadataValue.json(publication.tables),
        "dagster/row_count": sum(publication.tables.values()),
        "serving_db": dg.MetadataValue.path(str(publication.serving_db)),
        "parquet_dir": dg.MetadataValue.path(str(publication.parquet_dir)),
    }


def report_metadata(result) -> dict[str, Any]:
    """A report (scorecard.report.write_report) as the report asset's metadata."""
    return {
        "quarter": result.quarter,
        "path": dg.MetadataValue.path(str(result.path)),
        "employees": result.employees,
        "scorecards": result.scorecards,
        "explained_lines": result.explanations,
        "size_bytes": result.size_bytes,
    }
