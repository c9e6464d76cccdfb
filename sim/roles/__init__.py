"""The roles a scenario may cast, declared apart from their behaviour: parameters, state,
phase and target (:class:`~sim.roles.base.RoleSpec`). ``ROLE_SPECS`` maps a YAML
``role:`` name to its declarations; ``agents.ROLES`` maps it to its behaviour, and the two
are checked to name the same roles.

Adding a role is a module here that defines ``SPEC`` (its declarations) and one in
``agents/`` that defines its :class:`~agents.base.Actor`: both are found by scanning the
packages, so no registry needs editing (docs/extending.md shows one added).
"""

import importlib
import pkgutil

from sim.roles.base import RoleParams, RoleSpec, StateVar


def _declared() -> dict[str, RoleSpec]:
    """Every module of this package with a ``SPEC``, by its role name (in name order)."""
    out: dict[str, RoleSpec] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        spec = getattr(importlib.import_module(f"{__name__}.{info.name}"), "SPEC", None)
        if isinstance(spec, RoleSpec):
            out[spec.role] = spec
    return out


ROLE_SPECS: dict[str, RoleSpec] = _declared()

__all__ = ["ROLE_SPECS", "RoleParams", "RoleSpec", "StateVar"]
