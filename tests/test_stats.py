"""Statistics against closed forms."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.stats import kaplan_meier, km_quantile, wilson


def test_wilson_matches_the_closed_form():
    k, n, z = 30, 100, 1.959963984540054
    p = k / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    assert wilson(k, n) == pytest.approx((centre - half, centre + half), abs=1e-12)


def test_wilson_at_the_edges_stays_in_the_unit_interval():
    lo, hi = wilson(0, 50)
    assert lo == 0.0 and 0 < hi < 0.08
    lo, hi = wilson(50, 50)
    assert hi == 1.0 and 0.92 < lo < 1


def test_kaplan_meier_on_a_tiny_censored_sample():
    # times 1, 2+, 3, 3, 4+ (+ = censored). S(1) = 4/5; S(3) = 4/5 * (1 - 2/3) = 4/15.
    times = np.array([1, 2, 3, 3, 4])
    observed = np.array([True, False, True, True, False])
    t, s = kaplan_meier(times, observed)
    assert t.tolist() == [1, 3]
    assert s == pytest.approx([4 / 5, 4 / 15])
    assert km_quantile(times, observed, 0.5) == 3
    assert km_quantile(times, observed, 0.2) == 1


def test_km_median_not_reached_when_most_are_censored():
    assert km_quantile(np.array([5, 9, 9, 9]), np.array([True, False, False, False])) is None
