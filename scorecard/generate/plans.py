"""HR plans: individual tiered targets per quarter, and appeals against results."""

from __future__ import annotations

import csv

import numpy as np
import pyarrow as pa

from scorecard.generate import names
from scorecard.generate.columns import (
    Columns,
    concat,
    floats,
    number_text,
    seq_ids,
    stamps,
    with_nulls,
    words,
)
from scorecard.generate.customers import ACCOUNTS_PER_ROLE
from scorecard.generate.orders import ORDERS_PER_MONTH, Orders
from scorecard.generate.people import AM, BA, CD, DIR, KAM, NCD, REP, ROLES, SCA, People
from scorecard.generate.timeline import DAY, NO_DAY, Timeline, expand
from scorecard.paths import PROJECT_ROOT

INDICATORS = (
    "sales_revenue",
    "new_customers",
    "orders_processed",
    "gross_profit_margin",
    "collection_rate",
)
REVENUE, NEW_CUSTOMERS, ORDERS_PROCESSED, MARGIN, COLLECTION = range(5)
ROLE_INDICATORS = {
    REP: (REVENUE, NEW_CUSTOMERS, MARGIN),
    AM: (REVENUE, MARGIN, COLLECTION),
    DIR: (REVENUE, MARGIN),
    NCD: (NEW_CUSTOMERS, REVENUE),
    KAM: (REVENUE, MARGIN),
    CD: (REVENUE, NEW_CUSTOMERS),
    BA: (ORDERS_PROCESSED,),
    SCA: (NEW_CUSTOMERS, COLLECTION, REVENUE),
}
N_INDICATORS = np.array([len(ROLE_INDICATORS[r]) for r in range(8)])
INDICATOR_TABLE = np.array(
    [list(ROLE_INDICATORS[r]) + [-1] * (3 - len(ROLE_INDICATORS[r])) for r in range(8)]
)
# Roughly what each role actually wins per quarter in the generated data (REP, AM, DIR,
# NCD, KAM, CD, BA, SCA), so targets are demanding but reachable.
NEW_CUSTOMERS_PER_QUARTER = np.array([1, 1, 1, 2, 1, 1, 0, 3], dtype=np.float64)


def build_targets(
    rng: np.random.Generator, tl: Timeline, people: People, orders: Orders
) -> Columns:
    """Targets for ~90% of employees (the rest fall back to role defaults)."""
    lo, hi = people.employed(tl)
    has_targets = rng.random(people.n) < 0.9
    q_lo = np.array([q.lo for q in tl.quarters])
    q_hi = np.array([q.hi for q in tl.quarters])
    season = np.array([q.season for q in tl.quarters])
    overlap = (np.minimum(hi[:, None], q_hi) > np.maximum(lo[:, None], q_lo)) & has_targets[:, None]
    emp, quarter = np.nonzero(overlap)
    role = people.role_on(emp, (q_lo[quarter] + q_hi[quarter]) // 2)
    pair, k = expand(N_INDICATORS[role])
    e, r, qi = emp[pair], role[pair], quarter[pair]
    indicator = INDICATOR_TABLE[r, k]
    n = len(pair)

    # Revenue targets follow the employee's own run rate, like a manager would set them:
    # revenue per (seasonal) quarter worked. Dividing by the quarters that had revenue
    # left out the dry quarters, so a lumpy seller's target was set on their good quarters
    # only (a director with 4 quarters of 8 without an order got twice their run rate).
    q_days = q_hi - q_lo
    worked = np.clip(np.minimum(hi[:, None], q_hi) - np.maximum(lo[:, None], q_lo), 0, None)
    worked = np.where(people.inactive[:, None], 0, worked) / q_days
    revenue = orders.revenue_eur(tl, people.n, handed_over=False)
    run_rate = revenue.sum(axis=1) / np.maximum((worked * season).sum(axis=1), 0.25)
    # A leaver's book handed over to the director adds the leaver's run rate to the
    # director's target from the handover on, as the director's revenue includes it.
    handover = np.zeros((people.n, len(tl.quarters)))
    has_book = ACCOUNTS_PER_ROLE[people.current_role] > 0
    leavers = np.flatnonzero((people.term < NO_DAY) & has_book & ~people.inactive)
    after = np.clip(q_hi - np.maximum(people.term[leavers, None] + 1, q_lo), 0, None) / q_days
    np.add.at(handover, people.team_director[people.team[leavers]], run_rate[leavers, None] * after)
    med = np.array(
        [
            np.median(run_rate[(people.role == x) & (run_rate > 0)])
            if np.any((people.role == x) & (run_rate > 0))
            else 10_000.0
            for x in range(8)
        ]
    )
    # A quarter worked in part gets that part of the target (hires, leavers; at least 1/4).
    rev_base = (
        (np.maximum(run_rate[e], 0.5 * med[r]) * np.maximum(worked[e, qi], 0.25) + handover[e, qi])
        * season[qi]
        * rng.uniform(0.85, 1.2, n)
    )
    # Targets are in the indicator's unit: orders_processed is a rate per month.
    orders_base = ORDERS_PER_MONTH[BA] * people.productivity[e] * rng.uniform(0.9, 1.15, n)
    base = np.select(
        [
            indicator == REVENUE,
            indicator == NEW_CUSTOMERS,
            indicator == ORDERS_PROCESSED,
            indicator == MARGIN,
        ],
        [
            np.round(rev_base, -2),
            np.maximum(np.round(NEW_CUSTOMERS_PER_QUARTER[r] * rng.uniform(0.8, 1.3, n)), 1),
            np.maximum(np.round(orders_base), 1),
            np.round(rng.uniform(0.18, 0.24, n), 2),
        ],
        np.round(rng.choice([0.93, 0.95, 0.95, 0.97], n), 2),
    )
    ratio = (indicator == MARGIN) | (indicator == COLLECTION)
    challenge = np.where(ratio, np.minimum(base + 0.02, 0.995), np.ceil(base * 1.15))
    stretch = np.where(ratio, np.minimum(base + 0.04, 0.999), np.ceil(base * 1.3))
    challenge = np.where(challenge <= base, base + 1, challenge)
    stretch = np.where(stretch <= challenge, challenge + 1, stretch)
    set_at = (q_lo[qi] - rng.integers(5, 21, n)) * DAY + tl.clock(rng, n)
    set_at = np.maximum(set_at, np.maximum(people.hire[e], q_lo[qi] - 20) * DAY + 9 * 3600)
    labels = pa.array([q.label for q in tl.quarters])
    order = np.lexsort((indicator, e, qi))
    e, qi, indicator, base, challenge, stretch, set_at = (
        x[order] for x in (e, qi, indicator, base, challenge, stretch, set_at)
    )
    return {
        "target_id": seq_ids("TG-", n, 7),
        "employee_id": people.ids.take(pa.array(e)),
        "indicator_code": words(INDICATORS, indicator),
        "fiscal_quarter": labels.take(pa.array(qi)),
        "base_target": floats(base),
        "challenge_target": floats(challenge),
        "stretch_target": floats(stretch),
        "set_by": people.manager_ids().take(pa.array(e)),
        "set_at": stamps(set_at),
    }


def template_lines() -> tuple[list[str], dict[int, list[int]]]:
    """The indicators of each role's current template (seeds/role_templates.csv): the
    vocabulary, and per role the positions of its lines in it."""
    with (PROJECT_ROOT / "seeds" / "role_templates.csv").open(newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if not r["effective_to"]]
    vocabulary = sorted({r["indicator_code"] for r in rows})
    lines = {
        role: sorted({vocabulary.index(r["indicator_code"]) for r in rows
                      if r["role_code"] == ROLES[role]})
        for role in range(len(ROLES))
    }  # fmt: skip
    return vocabulary, lines


def build_appeals(rng: np.random.Generator, tl: Timeline, people: People) -> Columns:
    """A handful per quarter: ~1% of staff appeal a result."""
    lo, hi = people.employed(tl)
    parts = []
    for qi, q in enumerate(tl.quarters):
        pool = np.flatnonzero(~people.inactive & (lo < q.hi) & (hi > q.lo))
        k = min(max(1, round(0.01 * people.n)), len(pool))
        parts.append((np.sort(rng.choice(pool, k, replace=False)), np.full(k, qi)))
    emp = np.concatenate([p[0] for p in parts])
    qi = np.concatenate([p[1] for p in parts])
    n = len(emp)
    q_hi = np.array([q.hi for q in tl.quarters])[qi]
    raised = (q_hi + rng.integers(-10, 26, n)) * DAY + tl.clock(rng, n)
    raised = np.minimum(raised, tl.end_ts - 1 - rng.integers(DAY, 3 * DAY, n))
    decided = raised + rng.integers(3, 21, n) * DAY
    undecided = (decided >= tl.end_ts) | (rng.random(n) < 0.1)
    status = np.where(undecided, 0, np.where(rng.random(n) < 0.45, 1, 2))
    points = np.round(rng.uniform(0.5, 8.0, n) * np.where(rng.random(n) < 0.1, -1, 1), 2)
    # Appeals name a line of the person's scorecard (the template of their role at the
    # quarter's start), or the overall score.
    role = people.role_on(emp, np.array([q.lo for q in tl.quarters])[qi])
    vocabulary, lines = template_lines()
    counts = np.array([len(lines[r]) for r in range(len(ROLES))])
    table = np.array([list(lines[r]) + [-1] * (counts.max() - len(lines[r]))
                      for r in range(len(ROLES))])  # fmt: skip
    pick = np.floor(rng.random(n) * counts[role]).astype(np.int64)
    indicator = table[role, pick]
    return {
        "appeal_id": seq_ids("AP-", n, 5),
        "employee_id": people.ids.take(pa.array(emp)),
        "fiscal_quarter": pa.array([q.label for q in tl.quarters]).take(pa.array(qi)),
        "indicator_code": words(vocabulary, indicator, rng.random(n) < 0.2),
        "status": words(("open", "accepted", "rejected"), status),
        "adjustment_points": floats(points, status != 1),
        "reason": words(names.APPEAL_REASONS, rng.integers(0, len(names.APPEAL_REASONS), n)),
        "evidence_ref": _evidence(rng, n),
        "raised_at": stamps(raised),
        "decided_by": words(
            names.HR_DECIDERS, rng.integers(0, len(names.HR_DECIDERS), n), status == 0
        ),
        "decided_at": stamps(np.where(status == 0, 0, decided), status == 0),
    }


def _evidence(rng: np.random.Generator, n: int) -> pa.Array:
    kind = words(("DOC-", "TICKET-"), rng.integers(0, 2, n))
    ref = concat(kind, number_text(rng.integers(1000, 99999, n), 5))
    return with_nulls(ref, rng.random(n) < 0.25)


def build_integrity_reviews(tl: Timeline, gamed: list[dict[str, object]]) -> Columns:
    """Compliance rejects the first planted burst ten days after its month; later bursts
    are left pending, so the demo shows both a decided and an open integrity case."""
    decided = gamed[:1]
    review_day = [
        (np.datetime64(f"{g['month']}-01") + np.timedelta64(40, "D")).astype("datetime64[D]")
        for g in decided
    ]
    reviewed = np.array(
        [min(int(d.astype(np.int64)) * DAY + 10 * 3600, tl.end_ts - DAY) for d in review_day],
        dtype=np.int64,
    )
    n = len(decided)
    return {
        "review_id": seq_ids("IR-", n, 5),
        "case_id": pa.array([f"INT-{g['employee_id']}-{g['month']}" for g in decided], pa.string()),
        "decision": pa.array(["reject"] * n, pa.string()),
        "reason": pa.array(
            ["orders entered in bulk late in the evening from one machine; customers did not "
             "confirm them"] * n, pa.string()),  # fmt: skip
        "reviewed_by": words(names.HR_DECIDERS, np.zeros(n, np.int64)),
        "reviewed_at": stamps(reviewed),
    }
