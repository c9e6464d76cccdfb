"""Bargaining decisions, as functions of the state they read: which tracks a patron can
press, how a client's answer and the bargain over control fall, where a request goes, and
how likely a held rung is to be lost. :class:`~sim.engine.model.WargameModel` applies them;
the roles' own rules (acceptance, control terms, track choice) are in ``agents/``."""

from __future__ import annotations

import math
from collections.abc import Sequence

from sim.engine.concessions import ConcessionBook, Relation, Track

#: Days in a month, for a rung's age in months.
MONTH_DAYS = 365.25 / 12


def pressable(book: ConcessionBook, relation: Relation) -> list[tuple[str, float, float]]:
    """``(track, priority, cost of its next rung)`` for every track the relation can still
    climb (its patron's own or every patron's), sorted by track name (so the declared
    order of tracks never matters)."""
    out = []
    stacks, owned = book.stacks[relation], book.owned
    for name in book.names:
        track = book.tracks[name]
        level = stacks[name][-1].level
        if level < track.top and (not owned or track.open_to(relation[0])):
            out.append((name, track.priority, track.cost[level + 1]))
    return out


def cheapest(options: Sequence[tuple[str, float, float]]) -> str | None:
    """The track whose next rung costs least (ties: by name): where a regime asks for help."""
    return min(options, key=lambda o: (o[2], o[0]))[0] if options else None


def settlement(p_patron: float, p_client: float, u: float) -> str:
    """How a bargain over control falls for the uniform `u`: ``patron`` with chance
    `p_patron`, ``client`` with chance `p_client`, else ``failed``."""
    if u < p_patron:
        return "patron"
    if u < p_patron + p_client:
        return "client"
    return "failed"


def route_request(patrons: Sequence[tuple[str, float]]) -> str | None:
    """The patron that takes up a request: the one with the most leverage over the client
    (ties: by name), from ``(patron, leverage)`` pairs."""
    return max(patrons, key=lambda p: (p[1], p[0]))[0] if patrons else None


def reversal_hazard(track: Track, held_days: int, leverage: float) -> float:
    """Monthly chance of losing a rung held `held_days` on `track`:
    ``hazard x exp(-months held / entrenchment_months) x (1 - leverage)``. Sticky, not
    absorbing: the longer a rung holds, and the more leverage the patron keeps, the less
    likely it is lost, but never impossibly."""
    if track.hazard <= 0.0:
        return 0.0
    months = held_days / MONTH_DAYS
    return track.hazard * math.exp(-months / track.entrenchment_months) * (1.0 - leverage)
