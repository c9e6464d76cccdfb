"""Statistics of Monte Carlo outcomes: binomial intervals and Kaplan–Meier curves."""

from __future__ import annotations

import math

import numpy as np
from scipy import special


def wilson(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion."""
    if n <= 0:
        return (0.0, 1.0)
    z = float(special.ndtri(0.5 + confidence / 2))
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    low = 0.0 if successes == 0 else max(0.0, centre - half)  # exact at the edges
    high = 1.0 if successes == n else min(1.0, centre + half)
    return (low, high)


def kaplan_meier(times: np.ndarray, observed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Kaplan–Meier estimate of the event-free share.

    `times` are event or censoring times, `observed` says which are events. Returns the
    distinct event times and the survival just after each.
    """
    times = np.asarray(times, dtype=float)
    observed = np.asarray(observed, dtype=bool)
    event_times = np.unique(times[observed])
    survival = np.empty(event_times.size)
    s = 1.0
    for i, t in enumerate(event_times):
        at_risk = np.count_nonzero(times >= t)
        events = np.count_nonzero((times == t) & observed)
        s *= 1.0 - events / at_risk
        survival[i] = s
    return event_times, survival


def km_quantile(times: np.ndarray, observed: np.ndarray, q: float = 0.5) -> float | None:
    """Time by which a share `q` has had the event (None if not reached by the horizon)."""
    t, s = kaplan_meier(times, observed)
    hit = np.flatnonzero(1.0 - s >= q - 1e-12)
    return float(t[hit[0]]) if hit.size else None
