"""What the suites read: raw views over the Parquet raw zone, and the built warehouse.

Validation is pushed down to DuckDB: GX sends SQL, nothing is loaded into pandas.
The raw zone is Parquet, so a small checks database holds views over it (one per
contract table, plus the load history from the ingest log); mart suites read the
warehouse dbt built, opened read-only.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from scorecard.contract import load_contract
from scorecard.errors import UserError
from scorecard.ingest.zone import RawZone
from scorecard.paths import Paths
from scorecard.quality.raw_suites import RECENT_BATCHES, view_name
from scorecard.sql import ident, literal

RAW_LOADS_SQL = """
create view quality.raw_loads as
with logs as (
    select "table" as table_name, rows_loaded, cast(finished_at as timestamp) as loaded_at,
        row_number() over (partition by "table" order by finished_at desc) as recency
    from {logs}
    where status = 'loaded'
),
per_table as (
    select table_name,
        max(case when recency = 1 then rows_loaded end) as latest_rows,
        median(case when recency between 2 and {recent} + 1 then rows_loaded end)
            as recent_median_rows,
        max(loaded_at) as last_loaded_at,
        count(*) as batches
    from logs group by table_name
)
select contract.table_name, contract.freshness_days, per_table.latest_rows,
    per_table.recent_median_rows, per_table.last_loaded_at,
    coalesce(per_table.batches, 0) as batches
from (values {contract}) as contract(table_name, freshness_days)
left join per_table on per_table.table_name = contract.table_name
"""
LOG_COLUMNS = (
    "{\"table\": 'varchar', rows_loaded: 'bigint', finished_at: 'varchar', status: 'varchar'}"
)
NO_LOGS = (
    "(select null::varchar as \"table\", null::bigint as rows_loaded, "
    "null::varchar as finished_at, null::varchar as status where false)"
)


def build_checks_database(paths: Paths, target: Path) -> Path:
    """(Re)create the checks database: cheap, views only."""
    zone = RawZone(paths)
    tables = load_contract()
    missing = [t.qualified_name for t in tables.values() if not list(zone.table_dir(t).glob("*"))]
    if missing:
        raise UserError(
            f"the raw zone has no {missing[0]} (and {len(missing) - 1} more): "
            "run `scorecard ingest` first"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    with duckdb.connect(str(target)) as con:
        con.execute("create schema raw")
        con.execute("create schema quality")
        for table in tables.values():
            con.execute(
                f"create view raw.{ident(view_name(table))} as "
                f"select * from read_parquet({literal(zone.glob(table))}, union_by_name = true)"
            )
        has_logs = any(paths.ingest_log.glob("*.json"))
        logs = (
            f"read_json({literal(paths.ingest_log / '*.json')}, columns = {LOG_COLUMNS})"
            if has_logs
            else NO_LOGS
        )
        contract = ", ".join(
            f"({literal(t.qualified_name)}, {t.freshness_days or 'null'})" for t in tables.values()
        )
        con.execute(RAW_LOADS_SQL.format(logs=logs, recent=RECENT_BATCHES, contract=contract))
    return target
