"""A replicate's state as data: capture it on any day, rebuild a replicate from it.

:func:`capture` takes, at the start of a day (before any of its events), everything a
replicate needs to continue: the clock (day, month), each part's snapshot
(:data:`~sim.engine.model.WargameModel.PARTS`: the ledger so far, every actor's declared
state and current parameters, the concession book, the deliveries and bases on their
way, the exercise programmes, the summits and injects already fired, the monthly
records) and the position of every dynamics stream. It is plain data (dicts, lists,
numbers, strings), so it pickles and ships to a worker. Because it is composed from the
parts, a part's new state is carried as soon as its own snapshot carries it.

:func:`restore` builds a replicate from such a value: the same actors, the same state, the
SimPy processes started afresh from it (SimPy generators do not pickle; every process
reads its position from the state), and either the recorded streams, so it continues
exactly as the original would have, or *fresh* ones, so it continues the same history
with new random numbers (a branch).

Capturing costs nothing when unused: a replicate keeps no copy of its past states.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.engine.model import WargameModel
from sim.engine.plan import Plan
from sim.engine.streams import Streams

State = dict[str, Any]


def capture(model: WargameModel) -> State:
    """The replicate's state now (at the start of ``model.today``), as plain data."""
    return {
        "day": model.today,
        "month": model.month,
        **{name: getattr(model, name).snapshot() for name in model.PARTS},
        "streams": model.streams.snapshot(),
    }


def restore(
    plan: Plan, values: np.ndarray, state: State, streams: Streams | None = None
) -> WargameModel:
    """A replicate continuing from `state`: with the recorded streams when `streams` is
    None (it then runs exactly as the original), else with the `streams` given."""
    streams = streams or Streams.restore(state["streams"])
    record_events = state["ledger"]["record_events"]
    model = WargameModel(
        plan, values, streams, record_events, np.random.default_rng(0), day=state["day"]
    )
    model.env.month = state["month"]
    for name in model.PARTS:
        getattr(model, name).restore(state[name])
    model.start_processes()
    return model
