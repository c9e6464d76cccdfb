"""Negotiation on hand-set state: what a rung granted, held from the start or lost does to
the book, the ledger, the holdings and the exercise effects; demands and requests with
their draws fixed by hand.

The parts are real (book, ledger, holdings, presence, day clock); the actors are small
stand-ins whose draws and rules the test sets, and the exercise component records what it
is told, so each test checks one rule of :mod:`sim.engine.negotiation`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest

from sim.engine.clock import DayClock
from sim.engine.concessions import ConcessionBook, Delivery, Effects, Track
from sim.engine.forces import Presence
from sim.engine.holdings import Holdings
from sim.engine.ledger import Concession, Ledger
from sim.engine.negotiation import Negotiation
from sim.engine.plan import StartLevel
from tests.helpers import make_track

REL = ("moscow", "minsk")


def air() -> Track:
    """Rung 1 delivers an S-400 (lead 30 days) and sets a 60-day exercise cadence; rung 2
    settles control and opens a base (lead 90)."""
    return make_track(
        "air",
        ("none", "joint", "integrated"),
        cost=(0.0, 0.2, 0.6),
        interval=(None, 60.0, None),
        delivery=(None, Delivery("S-400", 30.0, None), None),
        basing_lead=(None, None, 90.0),
        settles_control=(False, False, True),
    )


@dataclass
class Told:
    """An exercise component that records each change of effects it is told about."""

    calls: list[tuple[tuple[str, str], Effects, Effects, int]] = field(default_factory=list)
    book: ConcessionBook | None = None

    def after_change(self, rel, before, day):
        self.calls.append((rel, before, self.book.effects(rel), day))


class Draws:
    """A stream whose draws are given in advance."""

    def __init__(self, *values: float):
        self.values = list(values)

    def random(self) -> float:
        return self.values.pop(0)


@dataclass
class Client:
    name: str = "minsk"
    accept: float = 0.5  # its acceptance probability, whatever the cost
    terms: tuple[float, float] = (0.0, 0.0)
    draws: Draws = field(default_factory=Draws)  # its answers to moscow
    asked: list[tuple[str, float, float]] = field(default_factory=list)

    def accept_probability(self, patron, cost, support):
        self.asked.append((patron, cost, support))
        return self.accept

    def control_terms(self, insistence, leverage):
        return self.terms


@dataclass
class Patron:
    name: str = "moscow"
    leverage: float = 0.5
    ambition: float = 0.5
    draws: Draws = field(default_factory=Draws)

    @property
    def params(self):
        return SimpleNamespace(support=0.3, ambition=self.ambition, control_insistence=0.5)

    def uniform(self) -> float:
        return self.draws.random()


def world(
    *,
    events: bool = True,
    patron: Patron | None = None,
    client: Client | None = None,
    track: Track | None = None,
):
    ledger = Ledger(n_days=700, record_events=events)
    book = ConcessionBook({"air": track or air()})
    book.add_relation(REL)
    clock = DayClock()
    holdings = Holdings(clock, ledger, book, Presence(ledger))
    told = Told(book=book)
    patron, client = patron or Patron(), client or Client()
    cast = SimpleNamespace(
        patrons={patron.name: patron},
        regimes={client.name: client},
        patrons_of={client.name: [patron]},
        clients_of={client.name: [REL]},
    )
    months = [0, 30, 61, 91]
    answers = {"answer:moscow/minsk": client.draws}  # the client answers from its draws
    n = Negotiation(clock, ledger, book, cast, holdings, told, answers.__getitem__, months)
    return n, ledger, book, told


# ------------------------------------------------------------------ held from the start


def test_a_concession_held_at_the_start_is_in_place_on_day_zero():
    """Both rungs of `air` held on the start date with control settled to the patron:
    two concessions on day 0 marked at the start, the second carrying the control; the
    S-400 and the base there already (not ordered), the S-400 under Moscow; the exercise
    effects told once, from none to the 60-day cadence of rung 1."""
    n, ledger, book, told = world()
    n.hold_at_start(REL, StartLevel("air", 2, "patron"))
    assert ledger.concessions == [
        Concession(0, "moscow", "minsk", "air", 1, None, at_start=True),
        Concession(0, "moscow", "minsk", "air", 2, "patron", at_start=True),
    ], "rung 1 settles nothing; rung 2 settles the patron's control, both on day 0"
    assert (book.level(REL, "air"), book.controller(REL, "air")) == (2, "patron")
    assert [lv.since for lv in book.stacks[REL]["air"]] == [0, 0, 0]
    assert n.holdings.pending == [], "what a concession in place brought is there already"
    assert [(s.name, s.day, s.controller, s.end) for s in ledger.systems] == [
        ("S-400", 0, "client", 0),
        ("S-400", 0, "patron", None),
    ], "rung 1 brings the S-400 under the client; rung 2's settlement hands it over"
    assert [(b.rung, b.day) for b in ledger.basings] == [(2, 0)]
    assert told.calls == [(REL, Effects(), book.effects(REL), 0)]
    assert [(e.day, e.kind, e.actor, e.detail) for e in ledger.events] == [
        (0, "concession", "minsk", "air: joint (at the start)"),
        (0, "delivery", "moscow", "S-400 under client control"),
        (0, "concession", "minsk", "air: integrated (at the start)"),
        (0, "control_renegotiated", "moscow", "S-400 to patron"),
        (0, "basing", "moscow", "permanent base opened"),
    ]


# ------------------------------------------------------------------ granted and lost


def test_a_grant_records_the_concession_orders_what_it_brings_and_counts_control_gains():
    n, ledger, _book, told = world()
    n.env.run(until=40)
    n.env.month = 1
    n.grant(REL, "air", None)
    n.grant(REL, "air", "patron")
    assert ledger.concessions == [
        Concession(40, "moscow", "minsk", "air", 1, None),
        Concession(40, "moscow", "minsk", "air", 2, "patron"),
    ]
    assert [(p.kind, p.due) for p in n.holdings.pending] == [("delivery", 70), ("basing", 130)]
    assert n.gains == {("minsk", 1): 1}, "only a grant of patron control counts as a gain"
    assert n.gains_in("minsk", 1) == 1 and n.gains_in("minsk", 0) == 0
    assert n.gains_in(None, 1) == 0
    assert [c[3] for c in told.calls] == [40, 40]
    assert told.calls[0][1] == Effects() and told.calls[0][2].interval == 60.0
    assert [(e.day, e.kind, e.actor, e.detail) for e in ledger.events] == [
        (40, "concession", "minsk", "air: joint"),
        (40, "concession", "minsk", "air: integrated (patron control)"),
    ]


def test_the_gains_rebuilt_from_the_ledger_are_the_gains_counted():
    n, _, _, _ = world(track=air_settling_every_rung())
    for day, month in ((10, 0), (20, 0), (40, 1)):
        n.env.run(until=day)
        n.env.month = month
        n.grant(REL, "air", "patron")
    counted = dict(n.gains)
    n.gains = {}
    n.restore()
    assert n.gains == counted == {("minsk", 0): 2, ("minsk", 1): 1}


def test_a_rung_lost_withdraws_what_it_brought_and_hands_back_control():
    """The S-400 came with rung 1 (no control settled: the client's); rung 2 gave the
    patron control and so the S-400. Losing rung 2 on day 200 closes its base, and the
    control that held before (none settled: the client's) takes the S-400 back."""
    n, ledger, book, told = world()
    n.grant(REL, "air", None)
    n.env.run(until=100)
    n.grant(REL, "air", "patron")
    n.env.run(until=200)
    assert [(s.controller, s.end) for s in ledger.systems] == [("client", 100), ("patron", None)]
    told.calls.clear()
    n.revoke(REL, "air")
    assert ledger.concessions[-1] == Concession(200, "moscow", "minsk", "air", 2, None, up=False)
    assert [b.end for b in ledger.basings] == [200]
    assert [(s.controller, s.end) for s in ledger.systems] == [
        ("client", 100),
        ("patron", 200),
        ("client", None),
    ], "the control before the lost rung (none settled) gives the S-400 back to the client"
    assert book.level(REL, "air") == 1 and book.controller(REL, "air") is None
    assert told.calls == [(REL, Effects(), book.effects(REL), 200)]
    assert book.effects(REL).interval == 60.0  # rung 1's cadence holds again
    assert (200, "reversal", "minsk", "air: integrated lost (back to joint)") in [
        (e.day, e.kind, e.actor, e.detail) for e in ledger.events
    ]


def air_settling_every_rung() -> Track:
    """Four rungs, each settling control; rung 1 delivers an S-400."""
    return make_track(
        "air",
        ("none", "joint", "integrated", "unified"),
        cost=(0.0, 0.2, 0.6, 0.9),
        delivery=(None, Delivery("S-400", 0.0, None), None, None),
        settles_control=(False, True, True, True),
    )


def test_a_rung_lost_gives_control_back_to_whoever_held_it_before():
    """Rung 1 gave Moscow control of the S-400, rung 2 gave it to Minsk; losing rung 2
    hands the S-400 back to Moscow (not to the client by default)."""
    n, ledger, book, _ = world(track=air_settling_every_rung())
    n.grant(REL, "air", "patron")
    n.env.run(until=10)
    n.grant(REL, "air", "client")
    n.env.run(until=20)
    n.revoke(REL, "air")
    assert book.controller(REL, "air") == "patron"
    assert [(s.controller, s.day, s.end) for s in ledger.systems][-1] == ("patron", 20, None), (
        "the S-400 must go back to the control that held before the lost rung"
    )


def test_a_rung_lost_that_settled_nothing_leaves_control_as_it_was():
    n, ledger, _, _ = world()
    n.grant(REL, "air", None)
    n.env.run(until=50)
    n.revoke(REL, "air")
    assert [e.kind for e in ledger.events].count("control_renegotiated") == 0


# ------------------------------------------------------------------ demands


@pytest.mark.parametrize(("u", "granted"), [(0.39, True), (0.41, False)])
def test_a_demand_is_granted_when_the_draw_is_under_the_acceptance(u, granted):
    client = Client(accept=0.4, draws=Draws(u, 0.9))
    n, ledger, book, _ = world(client=client)
    assert n.negotiate("moscow", "minsk", "air") is granted
    assert client.asked == [("moscow", 0.2, 0.3)], "it weighs rung 1's cost and moscow's support"
    assert book.level(REL, "air") == (1 if granted else 0)
    if not granted:
        assert [(e.day, e.kind, e.actor, e.detail) for e in ledger.events] == [
            (0, "concession_refused", "minsk", "air: joint")
        ]


def test_a_summits_acceptance_replaces_the_clients_rule():
    client = Client(accept=0.0, draws=Draws(0.5, 0.9))
    n, _, book, _ = world(client=client)
    assert n.negotiate("moscow", "minsk", "air", accept=0.6)
    assert client.asked == [] and book.level(REL, "air") == 1


def test_nothing_is_demanded_beyond_the_top_rung():
    n, _, book, _ = world(client=Client(draws=Draws()))  # no draws to take
    book.grant(REL, "air", 0, None)
    book.grant(REL, "air", 0, None)
    assert n.negotiate("moscow", "minsk", "air") is False


@pytest.mark.parametrize(
    ("terms", "u", "controller"),
    [((0.3, 0.3), 0.1, "patron"), ((0.3, 0.3), 0.5, "client"), ((0.3, 0.3), 0.9, None)],
)
def test_a_rung_that_settles_control_is_bargained_over(terms, u, controller):
    """Terms (0.3, 0.3): the patron's control below 0.3, the client's up to 0.6, none above
    (:func:`sim.engine.bargaining.settlement`); a failed bargain grants nothing."""
    client = Client(accept=1.0, terms=terms, draws=Draws(0.0, u))
    n, ledger, book, _ = world(client=client)
    book.grant(REL, "air", 0, None)
    assert n.negotiate("moscow", "minsk", "air") is (controller is not None)
    assert book.level(REL, "air") == (2 if controller else 1)
    assert book.controller(REL, "air") == controller
    if controller is None:
        last = ledger.events[-1]
        assert (last.day, last.kind, last.actor, last.detail) == (
            0,
            "bargain_failed",
            "minsk",
            "air: integrated",
        )


def test_an_agreed_concession_is_implemented_up_to_its_rung():
    n, _, book, _ = world(client=Client(terms=(0.3, 0.3)))
    n.implement(Patron(), Client(terms=(0.3, 0.3)), "air", 2, 0.1)
    assert book.level(REL, "air") == 2 and book.controller(REL, "air") == "patron"
    n2, _, book2, _ = world()
    n2.implement(Patron(), Client(terms=(0.3, 0.3)), "air", 2, 0.95)  # control fails
    assert book2.level(REL, "air") == 1, "implementing stops at the rung whose bargain failed"


# ------------------------------------------------------------------ requests


def test_a_request_the_patron_takes_up_is_granted_at_its_price():
    patron = Patron(ambition=0.5, draws=Draws(0.3))
    client = Client(accept=0.5, draws=Draws(0.2, 0.9))
    n, ledger, book, _ = world(patron=patron, client=client)
    n.request("minsk")
    assert book.level(REL, "air") == 1
    assert client.asked == [("moscow", 0.2, 0.3)], "asked of the patron that offers"
    first = ledger.events[0]
    assert (first.day, first.kind, first.actor, first.detail) == (
        0,
        "request",
        "minsk",
        "asks moscow for air: joint",
    )


@pytest.mark.parametrize(
    ("ambition_draw", "accept_draw", "refusal", "who"),
    [(0.6, None, "request_refused", "moscow"), (0.3, 0.7, "terms_declined", "minsk")],
)
def test_a_request_falls_at_the_patrons_ambition_or_the_clients_terms(
    ambition_draw, accept_draw, refusal, who
):
    patron = Patron(ambition=0.5, draws=Draws(ambition_draw))
    client_draws = Draws() if accept_draw is None else Draws(accept_draw, 0.1)
    n, ledger, book, _ = world(patron=patron, client=Client(accept=0.5, draws=client_draws))
    n.request("minsk")
    assert book.level(REL, "air") == 0
    assert [e.kind for e in ledger.events] == ["request", refusal]
    last = ledger.events[-1]
    assert (last.day, last.actor, last.detail) == (0, who, "air: joint")


def test_a_client_without_a_patron_asks_nobody():
    n, ledger, book, _ = world()
    n.cast.patrons_of = {}
    n.request("minsk")
    assert ledger.events == [] and book.level(REL, "air") == 0


def test_the_share_of_concessions_held_counts_the_relations_own():
    n, _, book, _ = world()
    book.add_relation(("ankara", "minsk"))
    book.grant(REL, "air", 0, None)
    assert n.concessions_held("moscow", "minsk") == pytest.approx(0.5)  # one of two rungs
    assert n.concessions_held("ankara", "minsk") == 0.0, "another patron's rungs are not its"


def test_a_clients_patrons_are_listed_by_name():
    n, _, _, _ = world()
    n.cast.clients_of = {"minsk": [("moscow", "minsk"), ("ankara", "minsk")]}
    assert n.patrons_of("minsk") == ["ankara", "moscow"]
    assert n.patrons_of("warsaw") == []
