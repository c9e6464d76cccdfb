"""What every actor shares: a role's declarations made alive as a Mesa agent.

An actor is a named Mesa agent of one role (its :class:`~sim.roles.base.RoleSpec`: the
parameters it draws, the state it keeps, where it steps in the month). It never touches
SimPy or the ledger: it asks its :class:`~agents.world.World`, and draws its random
numbers from its own stream (:meth:`uniform`), so a draw added in one role never shifts
another's. Every update of its state goes through :meth:`set_state`, which keeps a value
inside its declared bounds.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, ClassVar

import mesa

from agents.world import Member, Stream, World
from sim.roles.base import ParamValues, RoleSpec


class Actor(mesa.Agent):
    """A named actor of some role, stepping once a simulated month.

    Subclasses set ``spec`` (the role's declarations) and write :meth:`step`.
    """

    spec: ClassVar[RoleSpec]
    #: State beyond the declared numbers (a mapping of numbers each), kept by
    #: :meth:`snapshot` like the declared state.
    KEPT: ClassVar[tuple[str, ...]] = ()
    _bounds: ClassVar[dict[str, tuple[float, float]]] = {}
    model: World

    def __init__(self, world: World, name: str, params: ParamValues, target: str | None):
        super().__init__(world)
        self.name = name
        self.params: Any = params  # the role's ParamValues, read as attributes
        self.target = target
        self._stream: Stream | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "spec" in cls.__dict__:
            cls._bounds = cls.spec.bounds

    @cached_property
    def client(self) -> Member:
        """The client regime this actor acts on (looked up once)."""
        return self.model.actor(self.target or self.name)

    def uniform(self) -> float:
        """The next U(0, 1) draw of this actor's own stream."""
        return (self._stream or self.stream()).random()

    def stream(self) -> Stream:
        """This actor's own stream (``actor:<name>``), made on first use."""
        if self._stream is None:
            self._stream = self.model.stream(f"actor:{self.name}")
        return self._stream

    def start(self) -> None:
        """Set the initial state, once every actor of the model exists: each declared
        variable with an ``initial`` parameter takes that parameter's value."""
        for var in self.spec.state.values():
            if var.initial is not None:
                self.set_state(var.name, getattr(self.params, var.initial))

    def settle(self) -> None:
        """Compute the state that depends on other actors' initial state (called once every
        actor has :meth:`start`-ed, roles in phase order)."""

    def set_state(self, name: str, value: float) -> None:
        """Set one declared state variable, kept inside its declared bounds."""
        low, high = self._bounds[name]
        setattr(self, name, low if value < low else high if value > high else value)

    def inject_state(self, name: str, value: float) -> None:
        """Set one declared state variable by a dated act (an inject), kept inside its
        declared bounds: :meth:`set_state`, unless a role keeps more that follows it."""
        self.set_state(name, value)

    def snapshot(self) -> dict[str, Any]:
        """The declared state and the current parameters, as plain values."""
        snap = {
            "state": {name: float(getattr(self, name)) for name in self.spec.state},
            "params": dict(self.params.__dict__),
        }
        for name in self.KEPT:
            snap[name] = {k: float(v) for k, v in getattr(self, name).items()}
        return snap

    def restore(self, snap: dict[str, Any]) -> None:
        """Take up the state and parameters :meth:`snapshot` recorded."""
        self.params = type(self.params).from_values(snap["params"])
        for var, value in snap["state"].items():
            setattr(self, var, value)
        for name in self.KEPT:
            setattr(self, name, dict(snap[name]))

    def step(self) -> None:  # pragma: no cover - every role overrides it
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"
