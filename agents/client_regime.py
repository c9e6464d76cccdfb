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
    request_propensity: float = declare(
        0.0,
        doc="chance per month, at full vulnerability, of asking the patron for the next rung "
        "(weapons, troops, exercises) on its own terms; 0 never asks",
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
    A threatened regime may also invite its patron in (``request_propensity``); either
    way, a rung that settles control is a bargain over it (:meth:`control_terms`).
    """

    role = "client_regime"
    Params = ClientRegimeParams
    state = ("vulnerability", "repression")
    phase = 1
    has_target = False
    params: ClientRegimeParams

    def start(self) -> None:
        self._feel_the_protests()

    def _feel_the_protests(self) -> None:
        strength = self.model.protest_strength_against(self.name)
        p = self.params
        self.vulnerability = clip01(p.vulnerability_base + p.protest_sensitivity * strength)
        self.repression = clip01(p.repression_propensity * strength)

    def step(self) -> None:
        self._feel_the_protests()
        p = self.params
        # Drawn only by a regime that may ask at all, so a scenario without requests
        # draws exactly the numbers it always drew.
        if p.request_propensity > 0 and self.model.uniform() < self.request_probability():
            self.model.request(self)

    def request_probability(self) -> float:
        """Chance this month of inviting the patron in: grows with vulnerability."""
        return clip01(self.params.request_propensity * self.vulnerability)

    def accept_probability(self, cost: float, support: float) -> float:
        """Chance of granting a rung of this `cost` when offered this `support`."""
        p = self.params
        net = self.vulnerability + support - p.sovereignty_resistance - cost
        return 1.0 / (1.0 + math.exp(-p.decisiveness * net))

    def control_terms(
        self, patron_insistence: float, patron_leverage: float
    ) -> tuple[float, float]:
        """(patron control, client control) chances when a rung that settles control is
        agreed; the rest is a bargain that fails over control (no rung, no delivery).

        The patron lets the regime keep control unless it insists; when it insists, the
        regime gives in unless it insists too, and the patron's leverage wears its
        insistence down: patron ``i x (1 - r)``, client ``1 - i``, failure ``i x r``,
        with ``r = control_insistence x (1 - leverage)``.
        """
        resist = self.params.control_insistence * (1.0 - patron_leverage)
        return clip01(patron_insistence * (1.0 - resist)), clip01(1.0 - patron_insistence)
