"""Lossless ingestion: landing files -> raw zone + quarantine + ingest log.

Every landing file becomes one batch per contract table it feeds. Each row read ends up
either in the raw zone, in quarantine with its reasons, or is counted as left out on
purpose by its mapping rule (`rows_filtered`, by `where` / `where_not`, with the condition
as `filter_reason`; `rows_collapsed`, identical rows a `distinct` rule made one). The
ingest log records the counts, and `rows_read == rows_loaded + rows_quarantined +
rows_filtered + rows_collapsed` is checked before a batch commits. A file already loaded
(same checksum, same table) is skipped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import duckdb

from scorecard.checksums import file_sha256
from scorecard.contract import Table, load_contract, load_order
from scorecard.errors import FileRejected, UserError
from scorecard.ingest.lock import raw_zone_lock
from scorecard.ingest.mapping import (
    READABLE_SUFFIXES,
    FileRule,
    Mapping,
    check_encoding,
    load_mapping,
    rules_for,
)
from scorecard.ingest.readers import ROW_NUMBER, read_landing_file
from scorecard.ingest.validate import TEXT_SUFFIX, check_rows, filter_rows, plan_columns
from scorecard.ingest.zone import IngestLogRecord, RawZone
from scorecard.paths import Paths
from scorecard.sql import ident, literal

DEFAULT_FUTURE_DAYS = 1  # source systems in other time zones may stamp "tomorrow"


@dataclass
class IngestReport:
    loaded: list[IngestLogRecord] = field(default_factory=list)
    rejected: list[IngestLogRecord] = field(default_factory=list)
    skipped: list[tuple[str, str, str]] = field(default_factory=list)  # file, table, batch
    unmapped: list[str] = field(default_factory=list)
    recovered: list[Path] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        return sum(r.rows_read for r in self.loaded)

    @property
    def rows_loaded(self) -> int:
        return sum(r.rows_loaded for r in self.loaded)

    @property
    def rows_quarantined(self) -> int:
        return sum(r.rows_quarantined for r in self.loaded)

    @property
    def rows_filtered(self) -> int:
        return sum(r.rows_filtered for r in self.loaded)

    @property
    def rows_collapsed(self) -> int:
        return sum(r.rows_collapsed for r in self.loaded)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def discover(landing: Path, mapping: Mapping, tables: dict[str, Table]):
    """Landing files with the rules that apply, in contract load order; plus unmapped files."""
    order = {t.qualified_name: i for i, t in enumerate(load_order(tables))}
    work: list[tuple[int, str, Path, FileRule]] = []
    unmapped: list[str] = []
    for path in sorted(p for p in landing.rglob("*") if p.is_file()):
        relative = PurePosixPath(path.relative_to(landing).as_posix())
        if path.name.startswith((".", "_")) or path.suffix.lower() not in READABLE_SUFFIXES:
            if path.name.startswith((".", "_")):
                continue  # hidden files and generator manifests are not data
            unmapped.append(str(relative))
            continue
        rules = rules_for(relative, mapping, tables)
        if not rules:
            unmapped.append(str(relative))
        for rule in rules:
            work.append((order[rule.table], str(relative), path, rule))
    work.sort(key=lambda w: (w[0], w[1]))
    return [(rel, path, rule) for _, rel, path, rule in work], unmapped


def ingest(
    paths: Paths,
    landing: Path,
    *,
    mapping_file: Path | None = None,
    encoding: str | None = None,
    future_days: int = DEFAULT_FUTURE_DAYS,
    today: dt.date | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> IngestReport:
    if not landing.is_dir():
        raise UserError(f"landing directory {landing} does not exist")
    if encoding is not None:
        check_encoding(encoding, "--encoding")
    # Held from recovering the raw zone to the last commit (scorecard/ingest/lock.py).
    with raw_zone_lock(paths, "ingest"):
        tables = load_contract()
        mapping = load_mapping(mapping_file, tables) if mapping_file else Mapping()
        zone = RawZone(paths)
        report = IngestReport(recovered=zone.recover())
        con = duckdb.connect()
        zone.ensure_schema_partitions(con, list(tables.values()))
        work, report.unmapped = discover(landing, mapping, tables)
        loaded = zone.loaded_checksums()
        for index, (relative, path, rule) in enumerate(work, start=1):
            if progress:
                progress(relative, index, len(work))
            sha = file_sha256(path)
            if (sha, rule.table) in loaded:
                report.skipped.append((relative, rule.table, loaded[(sha, rule.table)]))
                continue
            record = _ingest_file(
                con, zone, tables[rule.table], rule, path, relative, sha,
                encoding=rule.encoding or encoding, future_days=future_days,
                today=today or dt.date.today(),
            )  # fmt: skip
            if record.status == "loaded":
                report.loaded.append(record)
                loaded[(sha, rule.table)] = record.batch_id
            else:
                report.rejected.append(record)
        con.close()
    return report


def _ingest_file(
    con: duckdb.DuckDBPyConnection,
    zone: RawZone,
    table: Table,
    rule: FileRule,
    path: Path,
    relative: str,
    sha: str,
    *,
    encoding: str | None,
    future_days: int,
    today: dt.date,
) -> IngestLogRecord:
    started = _now()
    batch_id = f"{started:%Y%m%dT%H%M%S%f}-{sha[:10]}-{table.source}-{table.name}"
    record = IngestLogRecord(
        batch_id=batch_id, table=table.qualified_name, source_file=relative, sha256=sha,
        status="loaded", started_at=started.isoformat(),
    )  # fmt: skip
    scratch = zone.paths.tmp / batch_id
    scratch.mkdir(parents=True, exist_ok=True)
    try:
        read = read_landing_file(
            con, path, relative, delimiter=rule.delimiter, encoding=encoding,
            sheet=rule.sheet, scratch_dir=scratch,
        )  # fmt: skip
        rows_read = con.execute(
            f"select (select count(*) from {read.table}) + (select count(*) from malformed)"
        ).fetchone()[0]
        plan = plan_columns(relative, read.headers, rule, table)
        rows_filtered = filter_rows(con, relative, read.headers, rule)
        globs = {name: zone.glob(t) for name, t in load_contract().items()}
        check_rows(con, plan, rule, table, raw_glob=globs, today=today, future_days=future_days)
        # Only a distinct rule may make rows one: anything else missing fails the check below.
        rows_collapsed = con.execute(
            f"select (select count(*) from {read.table}) - (select count(*) from checked)"
        ).fetchone()[0] if rule.distinct else 0
        lineage = (
            f"{literal(batch_id)} as _batch_id, {literal(relative)} as _source_file, "
            f"{ROW_NUMBER}, timestamp {literal(started.isoformat(sep=' '))} as _loaded_at"
        )
        record.rows_loaded = _write_accepted(con, table, lineage, scratch)
        record.rows_quarantined = _write_quarantine(con, table, lineage, scratch)
        record.rows_read = rows_read
        record.rows_filtered, record.rows_collapsed = rows_filtered, rows_collapsed
        record.filter_reason = rule.filter_reason
        record.ignored_columns = plan.ignored_headers
    except FileRejected as exc:
        record.status, record.error = "rejected", exc.problem
        record.finished_at = _now().isoformat()
        zone.write_log(record)
        return record
    accounted = (
        record.rows_loaded + record.rows_quarantined + record.rows_filtered + record.rows_collapsed
    )
    if record.rows_read != accounted:
        raise AssertionError(
            f"{relative}: rows read != loaded + quarantined + filtered + collapsed ({record})"
        )
    record.finished_at = _now().isoformat()
    zone.commit(table, record, scratch)
    return record


def _write_accepted(con: duckdb.DuckDBPyConnection, table: Table, lineage: str, scratch: Path):
    count = con.execute("select count(*) from checked where len(_violations) = 0").fetchone()[0]
    if count:
        columns = ", ".join(ident(c) for c in table.column_names)
        target = scratch / "raw" / "part.parquet"
        target.parent.mkdir()
        con.execute(
            f"""copy (select {columns}, {lineage} from checked where len(_violations) = 0
            order by {ROW_NUMBER}) to {literal(target)} (format parquet, compression zstd)"""
        )
    return count


REASON = (
    "array_to_string(list_transform(_violations, lambda v: coalesce(v.column, 'line') || '=' || "
    "coalesce(left(v.value, 80), 'empty') || ': ' || v.detail), '; ')"
)


def _write_quarantine(con: duckdb.DuckDBPyConnection, table: Table, lineage: str, scratch: Path):
    texts = ", ".join(f"{ident(c + TEXT_SUFFIX)} as {ident(c)}" for c in table.column_names)
    nulls = ", ".join(f"cast(null as varchar) as {ident(c)}" for c in table.column_names)
    rows = f"""
        select {lineage}, {REASON} as _reason, _violations, cast(null as varchar) as _raw_line,
            {texts}
        from checked where len(_violations) > 0
        union all
        select {lineage}, 'line=' || left(raw_line, 80) || ': ' || problem as _reason,
            [{{'column': null::varchar, 'value': raw_line, 'rule': 'malformed_line',
              'detail': problem}}] as _violations, raw_line as _raw_line, {nulls}
        from malformed
    """
    count = con.execute(f"select count(*) from ({rows})").fetchone()[0]
    if count:
        target = scratch / "quarantine" / "part.parquet"
        target.parent.mkdir()
        con.execute(
            f"copy ({rows} order by {ROW_NUMBER}) to {literal(target)} "
            "(format parquet, compression zstd)"
        )
    return count
