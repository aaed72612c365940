"""Per-quarter assets, partitioned by closed fiscal quarter (keys like 2026-Q3,
orchestration/partitions.py): the HTML report and the preparation of certification.
Backfilling a range of quarters re-runs them per quarter.

Preparation publishes the quarter's results as preliminary (out for review, appeals may
follow). It never certifies: certifying needs a person (`scorecard certify`).
"""

import dagster as dg

from orchestration.jobs import QUARTERLY_GROUP
from orchestration.metadata import report_metadata
from orchestration.partitions import FiscalCalendar
from orchestration.resources import ScorecardHome
from orchestration.serving import SERVING_KEY
from scorecard.errors import UserError

PREPARED_BY = "dagster (quarter_close)"
CERTIFICATION_KEY = dg.AssetKey(["quarterly", "certification_preparation"])
REPORT_KEY = dg.AssetKey(["quarterly", "scorecard_report"])


def _user_failure(exc: UserError) -> dg.Failure:
    """A quarter without scorecards, not yet ended, etc.: retrying cannot help."""
    return dg.Failure(description=str(exc), allow_retries=False)


def quarterly_assets(calendar: FiscalCalendar) -> list[dg.AssetsDefinition]:
    """The report and certification preparation, partitioned by the home's fiscal quarters."""

    @dg.asset(
        key=REPORT_KEY,
        deps=[SERVING_KEY],
        partitions_def=calendar.quarters,
        group_name=QUARTERLY_GROUP,
        kinds={"html"},
    )
    def scorecard_report(context: dg.AssetExecutionContext, scorecard: ScorecardHome):
        """The quarter's scorecards as one offline HTML page (`scorecard report`, BI audience:
        ids, no personal names; the HR version is made on request, not left on disk)."""
        from scorecard.report import write_report

        quarter = calendar.check(context.partition_key)
        try:
            result = write_report(scorecard.paths, quarter)
        except UserError as exc:
            raise _user_failure(exc) from exc
        if result.explanations_unavailable:
            context.log.warning(f"report without explanations: {result.explanations_unavailable}")
        return dg.MaterializeResult(metadata=report_metadata(result))

    @dg.asset(
        key=CERTIFICATION_KEY,
        deps=[SERVING_KEY],
        partitions_def=calendar.quarters,
        group_name=QUARTERLY_GROUP,
        kinds={"duckdb"},
    )
    def certification_preparation(context: dg.AssetExecutionContext, scorecard: ScorecardHome):
        """The closed quarter's published results recorded as preliminary (never certified)."""
        from scorecard.certification.certify import publish_preliminary, quarter_state

        paths = scorecard.paths
        quarter = calendar.check(context.partition_key)
        before = quarter_state(paths, quarter)["state"]
        try:
            row = publish_preliminary(paths, quarter, PREPARED_BY)
        except UserError as exc:
            raise _user_failure(exc) from exc
        context.log.info(f"{quarter} is preliminary: {row['scorecards']} scorecards out for "
                         "review; a person certifies it with `scorecard certify`")  # fmt: skip
        return dg.MaterializeResult(
            metadata={
                "quarter": quarter,
                "state_before": before,
                "preliminary_id": row["preliminary_id"],
                "scorecards": row["scorecards"],
                "content_hash": row["content_hash"],
                "publication_id": row["publication_id"],
                "next_step": f"scorecard certify {quarter} (a person, after appeals)",
            }
        )

    return [scorecard_report, certification_preparation]
