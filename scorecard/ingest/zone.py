"""The raw zone, quarantine and ingest log on disk, and the batch commit protocol.

Layout (under SCORECARD_HOME/warehouse):
    raw/<source>/<table>/<batch_id>/part.parquet          accepted rows, typed
    quarantine/<source>/<table>/<batch_id>/part.parquet   rejected rows, text + reasons
    ingest_log/<batch_id>.json                             one record per landing file

A batch is written to a scratch directory, its directories are renamed into place and
its log record is written last: the log record is the commit. A crash before that leaves
directories without a log record, which `recover()` removes at the next run, so the file
is ingested again in full. Nothing is ever updated in place: raw is append-only.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

from scorecard.contract import Table
from scorecard.ingest.lock import raw_zone_lock
from scorecard.ingest.readers import ROW_NUMBER
from scorecard.paths import Paths
from scorecard.sql import ident, literal

SCHEMA_BATCH = "0-schema"  # an empty typed partition, so every source table is readable
LINEAGE_COLUMNS = (
    ("_batch_id", "varchar"),
    ("_source_file", "varchar"),
    (ROW_NUMBER, "bigint"),
    ("_loaded_at", "timestamp"),
)


def committed_batches(table_dir: Path) -> dict[str, Path]:
    """The committed batches of one raw table directory: batch id -> Parquet file (the
    empty schema partition is not a batch)."""
    return {
        part.parent.name: part
        for part in sorted(table_dir.glob("*/*.parquet"))
        if part.parent.name != SCHEMA_BATCH
    }


@dataclass
class IngestLogRecord:
    batch_id: str
    table: str
    source_file: str
    sha256: str
    status: str  # loaded | rejected
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    # Rows a mapping rule leaves out on purpose (`where` / `where_not`, with the condition
    # in filter_reason) and rows a `distinct` rule collapsed into an identical earlier row.
    # rows_read == rows_loaded + rows_quarantined + rows_filtered + rows_collapsed.
    # Records written before these fields existed read as 0 / None.
    rows_filtered: int = 0
    rows_collapsed: int = 0
    filter_reason: str | None = None
    ignored_columns: list[str] = field(default_factory=list)
    error: str | None = None
    started_at: str = ""
    finished_at: str = ""


class RawZone:
    def __init__(self, paths: Paths) -> None:
        self.paths = paths

    def table_dir(self, table: Table, zone: str = "raw") -> Path:
        base = self.paths.raw if zone == "raw" else self.paths.quarantine
        return base / table.source / table.name

    def glob(self, table: Table) -> str:
        return str(self.table_dir(table) / "*" / "*.parquet")

    def ensure_schema_partitions(self, con: duckdb.DuckDBPyConnection, tables: list[Table]) -> None:
        """Give every contract table an empty typed file, so dbt can read tables not yet fed."""
        for table in tables:
            target = self.table_dir(table) / SCHEMA_BATCH / "part.parquet"
            if target.exists():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            columns = [(c.name, c.data_type) for c in table.columns] + list(LINEAGE_COLUMNS)
            select = ", ".join(f"cast(null as {t}) as {ident(n)}" for n, t in columns)
            scratch = target.with_suffix(".tmp")
            con.execute(f"copy (select {select} limit 0) to {literal(scratch)} (format parquet)")
            os.replace(scratch, target)

    def log_records(self) -> list[IngestLogRecord]:
        if not self.paths.ingest_log.exists():
            return []
        records = [
            IngestLogRecord(**json.loads(p.read_text(encoding="utf-8")))
            for p in sorted(self.paths.ingest_log.glob("*.json"))
        ]
        return records

    def loaded_checksums(self) -> dict[tuple[str, str], str]:
        """(sha256, table) -> batch id, for every file already loaded."""
        return {(r.sha256, r.table): r.batch_id for r in self.log_records() if r.status == "loaded"}

    def recover(self) -> list[Path]:
        """Remove batch directories whose log record was never written (an interrupted run).
        Under the raw-zone lock: a running ingest's batch looks the same until it commits."""
        with raw_zone_lock(self.paths, "recovery"):
            committed = {r.batch_id for r in self.log_records()}
            removed = []
            for base in (self.paths.raw, self.paths.quarantine):
                for batch_dir in base.glob("*/*/*"):
                    if batch_dir.name != SCHEMA_BATCH and batch_dir.name not in committed:
                        shutil.rmtree(batch_dir)
                        removed.append(batch_dir)
            if self.paths.tmp.exists():
                shutil.rmtree(self.paths.tmp)
        return removed

    def commit(self, table: Table, record: IngestLogRecord, scratch: Path) -> None:
        """Move a batch's files into place, then write its log record (the commit point)."""
        for zone in ("raw", "quarantine"):
            staged = scratch / zone
            if staged.exists():
                target = self.table_dir(table, zone) / record.batch_id
                target.parent.mkdir(parents=True, exist_ok=True)
                os.rename(staged, target)
        self.write_log(record)

    def write_log(self, record: IngestLogRecord) -> None:
        self.paths.ingest_log.mkdir(parents=True, exist_ok=True)
        target = self.paths.ingest_log / f"{record.batch_id}.json"
        scratch = target.with_suffix(".tmp")
        scratch.write_text(json.dumps(asdict(record), indent=2, sort_keys=True), encoding="utf-8")
        with scratch.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(scratch, target)
