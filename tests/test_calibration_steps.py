"""History matching's steps on hand-set inputs (sim.analysis.calibration.steps and
.diagnostics): the band likelihood against numerical integration, the largest set of
targets that can hold together, which parameters are free, and the weighted summaries
against their definitions."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import integrate, stats

from sim.analysis.calibration.diagnostics import describe, ess, weighted_quantile
from sim.analysis.calibration.settings import Target
from sim.analysis.calibration.steps import band_likelihood, closest_set, free_entries
from sim.engine.draws import Entry
from sim.scenario.errors import UsageError
from sim.scenario.params import ParamSpec

# ------------------------------------------------------------------ the band likelihood


def by_quadrature(mean: float, sd: float, low: float, high: float, softness: float) -> float:
    """E[L(eta)], eta ~ N(mean, sd^2), integrated numerically (the slow exact way)."""

    def band(eta: float) -> float:
        d = max(low - eta, 0.0, eta - high)
        if softness <= 0:
            return float(d == 0.0)
        return float(np.exp(-(d**2) / (2 * softness**2)))

    density = stats.norm(mean, sd).pdf
    edges = [mean - 12 * sd, low, high, mean + 12 * sd]
    pieces = sorted(edges)
    return sum(
        integrate.quad(lambda e: band(e) * density(e), a, b, limit=200)[0]
        for a, b in itertools.pairwise(pieces)
    )


@pytest.mark.parametrize("softness", [0.0, 0.3, 1.0])
@pytest.mark.parametrize(
    ("mean", "sd"), [(0.0, 1.0), (-2.5, 0.4), (1.7, 2.0), (0.2, 0.05), (4.0, 0.7)]
)
def test_the_band_likelihood_is_the_integral_of_the_band_over_the_emulators_belief(
    mean, sd, softness
):
    low, high = -0.5, 0.8
    closed = float(band_likelihood(np.array([mean]), np.array([sd]), low, high, softness)[0])
    assert closed == pytest.approx(by_quadrature(mean, sd, low, high, softness), abs=1e-7)


def test_a_certain_emulator_reads_the_band_at_its_mean():
    """sd 0: the hard band is 1 inside, 0 outside; the soft one falls off as a Gaussian of
    the distance to the nearer edge."""
    mean = np.array([0.0, 2.0, -3.0])
    sd = np.zeros(3)
    assert band_likelihood(mean, sd, -1.0, 1.0, 0.0).tolist() == [1.0, 0.0, 0.0]
    soft = band_likelihood(mean, sd, -1.0, 1.0, 0.5)
    assert soft == pytest.approx([1.0, np.exp(-1 / (2 * 0.25)), np.exp(-4 / (2 * 0.25))])


def test_an_emulator_that_knows_nothing_gives_no_likelihood():
    """An infinite standard deviation (a row the emulator cannot place) gives 0."""
    out = band_likelihood(np.array([0.0]), np.array([np.inf]), -1.0, 1.0, 0.5)
    assert out.tolist() == [0.0]


# ------------------------------------------------------------------ targets together


def targets(*ids: str) -> list[Target]:
    return [Target(i, 0.1, 0.9, "likely", "claim", None) for i in ids]


def test_the_largest_set_of_targets_some_row_meets_together_and_the_conflicts():
    """Rows x targets a, b, c: a and b never hold together; {a, c} holds on two rows,
    {b, c} on one, so {a, c} is the closest set."""
    ok = np.array([
        [1, 0, 1],
        [1, 0, 1],
        [0, 1, 1],
        [0, 1, 0],
    ], dtype=bool)  # fmt: skip
    best, conflicts = closest_set(ok, targets("a", "b", "c"))
    assert best == [0, 2] and conflicts == [("a", "b")]


def test_targets_that_all_hold_somewhere_are_all_kept():
    ok = np.array([[1, 1], [0, 1]], dtype=bool)
    assert closest_set(ok, targets("a", "b")) == ([0, 1], [])


def test_a_target_no_row_meets_is_neither_kept_nor_a_conflict():
    ok = np.array([[1, 0], [1, 0]], dtype=bool)
    assert closest_set(ok, targets("a", "b")) == ([0], [])
    assert closest_set(np.zeros((2, 2), dtype=bool), targets("a", "b")) == ([], [])


# ------------------------------------------------------------------ free parameters


TABLE = [
    Entry("patron.ambition", ParamSpec(uniform=(0.2, 0.8))),
    Entry("patron.cost", ParamSpec(value=0.3)),
    Entry("client.resolve", ParamSpec(triangular=(0.0, 0.5, 1.0))),
]


def test_every_uncertain_parameter_is_free_unless_some_are_named():
    assert [e.path for e in free_entries(TABLE, None)] == ["patron.ambition", "client.resolve"]
    named = free_entries(TABLE, ("client.resolve",))
    assert [e.path for e in named] == ["client.resolve"]


def test_a_free_parameter_that_is_unknown_or_fixed_is_refused_with_its_reason():
    with pytest.raises(UsageError, match=r"no parameter 'patron\.ambitio'.*patron\.ambition"):
        free_entries(TABLE, ("patron.ambitio",))
    with pytest.raises(UsageError, match=r"'patron\.cost' is a fixed value, not a distribution"):
        free_entries(TABLE, ("patron.cost",))


# ------------------------------------------------------------------ weighted summaries


def test_kish_effective_sample_size():
    assert ess(np.array([1.0, 1.0, 1.0, 1.0])) == pytest.approx(4.0)
    assert ess(np.array([3.0, 1.0])) == pytest.approx(16 / 10)
    assert ess(np.array([])) == 0.0 and ess(np.zeros(3)) == 0.0


def test_the_weighted_quantile_is_the_first_value_whose_cumulative_weight_reaches_it():
    x = np.array([3.0, 1.0, 2.0, 4.0])
    w = np.array([1.0, 1.0, 2.0, 0.0])  # sorted: 1 (0.25), 2 (0.75), 3 (1.0), 4 (1.0)
    assert [weighted_quantile(x, w, q) for q in (0.1, 0.25, 0.3, 0.75, 0.8, 1.0)] == [
        1.0, 1.0, 2.0, 2.0, 3.0, 3.0]  # fmt: skip


def test_describe_gives_the_weighted_mean_sd_and_90_percent_interval():
    x = np.arange(1.0, 21.0)
    w = np.ones(20)
    d = describe(x, w)
    assert d["mean"] == pytest.approx(10.5)
    assert d["sd"] == pytest.approx(np.std(x))
    assert (d["q05"], d["q95"]) == (1.0, 19.0)
    heavy = describe(np.array([0.0, 10.0]), np.array([3.0, 1.0]))
    assert heavy["mean"] == pytest.approx(2.5) and heavy["sd"] == pytest.approx(np.sqrt(18.75))
