"""One replicate: Mesa actors stepping monthly on a SimPy day clock.

:class:`WargameModel` is a façade over the parts that each own their piece of the
replicate's state (:data:`WargameModel.PARTS`), and answers the calls a role may make of
its world (:class:`agents.world.World`) by asking the part that knows:

* the ledger (:mod:`sim.engine.ledger`): what happened, the source of every outcome;
* the cast (:mod:`sim.engine.cast`): the actors, made from the role declarations;
* the concession book (:mod:`sim.engine.concessions`): every relation's rungs held;
* presence (:mod:`sim.engine.forces`): which forces are where, derived from the ledger;
* holdings (:mod:`sim.engine.holdings`): deliveries and bases, ordered and withdrawn;
* exercises (:mod:`sim.engine.exercises`): the programmes and the decision for a gap;
* negotiation (:mod:`sim.engine.negotiation`): demands, requests, grants and reversals;
* the agenda (:mod:`sim.engine.agenda`): summits and injects on their dates;
* the record (:mod:`sim.engine.record`): the monthly trajectory.

Every random number comes from a named stream (:mod:`sim.engine.streams`); a replicate's
state is the parts' snapshots together (:mod:`sim.engine.state`)."""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from agents import Actor, World
from agents.world import Stream
from sim.engine.agenda import Agenda
from sim.engine.cast import Cast, Roster
from sim.engine.clock import DayClock, Process, rank
from sim.engine.concessions import ConcessionBook
from sim.engine.exercises import Exercises
from sim.engine.forces import Presence
from sim.engine.holdings import Holdings
from sim.engine.ledger import Ledger
from sim.engine.negotiation import Negotiation
from sim.engine.plan import Plan
from sim.engine.programme import Programme
from sim.engine.record import Record
from sim.engine.streams import Streams


class WargameModel(World):
    """A scenario with one replicate's parameter values; build it with :meth:`fresh` (or
    :func:`sim.engine.state.restore`) and :meth:`run` it. Given a plan with readings and
    values in its union order, it runs the variant the values name (``self.plan``).

    `record_events` keeps the ledger's timeline (for the events table and ``wargame
    replay``); outcomes never read it.
    """

    #: The parts whose snapshots make the replicate's state, in the order they are
    #: restored (a part derived from the ledger comes after it).
    PARTS: ClassVar[tuple[str, ...]] = (
        "ledger",
        "cast",
        "book",
        "presence",
        "holdings",
        "exercises",
        "negotiation",
        "agenda",
        "record",
    )

    def __init__(
        self,
        plan: Plan,
        values: np.ndarray | dict[str, float],
        streams: Streams,
        record_events: bool = True,
        rng: np.random.Generator | None = None,
        day: int = 0,
    ):
        super().__init__(rng=rng)
        if plan.mixture is not None:  # with readings: the variant the values name
            plan, values = plan.mixture.resolve(_in_order(plan, values))
        self.plan = plan
        row = [values[p] for p in plan.paths] if isinstance(values, dict) else values.tolist()
        self.values: dict[str, float] = dict(zip(plan.paths, row, strict=True))
        self.streams = streams
        self.env = env = DayClock(day)
        roster = Roster.of(plan)
        self.ledger = ledger = Ledger(plan.n_days, record_events)
        self.cast = cast = Cast(self, roster, row)
        self.book = book = ConcessionBook(plan.tracks(row))
        for rel in roster.relations:
            book.add_relation(rel)
        self.presence = presence = Presence(ledger)
        self.holdings = holdings = Holdings(env, ledger, book, presence)
        programmes = self._programmes(roster)
        self.exercises = Exercises(env, ledger, book, presence, streams, cast.patrons, programmes)
        self.negotiation = Negotiation(
            env, ledger, book, cast, holdings, self.exercises, streams, plan.months
        )
        self.agenda = Agenda(env, ledger, cast, self.negotiation, streams, plan, self.values)
        width = len(plan.state_columns)
        self.record = Record(cast, roster, book, len(plan.months) - 1, width)

    def _programmes(self, roster: Roster) -> dict[str, Programme]:
        """The exercise programme of every patron that has dated exercises or a cadence."""
        out: dict[str, Programme] = {}
        for patron, host in roster.relations:
            dated = self.plan.dated_exercises(patron, self.values)
            cadence = self.plan.cadence(patron, self.values)
            if dated or cadence:
                out[patron] = Programme.of(patron, host, dated, cadence)
        return out

    @classmethod
    def fresh(
        cls,
        plan: Plan,
        values: np.ndarray,
        streams: Streams,
        record_events: bool = True,
        rng: np.random.Generator | None = None,
    ) -> WargameModel:
        """The replicate on its start date, before any event of day 0."""
        model = cls(plan, values, streams, record_events, rng)
        model._begin()
        model.start_processes()
        return model

    def _begin(self) -> None:
        """Day 0: every actor's initial state, the concessions already in place, the first
        booking of every programme, and month 0's record."""
        for actor in self.cast.stepping:
            actor.start()
        for actor in self.cast.stepping:
            actor.settle()
        for rel in Roster.of(self.plan).relations:
            for start in self.plan.start_levels(rel[0], self.values):
                self.negotiation.hold_at_start(rel, start)
        self.exercises.book_first()
        self.record.take(0)

    def start_processes(self) -> None:
        """Start the SimPy processes from the state as it stands (fresh or restored)."""
        self.env.process(monthly_step(self))
        self.exercises.start_processes()
        self.holdings.start_processes()
        self.agenda.start_processes()

    # ---------------------------------------------------------------- running

    @property
    def today(self) -> int:
        return self.env.today

    @property
    def month(self) -> int:
        return self.env.month

    def run_until(self, day: int) -> None:
        """Advance the clock to the start of `day` (before any of its events)."""
        if day > self.env.now:
            self.env.run(until=day)

    def run(self) -> Ledger:
        """Simulate to the horizon and return the closed ledger."""
        self.run_until(self.plan.n_days)
        self.ledger.close()
        self.running = False
        self.release()
        return self.ledger

    def dispose(self) -> None:
        """Take a finished replicate apart, so that reference counting frees it at once.

        A model is a web of cycles: Mesa agents and their model, SimPy processes and the
        events they wait on. Left to the cyclic garbage collector, each replicate's few
        hundred objects are traversed on every collection while they wait to be found;
        dropping the waiting events' callbacks, the programmes' processes and the
        model's own references leaves nothing circular.
        The model cannot be used afterwards; take what it produced (:meth:`run`,
        :attr:`trajectory`) first.
        """
        self.env.drop_pending()
        self.release()  # a model taken apart before the horizon, too
        self.exercises.procs.clear()  # each programme's process holds the part that holds it
        self.__dict__.clear()

    def decide_month(self) -> None:
        """One month of decisions: roles act in phase order (protest, regime, patron, alliance)."""
        for actor in self.cast.stepping:
            actor.step()

    @property
    def trajectory(self) -> np.ndarray:
        """Months x state columns (``plan.state_columns``); NaN after the months recorded."""
        return self.record.table()

    # ---------------------------------------------------------------- what actors ask

    def stream(self, name: str) -> Stream:
        return self.streams(name)

    def actor(self, name: str) -> Actor:
        return self.cast.actors[name]

    def protest_strength_against(self, client: str) -> float:
        return self.cast.protest_strength_against(client)

    def opposition_to(self, patron: str, client: str) -> float:
        return self.cast.opposition_to(patron, client)

    def alliance_posture(self, client: str) -> float:
        return self.cast.alliance_posture(client)

    def presence_share_last_month(self, host: str) -> float:
        months, m = self.plan.months, self.env.month
        return self.presence.share(host, months[m - 1 if m > 0 else 0], months[m])

    def rival_presence(self, patron: str, host: str, window: int) -> float:
        return self.presence.rivals(patron, self.cast.patrons, host, window, self.env.today)

    def patron_control_gains_last_month(self, host: str) -> int:
        return self.negotiation.gains_in(host, self.env.month - 1)

    def patrons_of(self, client: str) -> list[str]:
        return self.negotiation.patrons_of(client)

    def concessions_held(self, patron: str, client: str) -> float:
        return self.negotiation.concessions_held(patron, client)

    def pressable(self, patron: str, client: str) -> list[tuple[str, float, float]]:
        return self.negotiation.pressable(patron, client)

    def reconsider(self, patron: str, client: str, leverage: float) -> None:
        self.negotiation.reconsider(patron, client, leverage)

    def negotiate(self, patron: str, client: str, track: str) -> bool:
        return self.negotiation.negotiate(patron, client, track)

    def request(self, client: str) -> None:
        self.negotiation.request(client)


def monthly_step(model: WargameModel) -> Process:
    """Run the actors' decisions at the start of every simulated month after the first."""
    months, env, at = model.plan.months, model.env, rank("month")
    while env.month + 1 < len(months) - 1:
        month = env.month + 1
        yield env.at_rank(months[month], at)
        env.month = month
        model.decide_month()
        model.record.take(month)


def _in_order(plan: Plan, values: np.ndarray | dict[str, float]) -> np.ndarray:
    """A replicate's values as an array in `plan`'s table order."""
    if isinstance(values, dict):
        return np.array([values[p] for p in plan.paths], dtype=float)
    return np.asarray(values, dtype=float)
