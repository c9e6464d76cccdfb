"""The roles a scenario may cast, declared apart from their behaviour: parameters, state,
phase and target (:class:`~sim.roles.base.RoleSpec`). ``ROLE_SPECS`` maps a YAML
``role:`` name to its declarations; ``agents.ROLES`` maps it to its behaviour, and the two
are checked to name the same roles.

Adding a role is a module here (its declarations) and one in ``agents/`` (its behaviour),
each with one line in its registry.
"""

from sim.roles import alliance, client_regime, patron, protest_movement
from sim.roles.base import RoleParams, RoleSpec, StateVar

ROLE_SPECS: dict[str, RoleSpec] = {
    m.SPEC.role: m.SPEC for m in (patron, client_regime, protest_movement, alliance)
}

__all__ = ["ROLE_SPECS", "RoleParams", "RoleSpec", "StateVar"]
