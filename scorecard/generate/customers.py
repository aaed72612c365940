"""CRM customers (accounts), who owns them, and profile-change events."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from scorecard.generate import names
from scorecard.generate.columns import (
    Columns,
    bools,
    concat,
    dates,
    number_text,
    seq_ids,
    stamps,
    with_nulls,
    words,
)
from scorecard.generate.people import AM, BA, CD, DIR, KAM, NCD, REGIONS, REP, SCA, People
from scorecard.generate.timeline import DAY, NO_DAY, Timeline

CURRENCIES = ("EUR", "USD", "GBP")
CURRENCY_P = (0.70, 0.18, 0.12)
# Units of order currency per EUR, roughly; finance's FX table walks around the inverse.
UNITS_PER_EUR = np.array([1.0, 1.087, 0.855])
ACCOUNTS_PER_ROLE = np.zeros(8)
for _role, _count in {REP: 25, AM: 35, DIR: 6, NCD: 20, KAM: 10, CD: 8, SCA: 40}.items():
    ACCOUNTS_PER_ROLE[_role] = _count
# Share of an owner's accounts won during the window (new customers): about
# NEW_CUSTOMERS_PER_QUARTER of plans.py a quarter over the 8 quarters, the rate the HR
# targets assume (a rep: 25 accounts x 0.32 = 8, so 1 a quarter). A won account orders
# when it is won (orders.FIRST_ORDER_DAYS), so it counts as new in that quarter. A rep's
# 1 a quarter is also the role default's base (3 is its stretch line); 3 a quarter would
# be 24 new accounts in two years on about 17 old ones, in a book that loses no customer.
NEW_SHARE = np.array([0.32, 0.08, 0.05, 0.8, 0.05, 0.2, 0.0, 0.6])
SPAN = 1 << 24  # key stride: groups of accounts ordered by creation day


@dataclass
class AccountBook:
    """Accounts plus pools to pick "an account this employee could sell to on that day"."""

    ids: pa.Array
    owner: np.ndarray  # employee who worked the account (orders come from them)
    current_owner: np.ndarray  # owner today: leavers' accounts went to the team's director
    team: np.ndarray
    created: np.ndarray  # epoch day
    tier: np.ndarray  # 0=A, 1=B, 2=C
    strategic: np.ndarray
    currency: np.ndarray  # index into CURRENCIES
    ip: np.ndarray  # usual client IP (uint32) of the customer
    device: np.ndarray  # usual device fingerprint
    slow_payer: np.ndarray  # payment behaviour
    emp_team: np.ndarray  # team of each employee: the pool of those owning no accounts
    group_of_emp: np.ndarray  # owner pool per employee, -1 when they own none
    group_start: np.ndarray
    owner_key: np.ndarray
    team_order: np.ndarray
    team_start: np.ndarray
    team_key: np.ndarray
    base_day: int

    @property
    def n(self) -> int:
        return len(self.owner)

    def pick(
        self, rng: np.random.Generator, emp: np.ndarray, day: np.ndarray, skew: float = 1.6
    ) -> np.ndarray:
        """An account of the employee's book (or team's, for assistants) existing on that day.

        skew > 1 favours the oldest accounts: customer revenue is concentrated. -1 if none.
        """
        g = self.group_of_emp[emp]
        own = g >= 0
        rel = day - self.base_day
        t = self.emp_team[emp]
        start = np.where(own, self.group_start[np.maximum(g, 0)], self.team_start[t])
        stop = np.where(
            own,
            np.searchsorted(self.owner_key, np.maximum(g, 0) * SPAN + rel, side="right"),
            np.searchsorted(self.team_key, t * SPAN + rel, side="right"),
        )
        k = stop - start
        pos = start + np.floor(k * rng.random(len(emp)) ** skew).astype(np.int64)
        pos = np.minimum(pos, np.maximum(stop - 1, 0))
        acc = np.where(own, pos, self.team_order[np.minimum(pos, self.n - 1)])
        return np.where(k > 0, acc, -1)


def build_accounts(
    rng: np.random.Generator, tl: Timeline, people: People
) -> tuple[AccountBook, Columns]:
    role = people.current_role
    counts = np.where(people.inactive, 2, rng.poisson(ACCOUNTS_PER_ROLE[role]))
    counts = np.where(ACCOUNTS_PER_ROLE[role] > 0, np.maximum(counts, 1), 0)
    by_team = np.argsort(people.team, kind="stable")
    owner = np.repeat(by_team, counts[by_team])
    n = len(owner)
    group = np.repeat(np.arange(len(by_team)), counts[by_team])
    orole = role[owner]

    lo = np.maximum(people.hire[owner], tl.lo)
    hi = np.minimum(np.where(people.term[owner] < NO_DAY, people.term[owner], tl.hi - 1), tl.hi - 1)
    is_new = (rng.random(n) < NEW_SHARE[orole]) & (hi > lo)
    created = np.where(
        is_new,
        lo + np.floor(rng.random(n) * (hi - lo)).astype(np.int64),
        tl.lo - rng.integers(1, 8 * 365, n),
    )
    order = np.lexsort((created, group))  # within an owner, oldest first
    owner, group, created, orole = owner[order], group[order], created[order], orole[order]

    tier = np.where(
        orole == KAM,
        rng.choice(3, n, p=[0.85, 0.15, 0.0]),
        np.where(
            orole == DIR,
            rng.choice(3, n, p=[0.6, 0.4, 0.0]),
            np.where(
                orole == SCA,
                rng.choice(3, n, p=[0.0, 0.1, 0.9]),
                rng.choice(3, n, p=[0.05, 0.3, 0.65]),
            ),
        ),
    )
    strategic = (orole == DIR) | (rng.random(n) < np.array([0.6, 0.2, 0.02])[tier])
    leaver = people.term[owner] < NO_DAY
    current_owner = np.where(leaver, people.team_director[people.team[owner]], owner)
    team = people.team[owner]

    group_of_emp = np.full(people.n, -1, dtype=np.int64)
    group_of_emp[by_team[counts[by_team] > 0]] = np.flatnonzero(counts[by_team] > 0)
    group_start = np.concatenate([[0], np.cumsum(counts[by_team])])[:-1]
    base_day = int(created.min()) - 1
    team_order = np.lexsort((created, team))
    team_key = team[team_order] * SPAN + (created[team_order] - base_day)
    n_teams = len(people.team_director)
    book = AccountBook(
        ids=seq_ids("A-", n, 6),
        owner=owner,
        current_owner=current_owner,
        team=team,
        created=created,
        tier=tier,
        strategic=strategic,
        currency=rng.choice(3, n, p=CURRENCY_P),
        ip=rng.integers(16_777_216, 3_758_096_383, n, dtype=np.uint32),
        device=rng.integers(0, 2**63, n, dtype=np.uint64),
        slow_payer=rng.random(n) < 0.12,
        emp_team=people.team,
        group_of_emp=group_of_emp,
        group_start=group_start,
        owner_key=group * SPAN + (created - base_day),
        team_order=team_order,
        team_start=np.searchsorted(team_key, np.arange(n_teams) * SPAN),
        team_key=team_key,
        base_day=base_day,
    )
    return book, _account_columns(rng, tl, people, book, orole)


def _account_columns(
    rng: np.random.Generator, tl: Timeline, people: People, book: AccountBook, orole: np.ndarray
) -> Columns:
    n = book.n
    prefix = rng.integers(0, len(names.COMPANY_PREFIXES), n)
    core = rng.integers(0, len(names.COMPANY_CORES), n)
    form = rng.integers(0, len(names.LEGAL_FORMS), n)
    founder = rng.integers(0, len(names.LAST_NAMES), n)
    first = rng.integers(0, len(names.FIRST_NAMES), n)
    last = rng.integers(0, len(names.LAST_NAMES), n)
    # A third of the companies carry a family name: "Krüger Technik GmbH".
    lead = np.where(rng.random(n) < 0.33, 1, 0)
    name = concat(
        pa.array(
            np.where(
                lead,
                words(names.LAST_NAMES, founder).to_numpy(False),
                words(names.COMPANY_PREFIXES, prefix).to_numpy(False),
            )
        ),
        " ",
        words(names.COMPANY_CORES, core),
        " ",
        words([f[0] for f in names.LEGAL_FORMS], form),
    )
    domain = concat(
        pa.array(
            np.where(
                lead,
                words([names.slug(x) for x in names.LAST_NAMES], founder).to_numpy(False),
                words([names.slug(x) for x in names.COMPANY_PREFIXES], prefix).to_numpy(False),
            )
        ),
        "-",
        words([names.slug(x) for x in names.COMPANY_CORES], core),
        ".",
        words([f[1] for f in names.LEGAL_FORMS], form),
    )
    email = concat(
        words([names.slug(x) for x in names.FIRST_NAMES], first),
        ".",
        words([names.slug(x) for x in names.LAST_NAMES], last),
        "@",
        domain,
    )
    phone = concat(
        words([f[2] for f in names.LEGAL_FORMS], form),
        " ",
        number_text(rng.integers(20, 99, n)),
        " ",
        number_text(rng.integers(0, 10**7, n), 7),
    )
    # Agents' small customers have thinner profiles: completeness is one of their KPIs.
    gap = np.where(orole == SCA, 2.5, 1.0)
    size_p = np.array(
        [[0.0, 0.05, 0.25, 0.4, 0.3], [0.1, 0.35, 0.4, 0.12, 0.03], [0.55, 0.35, 0.09, 0.01, 0.0]]
    )
    size = (rng.random(n)[:, None] > np.cumsum(size_p[book.tier], axis=1)).sum(axis=1)
    home_region = people.team_region[book.team]
    region = np.where(rng.random(n) < 0.9, home_region, rng.integers(0, len(REGIONS), n))
    created_ts = book.created * DAY + rng.integers(8 * 3600, 18 * 3600, n)
    since = np.maximum(book.created, tl.lo)
    updated = since * DAY + (rng.random(n) * (tl.end_ts - since * DAY)).astype(np.int64)
    return {
        "account_id": book.ids,
        "account_name": name,
        "contact_email": with_nulls(email, rng.random(n) < 0.03 * gap),
        "contact_phone": with_nulls(phone, rng.random(n) < 0.10 * gap),
        "owner_employee_id": people.ids.take(pa.array(book.current_owner)),
        "tier": words(("A", "B", "C"), book.tier),
        "is_strategic": bools(book.strategic),
        "region": words(REGIONS, region, rng.random(n) < 0.02),
        "industry": words(
            names.INDUSTRIES, rng.integers(0, len(names.INDUSTRIES), n), rng.random(n) < 0.05 * gap
        ),
        "company_size": words(names.COMPANY_SIZES, np.minimum(size, 4), rng.random(n) < 0.06 * gap),
        "city": words(
            names.CITIES, rng.integers(0, len(names.CITIES), n), rng.random(n) < 0.04 * gap
        ),
        "primary_contact_role": words(
            names.CONTACT_ROLES,
            rng.integers(0, len(names.CONTACT_ROLES), n),
            rng.random(n) < 0.08 * gap,
        ),
        "has_analytics_consent": bools(rng.random(n) < 0.88),
        "created_date": dates(book.created),
        "updated_at": stamps(np.maximum(updated, created_ts)),
    }


def team_assistant(people: People) -> np.ndarray:
    """One active business assistant per team (-1 if none): they keep customer data tidy."""
    out = np.full(len(people.team_director), -1, dtype=np.int64)
    ok = (people.role == BA) & (people.new_role < 0) & ~people.inactive & (people.term == NO_DAY)
    idx = np.flatnonzero(ok)[::-1]  # reverse so the lowest index wins the assignment
    out[people.team[idx]] = idx
    return out


def build_profile_changes(
    rng: np.random.Generator,
    tl: Timeline,
    people: People,
    book: AccountBook,
    accounts: Columns,
) -> Columns:
    lo = np.maximum(book.created + 1, tl.lo)
    n_changes = rng.poisson(0.6 / 365.25 * np.maximum(tl.hi - lo, 0))
    acc = np.repeat(np.arange(book.n), n_changes)
    day = lo[acc] + np.floor(rng.random(len(acc)) * (tl.hi - lo[acc])).astype(np.int64)
    owner = book.owner[acc]
    able = (~people.inactive[owner]) & (day < people.term[owner]) & (day >= people.hire[owner])
    # Accounts of leavers and of people on leave are kept up to date by the team director.
    emp = np.where(able, owner, people.team_director[book.team[acc]])
    assistant = team_assistant(people)[book.team[acc]]
    emp = np.where((assistant >= 0) & (rng.random(len(acc)) < 0.4), assistant, emp)
    changed = tl.stamp(rng, day)
    # Most changes are keyed in within days; a tail takes longer than the 15-day norm.
    delay = np.exp(rng.normal(np.log(3 * DAY), 1.1 - 0.1 * people.quality[emp]))
    recorded = changed + delay.astype(np.int64)
    keep = recorded < tl.end_ts
    acc, emp, changed, recorded = acc[keep], emp[keep], changed[keep], recorded[keep]
    order = np.argsort(recorded, kind="stable")
    acc, emp, changed, recorded = acc[order], emp[order], changed[order], recorded[order]
    fields = rng.choice(
        len(names.PROFILE_FIELDS), len(acc), p=[0.15, 0.15, 0.15, 0.2, 0.15, 0.15, 0.05]
    )
    # The account record's updated_at must not predate its latest recorded change.
    latest = np.full(book.n, 0, dtype=np.int64)
    np.maximum.at(latest, acc, recorded)
    current = accounts["updated_at"].cast(pa.int64()).to_numpy()
    accounts["updated_at"] = stamps(np.maximum(current, latest))
    return {
        "change_id": seq_ids("PC-", len(acc), 7),
        "account_id": book.ids.take(pa.array(acc)),
        "employee_id": people.ids.take(pa.array(emp)),
        "field_name": words(names.PROFILE_FIELDS, fields),
        "changed_at": stamps(changed),
        "recorded_at": stamps(recorded),
    }
