"""Expectation suites (scorecard.quality, Great Expectations) as Dagster asset checks.

One check per suite, on the asset it guards: raw.<source>__<table> on the raw table the
ingestion writes, marts.<model> on the dbt mart. A suite with a critical expectation is
a blocking check: when one fails (severity ERROR) the assets downstream do not run, so
dbt never builds over bad raw data and publish never serves bad marts. Warnings fail
the check with severity WARN and let the run go on.

Suites that span a layer (raw.load_health over every raw load, marts.privacy over every
mart's columns) sit on that layer's anchor: the first raw table in load order and the
headline mart, fct_scorecards. Every suite of a layer is validated in one step (one
Great Expectations context and one checks database), and every run is also recorded in
the quality history (warehouse/quality.duckdb) as `scorecard check` records it.
"""

from collections.abc import Iterable

import dagster as dg

from orchestration.ingestion import raw_key
from orchestration.metadata import suite_description, suite_evaluation
from orchestration.resources import ScorecardHome
from orchestration.warehouse import mart_key
from scorecard.contract import load_contract, load_order
from scorecard.quality import Outcome, run_checks, suite_names
from scorecard.quality.checks import load_suite

MART_ANCHOR = "fct_scorecards"
SUITE_METADATA = "scorecard/suite"  # the suite a check runs: how cli_runs.py finds its key


def suite_asset(suite: str, raw_tables: set[str], marts: set[str]) -> dg.AssetKey:
    """The asset a suite guards (see the module docstring for layer-wide suites)."""
    layer, _, name = suite.partition(".")
    if layer == "raw":
        table = name.replace("__", ".", 1)
        if table in raw_tables:
            return raw_key(table)
        return raw_key(load_order(load_contract())[0])
    if layer == "marts":
        return mart_key(name if name in marts else MART_ANCHOR)
    raise ValueError(f"expectation suite {suite!r} is neither raw.* nor marts.*")


def _is_blocking(suite: str) -> bool:
    """Critical is the default severity: an expectation without one blocks."""
    return any(
        (e.get("severity") or "critical") == "critical" for e in load_suite(suite)["expectations"]
    )


def _result(spec: dg.AssetCheckSpec, outcomes: list[Outcome], scope: str | None = None
            ) -> dg.AssetCheckResult:  # fmt: skip
    return dg.AssetCheckResult(
        asset_key=spec.asset_key, check_name=spec.name, **suite_evaluation(outcomes, scope)
    )


def _suite_checks(
    name: str, suites: list[str], keys: dict[str, dg.AssetKey], description: str
) -> dg.AssetChecksDefinition:
    specs = [
        dg.AssetCheckSpec(
            name=suite.replace(".", "__"),
            asset=keys[suite],
            blocking=_is_blocking(suite),
            description=suite_description(suite),
            metadata={SUITE_METADATA: suite},
        )  # fmt: skip
        for suite in suites
    ]
    by_suite = dict(zip(suites, specs, strict=True))

    @dg.multi_asset_check(specs=specs, name=name, description=description)
    def _checks(context: dg.AssetCheckExecutionContext, scorecard: ScorecardHome):
        run = run_checks(scorecard.paths, suites=suites)
        context.log.info(
            f"{len(run.outcomes)} expectations in {len(suites)} suites: "
            f"{len(run.blocking)} critical failure(s), {len(run.warnings)} warning(s) "
            f"(quality run {run.run_id})"
        )
        for outcome in run.blocking:
            context.log.error(outcome.describe())
        for suite, spec in by_suite.items():
            yield _result(spec, [o for o in run.outcomes if o.suite == suite],
                          run.raw_scopes.get(suite))  # fmt: skip

    return _checks


def expectation_checks(marts: Iterable[str]) -> list[dg.AssetChecksDefinition]:
    raw_tables = set(load_contract())
    marts = set(marts)
    suites = suite_names()
    keys = {suite: suite_asset(suite, raw_tables, marts) for suite in suites}
    raw, mart = suite_names("raw"), suite_names("marts")
    checks = []
    if raw:
        checks.append(_suite_checks("raw_expectations", raw, keys,
                                    "Raw zone suites, after ingestion, before dbt."))  # fmt: skip
    if mart:
        checks.append(_suite_checks("mart_expectations", mart, keys,
                                    "Mart suites, after dbt, before publishing."))  # fmt: skip
    return checks
