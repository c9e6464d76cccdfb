"""Actor behaviour, one role per module, found by the YAML ``role:`` name through
``ROLES``. Each role's declarations (parameters, state, phase) are in :mod:`sim.roles`;
here is what it does each month, written against the calls of
:class:`~agents.world.World`.

Adding a role is a module here with an :class:`~agents.base.Actor` subclass, one entry
below, and its declarations in ``sim/roles/``.
"""

from agents.alliance import Alliance
from agents.base import Actor
from agents.client_regime import ClientRegime
from agents.patron import Patron
from agents.protest_movement import ProtestMovement
from agents.world import World
from sim.roles import ROLE_SPECS

ROLES: dict[str, type[Actor]] = {
    cls.spec.role: cls for cls in (Patron, ClientRegime, ProtestMovement, Alliance)
}
if ROLES.keys() != ROLE_SPECS.keys():  # pragma: no cover - a guard for whoever adds a role
    raise ImportError(f"roles declared {sorted(ROLE_SPECS)} but behaving {sorted(ROLES)}")

__all__ = ["ROLES", "Actor", "Alliance", "ClientRegime", "Patron", "ProtestMovement", "World"]
