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


def test_log_odds_are_clipped_off_zero_and_one_and_expit_inverts_them():
    from sim.analysis.emulator import CLIP, expit, logit

    assert logit(0.5) == 0.0
    assert logit(0.2) == pytest.approx(math.log(0.25), abs=1e-15)
    assert logit(0.0) == pytest.approx(math.log(CLIP / (1 - CLIP)), abs=1e-12)
    assert logit(1.0) == pytest.approx(-logit(0.0), abs=1e-12)
    assert logit([0.2, 0.8]).tolist() == pytest.approx([math.log(0.25), math.log(4.0)])
    assert expit(np.array(0.0)) == 0.5
    assert expit(np.log(0.25)) == pytest.approx(0.2, abs=1e-15)
    assert expit([-30.0, 30.0]).tolist() == pytest.approx([math.exp(-30.0), 1.0], rel=1e-12)


def logistic_toy(n: int = 400):
    """An intercept and one feature z ~ U(0, 1), with P(y | z) = expit(-1 + 2z)."""
    from sim.analysis.emulator import expit

    rng = np.random.default_rng(1)
    z = rng.random(n)
    x = np.column_stack([np.ones(n), z])
    y = (rng.random(n) < expit(-1 + 2 * z)).astype(float)
    return x, y


def with_pseudo_counts(x, y):
    """The rows Newton's method fits: half a success and half a failure at the mean."""
    centre = x.mean(axis=0)
    return (
        np.vstack([x, centre, centre]),
        np.concatenate([y, [1.0, 0.0]]),
        np.concatenate([np.ones(len(y)), [0.5, 0.5]]),
    )


def test_newtons_coefficients_and_covariance_are_the_penalised_optimum_and_its_curvature():
    """Against a general optimiser on the same objective (the likelihood with its
    pseudo-counts and a N(0, v) prior on the slope), and the covariance against the
    inverse of that objective's Hessian worked out in double precision; a start far away
    ends at the same coefficients."""
    from scipy.optimize import minimize

    from sim.analysis.emulator import _newton, expit

    x, y = logistic_toy()
    v = 0.25
    X, Y, W = with_pseudo_counts(x, y)

    def loss(b):
        eta = X @ b
        return -(W @ (Y * eta - np.logaddexp(0.0, eta))) + 0.5 * b[1] ** 2 / v

    best = minimize(loss, np.zeros(2), method="BFGS", options={"gtol": 1e-10}).x
    beta, covariance, _ = _newton(x, y, v)
    assert np.allclose(beta, best, atol=1e-5), (beta, best)
    p = expit(X @ beta)
    hessian = (X * (W * p * (1 - p))[:, None]).T @ X + np.diag([0.0, 1 / v])
    assert np.allclose(covariance, np.linalg.inv(hessian), rtol=1e-5)
    far, _, _ = _newton(x, y, v, start=np.array([1.5, -1.0]))
    assert np.allclose(far, beta, atol=1e-6)


def test_the_evidence_is_the_laplace_approximation_of_the_integral_over_the_coefficients():
    """The log evidence against a grid integral of likelihood x prior over both
    coefficients (the intercept's flat prior taken as 1), less the ½ log 2π the flat
    prior's constant leaves out. Laplace's error on 400 rows is O(1/n): it came out 0.003
    here; 0.02 is allowed. A prior variance away from 1 makes the prior's own constant
    count."""
    from sim.analysis.emulator import _newton

    x, y = logistic_toy()
    X, Y, W = with_pseudo_counts(x, y)
    for v in (0.25, 4.0):
        beta, covariance, evidence = _newton(x, y, v)
        sd = np.sqrt(np.diag(covariance))
        g0 = np.linspace(beta[0] - 8 * sd[0], beta[0] + 8 * sd[0], 201)
        g1 = np.linspace(beta[1] - 8 * sd[1], beta[1] + 8 * sd[1], 201)
        b0, b1 = np.meshgrid(g0, g1, indexing="ij")
        eta = b0[..., None] * X[:, 0] + b1[..., None] * X[:, 1]
        f = (W * (Y * eta - np.logaddexp(0.0, eta))).sum(-1)
        f += -0.5 * b1**2 / v - 0.5 * math.log(2 * math.pi * v)
        top = f.max()
        log_e = top + math.log(np.exp(f - top).sum() * (g0[1] - g0[0]) * (g1[1] - g1[0]))
        assert evidence == pytest.approx(log_e - 0.5 * math.log(2 * math.pi), abs=0.02), v


def test_a_fit_learns_on_four_rows_in_five_and_measures_its_misfit_on_the_fifth():
    """Rows 4, 9, 14, ... are held out: here every held-out row is an event and no other
    row is, so the fit's base rate is 0 and the held-out Brier score is near 1."""
    from sim.analysis.emulator import PRIOR_VARIANCES, features

    u = np.random.default_rng(4).random((500, 2))
    y = np.arange(500) % 5 == 4
    emu = Emulator.fit(u, y)
    assert emu.n == 400 and emu.base_rate == 0.0
    assert emu.holdout_brier > 0.95 and emu.holdout_p_value < 1e-6
    assert emu.prior_variance in PRIOR_VARIANCES and emu.levels == 0
    assert emu.beta.shape == (features(u).shape[1],)
    assert emu.covariance.shape == (len(emu.beta), len(emu.beta))


def test_the_screens_bound_leaves_the_exact_answer_unchanged_with_a_tail_and_a_band():
    """With more coefficients than the leading eigen-directions (so the bound's tail
    term counts) and a soft band's width added: the screen equals brute force over
    :meth:`log_odds_of`, with and without levels."""
    from dataclasses import replace

    from sim.analysis.emulator import LEADING, features

    rng = np.random.default_rng(12)
    u = rng.random((4000, 5))
    x = features(u)
    k = x.shape[1] + 3
    assert x.shape[1] > LEADING + 1
    a = rng.normal(size=(k, k)) * 0.02
    emu = Emulator(rng.normal(size=k) * 0.7, a @ a.T, 0.15, 0.0, 0.0, 0.5, 100, levels=3)
    strata = rng.integers(0, 3, size=len(u))
    flat = replace(emu, beta=emu.beta[: x.shape[1]], covariance=emu.covariance[:-3, :-3])
    flat.levels = 0
    for model, s in ((emu, strata), (flat, None)):
        mean, sd = model.log_odds_of(x, s)
        for extra in (0.0, 0.4):
            lo, hi = -0.3, 0.6
            gap = np.maximum(0, np.maximum(lo - mean, mean - hi))
            expected = gap <= 2.0 * np.sqrt(sd**2 + extra**2)
            got = model.within(x, lo, hi, 2.0, extra, s)
            assert 0 < expected.sum() < len(x) and (expected & (gap > 0)).any()
            assert (got == expected).all(), (model.levels, extra, int((got != expected).sum()))


def test_the_spectrum_keeps_the_leading_directions_and_bounds_the_rest_by_the_largest():
    from sim.analysis.emulator import LEADING

    values = np.arange(1.0, 31.0)  # 30 eigenvalues: 24 lead, the largest left out is 6
    emu = known(np.zeros(30), np.diag(values[::-1]), 0.0)
    vectors, lead, tail = emu._spectrum
    assert lead.tolist() == list(range(30, 30 - LEADING, -1)) and tail == 6.0
    assert np.allclose(np.abs(vectors), np.eye(30)[:, :LEADING])
    small = known(np.zeros(3), np.diag([3.0, 1.0, 2.0]), 0.0)
    _, lead, tail = small._spectrum
    assert lead.tolist() == [3.0, 2.0] and tail == 1.0


def test_levels_are_indicator_columns_and_one_level_adds_none():
    from sim.analysis.emulator import with_levels

    x = np.arange(6.0).reshape(3, 2)
    assert with_levels(x, np.array([0, 0, 0]), 1) is x
    assert with_levels(x, np.array([1, 0, 1]), 2)[:, 2:].tolist() == [[0, 1], [1, 0], [0, 1]]
    built = with_levels(x, np.array([2, 0, 1]), 3)
    assert built.tolist() == [[0, 1, 0, 0, 1], [2, 3, 1, 0, 0], [4, 5, 0, 1, 0]]


def test_a_pooled_emulator_has_an_offset_per_level_only_with_several():
    from sim.analysis.emulator import Pooled, expit, features, with_levels

    rng = np.random.default_rng(6)
    u = rng.random((1500, 2))
    strata = rng.integers(0, 3, size=len(u))
    y = rng.random(len(u)) < np.array([0.1, 0.5, 0.9])[strata]
    pooled = Pooled.fit(u, y, strata, levels=3)
    assert pooled.emulator.levels == 3 and pooled.levels == 3
    x = features(u[:50])
    built = with_levels(x, strata[:50], 3)
    mean = built @ pooled.emulator.beta
    assert np.allclose(pooled.probability(u[:50], strata[:50]), expit(mean))
    by_level = [pooled.probability(u[:1], np.array([s]))[0] for s in range(3)]
    assert by_level[0] < by_level[1] < by_level[2], by_level
    kept = pooled.within(x, strata[:50], -0.2, 0.2, 1.0, 0.0)
    assert kept.tolist() == pooled.emulator.within(x, -0.2, 0.2, 1.0, 0.0, strata[:50]).tolist()
    assert 0 < kept.sum() < 50, "the screen keeps some rows and not others"
    two = Pooled.fit(u, y, np.minimum(strata, 1), levels=2)
    assert two.emulator.levels == 2 and len(two.emulator.beta) == features(u).shape[1] + 2
    single = Pooled.fit(u, y, np.zeros(len(u), dtype=np.int64))
    assert single.emulator.levels == 0 and single._strata(strata) is None
    assert single.emulator.beta.shape == (features(u).shape[1],)
    assert np.allclose(single.probability(u[:5], strata[:5]), single.emulator.probability(u[:5]))


def test_features_without_parameters_are_the_intercept_alone():
    from sim.analysis.emulator import features

    assert features(np.zeros((3, 0))).tolist() == [[1.0], [1.0], [1.0]]


def test_the_bound_on_a_rows_sd_is_exact_in_the_leading_directions_and_loose_in_the_rest():
    """Covariance diag(30, 29, ..., 1): the 24 leading directions are the first 24
    coordinates, the largest eigenvalue left out is 6. A unit row along a leading
    coordinate i gets λ_i + 6 (its length counted once more in the tail), one along a
    tail coordinate gets 6 (not its own, smaller λ); the discrepancy and the band's
    width add in quadrature."""
    emu = known(np.zeros(30), np.diag(np.arange(30.0, 0.0, -1.0)), 3.0)
    rows = np.eye(30)[[0, 23, 24, 29]]
    bound = emu.sd_bound(rows, None, 2.5)
    wide = 9.0 + 6.25 + 6.0
    assert bound.tolist() == pytest.approx(np.sqrt([30 + wide, 7 + wide, wide, wide]).tolist())
    _, sd = emu.log_odds_of(rows)
    assert np.all(np.sqrt(sd**2 + 2.5**2) <= bound), "the bound is an upper bound"


def test_a_levels_indicator_is_one_more_unit_coordinate_in_the_bound():
    """Two feature columns and two levels, covariance diag(5, 4, 3, 2): the row (0, 0) at
    level 1 has variance 2 (its level's own), bounded by the leading directions (5, 4, 3:
    none is level 1's) plus the tail's largest eigenvalue 2 times its squared length 1."""
    emu = known(np.zeros(4), np.diag([5.0, 4.0, 3.0, 2.0]), 0.0)
    emu.levels = 2
    bound = emu.sd_bound(np.zeros((1, 2)), np.array([1]), 0.0)
    assert bound.tolist() == pytest.approx([math.sqrt(2.0)])
    bound = emu.sd_bound(np.array([[1.0, 0.0]]), np.array([0]), 0.0)
    assert bound.tolist() == pytest.approx([math.sqrt(5.0 + 3.0 + 2.0 * 2.0)])


def test_a_row_exactly_at_the_cut_off_is_kept():
    """No coefficient uncertainty and discrepancy 0.5: a mean of 1.5 is 1.0 above the
    range's top 0.5, exactly two standard deviations, which a cut-off of 2 keeps."""
    emu = known([1.5], np.zeros((1, 1)), 0.5)
    x = np.ones((1, 1))
    assert emu.within(x, -0.5, 0.5, 2.0).tolist() == [True]
    assert emu.within(x, -0.5, 0.5, 1.999).tolist() == [False]
    wide = known([2.0], np.zeros((1, 1)), 2.0)  # 1.5 above the range, within one s.d. of 2
    assert wide.within(x, -0.5, 0.5, 1.0).tolist() == [True]


def hosmer_lemeshow(p, y, bins):
    """The statistic by its definition: rows sorted by prediction, cut into `bins` groups of
    (nearly) equal size, each contributing (observed - expected)^2 / (n q (1 - q))."""
    rows = sorted(zip(p, y, strict=True), key=lambda r: r[0])
    size, extra = divmod(len(rows), bins)
    total, start, groups = 0.0, 0, []
    for b in range(bins):
        group = rows[start : start + size + (b < extra)]
        start += len(group)
        n, k = len(group), sum(g[1] for g in group)
        q = sum(g[0] for g in group) / n
        total += (k - n * q) ** 2 / (n * q * (1 - q))
        groups.append((n, k, q))
    return total, groups


def test_the_misfit_on_held_out_rows_is_hosmer_lemeshow_and_the_excess_over_noise():
    """Held-out rows in a shuffled order with predictions expit(z) for z across [-2, 2];
    their outcomes follow the predictions in one half and defy them in the other, so the
    test rejects and the discrepancy is the root mean positive excess of each bin's
    squared log-odds gap over its binomial noise."""
    from scipy import stats

    from sim.analysis.emulator import BINS, _misfit, expit, logit

    rng = np.random.default_rng(8)
    z = rng.permutation(np.linspace(-2.0, 2.0, 200))
    x = np.column_stack([np.ones(200), z])
    emu = known([0.0, 1.0], np.zeros((2, 2)), 0.0)
    p = expit(z)
    y = np.where(z < 0, rng.random(200) < p, rng.random(200) < 0.2)
    discrepancy, brier, p_value = _misfit(emu, x, y)
    chi2, groups = hosmer_lemeshow(p, y, BINS)
    assert brier == pytest.approx(np.mean((p - y) ** 2))
    assert p_value == pytest.approx(stats.chi2.sf(chi2, BINS - 2)) and p_value < 0.05
    excess = [
        (logit((k + 0.5) / (n + 1)) - logit(q)) ** 2 - 1 / (n * q * (1 - q)) for n, k, q in groups
    ]
    assert discrepancy == pytest.approx(math.sqrt(np.mean(np.maximum(excess, 0.0))))
    assert discrepancy > 0


def test_held_out_rows_that_fit_leave_no_discrepancy():
    from scipy import stats

    from sim.analysis.emulator import BINS, _misfit, expit

    rng = np.random.default_rng(10)
    z = rng.permutation(np.linspace(-2.0, 2.0, 400))
    x = np.column_stack([np.ones(400), z])
    p = expit(z)
    y = rng.random(400) < p
    discrepancy, brier, p_value = _misfit(known([0.0, 1.0], np.zeros((2, 2)), 0.0), x, y)
    chi2, _ = hosmer_lemeshow(p, y, BINS)
    assert p_value == pytest.approx(stats.chi2.sf(chi2, BINS - 2)) and p_value >= 0.05
    assert discrepancy == 0.0 and brier == pytest.approx(np.mean((p - y) ** 2))


def test_few_held_out_rows_make_fewer_bins_and_none_no_measure():
    from scipy import stats

    from sim.analysis.emulator import _misfit, expit

    emu = known([0.0, 1.0], np.zeros((2, 2)), 0.0)
    assert _misfit(emu, np.zeros((0, 2)), np.zeros(0, dtype=bool))[0] == 0.0
    assert all(math.isnan(v) for v in _misfit(emu, np.zeros((0, 2)), np.zeros(0, dtype=bool))[1:])
    x = np.array([[1.0, -1.0], [1.0, 0.5], [1.0, 2.0]])
    y = np.array([True, False, True])
    p = expit(x[:, 1])
    _, brier, p_value = _misfit(emu, x, y)
    chi2, _ = hosmer_lemeshow(p, y, 3)
    assert brier == pytest.approx(np.mean((p - y) ** 2))
    assert p_value == pytest.approx(stats.chi2.sf(chi2, 1)), "3 bins, at least 1 degree"
    _, brier, _ = _misfit(emu, x[:1], y[:1])
    assert brier == pytest.approx((p[0] - 1.0) ** 2), "a single held-out row is measured"
