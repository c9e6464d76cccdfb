"""The protest movement role, declared: its parameters and its state (strength); it
steps first each month.

Its behaviour is in ``agents/protest_movement.py``.
"""

from __future__ import annotations

from sim.roles.base import RoleParams, RoleSpec, StateVar, declare, declare_state


class ProtestMovementParams(RoleParams):
    initial_strength: float = declare(
        0.7, units="fraction of peak", doc="strength at the scenario start"
    )
    fatigue: float = declare(0.08, units="per month", doc="share of strength lost to fatigue")
    repression_effect: float = declare(
        0.3, units="per month", doc="share of strength lost per unit of repression"
    )
    resurgence_probability: float = declare(
        0.1, units="per month", doc="chance of a resurgence in a month"
    )
    resurgence_size: float = declare(
        0.3,
        units="fraction of headroom",
        doc="largest share of lost strength a resurgence restores",
    )
    presence_pressure: float = declare(
        0.5,
        units="weight",
        doc="for a movement that opposes a patron's presence (opposes:): how much of its "
        "strength lowers the drive of the regime's dependence on that patron (hosting it "
        "costs the regime at home)",
        opposing=True,
    )


SPEC = RoleSpec(
    role="protest_movement",
    Params=ProtestMovementParams,
    state=declare_state(
        StateVar(
            "strength",
            "the movement's strength",
            units="fraction of peak",
            initial="initial_strength",
        ),
    ),
    phase=0,
    has_target=True,
    doc=("the protest movement: strength decays under fatigue and repression, with resurgences"),
)
