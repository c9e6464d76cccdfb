"""Sensitivity sweeps: known indices on Ishigami, resume, common random numbers."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
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


@dataclass
class Linear:
    """y = 2a + b at every replicate (a factor left at its distribution counts as 0), or
    raises `fails` once `calls` reaches `fail_at`."""

    is_probability: bool = False
    calls: int = 0
    fail_at: int | None = None
    fails: type[BaseException] = ZeroDivisionError

    def __call__(self, x, start, stop):
        self.calls += 1
        if self.fail_at is not None and self.calls >= self.fail_at:
            raise self.fails("a bug in the evaluator")
        a, b = np.nan_to_num(x)
        return float(2 * a + b) * (stop - start), stop - start


LINEAR = [Factor("a", 0.0, 1.0), Factor("b", 0.0, 0.5)]


@dataclass
class Half:
    """A probability of exactly one half at every point (half of each window's replicates)."""

    is_probability: bool = True

    def __call__(self, x, start, stop):
        return float((stop - start) // 2), stop - start


def test_a_finished_sweep_folder_holds_its_design_points_analysis_and_record(tmp_path):
    """An OAT sweep of y = 2a + b at 3 levels: the baseline 0, a's swing 2, b's 0.5."""
    sweep = Sweep(LINEAR, "oat", levels=3, seed=4)
    out = run_sweep(sweep, Linear(), tmp_path / "s", replicates=3, info={"outcome": "y"})
    m = json.loads((out / "manifest.json").read_text())
    assert m["kind"] == "sweep" and m["status"] == "complete" and m["outcome"] == "y"
    assert (m["design"], m["samples"], m["levels"], m["seed"]) == ("oat", 64, 3, 4)
    assert m["factors"] == [{"path": "a", "low": 0.0, "high": 1.0},
                            {"path": "b", "low": 0.0, "high": 0.5}]  # fmt: skip
    assert m["second_order"] is False and m["design_sha256"] == sweep.digest
    assert m["points"] == 7 and m["rounds"] == [[0, 3]] and m["replicates_done"] == 3
    assert (m["replicates"], m["target_halfwidth"], m["max_replicates"]) == (3, None, 1024)
    assert 0 <= m["wall_seconds"] < 60 and "finished" in m and "reason" not in m
    design = pd.read_parquet(out / "design.parquet")
    assert design["point"].tolist() == list(range(7))
    assert np.array_equal(design[["a", "b"]].to_numpy(), sweep.X, equal_nan=True)
    points = pd.read_parquet(out / "points.parquet")
    assert points["estimate"].tolist() == pytest.approx([0, 0, 1, 2, 0, 0.25, 0.5])
    assert points["n"].tolist() == [3] * 7 and list(points.columns[-2:]) == ["a", "b"]
    assert np.array_equal(points[["a", "b"]].to_numpy(), sweep.X, equal_nan=True)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["design"] == "oat" and summary["score"] == "swing"
    assert summary["baseline"] == 0.0
    assert [(r["factor"], r["swing"]) for r in summary["ranking"]] == [("a", 2.0), ("b", 0.5)]
    assert summary["adequacy"]["replicates_per_point"] == 3
    indices = pd.read_parquet(out / "indices.parquet")
    assert indices["factor"].tolist() == ["a", "b"]
    assert not (out / "chunks").exists() and not (out / "second_order.parquet").exists()


def test_a_sobol_sweep_writes_its_second_order_indices(tmp_path):
    sweep = Sweep(LINEAR, "sobol", samples=8, seed=1)
    out = run_sweep(sweep, Linear(), tmp_path / "s", replicates=1)
    pairs = pd.read_parquet(out / "second_order.parquet")
    assert pairs[["factor", "other"]].values.tolist() == [["a", "b"]]


@pytest.mark.parametrize(
    ("fails", "reason"),
    [(KeyboardInterrupt, "interrupted"),
     (ZeroDivisionError, "failed: ZeroDivisionError: a bug in the evaluator")],
)  # fmt: skip
def test_a_stopped_sweep_says_why_and_a_changed_design_cannot_resume_it(tmp_path, fails, reason):
    sweep = Sweep(LINEAR, "oat", levels=3)
    out = tmp_path / "s"
    with pytest.raises(fails):
        run_sweep(sweep, Linear(fail_at=2, fails=fails), out, replicates=300)
    m = json.loads((out / "manifest.json").read_text())
    assert m["status"] == "incomplete" and m["reason"] == reason
    assert sorted(p.name[:4] for p in (out / "chunks").glob("*.parquet")) in ([], ["r00-"])
    other = Sweep(LINEAR, "oat", levels=4)
    with pytest.raises(ScenarioError) as caught:
        run_sweep(other, Linear(), out, replicates=300, resume=True)
    assert str(caught.value) == (
        f"{out}: the sweep's design differs from the one being resumed "
        "(factors, ranges, design, samples or seed changed)"
    )
    with pytest.raises(ScenarioError, match="replicates"):
        run_sweep(sweep, Linear(), out, replicates=200, resume=True)  # other settings
    run_sweep(sweep, Linear(), out, replicates=300, resume=True)
    assert json.loads((out / "manifest.json").read_text())["status"] == "complete"


def test_rounds_double_the_replicates_until_the_target_or_the_cap(tmp_path):
    """A probability that is always 1/2 has Wilson half-width about 0.98/sqrt(n): 0.1 needs
    n near 96, so rounds run [0, 16), [16, 32), [32, 64), [64, 128)."""

    sweep = Sweep(LINEAR, "oat", levels=2)
    out = run_sweep(sweep, Half(), tmp_path / "s", replicates=16, target=0.1)
    m = json.loads((out / "manifest.json").read_text())
    assert m["rounds"] == [[0, 16], [16, 32], [32, 64], [64, 128]]
    assert m["replicates_done"] == 128
    capped = run_sweep(sweep, Half(), tmp_path / "c", replicates=16, target=0.1, max_replicates=40)
    m = json.loads((capped / "manifest.json").read_text())
    assert m["rounds"] == [[0, 16], [16, 32], [32, 40]] and m["replicates_done"] == 40
    points = pd.read_parquet(capped / "points.parquet")
    assert points["n"].tolist() == [40] * 5 and points["estimate"].tolist() == [0.5] * 5


def test_progress_counts_every_replicate_of_every_point(tmp_path):
    told = []
    sweep = Sweep(LINEAR, "oat", levels=3)
    run_sweep(sweep, Linear(), tmp_path / "s", replicates=5, progress=told.append)
    assert sum(told) == 7 * 5
    told.clear()  # rounds of 5, then 5 more, then 10: 20 replicates at each point
    run_sweep(sweep, Half(), tmp_path / "r", replicates=5, target=1e-9, max_replicates=20,
              progress=told.append)  # fmt: skip
    assert sum(told) == 7 * 20
