"""The alliance role (NATO), declared: its parameters and its state (posture); it steps
last each month.

Its behaviour is in ``agents/alliance.py``.
"""

from __future__ import annotations

from sim.roles.base import RoleParams, RoleSpec, StateVar, declare, declare_state


class AllianceParams(RoleParams):
    initial_posture: float = declare(0.2, units="fraction of surge", doc="posture at the start")
    response_rate: float = declare(
        0.3, units="per month", doc="posture gained per month of foreign presence every day"
    )
    decay: float = declare(0.1, units="per month", doc="share of posture lost each month")
    rung_response: float = declare(
        0.3, units="per concession", doc="posture gained when the patron wins control of systems"
    )


SPEC = RoleSpec(
    role="alliance",
    Params=AllianceParams,
    state=declare_state(
        StateVar(
            "posture",
            "the alliance's military posture",
            units="fraction of surge",
            initial="initial_posture",
        ),
    ),
    phase=3,
    has_target=True,
    doc=("the alliance: raises posture as foreign presence accumulates, relaxes otherwise"),
)
