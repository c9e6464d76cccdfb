"""Holdings and presence on hand-set state: what a rung's delivery and base bring, under
whose control, when they arrive, how a settlement of control changes hands, and what a
lost rung takes away; and the presence spans, coverage and unit labels that follow.

Each test builds the parts by hand (a real ledger, book, presence and day clock, no model)
and checks the ledger against what the rule says should be there.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.engine.clock import DayClock
from sim.engine.concessions import ConcessionBook, Delivery, Track
from sim.engine.coverage import Coverage
from sim.engine.forces import Presence, relief
from sim.engine.holdings import Holdings, Pending
from sim.engine.ledger import Ledger
from sim.engine.presence import entrenchment
from tests.helpers import make_track

REL = ("moscow", "minsk")
OTHER = ("beijing", "minsk")


def track(name: str, delivery: Delivery | None = None, basing_lead: float | None = None) -> Track:
    """Three rungs; rung 1 delivers `delivery`, rung 2 brings a base after `basing_lead`."""
    return make_track(
        name,
        tuple(f"{name}{i}" for i in range(3)),
        delivery=(None, delivery, None),
        basing_lead=(None, None, basing_lead),
    )


def parts(*tracks: Track, events: bool = True) -> tuple[Holdings, Ledger, ConcessionBook]:
    ledger = Ledger(n_days=400, record_events=events)
    book = ConcessionBook({t.name: t for t in tracks})
    book.add_relation(REL)
    book.add_relation(OTHER)
    return Holdings(DayClock(), ledger, book, Presence(ledger)), ledger, book


def open_holders(ledger: Ledger) -> list[tuple[str, str, str, int]]:
    return [(s.patron, s.host, s.holder, s.start) for s in ledger.spans if s.end is None]


# ------------------------------------------------------------------ ordering and arriving


def test_a_rung_books_its_delivery_and_its_base_after_their_lead_times():
    """Reached on day 20: the S-400 (lead 10.4 days, rounded to 10) is due on day 30 and
    the base (lead 59.6, rounded to 60) on day 80; nothing is there before."""
    h, ledger, _ = parts(track("air", Delivery("S-400", 10.4, None), basing_lead=59.6))
    h.order(REL, "air", 1, 20, in_place=False)
    h.order(REL, "air", 2, 20, in_place=False)
    assert h.pending == [
        Pending("delivery", "moscow", "minsk", "air", 1, 30, "S-400"),
        Pending("basing", "moscow", "minsk", "air", 2, 80),
    ]
    h.env.run(until=30)
    assert ledger.systems == [], "a delivery due on day 30 arrived before it"
    h.env.run(until=31)
    assert [(s.name, s.day) for s in ledger.systems] == [("S-400", 30)]
    h.env.run(until=81)
    assert [(b.track, b.rung, b.day) for b in ledger.basings] == [("air", 2, 80)]
    assert h.pending == [], "what arrived is no longer on its way"


def test_a_negative_lead_time_arrives_the_same_day_not_before():
    h, _, _ = parts(track("air", Delivery("S-400", -5.0, None), basing_lead=-1.0))
    h.order(REL, "air", 1, 20, in_place=False)
    h.order(REL, "air", 2, 20, in_place=False)
    assert [p.due for p in h.pending] == [20, 20]


def test_a_concession_in_place_at_the_start_is_there_on_day_zero():
    h, ledger, _ = parts(track("air", Delivery("S-400", 90.0, "patron"), basing_lead=180.0))
    h.order(REL, "air", 1, 0, in_place=True)
    h.order(REL, "air", 2, 0, in_place=True)
    assert h.pending == []
    assert [(s.name, s.day, s.controller) for s in ledger.systems] == [("S-400", 0, "patron")]
    assert [(b.rung, b.day) for b in ledger.basings] == [(2, 0)]
    assert open_holders(ledger) == [
        ("moscow", "minsk", "crews:S-400", 0),
        ("moscow", "minsk", "garrison:air.2", 0),
    ]


@pytest.mark.parametrize(
    ("fixed", "settled", "expected"),
    [
        ("patron", "client", "patron"),  # the rung fixes it, whatever the track settled
        (None, "patron", "patron"),  # the track's settlement
        (None, None, "client"),  # nothing settled: the host's
    ],
)
def test_a_delivered_system_stands_under_the_control_its_rung_or_track_gives(
    fixed, settled, expected
):
    h, ledger, book = parts(track("air", Delivery("S-400", 0.0, fixed)))
    book.grant(REL, "air", 5, settled)
    h.arrive(Pending("delivery", *REL, "air", 1, 5, "S-400"), day=5)
    (system,) = ledger.systems
    assert system.controller == expected
    crews = [s.holder for s in ledger.spans]
    assert crews == (["crews:S-400"] if expected == "patron" else []), (
        "a patron-controlled system brings its crews; a client-controlled one none"
    )
    assert [(e.kind, e.detail) for e in ledger.events] == [
        ("delivery", f"S-400 under {expected} control")
    ]


def test_an_arrival_is_dated_today_unless_told_otherwise():
    h, ledger, _ = parts(track("air", basing_lead=0.0))
    h.env.run(until=42)
    h.arrive(Pending("basing", *REL, "air", 2, 42))
    assert ledger.basings[0].day == 42 and ledger.spans[0].start == 42
    assert [(e.day, e.kind) for e in ledger.events] == [(42, "basing")]


def test_without_the_timeline_nothing_is_logged_but_everything_happens():
    h, ledger, _ = parts(track("air", Delivery("S-400", 0.0, "patron"), 0.0), events=False)
    h.arrive(Pending("delivery", *REL, "air", 1, 3, "S-400"), day=3)
    h.arrive(Pending("basing", *REL, "air", 2, 3), day=3)
    h.renegotiate(REL, "air", "client", 9)
    h.withdraw(REL, "air", 2, 11)
    assert ledger.events == []
    assert len(ledger.systems) == 1 and len(ledger.basings) == 1 and len(ledger.spans) == 2


# ------------------------------------------------------------------ renegotiating


def delivered(h: Holdings, rel: tuple[str, str], track_name: str, system: str, day: int) -> None:
    h.arrive(Pending("delivery", *rel, track_name, 1, day, system), day=day)


def test_a_settlement_hands_over_the_systems_held_by_the_other_side():
    """Minsk's S-400 (delivered on day 5 under client control) passes to Moscow on day 50:
    the client record ends, a patron record opens, and Moscow's crews arrive."""
    h, ledger, _ = parts(track("air", Delivery("S-400", 0.0, None)))
    delivered(h, REL, "air", "S-400", 5)
    h.renegotiate(REL, "air", "patron", 50)
    assert [(s.controller, s.day, s.end) for s in ledger.systems] == [
        ("client", 5, 50),
        ("patron", 50, None),
    ]
    assert open_holders(ledger) == [("moscow", "minsk", "crews:S-400", 50)]
    assert [(e.day, e.kind, e.detail) for e in ledger.events][-1] == (
        50,
        "control_renegotiated",
        "S-400 to patron",
    )
    h.renegotiate(REL, "air", "client", 70)  # and back: the crews leave
    assert [(s.controller, s.end) for s in ledger.systems] == [
        ("client", 50),
        ("patron", 70),
        ("client", None),
    ]
    assert open_holders(ledger) == []


def test_a_settlement_leaves_alone_what_it_does_not_cover():
    """Another track's system, another patron's, one already gone, one already under the
    settled controller, and one whose rung fixes its controller: none changes hands."""
    air = track("air", Delivery("S-400", 0.0, None))
    land = track("land", Delivery("Iskander", 0.0, None))
    fixed = track("radar", Delivery("Voronezh", 0.0, "client"))
    h, ledger, _ = parts(air, land, fixed)
    delivered(h, REL, "land", "Iskander", 1)  # another track
    delivered(h, OTHER, "air", "HQ-9", 2)  # another patron
    delivered(h, REL, "air", "gone", 3)
    ledger.systems[-1].end = 4
    h.book.grant(REL, "air", 5, "patron")
    delivered(h, REL, "air", "already", 6)  # under the patron already
    delivered(h, REL, "radar", "Voronezh", 7)
    before = [(s.name, s.controller, s.end) for s in ledger.systems]
    h.renegotiate(REL, "air", "patron", 60)
    h.renegotiate(REL, "radar", "patron", 60)
    assert [(s.name, s.controller, s.end) for s in ledger.systems] == before


# ------------------------------------------------------------------ withdrawing


def test_a_lost_rung_takes_its_own_systems_base_and_orders_away():
    """Rung 2 of `air` lost on day 90: its base closes and its order still on the way is
    called off; rung 1's system, the other patron's base and another track's order stay."""
    air = track("air", Delivery("S-400", 0.0, "patron"), basing_lead=0.0)
    h, ledger, _ = parts(air, track("land", basing_lead=0.0))
    delivered(h, REL, "air", "S-400", 10)
    h.arrive(Pending("basing", *REL, "air", 2, 20), day=20)
    h.arrive(Pending("basing", *OTHER, "air", 2, 20), day=20)
    later = Pending("delivery", *REL, "air", 2, 200, "later")
    keep = Pending("basing", *REL, "land", 2, 200)
    h.pending = [later, keep]
    h.withdraw(REL, "air", 2, 90)
    assert h.pending == [keep], "only the lost rung's own orders are called off"
    assert [(b.patron, b.end) for b in ledger.basings] == [("moscow", 90), ("beijing", None)]
    assert [s.end for s in ledger.systems] == [None], "rung 1's system stays"
    assert open_holders(ledger) == [
        ("moscow", "minsk", "crews:S-400", 10),
        ("beijing", "minsk", "garrison:air.2", 20),
    ]
    assert [(e.day, e.kind) for e in ledger.events if e.day == 90] == [(90, "base_closed")]


def test_a_lost_rung_takes_its_systems_and_their_crews():
    h, ledger, _ = parts(track("air", Delivery("S-400", 0.0, "patron")))
    delivered(h, REL, "air", "S-400", 10)
    h.withdraw(REL, "air", 1, 30)
    assert [s.end for s in ledger.systems] == [30]
    assert open_holders(ledger) == []
    assert [(e.day, e.kind, e.detail) for e in ledger.events][-1] == (
        30,
        "withdrawal",
        "S-400 withdrawn",
    )


def test_an_order_called_off_never_arrives():
    h, ledger, _ = parts(track("air", Delivery("S-400", 30.0, None)))
    h.order(REL, "air", 1, 10, in_place=False)
    h.env.run(until=20)
    h.withdraw(REL, "air", 1, 20)
    h.env.run(until=100)
    assert ledger.systems == []


def test_what_is_on_the_way_survives_a_snapshot_and_arrives_after_a_restore():
    h, _, _ = parts(track("air", Delivery("S-400", 30.0, None)))
    h.order(REL, "air", 1, 10, in_place=False)
    snap = h.snapshot()
    again, ledger2, _ = parts(track("air", Delivery("S-400", 30.0, None)))
    again.restore(snap)
    again.start_processes()
    again.env.run(until=41)
    assert again.pending == [] and [(s.name, s.day) for s in ledger2.systems] == [("S-400", 40)]


# ------------------------------------------------------------------ presence


def test_forces_come_once_and_leave_with_their_labels():
    ledger = Ledger(n_days=100)
    p = Presence(ledger)
    p.arrive_forces("moscow", "minsk", ("1st Guards",), 10)
    p.arrive_forces("moscow", "minsk", ("1st Guards", "76th"), 15)  # already there
    assert p.forces_present("moscow") and not p.forces_present("beijing")
    assert [(s.holder, s.start) for s in ledger.spans] == [("forces", 10)]
    assert [(s.holder, s.host, s.start) for s in ledger.labels] == [
        ("1st Guards", "minsk", 10),
        ("76th", "minsk", 15),
    ]
    p.forces_home("moscow", 40)
    assert [s.end for s in ledger.spans] == [40]
    assert [s.end for s in ledger.labels] == [40, 40]
    assert not p.forces_present("moscow")
    p.forces_home("moscow", 50)  # nobody there: nothing changes
    assert [s.end for s in ledger.spans] == [40]


def test_a_rotation_relieves_the_labels_and_keeps_the_forces():
    ledger = Ledger(n_days=100)
    p = Presence(ledger)
    p.arrive_forces("moscow", "minsk", ("1st Guards",), 10)
    p.rotate("moscow", "minsk", 30)
    assert [(s.holder, s.host, s.start, s.end) for s in ledger.labels] == [
        ("1st Guards", "minsk", 10, 30),
        ("1st Guards (relief)", "minsk", 30, None),
    ]
    p.rotate("moscow", "minsk", 60)
    assert [s.holder for s in ledger.labels if s.end is None] == ["1st Guards"]
    assert [(s.holder, s.end) for s in ledger.spans] == [("forces", None)]
    p.arrive_forces("moscow", "minsk", ("1st Guards (relief)",), 70)  # its relief is there
    assert len(ledger.labels) == 3
    assert relief(relief("76th")) == "76th"


def test_without_the_timeline_forces_carry_no_labels():
    ledger = Ledger(n_days=100, record_events=False)
    p = Presence(ledger)
    p.arrive_forces("moscow", "minsk", ("1st Guards",), 10)
    p.rotate("moscow", "minsk", 30)
    assert ledger.labels == [] and p.labels == {}
    assert [(s.holder, s.start) for s in ledger.spans] == [("forces", 10)]


def test_shares_of_days_with_forces_by_host_and_by_patron():
    """Moscow's forces in Minsk on days [10, 40) and Beijing's crews on [30, 60): any
    forces on 50 of the 100 days [0, 100); Moscow's on 30 of the last 50 days before 60."""
    ledger = Ledger(n_days=100)
    p = Presence(ledger)
    p.arrive_forces("moscow", "minsk", (), 10)
    crews = p.open("beijing", "minsk", "crews:HQ-9", 30)
    p.forces_home("moscow", 40)
    p.close(crews, 60)
    assert p.share("minsk", 0, 100) == pytest.approx(0.5)
    assert p.share("minsk", 35, 45) == pytest.approx(1.0)
    assert p.share("warsaw", 0, 100) == 0.0 and p.share(None, 0, 100) == 0.0
    assert p.entrenchment("moscow", "minsk", 50, 60) == pytest.approx(30 / 50)
    assert p.entrenchment("moscow", "minsk", 100, 40) == pytest.approx(30 / 40)
    assert p.entrenchment("beijing", "warsaw", 50, 60) == 0.0
    p.close_holder("beijing", "minsk", "crews:HQ-9", 80)  # already closed: unchanged
    assert crews.end == 60


def test_presence_rebuilt_from_the_ledger_answers_as_the_original():
    ledger = Ledger(n_days=100)
    p = Presence(ledger)
    p.arrive_forces("moscow", "minsk", ("1st Guards",), 10)
    p.open("beijing", "minsk", "crews:HQ-9", 30)
    rebuilt = Presence(ledger)
    rebuilt.restore()
    assert rebuilt.forces_present("moscow") and not rebuilt.forces_present("beijing")
    assert rebuilt.labels["moscow"].keys() == {"1st Guards"}
    for lo, hi in ((0, 100), (20, 35), (50, 60)):
        assert rebuilt.share("minsk", lo, hi) == p.share("minsk", lo, hi)
        assert rebuilt.entrenchment("moscow", "minsk", hi - lo, hi) == p.entrenchment(
            "moscow", "minsk", hi - lo, hi
        )


# ------------------------------------------------------------------ coverage, exactly


@st.composite
def timelines(draw) -> tuple[list[tuple[int, int | None]], int, int]:
    """Spans opened and closed in time order (some on the same day, some never closed),
    and a window [lo, hi) to ask about."""
    n = draw(st.integers(0, 6))
    spans = []
    for _ in range(n):
        start = draw(st.integers(0, 40))
        end = draw(st.one_of(st.none(), st.integers(start, 50)))
        spans.append((start, end))
    lo = draw(st.integers(0, 60))
    return spans, lo, draw(st.integers(lo, 60))


def days_covered(spans: list[tuple[int, int | None]], lo: int, hi: int) -> int:
    """The slow exact answer: count the days of [lo, hi) inside any span."""
    return sum(any(s <= d < (60 if e is None else e) for s, e in spans) for d in range(lo, hi))


@settings(max_examples=400, deadline=None)
@given(timelines())
def test_coverage_agrees_with_counting_the_days(timeline):
    """Kept incrementally (opens and closes in time order) or rebuilt from the spans, the
    share of covered days is what counting day by day gives."""
    spans, lo, hi = timeline
    moves = sorted(
        [(s, 1, i) for i, (s, _) in enumerate(spans)]
        + [(e, 0, i) for i, (_, e) in enumerate(spans) if e is not None]
    )
    live = Coverage()
    for day, opening, _ in sorted(moves, key=lambda m: (m[0], -m[1])):
        live.open(day) if opening else live.close(day)
    expected = days_covered(spans, lo, hi) / (hi - lo) if hi > lo else 0.0
    assert live.share(lo, hi) == pytest.approx(expected), (spans, lo, hi)
    assert Coverage.of(spans).share(lo, hi) == pytest.approx(expected), (spans, lo, hi)


def test_an_empty_window_has_no_share():
    cov = Coverage.of([(0, None)])
    assert cov.share(5, 5) == 0.0 and cov.share(6, 5) == 0.0
    assert Coverage().share(0, 10) == 0.0


@settings(max_examples=300, deadline=None)
@given(timelines(), st.integers(1, 60))
def test_entrenchment_agrees_with_counting_the_days(timeline, window):
    """The share of the last `window` days before `day` (from the start) with forces, for
    overlapping spans too, is what counting day by day gives."""
    spans, _, day = timeline
    lo = max(day - window, 0)
    expected = days_covered(spans, lo, day) / (day - lo) if day > lo else 0.0
    assert entrenchment(spans, day, window) == pytest.approx(expected), (spans, day, window)


def test_entrenchment_counts_overlapping_spans_once():
    """Spans [10, 50) and [30, 70), asked on day 100 over 80 days ([20, 100)): the days
    20-69 are covered, 50 of 80."""
    assert entrenchment([(10, 50), (30, 70)], 100, 80) == pytest.approx(50 / 80)


def test_the_timeline_says_who_did_what_on_which_day():
    h, ledger, _ = parts(track("air", Delivery("S-400", 0.0, None), basing_lead=0.0))
    delivered(h, REL, "air", "S-400", 5)
    h.arrive(Pending("basing", *REL, "air", 2, 6), day=6)
    h.renegotiate(REL, "air", "patron", 7)
    h.withdraw(REL, "air", 1, 8)
    h.withdraw(REL, "air", 2, 9)
    assert [(e.day, e.kind, e.actor, e.detail) for e in ledger.events] == [
        (5, "delivery", "moscow", "S-400 under client control"),
        (6, "basing", "moscow", "permanent base opened"),
        (7, "control_renegotiated", "moscow", "S-400 to patron"),
        (8, "withdrawal", "moscow", "S-400 withdrawn"),
        (9, "base_closed", "moscow", "permanent base closed"),
    ]


def test_a_settlement_reaches_past_systems_it_does_not_cover():
    """Another track's system delivered first, then one whose rung fixes its controller,
    then the one the settlement covers: it still changes hands."""
    two = make_track(
        "air",
        ("none", "fixed", "open"),
        delivery=(None, Delivery("radar", 0.0, "client"), Delivery("S-400", 0.0, None)),
    )
    h, ledger, _ = parts(two, track("land", Delivery("Iskander", 0.0, None)))
    delivered(h, REL, "land", "Iskander", 1)
    h.arrive(Pending("delivery", *REL, "air", 1, 2, "radar"), day=2)
    h.arrive(Pending("delivery", *REL, "air", 2, 3, "S-400"), day=3)
    h.renegotiate(REL, "air", "patron", 10)
    assert [(s.name, s.controller, s.end) for s in ledger.systems] == [
        ("Iskander", "client", None),
        ("radar", "client", None),
        ("S-400", "client", 10),
        ("S-400", "patron", None),
    ]


def test_arrivals_on_one_day_complete_in_the_same_order_however_they_were_booked():
    """Two deliveries due on day 30, booked in either order: the ledger lists them the
    same way (same-day events run by rank, not by when they were scheduled)."""

    def systems(first: str, second: str) -> list[str]:
        h, ledger, _ = parts(track("air", Delivery("S-400", 0.0, None)))
        for name in (first, second):
            h._book(Pending("delivery", *REL, "air", 1, 30, name), in_place=False)
        h.env.run(until=31)
        return [s.name for s in ledger.systems]

    assert systems("S-400", "Pantsir") == systems("Pantsir", "S-400")


def test_a_rotation_of_a_patron_with_no_labels_changes_nothing():
    ledger = Ledger(n_days=100)
    p = Presence(ledger)
    p.rotate("moscow", "minsk", 30)
    assert ledger.labels == [] and ledger.spans == []


def test_a_patron_without_labels_goes_home_while_another_keeps_its_own():
    ledger = Ledger(n_days=100)
    p = Presence(ledger)
    p.arrive_forces("moscow", "minsk", ("1st Guards",), 10)
    p.open("beijing", "minsk", "forces", 12)
    p.forces_home("beijing", 20)  # it has no labels: nothing to close, no error
    assert [s.end for s in ledger.labels] == [None]
