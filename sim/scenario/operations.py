"""Operations on the day clock: dated and recurring exercises, summits, and injects (dated
shocks to an actor's state and parameters)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import (
    Field,
    model_validator,
)

from sim.scenario.nodes import Cited, Name, Strict
from sim.scenario.params import ParamSpec


class Exercise(Cited):
    """A dated joint exercise: the patron's units are in the host country for its span."""

    name: Name
    """the exercise's name"""
    patron: str
    """the patron whose units take part"""
    units: Annotated[list[Name], Field(min_length=1)]
    """unit labels (bookkeeping: they never change an outcome)"""
    start: dt.date | None = None
    """the start date (or give start_window)"""
    start_window: tuple[dt.date, dt.date] | None = None
    """the first and last possible start date, drawn uniformly"""
    end: dt.date | None = None
    """the last day (or give duration_days)"""
    duration_days: ParamSpec | None = None
    """how many days it lasts"""

    @model_validator(mode="after")
    def _dates(self) -> Exercise:
        if (self.start is None) == (self.start_window is None):
            raise ValueError("give exactly one of start or start_window")
        if (self.end is None) == (self.duration_days is None):
            raise ValueError("give exactly one of end or duration_days")
        if self.end is not None and self.start_window is not None:
            raise ValueError("a windowed start needs duration_days, not a fixed end")
        return self


class Recurring(Cited):
    """The patron's recurring exercises, at the cadence of the current rung."""

    patron: str
    """the patron whose units exercise"""
    start: dt.date | None = Field(
        None, description="first possible start; defaults to after the patron's dated exercises"
    )
    duration_days: ParamSpec
    """how many days each exercise lasts"""
    jitter: ParamSpec = Field(
        default_factory=lambda: ParamSpec(value=0.5),
        description="gaps vary uniformly within +/- this share of their mean",
    )
    units: Annotated[list[Name], Field(min_length=1)]
    """unit labels (bookkeeping: they never change an outcome)"""


class Summit(Cited):
    """A dated meeting. With ``effect: demands`` (the default) the patron presses for the
    next rung of ``track`` (or of the track it would choose); with ``effect: implements``
    a concession already agreed takes effect: ``rung`` is granted without a bargain (and
    with no rung named, the meeting changes nothing)."""

    name: Name
    """the summit's name"""
    date: dt.date
    """the day it is held"""
    patron: str
    """the patron that meets its client"""
    effect: Literal["demands", "implements"] = "demands"
    """demands: the patron presses for the next rung; implements: an agreed rung takes effect"""
    track: str | None = None
    """the track pressed (default: the one the patron would choose)"""
    rung: str | None = None
    """with implements: the rung that takes effect"""
    accept_probability: ParamSpec | None = Field(
        None, description="chance the client grants a demanded rung; omitted: its usual rule"
    )


class Inject(Cited):
    """A dated shock that sets actor state or parameters; on a patron, it may also take
    rungs away (``revoke``) or end its presence in the host (``expel``)."""

    name: Name
    """the inject's name"""
    date: dt.date
    """the day it fires"""
    actor: str
    """the actor it changes"""
    probability: ParamSpec = Field(default_factory=lambda: ParamSpec(value=1.0))
    """the chance it fires in a replicate"""
    set: dict[str, float] = Field(
        default_factory=dict, description="state variables set on the date (within their bounds)"
    )
    params: dict[str, ParamSpec] = Field(default_factory=dict)
    """parameters of the actor changed from the date on"""
    revoke: list[str] = Field(default_factory=list)
    """rungs the actor (a patron) loses on the date: each one's track falls back to the
    rung below it, and what the rungs lost brought (bases, systems, a standing presence)
    is withdrawn"""
    expel: bool = False
    """the host ends the actor's (a patron's) presence on the date: it loses every rung it
    holds, its forces go home, and it exercises, presses and takes requests there no more"""


class Operations(Strict):
    exercises: list[Exercise] = Field(default_factory=list)
    """dated exercises"""
    recurring: list[Recurring] = Field(default_factory=list)
    """exercises at the held rungs' cadence, one entry per patron"""
    summits: list[Summit] = Field(default_factory=list)
    """dated meetings between a patron and its client"""
