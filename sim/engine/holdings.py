"""Holdings: the systems and bases a patron's rungs bring into a host, and who controls them.

A rung reached books its delivery and its base after their lead times (:class:`Pending`,
completed by :func:`arrival` on the due day); a delivered system stands under the control
settled on its track, and a patron-controlled one brings its crews (presence). A later
settlement of control changes hands of the systems already there; a rung lost takes its
systems and base away, and calls off what it had ordered and not yet received.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from sim.engine.concessions import ConcessionBook, Relation
from sim.engine.forces import Presence
from sim.engine.ledger import Basing, Ledger, System

if TYPE_CHECKING:
    from sim.engine.clock import DayClock, Process
    from sim.scenario.nodes import Controller


@dataclass(frozen=True, slots=True)
class Pending:
    """A delivery or a base on its way: what, for which rung, and the day it arrives."""

    kind: str  # "delivery" or "basing"
    patron: str
    host: str
    track: str
    rung: int
    due: int
    system: str = ""


class Holdings:
    """Deliveries and bases: booked on a rung, completed on their day, withdrawn with it."""

    STATE: ClassVar[tuple[str, ...]] = ("pending",)
    DERIVED: ClassVar[tuple[str, ...]] = ()
    CACHE: ClassVar[tuple[str, ...]] = ()
    WIRING: ClassVar[tuple[str, ...]] = ("env", "ledger", "book", "presence")

    def __init__(self, env: DayClock, ledger: Ledger, book: ConcessionBook, presence: Presence):
        self.env, self.ledger, self.book, self.presence = env, ledger, book, presence
        self.pending: list[Pending] = []

    def order(self, rel: Relation, track: str, rung: int, day: int, in_place: bool) -> None:
        """What reaching `rung` brings: its delivery and its base, after their lead times
        (or, for a concession in place at the start, there already)."""
        t = self.book.tracks[track]
        delivery = t.delivery[rung]
        if delivery is not None:
            due = day + max(0, round(delivery.lead))
            item = Pending("delivery", rel[0], rel[1], track, rung, due, delivery.system)
            self._book(item, in_place)
        lead = t.basing_lead[rung]
        if lead is not None:
            self._book(
                Pending("basing", rel[0], rel[1], track, rung, day + max(0, round(lead))), in_place
            )

    def _book(self, item: Pending, in_place: bool) -> None:
        if in_place:
            self.arrive(item, day=0)
            return
        self.pending.append(item)
        self.env.process(arrival(self, item))

    def arrive(self, item: Pending, day: int | None = None) -> None:
        """A delivery or a base completes: the system is there under the control settled
        on its track (a patron-controlled one brings crews), or the base opens."""
        day = self.env.today if day is None else day
        rel, led = (item.patron, item.host), self.ledger
        if item.kind == "delivery":
            delivery = self.book.tracks[item.track].delivery[item.rung]
            fixed = None if delivery is None else delivery.controller
            controller: Controller = fixed or self.book.controller(rel, item.track) or "client"
            led.systems.append(
                System(item.patron, item.host, item.system, item.track, item.rung, day, controller)
            )
            if led.record_events:
                led.log(day, "delivery", item.patron, f"{item.system} under {controller} control")
            if controller == "patron":
                self.presence.open(item.patron, item.host, f"crews:{item.system}", day)
        else:
            led.basings.append(Basing(item.patron, item.host, item.track, item.rung, day))
            self.presence.open(item.patron, item.host, f"garrison:{item.track}.{item.rung}", day)
            if led.record_events:
                led.log(day, "basing", item.patron, "permanent base opened")

    def renegotiate(self, rel: Relation, track: str, controller: Controller, day: int) -> None:
        """A settlement of control covers the systems of its track already delivered: each
        held by the other side changes hands, and its patron crews arrive or leave."""
        patron, host = rel
        led = self.ledger
        for system in list(led.systems):
            if (system.patron, system.host, system.track) != (patron, host, track):
                continue
            if system.end is not None or system.controller == controller:
                continue
            fixed = self.book.tracks[track].delivery[system.rung]
            if fixed is not None and fixed.controller is not None:
                continue  # a rung that fixes the controller keeps it
            system.end = day
            led.systems.append(
                System(patron, host, system.name, track, system.rung, day, controller)
            )
            if led.record_events:
                led.log(day, "control_renegotiated", patron, f"{system.name} to {controller}")
            if controller == "patron":
                self.presence.open(patron, host, f"crews:{system.name}", day)
            else:
                self.presence.close_holder(patron, host, f"crews:{system.name}", day)

    def withdraw(self, rel: Relation, track: str, rung: int, day: int) -> None:
        """What a lost rung brought leaves: what it ordered is called off, its systems
        (with their crews) and its base go."""
        patron, host = rel
        key = (patron, host, track, rung)
        self.pending = [p for p in self.pending if (p.patron, p.host, p.track, p.rung) != key]
        led = self.ledger
        for system in led.systems:
            if (
                system.end is None
                and (system.patron, system.host, system.track, system.rung) == key
            ):
                system.end = day
                if led.record_events:
                    led.log(day, "withdrawal", patron, f"{system.name} withdrawn")
                self.presence.close_holder(patron, host, f"crews:{system.name}", day)
        for base in led.basings:
            if base.end is None and (base.patron, base.host, base.track, base.rung) == key:
                base.end = day
                if led.record_events:
                    led.log(day, "base_closed", patron, "permanent base closed")
                self.presence.close_holder(patron, host, f"garrison:{track}.{rung}", day)

    def start_processes(self) -> None:
        """An arrival process for everything on its way (fresh or restored)."""
        for item in self.pending:
            self.env.process(arrival(self, item))

    def snapshot(self) -> list[dict[str, Any]]:
        return [{f: getattr(x, f) for f in Pending.__dataclass_fields__} for x in self.pending]

    def restore(self, snap: list[dict[str, Any]]) -> None:
        self.pending = [Pending(**x) for x in snap]


def arrival(holdings: Holdings, item: Pending) -> Process:
    """Complete a delivery or a base on its due day, unless it was called off."""
    yield holdings.env.at(item.due, "arrival", f"{item.patron}:{item.kind}:{item.system}")
    if item in holdings.pending:
        holdings.pending.remove(item)
        holdings.arrive(item)
