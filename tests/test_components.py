"""Each part of a replicate owns its state: snapshotted mid-run and restored into a fresh
world it is what it was, the replicate continues with the same ledger, and a part whose
snapshot is lost makes a difference (so the test can fail). Every attribute of every part
is declared as state (in its snapshot), derived (rebuilt from other state) or wiring (set
when the world is built), so a new attribute cannot slip past a resume unnoticed."""

from __future__ import annotations

import dataclasses
import random
from typing import Any

import mesa
import numpy as np
import pytest
import simpy

from agents import ROLES
from sim.engine.coverage import Coverage
from sim.engine.model import WargameModel
from sim.engine.plan import Plan
from sim.engine.replicate import draw_values, finish, start_replicate
from sim.engine.state import capture, restore
from sim.scenario.loader import load
from tests.conftest import BELARUS, SCENARIOS

PLANS = {
    "belarus": Plan(load(BELARUS)),
    "kazakhstan": Plan(load(SCENARIOS / "kazakhstan_2022.yaml")),
}
SEED, REPLICATES, DAYS = 7, 16, (90, 300, 500)


def plain(x: Any) -> Any:
    """A value as comparable plain data: records as dicts, coverage as the days it covers, an
    actor by name, a process by whether it is alive, a stream by its position."""
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return {f.name: plain(getattr(x, f.name)) for f in dataclasses.fields(x)}
    if isinstance(x, Coverage):  # the days covered: adjacent intervals are one
        merged: list[list[int | None]] = []
        for start, end in x.intervals:
            if merged and merged[-1][1] == start:
                merged[-1][1] = end
            else:
                merged.append([start, end])
        return (x.count, merged)
    if isinstance(x, dict):
        return {k: plain(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [plain(v) for v in x]
    if isinstance(x, set):
        return sorted(x)
    if isinstance(x, simpy.Process):
        return ("process", x.is_alive)
    if isinstance(x, random.Random):
        return x.getstate()
    if hasattr(x, "spec") and hasattr(x, "name"):  # an actor
        return ("actor", x.name)
    return x


def mid_run(plan: Plan, index: int, day: int) -> WargameModel:
    values, dynamics = draw_values(plan, SEED, index, index + 1)
    model = start_replicate(plan, values[0], dynamics[0])
    model.run_until(day)
    return model


def cases():
    for name in PLANS:
        for part in WargameModel.PARTS:
            yield pytest.param(name, part, id=f"{name}-{part}")


@pytest.mark.parametrize(("scenario", "part"), list(cases()))
def test_a_part_restored_mid_run_is_what_it_was_and_the_run_goes_on_the_same(scenario, part):
    plan = PLANS[scenario]
    kind = type(getattr(mid_run(plan, 0, 1), part))
    owned = (*getattr(kind, "STATE", ()), *getattr(kind, "DERIVED", ()))
    for index in range(REPLICATES):
        for day in DAYS:
            original = mid_run(plan, index, day)
            again = restore(original.plan, _row(original), capture(original))
            for attr in owned:
                got = plain(getattr(getattr(again, part), attr))
                assert got == plain(getattr(getattr(original, part), attr)), (part, attr)
            a, b = finish(index, _row(original), original), finish(index, _row(again), again)
            assert a.ledger == b.ledger, (scenario, part, index, day)
            assert a.trajectory.tobytes() == b.trajectory.tobytes()


def _row(model: WargameModel) -> np.ndarray:
    """The replicate's parameter values in its plan's table order."""
    return np.array([model.values[p] for p in model.plan.paths], dtype=float)


@pytest.mark.parametrize(
    "part", [p for p in WargameModel.PARTS if p not in ("presence", "negotiation")]
)
def test_losing_a_parts_snapshot_changes_some_replicate(part):
    """Restore every part but `part` from the state on day 300, and `part` from the day-0
    state instead: some replicate must come out differently (the part's state matters,
    so the test above can tell a part that forgets from one that remembers). Presence and
    negotiation keep nothing of their own (both are rebuilt from the ledger)."""
    plan, changed = PLANS["belarus"], 0
    for index in range(40):
        day0 = capture(mid_run(plan, index, 0))
        original = mid_run(plan, index, 300)
        state = capture(original)
        state[part] = day0[part]
        try:
            again = restore(original.plan, _row(original), state)
            b = finish(index, _row(original), again)
        except (KeyError, IndexError, ValueError, AttributeError):
            changed += 1  # a stale part may not even fit the rest
            continue
        a = finish(index, _row(original), original)
        changed += a.ledger != b.ledger or a.trajectory.tobytes() != b.trajectory.tobytes()
    assert changed > 0, f"dropping the {part} snapshot changed nothing"


MESA_OWNED = {"unique_id", "model", "pos", "_ids"}


def test_every_attribute_of_every_part_is_declared():
    for plan in PLANS.values():
        model = mid_run(plan, 3, 200)
        for name in WargameModel.PARTS:
            part = getattr(model, name)
            kind = type(part)
            declared = {*kind.STATE, *kind.DERIVED, *kind.CACHE, *kind.WIRING}
            assert set(vars(part)) == declared, (name, set(vars(part)) ^ declared)
        for actor in model.cast.actors.values():
            spec = ROLES[actor.spec.role].spec
            mine = set(vars(actor)) - MESA_OWNED
            kept = {*spec.state, *type(actor).KEPT}
            allowed = {*kept, "name", "params", "target", "_stream", "client", "regime"}
            assert mine <= allowed, (actor.name, mine - allowed)


def test_the_facade_holds_only_its_parts_and_their_inputs():
    model = mid_run(PLANS["belarus"], 0, 100)
    own = set(vars(model)) - set(vars(mesa.Model()))
    assert own == {"plan", "values", "streams", "env", *WargameModel.PARTS}, own
