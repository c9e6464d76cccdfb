"""Statistics against closed forms."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.maths.stats import kaplan_meier, km_quantile, wilson


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


def test_km_band_matches_greenwood_on_the_log_log_scale():
    from sim.maths.stats import km_band

    times = np.array([1, 2, 3, 3, 4])
    observed = np.array([True, False, True, True, False])
    _, s, lo, hi = km_band(times, observed)
    # At t = 1: S = 4/5, Greenwood sum = 1 / (5 * 4) = 0.05.
    se = math.sqrt(0.05) / abs(math.log(0.8))
    z = 1.959963984540054
    assert lo[0] == pytest.approx(0.8 ** math.exp(z * se))
    assert hi[0] == pytest.approx(0.8 ** math.exp(-z * se))
    assert np.all(lo <= s) and np.all(s <= hi)


def test_newcombe_independent_difference_matches_the_published_example():
    # Newcombe (1998, Stat Med 17:873) example (a): 56/70 vs 48/80 -> 0.0524 to 0.3339.
    from sim.maths.stats import independent_difference

    delta, lo, hi = independent_difference(56, 70, 48, 80)
    assert delta == pytest.approx(0.2)
    assert (lo, hi) == pytest.approx((0.0524, 0.3339), abs=1e-4)


def test_paired_difference_on_identical_samples_is_zero_and_narrower_than_unpaired():
    from sim.maths.stats import independent_difference, paired_difference

    x = np.array([True] * 30 + [False] * 70)
    delta, lo, hi = paired_difference(x, x)
    _, ilo, ihi = independent_difference(30, 100, 30, 100)
    assert delta == 0 and lo <= 0 <= hi
    assert hi - lo < 0.2 * (ihi - ilo)


def test_paired_difference_without_correlation_equals_the_unpaired_interval():
    # a=2, b=3, c=5, d=10: ad - bc = 5 <= n/2, so the corrected correlation is 0 and the
    # paired interval reduces to the independent one with n1 = n2 = n.
    from sim.maths.stats import independent_difference, paired_difference

    x = np.array([1] * 2 + [1] * 3 + [0] * 5 + [0] * 10, dtype=bool)
    y = np.array([1] * 2 + [0] * 3 + [1] * 5 + [0] * 10, dtype=bool)
    assert paired_difference(x, y) == pytest.approx(independent_difference(5, 20, 7, 20))


def test_wilson_with_one_success_has_a_positive_lower_bound():
    """k = 1 of n = 20: the closed form's lower bound is above 0 (only k = 0 pins it)."""
    k, n, z = 1, 20, 1.959963984540054
    p = k / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    low, high = wilson(k, n)
    assert low == pytest.approx(centre - half, abs=1e-12) and low > 0.008
    assert high == pytest.approx(centre + half, abs=1e-12)


def test_km_band_accumulates_greenwood_over_event_times():
    """At the second event time (t = 3) the Greenwood sum is 1/(5*4) + 2/(3*1) = 0.7167,
    the sum over both event times, not the last term alone."""
    from sim.maths.stats import km_band

    times = np.array([1, 2, 3, 3, 4])
    observed = np.array([True, False, True, True, False])
    _, _, lo, hi = km_band(times, observed)
    greenwood = 1 / 20 + 2 / 3
    se = math.sqrt(greenwood) / abs(math.log(4 / 15))
    z = 1.959963984540054
    assert lo[1] == pytest.approx((4 / 15) ** math.exp(z * se))
    assert hi[1] == pytest.approx((4 / 15) ** math.exp(-z * se))


def test_kaplan_meier_counts_tied_times_as_at_risk():
    """Two events at t = 2 among four units: S(2) = 1 - 2/4 (both tied units at risk)."""
    t, s = kaplan_meier(np.array([2, 2, 5, 5]), np.array([True, True, False, False]))
    assert t.tolist() == [2] and s.tolist() == [0.5]
