"""Actor roles, one per module, found by their YAML ``role:`` name through ``ROLES``.

Adding a role is adding a module with an :class:`~agents.base.Actor` subclass and one
entry below.
"""

from agents.alliance import Alliance
from agents.base import Actor, RoleParams
from agents.client_regime import ClientRegime
from agents.patron import Patron
from agents.protest_movement import ProtestMovement

ROLES: dict[str, type[Actor]] = {
    cls.role: cls for cls in (Patron, ClientRegime, ProtestMovement, Alliance)
}

__all__ = ["ROLES", "Actor", "Alliance", "ClientRegime", "Patron", "ProtestMovement", "RoleParams"]
