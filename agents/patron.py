"""The patron (the Kremlin): reads its leverage off the client's dependence, chooses which
track of concessions to press, and decides whether its forces stay between exercises."""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cached_property

from agents.base import Actor
from agents.client_regime import ClientRegime, regime_of
from sim.maths.clip import clip01
from sim.roles.patron import SPEC, PatronParams


def leverage_of(dependence: float, p: PatronParams, outside: float = 0.0) -> float:
    """``(leverage_base + leverage_from_dependence x dependence) x (1 - outside)``, where
    `outside` is the client's outside option: its ``outside_option`` weight times the
    largest recent share of days a rival patron's forces were in the host (0 without a
    rival, or a client that sees none)."""
    return (p.leverage_base + p.leverage_from_dependence * dependence) * (1.0 - outside)


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

    spec = SPEC
    params: PatronParams
    leverage: float
    target: str

    @cached_property
    def regime(self) -> ClientRegime:
        """The client regime it presses (looked up once)."""
        return regime_of(self)

    def start(self) -> None:
        super().start()
        self.set_state("leverage", self.read_leverage())

    def read_leverage(self) -> float:
        """Leverage over its client now (:func:`leverage_of`), a rival's presence weighed
        by the client's outside option."""
        regime, p = self.regime, self.params
        weight = regime.params.outside_option
        rival = 0.0
        if weight > 0.0:
            window = round(p.entrenchment_window_days)
            rival = self.model.rival_presence(self.name, self.target, window)
        return leverage_of(regime.dependence_on(self.name), p, weight * rival)

    def demand_propensity(self) -> float:
        return demand_propensity(
            self.leverage, self.model.alliance_posture(self.target), self.params
        )

    def step(self) -> None:
        model, p, client = self.model, self.params, self.target
        self.set_state("leverage", self.read_leverage())
        leverage = self.leverage
        model.reconsider(self.name, client, leverage)
        # Always drawn, so that common random numbers stay aligned whatever the parameters.
        stream = self._stream or self.stream()
        u_press, u_track = stream.random(), stream.random()
        if u_press < demand_propensity(leverage, model.alliance_posture(client), p):
            track = choose_track(model.pressable(self.name, client), leverage, u_track)
            if track is not None:
                model.negotiate(self.name, client, track)
