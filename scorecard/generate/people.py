"""HR master data: headcount, teams, hires, leavers, mid-quarter role changes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from scorecard.generate import names
from scorecard.generate.columns import Columns, concat, dates, ids, seq_ids, stamps, words
from scorecard.generate.timeline import DAY, NO_DAY, Timeline

ROLES = (
    "sales_rep",
    "account_manager",
    "sales_director",
    "new_customer_developer",
    "key_account_manager",
    "channel_developer",
    "business_assistant",
    "social_commerce_agent",
)
REP, AM, DIR, NCD, KAM, CD, BA, SCA = range(len(ROLES))
REGIONS = ("north", "south", "east", "west", "central")
# Headcount mix below director level; directors are ~5% (each leads 2-3 teams of ~8).
ROLE_SHARE = {REP: 0.28, BA: 0.18, AM: 0.14, SCA: 0.13, NCD: 0.10, KAM: 0.09, CD: 0.08}
# Where people move when they change role.
NEXT_ROLE = {
    REP: (AM, NCD, KAM),
    AM: (KAM, REP),
    NCD: (REP, AM),
    KAM: (AM,),
    CD: (REP, NCD),
    BA: (REP, SCA),
    SCA: (REP, BA),
}
EMPLOYEE_ID_WIDTH = 5


def head_of_sales_ids(region: np.ndarray) -> pa.Array:
    """Directors report to a regional head of sales who is not a scored employee."""
    return ids("E-HEAD-", region + 1, 2)


@dataclass
class People:
    ids: pa.Array
    role: np.ndarray  # role of the first assignment in the window
    new_role: np.ndarray  # role after a mid-quarter change, -1 if none
    change_day: np.ndarray  # first day in the new role, NO_DAY if none
    level: np.ndarray
    team: np.ndarray
    hire: np.ndarray
    term: np.ndarray  # last working day, NO_DAY while employed
    inactive: np.ndarray  # on the books but without any activity
    productivity: np.ndarray  # Pareto-skewed volume multiplier, mean 1
    quality: np.ndarray  # standard-normal work quality: errors, delays, survey scores
    team_director: np.ndarray  # employee index of each team's director
    team_region: np.ndarray
    seg_emp: np.ndarray  # active role segments clipped to the window: employee ...
    seg_role: np.ndarray  # ... the role held ...
    seg_lo: np.ndarray  # ... from this day ...
    seg_hi: np.ndarray  # ... to this exclusive day
    assignments: Columns
    employees: Columns

    @property
    def n(self) -> int:
        return len(self.role)

    @property
    def current_role(self) -> np.ndarray:
        return np.where(self.new_role >= 0, self.new_role, self.role)

    @property
    def region(self) -> np.ndarray:
        return self.team_region[self.team]

    def role_on(self, emp: np.ndarray, day: np.ndarray) -> np.ndarray:
        return np.where(day >= self.change_day[emp], self.new_role[emp], self.role[emp])

    def employed(self, tl: Timeline) -> tuple[np.ndarray, np.ndarray]:
        """Employment clipped to the window as [lo, hi) days."""
        lo = np.maximum(self.hire, tl.lo)
        hi = np.minimum(np.where(self.term < NO_DAY, self.term + 1, tl.hi), tl.hi)
        return lo, hi

    def manager_ids(self) -> pa.Array:
        is_dir = self.role == DIR
        director = self.ids.take(pa.array(self.team_director[self.team]))
        heads = head_of_sales_ids(self.region)
        return pa.array(np.where(is_dir, heads.to_numpy(False), director.to_numpy(False)))

    def is_stable(self, tl: Timeline) -> np.ndarray:
        """Employed for the whole window in one role and active: safe to plant patterns on."""
        return (~self.inactive) & (self.hire < tl.lo) & (self.term == NO_DAY) & (self.new_role < 0)


def _pick(rng: np.random.Generator, pool: np.ndarray, k: int) -> np.ndarray:
    return rng.choice(pool, size=min(k, len(pool)), replace=False) if len(pool) else pool


def build_people(rng: np.random.Generator, tl: Timeline, scale: float) -> People:
    n = max(40, round(1000 * scale))
    n_dir = max(2, round(0.05 * n))
    n_rest = n - n_dir
    n_teams = max(n_dir, round(n_rest / 8))
    counts = {r: max(1, int(share * n_rest)) for r, share in ROLE_SHARE.items()}
    counts[REP] += n_rest - sum(counts.values())
    rest_roles = rng.permutation(np.repeat(list(counts), list(counts.values())))
    role = np.concatenate([np.full(n_dir, DIR), rest_roles])
    # Director d leads teams d, d + n_dir, ...; its own team is team d.
    team = np.concatenate([np.arange(n_dir), rng.permutation(n_rest) % n_teams])
    team_slot = np.arange(n_teams) % n_dir
    level = rng.choice(np.arange(1, 6), size=n, p=[0.3, 0.3, 0.2, 0.15, 0.05])
    level[:n_dir] = rng.integers(3, 6, n_dir)

    hire = tl.lo - rng.integers(60, 12 * 365, n)
    term = np.full(n, NO_DAY, dtype=np.int64)
    new_role = np.full(n, -1, dtype=np.int64)
    change_day = np.full(n, NO_DAY, dtype=np.int64)
    inactive = np.zeros(n, dtype=bool)
    free = np.arange(n_dir, n)

    hires = _pick(rng, free, max(1, round(0.11 * n_rest)))
    hire[hires] = rng.integers(tl.lo, tl.hi - 45, len(hires))
    free = np.setdiff1d(free, hires)
    leavers = _pick(rng, free, max(1, round(0.07 * n_rest)))
    term[leavers] = rng.integers(tl.lo + 45, tl.hi - 1, len(leavers))
    free = np.setdiff1d(free, leavers)
    changers = _pick(rng, free, max(1, round(0.05 * n)))
    # A change lands 15-75 days into a quarter that still has room for it before as_of.
    q_lo = np.array([q.lo for q in tl.quarters if q.lo + 90 < tl.hi])
    change_day[changers] = rng.choice(q_lo, len(changers)) + rng.integers(15, 76, len(changers))
    for i in changers:
        new_role[i] = rng.choice(NEXT_ROLE[role[i]])
    free = np.setdiff1d(free, changers)
    inactive[_pick(rng, free, max(1, round(0.03 * n)))] = True

    # Employee numbers follow hire order, as an HR system would hand them out.
    order = np.argsort(hire, kind="stable")
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    role, team, level, hire, term = role[order], team[order], level[order], hire[order], term[order]
    new_role, change_day, inactive = new_role[order], change_day[order], inactive[order]
    team_director = rank[team_slot]
    team_region = team_slot % len(REGIONS)

    productivity = 1.0 + rng.pareto(2.5, n)
    productivity /= productivity.mean()
    people = People(
        ids=seq_ids("E-", n, EMPLOYEE_ID_WIDTH),
        role=role,
        new_role=new_role,
        change_day=change_day,
        level=level,
        team=team,
        hire=hire,
        term=term,
        inactive=inactive,
        productivity=productivity,
        quality=rng.normal(0.0, 1.0, n),
        team_director=team_director,
        team_region=team_region,
        seg_emp=np.empty(0, np.int64),
        seg_role=np.empty(0, np.int64),
        seg_lo=np.empty(0, np.int64),
        seg_hi=np.empty(0, np.int64),
        assignments={},
        employees={},
    )
    _assignments(people, tl)
    people.employees = _employees(rng, people, tl)
    return people


def _assignments(p: People, tl: Timeline) -> None:
    changed = np.flatnonzero(p.new_role >= 0)
    emp = np.concatenate([np.arange(p.n), changed])
    role = np.concatenate([p.role, p.new_role[changed]])
    valid_from = np.concatenate([p.hire, p.change_day[changed]])
    first_end = np.where(p.new_role >= 0, p.change_day - 1, p.term)
    valid_to = np.concatenate([first_end, p.term[changed]])
    order = np.lexsort((valid_from, emp))
    emp, role, valid_from, valid_to = emp[order], role[order], valid_from[order], valid_to[order]
    open_ended = valid_to >= NO_DAY
    team = p.team[emp]
    p.assignments = {
        "assignment_id": seq_ids("RA-", len(emp), 6),
        "employee_id": p.ids.take(pa.array(emp)),
        "role_code": words(ROLES, role),
        "role_level": pa.array(p.level[emp]),
        "team_id": ids("T-", team + 1, 3),
        "manager_id": p.manager_ids().take(pa.array(emp)),
        "region": words(REGIONS, p.team_region[team]),
        "valid_from": dates(valid_from),
        "valid_to": dates(np.where(open_ended, 0, valid_to), open_ended),
    }
    lo = np.maximum(valid_from, tl.lo)
    hi = np.minimum(np.where(open_ended, tl.hi, valid_to + 1), tl.hi)
    keep = (hi > lo) & ~p.inactive[emp]
    p.seg_emp, p.seg_role, p.seg_lo, p.seg_hi = emp[keep], role[keep], lo[keep], hi[keep]


def _employees(rng: np.random.Generator, p: People, tl: Timeline) -> Columns:
    first = rng.integers(0, len(names.FIRST_NAMES), p.n)
    last = rng.integers(0, len(names.LAST_NAMES), p.n)
    # The record last changed with the latest HR event, or at some review in the window.
    last_event = np.maximum.reduce(
        [
            p.hire,
            np.where(p.change_day < NO_DAY, p.change_day, 0),
            np.where(p.term < NO_DAY, p.term, 0),
        ]
    )
    quiet = last_event < tl.lo
    day = np.where(quiet, rng.integers(tl.lo, tl.hi, p.n), np.minimum(last_event, tl.hi - 1))
    updated = np.minimum(day * DAY + rng.integers(8 * 3600, 19 * 3600, p.n), tl.end_ts - 1)
    terminated = p.term < NO_DAY
    return {
        "employee_id": p.ids,
        "full_name": concat(words(names.FIRST_NAMES, first), " ", words(names.LAST_NAMES, last)),
        "hire_date": dates(p.hire),
        "termination_date": dates(np.where(terminated, p.term, 0), ~terminated),
        "updated_at": stamps(updated),
    }
