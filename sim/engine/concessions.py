"""Concessions on parallel tracks: what each rung does, which rung each patron-client
relation holds on each track, and what the held rungs do together.

A :class:`Track` is one track's rungs for one replicate, with the drawn numbers and the
inheritance of exercise effects from lower rungs resolved. The :class:`ConcessionBook`
holds, for every relation and track, a stack of the levels reached (each with the day it
was reached and the control settled on the track by then), so a rung can be granted one
step up and lost one step down, and a loss restores exactly what held before.

**How held rungs combine** (:meth:`ConcessionBook.effects`): each exercise effect is the
strongest any held rung gives: the shortest exercise interval among the tracks that set
one (none, if every track that sets one says ``recurring: false``), the highest chance
to stay, the longest bridge tolerance, and standing presence if any held rung grants it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import ClassVar

from sim.scenario.nodes import Controller


@dataclass(frozen=True)
class Delivery:
    """A system a rung delivers: its name, lead time and any fixed controller."""

    system: str
    lead: float
    controller: Controller | None


@dataclass(frozen=True)
class Track:
    """One track for one replicate; every tuple has one entry per rung."""

    name: str
    rungs: tuple[str, ...]
    cost: tuple[float, ...]
    interval: tuple[float | None, ...]  # None: sets no cadence; inf: no recurring exercises
    stay: tuple[float | None, ...]
    tolerance: tuple[float | None, ...]
    standing: tuple[bool, ...]
    delivery: tuple[Delivery | None, ...]
    basing_lead: tuple[float | None, ...]  # None: no basing at this rung
    settles_control: tuple[bool, ...]
    priority: float = 1.0
    hazard: float = 0.0  # monthly chance of losing a held rung (0: irreversible)
    entrenchment_months: float = math.inf
    top: int = field(init=False)  # the index of the last rung

    def __post_init__(self) -> None:
        object.__setattr__(self, "top", len(self.rungs) - 1)

    @property
    def reversible(self) -> bool:
        return self.hazard > 0.0


@dataclass(frozen=True)
class Effects:
    """What the held rungs of one relation do together (module docstring)."""

    interval: float = math.inf  # days between recurring exercises; inf: none
    stay: float = 0.0
    tolerance: float = 1.0
    standing: bool = False


@dataclass
class Level:
    """A level reached on a track: when, and the control settled on the track by then."""

    level: int
    since: int
    controller: Controller | None


Relation = tuple[str, str]  # (patron, client)


@dataclass
class ConcessionBook:
    """Every relation's levels on every track (see the module docstring)."""

    STATE: ClassVar[tuple[str, ...]] = ("stacks",)
    DERIVED: ClassVar[tuple[str, ...]] = ("held_levels",)
    CACHE: ClassVar[tuple[str, ...]] = ("_effects",)
    WIRING: ClassVar[tuple[str, ...]] = ("tracks", "names", "reversible", "top_total")

    tracks: dict[str, Track]
    stacks: dict[Relation, dict[str, list[Level]]] = field(default_factory=dict)
    _effects: dict[Relation, Effects] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        #: Track names in name order (so the declared order of tracks never matters).
        self.names = sorted(self.tracks)
        self.reversible = [(n, self.tracks[n]) for n in self.names if self.tracks[n].reversible]
        self.top_total = sum(t.top for t in self.tracks.values())
        #: Each relation's levels summed over its tracks (kept as rungs are granted and lost).
        self.held_levels: dict[Relation, int] = {}

    def add_relation(self, relation: Relation) -> None:
        self.stacks[relation] = {t: [Level(0, 0, None)] for t in self.tracks}
        self.held_levels[relation] = 0

    def held(self, relation: Relation, track: str) -> Level:
        """The level the relation holds on `track` now."""
        return self.stacks[relation][track][-1]

    def level(self, relation: Relation, track: str) -> int:
        return self.stacks[relation][track][-1].level

    def controller(self, relation: Relation, track: str) -> Controller | None:
        """The control settled on `track` under the level held (None: never settled)."""
        return self.stacks[relation][track][-1].controller

    def grant(self, relation: Relation, track: str, day: int, controller: Controller | None) -> int:
        """Raise the relation one rung on `track` (a settlement replaces the track's
        controller; none keeps it); return the rung reached."""
        stack = self.stacks[relation][track]
        top = stack[-1]
        if top.level >= self.tracks[track].top:
            raise ValueError(f"track {track} is already at its top rung")
        stack.append(Level(top.level + 1, day, controller or top.controller))
        self._effects.pop(relation, None)
        self.held_levels[relation] += 1
        return top.level + 1

    def revoke(self, relation: Relation, track: str) -> int:
        """Drop the relation one rung on `track`, restoring the level and control that held
        before; return the rung lost."""
        stack = self.stacks[relation][track]
        if len(stack) == 1:
            raise ValueError(f"track {track} holds no granted rung")
        lost = stack.pop().level
        self._effects.pop(relation, None)
        self.held_levels[relation] -= 1
        return lost

    def effects(self, relation: Relation) -> Effects:
        """The combined exercise effects of the relation's held rungs (module docstring)."""
        cached = self._effects.get(relation)
        if cached is None:
            cached = self._effects[relation] = self._combine(relation)
        return cached

    def _combine(self, relation: Relation) -> Effects:
        intervals, stays, tolerances, standing = [], [], [], False
        for name, track in self.tracks.items():
            k = self.stacks[relation][name][-1].level
            if track.interval[k] is not None:
                intervals.append(track.interval[k])
            if track.stay[k] is not None:
                stays.append(track.stay[k])
            if track.tolerance[k] is not None:
                tolerances.append(track.tolerance[k])
            standing = standing or track.standing[k]
        return Effects(
            interval=min(intervals, default=math.inf),
            stay=max(stays, default=0.0),
            tolerance=max(tolerances, default=1.0),
            standing=standing,
        )

    def held_share(self, relations: list[Relation]) -> float:
        """Share of all rungs above the first that `relations` hold, over every track."""
        total = self.top_total * len(relations)
        if not total:
            return 0.0
        held = 0
        for rel in relations:
            held += self.held_levels[rel]
        return held / total

    def snapshot(self) -> list:
        """The stacks as plain values: ``[patron, client, {track: [[level, since,
        controller], ...]}]`` per relation."""
        return [
            [p, c, {t: [[lv.level, lv.since, lv.controller] for lv in s] for t, s in d.items()}]
            for (p, c), d in self.stacks.items()
        ]

    def restore(self, snap: list) -> None:
        """Set the stacks recorded by :meth:`snapshot`."""
        self.stacks = {
            (p, c): {t: [Level(*lv) for lv in s] for t, s in d.items()} for p, c, d in snap
        }
        self.held_levels = {
            rel: sum(s[-1].level for s in d.values()) for rel, d in self.stacks.items()
        }
        self._effects.clear()
