"""Actor behaviour, one role per module, found by the YAML ``role:`` name through
``ROLES``. Each role's declarations (parameters, state, phase) are in :mod:`sim.roles`;
here is what it does each month, written against the calls of
:class:`~agents.world.World`.

Adding a role is a module here with an :class:`~agents.base.Actor` subclass (its ``spec``
the role's declarations) and its declarations in ``sim/roles/``; both are found by
scanning the packages.
"""

import importlib
import pkgutil

from agents.alliance import Alliance
from agents.base import Actor
from agents.client_regime import ClientRegime
from agents.patron import Patron
from agents.protest_movement import ProtestMovement
from agents.world import World
from sim.roles import ROLE_SPECS


def _behaving() -> dict[str, type[Actor]]:
    """Every Actor subclass with a ``spec`` defined in a module of this package, by role."""
    out: dict[str, type[Actor]] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for value in vars(module).values():
            mine = isinstance(value, type) and value.__module__ == module.__name__
            if mine and issubclass(value, Actor) and "spec" in value.__dict__:
                out[value.spec.role] = value
    return out


ROLES: dict[str, type[Actor]] = _behaving()
if ROLES.keys() != ROLE_SPECS.keys():  # pragma: no cover - a guard for whoever adds a role
    raise ImportError(f"roles declared {sorted(ROLE_SPECS)} but behaving {sorted(ROLES)}")

__all__ = ["ROLES", "Actor", "Alliance", "ClientRegime", "Patron", "ProtestMovement", "World"]
