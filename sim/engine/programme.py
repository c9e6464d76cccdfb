"""An exercise programme: one patron's exercises in its host, the dated ones still to come,
the one booked next, the one under way, and where the recurring cadence stands.

Booking is plain arithmetic on days (no clock): :meth:`Programme.book_next` books the next
dated exercise, or a recurring one a drawn gap after the last ended
(:func:`sim.engine.presence.gap_days`); :meth:`Programme.rebook` books afresh after a
change of cadence.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sim.engine.plan import Cadence, DatedExercise
from sim.engine.presence import gap_days


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
    ended: bool = False  # the patron was expelled: nothing more is booked

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
        if self.ended:
            self.booked = None
            return
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
        if self.ended or self.running is not None or self.dated:
            return False
        if self.booked and self.booked.fixed:
            return False
        new = self._recurring(now, interval, u)
        changed = new != self.booked
        self.booked = new
        return changed

    def end_all(self, day: int) -> None:
        """The programme ends on `day`: the exercise under way stops, nothing booked or
        dated is held, and nothing is booked again."""
        self.ended, self.dated, self.booked = True, [], None
        if self.running is not None:
            self.running, self.last_end = None, day

    def _recurring(self, now: int, interval: float, u: float) -> Booking | None:
        """The next recurring exercise at `interval`-day cadence: the first one on the
        cadence's start date if it has one; otherwise a drawn gap (:func:`gap_days`) after
        the last exercise ended, or after day 0 when none has, never before `now`."""
        c = self.cadence
        if c is None or interval == math.inf:
            return None
        first = None if self.recurring_started else c.start
        fixed = first is not None
        if first is not None:
            start = max(first, now)
        else:
            gap = gap_days(interval, c.duration, c.jitter, u)
            start = max(now, (self.last_end or 0) + (gap or 0))
        self.recurring_started = True
        return Booking("", start, start + c.duration - 1, c.units, fixed)
