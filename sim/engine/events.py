"""Whether a dated event (:class:`sim.scenario.schema.Event`) holds in one replicate.

Judgments, observations and questions all speak this one vocabulary, so a claim in the
report, a fact learned since and a forecast question are checked by the same code, on the
replicate's :class:`~sim.engine.outcomes.Facts` (computed once).
"""

from __future__ import annotations

import datetime as dt

from sim.engine.outcomes import Facts
from sim.engine.plan import Plan
from sim.scenario.calendar import day_of
from sim.scenario.schema import Event


def holds(plan: Plan, event: Event, facts: Facts) -> bool:
    """Whether `event` happened in the replicate whose facts are given."""
    return happened(plan, event, facts) != event.negate


def happened(plan: Plan, event: Event, facts: Facts) -> bool:
    """Whether what `event` describes happened (before any ``negate``)."""
    end = plan.day(event.end)
    start = plan.day(event.start) if event.start else 0
    match event.metric:
        case "present_on":
            return bool(0 <= end < facts.n_days and facts.present[end])
        case "presence_share":
            return facts.share(start, end) >= event.at_least
        case "present_every_month":
            return all(facts.share(a, b) > 0 for a, b in month_spans(plan, event.start, event.end))
        case "exercise_in":
            return any(start <= d <= end for _, h, d in facts.ledger.exercises if h == facts.host)
        case "rung_by":
            return rung_reached(plan, event, facts, end)
        case "rung_on":
            track, rung = plan.rung_at[event.rung]
            return facts.level_on(track, end, event.controller) >= rung
        case "delivered_by":
            return any(
                s.host == facts.host
                and s.day <= end
                and (event.system is None or s.name == event.system)
                and (event.controller is None or s.controller == event.controller)
                for s in facts.ledger.systems
            )
        case "outcome_by":
            return facts.at(event.outcome, end)
    raise AssertionError(event.metric)  # pragma: no cover - the schema admits no other


def rung_reached(plan: Plan, event: Event, facts: Facts, end: int) -> bool:
    """A concession at the event's rung or above on its track by `end`, settled in the
    named side's favour when the event names a controller (one that settled nothing does
    not count)."""
    track, rung = plan.rung_at[event.rung]
    return any(
        c.client == facts.host
        and c.up
        and c.track == track
        and c.day <= end
        and c.rung >= rung
        and (event.controller is None or c.controller == event.controller)
        for c in facts.ledger.concessions
    )


def month_spans(plan: Plan, start: dt.date, end: dt.date) -> list[tuple[int, int]]:
    """Day spans (inclusive) of each calendar month from `start` to `end`, clipped to both."""
    origin = plan.scenario.metadata.start_date
    spans, first = [], start
    while first <= end:
        nxt = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
        last = min(nxt - dt.timedelta(days=1), end)
        spans.append((day_of(origin, first), day_of(origin, last)))
        first = nxt
    return spans
