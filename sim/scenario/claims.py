"""What a scenario measures and claims: how the outcomes are defined, and the dated events
(judgments, observations, questions) checked against every replicate."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    Field,
    WithJsonSchema,
    model_validator,
)

from sim.scenario.errors import did_you_mean
from sim.scenario.nodes import Cited, Controller, Name
from sim.scenario.outcomes import OUTCOME_NAMES
from sim.scenario.params import ICD203, normalise_word

BasingKind = Literal["permanent_base", "patron_system", "patron_integration"]


class Outcomes(Cited):
    """How the outcomes are defined (README.md, "What the model is"; the registry in
    :mod:`sim.engine.outcomes`).

    ``window_days`` and ``threshold`` define continuous presence: forces present on at
    least ``threshold`` of the days of a ``window_days`` window. ``basing_from`` says what
    counts as *basing*: a permanent base, a delivered system under the patron's command,
    and (off by default) a rung that settled control of the host's own forces in the
    patron's favour without bringing its forces in.
    """

    host: str | None = Field(None, description="client regime whose territory is watched")
    window_days: Annotated[int, Field(ge=1)] = 180
    threshold: Annotated[float, Field(gt=0, le=1)] = 0.9
    basing_from: Annotated[list[BasingKind], Field(min_length=1)] = Field(
        default_factory=lambda: ["permanent_base", "patron_system"]
    )


Metric = Literal[
    "present_on",
    "present_in",
    "presence_share",
    "present_every_month",
    "exercise_in",
    "rung_by",
    "rung_on",
    "advanced_by",
    "delivered_by",
    "system_on",
    "outcome_by",
]


def _known_outcome(name: str) -> str:
    if name not in OUTCOME_NAMES:
        listed = ", ".join(OUTCOME_NAMES)
        raise ValueError(
            f"unknown outcome '{name}' (expected one of: {listed})"
            f"{did_you_mean(name, OUTCOME_NAMES)}"
        )
    return name


#: A field naming an outcome of :mod:`sim.scenario.outcomes` (the one list of them).
OutcomeName = Annotated[
    str,
    AfterValidator(_known_outcome),
    WithJsonSchema({"type": "string", "enum": list(OUTCOME_NAMES)}),
]

#: The fields each metric needs, besides ``end`` (which every metric has).
METRIC_NEEDS: dict[str, tuple[str, ...]] = {
    "present_on": (),
    "present_in": (),
    "presence_share": ("at_least",),
    "present_every_month": ("start",),
    "exercise_in": (),
    "rung_by": ("rung",),
    "rung_on": ("rung",),
    "advanced_by": (),
    "delivered_by": (),
    "system_on": (),
    "outcome_by": ("outcome",),
}


class Event(Cited):
    """A dated event in model terms: the one vocabulary of judgments, observations and
    questions. Days are inclusive; ``start`` defaults to the scenario's first day.

    * ``present_on``: foreign forces in the host on the day ``end``;
    * ``present_in``: foreign forces in the host on at least one day ``start``..``end``;
    * ``presence_share``: present on at least ``at_least`` of the days ``start``..``end``;
    * ``present_every_month``: present on some day of every calendar month ``start``..``end``;
    * ``exercise_in``: an exercise starts in ``start``..``end``;
    * ``rung_by``: rung ``rung`` (or higher on its track) reached by ``end``; with
      ``controller``, a concession at that rung or above settled control in that side's
      favour;
    * ``rung_on``: rung ``rung`` (or higher) held on the day ``end`` (a rung can be lost);
      with ``controller``, under that side's settlement;
    * ``advanced_by``: on any track, a rung above the one held on the start date granted
      by ``end`` (with ``controller``: one that settled control in that side's favour);
    * ``delivered_by``: a system (named ``system``, or any) delivered by ``end``, under
      ``controller``'s command if one is given;
    * ``system_on``: such a system in the host on the day ``end`` (a system is withdrawn
      with the rung that brought it, so this is what tells a delivery lost);
    * ``outcome_by``: outcome ``outcome`` evaluated as of ``end``: whether persistent
      presence, presence at the horizon, basing or an exit (withdrawn) holds on that day
      (its final window ending then), or whether ever-continuous presence has held by
      then.

    With ``patron:`` each of these reads only that patron's forces, exercises, rungs,
    systems and bases (an outcome as if it were the only patron); without it, any
    patron's. With ``negate: true`` the event is that the above does *not* happen.
    """

    metric: Metric
    """what is checked: present_on, present_in, presence_share, present_every_month,
    exercise_in, rung_by, rung_on, advanced_by, delivered_by, system_on or outcome_by"""
    start: dt.date | None = None
    """the window's first day (default: the start date)"""
    end: dt.date
    """the window's last day, or the day checked"""
    at_least: Annotated[float, Field(ge=0, le=1)] | None = None
    """presence_share: the least share of days with forces present"""
    rung: str | None = None
    """rung_by, rung_on: the rung (or any higher on its track)"""
    outcome: OutcomeName | None = None
    """outcome_by: persistent, presence_at_horizon, basing, ever_continuous or withdrawn"""
    controller: Controller | None = None
    """rung_by, rung_on, delivered_by, system_on: settled in this side's favour"""
    system: str | None = None
    """delivered_by, system_on: the system (default: any)"""
    patron: Name | None = None
    """whose forces, exercises, rungs, systems or outcome (an actor of role patron;
    default: any patron's)"""
    negate: bool = Field(False, description="the event is that this does NOT happen")
    given: Event | None = Field(
        None,
        description="a judgment about this event among the replicates where the given event "
        "happened: P(event | given), e.g. Russian command given a system deployed",
    )

    @model_validator(mode="after")
    def _fields_for_metric(self) -> Event:
        for need in METRIC_NEEDS[self.metric]:
            if getattr(self, need) is None:
                raise ValueError(f"metric {self.metric} needs the field '{need}'")
        if self.given is not None and self.given.given is not None:
            raise ValueError("a given event cannot itself have a given: (one condition)")
        return self

    def describe(self) -> str:
        """The event in words, e.g. ``rung integrated_air_defence or higher reached by
        2021-12-31, under the patron's command``; ``not:`` in front when negated. Printed
        beside a judgment's number, so that a judgment and an outcome with similar names
        are not read as the same thing."""
        dates = f"{self.start}..{self.end}" if self.start else f"by {self.end}"
        detail = {
            "present_on": f"forces present on {self.end}",
            "present_in": f"forces present on some day {dates}",
            "presence_share": f"forces present on at least {100 * (self.at_least or 0):.0f} % of "
            f"the days {self.start or 'start'}..{self.end}",
            "present_every_month": f"forces present in every calendar month {dates}",
            "exercise_in": f"an exercise starts {dates}",
            "rung_by": f"rung {self.rung} or higher reached by {self.end}",
            "rung_on": f"rung {self.rung} or higher held on {self.end}",
            "advanced_by": f"a rung above the start's reached on any track by {self.end}",
            "delivered_by": f"{self.system or 'a system'} delivered by {self.end}",
            "system_on": f"{self.system or 'a system'} in place on {self.end}",
            "outcome_by": f"outcome {self.outcome} as of {self.end}",
        }[self.metric]
        if self.controller:
            detail += f", under the {self.controller}'s command"
        if self.patron:
            detail = f"{self.patron}: {detail}"
        detail = f"not: {detail}" if self.negate else detail
        return f"{detail}, given {self.given.describe()}" if self.given else detail


class Judgment(Event):
    """One of the report's estimative claims, stated as an event with the report's word."""

    id: Name
    """the judgment's id"""
    claim: str
    """the report's sentence, in its own words"""
    word: str
    """the estimative word (ICD 203, e.g. likely) that gives the judgment's range"""

    @model_validator(mode="after")
    def _normalise_word(self) -> Judgment:
        object.__setattr__(self, "word", normalise_word(self.word))
        return self

    @property
    def range(self) -> tuple[float, float]:
        return ICD203[self.word]


class Observation(Event):
    """A dated event known to have happened (``value: yes``) or not (``no``) by ``as_of``.

    Observations are data, not beliefs: a run keeps only replicates whose history agrees
    with every observation, and calibration weighs parameters by how often they agree.
    """

    id: Name
    """the observation's id"""
    value: bool
    """yes: it happened; no: it did not"""
    as_of: dt.date
    """the day it became known"""
    source: str  # type: ignore[assignment]  # an observation must say where it is known from

    @model_validator(mode="after")
    def _no_condition(self) -> Observation:
        if self.given is not None:
            raise ValueError("given: is for judgments; an observation says what happened")
        return self


class Question(Event):
    """A dated yes/no forecast question, in the same vocabulary; a run gives its
    probability, and ``wargame score`` scores it once it has resolved."""

    @model_validator(mode="after")
    def _no_condition(self) -> Question:
        if self.given is not None:
            raise ValueError("given: is for judgments; a question resolves yes or no as asked")
        return self

    id: Name
    """the question's id (resolutions refer to it)"""
    question: str
    """the question, in words"""
