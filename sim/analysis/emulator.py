"""An emulator of an event's probability given the parameters, with its own error.

A replicate gives one yes or no, not a probability, so P(event | θ) is learnt from many
replicates at different θ: a logistic regression on cubic B-spline features of each
parameter's prior quantile (an additive model on the log-odds scale; pairwise products
of the strongest parameters were tried on Belarus and fitted held-out replicates no
better). Its uncertainty is the Laplace approximation of the coefficients' posterior,
whose prior variance is chosen from ``PRIOR_VARIANCES`` by the Laplace approximation of
the evidence (type-II maximum likelihood: with some 470 coefficients, the fixed variance
4 used before overfitted, and the evidence picks what held-out replicates also prefer).
So the log-odds at any θ come with a standard deviation. Because an additive model can
miss interactions, a held-out fifth of the replicates measures the structural error left
over (``discrepancy``, on the log-odds scale) when a Hosmer-Lemeshow test finds any; it
is added to every prediction's variance. The Monte Carlo error of the training data and
the emulator's own misfit are both counted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy import stats

KNOTS = 5
DEGREE = 3
PRIOR_VARIANCES = (0.0625, 0.25, 1.0)  # of each coefficient, chosen by the evidence
HOLDOUT = 5  # every fifth replicate is held out to measure the misfit
BINS = 10
CLIP = 1e-4  # probabilities are kept inside [CLIP, 1 - CLIP] on the log-odds scale
LEADING = 24  # covariance eigen-directions used exactly when bounding a screen's variance


def logit(p: np.ndarray | float) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=float), CLIP, 1 - CLIP)
    return np.log(p) - np.log1p(-p)


def expit(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=float)))


@dataclass
class Emulator:
    """P(event | u) for parameters given as prior quantiles `u` in [0, 1]^d."""

    beta: np.ndarray  # intercept, then one coefficient per spline feature
    covariance: np.ndarray  # of beta (the Laplace approximation)
    discrepancy: float  # structural standard deviation on the log-odds scale
    holdout_brier: float
    holdout_p_value: float  # Hosmer-Lemeshow test of the held-out bins (small: misfit)
    base_rate: float
    n: int
    prior_variance: float = PRIOR_VARIANCES[0]
    levels: int = 0  # the last `levels` coefficients are one-hot level offsets (Pooled)

    @classmethod
    def fit(cls, u: np.ndarray, y: np.ndarray) -> Emulator:
        """Fit on the replicates not held out, then measure the misfit on the others."""
        return cls.fit_features(features(np.asarray(u, dtype=float)), y)

    @classmethod
    def fit_features(cls, x: np.ndarray, y: np.ndarray) -> Emulator:
        """:meth:`fit` on rows already turned into features (with any levels)."""
        y = np.asarray(y, dtype=bool)
        held = np.arange(len(y)) % HOLDOUT == HOLDOUT - 1
        emu = cls._fit(x[~held], y[~held])
        emu.discrepancy, emu.holdout_brier, emu.holdout_p_value = _misfit(emu, x[held], y[held])
        return emu

    @classmethod
    def _fit(cls, x: np.ndarray, y: np.ndarray) -> Emulator:
        """The fit under the prior variance of highest evidence among ``PRIOR_VARIANCES``,
        searched from the middle one downhill (each fit started from the last one's
        coefficients): the evidence is unimodal in the variance on every fit seen, so the
        search finds the grid's best in two fits where it is at the small end, three
        otherwise."""
        yf = y.astype(float)
        fits: dict[float, tuple[np.ndarray, np.ndarray, float]] = {}

        def at(k: int, start: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, float]:
            v = PRIOR_VARIANCES[k]
            if v not in fits:
                fits[v] = _newton(x, yf, v, start)
            return fits[v]

        k = len(PRIOR_VARIANCES) // 2
        here = at(k, None)
        for step in (-1, 1):  # smaller variances first (the usual winners), then larger
            j = k + step
            while 0 <= j < len(PRIOR_VARIANCES):
                there = at(j, here[0])
                if there[2] <= here[2]:
                    break
                k, here, j = j, there, j + step
        beta, covariance, _ = here
        variance = PRIOR_VARIANCES[k]
        return cls(beta, covariance, 0.0, math.nan, math.nan, float(y.mean()), len(y), variance)

    def log_odds(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Mean and standard deviation of the event's log-odds at each row of `u`,
        the misfit included (an emulator without levels)."""
        return self.log_odds_of(features(u))

    def within(
        self,
        x: np.ndarray,
        low: float,
        high: float,
        cutoff: float,
        extra: float = 0.0,
        strata: np.ndarray | None = None,
    ) -> np.ndarray:
        """Rows whose log-odds lie within `cutoff` standard deviations of [low, high]
        (log-odds bounds), computing the full variance only where it decides. `extra` is
        a standard deviation added in quadrature (a soft band's width: in history
        matching the implausibility's denominator holds every known error).

        Inside the range a row passes whatever its variance. Outside, a cheap upper bound
        on the standard deviation (the covariance's leading eigen-directions exactly, the
        rest bounded by their largest eigenvalue times |x|^2) rules out the rows that
        fail even with it; only the rows left get the exact variance. Same answer as
        comparing :meth:`log_odds_of`, several times faster on large screens.
        """
        mean = self._mean(x, strata)
        gap = np.maximum(0.0, np.maximum(low - mean, mean - high))
        ok = gap == 0.0
        rest = np.flatnonzero(~ok)
        if rest.size == 0:
            return ok
        bound = self.sd_bound(x[rest], None if strata is None else strata[rest], extra)
        maybe = rest[gap[rest] <= cutoff * bound]
        if maybe.size:
            _, sd = self.log_odds_of(x[maybe], None if strata is None else strata[maybe])
            ok[maybe] = gap[maybe] <= cutoff * np.sqrt(sd**2 + extra**2)
        return ok

    def sd_bound(self, x: np.ndarray, strata: np.ndarray | None, extra: float) -> np.ndarray:
        """An upper bound on each row's standard deviation (with `extra` in quadrature),
        cheap to compute: the covariance's leading eigen-directions exactly, the rest
        bounded by the largest eigenvalue left out times the row's squared length (a
        row's level indicator counts as one more unit coordinate)."""
        vectors, values, tail = self._spectrum
        d = x.shape[1]
        projected = x @ vectors[:d]
        norm2 = np.sum(x**2, axis=1)
        if self.levels:
            projected += vectors[d + strata]
            norm2 += 1.0
        lead = np.sum(projected**2 * values, axis=1)
        return np.sqrt(lead + tail * norm2 + self.discrepancy**2 + extra**2)

    @cached_property
    def _spectrum(self) -> tuple[np.ndarray, np.ndarray, float]:
        """The covariance's leading eigenvectors and eigenvalues, and the largest of the
        eigenvalues left out."""
        values, vectors = np.linalg.eigh(self.covariance)
        k = min(LEADING, len(values) - 1)
        order = np.argsort(values)[::-1]
        lead = order[:k]
        tail = float(values[order[k]]) if k < len(values) else 0.0
        return vectors[:, lead], values[lead], max(tail, 0.0)

    def log_odds_of(
        self, x: np.ndarray, strata: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`log_odds` from rows already turned into :func:`features` (every emulator
        shares them, so a batch of rows is transformed once for all of them), with each
        row's level (stratum) where the emulator has levels: the indicator columns are
        never built, their terms are added from the coefficients' blocks."""
        mean = self._mean(x, strata)
        d = x.shape[1]
        x32 = x.astype(np.float32)
        cov = self._covariance32
        # diag(X Σ Xᵀ) by BLAS, in single precision: twice as fast on the screens' millions
        # of rows, a relative error near 1e-6 in a standard deviation
        var = np.sum((x32 @ cov[:d, :d]) * x32, axis=1, dtype=np.float64)
        if self.levels:
            cross = x32 @ cov[:d, d:]
            rows = np.arange(len(x))
            var += 2.0 * cross[rows, strata] + np.diag(self.covariance)[d + strata]
        return mean, np.sqrt(np.maximum(var, 0.0) + self.discrepancy**2)

    def _mean(self, x: np.ndarray, strata: np.ndarray | None) -> np.ndarray:
        d = x.shape[1]
        mean = x @ self.beta[:d]
        return mean + self.beta[d + strata] if self.levels else mean

    @cached_property
    def _covariance32(self) -> np.ndarray:
        return self.covariance.astype(np.float32)

    def probability(self, u: np.ndarray) -> np.ndarray:
        return expit(self.log_odds(u)[0])


def features(u: np.ndarray) -> np.ndarray:
    """An intercept and cubic B-spline features of each quantile, with knots on the whole
    prior range [0, 1], the same for every wave: a later wave's emulator is never
    extrapolated, only less certain where it has no rows.

    The basis is scikit-learn's ``SplineTransformer(n_knots=KNOTS, degree=3)`` on uniform
    knots (the test compares them to 1e-15), evaluated in closed form: on uniform knots
    each quantile has four non-zero cubic pieces in its cell, so the millions of rows a
    calibration screens cost a few array operations instead of a spline evaluation per
    column (the transform was a fifth of calibrate's own time)."""
    u = np.asarray(u, dtype=float)
    n, d = len(u), u.shape[1]
    per = KNOTS + DEGREE - 1
    width = 1 + d * per
    out = np.zeros((n, width))
    out[:, 0] = 1.0
    if d == 0:
        return out
    t = u * (KNOTS - 1)
    cell = np.clip(t.astype(np.int64), 0, KNOTS - 2)
    s = t - cell
    s2, s3, r = s * s, s * s * s, 1 - s
    # flat positions of each row's first non-zero piece per parameter (faster than 2-D
    # fancy indexing by a factor of three)
    first = (np.arange(n)[:, None] * width + 1 + np.arange(d)[None, :] * per + cell).ravel()
    flat = out.reshape(-1)
    flat[first] = (r * r * r / 6).ravel()
    flat[first + 1] = ((3 * s3 - 6 * s2 + 4) / 6).ravel()
    flat[first + 2] = ((-3 * s3 + 3 * s2 + 3 * s + 1) / 6).ravel()
    flat[first + 3] = (s3 / 6).ravel()
    return out


def _newton(
    x: np.ndarray,
    y: np.ndarray,
    prior_variance: float,
    start: np.ndarray | None = None,
    steps: int = 50,
) -> tuple[np.ndarray, np.ndarray, float]:
    """Maximum a posteriori logistic coefficients by Newton's method, their Laplace
    covariance, and the Laplace approximation of the log evidence.

    Each coefficient but the intercept has a N(0, prior_variance) prior. Half a success
    and half a failure at the rows' mean (Jeffreys' pseudo-counts) keep the intercept
    finite and its variance honest when the event never or always happens: thousands of
    replicates without it then pin its probability near zero instead of leaving the
    log-odds unbounded and their variance huge. The evidence, log p(y) ≈ log p(y | β̂) +
    log p(β̂) + (k/2) log 2π − ½ log|H| (the flat intercept's constant dropped, the same
    for every variance), compares prior variances.
    """
    centre = x.mean(axis=0, keepdims=True)
    x = np.vstack([x, centre, centre])
    y = np.concatenate([y, [1.0, 0.0]])
    weight = np.concatenate([np.ones(len(y) - 2), [0.5, 0.5]])
    penalty = np.full(x.shape[1], 1.0 / prior_variance)
    penalty[0] = 0.0  # the intercept's prior is flat; the pseudo-counts bound it
    if start is None:
        beta = np.zeros(x.shape[1])
        beta[0] = float(logit((y @ weight) / weight.sum()))
    else:
        beta = start.copy()

    x32 = x.astype(np.float32)

    def hessian(beta: np.ndarray) -> np.ndarray:
        # X' W X in single precision (half the time of the largest product; its relative
        # error, ~1e-7, is far below what a Newton step or the Laplace covariance needs)
        p = expit(x @ beta)
        w = (weight * p * (1 - p)).astype(np.float32)
        return ((x32 * w[:, None]).T @ x32).astype(np.float64) + np.diag(penalty)

    for _ in range(steps):
        p = expit(x @ beta)
        gradient = x.T @ (weight * (y - p)) - penalty * beta
        step = np.linalg.solve(hessian(beta), gradient)
        beta += step
        if np.max(np.abs(step)) < 1e-6:  # log-odds moved by well under 1e-4
            break
    h = hessian(beta)
    eta = x @ beta
    loglik = float(weight @ (y * eta - np.logaddexp(0.0, eta)))
    logprior = float(-0.5 * np.sum(penalty * beta**2) + 0.5 * np.sum(np.log(penalty[1:])))
    _, logdet = np.linalg.slogdet(h)
    return beta, np.linalg.inv(h), loglik + logprior - 0.5 * float(logdet)


def _misfit(emu: Emulator, x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """(discrepancy, Brier score, Hosmer-Lemeshow p-value) on held-out replicates (as
    features `x`).

    Held-out rows are binned by predicted probability. When the Hosmer-Lemeshow test
    finds the bins' counts further from the predictions than binomial noise allows (at the
    5 % level), the excess of the observed log-odds' squared gaps over their noise is
    structural error, and its mean is the discrepancy variance; otherwise the emulator's
    own variance already explains the held-out data and the discrepancy is zero (adding
    a noisy estimate would blur every prediction for nothing).
    """
    if len(y) == 0:
        return 0.0, math.nan, math.nan
    p = expit(x @ emu.beta)
    brier = float(np.mean((p - y) ** 2))
    order = np.argsort(p, kind="stable")
    chi2, excess = 0.0, []
    bins = np.array_split(order, min(BINS, len(order)))
    for chunk in bins:
        k, n, q = y[chunk].sum(), len(chunk), p[chunk].mean()
        spread = max(q * (1 - q), 1e-9)
        chi2 += (k - n * q) ** 2 / (n * spread)
        observed = (k + 0.5) / (n + 1)  # kept off 0 and 1 so its log-odds are finite
        excess.append((float(logit(observed)) - float(logit(q))) ** 2 - 1.0 / (n * spread))
    p_value = float(stats.chi2.sf(chi2, max(len(bins) - 2, 1)))
    if p_value >= 0.05:
        return 0.0, brier, p_value
    # Misfit is established: each bin's excess counts only where it is positive, so a few
    # bins that happen to fit well cannot cancel the ones that do not (conservative).
    return math.sqrt(float(np.mean(np.maximum(excess, 0.0)))), brier, p_value


@dataclass
class Pooled:
    """One :class:`Emulator` over every combination of readings (a *stratum*), each
    combination a level of its own (an offset on the log-odds, one-hot features beside
    the splines), the other parameters' effects shared.

    Fitting one emulator per stratum instead split the rows eight ways on Belarus: about
    470 coefficients from 1,000 replicates each, and the held-out log loss came out
    *worse* than the base rate's (0.71 against 0.65 for accelerate_cooperation); pooled,
    it is 0.53. A scenario without readings has one level and no extra feature: this is
    then its single emulator. A stratum with few rows keeps its offset near the prior's
    zero with the prior's variance, so its rows are screened only as surely as the data
    allow."""

    emulator: Emulator
    levels: int = 1

    @classmethod
    def fit(cls, u: np.ndarray, y: np.ndarray, strata: np.ndarray, levels: int = 1) -> Pooled:
        x = with_levels(features(u), strata, levels)
        emulator = Emulator.fit_features(x, y)
        emulator.levels = levels if levels > 1 else 0
        return cls(emulator, levels)

    def within(
        self,
        x: np.ndarray,
        strata: np.ndarray,
        low: float,
        high: float,
        cutoff: float,
        extra: float,
    ) -> np.ndarray:
        """:meth:`Emulator.within` at each row's level (`extra`: the band's width)."""
        return self.emulator.within(x, low, high, cutoff, extra, self._strata(strata))

    def log_odds_of(self, x: np.ndarray, strata: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self.emulator.log_odds_of(x, self._strata(strata))

    def _strata(self, strata: np.ndarray) -> np.ndarray | None:
        return np.asarray(strata, dtype=np.int64) if self.emulator.levels else None

    def probability(self, u: np.ndarray, strata: np.ndarray) -> np.ndarray:
        return expit(self.log_odds_of(features(u), strata)[0])


def with_levels(x: np.ndarray, strata: np.ndarray, levels: int) -> np.ndarray:
    """Features `x` with one indicator column per stratum (none for a single one)."""
    if levels <= 1:
        return x
    onehot = np.zeros((len(x), levels))
    onehot[np.arange(len(x)), np.asarray(strata, dtype=np.int64)] = 1.0
    return np.hstack([x, onehot])
