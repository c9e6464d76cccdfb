"""The patron (the Kremlin): reads its leverage off the client's dependence, chooses which
track of concessions to press, and decides whether its forces stay between exercises."""

from __future__ import annotations

import math
from collections.abc import Sequence

from agents.base import Actor, RoleParams, StateVar, declare, declare_state
from sim.maths.clip import clip01


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


def leverage_of(dependence: float, p: PatronParams) -> float:
    """``leverage_base + leverage_from_dependence x dependence``."""
    return p.leverage_base + p.leverage_from_dependence * dependence


def demand_propensity(leverage: float, posture: float, p: PatronParams) -> float:
    """Chance this month of pressing the client:
    ``ambition x leverage x (1 - alliance_deterrence x posture)``."""
    return clip01(p.ambition * leverage * (1.0 - p.alliance_deterrence * posture))


def track_weights(options: Sequence[tuple[str, float, float]], leverage: float) -> list[float]:
    """How much the patron wants to press each track, from ``(track, priority, cost of its
    next rung)``: ``priority x exp(-cost / leverage)``. Leverage is how much cost the
    patron thinks it can ask for: a rung's pull falls by e for each unit of cost per unit
    of leverage, so a patron with little leverage asks for cheap rungs and one with much
    leverage presses where its priorities lie."""
    if leverage <= 0.0:
        return [0.0 for _ in options]
    return [priority * math.exp(-cost / leverage) for _, priority, cost in options]


def choose_track(
    options: Sequence[tuple[str, float, float]], leverage: float, u: float
) -> str | None:
    """The track pressed, drawn by :func:`track_weights` with the uniform `u` (None when no
    track has any pull)."""
    weights = track_weights(options, leverage)
    total = sum(weights)
    if total <= 0.0:
        return None
    cut, acc = u * total, 0.0
    for (name, _, _), w in zip(options, weights, strict=True):
        acc += w
        if cut < acc:
            return name
    return options[-1][0]


class Patron(Actor):
    """Each month: read leverage off the client's dependence, let the concessions it holds
    be reconsidered (a rung may be lost: :func:`sim.engine.bargaining.reversal_hazard`),
    then press with :func:`demand_propensity` on a track chosen by :func:`choose_track`."""

    role = "patron"
    Params = PatronParams
    state = declare_state(StateVar("leverage", "leverage over its client"))
    phase = 2
    params: PatronParams

    def start(self) -> None:
        super().start()
        self.set_state(
            "leverage", leverage_of(self.model.actor(self.target).dependence, self.params)
        )

    def demand_propensity(self) -> float:
        return demand_propensity(
            self.leverage, self.model.alliance_posture(self.target), self.params
        )

    def step(self) -> None:
        model, client, p = self.model, self.client, self.params
        self.set_state("leverage", leverage_of(client.dependence, p))
        model.reconsider(self)
        # Always drawn, so that common random numbers stay aligned whatever the parameters.
        stream = self._stream or self.stream()
        u_press, u_track = stream.random(), stream.random()
        leverage = self.leverage
        if u_press < demand_propensity(leverage, model.alliance_posture(self.target), p):
            track = choose_track(model.pressable(self), leverage, u_track)
            if track is not None:
                model.negotiate(self, client, track)
