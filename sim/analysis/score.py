"""Scoring forecasts against what happened: Brier, logarithmic and skill scores, Murphy's
decomposition and the reliability diagram.

A run's forecast for a question is the share of its (kept) replicates in which the
question's event happened. Runs of a calibrated scenario draw their parameters from the
posterior by weight, so their replicates are already posterior draws and are scored
unweighted. A resolutions file (``resolutions:`` with ``id``, ``value: yes|no``,
``resolved`` date and ``source``) is the user's, never the scenario's.

The scores come from scikit-learn (``brier_score_loss``, ``log_loss``,
``calibration_curve``). Murphy's decomposition groups forecasts by their distinct values,
for which Brier = reliability − resolution + uncertainty holds exactly (Murphy 1973).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pandas as pd
from pydantic import Field
from sklearn.calibration import calibration_curve
from sklearn.metrics import brier_score_loss, log_loss

from sim.runs import folder
from sim.runs.results import Batch, Run
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import locate, read_yaml, validate_as
from sim.scenario.schema import Name, Strict

BOOTSTRAP = 2000
MIN_FOR_INTERVAL = 10  # forecasts needed before a bootstrap interval means anything
CLIP = 1e-4  # a forecast of exactly 0 or 1 would make the log score infinite


class Resolution(Strict):
    id: Name
    value: bool
    resolved: dt.date
    source: str


class Resolutions(Strict):
    resolutions: Annotated[list[Resolution], Field(min_length=1)]


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
    for run in runs:
        run.require_kept()
        start = dt.date.fromisoformat(run.start_date)
        for q in run.summary.get("questions", []):
            end = q.get("end")
            out.append(
                Forecast(
                    run.name,
                    q["id"],
                    q["question"],
                    q["p"],
                    q["low"],
                    q["high"],
                    q["n"],
                    start,
                    dt.date.fromisoformat(end) if end else None,
                    q.get("metric", ""),
                    bool(q.get("negate", False)),
                )
            )
    return out


def read_resolutions(path: Path, forecasts: list[Forecast]) -> list[Resolution]:
    """The resolutions file, each entry checked against the questions the runs ask."""
    data, locs = read_yaml(path)
    model = validate_as(Resolutions, data, locs, str(path))
    known = {f.question for f in forecasts}
    starts = {f.question: f.start for f in forecasts}
    asked = {f.question: f for f in forecasts}
    problems = []
    seen: set[str] = set()
    for i, r in enumerate(model.resolutions):
        at = ("resolutions", i)
        found = []
        if r.id not in known:
            hint = f" (the runs ask: {', '.join(sorted(known))})" if known else ""
            found.append(((*at, "id"), f"no question '{r.id}' in the runs{hint}"))
        elif r.resolved < starts[r.id]:
            found.append(
                (
                    (*at, "resolved"),
                    f"resolved {r.resolved} is before the scenario starts ({starts[r.id]})",
                )
            )
        elif asked[r.id].too_early(r.value, r.resolved):
            answer = "yes" if r.value else "no"
            found.append(
                (
                    (*at, "resolved"),
                    f"'{answer}' on {r.resolved} is before the question's end "
                    f"({asked[r.id].end}), when that answer is first known",
                )
            )
        if r.id in seen:
            found.append(((*at, "id"), f"question '{r.id}' is resolved twice"))
        seen.add(r.id)
        problems += [locate(locs, where, message, str(path)) for where, message in found]
    if problems:
        raise ScenarioError(problems)
    return model.resolutions


def murphy(p: np.ndarray, o: np.ndarray) -> dict[str, float]:
    """Reliability, resolution and uncertainty, grouping forecasts by distinct value."""
    base = float(o.mean())
    reliability = resolution = 0.0
    for value in np.unique(p):
        group = p == value
        share, observed = group.mean(), float(o[group].mean())
        reliability += share * (value - observed) ** 2
        resolution += share * (observed - base) ** 2
    return {
        "reliability": float(reliability),
        "resolution": float(resolution),
        "uncertainty": base * (1 - base),
    }


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


def score(runs: list[Run], resolutions_file: Path) -> dict[str, Any]:
    """Score every run's questions that have resolved; list those that have not."""
    forecasts = forecasts_of(runs)
    if not forecasts:
        raise ScenarioError.single(
            "the runs ask no questions (add questions: to the scenario)", file=str(runs[0].path)
        )
    resolved = {r.id: r for r in read_resolutions(resolutions_file, forecasts)}
    rows, unresolved = [], []
    for f in forecasts:
        r = resolved.get(f.question)
        if r is None:
            unresolved.append({"run": f.run, "question": f.question, "p": f.p})
            continue
        o = float(r.value)
        rows.append(
            {
                "run": f.run,
                "question": f.question,
                "text": f.text,
                "p": f.p,
                "low": f.low,
                "high": f.high,
                "n": f.n,
                "outcome": int(r.value),
                "resolved": r.resolved.isoformat(),
                "source": r.source,
                "brier": (f.p - o) ** 2,
                "log": float(-np.log(np.clip(f.p if r.value else 1 - f.p, CLIP, 1))),
                "clipped": bool((f.p if r.value else 1 - f.p) < CLIP),
            }
        )
    out: dict[str, Any] = {"forecasts": rows, "unresolved": unresolved}
    if rows:
        table = pd.DataFrame(rows)
        p, o = table["p"].to_numpy(dtype=float), table["outcome"].to_numpy(dtype=int)
        out["overall"] = {**scores(p, o), "n": len(rows), "base_rate": float(o.mean())}
        out["interval"] = bootstrap(p, o)
        out["murphy"] = murphy(p, o)
        bins = min(10, max(2, len(rows) // 5))
        observed, predicted = calibration_curve(o, p, n_bins=bins, strategy="uniform")
        out["reliability_curve"] = {
            "predicted": predicted.tolist(),
            "observed": observed.tolist(),
            "bins": bins,
        }
    return out


def _clipped_note(forecasts: list[dict[str, Any]]) -> list[str]:
    """Say which forecasts gave the outcome that happened (almost) no chance: their log
    score is capped at -ln(CLIP), not infinite, so the total understates the miss."""
    hit = [f for f in forecasts if f.get("clipped")]
    if not hit:
        return []
    names = ", ".join(f"{f['run']}: {f['question']} ({100 * f['p']:.1f} %)" for f in hit)
    return [
        f"!! {len(hit)} forecast(s) gave what happened less than {100 * CLIP:g} %: "
        f"each log score is capped at -ln({CLIP:g}) = {-np.log(CLIP):.2f} ({names})"
    ]


def format_score(result: dict[str, Any]) -> str:
    """The score as ``wargame score`` prints it."""
    out = [f"{'run':<28}{'question':<28}{'forecast':>9}  outcome  Brier term"]
    for r in result["forecasts"]:
        out.append(
            f"{r['run'][:27]:<28}{r['question'][:27]:<28}{100 * r['p']:8.1f} %  "
            f"{'yes' if r['outcome'] else 'no ':<7}  {r['brier']:.4f}"
        )
    if "overall" in result:
        s, ci = result["overall"], result.get("interval")

        def with_ci(key: str) -> str:
            value = s[key]
            if value is None:
                return "undefined (every outcome the same)"
            text = f"{value:.4f}"
            if ci and key in ci:
                text += f" (95 % bootstrap {ci[key][0]:.4f} - {ci[key][1]:.4f})"
            return text

        m = result["murphy"]
        out += [
            "",
            f"{s['n']} resolved forecasts, base rate {100 * s['base_rate']:.1f} %",
            f"Brier score {with_ci('brier')}",
            f"log score {with_ci('log')}",
            f"Brier skill vs a 0.5 forecaster {with_ci('skill_vs_half')}",
            f"Brier skill vs the base rate {with_ci('skill_vs_base_rate')}",
            f"Murphy: reliability {m['reliability']:.4f} - resolution {m['resolution']:.4f} "
            f"+ uncertainty {m['uncertainty']:.4f}",
        ]
        if ci is None:
            out.append(f"(no bootstrap interval: fewer than {MIN_FOR_INTERVAL} resolved forecasts)")
        out += _clipped_note(result["forecasts"])
    if result["unresolved"]:
        out.append("")
        out.append("not yet resolved (listed, not scored):")
        out += [
            f"  {u['run']}: {u['question']} ({100 * u['p']:.1f} %)" for u in result["unresolved"]
        ]
    return "\n".join(out)
