"""Publish: the serving database and Parquet BI reads, after dbt and every blocking check.

The asset depends on every mart, so a failed dbt build or a failed blocking check on
any mart skips it and BI keeps reading the last good publication.
"""

import dagster as dg

from orchestration.metadata import publication_metadata
from orchestration.resources import ScorecardHome
from scorecard.publish import publish

SERVING_KEY = dg.AssetKey(["serving", "serving_database"])


def serving_database(mart_keys: list[dg.AssetKey]) -> dg.AssetsDefinition:
    @dg.asset(key=SERVING_KEY, deps=mart_keys, group_name="serving", kinds={"duckdb", "parquet"})
    def _serving_database(context: dg.AssetExecutionContext, scorecard: ScorecardHome):
        """Every mart copied into the serving DuckDB (swapped in atomically) and Parquet."""
        publication = publish(scorecard.paths)
        context.log.info(f"published {len(publication.tables)} marts as "
                         f"{publication.publication_id}")  # fmt: skip
        return dg.MaterializeResult(metadata=publication_metadata(publication))

    return _serving_database
