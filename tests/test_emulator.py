"""The emulator's arithmetic on an emulator with known coefficients: its standard
deviation carries the structural discrepancy, and the screen keeps exactly the rows
within the cut-off's standard deviations of the target range."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.analysis.emulator import Emulator


def known(beta, covariance, discrepancy: float) -> Emulator:
    return Emulator(
        np.asarray(beta, float), np.asarray(covariance, float), discrepancy, 0.0, 1.0, 0.5, 100
    )


def test_the_standard_deviation_adds_the_discrepancy_to_the_coefficients_variance():
    """x = (1, 2), Sigma = diag(0.04, 0.01): x Sigma x = 0.08; with discrepancy 0.3 the
    s.d. is sqrt(0.08 + 0.09)."""
    emu = known([0.5, -1.0], np.diag([0.04, 0.01]), 0.3)
    mean, sd = emu.log_odds_of(np.array([[1.0, 2.0]]))
    assert mean[0] == pytest.approx(0.5 - 2.0)
    assert sd[0] == pytest.approx(math.sqrt(0.08 + 0.09))


@pytest.mark.parametrize("cutoff", [1.0, 3.0])
def test_the_screen_keeps_the_rows_within_the_cut_off(cutoff):
    """Brute force over a grid of rows: kept exactly when the distance of the mean from
    [low, high] is at most cutoff x s.d. (rows chosen on both sides of 1 and 3 s.d.)."""
    emu = known([0.0, 1.0], np.diag([0.01, 0.04]), 0.2)
    x = np.column_stack([np.ones(201), np.linspace(-4.0, 4.0, 201)])
    mean, sd = emu.log_odds_of(x)
    low, high = -0.5, 0.5
    gap = np.maximum(0.0, np.maximum(low - mean, mean - high))
    expected = gap <= cutoff * sd
    kept = emu.within(x, low, high, cutoff)
    assert kept.tolist() == expected.tolist()
    assert expected.sum() > (gap == 0).sum(), "some rows outside the range are kept"
    assert not expected.all(), "some rows are screened out"


def test_screening_applies_every_wave_not_only_the_last():
    """Two waves whose emulators rule out different rows: a row is plausible only if no
    wave rules it out, so the screen is the intersection of the waves' own screens."""
    from sim.analysis.calibration.settings import Target, Wave
    from sim.analysis.calibration.steps import plausible, plausible_for_all
    from sim.analysis.emulator import Pooled, features

    u = np.linspace(0.0, 1.0, 101)[:, None]
    x = features(u)
    falling = known([0.0, 3, 2, 1, 0, -1, -2, -3], np.eye(8) * 1e-6, 0.1)
    rising = known([1.0, -3, -2, -1, 0, 1, 2, 3], np.eye(8) * 1e-6, 0.1)
    target = Target("t", 0.3, 0.7, "likely", "claim", None)
    waves = [
        Wave(1, 100, {"t": Pooled(falling)}),
        Wave(2, 100, {"t": Pooled(rising)}),
    ]
    one = np.zeros(len(u), dtype=np.int64)  # a single stratum: no readings
    lo, hi = math.log(0.3 / 0.7), math.log(0.7 / 0.3)
    first, second = falling.within(x, lo, hi, 3.0), rising.within(x, lo, hi, 3.0)
    both = first & second
    assert both.any() and (second & ~first).any(), "the waves disagree on some rows"
    assert plausible_for_all(waves, [target], u, one, 3.0).tolist() == both.tolist()
    assert plausible(waves, [target], u, one, 3.0)[:, 0].tolist() == both.tolist()


def test_the_discrepancy_probabilities_are_bayes_rule_over_every_case():
    """Enumerate the 2^m cases of which targets are the model's discrepancy (prior ε each,
    independently; a discrepant target's likelihood is 1): the posterior probability of
    each target being one, summed over the cases, is what the closed form gives."""
    import itertools

    from sim.analysis.calibration.steps import discrepancy_probabilities

    rng = np.random.default_rng(3)
    n, m, eps = 400, 3, 0.05
    likelihood = rng.uniform(size=(n, m)) ** rng.uniform(0.5, 8, size=m)
    likelihood[:, 2] *= likelihood[:, 0] < 0.2  # the third holds only where the first fails
    base = rng.uniform(size=n)
    joint = np.zeros(m)
    total = 0.0
    for case in itertools.product([0, 1], repeat=m):
        prior = np.prod([eps if c else 1 - eps for c in case])
        rows = base * np.prod(
            [np.ones(n) if c else likelihood[:, k] for k, c in enumerate(case)], 0
        )
        mass = prior * rows.mean()
        total += mass
        joint += mass * np.array(case)
    got = discrepancy_probabilities(likelihood, base, eps)
    assert np.allclose(got, joint / total, rtol=1e-12, atol=1e-12), (got, joint / total)
    # The first target holds on 80 % of the prior, the second only where the first does
    # not: the second is the one the evidence names (P = 0.99), the first is not (0.23).
    held = np.arange(100) < 80
    two = np.column_stack([np.where(held, 1.0, 0.01), np.where(held, 0.0, 1.0)])
    first, second = discrepancy_probabilities(two, np.ones(100), eps)
    assert second > 0.5 > first
    assert first == pytest.approx(
        eps / (eps + (1 - eps) * (0.8 * eps + 0.2 * 0.01) / (0.8 * eps + 0.2))
    )


def test_the_closed_form_spline_features_are_scikit_learns():
    from sklearn.preprocessing import SplineTransformer

    from sim.analysis.emulator import DEGREE, KNOTS, features

    u = np.random.default_rng(5).random((2000, 4))
    u[:4, 0] = [0.0, 1.0, 0.25, 0.5]  # the ends and knots themselves
    knots = np.repeat(np.linspace(0.0, 1.0, KNOTS)[:, None], 4, axis=1)
    splines = SplineTransformer(n_knots=KNOTS, degree=DEGREE, knots=knots).fit(knots)
    expected = np.hstack([np.ones((len(u), 1)), splines.transform(u)])
    assert np.abs(features(u) - expected).max() < 1e-12


def test_levels_are_added_from_their_coefficients_as_if_their_columns_were_built():
    """A pooled emulator never builds its one-hot columns: its log-odds, standard
    deviations and screen equal those of the same coefficients on the built columns."""
    from dataclasses import replace

    from sim.analysis.emulator import Emulator, features, with_levels

    rng = np.random.default_rng(9)
    u = rng.random((3000, 3))
    strata = rng.integers(0, 4, size=len(u))
    x = features(u)
    k = x.shape[1] + 4
    a = rng.normal(size=(k, k)) * 0.05
    built = Emulator(rng.normal(size=k), a @ a.T + np.eye(k) * 1e-3, 0.1, 0.0, 0.0, 0.5, 100)
    pooled = replace(built, levels=4)
    full = with_levels(x, strata, 4)
    m1, s1 = built.log_odds_of(full)
    m2, s2 = pooled.log_odds_of(x, strata)
    assert np.allclose(m1, m2, atol=1e-12) and np.allclose(s1, s2, rtol=1e-5)
    lo, hi = -0.5, 0.5
    expected = np.maximum(0, np.maximum(lo - m1, m1 - hi)) <= 3.0 * s1
    assert (pooled.within(x, lo, hi, 3.0, strata=strata) == expected).all()


def test_the_downhill_search_finds_the_grids_best_prior_variance():
    """On data whose evidence peaks at each end and in the middle of the grid, the search
    picks the variance a full evaluation of the grid would."""
    from sim.analysis.emulator import PRIOR_VARIANCES, Emulator, _newton, features

    chosen = set()
    for scale in (0.0, 0.8, 6.0):  # no signal (the grid's smallest wins), some, a strong one
        rng = np.random.default_rng(2)
        u = rng.random((1500, 3))
        logit_p = scale * (np.sin(6 * u[:, 0]) + u[:, 1] - 0.5)
        y = rng.random(len(u)) < 1 / (1 + np.exp(-logit_p))
        x = features(u)
        evidence = [_newton(x, y.astype(float), v)[2] for v in PRIOR_VARIANCES]
        best = PRIOR_VARIANCES[int(np.argmax(evidence))]
        assert Emulator._fit(x, y).prior_variance == best, (scale, evidence)
        chosen.add(best)
    assert chosen == set(PRIOR_VARIANCES), "each end and the middle of the grid were tried"
