"""A scenario compiled once per run into what every replicate needs.

Validation, the parameter table and calendar arithmetic happen here, once; a replicate
only looks up numbers. A Plan pickles, so process and cluster workers receive it once.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from agents import ROLES
from sim.engine.draws import RUNG_FIELDS, Entry, override, parameter_table
from sim.engine.rows import Rows
from sim.scenario.calendar import day_of, month_boundaries
from sim.scenario.params import ParamSpec
from sim.scenario.schema import Scenario


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

    start: int | None  # first possible start day; None: after the dated exercises
    duration: int  # days, at least one
    jitter: float  # gaps vary uniformly within +/- this share of their mean
    units: tuple[str, ...]


@dataclass(frozen=True)
class RungEffects:
    """The ladder's effects for one replicate, with inheritance from lower rungs applied."""

    names: tuple[str, ...]
    cost: tuple[float, ...]
    interval: tuple[float, ...]
    stay: tuple[float, ...]
    tolerance: tuple[float, ...]
    delivery: tuple[tuple[str, float] | None, ...]  # (system, lead time) per rung
    basing_lead: tuple[float | None, ...]
    settles_control: tuple[bool, ...]


@dataclass
class Plan:
    scenario: Scenario
    table: list[Entry] = field(init=False)

    overrides: dict[str, ParamSpec | float] = field(default_factory=dict)
    rows: Rows | None = None  # joint rows: a design, else the scenario's posterior if any

    def __post_init__(self) -> None:
        self.table = override(parameter_table(self.scenario), self.overrides)
        post = self.scenario.posterior
        if self.rows is None and post is not None:
            rows = Rows.from_parquet(post.file, post.weight, self.paths)
            self.rows = rows.without(set(self.overrides))
        if self.rows is not None:
            unknown = [p for p in self.rows.paths if p not in self.paths]
            if unknown:
                raise ValueError(f"rows for unknown parameters: {unknown}")

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
        new.table = override(self.table, changes)
        if self.rows is not None:  # a parameter the sweep sets is no longer drawn jointly
            new.rows = self.rows.without(set(changes))
            new.__dict__.pop("row_columns", None)
        return new

    @cached_property
    def start_rungs(self) -> dict[tuple[str, str], int]:
        """(patron, client) → the rung already conceded on the start date, where given."""
        s = self.scenario
        return {
            (a.name, s.target_of(a)): s.rung_index(a.start_rung.rung)
            for a in s.actors
            if a.start_rung is not None
        }

    @cached_property
    def paths(self) -> list[str]:
        return [e.path for e in self.table]

    @cached_property
    def param_paths(self) -> dict[str, tuple[tuple[str, str], ...]]:
        """Each actor's declared parameters, as (name, parameter path) pairs."""
        return {
            a.name: tuple((p, f"actors.{a.name}.{p}") for p in ROLES[a.role].Params.model_fields)
            for a in self.scenario.actors
        }

    @cached_property
    def index(self) -> dict[str, int]:
        return {p: i for i, p in enumerate(self.paths)}

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
    def state_columns(self) -> list[tuple[str, str]]:
        """(actor, variable) pairs recorded at each month start, in a fixed order: every
        actor's state variables, then each patron's rung with its client."""
        actors = self.scenario.actors
        state = [(a.name, s) for a in actors for s in ROLES[a.role].state]
        return state + [(a.name, "rung") for a in actors if a.role == "patron"]

    @cached_property
    def monthly_columns(self) -> list[tuple[str, str]]:
        """The columns of the monthly tables: ``state_columns``, then the host's presence
        days during the month (counted from the ledger after the run)."""
        return [*self.state_columns, (self.scenario.host, "presence_days")]

    def day(self, date) -> int:
        return day_of(self.scenario.metadata.start_date, date)

    @cached_property
    def _rung_keys(self) -> dict[str, tuple[str | None, ...]]:
        """Where each rung reads each effect from, resolved once per plan.

        For the four inheritable fields, a rung that does not set one reads the nearest
        lower rung's parameter. ``delivers`` and ``basing`` name the lead-time parameter
        (None where the rung has none).
        """
        keys: dict[str, tuple[str | None, ...]] = {}
        for f in RUNG_FIELDS:
            col: list[str] = []
            for r in self.scenario.ladder:
                key = f"ladder.{r.name}.{f}"
                col.append(key if key in self.index else col[-1])
            keys[f] = tuple(col)
        ladder = self.scenario.ladder
        keys["delivers"] = tuple(
            f"ladder.{r.name}.delivers.lead_time_days" if r.delivers else None for r in ladder
        )
        keys["basing"] = tuple(
            f"ladder.{r.name}.basing_lead_time_days"
            if r.basing and r.basing_lead_time_days
            else None
            for r in ladder
        )
        return keys

    def rung_effects(self, v: dict[str, float]) -> RungEffects:
        """Resolve each rung's effects from the drawn values `v`, inheriting gaps."""
        keys, ladder = self._rung_keys, self.scenario.ladder
        return RungEffects(
            names=tuple(r.name for r in ladder),
            cost=tuple(v[k] for k in keys["cost"]),  # type: ignore[index]
            interval=tuple(v[k] for k in keys["exercise_interval_days"]),  # type: ignore[index]
            stay=tuple(v[k] for k in keys["stay_probability"]),  # type: ignore[index]
            tolerance=tuple(v[k] for k in keys["bridge_tolerance_days"]),  # type: ignore[index]
            delivery=tuple(
                (r.delivers.system, v[k]) if r.delivers and k else None  # type: ignore[index]
                for r, k in zip(ladder, keys["delivers"], strict=True)
            ),
            basing_lead=tuple(
                (v[k] if k else 0.0) if r.basing else None
                for r, k in zip(ladder, keys["basing"], strict=True)
            ),
            settles_control=tuple(r.settles_control for r in ladder),
        )

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

    def dated_exercises(self, patron: str, v: dict[str, float]) -> list[DatedExercise]:
        """The patron's scheduled exercises for one replicate, in start order."""
        out = []
        for ex in self.scenario.operations.exercises:
            if ex.patron != patron:
                continue
            if ex.start is not None:
                start = self.day(ex.start)
            else:
                start = int(np.floor(v[f"operations.exercises.{ex.name}.start_day"]))
            if ex.end is not None:
                end = self.day(ex.end)
            else:
                end = start + max(1, round(v[f"operations.exercises.{ex.name}.duration_days"])) - 1
            out.append(DatedExercise(ex.name, start, end, tuple(ex.units)))
        return sorted(out, key=lambda e: e.start)
