"""Outcome functions on hand-built ledgers with answers worked out by hand."""

from __future__ import annotations

import numpy as np

from sim.engine import outcomes as oc
from sim.engine.ledger import Concession, Ledger, System


def ledger_with(stays: list[tuple[int, int]], n_days: int = 400, host: str = "by") -> Ledger:
    led = Ledger(n_days)
    for start, end in stays:
        led.leave(led.arrive("ru", host, f"unit{start}", start), end)
    return led


def test_daily_presence_counts_overlapping_units_and_ignores_other_hosts():
    led = ledger_with([(0, 10), (5, 15)])
    led.leave(led.arrive("ru", "elsewhere", "x", 0), 100)
    present = oc.daily_presence(led, "by")
    assert present[:5].tolist() == [1] * 5
    assert present[5:10].tolist() == [2] * 5
    assert present[10:15].tolist() == [1] * 5
    assert present[15:].sum() == 0


def test_open_stays_run_to_the_horizon():
    led = Ledger(50)
    led.arrive("ru", "by", "garrison", 20)
    assert oc.daily_presence(led, "by").sum() == 30


def test_continuous_presence_needs_threshold_share_of_a_window():
    # Present days 0-161 (162 days = 90 % of 180): the first 180-day window already holds.
    assert (
        oc.first_continuous_day(oc.daily_presence(ledger_with([(0, 162)]), "by"), 180, 0.9) == 179
    )
    # One day fewer in that first window: the window must slide until it holds again.
    present = oc.daily_presence(ledger_with([(0, 161), (200, 400)]), "by")
    # Window ending on day d covers d-179..d; presence days = 161 - (d-179) + (d-199) = 141
    # while 200 <= d <= 339, so never 162 there; from d = 379 the window is inside 200..399.
    # Before that: d-179 >= 161 -> count = d - 199; count >= 162 first at d = 361.
    assert oc.first_continuous_day(present, 180, 0.9) == 361


def test_presence_every_other_day_is_never_continuous():
    present = np.arange(730) % 2 == 0
    assert oc.first_continuous_day(present, 180, 0.9) is None
    assert oc.first_continuous_day(present, 180, 0.5) == 179


def test_window_longer_than_horizon_never_holds():
    assert oc.first_continuous_day(np.ones(100, bool), 180, 0.9) is None


def test_basing_counts_patron_controlled_systems_and_bases_not_client_systems():
    led = Ledger(365)
    led.systems.append(System("ru", "by", "S-300", 100, "client"))
    assert oc.first_basing_day(led, "by") is None
    led.systems.append(System("ru", "by", "S-400", 200, "patron"))
    led.basings.append(("ru", "by", 150))
    assert oc.first_basing_day(led, "by") == 150
    assert oc.systems_by_controller(led, "by") == {"patron": 1, "client": 1}


def test_persistent_is_the_earliest_of_the_two():
    assert oc.earliest(None, None) is None
    assert oc.earliest(300, None) == 300
    assert oc.earliest(300, 120) == 120


def test_days_per_month_splits_at_month_starts():
    present = oc.daily_presence(ledger_with([(25, 35)], n_days=61), "by")
    assert oc.days_per_month(present, [0, 30, 61]).tolist() == [5, 5]


def test_rung_by_day_is_the_highest_granted_so_far():
    led = Ledger(365)
    led.concessions += [
        Concession(10, "ru", "by", 1, None),
        Concession(90, "ru", "by", 3, "patron"),
    ]
    assert oc.rung_by_day(led, "by", 9) == 0
    assert oc.rung_by_day(led, "by", 10) == 1
    assert oc.rung_by_day(led, "by", 364) == 3


def test_presence_share_over_an_inclusive_span():
    present = oc.daily_presence(ledger_with([(0, 10)], n_days=100), "by")
    assert oc.presence_share(present, 0, 19) == 0.5


def test_a_system_whose_control_changed_hands_counts_once_for_its_latest_controller():
    led = Ledger(365)
    led.systems.append(System("ru", "by", "S-400", 100, "client"))
    led.systems.append(System("ru", "by", "S-400", 250, "patron"))  # renegotiated
    assert oc.systems_by_controller(led, "by") == {"patron": 1, "client": 0}
    assert oc.first_basing_day(led, "by") == 250


def test_the_one_flag_a_sweep_reads_matches_the_full_record():
    from sim.engine.plan import Plan
    from sim.engine.replicate import outcome_holds, outcome_record, run_replicates
    from sim.scenario.loader import load
    from tests.conftest import BELARUS

    plan = Plan(load(BELARUS))
    for run in run_replicates(plan, 5, 0, 60, events=False):
        record = outcome_record(plan, run)
        for outcome in ("continuous", "basing", "persistent"):
            assert outcome_holds(plan, run, outcome) == record[outcome]
