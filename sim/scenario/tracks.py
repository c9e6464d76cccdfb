"""The concessions a patron presses for: tracks of rungs, each with its cost, what it
brings (a delivery, a base, exercise effects) and how it may be reversed."""

from __future__ import annotations

from typing import Annotated

from pydantic import (
    Field,
)

from sim.scenario.nodes import Cited, Controller, Name
from sim.scenario.params import ParamSpec


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
    exercise_interval_days: ParamSpec | None = None
    """mean days between recurring exercises while this rung holds"""
    stay_probability: ParamSpec | None = None
    """base chance the forces stay between two exercises while this rung holds"""
    bridge_tolerance_days: ParamSpec | None = None
    """the gap, in days, over which the chance to stay falls by e"""
    recurring: bool | None = Field(
        None, description="false: no recurring exercises while this rung holds (inherited)"
    )
    standing: bool = Field(
        False, description="the patron's forces stay in the host while this rung holds"
    )
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
    rungs: Annotated[list[Rung], Field(min_length=1)]
    """the rungs in order; the first is where the track stands unless conceded"""
