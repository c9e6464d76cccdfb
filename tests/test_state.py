"""A replicate's state is data: captured on any day, it rebuilds the replicate exactly, or
continues the same history with fresh random numbers."""

from __future__ import annotations

import dataclasses
import json
import pickle

import numpy as np
import pytest

from sim.engine.plan import Plan
from sim.engine.replicate import (
    draw_values,
    outcome_record,
    resume,
    run_replicates,
    start_replicate,
    state_on,
)
from sim.engine.state import capture
from sim.engine.streams import Streams
from sim.runs.chunkfile import encode
from sim.runs.tables import chunk_tables
from sim.scenario.loader import load
from tests.conftest import BELARUS, SCENARIOS

PLAN = Plan(load(BELARUS))
SEED = 31


def ledger_until(run, day: int) -> dict:
    """What a ledger recorded before `day`: presence spans as they stood on it, the rest
    of its records dated before it."""
    led = run.ledger
    spans = [
        (s.patron, s.host, s.holder, s.start, None if s.end is None or s.end >= day else s.end)
        for s in led.spans
        if s.start < day
    ]
    return {
        "spans": spans,
        "concessions": [c for c in led.concessions if c.day < day],
        "events": [e for e in led.events if e.day < day],
        "exercises": [x for x in led.exercises if x[2] < day],
    }


def test_resuming_every_replicate_from_its_day_zero_state_gives_the_same_tables():
    n = 400
    direct = run_replicates(PLAN, SEED, 0, n)
    values, dynamics = draw_values(PLAN, SEED, 0, n)
    resumed = []
    for k in range(n):
        model = start_replicate(PLAN, values[k], dynamics[k])
        resumed.append(resume(PLAN, k, values[k], capture(model)))
    a = encode(chunk_tables(PLAN, direct, True)).tables
    b = encode(chunk_tables(PLAN, resumed, True)).tables
    assert a.keys() == b.keys()
    for name in a:
        assert a[name] == b[name], name


@pytest.mark.parametrize("day", [1, 150, 400, 729])
def test_a_mid_run_state_continues_exactly_with_its_own_streams(day):
    for index in range(12):
        (direct,) = run_replicates(PLAN, SEED, index, index + 1)
        values, state = state_on(PLAN, SEED, index, day)
        again = resume(PLAN, index, values, state)
        assert again.ledger == direct.ledger
        assert again.trajectory.tobytes() == direct.trajectory.tobytes()


def test_fresh_streams_keep_the_history_up_to_the_day_and_change_what_follows():
    day, changed = 300, 0
    for index in range(20):
        (direct,) = run_replicates(PLAN, SEED, index, index + 1)
        values, state = state_on(PLAN, SEED, index, day)
        fresh = Streams.restore(state["streams"]).fresh(f"branch-{index}")
        branch = resume(PLAN, index, values, state, streams=fresh)
        assert ledger_until(branch, day) == ledger_until(direct, day)
        months = sum(1 for m in PLAN.months[:-1] if m < day)
        assert branch.trajectory[:months].tobytes() == direct.trajectory[:months].tobytes()
        changed += outcome_record(PLAN, branch) != outcome_record(PLAN, direct)
    assert changed > 0  # new random numbers do change what follows


def test_a_state_is_plain_data():
    values, state = state_on(PLAN, SEED, 3, 200)
    assert pickle.dumps(pickle.loads(pickle.dumps(state))) == pickle.dumps(state)
    again = json.loads(json.dumps(state))  # lists for tuples, NaN for unrecorded months
    (direct,) = run_replicates(PLAN, SEED, 3, 4)
    assert resume(PLAN, 3, values, again).ledger == direct.ledger


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_shipped_scenario_resumes_exactly(path):
    plan = Plan(load(path))
    for index in range(5):
        (direct,) = run_replicates(plan, SEED, index, index + 1)
        values, state = state_on(plan, SEED, index, plan.n_days // 2)
        assert resume(plan, index, values, state).ledger == direct.ledger


def test_capturing_costs_nothing_when_unused():
    """A replicate keeps no copy of past states: the model holds its live state only."""
    values, dynamics = draw_values(PLAN, SEED, 0, 1)
    model = start_replicate(PLAN, values[0], dynamics[0])
    model.run()
    fields = {f for f in vars(model) if "snap" in f or "history" in f}
    assert not fields
    assert dataclasses.is_dataclass(model.ledger)
    assert isinstance(model.trajectory, np.ndarray)
