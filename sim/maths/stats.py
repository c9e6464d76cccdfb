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


def _z(confidence: float) -> float:
    return float(special.ndtri(0.5 + confidence / 2))


def km_band(
    times: np.ndarray, observed: np.ndarray, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Kaplan–Meier survival with a pointwise band on the log(-log) scale.

    Returns (event times, survival, lower, upper). The variance is Greenwood's; the
    log(-log) transform keeps the band inside [0, 1] (Kalbfleisch & Prentice).
    """
    times = np.asarray(times, dtype=float)
    observed = np.asarray(observed, dtype=bool)
    t, s = kaplan_meier(times, observed)
    z = _z(confidence)
    greenwood = 0.0
    low, high = np.empty_like(s), np.empty_like(s)
    for i, ti in enumerate(t):
        n_i = np.count_nonzero(times >= ti)
        d_i = np.count_nonzero((times == ti) & observed)
        if n_i == d_i:  # everyone still at risk has the event: the curve ends at 0
            low[i:], high[i:] = 0.0, 0.0
            break
        greenwood += d_i / (n_i * (n_i - d_i))
        se = math.sqrt(greenwood) / abs(math.log(s[i]))
        low[i] = s[i] ** math.exp(z * se)
        high[i] = s[i] ** math.exp(-z * se)
    return t, s, low, high


def paired_difference(
    x: np.ndarray, y: np.ndarray, confidence: float = 0.95
) -> tuple[float, float, float]:
    """Difference of two proportions measured on the same replicates, P(x) - P(y), with
    Newcombe's hybrid score interval for paired data (Newcombe 1998, method 10).

    The correlation term is continuity-corrected as Newcombe published it: ad - bc is
    reduced by n/2 when positive and above n/2, set to 0 between 0 and n/2, and kept when
    negative.
    """
    x, y = np.asarray(x, dtype=bool), np.asarray(y, dtype=bool)
    n = x.size
    a = int(np.count_nonzero(x & y))
    b = int(np.count_nonzero(x & ~y))
    c = int(np.count_nonzero(~x & y))
    d = n - a - b - c
    p1, p2 = (a + b) / n, (a + c) / n
    l1, u1 = wilson(a + b, n, confidence)
    l2, u2 = wilson(a + c, n, confidence)
    denom = (a + b) * (c + d) * (a + c) * (b + d)
    cross = a * d - b * c
    corrected = cross - n / 2 if cross > n / 2 else (cross if cross < 0 else 0.0)
    phi = corrected / math.sqrt(denom) if denom > 0 else 0.0
    delta = p1 - p2
    lower = delta - math.sqrt(
        max(0.0, (p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2)
    )
    upper = delta + math.sqrt(
        max(0.0, (u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2)
    )
    return delta, max(-1.0, lower), min(1.0, upper)


def independent_difference(
    k1: int, n1: int, k2: int, n2: int, confidence: float = 0.95
) -> tuple[float, float, float]:
    """P1 - P2 for independent samples, with Newcombe's hybrid score interval (method 10)."""
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson(k1, n1, confidence)
    l2, u2 = wilson(k2, n2, confidence)
    delta = p1 - p2
    return (
        delta,
        delta - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
        delta + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2),
    )
