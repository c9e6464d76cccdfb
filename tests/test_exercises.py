"""Exercise programmes on hand-set state: what starting and ending an exercise does, the
patron's decision for the gap after one with its draws fixed by hand, what a change of the
held rungs' effects does, and the process that walks a programme on the day clock.

The clock, ledger and programmes are real; the concession book, presence, streams and
patron are stand-ins that the test sets or that record what they are told, so each test
checks one rule of :mod:`sim.engine.exercises`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest

from sim.engine.clock import DayClock
from sim.engine.concessions import Effects
from sim.engine.exercises import Exercises
from sim.engine.ledger import Ledger, LogEntry
from sim.engine.plan import Cadence, DatedExercise
from sim.engine.programme import Booking, Programme

REL = ("moscow", "minsk")
#: Effects with a 30-day cadence; staying for a gap of g days has chance base x exp(-g/100).
CADENCE = Effects(interval=30.0, stay=0.5, tolerance=100.0)


class Draws:
    """A stream whose draws are given in advance."""

    def __init__(self, values: list[float]):
        self.values = values

    def random(self) -> float:
        return self.values.pop(0)


@dataclass
class Streams:
    draws: dict[str, list[float]]
    asked: list[str] = field(default_factory=list)

    def __call__(self, name: str) -> Draws:
        self.asked.append(name)
        return Draws(self.draws[name])


@dataclass
class Book:
    """The held rungs' combined effects, set by the test."""

    effects_now: Effects = CADENCE

    def effects(self, rel):
        assert rel == REL, f"effects asked of {rel}"
        return self.effects_now


@dataclass
class Presence:
    """Records what the forces are told to do; entrenchment is set by the test."""

    entrenched: float = 0.4
    told: list[tuple] = field(default_factory=list)

    def arrive_forces(self, patron, host, units, day):
        self.told.append(("arrive", patron, host, tuple(units), day))

    def forces_home(self, patron, day):
        self.told.append(("home", patron, day))

    def rotate(self, patron, host, day):
        self.told.append(("rotate", patron, host, day))

    def entrenchment(self, patron, host, window, day):
        self.told.append(("entrenchment", patron, host, window, day))
        return self.entrenched


def patron(leverage=0.4, rotation_share=0.5, window=89.6):
    params = SimpleNamespace(
        entrenchment_window_days=window,
        stay_leverage_weight=0.5,
        stay_entrenchment_weight=0.25,
        rotation_share=rotation_share,
    )
    return SimpleNamespace(name="moscow", params=params, leverage=leverage)


def programme(dated=(), start=None) -> Programme:
    cadence = Cadence(start=start, duration=10, jitter=0.0, units=("brigade",))
    return Programme.of("moscow", "minsk", [DatedExercise(*d) for d in dated], cadence)


def exercises(draws, prog=None, effects=CADENCE, record_events=True, **patron_kw) -> Exercises:
    return Exercises(
        DayClock(),
        Ledger(n_days=400, record_events=record_events),
        Book(effects),
        Presence(),
        Streams({"exercises:moscow": draws}),
        {"moscow": patron(**patron_kw)},
        {"moscow": prog or programme()},
    )


# ----------------------------------------------------------------------- the programme


def test_a_dated_exercise_overrun_by_the_one_before_starts_late_by_as_much():
    prog = programme(dated=[("A", 5, 14, ("a",))])
    prog.book_next(8, 30.0, 0.5)
    assert prog.booked == Booking("A", 8, 17, ("a",), True)


def test_the_programme_acts_next_at_the_end_of_the_one_under_way_else_the_booked_start():
    prog = programme()
    assert prog.next_day() is None
    prog.booked = Booking("", 20, 29, ("b",), False)
    assert prog.next_day() == 20
    prog.running = Booking("", 3, 9, ("b",), False)
    assert prog.next_day() == 10


def test_a_recurring_exercise_is_named_by_its_patron_and_start_day():
    assert Booking("", 20, 29, (), False).label("moscow") == "moscow exercise (day 20)"
    assert Booking("Zapad", 20, 29, (), True).label("moscow") == "Zapad"


def test_a_recurring_exercise_is_never_booked_before_now():
    prog = programme()
    prog.last_end = 5
    prog.recurring_started = True
    prog.book_next(40, 30.0, 0.5)  # 5 + a gap of 20 is day 25, already past
    assert prog.booked.start == 40 and prog.booked.end == 49


# ----------------------------------------------------------------------- the component


def test_day_zero_books_each_programme_with_its_first_draw_and_cadence():
    ex = exercises([0.5])
    ex.book_first()
    assert ex.programmes["moscow"].booked == Booking("", 20, 29, ("brigade",), False)
    assert ex.streams.asked == ["exercises:moscow"]


def test_the_stream_of_a_programme_is_made_once():
    ex = exercises([0.1, 0.2])
    assert ex.stream("moscow") is ex.stream("moscow")
    assert ex.streams.asked == ["exercises:moscow"]


def test_an_exercise_begins_with_its_units_arriving_and_a_timeline_line():
    prog = programme()
    prog.booked = Booking("Zapad", 20, 29, ("brigade", "air wing"), True)
    ex = exercises([], prog)
    ex.begin("moscow", 21)
    assert prog.running == Booking("Zapad", 20, 29, ("brigade", "air wing"), True)
    assert prog.booked is None
    assert ex.presence.told == [("arrive", "moscow", "minsk", ("brigade", "air wing"), 21)]
    assert ex.ledger.exercises == [("moscow", "minsk", 21)]
    assert ex.ledger.events == [LogEntry(21, "exercise", "moscow", "Zapad", 29)]


def ended(u_stay: float, u_rotate: float, **kw) -> Exercises:
    """An exercise under way ends on day 15 with the draws (0.5, u_stay, u_rotate): the next
    is booked a gap of 30 - 10 = 20 days later, so the chance of staying is
    clip(0.5 + 0.5 x 0.4 + 0.25 x 0.4) x exp(-20 / 100) = 0.8 x exp(-0.2) = 0.65498."""
    prog = programme()
    prog.running = Booking("", 6, 14, ("brigade",), False)
    prog.recurring_started = True
    ex = exercises([0.5, u_stay, u_rotate], prog, **kw)
    ex.end("moscow", 15)
    return ex


STAY = 0.8 * math.exp(-0.2)


def test_ending_an_exercise_books_the_next_and_asks_entrenchment_over_the_rounded_window():
    ex = ended(0.99, 0.0)
    prog = ex.programmes["moscow"]
    assert prog.running is None and prog.last_end == 15
    assert prog.booked == Booking("", 35, 44, ("brigade",), False)
    assert ex.presence.told[0] == ("entrenchment", "moscow", "minsk", 90, 15)


@pytest.mark.parametrize(
    ("u_stay", "u_rotate", "told", "line"),
    [
        (STAY + 1e-9, 0.0, ("home", "moscow", 15), "forces_home"),
        (STAY - 1e-9, 0.49, ("rotate", "moscow", "minsk", 15), "forces_rotate"),
        (STAY - 1e-9, 0.5, None, "forces_keep"),
    ],
)
def test_the_gap_after_an_exercise_sends_forces_home_rotates_or_keeps_them(
    u_stay, u_rotate, told, line
):
    ex = ended(u_stay, u_rotate)
    assert ex.presence.told[1:] == ([] if told is None else [told])
    assert ex.ledger.events == [LogEntry(15, line, "moscow", "20 days to the next exercise")]


def test_with_no_exercise_ahead_the_forces_go_home_whatever_the_draw():
    ex = ended(0.0, 0.9, effects=Effects(interval=math.inf, stay=1.0, tolerance=1e9))
    assert ex.presence.told[1:] == [("home", "moscow", 15)]
    assert ex.ledger.events == [LogEntry(15, "forces_home", "moscow", "no exercise ahead")]


def test_the_timeline_is_left_alone_without_record_events():
    ex = ended(STAY + 1e-9, 0.0, record_events=False)
    assert ex.ledger.events == [] and ex.presence.told[1:] == [("home", "moscow", 15)]


def test_a_new_cadence_rebooks_the_exercise_not_yet_started_with_a_fresh_draw():
    prog = programme()
    ex = exercises([0.5, 0.5], prog, effects=Effects(interval=3650.0))
    ex.book_first()
    assert prog.booked.start == 3640
    ex.book.effects_now = CADENCE
    ex.after_change(REL, Effects(interval=3650.0), 12)
    assert prog.booked.start == 20  # max(day 12, day 0 + a 20-day gap)
    assert ex.procs["moscow"].is_alive, "the programme's process was started to see it"


def test_effects_that_keep_the_cadence_leave_the_booking_and_the_draws_alone():
    prog = programme()
    ex = exercises([0.5], prog)
    ex.book_first()
    ex.after_change(REL, Effects(interval=30.0, stay=0.1), 12)
    assert ex.stream("moscow").values == [] and "moscow" not in ex.procs


def test_standing_presence_gained_brings_forces_and_lost_sends_them_home():
    ex = exercises([])
    ex.book.effects_now = Effects(standing=True)
    ex.after_change(REL, Effects(), 40)
    assert ex.presence.told == [("arrive", "moscow", "minsk", ("standing forces",), 40)]
    ex.book.effects_now = Effects()
    ex.after_change(REL, Effects(standing=True), 50)
    assert ex.presence.told[-1] == ("home", "moscow", 50)


def test_standing_presence_lost_during_an_exercise_leaves_the_forces_there():
    prog = programme()
    prog.running = Booking("", 45, 60, ("brigade",), False)
    ex = exercises([], prog, effects=Effects())
    ex.after_change(REL, Effects(standing=True), 50)
    assert ex.presence.told == []


def test_the_process_starts_and_ends_each_exercise_on_its_days_until_the_horizon():
    """A 30-day cadence with 10-day exercises and no jitter: exercises on days 20-29,
    50-59, ... and none starting at or after the horizon (day 400)."""
    ex = exercises([0.5] + [0.5, 0.99, 0.0] * 20)
    ex.book_first()
    ex.start_processes()
    ex.env.run(until=400)
    starts = [day for _, _, day in ex.ledger.exercises]
    assert starts == list(range(20, 400, 30))
    homes = [t[2] for t in ex.presence.told if t[0] == "home"]
    assert homes == [s + 10 for s in starts if s + 10 < 400]


def test_a_restored_programme_is_the_one_snapshotted():
    prog = programme(dated=[("A", 5, 14, ("a",)), ("B", 50, 59, ("b",))])
    ex = exercises([0.5], prog)
    ex.book_first()
    ex.begin("moscow", 5)
    snap = ex.snapshot()
    fresh = exercises([], programme())
    fresh.restore(snap)
    assert fresh.programmes["moscow"] == prog
    assert isinstance(fresh.programmes["moscow"].dated[0].units, tuple)


def test_a_recurring_exercise_beginning_is_logged_under_its_patrons_name():
    prog = programme()
    prog.booked = Booking("", 20, 29, ("brigade",), False)
    ex = exercises([], prog)
    ex.begin("moscow", 20)
    assert ex.ledger.events == [LogEntry(20, "exercise", "moscow", "moscow exercise (day 20)", 29)]


def test_standing_presence_kept_or_never_held_moves_no_forces():
    ex = exercises([0.5] * 4, effects=Effects(interval=30.0, standing=True))
    ex.book_first()
    ex.after_change(REL, Effects(interval=60.0, standing=True), 12)  # standing before and after
    ex.book.effects_now = Effects(interval=60.0)
    ex.after_change(REL, Effects(interval=60.0), 14)  # never standing
    assert [t for t in ex.presence.told if t[0] in ("arrive", "home")] == []


def two_patrons(first: str, second: str, days: dict[str, tuple[int, int]]) -> Exercises:
    """Programmes for `first` and `second` (listed in that order), each with one dated
    exercise on the days given; every gap decision sends the forces home."""

    class AnyBook:
        def effects(self, rel):
            return Effects(interval=math.inf)

    programmes = {
        p: Programme.of(p, "minsk", [DatedExercise(p.upper(), *days[p], ("unit",))], None)
        for p in (first, second)
    }
    return Exercises(
        DayClock(),
        Ledger(n_days=400),
        AnyBook(),
        Presence(),
        Streams({f"exercises:{p}": [0.5] * 9 for p in (first, second)}),
        {p: patron() for p in (first, second)},
        programmes,
    )


def test_two_patrons_exercises_of_one_day_run_by_name_whatever_their_listing():
    for order in (("zeta", "abe"), ("abe", "zeta")):
        ex = two_patrons(*order, {"abe": (5, 9), "zeta": (5, 9)})
        ex.book_first()
        ex.start_processes()
        ex.env.run(until=20)
        assert [p for p, _, _ in ex.ledger.exercises] == ["abe", "zeta"], order
        homes = [e.actor for e in ex.ledger.events if e.kind == "forces_home"]
        assert homes == ["abe", "zeta"], order


def test_an_exercise_ends_before_another_starts_on_the_same_day():
    """zeta's exercise ends on day 9 (its gap decision is on day 10) and abe's starts on
    day 10: the end comes first, whatever the names' order."""
    ex = two_patrons("abe", "zeta", {"abe": (10, 12), "zeta": (3, 9)})
    ex.book_first()
    ex.start_processes()
    ex.env.run(until=11)
    day10 = [(e.kind, e.actor) for e in ex.ledger.events if e.day == 10]
    assert day10 == [("forces_home", "zeta"), ("exercise", "abe")]


def test_only_the_first_recurring_exercise_is_on_the_cadences_start_date():
    """Cadence from day 0, 10-day exercises every 30 days, no jitter: day 0, then a
    gap of 20 after each one ends."""
    prog = programme(start=0)
    prog.book_next(0, 30.0, 0.5)
    assert prog.booked == Booking("", 0, 9, ("brigade",), True)
    prog.running, prog.booked, prog.last_end = prog.booked, None, 10
    prog.book_next(10, 30.0, 0.5)
    assert prog.booked == Booking("", 30, 39, ("brigade",), False)
    assert prog.recurring_started is True


def test_a_gap_drawn_as_no_days_starts_the_next_exercise_the_day_the_last_ended():
    """Jitter 1 and the lowest draw: a gap of (30 - 10) x (1 - 1) = 0 days."""
    cadence = Cadence(start=None, duration=10, jitter=1.0, units=("b",))
    prog = Programme("moscow", "minsk", [], cadence, last_end=50, recurring_started=True)
    prog.book_next(50, 30.0, 0.0)
    assert prog.booked.start == 50


def test_gap_decisions_of_one_day_run_by_patron_name_not_by_when_they_were_booked():
    """zeta's exercise starts first (day 3) but both end on day 9: abe decides first."""
    ex = two_patrons("abe", "zeta", {"abe": (5, 9), "zeta": (3, 9)})
    ex.book_first()
    ex.start_processes()
    ex.env.run(until=20)
    assert [e.actor for e in ex.ledger.events if e.kind == "forces_home"] == ["abe", "zeta"]
