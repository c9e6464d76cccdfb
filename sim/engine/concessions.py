"""Concessions on parallel tracks: what each rung does, which rung each patron-client
relation holds on each track, and what the held rungs do together.

A :class:`Track` is one track's rungs for one replicate, with the drawn numbers and the
inheritance of exercise effects from lower rungs resolved. The :class:`ConcessionBook`
holds, for every relation and track, a stack of the levels reached (each with the day it
was reached and the control settled on the track by then), so a rung can be granted one
step up and lost one step down, and a loss restores exactly what held before.

**How held rungs combine** (:meth:`ConcessionBook.effects`): each effect a held rung
has (a rung field marked :class:`~sim.scenario.tracks.HeldEffect`) is combined over the
held rungs of every track that set it, as its declaration says: for the exercise effects
the strongest any held rung gives: the shortest exercise interval among the tracks that
set one (none, if every track that sets one says ``recurring: false``), the highest
chance to stay, the longest bridge tolerance, and standing presence if any held rung
grants it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, ClassVar

from sim.scenario.nodes import Controller
from sim.scenario.tracks import HELD_EFFECTS

#: Each held effect's value when no held rung sets it, by the engine's name for it.
NOTHING_HELD: dict[str, Any] = {e.name: e.none for e in HELD_EFFECTS.values()}


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
    #: Per held effect (by the engine's name), its value at each rung: None where the rung
    #: sets none (the interval: inf where exercises do not recur).
    held: dict[str, tuple[Any, ...]]
    delivery: tuple[Delivery | None, ...]
    basing_lead: tuple[float | None, ...]  # None: no basing at this rung
    settles_control: tuple[bool, ...]
    priority: float = 1.0
    hazard: float = 0.0  # monthly chance of losing a held rung (0: irreversible)
    entrenchment_months: float = math.inf
    patron: str | None = None  # the patron whose track it is (None: every patron's)
    top: int = field(init=False)  # the index of the last rung

    def __post_init__(self) -> None:
        object.__setattr__(self, "top", len(self.rungs) - 1)

    @property
    def reversible(self) -> bool:
        return self.hazard > 0.0

    def open_to(self, patron: str) -> bool:
        """Whether `patron` may hold and press this track: its own, or every patron's."""
        return self.patron is None or self.patron == patron


class Effects(SimpleNamespace):
    """What the held rungs of one relation do together (module docstring): one attribute
    per held effect, ``interval`` (days between recurring exercises; inf: none),
    ``stay``, ``tolerance``, ``standing`` and any other declared; an effect not given is
    at its value when nothing is held."""

    def __init__(self, **values: Any) -> None:
        unknown = values.keys() - NOTHING_HELD.keys()
        if unknown:
            raise TypeError(f"no held effect named {', '.join(sorted(unknown))}")
        super().__init__(**(NOTHING_HELD | values))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("combined effects are read-only (a cache shares them)")

    def __hash__(self) -> int:
        return hash(tuple(self.__dict__.items()))


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
    WIRING: ClassVar[tuple[str, ...]] = ("tracks", "names", "reversible", "top_total", "owned")

    tracks: dict[str, Track]
    stacks: dict[Relation, dict[str, list[Level]]] = field(default_factory=dict)
    _effects: dict[Relation, Effects] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        #: Track names in name order (so the declared order of tracks never matters).
        self.names = sorted(self.tracks)
        self.reversible = [(n, self.tracks[n]) for n in self.names if self.tracks[n].reversible]
        self.top_total = sum(t.top for t in self.tracks.values())
        #: Whether some track is one patron's own (else every track is every patron's).
        self.owned = any(t.patron is not None for t in self.tracks.values())
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
        given: dict[str, list[Any]] = {name: [] for name in NOTHING_HELD}
        owned, patron = self.owned, relation[0]
        for name, track in self.tracks.items():
            if owned and not track.open_to(patron):
                continue  # another patron's track does nothing for this one
            k = self.stacks[relation][name][-1].level
            for effect, values in track.held.items():
                if values[k] is not None:
                    given[effect].append(values[k])
        return Effects(
            **{
                e.name: e.combine(given[e.name]) if given[e.name] else e.none
                for e in HELD_EFFECTS.values()
            }
        )

    def held_share(self, relations: list[Relation]) -> float:
        """Share of all rungs above the first that `relations` hold, over every track
        each relation's patron may hold."""
        if self.owned:
            total = sum(self._top_of(rel[0]) for rel in relations)
        else:
            total = self.top_total * len(relations)
        if not total:
            return 0.0
        held = 0
        for rel in relations:
            held += self.held_levels[rel]
        return held / total

    def _top_of(self, patron: str) -> int:
        """Rungs above the first over the tracks `patron` may hold."""
        return sum(t.top for t in self.tracks.values() if t.open_to(patron))

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
