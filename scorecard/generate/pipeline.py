"""CRM pipeline and service inputs: opportunities, inquiries, RFQs, contracts, channel partners."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from scorecard.generate.columns import (
    Columns,
    dates,
    floats,
    seq_ids,
    stamps,
    stamps_before,
    with_nulls,
    words,
)
from scorecard.generate.customers import CURRENCIES, UNITS_PER_EUR, AccountBook
from scorecard.generate.events import by_role, lognormal_delay, segment_events
from scorecard.generate.people import AM, BA, CD, DIR, KAM, NCD, REGIONS, REP, SCA, People
from scorecard.generate.timeline import DAY, HOUR, NO_DAY, Timeline, expand

STAGES = ("prospecting", "engaging", "proposal", "won", "lost")
CHANNELS = ("phone", "email", "web", "chat", "social")
DEAL_SIZE_EUR = by_role(
    {REP: 9000, AM: 12000, DIR: 60000, NCD: 8000, KAM: 40000, CD: 10000, BA: 5000, SCA: 600}
)


@dataclass
class Won:
    """Won deals and converted inquiries that become orders."""

    source: np.ndarray  # row index in the source table
    emp: np.ndarray
    acc: np.ndarray
    at: np.ndarray  # epoch seconds of the win / inquiry
    amount: np.ndarray  # NaN when the order amount is drawn fresh


@dataclass
class Partners:
    emp: np.ndarray
    activated: np.ndarray  # epoch day, NO_DAY if never
    ids: pa.Array
    start: np.ndarray  # first partner row per employee
    count: np.ndarray


def build_opportunities(
    rng: np.random.Generator, tl: Timeline, people: People, book: AccountBook
) -> tuple[Columns, Won]:
    emp, role, day = segment_events(
        rng,
        tl,
        people,
        {REP: 3, AM: 1.5, DIR: 0.3, NCD: 5, KAM: 1.5, CD: 0.5, SCA: 0.5},
        weight=np.sqrt(people.productivity),
    )
    order = np.argsort(day, kind="stable")
    emp, role, day = emp[order], role[order], day[order]
    n = len(emp)
    acc = book.pick(rng, emp, day)
    q = people.quality[emp]
    created = tl.stamp(rng, day)
    first = created + (rng.exponential(2.0, n) * DAY).astype(np.int64)
    proposal = first + (rng.exponential(12.0, n) * DAY).astype(np.int64)
    reaches_proposal = rng.random(n) < 0.65 + 0.05 * q
    closed = np.where(reaches_proposal, proposal, first) + (
        rng.exponential(np.where(reaches_proposal, 25.0, 20.0), n) * DAY
    ).astype(np.int64)
    won = reaches_proposal & (rng.random(n) < 0.42 + 0.06 * q)
    lost_early = ~reaches_proposal & (rng.random(n) < 0.8)
    closes = won | (reaches_proposal & ~won) | lost_early
    no_first = rng.random(n) < 0.05
    end = tl.end_ts
    has_first = ~no_first & (first < end)
    has_prop = has_first & reaches_proposal & (proposal < end)
    has_close = has_first & closes & (closed < end) & (has_prop | ~reaches_proposal)
    stage = np.where(
        has_close, np.where(won, 3, 4), np.where(has_prop, 2, np.where(has_first, 1, 0))
    )
    # A won deal needs a customer; prospects early in the funnel may not have one yet.
    acc = np.where((stage <= 1) & (rng.random(n) < 0.3), -1, acc)
    won_rows = np.flatnonzero((stage == 3) & (acc >= 0))
    no_acc = acc < 0
    cur = np.where(no_acc, 0, book.currency[np.maximum(acc, 0)])
    size = DEAL_SIZE_EUR[role] * np.exp(rng.normal(0.0, 0.8, n)) * UNITS_PER_EUR[cur]
    amount = np.round(np.maximum(size, 50.0), 2)
    no_amount = (stage == 0) & (rng.random(n) < 0.5)
    last = np.maximum.reduce(
        [
            created,
            np.where(has_first, first, 0),
            np.where(has_prop, proposal, 0),
            np.where(has_close, closed, 0),
        ]
    )
    updated = np.minimum(last + rng.integers(0, 2 * DAY, n), end - 1)
    ids = seq_ids("O-", n, 7)
    columns = {
        "opportunity_id": ids,
        "account_id": with_nulls(book.ids.take(pa.array(np.maximum(acc, 0))), no_acc),
        "owner_employee_id": people.ids.take(pa.array(emp)),
        "created_at": stamps(created),
        "first_contact_at": stamps_before(first, tl.end_ts, ~has_first),
        "proposal_at": stamps_before(proposal, tl.end_ts, ~has_prop),
        "closed_at": stamps_before(closed, tl.end_ts, ~has_close),
        "stage": words(STAGES, stage),
        "amount": floats(amount, no_amount),
        "currency": words(CURRENCIES, cur, no_amount),
        "updated_at": stamps(updated),
    }
    return columns, Won(won_rows, emp[won_rows], acc[won_rows], closed[won_rows], amount[won_rows])


def build_inquiries(
    rng: np.random.Generator, tl: Timeline, people: People, book: AccountBook
) -> tuple[Columns, Won]:
    emp, role, day = segment_events(
        rng,
        tl,
        people,
        {REP: 2, AM: 2, NCD: 3, KAM: 1, CD: 0.5, BA: 6, SCA: 6},
    )
    order = np.argsort(day, kind="stable")
    emp, role, day = emp[order], role[order], day[order]
    n = len(emp)
    acc = book.pick(rng, emp, day)
    acc = np.where(rng.random(n) < 0.15, -1, acc)
    q = people.quality[emp]
    received = tl.stamp(rng, day)
    # Most answered within hours; ~8% after 24h, ~3% after 48h, ~1% never.
    response = received + lognormal_delay(rng, 4 * HOUR, 1.3, n, q)
    never = rng.random(n) < 0.01
    closed = response + lognormal_delay(rng, 2 * DAY, 1.0, n)
    social = role == SCA
    channel = np.where(
        social,
        rng.choice(5, n, p=[0.05, 0.05, 0.1, 0.35, 0.45]),
        rng.choice(5, n, p=[0.4, 0.35, 0.2, 0.05, 0.0]),
    )
    responded = ~never & (response < tl.end_ts)
    converted = np.flatnonzero(responded & (acc >= 0) & (rng.random(n) < 0.18 + 0.03 * q))
    columns = {
        "inquiry_id": seq_ids("Q-", n, 7),
        "account_id": with_nulls(book.ids.take(pa.array(np.maximum(acc, 0))), acc < 0),
        "employee_id": people.ids.take(pa.array(emp)),
        "channel": words(CHANNELS, channel, rng.random(n) < 0.02),
        "received_at": stamps(received),
        "first_response_at": stamps_before(response, tl.end_ts, ~responded),
        "closed_at": stamps_before(closed, tl.end_ts, ~responded | (rng.random(n) < 0.03)),
    }
    won = Won(
        converted,
        emp[converted],
        acc[converted],
        response[converted],
        np.full(len(converted), np.nan),
    )
    return columns, won


def build_rfqs(
    rng: np.random.Generator, tl: Timeline, people: People, book: AccountBook
) -> Columns:
    emp, _, day = segment_events(
        rng,
        tl,
        people,
        {REP: 2, AM: 2, KAM: 1.5, NCD: 1, CD: 0.5, BA: 3},
    )
    order = np.argsort(day, kind="stable")
    emp, day = emp[order], day[order]
    n = len(emp)
    acc = book.pick(rng, emp, day)
    acc = np.where(rng.random(n) < 0.05, -1, acc)
    received = tl.stamp(rng, day)
    quoted = received + lognormal_delay(rng, 10 * HOUR, 1.0, n, people.quality[emp])
    return {
        "rfq_id": seq_ids("RFQ-", n, 7),
        "account_id": with_nulls(book.ids.take(pa.array(np.maximum(acc, 0))), acc < 0),
        "employee_id": people.ids.take(pa.array(emp)),
        "received_at": stamps(received),
        "quoted_at": stamps_before(quoted, tl.end_ts, rng.random(n) < 0.04),
    }


def build_contracts(
    rng: np.random.Generator, tl: Timeline, people: People, book: AccountBook
) -> Columns:
    emp, role, day = segment_events(
        rng,
        tl,
        people,
        {KAM: 1.0, AM: 0.6, DIR: 0.3, REP: 0.4, NCD: 0.2},
    )
    acc = book.pick(rng, emp, day)
    keep = acc >= 0
    emp, role, day, acc = emp[keep], role[keep], day[keep], acc[keep]
    order = np.argsort(day, kind="stable")
    emp, role, day, acc = emp[order], role[order], day[order], acc[order]
    n = len(emp)
    term = rng.integers(30, 181, n)
    due = day + term
    outcome = rng.choice(3, n, p=[0.82, 0.13, 0.05])  # on time, late, never
    fulfilled = np.where(
        outcome == 0,
        day + np.floor(rng.random(n) * term).astype(np.int64) + 1,
        due + 1 + rng.exponential(15.0, n).astype(np.int64),
    )
    open_ = (outcome == 2) | (fulfilled >= tl.hi)
    cur = book.currency[acc]
    amount = np.round(
        DEAL_SIZE_EUR[role] * 2.5 * np.exp(rng.normal(0, 0.7, n)) * UNITS_PER_EUR[cur], 2
    )
    return {
        "contract_id": seq_ids("C-", n, 6),
        "account_id": book.ids.take(pa.array(acc)),
        "employee_id": people.ids.take(pa.array(emp)),
        "signed_date": dates(day),
        "due_date": dates(due),
        "fulfilled_date": dates(np.where(open_, 0, fulfilled), open_),
        "amount": floats(amount),
        "currency": words(CURRENCIES, cur),
    }


def build_partners(
    rng: np.random.Generator, tl: Timeline, people: People
) -> tuple[Partners, Columns]:
    emp, _, day = segment_events(rng, tl, people, {CD: 1.2})
    developers = np.flatnonzero((people.role == CD) & ~people.inactive & (people.hire < tl.lo))
    # Partners signed before the window, most of them active by now.
    older = rng.poisson(6, len(developers))
    parent, _ = expand(older)
    old_emp = developers[parent]
    old_day = tl.lo - rng.integers(1, 3 * 365, len(old_emp))
    emp = np.concatenate([old_emp, emp])
    signed = np.concatenate([old_day, day])
    n = len(emp)
    activated = signed + 3 + rng.exponential(25.0, n).astype(np.int64)
    never = (rng.random(n) < 0.25) | (activated >= tl.hi)
    activated = np.where(never, NO_DAY, activated)
    order = np.lexsort((signed, emp))
    emp, signed, activated = emp[order], signed[order], activated[order]
    counts = np.bincount(emp, minlength=people.n)
    start = np.concatenate([[0], np.cumsum(counts)])[:-1]
    # Ids follow signature order, rows are grouped by developer.
    rank = np.empty(n, dtype=np.int64)
    rank[np.argsort(signed, kind="stable")] = np.arange(n)
    ids = seq_ids("P-", n, 5).take(pa.array(rank))
    region = np.where(rng.random(n) < 0.85, people.region[emp], rng.integers(0, 5, n))
    inactive = activated >= NO_DAY
    columns = {
        "partner_id": ids,
        "employee_id": people.ids.take(pa.array(emp)),
        "region": words(REGIONS, region),
        "signed_date": dates(signed),
        "activated_date": dates(np.where(inactive, 0, activated), inactive),
    }
    return Partners(emp, activated, ids, start, counts), columns
