"""Outcome functions on hand-built ledgers with answers worked out by hand.

The ledgers use the minimal scenario (tests/conftest.py): host ``client``, 12 months from
2020-09-16 (365 days), continuous presence = 90 % of a 180-day window by default.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
import yaml

from sim.engine import outcomes as oc
from sim.engine.ledger import Basing, Concession, Ledger, System
from sim.scenario.loader import loads
from sim.scenario.outcomes import OUTCOMES
from tests.conftest import MINIMAL


def scenario(**outcomes):
    data = copy.deepcopy(MINIMAL)
    data["outcomes"] = outcomes
    return loads(yaml.safe_dump(data))


SCENARIO = scenario()
N = SCENARIO.n_days  # 365


def facts(led: Ledger, s=SCENARIO) -> oc.Facts:
    return oc.Facts(s, led)


def ledger_with(spans: list[tuple[int, int | None]], host: str = "client") -> Ledger:
    led = Ledger(N)
    for start, end in spans:
        span = led.arrive("patron", host, "forces", start)
        if end is not None:
            led.leave(span, end)
    return led


def test_presence_is_any_holder_in_the_host_and_ignores_other_hosts():
    led = ledger_with([(0, 10), (5, 15)])
    led.leave(led.arrive("patron", "elsewhere", "forces", 0), 100)
    present = facts(led).present
    assert present[:15].all() and not present[15:].any()


def test_open_spans_run_to_the_horizon():
    led = Ledger(N)
    led.arrive("patron", "client", "garrison:presence.2", 20)
    assert facts(led).present.sum() == N - 20


def test_a_window_holds_from_the_day_it_completes():
    # Present days 0-161 (162 days = 90 % of 180): the window ending on day 179 holds.
    held = oc.window_held(facts(ledger_with([(0, 162)])).present, 180, 0.9)
    assert not held[:179].any() and held[179]
    # ... and stops holding once fewer than 162 of the last 180 days had forces
    assert not held[180]


def test_presence_every_other_day_is_never_continuous_at_90_percent():
    present = np.arange(730) % 2 == 0
    assert not oc.window_held(present, 180, 0.9).any()
    assert oc.first_day(oc.window_held(present, 180, 0.5)) == 179


def test_a_window_longer_than_the_horizon_never_holds():
    assert not oc.window_held(np.ones(100, bool), 180, 0.9).any()


def test_presence_at_the_horizon_needs_the_final_window_not_some_window():
    # forces present for days 0-199, then gone: continuous presence held (days 179-199),
    # but not at the horizon
    f = facts(ledger_with([(0, 200)]))
    assert f.at("ever_continuous", N - 1) and f.outcome_day("ever_continuous") == 179
    assert not f.at("presence_at_horizon", N - 1) and f.outcome_day("presence_at_horizon") is None
    assert not f.at("persistent", N - 1)
    # present from day 150 to the horizon: the final window holds, from day 150 + 161 = 311
    g = facts(ledger_with([(150, None)]))
    assert g.at("persistent", N - 1) and g.outcome_day("persistent") == 311
    assert g.outcome_day("ever_continuous") == 311


def test_held_from_is_the_start_of_the_final_unbroken_run():
    assert oc.held_from(np.array([1, 1, 0, 1, 1], bool)) == 3
    assert oc.held_from(np.array([1, 1, 1], bool)) == 0
    assert oc.held_from(np.array([1, 1, 0], bool)) is None


def test_basing_counts_patron_systems_and_bases_in_place_not_client_systems():
    led = Ledger(N)
    led.systems.append(System("patron", "client", "S-300", "arms", 1, 100, "client"))
    assert not facts(led).basing_days.any()
    led.systems.append(System("patron", "client", "S-400", "arms", 2, 200, "patron"))
    led.basings.append(Basing("patron", "client", "presence", 4, 150, end=300))
    days = facts(led).basing_days
    assert oc.first_day(days) == 150 and days[299] and days[-1]
    # the base closed on day 300, the S-400 holds to the horizon; only the base counts:
    only_bases = facts(led, scenario(basing_from=["permanent_base"])).basing_days
    assert only_bases[299] and not only_bases[300]


def test_a_withdrawn_system_is_no_basing_at_the_horizon():
    led = Ledger(N)
    led.systems.append(System("patron", "client", "S-400", "arms", 2, 100, "patron", end=200))
    f = facts(led)
    assert f.basing_days[150] and not f.at("basing", N - 1) and not f.at("persistent", N - 1)


def test_integration_under_the_patrons_command_can_count_as_basing():
    led = Ledger(N)
    led.concessions += [
        Concession(40, "patron", "client", "air", 1, "patron"),
        Concession(200, "patron", "client", "air", 1, None, up=False),
    ]
    counts = ["permanent_base", "patron_system", "patron_integration"]
    days = facts(led, scenario(basing_from=counts)).basing_days
    assert oc.first_day(days) == 40 and days[199] and not days[200]
    assert not facts(led).basing_days.any()  # off by default


def test_track_history_replays_grants_and_losses():
    led = Ledger(N)
    led.concessions += [
        Concession(0, "patron", "client", "p", 1, None),
        Concession(0, "patron", "client", "p", 2, None),
        Concession(50, "patron", "client", "p", 2, None, up=False),
        Concession(90, "patron", "client", "p", 2, "patron"),
    ]
    f = facts(led)
    assert [f.level_on("p", d) for d in (0, 49, 50, 89, 90, N - 1)] == [2, 2, 1, 1, 2, 2]
    assert f.level_on("p", 95, controller="patron") == 2
    assert f.level_on("p", 60, controller="patron") == 0
    assert f.highest("p") == 2


def test_days_per_month_splits_at_month_starts():
    led = Ledger(61)
    led.leave(led.arrive("patron", "client", "forces", 25), 35)
    assert oc.Facts(SCENARIO, led).days_per_month([0, 30, 61]).tolist() == [5, 5]


def test_presence_share_over_an_inclusive_span():
    assert facts(ledger_with([(0, 10)])).share(0, 19) == 0.5


def test_systems_at_the_horizon_count_each_open_record_once():
    led = Ledger(N)
    led.systems.append(System("patron", "client", "S-400", "arms", 1, 100, "client", end=250))
    led.systems.append(
        System("patron", "client", "S-400", "arms", 1, 250, "patron")
    )  # renegotiated
    assert facts(led).systems_at_horizon() == {"patron": 1, "client": 0}


@pytest.mark.parametrize("name", list(OUTCOMES))
def test_every_outcome_says_what_it_means_and_has_a_rule(name):
    text = OUTCOMES[name].define(SCENARIO.outcomes)
    assert "90 %" in text or "in place" in text
    assert name in oc.RULES


def test_the_one_flag_a_sweep_reads_matches_the_full_record():
    from sim.engine.plan import Plan
    from sim.engine.replicate import outcome_holds, outcome_record, run_replicates
    from sim.scenario.loader import load
    from tests.conftest import BELARUS

    plan = Plan(load(BELARUS))
    for run in run_replicates(plan, 5, 0, 60, events=False):
        record = outcome_record(plan, run)
        for outcome in OUTCOMES:
            assert outcome_holds(plan, run, outcome) == record[outcome]


# ------------------------------------------------------------------ the parts at their edges


def test_a_window_as_long_as_the_horizon_holds_on_its_last_day():
    held = oc.window_held(np.ones(180, bool), 180, 0.9)
    assert held[-1] and not held[:-1].any()


def test_track_history_lists_each_level_with_its_holder_controller_and_days():
    """Another host's grants are skipped; level 0 until day 10, level 1 (settled for the
    patron) until 30, level 2 (settling nothing: control stays the patron's) until 50,
    back to level 1 from day 50 (the lower level's controller, held again since 50); a
    level held for no day (two changes on day 60) is left out."""
    led = Ledger(N)
    led.concessions += [
        Concession(5, "patron", "elsewhere", "p", 1, "patron"),
        Concession(10, "patron", "client", "p", 1, "patron"),
        Concession(30, "patron", "client", "p", 2, None),
        Concession(50, "patron", "client", "p", 2, None, up=False),
        Concession(60, "patron", "client", "p", 2, "client"),
        Concession(60, "patron", "client", "p", 3, "client"),
    ]
    H = oc.Held
    assert oc.track_history(led, "client") == [
        H("patron", "p", 0, None, 0, 10),
        H("patron", "p", 1, "patron", 10, 30),
        H("patron", "p", 2, "patron", 30, 50),
        H("patron", "p", 1, "patron", 50, 60),
        H("patron", "p", 3, "client", 60, N),
    ]
    f = facts(led)
    assert [f.level_on("p", d) for d in (0, 9, 10, 55, 60)] == [0, 0, 1, 1, 3]


def test_each_outcome_is_worked_out_once_per_replicate():
    f = facts(ledger_with([(0, 200)]))
    assert f.daily("persistent") is f.daily("persistent")


def test_an_outcome_asked_about_outside_the_horizon_reads_its_first_or_last_day():
    """A base held on day 0 only, and one from the last day: before the start reads day
    0, after the horizon reads the last day."""
    first = Ledger(N)
    first.basings.append(Basing("patron", "client", "presence", 4, 0, end=1))
    assert facts(first).at("basing", -5) is True
    last = Ledger(N)
    last.basings.append(Basing("patron", "client", "presence", 4, N - 1))
    assert facts(last).at("basing", N + 5) is True and facts(last).at("basing", N - 2) is False


def test_a_track_never_reached_has_highest_level_zero():
    assert facts(Ledger(N)).highest("p") == 0


def test_every_open_system_is_counted_at_the_horizon():
    led = Ledger(N)
    for name in ("S-400", "Iskander"):
        led.systems.append(System("patron", "client", name, "arms", 1, 100, "patron"))
    led.systems.append(System("patron", "elsewhere", "S-300", "arms", 1, 100, "client"))
    assert facts(led).systems_at_horizon() == {"patron": 2, "client": 0}


@pytest.mark.parametrize(
    ("start", "end", "share"),
    [
        (10, 19, 0.0),
        (5, 14, 0.5),
        (0, 9, 1.0),
        (-10, 4, 1.0),
        (8, 3, 0.0),
        (5, 4, 0.0),
        (360, 400, 0.0),
    ],
)
def test_the_share_of_days_with_presence_by_hand(start, end, share):
    """Present on days 0-9: a span after it, half over it, on it, clipped at day 0, empty
    (start after end, or just after), and clipped at the horizon."""
    assert facts(ledger_with([(0, 10)])).share(start, end) == share


def test_days_per_month_are_whole_days():
    led = Ledger(61)
    led.leave(led.arrive("patron", "client", "forces", 25), 35)
    days = oc.Facts(SCENARIO, led).days_per_month([0, 30, 61])
    assert np.issubdtype(days.dtype, np.integer), "a count of days is a whole number"


@pytest.mark.parametrize(
    ("before", "first"),
    [(0, 179), (1, 160), (179, 0), (90, 71), (20, 141), (500, 0)],
)
def test_days_present_before_the_start_count_toward_the_first_windows(before, first):
    """Present every day from the start, and `before` days just before it: the window of
    180 days ending on day d holds when d + 1 + min(before, 179 - d) >= 162 (90 %), i.e.
    from day 161 - before (never before day 0); without days before, from day 179."""
    held = oc.window_held(np.ones(400, bool), 180, 0.9, before=before)
    assert oc.first_day(held) == first and held[first:].all()


def test_days_present_before_the_start_fill_only_the_days_the_window_reaches_back():
    """Absent from the start, present the 100 days before it: the 180-day window ending
    on day d counts min(100, 179 - d) of them, at least 162 nowhere (100 < 162); at 50 %
    (90 days), it holds while 179 - d >= 90, on days 0-89."""
    absent = np.zeros(400, bool)
    assert not oc.window_held(absent, 180, 0.9, before=100).any()
    held = oc.window_held(absent, 180, 0.5, before=100)
    assert held[:90].all() and not held[90:].any()


def test_a_window_longer_than_the_horizon_holds_on_days_before_the_start():
    """A 180-day window over a 100-day horizon, present throughout and 100 days before:
    day d counts d + 1 + min(100, 179 - d) days, at least 162 from day 61."""
    held = oc.window_held(np.ones(100, bool), 180, 0.9, before=100)
    assert oc.first_day(held) == 61 and held[61:].all()
