"""CRM orders: regular repeat business (long-tail books, regular buyers of key and strategic
accounts, new customers' first and onboarding orders, handed-over books of leavers), won deals,
converted inquiries, partner sales, and the planted gamed bursts (many orders from one IP and
device) the integrity checks must catch."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from scorecard.generate.columns import (
    Columns,
    concat,
    dates,
    floats,
    hex_text,
    ids,
    ints,
    number_text,
    seq_ids,
    stamps,
    with_nulls,
    words,
)
from scorecard.generate.customers import CURRENCIES, UNITS_PER_EUR, AccountBook
from scorecard.generate.events import DAYS_PER_MONTH, by_role, lognormal_delay, segment_events
from scorecard.generate.people import AM, BA, CD, DIR, KAM, NCD, REP, SCA, People
from scorecard.generate.pipeline import Partners, Won
from scorecard.generate.timeline import DAY, HOUR, NO_DAY, Timeline, expand, to_date

STATUSES = ("confirmed", "shipped", "cancelled")
# Orders an employee of the role books a month (mean productivity). Key-account managers'
# and directors' figures are what their regular buyers give (about 10 and 6 accounts x
# REGULAR_BUYER_P); their own orders are drawn per account, not from this rate.
ORDERS_PER_MONTH = {REP: 8, AM: 10, DIR: 3, NCD: 4, KAM: 5, CD: 5, BA: 15, SCA: 12}
# Key and strategic accounts are regular buyers: call-off orders on a framework, about
# every other month, so ~7 in 8 of them buy in any quarter (the practitioners' 90%
# retention and 80% penetration describe such books). Drawn at random from a long-tail
# pick instead, a KAM kept 68% of last quarter's buyers and a director's strategic
# accounts half of them bought in a quarter.
REGULAR_BUYER_P = {KAM: 0.5, DIR: 0.5}
# A director's call-off orders are a third of the one-off 12,000 they had at one order a
# month: the same revenue, spread over three orders (their quarter was 0 in some quarters
# and 300,000 in others, on three orders and the odd big deal).
ORDER_SIZE_EUR = by_role(
    {REP: 1500, AM: 2500, DIR: 4000, NCD: 1800, KAM: 9000, CD: 2000, BA: 1200, SCA: 120}
)
# An account won in the window (customers.NEW_SHARE) places its first order when it is won,
# within two weeks. Left to the long-tail pick (which favours old accounts), new accounts
# first ordered a median 53 days after they were opened and 1 in 6 of a rep's never did
# within the window, so reps won 0.78 new customers a quarter against the 1 their plans
# (and the role default) assume.
FIRST_ORDER_DAYS = 14
# A new customer is onboarded: one follow-up order on average within its first 90 days,
# so its first-period revenue is about two orders (new_customer_quality expects 5,000 of
# a new customer, two orders of a new-customer developer). Without it a new customer's
# only order in its first quarter was usually the first one.
ONBOARDING_ORDERS = 1.0
ONBOARDING_DAYS = 90
TIER_FACTOR = np.array([2.0, 1.2, 0.8])


@dataclass
class Orders:
    ids: pa.Array
    emp: np.ndarray
    acc: np.ndarray
    day: np.ndarray
    amount: np.ndarray
    cost: np.ndarray  # NaN when unknown
    currency: np.ndarray
    status: np.ndarray
    gamed: list[dict[str, object]] = field(default_factory=list)
    # Orders of a leaver's accounts after the handover, credited to the new owner.
    handed_over: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))

    def revenue_eur(self, tl: Timeline, n_emp: int, handed_over: bool | None = None) -> np.ndarray:
        """Approximate non-cancelled revenue per employee and quarter, in EUR (only the
        orders of handed-over books, or only the others, when `handed_over` says so)."""
        ok = self.status != 2
        if handed_over is not None:
            ok &= self.handed_over == handed_over
        q = tl.quarter_of(self.day[ok])
        eur = self.amount[ok] / UNITS_PER_EUR[self.currency[ok]]
        flat = np.bincount(
            self.emp[ok] * len(tl.quarters) + q, weights=eur, minlength=n_emp * len(tl.quarters)
        )
        return flat.reshape(n_emp, len(tl.quarters))


def _ip_text(ip: np.ndarray) -> pa.Array:
    ip = ip.astype(np.int64)
    return concat(
        number_text(ip >> 24),
        ".",
        number_text((ip >> 16) & 255),
        ".",
        number_text((ip >> 8) & 255),
        ".",
        number_text(ip & 255),
    )


def _partner_of(
    rng: np.random.Generator, partners: Partners, emp: np.ndarray, day: np.ndarray
) -> np.ndarray:
    """A partner of the employee already activated by that day, else -1."""
    count = partners.count[emp]
    pos = partners.start[emp] + np.floor(rng.random(len(emp)) * count).astype(np.int64)
    pos = np.minimum(pos, max(len(partners.emp) - 1, 0))
    if len(partners.emp) == 0:
        return np.full(len(emp), -1)
    ok = (count > 0) & (partners.activated[pos] <= day)
    return np.where(ok, pos, -1)


def _gamed(
    rng: np.random.Generator, tl: Timeline, people: People, book: AccountBook, scale: float
) -> tuple[list[np.ndarray], list[dict[str, object]]]:
    """Bursts of orders from one IP and device in one month: [emp, acc, at, ip, device]."""
    n_cheats = 1 if scale < 0.5 else 2 if scale < 2 else 3
    pool = np.flatnonzero(people.is_stable(tl) & np.isin(people.role, [REP, SCA]))
    cheats = np.sort(rng.choice(pool, min(n_cheats, len(pool)), replace=False))
    parts: list[list[np.ndarray]] = [[np.empty(0, np.int64)] * 4 + [np.empty(0, np.uint64)]]
    record: list[dict[str, object]] = []
    for emp_idx in cheats:
        month = int(rng.integers(0, len(tl.month_lo) - 1))
        lo, hi = int(tl.month_lo[month]), int(tl.month_hi[month])
        n = int(rng.integers(60, 91))
        emp = np.full(n, emp_idx)
        day = rng.integers(lo, hi, n)
        acc = book.pick(rng, emp, day, skew=1.0)
        ok = acc >= 0
        # Late-evening entries from one machine: the signature the integrity check looks for.
        at = day * DAY + rng.integers(20 * HOUR, 23 * HOUR, n)
        ip = np.full(n, rng.integers(16_777_216, 3_758_096_383))
        device = np.full(n, rng.integers(0, 2**63, dtype=np.uint64), dtype=np.uint64)
        parts.append([emp[ok], acc[ok], at[ok], ip[ok], device[ok]])
        record.append(
            {
                "employee_id": people.ids[int(emp_idx)].as_py(),
                "client_ip": _ip_text(ip[:1])[0].as_py(),
                "device_id": hex_text(device[:1], 16)[0].as_py(),
                "month": to_date(lo).strftime("%Y-%m"),
                "orders": int(ok.sum()),
            }
        )
    return [np.concatenate([p[i] for p in parts]) for i in range(5)], record


def _regular_buyers(
    rng: np.random.Generator, tl: Timeline, people: People, book: AccountBook
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Monthly call-off orders of the regular buyers in the books of the roles of
    REGULAR_BUYER_P, while the owner holds the role: (employee, account, day)."""
    p_role = by_role(REGULAR_BUYER_P)
    per_owner = np.bincount(book.owner, minlength=people.n)
    seg = np.flatnonzero(p_role[people.seg_role] > 0)
    seg = seg[book.group_of_emp[people.seg_emp[seg]] >= 0]
    lo = np.maximum(people.seg_lo[seg][:, None], tl.month_lo[None, :])
    hi = np.minimum(people.seg_hi[seg][:, None], tl.month_hi[None, :])
    s_idx, m_idx = np.nonzero(hi > lo)
    lo, hi, seg, month = lo[s_idx, m_idx], hi[s_idx, m_idx], seg[s_idx], m_idx
    emp = people.seg_emp[seg]
    pair, k = expand(per_owner[emp])
    acc = book.group_start[book.group_of_emp[emp[pair]]] + k
    # Demand follows the season (the month's mean day weight); a better account manager
    # keeps an account ordering a little more often.
    season = tl.weight(tl.month_lo, tl.month_hi) / (tl.month_hi - tl.month_lo)
    p = p_role[people.seg_role[seg[pair]]] * season[month[pair]]
    p = np.clip(p + 0.05 * people.quality[emp[pair]], 0.0, 0.95)
    day_lo = np.maximum(lo[pair], book.created[acc])
    done = (rng.random(len(pair)) < p) & (day_lo < hi[pair])
    pair, acc, day_lo = pair[done], acc[done], day_lo[done]
    return emp[pair], acc, tl.sample_days(rng, day_lo, hi[pair])


def _first_orders(
    rng: np.random.Generator, tl: Timeline, people: People, book: AccountBook
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The first order of each account won in the window and its onboarding orders, by
    the employee who won it: (employee, account, day). None when the owner is idle or
    gone by then."""
    new = np.flatnonzero(book.created >= tl.lo)
    first = book.created[new] + rng.integers(0, FIRST_ORDER_DAYS + 1, len(new))
    parent, _ = expand(rng.poisson(ONBOARDING_ORDERS, len(new)))
    follow = first[parent] + rng.integers(1, ONBOARDING_DAYS + 1, len(parent))
    acc = np.concatenate([new, new[parent]])
    day = np.concatenate([first, follow])
    emp = book.owner[acc]
    ok = (day < tl.hi) & (day <= people.term[emp]) & ~people.inactive[emp]
    return emp[ok], acc[ok], day[ok]


def _handed_over(
    rng: np.random.Generator, tl: Timeline, people: People, book: AccountBook
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Customers keep buying when their employee leaves: orders on a leaver's accounts
    after the last working day, at the leaver's pace, credited to the account's new owner
    (the team director). (new owner, account, day, role of the leaver)."""
    leavers = np.flatnonzero((people.term < NO_DAY) & (book.group_of_emp >= 0) & ~people.inactive)
    lo = np.minimum(people.term[leavers] + 1, tl.hi)
    hi = np.full(len(leavers), tl.hi)
    role = people.current_role[leavers]
    rate = by_role(ORDERS_PER_MONTH)[role] / DAYS_PER_MONTH * people.productivity[leavers]
    n = rng.poisson(rate * tl.weight(lo, hi))
    parent = np.repeat(np.arange(len(leavers)), n)
    day = tl.sample_days(rng, lo[parent], hi[parent])
    acc = book.pick(rng, leavers[parent], day)
    ok = acc >= 0
    acc, day, parent = acc[ok], day[ok], parent[ok]
    return book.current_owner[acc], acc, day, role[parent]


def build_orders(
    rng: np.random.Generator,
    tl: Timeline,
    people: People,
    book: AccountBook,
    won: Won,
    converted: Won,
    partners: Partners,
    scale: float,
) -> tuple[Orders, Columns]:
    # Regular business, on accounts that exist on the order day; regular buyers order
    # per account, first orders follow the win, handed-over books keep ordering.
    long_tail = {r: v for r, v in ORDERS_PER_MONTH.items() if r not in REGULAR_BUYER_P}
    emp, _, day = segment_events(rng, tl, people, long_tail, weight=people.productivity)
    acc = book.pick(rng, emp, day)
    keep = acc >= 0
    emp, day, acc = emp[keep], day[keep], acc[keep]
    r_emp, r_acc, r_day = _regular_buyers(rng, tl, people, book)
    f_emp, f_acc, f_day = _first_orders(rng, tl, people, book)
    h_emp, h_acc, h_day, h_role = _handed_over(rng, tl, people, book)
    own = (emp, day), (r_emp, r_day), (f_emp, f_day)
    size_role = np.concatenate([people.role_on(e, d) for e, d in own] + [h_role])
    handed = np.repeat([False, True], [len(emp) + len(r_emp) + len(f_emp), len(h_emp)])
    emp = np.concatenate([emp, r_emp, f_emp, h_emp])
    acc = np.concatenate([acc, r_acc, f_acc, h_acc])
    day = np.concatenate([day, r_day, f_day, h_day])
    at = tl.stamp(rng, day)
    # Won deals and converted inquiries turn into orders a little later.
    deal_at = np.minimum(won.at + rng.integers(HOUR, 3 * DAY, len(won.at)), tl.end_ts - 1)
    inq_at = converted.at + rng.integers(HOUR, 5 * DAY, len(converted.at))
    inq_ok = inq_at < tl.end_ts
    (g_emp, g_acc, g_at, g_ip, g_dev), gamed = _gamed(rng, tl, people, book, scale)
    n_reg, n_won, n_inq, n_gam = len(emp), len(won.emp), int(inq_ok.sum()), len(g_emp)
    emp = np.concatenate([emp, won.emp, converted.emp[inq_ok], g_emp])
    acc = np.concatenate([acc, won.acc, converted.acc[inq_ok], g_acc])
    at = np.concatenate([at, deal_at, inq_at[inq_ok], g_at])
    opp = np.concatenate([np.full(n_reg, -1), won.source, np.full(n_inq + n_gam, -1)])
    inq = np.concatenate([np.full(n_reg + n_won, -1), converted.source[inq_ok], np.full(n_gam, -1)])
    preset = np.concatenate([np.full(n_reg, np.nan), won.amount, np.full(n_inq + n_gam, np.nan)])
    is_gamed = np.concatenate([np.zeros(n_reg + n_won + n_inq, bool), np.ones(n_gam, bool)])
    # Order size follows the customer's usual buyer: a handed-over book keeps its size.
    size_role = np.concatenate([size_role, np.full(n_won + n_inq + n_gam, -1)])
    handed = np.concatenate([handed, np.zeros(n_won + n_inq + n_gam, bool)])
    g_ip = np.concatenate([np.zeros(len(emp) - n_gam, np.int64), g_ip])
    g_dev = np.concatenate([np.zeros(len(emp) - n_gam, np.uint64), g_dev])

    order = np.argsort(at, kind="stable")
    emp, acc, at, opp, inq, preset, is_gamed, g_ip, g_dev, size_role, handed = (
        emp[order],
        acc[order],
        at[order],
        opp[order],
        inq[order],
        preset[order],
        is_gamed[order],
        g_ip[order],
        g_dev[order],
        size_role[order],
        handed[order],
    )
    n = len(emp)
    day = at // DAY
    role = people.role_on(emp, day)
    size_role = np.where(size_role >= 0, size_role, role)
    q = people.quality[emp]
    cur = book.currency[acc]
    eur = (
        ORDER_SIZE_EUR[size_role]
        * TIER_FACTOR[book.tier[acc]]
        * np.sqrt(people.productivity[emp])
        * np.exp(rng.normal(0.0, 0.9, n))
    )
    eur = np.where(is_gamed, eur * 0.3, eur)
    amount = np.where(np.isnan(preset), eur * UNITS_PER_EUR[cur], preset)
    amount = np.round(np.maximum(amount, 5.0), 2)
    margin = np.clip(rng.normal(0.25, 0.08, n), -0.08, 0.6)
    cost = np.round(amount * (1.0 - margin), 2)
    cost = np.where(rng.random(n) < 0.01, np.nan, cost)
    # Entry usually follows receipt within hours; ~2-3% take more than a day.
    entered = at + np.where(
        is_gamed, rng.integers(60, 600, n), lognormal_delay(rng, 1.5 * HOUR, 1.4, n, q)
    )
    age = tl.hi - day
    status = np.where(
        rng.random(n) < 0.06, 2, np.where(rng.random(n) < np.where(age > 10, 0.9, 0.3), 1, 0)
    )
    status = np.where(is_gamed, 0, status)
    errors = rng.poisson(np.where(role == BA, 0.004, 0.006) * np.exp(-0.5 * q))
    partner = np.where(
        (role == CD) & (rng.random(n) < 0.65), _partner_of(rng, partners, emp, day), -1
    )
    ip = np.where(
        rng.random(n) < 0.85, book.ip[acc], rng.integers(16_777_216, 3_758_096_383, n)
    ).astype(np.int64)
    device = np.where(
        rng.random(n) < 0.8, book.device[acc], rng.integers(0, 2**63, n, dtype=np.uint64)
    )
    ip = np.where(is_gamed, g_ip, ip)
    device = np.where(is_gamed, g_dev, device)
    not_entered = entered >= tl.end_ts
    last = np.where(not_entered, at, entered)
    updated = np.minimum(
        last + np.where(status == 1, rng.integers(DAY, 8 * DAY, n), rng.integers(0, 6 * HOUR, n)),
        tl.end_ts - 1,
    )
    order_ids = seq_ids("ORD-", n, 8)
    columns = {
        "order_id": order_ids,
        "account_id": book.ids.take(pa.array(acc)),
        "employee_id": people.ids.take(pa.array(emp)),
        "opportunity_id": with_nulls(ids("O-", opp + 1, 7), opp < 0),
        "inquiry_id": with_nulls(ids("Q-", inq + 1, 7), inq < 0),
        "partner_id": with_nulls(_partner_ids(partners, partner), partner < 0),
        "order_date": dates(day),
        "received_at": stamps(at),
        "entered_at": stamps(np.where(not_entered, 0, entered), not_entered),
        "amount": floats(amount),
        "cost_amount": floats(np.nan_to_num(cost), np.isnan(cost)),
        "currency": words(CURRENCIES, cur),
        "status": words(STATUSES, status),
        "entry_error_count": ints(errors),
        "client_ip": _ip_text(ip),
        "device_id": hex_text(device, 16),
        "updated_at": stamps(np.maximum(updated, at)),
    }
    return Orders(order_ids, emp, acc, day, amount, cost, cur, status, gamed, handed), columns


def _partner_ids(partners: Partners, partner: np.ndarray) -> pa.Array:
    if len(partners.emp) == 0:
        return pa.nulls(len(partner), pa.string())
    return partners.ids.take(pa.array(np.maximum(partner, 0)))
