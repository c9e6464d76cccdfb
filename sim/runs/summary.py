"""The numbers an analyst reads off a run, computed once from its outcome tally.

:func:`summary_of` turns a run's :class:`~sim.runs.aggregate.OutcomeTally` into a
:class:`~sim.runs.run_summary.RunSummary` (typed; ``summary.json`` is its JSON).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from sim.engine.plan import Plan
from sim.runs.aggregate import OutcomeTally
from sim.runs.run_summary import (
    Horizon,
    JudgmentCheck,
    ObservationCheck,
    OutcomeEstimate,
    Proportion,
    QuestionEstimate,
    ReadingOption,
    ReadingSummary,
    RungShares,
    RunSummary,
    TimeTo,
    When,
)
from sim.scenario import paths
from sim.scenario.calendar import date_of
from sim.scenario.outcomes import OUTCOMES
from sim.scenario.params import word_for


def proportion(k: int, n: int) -> dict[str, float]:
    """A share of replicates with its 95 % Wilson interval, as plain data."""
    return Proportion.of(k, n).json()


def verdict(p: float, low: float, high: float) -> str:
    """Where a probability stands against a judgment's range: in, below or above it."""
    return "in range" if low <= p <= high else ("below range" if p < low else "above range")


def pct(x: float, width: int = 0, digits: int = 1) -> str:
    """A share as a percentage, e.g. ``pct(0.1234)`` = ``"12.3 %"``; `width` pads the
    number for tables."""
    return f"{100 * x:{width}.{digits}f} %"


def _when(plan: Plan, day: int | None) -> When:
    if day is None:
        return When(None, None)
    return When(int(day), date_of(plan.scenario.metadata.start_date, int(day)).isoformat())


def _quartiles(tally: OutcomeTally, outcome: str) -> TimeTo:
    return TimeTo(*(_when(tally.plan, tally.day_quantile(outcome, q)) for q in (0.25, 0.5, 0.75)))


def _outcome(tally: OutcomeTally, column: str) -> OutcomeEstimate:
    """An outcome's probability with its label and definition; one patron's own (in a
    scenario with several) says whose."""
    plan = tally.plan
    name, patron = paths.outcome_parts(column)
    o = OUTCOMES[name]
    label, definition = o.label, o.define(plan.scenario.outcomes) + _varies(plan, o)
    if patron is not None:
        label = f"{label} ({patron})"
        definition += f", counting only {patron}'s forces, rungs, systems and bases"
    return OutcomeEstimate(Proportion.of(tally.hits[column], tally.n), label, definition)


def _times_by_patron(tally: OutcomeTally) -> dict[str, dict[str, TimeTo]]:
    """With several patrons, each one's time to persistent presence and to exit."""
    return {
        p: {o: _quartiles(tally, paths.patron_outcome(o, p)) for o in ("persistent", "withdrawn")}
        for p in tally.plan.scenario.patrons_apart()
    }


def summary_of(tally: OutcomeTally) -> RunSummary:
    """Probabilities with intervals, when outcomes held, rungs reached, judgments."""
    plan, n = tally.plan, tally.n
    s = plan.scenario
    kept, drawn, observations = _observations(tally)
    return RunSummary(
        scenario=s.metadata.name,
        replicates=n,
        horizon=Horizon(s.metadata.start_date.isoformat(), s.end_date.isoformat(), plan.n_days),
        outcomes={column: _outcome(tally, column) for column in s.outcome_columns()},
        time_to_persistent=_quartiles(tally, "persistent"),
        time_to_ever_continuous=_quartiles(tally, "ever_continuous"),
        time_to_withdrawn=_quartiles(tally, "withdrawn"),
        headline=s.headline_column(),
        time_by_patron=_times_by_patron(tally),
        rungs={
            t.name: RungShares(
                _shares(t, tally.held[t.name], n), _shares(t, tally.highest[t.name], n)
            )
            for t in plan.track_specs
        },
        mean_presence_days=tally.presence_days / n if n else math.nan,
        judgments=[
            _judgment(j, tally.judgments[j.id], tally.conditions.get(j.id, n)) for j in s.judgments
        ],
        posterior=Path(s.posterior.file).name if s.posterior is not None else None,
        questions=[
            QuestionEstimate(
                q.id,
                q.question,
                q.source,
                q.end.isoformat(),
                q.metric,
                q.negate,
                Proportion.of(tally.questions[q.id], n),
            )
            for q in s.questions
        ],
        drawn=drawn,
        kept=kept,
        observations=observations,
        readings=_readings(tally),
    )


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


def _judgment(j: Any, k: int, n: int) -> JudgmentCheck:
    est = Proportion.of(k, n)
    low, high = j.range
    return JudgmentCheck(
        id=j.id,
        claim=j.claim,
        source=j.source,
        reading=j.assumption,
        checked_as=j.describe(),
        word=j.word,
        range=(low, high),
        estimate=est,
        verdict=verdict(est.p, low, high) if n else "no replicates kept",
        model_word=word_for(est.p),
    )


def _readings(tally: OutcomeTally) -> list[ReadingSummary]:
    """Per reading and option: its prior weight, the replicates that drew it, and the
    headline outcomes, judgments and questions among them (only with readings)."""
    s = tally.plan.scenario
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
                judgments[j.id] = Proportion.of(hits[paths.judgment(j.id)], denominator)
            options.append(
                ReadingOption(
                    name=o.name,
                    weight=w,
                    rationale=o.rationale,
                    drawn=Proportion.of(n, tally.n),
                    outcomes={name: Proportion.of(hits[name], n) for name in OUTCOMES},
                    judgments=judgments,
                    questions={
                        q.id: Proportion.of(hits[paths.question(q.id)], n) for q in s.questions
                    },
                )
            )
        out.append(ReadingSummary(r.name, r.source, options))
    return out


def _observations(
    tally: OutcomeTally,
) -> tuple[Proportion | None, int | None, list[ObservationCheck]]:
    """The share of draws kept, the draws, and each observation's agreement (None, None
    and none when the scenario has no observations)."""
    s = tally.plan.scenario
    if not s.observations:
        return None, None, []
    checks = [
        ObservationCheck(
            o.id,
            o.value,
            o.as_of.isoformat(),
            o.source,
            Proportion.of(tally.observations[o.id], tally.drawn),
        )
        for o in s.observations
    ]
    return Proportion.of(tally.n, tally.drawn), tally.drawn, checks
