"""Every decision function of the engine on hand-set state, against an answer worked out by
hand: the concession book and its combination rule, track choice inputs, control
settlement, request routing, the reversal hazard, the gap decision, entrenchment,
scheduling, and the presence coverage the alliance and entrenchment read.

(The roles' own rules, acceptance, dependence and track weights, are in test_roles.py;
outcomes and events in test_outcomes.py and test_events.py.)
"""

from __future__ import annotations

import copy
import math
from types import SimpleNamespace

import pytest
import yaml

from sim.engine import bargaining
from sim.engine.concessions import ConcessionBook, Effects, Track
from sim.engine.coverage import Coverage
from sim.engine.negotiation import Negotiation
from sim.engine.plan import Cadence, DatedExercise, Plan
from sim.engine.presence import decide_gap, entrenchment, gap_days, stay_probability
from sim.engine.programme import Programme
from sim.engine.replicate import run_replicates
from sim.scenario.loader import loads
from tests.conftest import MINIMAL
from tests.helpers import make_track

REL = ("kremlin", "minsk")


def track(name="t", n=3, **fields) -> Track:
    return make_track(name, tuple(f"{name}{i}" for i in range(n)), **fields)


def book(*tracks: Track) -> ConcessionBook:
    b = ConcessionBook({t.name: t for t in tracks})
    b.add_relation(REL)
    return b


# ----------------------------------------------------------------------- the book


def test_a_rung_granted_and_lost_restores_what_held_before():
    b = book(track("air", 3))
    b.grant(REL, "air", 10, "client")
    b.grant(REL, "air", 40, "patron")
    assert (b.level(REL, "air"), b.controller(REL, "air"), b.held(REL, "air").since) == (
        2,
        "patron",
        40,
    )
    assert b.revoke(REL, "air") == 2
    assert (b.level(REL, "air"), b.controller(REL, "air"), b.held(REL, "air").since) == (
        1,
        "client",
        10,
    )
    with pytest.raises(ValueError, match="top rung"):
        b.grant(REL, "air", 50, None)
        b.grant(REL, "air", 60, None)
        b.grant(REL, "air", 70, None)


def test_the_latest_settlement_is_the_tracks_controller_and_a_plain_rung_keeps_it():
    b = book(track("air", 4))
    b.grant(REL, "air", 10, "client")
    b.grant(REL, "air", 20, "patron")
    b.grant(REL, "air", 30, None)  # settles nothing: the patron's settlement stands
    assert b.controller(REL, "air") == "patron"


def test_held_effects_combine_by_the_strongest_rule():
    presence = track(
        "p", 3, interval=(90.0, 30.0, 30.0), stay=(0.1, 0.1, 0.8), tolerance=(10.0, 10.0, 60.0)
    )
    other = track("o", 2, interval=(None, 20.0), stay=(None, 0.3), standing=(False, True))
    b = book(presence, other)
    assert b.effects(REL) == Effects(interval=90.0, stay=0.1, tolerance=10.0, standing=False)
    b.grant(REL, "o", 0, None)
    assert b.effects(REL) == Effects(interval=20.0, stay=0.3, tolerance=10.0, standing=True)
    b.grant(REL, "p", 0, None)
    b.grant(REL, "p", 0, None)
    assert b.effects(REL) == Effects(interval=20.0, stay=0.8, tolerance=60.0, standing=True)


def test_no_recurring_exercises_is_an_infinite_interval():
    b = book(track("p", 2, interval=(math.inf, 30.0)))
    assert math.isinf(b.effects(REL).interval)
    b.grant(REL, "p", 0, None)
    assert b.effects(REL).interval == 30.0


def test_held_share_counts_every_tracks_rungs():
    b = book(track("a", 3), track("b", 2))  # 2 + 1 rungs above the first
    b.grant(REL, "a", 0, None)
    assert b.held_share([REL]) == pytest.approx(1 / 3)


def test_pressable_tracks_are_those_below_their_top_in_name_order():
    b = book(track("zeta", 2, cost=(0.0, 0.5)), track("alpha", 3, cost=(0.0, 0.2, 0.4)))
    assert bargaining.pressable(b, REL) == [("alpha", 1.0, 0.2), ("zeta", 1.0, 0.5)]
    b.grant(REL, "zeta", 0, None)
    assert bargaining.pressable(b, REL) == [("alpha", 1.0, 0.2)]
    assert bargaining.cheapest([("b", 1.0, 0.2), ("a", 1.0, 0.2), ("c", 1.0, 0.1)]) == "c"
    assert bargaining.cheapest([("b", 1.0, 0.2), ("a", 1.0, 0.2)]) == "a"


# ----------------------------------------------------------------------- bargaining


def test_control_settles_by_the_uniform_against_both_sides_chances():
    assert bargaining.settlement(0.5, 0.3, 0.49) == "patron"
    assert bargaining.settlement(0.5, 0.3, 0.5) == "client"
    assert bargaining.settlement(0.5, 0.3, 0.79) == "client"
    assert bargaining.settlement(0.5, 0.3, 0.8) == "failed"


def test_a_request_goes_to_the_patron_with_the_most_leverage():
    assert bargaining.route_request([("a", 0.2), ("b", 0.7), ("c", 0.4)]) == "b"
    assert bargaining.route_request([("b", 0.5), ("a", 0.5)]) == "b"  # ties: by name, not order
    assert bargaining.route_request([("a", 0.5), ("b", 0.5)]) == "b"
    assert bargaining.route_request([]) is None


def test_the_reversal_hazard_by_hand():
    t = track("p", 2, hazard=0.2, entrenchment_months=6.0)
    # 0.2 x exp(-3 / 6) x (1 - 0.25), for a rung held 3 months (91.3 days)
    held = round(3 * bargaining.MONTH_DAYS)
    expected = 0.2 * math.exp(-(held / bargaining.MONTH_DAYS) / 6.0) * 0.75
    assert bargaining.reversal_hazard(t, held, 0.25) == pytest.approx(expected)
    assert bargaining.reversal_hazard(t, 0, 0.0) == pytest.approx(0.2)
    assert bargaining.reversal_hazard(t, 0, 1.0) == 0.0  # full leverage: nothing is lost
    assert bargaining.reversal_hazard(track("q", 2), 0, 0.0) == 0.0  # irreversible


class FixedDraw:
    """A reversal stream that always draws `u`."""

    def __init__(self, u: float):
        self.u = u

    def random(self) -> float:
        return self.u


def reconsidered_on(day: int, u: float, leverage: float) -> list[str]:
    """The tracks `Negotiation.reconsider` revokes on `day` when the draw is `u`, for a
    relation that reached rung 1 of `air` on day 10 and rung 2 on day 100 (and holds an
    irreversible `land` rung); revocation itself stubbed, so only the decision is tested."""
    air = track("air", 3, hazard=0.2, entrenchment_months=6.0)
    b = book(air, track("land", 2))
    b.grant(REL, "air", 10, None)
    b.grant(REL, "air", 100, None)
    b.grant(REL, "land", 5, None)
    clock = SimpleNamespace(today=day)
    n = Negotiation(clock, None, b, None, None, None, None, [])
    n.draws[REL] = FixedDraw(u)
    revoked: list[str] = []
    n.revoke = lambda rel, name: revoked.append(name)
    n.reconsider(*REL, leverage)
    return revoked


def test_a_held_rung_is_lost_by_the_hazard_of_its_own_time_held():
    """On day 400 the top rung of `air` has been held 300 days (since day 100, not since
    day 10 when the track was first conceded, nor since day 0): its hazard is exactly
    0.2 x exp(-(300 / 30.44) / 6) x (1 - 0.25); a draw just under it revokes, just over
    it does not."""
    air = track("air", 3, hazard=0.2, entrenchment_months=6.0)
    exact = bargaining.reversal_hazard(air, 300, 0.25)
    assert exact == pytest.approx(0.2 * math.exp(-(300 / bargaining.MONTH_DAYS) / 6) * 0.75)
    assert reconsidered_on(400, exact * (1 - 1e-9), 0.25) == ["air"], (
        "a draw under the hazard of a rung held 300 days must revoke it: the hazard read "
        "a longer time held than the top rung's own"
    )
    assert reconsidered_on(400, exact * (1 + 1e-9), 0.25) == [], (
        "a draw over the hazard of a rung held 300 days must not revoke it: the hazard read "
        "a shorter time held than the top rung's own"
    )
    assert reconsidered_on(400, 0.0, 1.0) == []  # full leverage: the hazard is zero


# ----------------------------------------------------------------------- presence


def test_the_chance_to_stay_by_hand():
    fx = Effects(interval=30.0, stay=0.5, tolerance=20.0, standing=False)
    # clip(0.5 + 0.2 x 0.5 + 0.4 x 0.25) x exp(-10 / 20) = 0.7 x 0.60653
    got = stay_probability(fx, 0.5, 0.25, 10, 0.2, 0.4)
    assert got == pytest.approx(0.7 * math.exp(-0.5))
    assert stay_probability(fx, 0.5, 0.25, math.inf, 0.2, 0.4) == 0.0  # nothing ahead
    standing = Effects(interval=30.0, stay=0.0, tolerance=1.0, standing=True)
    assert stay_probability(standing, 0.0, 0.0, math.inf, 0.0, 0.0) == 1.0
    keen = Effects(interval=30.0, stay=0.9, tolerance=20.0)
    capped = stay_probability(keen, 1.0, 1.0, 0, 0.5, 0.5)
    assert capped == 1.0  # the base chance is clipped at one before the gap's discount


def test_the_gap_decision_follows_the_two_uniforms():
    assert decide_gap(0.6, 0.5, 0.59, 0.4) == "rotate"
    assert decide_gap(0.6, 0.5, 0.59, 0.5) == "keep"
    assert decide_gap(0.6, 0.5, 0.6, 0.0) == "home"


def test_entrenchment_is_the_share_of_recent_days_with_forces():
    spans = [(0, 10), (50, 70), (80, None)]
    # last 30 days before day 100: days 70-99: covered 80-99 = 20 of 30
    assert entrenchment(spans, 100, 30) == pytest.approx(20 / 30)
    assert entrenchment(spans, 5, 30) == pytest.approx(1.0)  # only the days since the start
    assert entrenchment(spans, 0, 30) == 0.0


def test_coverage_gives_the_same_shares_as_the_spans():
    cov = Coverage()
    for day, step in [(0, 1), (5, 1), (10, -1), (15, -1), (20, 1), (30, -1), (40, 1)]:
        cov.open(day) if step > 0 else cov.close(day)
    spans = [(0, 10), (5, 15), (20, 30), (40, None)]
    for lo, hi in [(0, 50), (12, 25), (31, 39), (35, 60), (0, 1)]:
        assert cov.share(lo, hi) == pytest.approx(entrenchment(spans, hi, hi - lo)), (lo, hi)
    assert Coverage.of(spans).share(0, 50) == pytest.approx(cov.share(0, 50))


def test_a_recurring_gap_by_hand():
    # (30 - 10) x (1 + 0.5 x (2 x 0.75 - 1)) = 20 x 1.25 = 25
    assert gap_days(30.0, 10, 0.5, 0.75) == 25
    assert gap_days(5.0, 10, 0.0, 0.5) == 1  # at least a day between exercises
    assert gap_days(math.inf, 10, 0.5, 0.5) is None


# ----------------------------------------------------------------------- scheduling


def programme(dated=(), start=None) -> Programme:
    cadence = Cadence(start=start, duration=10, jitter=0.0, units=("c",))
    return Programme.of("kremlin", "minsk", [DatedExercise(*d) for d in dated], cadence)


def test_dated_exercises_come_first_and_recurring_ones_follow_a_gap_after():
    prog = programme(dated=[("A", 5, 14, ("a",))])
    prog.book_next(0, 30.0, 0.5)
    assert (prog.booked.name, prog.booked.start) == ("A", 5)
    prog.running, prog.booked, prog.last_end = prog.booked, None, 15
    prog.book_next(15, 30.0, 0.5)
    assert prog.booked.start == 15 + 20 and prog.booked.end == 44  # a gap of 30 - 10 days


def test_a_recurring_cadence_does_not_open_on_day_zero_unless_told_to():
    prog = programme()
    prog.book_next(0, 30.0, 0.5)
    assert prog.booked.start == 20
    fixed = programme(start=0)
    fixed.book_next(0, 30.0, 0.5)
    assert fixed.booked.start == 0 and fixed.booked.fixed


def test_a_new_cadence_rebooks_the_exercise_not_yet_started():
    prog = programme()
    prog.book_next(0, 3650.0, 0.5)
    assert prog.booked.start == 3640
    assert prog.rebook(20, 30.0, 0.5)  # granted a 30-day cadence on day 20
    assert prog.booked.start == 20  # max(day 20, day 0 + a 20-day gap)
    assert not prog.rebook(20, 30.0, 0.5)  # the same day and cadence book the same exercise
    prog.running = prog.booked
    assert not prog.rebook(30, 10.0, 0.5)  # an exercise under way is never rebooked


def test_a_fixed_booking_is_not_rebooked_and_no_cadence_books_nothing():
    prog = programme(dated=[("A", 5, 14, ("a",))])
    prog.book_next(0, 30.0, 0.5)
    assert not prog.rebook(1, 10.0, 0.5) and prog.booked.name == "A"
    none = programme()
    none.book_next(0, math.inf, 0.5)
    assert none.booked is None


# ----------------------------------------------------------------------- wired together


def toy(**changes) -> Plan:
    data = copy.deepcopy(MINIMAL)
    data.pop("injects")
    watchers = {"initial_posture": 0.0, "response_rate": 1.0, "decay": 0.0, "rung_response": 0.0}
    data["actors"] = [
        *data["actors"][:2],
        {"name": "watchers", "role": "alliance", "params": watchers},
    ]
    data["actors"][0]["params"] = {"ambition": 0.0, "stay_leverage_weight": 0.0}
    data["operations"] = {
        "exercises": [
            {
                "name": "A",
                "patron": "patron",
                "start": "2020-09-16",
                "end": "2020-09-25",
                "units": ["a"],
            },
            {
                "name": "B",
                "patron": "patron",
                "start": "2020-10-01",
                "end": "2020-10-05",
                "units": ["b"],
            },
        ]
    }
    data["ladder"][0].update({"stay_probability": 0.0, "bridge_tolerance_days": 10})
    data.update(changes)
    return Plan(loads(yaml.safe_dump(data)))


def test_the_gap_is_measured_from_the_day_after_to_the_next_start():
    """A ends on its 10th day (day 9); B starts on day 15: a gap of 5 days."""
    (run,) = run_replicates(toy(), 1, 0, 1)
    decisions = [e for e in run.ledger.events if e.kind.startswith("forces_")]
    assert decisions[0].day == 10 and "5 days to the next exercise" in decisions[0].detail


def test_the_alliance_sees_exactly_last_months_days_of_presence():
    """Forces days 0-9 (A) and 15-19 (B) of the first month (30 days, 16 Sep - 15 Oct);
    with response 1, no decay and no start posture, posture after month 1 is the share."""
    plan = toy()
    (run,) = run_replicates(plan, 1, 0, 1)
    k = plan.state_columns.index(("watchers", "posture"))
    assert run.trajectory[1, k] == pytest.approx(15 / 30)


def test_a_base_opens_in_the_host_the_rung_was_granted_by():
    plan = toy(
        ladder=[*MINIMAL["ladder"][:2], {**MINIMAL["ladder"][2], "basing_lead_time_days": 0}]
    )
    data = copy.deepcopy(plan.scenario.model_dump(mode="json"))
    data["actors"][0]["start_rung"] = {"rung": "basing", "source": "t"}
    plan = Plan(loads(yaml.safe_dump(data)))
    (run,) = run_replicates(plan, 1, 0, 1)
    assert [(b.host, b.day) for b in run.ledger.basings] == [("client", 0)]
    assert any(s.host == "client" and s.holder.startswith("garrison") for s in run.ledger.spans)


def test_the_book_refuses_to_lose_a_rung_it_does_not_hold_or_pass_the_top():
    b = book(track("air", 2))
    with pytest.raises(ValueError, match="track air holds no granted rung"):
        b.revoke(REL, "air")
    b.grant(REL, "air", 0, None)
    with pytest.raises(ValueError, match="track air is already at its top rung"):
        b.grant(REL, "air", 1, None)


def test_a_gap_jittered_to_nothing_is_zero_days():
    """Interval 11 days after a 10-day exercise: a mean gap of 1 day, jittered by +/-100 %
    with u = 0, is 0 days (the next exercise starts the next day), not clamped to 1."""
    assert gap_days(11.0, 10, 1.0, 0.0) == 0


def test_the_share_of_concessions_held_adds_every_relation():
    b = ConcessionBook({"air": track("air", 3), "land": track("land", 2)})
    other = ("beijing", "minsk")
    b.add_relation(REL)
    b.add_relation(other)
    b.grant(REL, "air", 1, None)
    b.grant(other, "air", 1, None)
    b.grant(other, "land", 1, None)
    # rungs above the first: 2 on air and 1 on land, per relation; held 1 + 2 of 6
    assert b.held_share([REL, other]) == pytest.approx(3 / 6)
    assert b.held_share([]) == 0.0


def test_a_reversible_track_not_held_does_not_stop_the_others_being_reconsidered():
    first = track("first", 2, hazard=0.5, entrenchment_months=6.0)  # never granted
    second = track("second", 2, hazard=0.5, entrenchment_months=6.0)
    b = book(first, second)
    b.grant(REL, "second", 10, None)
    n = Negotiation(SimpleNamespace(today=40), None, b, None, None, None, None, [])
    n.draws[REL] = FixedDraw(0.0)
    revoked: list[str] = []
    n.revoke = lambda rel, name: revoked.append(name)
    n.reconsider(*REL, 0.0)
    assert revoked == ["second"], "a track at level 0 ended the month's reconsideration"


def test_effects_not_given_are_what_nothing_held_gives_and_other_names_are_refused():
    """Combined effects hold one value per declared held effect: those not given are at
    their declared value when no held rung sets them; a name no rung field declares is an
    error, and the values, shared through a cache, cannot be changed."""
    from sim.scenario.tracks import HELD_EFFECTS

    fx = Effects(stay=0.4)
    assert vars(fx) == {"interval": math.inf, "stay": 0.4, "tolerance": 1.0, "standing": False}
    assert set(vars(fx)) == {e.name for e in HELD_EFFECTS.values()}
    assert fx == Effects(stay=0.4) and hash(fx) == hash(Effects(stay=0.4))
    assert fx != Effects(stay=0.5)
    with pytest.raises(TypeError, match="no held effect named colour, size"):
        Effects(size=1.0, colour=2.0)
    with pytest.raises(AttributeError, match="read-only"):
        fx.stay = 0.9
