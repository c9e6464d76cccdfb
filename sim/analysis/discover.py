"""Scenario discovery: under which combinations of assumptions an outcome happens.

PRIM (Friedman & Fisher 1999; Bryant & Lempert 2010) peels the parameter space into a box
where the outcome is dense, trading coverage (the share of all cases the box holds)
against density (the share of the box's replicates with the outcome). The implementation
is the EMA Workbench's (``ema_workbench.analysis.prim``, BSD licence), with its quasi-
p-values and resampling stability; a CART tree (scikit-learn) is a second view, and
extra-trees feature scores (the Workbench's ``feature_scoring``) rank every parameter.

The chosen box is the one on the peeling trajectory with the largest coverage x density
among those at least as dense as the ``threshold``; restrictions whose quasi-p-value is above
``alpha`` are then dropped (a limit that noise alone could draw), and the next box is
searched for among the cases the earlier boxes do not cover.

Rows are a run's replicates (the ones it keeps, when observations reject some); a run of
a calibrated scenario is already drawn by the posterior's weights, so its rows count
alike. Randomness (the resampling) is seeded, so a run gives the same boxes every time.
"""

from __future__ import annotations

import datetime as dt
import logging
import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from sklearn.tree import DecisionTreeClassifier, export_text

from sim.analysis.discovery_report import (
    Box,
    DiscoveryReport,
    FeatureScore,
    IntervalLimit,
    Limit,
    OptionsLimit,
    Peeled,
    Trajectory,
)
from sim.engine.plan import Plan
from sim.runs.results import Run, SweepResult, outcome_label, outcome_values
from sim.scenario import paths
from sim.scenario.errors import UsageError
from sim.scenario.measures import is_outcome
from sim.scenario.outcomes import OUTCOME_LABELS
from sim.scenario.schema import Scenario

OUTCOMES = tuple(OUTCOME_LABELS)


#: Told how many steps of a discovery have just finished.
Step = Callable[[int], None]


@dataclass(frozen=True)
class DiscoverySettings:
    outcome: str = "persistent"
    by: dt.date | None = None
    threshold: float | None = None  # default: 0.8, or halfway from a higher base rate to 1
    alpha: float = 0.05
    boxes: int = 2
    min_coverage: float = 0.1  # a further box must hold at least this share of the cases
    seed: int = 0


def _workbench():
    """The EMA Workbench's PRIM and feature scoring, imported quietly (it warns about
    optional parallel back-ends this project does not use)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import feature_scoring, prim
    logging.getLogger("EMA").setLevel(logging.ERROR)
    return prim, feature_scoring


def outcome_of(run: Run, settings: DiscoverySettings) -> tuple[np.ndarray, str]:
    """The yes/no outcome per kept replicate, and its label."""
    start = dt.date.fromisoformat(run.start_date)
    return outcome_values(run.outcomes, start, settings.outcome, settings.by)


def _status(manifest: dict[str, Any]) -> dict[str, str]:
    """Each parameter's status (cited, assumption, ...) in a results folder's scenario."""
    scenario = Scenario.model_validate(manifest["scenario"])
    return {e.path: e.status for e in Plan(scenario).table}


def _named_readings(manifest: dict[str, Any], x: pd.DataFrame) -> pd.DataFrame:
    """Each reading's column as its options' names, a categorical factor: PRIM then
    restricts it to a set of options (not an interval of their arbitrary numbering), and
    the tree and scores see its categories, not a quantity."""
    scenario = Scenario.model_validate(manifest["scenario"])
    x = x.copy()
    for r in scenario.readings:
        column = paths.reading_param(r.name)
        if column in x:
            names = [o.name for o in r.options]
            codes = np.floor(x[column].to_numpy(dtype=float)).astype(int).clip(0, len(names) - 1)
            x[column] = pd.Categorical.from_codes(codes, categories=names)
    return x


def parameters_of(run: Run) -> pd.DataFrame:
    """The kept replicates' parameter values, the varying ones only."""
    p = run.parameters.set_index("replicate").loc[run.outcomes["replicate"]].reset_index(drop=True)
    return p[[c for c in p.columns if p[c].nunique() > 1]]


def sweep_rows(sweep: SweepResult, settings: DiscoverySettings) -> tuple[pd.DataFrame, np.ndarray]:
    """A sweep's replicate-level table, rebuilt from its points: replicates at a point
    share its factor values, so a point with k of n replicates showing the outcome
    stands for k rows that did and n - k that did not. Points that leave a factor at its
    distribution (one-at-a-time baselines) have no place in the box space and are left
    out."""
    from sim.scenario.measures import measure_column

    outcome = sweep.manifest["outcome"]
    try:
        asked = measure_column(settings.outcome, [outcome])  # a bare id names its column
    except UsageError:
        asked = None
    if asked != outcome or settings.by is not None:
        raise UsageError(
            f"this sweep measured '{outcome}' by the horizon; discover it with "
            f"--outcome {outcome} and no --by",
            "--outcome",
        )
    pts = sweep.points.dropna(subset=sweep.factors)
    n = pts["n"].to_numpy(dtype=int)
    k = np.rint(pts["estimate"].to_numpy() * n).astype(int)
    x = pts[sweep.factors].loc[pts.index.repeat(n)].reset_index(drop=True)
    y = np.concatenate([np.arange(m) < j for m, j in zip(n, k, strict=True)])
    return x, y


def rows_of(
    folder: Run | SweepResult, settings: DiscoverySettings
) -> tuple[pd.DataFrame, np.ndarray, dict[str, str], str]:
    """(parameter rows, outcomes, each parameter's status, the outcome's label) of a run
    (its kept replicates) or a sweep (its rebuilt replicate-level table)."""
    if isinstance(folder, SweepResult):
        x, y = sweep_rows(folder, settings)
        column = folder.manifest["outcome"]
        words = outcome_label(column) if is_outcome(column) else column.replace(".", " ", 1)
        label = f"{words} (sweep)"
    else:
        folder.require_kept()
        y, label = outcome_of(folder, settings)
        x = parameters_of(folder)
    status = _status(folder.manifest)
    x = _named_readings(folder.manifest, x)
    return x, y, {c: status.get(c, "") for c in x.columns}, label


@dataclass(frozen=True)
class Discovery:
    """What discovery found (``report``, what ``discovery.json`` holds) and the rows it
    explored: parameter values `x` and outcomes `y` (what the figures draw)."""

    report: DiscoveryReport
    x: pd.DataFrame
    y: np.ndarray


def discover(
    folder: Run | SweepResult,
    settings: DiscoverySettings = DiscoverySettings(),
    step: Step | None = None,
) -> Discovery:
    """PRIM boxes, a CART tree and feature scores for one outcome of a run or a sweep;
    `step` is told of each of the :func:`steps` as it finishes (a progress bar)."""
    x, y, status, label = rows_of(folder, settings)
    found = discover_rows(x, y, status, settings, step)
    return Discovery(replace(found, outcome=label), x, y)


def steps(settings: DiscoverySettings) -> int:
    """How many steps a discovery reports: one per box searched for, the feature scores,
    the tree."""
    return settings.boxes + 2


def discover_rows(
    x: pd.DataFrame,
    y: np.ndarray,
    status: dict[str, str],
    settings: DiscoverySettings = DiscoverySettings(),
    step: Step | None = None,
) -> DiscoveryReport:
    """Discovery on any table of parameter rows `x` and yes/no outcomes `y` (the report's
    `outcome` is left for the caller to name)."""
    y = np.asarray(y, dtype=bool)
    base = float(y.mean())
    empty = DiscoveryReport("", len(y), base, [], [], "", None, "")
    if y.all() or not y.any() or x.empty:
        why = (
            "it always happens"
            if y.all()
            else "it never happens"
            if not y.any()
            else "no parameter varies"
        )
        return replace(empty, note=f"nothing to discover: {why} in these rows")
    with warnings.catch_warnings():  # the Workbench's own pandas deprecations, not ours
        warnings.simplefilter("ignore", category=FutureWarning)
        warnings.simplefilter("ignore", category=DeprecationWarning)
        return _discover_rows(x, y, status, settings, base, empty, step or (lambda k: None))


def default_threshold(base: float) -> float:
    """The density a box must reach when none is asked for: 0.8, or halfway from a base
    rate above 0.6 to certainty, at most 0.95 (a box must be clearly denser than the
    cases as a whole, and reachable)."""
    return min(0.95, max(0.8, base + (1 - base) / 2))


def _discover_rows(
    x: pd.DataFrame,
    y: np.ndarray,
    status: dict[str, str],
    settings: DiscoverySettings,
    base: float,
    empty: DiscoveryReport,
    step: Step,
) -> DiscoveryReport:
    threshold = settings.threshold or default_threshold(base)
    prim, feature_scoring = _workbench()
    np.random.seed(settings.seed)  # the Workbench resamples with NumPy's global generator
    boxes, covered = [], np.zeros(len(y), dtype=bool)
    for k in range(settings.boxes):
        rest = ~covered
        if y[rest].sum() < max(10, settings.min_coverage * y.sum()):
            break
        found = _one_box(prim, x[rest].reset_index(drop=True), y[rest], threshold, settings)
        if found is None:
            break
        trajectory, chosen, limits = found
        inside = _inside(x, limits) & rest
        box = Box(
            trajectory=trajectory,
            chosen=chosen,
            limits=[replace(lim, status=status.get(lim.parameter, "")) for lim in limits],
            coverage=float((y & inside).sum() / y.sum()),
            density=float(y[inside].mean()) if inside.any() else 0.0,
            mass=float(inside.mean()),
            # the PRIM box on the trajectory, before limits are dropped
            peeled=Peeled(trajectory.coverage[chosen], trajectory.density[chosen]),
        )
        if k and (box.coverage < settings.min_coverage or box.density <= base):
            break  # a further box must hold a real share of the cases, densely
        boxes.append(box)
        covered |= inside
        step(1)
    step(settings.boxes - len(boxes))  # the boxes not searched for
    scores = [
        FeatureScore(p, s, status.get(p, ""))
        for p, s in _scores(feature_scoring, x, y, settings.seed)
    ]
    step(1)
    tree = _tree(x, y, settings.seed)
    step(1)
    return replace(empty, threshold=threshold, boxes=boxes, scores=scores, tree=tree)


#: The threshold the Workbench gets: rows with the outcome (1) are its cases and rows
#: without (0) are not, and any box holding a case passes its final check.
_ANY_CASE = 1e-9


def _one_box(
    prim: Any, x: pd.DataFrame, y: np.ndarray, threshold: float, settings: DiscoverySettings
) -> tuple[Trajectory, int, list[Limit]] | None:
    """Of the boxes on the trajectory dense enough, the one with the largest coverage x
    density (the knee of the trade-off: where peeling stops buying density cheaply); each
    limit whose quasi-p-value is above ``alpha`` (one noise alone could draw) goes back to
    the data's own bound. (The trajectory, the step chosen, the limits.)

    The Workbench is not given the density threshold: it checks only its last, pasted box
    and returns an empty trajectory when that box falls short, though boxes peeled on the
    way may be dense enough; the choice among them is made here. Its own threshold also
    says which rows are cases (``y >= threshold``), so it gets :data:`_ANY_CASE`."""
    p = prim.Prim(x, y, threshold=_ANY_CASE, peel_alpha=0.05, paste_alpha=0.05, mass_min=0.02)
    box = p.find_box()
    trajectory = box.peeling_trajectory
    dense = trajectory[trajectory["density"] >= threshold]
    if dense.empty:
        return None
    i = int((dense["coverage"] * dense["density"]).idxmax())
    box.select(i)
    lims, full = box.box_lims[i], box.box_lims[0]
    limits: list[Limit] = []
    for d, (qp_low, qp_high) in _quasi_p(box, i).items():
        if isinstance(x[d].dtype, pd.CategoricalDtype):
            every = [str(c) for c in x[d].cat.categories]
            limit = _options_limit(d, lims[d][0], every, min(qp_low, qp_high), settings)
        else:
            limit = _interval_limit(d, lims[d], full[d], (qp_low, qp_high), settings.alpha)
        if limit is not None:
            limits.append(limit)
    if not limits:
        return None
    stability = box.resample(i, iterations=10, p=0.5)

    def reproduced(d: str) -> float | None:
        # the Workbench reports percentages; kept here as a share
        return float(stability.loc[d, "reproduce coverage"]) / 100 if d in stability.index else None

    steps = trajectory[["coverage", "density", "mass", "res_dim"]].to_dict("list")
    limits = [replace(lim, reproduced=reproduced(lim.parameter)) for lim in limits]
    return Trajectory(**{str(k): v for k, v in steps.items()}), i, limits


def _interval_limit(
    d: str, kept: tuple, full: tuple, qp: tuple[float, float], alpha: float
) -> IntervalLimit | None:
    """A numeric factor's limit: each side the box moved, if its quasi-p-value is below
    `alpha`, else back at the data's own bound (None when neither side stays)."""
    low = float(kept[0]) if qp[0] < alpha else float(full[0])
    high = float(kept[1]) if qp[1] < alpha else float(full[1])
    if np.isclose(low, full[0]) and np.isclose(high, full[1]):
        return None
    return IntervalLimit(d, low, high, float(full[0]), float(full[1]), float(np.nanmin(qp)))


def _options_limit(
    d: str, kept: set, every: list[str], qp: float, settings: DiscoverySettings
) -> OptionsLimit | None:
    """A categorical factor's limit: the options the box keeps, in their declared order
    (None when it keeps them all, or noise alone could have dropped the others)."""
    kept = {str(o) for o in kept}
    if kept >= set(every) or qp >= settings.alpha:
        return None
    return OptionsLimit(d, [o for o in every if o in kept], every, float(qp))


def _quasi_p(box, i: int) -> dict[str, tuple[float, float]]:
    """Each restricted dimension's quasi-p-values of its lower and upper limits (1 for a
    side left at the data's bound). Read from the box's own record: the Workbench's
    ``inspect`` table cannot hold a categorical dimension's set of options."""
    return {
        str(d): tuple(1.0 if q is None or q < 0 or np.isnan(q) else float(q) for q in pair)
        for d, pair in box.qp[i].items()
    }


def _inside(x: pd.DataFrame, limits: list[Limit]) -> np.ndarray:
    """Rows of `x` inside every limit."""
    ok = np.ones(len(x), dtype=bool)
    for lim in limits:
        v = x[lim.parameter]
        if isinstance(lim, OptionsLimit):
            ok &= v.astype(str).isin(lim.options).to_numpy()
        else:
            ok &= (v.to_numpy() >= lim.low) & (v.to_numpy() <= lim.high)
    return ok


def _coded(x: pd.DataFrame) -> pd.DataFrame:
    """Categorical columns as their codes (for estimators that take numbers only)."""
    return x.apply(lambda c: c.cat.codes if isinstance(c.dtype, pd.CategoricalDtype) else c)


def _scores(feature_scoring, x: pd.DataFrame, y: np.ndarray, seed: int) -> list[tuple[str, float]]:
    scores = feature_scoring.get_ex_feature_scores(
        x, y.astype(int), max_features="sqrt", random_state=seed
    )[0]
    col = scores.columns[0]
    return [(str(p), float(s)) for p, s in scores[col].items()]


def _tree(x: pd.DataFrame, y: np.ndarray, seed: int) -> str:
    tree = DecisionTreeClassifier(
        max_depth=3, min_samples_leaf=max(20, len(y) // 50), random_state=seed
    )
    tree.fit(_coded(x), y)
    text = export_text(tree, feature_names=list(x.columns), show_weights=True)
    legend = [
        f"({c}: " + ", ".join(f"{k} = {name}" for k, name in enumerate(x[c].cat.categories)) + ")"
        for c in x.columns
        if isinstance(x[c].dtype, pd.CategoricalDtype) and c in text
    ]
    return "\n".join([text.rstrip("\n"), *legend])
