"""The day clock: a SimPy environment whose same-day events run in a declared order.

SimPy runs events due at the same time in the order they were scheduled, which depends on
the history of the run. A replicate resumed from its state on some day schedules its
pending events afresh, in another order, so the clock orders same-day events by a *rank*
instead: ``(kind, key)``, where kind says what happens first on a day (:data:`RANKS`)
and key names who acts (a patron, a summit), so the order never depends on the order in
which actors or operations are listed either. Events without a rank (SimPy's own:
a process starting or ending) keep SimPy's order after the ranked ones.
"""

from __future__ import annotations

from collections.abc import Generator
from heapq import heappush
from typing import Any

import simpy
from simpy.events import NORMAL

#: What happens first on a day, and so on.
RANKS = {
    "inject": 0,  # a shock changes state and parameters at the start of its day
    "month": 1,  # the actors' monthly decisions
    "summit": 2,
    "arrival": 3,  # a delivery or a base completing its lead time
    "exercise_end": 4,  # the day after an exercise's last day: the decision for the gap
    "exercise_start": 5,
}
_UNRANKED = (99, "")

#: A SimPy process body: a generator of the events it waits on.
Process = Generator[simpy.Event, Any, None]


class DayClock(simpy.Environment):
    """``simpy.Environment`` with ranked same-day events (see the module docstring), and
    the simulated month the actors last stepped in (``month``: set by the monthly step)."""

    def __init__(self, initial_time: int = 0, month: int = 0):
        super().__init__(initial_time)
        self.month = month

    @property
    def today(self) -> int:
        """The day now, as an int (SimPy keeps it as the number it was given)."""
        return int(self._now)

    def schedule(self, event: Any, priority: Any = NORMAL, delay: Any = 0) -> None:
        """SimPy's own scheduling: its events (a process starting or ending, an event
        succeeding) are unranked; ranked ones are queued by :meth:`at_rank`."""
        heappush(self._queue, (self._now + delay, (priority, _UNRANKED), next(self._eid), event))

    def drop_pending(self) -> None:
        """Forget every event still queued, and what waits on it (a replicate taken apart
        before its queue ran out: nothing circular is left for the garbage collector)."""
        for *_, event in self._queue:
            event.callbacks = None
        self._queue.clear()

    def at(self, day: int, kind: str, key: str = "") -> simpy.Timeout:
        """A timeout that fires on `day` (not before now) with the rank of `kind`."""
        return self.at_rank(day, (RANKS[kind], key))

    def at_rank(self, day: int, rank: tuple[int, str]) -> simpy.Timeout:
        """:meth:`at` with the rank already made (:func:`rank`).

        Builds the timeout as ``simpy.Timeout.__init__`` does (inlined, as SimPy itself
        inlines ``Event.__init__`` there), and queues it with its rank directly: a
        replicate schedules some eighty of these. Measured against a subclass whose
        ``__init__`` sets the rank and calls SimPy's: 1,399 against 1,355 replicates/s
        (3 %, one worker, Belarus, events off), so the inlining stays; tests/test_clock.py
        fails if the SimPy internals it writes change.
        """
        now = self._now
        when = day if day > now else now
        ev = _new(At)
        ev.env, ev.callbacks, ev._value, ev._ok = self, [], None, True
        ev._delay, ev.rank = when - now, rank
        heappush(self._queue, ((when), (NORMAL, rank), next(self._eid), ev))
        return ev


def rank(kind: str, key: str = "") -> tuple[int, str]:
    """The rank of an event of `kind` by `key` (see the module docstring)."""
    return (RANKS[kind], key)


class At(simpy.Timeout):
    """A timeout carrying its rank (made by :meth:`DayClock.at_rank`)."""

    rank: tuple[int, str]


_new = object.__new__
