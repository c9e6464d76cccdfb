"""The space a calibration moves, on Belarus (three readings of two options each): a
reading's quantile snapped to the middle of its option, each row's combination of
readings, values drawn from the row's own reading, and rows from calibration's own
streams; and on a scenario without readings, one stratum."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from sim.analysis.calibration.settings import BATCH
from sim.analysis.calibration.space import FreeSpace
from sim.analysis.calibration.steps import free_entries
from sim.engine.plan import Plan
from sim.scenario.loader import load
from tests.conftest import BELARUS, ROOT

STARTING = "readings.starting_state"  # weights (0.675, 0.325)
NEARLY = "readings.nearly_continuous"  # weights (0.5, 0.5)
AMBITION = "actors.kremlin.ambition"  # uniform(0.2, 0.9) under every reading


@pytest.fixture(scope="module")
def belarus() -> Plan:
    return Plan(load(BELARUS))


def space(plan: Plan, free: tuple[str, ...] | None) -> FreeSpace:
    return FreeSpace(plan, free_entries(plan.table, free), seed=4)


def test_a_readings_quantile_is_snapped_to_the_middle_of_its_options_interval(belarus):
    """Options of weight 0.675 and 0.325: quantiles below 0.675 become 0.3375, the rest
    0.8375 (0.675 itself opens the second option); other parameters stay where they are."""
    s = space(belarus, (STARTING, AMBITION, NEARLY))
    u = np.array([[0.1, 0.1, 0.49], [0.674, 0.5, 0.5], [0.675, 0.9, 0.99]])
    snapped = s.snapped(u.copy())
    assert snapped[:, 0].tolist() == pytest.approx([0.3375, 0.3375, 0.8375])
    assert snapped[:, 1].tolist() == [0.1, 0.5, 0.9]
    assert snapped[:, 2].tolist() == pytest.approx([0.25, 0.75, 0.75])


def test_each_row_falls_in_the_variant_of_the_options_its_quantiles_pick(belarus):
    """The stratum is the variant whose readings are the options drawn; readings not
    freed sit at their median (0.5: starting_state's first option, nearly_continuous's
    second, shoigu_meeting's first)."""
    mixture = belarus.mixture
    s = space(belarus, (STARTING, NEARLY))
    u = np.array([[0.1, 0.2], [0.9, 0.2], [0.1, 0.8], [0.9, 0.8]])
    strata = s.strata(u)
    picked = [(int(a >= 0.675), int(b >= 0.5)) for a, b in u]
    shoigu = 0  # its median, 0.5, is below its first option's weight 0.675
    for variant, (a, b) in zip(strata, picked, strict=True):
        assert mixture.combos[variant] == (a, b, shoigu), (variant, a, b)
    assert len(set(strata.tolist())) == 4
    assert s.levels == len(mixture.plans) == 8


def test_without_a_freed_reading_every_row_is_one_stratum(belarus):
    s = space(belarus, (AMBITION,))
    assert s.strata(np.random.default_rng(0).random((5, 1))).tolist() == [0] * 5
    assert s.levels == 1
    toy = Plan(load(ROOT / "tests" / "fixtures" / "toy_calibration.yaml"))
    assert toy.mixture is None
    plain = space(toy, None)
    assert plain.strata(np.full((3, len(plain.paths)), 0.5)).tolist() == [0, 0, 0]
    assert plain.levels == 1 and plain.categories == []


def test_values_come_from_each_rows_own_reading(belarus):
    """Kremlin ambition is uniform(0.2, 0.9) under every reading: its value is the
    quantile function at the row's quantile; a reading's own value is its option."""
    s = space(belarus, (AMBITION, STARTING))
    u = s.snapped(np.array([[0.0, 0.1], [0.5, 0.9], [1.0, 0.5]]))
    values = s.values(u)
    assert values[:, 0].tolist() == pytest.approx(stats.uniform(0.2, 0.7).ppf([0.0, 0.5, 1.0]))
    assert values[:, 1].tolist() == [0.0, 1.0, 0.0]


def test_values_without_readings_are_the_priors_quantile_functions():
    toy = Plan(load(ROOT / "tests" / "fixtures" / "toy_calibration.yaml"))
    s = space(toy, None)
    u = np.array([[0.25] * len(s.paths), [0.75] * len(s.paths)])
    values = s.values(u)
    uniform = [j for j, e in enumerate(s.free) if e.spec.uniform is not None]
    assert uniform, "the toy's θ is uniform"
    for j in uniform:
        low, high = s.free[j].spec.uniform
        expected = [low + (high - low) * q for q in (0.25, 0.75)]
        assert values[:, j].tolist() == pytest.approx(expected)


def test_rows_come_from_calibrations_own_stream_per_key_and_batch(belarus):
    s = space(belarus, (AMBITION, STARTING))
    a = s.candidates(1, 0)
    assert a.shape == (BATCH, 2)
    assert np.array_equal(a, s.candidates(1, 0))
    assert not np.array_equal(a, s.candidates(1, 1)) and not np.array_equal(a, s.candidates(2, 0))
    assert set(np.unique(a[:, 1]).round(6)) == {0.3375, 0.8375}, "readings snapped"
    other = FreeSpace(belarus, s.free, seed=5)
    assert not np.array_equal(a, other.candidates(1, 0)), "the seed matters"
    prior = s.prior_values(64, 3)
    assert prior.shape == (64, 2) and np.array_equal(prior, s.prior_values(64, 3))
    assert set(prior[:, 1]) <= {0.0, 1.0} and 0.2 <= prior[:, 0].min() <= prior[:, 0].max() <= 0.9
    assert not np.array_equal(prior, s.prior_values(64, 4))
