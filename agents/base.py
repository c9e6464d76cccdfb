"""What every actor role shares: declared parameters, declared state and the Mesa agent base.

A role declares its **parameters** as a pydantic model (:class:`RoleParams`) whose fields
carry a default, bounds, units and a one-line meaning. The scenario loader checks YAML
against those declarations, ``wargame explain`` prints them, and a replicate receives one
frozen instance of the model with the values drawn for it.

A role declares its **state** the same way (:class:`StateVar`: bounds, units, meaning, and
the parameter that sets its value on the start date, if one does). Trajectories record the
declared variables, injects may set them (checked against the bounds), a replicate's
snapshot captures them, and every update goes through :meth:`Actor.set_state`, which keeps
a value inside its declared bounds. Nothing else keeps a table of either.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, ClassVar

import mesa
from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from sim.engine.model import WargameModel


def declare(
    default: float, *, low: float = 0.0, high: float = 1.0, units: str = "probability", doc: str
) -> Any:
    """Declare one role parameter: its default, closed bounds, units and meaning."""
    return Field(default, ge=low, le=high, description=doc, json_schema_extra={"units": units})


@dataclass(frozen=True)
class Declaration:
    """A parameter's declaration, read back from a role's params model."""

    name: str
    default: float
    low: float
    high: float
    units: str
    doc: str


class RoleParams(BaseModel):
    """Base for a role's parameter model. Subclasses declare fields with :func:`declare`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @classmethod
    def declarations(cls) -> dict[str, Declaration]:
        """Every declared parameter by name, in declaration order."""
        out = {}
        for name, info in cls.model_fields.items():
            bounds = {type(m).__name__: m for m in info.metadata}
            extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
            out[name] = Declaration(
                name=name,
                default=float(info.default),
                low=float(bounds["Ge"].ge),
                high=float(bounds["Le"].le),
                units=str(extra.get("units", "")),
                doc=info.description or "",
            )
        return out

    @classmethod
    def from_values(cls, values: dict[str, float]) -> ParamValues:
        """One replicate's values of these parameters (defaults for the missing ones), as
        plain attributes: already checked when the scenario loaded, and read in every
        monthly step, where a pydantic model's attribute costs several times a plain
        one's (:class:`ParamValues`)."""
        return _values_type(cls).from_values(values)


class ParamValues(SimpleNamespace):
    """A replicate's drawn parameter values of one role, read as attributes. ``declared``
    is the role's :class:`RoleParams` model, which declares them."""

    declared: ClassVar[type[RoleParams]]
    defaults: ClassVar[dict[str, Any]]

    @classmethod
    def from_values(cls, values: dict[str, float]) -> ParamValues:
        return cls(**{**cls.defaults, **values})


_VALUE_TYPES: dict[type, type[ParamValues]] = {}


def _values_type(model: type[RoleParams]) -> type[ParamValues]:
    """The plain-values class of a role's parameter model (made once)."""
    made = _VALUE_TYPES.get(model)
    if made is None:
        defaults = {n: f.default for n, f in model.model_fields.items()}
        made = type(
            f"{model.__name__}Values", (ParamValues,), {"declared": model, "defaults": defaults}
        )
        _VALUE_TYPES[model] = made
    return made


@dataclass(frozen=True)
class StateVar:
    """One declared state variable of a role."""

    name: str
    doc: str
    low: float = 0.0
    high: float = 1.0
    units: str = "level (0-1)"
    #: The parameter whose drawn value is the variable's value on the start date (None:
    #: the role computes it in :meth:`Actor.start`).
    initial: str | None = None
    #: Whether the variable only takes whole values (trajectory bands count each value).
    integer: bool = False


def declare_state(*variables: StateVar) -> dict[str, StateVar]:
    """A role's state declarations by name, in declaration order."""
    return {v.name: v for v in variables}


class Actor(mesa.Agent):
    """A named actor of some role, stepping once a simulated month.

    Subclasses set ``role`` (the YAML name), ``Params`` (the parameter declarations),
    ``state`` (the state declarations, :func:`declare_state`) and ``phase`` (roles step in
    ascending phase order each month). An actor never touches SimPy or the ledger: it asks
    its model, and draws its random numbers from its own stream (:meth:`uniform`), so a
    draw added in one role never shifts another's.
    """

    role: ClassVar[str]
    Params: ClassVar[type[RoleParams]]
    state: ClassVar[dict[str, StateVar]] = {}
    phase: ClassVar[int] = 0
    _bounds: ClassVar[dict[str, tuple[float, float]]] = {}
    #: Whether this role acts on a client regime named by the actor's ``target``.
    has_target: ClassVar[bool] = True

    model: WargameModel

    def __init__(self, model: WargameModel, name: str, params: RoleParams, target: str | None):
        super().__init__(model)
        self.name = name
        self.params = params
        self.target = target
        self._stream: Any = None

    @cached_property
    def client(self) -> Actor:
        """The client regime this actor acts on (looked up once)."""
        return self.model.actor(self.target)

    def uniform(self) -> float:
        """The next U(0, 1) draw of this actor's own stream."""
        return (self._stream or self.stream()).random()

    def stream(self) -> Any:
        """This actor's own stream (``actor:<name>``), made on first use."""
        if self._stream is None:
            self._stream = self.model.stream(f"actor:{self.name}")
        return self._stream

    def start(self) -> None:
        """Set the initial state, once every actor of the model exists: each declared
        variable with an ``initial`` parameter takes that parameter's value."""
        for var in self.state.values():
            if var.initial is not None:
                self.set_state(var.name, getattr(self.params, var.initial))

    def settle(self) -> None:
        """Compute the state that depends on other actors' initial state (called once every
        actor has :meth:`start`-ed, roles in phase order)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._bounds = {v.name: (v.low, v.high) for v in cls.state.values()}

    def set_state(self, name: str, value: float) -> None:
        """Set one declared state variable, kept inside its declared bounds."""
        low, high = self._bounds[name]
        setattr(self, name, low if value < low else high if value > high else value)

    def snapshot(self) -> dict[str, float]:
        """The declared state as plain values."""
        return {name: float(getattr(self, name)) for name in self.state}

    def step(self) -> None:  # pragma: no cover - every role overrides it
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"
