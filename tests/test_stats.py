"""Statistics against closed forms."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.maths.stats import kaplan_meier, km_band, km_quantile, wilson


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


# ------------------------------------------------------------------ edges and arguments


def test_wilson_with_one_replicate_is_an_interval_not_the_whole_line():
    """n = 1 is a sample (n = 0 is not): one success gives a lower bound above 0."""
    assert wilson(1, 1)[0] > 0.2 and wilson(1, 1)[1] == 1.0
    assert wilson(0, 1)[0] == 0.0 and wilson(0, 1)[1] < 0.8
    assert wilson(0, 0) == (0.0, 1.0)


@pytest.mark.parametrize("n", [10, 13, 25, 1000])
def test_wilson_is_exactly_0_or_1_at_the_edges(n):
    """All or no successes: the bound at that edge is 1 or 0 exactly (the closed form
    falls short of it by rounding for these n)."""
    assert wilson(n, n)[1] == 1.0 and wilson(0, n)[0] == 0.0


def test_event_flags_given_as_integers_are_read_as_yes_or_no():
    times, flags = [1.0, 2.0, 2.0, 5.0], [1, 0, 1, 1]
    as_bool = [bool(f) for f in flags]
    for a, b in zip(kaplan_meier(times, flags), kaplan_meier(times, as_bool), strict=True):
        assert np.array_equal(a, b)
    for a, b in zip(km_band(times, flags), km_band(times, as_bool), strict=True):
        assert np.array_equal(a, b, equal_nan=True)


def test_the_km_median_is_the_first_time_half_have_had_the_event():
    """Events at 1 and 2, two censored at 10: the share with the event is exactly one half
    after time 2, so the median (the default quantile) is 2."""
    times, observed = [1.0, 2.0, 10.0, 10.0], [True, True, False, False]
    assert km_quantile(times, observed) == 2.0
    assert km_quantile(times, observed, 0.25) == 1.0
    assert km_quantile(times, observed, 0.75) is None


def test_a_km_band_ends_at_zero_when_everyone_left_has_the_event():
    t, s, low, high = km_band([1.0, 2.0, 2.0], [True, True, True])
    assert t.tolist() == [1.0, 2.0] and s.tolist() == pytest.approx([2 / 3, 0.0])
    assert (low[1], high[1]) == (0.0, 0.0)
    assert 0.0 < low[0] < s[0] < high[0] < 1.0


def newcombe_paired(a: int, b: int, c: int, d: int, confidence: float = 0.95):
    """Newcombe (1998) method 10 written out from the paper: the Wilson limits of each
    margin, phi from the continuity-corrected ad - bc, the two square roots."""
    n = a + b + c + d
    p1, p2 = (a + b) / n, (a + c) / n
    l1, u1 = wilson(a + b, n, confidence)
    l2, u2 = wilson(a + c, n, confidence)
    ad_bc = a * d - b * c
    if ad_bc > n / 2:
        ad_bc -= n / 2
    elif ad_bc >= 0:
        ad_bc = 0
    margins = (a + b) * (c + d) * (a + c) * (b + d)
    phi = ad_bc / math.sqrt(margins) if margins else 0.0
    dl1, du1, dl2, du2 = p1 - l1, u1 - p1, p2 - l2, u2 - p2
    lower = p1 - p2 - math.sqrt(max(0.0, dl1**2 - 2 * phi * dl1 * du2 + du2**2))
    upper = p1 - p2 + math.sqrt(max(0.0, du1**2 - 2 * phi * du1 * dl2 + dl2**2))
    return p1 - p2, max(-1.0, lower), min(1.0, upper)


def paired_rows(a: int, b: int, c: int, d: int) -> tuple[np.ndarray, np.ndarray]:
    x = np.repeat([True, True, False, False], [a, b, c, d])
    y = np.repeat([True, False, True, False], [a, b, c, d])
    return x, y


@pytest.mark.parametrize(
    "table",
    [
        (30, 12, 5, 53),  # ad - bc far above n / 2: corrected down by n / 2
        (26, 24, 24, 26),  # 0 < ad - bc < n / 2: set to 0
        (10, 30, 25, 35),  # ad - bc < 0: kept
        (40, 10, 0, 0),  # y always yes: a margin of zero, phi 0
        (3, 9, 1, 7),
    ],
)
@pytest.mark.parametrize("confidence", [0.95, 0.8])
def test_the_paired_difference_is_newcombes_method_10(table, confidence):
    from sim.maths.stats import paired_difference

    x, y = paired_rows(*table)
    got = paired_difference(x, y, confidence)
    assert got == pytest.approx(newcombe_paired(*table, confidence))
    as_ints = paired_difference(x.astype(int), y.astype(int), confidence)
    assert as_ints == pytest.approx(got), "yes/no given as 0/1 must read the same"


def test_a_paired_difference_stays_within_minus_one_and_one():
    from sim.maths.stats import paired_difference

    x, y = paired_rows(0, 0, 20, 0)  # y always, x never: -1
    assert paired_difference(x, y)[:2] == (-1.0, -1.0)
    assert paired_difference(y, x)[0::2] == (1.0, 1.0)


def test_the_independent_difference_uses_the_confidence_asked_for():
    from sim.maths.stats import independent_difference

    l1, u1 = wilson(30, 50, 0.8)
    l2, u2 = wilson(10, 40, 0.8)
    d = 30 / 50 - 10 / 40
    expected = (d, d - math.hypot(30 / 50 - l1, u2 - 10 / 40),
                d + math.hypot(u1 - 30 / 50, 10 / 40 - l2))  # fmt: skip
    assert independent_difference(30, 50, 10, 40, 0.8) == pytest.approx(expected)
