"""The patron role (the Kremlin), declared: its parameters, its state (leverage) and its
place in the month (after the client regime, before the alliance).

Its behaviour is in ``agents/patron.py``.
"""

from __future__ import annotations

from sim.roles.base import RoleParams, RoleSpec, StateVar, declare, declare_state


class PatronParams(RoleParams):
    ambition: float = declare(
        0.7, doc="chance per month of demanding the next rung when leverage is full"
    )
    leverage_base: float = declare(0.2, doc="leverage over a client that is not dependent")
    leverage_from_dependence: float = declare(
        0.8, doc="share of the client's dependence that becomes leverage"
    )
    support: float = declare(
        0.2, units="pressure", doc="support offered with a demand; adds to the client's pull"
    )
    control_insistence: float = declare(
        0.7, doc="how hard the patron insists on controlling the systems it delivers"
    )
    stay_leverage_weight: float = declare(
        0.2, doc="how much leverage adds to the chance that forces stay between exercises"
    )
    stay_entrenchment_weight: float = declare(
        0.0,
        doc="how much entrenchment (the share of recent days with forces present) adds to the "
        "chance that forces stay between exercises: garrisons, habits, infrastructure",
    )
    entrenchment_window_days: float = declare(
        90.0,
        low=1.0,
        high=3650.0,
        units="days",
        doc="the recent days over which entrenchment is measured",
    )
    rotation_share: float = declare(
        0.5, doc="share of gaps bridged by fresh units replacing the ones present, not kept"
    )
    alliance_deterrence: float = declare(
        0.0,
        low=-1.0,
        high=1.0,
        units="signed fraction",
        doc="effect of alliance posture on demands: positive deters, negative spurs",
    )


SPEC = RoleSpec(
    role="patron",
    Params=PatronParams,
    state=declare_state(StateVar("leverage", "leverage over its client")),
    phase=2,
    has_target=True,
    doc=(
        "the foreign power: reads its leverage off its client's dependence, presses "
        "concessions, decides whether its forces stay between exercises"
    ),
)
