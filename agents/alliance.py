"""The alliance (NATO): raises posture as foreign presence accumulates, relaxes otherwise."""

from __future__ import annotations

from agents.base import Actor, RoleParams, declare
from sim.maths.clip import clip01


class AllianceParams(RoleParams):
    initial_posture: float = declare(0.2, units="fraction of surge", doc="posture at the start")
    response_rate: float = declare(
        0.3, units="per month", doc="posture gained per month of foreign presence every day"
    )
    decay: float = declare(0.1, units="per month", doc="share of posture lost each month")
    rung_response: float = declare(
        0.3, units="per concession", doc="posture gained when the patron wins control of systems"
    )


class Alliance(Actor):
    """Each month: decay, then close part of the gap to full posture in proportion to
    last month's presence share and to new patron-controlled concessions."""

    role = "alliance"
    Params = AllianceParams
    state = ("posture",)
    phase = 3
    params: AllianceParams

    def start(self) -> None:
        self.posture = self.params.initial_posture

    def step(self) -> None:
        p = self.params
        presence = self.model.presence_share_last_month(self.target)
        alarms = self.model.patron_control_gains_last_month(self.target)
        push = min(1.0, p.response_rate * presence + p.rung_response * alarms)
        posture = self.posture * (1.0 - p.decay)
        self.posture = clip01(posture + (1.0 - posture) * push)
