"""The scenario schema: the single source of truth for what a scenario YAML may say.

Field-level rules (types, bounds, unknown keys) live on the pydantic models; rules that
span fields (an exercise naming an absent patron, a date past the horizon, a parameter
outside its role's bounds) live in :func:`cross_check`, which returns every problem with
the field path it belongs to, so the loader can point at the line.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

from sim.roles import ROLE_SPECS
from sim.scenario import paths
from sim.scenario.calendar import add_months
from sim.scenario.errors import did_you_mean
from sim.scenario.format import FORMAT
from sim.scenario.outcomes import OUTCOME_NAMES
from sim.scenario.params import ICD203, ParamSpec, normalise_word

Name = Annotated[str, StringConstraints(min_length=1, max_length=120, strip_whitespace=True)]
Path = tuple[str | int, ...]
Controller = Literal["patron", "client"]


class Strict(BaseModel):
    """Base for every schema node: unknown keys are errors; NaN and infinity too."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, allow_inf_nan=False, use_attribute_docstrings=True
    )


class Cited(Strict):
    """A node that may say where in the report it comes from, or that it is an assumption."""

    source: str | None = None
    """where in the report it comes from: a paragraph or footnote and the report's own words"""
    rationale: str | None = None
    """why this value, in the analyst's words"""
    assumption: bool | Literal["direction"] = False
    """true: not in the report, the analyst's assumption (give it a wide distribution);
    direction: the report (source:) says which way, not how much"""


class Metadata(Strict):
    name: Name
    """the scenario's name, printed on every output"""
    description: str = ""
    """what the scenario asks, in a sentence or two"""
    source_report: str = ""
    """the report the scenario is read from"""
    report: str | None = None
    """the report's text file, relative to the scenario's folder: wargame validate checks
    every quote of every source against it"""
    report_note: str = ""
    """without a report text: why there is none (the quote check is skipped)"""
    start_date: dt.date
    """the first simulated day (the report's date), YYYY-MM-DD"""
    horizon_months: Annotated[int, Field(ge=1, le=600)]
    """how many months are simulated"""


class MonteCarlo(Strict):
    """Default replicate count and root seed (the command line may override both)."""

    replicates: Annotated[int, Field(ge=1, le=10_000_000)] = 1000
    """replicates a run draws unless -n says otherwise"""
    seed: Annotated[int, Field(ge=0)] = 20200916
    """the root seed every replicate's streams are spawned from"""


class StartRung(Cited):
    """A concession already in place on the start date (``appears to have conceded``),
    so the scenario starts there instead of pricing it as a future grant.

    With a ``probability``, the concession was made with that chance (a number, a
    distribution or an estimative word, drawn per replicate from the parameter stream),
    and otherwise the track stands at ``otherwise`` (default: its first rung). A rung
    that settles control names the side that holds it (``controller``); deliveries and
    bases of the rungs held are in place on the start date."""

    rung: str
    """the rung held on the start date (a rung of one of the tracks)"""
    probability: ParamSpec | None = None
    """the chance the concession was made (a number, a distribution or an estimative
    word); omitted: certain"""
    otherwise: str | None = None
    """the rung held when it was not made (default: the track's first)"""
    controller: Controller | None = None
    """for a rung that settles control: the side that holds it"""


class ActorSpec(Cited):
    name: Name
    """the actor's name, used wherever the scenario refers to it"""
    role: str
    """patron, client_regime, protest_movement or alliance (agents/)"""
    target: str | None = Field(
        None, description="the client regime this actor acts on; defaults to the only one"
    )
    country: str | None = Field(None, description="the country the actor stands for")
    description: str = ""
    """who the actor is"""
    params: dict[str, ParamSpec] = Field(default_factory=dict)
    """the role's parameters (wargame explain lists them); omitted ones keep the role's defaults"""
    start_rung: StartRung | list[StartRung] | None = Field(
        None, description="a patron's rungs already conceded on the start date (one per track)"
    )

    @property
    def start_rungs(self) -> list[StartRung]:
        """The starting rungs as a list (empty when none is given)."""
        if self.start_rung is None:
            return []
        return self.start_rung if isinstance(self.start_rung, list) else [self.start_rung]


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
    """A dated shock that sets actor state or parameters."""

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


class Operations(Strict):
    exercises: list[Exercise] = Field(default_factory=list)
    """dated exercises"""
    recurring: list[Recurring] = Field(default_factory=list)
    """exercises at the held rungs' cadence, one entry per patron"""
    summits: list[Summit] = Field(default_factory=list)
    """dated meetings between a patron and its client"""


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
    "outcome_by",
]


def _known_outcome(name: str) -> str:
    if name not in OUTCOME_NAMES:
        listed = ", ".join(OUTCOME_NAMES)
        raise ValueError(f"unknown outcome '{name}' (expected one of: {listed})"
                         f"{did_you_mean(name, OUTCOME_NAMES)}")  # fmt: skip
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
    * ``outcome_by``: outcome ``outcome`` evaluated as of ``end``: whether persistent
      presence, presence at the horizon or basing holds on that day (its final window
      ending then), or whether ever-continuous presence has held by then.

    With ``negate: true`` the event is that the above does *not* happen.
    """

    metric: Metric
    """what is checked: present_on, present_in, presence_share, present_every_month,
    exercise_in, rung_by, rung_on, advanced_by, delivered_by or outcome_by"""
    start: dt.date | None = None
    """the window's first day (default: the start date)"""
    end: dt.date
    """the window's last day, or the day checked"""
    at_least: Annotated[float, Field(ge=0, le=1)] | None = None
    """presence_share: the least share of days with forces present"""
    rung: str | None = None
    """rung_by, rung_on: the rung (or any higher on its track)"""
    outcome: OutcomeName | None = None
    """outcome_by: persistent, presence_at_horizon, basing or ever_continuous"""
    controller: Controller | None = None
    """rung_by, rung_on, delivered_by: settled in this side's favour"""
    system: str | None = None
    """delivered_by: the system (default: any)"""
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
            "outcome_by": f"outcome {self.outcome} as of {self.end}",
        }[self.metric]
        if self.controller:
            detail += f", under the {self.controller}'s command"
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


class Posterior(Strict):
    """Parameter rows drawn jointly (a calibration's output): the file beside the scenario,
    its SHA-256 (so the scenario's own hash covers it), and the weight column to draw by."""

    file: str
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    weight: str = "draw_weight"


class ReadingOption(Strict):
    """One way of reading a sentence: a patch over the scenario and its prior weight."""

    name: Name
    """the reading's name, as results label it (``conceded``, ``cadence_only``)"""
    weight: float | str | None = None
    """its prior weight: a number in (0, 1], or an estimative word (the middle of its
    ICD 203 range); options without one share what the others leave equally"""
    rationale: str | None = None
    """why the sentence can be read this way"""
    patch: dict = Field(default_factory=dict)
    """keys laid over the scenario for this reading, by the rules of ``extends:`` (an
    empty patch is the scenario as written)"""
    _word: str | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _weight(self) -> ReadingOption:
        w = self.weight
        if isinstance(w, str):
            self._word = normalise_word(w)
            low, high = ICD203[self._word]
            object.__setattr__(self, "weight", (low + high) / 2)
        elif w is not None and not 0 < w <= 1:
            raise ValueError(f"weight must lie in (0, 1]; found {w:g}")
        for key in READING_FIXED:
            if key in self.patch:
                raise ValueError(f"a reading cannot patch '{key}:' ({READING_FIXED[key]})")
        return self


#: What a reading's patch may not touch, and why.
READING_FIXED = {
    "metadata": "every reading runs the same dates",
    "monte_carlo": "every reading shares the run's replicates and seed",
    "readings": "readings do not nest",
    "extends": "a reading is a patch, not a file",
    "posterior": "the posterior belongs to the scenario",
}


class Reading(Cited):
    """A sentence of the report that can be read more than one way: its options, each a
    patch with a prior weight. Every replicate draws one option per reading, from its
    parameter stream (the table entry ``readings.<name>``, valued 0, 1, … in the order
    the options are listed), so results can be shown mixed and per reading."""

    name: Name
    """the choice's name (``starting_state``)"""
    options: Annotated[list[ReadingOption], Field(min_length=2)]
    """the ways of reading it, at least two"""

    @model_validator(mode="after")
    def _weights_sum(self) -> Reading:
        names = [o.name for o in self.options]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"option names must be unique; '{dupes[0]}' repeats")
        given = [o.weight for o in self.options if o.weight is not None]
        total = sum(given)
        free = len(self.options) - len(given)
        if total > 1 + 1e-9 or (free == 0 and abs(total - 1) > 1e-6):
            listed = ", ".join(f"{w:g}" for w in given)
            raise ValueError(
                f"the options' weights must sum to 1 (found {listed}, summing to {total:g})"
                + ("" if free else "; leave one out to give it the rest")
            )
        if free and total >= 1 - 1e-9:
            raise ValueError("the weights given leave nothing for the options without one")
        return self

    @property
    def weights(self) -> tuple[float, ...]:
        """Each option's prior weight, in the order listed (summing to 1)."""
        given = [o.weight for o in self.options if o.weight is not None]
        free = len(self.options) - len(given)
        rest = (1 - sum(given)) / free if free else 0.0
        return tuple(o.weight if o.weight is not None else rest for o in self.options)

    @property
    def path(self) -> str:
        """Its entry in the parameter table."""
        return paths.reading_param(self.name)


class Scenario(Strict):
    format: Annotated[int, Field(ge=1, le=FORMAT)] | None = None
    """the version of the scenario format the file is written in (default: the current
    one; docs/format.md lists what each changed, wargame migrate brings a file up to date)"""
    metadata: Metadata
    """name, start date and horizon"""
    monte_carlo: MonteCarlo = Field(default_factory=MonteCarlo)
    """default replicate count and seed"""
    actors: Annotated[list[ActorSpec], Field(min_length=1)]
    """the actors, each with a role and its parameters"""
    ladder: list[Rung] | None = Field(
        None, description="one track of concessions (the same as tracks: with one track)"
    )
    tracks: list[Track] | None = Field(None, description="concessions on parallel tracks")
    operations: Operations = Field(default_factory=Operations)
    """exercises, recurring exercises and summits"""
    injects: list[Inject] = Field(default_factory=list)
    """dated shocks"""
    outcomes: Outcomes = Field(default_factory=Outcomes)
    """how the outcomes are defined"""
    judgments: list[Judgment] = Field(default_factory=list)
    """the report's estimative claims, checked against the model"""
    observations: list[Observation] = Field(default_factory=list)
    """dated facts a run conditions on"""
    questions: list[Question] = Field(default_factory=list)
    """dated yes/no forecast questions"""
    posterior: Posterior | None = None
    """parameter rows drawn jointly (written by wargame calibrate)"""
    readings: list[Reading] = Field(default_factory=list)
    """sentences read more than one way: each replicate draws one option of each"""

    @property
    def end_date(self) -> dt.date:
        return add_months(self.metadata.start_date, self.metadata.horizon_months)

    @property
    def n_days(self) -> int:
        return (self.end_date - self.metadata.start_date).days

    def actor(self, name: str) -> ActorSpec:
        return next(a for a in self.actors if a.name == name)

    def measurable(self) -> list[str]:
        """What a sweep or a discovery can measure per replicate: every outcome, and
        every forecast question and judgment by its column (``question.<id>``,
        ``judgment.<id>``)."""
        return [
            *OUTCOME_NAMES,
            *(paths.question(q.id) for q in self.questions),
            *(paths.judgment(j.id) for j in self.judgments),
        ]

    def clients(self) -> list[str]:
        return [a.name for a in self.actors if a.role == "client_regime"]

    def target_of(self, actor: ActorSpec) -> str | None:
        """The client an actor acts on: its own ``target``, else the only client."""
        if actor.target is not None or not ROLE_SPECS[actor.role].has_target:
            return actor.target
        clients = self.clients()
        return clients[0] if len(clients) == 1 else None

    @property
    def host_country(self) -> str:
        """The host's country name for prose (its actor name if none is given)."""
        return self.actor(self.host).country or self.host

    @property
    def host(self) -> str:
        """The client regime whose territory the outcomes watch."""
        return self.outcomes.host or self.clients()[0]

    @model_validator(mode="after")
    def _one_kind_of_concessions(self) -> Scenario:
        if (self.ladder is None) == (self.tracks is None):
            raise ValueError("give exactly one of ladder (one track) or tracks")
        return self

    @property
    def all_tracks(self) -> list[Track]:
        """The concession tracks; a ``ladder:`` is one irreversible track named ``ladder``."""
        if self.tracks is not None:
            return self.tracks
        ladder = Track.model_construct(
            name="ladder", rungs=self.ladder or [], priority=ParamSpec(value=1.0), reversal=None
        )
        return [ladder]

    def track_path(self, track: str) -> str:
        """Where a track's numbers sit in the parameter table: ``ladder`` or
        ``tracks.<name>``."""
        return "ladder" if self.tracks is None else f"tracks.{track}"

    def rung_location(self, name: str) -> tuple[str, int]:
        """(track, index) of the rung called `name` (rung names are unique across tracks)."""
        for t in self.all_tracks:
            for i, r in enumerate(t.rungs):
                if r.name == name:
                    return t.name, i
        raise KeyError(name)

    def rung_names(self) -> list[str]:
        return [r.name for t in self.all_tracks for r in t.rungs]


# --------------------------------------------------------------------------- cross-checks

Found = tuple[Path, str]


def _unknown(kind: str, word: str, options: list[str]) -> str:
    listed = ", ".join(options) if options else "none defined"
    return f"unknown {kind} '{word}' (expected one of: {listed}){did_you_mean(word, options)}"


def cross_check(s: Scenario) -> list[Found]:
    """Every rule that spans fields, as (field path, message) pairs; empty when valid."""
    return [
        *_check_actors(s),
        *_check_tracks(s),
        *_check_operations(s),
        *_check_injects(s),
        *_check_outcomes(s),
        *_check_unique(s.readings, "name", ("readings",)),
        *_check_reading_count(s),
    ]


#: Above this many combinations of readings a scenario is refused: each is validated
#: and compiled into its own plan.
MAX_COMBINATIONS = 64


def _check_reading_count(s: Scenario) -> Iterator[Found]:
    n = math.prod(len(r.options) for r in s.readings)
    if n > MAX_COMBINATIONS:
        yield (
            ("readings",),
            f"{n} combinations of readings (the product of their option counts); at most "
            f"{MAX_COMBINATIONS} are allowed",
        )


def _check_params(role: str, params: dict[str, ParamSpec], at: Path) -> Iterator[Found]:
    """Each parameter must be declared by the role and stay inside its bounds."""
    declared = ROLE_SPECS[role].Params.declarations()
    for name, ps in params.items():
        if name not in declared:
            yield ((*at, name), _unknown(f"parameter of role {role}", name, list(declared)))
            continue
        d = declared[name]
        low, high = ps.support
        if low < d.low or high > d.high:
            yield (
                (*at, name),
                f"must lie in [{d.low:g}, {d.high:g}] ({d.units}); found {ps.describe()}",
            )


def _check_start_rung(s: Scenario, i: int, a: ActorSpec) -> Iterator[Found]:
    """Starting rungs belong to a patron, each names a rung (and its ``otherwise`` a lower
    rung of the same track), one per track, with a probability in [0, 1]."""
    at: Path = ("actors", i, "start_rung")
    if a.role != "patron":
        yield (at, f"only a patron has a starting rung; {a.name} is a {a.role}")
        return
    names = s.rung_names()
    seen: set[str] = set()
    many = isinstance(a.start_rung, list)
    for k, start in enumerate(a.start_rungs):
        here: Path = (*at, k) if many else at
        if start.rung not in names:
            yield ((*here, "rung"), _unknown("rung", start.rung, names))
            continue
        track, level = s.rung_location(start.rung)
        if track in seen:
            yield ((*here, "rung"), f"a second starting rung on track '{track}'")
        seen.add(track)
        if start.otherwise is not None:
            if start.otherwise not in names:
                yield ((*here, "otherwise"), _unknown("rung", start.otherwise, names))
            elif s.rung_location(start.otherwise)[0] != track or (
                s.rung_location(start.otherwise)[1] >= level
            ):
                yield (
                    (*here, "otherwise"),
                    f"must be a lower rung of track '{track}' than '{start.rung}'",
                )
        rungs = next(t for t in s.all_tracks if t.name == track).rungs[1 : level + 1]
        if any(r.settles_control for r in rungs) and start.controller is None:
            yield (
                (*here, "controller"),
                "this starting rung settles control: name who holds it (patron or client)",
            )
        pr = start.probability
        if pr is not None and not 0 <= pr.support[0] <= pr.support[1] <= 1:
            yield (
                (*here, "probability"),
                f"a probability must lie in [0, 1]; found {pr.describe()}",
            )


def _check_actors(s: Scenario) -> Iterator[Found]:
    seen: set[str] = set()
    clients = s.clients()
    for i, a in enumerate(s.actors):
        if a.start_rung is not None:
            yield from _check_start_rung(s, i, a)
        if a.name in seen:
            yield (("actors", i, "name"), f"duplicate actor name '{a.name}'")
        seen.add(a.name)
        if a.role not in ROLE_SPECS:
            yield (("actors", i, "role"), _unknown("role", a.role, sorted(ROLE_SPECS)))
            continue
        yield from _check_params(a.role, a.params, ("actors", i, "params"))
        if not ROLE_SPECS[a.role].has_target:
            if a.target is not None:
                yield (("actors", i, "target"), f"a {a.role} acts on no target")
        elif a.target is not None and a.target not in clients:
            yield (("actors", i, "target"), _unknown("client regime", a.target, clients))
        elif a.target is None and len(clients) != 1:
            yield (
                ("actors", i, "target"),
                f"name the client regime this {a.role} acts on; the scenario has "
                f"{len(clients)} ({', '.join(clients) or 'none'})",
            )


#: What each rung effect must lie in (checked here, reused by parameter overrides).
RUNG_BOUNDS = {
    "cost": (0.0, 1.0),
    "stay_probability": (0.0, 1.0),
    "exercise_interval_days": (1.0, 3650.0),
    "bridge_tolerance_days": (0.1, 3650.0),
}
_EXERCISE_EFFECTS = ("exercise_interval_days", "stay_probability", "bridge_tolerance_days")


def _check_tracks(s: Scenario) -> Iterator[Found]:
    if s.tracks is None and len(s.ladder or []) < 2:
        found = len(s.ladder or [])
        yield (
            ("ladder",),
            f"needs at least two rungs (the status quo and one concession); found {found}",
        )
        return
    if s.tracks is not None and not s.tracks:
        yield (("tracks",), "needs at least one track")
        return
    if s.tracks is not None:
        yield from _check_unique(s.tracks, "name", ("tracks",))
    seen: set[str] = set()
    for t, track in enumerate(s.all_tracks):
        at: Path = ("ladder",) if s.tracks is None else ("tracks", t, "rungs")
        for i, r in enumerate(track.rungs):
            if r.name in seen:
                yield (
                    (*at, i, "name"),
                    f"duplicate rung name '{r.name}' (names are unique across tracks)",
                )
            seen.add(r.name)
        yield from _check_rungs(track, at, needs_exercises=s.tracks is None)
        if s.tracks is not None:
            yield from _check_track_numbers(track, ("tracks", t))


def _check_rungs(track: Track, at: Path, needs_exercises: bool) -> Iterator[Found]:
    """A track's rungs: bounds, lead times, cost order, and the exercise effects its first
    rung sets for the others to inherit (a ladder's first rung must set them all)."""
    base = track.rungs[0]
    given = [f for f in _EXERCISE_EFFECTS if getattr(base, f) is not None]
    if needs_exercises or given:
        for field in _EXERCISE_EFFECTS:
            if getattr(base, field) is None:
                yield ((*at, 0, field), "the first rung must set it (later rungs inherit)")
    for i, r in enumerate(track.rungs):
        for field, (low, high) in RUNG_BOUNDS.items():
            ps = getattr(r, field)
            if ps is not None and (ps.support[0] < low or ps.support[1] > high):
                yield ((*at, i, field), f"must lie in [{low:g}, {high:g}]; found {ps.describe()}")
        for field, ps in (
            ("delivers", r.delivers.lead_time_days if r.delivers else None),
            ("basing_lead_time_days", r.basing_lead_time_days),
        ):
            if ps is not None and ps.support[0] < 0:
                path = (*at, i, field) + (("lead_time_days",) if field == "delivers" else ())
                yield (path, f"a lead time cannot be negative; found {ps.describe()}")
    costs = [r.cost.mean() for r in track.rungs]
    for i in range(1, len(costs)):
        if costs[i] < costs[i - 1]:
            yield (
                (*at, i, "cost"),
                f"the rungs must be ordered by cost: rung '{track.rungs[i].name}' (mean cost "
                f"{costs[i]:.2f}) is cheaper than '{track.rungs[i - 1].name}' ({costs[i - 1]:.2f})",
            )


def _check_track_numbers(track: Track, at: Path) -> Iterator[Found]:
    if track.priority.support[0] < 0:
        yield (
            (*at, "priority"),
            f"a priority cannot be negative; found {track.priority.describe()}",
        )
    rev = track.reversal
    if rev is None:
        return
    if not 0 <= rev.hazard.support[0] <= rev.hazard.support[1] <= 1:
        yield (
            (*at, "reversal", "hazard"),
            f"a probability must lie in [0, 1]; found {rev.hazard.describe()}",
        )
    if rev.entrenchment_months.support[0] <= 0:
        yield (
            (*at, "reversal", "entrenchment_months"),
            f"must be above 0 months; found {rev.entrenchment_months.describe()}",
        )


def _in_horizon(s: Scenario, day: dt.date, at: Path, what: str) -> Iterator[Found]:
    if not s.metadata.start_date <= day <= s.end_date:
        yield (
            at,
            f"{what} {day} is outside the scenario ({s.metadata.start_date} to {s.end_date})",
        )


def _check_unique(items: list, key: str, at: Path) -> Iterator[Found]:
    """Names that identify items (and their parameter paths) must not repeat."""
    seen: set[str] = set()
    for i, item in enumerate(items):
        value = getattr(item, key)
        if value in seen:
            yield ((*at, i, key), f"duplicate {key} '{value}'")
        seen.add(value)


def _check_operations(s: Scenario) -> Iterator[Found]:
    patrons = [a.name for a in s.actors if a.role == "patron"]
    ops = s.operations
    yield from _check_unique(ops.exercises, "name", ("operations", "exercises"))
    yield from _check_unique(ops.recurring, "patron", ("operations", "recurring"))
    yield from _check_unique(ops.summits, "name", ("operations", "summits"))
    for i, ex in enumerate(ops.exercises):
        at: Path = ("operations", "exercises", i)
        if ex.start_window is not None and ex.start_window[0] > ex.start_window[1]:
            yield (
                (*at, "start_window"),
                f"out of order: {ex.start_window[0]} is after {ex.start_window[1]}",
            )
        if ex.end is not None and ex.start is not None and ex.end < ex.start:
            yield ((*at, "end"), f"end {ex.end} is before start {ex.start}")
        if ex.patron not in patrons:
            yield ((*at, "patron"), _unknown("patron", ex.patron, patrons))
        if ex.end is not None and ex.end < s.metadata.start_date:
            yield (
                (*at, "end"),
                f"exercise ends {ex.end}, before the scenario starts ({s.metadata.start_date})",
            )
        last = ex.start_window[1] if ex.start_window else ex.start
        assert last is not None
        if last > s.end_date:
            yield (
                (*at, "start_window" if ex.start_window else "start"),
                f"exercise starts {last}, after the scenario ends ({s.end_date})",
            )
        if ex.duration_days is not None and ex.duration_days.support[0] < 1:
            yield (
                (*at, "duration_days"),
                f"a duration must be at least 1 day; found {ex.duration_days.describe()}",
            )
    for i, rec in enumerate(ops.recurring):
        at = ("operations", "recurring", i)
        if rec.patron not in patrons:
            yield ((*at, "patron"), _unknown("patron", rec.patron, patrons))
        if rec.duration_days.support[0] < 1:
            yield (
                (*at, "duration_days"),
                f"a duration must be at least 1 day; found {rec.duration_days.describe()}",
            )
        if not 0 <= rec.jitter.support[0] <= rec.jitter.support[1] <= 1:
            yield ((*at, "jitter"), f"must lie in [0, 1]; found {rec.jitter.describe()}")
        if rec.start is not None:
            yield from _in_horizon(s, rec.start, (*at, "start"), "recurring start")
    tracks, rungs = [t.name for t in s.all_tracks], s.rung_names()
    for i, su in enumerate(ops.summits):
        at = ("operations", "summits", i)
        if su.patron not in patrons:
            yield ((*at, "patron"), _unknown("patron", su.patron, patrons))
        if su.track is not None and su.track not in tracks:
            yield ((*at, "track"), _unknown("track", su.track, tracks))
        if su.rung is not None and su.rung not in rungs:
            yield ((*at, "rung"), _unknown("rung", su.rung, rungs))
        if su.effect == "implements" and su.track is not None:
            yield ((*at, "track"), "a summit that implements names the rung it grants, not a track")
        if su.effect == "demands" and su.rung is not None:
            yield (
                (*at, "rung"),
                "a summit that demands presses for the next rung of a track; name the track",
            )
        yield from _in_horizon(s, su.date, (*at, "date"), "summit date")
        ap = su.accept_probability
        if ap is not None and not 0 <= ap.support[0] <= ap.support[1] <= 1:
            yield (
                (*at, "accept_probability"),
                f"a probability must lie in [0, 1]; found {ap.describe()}",
            )


def _check_injects(s: Scenario) -> Iterator[Found]:
    names = [a.name for a in s.actors]
    yield from _check_unique(s.injects, "name", ("injects",))
    for i, inj in enumerate(s.injects):
        at: Path = ("injects", i)
        yield from _in_horizon(s, inj.date, (*at, "date"), "inject date")
        p = inj.probability
        if not 0 <= p.support[0] <= p.support[1] <= 1:
            yield ((*at, "probability"), f"a probability must lie in [0, 1]; found {p.describe()}")
        if inj.actor not in names:
            yield ((*at, "actor"), _unknown("actor", inj.actor, names))
            continue
        role = s.actor(inj.actor).role
        if role not in ROLE_SPECS:
            continue
        declared = ROLE_SPECS[role].state
        for key, value in inj.set.items():
            if key not in declared:
                yield ((*at, "set", key), _unknown(f"state of role {role}", key, list(declared)))
            elif not declared[key].low <= value <= declared[key].high:
                var = declared[key]
                yield (
                    (*at, "set", key),
                    f"must lie in [{var.low:g}, {var.high:g}] ({var.units}); found {value:g}",
                )
        yield from _check_params(role, inj.params, (*at, "params"))


def _check_outcomes(s: Scenario) -> Iterator[Found]:
    clients = s.clients()
    if not clients:
        yield (("actors",), "the scenario needs at least one actor of role client_regime")
    if not any(a.role == "patron" for a in s.actors):
        yield (
            ("actors",),
            "the scenario needs at least one actor of role patron (the foreign power whose "
            "presence the outcomes measure)",
        )
    host = s.outcomes.host
    if host is not None and host not in clients:
        yield (("outcomes", "host"), _unknown("client regime", host, clients))
    elif host is None and len(clients) > 1:
        yield (
            ("outcomes", "host"),
            f"name the host: the scenario has {len(clients)} client regimes ({', '.join(clients)})",
        )
    if s.outcomes.window_days > s.n_days:
        yield (
            ("outcomes", "window_days"),
            f"the window ({s.outcomes.window_days} days) is "
            f"longer than the horizon ({s.n_days} days)",
        )
    yield from _check_events(s, s.judgments, "judgments")
    yield from _check_events(s, s.observations, "observations")
    yield from _check_events(s, s.questions, "questions")
    for i, o in enumerate(s.observations):
        if o.as_of < s.metadata.start_date:
            yield (
                ("observations", i, "as_of"),
                f"as_of {o.as_of} is before the scenario starts ({s.metadata.start_date})",
            )


def _check_events(s: Scenario, events: list, key: str) -> Iterator[Found]:
    rungs = s.rung_names()
    yield from _check_unique(events, "id", (key,))
    for i, j in enumerate(events):
        at: Path = (key, i)
        yield from _in_horizon(s, j.end, (*at, "end"), "event end")
        if j.start is not None:
            yield from _in_horizon(s, j.start, (*at, "start"), "event start")
            if j.start > j.end:
                yield ((*at, "start"), f"start {j.start} is after end {j.end}")
        if j.rung is not None and j.rung not in rungs:
            yield ((*at, "rung"), _unknown("rung", j.rung, rungs))
