"""The cast: who is in a replicate, indexed once from the role declarations.

A plan's :class:`Roster` (names only, worked out once per plan) says which actors there
are, the monthly order they step in (roles by phase, actors of a role by name, never by
the order they are listed in), which patron presses which client, and how each actor's
parameters and recorded state are read. A replicate's :class:`Cast` makes the actors
from it and answers what actors ask of one another (the protest against a client, the
alliance posture over it).
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import attrgetter
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from agents import ROLES, Actor, Alliance, ClientRegime, Patron, ProtestMovement
from sim.engine.concessions import Relation
from sim.engine.plan import Plan
from sim.roles import ROLE_SPECS
from sim.scenario import paths

if TYPE_CHECKING:
    from agents.world import World
    from sim.scenario.operations import Inject

A = TypeVar("A", bound=Actor)


@dataclass(frozen=True)
class Roster:
    """Who is in a plan's replicates and how they are read (see the module docstring)."""

    actors: tuple[tuple[str, str, str | None], ...]  # (name, role, target), as listed
    stepping: tuple[str, ...]  # the monthly order: by phase, then by name
    relations: tuple[Relation, ...]  # (patron, client), in the monthly order
    by_role: dict[str, dict[str | None, list[str]]]  # role: target: names, by name
    clients_of: dict[str, list[Relation]]
    opposing: dict[Relation, tuple[str, ...]]  # the movements opposing each relation, by name
    params: dict[str, tuple[tuple[str, ...], tuple[int, ...]]]  # actor: names, table columns
    records: tuple[tuple[str, attrgetter], ...]  # actor, its state variables' reader
    rung_records: tuple[tuple[Relation, str], ...]  # (relation, track) per rung column

    @classmethod
    def of(cls, plan: Plan) -> Roster:
        """The plan's roster, cached on the plan (as ``_compiled_roster``: a worker
        rebuilds it rather than unpickling it)."""
        roster = plan.__dict__.get("_compiled_roster")
        if roster is None:
            roster = plan.__dict__["_compiled_roster"] = _make_roster(plan)
        return roster


def _make_roster(plan: Plan) -> Roster:
    s, targets = plan.scenario, plan.targets
    actors = tuple((a.name, a.role, targets[a.name]) for a in s.actors)
    stepping = tuple(n for n, _, _ in sorted(actors, key=lambda a: (ROLE_SPECS[a[1]].phase, a[0])))
    client_of = {n: t for n, r, t in actors if r == Patron.spec.role and t is not None}
    relations = tuple((n, client_of[n]) for n in stepping if n in client_of)
    by_role: dict[str, dict[str | None, list[str]]] = {role: {} for role in ROLE_SPECS}
    for n, r, t in sorted(actors):
        by_role[r].setdefault(t, []).append(n)
    # state_columns lists every actor's state first, then the rungs (see Plan), and each
    # actor's variables together: one attrgetter reads an actor's in one call
    columns = plan.state_columns
    records = tuple(
        (n, attrgetter(*[v for a, v in columns if a == n and not paths.is_rung(v)]))
        for n, r, _ in actors
        if ROLE_SPECS[r].state
    )
    rung_records = tuple(
        ((a, client_of[a]), paths.rung_track(v)) for a, v in columns if paths.is_rung(v)
    )
    return Roster(
        actors=actors,
        stepping=stepping,
        relations=relations,
        by_role=by_role,
        clients_of={c: [r for r in relations if r[1] == c] for c in s.clients()},
        opposing=_opposing(plan, relations),
        params={
            n: (tuple(p for p, _ in pairs), tuple(plan.index[k] for _, k in pairs))
            for n, pairs in plan.param_paths.items()
        },
        records=records,
        rung_records=rung_records,
    )


def _opposing(plan: Plan, relations: tuple[Relation, ...]) -> dict[Relation, tuple[str, ...]]:
    """The movements that oppose each relation's patron in its client, by name (only the
    relations some movement opposes)."""
    out: dict[Relation, tuple[str, ...]] = {}
    for rel in relations:
        names = sorted(
            a.name
            for a in plan.scenario.actors
            if a.opposes == rel[0] and plan.targets[a.name] == rel[1]
        )
        if names:
            out[rel] = tuple(names)
    return out


class Cast:
    """A replicate's actors, made from the plan's :class:`Roster` with the parameter
    values of the replicate's `row` (in the plan's table order)."""

    STATE: ClassVar[tuple[str, ...]] = ("actors",)
    DERIVED: ClassVar[tuple[str, ...]] = ()
    CACHE: ClassVar[tuple[str, ...]] = ()
    WIRING: ClassVar[tuple[str, ...]] = (
        "stepping",
        "patrons",
        "regimes",
        "movements_on",
        "alliances_on",
        "patrons_of",
        "clients_of",
        "opposing",
    )

    def __init__(self, world: World, roster: Roster, row: list[float]):
        self.actors: dict[str, Actor] = {
            name: _make_actor(world, role, name, target, *roster.params[name], row)
            for name, role, target in roster.actors
        }
        actors = self.actors
        self.stepping = [actors[n] for n in roster.stepping]
        self.patrons = {n: a for n, a in actors.items() if isinstance(a, Patron)}
        self.regimes = {n: a for n, a in actors.items() if isinstance(a, ClientRegime)}
        self.movements_on = _by_target(actors, roster, ProtestMovement)
        self.alliances_on = _by_target(actors, roster, Alliance)
        self.patrons_of = _by_target(actors, roster, Patron)
        self.clients_of = roster.clients_of
        self.opposing = {
            rel: [a for n in names if isinstance(a := actors[n], ProtestMovement)]
            for rel, names in roster.opposing.items()
        }

    def protest_strength_against(self, client: str) -> float:
        """Combined strength of the movements targeting `client` (a probabilistic OR)."""
        calm = 1.0
        for a in self.movements_on.get(client, ()):
            calm *= 1.0 - a.strength
        return 1.0 - calm

    def opposition_to(self, patron: str, client: str) -> float:
        """How much the movements opposing `patron`'s presence in `client` lower the drive
        of the client's dependence on it: the sum of each one's ``presence_pressure x
        strength``."""
        movements = self.opposing.get((patron, client))
        if not movements:  # the usual case, asked every month: no sum to start
            return 0.0
        return sum(a.params.presence_pressure * a.strength for a in movements)

    def alliance_posture(self, client: str | None) -> float:
        """The highest posture of any alliance watching `client`."""
        top = 0.0
        for a in self.alliances_on.get(client, ()):
            if a.posture > top:
                top = a.posture
        return top

    def apply(self, spec: Inject, params: dict[str, float]) -> None:
        """An inject fires: set the state it names and take up its new `params`."""
        actor = self.actors[spec.actor]
        for name, value in spec.set.items():
            actor.inject_state(name, value)
        if params:
            actor.params = type(actor.params).from_values({**actor.params.__dict__, **params})

    def snapshot(self) -> dict[str, dict[str, Any]]:
        """Every actor's declared state and parameters."""
        return {a.name: a.snapshot() for a in self.stepping}

    def restore(self, snap: dict[str, dict[str, Any]]) -> None:
        for name, a in snap.items():
            self.actors[name].restore(a)


def _make_actor(
    world: World,
    role: str,
    name: str,
    target: str | None,
    params: tuple[str, ...],
    columns: tuple[int, ...],
    row: list[float],
) -> Actor:
    """The actor with its `params` read from the replicate's `row` at `columns`."""
    cls = ROLES[role]
    values = dict(zip(params, [row[k] for k in columns], strict=True))
    return cls(world, name, cls.spec.Params.from_values(values), target)


def _by_target(
    actors: dict[str, Actor], roster: Roster, kind: type[A]
) -> dict[str | None, list[A]]:
    """The actors of role `kind` by the client they target, each list by name."""
    out: dict[str | None, list[A]] = {}
    for target, names in roster.by_role[kind.spec.role].items():
        out[target] = [a for n in names if isinstance(a := actors[n], kind)]
    return out
