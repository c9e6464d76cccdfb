"""The concessions a patron presses for: tracks of rungs, each with its cost, what it
brings (a delivery, a base, effects while it is held) and how it may be reversed.

A rung field that acts while the rung is held is marked with a :class:`HeldEffect`: that
one declaration says how the engine names it, its units and bounds, whether a rung that
leaves it out inherits it from the rung below, and how the held rungs of every track
combine into one value. The parameter table, the checks, each replicate's tracks and the
combined effects (:class:`sim.engine.concessions.Effects`) are all read from it, so a
new effect is its field here plus the code that acts on it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import (
    Field,
)

from sim.scenario.nodes import Cited, Controller, Name
from sim.scenario.params import PROBABILITY, ParamSpec


@dataclass(frozen=True)
class HeldEffect:
    """Marks a rung field as an effect the rung has while it is held (module docstring)."""

    name: str
    """what the engine calls it (an attribute of the combined effects)"""
    units: str
    """its units, as ``wargame explain`` prints them (a drawn effect)"""
    bounds: tuple[float, float] | None
    """the closed range a drawn value must stay in"""
    combine: Callable[[Iterable[Any]], Any]
    """the held rungs' values (those that set one, over every track) into one"""
    none: Any
    """the combined value when no held rung sets it"""
    drawn: bool = True
    """a number with a distribution (a parameter); else a fixed value of the rung"""
    inherited: bool = True
    """a rung that leaves it out takes the nearest lower rung's value on its track"""


class Delivery(Cited):
    """A system delivered when a rung is granted, after a lead time, under ``controller``'s
    command if the rung fixes it, else under the control its track has settled by then
    (the client's when none has been)."""

    system: Name
    """the system's name"""
    lead_time_days: ParamSpec
    """days from the grant to the delivery"""
    controller: Controller | None = None
    """who commands it, if the rung fixes that (patron or client)"""


class Rung(Cited):
    """One step of a concession track. The exercise effects (interval, staying, tolerance,
    recurring) left out are inherited from the rung below on the same track."""

    name: Name
    """the rung's name, unique across tracks"""
    description: str = ""
    """what the concession is"""
    cost: ParamSpec
    """the sovereignty it costs the client (pressure units, 0-1); higher is refused more"""
    exercise_interval_days: Annotated[
        ParamSpec | None, HeldEffect("interval", "days", (1.0, 3650.0), min, math.inf)
    ] = None
    """mean days between recurring exercises while this rung holds (held rungs: the
    shortest)"""
    stay_probability: Annotated[
        ParamSpec | None, HeldEffect("stay", "probability", PROBABILITY, max, 0.0)
    ] = None
    """base chance the forces stay between two exercises while this rung holds (held
    rungs: the highest)"""
    bridge_tolerance_days: Annotated[
        ParamSpec | None, HeldEffect("tolerance", "days", (0.1, 3650.0), max, 1.0)
    ] = None
    """the gap, in days, over which the chance to stay falls by e (held rungs: the
    longest)"""
    recurring: bool | None = Field(
        None, description="false: no recurring exercises while this rung holds (inherited)"
    )
    standing: Annotated[
        bool, HeldEffect("standing", "", None, any, False, drawn=False, inherited=False)
    ] = Field(False, description="the patron's forces stay in the host while this rung holds")
    delivers: Delivery | None = None
    """a system delivered when the rung is granted"""
    settles_control: bool = Field(
        False, description="granting this rung settles who controls the track's systems"
    )
    basing: bool = Field(False, description="granting this rung starts permanent basing")
    basing_lead_time_days: ParamSpec | None = None
    """days from the grant to the base opening (with basing: true)"""


class Reversal(Cited):
    """How a granted rung of a track can be lost: each month with chance
    ``hazard x exp(-months held / entrenchment_months) x (1 - leverage)``."""

    hazard: ParamSpec = Field(
        description="monthly chance of losing the rung held, at no leverage and just granted"
    )
    entrenchment_months: ParamSpec = Field(
        description="the hazard falls by e for every this many months the rung has held"
    )


class Track(Cited):
    """An ordered list of rungs, pressed and granted one at a time, independently of the
    other tracks. The first rung is where the track stands unless a concession is made."""

    name: Name
    """the track's name"""
    description: str = ""
    """what the track is about"""
    priority: ParamSpec = Field(
        default_factory=lambda: ParamSpec(value=1.0),
        description="the weight the patron puts on pressing this track",
    )
    reversal: Reversal | None = Field(
        None, description="how a granted rung can be lost; none: a granted rung is permanent"
    )
    patron: Name | None = None
    """the patron whose track this is: it alone presses it, holds its rungs and takes up
    requests on it (none: every patron's, each holding its own rung)"""
    rungs: Annotated[list[Rung], Field(min_length=1)]
    """the rungs in order; the first is where the track stands unless conceded"""


#: The rung fields marked as effects while held, by field name, in declaration order.
HELD_EFFECTS: dict[str, HeldEffect] = {
    name: mark
    for name, info in Rung.model_fields.items()
    for mark in info.metadata
    if isinstance(mark, HeldEffect)
}
