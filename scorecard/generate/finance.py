"""Finance: invoices and credit notes, collections, FX rates, agents' stock, report deadlines."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from scorecard.generate.columns import Columns, bools, dates, floats, seq_ids, stamps, words
from scorecard.generate.customers import CURRENCIES, AccountBook
from scorecard.generate.events import lognormal_delay
from scorecard.generate.orders import Orders
from scorecard.generate.people import AM, BA, CD, DIR, KAM, NCD, REP, SCA, People
from scorecard.generate.timeline import DAY, HOUR, Timeline, in_ranges

REPORT_TYPES = ("weekly_sales", "monthly_forecast", "expense", "pipeline_review")
# (role, report type, weekly?) obligations; monthly reports fall due on the 5th.
REPORT_DUTIES = (
    *((r, 0, True) for r in (REP, NCD, BA, SCA)),
    *((r, 1, False) for r in (DIR, AM, KAM)),
    *((r, 2, False) for r in (REP, AM, KAM, NCD, CD, DIR)),
    *((r, 3, False) for r in (DIR, CD)),
)


def build_invoices(
    rng: np.random.Generator, tl: Timeline, orders: Orders, book: AccountBook, people: People
) -> tuple[Columns, dict[str, np.ndarray]]:
    """One invoice per confirmed/shipped order once issued, plus a few credit notes."""
    billable = orders.status != 2
    inv_day = orders.day + rng.integers(0, 5, len(orders.day))
    pick = np.flatnonzero(billable & (inv_day < tl.hi) & (rng.random(len(inv_day)) < 0.99))
    day, amount, cost = inv_day[pick], orders.amount[pick], orders.cost[pick]
    # Credit notes: a partial or full refund some weeks later.
    credit_day = day + rng.integers(5, 61, len(pick))
    refund = np.flatnonzero((rng.random(len(pick)) < 0.015) & (credit_day < tl.hi))
    share = np.round(rng.choice([0.1, 0.25, 0.5, 1.0], len(refund)), 2)
    src = np.concatenate([pick, pick[refund]])
    day = np.concatenate([day, credit_day[refund]])
    is_credit = np.concatenate([np.zeros(len(pick), bool), np.ones(len(refund), bool)])
    amount = np.concatenate([amount, -np.round(amount[refund] * share, 2)])
    cost = np.concatenate([cost, -np.round(cost[refund] * share, 2)])
    order = np.argsort(day, kind="stable")
    src, day, is_credit, amount, cost = (
        src[order],
        day[order],
        is_credit[order],
        amount[order],
        cost[order],
    )
    n = len(src)
    acc, emp, cur = orders.acc[src], orders.emp[src], orders.currency[src]
    ids = seq_ids("INV-", n, 8)
    columns = {
        "invoice_id": ids,
        "order_id": orders.ids.take(pa.array(src)),
        "account_id": book.ids.take(pa.array(acc)),
        "employee_id": people.ids.take(pa.array(emp)),
        "invoice_date": dates(day),
        "due_date": dates(day + 30),
        "is_credit_note": bools(is_credit),
        "amount": floats(amount),
        "cost_of_sales": floats(np.nan_to_num(cost), np.isnan(cost)),
        "currency": words(CURRENCIES, cur),
    }
    facts = {
        "day": day,
        "amount": amount,
        "currency": cur,
        "acc": acc,
        "emp": emp,
        "credit": is_credit,
    }
    return columns, facts


def build_payments(
    rng: np.random.Generator,
    tl: Timeline,
    invoices: dict[str, np.ndarray],
    book: AccountBook,
    invoice_ids: pa.Array,
) -> Columns:
    """Most invoices paid in full around the due date; some late, partial or unpaid."""
    inv = np.flatnonzero(~invoices["credit"])
    day, cents = invoices["day"][inv], np.round(invoices["amount"][inv] * 100).astype(np.int64)
    due = day + 30
    slow = book.slow_payer[invoices["acc"][inv]]
    p_late = np.where(slow, 0.35, 0.08)
    u = rng.random(len(inv))
    outcome = np.where(u < 0.04, 3, np.where(u < 0.09, 2, np.where(u < 0.09 + p_late, 1, 0)))
    on_time = np.maximum(due - rng.integers(0, 21, len(inv)), day + 1)
    late = due + 1 + rng.exponential(20.0, len(inv)).astype(np.int64)
    first_day = np.where(outcome == 1, late, on_time)
    first_cents = np.where(
        outcome == 2, (cents * rng.uniform(0.3, 0.8, len(inv))).astype(np.int64), cents
    )
    second = (outcome == 2) & (rng.random(len(inv)) < 0.7)
    pay_inv = np.concatenate([inv[outcome != 3], inv[second]])
    pay_day = np.concatenate([first_day[outcome != 3], late[second] + 10])
    pay_cents = np.concatenate([first_cents[outcome != 3], (cents - first_cents)[second]])
    keep = (pay_day < tl.hi) & (pay_cents > 0)
    pay_inv, pay_day, pay_cents = pay_inv[keep], pay_day[keep], pay_cents[keep]
    order = np.argsort(pay_day, kind="stable")
    pay_inv, pay_day, pay_cents = pay_inv[order], pay_day[order], pay_cents[order]
    return {
        "payment_id": seq_ids("PAY-", len(pay_inv), 8),
        "invoice_id": invoice_ids.take(pa.array(pay_inv)),
        "payment_date": dates(pay_day),
        "amount": floats(pay_cents / 100.0),
        "currency": words(CURRENCIES, invoices["currency"][pay_inv]),
    }


def build_fx_rates(rng: np.random.Generator, tl: Timeline) -> Columns:
    """Daily rates into EUR with a gentle random walk."""
    days = np.arange(tl.lo, tl.hi)
    n = len(days)
    usd = 0.92 * np.exp(np.cumsum(rng.normal(0.0, 0.004, n)))
    gbp = 1.17 * np.exp(np.cumsum(rng.normal(0.0, 0.003, n)))
    rate = np.column_stack([np.ones(n), usd, gbp]).ravel()
    return {
        "rate_date": dates(np.repeat(days, 3)),
        "currency": words(CURRENCIES, np.tile(np.arange(3), n)),
        "rate_to_reporting": floats(np.round(rate, 8)),
    }


def build_inventory(
    rng: np.random.Generator, tl: Timeline, people: People, orders: Orders
) -> Columns:
    """Month-end stock of social-commerce agents, ~3 months of their cost of sales."""
    agent = people.seg_role == SCA
    month_end = tl.month_hi[tl.month_hi <= tl.hi] - 1
    seg, day = in_ranges(people.seg_lo[agent], people.seg_hi[agent], month_end)
    emp = people.seg_emp[agent][seg]
    ok = orders.status != 2
    n_months = len(tl.month_lo)
    cost = np.where(np.isnan(orders.cost), orders.amount * 0.75, orders.cost)
    monthly = np.bincount(
        orders.emp[ok] * n_months + tl.month_of(orders.day[ok]),
        weights=cost[ok],
        minlength=people.n * n_months,
    )
    base = np.maximum(monthly[emp * n_months + tl.month_of(day)], 1500.0)
    value = np.round(base * rng.uniform(1.5, 4.5, len(emp)), 2)
    order = np.lexsort((day, emp))
    return {
        "employee_id": people.ids.take(pa.array(emp[order])),
        "snapshot_date": dates(day[order]),
        "inventory_value": floats(value[order]),
        "currency": words(CURRENCIES, np.zeros(len(emp), np.int64)),
    }


def build_reports(rng: np.random.Generator, tl: Timeline, people: People) -> Columns:
    """Weekly and monthly report obligations; most submitted before the deadline."""
    days = np.arange(tl.lo, tl.hi)
    mondays = days[(days + 3) % 7 == 0]
    fifths = tl.month_lo + 4
    parts = []
    for role, kind, weekly in REPORT_DUTIES:
        seg = people.seg_role == role
        idx, day = in_ranges(people.seg_lo[seg], people.seg_hi[seg], mondays if weekly else fifths)
        hour = 12 if weekly else 17
        parts.append((people.seg_emp[seg][idx], np.full(len(idx), kind), day * DAY + hour * HOUR))
    emp = np.concatenate([p[0] for p in parts])
    kind = np.concatenate([p[1] for p in parts])
    due = np.concatenate([p[2] for p in parts])
    order = np.lexsort((emp, due))
    emp, kind, due = emp[order], kind[order], due[order]
    n = len(emp)
    q = people.quality[emp]
    u = rng.random(n)
    p_on_time = np.clip(0.88 + 0.04 * q, 0.6, 0.99)
    early = due - lognormal_delay(rng, 6 * HOUR, 1.0, n)
    late = due + rng.exponential(30 * HOUR, n).astype(np.int64) + 60
    submitted = np.where(u < p_on_time, early, late)
    missing = (u > 0.97) | (submitted >= tl.end_ts)
    return {
        "submission_id": seq_ids("RS-", n, 7),
        "employee_id": people.ids.take(pa.array(emp)),
        "report_type": words(REPORT_TYPES, kind),
        "due_at": stamps(due),
        "submitted_at": stamps(np.where(missing, 0, submitted), missing),
    }
