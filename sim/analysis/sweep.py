"""Sensitivity sweeps: which assumption drives the answer?

A :class:`Sweep` carries one question through its whole analysis (the way SALib's
``ProblemSpec`` does): the factors and their ranges, the design matrix, the evaluation of
every design point (written to disk in chunks, resumable), and the indices.

Designs: ``oat`` (one factor at a time at ``levels`` values, the others left at their
scenario distributions), ``grid`` (full factorial), ``lhs`` (Latin hypercube), ``sobol``
(Saltelli sampling; first, total and second-order indices) and ``morris`` (elementary
effects; mu* and sigma), the last three through SALib.

A design point fixes the swept parameters; every other parameter is still drawn per
replicate. Replicate ``i`` has the same seed at every point (common random numbers), so
points differ by their factors, not by their luck.
"""

from __future__ import annotations

import hashlib
import itertools
import math
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Protocol

import numpy as np
import pandas as pd
from scipy import stats as sstats

from sim.analysis.sweep_spec import DESIGNS, Design
from sim.engine.plan import Plan
from sim.engine.replicate import outcome_holds, run_replicates
from sim.maths.stats import wilson
from sim.scenario.errors import ScenarioError
from sim.scenario.params import ParamSpec
from sim.scenario.schema import Scenario

MAX_POINTS = 50_000


@dataclass(frozen=True)
class Factor:
    """A swept parameter: its path in the parameter table and its range."""

    path: str
    low: float
    high: float


class Evaluator(Protocol):
    """Evaluates one design point over replicates [start, stop): (sum of outcome, count)."""

    is_probability: bool

    def __call__(self, x: np.ndarray, start: int, stop: int) -> tuple[float, int]: ...


@dataclass
class ModelEvaluator:
    """The wargame model as a sweep evaluator: the share of replicates with `outcome`."""

    scenario: Scenario
    paths: list[str]
    seed: int
    outcome: str = "persistent"
    is_probability: bool = True

    @cached_property
    def base(self) -> Plan:
        return Plan(self.scenario)

    def plan_at(self, x: np.ndarray) -> Plan:
        """The plan with the swept parameters fixed at `x` (NaN leaves one as it is); a
        reading, a categorical factor on [0, options), takes option floor(x)."""
        fixed = {
            p: category(self.base, p, float(v))
            for p, v in zip(self.paths, x, strict=True)
            if not math.isnan(v)
        }
        return self.base.overridden(fixed)

    def __call__(self, x: np.ndarray, start: int, stop: int) -> tuple[float, int]:
        plan = self.plan_at(x)
        runs = run_replicates(plan, self.seed, start, stop, events=False)
        hits = sum(outcome_holds(plan, run, self.outcome) for run in runs)
        return float(hits), stop - start


def category(plan: Plan, path: str, x: float) -> float:
    """`x` as the value a sweep fixes: itself, or for a categorical entry (a reading)
    the option floor(x), so each option takes an equal share of the factor's range."""
    spec = plan.table[plan.index[path]].spec
    if spec.categorical is None:
        return x
    return float(min(max(math.floor(x), 0), len(spec.categorical) - 1))


def resolve_factors(plan: Plan, ranges: dict[str, tuple[float, float] | None]) -> list[Factor]:
    """Factors from parameter paths; a missing range means the parameter's own support.

    Unknown paths and ranges outside a parameter's declared bounds are ScenarioErrors.
    """
    if not ranges:
        raise ScenarioError.single("name at least one parameter to vary", field="factors")
    out = []
    for path, rng in ranges.items():
        if path not in plan.index:
            plan.overridden({path: 0.0})  # raises the error, with a "did you mean"
        spec = plan.table[plan.index[path]].spec
        reading = spec.categorical is not None  # options 0 .. k-1, swept on [0, k)
        if rng is not None:
            low, high = rng
        else:
            low, high = (0.0, float(len(spec.categorical))) if reading else spec.support
        if not low < high:
            hint = "" if rng else " (the parameter is fixed in the scenario: give a range)"
            raise ScenarioError.single(
                f"the range must have low < high; found {low:g} to {high:g}{hint}", field=path
            )
        if not reading:  # a reading's option is clipped to its options (`category`)
            plan.overridden({path: ParamSpec(uniform=(low, high))})  # checks declared bounds
        out.append(Factor(path, float(low), float(high)))
    return out


class Sweep:
    """A design over factors, and the analysis of its evaluations."""

    def __init__(
        self,
        factors: list[Factor],
        design: Design,
        *,
        samples: int = 64,
        levels: int = 5,
        seed: int = 0,
        second_order: bool = True,
    ):
        if design not in DESIGNS:
            raise ScenarioError.single(
                f"unknown design '{design}' (expected one of {', '.join(DESIGNS)})", field="design"
            )
        if design == "sobol" and (samples < 2 or samples & (samples - 1)):
            raise ScenarioError.single(
                f"Sobol sampling needs a power of two; found {samples}", field="samples"
            )
        if design in ("sobol", "morris") and len(factors) < 2:
            raise ScenarioError.single(
                f"a {design} design needs at least two factors", field="factors"
            )
        self.factors = factors
        self.design = design
        self.samples = samples
        self.levels = levels
        self.seed = seed
        self.second_order = second_order and design == "sobol"
        if len(self.X) > MAX_POINTS:
            raise ScenarioError.single(
                f"the design has {len(self.X):,} points (more than "
                f"{MAX_POINTS:,}); use fewer factors, levels or samples",
                field="design",
            )

    @property
    def names(self) -> list[str]:
        return [f.path for f in self.factors]

    @cached_property
    def problem(self) -> dict[str, Any]:
        """The SALib problem dictionary."""
        return {
            "num_vars": len(self.factors),
            "names": self.names,
            "bounds": [[f.low, f.high] for f in self.factors],
        }

    @cached_property
    def X(self) -> np.ndarray:
        """The design matrix: one row per point; NaN leaves a factor at its distribution."""
        d = len(self.factors)
        if self.design == "oat":
            rows = [np.full(d, np.nan)]
            for j, f in enumerate(self.factors):
                for v in np.linspace(f.low, f.high, self.levels):
                    row = np.full(d, np.nan)
                    row[j] = v
                    rows.append(row)
            return np.vstack(rows)
        if self.design == "grid":
            axes = [np.linspace(f.low, f.high, self.levels) for f in self.factors]
            count = self.levels**d
            if count > MAX_POINTS:
                return np.empty((count, 0))
            return np.array(list(itertools.product(*axes)), dtype=float)
        if self.design == "lhs":
            from SALib.sample import latin

            return latin.sample(self.problem, self.samples, seed=self.seed)
        if self.design == "sobol":
            from SALib.sample import sobol

            return sobol.sample(
                self.problem, self.samples, seed=self.seed, calc_second_order=self.second_order
            )
        from SALib.sample import morris

        return morris.sample(self.problem, self.samples, num_levels=self.levels, seed=self.seed)

    @cached_property
    def digest(self) -> str:
        """SHA-256 of the design matrix, to check a resumed sweep has the same design."""
        return hashlib.sha256(np.ascontiguousarray(self.X).tobytes()).hexdigest()

    # ------------------------------------------------------------------ analysis

    def analyze(self, y: np.ndarray) -> dict[str, Any]:
        """Indices and a ranking of the factors from the point estimates `y`."""
        y = np.asarray(y, dtype=float)
        method = getattr(self, f"_analyze_{self.design}")
        result = method(y)
        result["design"] = self.design
        return result

    def _analyze_sobol(self, y: np.ndarray) -> dict[str, Any]:
        from SALib.analyze import sobol

        # SALib seeds its bootstrap only when `seed` is truthy, so seed 0 drew fresh
        # intervals on every call; a generator seeded with it is the same stream for every
        # other seed and a fixed one for 0
        rng = np.random.default_rng(self.seed)
        si = sobol.analyze(
            self.problem, y, calc_second_order=self.second_order, conf_level=0.95, seed=rng
        )
        table = pd.DataFrame(
            {
                "factor": self.names,
                "S1": si["S1"],
                "S1_conf": si["S1_conf"],
                "ST": si["ST"],
                "ST_conf": si["ST_conf"],
            }
        )
        table["S1_crosses_zero"] = table["S1"] - table["S1_conf"] <= 0
        table["ST_crosses_zero"] = table["ST"] - table["ST_conf"] <= 0
        out: dict[str, Any] = {"indices": table, "score": "ST"}
        if self.second_order:
            pairs = [
                (a, b, si["S2"][i, j], si["S2_conf"][i, j])
                for (i, a), (j, b) in itertools.combinations(enumerate(self.names), 2)
            ]
            out["second_order"] = pd.DataFrame(pairs, columns=["factor", "other", "S2", "S2_conf"])
        return out

    def _analyze_morris(self, y: np.ndarray) -> dict[str, Any]:
        from SALib.analyze import morris

        si = morris.analyze(
            self.problem, self.X, y, num_levels=self.levels, seed=self.seed, conf_level=0.95
        )
        table = pd.DataFrame(
            {
                "factor": self.names,
                "mu": si["mu"],
                "mu_star": si["mu_star"],
                "mu_star_conf": si["mu_star_conf"],
                "sigma": si["sigma"],
            }
        )
        return {"indices": table, "score": "mu_star"}

    def _analyze_oat(self, y: np.ndarray) -> dict[str, Any]:
        rows = []
        for j, f in enumerate(self.factors):
            block = y[1 + j * self.levels : 1 + (j + 1) * self.levels]
            rows.append(
                {
                    "factor": f.path,
                    "low": f.low,
                    "high": f.high,
                    "at_low": block[0],
                    "at_high": block[-1],
                    "min": block.min(),
                    "max": block.max(),
                    "swing": block.max() - block.min(),
                }
            )
        return {"indices": pd.DataFrame(rows), "score": "swing", "baseline": float(y[0])}

    def _analyze_grid(self, y: np.ndarray) -> dict[str, Any]:
        rows = []
        for j, f in enumerate(self.factors):
            means = pd.Series(y).groupby(self.X[:, j]).mean()
            rows.append({"factor": f.path, "swing": float(means.max() - means.min())})
        return {"indices": pd.DataFrame(rows), "score": "swing"}

    def _analyze_lhs(self, y: np.ndarray) -> dict[str, Any]:
        rows = []
        for j, f in enumerate(self.factors):
            rho = sstats.spearmanr(self.X[:, j], y).statistic if np.ptp(y) > 0 else 0.0
            rows.append({"factor": f.path, "spearman": float(rho), "abs_spearman": abs(rho)})
        return {"indices": pd.DataFrame(rows), "score": "abs_spearman"}


def ranking(analysis: dict[str, Any]) -> pd.DataFrame:
    """The factors ordered by the design's importance score, most important first."""
    table = analysis["indices"]
    return table.sort_values(analysis["score"], ascending=False, ignore_index=True)


def point_estimates(sums: np.ndarray, counts: np.ndarray, is_probability: bool) -> pd.DataFrame:
    """Per-point estimate with its 95 % interval (Wilson for probabilities)."""
    est = sums / counts
    if is_probability:
        bounds = np.array([wilson(round(k), int(n)) for k, n in zip(sums, counts, strict=True)])
        low, high = bounds[:, 0], bounds[:, 1]
    else:
        low = high = est
    return pd.DataFrame(
        {
            "point": np.arange(len(est)),
            "n": counts.astype(np.int64),
            "estimate": est,
            "low": low,
            "high": high,
            "halfwidth": (high - low) / 2,
        }
    )


def adequacy(
    points: pd.DataFrame, analysis: dict[str, Any], target: float | None
) -> dict[str, Any]:
    """Is the replicate count enough? Interval half-widths, the share of the spread of the
    point estimates that is Monte Carlo noise, and Sobol intervals that cross zero."""
    hw = points["halfwidth"]
    var_y = float(points["estimate"].var(ddof=1)) if len(points) > 1 else 0.0
    p = points["estimate"].clip(0, 1)
    noise = float((p * (1 - p) / points["n"]).mean())
    flags = []
    table = analysis["indices"]
    for col in ("S1", "ST"):
        if f"{col}_crosses_zero" in table:
            flags += [
                f"{col} of {f} crosses zero"
                for f in table.loc[table[f"{col}_crosses_zero"], "factor"]
            ]
    share = noise / var_y if var_y > 0 else math.inf
    return {
        "replicates_per_point": int(points["n"].min()),
        "max_halfwidth": float(hw.max()),
        "median_halfwidth": float(hw.median()),
        "target_halfwidth": target,
        "target_met": None if target is None else bool(hw.max() <= target),
        "noise_share_of_variance": share,
        "noise_warning": share > 0.1,
        "flags": flags,
    }
