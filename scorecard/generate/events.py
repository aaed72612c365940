"""Poisson event streams per employee role segment: the engine behind every activity table."""

from __future__ import annotations

import numpy as np

from scorecard.generate.people import People
from scorecard.generate.timeline import Timeline

DAYS_PER_MONTH = 365.25 / 12


def by_role(per_role: dict[int, float], default: float = 0.0) -> np.ndarray:
    out = np.full(8, default, dtype=np.float64)
    for role, value in per_role.items():
        out[role] = value
    return out


def segment_events(
    rng: np.random.Generator,
    tl: Timeline,
    people: People,
    per_month: dict[int, float],
    weight: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(employee, role, day) of events drawn at per-role monthly rates with seasonality.

    Rates apply while the employee holds the role, so a mid-quarter role change switches
    the mix of work on the change day. `weight` scales rates per employee (productivity).
    """
    rate = by_role(per_month) / DAYS_PER_MONTH
    lam = rate[people.seg_role] * tl.weight(people.seg_lo, people.seg_hi)
    if weight is not None:
        lam = lam * weight[people.seg_emp]
    seg = np.repeat(np.arange(len(lam)), rng.poisson(lam))
    days = tl.sample_days(rng, people.seg_lo[seg], people.seg_hi[seg])
    return people.seg_emp[seg], people.seg_role[seg], days


def lognormal_delay(
    rng: np.random.Generator,
    median_seconds: float,
    sigma: float,
    n: int,
    quality: np.ndarray | None = None,
) -> np.ndarray:
    """Response-type delays in seconds; better employees are faster."""
    mu = np.log(median_seconds) - (0.25 * quality if quality is not None else 0.0)
    return np.exp(rng.normal(mu, sigma, n)).astype(np.int64)
