"""CORP reliability: the Consistent, Optimally binned, Reproducible and PAV-based
reliability diagram and score decomposition of Dimitriadis, Gneiting and Jordan (2021,
PNAS 118, e2016191118).

Binning forecasts by hand (ten equal bins, or Murphy's grouping by distinct value) says
nothing stable when forecasts are Monte Carlo shares: every value is distinct, so each
group holds one forecast and "reliability" equals the Brier score. CORP instead
recalibrates the forecasts by isotonic regression of the outcomes on them
(pool-adjacent-violators: the non-decreasing map closest to the outcomes in squared
error, which chooses its own bins), and decomposes the mean score exactly:

    S(x) = MCB - DSC + UNC,   MCB = S(x) - S(x_hat),  DSC = S(r) - S(x_hat),  UNC = S(r),

with ``x_hat`` the recalibrated forecasts and ``r`` the base rate (the mean outcome), S the
mean Brier score. MCB (miscalibration) is 0 for a calibrated forecaster, DSC
(discrimination) is what the forecasts know beyond the base rate, UNC the outcomes' own
variance. Whether a miscalibration is more than chance is read off *consistency bands*:
outcomes redrawn as Bernoulli(x) at the same forecasts (the forecaster calibrated by
construction), recalibrated the same way, their pointwise quantiles around the diagonal,
and the same resamples give the band of MCB under calibration.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.isotonic import IsotonicRegression


@dataclass(frozen=True)
class Corp:
    """A CORP decomposition and reliability curve (module docstring), forecasts sorted."""

    forecasts: np.ndarray  # x, ascending
    outcomes: np.ndarray  # y, in the forecasts' order
    recalibrated: np.ndarray  # x_hat, the PAV fit at each x
    score: float  # mean Brier score of x
    mcb: float  # miscalibration
    dsc: float  # discrimination
    unc: float  # uncertainty
    band_low: np.ndarray  # consistency band at each x (calibrated forecaster)
    band_high: np.ndarray
    mcb_band: tuple[float, float]  # MCB's range under calibration, at the same level
    level: float  # the bands' coverage
    resamples: int

    @property
    def miscalibrated(self) -> bool:
        """Whether MCB lies above what a calibrated forecaster shows at `level`."""
        return self.mcb > self.mcb_band[1]


def recalibrate(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The PAV (isotonic, non-decreasing) fit of outcomes `y` on forecasts `x`, at x; tied
    forecasts share one value."""
    return IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit_transform(x, y)


def brier(x: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean((x - y) ** 2))


def decompose(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float, float]:
    """(score, MCB, DSC, UNC) of forecasts `x` for outcomes `y`; score = MCB - DSC + UNC."""
    fit = recalibrate(x, y)
    s_x, s_c = brier(x, y), brier(fit, y)
    s_r = brier(np.full_like(x, y.mean()), y)
    return s_x, s_x - s_c, s_r - s_c, s_r


def corp(
    p: np.ndarray, y: np.ndarray, resamples: int = 1000, level: float = 0.9, seed: int = 0
) -> Corp:
    """The CORP decomposition of forecasts `p` for binary outcomes `y`, with consistency
    bands from `resamples` calibrated redraws (seeded: the same input, the same bands)."""
    p, y = np.asarray(p, dtype=float), np.asarray(y, dtype=float)
    if p.shape != y.shape or p.ndim != 1 or p.size == 0:
        raise ValueError("forecasts and outcomes must be two 1-d arrays of the same length")
    order = np.argsort(p, kind="stable")
    x, y = p[order], y[order]
    score, mcb, dsc, unc = decompose(x, y)
    rng = np.random.default_rng(seed)
    fits = np.empty((resamples, x.size))
    mcbs = np.empty(resamples)
    for k in range(resamples):
        y_star = (rng.random(x.size) < x).astype(float)
        fits[k] = recalibrate(x, y_star)
        mcbs[k] = brier(x, y_star) - brier(fits[k], y_star)
    tail = (1 - level) / 2
    return Corp(
        forecasts=x,
        outcomes=y,
        recalibrated=recalibrate(x, y),
        score=score,
        mcb=mcb,
        dsc=dsc,
        unc=unc,
        band_low=np.quantile(fits, tail, axis=0),
        band_high=np.quantile(fits, 1 - tail, axis=0),
        mcb_band=(float(np.quantile(mcbs, tail)), float(np.quantile(mcbs, 1 - tail))),
        level=level,
        resamples=resamples,
    )
