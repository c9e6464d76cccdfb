"""Negotiation: demands, requests, the bargain over control, and the rungs granted and lost.

The rules are functions elsewhere: the client's answer and its control terms in
``agents/client_regime.py``, which track a patron presses in ``agents/patron.py``, where a
request goes and how likely a held rung is to be lost in :mod:`sim.engine.bargaining`.
Here they are applied to the concession book, and what a change of level does in the
world follows from one place each way (:meth:`Negotiation.grant`,
:meth:`Negotiation.revoke`): holdings ordered or withdrawn, control settled, exercise
cadence and standing presence changed.
"""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING, ClassVar

from sim.engine import bargaining
from sim.engine.clock import DayClock
from sim.engine.concessions import ConcessionBook, Relation
from sim.engine.exercises import Exercises
from sim.engine.holdings import Holdings
from sim.engine.ledger import Concession, Ledger
from sim.engine.plan import StartLevel
from sim.engine.streams import Streams

if TYPE_CHECKING:
    import random

    from agents.client_regime import ClientRegime
    from agents.patron import Patron
    from sim.engine.cast import Cast
    from sim.scenario.nodes import Controller

#: How a bargain over control fell, as the controller it settles (None: it failed).
_SETTLED: dict[str, Controller | None] = {"patron": "patron", "client": "client", "failed": None}


class Negotiation:
    """Bargaining over the concession book (see the module docstring)."""

    STATE: ClassVar[tuple[str, ...]] = ("expelled",)  # the book and the ledger hold the rest
    DERIVED: ClassVar[tuple[str, ...]] = ("gains",)
    CACHE: ClassVar[tuple[str, ...]] = ("draws", "answers")
    WIRING: ClassVar[tuple[str, ...]] = (
        "env",
        "ledger",
        "book",
        "cast",
        "holdings",
        "exercises",
        "streams",
        "months",
    )

    def __init__(
        self,
        env: DayClock,
        ledger: Ledger,
        book: ConcessionBook,
        cast: Cast,
        holdings: Holdings,
        exercises: Exercises,
        streams: Streams,
        months: list[int],
    ):
        self.env, self.ledger, self.book, self.cast = env, ledger, book, cast
        self.holdings, self.exercises, self.streams = holdings, exercises, streams
        self.months = months
        self.gains: dict[tuple[str, int], int] = {}  # (host, month): patron-control grants
        self.draws: dict[Relation, random.Random] = {}  # each relation's reversal stream
        self.answers: dict[Relation, random.Random] = {}  # each relation's answer stream
        self.expelled: set[Relation] = set()  # relations the host has ended

    # ------------------------------------------------------------------ questions

    def pressable(self, patron: str, client: str) -> list[tuple[str, float, float]]:
        """The tracks `patron` can still press on `client` (none once expelled)."""
        if (patron, client) in self.expelled:
            return []
        return bargaining.pressable(self.book, (patron, client))

    def patrons_of(self, client: str) -> list[str]:
        """The patrons that press `client`, by name."""
        return sorted(rel[0] for rel in self.cast.clients_of.get(client, []))

    def concessions_held(self, patron: str, client: str) -> float:
        """Share of the rungs `patron` may hold in `client` (its own tracks and the
        shared ones) that `client` has granted it and it still holds."""
        return self.book.held_share([(patron, client)])

    def gains_in(self, host: str | None, month: int) -> int:
        """How many concessions in `month` gave a patron control in `host`."""
        return 0 if host is None else self.gains.get((host, month), 0)

    # ------------------------------------------------------------------ bargains

    def negotiate(
        self, patron_name: str, client_name: str, track: str, accept: float | None = None
    ) -> bool:
        """The patron demands the next rung of `track`; the client grants it or not (with
        its own rule, or the chance `accept` a summit fixes), and if the rung settles
        control, control is bargained over too. True when the rung was granted."""
        patron, regime = self.cast.patrons[patron_name], self.cast.regimes[client_name]
        t = self.book.tracks[track]
        nxt = self.book.level((patron_name, client_name), track) + 1
        if nxt > t.top or (patron_name, client_name) in self.expelled:
            return False
        stream = self.answer_stream((patron_name, client_name))
        u_accept, u_control = stream.random(), stream.random()
        p = (
            accept
            if accept is not None
            else regime.accept_probability(patron_name, t.cost[nxt], patron.params.support)
        )
        if u_accept >= p:
            if self.ledger.record_events:
                detail = f"{track}: {t.rungs[nxt]}"
                self.ledger.log(self.env.today, "concession_refused", regime.name, detail)
            return False
        return self.settle(patron, regime, track, nxt, u_control)

    def request(self, client_name: str) -> None:
        """The regime asks for the next rung of its cheapest track; the patron with the
        most leverage over it, among those with a track left to climb, takes the request
        up with its ambition and offers the rung at its price, which the regime accepts or
        declines by its usual rule (asking for help does not make a permanent base
        cheap)."""
        client = self.cast.regimes[client_name]
        offers = {
            a.name: self.pressable(a.name, client_name)
            for a in self.cast.patrons_of.get(client_name, [])
        }
        suitors = [
            (a.name, a.leverage)
            for a in self.cast.patrons_of.get(client_name, [])
            if offers[a.name]
        ]
        name = bargaining.route_request(suitors)
        if name is None:
            return
        patron = self.cast.patrons[name]
        rel = (name, client_name)
        track = bargaining.cheapest(offers[name])
        if track is None:  # pragma: no cover - a suitor has a track to offer
            return
        t, day, log = self.book.tracks[track], self.env.today, self.ledger.record_events
        nxt = self.book.level(rel, track) + 1
        rung = f"{track}: {t.rungs[nxt]}"
        if log:
            self.ledger.log(day, "request", client_name, f"asks {name} for {rung}")
        if patron.uniform() >= patron.params.ambition:
            if log:
                self.ledger.log(day, "request_refused", name, rung)
            return
        stream = self.answer_stream(rel)
        u_accept, u_control = stream.random(), stream.random()
        if u_accept >= client.accept_probability(name, t.cost[nxt], patron.params.support):
            if log:
                self.ledger.log(day, "terms_declined", client_name, rung)
            return
        self.settle(patron, client, track, nxt, u_control)

    def settle(self, patron: Patron, client: ClientRegime, track: str, rung: int, u: float) -> bool:
        """Grant an agreed rung, after the bargain over control if it settles control."""
        controller: Controller | None = None
        if self.book.tracks[track].settles_control[rung]:
            terms = client.control_terms(patron.params.control_insistence, patron.leverage)
            controller = _SETTLED[bargaining.settlement(*terms, u)]
            if controller is None:
                if self.ledger.record_events:
                    name = self.book.tracks[track].rungs[rung]
                    self.ledger.log(
                        self.env.today, "bargain_failed", client.name, f"{track}: {name}"
                    )
                return False
        self.grant((patron.name, client.name), track, controller)
        return True

    def implement(
        self, patron: Patron, client: ClientRegime, track: str, target: int, u: float
    ) -> None:
        """Grant up to rung `target` of `track` without a demand (a rung that settles
        control is still bargained over control)."""
        rel = (patron.name, client.name)
        while self.book.level(rel, track) < target and rel not in self.expelled:
            if not self.settle(patron, client, track, self.book.level(rel, track) + 1, u):
                return

    def answer_stream(self, rel: Relation) -> random.Random:
        """The stream a client answers its patron's demands and offers from
        (``answer:<patron>/<client>``): one per relation, so that a second patron's
        bargains never shift the draws of the first's."""
        stream = self.answers.get(rel)
        if stream is None:
            stream = self.answers[rel] = self.streams(f"answer:{rel[0]}/{rel[1]}")
        return stream

    def reconsider(self, patron: str, client: str, leverage: float) -> None:
        """Each reversible rung the patron holds may be lost this month
        (:func:`sim.engine.bargaining.reversal_hazard`); one draw per such track."""
        if not self.book.reversible:
            return
        rel: Relation = (patron, client)
        stream = self.draws.get(rel)
        if stream is None:
            stream = self.draws[rel] = self.streams(f"reversal:{patron}/{client}")
        stacks, today = self.book.stacks[rel], self.env.today
        for name, track in self.book.reversible:
            held = stacks[name][-1]
            if held.level == 0:
                continue
            hazard = bargaining.reversal_hazard(track, today - held.since, leverage)
            if stream.random() < hazard:
                self.revoke(rel, name)

    def revoke_to(self, rel: Relation, track: str, level: int) -> None:
        """Drop `rel` on `track` to `level` (a dated act: an inject's ``revoke``), one rung
        at a time, each a reversal in the ledger."""
        while self.book.level(rel, track) > level:
            self.revoke(rel, track)

    def expel(self, rel: Relation) -> None:
        """The host ends the patron's presence today: every rung it holds is lost, its
        forces go home and its exercises stop, and it presses and is asked no more."""
        for name in self.book.names:
            self.revoke_to(rel, name, 0)
        self.exercises.end_programme(rel[0], self.env.today)
        self.expelled.add(rel)
        if self.ledger.record_events:
            self.ledger.log(self.env.today, "expelled", rel[1], rel[0])

    # ------------------------------------------------------------------ changes of level

    def hold_at_start(self, rel: Relation, start: StartLevel) -> None:
        """A concession in place on the start date: its rungs held since the day it was
        granted (day 0, or before the start), with their deliveries and bases already
        there."""
        before, t = self.book.effects(rel), self.book.tracks[start.track]
        for rung in range(1, start.level + 1):
            controller = start.controller if t.settles_control[rung] else None
            self.book.grant(rel, start.track, start.since, controller)
            self.ledger.concessions.append(
                Concession(0, rel[0], rel[1], start.track, rung, controller, at_start=True)
            )
            if self.ledger.record_events:
                self.ledger.log(
                    0, "concession", rel[1], f"{start.track}: {t.rungs[rung]} (at the start)"
                )
            self._reached(rel, start.track, rung, controller, 0, in_place=True)
        self.exercises.after_change(rel, before, 0)

    def grant(self, rel: Relation, track: str, controller: Controller | None) -> None:
        """Raise `rel` one rung on `track` and apply what the rung does."""
        day, before = self.env.today, self.book.effects(rel)
        rung = self.book.grant(rel, track, day, controller)
        self.ledger.concessions.append(Concession(day, rel[0], rel[1], track, rung, controller))
        if controller == "patron":
            key = (rel[1], self.env.month)
            self.gains[key] = self.gains.get(key, 0) + 1
        if self.ledger.record_events:
            name = self.book.tracks[track].rungs[rung]
            detail = f"{track}: {name}" + (f" ({controller} control)" if controller else "")
            self.ledger.log(day, "concession", rel[1], detail)
        self._reached(rel, track, rung, controller, day, in_place=False)
        self.exercises.after_change(rel, before, day)

    def revoke(self, rel: Relation, track: str) -> None:
        """Drop `rel` one rung on `track` (a reversal): what the rung brought is withdrawn
        and the control settled before it holds again."""
        day, before = self.env.today, self.book.effects(rel)
        was = self.book.controller(rel, track)
        lost = self.book.revoke(rel, track)
        t = self.book.tracks[track]
        self.ledger.concessions.append(Concession(day, rel[0], rel[1], track, lost, None, up=False))
        if self.ledger.record_events:
            back = f"{track}: {t.rungs[lost]} lost (back to {t.rungs[lost - 1]})"
            self.ledger.log(day, "reversal", rel[1], back)
        self.holdings.withdraw(rel, track, lost, day)
        now = self.book.controller(rel, track)
        if now != was:
            self.holdings.renegotiate(rel, track, now or "client", day)
        self.exercises.after_change(rel, before, day)

    def _reached(
        self,
        rel: Relation,
        track: str,
        rung: int,
        controller: Controller | None,
        day: int,
        in_place: bool,
    ) -> None:
        """A rung reached: control over the track's systems settled, its delivery and base
        ordered (or, for a concession in place at the start, there already)."""
        if controller is not None:
            self.holdings.renegotiate(rel, track, controller, day)
        self.holdings.order(rel, track, rung, day, in_place)

    # ------------------------------------------------------------------ state

    def snapshot(self) -> list[list[str]]:
        """The relations expelled (the concession book and the ledger hold the rest)."""
        return [list(rel) for rel in sorted(self.expelled)]

    def restore(self, snap: list[list[str]] | None = None) -> None:
        """Take up the relations expelled, and rebuild the patron-control gains per host
        and month from the ledger's concessions (which must be restored first)."""
        self.expelled = {(p, c) for p, c in snap or []}
        self.gains = {}
        for c in self.ledger.concessions:
            if c.up and c.controller == "patron":
                key = (c.client, bisect.bisect_right(self.months, c.day) - 1)
                self.gains[key] = self.gains.get(key, 0) + 1
