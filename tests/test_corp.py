"""CORP reliability (:mod:`sim.maths.corp`): the decomposition adds up to the mean score
exactly, a calibrated forecaster shows no more miscalibration than its consistency band
allows, and an overconfident one is caught, its recalibration recovering the known map."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import expit, logit

from sim.maths.corp import corp, decompose


def test_a_hand_worked_case():
    """Forecasts 0.2, 0.2, 0.8, 0.8 for outcomes 0, 1, 1, 1: PAV pools the first two to
    0.5 and the last two to 1. S(x) = (0.04 + 0.64 + 0.04 + 0.04) / 4 = 0.19; S(x_hat) =
    (0.25 + 0.25) / 4 = 0.125; S(base rate 0.75) = (0.5625 + 3 x 0.0625) / 4 = 0.1875."""
    c = corp(np.array([0.8, 0.2, 0.8, 0.2]), np.array([1, 0, 1, 1]), resamples=10)
    assert c.recalibrated.tolist() == [0.5, 0.5, 1.0, 1.0]
    assert (c.score, c.mcb, c.dsc, c.unc) == pytest.approx((0.19, 0.065, 0.0625, 0.1875))


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 150), st.booleans())
def test_the_decomposition_adds_up_to_the_mean_score_exactly(seed, n, ties):
    rng = np.random.default_rng(seed)
    p = rng.random(n)
    p = np.round(p, 1) if ties else p
    y = (rng.random(n) < p).astype(float)
    score, mcb, dsc, unc = decompose(np.sort(p), y[np.argsort(p, kind="stable")])
    assert score == pytest.approx(mcb - dsc + unc, abs=1e-12)
    assert mcb >= -1e-12 and dsc >= -1e-12  # the PAV fit is never worse than x or r


def test_a_calibrated_forecaster_stays_inside_its_band():
    """Outcomes drawn Bernoulli(p): MCB is what chance gives (below the band's top), and
    the PAV curve lies inside the consistency band at most forecasts (about the band's
    level, 90 %; at least 75 % asked here, far from the 0 an off-diagonal curve gets)."""
    rng = np.random.default_rng(11)
    p = rng.random(400)
    y = (rng.random(400) < p).astype(float)
    c = corp(p, y, resamples=500)
    assert c.mcb <= c.mcb_band[1] and not c.miscalibrated
    inside = (c.band_low - 1e-9 <= c.recalibrated) & (c.recalibrated <= c.band_high + 1e-9)
    assert inside.mean() >= 0.75


def test_an_overconfident_forecaster_is_caught_and_its_map_recovered():
    """Forecasts made overconfident by a known map: x = expit(2 logit p). Recalibration
    should recover p = expit(logit(x) / 2) within the sampling noise of a PAV fit (the
    consistency band's half-width), and MCB lies far above the calibrated band."""
    rng = np.random.default_rng(3)
    p = rng.uniform(0.05, 0.95, 2000)
    y = (rng.random(2000) < p).astype(float)
    x = expit(2 * logit(p))
    c = corp(x, y, resamples=300)
    assert c.miscalibrated and c.mcb > 3 * c.mcb_band[1]
    truth = expit(logit(c.forecasts) / 2)
    half = (c.band_high - c.band_low) / 2
    middle = (c.forecasts > 0.1) & (c.forecasts < 0.9)  # PAV is noisy at its ends
    assert np.mean(np.abs(c.recalibrated - truth)[middle]) < np.mean(half[middle])
    # and it lies further from the diagonal the forecaster claims than its noise
    assert np.mean(np.abs(c.recalibrated - c.forecasts)[middle]) > np.mean(half[middle])


def test_the_bands_are_reproducible_and_bad_input_is_refused():
    p, y = np.array([0.1, 0.5, 0.9]), np.array([0, 1, 1])
    a, b = corp(p, y, resamples=50, seed=4), corp(p, y, resamples=50, seed=4)
    assert a.band_low.tolist() == b.band_low.tolist() and a.mcb_band == b.mcb_band
    with pytest.raises(ValueError):
        corp(np.array([0.1, 0.2]), np.array([1]))


def test_the_result_carries_its_outcomes_in_forecast_order_and_its_settings():
    c = corp(np.array([0.9, 0.1, 0.5]), np.array([1, 0, 0]), resamples=40, level=0.8)
    assert c.forecasts.tolist() == [0.1, 0.5, 0.9]
    assert c.outcomes.tolist() == [0.0, 0.0, 1.0], "outcomes must follow their forecasts"
    assert (c.resamples, c.level) == (40, 0.8)
    defaults = corp(np.array([0.2, 0.7]), np.array([0, 1]))
    assert (defaults.resamples, defaults.level) == (1000, 0.9)  # what `score` prints


def test_integer_forecasts_are_read_as_probabilities():
    """Forecasts of exactly 0 and 1 given as integers: the base rate 0.5 must not be
    truncated to an integer on its way into UNC."""
    ints = corp(np.array([0, 1, 1, 0]), np.array([0, 1, 0, 1]), resamples=20)
    floats = corp(np.array([0.0, 1.0, 1.0, 0.0]), np.array([0, 1, 0, 1]), resamples=20)
    assert (ints.score, ints.mcb, ints.dsc, ints.unc) == (
        floats.score,
        floats.mcb,
        floats.dsc,
        floats.unc,
    )
    assert ints.unc == 0.25


def test_at_level_zero_the_band_closes_on_the_median_redraw():
    """Level 0 leaves tails of one half each side: the band's low and high are both the
    median of the calibrated redraws, at every forecast and for MCB."""
    rng = np.random.default_rng(5)
    p = rng.random(60)
    c = corp(p, (rng.random(60) < p).astype(float), resamples=101, level=0.0)
    assert np.array_equal(c.band_low, c.band_high), "the tails are not (1 - level) / 2"
    assert c.mcb_band[0] == c.mcb_band[1]


@pytest.mark.parametrize(
    ("p", "y"),
    [([0.1, 0.2], [1]), ([[0.1, 0.2], [0.3, 0.4]], [[0, 1], [1, 0]]), ([], [])],
    ids=["lengths differ", "two-dimensional", "empty"],
)
def test_bad_input_is_refused_with_what_is_expected(p, y):
    with pytest.raises(ValueError, match="two 1-d arrays of the same length"):
        corp(np.array(p), np.array(y))


def test_a_single_forecast_is_accepted():
    c = corp(np.array([0.3]), np.array([1]), resamples=10)
    assert c.score == pytest.approx(0.49)
