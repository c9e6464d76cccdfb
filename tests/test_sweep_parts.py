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
    # points 0.3 and 0.5 from 20 replicates: noise (0.21 + 0.25) / 2 / 20 = 0.0115 of a
    # spread variance 0.02, a share of 0.575: over a tenth, under one
    half = adequacy(points([0.3, 0.5], 20, [0.1, 0.1]), {"indices": pd.DataFrame()}, None)
    assert half["noise_share_of_variance"] == pytest.approx(0.575)
    assert half["noise_warning"] is True


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
        assert caught.value.option == "--vary"


@pytest.mark.parametrize("replicates", [1, 7, TASK_REPLICATES, 3 * TASK_REPLICATES])
def test_points_are_grouped_into_tasks_of_about_the_same_work(replicates):
    """Every point once, in order, each task at most TASK_REPLICATES replicates' work (or
    one point, when one point is more)."""
    groups = _groups(23, replicates)
    assert [p for g in groups for p in g] == list(range(23))
    size = max(1, TASK_REPLICATES // replicates)
    assert all(len(g) == size for g in groups[:-1]) and 1 <= len(groups[-1]) <= size


# ----------------------------------------------------------------------- designs


def two_factors(low=0.0, high=1.0):
    from sim.analysis.sweep import Factor

    return [Factor("a", low, high), Factor("b", 10.0, 20.0)]


def test_an_oat_design_is_the_baseline_then_each_factor_alone_at_its_levels():
    from sim.analysis.sweep import Sweep

    X = Sweep(two_factors(), "oat", levels=3).X
    nan = math.nan
    expected = [[nan, nan], [0, nan], [0.5, nan], [1, nan], [nan, 10], [nan, 15], [nan, 20]]
    assert X.shape == (7, 2)
    assert np.array_equal(X, np.array(expected), equal_nan=True)


def test_an_oat_analysis_reads_each_factors_block_and_its_swing():
    """y = baseline 9, then a's three levels (1, 5, 2) and b's (3, 4, 7)."""
    from sim.analysis.sweep import Sweep

    result = Sweep(two_factors(), "oat", levels=3).analyze(np.array([9, 1, 5, 2, 3, 4, 7]))
    table = result["indices"].set_index("factor")
    assert result["baseline"] == 9.0 and result["score"] == "swing" and result["design"] == "oat"
    assert table.loc["a", ["at_low", "at_high", "min", "max", "swing"]].tolist() == [1, 2, 1, 5, 4]
    assert table.loc["b", ["at_low", "at_high", "min", "max", "swing"]].tolist() == [3, 7, 3, 7, 4]
    assert table.loc["b", ["low", "high"]].tolist() == [10.0, 20.0]


def test_a_grid_is_every_combination_and_its_swing_is_of_the_factors_mean_effect():
    """y = 2a + b/10 on a 3 x 3 grid: a's means move by 2 over [0, 1], b's by 1."""
    from sim.analysis.sweep import Sweep

    sweep = Sweep(two_factors(), "grid", levels=3)
    X = sweep.X
    assert X.shape == (9, 2) and {tuple(r) for r in X} == {
        (a, b) for a in (0.0, 0.5, 1.0) for b in (10.0, 15.0, 20.0)
    }
    result = sweep.analyze(2 * X[:, 0] + X[:, 1] / 10)
    assert result["score"] == "swing"
    swing = result["indices"].set_index("factor")["swing"]
    assert swing["a"] == pytest.approx(2.0) and swing["b"] == pytest.approx(1.0)


def test_a_latin_hypercube_ranks_factors_by_their_rank_correlation():
    """y rises with a and falls with b (more weakly): |Spearman| puts a first; a constant
    outcome correlates with nothing."""
    from sim.analysis.sweep import Sweep

    sweep = Sweep(two_factors(), "lhs", samples=200, seed=3)
    X = sweep.X
    assert X.shape == (200, 2)
    assert X[:, 0].min() >= 0 and X[:, 0].max() <= 1 and X[:, 1].min() >= 10
    result = sweep.analyze((X[:, 0] ** 3 - X[:, 1] / 100) / 10)  # a range under 1
    assert result["score"] == "abs_spearman"
    table = result["indices"].set_index("factor")
    assert table.loc["a", "spearman"] > 0.9 and table.loc["b", "spearman"] < 0
    assert table.loc["b", "abs_spearman"] == -table.loc["b", "spearman"]
    flat = sweep.analyze(np.ones(200))["indices"]
    assert flat["spearman"].tolist() == [0.0, 0.0]


def test_morris_elementary_effects_of_a_linear_function_have_no_spread():
    from sim.analysis.sweep import Sweep

    sweep = Sweep(two_factors(), "morris", samples=10, levels=6, seed=2)
    X = sweep.X
    y = 3 * X[:, 0] + 0.05 * X[:, 1] + 0.3 * X[:, 0] ** 2
    result = sweep.analyze(y)
    assert list(result["indices"].columns) == ["factor", "mu", "mu_star", "mu_star_conf", "sigma"]
    again = sweep.analyze(y)["indices"]
    assert again.equals(result["indices"]), "the bootstrap intervals repeat from the seed"
    linear = sweep.analyze(3 * X[:, 0] + 0.05 * X[:, 1])
    table = linear["indices"].set_index("factor")
    assert linear["score"] == "mu_star"
    assert table.loc["a", "mu_star"] > table.loc["b", "mu_star"] > 0
    # levels=6: steps of 6 / (2 x 5) = 0.6 of the range; a's effect is exactly 3 per unit
    assert table.loc["a", "mu_star"] == pytest.approx(3.0)
    assert np.allclose(table["sigma"], 0.0, atol=1e-9)
    assert np.allclose(table["mu"], table["mu_star"])


def test_sobol_has_second_order_indices_only_when_asked_and_only_for_sobol():
    from sim.analysis.sweep import Sweep

    assert Sweep(two_factors(), "sobol", samples=8).second_order
    assert not Sweep(two_factors(), "sobol", samples=8, second_order=False).second_order
    assert not Sweep(two_factors(), "lhs", samples=8).second_order
    with_pairs = Sweep(two_factors(), "sobol", samples=8)
    assert len(with_pairs.X) == 8 * (2 * 2 + 2)
    assert len(Sweep(two_factors(), "sobol", samples=8, second_order=False).X) == 8 * (2 + 2)
    X = with_pairs.X
    result = with_pairs.analyze(X[:, 0] + X[:, 1] / 10)
    assert result["second_order"][["factor", "other"]].values.tolist() == [["a", "b"]]
    assert list(result["second_order"].columns) == ["factor", "other", "S2", "S2_conf"]
    flags = result["indices"]
    assert (flags["S1_crosses_zero"] == (flags["S1"] - flags["S1_conf"] <= 0)).all()
    assert (flags["ST_crosses_zero"] == (flags["ST"] - flags["ST_conf"] <= 0)).all()
    assert with_pairs.analyze(X[:, 0] + X[:, 1] / 10)["indices"].equals(flags), "seeded"
    first_only = Sweep(two_factors(), "sobol", samples=8, second_order=False)
    alone = first_only.analyze(first_only.X[:, 0] + first_only.X[:, 1] / 10)
    assert "second_order" not in alone and len(alone["indices"]) == 2


@pytest.mark.parametrize(
    ("design", "kwargs", "factors", "message"),
    [
        ("tornado", {}, 2, "design: unknown design 'tornado' (expected one of oat, grid, lhs,"),
        ("sobol", {"samples": 12}, 2, "samples: Sobol sampling needs a power of two; found 12"),
        ("sobol", {"samples": 1}, 2, "samples: Sobol sampling needs a power of two; found 1"),
        ("sobol", {"samples": 8}, 1, "factors: a sobol design needs at least two factors"),
        ("morris", {}, 1, "factors: a morris design needs at least two factors"),
        ("grid", {"levels": 300}, 2, "design: the design has 90,000 points (more than 50,000)"),
    ],
)
def test_designs_that_cannot_be_run_are_refused_with_what_to_change(
    design, kwargs, factors, message
):
    from sim.analysis.sweep import Sweep
    from sim.scenario.errors import ScenarioError

    with pytest.raises(ScenarioError) as caught:
        Sweep(two_factors()[:factors], design, **kwargs)
    assert str(caught.value).startswith(message), str(caught.value)


def test_designs_within_the_limits_are_accepted():
    from sim.analysis.sweep import MAX_POINTS, Sweep

    assert len(Sweep(two_factors(), "sobol", samples=2).X) == 12
    assert len(Sweep(two_factors()[:1], "oat", levels=3).X) == 4
    side = math.isqrt(MAX_POINTS)
    assert len(Sweep(two_factors(), "grid", levels=side).X) == side * side


def test_the_digest_names_the_design_matrix():
    from sim.analysis.sweep import Sweep

    a = Sweep(two_factors(), "lhs", samples=16, seed=1)
    assert a.digest == Sweep(two_factors(), "lhs", samples=16, seed=1).digest
    assert a.digest != Sweep(two_factors(), "lhs", samples=16, seed=2).digest
    assert len(a.digest) == 64


def test_the_salib_problem_names_each_factor_with_its_bounds():
    from sim.analysis.sweep import Sweep

    problem = Sweep(two_factors(), "oat").problem
    assert problem == {"num_vars": 2, "names": ["a", "b"], "bounds": [[0.0, 1.0], [10.0, 20.0]]}


# ----------------------------------------------------------------------- factors


@pytest.fixture(scope="module")
def belarus_plan():
    from sim.engine.plan import Plan
    from sim.scenario.loader import load
    from tests.conftest import BELARUS

    return Plan(load(BELARUS))


def test_a_factor_without_a_range_spans_the_parameters_support_or_a_readings_options(
    belarus_plan,
):
    from sim.analysis.sweep import Factor, resolve_factors

    factors = resolve_factors(
        belarus_plan,
        {
            "actors.kremlin.ambition": None,  # uniform(0.2, 0.9)
            "readings.starting_state": None,  # two options
            "actors.kremlin.support": (0.1, 0.3),
        },
    )
    assert factors == [
        Factor("actors.kremlin.ambition", 0.2, 0.9),
        Factor("readings.starting_state", 0.0, 2.0),
        Factor("actors.kremlin.support", 0.1, 0.3),
    ]


@pytest.mark.parametrize(
    ("ranges", "message"),
    [
        ({}, "factors: name at least one parameter to vary"),
        (
            {"actors.kremlin.ambition": (0.5, 0.5)},
            "actors.kremlin.ambition: the range must have low < high; found 0.5 to 0.5",
        ),
        ({"actors.kremlin.ambition": (0.5, 1.5)}, "must lie in [0, 1]"),
        ({"actors.kremlin.ambitio": None}, "did you mean 'actors.kremlin.ambition'"),
    ],
)
def test_factors_that_cannot_be_swept_are_refused(belarus_plan, ranges, message):
    from sim.analysis.sweep import resolve_factors
    from sim.scenario.errors import ScenarioError

    with pytest.raises(ScenarioError) as caught:
        resolve_factors(belarus_plan, ranges)
    assert message in str(caught.value)
    assert "fixed in the scenario" not in str(caught.value)


def test_a_reading_swept_takes_the_option_its_share_of_the_range_falls_in(belarus_plan):
    from sim.analysis.sweep import category

    path = "readings.starting_state"
    got = [category(belarus_plan, path, x) for x in (-0.5, 0.0, 0.99, 1.0, 1.99, 2.0, 7.0)]
    assert got == [0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0]
    assert category(belarus_plan, "actors.kremlin.ambition", 0.537) == 0.537


def test_a_model_evaluator_fixes_the_swept_values_and_leaves_nan_at_its_distribution(
    belarus_plan,
):
    from sim.analysis.sweep import ModelEvaluator

    paths = ["actors.kremlin.ambition", "readings.starting_state", "actors.kremlin.support"]
    evaluator = ModelEvaluator(belarus_plan.scenario, paths, seed=1)
    plan = evaluator.plan_at(np.array([0.4, 1.5, math.nan]))
    specs = {p: plan.table[plan.index[p]].spec for p in paths}
    assert specs["actors.kremlin.ambition"].value == 0.4
    assert specs["readings.starting_state"].value == 1.0
    base = belarus_plan.table[belarus_plan.index["actors.kremlin.support"]].spec
    assert specs["actors.kremlin.support"] == base
    hits, n = evaluator(np.array([0.4, 1.5, math.nan]), 2, 5)
    assert n == 3 and 0 <= hits <= 3 and hits == int(hits)


def test_a_model_evaluator_counts_its_outcome_in_the_replicates_of_its_seed(belarus_plan):
    """Against the replicates run directly: replicates 10-40 of seed 7, for a question
    (which reads its dates off the plan) and for persistence."""
    from sim.analysis.sweep import ModelEvaluator
    from sim.engine.replicate import outcome_holds, run_replicates

    paths = ["actors.kremlin.ambition"]
    question = "question.forces_in_belarus_new_year"
    x = np.array([0.7])
    for outcome in (question, "persistent"):
        evaluator = ModelEvaluator(belarus_plan.scenario, paths, seed=7, outcome=outcome)
        plan = evaluator.plan_at(x)
        runs = run_replicates(plan, 7, 10, 40, events=False)
        expected = sum(outcome_holds(plan, run, outcome) for run in runs)
        assert evaluator(x, 10, 40) == (float(expected), 30)
        assert 0 < expected < 30, "an outcome that varies, so the seed matters"


def test_a_fixed_parameter_swept_without_a_range_is_told_to_give_one(belarus_plan):
    from sim.analysis.sweep import resolve_factors
    from sim.scenario.errors import ScenarioError

    with pytest.raises(ScenarioError) as caught:
        resolve_factors(belarus_plan, {"tracks.presence.status_quo.cost": None})
    assert "(the parameter is fixed in the scenario: give a range)" in str(caught.value)


# ----------------------------------------------------------------------- sweep files


def test_a_sweep_file_names_its_scenario_relative_to_itself(tmp_path):
    from sim.analysis.sweep_spec import load_sweep

    folder = tmp_path / "sweeps"
    folder.mkdir()
    spec_file = folder / "s.yaml"
    spec_file.write_text(
        "sweep:\n  scenario: ../scenarios/x.yaml\n  design: morris\n"
        "  vary:\n    actors.kremlin.ambition: [0.1, 0.5]\n    actors.kremlin.support:\n"
    )
    spec = load_sweep(spec_file)
    assert spec.scenario == str(folder / "../scenarios/x.yaml")
    assert spec.vary == {"actors.kremlin.ambition": (0.1, 0.5), "actors.kremlin.support": None}
    assert (spec.design, spec.samples, spec.replicates, spec.outcome) == (
        "morris", 64, 32, "persistent"
    )  # fmt: skip


@pytest.mark.parametrize(
    ("design", "levels", "expected"), [("morris", None, 4), ("oat", None, 5), ("oat", 3, 3)]
)
def test_a_design_without_levels_takes_its_own_default(design, levels, expected):
    from sim.analysis.sweep_spec import SweepSpec

    spec = SweepSpec(scenario="x.yaml", design=design, vary={"a": None}, levels=levels)
    assert spec.n_levels == expected


def test_a_bare_path_on_the_command_line_keeps_its_own_range_and_spaces_are_trimmed():
    assert parse_vary(["a.b ", " c.d=1:2"]) == {"a.b": None, "c.d": (1.0, 2.0)}
