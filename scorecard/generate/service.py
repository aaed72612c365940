"""CRM field work and service: activities (incl. monthly key-account revisits), complaints."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from scorecard.generate.columns import (
    Columns,
    ints,
    seq_ids,
    stamps,
    stamps_before,
    with_nulls,
    words,
)
from scorecard.generate.customers import AccountBook
from scorecard.generate.events import lognormal_delay, segment_events
from scorecard.generate.people import AM, BA, CD, DIR, KAM, NCD, REP, SCA, People
from scorecard.generate.timeline import DAY, HOUR, Timeline, expand

ACTIVITY_TYPES = ("visit", "call", "follow_up", "revisit", "email")
VISIT, CALL, FOLLOW_UP, REVISIT, EMAIL = range(5)
# Monthly activity rates per role and type (revisits are planned separately). A field
# sales rep visits about one customer a week (52 / 12 a month), the practice the role's
# standard of 4 visits a month is set on; at 3.5 the median rep missed it every quarter.
ACTIVITY_RATES = {
    VISIT: {REP: 52 / 12, AM: 2.0, DIR: 1.0, NCD: 3.0, KAM: 2.0, CD: 3.0},
    CALL: {REP: 5.5, AM: 4.0, DIR: 1.5, NCD: 7.0, KAM: 3.0, CD: 3.0, BA: 3.0, SCA: 2.0},
    FOLLOW_UP: {REP: 2.0, AM: 3.0, NCD: 2.0, KAM: 2.0, CD: 1.5, BA: 4.0, SCA: 3.0},
    EMAIL: {REP: 3.0, AM: 3.5, DIR: 1.5, NCD: 3.0, KAM: 2.0, CD: 2.0, BA: 4.0, SCA: 1.5},
}
REVISIT_P = {KAM: 0.85, AM: 0.4}  # chance a tier-A account is revisited in a given month
MEDIAN_MINUTES = np.array([60.0, 8.0, 15.0, 50.0, 5.0])


def _revisits(
    rng: np.random.Generator, tl: Timeline, people: People, book: AccountBook
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Monthly revisits of the tier-A accounts a key-account or account manager owns."""
    tier_a = np.flatnonzero(book.tier == 0)
    tier_a = tier_a[np.argsort(book.owner[tier_a], kind="stable")]
    a_count = np.bincount(book.owner[tier_a], minlength=people.n)
    a_start = np.concatenate([[0], np.cumsum(a_count)])[:-1]
    p_role = np.zeros(8)
    for role, p in REVISIT_P.items():
        p_role[role] = p
    seg = np.flatnonzero(p_role[people.seg_role] > 0)
    # (segment, month) pairs where they overlap, then (pair, tier-A account) pairs.
    lo = np.maximum(people.seg_lo[seg][:, None], tl.month_lo[None, :])
    hi = np.minimum(people.seg_hi[seg][:, None], tl.month_hi[None, :])
    s_idx, m_idx = np.nonzero(hi > lo)
    lo, hi, seg = lo[s_idx, m_idx], hi[s_idx, m_idx], seg[s_idx]
    emp = people.seg_emp[seg]
    pair, k = expand(a_count[emp])
    acc = tier_a[a_start[emp[pair]] + k]
    p = np.clip(p_role[people.seg_role[seg[pair]]] + 0.05 * people.quality[emp[pair]], 0, 1)
    done = (rng.random(len(pair)) < p) & (book.created[acc] < hi[pair])
    pair, acc = pair[done], acc[done]
    day_lo = np.maximum(lo[pair], book.created[acc])
    day = day_lo + np.floor(rng.random(len(pair)) * (hi[pair] - day_lo)).astype(np.int64)
    return emp[pair], acc, day


def build_activities(
    rng: np.random.Generator, tl: Timeline, people: People, book: AccountBook
) -> Columns:
    parts = []
    for kind, rates in ACTIVITY_RATES.items():
        emp, role, day = segment_events(rng, tl, people, rates, weight=people.productivity**0.3)
        acc = book.pick(rng, emp, day, skew=1.3)
        no_acc = ((role == CD) & (rng.random(len(emp)) < 0.5)) | (rng.random(len(emp)) < 0.04)
        parts.append((emp, np.where(no_acc, -1, acc), day, np.full(len(emp), kind)))
    r_emp, r_acc, r_day = _revisits(rng, tl, people, book)
    parts.append((r_emp, r_acc, r_day, np.full(len(r_emp), REVISIT)))
    emp, acc, day, kind = (np.concatenate([p[i] for p in parts]) for i in range(4))
    at = tl.stamp(rng, day)
    order = np.argsort(at, kind="stable")
    emp, acc, at, kind = emp[order], acc[order], at[order], kind[order]
    n = len(emp)
    minutes = np.exp(rng.normal(np.log(MEDIAN_MINUTES[kind]), 0.5)).round().astype(np.int64)
    minutes = np.clip(minutes, 1, 600)
    return {
        "activity_id": seq_ids("ACT-", n, 8),
        "employee_id": people.ids.take(pa.array(emp)),
        "account_id": with_nulls(book.ids.take(pa.array(np.maximum(acc, 0))), acc < 0),
        "activity_type": words(ACTIVITY_TYPES, kind),
        "activity_at": stamps(at),
        "duration_minutes": ints(minutes, rng.random(n) < 0.01),
    }


def build_complaints(
    rng: np.random.Generator, tl: Timeline, people: People, book: AccountBook
) -> Columns:
    emp, _, day = segment_events(
        rng,
        tl,
        people,
        {REP: 0.3, AM: 0.4, KAM: 0.3, SCA: 0.5, BA: 0.2, NCD: 0.1, CD: 0.1},
    )
    order = np.argsort(day, kind="stable")
    emp, day = emp[order], day[order]
    n = len(emp)
    acc = book.pick(rng, emp, day, skew=1.0)
    acc = np.where(rng.random(n) < 0.05, -1, acc)
    received = tl.stamp(rng, day)
    response = received + lognormal_delay(rng, 6 * HOUR, 1.2, n, people.quality[emp])
    closed = response + lognormal_delay(rng, 4 * DAY, 1.0, n)
    return {
        "complaint_id": seq_ids("CMP-", n, 6),
        "account_id": with_nulls(book.ids.take(pa.array(np.maximum(acc, 0))), acc < 0),
        "employee_id": people.ids.take(pa.array(emp)),
        "severity": words(("low", "medium", "high"), rng.choice(3, n, p=[0.55, 0.35, 0.1])),
        "received_at": stamps(received),
        "first_response_at": stamps_before(response, tl.end_ts),
        "closed_at": stamps_before(closed, tl.end_ts, rng.random(n) < 0.04),
    }
