"""The scenario schema: the single source of truth for what a scenario YAML may say.

Field-level rules (types, bounds, unknown keys) live on the pydantic models; rules that
span fields (an exercise naming an absent patron, a date past the horizon, a parameter
outside its role's bounds) live in :func:`cross_check`, which returns every problem with
the field path it belongs to, so the loader can point at the line.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import (
    Field,
    PrivateAttr,
    StringConstraints,
    model_validator,
)

from sim.roles import ROLE_SPECS
from sim.scenario import paths
from sim.scenario.calendar import add_months
from sim.scenario.claims import (
    BasingKind,
    Event,
    Judgment,
    Metric,
    Observation,
    OutcomeName,
    Outcomes,
    Question,
)
from sim.scenario.format import FORMAT
from sim.scenario.measures import measure_column
from sim.scenario.nodes import Cited, Controller, Name, Path, Strict
from sim.scenario.operations import Exercise, Inject, Operations, Recurring, Summit
from sim.scenario.outcomes import OUTCOME_NAMES
from sim.scenario.params import ICD203, ParamSpec, normalise_word
from sim.scenario.tracks import Delivery, Reversal, Rung, Track

#: The schema's nodes, wherever they are defined, importable from here as before.
__all__ = [
    "ActorSpec",
    "BasingKind",
    "Cited",
    "Controller",
    "Delivery",
    "Event",
    "Exercise",
    "Inject",
    "Judgment",
    "Metadata",
    "Metric",
    "MonteCarlo",
    "Name",
    "Observation",
    "Operations",
    "OutcomeName",
    "Outcomes",
    "Path",
    "Posterior",
    "Question",
    "Reading",
    "ReadingOption",
    "Recurring",
    "Reversal",
    "Rung",
    "Scenario",
    "StartRung",
    "Strict",
    "Summit",
    "Track",
]


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
    held_since: dt.date | None = None
    """the day the rung was granted, on or before the start date: its months held count
    from then for the chance of losing it (default: the start date)"""


class ActorSpec(Cited):
    name: Name
    """the actor's name, used wherever the scenario refers to it"""
    role: str
    """patron, client_regime, protest_movement or alliance (agents/)"""
    target: str | None = Field(
        None, description="the client regime this actor acts on; defaults to the only one"
    )
    opposes: Name | None = Field(
        None,
        description="a protest movement's: the patron whose presence it opposes (its "
        "strength, weighted by presence_pressure, lowers the regime's dependence on that "
        "patron)",
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
    headline: str | None = None
    """what the scenario asks, which a run, its report and its analyses lead with: an
    outcome (``withdrawn``; with several patrons ``persistent.<patron>``) or a question
    (its id); default: persistent"""

    @property
    def end_date(self) -> dt.date:
        return add_months(self.metadata.start_date, self.metadata.horizon_months)

    @property
    def n_days(self) -> int:
        return (self.end_date - self.metadata.start_date).days

    def actor(self, name: str) -> ActorSpec:
        return next(a for a in self.actors if a.name == name)

    def measurable(self) -> list[str]:
        """What a sweep or a discovery can measure per replicate: every outcome (each
        patron's too, with several), and every forecast question and judgment by its
        column (``question.<id>``, ``judgment.<id>``)."""
        return [
            *self.outcome_columns(),
            *(paths.question(q.id) for q in self.questions),
            *(paths.judgment(j.id) for j in self.judgments),
        ]

    def headline_column(self) -> str:
        """The column of what the scenario asks (:attr:`headline`), e.g. ``persistent``,
        ``withdrawn.france`` or ``question.<id>``."""
        return measure_column(self.headline or "persistent", self.measurable(), "headline")

    def outcome_columns(self) -> list[str]:
        """Every outcome a run tabulates: each of any patron's and, with several patrons,
        each patron's own (``persistent.<patron>``)."""
        patrons = self.patrons()
        own = [paths.patron_outcome(o, p) for p in patrons for o in OUTCOME_NAMES]
        return [*OUTCOME_NAMES, *(own if len(patrons) > 1 else [])]

    def clients(self) -> list[str]:
        return [a.name for a in self.actors if a.role == "client_regime"]

    def patrons(self) -> list[str]:
        return [a.name for a in self.actors if a.role == "patron"]

    def patrons_apart(self) -> list[str]:
        """The patrons whose curves and times are also kept each on its own: with several,
        every one, by name (so the order they are listed in never matters); with one,
        none (its own are the scenario's)."""
        patrons = self.patrons()
        return sorted(patrons) if len(patrons) > 1 else []

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
