"""Surveys and learning: CSAT, NPS, 360-degree reviews, training attendance, knowledge tests."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from scorecard.generate.columns import (
    Columns,
    bools,
    concat,
    dates,
    floats,
    ids,
    ints,
    number_text,
    seq_ids,
    stamps,
    with_nulls,
    words,
)
from scorecard.generate.customers import AccountBook
from scorecard.generate.events import segment_events
from scorecard.generate.people import AM, BA, CD, DIR, KAM, NCD, REP, SCA, People
from scorecard.generate.timeline import DAY, Timeline, expand, to_date

RATER_GROUPS = ("superior", "peer", "customer", "subordinate", "cross_department")
SUPERIOR, PEER, CUSTOMER, SUBORDINATE, CROSS = range(5)
COMPETENCIES = (
    "customer_focus",
    "communication",
    "teamwork",
    "integrity",
    "leadership",
    "accuracy",
    "negotiation",
)
# Three shared competencies plus one that fits the role.
ROLE_COMPETENCY = np.array([6, 6, 4, 6, 6, 6, 5, 6])
GROUP_BIAS = np.array([-0.2, 0.1, 0.2, 0.0, 0.0])  # superiors mark harder, customers kinder
SESSIONS_PER_MONTH = 6


def _responses(
    rng: np.random.Generator,
    tl: Timeline,
    people: People,
    book: AccountBook,
    per_month: dict[int, float],
    prefix: str,
) -> tuple[Columns, np.ndarray]:
    emp, _, day = segment_events(rng, tl, people, per_month)
    at = tl.stamp(rng, day)
    order = np.argsort(at, kind="stable")
    emp, day, at = emp[order], day[order], at[order]
    acc = book.pick(rng, emp, day, skew=1.0)
    columns = {
        "response_id": seq_ids(prefix, len(emp), 7),
        "account_id": with_nulls(book.ids.take(pa.array(np.maximum(acc, 0))), acc < 0),
        "employee_id": people.ids.take(pa.array(emp)),
        "responded_at": stamps(at),
    }
    return columns, emp


def build_csat(
    rng: np.random.Generator, tl: Timeline, people: People, book: AccountBook
) -> Columns:
    columns, emp = _responses(
        rng,
        tl,
        people,
        book,
        {REP: 1.0, AM: 1.2, KAM: 1.0, BA: 0.8, SCA: 1.5, NCD: 0.5, CD: 0.3, DIR: 0.2},
        "CS-",
    )
    latent = 4.1 + 0.4 * people.quality[emp] + rng.normal(0.0, 0.8, len(emp))
    columns["score"] = ints(np.clip(np.round(latent), 1, 5))
    return columns


def build_nps(rng: np.random.Generator, tl: Timeline, people: People, book: AccountBook) -> Columns:
    columns, emp = _responses(
        rng,
        tl,
        people,
        book,
        {SCA: 1.5, KAM: 0.5, AM: 0.5, REP: 0.4, NCD: 0.2, CD: 0.2, BA: 0.2, DIR: 0.2},
        "NP-",
    )
    # Recommendation answers skew high: an average employee's customers answer 9-10 about
    # half the time and 0-6 about one time in eight, an NPS near +40 (the practitioners'
    # default, and where B2B and retail benchmarks sit). Centred on 7.8, one customer in
    # four was a detractor and the average employee's NPS was about +11.
    latent = 8.6 + 1.0 * people.quality[emp] + rng.normal(0.0, 1.8, len(emp))
    columns["score"] = ints(np.clip(np.round(latent), 0, 10))
    return columns


def _eligible(tl: Timeline, people: People, min_days: int) -> tuple[np.ndarray, np.ndarray]:
    """(employee, quarter) pairs: active and employed at quarter end for min_days or more."""
    q_hi = np.array([q.hi for q in tl.quarters])
    ok = (
        (~people.inactive)[:, None]
        & (people.hire[:, None] <= q_hi[None, :] - min_days)
        & (people.term[:, None] >= q_hi[None, :] - 1)
    )
    return np.nonzero(ok)


def build_reviews_360(
    rng: np.random.Generator, tl: Timeline, people: People, book: AccountBook
) -> Columns:
    emp, quarter = _eligible(tl, people, 45)
    n = len(emp)
    role = people.current_role[emp]
    is_dir = role == DIR
    # Colleagues in the same team (directors excluded) are the peers and subordinates.
    members = np.flatnonzero(people.role != DIR)
    members = members[np.argsort(people.team[members], kind="stable")]
    n_teams = len(people.team_director)
    t_size = np.bincount(people.team[members], minlength=n_teams)
    t_start = np.concatenate([[0], np.cumsum(t_size)])[:-1]
    pos = np.zeros(people.n, dtype=np.int64)
    pos[members] = np.arange(len(members)) - t_start[people.team[members]]
    directors = np.flatnonzero(people.role == DIR)
    d_pos = np.zeros(people.n, dtype=np.int64)
    d_pos[directors] = np.arange(len(directors))
    team = people.team[emp]
    has_pool = book.group_of_emp[emp] >= 0
    pool_size = np.where(has_pool, np.bincount(book.owner, minlength=people.n)[emp], 0)

    # Sometimes a group has a single rater, so anonymity suppression has work to do.
    peers = np.where(rng.random(n) < 0.1, 1, rng.integers(2, 5, n))
    peers = np.minimum(peers, np.where(is_dir, len(directors) - 1, t_size[team] - 1))
    customers = np.minimum(rng.integers(0, 4, n), pool_size)
    subs = np.where(is_dir, np.where(rng.random(n) < 0.1, 1, rng.integers(3, 7, n)), 0)
    subs = np.minimum(subs, t_size[team])
    cross = np.where(role == BA, rng.integers(0, 3, n), 0)

    groups = []
    parent, _ = expand(np.ones(n, np.int64))
    boss = np.where(is_dir, -1 - people.region[emp], people.team_director[team])
    groups.append((parent, np.full(n, SUPERIOR), boss))
    parent, k = expand(peers)
    e = emp[parent]
    peer_dir = directors[(d_pos[e] + 1 + k) % len(directors)]
    tm = team[parent]
    last = max(len(members) - 1, 0)
    peer_mem = members[np.minimum(t_start[tm] + (pos[e] + 1 + k) % np.maximum(t_size[tm], 1), last)]
    groups.append(
        (parent, np.full(len(parent), PEER), np.where(is_dir[parent], peer_dir, peer_mem))
    )
    parent, k = expand(subs)
    tm = team[parent]
    groups.append(
        (
            parent,
            np.full(len(parent), SUBORDINATE),
            members[t_start[tm] + k % np.maximum(t_size[tm], 1)],
        )
    )
    parent, k = expand(cross)
    groups.append(
        (parent, np.full(len(parent), CROSS), (emp[parent] + (k + 1) * (people.n // 3)) % people.n)
    )
    parent, k = expand(customers)
    start = book.group_start[np.maximum(book.group_of_emp[emp[parent]], 0)]
    # Customers get their own id space: the rater id never shows who they are.
    groups.append((parent, np.full(len(parent), CUSTOMER), -10_000_000 - (start + k)))

    parent, group, rater = (np.concatenate([g[i] for g in groups]) for i in range(3))
    # Pseudonyms: a seeded permutation hides who the colleague is.
    pseudo = rng.permutation(people.n + 5)
    rater_no = np.where(rater >= 0, pseudo[np.maximum(rater, 0)] + 1, 0)
    rater_no = np.where(
        (rater < 0) & (rater > -10), pseudo[people.n + np.clip(-rater - 1, 0, 4)] + 1, rater_no
    )
    rater_no = np.where(rater <= -10_000_000, 1_000_000 + (-rater - 10_000_000), rater_no)
    q_hi = np.array([q.hi for q in tl.quarters])[quarter[parent]]
    submitted = (q_hi - 1 - rng.integers(0, 21, len(parent))) * DAY + tl.clock(rng, len(parent))
    # Each rater scores the competencies of the reviewed employee's role.
    row, c = expand(np.full(len(parent), 4))
    competency = np.where(c < 3, c, ROLE_COMPETENCY[role[parent[row]]])
    e = emp[parent[row]]
    # 360 ratings skew high in practice: most people are rated about 4 of 5.
    latent = 4.0 + 0.6 * people.quality[e] + GROUP_BIAS[group[row]] + rng.normal(0.0, 0.7, len(row))
    order = np.lexsort((c, submitted[row]))
    row, competency, latent = row[order], competency[order], latent[order]
    labels = pa.array([q.label for q in tl.quarters])
    return {
        "review_id": seq_ids("RV-", len(row), 8),
        "employee_id": people.ids.take(pa.array(emp[parent[row]])),
        "rater_id": ids("R-", rater_no[row], 7),
        "rater_group": words(RATER_GROUPS, group[row]),
        "competency": words(COMPETENCIES, competency),
        "fiscal_quarter": labels.take(pa.array(quarter[parent[row]])),
        "score": ints(np.clip(np.round(latent), 1, 5)),
        "submitted_at": stamps(submitted[row]),
    }


def build_training(rng: np.random.Generator, tl: Timeline, people: People) -> Columns:
    """About one assigned session a month; sessions are shared across employees."""
    lo, hi = people.employed(tl)
    active = np.flatnonzero(~people.inactive & (hi > lo))
    n_m = len(tl.month_lo)
    counts = rng.poisson(0.9, (len(active), n_m))
    a_idx, m_idx = np.nonzero(counts)
    parent, _ = expand(counts[a_idx, m_idx])
    emp, month = active[a_idx[parent]], m_idx[parent]
    slot = rng.integers(0, SESSIONS_PER_MONTH, len(emp))
    day = tl.month_lo[month] + 2 + 4 * slot
    keep = (day >= lo[emp]) & (day < hi[emp])
    emp, month, slot, day = emp[keep], month[keep], slot[keep], day[keep]
    order = np.lexsort((emp, day))
    emp, month, slot, day = emp[order], month[order], slot[order], day[order]
    labels = pa.array([to_date(d).strftime("%Y%m") for d in tl.month_lo])
    attended = rng.random(len(emp)) < np.clip(0.9 + 0.04 * people.quality[emp], 0.5, 0.99)
    return {
        "attendance_id": seq_ids("TA-", len(emp), 7),
        "employee_id": people.ids.take(pa.array(emp)),
        "session_id": concat("TS-", labels.take(pa.array(month)), "-", number_text(slot + 1, 2)),
        "session_date": dates(day),
        "has_attended": bools(attended),
    }


def build_knowledge_tests(rng: np.random.Generator, tl: Timeline, people: People) -> Columns:
    lo, hi = people.employed(tl)
    q_lo = np.array([q.lo for q in tl.quarters])
    q_hi = np.array([q.hi for q in tl.quarters])
    a = np.maximum(lo[:, None], q_lo[None, :])
    b = np.minimum(hi[:, None], q_hi[None, :])
    takes = (b > a) & ~people.inactive[:, None] & (rng.random(a.shape) < 0.85)
    emp, quarter = np.nonzero(takes)
    a, b = a[emp, quarter], b[emp, quarter]
    day = a + np.floor(rng.random(len(emp)) * (b - a)).astype(np.int64)
    at = tl.stamp(rng, day)
    order = np.argsort(at, kind="stable")
    emp, at = emp[order], at[order]
    score = np.clip(rng.normal(82.0 + 6.0 * people.quality[emp], 8.0), 0.0, 100.0)
    return {
        "test_result_id": seq_ids("KT-", len(emp), 7),
        "employee_id": people.ids.take(pa.array(emp)),
        "taken_at": stamps(at),
        "score": floats(np.round(score * 2) / 2),
    }
