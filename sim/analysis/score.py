"""Scoring forecasts against what happened: Brier, logarithmic and skill scores, the CORP
decomposition and reliability diagram.

A run's forecast for a question is the share of its (kept) replicates in which the
question's event happened. Runs of a calibrated scenario draw their parameters from the
posterior by weight, so their replicates are already posterior draws and are scored
unweighted. A resolutions file (``resolutions:`` with ``id``, ``value: yes|no``,
``resolved`` date and ``source``) is the user's, never the scenario's.

The scores come from scikit-learn (``brier_score_loss``, ``log_loss``). The Brier score
is decomposed by CORP (:mod:`sim.maths.corp`: isotonic recalibration, miscalibration −
discrimination + uncertainty, with consistency bands), which stays meaningful for Monte
Carlo forecasts whose values are all distinct; grouping by distinct value (Murphy 1973)
would make every group one forecast and "reliability" equal to the Brier score.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats
from sklearn.metrics import brier_score_loss, log_loss

from sim.analysis.resolutions import Resolution, read_resolutions
from sim.analysis.scorecard import (
    CorpCurve,
    CorpSummary,
    Difference,
    PairedMean,
    RunScores,
    Scorecard,
    ScoredForecast,
    Unresolved,
)
from sim.maths.corp import corp
from sim.runs import folder
from sim.runs.results import Batch, Run
from sim.scenario.errors import ScenarioError

BOOTSTRAP = 2000
MIN_FOR_INTERVAL = 10  # forecasts needed before a bootstrap interval means anything
CLIP = 1e-4  # a forecast of exactly 0 or 1 would make the log score infinite


@dataclass(frozen=True)
class Forecast:
    run: str
    question: str
    text: str
    p: float
    low: float
    high: float
    n: int
    start: dt.date
    end: dt.date | None = None  # None: a run written before questions recorded it
    metric: str = ""
    negate: bool = False

    def too_early(self, value: bool, resolved: dt.date) -> bool:
        """Whether an answer dated `resolved` cannot be known yet: the state on a day
        (``present_on``, ``rung_on``) only on that day; otherwise the answer that needs
        the whole window ('no', or 'yes' for a negated question) only at its end."""
        if self.end is None or resolved >= self.end:
            return False
        return self.metric in ("present_on", "rung_on") or value == self.negate


def runs_of(paths: list[str | Path]) -> list[Run]:
    """The runs in the folders given: a run folder is itself, a batch its members."""
    out: list[Run] = []
    for path in paths:
        loaded = folder.load(path, kinds=("run", "batch"), command="score")
        out += [loaded.run(m) for m in loaded.members] if isinstance(loaded, Batch) else [loaded]
    return out


def forecasts_of(runs: list[Run]) -> list[Forecast]:
    out = []
    counts: dict[str, int] = {}
    for run in runs:
        counts[run.name] = counts.get(run.name, 0) + 1
    for run in runs:
        run.require_kept()
        start = dt.date.fromisoformat(run.start_date)
        label = run.name if counts[run.name] == 1 else f"{run.name} [{run.path.name}]"
        for q in run.summary.questions:
            e = q.estimate
            out.append(
                Forecast(
                    label,
                    q.id,
                    q.question,
                    e.p,
                    e.low,
                    e.high,
                    e.n,
                    start,
                    dt.date.fromisoformat(q.end) if q.end else None,
                    q.metric,
                    q.negate,
                )
            )
    return out


def resolutions_for(path: Path, forecasts: list[Forecast]) -> list[Resolution]:
    """The resolutions file, each entry checked against the question the runs ask: not
    dated before the scenario starts, nor before its answer could be known."""
    asked = {f.question: f for f in forecasts}

    def check(r: Resolution) -> list[tuple[str, str]]:
        f = asked[r.id]
        if r.resolved < f.start:
            before = f"resolved {r.resolved} is before the scenario starts ({f.start})"
            return [("resolved", before)]
        if f.too_early(r.value, r.resolved):
            answer = "yes" if r.value else "no"
            return [
                (
                    "resolved",
                    f"'{answer}' on {r.resolved} is before the question's end "
                    f"({f.end}), when that answer is first known",
                )
            ]
        return []

    return read_resolutions(path, asked, "the runs", check)


def corp_summary(p: np.ndarray, o: np.ndarray) -> CorpSummary:
    """The CORP decomposition of the Brier score and its reliability curve."""
    c = corp(p, o)
    return CorpSummary(
        brier=c.score,
        miscalibration=c.mcb,
        discrimination=c.dsc,
        uncertainty=c.unc,
        miscalibration_band=list(c.mcb_band),
        level=c.level,
        resamples=c.resamples,
        curve=CorpCurve(
            forecast=c.forecasts.tolist(),
            recalibrated=c.recalibrated.tolist(),
            band_low=c.band_low.tolist(),
            band_high=c.band_high.tolist(),
        ),
    )


def skill(brier: float, reference: float) -> float | None:
    """Brier skill score against a reference forecaster's Brier score."""
    return None if reference <= 0 else 1.0 - brier / reference


def scores(p: np.ndarray, o: np.ndarray) -> dict[str, Any]:
    """Brier, log score and skill against 0.5 and against the base rate."""
    brier = float(brier_score_loss(o, p))
    base = float(o.mean())
    return {
        "brier": brier,
        "log": float(log_loss(o, np.clip(p, CLIP, 1 - CLIP), labels=[0, 1])),
        "skill_vs_half": skill(brier, 0.25),
        "skill_vs_base_rate": skill(brier, base * (1 - base)),
    }


def bootstrap(p: np.ndarray, o: np.ndarray, seed: int = 0) -> dict[str, list[float]] | None:
    """95 % intervals of the scores, resampling forecasts (None when too few)."""
    if len(p) < MIN_FOR_INTERVAL:
        return None
    rng = np.random.default_rng(seed)
    draws = {"brier": [], "log": [], "skill_vs_half": []}
    for _ in range(BOOTSTRAP):
        k = rng.integers(len(p), size=len(p))
        s = scores(p[k], o[k])
        for key in draws:
            draws[key].append(s[key])
    return {
        k: [float(np.quantile(v, 0.025)), float(np.quantile(v, 0.975))] for k, v in draws.items()
    }


def score(runs: list[Run], resolutions_file: Path) -> Scorecard:
    """Score every run's questions that have resolved; list those that have not."""
    forecasts = forecasts_of(runs)
    if not forecasts:
        raise ScenarioError.single(
            "the runs ask no questions (add questions: to the scenario)", file=str(runs[0].path)
        )
    resolved = {r.id: r for r in resolutions_for(resolutions_file, forecasts)}
    rows, unresolved = [], []
    for f in forecasts:
        r = resolved.get(f.question)
        if r is None:
            unresolved.append(Unresolved(f.run, f.question, f.p))
        else:
            rows.append(_scored(f, r))
    names = list(dict.fromkeys(f.run for f in forecasts))
    by_run = [_run_scores(name, [r for r in rows if r.run == name]) for name in names]
    differences = [_paired(rows, names[0], name) for name in names[1:]]
    pooled = None
    if rows and len(names) == 1:  # pooled figures only where nothing is pooled across runs
        p = np.array([r.p for r in rows], dtype=float)
        pooled = corp_summary(p, np.array([r.outcome for r in rows], dtype=int))
    return Scorecard(rows, unresolved, by_run, differences, pooled)


def _scored(f: Forecast, r: Resolution) -> ScoredForecast:
    """A forecast and its resolution, with its Brier and (capped) log score terms."""
    o = float(r.value)
    p_of_outcome = f.p if r.value else 1 - f.p
    return ScoredForecast(
        run=f.run,
        question=f.question,
        text=f.text,
        p=f.p,
        low=f.low,
        high=f.high,
        n=f.n,
        outcome=int(r.value),
        resolved=r.resolved.isoformat(),
        source=r.source,
        brier=(f.p - o) ** 2,
        log=float(-np.log(np.clip(p_of_outcome, CLIP, 1))),
        clipped=bool(p_of_outcome < CLIP),
    )


def _run_scores(name: str, rows: list[ScoredForecast]) -> RunScores:
    """One run's scores over its own resolved questions (never pooled with another's)."""
    if not rows:
        return RunScores(name, 0)
    p = np.array([r.p for r in rows], dtype=float)
    o = np.array([r.outcome for r in rows], dtype=int)
    return RunScores(
        run=name,
        n=len(rows),
        **scores(p, o),
        base_rate=float(o.mean()),
        interval=bootstrap(p, o),
    )


def _paired(rows: list[ScoredForecast], base: str, other: str) -> Difference:
    """`other` minus `base`, question by question over the questions both resolved: the
    mean difference of Brier and log scores with a 95 % paired t interval (questions are
    few, so Student's t with k - 1 degrees of freedom rather than a bootstrap)."""
    a = {r.question: r for r in rows if r.run == base}
    b = {r.question: r for r in rows if r.run == other}
    shared = [q for q in a if q in b]
    brier = np.array([b[q].brier - a[q].brier for q in shared], dtype=float)
    log = np.array([b[q].log - a[q].log for q in shared], dtype=float)
    return Difference(other, base, shared, paired_t(brier), paired_t(log))


def paired_t(d: np.ndarray, confidence: float = 0.95) -> PairedMean:
    """Mean of paired differences `d` with its Student-t interval (None below 2 pairs)."""
    if d.size == 0:
        return PairedMean(None, None, None)
    mean = float(d.mean())
    if d.size < 2:
        return PairedMean(mean, None, None)
    half = float(stats.t.ppf(0.5 + confidence / 2, d.size - 1) * d.std(ddof=1) / np.sqrt(d.size))
    return PairedMean(mean, mean - half, mean + half)
