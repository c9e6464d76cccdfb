"""What every actor role shares: declared parameters and the Mesa agent base.

A role declares its parameters as a pydantic model (:class:`RoleParams`) whose fields carry
a default, bounds, units and a one-line meaning. The scenario loader checks YAML against
those declarations, ``wargame explain`` prints them, and a replicate receives one frozen
instance of the model with the values drawn for it. Nothing else keeps a table of them.
"""

from __future__ import annotations

from dataclasses import dataclass
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
    def from_values(cls, values: dict[str, float]) -> RoleParams:
        """Build an instance from already-checked draws, without re-validating (hot path)."""
        full = {name: info.default for name, info in cls.model_fields.items()}
        full.update(values)
        return cls.model_construct(**full)


class Actor(mesa.Agent):
    """A named actor of some role, stepping once a simulated month.

    Subclasses set ``role`` (the YAML name), ``Params`` (the declarations), ``state``
    (the names of the numeric state variables that trajectories record and injects may
    set, each in [0, 1]) and ``phase`` (roles step in ascending phase order each month).
    An actor never touches SimPy or the ledger: it asks its model.
    """

    role: ClassVar[str]
    Params: ClassVar[type[RoleParams]]
    state: ClassVar[tuple[str, ...]] = ()
    phase: ClassVar[int] = 0
    #: Whether this role acts on a client regime named by the actor's ``target``.
    has_target: ClassVar[bool] = True

    model: WargameModel

    def __init__(self, model: WargameModel, name: str, params: RoleParams, target: str | None):
        super().__init__(model)
        self.name = name
        self.params = params
        self.target = target

    def start(self) -> None:
        """Set the initial state, once every actor of the model exists."""

    def set_state(self, name: str, value: float) -> None:
        """Overwrite one state variable (used by injects)."""
        setattr(self, name, value)

    def step(self) -> None:  # pragma: no cover - every role overrides it
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"
