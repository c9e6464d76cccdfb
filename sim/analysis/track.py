"""Forecasts over time: an observation log replayed as of each of its dates.

``wargame track`` runs the scenario once per as-of date, each time conditioned on the
observations known by then (``as_of`` on or before the date), through the same run path
as ``wargame run`` (executors, seeds, branching, resume). This module holds what is not
running: which dates, how each run's forecasts line up into trajectories, and how those
trajectories score against resolutions (time-averaged Brier, :mod:`sim.analysis.ledger`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sim.analysis.ledger import time_averaged
from sim.runs.run_summary import Proportion, RunSummary
from sim.scenario import paths
from sim.scenario.calendar import month_starts
from sim.scenario.schema import Scenario

#: The outcomes tracked over time, any patron's; with several patrons, each patron's
#: persistent presence and exit too (:func:`tracked`).
OUTCOMES_TRACKED = ("persistent", "presence_at_horizon", "basing", "ever_continuous", "withdrawn")
PER_PATRON_TRACKED = ("persistent", "withdrawn")


def tracked(summary: RunSummary) -> list[str]:
    """The outcome columns a track follows from a run's summary: every one of
    :data:`OUTCOMES_TRACKED`, each patron's of :data:`PER_PATRON_TRACKED`, and the
    scenario's headline if it is an outcome."""
    own = [c for c in summary.outcomes if paths.outcome_parts(c)[0] in PER_PATRON_TRACKED]
    wanted = {*OUTCOMES_TRACKED, *own, summary.headline}
    return [c for c in summary.outcomes if c in wanted]


def as_of_dates(scenario: Scenario, every: str | None) -> list[dt.date]:
    """The start date, then each observation's as-of date (or, with ``every="month"``,
    the first of each month) up to the last observation's, in order."""
    start = scenario.metadata.start_date
    known = sorted({o.as_of for o in scenario.observations if o.as_of >= start})
    if every != "month":
        return [start, *(d for d in known if d > start)]
    last = known[-1] if known else start
    out = [start, *month_starts(start, last)]
    if out[-1] < last:
        out.append(last)
    return out


def _point(as_of: dt.date, e: Proportion) -> dict[str, Any]:
    n_effective = e.n_effective if e.n_effective is not None else e.n
    return {
        "as_of": as_of.isoformat(),
        "p": e.p,
        "low": e.low,
        "high": e.high,
        "n": e.n,
        "n_effective": n_effective,
    }


def _conditioning(summary: RunSummary) -> str:
    if summary.branching is not None:
        return "branching"
    return "rejection" if summary.kept is not None else "none"


def series(runs: list[tuple[dt.date, RunSummary, list[str]]]) -> dict[str, Any]:
    """Each question's and outcome's forecast at each as-of date, from the runs'
    summaries, with the observations each date's run was conditioned on."""
    questions: dict[str, dict[str, Any]] = {}
    outcomes: dict[str, list[dict[str, Any]]] = {}
    dates = []
    for as_of, summary, observations in runs:
        dates.append(
            {
                "as_of": as_of.isoformat(),
                "observations": observations,
                "conditioning": _conditioning(summary),
                "kept": summary.kept.k if summary.kept is not None else None,
            }
        )
        for q in summary.questions:
            new = {"question": q.question, "end": q.end, "points": []}
            entry = questions.setdefault(q.id, new)
            entry["points"].append(_point(as_of, q.estimate))
        for name in tracked(summary):
            outcomes.setdefault(name, []).append(_point(as_of, summary.outcomes[name].estimate))
    return {"dates": dates, "questions": questions, "outcomes": outcomes}


def scores(result: dict[str, Any], resolutions: list) -> list[dict[str, Any]]:
    """Each resolved question's time-averaged Brier score over the track's forecasts made
    as of its resolution date or before, beside the start-date forecast's and 0.5's."""
    out = []
    for r in resolutions:
        q = result["questions"].get(r.id)
        if q is None:
            continue
        points = [(dt.date.fromisoformat(p["as_of"]), p["p"]) for p in q["points"]]
        points = [pt for pt in points if pt[0] <= r.resolved]
        if not points:
            continue
        out.append(
            {
                "id": r.id,
                "value": r.value,
                "resolved": r.resolved.isoformat(),
                **time_averaged(points, r.value, r.resolved),
            }
        )
    return out
