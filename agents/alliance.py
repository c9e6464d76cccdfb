"""The alliance (NATO): raises posture as foreign presence accumulates, relaxes otherwise."""

from __future__ import annotations

from agents.base import Actor
from sim.roles.alliance import SPEC, AllianceParams


def next_posture(posture: float, presence: float, alarms: int, p: AllianceParams) -> float:
    """One month: decay, then close ``min(1, response_rate x presence + rung_response x
    alarms)`` of the gap to full posture (`presence` is last month's presence share,
    `alarms` the concessions that gave the patron control last month)."""
    push = min(1.0, p.response_rate * presence + p.rung_response * alarms)
    decayed = posture * (1.0 - p.decay)
    return decayed + (1.0 - decayed) * push


class Alliance(Actor):
    """Each month, :func:`next_posture` from what it saw in its target last month."""

    spec = SPEC
    params: AllianceParams
    posture: float
    target: str

    def step(self) -> None:
        presence = self.model.presence_share_last_month(self.target)
        alarms = self.model.patron_control_gains_last_month(self.target)
        self.set_state("posture", next_posture(self.posture, presence, alarms, self.params))
