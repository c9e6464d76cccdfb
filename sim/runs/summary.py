"""The numbers an analyst reads off a run, computed once from its outcome tally.

:func:`summary_of` turns a run's :class:`~sim.runs.aggregate.OutcomeTally` into plain data
(JSON-ready); :func:`format_summary` lays it out as the text ``wargame run`` prints, each
outcome with its definition on the line where its number stands.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from sim.engine.plan import Plan
from sim.maths.stats import wilson
from sim.runs.aggregate import OutcomeTally
from sim.scenario import paths
from sim.scenario.calendar import date_of
from sim.scenario.outcomes import OUTCOMES
from sim.scenario.params import word_for


def proportion(k: int, n: int) -> dict[str, float]:
    """A share of replicates with its 95 % Wilson interval."""
    lo, hi = wilson(k, n)
    return {"p": k / n if n else float("nan"), "low": lo, "high": hi, "k": k, "n": n}


def verdict(p: float, low: float, high: float) -> str:
    """Where a probability stands against a judgment's range: in, below or above it."""
    return "in range" if low <= p <= high else ("below range" if p < low else "above range")


def pct(x: float, width: int = 0, digits: int = 1) -> str:
    """A share as a percentage, e.g. ``pct(0.1234)`` = ``"12.3 %"``; `width` pads the
    number for tables."""
    return f"{100 * x:{width}.{digits}f} %"


def _day_and_date(plan: Plan, day: int | None) -> dict[str, Any]:
    start = plan.scenario.metadata.start_date
    if day is None:
        return {"day": None, "date": None}
    return {"day": int(day), "date": date_of(start, int(day)).isoformat()}


def _quartiles(tally: OutcomeTally, outcome: str) -> dict[str, Any]:
    plan = tally.plan
    return {
        f"q{int(q * 100)}": _day_and_date(plan, tally.day_quantile(outcome, q))
        for q in (0.25, 0.5, 0.75)
    }


def summary_of(tally: OutcomeTally) -> dict[str, Any]:
    """Probabilities with intervals, when outcomes held, rungs reached, judgments."""
    plan, n = tally.plan, tally.n
    s = plan.scenario
    return {
        "scenario": s.metadata.name,
        "replicates": n,
        "horizon": {
            "start": s.metadata.start_date.isoformat(),
            "end": s.end_date.isoformat(),
            "days": plan.n_days,
        },
        "outcomes": {
            name: {
                **proportion(tally.hits[name], n),
                "label": o.label,
                "definition": o.define(s.outcomes) + _varies(plan, o),
            }
            for name, o in OUTCOMES.items()
        },
        "time_to_persistent": _quartiles(tally, "persistent"),
        "time_to_ever_continuous": _quartiles(tally, "ever_continuous"),
        "rungs": {
            t.name: {
                "at_horizon": _shares(t, tally.held[t.name], n),
                "highest": _shares(t, tally.highest[t.name], n),
            }
            for t in plan.track_specs
        },
        "mean_presence_days": tally.presence_days / n if n else math.nan,
        "judgments": [
            _judgment(j, tally.judgments[j.id], tally.conditions.get(j.id, n)) for j in s.judgments
        ],
        "posterior": Path(s.posterior.file).name if s.posterior is not None else None,
        "questions": [
            {
                "id": q.id,
                "question": q.question,
                "source": q.source,
                "end": q.end.isoformat(),
                "metric": q.metric,
                "negate": q.negate,
                **proportion(tally.questions[q.id], n),
            }
            for q in s.questions
        ],
        **_observations(tally),
        **_readings(tally),
    }


def _varies(plan: Plan, outcome: Any) -> str:
    """A note when readings define an outcome differently (the figure mixes them)."""
    if plan.mixture is None:
        return ""
    written = outcome.define(plan.scenario.outcomes)
    if all(outcome.define(v.scenario.outcomes) == written for v in plan.mixture.plans):
        return ""
    return " (as written; some readings define it otherwise: see per reading)"


def _shares(track: Any, counts: Any, n: int) -> dict[str, float]:
    return {r.name: int(counts[i]) / n if n else math.nan for i, r in enumerate(track.rungs)}


def _judgment(j: Any, k: int, n: int) -> dict[str, Any]:
    est = proportion(k, n)
    low, high = j.range
    return {
        "id": j.id,
        "claim": j.claim,
        "source": j.source,
        "reading": j.assumption,  # the analyst's reading of the report, not its own word
        "checked_as": j.describe(),
        "word": j.word,
        "range": [low, high],
        **est,
        "verdict": verdict(est["p"], low, high) if n else "no replicates kept",
        "model_word": word_for(est["p"]),
    }


def _readings(tally: OutcomeTally) -> dict[str, Any]:
    """Per reading and option: its prior weight, the replicates that drew it, and the
    headline outcomes, judgments and questions among them (only with readings)."""
    s = tally.plan.scenario
    if not s.readings:
        return {}
    out = []
    columns = tally.reading_columns
    for r in s.readings:
        options = []
        for o, w in zip(r.options, r.weights, strict=True):
            counts = tally.by_reading[(r.name, o.name)]
            n, hits = int(counts[0]), dict(zip(columns, counts[1:].tolist(), strict=True))
            judgments = {}
            for j in s.judgments:
                denominator = hits[paths.judgment_given(j.id)] if j.given is not None else n
                judgments[j.id] = proportion(hits[paths.judgment(j.id)], denominator)
            options.append(
                {
                    "name": o.name,
                    "weight": w,
                    "rationale": o.rationale,
                    "drawn": proportion(n, tally.n),
                    "outcomes": {name: proportion(hits[name], n) for name in OUTCOMES},
                    "judgments": judgments,
                    "questions": {
                        q.id: proportion(hits[paths.question(q.id)], n) for q in s.questions
                    },
                }
            )
        out.append({"name": r.name, "source": r.source, "options": options})
    return {"readings": out}


def _observations(tally: OutcomeTally) -> dict[str, Any]:
    """How many replicates each observation kept (only when the scenario has some)."""
    s = tally.plan.scenario
    if not s.observations:
        return {}
    return {
        "drawn": tally.drawn,
        "kept": proportion(tally.n, tally.drawn),
        "observations": [
            {
                "id": o.id,
                "value": o.value,
                "as_of": o.as_of.isoformat(),
                "source": o.source,
                **proportion(tally.observations[o.id], tally.drawn),
            }
            for o in s.observations
        ],
    }
