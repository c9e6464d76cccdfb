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
    from sim.analysis.calibrate import Target, Wave, plausible, plausible_for_all
    from sim.analysis.emulator import Stratified, features

    u = np.linspace(0.0, 1.0, 101)[:, None]
    x = features(u)
    falling = known([0.0, 3, 2, 1, 0, -1, -2, -3], np.eye(8) * 1e-6, 0.1)
    rising = known([1.0, -3, -2, -1, 0, 1, 2, 3], np.eye(8) * 1e-6, 0.1)
    target = Target("t", 0.3, 0.7, "likely", "claim", None)
    waves = [
        Wave(1, 100, {"t": Stratified({0: falling})}),
        Wave(2, 100, {"t": Stratified({0: rising})}),
    ]
    one = np.zeros(len(u), dtype=np.int64)  # a single stratum: no readings
    lo, hi = math.log(0.3 / 0.7), math.log(0.7 / 0.3)
    first, second = falling.within(x, lo, hi, 3.0), rising.within(x, lo, hi, 3.0)
    both = first & second
    assert both.any() and (second & ~first).any(), "the waves disagree on some rows"
    assert plausible_for_all(waves, [target], u, one, 3.0).tolist() == both.tolist()
    assert plausible(waves, [target], u, one, 3.0)[:, 0].tolist() == both.tolist()
