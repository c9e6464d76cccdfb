"""What a role declares: its parameters, its state and where it stands in the month.

A role declares its **parameters** as a pydantic model (:class:`RoleParams`) whose fields
carry a default, bounds, units and a one-line meaning. The scenario loader checks YAML
against those declarations, ``wargame explain`` prints them, and a replicate receives one
instance of the values drawn for it (:class:`ParamValues`).

A role declares its **state** the same way (:class:`StateVar`: bounds, units, meaning, and
the parameter that sets its value on the start date, if one does). Trajectories record the
declared variables, injects may set them (checked against the bounds), a replicate's
snapshot captures them, and every update keeps a value inside its declared bounds.

A :class:`RoleSpec` gathers a role's declarations. Nothing here runs a model: the
behaviour of each role is in ``agents/``, and this package imports neither Mesa nor
SimPy, so reading and checking a scenario never needs them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field


def declare(
    default: float,
    *,
    low: float = 0.0,
    high: float = 1.0,
    units: str = "probability",
    doc: str,
    rivals: bool = False,
    opposing: bool = False,
) -> Any:
    """Declare one role parameter: its default, closed bounds, units and meaning; with
    `rivals`, a parameter that acts only where several patrons court one client (a
    scenario with one patron leaves it out of its parameter table, at its default); with
    `opposing`, one that acts only for a movement that opposes a patron (``opposes:``)."""
    extra: dict[str, Any] = {"units": units}
    if rivals:
        extra["rivals"] = True
    if opposing:
        extra["opposing"] = True
    return Field(default, ge=low, le=high, description=doc, json_schema_extra=extra)


@dataclass(frozen=True)
class Declaration:
    """A parameter's declaration, read back from a role's params model."""

    name: str
    default: float
    low: float
    high: float
    units: str
    doc: str
    rivals: bool = False  # acts only where several patrons court one client
    opposing: bool = False  # acts only for a movement that opposes a patron


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
                rivals=bool(extra.get("rivals", False)),
                opposing=bool(extra.get("opposing", False)),
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
    #: the role computes it when it starts).
    initial: str | None = None
    #: Whether the variable only takes whole values (trajectory bands count each value).
    integer: bool = False


def declare_state(*variables: StateVar) -> dict[str, StateVar]:
    """A role's state declarations by name, in declaration order."""
    return {v.name: v for v in variables}


@dataclass(frozen=True)
class RoleSpec:
    """Everything a scenario, a plan or a table needs to know of a role, without running
    it: its YAML name, its parameters and state, where it steps in the month, and which
    client it acts on."""

    role: str
    Params: type[RoleParams]
    state: dict[str, StateVar] = field(default_factory=dict)
    #: Roles step each month in ascending phase order (actors of one role by name).
    phase: int = 0
    #: Whether the role acts on a client regime named by the actor's ``target``.
    has_target: bool = True
    doc: str = ""

    @property
    def bounds(self) -> dict[str, tuple[float, float]]:
        """Each state variable's closed range."""
        return {v.name: (v.low, v.high) for v in self.state.values()}
