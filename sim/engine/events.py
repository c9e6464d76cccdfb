"""Whether a dated event (:class:`sim.scenario.schema.Event`) holds in one replicate.

Judgments, observations and questions all speak this one vocabulary, so a claim in the
report, a fact learned since and a forecast question are checked by the same code. The
facts of a replicate that several events read (daily presence, outcome days) are computed
once, in :class:`Facts`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from sim.engine import outcomes as oc
from sim.engine.ledger import Ledger
from sim.engine.plan import Plan
from sim.scenario.calendar import day_of
from sim.scenario.schema import Event


@dataclass(frozen=True)
class Facts:
    """What one replicate's events are judged on."""

    ledger: Ledger
    present: np.ndarray  # foreign units in the host on each day
    outcome_days: dict[str, int | None]  # continuous, basing, persistent (None: not by horizon)


def holds(plan: Plan, event: Event, facts: Facts) -> bool:
    """Whether `event` happened in the replicate whose facts are given."""
    return happened(plan, event, facts) != event.negate


def happened(plan: Plan, event: Event, facts: Facts) -> bool:
    """Whether what `event` describes happened (before any ``negate``)."""
    end = plan.day(event.end)
    start = plan.day(event.start) if event.start else 0
    host = plan.scenario.host
    match event.metric:
        case "present_on":
            return bool(0 <= end < facts.present.size and facts.present[end] > 0)
        case "presence_share":
            return oc.presence_share(facts.present, start, end) >= event.at_least
        case "present_every_month":
            return all(
                oc.presence_share(facts.present, a, b) > 0
                for a, b in month_spans(plan, event.start, event.end)
            )
        case "exercise_in":
            return any(start <= d <= end for p, h, d in facts.ledger.exercises if h == host)
        case "rung_by":
            return rung_held(plan, event, facts.ledger, end)
        case "delivered_by":
            return any(
                s.host == host
                and s.day <= end
                and (event.system is None or s.name == event.system)
                and (event.controller is None or s.controller == event.controller)
                for s in facts.ledger.systems
            )
        case "outcome_by":
            day = facts.outcome_days[event.outcome]
            return day is not None and day <= end
    raise AssertionError(event.metric)  # pragma: no cover - the schema admits no other


def rung_held(plan: Plan, event: Event, ledger: Ledger, end: int) -> bool:
    """A concession at the event's rung or above by `end`, settled in the named side's
    favour when the event names a controller (one that settled nothing does not count)."""
    s = plan.scenario
    rung = s.rung_index(event.rung)
    if event.controller is None:
        return oc.rung_by_day(ledger, s.host, end) >= rung
    return any(
        c.client == s.host and c.day <= end and c.rung >= rung and c.controller == event.controller
        for c in ledger.concessions
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
