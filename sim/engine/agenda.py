"""The agenda: summits and injects, each firing once on its date.

A summit is a patron pressing for the next rung (``demands``) or an agreed concession
taking effect (``implements``); an inject overwrites an actor's state and parameters, and
may take a patron's rungs away or expel it, with its probability. Each draws from its own
stream (``summit:<name>``, ``inject:<name>``). The agenda remembers which have fired, so
a restored replicate does not fire one twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from agents.patron import choose_track
from sim.engine.cast import Cast
from sim.engine.clock import DayClock, Process
from sim.engine.ledger import Ledger
from sim.engine.negotiation import Negotiation
from sim.engine.plan import Plan
from sim.engine.streams import Streams
from sim.scenario import paths

if TYPE_CHECKING:
    from sim.scenario.operations import Inject, Summit


class Agenda:
    """The dated summits and injects of a scenario (see the module docstring)."""

    STATE: ClassVar[tuple[str, ...]] = ("fired",)
    DERIVED: ClassVar[tuple[str, ...]] = ()
    CACHE: ClassVar[tuple[str, ...]] = ()
    WIRING: ClassVar[tuple[str, ...]] = (
        "env",
        "ledger",
        "cast",
        "negotiation",
        "streams",
        "plan",
        "values",
    )

    def __init__(
        self,
        env: DayClock,
        ledger: Ledger,
        cast: Cast,
        negotiation: Negotiation,
        streams: Streams,
        plan: Plan,
        values: dict[str, float],
    ):
        self.env, self.ledger, self.cast, self.negotiation = env, ledger, cast, negotiation
        self.streams, self.plan, self.values = streams, plan, values
        self.fired: set[str] = set()  # "summit:<name>", "inject:<name>"

    def hold_summit(self, spec: Summit) -> None:
        """A summit: the patron presses for the next rung (``demands``), or an agreed
        concession takes effect (``implements``)."""
        patron = self.cast.patrons[spec.patron]
        client = self.cast.regimes[patron.target]
        if self.ledger.record_events:
            self.ledger.log(self.env.today, "summit", patron.name, spec.name)
        stream = self.streams(f"summit:{spec.name}")
        u_track, u_control = stream.random(), stream.random()
        if spec.effect == "implements":
            if spec.rung is not None:
                track, target = self.plan.rung_at[spec.rung]
                self.negotiation.implement(patron, client, track, target, u_control)
            return
        if patron.params.ambition <= 0:
            return  # a patron with no ambition presses for nothing, even at a summit
        pressable = self.negotiation.pressable(patron.name, client.name)
        pressed = spec.track or choose_track(pressable, patron.leverage, u_track)
        if pressed is not None:
            accept = self.values.get(paths.summit_accept(spec.name))
            self.negotiation.negotiate(patron.name, client.name, pressed, accept)

    def fire_inject(self, spec: Inject) -> None:
        """With its probability, on the inject's date: overwrite state and parameters,
        take rungs away (``revoke``), end the patron's presence (``expel``)."""
        chance = self.values[paths.inject_probability(spec.name)]
        if self.streams(f"inject:{spec.name}").random() >= chance:
            return
        new = {n: self.values[paths.inject_param(spec.name, n)] for n in spec.params}
        self.cast.apply(spec, new)
        if self.ledger.record_events:
            self.ledger.log(self.env.today, "inject", spec.actor, spec.name)
        if spec.revoke or spec.expel:
            rel = (spec.actor, self.cast.patrons[spec.actor].target)
            for rung in spec.revoke:
                track, level = self.plan.rung_at[rung]
                self.negotiation.revoke_to(rel, track, level - 1)
            if spec.expel:
                self.negotiation.expel(rel)

    def start_processes(self) -> None:
        """A process for every summit and inject not yet fired (fresh or restored)."""
        s = self.plan.scenario
        for su in s.operations.summits:
            if f"summit:{su.name}" not in self.fired:
                self.env.process(summit(self, su))
        for inj in s.injects:
            if f"inject:{inj.name}" not in self.fired:
                self.env.process(inject(self, inj))

    def snapshot(self) -> list[str]:
        return sorted(self.fired)

    def restore(self, snap: list[str]) -> None:
        self.fired = set(snap)


def summit(agenda: Agenda, spec: Summit) -> Process:
    yield agenda.env.at(agenda.plan.day(spec.date), "summit", spec.name)
    agenda.fired.add(f"summit:{spec.name}")
    agenda.hold_summit(spec)


def inject(agenda: Agenda, spec: Inject) -> Process:
    yield agenda.env.at(agenda.plan.day(spec.date), "inject", spec.name)
    agenda.fired.add(f"inject:{spec.name}")
    agenda.fire_inject(spec)
