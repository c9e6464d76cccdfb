"""The event vocabulary, checked on hand-built ledgers with answers worked out by hand.

The toy calendar starts on 2020-09-16; day d is 2020-09-16 + d.
"""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from sim.engine.events import holds, month_spans
from sim.engine.ledger import Basing, Concession, Ledger, System
from sim.engine.outcomes import Facts
from sim.engine.plan import Plan
from sim.scenario.claims import Event
from sim.scenario.loader import loads
from tests.conftest import MINIMAL

PLAN = Plan(loads(yaml.safe_dump(MINIMAL)))
START = dt.date(2020, 9, 16)


def day(d: int) -> str:
    return (START + dt.timedelta(days=d)).isoformat()


def facts(ledger: Ledger) -> Facts:
    return Facts(PLAN.scenario, ledger)


def ev(**fields) -> Event:
    return Event.model_validate(fields)


@pytest.fixture
def ledger() -> Ledger:
    """Forces in the client on days 10-19 and 50-69; an exercise starting on day 10; rung 1
    on day 5 (no control settled), rung 2 on day 40 under patron control and lost again on
    day 80; a system delivered on day 60 under client control; a base from day 120."""
    led = Ledger(PLAN.n_days)
    led.leave(led.arrive("patron", "client", "forces", 10), 20)
    led.leave(led.arrive("patron", "client", "forces", 50), 70)
    led.arrive("patron", "client", "garrison:ladder.2", 120)
    led.exercise("patron", "client", 10)
    led.concessions += [
        Concession(5, "patron", "client", "ladder", 1, None),
        Concession(40, "patron", "client", "ladder", 2, "patron"),
        Concession(80, "patron", "client", "ladder", 2, None, up=False),
    ]
    led.systems.append(System("patron", "client", "S-400", "ladder", 2, 60, "client"))
    led.basings.append(Basing("patron", "client", "ladder", 2, 120))
    return led


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"metric": "present_on", "end": day(10)}, True),
        ({"metric": "present_on", "end": day(20)}, False),  # stays are half-open
        ({"metric": "present_in", "start": day(0), "end": day(10)}, True),  # day 10 only
        ({"metric": "present_in", "start": day(20), "end": day(49)}, False),  # the gap
        ({"metric": "present_in", "start": day(69), "end": day(70)}, True),  # last day 69
        ({"metric": "presence_share", "start": day(0), "end": day(19), "at_least": 0.5}, True),
        ({"metric": "presence_share", "start": day(0), "end": day(20), "at_least": 0.5}, False),
        ({"metric": "exercise_in", "start": day(0), "end": day(10)}, True),
        ({"metric": "exercise_in", "start": day(11), "end": day(100)}, False),
        ({"metric": "rung_by", "rung": "more_exercises", "end": day(5)}, True),
        ({"metric": "rung_by", "rung": "more_exercises", "end": day(4)}, False),
        ({"metric": "rung_by", "rung": "basing", "end": day(39)}, False),
        ({"metric": "rung_by", "rung": "basing", "end": day(40), "controller": "patron"}, True),
        ({"metric": "rung_by", "rung": "basing", "end": day(40), "controller": "client"}, False),
        # rung 1 settled no control; only the patron-controlled rung 2 counts for rung 1 too
        (
            {"metric": "rung_by", "rung": "more_exercises", "end": day(39), "controller": "patron"},
            False,
        ),
        ({"metric": "delivered_by", "end": day(60)}, True),
        ({"metric": "delivered_by", "end": day(59)}, False),
        ({"metric": "delivered_by", "end": day(90), "controller": "patron"}, False),
        (
            {"metric": "delivered_by", "end": day(90), "system": "S-400", "controller": "client"},
            True,
        ),
        ({"metric": "outcome_by", "outcome": "basing", "end": day(120)}, True),
        ({"metric": "outcome_by", "outcome": "basing", "end": day(119)}, False),
        ({"metric": "outcome_by", "outcome": "ever_continuous", "end": day(280)}, False),
        ({"metric": "outcome_by", "outcome": "ever_continuous", "end": day(300)}, True),
        # the garrison from day 120 fills the final window from day 120 + 161 = 281
        ({"metric": "outcome_by", "outcome": "presence_at_horizon", "end": day(281)}, True),
        ({"metric": "outcome_by", "outcome": "presence_at_horizon", "end": day(280)}, False),
        ({"metric": "outcome_by", "outcome": "persistent", "end": day(130)}, True),  # basing
        # rung 2 was reached by day 40 but lost on day 80: reached, not held
        ({"metric": "rung_by", "rung": "basing", "end": day(90)}, True),
        ({"metric": "rung_on", "rung": "basing", "end": day(79)}, True),
        ({"metric": "rung_on", "rung": "basing", "end": day(80)}, False),
        ({"metric": "rung_on", "rung": "more_exercises", "end": day(80)}, True),
        ({"metric": "rung_on", "rung": "basing", "end": day(50), "controller": "patron"}, True),
        ({"metric": "rung_on", "rung": "basing", "end": day(50), "controller": "client"}, False),
    ],
)
def test_each_metric_on_a_hand_built_ledger(ledger, fields, expected):
    assert holds(PLAN, ev(**fields), facts(ledger)) is expected


def test_present_every_month_needs_a_day_in_each_calendar_month(ledger):
    # Sep 16-30: days 10-14 present; Oct: days 15-19 (Oct 1-5); Nov: days 50-69 (Nov 5-24).
    every = {"metric": "present_every_month", "start": "2020-09-16"}
    assert holds(PLAN, ev(**every, end="2020-11-30"), facts(ledger)) is True
    assert holds(PLAN, ev(**every, end="2020-12-01"), facts(ledger)) is False  # not in Dec


def test_month_spans_clip_to_the_window():
    spans = month_spans(PLAN, dt.date(2020, 9, 20), dt.date(2020, 11, 3))
    assert spans == [(4, 14), (15, 45), (46, 48)]


def test_a_metric_without_its_field_is_refused():
    with pytest.raises(ValueError, match="needs the field 'rung'"):
        ev(metric="rung_by", end=day(3))


def test_negate_turns_an_event_into_its_absence(ledger):
    delivered = {"metric": "delivered_by", "end": day(90), "controller": "client"}
    assert holds(PLAN, ev(**delivered), facts(ledger)) is True
    assert holds(PLAN, ev(**delivered, negate=True), facts(ledger)) is False


def test_presence_on_the_start_date_counts():
    """Forces present from day 0: ``present_on`` the start date holds (day 0 is a day)."""
    led = Ledger(PLAN.n_days)
    led.leave(led.arrive("patron", "client", "forces", 0), 3)
    assert holds(PLAN, ev(metric="present_on", end=day(0)), facts(led)) is True
    assert holds(PLAN, ev(metric="present_on", end=day(3)), facts(led)) is False


def test_rung_by_with_a_controller_counts_a_higher_rung_settled_that_way():
    """Only rung 2 settled control (for the patron): 'rung 1 or higher under the patron by
    day 40' holds through rung 2, though rung 1 itself settled nothing."""
    led = Ledger(PLAN.n_days)
    led.concessions += [
        Concession(5, "patron", "client", "ladder", 1, None),
        Concession(40, "patron", "client", "ladder", 2, "patron"),
    ]
    event = ev(metric="rung_by", rung="more_exercises", end=day(40), controller="patron")
    assert holds(PLAN, event, facts(led)) is True


def test_a_delivery_to_another_country_is_not_a_delivery_to_the_host():
    """A system the patron delivers to a third country does not count for the host."""
    led = Ledger(PLAN.n_days)
    led.systems.append(System("patron", "elsewhere", "S-400", "ladder", 2, 10, "patron"))
    assert holds(PLAN, ev(metric="delivered_by", end=day(90)), facts(led)) is False
    led.systems.append(System("patron", "client", "S-400", "ladder", 2, 20, "patron"))
    assert holds(PLAN, ev(metric="delivered_by", end=day(90)), facts(led)) is True


def test_exercise_in_and_present_every_month_at_their_edges():
    """An exercise starting on the window's last day is in it; one day of presence in a
    calendar month is enough for that month."""
    led = Ledger(PLAN.n_days)
    led.exercise("patron", "client", 30)
    assert holds(PLAN, ev(metric="exercise_in", start=day(0), end=day(30)), facts(led)) is True
    assert holds(PLAN, ev(metric="exercise_in", start=day(31), end=day(60)), facts(led)) is False
    # one day in each of Sep (day 0 = Sep 16) and Oct (day 20 = Oct 6)
    led.leave(led.arrive("patron", "client", "forces", 0), 1)
    led.leave(led.arrive("patron", "client", "forces", 20), 21)
    every = ev(metric="present_every_month", start="2020-09-16", end="2020-10-31")
    assert holds(PLAN, every, facts(led)) is True


def test_a_conditional_judgment_counts_among_the_replicates_where_its_condition_held(ledger):
    """`given:` on a hand-built ledger: 'under the patron's command, given a delivery by
    day 90' - the one system (day 60) is under the client's, so the condition holds and
    the event does not; with the condition on day 59 the condition fails."""
    from sim.engine.events import check_of, condition_of

    event = ev(
        metric="delivered_by",
        end=day(90),
        controller="patron",
        given={"metric": "delivered_by", "end": day(90)},
    )
    f = facts(ledger)
    assert condition_of(PLAN, event)(f) is True
    assert check_of(PLAN, event)(f) is False
    early = ev(metric="present_on", end=day(10), given={"metric": "delivered_by", "end": day(59)})
    assert condition_of(PLAN, early)(f) is False and check_of(PLAN, early)(f) is True
    assert condition_of(PLAN, ev(metric="present_on", end=day(10))) is None
    assert "given a system delivered by" in event.describe()


def test_a_condition_is_for_judgments_only_and_one_deep():
    from sim.scenario.claims import Observation, Question

    inner = {"metric": "present_on", "end": day(3)}
    with pytest.raises(ValueError, match="given: is for judgments"):
        Question.model_validate({"id": "q", "question": "?", **inner, "given": inner})
    with pytest.raises(ValueError, match="given: is for judgments"):
        Observation.model_validate(
            {"id": "o", "value": True, "as_of": day(3), "source": "s", **inner, "given": inner}
        )
    with pytest.raises(ValueError, match="cannot itself have a given"):
        ev(**inner, given={**inner, "given": inner})


# ------------------------------------------------------------------ advanced_by


def advanced_ledger(*concessions: Concession) -> Ledger:
    led = Ledger(PLAN.n_days)
    led.concessions += concessions
    return led


AT_START = Concession(0, "patron", "client", "ladder", 1, None, at_start=True)


@pytest.mark.parametrize(
    ("concessions", "end", "controller", "expected", "why"),
    [
        ((AT_START,), 90, None, False, "a rung held on the start date is no advance"),
        ((AT_START, Concession(30, "patron", "client", "ladder", 1, None)), 90, None, False,
         "a grant of the rung already held is no advance"),
        ((AT_START, Concession(30, "patron", "client", "ladder", 2, None)), 90, None, True,
         "a grant above the rung held at the start is"),
        ((AT_START, Concession(30, "patron", "client", "other", 1, None)), 90, None, True,
         "a first rung on a track where nothing was held is"),
        ((AT_START, Concession(30, "patron", "client", "ladder", 2, None)), 29, None, False,
         "a grant after the date asked about does not count"),
        ((AT_START, Concession(30, "patron", "client", "ladder", 2, None)), 30, None, True,
         "a grant on the date asked about counts"),
        ((AT_START, Concession(30, "patron", "client", "ladder", 2, None, up=False)), 90,
         None, False, "a rung lost is no advance"),
        ((Concession(0, "patron", "elsewhere", "ladder", 2, None, at_start=True),
          Concession(30, "patron", "client", "ladder", 1, None)), 90, None, True,
         "what another country held at the start does not raise the host's bar"),
        ((Concession(30, "patron", "elsewhere", "ladder", 2, None),), 90, None, False,
         "a grant to another country is not the host's"),
        ((Concession(0, "patron", "client", "ladder", 2, None, at_start=True),
          Concession(30, "patron", "client", "ladder", 2, None, at_start=True)), 90, None,
         False, "rungs held at the start are never advances, whatever their day"),
        ((Concession(0, "patron", "client", "ladder", 2, None, at_start=True),
          Concession(0, "patron", "client", "ladder", 1, None, at_start=True),
          Concession(30, "patron", "client", "ladder", 2, None)), 90, None, False,
         "the bar is the highest rung held at the start, in whatever order they were listed"),
        ((Concession(30, "patron", "client", "ladder", 1, "patron"),), 90, "patron", True,
         "settled in the controller's favour"),
        ((Concession(30, "patron", "client", "ladder", 1, "client"),), 90, "patron", False,
         "settled the other way"),
        ((Concession(30, "patron", "client", "ladder", 1, None),), 90, "patron", False,
         "settled nothing"),
    ],
)  # fmt: skip
def test_advanced_by_is_a_grant_above_the_start_by_the_date(
    concessions, end, controller, expected, why
):
    fields = {"metric": "advanced_by", "end": day(end)}
    if controller:
        fields["controller"] = controller
    assert holds(PLAN, ev(**fields), facts(advanced_ledger(*concessions))) is expected, why


def test_an_exercise_on_the_first_day_is_in_a_window_that_starts_then_or_has_no_start():
    led = Ledger(PLAN.n_days)
    led.exercise("patron", "client", 0)
    led.exercise("patron", "client", 40)
    assert holds(PLAN, ev(metric="exercise_in", end=day(10)), facts(led)) is True
    assert holds(PLAN, ev(metric="exercise_in", start=day(40), end=day(45)), facts(led)) is True


def test_presence_on_a_day_past_the_horizon_is_false_not_an_error():
    led = Ledger(PLAN.n_days)
    led.arrive("patron", "client", "forces", 0)
    led.close()
    assert holds(PLAN, ev(metric="present_on", end=day(PLAN.n_days - 1)), facts(led)) is True
    assert holds(PLAN, ev(metric="present_on", end=day(PLAN.n_days)), facts(led)) is False


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"end": day(59)}, False),  # not there yet
        ({"end": day(60)}, True),  # delivered that day, under the client
        ({"end": day(99)}, True),  # handed over to the patron on day 100: still the client's
        ({"end": day(100)}, True),  # the patron's record from day 100
        ({"end": day(149)}, True),
        ({"end": day(150)}, False),  # withdrawn on day 150
        ({"end": day(120), "controller": "patron"}, True),
        ({"end": day(120), "controller": "client"}, False),
        ({"end": day(80), "controller": "client"}, True),
        ({"end": day(80), "system": "S-400"}, True),
        ({"end": day(80), "system": "Iskander"}, False),
        ({"end": day(80), "patron": "patron"}, True),
    ],
)
def test_a_system_in_place_on_a_day_is_one_whose_record_covers_it(fields, expected):
    """An S-400 delivered on day 60 under the client, handed to the patron on day 100 (one
    record closes, another opens) and withdrawn on day 150, and one elsewhere that never
    counts: in place on a day from its delivery up to, not including, its withdrawal."""
    led = Ledger(PLAN.n_days)
    led.systems += [
        System("patron", "client", "S-400", "ladder", 2, 60, "client", end=100),
        System("patron", "client", "S-400", "ladder", 2, 100, "patron", end=150),
        System("patron", "elsewhere", "S-400", "ladder", 2, 0, "patron"),
    ]
    assert holds(PLAN, ev(metric="system_on", **fields), facts(led)) is expected
