"""The company calendar: 8 fiscal quarters ending at as_of, with seasonal day weights.

Times are plain integers (epoch days, epoch seconds) so whole tables are drawn with numpy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

DAY = 86_400
HOUR = 3_600
EPOCH = date(1970, 1, 1)
NO_DAY = 10**9  # "no date" sentinel for day arrays (e.g. not terminated)
# Demand by calendar quarter: Q4 is the strong season, Q1 the weak one.
QUARTER_FACTOR = np.array([0.85, 1.0, 0.95, 1.35])
WEEKDAY_FACTOR = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 0.25, 0.1])  # Monday .. Sunday


def to_day(d: date) -> int:
    return (d - EPOCH).days


def to_date(day: int) -> date:
    return EPOCH + timedelta(days=int(day))


@dataclass(frozen=True)
class Quarter:
    label: str  # fiscal quarter on calendar years, e.g. 2026-Q3
    lo: int  # first epoch day
    hi: int  # exclusive end, clipped to the day after as_of
    season: float


@dataclass(frozen=True)
class Timeline:
    as_of: date
    lo: int  # first day of the window
    hi: int  # exclusive: the day after as_of
    quarters: tuple[Quarter, ...]
    month_lo: np.ndarray  # first day of each month in the window
    month_hi: np.ndarray  # exclusive month ends, clipped to hi
    cum: np.ndarray  # cum[i] = summed weight of days lo .. lo+i-1 (mean day weight is 1)

    @classmethod
    def build(cls, as_of: date, n_quarters: int = 8) -> Timeline:
        quarters = []
        year, q = as_of.year, (as_of.month - 1) // 3
        for _ in range(n_quarters):
            start = date(year, 3 * q + 1, 1)
            nxt = date(year + 1, 1, 1) if q == 3 else date(year, 3 * q + 4, 1)
            hi = min(to_day(nxt), to_day(as_of) + 1)
            quarters.append(Quarter(f"{year}-Q{q + 1}", to_day(start), hi, QUARTER_FACTOR[q]))
            year, q = (year, q - 1) if q else (year - 1, 3)
        quarters.reverse()
        lo, hi = quarters[0].lo, quarters[-1].hi
        days = np.arange(lo, hi)
        d64 = days.astype("datetime64[D]")
        month = d64.astype("datetime64[M]")
        weight = QUARTER_FACTOR[month.astype(int) % 12 // 3] * WEEKDAY_FACTOR[(days + 3) % 7]
        weight /= weight.mean()
        month_lo = np.unique(month).astype("datetime64[D]").astype(np.int64)
        month_hi = np.minimum(np.append(month_lo[1:], hi), hi)
        cum = np.concatenate([[0.0], np.cumsum(weight)])
        return cls(as_of, lo, hi, tuple(quarters), month_lo, month_hi, cum)

    @property
    def end_ts(self) -> int:
        """First second after as_of: nothing real may happen at or after it."""
        return self.hi * DAY

    def weight(self, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        """Seasonal weight of day ranges [lo, hi): the expected-event multiplier in days."""
        lo = np.clip(lo, self.lo, self.hi) - self.lo
        hi = np.clip(hi, self.lo, self.hi) - self.lo
        return np.maximum(self.cum[hi] - self.cum[lo], 0.0)

    def sample_days(self, rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        """One seasonal random day in each range [lo, hi) (ranges inside the window)."""
        a = self.cum[lo - self.lo]
        b = self.cum[hi - self.lo]
        u = a + rng.random(len(a)) * (b - a)
        idx = np.searchsorted(self.cum, u, side="right") - 1
        return np.clip(idx + self.lo, lo, hi - 1)

    def clock(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Seconds into the day, around office hours."""
        hours = np.clip(rng.normal(13.0, 2.6, n), 7.0, 20.5)
        return (hours * HOUR).astype(np.int64)

    def stamp(self, rng: np.random.Generator, days: np.ndarray) -> np.ndarray:
        return days * DAY + self.clock(rng, len(days))

    def quarter_of(self, days: np.ndarray) -> np.ndarray:
        starts = np.array([q.lo for q in self.quarters])
        return np.clip(np.searchsorted(starts, days, side="right") - 1, 0, len(starts) - 1)

    def month_of(self, days: np.ndarray) -> np.ndarray:
        return np.clip(np.searchsorted(self.month_lo, days, side="right") - 1, 0, None)


def expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(parent, k) pairs for k in range(counts[parent]): the vectorised nested loop."""
    counts = np.asarray(counts, dtype=np.int64)
    parent = np.repeat(np.arange(len(counts)), counts)
    starts = np.cumsum(counts) - counts
    return parent, np.arange(len(parent)) - starts[parent]


def in_ranges(lo: np.ndarray, hi: np.ndarray, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(range index, point) for every sorted calendar point inside each range [lo, hi)."""
    first = np.searchsorted(points, lo, side="left")
    last = np.searchsorted(points, hi, side="left")
    parent, k = expand(np.maximum(last - first, 0))
    return parent, points[first[parent] + k]
