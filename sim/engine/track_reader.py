"""How a plan reads each concession track's rungs out of a replicate's values.

Which parameter each rung reads each drawn effect from is resolved once per plan (an
effect declared inherited that a rung does not set is taken from the nearest lower rung
that does); a replicate then picks its rung values out of its value list with one
``itemgetter`` per effect. Missing values point at sentinels appended to the list
(:data:`SENTINELS`): None (not set), infinity (no recurring exercise), zero (no lead time).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Protocol

from sim.engine.concessions import Delivery, Track
from sim.engine.draws import RUNG_FIELDS
from sim.scenario.nodes import Controller
from sim.scenario.tracks import HELD_EFFECTS

#: The held effect whose value a rung with ``recurring: false`` makes infinite.
CADENCE = "exercise_interval_days"

if TYPE_CHECKING:
    from sim.scenario.schema import Scenario
    from sim.scenario.tracks import Track as TrackSpec


class Plan(Protocol):
    """What a reader needs of a plan (:class:`sim.engine.plan.Plan`)."""

    scenario: Scenario

    @property
    def n_params(self) -> int: ...

    @property
    def index(self) -> dict[str, int]: ...

    @property
    def track_specs(self) -> list[TrackSpec]: ...


#: Appended to a replicate's values: what a missing parameter reads as.
SENTINELS = (None, math.inf, 0.0)

Pick = Callable[[Sequence[Any]], tuple[Any, ...]]


@dataclass(frozen=True)
class TrackReader:
    """One track's constant fields and, per numeric effect, a picker of its rung values."""

    name: str
    rungs: tuple[str, ...]
    cost: Pick
    drawn: dict[str, Pick]  # per drawn held effect, by the engine's name
    fixed: dict[str, tuple[Any, ...]]  # per held effect a rung fixes, its value at each rung
    deliveries: tuple[tuple[int, str, int, Controller | None], ...]  # rung, system, key, ctl
    basing: Pick
    settles_control: tuple[bool, ...]
    priority: int  # positions in the value list (a sentinel when not set)
    hazard: int
    entrenchment: int
    patron: str | None  # the patron whose track it is (None: every patron's)

    @classmethod
    def all_of(cls, plan: Plan) -> list[TrackReader]:
        """A reader per track of `plan`."""
        return [cls.of(plan, spec) for spec in plan.track_specs]

    @classmethod
    def of(cls, plan: Plan, spec: TrackSpec) -> TrackReader:
        n = plan.n_params
        none, inf, zero = n, n + 1, n + 2
        at = plan.scenario.track_path(spec.name)
        effect = _effect_keys(plan, spec, at)
        recurring = _recurring(spec)

        def pos(key: str | None, missing: int = none) -> int:
            return plan.index[key] if key is not None else missing

        drawn = {}
        for f, e in HELD_EFFECTS.items():
            if e.drawn:
                keys = [pos(key) for key in effect[f]]
                if f == CADENCE:  # no recurring exercises: no cadence, whatever is drawn
                    keys = [
                        k if rec else (inf if k != none else none)
                        for k, rec in zip(keys, recurring, strict=True)
                    ]
                drawn[e.name] = _picker(keys)
        fixed = {
            e.name: tuple(getattr(r, f) for r in spec.rungs)
            for f, e in HELD_EFFECTS.items()
            if not e.drawn
        }
        basing = [
            pos(_basing_key(at, r.name) if r.basing_lead_time_days else None, zero)
            if r.basing
            else none
            for r in spec.rungs
        ]
        deliveries = tuple(
            (i, d.system, plan.index[f"{at}.{r.name}.delivers.lead_time_days"], d.controller)
            for i, r in enumerate(spec.rungs)
            if (d := r.delivers) is not None
        )
        rev = spec.reversal
        return cls(
            name=spec.name,
            rungs=tuple(r.name for r in spec.rungs),
            cost=_picker([pos(key) for key in effect["cost"]]),
            drawn=drawn,
            fixed=fixed,
            deliveries=deliveries,
            basing=_picker(basing),
            settles_control=tuple(r.settles_control for r in spec.rungs),
            priority=pos(f"{at}.priority" if plan.scenario.tracks is not None else None),
            hazard=pos(f"{at}.reversal.hazard" if rev else None),
            entrenchment=pos(f"{at}.reversal.entrenchment_months" if rev else None, inf),
            patron=spec.patron,
        )

    def read(self, row: Sequence[Any]) -> Track:
        """The track with a replicate's values (`row`: its values, then the sentinels)."""
        delivery: list[Delivery | None] = [None] * len(self.rungs)
        for i, system, key, controller in self.deliveries:
            delivery[i] = Delivery(system, row[key], controller)
        priority, hazard = row[self.priority], row[self.hazard]
        return Track(
            name=self.name,
            rungs=self.rungs,
            cost=self.cost(row),
            held={name: pick(row) for name, pick in self.drawn.items()} | self.fixed,
            delivery=tuple(delivery),
            basing_lead=self.basing(row),
            settles_control=self.settles_control,
            priority=priority if priority is not None else 1.0,
            hazard=hazard if hazard is not None else 0.0,
            entrenchment_months=row[self.entrenchment],
            patron=self.patron,
        )


def _effect_keys(plan: Plan, spec: TrackSpec, at: str) -> dict[str, tuple[str | None, ...]]:
    """Per drawn number of a rung, the parameter path each rung reads: its own, else (the
    cost and any inherited effect) the nearest lower rung's; None when no rung below sets
    it either."""
    effect: dict[str, tuple[str | None, ...]] = {}
    for f in RUNG_FIELDS:
        inherits = f not in HELD_EFFECTS or HELD_EFFECTS[f].inherited
        col: list[str | None] = []
        for r in spec.rungs:
            key = f"{at}.{r.name}.{f}"
            below = col[-1] if col and inherits else None
            col.append(key if key in plan.index else below)
        effect[f] = tuple(col)
    return effect


def _recurring(spec: TrackSpec) -> tuple[bool, ...]:
    """Whether each rung's exercises recur (inherited upwards; a set interval implies it)."""
    out: list[bool] = []
    for r in spec.rungs:
        inherited = out[-1] if out else True
        sets_interval = r.exercise_interval_days is not None
        out.append(r.recurring if r.recurring is not None else inherited or sets_interval)
    return tuple(out)


def _basing_key(at: str, rung: str) -> str:
    return f"{at}.{rung}.basing_lead_time_days"


def _picker(keys: list[int]) -> Pick:
    """A function picking the values at `keys` out of a row, always as a tuple."""
    pick = itemgetter(*keys)
    if len(keys) > 1:
        return pick

    def one(row: Sequence[Any]) -> tuple[Any, ...]:
        return (pick(row),)

    return one
