"""The refresh date: the earliest period end the raw batches since the last build can reach."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from scorecard.build import BuildPlan, dbt_settings
from scorecard.contract import load_contract
from scorecard.ingest.zone import RawZone
from scorecard.paths import PROJECT_ROOT
from scorecard.refresh_window import (
    RawSnapshot,
    node_selector,
    raw_snapshot,
    refresh_from_date,
    refresh_left_out,
    refresh_selection,
)
from scorecard.sql import ident, literal

LAST_BUILD = dt.date(2026, 11, 20)


def put_batch(paths, table: str, batch: str, rows: list[dict]) -> None:
    """A raw batch of `table` with `rows` (other contract columns null)."""
    spec = load_contract()[table]
    directory = RawZone(paths).table_dir(spec) / batch
    directory.mkdir(parents=True)
    selects = [
        "select " + ", ".join(
            f"cast({literal(row[c.name]) if row.get(c.name) else 'null'} as {c.data_type}) as {ident(c.name)}"
            for c in spec.columns
        )
        for row in rows
    ]  # fmt: skip
    target = literal(directory / "part.parquet")
    duckdb.execute(f"copy ({' union all '.join(selects)}) to {target} (format parquet)")


def refresh_date(paths, previous):
    return refresh_from_date(paths, previous, raw_snapshot(paths))


@pytest.fixture
def built(paths):
    """A raw zone with one batch per table, as the last successful build saw it."""
    put_batch(paths, "crm.orders", "b1", [
        {"order_id": "O1", "employee_id": "E1", "order_date": "2026-03-10", "inquiry_id": "Q1"},
        {"order_id": "O2", "employee_id": "E1", "order_date": "2026-10-02"},
    ])  # fmt: skip
    put_batch(paths, "crm.inquiries", "b1", [
        {"inquiry_id": "Q1", "received_at": "2026-02-20 09:30:00"},
    ])  # fmt: skip
    put_batch(paths, "finance.invoices", "b1", [
        {"invoice_id": "I1", "order_id": "O1", "invoice_date": "2026-04-01", "due_date": "2026-05-15"},
    ])  # fmt: skip
    put_batch(paths, "hr.employees", "b1", [{"employee_id": "E1", "hire_date": "2024-01-15"}])
    return raw_snapshot(paths, LAST_BUILD)


def test_nothing_new_reaches_back_to_the_day_before_the_last_build(paths, built):
    assert refresh_date(paths, built) == dt.date(2026, 11, 19)


def test_new_payments_invoices_and_responses_reach_their_own_dates(paths, built):
    # Collection counts payments dated up to the period end: I1's May is not reached.
    put_batch(paths, "finance.payments", "b2", [
        {"payment_id": "P1", "invoice_id": "I1", "payment_date": "2026-11-18"},
    ])  # fmt: skip
    assert refresh_date(paths, built) == dt.date(2026, 11, 18)
    put_batch(paths, "finance.invoices", "b2", [
        {"invoice_id": "I2", "order_id": "O1", "invoice_date": "2026-11-16", "due_date": "2026-12-16"},
    ])  # fmt: skip
    put_batch(paths, "survey.nps_responses", "b2", [
        {"response_id": "N1", "responded_at": "2026-11-17 08:00:00"},
    ])  # fmt: skip
    # The invoices covered April only (docs/coverage.md): an invoice of November makes May
    # to October covered, so their periods are recomputed from 1 May.
    assert refresh_date(paths, built) == dt.date(2026, 5, 1)


def test_new_events_in_the_month_after_the_last_ones_reach_only_their_own_dates(paths, built):
    # Invoices covered April; a May invoice leaves no month between: no gap to fill.
    put_batch(paths, "finance.invoices", "b2", [
        {"invoice_id": "I2", "order_id": "O1", "invoice_date": "2026-05-20", "due_date": "2026-06-20"},
    ])  # fmt: skip
    assert refresh_date(paths, built) == dt.date(2026, 5, 20)


def test_a_corrected_row_reaches_the_dates_of_its_earlier_versions(paths, built):
    # I1's due date moves from May to December: May's collection loses it.
    put_batch(paths, "finance.invoices", "b2", [
        {"invoice_id": "I1", "order_id": "O1", "invoice_date": "2026-11-01", "due_date": "2026-12-01"},
    ])  # fmt: skip
    assert refresh_date(paths, built) == dt.date(2026, 4, 1)


def test_an_order_reaches_the_inquiry_it_converts(paths, built):
    put_batch(paths, "crm.orders", "b2", [
        {"order_id": "O9", "employee_id": "E1", "order_date": "2026-11-18", "inquiry_id": "Q1"},
    ])  # fmt: skip
    assert refresh_date(paths, built) == dt.date(2026, 2, 20)


def test_a_corrected_order_reaches_what_its_earlier_version_referred_to(paths, built):
    # O1 moves to November and drops its inquiry: Q1 (February) is no longer converted.
    put_batch(paths, "crm.orders", "b2", [
        {"order_id": "O1", "employee_id": "E1", "order_date": "2026-11-05"},
    ])  # fmt: skip
    assert refresh_date(paths, built) == dt.date(2026, 2, 20)


def test_an_order_reaches_the_integrity_chain_of_its_employee(paths, built):
    # A volume spike compares a month with the 6 before it (seeds/integrity_rules.csv):
    # an August order can hold out E1's orders up to February, and with them the
    # inquiries they converted and their invoices, however old.
    put_batch(paths, "crm.orders", "b2", [
        {"order_id": "O5", "employee_id": "E1", "order_date": "2026-09-10", "inquiry_id": "Q5"},
        {"order_id": "O7", "employee_id": "E2", "order_date": "2026-09-01", "inquiry_id": "Q7"},
        {"order_id": "O8", "employee_id": "E1", "order_date": "2027-03-01", "inquiry_id": "Q8"},
    ])  # fmt: skip
    put_batch(paths, "crm.inquiries", "b2", [
        {"inquiry_id": "Q5", "received_at": "2025-12-01 10:00:00"},
        {"inquiry_id": "Q7", "received_at": "2025-01-01 10:00:00"},
        {"inquiry_id": "Q8", "received_at": "2024-01-01 10:00:00"},
    ])  # fmt: skip
    put_batch(paths, "finance.invoices", "b2", [
        {"invoice_id": "I5", "order_id": "O2", "invoice_date": "2025-11-20", "due_date": "2026-10-20"},
    ])  # fmt: skip
    after_backfill = raw_snapshot(paths, LAST_BUILD)

    put_batch(paths, "crm.orders", "b3", [
        {"order_id": "O6", "employee_id": "E1", "order_date": "2026-08-20"},
    ])  # fmt: skip
    # Chain: E1's orders from August to February: O6, O5 (Q5) and O2 (I5); not E2's O7,
    # not O8 of March.
    assert refresh_date(paths, after_backfill) == dt.date(2025, 11, 20)


def test_people_or_reference_data_or_a_lost_batch_means_the_whole_history(paths, built):
    put_batch(paths, "hr.employees", "b2", [{"employee_id": "E2", "hire_date": "2026-11-01"}])
    assert refresh_date(paths, built) is None

    current = raw_snapshot(paths)
    without_orders = RawSnapshot({**current.batches, "crm.orders": frozenset()}, LAST_BUILD)
    assert refresh_from_date(paths, current, without_orders) is None
    assert refresh_from_date(paths, None, current) is None


def test_the_snapshot_round_trips_and_names_the_batches_added_since(paths, built):
    assert RawSnapshot.from_json(built.to_json()) == built
    put_batch(paths, "crm.orders", "b2", [{"order_id": "O3", "order_date": "2026-11-03"}])
    put_batch(paths, "survey.csat_responses", "c7", [{"response_id": "R1"}])
    assert raw_snapshot(paths).added_since(built) == {
        ("crm.orders", "b2"), ("survey.csat_responses", "c7"),
    }  # fmt: skip
    assert built.batches["crm.orders"] == {"b1"} and built.batches["crm.rfqs"] == frozenset()


def test_a_refresh_runs_what_the_new_tables_and_the_build_date_reach():
    new = frozenset({("finance.payments", "b3"), ("crm.orders", "b2"), ("crm.orders", "b1")})
    assert refresh_selection(new) == [
        "source:crm.orders+", "source:finance.payments+", "tag:build_date+",
    ]  # fmt: skip
    assert refresh_selection(frozenset()) == ["tag:build_date+"]


def test_what_a_refresh_leaves_out_comes_parents_first():
    def node(uid, kind, parents=(), tags=()):
        name = uid.split(".")[-1]
        return {"unique_id": uid, "resource_type": kind, "name": name, "fqn": ["p", name],
                "tags": list(tags), "depends_on": {"nodes": list(parents)}}  # fmt: skip

    nodes = [
        node("model.p.z_dim", "model", ["seed.p.a_seed"]),
        node("seed.p.a_seed", "seed"),
        node("model.p.b_fact", "model", ["model.p.z_dim", "source.p.crm.orders"]),
        node("model.p.clock", "model", tags=["build_date"]),
        node("test.p.t_dim_and_fact", "test", ["model.p.z_dim", "model.p.b_fact"]),
        node("test.p.t_dim", "test", ["model.p.z_dim"]),
    ]
    manifest = {
        "metadata": {"project_name": "p"},
        "nodes": {n["unique_id"]: n for n in nodes},
        "exposures": {},
        "child_map": {
            "source.p.crm.orders": ["model.p.b_fact"],
            "seed.p.a_seed": ["model.p.z_dim"],
            "model.p.z_dim": ["model.p.b_fact", "test.p.t_dim_and_fact", "test.p.t_dim"],
            "model.p.b_fact": ["test.p.t_dim_and_fact"],
        },
    }
    left_out = refresh_left_out(manifest, frozenset({("crm.orders", "b1")}))
    # The seed before the dimension built from it; the test of the fact and the
    # dimension runs with the fact; the clock reader runs whatever the batches.
    assert [n["unique_id"] for n in left_out] == ["seed.p.a_seed", "model.p.z_dim", "test.p.t_dim"]
    assert [node_selector(n) for n in left_out] == ["fqn:p.a_seed", "fqn:p.z_dim", "fqn:p.t_dim"]


CLOCK = re.compile(
    r"current_timestamp|current_date|now\(|run_started_at|modules\.datetime|localtimestamp"
    r"|getdate|today\(",
    re.IGNORECASE,
)


def test_the_build_date_is_read_only_through_scorecard_as_of_date():
    # A refresh skips nodes no new data reaches; only the tag that scorecard_as_of_date
    # puts on its readers tells it which nodes move with the date.
    readers = {
        str(path.relative_to(PROJECT_ROOT))
        for folder in ("models", "macros", "data-tests")
        for path in (PROJECT_ROOT / folder).rglob("*")
        if path.suffix in {".sql", ".yml"} and CLOCK.search(path.read_text(encoding="utf-8"))
    }
    assert readers == {"macros/scorecard_as_of_date.sql"}


def files_dbt_reparsed(paths, plan: BuildPlan) -> int:
    """`dbt parse` with a build plan's environment; the files dbt parsed again since its
    last parse (its partial-parsing debug event), or -1 for a whole parse."""
    settings = dbt_settings(paths, environment=plan.environment)
    done = subprocess.run(
        [sys.executable, "-m", "dbt.cli.main", "parse", "--debug", "--log-format", "json"],
        cwd=PROJECT_ROOT, env=settings, capture_output=True, text=True, check=True,
    )  # fmt: skip
    for line in done.stdout.splitlines():
        event = json.loads(line) if line.startswith("{") else {}
        if event.get("info", {}).get("name") == "PartialParsingEnabled":
            return event["data"]["changed"]
    return -1


def refresh_plan(day: dt.date, batch: str) -> BuildPlan:
    return BuildPlan(
        [], False, "", Path("unused"), refresh_from=day,
        new_batches=frozenset({("crm.orders", batch), ("finance.payments", batch)}),
    )  # fmt: skip


@pytest.mark.slow
def test_the_next_days_refresh_does_not_make_dbt_parse_again(paths):
    # dbt parses again every file that read an environment variable whose value changed
    # since its last parse: seconds of each refresh if the date or the batches were
    # read while parsing. Only the refresh flag is, and it is the same every day.
    assert files_dbt_reparsed(paths, refresh_plan(dt.date(2026, 8, 21), "b1")) == -1
    assert files_dbt_reparsed(paths, refresh_plan(dt.date(2026, 9, 2), "b2")) == 0
    # A whole build after it does parse the windowed models again (their materialisation).
    whole = BuildPlan([], False, "", Path("unused"))
    assert files_dbt_reparsed(paths, whole) > 0
