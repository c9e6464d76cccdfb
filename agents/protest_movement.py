"""The protest movement: strength decays under fatigue and repression, with resurgences."""

from __future__ import annotations

from agents.base import Actor, RoleParams, StateVar, declare, declare_state


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

    role = "protest_movement"
    Params = ProtestMovementParams
    state = declare_state(
        StateVar(
            "strength", "the movement's strength", units="fraction of peak",
            initial="initial_strength",
        ),
    )  # fmt: skip
    phase = 0
    params: ProtestMovementParams

    def step(self) -> None:
        repression = self.client.repression
        # Both drawn every month, used or not, so common random numbers stay aligned.
        surge, size = self.uniform(), self.uniform()
        self.set_state(
            "strength", next_strength(self.strength, repression, surge, size, self.params)
        )
