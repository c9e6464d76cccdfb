"""Exercises: each patron's programme walked on the day clock, and the patron's one
decision for the gap after each exercise (stay, rotate or go home:
:mod:`sim.engine.presence`).

A programme's process (:func:`exercise_programme`) keeps no locals of its own: it reads
the programme each time it wakes, so a restored replicate starts it afresh and it carries
on where the original was. A change of the held rungs' combined effects
(:meth:`Exercises.after_change`) rebooks an exercise not yet started and wakes the
process; standing presence brings the forces in, and losing it sends them home unless an
exercise is under way.
"""

from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING, Any, ClassVar

import simpy

from sim.engine.clock import DayClock, Process, rank
from sim.engine.concessions import ConcessionBook, Effects, Relation
from sim.engine.forces import Presence
from sim.engine.ledger import Ledger
from sim.engine.presence import decide_gap, stay_probability
from sim.engine.programme import Booking, Programme
from sim.engine.streams import Streams

if TYPE_CHECKING:
    import random

    from agents.patron import Patron


class Exercises:
    """The patrons' exercise programmes (only those with dated exercises or a cadence)."""

    STATE: ClassVar[tuple[str, ...]] = ("programmes",)
    DERIVED: ClassVar[tuple[str, ...]] = ()
    CACHE: ClassVar[tuple[str, ...]] = ("procs", "draws")
    WIRING: ClassVar[tuple[str, ...]] = ("env", "ledger", "book", "presence", "streams", "patrons")

    def __init__(
        self,
        env: DayClock,
        ledger: Ledger,
        book: ConcessionBook,
        presence: Presence,
        streams: Streams,
        patrons: dict[str, Patron],
        programmes: dict[str, Programme],
    ):
        self.env, self.ledger, self.book, self.presence = env, ledger, book, presence
        self.streams, self.patrons = streams, patrons
        self.programmes = programmes
        self.procs: dict[str, simpy.Process] = {}
        self.draws: dict[str, random.Random] = {}  # each programme's stream, once made

    def stream(self, patron: str) -> random.Random:
        """``exercises:<patron>``: the stream of `patron`'s exercise programme."""
        got = self.draws.get(patron)
        if got is None:
            got = self.draws[patron] = self.streams(f"exercises:{patron}")
        return got

    def book_first(self) -> None:
        """Day 0: the first booking of every programme."""
        for patron, prog in self.programmes.items():
            u = self.stream(patron).random()
            prog.book_next(0, self.book.effects((patron, prog.host)).interval, u)

    def begin(self, patron: str, day: int) -> None:
        """The booked exercise starts on `day`: the patron's forces come in with its units."""
        prog = self.programmes[patron]
        ex = prog.booked
        if ex is None:  # pragma: no cover - the process only wakes on a booking
            return
        prog.running, prog.booked = ex, None
        self.presence.arrive_forces(patron, prog.host, ex.units, day)
        self.ledger.exercises.append((patron, prog.host, day))
        if self.ledger.record_events:
            self.ledger.log(day, "exercise", patron, ex.label(patron), end=ex.end)

    def end(self, patron: str, day: int) -> None:
        """`day`, the day after an exercise's last day: book the next one, then the
        patron's one decision for the gap until it (:mod:`sim.engine.presence`)."""
        prog, actor = self.programmes[patron], self.patrons[patron]
        host = prog.host
        stream = self.stream(patron)
        u_book, u_stay, u_rotate = stream.random(), stream.random(), stream.random()
        effects = self.book.effects((patron, host))
        prog.running, prog.last_end = None, day
        prog.book_next(day, effects.interval, u_book)
        booked = prog.booked
        gap = math.inf if booked is None else booked.start - day
        p = actor.params
        window = round(p.entrenchment_window_days)
        entrenched = self.presence.entrenchment(patron, host, window, day)
        chance = stay_probability(
            effects,
            actor.leverage,
            entrenched,
            gap,
            p.stay_leverage_weight,
            p.stay_entrenchment_weight,
        )
        choice = decide_gap(chance, p.rotation_share, u_stay, u_rotate)
        if choice == "home":
            self.presence.forces_home(patron, day)
        elif choice == "rotate":
            self.presence.rotate(patron, host, day)
        if self.ledger.record_events:
            shown = "no exercise ahead" if gap == math.inf else f"{gap} days to the next exercise"
            self.ledger.log(day, f"forces_{choice}", patron, shown)

    def after_change(self, rel: Relation, before: Effects, day: int) -> None:
        """What a change of the held rungs' combined effects does (module docstring)."""
        after = self.book.effects(rel)
        patron, host = rel
        if after.interval != before.interval and patron in self.programmes:
            prog = self.programmes[patron]
            u = self.stream(patron).random()
            if prog.rebook(day, after.interval, u):
                self._wake(patron)
        if after.standing and not before.standing:
            self.presence.arrive_forces(patron, host, ("standing forces",), day)
        elif before.standing and not after.standing:
            mine = self.programmes.get(patron)
            if mine is None or mine.running is None:
                self.presence.forces_home(patron, day)

    def end_programme(self, patron: str, day: int) -> None:
        """`patron` exercises no more (it was expelled): what is under way stops, nothing
        more is booked, and its forces go home."""
        prog = self.programmes.get(patron)
        if prog is not None:
            prog.end_all(day)
            self._wake(patron)
        self.presence.forces_home(patron, day)

    def _wake(self, patron: str) -> None:
        """Let the programme process see its new booking (restarting it if it had none)."""
        proc = self.procs.get(patron)
        if proc is not None and proc.is_alive:
            if proc.target is not None:
                proc.interrupt()
        else:
            self.procs[patron] = self.env.process(exercise_programme(self, patron))

    def start_processes(self) -> None:
        """A process for every programme (fresh or restored)."""
        for patron in self.programmes:
            self.procs[patron] = self.env.process(exercise_programme(self, patron))

    def snapshot(self) -> dict[str, dict[str, Any]]:
        return {p: dataclasses.asdict(prog) for p, prog in self.programmes.items()}

    def restore(self, snap: dict[str, dict[str, Any]]) -> None:
        for patron, p in snap.items():
            prog = self.programmes[patron]
            prog.dated = [_booking(b) for b in p["dated"]]
            prog.booked, prog.running = _maybe(p["booked"]), _maybe(p["running"])
            prog.last_end, prog.recurring_started = p["last_end"], p["recurring_started"]
            prog.ended = p.get("ended", False)


def _booking(d: dict[str, Any]) -> Booking:
    return Booking(**{**d, "units": tuple(d["units"])})


def _maybe(d: dict[str, Any] | None) -> Booking | None:
    return None if d is None else _booking(d)


def exercise_programme(exercises: Exercises, patron: str) -> Process:
    """Walk `patron`'s programme: start the booked exercise, end the one under way
    (what :meth:`Programme.next_day` says it does next)."""
    prog, env = exercises.programmes[patron], exercises.env
    horizon = exercises.ledger.n_days
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
            exercises.end(patron, env.today)  # the clock's day: an overrun starts late
        else:
            exercises.begin(patron, env.today)
