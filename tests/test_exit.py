"""A patron's exit, modelled as carefully as its entry: a starting rung held since before
the start date (``held_since``) is as entrenched as its months held say.

The reversal hazard of a rung held ``m`` months is ``h x exp(-m / E) x (1 - leverage)``
(:func:`sim.engine.bargaining.reversal_hazard`); held since ``a`` months before the start,
``m`` counts from then, so at any month its hazard is ``exp(-a / E)`` times the hazard of
the same rung granted on the start date.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
import yaml

from sim.engine.bargaining import MONTH_DAYS
from sim.engine.plan import Plan, StartLevel
from sim.engine.replicate import run_replicates
from sim.scenario import paths
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import loads
from tests.helpers import make_track, outcomes_of
from tests.test_negotiation import REL, Draws, world

START = dt.date(2020, 1, 1)


def entrenched_toy(hazard: float, entrenchment: float, held_since: str | None) -> dict:
    """A rung held from the start (granted on `held_since`, or the start date), lost with
    hazard x exp(-months held / entrenchment) (no leverage), never pressed again."""
    start = {"rung": "granted", "source": "t"}
    if held_since is not None:
        start["held_since"] = held_since
    return {
        "metadata": {"name": "exit toy", "start_date": START.isoformat(), "horizon_months": 3},
        "outcomes": {"window_days": 30},
        "actors": [
            {
                "name": "patron",
                "role": "patron",
                "params": {"ambition": 0.0, "leverage_base": 0.0, "leverage_from_dependence": 0.0},
                "start_rung": start,
            },
            {"name": "client", "role": "client_regime", "params": {"request_propensity": 0.0}},
        ],
        "tracks": [
            {
                "name": "only",
                "reversal": {"hazard": hazard, "entrenchment_months": entrenchment},
                "rungs": [{"name": "none", "cost": 0}, {"name": "granted", "cost": 0.5}],
            }
        ],
    }


def test_a_rung_held_since_before_the_start_keeps_its_grant_day():
    reversible = make_track("air", ("none", "joint"), hazard=0.5, entrenchment_months=12.0)
    n, _, book, _ = world(track=reversible)
    n.hold_at_start(REL, StartLevel("air", 1, None, since=-730))
    assert book.held(REL, "air").since == -730
    assert book.level(REL, "air") == 1


@pytest.mark.parametrize(("since", "lost"), [(0, True), (-730, False)])
def test_the_months_held_before_the_start_lower_the_chance_of_losing_it(since, lost):
    """On day 0, leverage 0: hazard 0.5 for a rung granted that day, 0.5 x exp(-24/12) =
    0.068 for one granted 730 days (24 months) before. A draw of 0.1 loses the first, not
    the second."""
    reversible = make_track("air", ("none", "joint"), hazard=0.5, entrenchment_months=12.0)
    n, _, book, _ = world(track=reversible)
    book.reversible = [("air", reversible)]
    n.hold_at_start(REL, StartLevel("air", 1, None, since=since))
    n.draws[REL] = Draws(0.1)
    n.reconsider(*REL, leverage=0.0)
    assert book.level(REL, "air") == (0 if lost else 1)
    assert 0.5 * math.exp(-730 / MONTH_DAYS / 12) < 0.1 < 0.5


def test_held_since_two_years_back_lowers_the_reversal_rate_by_the_declared_factor():
    """The first month's chance of losing the rung, counted over 4,000 replicates, is
    h x exp(-m1 / E) with m1 the months held at the first reconsideration: from the start
    date, or two years more; each within four binomial standard errors, and the ratio of
    the two is exp(-24 / E) (the declared factor) within its error."""
    h, e, n = 0.6, 12.0, 4000
    freq = {}
    for held_since in (None, "2018-01-01"):
        plan = Plan(loads(yaml.safe_dump(entrenched_toy(h, e, held_since))))
        first = plan.months[1]
        before = 0 if held_since is None else (START - dt.date(2018, 1, 1)).days
        expected = h * math.exp(-(first + before) / MONTH_DAYS / e)
        lost = np.array(
            [
                any(c.day == first and not c.up for c in run.ledger.concessions)
                for run in run_replicates(plan, 7, 0, n, events=False)
            ]
        )
        se = math.sqrt(expected * (1 - expected) / n)
        assert abs(lost.mean() - expected) < 4 * se, (held_since, lost.mean(), expected, se)
        freq[held_since] = (lost.mean(), se)
    (p0, s0), (p2, s2) = freq[None], freq["2018-01-01"]
    factor = math.exp(-(START - dt.date(2018, 1, 1)).days / MONTH_DAYS / e)
    ratio_se = factor * math.sqrt((s0 / p0) ** 2 + (s2 / p2) ** 2)
    assert abs(p2 / p0 - factor) < 4 * ratio_se, (p2 / p0, factor, ratio_se)


def test_a_conceded_rungs_held_since_applies_only_when_it_was_conceded():
    data = entrenched_toy(0.1, 12.0, "2018-01-01")
    data["actors"][0]["start_rung"]["probability"] = 0.5
    plan = Plan(loads(yaml.safe_dump(data)))
    path = paths.start_conceded("patron", "granted")
    assert plan.start_levels("patron", {path: 1.0}) == [
        StartLevel("only", 1, None, -(START - dt.date(2018, 1, 1)).days)
    ]
    assert plan.start_levels("patron", {path: 0.0}) == []


def test_held_since_after_the_start_date_is_refused_at_its_line():
    data = entrenched_toy(0.1, 12.0, "2020-02-01")
    with pytest.raises(ScenarioError) as caught:
        loads(yaml.safe_dump(data))
    (problem,) = caught.value.problems
    assert problem.field == "actors[0].start_rung.held_since"
    assert "is after the start date (2020-01-01)" in problem.message


def test_without_held_since_a_starting_rung_counts_from_the_start_date():
    plan = Plan(loads(yaml.safe_dump(entrenched_toy(0.1, 12.0, None))))
    assert plan.start_levels("patron", {}) == [StartLevel("only", 1, None, 0)]


# ------------------------------------------------------------------ the time to exit


def based_toy(hazard: float) -> dict:
    """A base held from the start (its garrison present from day 0), lost with a constant
    monthly hazard (no leverage, entrenchment beyond the horizon); presence must fill the
    whole 30-day window to persist, so persistent presence ends the day the base closes."""
    data = entrenched_toy(hazard, 1.0e9, None)
    data["metadata"]["horizon_months"] = 24
    data["outcomes"] = {"window_days": 30, "threshold": 1.0}
    data["tracks"][0]["rungs"][1].update(basing=True, basing_lead_time_days=0)
    return data


def test_an_exit_is_the_day_persistent_presence_ended_without_returning():
    """On a hand-built ledger: a base from day 0 to 100, then again from 200 to 300 and
    never after. Persistent presence holds on 0-99 and 200-299; withdrawn holds on
    100-199 and from 300, so its day column (the exit) is day 300."""
    from sim.engine.ledger import Basing, Ledger
    from sim.engine.outcomes import Facts

    plan = Plan(loads(yaml.safe_dump(based_toy(0.1))))
    led = Ledger(plan.n_days)
    led.basings += [
        Basing("patron", "client", "only", 1, 0, 100),
        Basing("patron", "client", "only", 1, 200, 300),
    ]
    f = Facts(plan.scenario, led)
    daily = f.daily("withdrawn")
    assert not daily[:100].any() and daily[100:200].all()
    assert not daily[200:300].any() and daily[300:].all()
    assert f.outcome_day("withdrawn") == 300 and f.at("withdrawn", plan.n_days - 1)
    never = Facts(plan.scenario, Ledger(plan.n_days))
    assert not never.daily("withdrawn").any(), "never present: nothing to leave"
    still = Ledger(plan.n_days)
    still.basings.append(Basing("patron", "client", "only", 1, 0))
    assert Facts(plan.scenario, still).outcome_day("withdrawn") is None


def test_the_time_to_exit_of_a_constant_hazard_is_geometric_in_months():
    """The base is lost at a month start with chance h each month, so the share exited by
    month m is 1 - (1 - h)^m (the discrete form of 1 - exp(-h t)); the exits counted over
    2,000 replicates are within four binomial standard errors of it at every month."""
    h, n = 0.1, 2000
    plan = Plan(loads(yaml.safe_dump(based_toy(h))))
    table = outcomes_of(plan, n, 13)
    exit_day = table["withdrawn_day"].to_numpy(dtype=float)
    for m in range(1, len(plan.months) - 1):
        expected = 1 - (1 - h) ** m
        share = float(np.mean(exit_day <= plan.months[m]))
        se = math.sqrt(expected * (1 - expected) / n)
        assert abs(share - expected) < 4 * se, (m, share, expected)
    assert set(np.unique(exit_day[np.isfinite(exit_day)])) <= set(plan.months[1:-1])


# ------------------------------------------------------------------ dated acts that end things


def expelled_toy(**inject) -> dict:
    """A patron based in the host from the start (standing presence, a base, a system
    under its command, monthly exercises), with an inject on 2021-01-15 (`inject`)."""
    data = entrenched_toy(0.0, 12.0, "2018-01-01")
    data["metadata"]["horizon_months"] = 24
    data["outcomes"] = {"window_days": 30, "threshold": 1.0}
    data["actors"][0]["params"]["ambition"] = 0.5
    data["tracks"][0]["rungs"] = [
        {"name": "none", "cost": 0, "exercise_interval_days": 30, "stay_probability": 0.2,
         "bridge_tolerance_days": 10},
        {"name": "granted", "cost": 0.2, "standing": True},
        {"name": "based", "cost": 0.3, "basing": True, "basing_lead_time_days": 0,
         "delivers": {"system": "S-400", "lead_time_days": 0, "controller": "patron"}},
    ]  # fmt: skip
    data["actors"][0]["start_rung"] = {"rung": "based", "source": "t", "held_since": "2018-01-01"}
    data["operations"] = {
        "recurring": [{"patron": "patron", "duration_days": 10, "units": ["battalion"]}]
    }
    data["injects"] = [{"name": "out", "date": "2021-01-15", "actor": "patron", **inject}]
    return data


EXPELLED = dt.date(2021, 1, 15)


def test_an_expulsion_ends_the_patrons_presence_on_its_date_in_every_replicate():
    """Every rung lost on the date (each a reversal), the forces, the base and the system
    gone on it, no exercise, demand or grant after it; persistent presence ends that day,
    so the exit is that day, in all 200 replicates."""
    plan = Plan(loads(yaml.safe_dump(expelled_toy(expel=True))))
    d = plan.day(EXPELLED)
    for run in run_replicates(plan, 5, 0, 200):
        led = run.ledger
        assert all(s.end is not None and s.end <= d for s in led.spans), "every span closed"
        assert any(s.end == d for s in led.spans), "present until the day"
        assert all(b.end == d for b in led.basings) and all(s.end == d for s in led.systems)
        downs = [c for c in led.concessions if not c.up]
        assert [(c.day, c.rung) for c in downs] == [(d, 2), (d, 1)]
        assert not any(c.up and c.day >= d for c in led.concessions)
        assert all(day < d for _, _, day in led.exercises)
        (expelled,) = [e for e in led.events if e.kind == "expelled"]
        assert (expelled.day, expelled.actor, expelled.detail) == (d, "client", "patron")
    table = outcomes_of(plan, 200, 5)
    assert (table["withdrawn_day"] == d).all() and table["withdrawn"].all()


def test_revoking_a_rung_drops_its_track_below_it_on_the_date():
    plan = Plan(loads(yaml.safe_dump(expelled_toy(revoke=["based"]))))
    d = plan.day(EXPELLED)
    for run in run_replicates(plan, 5, 0, 50, events=False):
        led = run.ledger
        assert [(c.day, c.rung) for c in led.concessions if not c.up] == [(d, 2)]
        assert all(b.end == d for b in led.basings) and all(s.end == d for s in led.systems)
        assert any(s.end == plan.n_days for s in led.spans), "the standing presence stays"


def test_an_expulsion_survives_a_resume():
    """Captured after the expulsion and restored into a fresh world, the replicate goes on
    as the original did: still expelled, nothing pressed, the same ledger."""
    from sim.engine.replicate import draw_values, finish, start_replicate
    from sim.engine.state import capture, restore

    plan = Plan(loads(yaml.safe_dump(expelled_toy(expel=True))))
    values, dynamics = draw_values(plan, 3, 0, 1)
    original = start_replicate(plan, values[0], dynamics[0])
    original.run_until(plan.day(EXPELLED) + 40)
    state = capture(original)
    assert state["negotiation"] == [["patron", "client"]]
    assert state["exercises"]["patron"]["ended"] is True
    resumed = restore(plan, values[0], state)
    assert resumed.exercises.programmes["patron"].ended is True
    assert resumed.negotiation.expelled == {("patron", "client")}
    a, b = finish(0, values[0], original), finish(0, values[0], resumed)
    assert a.ledger.concessions == b.ledger.concessions and a.ledger.spans == b.ledger.spans


@pytest.mark.parametrize(
    ("inject", "actor", "field", "message"),
    [
        ({"expel": True}, "client", "expel", "only a patron loses rungs or is expelled"),
        ({"revoke": ["based"]}, "client", "revoke", "only a patron loses rungs"),
        ({"revoke": ["bassed"]}, "patron", "revoke[0]", "unknown rung 'bassed'"),
        ({"revoke": ["none"]}, "patron", "revoke[0]", "is its track's first rung"),
    ],
)
def test_an_inject_that_ends_things_names_a_patron_and_its_rungs(inject, actor, field, message):
    data = expelled_toy(**inject)
    data["injects"][0]["actor"] = actor
    with pytest.raises(ScenarioError) as caught:
        loads(yaml.safe_dump(data))
    found = {p.field: p.message for p in caught.value.problems}
    assert f"injects[0].{field}" in found, found
    assert message in found[f"injects[0].{field}"]


def test_an_ended_programme_stops_what_is_under_way_and_books_nothing_again():
    from sim.engine.programme import Booking, Programme

    prog = Programme("patron", "client", [Booking("drill", 40, 50, ("u",), True)], None)
    prog.running = Booking("", 3, 9, ("u",), False)
    prog.end_all(5)
    assert (prog.ended, prog.running, prog.booked, prog.dated, prog.last_end) == (
        True, None, None, [], 5,
    )  # fmt: skip
    prog.book_next(10, 30.0, 0.5)
    assert prog.booked is None
    assert prog.rebook(10, 30.0, 0.5) is False
    idle = Programme("patron", "client", [], None, last_end=2)
    idle.end_all(7)
    assert idle.last_end == 2, "nothing was under way: the last exercise still ended on day 2"


# ------------------------------------------------------------------ presence before the start


def standing_facts(held_since: str | None, standing: bool = True, probability=None):
    """One replicate of the entrenched toy whose starting rung brings standing forces (or
    not), never lost; its facts, the whole ledger's and the patron's own."""
    data = entrenched_toy(0.0, 12.0, held_since)
    data["tracks"][0]["rungs"][1]["standing"] = standing
    if probability is not None:
        data["actors"][0]["start_rung"]["probability"] = probability
    plan = Plan(loads(yaml.safe_dump(data)))
    (run,) = run_replicates(plan, 1, 0, 1, events=False)
    from sim.engine.outcomes import Facts

    return Facts(plan.scenario, run.ledger)


def test_standing_forces_held_since_before_the_start_persist_from_day_zero():
    """Held since 100 days before 2020-01-01 (2019-09-23), with a 30-day window: the
    forces were there on every day of the first window, so presence persists from day 0;
    counted from the start date, the first window completes on day 29."""
    since = (START - dt.timedelta(days=100)).isoformat()
    f = standing_facts(since)
    assert f.before == 100
    assert f.outcome_day("ever_continuous") == 0 and f.at("persistent", 0)
    assert f.of_patron("patron").before == 100
    assert f.of_patron("other").before == 0, "another patron's view has none of it"
    fresh = standing_facts(None)
    assert fresh.before == 0 and fresh.outcome_day("ever_continuous") == 29


def test_only_standing_forces_in_place_this_replicate_count_before_the_start():
    since = (START - dt.timedelta(days=100)).isoformat()
    assert standing_facts(since, standing=False).before == 0, "a rung with no standing forces"
    assert standing_facts(since, probability=0.0).before == 0, "a rung not conceded"
    assert standing_facts(since, probability=1.0).before == 100


def test_only_the_patrons_own_rungs_held_at_the_start_count_before_it():
    """On hand-built ledgers of the standing toy held since 100 days before the start: a
    rung granted later, or held at the start by another patron, is no presence before the
    start; a start rung without standing forces, under a standing one above it, neither."""
    from sim.engine.ledger import Concession, Ledger
    from sim.engine.outcomes import Facts

    since = (START - dt.timedelta(days=100)).isoformat()
    data = entrenched_toy(0.0, 12.0, since)
    data["tracks"][0]["rungs"][1]["standing"] = True
    plan = Plan(loads(yaml.safe_dump(data)))

    def before(*concessions: Concession) -> int:
        led = Ledger(plan.n_days)
        led.concessions += concessions
        return Facts(plan.scenario, led).before

    assert before(Concession(0, "patron", "client", "only", 1, None, at_start=True)) == 100
    assert before(Concession(50, "patron", "client", "only", 1, None)) == 0, "granted later"
    assert before(Concession(0, "other", "client", "only", 1, None, at_start=True)) == 0
    data["tracks"][0]["rungs"][1]["standing"] = False
    data["tracks"][0]["rungs"].append({"name": "more", "cost": 0.6, "standing": True})
    plan = Plan(loads(yaml.safe_dump(data)))
    assert before(Concession(0, "patron", "client", "only", 1, None, at_start=True)) == 0
