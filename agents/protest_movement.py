"""The protest movement: strength decays under fatigue and repression, with resurgences."""

from __future__ import annotations

from agents.base import Actor, RoleParams, declare
from sim.maths.clip import clip01


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


class ProtestMovement(Actor):
    """Each month: ``strength x (1 - fatigue) x (1 - repression_effect x repression)``,
    then with some chance a resurgence restores a random share of the headroom."""

    role = "protest_movement"
    Params = ProtestMovementParams
    state = ("strength",)
    phase = 0
    params: ProtestMovementParams

    def start(self) -> None:
        self.strength = self.params.initial_strength

    def step(self) -> None:
        p = self.params
        repression = self.model.actor(self.target).repression
        strength = self.strength * (1.0 - p.fatigue) * (1.0 - p.repression_effect * repression)
        # Both drawn every month, used or not, so common random numbers stay aligned.
        surge, size = self.model.uniform(), self.model.uniform()
        if surge < p.resurgence_probability:
            strength += p.resurgence_size * size * (1.0 - strength)
        self.strength = clip01(strength)
