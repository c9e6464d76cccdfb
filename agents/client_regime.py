"""The client regime (Lukashenko): vulnerable to protest, resists giving up sovereignty."""

from __future__ import annotations

import math

from agents.base import Actor, RoleParams, declare
from sim.maths.clip import clip01


class ClientRegimeParams(RoleParams):
    sovereignty_resistance: float = declare(
        0.7, units="pressure", doc="resistance to concessions that cost sovereignty"
    )
    vulnerability_base: float = declare(0.1, doc="vulnerability with no protest at all")
    protest_sensitivity: float = declare(0.7, doc="vulnerability added by protest at full strength")
    repression_propensity: float = declare(
        0.5, doc="repression applied per unit of protest strength"
    )
    control_insistence: float = declare(
        0.6, doc="how hard the regime insists on controlling delivered systems"
    )
    decisiveness: float = declare(
        6.0,
        low=0.5,
        high=30.0,
        units="1/pressure",
        doc="slope of the acceptance curve: how sharply net pressure turns into a yes",
    )


class ClientRegime(Actor):
    """Each month: feel the protests (vulnerability) and answer them (repression).

    When a patron demands a rung, the regime accepts with probability
    ``logistic(decisiveness x (vulnerability + support - sovereignty_resistance - cost))``:
    rising with vulnerability and support, falling with resistance and the rung's cost.
    """

    role = "client_regime"
    Params = ClientRegimeParams
    state = ("vulnerability", "repression")
    phase = 1
    has_target = False
    params: ClientRegimeParams

    def start(self) -> None:
        self.step()

    def step(self) -> None:
        strength = self.model.protest_strength_against(self.name)
        p = self.params
        self.vulnerability = clip01(p.vulnerability_base + p.protest_sensitivity * strength)
        self.repression = clip01(p.repression_propensity * strength)

    def accept_probability(self, cost: float, support: float) -> float:
        """Chance of granting a rung of this `cost` when offered this `support`."""
        p = self.params
        net = self.vulnerability + support - p.sovereignty_resistance - cost
        return 1.0 / (1.0 + math.exp(-p.decisiveness * net))

    def concedes_control_probability(self, patron_insistence: float) -> float:
        """Chance that the patron, not the regime, controls a system settled now.

        The patron's insistence wins unless the regime insists too; a vulnerable regime
        has less room to insist.
        """
        resist = self.params.control_insistence * (1.0 - self.vulnerability)
        return clip01(patron_insistence * (1.0 - resist))
