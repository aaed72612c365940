"""Which periods a refresh must recompute (macros/refresh_window.sql).

The families' contribution models and fct_indicator_values are rebuilt only for
the periods ending on or after a refresh date, worked out here from the raw batches
that arrived since the last successful build. The date must never be too late: a
period it leaves out keeps its old rows, which for a scorecard is an unfair score.
No indicator counts events dated after its period's end, so an event can only change
periods ending on or after its own dates. The refresh date is the earliest of
- every date of every version of each key in the new batches (an order moved to
  another day leaves its old period too);
- for new or changed orders, the integrity chain: the same employee's orders from
  that month to `history_months` later may be held out or let back in (a volume spike
  compares a month with the months before it), with their inquiries (conversion) and
  invoices (revenue of held-out orders is dropped);
- the day before the last build (periods still running depend on the build date);
- when a whole month lies between the table's last earlier event and the new ones,
  the first such month: new events after a gap extend the span the table covers
  (docs/coverage.md), so those months turn from "not delivered" into measured ones.
A new batch of any other table (people, accounts, reference data), a batch that went
away, or no record of a last build: the whole history (None).
docs/incremental-refresh.md gives the reasoning per indicator.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass

import duckdb

from scorecard.contract import Table, load_contract
from scorecard.ingest.zone import RawZone, committed_batches
from scorecard.paths import PROJECT_ROOT, Paths
from scorecard.sql import ident, literal

# Event tables an indicator attributes to periods by the rows' own dates, with the date
# whose span decides the months a delivery covers (int_source_deliveries: the same).
DATED_EVENT_TABLES = {
    "crm.orders": "order_date", "crm.activities": "activity_at",
    "crm.inquiries": "received_at", "crm.complaints": "received_at", "crm.rfqs": "received_at",
    "finance.invoices": "invoice_date", "finance.payments": "payment_date",
    "survey.csat_responses": "responded_at", "survey.nps_responses": "responded_at",
}  # fmt: skip
INTEGRITY_RULES = PROJECT_ROOT / "seeds" / "integrity_rules.csv"


@dataclass(frozen=True)
class RawSnapshot:
    """The raw batches present when a build started, and the day it started."""

    batches: dict[str, frozenset[str]]  # qualified table -> batch ids
    taken_on: dt.date

    def to_json(self) -> str:
        batches = {table: sorted(ids) for table, ids in sorted(self.batches.items())}
        return json.dumps({"taken_on": self.taken_on.isoformat(), "batches": batches}, indent=1)

    def added_since(self, previous: RawSnapshot) -> frozenset[tuple[str, str]]:
        """(table, batch id) of the batches present now and not in `previous`."""
        before = previous.batches
        return frozenset(
            (table, batch)
            for table, ids in self.batches.items()
            for batch in ids - before.get(table, frozenset())
        )

    @classmethod
    def from_json(cls, text: str) -> RawSnapshot:
        doc = json.loads(text)
        batches = {table: frozenset(ids) for table, ids in doc["batches"].items()}
        return cls(batches, dt.date.fromisoformat(doc["taken_on"]))


def raw_snapshot(paths: Paths, today: dt.date | None = None) -> RawSnapshot:
    zone = RawZone(paths)
    batches = {
        name: frozenset(committed_batches(zone.table_dir(table)))
        for name, table in load_contract().items()
    }
    return RawSnapshot(batches, today or dt.datetime.now(dt.UTC).date())


def refresh_selection(new_batches: frozenset[tuple[str, str]]) -> list[str]:
    """What a refresh runs (dbt --select): the nodes downstream of a raw table with new
    batches, and of a model reading the build date (tagged by scorecard_as_of_date:
    periods still running move with the date, new data or not). Every other node (seeds,
    people and reference data, their tests) was built by the last build from the same
    code and the same raw batches, so it would compute the same rows."""
    tables = sorted({table for table, _ in new_batches})
    return [*(f"source:{table}+" for table in tables), "tag:build_date+"]


def refresh_left_out(manifest: Mapping, new_batches: frozenset[tuple[str, str]]) -> list[dict]:
    """The manifest's models, seeds, tests and exposures that refresh_selection leaves
    out, parents first: for a caller that cannot pass --select (dagster-dbt adds its
    own, and dbt runs the union) and excludes them instead (node_selector). As in dbt,
    everything downstream of a selected node is selected, tests included."""
    project = manifest["metadata"]["project_name"]
    tables = {table for table, _ in new_batches}
    pending = [f"source.{project}.{table}" for table in sorted(tables)]
    pending += [uid for uid, node in manifest["nodes"].items() if "build_date" in node["tags"]]
    selected: set[str] = set()
    while pending:
        uid = pending.pop()
        if uid not in selected:
            selected.add(uid)
            pending += manifest["child_map"].get(uid, [])
    runnable = {**manifest["nodes"], **manifest["exposures"]}
    left_out = {
        uid: node for uid, node in runnable.items()
        if uid not in selected and node["resource_type"] in {"model", "seed", "test", "exposure"}
    }  # fmt: skip
    return _in_graph_order(left_out)


def _in_graph_order(nodes: Mapping[str, Mapping]) -> list[Mapping]:
    """The nodes, each after those of its parents among them."""
    ordered: list[Mapping] = []
    seen: set[str] = set()

    def visit(uid: str) -> None:
        if uid in nodes and uid not in seen:
            seen.add(uid)
            for parent in nodes[uid].get("depends_on", {}).get("nodes", []):
                visit(parent)
            ordered.append(nodes[uid])

    for uid in sorted(nodes):
        visit(uid)
    return ordered


def node_selector(node: Mapping) -> str:
    """A dbt selector for exactly this manifest node."""
    if node["resource_type"] == "exposure":
        return f"exposure:{node['name']}"
    return "fqn:" + ".".join(node["fqn"])


def refresh_from_date(
    paths: Paths, previous: RawSnapshot | None, current: RawSnapshot
) -> dt.date | None:
    """The earliest period end the new batches can reach; None for the whole history."""
    if previous is None:
        return None
    before = previous.batches
    if any(before.get(table, frozenset()) - ids for table, ids in current.batches.items()):
        return None  # a batch went away: its rows may have been in any period
    new_batches: dict[str, set[str]] = {}
    for table, batch in current.added_since(previous):
        new_batches.setdefault(table, set()).add(batch)
    if set(new_batches) - set(DATED_EVENT_TABLES):
        return None
    earliest = [previous.taken_on - dt.timedelta(days=1)]
    if new_batches:
        contract = load_contract()
        zone = RawZone(paths)
        with duckdb.connect() as con:
            for name, ids in new_batches.items():
                earliest += _earliest_dates(con, zone, contract, contract[name], ids)
    return min(earliest)


def _earliest_dates(
    con: duckdb.DuckDBPyConnection,
    zone: RawZone,
    contract: dict[str, Table],
    table: Table,
    batch_ids: set[str],
) -> list[dt.date]:
    """The earliest dates the new batches of `table` reach (see the module docstring)."""
    files = committed_batches(zone.table_dir(table))
    new_files = [str(files[batch]) for batch in sorted(batch_ids)]
    new_rows = f"read_parquet([{', '.join(map(literal, new_files))}], union_by_name = true)"
    same_key = " and ".join(f"new.{ident(c)} = rows.{ident(c)}" for c in table.primary_key)
    con.execute(f"""
        create or replace temp table changed as
        select * from {_all_rows(zone, table)} as rows
        where exists (select 1 from {new_rows} as new where {same_key})
    """)  # fmt: skip
    dates = [_earliest(con, table, "changed")]
    gap_start = _first_uncovered_month(_latest_before(con, zone, table, new_files), dates[0])
    if gap_start:
        dates.append(gap_start)
    if table.qualified_name == "crm.orders":
        dates += _integrity_chain_dates(con, zone, contract)
    return [date for date in dates if date is not None]


def _integrity_chain_dates(
    con: duckdb.DuckDBPyConnection, zone: RawZone, contract: dict[str, Table]
) -> list[dt.date | None]:
    """Dates of the orders whose hold-out the changed orders can flip, their inquiries
    and their invoices (int_integrity_flags)."""
    months = _longest_history_months()
    con.execute(f"""
        create or replace temp table chain as
        with reach as (
            select
                employee_id,
                date_trunc('month', min(order_date)) as first_month,
                date_trunc('month', max(order_date)) + interval {months + 1} month as end_month
            from changed
            group by employee_id
        )
        select orders.*
        from {_all_rows(zone, contract["crm.orders"])} as orders
        inner join reach
            on orders.employee_id = reach.employee_id
            and orders.order_date >= reach.first_month
            and orders.order_date < reach.end_month
    """)  # noqa: S608 (identifiers and literals are quoted)
    inquiries, invoices = contract["crm.inquiries"], contract["finance.invoices"]
    return [
        _earliest(con, contract["crm.orders"], "chain"),
        _earliest(con, inquiries, f"""(select * from {_all_rows(zone, inquiries)}
            where inquiry_id in (select inquiry_id from chain))"""),
        _earliest(con, invoices, f"""(select * from {_all_rows(zone, invoices)}
            where order_id in (select order_id from chain))"""),
    ]  # fmt: skip


def _longest_history_months() -> int:
    """The most months of history any integrity rule version compares a month with."""
    with INTEGRITY_RULES.open(newline="", encoding="utf-8") as handle:
        return max((int(row["history_months"] or 0) for row in csv.DictReader(handle)), default=0)


def _all_rows(zone: RawZone, table: Table) -> str:
    return f"read_parquet({literal(zone.glob(table))}, union_by_name = true, filename = true)"


def _latest_before(
    con: duckdb.DuckDBPyConnection, zone: RawZone, table: Table, new_files: list[str]
) -> dt.date | None:
    """The last event date of the table's rows before the new batches: the months after
    it were not covered by the table, and new events can make them covered."""
    column = ident(DATED_EVENT_TABLES[table.qualified_name])
    return con.execute(
        f"select max(cast({column} as date)) from {_all_rows(zone, table)} as rows "  # noqa: S608
        f"where filename not in ({', '.join(map(literal, new_files))})"
    ).fetchone()[0]


def _first_uncovered_month(
    last_before: dt.date | None, first_new: dt.date | None
) -> dt.date | None:
    """The first month between the table's old last event and its new events, when a
    whole month lies between them: such months were "not delivered" and are covered once
    the new events arrive (docs/coverage.md). None for a feed without a gap."""
    if last_before is None or first_new is None:
        return None
    month_after = (last_before.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return month_after if month_after < first_new.replace(day=1) else None


def _earliest(con: duckdb.DuckDBPyConnection, table: Table, rows: str) -> dt.date | None:
    """The earliest date in any date or timestamp column of `table` among `rows`."""
    temporal = [c.name for c in table.columns if c.is_temporal]
    minima = ", ".join(f"min(cast({ident(c)} as date))" for c in temporal)
    found = con.execute(f"select {minima} from {rows} as rows").fetchone()  # noqa: S608
    values = [value for value in found if value is not None]
    return min(values) if values else None
