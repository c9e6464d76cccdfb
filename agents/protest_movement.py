"""The protest movement: strength decays under fatigue and repression, with resurgences."""

from __future__ import annotations

from functools import cached_property

from agents.base import Actor
from agents.client_regime import ClientRegime, regime_of
from sim.roles.protest_movement import SPEC, ProtestMovementParams


def next_strength(
    strength: float, repression: float, surge: float, size: float, p: ProtestMovementParams
) -> float:
    """One month: ``strength x (1 - fatigue) x (1 - repression_effect x repression)``,
    then, when the draw `surge` falls below the resurgence probability, a resurgence
    restores ``resurgence_size x size`` of the headroom (`size` a second draw)."""
    out = strength * (1.0 - p.fatigue) * (1.0 - p.repression_effect * repression)
    if surge < p.resurgence_probability:
        out += p.resurgence_size * size * (1.0 - out)
    return out


class ProtestMovement(Actor):
    """Each month, :func:`next_strength` against its target regime's repression."""

    spec = SPEC
    params: ProtestMovementParams
    strength: float

    @cached_property
    def regime(self) -> ClientRegime:
        """The client regime it protests against (looked up once)."""
        return regime_of(self)

    def step(self) -> None:
        repression = self.regime.repression
        # Both drawn every month, used or not, so common random numbers stay aligned.
        surge, size = self.uniform(), self.uniform()
        self.set_state(
            "strength", next_strength(self.strength, repression, surge, size, self.params)
        )
