"""Whether a dated event (:class:`sim.scenario.schema.Event`) holds in one replicate.

Judgments, observations and questions all speak this one vocabulary, so a claim in the
report, a fact learned since and a forecast question are checked by the same code, on the
replicate's :class:`~sim.engine.outcomes.Facts` (computed once). An event's dates are
resolved to days once per plan (:func:`check_of`); a replicate only runs the check.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from sim.engine.outcomes import Facts
from sim.engine.plan import Plan
from sim.scenario.calendar import day_of, next_month
from sim.scenario.claims import Event

T = TypeVar("T")

Check = Callable[[Facts], bool]


def holds(plan: Plan, event: Event, facts: Facts) -> bool:
    """Whether `event` happened in the replicate whose facts are given."""
    return check_of(plan, event)(facts)


def condition_of(plan: Plan, event: Event) -> Check | None:
    """A conditional event's condition (its ``given:``) as a check, or None."""
    return check_of(plan, event.given) if event.given is not None else None


def check_of(plan: Plan, event: Event) -> Check:
    """The event as a function of a replicate's facts, its days resolved (read on the
    named patron's facts where it names one, ``negate`` applied; a ``given:`` is checked
    apart, by :func:`condition_of`)."""
    happened = _happened(plan, event)
    if event.patron is not None:
        happened = _of_patron(happened, event.patron)
    if event.negate:
        return lambda facts: not happened(facts)
    return happened


def _of_patron(check: Check, patron: str) -> Check:
    """`check` read on `patron`'s facts alone (:meth:`Facts.of_patron`)."""
    return lambda facts: check(facts.of_patron(patron))


def _happened(plan: Plan, event: Event) -> Check:
    """What `event` describes, before any ``negate``."""
    end = plan.day(event.end)
    start = plan.day(event.start) if event.start else 0
    match event.metric:
        case "present_on":
            return lambda f: bool(0 <= end < f.n_days and f.present[end])
        case "present_in":
            return lambda f: f.share(start, end) > 0
        case "presence_share":
            at_least = event.at_least
            return lambda f: f.share(start, end) >= at_least
        case "present_every_month":
            spans = month_spans(plan, required(event.start), event.end)
            return lambda f: all(f.share(a, b) > 0 for a, b in spans)
        case "exercise_in":
            return lambda f: any(start <= d <= end for _, h, d in f.ledger.exercises if h == f.host)
        case "rung_by":
            track, rung = plan.rung_at[required(event.rung)]
            controller = event.controller
            return lambda f: rung_reached(f, track, rung, end, controller)
        case "rung_on":
            track, rung = plan.rung_at[required(event.rung)]
            controller = event.controller
            return lambda f: f.level_on(track, end, controller) >= rung
        case "advanced_by":
            controller = event.controller
            return lambda f: advanced(f, end, controller)
        case "delivered_by" | "system_on":
            system, controller = event.system, event.controller
            still = event.metric == "system_on"  # not only delivered: not withdrawn by then
            return lambda f: any(
                s.host == f.host
                and s.day <= end
                and (not still or s.end is None or end < s.end)
                and (system is None or s.name == system)
                and (controller is None or s.controller == controller)
                for s in f.ledger.systems
            )
        case "outcome_by":
            outcome = required(event.outcome)
            return lambda f: f.at(outcome, end)
    raise AssertionError(event.metric)  # pragma: no cover - the schema admits no other


def required(value: T | None) -> T:
    """A field the schema requires for the event's metric (it is checked on loading)."""
    if value is None:  # pragma: no cover - the schema rejects such an event
        raise AssertionError("a field this metric requires is missing")
    return value


def rung_reached(facts: Facts, track: str, rung: int, end: int, controller: str | None) -> bool:
    """A concession at `rung` or above on `track` by `end`, settled in `controller`'s
    favour when one is named (a concession that settled nothing does not count)."""
    return any(
        c.client == facts.host
        and c.up
        and c.track == track
        and c.day <= end
        and c.rung >= rung
        and (controller is None or c.controller == controller)
        for c in facts.ledger.concessions
    )


def advanced(facts: Facts, end: int, controller: str | None) -> bool:
    """A grant by `end`, on any track, of a rung above the one held on the start date
    (settled in `controller`'s favour when one is named)."""
    start: dict[str, int] = {}
    for c in facts.ledger.concessions:
        if c.at_start and c.client == facts.host:
            start[c.track] = max(start.get(c.track, 0), c.rung)
    return any(
        c.client == facts.host
        and c.up
        and not c.at_start
        and c.day <= end
        and c.rung > start.get(c.track, 0)
        and (controller is None or c.controller == controller)
        for c in facts.ledger.concessions
    )


def month_spans(plan: Plan, start: dt.date, end: dt.date) -> list[tuple[int, int]]:
    """Day spans (inclusive) of each calendar month from `start` to `end`, clipped to both."""
    origin = plan.scenario.metadata.start_date
    spans, first = [], start
    while first <= end:
        nxt = next_month(first)
        last = min(nxt - dt.timedelta(days=1), end)
        spans.append((day_of(origin, first), day_of(origin, last)))
        first = nxt
    return spans
