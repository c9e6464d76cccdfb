"""Sensitivity sweeps: known indices on Ishigami, resume, common random numbers."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest
from SALib.test_functions import Ishigami

from sim.analysis.sweep import Factor, ModelEvaluator, Sweep, resolve_factors
from sim.analysis.sweep_run import run_sweep
from sim.engine.plan import Plan
from sim.runs.results import SweepResult, load
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import load as load_scenario
from tests.conftest import BELARUS


@dataclass
class AnalyticEvaluator:
    """A deterministic function as a sweep evaluator (every replicate gives f(x))."""

    fn: object = Ishigami.evaluate
    is_probability: bool = False
    calls: int = 0
    fail_after: int | None = None

    def __call__(self, x, start, stop):
        if self.fail_after is not None and self.calls >= self.fail_after:
            raise KeyboardInterrupt
        self.calls += 1
        return float(self.fn(x[None, :])[0]) * (stop - start), stop - start


def ishigami_truth(a: float = 7.0, b: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """Closed-form first-order and total indices of the Ishigami function."""
    pi4, pi8 = math.pi**4, math.pi**8
    v1 = 0.5 * (1 + b * pi4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * pi8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return np.array([v1, v2, 0.0]) / v, np.array([v1 + v13, v2, v13]) / v


ISHIGAMI = [Factor(f"x{i}", -math.pi, math.pi) for i in (1, 2, 3)]


@pytest.fixture(scope="module")
def ishigami_sweep(tmp_path_factory) -> SweepResult:
    sweep = Sweep(ISHIGAMI, "sobol", samples=1024, seed=11)
    out = tmp_path_factory.mktemp("ishigami") / "sweep"
    run_sweep(sweep, AnalyticEvaluator(), out, replicates=1)
    result = load(out)
    assert isinstance(result, SweepResult)
    return result


def test_sobol_indices_of_ishigami_match_the_closed_form(ishigami_sweep):
    s1, st = ishigami_truth()
    t = ishigami_sweep.indices
    assert list(t["factor"]) == ["x1", "x2", "x3"]
    assert np.all(np.abs(t["S1"] - s1) <= t["S1_conf"])
    assert np.all(np.abs(t["ST"] - st) <= t["ST_conf"])
    # and the intervals are informative, not wide enough to hold anything
    assert t["ST_conf"].max() < 0.1


def test_ishigami_ranking_and_second_order(ishigami_sweep):
    ranked = [r["factor"] for r in ishigami_sweep.summary["ranking"]]
    assert ranked == ["x1", "x2", "x3"]
    s2 = ishigami_sweep.second_order.set_index(["factor", "other"])["S2"]
    _, st = ishigami_truth()
    assert s2[("x1", "x3")] == pytest.approx(st[2], abs=0.1)  # the only interaction
    assert abs(s2[("x1", "x2")]) < 0.1


def test_interrupted_sweep_resumes_without_recomputing(tmp_path):
    sweep = Sweep(ISHIGAMI, "sobol", samples=64, seed=3)  # 512 points in 2 groups of 256
    reference = tmp_path / "ref"
    run_sweep(sweep, AnalyticEvaluator(), reference, replicates=1)
    out = tmp_path / "sweep"
    with pytest.raises(KeyboardInterrupt):
        run_sweep(sweep, AnalyticEvaluator(fail_after=300), out, replicates=1)
    assert len(list((out / "chunks").glob("*.parquet"))) == 1
    with pytest.raises(ScenarioError, match="incomplete"):
        load(out)
    counting = AnalyticEvaluator()
    run_sweep(sweep, counting, out, replicates=1, resume=True)
    assert counting.calls == len(sweep.X) - 256, "finished points were not evaluated again"
    assert not (out / "chunks").exists()
    assert (out / "points.parquet").read_bytes() == (reference / "points.parquet").read_bytes()


def test_target_halfwidth_adds_replicate_rounds(tmp_path):
    scenario = load_scenario(BELARUS)
    factors = resolve_factors(Plan(scenario), {"actors.kremlin.ambition": (0.1, 0.9)})
    sweep = Sweep(factors, "oat", levels=2, seed=5)
    evaluator = ModelEvaluator(scenario, sweep.names, seed=5)
    run_sweep(sweep, evaluator, tmp_path / "s", replicates=16, target=0.09, max_replicates=64)
    result = load(tmp_path / "s")
    rounds = result.manifest["rounds"]
    assert rounds[0] == [0, 16] and rounds[-1][1] <= 64 and len(rounds) > 1
    a = result.summary["adequacy"]
    assert a["target_met"] == (a["max_halfwidth"] <= 0.09)
    assert a["target_met"] or rounds[-1][1] == 64
