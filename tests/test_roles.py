"""Each role's documented rule, tested on its own: one step on hand-set state against a
result worked out by hand, and a directional property for every parameter whose
docstring states a direction.

The fidelity digests catch any change to what a replicate does but cannot tell right from
wrong; these tests can. The world around an actor is a stub model that answers its
questions with fixed numbers and hands out scripted uniforms.
"""

from __future__ import annotations

import math

import mesa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agents.alliance import Alliance, AllianceParams
from agents.client_regime import ClientRegime, ClientRegimeParams
from agents.patron import Patron, PatronParams
from agents.protest_movement import ProtestMovement, ProtestMovementParams

unit = st.floats(0.0, 1.0)


class World(mesa.Model):
    """What an actor may ask its model, answered with fixed numbers."""

    def __init__(self, uniforms=(), **answers):
        super().__init__(rng=0)
        self.uniforms = list(uniforms)
        self.answers = answers
        self.actors: dict[str, object] = {}
        self.negotiations: list[tuple[str, str]] = []

    def uniform(self) -> float:
        return self.uniforms.pop(0)

    def actor(self, name):
        return self.actors[name]

    def protest_strength_against(self, name):
        return self.answers["strength"]

    def alliance_posture(self, name):
        return self.answers.get("posture", 0.0)

    def presence_share_last_month(self, name):
        return self.answers["presence"]

    def patron_control_gains_last_month(self, name):
        return self.answers["alarms"]

    def negotiate(self, patron, client):
        self.negotiations.append((patron.name, client.name))


def client(world: World, vulnerability: float = 0.45, repression: float = 0.4, **params):
    c = ClientRegime(world, "client", ClientRegimeParams(**params), None)
    c.vulnerability, c.repression = vulnerability, repression
    world.actors["client"] = c
    return c


def protest_step(strength, uniforms, repression=0.4, **params):
    world = World(uniforms)
    client(world, repression=repression)
    movement = ProtestMovement(world, "crowd", ProtestMovementParams(**params), "client")
    movement.strength = strength
    movement.step()
    return movement.strength


# ----------------------------------------------------------------------- protest movement


def test_protest_decays_under_fatigue_and_repression():
    # 0.6 x (1 - 0.1) x (1 - 0.5 x 0.4) = 0.432; the surge draw 0.5 is above 0.1
    got = protest_step(0.6, [0.5, 0.9], fatigue=0.1, repression_effect=0.5)
    assert got == pytest.approx(0.432)


def test_a_resurgence_restores_part_of_the_headroom():
    # 0.432 + 0.4 x 0.5 x (1 - 0.432) = 0.5456
    got = protest_step(
        0.6,
        [0.05, 0.5],
        fatigue=0.1,
        repression_effect=0.5,
        resurgence_probability=0.1,
        resurgence_size=0.4,
    )
    assert got == pytest.approx(0.5456)


@settings(max_examples=200, deadline=None)
@given(unit, unit, unit, unit, unit)
def test_more_fatigue_never_raises_strength(strength, f1, f2, surge, size):
    low, high = sorted((f1, f2))
    assert (
        protest_step(strength, [surge, size], fatigue=high)
        <= protest_step(strength, [surge, size], fatigue=low) + 1e-12
    )


@settings(max_examples=200, deadline=None)
@given(unit, unit, unit, unit, unit)
def test_more_repression_effect_never_raises_strength(strength, e1, e2, surge, size):
    low, high = sorted((e1, e2))
    assert (
        protest_step(strength, [surge, size], repression_effect=high)
        <= protest_step(strength, [surge, size], repression_effect=low) + 1e-12
    )


# ----------------------------------------------------------------------- client regime


def test_vulnerability_and_repression_follow_the_protests():
    world = World(strength=0.5)
    c = client(world, vulnerability_base=0.1, protest_sensitivity=0.7, repression_propensity=0.6)
    c.step()
    assert c.vulnerability == pytest.approx(0.45)  # 0.1 + 0.7 x 0.5
    assert c.repression == pytest.approx(0.3)  # 0.6 x 0.5


def test_acceptance_is_the_logistic_of_net_pressure():
    c = client(World(), vulnerability=0.45, sovereignty_resistance=0.7, decisiveness=6.0)
    # net = 0.45 + 0.2 - 0.7 - 0.1 = -0.15; 1 / (1 + e^0.9) = 0.28905
    assert c.accept_probability(cost=0.1, support=0.2) == pytest.approx(1 / (1 + math.exp(0.9)))


def test_control_is_a_bargain_that_can_fail():
    c = client(World(), control_insistence=0.6)
    # the regime resists 0.6 x (1 - 0.56) = 0.264; the patron wins 0.8 x (1 - 0.264) =
    # 0.5888, yields 1 - 0.8 = 0.2, and the bargain fails in the rest, 0.2112
    p_patron, p_client = c.control_terms(0.8, 0.56)
    assert (p_patron, p_client) == pytest.approx((0.5888, 0.2))
    assert 1 - p_patron - p_client == pytest.approx(0.2112)


def test_a_regime_that_does_not_insist_never_breaks_the_bargain():
    p_patron, p_client = client(World(), control_insistence=0.0).control_terms(0.8, 0.1)
    assert p_patron + p_client == pytest.approx(1.0)


@settings(max_examples=200, deadline=None)
@given(unit, unit, unit, unit, unit)
def test_more_support_never_lowers_acceptance(vulnerability, resistance, cost, s1, s2):
    c = client(World(), vulnerability=vulnerability, sovereignty_resistance=resistance)
    low, high = sorted((s1, s2))
    assert c.accept_probability(cost, high) >= c.accept_probability(cost, low)


@settings(max_examples=200, deadline=None)
@given(unit, unit, unit, unit, unit)
def test_more_resistance_or_cost_never_raises_acceptance(vulnerability, support, cost, r1, r2):
    low, high = sorted((r1, r2))
    easy = client(World(), vulnerability=vulnerability, sovereignty_resistance=low)
    hard = client(World(), vulnerability=vulnerability, sovereignty_resistance=high)
    assert hard.accept_probability(cost, support) <= easy.accept_probability(cost, support)
    assert easy.accept_probability(max(cost, 0.5), support) <= easy.accept_probability(
        min(cost, 0.5), support
    )


@settings(max_examples=200, deadline=None)
@given(unit, unit, unit, unit)
def test_control_settles_toward_the_side_with_more_leverage_or_insistence(insist, lev, a, b):
    low, high = sorted((a, b))
    c = client(World(), control_insistence=0.5)
    # more patron leverage never lowers the patron's share, nor raises a failure
    assert c.control_terms(insist, high)[0] >= c.control_terms(insist, low)[0]
    firm = client(World(), control_insistence=high)
    soft = client(World(), control_insistence=low)
    # a regime that insists more never raises the patron's share
    assert firm.control_terms(insist, lev)[0] <= soft.control_terms(insist, lev)[0]


def test_a_regime_asks_with_a_propensity_that_grows_with_vulnerability():
    world = World()
    low = client(world, vulnerability=0.2, request_propensity=0.5).request_probability()
    high = client(world, vulnerability=0.8, request_propensity=0.5).request_probability()
    assert (low, high) == pytest.approx((0.1, 0.4))


# ----------------------------------------------------------------------- patron


def patron(world: World, **params) -> Patron:
    p = Patron(world, "kremlin", PatronParams(**params), "client")
    world.actors["kremlin"] = p
    return p


def test_leverage_and_demand_propensity_by_hand():
    world = World(uniforms=[0.3], posture=0.4)
    client(world, vulnerability=0.45)
    p = patron(
        world,
        ambition=0.7,
        leverage_base=0.2,
        leverage_from_vulnerability=0.8,
        alliance_deterrence=0.5,
    )
    p.step()
    assert p.leverage == pytest.approx(0.56)  # 0.2 + 0.8 x 0.45
    assert p.demand_propensity() == pytest.approx(0.3136)  # 0.7 x 0.56 x (1 - 0.5 x 0.4)
    assert world.negotiations == [("kremlin", "client")]  # drew 0.3 < 0.3136


def test_a_draw_above_the_propensity_demands_nothing():
    world = World(uniforms=[0.32], posture=0.4)
    client(world, vulnerability=0.45)
    patron(
        world,
        ambition=0.7,
        leverage_base=0.2,
        leverage_from_vulnerability=0.8,
        alliance_deterrence=0.5,
    ).step()
    assert world.negotiations == []


@settings(max_examples=200, deadline=None)
@given(unit, unit, unit, unit)
def test_more_vulnerability_never_lowers_leverage(v1, v2, base, share):
    low, high = sorted((v1, v2))
    out = []
    for v in (low, high):
        world = World(uniforms=[1.0])
        client(world, vulnerability=v)
        p = patron(world, leverage_base=base, leverage_from_vulnerability=share)
        p.step()
        out.append(p.leverage)
    assert out[1] >= out[0]


@settings(max_examples=200, deadline=None)
@given(unit, unit, unit, st.floats(0.0, 1.0))
def test_deterrence_with_more_posture_never_raises_demands(ambition, p1, p2, deterrence):
    low, high = sorted((p1, p2))
    out = []
    for posture in (low, high):
        world = World(posture=posture)
        client(world, vulnerability=0.5)
        p = patron(world, ambition=ambition, alliance_deterrence=deterrence)
        p.leverage = 0.6
        out.append(p.demand_propensity())
    assert out[1] <= out[0] + 1e-12


# ----------------------------------------------------------------------- alliance


def alliance_step(posture, presence, alarms, **params) -> float:
    world = World(presence=presence, alarms=alarms)
    a = Alliance(world, "nato", AllianceParams(**params), "client")
    a.posture = posture
    a.step()
    return a.posture


def test_alliance_posture_by_hand():
    # push = 0.3 x 0.5 + 0.3 x 1 = 0.45; 0.2 x 0.9 = 0.18; 0.18 + 0.82 x 0.45 = 0.549
    got = alliance_step(0.2, 0.5, 1, decay=0.1, response_rate=0.3, rung_response=0.3)
    assert got == pytest.approx(0.549)


@settings(max_examples=200, deadline=None)
@given(unit, unit, unit, unit)
def test_more_presence_never_lowers_posture(posture, rate, s1, s2):
    low, high = sorted((s1, s2))
    assert (
        alliance_step(posture, high, 0, response_rate=rate)
        >= alliance_step(posture, low, 0, response_rate=rate) - 1e-12
    )


@settings(max_examples=200, deadline=None)
@given(unit, unit, unit, unit)
def test_more_decay_never_raises_posture(posture, presence, d1, d2):
    low, high = sorted((d1, d2))
    assert (
        alliance_step(posture, presence, 0, decay=high)
        <= alliance_step(posture, presence, 0, decay=low) + 1e-12
    )
