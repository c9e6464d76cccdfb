"""A replicate's state as data: capture it on any day, rebuild a replicate from it.

:func:`capture` takes, at the start of a day (before any of its events), everything a
replicate needs to continue: the clock (day, month), every actor's declared state and
current parameters, the concession book, the exercise programmes, the deliveries and bases
on their way, the dated events already fired, the ledger so far, the monthly records, and
the position of every dynamics stream. It is plain data (dicts, lists, numbers, strings),
so it pickles and ships to a worker.

:func:`restore` builds a replicate from such a value: the same actors, the same state, the
SimPy processes started afresh from it (SimPy generators do not pickle; every process
reads its position from the state, :mod:`sim.engine.operations`), and either the
recorded streams, so it continues exactly as the original would have, or *fresh* ones, so
it continues the same history with new random numbers (a branch).

Capturing costs nothing when unused: a replicate keeps no copy of its past states.
"""

from __future__ import annotations

import bisect
import dataclasses
from typing import Any

import numpy as np

from sim.engine.clock import DayClock
from sim.engine.coverage import Coverage
from sim.engine.ledger import Basing, Concession, LogEntry, Span, System
from sim.engine.model import WargameModel
from sim.engine.operations import Booking, Pending
from sim.engine.plan import Plan
from sim.engine.streams import Streams

State = dict[str, Any]


def capture(model: WargameModel) -> State:
    """The replicate's state now (at the start of ``model.today``), as plain data."""
    led = model.ledger
    return {
        "day": model.today,
        "month": model.month,
        "actors": {a.name: a.snapshot() for a in model._stepping},
        "book": model.book.snapshot(),
        "programmes": {
            p: {
                "dated": [dataclasses.asdict(b) for b in prog.dated],
                "booked": _plain(prog.booked),
                "running": _plain(prog.running),
                "last_end": prog.last_end,
                "recurring_started": prog.recurring_started,
            }
            for p, prog in model.programmes.items()
        },
        "pending": [dataclasses.asdict(x) for x in model.pending],
        "done": sorted(model.done.names),
        "ledger": {
            "record_events": led.record_events,
            "spans": [dataclasses.asdict(x) for x in led.spans],
            "labels": [dataclasses.asdict(x) for x in led.labels],
            "systems": [dataclasses.asdict(x) for x in led.systems],
            "basings": [dataclasses.asdict(x) for x in led.basings],
            "exercises": [list(x) for x in led.exercises],
            "concessions": [dataclasses.asdict(x) for x in led.concessions],
            "events": [dataclasses.asdict(x) for x in led.events],
        },
        "trajectory": model.trajectory.tolist(),
        "streams": model.streams.snapshot(),
    }


def _plain(booking: Booking | None) -> dict | None:
    return None if booking is None else dataclasses.asdict(booking)


def _booking(d: dict | None) -> Booking | None:
    return None if d is None else Booking(**{**d, "units": tuple(d["units"])})


def restore(
    plan: Plan, values: np.ndarray, state: State, streams: Streams | None = None
) -> WargameModel:
    """A replicate continuing from `state`: with the recorded streams when `streams` is
    None (it then runs exactly as the original), else with the `streams` given."""
    streams = streams or Streams.restore(state["streams"])
    led_state = state["ledger"]
    model = WargameModel(
        plan, values, streams, led_state["record_events"], np.random.default_rng(0)
    )
    model.env = DayClock(initial_time=state["day"])
    model.month = state["month"]
    for name, a in state["actors"].items():
        model.actor(name).restore(a)
    model.book.restore(state["book"])
    for patron, p in state["programmes"].items():
        prog = model.programmes[patron]
        prog.dated = [_booking(b) for b in p["dated"]]  # type: ignore[misc]
        prog.booked, prog.running = _booking(p["booked"]), _booking(p["running"])
        prog.last_end, prog.recurring_started = p["last_end"], p["recurring_started"]
    model.pending = [Pending(**x) for x in state["pending"]]
    model.done.names = set(state["done"])
    _restore_ledger(model, led_state)
    model.trajectory = np.array(state["trajectory"], dtype=float)
    model.start_processes()
    return model


def _restore_ledger(model: WargameModel, s: State) -> None:
    """The ledger so far, and what the model derives from it: presence coverage, the
    forces present now and their unit labels."""
    led = model.ledger
    led.spans = [Span(**x) for x in s["spans"]]
    led.labels = [Span(**x) for x in s["labels"]]
    led.systems = [System(**x) for x in s["systems"]]
    led.basings = [Basing(**x) for x in s["basings"]]
    led.exercises = [tuple(x) for x in s["exercises"]]  # type: ignore[misc]
    led.concessions = [Concession(**x) for x in s["concessions"]]
    months = model.plan.months
    for c in led.concessions:
        if c.up and c.controller == "patron":
            key = (c.client, bisect.bisect_right(months, c.day) - 1)
            model._gains[key] = model._gains.get(key, 0) + 1
    led.events = [LogEntry(**x) for x in s["events"]]
    hosts: dict[str, list] = {}
    mine: dict[tuple[str, str], list] = {}
    for span in led.spans:
        hosts.setdefault(span.host, []).append((span.start, span.end))
        mine.setdefault((span.patron, span.host), []).append((span.start, span.end))
        if span.end is None and span.holder == "forces":
            model._forces[span.patron] = span
    model.hosts = {h: Coverage.of(v) for h, v in hosts.items()}
    model.cover = {k: Coverage.of(v) for k, v in mine.items()}
    for label in led.labels:
        if label.end is None:
            model._labels.setdefault(label.patron, {})[label.holder] = label
