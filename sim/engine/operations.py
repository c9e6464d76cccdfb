"""The operations layer: SimPy processes on the model's day clock, rebuilt from state.

A handful of processes, each a generator over ``model.env`` whose only locals are read
from the replicate's state when it starts, so a replicate restored from a snapshot starts
the same processes and they carry on where the original ones were:

* :func:`monthly_step` runs the actors' monthly decisions at each month start;
* :func:`exercise_programme` walks one patron's :class:`Programme`: it waits for the
  booked exercise to start, then for it to end, when the patron decides the gap
  (:mod:`sim.engine.presence`) and books the next one; a change of cadence rebooks an
  exercise not yet started and wakes the process (:meth:`Programme.rebook`);
* :func:`arrival` completes a delivery or a base after its lead time, unless the rung
  that ordered it was lost meanwhile;
* :func:`summit` and :func:`inject` fire on their dates.

Same-day events run in the clock's declared order (:mod:`sim.engine.clock`).
"""

from __future__ import annotations

import math
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import simpy

from sim.engine.clock import rank
from sim.engine.plan import Cadence, DatedExercise
from sim.engine.presence import gap_days

if TYPE_CHECKING:
    from sim.engine.model import WargameModel
    from sim.scenario.schema import Inject, Summit

Process = Generator[object, object, None]


@dataclass(slots=True)
class Booking:
    """An exercise booked or under way: its days (``end`` inclusive) and units. A *fixed*
    booking (a dated exercise, or the first recurring one on its cadence's start date) is
    never rebooked."""

    name: str  # "" for a recurring exercise: :meth:`label` names it by its start day
    start: int
    end: int
    units: tuple[str, ...]
    fixed: bool

    def label(self, patron: str) -> str:
        return self.name or f"{patron} exercise (day {self.start})"


@dataclass
class Programme:
    """One patron's exercises in its host: the dated ones still to come, the one booked
    next, the one under way, and where the recurring cadence stands."""

    patron: str
    host: str
    dated: list[Booking]
    cadence: Cadence | None
    booked: Booking | None = None
    running: Booking | None = None
    last_end: int | None = None  # the day after the last exercise ended
    recurring_started: bool = False

    @classmethod
    def of(
        cls, patron: str, host: str, dated: list[DatedExercise], cadence: Cadence | None
    ) -> Programme:
        bookings = [Booking(d.name, d.start, d.end, d.units, True) for d in dated]
        return cls(patron, host, bookings, cadence)

    def next_day(self) -> int | None:
        """The day the programme acts next: the end of the exercise under way (the day
        after its last), else the start of the one booked."""
        if self.running is not None:
            return self.running.end + 1
        return None if self.booked is None else self.booked.start

    def book_next(self, now: int, interval: float, u: float) -> None:
        """Book the next exercise: the next dated one (started late if the one before
        overran it), else a recurring one (:meth:`_recurring`)."""
        if self.dated:
            nxt = self.dated.pop(0)
            late = max(0, now - nxt.start)
            self.booked = Booking(nxt.name, nxt.start + late, nxt.end + late, nxt.units, True)
            return
        self.booked = self._recurring(now, interval, u)

    def rebook(self, now: int, interval: float, u: float) -> bool:
        """After a change of cadence: book afresh a recurring exercise not yet started
        (an exercise under way, a fixed booking and dated exercises still to come stay).
        True when the booking changed."""
        if self.running is not None or self.dated or (self.booked and self.booked.fixed):
            return False
        new = self._recurring(now, interval, u)
        changed = new != self.booked
        self.booked = new
        return changed

    def _recurring(self, now: int, interval: float, u: float) -> Booking | None:
        """The next recurring exercise at `interval`-day cadence: the first one on the
        cadence's start date if it has one; otherwise a drawn gap (:func:`gap_days`) after
        the last exercise ended, or after day 0 when none has, never before `now`."""
        c = self.cadence
        if c is None or interval == math.inf:
            return None
        fixed = not self.recurring_started and c.start is not None
        if fixed:
            start = max(c.start, now)  # type: ignore[arg-type]
        else:
            gap = gap_days(interval, c.duration, c.jitter, u)
            start = max(now, (self.last_end or 0) + (gap or 0))
        self.recurring_started = True
        return Booking("", start, start + c.duration - 1, c.units, fixed)


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


@dataclass
class Done:
    """The dated events that have already fired (so a restored replicate skips them)."""

    names: set[str] = field(default_factory=set)


# ------------------------------------------------------------------------------ processes


def monthly_step(model: WargameModel) -> Process:
    """Run the actors' decisions at the start of every simulated month after the first."""
    months, env, at = model.plan.months, model.env, rank("month")
    while model.month + 1 < len(months) - 1:
        month = model.month + 1
        yield env.at_rank(months[month], at)
        model.month = month
        model.decide_month()
        model.record_month(month)


def exercise_programme(model: WargameModel, patron: str) -> Process:
    """Walk `patron`'s programme: start the booked exercise, end the one under way
    (what :meth:`Programme.next_day` says it does next)."""
    prog, env, horizon = model.programmes[patron], model.env, model.plan.n_days
    ends, starts = rank("exercise_end", patron), rank("exercise_start", patron)
    while True:
        running = prog.running
        if running is not None:
            day = running.end + 1
        elif prog.booked is not None:
            day = prog.booked.start
        else:
            return
        if day >= horizon:
            return
        try:
            yield env.at_rank(day, ends if running is not None else starts)
        except simpy.Interrupt:
            continue  # the booking changed: look again
        if running is not None:
            model.end_exercise(patron)
        else:
            model.begin_exercise(patron)


def arrival(model: WargameModel, item: Pending) -> Process:
    """Complete a delivery or a base on its due day, unless it was called off."""
    yield model.env.at(item.due, "arrival", f"{item.patron}:{item.kind}:{item.system}")
    if item in model.pending:
        model.pending.remove(item)
        model.arrive(item)


def summit(model: WargameModel, spec: Summit) -> Process:
    yield model.env.at(model.plan.day(spec.date), "summit", spec.name)
    model.done.names.add(f"summit:{spec.name}")
    model.hold_summit(spec)


def inject(model: WargameModel, spec: Inject) -> Process:
    yield model.env.at(model.plan.day(spec.date), "inject", spec.name)
    model.done.names.add(f"inject:{spec.name}")
    model.fire_inject(spec)
