"""A sweep's parts on hand-set numbers (sim.analysis.sweep, sweep_spec, sweep_run): point
estimates and their intervals, whether the replicates are enough, the ranking, the
command line's ranges, a reading's option and the grouping of points into tasks (the sweeps
themselves, against closed forms, are in test_sweeps.py)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sim.analysis.sweep import adequacy, point_estimates, ranking
from sim.analysis.sweep_run import TASK_REPLICATES, _groups
from sim.analysis.sweep_spec import parse_vary
from sim.maths.stats import wilson
from sim.scenario.errors import UsageError


def test_a_probabilitys_point_estimates_carry_wilson_intervals():
    sums, counts = np.array([3.0, 0.0, 10.0]), np.array([10.0, 10.0, 10.0])
    t = point_estimates(sums, counts, is_probability=True)
    assert t["point"].tolist() == [0, 1, 2] and t["n"].tolist() == [10, 10, 10]
    assert t["n"].dtype == np.int64
    assert t["estimate"].tolist() == [0.3, 0.0, 1.0]
    for k, row in t.iterrows():
        low, high = wilson(int(sums[k]), 10)
        assert (row["low"], row["high"]) == pytest.approx((low, high))
        assert row["halfwidth"] == pytest.approx((high - low) / 2)


def test_a_mean_has_no_interval_of_its_own():
    t = point_estimates(np.array([12.0, 30.0]), np.array([4.0, 10.0]), is_probability=False)
    assert t["estimate"].tolist() == [3.0, 3.0]
    assert t["low"].tolist() == t["high"].tolist() == [3.0, 3.0]
    assert t["halfwidth"].tolist() == [0.0, 0.0]


def points(estimates: list[float], n: int, halfwidths: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"estimate": estimates, "n": [n] * len(estimates),
                         "halfwidth": halfwidths})  # fmt: skip


def test_adequacy_compares_the_monte_carlo_noise_with_the_spread_of_the_points():
    """Points 0.2 and 0.6 from 100 replicates each: the spread's variance is 0.08, the
    noise's mean p(1-p)/n is (0.16 + 0.24) / 2 / 100 = 0.002, a 2.5 % share."""
    indices = pd.DataFrame({"factor": ["a", "b"], "S1": [0.5, 0.1],
                            "S1_crosses_zero": [False, True],
                            "ST_crosses_zero": [True, False]})  # fmt: skip
    a = adequacy(points([0.2, 0.6], 100, [0.05, 0.09]), {"indices": indices}, 0.08)
    assert a["replicates_per_point"] == 100
    assert (a["max_halfwidth"], a["median_halfwidth"]) == pytest.approx((0.09, 0.07))
    assert (a["target_halfwidth"], a["target_met"]) == (0.08, False)
    assert a["noise_share_of_variance"] == pytest.approx(0.002 / 0.08)
    assert a["noise_warning"] is False
    assert a["flags"] == ["S1 of b crosses zero", "ST of a crosses zero"]


def test_adequacy_warns_when_noise_is_over_a_tenth_and_meets_a_target_at_its_edge():
    noisy = adequacy(points([0.5, 0.52], 10, [0.1, 0.1]), {"indices": pd.DataFrame()}, 0.1)
    assert noisy["noise_warning"] is True and noisy["target_met"] is True
    assert noisy["flags"] == []
    one = adequacy(points([0.5], 10, [0.1]), {"indices": pd.DataFrame()}, None)
    assert one["noise_share_of_variance"] == math.inf and one["target_met"] is None
    assert one["noise_warning"] is True


def test_adequacy_clips_estimates_outside_0_1_before_the_binomial_noise():
    """Estimates of 1.2 and -0.1 (a mean, not a share) add no binomial noise."""
    a = adequacy(points([1.2, -0.1], 10, [0.0, 0.0]), {"indices": pd.DataFrame()}, None)
    assert a["noise_share_of_variance"] == 0.0


def test_the_ranking_puts_the_design_score_first():
    indices = pd.DataFrame({"factor": ["a", "b", "c"], "ST": [0.2, 0.7, 0.4]})
    ranked = ranking({"indices": indices, "score": "ST"})
    assert ranked["factor"].tolist() == ["b", "c", "a"]
    assert ranked.index.tolist() == [0, 1, 2]


def test_ranges_from_the_command_line():
    assert parse_vary([" a.b = 0.2:0.9", "c.d"]) == {"a.b": (0.2, 0.9), "c.d": None}
    for bad in ("a.b=0.2", "a.b=low:high", "a.b=0.2:"):
        with pytest.raises(UsageError) as caught:
            parse_vary([bad])
        assert f"found {bad!r}" in str(caught.value) and "PATH=LOW:HIGH" in str(caught.value)


@pytest.mark.parametrize("replicates", [1, 7, TASK_REPLICATES, 3 * TASK_REPLICATES])
def test_points_are_grouped_into_tasks_of_about_the_same_work(replicates):
    """Every point once, in order, each task at most TASK_REPLICATES replicates' work (or
    one point, when one point is more)."""
    groups = _groups(23, replicates)
    assert [p for g in groups for p in g] == list(range(23))
    size = max(1, TASK_REPLICATES // replicates)
    assert all(len(g) == size for g in groups[:-1]) and 1 <= len(groups[-1]) <= size
