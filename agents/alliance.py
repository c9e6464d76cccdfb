"""The alliance (NATO): raises posture as foreign presence accumulates, relaxes otherwise."""

from __future__ import annotations

from agents.base import Actor, RoleParams, StateVar, declare, declare_state


class AllianceParams(RoleParams):
    initial_posture: float = declare(0.2, units="fraction of surge", doc="posture at the start")
    response_rate: float = declare(
        0.3, units="per month", doc="posture gained per month of foreign presence every day"
    )
    decay: float = declare(0.1, units="per month", doc="share of posture lost each month")
    rung_response: float = declare(
        0.3, units="per concession", doc="posture gained when the patron wins control of systems"
    )


def next_posture(posture: float, presence: float, alarms: int, p: AllianceParams) -> float:
    """One month: decay, then close ``min(1, response_rate x presence + rung_response x
    alarms)`` of the gap to full posture (`presence` is last month's presence share,
    `alarms` the concessions that gave the patron control last month)."""
    push = min(1.0, p.response_rate * presence + p.rung_response * alarms)
    decayed = posture * (1.0 - p.decay)
    return decayed + (1.0 - decayed) * push


class Alliance(Actor):
    """Each month, :func:`next_posture` from what it saw in its target last month."""

    role = "alliance"
    Params = AllianceParams
    state = declare_state(
        StateVar(
            "posture", "the alliance's military posture", units="fraction of surge",
            initial="initial_posture",
        ),
    )  # fmt: skip
    phase = 3
    params: AllianceParams

    def step(self) -> None:
        presence = self.model.presence_share_last_month(self.target)
        alarms = self.model.patron_control_gains_last_month(self.target)
        self.set_state("posture", next_posture(self.posture, presence, alarms, self.params))
