"""Landing files -> raw zone: one Dagster asset per contract table, one ingestion step.

The step calls the same `scorecard.ingest.ingest` the CLI runs: files already loaded
(same checksum) are skipped, a batch an interrupted run left behind is removed first,
so a retry is always safe.
"""

from collections import defaultdict

import dagster as dg

from orchestration.resources import TRANSIENT_RETRY, ScorecardHome
from scorecard.contract import Table, load_contract
from scorecard.ingest import ingest

RAW_TABLE_METADATA = "scorecard/raw_table"


def raw_key(table: Table | str) -> dg.AssetKey:
    """raw/<source>/<table>: the key dbt sources get too (see LayerTranslator)."""
    source, name = (table.source, table.name) if isinstance(table, Table) else table.split(".")
    return dg.AssetKey(["raw", source, name])


def landing_ingestion() -> dg.AssetsDefinition:
    tables = load_contract()
    specs = [
        dg.AssetSpec(
            raw_key(table),
            group_name="raw",
            description=table.description,
            kinds={"parquet"},
            metadata={
                "contract": f"models/staging/{table.source}/_{table.source}__sources.yml",
                RAW_TABLE_METADATA: name,  # how cli_runs.py finds the table's key
            },
        )  # fmt: skip
        for name, table in tables.items()
    ]

    @dg.multi_asset(specs=specs, name="landing_ingestion", retry_policy=TRANSIENT_RETRY)
    def _landing_ingestion(context: dg.AssetExecutionContext, scorecard: ScorecardHome):
        """Validate landing files into the raw zone; rejected rows go to quarantine."""
        paths = scorecard.paths
        paths.landing.mkdir(parents=True, exist_ok=True)
        report = ingest(paths, paths.landing)
        for path in report.recovered:
            context.log.warning(f"removed uncommitted batch {path}")
        for name in report.unmapped:
            context.log.warning(f"ignored {name}: no mapping rule and not in the default layout")
        for record in report.rejected:
            # One bad file does not stop the others; its table keeps its earlier batches.
            context.log.error(f"rejected {record.source_file} -> {record.table}: {record.error}")
        by_table: dict[str, dict] = defaultdict(
            lambda: {"files_loaded": [], "files_rejected": [], "loaded": 0, "quarantined": 0}
        )
        for record in report.loaded:
            entry = by_table[record.table]
            entry["files_loaded"].append(record.source_file)
            entry["loaded"] += record.rows_loaded
            entry["quarantined"] += record.rows_quarantined
        for record in report.rejected:
            by_table[record.table]["files_rejected"].append(f"{record.source_file}: {record.error}")
        skipped = defaultdict(list)
        for file, table, _batch in report.skipped:
            skipped[table].append(file)
        context.log.info(
            f"ingested {len(report.loaded)} file(s): {report.rows_read:,} rows read = "
            f"{report.rows_loaded:,} loaded + {report.rows_quarantined:,} quarantined; "
            f"{len(report.skipped)} already loaded, {len(report.rejected)} rejected"
        )
        for name, table in tables.items():
            entry = by_table[name]
            yield dg.MaterializeResult(
                asset_key=raw_key(table),
                metadata={
                    "rows_loaded": entry["loaded"],
                    "rows_quarantined": entry["quarantined"],
                    "files_loaded": entry["files_loaded"],
                    "files_rejected": entry["files_rejected"],
                    "files_already_loaded": skipped[name],
                    "raw_path": dg.MetadataValue.path(str(paths.raw / table.source / table.name)),
                },
            )

    return _landing_ingestion
