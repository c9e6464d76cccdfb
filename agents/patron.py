"""The patron (the Kremlin): demands the next concession, with leverage over its client."""

from __future__ import annotations

from agents.base import Actor, RoleParams, declare
from sim.maths.clip import clip01


class PatronParams(RoleParams):
    ambition: float = declare(
        0.7, doc="chance per month of demanding the next rung when leverage is full"
    )
    leverage_base: float = declare(0.2, doc="leverage over a client that is not vulnerable")
    leverage_from_vulnerability: float = declare(
        0.8, doc="share of the client's vulnerability that becomes leverage"
    )
    support: float = declare(
        0.2, units="pressure", doc="support offered with a demand; adds to the client's pull"
    )
    control_insistence: float = declare(
        0.7, doc="how hard the patron insists on controlling the systems it delivers"
    )
    stay_leverage_weight: float = declare(
        0.2, doc="how much leverage adds to the chance that units stay between exercises"
    )
    rotation_share: float = declare(
        0.5, doc="share of units bridging a gap that are replaced by fresh units, not kept"
    )
    alliance_deterrence: float = declare(
        0.0,
        low=-1.0,
        high=1.0,
        units="signed fraction",
        doc="effect of alliance posture on demands: positive deters, negative spurs",
    )


class Patron(Actor):
    """Each month: read leverage off the client's vulnerability, then maybe demand.

    The demand propensity is ``ambition x leverage x (1 - alliance_deterrence x posture)``,
    so a patron with no ambition never demands anything, and a scenario chooses whether
    alliance posture deters (positive) or spurs (negative) the patron.
    """

    role = "patron"
    Params = PatronParams
    state = ("leverage",)
    phase = 2
    params: PatronParams

    def start(self) -> None:
        self.leverage = self._leverage()

    def _leverage(self) -> float:
        client = self.model.actor(self.target)
        p = self.params
        return clip01(p.leverage_base + p.leverage_from_vulnerability * client.vulnerability)

    def demand_propensity(self) -> float:
        """Chance this month of pressing the client for the next rung."""
        p = self.params
        posture = self.model.alliance_posture(self.target)
        return clip01(p.ambition * self.leverage * (1.0 - p.alliance_deterrence * posture))

    def step(self) -> None:
        self.leverage = self._leverage()
        # Always draw, so that common random numbers stay aligned whatever the parameters.
        if self.model.uniform() < self.demand_propensity():
            self.model.negotiate(self, self.model.actor(self.target))
