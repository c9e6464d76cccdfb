"""The agenda on hand-set state: which summit presses or implements what, with which
draws; an inject fires with its probability and sets what it names; each fires once, on
its date, and a restored agenda does not fire it again.

The clock and ledger are real; the cast, negotiation, streams and plan are stand-ins that
record what the agenda asks of them, so each test checks one rule of
:mod:`sim.engine.agenda`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from types import SimpleNamespace

from sim.engine.agenda import Agenda
from sim.engine.clock import DayClock
from sim.engine.ledger import Ledger, LogEntry

START = dt.date(2020, 9, 16)
#: Two tracks the patron may press: (track, priority, cost of its next rung).
PRESSABLE = [("air", 1.0, 0.0), ("ground", 3.0, 0.0)]


class Draws:
    """A stream whose draws are given in advance."""

    def __init__(self, values: list[float]):
        self.values = values

    def random(self) -> float:
        return self.values.pop(0)


@dataclass
class Streams:
    """Named streams with draws given in advance; records which were asked for."""

    draws: dict[str, list[float]]
    asked: list[str] = field(default_factory=list)

    def __call__(self, name: str) -> Draws:
        self.asked.append(name)
        return Draws(self.draws[name])


@dataclass
class Negotiation:
    """Records each demand and each implemented rung."""

    pressable_tracks: list[tuple[str, float, float]] = field(default_factory=lambda: PRESSABLE)
    demands: list[tuple] = field(default_factory=list)
    implemented: list[tuple] = field(default_factory=list)

    def pressable(self, patron: str, client: str) -> list[tuple[str, float, float]]:
        assert (patron, client) == ("moscow", "minsk"), "pressable asked of the wrong pair"
        return self.pressable_tracks

    def negotiate(self, patron: str, client: str, track: str, accept: float | None) -> bool:
        self.demands.append((patron, client, track, accept))
        return True

    def implement(self, patron, client, track: str, target: int, u: float) -> None:
        self.implemented.append((patron.name, client.name, track, target, u))


@dataclass
class Cast:
    """A patron 'moscow' whose client is 'minsk' (and a second client it does not target),
    recording each inject applied."""

    ambition: float = 0.5
    leverage: float = 1.0
    applied: list[tuple] = field(default_factory=list)

    def __post_init__(self) -> None:
        params = SimpleNamespace(ambition=self.ambition)
        patron = SimpleNamespace(
            name="moscow", target="minsk", params=params, leverage=self.leverage
        )
        self.patrons = {"moscow": patron}
        self.regimes = {name: SimpleNamespace(name=name) for name in ("kyiv", "minsk")}

    def apply(self, spec, params: dict[str, float]) -> None:
        self.applied.append((spec.name, params))


def summit(name="talks", effect="demands", track=None, rung=None, date=dt.date(2020, 10, 6)):
    return SimpleNamespace(
        name=name, date=date, patron="moscow", effect=effect, track=track, rung=rung
    )


def inject(name="shock", params=("ambition",), date=dt.date(2020, 11, 5)):
    return SimpleNamespace(
        name=name, date=date, actor="minsk", params=params, revoke=[], expel=False
    )


def agenda(
    draws: dict[str, list[float]],
    values: dict[str, float] | None = None,
    cast: Cast | None = None,
    record_events: bool = True,
    summits=(),
    injects=(),
) -> Agenda:
    env = DayClock()
    env.run(until=12)  # a day other than the start, so the day logged is the clock's
    plan = SimpleNamespace(
        rung_at={"joint_staff": ("air", 2)},
        day=lambda d: (d - START).days,
        scenario=SimpleNamespace(
            operations=SimpleNamespace(summits=list(summits)), injects=list(injects)
        ),
    )
    return Agenda(
        env,
        Ledger(n_days=700, record_events=record_events),
        cast or Cast(),
        Negotiation(),
        Streams(draws),
        plan,
        values or {},
    )


def test_a_summit_that_implements_grants_its_rung_with_the_second_draw():
    a = agenda({"summit:talks": [0.9, 0.25]})
    a.hold_summit(summit(effect="implements", rung="joint_staff"))
    assert a.negotiation.implemented == [("moscow", "minsk", "air", 2, 0.25)]
    assert a.negotiation.demands == [], "an implementing summit demands nothing"
    assert a.ledger.events == [LogEntry(12, "summit", "moscow", "talks")]
    assert a.streams.asked == ["summit:talks"]


def test_a_summit_that_implements_no_rung_changes_nothing():
    a = agenda({"summit:talks": [0.9, 0.25]})
    a.hold_summit(summit(effect="implements"))
    assert a.negotiation.implemented == [] and a.negotiation.demands == []


def test_a_summit_on_a_named_track_demands_it_with_the_summits_acceptance():
    values = {"operations.summits.talks.accept_probability": 0.7}
    a = agenda({"summit:talks": [0.99, 0.5]}, values)
    a.hold_summit(summit(track="air"))
    assert a.negotiation.demands == [("moscow", "minsk", "air", 0.7)]
    assert a.negotiation.implemented == []


def test_a_summit_without_a_fixed_acceptance_leaves_it_to_the_client():
    a = agenda({"summit:talks": [0.99, 0.5]})
    a.hold_summit(summit(track="air"))
    assert a.negotiation.demands == [("moscow", "minsk", "air", None)]


def test_a_summit_without_a_track_presses_the_one_the_first_draw_chooses():
    """Weights 1 (air) and 3 (ground) at zero cost: the first draw picks air below 1/4 and
    ground from there; the second draw plays no part in the choice."""
    for u, expected in ((0.2, "air"), (0.3, "ground")):
        a = agenda({"summit:talks": [u, 0.1]})
        a.hold_summit(summit())
        assert a.negotiation.demands == [("moscow", "minsk", expected, None)], u


def test_a_summit_presses_nothing_where_no_track_has_any_pull():
    a = agenda({"summit:talks": [0.5, 0.5]}, cast=Cast(leverage=0.0))
    a.hold_summit(summit())
    assert a.negotiation.demands == []


def test_a_patron_without_ambition_presses_for_nothing_at_a_summit():
    a = agenda({"summit:talks": [0.1, 0.1]}, cast=Cast(ambition=0.0))
    a.hold_summit(summit(track="air"))
    assert a.negotiation.demands == []
    assert a.ledger.events == [LogEntry(12, "summit", "moscow", "talks")], "it still met"


def test_a_patron_with_a_little_ambition_still_presses():
    a = agenda({"summit:talks": [0.1, 0.1]}, cast=Cast(ambition=1e-9))
    a.hold_summit(summit(track="air"))
    assert [d[2] for d in a.negotiation.demands] == ["air"]


def test_the_timeline_is_left_alone_without_record_events():
    a = agenda({"summit:talks": [0.9, 0.25], "inject:shock": [0.0]}, record_events=False)
    a.values.update({"injects.shock.probability": 1.0, "injects.shock.params.ambition": 0.2})
    a.hold_summit(summit(effect="implements", rung="joint_staff"))
    a.fire_inject(inject())
    assert a.ledger.events == []
    assert a.negotiation.implemented and a.cast.applied, "the effects happen all the same"


INJECT_VALUES = {"injects.shock.probability": 0.4, "injects.shock.params.ambition": 0.9}


def test_an_inject_fires_when_its_draw_is_below_its_probability():
    a = agenda({"inject:shock": [0.39]}, dict(INJECT_VALUES))
    a.fire_inject(inject())
    assert a.cast.applied == [("shock", {"ambition": 0.9})]
    assert a.ledger.events == [LogEntry(12, "inject", "minsk", "shock")]
    assert a.streams.asked == ["inject:shock"]


def test_an_inject_does_not_fire_at_or_above_its_probability():
    for u in (0.4, 0.41):
        a = agenda({"inject:shock": [u]}, dict(INJECT_VALUES))
        a.fire_inject(inject())
        assert a.cast.applied == [] and a.ledger.events == [], u


def test_an_inject_sets_every_parameter_it_names_and_none_other():
    values = {
        "injects.shock.probability": 1.0,
        "injects.shock.params.ambition": 0.9,
        "injects.shock.params.support": 0.3,
        "injects.other.params.ambition": 0.1,
    }
    a = agenda({"inject:shock": [0.5]}, values)
    a.fire_inject(inject(params=("ambition", "support")))
    assert a.cast.applied == [("shock", {"ambition": 0.9, "support": 0.3})]


def run_to(a: Agenda, day: float) -> None:
    a.env.run(until=day)


def test_each_summit_and_inject_fires_once_on_its_date_and_is_remembered():
    talks, shock = summit(), inject()
    draws = {"summit:talks": [0.9, 0.25], "inject:shock": [0.0]}
    a = agenda(draws, dict(INJECT_VALUES), summits=[talks], injects=[shock])
    a.start_processes()
    run_to(a, (talks.date - START).days)
    assert a.fired == set() and a.negotiation.demands == [], "nothing before its day"
    run_to(a, (talks.date - START).days + 1)
    assert a.fired == {"summit:talks"}
    assert [e.day for e in a.ledger.events] == [(talks.date - START).days]
    run_to(a, 400)
    assert a.snapshot() == ["inject:shock", "summit:talks"]
    assert len(a.negotiation.demands) == 1 and len(a.cast.applied) == 1
    assert a.ledger.events[-1] == LogEntry((shock.date - START).days, "inject", "minsk", "shock")


def test_a_restored_agenda_starts_only_what_has_not_fired():
    talks, later = summit(), summit(name="later", date=dt.date(2021, 1, 5))
    draws = {"summit:talks": [0.9, 0.25], "summit:later": [0.9, 0.25], "inject:shock": [0.0]}
    a = agenda(draws, dict(INJECT_VALUES), summits=[talks, later], injects=[inject()])
    a.restore(["inject:shock", "summit:talks"])
    a.start_processes()
    run_to(a, 400)
    assert a.streams.asked == ["summit:later"]
    assert a.snapshot() == ["inject:shock", "summit:later", "summit:talks"]
    assert len(a.negotiation.demands) == 1


def test_summits_and_injects_of_one_day_run_injects_first_then_by_name_not_listing():
    """Listed as summit 'zeta', summit 'abe', inject 'shock', inject 'calm' on one day:
    the injects come first (they change the day's state), each kind by name."""
    day = dt.date(2020, 10, 6)
    summits = [summit("zeta", track="air", date=day), summit("abe", track="air", date=day)]
    injects = [inject("shock", params=(), date=day), inject("calm", params=(), date=day)]
    draws = {"summit:zeta": [0.5, 0.5], "summit:abe": [0.5, 0.5], "inject:shock": [0.0],
             "inject:calm": [0.0]}  # fmt: skip
    values = {"injects.shock.probability": 1.0, "injects.calm.probability": 1.0}
    a = agenda(draws, values, summits=summits, injects=injects)
    a.start_processes()
    run_to(a, 30)
    assert [e.detail for e in a.ledger.events] == ["calm", "shock", "abe", "zeta"]
