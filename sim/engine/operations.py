"""The operations layer: SimPy processes on the model's day clock.

A handful of processes, each a generator over ``model.env``:

* :func:`monthly_step` runs the actors' monthly decisions at each month start;
* :func:`exercise_programme` walks one patron's dated exercises and then its recurring
  ones; at each exercise's end every unit present stays, rotates or goes home;
* :func:`delivery` and :func:`basing` put systems and garrisons in place after lead times;
* :func:`summit` and :func:`inject` fire on their dates.

Processes ask the model for decisions and write only to its ledger.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import TYPE_CHECKING

from sim.engine.ledger import Stay, System
from sim.engine.plan import Cadence, DatedExercise

if TYPE_CHECKING:
    from agents.patron import Patron
    from sim.engine.model import WargameModel
    from sim.scenario.schema import Inject, Summit

Process = Generator[object, object, None]


def monthly_step(model: WargameModel) -> Process:
    """Run the actors' decisions at the start of every simulated month after the first."""
    for month, day in enumerate(model.plan.months[1:-1], start=1):
        yield model.env.timeout(day - model.env.now)
        model.month = month
        model.decide_month()
        model.record_month(month)


def _relief(unit: str) -> str:
    """The name of the unit that replaces `unit` in a rotation (and back again)."""
    suffix = " (relief)"
    return unit.removesuffix(suffix) if unit.endswith(suffix) else unit + suffix


def exercise_programme(
    model: WargameModel, patron: Patron, dated: list[DatedExercise], cadence: Cadence | None
) -> Process:
    """Run one patron's exercises in its target country, bridging gaps when units stay."""
    env, ledger, host = model.env, model.ledger, patron.target
    assert host is not None
    present: dict[str, Stay] = {}
    upcoming = list(dated)
    rec_start = cadence.start if cadence else None
    current = upcoming.pop(0) if upcoming else None
    if current is None and cadence is not None:
        current = model.next_recurring(patron, cadence, rec_start or 0, gap=0)
    while current is not None:
        if env.now < current.start:
            yield env.timeout(current.start - env.now)
        for unit in current.units:
            if unit not in present and _relief(unit) not in present:
                present[unit] = ledger.arrive(patron.name, host, unit, current.start)
        ledger.exercise(patron.name, host, current.start)
        ledger.log(int(env.now), "exercise", patron.name, current.name, end=current.end)
        yield env.timeout(current.end + 1 - env.now)
        now = int(env.now)  # the day after the exercise's last day
        if upcoming:
            current = upcoming.pop(0)
        elif cadence is not None:
            earliest = max(now, rec_start or now)
            current = model.next_recurring(patron, cadence, earliest, gap=None)
        else:
            current = None
        gap = math.inf if current is None else max(current.start - now, 0)
        for unit, stay in list(present.items()):
            stays, rotates = model.unit_stays(patron, gap)
            if not stays:
                ledger.leave(stay, now)
                del present[unit]
                ledger.log(now, "unit_home", patron.name, unit)
            elif rotates:
                ledger.leave(stay, now)
                del present[unit]
                fresh = _relief(unit)
                present[fresh] = ledger.arrive(patron.name, host, fresh, now)
                ledger.log(now, "unit_rotated", patron.name, f"{unit} -> {fresh}")
            else:
                ledger.log(now, "unit_stays", patron.name, f"{unit} ({gap} days to next)")


def delivery(model: WargameModel, patron: Patron, host: str, system: str, lead: float) -> Process:
    """Deliver a system after its lead time, under the control settled by then (a later
    settlement made while it was on its way covers it too); patron-controlled ones bring
    patron crews."""
    yield model.env.timeout(max(0, round(lead)))
    day = int(model.env.now)
    controller = model.settled_controller(patron.name, host)
    model.ledger.systems.append(System(patron.name, host, system, day, controller))
    model.ledger.log(day, "delivery", patron.name, f"{system} under {controller} control")
    if controller == "patron":
        model.ledger.arrive(patron.name, host, f"{system} crews", day)


def basing(model: WargameModel, patron: Patron, host: str, lead: float) -> Process:
    """Open a permanent base after its lead time: a garrison present from then on."""
    yield model.env.timeout(max(0, round(lead)))
    day = int(model.env.now)
    model.ledger.basings.append((patron.name, host, day))
    model.ledger.arrive(patron.name, host, "permanent garrison", day)
    model.ledger.log(day, "basing", patron.name, "permanent base opened")


def summit(model: WargameModel, spec: Summit) -> Process:
    """At the summit's date the patron presses its client for the next rung (a patron
    with no ambition presses for nothing, even at a summit)."""
    yield model.env.timeout(model.plan.day(spec.date))
    patron: Patron = model.actor(spec.patron)  # type: ignore[assignment]
    model.ledger.log(int(model.env.now), "summit", patron.name, spec.name)
    if patron.params.ambition <= 0:
        return
    key = f"operations.summits.{spec.name}.accept_probability"
    model.negotiate(patron, model.actor(patron.target), model.values.get(key))


def inject(model: WargameModel, spec: Inject) -> Process:
    """At the inject's date, with its probability, overwrite state and parameters."""
    yield model.env.timeout(model.plan.day(spec.date))
    fires = model.uniform() < model.values[f"injects.{spec.name}.probability"]
    if not fires:
        return
    actor = model.actor(spec.actor)
    for name, value in spec.set.items():
        actor.set_state(name, value)
    if spec.params:
        new = {n: model.values[f"injects.{spec.name}.params.{n}"] for n in spec.params}
        actor.params = type(actor.params).from_values({**actor.params.__dict__, **new})
    model.ledger.log(int(model.env.now), "inject", actor.name, spec.name)
