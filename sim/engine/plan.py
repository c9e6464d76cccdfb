"""A scenario compiled once per run into what every replicate needs.

Validation, the parameter table and calendar arithmetic happen here, once; a replicate
only looks up numbers. A Plan pickles, so process and cluster workers receive it once.
"""

from __future__ import annotations

import copy
import itertools
import math
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from sim.engine.concessions import Track
from sim.engine.draws import Entry, override, parameter_table
from sim.engine.mixture import Mixture
from sim.engine.rows import Rows
from sim.engine.track_reader import SENTINELS, TrackReader
from sim.roles import ROLE_SPECS
from sim.scenario import paths
from sim.scenario.calendar import day_of, month_boundaries
from sim.scenario.nodes import Controller
from sim.scenario.params import ParamSpec
from sim.scenario.schema import Scenario
from sim.scenario.tracks import Track as TrackSpec


@dataclass(frozen=True)
class DatedExercise:
    """A scheduled exercise with its start and end resolved for one replicate."""

    name: str
    start: int
    end: int  # last day of the exercise, inclusive
    units: tuple[str, ...]


@dataclass(frozen=True)
class Cadence:
    """A patron's recurring exercises with their numbers resolved for one replicate."""

    start: int | None  # the first one's start day; None: one gap after the start or the dated
    duration: int  # days, at least one
    jitter: float  # gaps vary uniformly within +/- this share of their mean
    units: tuple[str, ...]


@dataclass(frozen=True)
class StartLevel:
    """A rung a patron holds on a track on the start date, and the control it settled."""

    track: str
    level: int
    controller: Controller | None
    since: int = 0  # the day it was granted (before the start: negative)


@dataclass
class Plan:
    scenario: Scenario
    table: list[Entry] = field(init=False)

    overrides: dict[str, ParamSpec | float] = field(default_factory=dict)
    rows: Rows | None = None  # joint rows: a design, else the scenario's posterior if any
    #: With readings: the variants, one plan per combination (sim.engine.mixture).
    mixture: Mixture[Plan] | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        if self.scenario.readings:
            self.mixture = Mixture.of(self.scenario, self.overrides, Plan)
            self.table = self.mixture.table
        else:
            self.mixture = None
            self.table = override(parameter_table(self.scenario), self.overrides)
        post = self.scenario.posterior
        if self.rows is None and post is not None:
            rows = Rows.from_parquet(post.file, post.weight, self.paths)
            self.rows = rows.without(set(self.overrides))
        if self.rows is not None:
            unknown = [p for p in self.rows.paths if p not in self.paths]
            if unknown:
                raise ValueError(f"rows for unknown parameters: {unknown}")

    def __getstate__(self) -> dict:
        """What pickles: everything but the per-process caches of compiled functions
        (``_compiled*``), which a worker rebuilds on first use."""
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_compiled")}

    @cached_property
    def row_columns(self) -> list[int]:
        """Where the joint rows' parameters sit in the table."""
        return [self.index[p] for p in self.rows.paths] if self.rows else []

    @property
    def n_uniforms(self) -> int:
        """Uniforms each replicate takes from its parameter stream (one more to pick a
        weighted row)."""
        return self.n_params + (1 if self.rows is not None and self.rows.weighted else 0)

    def overridden(self, changes: dict[str, ParamSpec | float]) -> Plan:
        """This plan with some parameters' distributions replaced (for sweep points).

        Reuses everything already computed; only the table's entries change.
        """
        new = copy.copy(self)
        if self.mixture is not None:
            new.mixture = self.mixture.overridden(changes)
            new.table = new.mixture.table
        else:
            new.table = override(self.table, changes)
        if self.rows is not None:  # a parameter the sweep sets is no longer drawn jointly
            new.rows = self.rows.without(set(changes))
            new.__dict__.pop("row_columns", None)
        return new

    @cached_property
    def paths(self) -> list[str]:
        return [e.path for e in self.table]

    @cached_property
    def targets(self) -> dict[str, str | None]:
        """Each actor's target client (None for a role without one)."""
        return {a.name: self.scenario.target_of(a) for a in self.scenario.actors}

    @cached_property
    def param_paths(self) -> dict[str, tuple[tuple[str, str], ...]]:
        """Each actor's declared parameters in the table, as (name, parameter path) pairs
        (one the table leaves out takes its declared default)."""
        return {
            a.name: tuple(
                (p, path)
                for p in ROLE_SPECS[a.role].Params.model_fields
                if (path := paths.actor_param(a.name, p)) in self.index
            )
            for a in self.scenario.actors
        }

    @cached_property
    def outcome_views(self) -> tuple[tuple[str, str, str, str | None], ...]:
        """Each outcome column a replicate's record holds: (column, its day column, the
        outcome, the patron it is of or None for any patron's)."""
        return tuple(
            (c, f"{c}_day", *paths.outcome_parts(c)) for c in self.scenario.outcome_columns()
        )

    @cached_property
    def daily_views(self) -> tuple[tuple[str, str | None], ...]:
        """The daily curves a run tallies, as (column, the patron it is of or None):
        forces present and persistent presence as of each day, any patron's, and with
        several patrons each one's (``present.<patron>``), patrons by name."""
        own = [(p, f".{p}") for p in self.scenario.patrons_apart()]
        return tuple(
            (f"{what}{suffix}", patron)
            for patron, suffix in [(None, ""), *own]
            for what in ("present", "persistent")
        )

    @cached_property
    def index(self) -> dict[str, int]:
        return {p: i for i, p in enumerate(self.paths)}

    @cached_property
    def uniform_columns(self) -> np.ndarray:
        """Which of a replicate's parameter uniforms each table entry takes: the k-th
        uniform goes to the entry whose path sorts k-th, so the order in which a scenario
        lists its actors, tracks or operations never changes a draw."""
        ranks = np.empty(self.n_params, dtype=np.int64)
        ranks[np.argsort(np.array(self.paths, dtype=object), kind="stable")] = np.arange(
            self.n_params
        )
        return ranks

    @property
    def n_params(self) -> int:
        return len(self.table)

    @cached_property
    def n_days(self) -> int:
        return self.scenario.n_days

    @cached_property
    def months(self) -> list[int]:
        """Day offsets of month starts 0..horizon (the last one is the horizon)."""
        m = self.scenario.metadata
        return month_boundaries(m.start_date, m.horizon_months)

    @cached_property
    def month_lengths(self) -> list[int]:
        """Days in each simulated month."""
        m = self.months
        return [b - a for a, b in itertools.pairwise(m)]

    @cached_property
    def track_specs(self) -> list[TrackSpec]:
        """The scenario's tracks (a ladder is one), as written."""
        return self.scenario.all_tracks

    @cached_property
    def track_names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.track_specs)

    @cached_property
    def rung_at(self) -> dict[str, tuple[str, int]]:
        """Each rung's (track, index), by rung name."""
        return {r.name: (t.name, i) for t in self.track_specs for i, r in enumerate(t.rungs)}

    @cached_property
    def _starts(self) -> dict[str, list[tuple[str | None, str, int, int, Controller | None, int]]]:
        """Each patron's starting rungs, resolved: (the path of its yes/no draw, if it has
        one; track, level if conceded, level otherwise, controller, the day it was
        granted)."""
        out = {}
        for a in self.scenario.actors:
            rows = []
            for start in a.start_rungs:
                track, level = self.rung_at[start.rung]
                other = self.rung_at[start.otherwise][1] if start.otherwise else 0
                draw = paths.start_conceded(a.name, start.rung)
                held_since = start.held_since or self.scenario.metadata.start_date
                since = (held_since - self.scenario.metadata.start_date).days
                rows.append(
                    (
                        draw if start.probability is not None else None,
                        track,
                        level,
                        other,
                        start.controller,
                        since,
                    )
                )
            out[a.name] = rows
        return out

    @cached_property
    def state_columns(self) -> list[tuple[str, str]]:
        """(actor, variable) pairs recorded at each month start, in a fixed order: every
        actor's declared state, then each patron's rung on each track (``rung.<track>``)."""
        actors = self.scenario.actors
        state = [(a.name, s) for a in actors for s in ROLE_SPECS[a.role].state]
        rungs = [
            (a.name, paths.rung(t)) for a in actors if a.role == "patron" for t in self.track_names
        ]
        return state + rungs

    @cached_property
    def monthly_columns(self) -> list[tuple[str, str]]:
        """The columns of the monthly tables: ``state_columns``, then the host's presence
        days during the month (counted from the ledger after the run)."""
        return [*self.state_columns, (self.scenario.host, "presence_days")]

    def day(self, date) -> int:
        return day_of(self.scenario.metadata.start_date, date)

    # ------------------------------------------------------------------ tracks

    @cached_property
    def _compiled_track_readers(self) -> list[TrackReader]:
        """How each track reads its rungs out of a replicate's values (made once)."""
        return TrackReader.all_of(self)

    def tracks(self, values: list[float]) -> dict[str, Track]:
        """Every track's rungs with a replicate's drawn `values` (in table order),
        inheritance applied."""
        row = [*values, *SENTINELS]
        return {r.name: r.read(row) for r in self._compiled_track_readers}

    def start_levels(self, patron: str, v: dict[str, float]) -> list[StartLevel]:
        """The rungs `patron` holds on the start date, with this replicate's draws: a rung
        conceded with some chance is held when its yes/no draw says so (since its
        ``held_since``), else its ``otherwise`` rung (or the track's first), since the start
        date."""
        out = []
        for draw, track, level, other, controller, since in self._starts.get(patron, ()):
            conceded = draw is None or v[draw] >= 0.5
            held = level if conceded else other
            if held > 0:
                out.append(StartLevel(track, held, controller, since if conceded else 0))
        return out

    # ------------------------------------------------------------------ operations

    def cadence(self, patron: str, v: dict[str, float]) -> Cadence | None:
        """The patron's recurring exercises for one replicate (None if it has none)."""
        for rec in self.scenario.operations.recurring:
            if rec.patron == patron:
                key = f"operations.recurring.{patron}"
                return Cadence(
                    start=self.day(rec.start) if rec.start else None,
                    duration=max(1, round(v[f"{key}.duration_days"])),
                    jitter=v[f"{key}.jitter"],
                    units=tuple(rec.units),
                )
        return None

    @cached_property
    def _dated(self) -> dict[str, list[tuple[str, int | str, int | str | None, tuple[str, ...]]]]:
        """Each patron's dated exercises, resolved once: (name, start day or the path of
        its drawn start, end day or None, units); None ends come from a drawn duration."""
        out: dict[str, list] = {}
        for ex in self.scenario.operations.exercises:
            at = f"operations.exercises.{ex.name}"
            start = self.day(ex.start) if ex.start is not None else f"{at}.start_day"
            end = self.day(ex.end) if ex.end is not None else f"{at}.duration_days"
            out.setdefault(ex.patron, []).append((ex.name, start, end, tuple(ex.units)))
        return out

    def dated_exercises(self, patron: str, v: dict[str, float]) -> list[DatedExercise]:
        """The patron's scheduled exercises for one replicate, in start order."""
        out = []
        for name, start, end, units in self._dated.get(patron, ()):
            day = start if isinstance(start, int) else math.floor(v[start])
            last = end if isinstance(end, int) else day + max(1, round(v[end])) - 1
            out.append(DatedExercise(name, day, last, units))
        return sorted(out, key=lambda e: (e.start, e.name))
