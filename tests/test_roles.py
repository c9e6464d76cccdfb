"""Each role's documented rule, tested on its own: one step on hand-set state against a
result worked out by hand, and a directional property for every parameter whose
docstring states a direction.

The fidelity digests catch any change to what a replicate does but cannot tell right from
wrong; these tests can. The world around an actor is a stub model that answers its
questions with fixed numbers and hands out scripted uniforms.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agents.alliance import Alliance, AllianceParams, next_posture
from agents.client_regime import (
    ClientRegime,
    ClientRegimeParams,
    accept_probability,
    control_terms,
    isolation_of,
    next_dependence,
)
from agents.patron import (
    Patron,
    PatronParams,
    choose_track,
    demand_propensity,
    leverage_of,
    track_weights,
)
from agents.protest_movement import ProtestMovement, ProtestMovementParams, next_strength
from agents.world import World as WorldCalls

unit = st.floats(0.0, 1.0)


class Script:
    """A stream that hands out scripted uniforms."""

    def __init__(self, uniforms):
        self.uniforms = list(uniforms)

    def random(self) -> float:
        return self.uniforms.pop(0)


class World(WorldCalls):
    """What an actor may ask its model, answered with fixed numbers."""

    def __init__(self, uniforms=(), **answers):
        super().__init__(rng=0)
        self.script = Script(uniforms)
        self.answers = answers
        self.actors: dict[str, object] = {}
        self.negotiations: list[tuple[str, str, str]] = []
        self.requests: list[str] = []
        self.reconsidered: list[tuple[str, float]] = []

    def stream(self, name):
        return self.script

    def actor(self, name):
        return self.actors[name]

    def about(self, client, answer):
        """The answer, for a question about the client regime (the one client here)."""
        if client != "client":
            raise AssertionError(f"asked about {client!r}, not the client regime")
        return answer

    def protest_strength_against(self, name):
        return self.about(name, self.answers["strength"])

    def alliance_posture(self, name):
        return self.about(name, self.answers.get("posture", 0.0))

    def presence_share_last_month(self, name):
        return self.about(name, self.answers["presence"])

    def patron_control_gains_last_month(self, name):
        return self.about(name, self.answers["alarms"])

    def rival_presence(self, patron, host, window):
        self.windows = [*getattr(self, "windows", []), (patron, window)]
        return self.about(host, self.answers.get("rival", 0.0))

    def patrons_of(self, name):
        return self.about(name, self.answers.get("patrons", ["kremlin"]))

    def opposition_to(self, patron, name):
        opposed = self.answers.get("opposed", {})
        return self.about(name, opposed.get(patron, 0.0))

    def concessions_held(self, patron, name):
        held = self.answers.get("held", 0.0)
        return self.about(name, held[patron] if isinstance(held, dict) else held)

    def pressable(self, patron, client):
        return self.about(client, self.answers.get("options", [("presence", 1.0, 0.2)]))

    def reconsider(self, patron, client, leverage):
        self.reconsidered.append(self.about(client, (patron, leverage)))

    def negotiate(self, patron, client, track):
        self.negotiations.append((patron, self.about(client, client), track))
        return False

    def request(self, client):
        self.requests.append(self.about(client, client))


def client(world: World, vulnerability=0.45, repression=0.4, dependence=0.5, **params):
    c = ClientRegime(world, "client", ClientRegimeParams(**params), None)
    c.vulnerability, c.repression, c.dependence, c.isolation = (
        vulnerability,
        repression,
        dependence,
        0.0,
    )
    c.ties = dict.fromkeys(world.patrons_of("client"), dependence)
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
    p = ProtestMovementParams
    assert (
        next_strength(strength, 0.4, surge, size, p(fatigue=high))
        <= next_strength(strength, 0.4, surge, size, p(fatigue=low)) + 1e-12
    )


@settings(max_examples=200, deadline=None)
@given(unit, unit, unit, unit, unit)
def test_more_repression_effect_never_raises_strength(strength, e1, e2, surge, size):
    low, high = sorted((e1, e2))
    p = ProtestMovementParams
    assert (
        next_strength(strength, 0.4, surge, size, p(repression_effect=high))
        <= next_strength(strength, 0.4, surge, size, p(repression_effect=low)) + 1e-12
    )


# ----------------------------------------------------------------------- client regime


def test_vulnerability_repression_and_isolation_follow_the_protests_and_the_alliance():
    world = World(strength=0.5, posture=0.4)
    c = client(
        world,
        vulnerability_base=0.1,
        protest_sensitivity=0.7,
        repression_propensity=0.6,
        isolation_base=0.1,
        isolation_from_repression=0.5,
        isolation_from_posture=0.25,
    )
    c.step()
    assert c.vulnerability == pytest.approx(0.45)  # 0.1 + 0.7 x 0.5
    assert c.repression == pytest.approx(0.3)  # 0.6 x 0.5
    assert c.isolation == pytest.approx(0.35)  # 0.1 + 0.5 x 0.3 + 0.25 x 0.4


def test_dependence_moves_toward_its_drive_with_the_declared_half_life():
    p = ClientRegimeParams(
        dependence_half_life_months=2.0,
        dependence_from_vulnerability=0.5,
        dependence_from_isolation=0.2,
        dependence_from_concessions=0.3,
    )
    # drive = 0.5 x 0.6 + 0.2 x 0.5 + 0.3 x 0.2 = 0.46; keep 0.5^(1/2) = 0.70711
    keep = 0.5**0.5
    got = next_dependence(0.2, 0.6, 0.5, 0.2, p)
    assert got == pytest.approx(keep * 0.2 + (1 - keep) * 0.46)


def two_patrons_client(held: dict[str, float]) -> ClientRegime:
    """A client of `ankara` and `moscow` that depended 0.3 on each and feels no threat;
    half its dependence's gap closes each month toward 0.5 x the share of the patron's
    own rungs it holds."""
    world = World(strength=0.0, patrons=["ankara", "moscow"], held=held)
    params = {
        "vulnerability_base": 0.0,
        "isolation_base": 0.0,
        "request_propensity": 0.0,
        "dependence_half_life_months": 1.0,
        "dependence_from_concessions": 0.5,
    }
    c = client(world, dependence=0.3, **params)
    return c


def test_with_two_patrons_the_regime_depends_on_each_by_what_that_one_holds():
    c = two_patrons_client({"ankara": 0.0, "moscow": 0.8})
    c.step()
    # each tie: 0.5 x 0.3 + 0.5 x (0.5 x held): ankara 0.15, moscow 0.15 + 0.2 = 0.35
    assert c.ties == pytest.approx({"ankara": 0.15, "moscow": 0.35})
    assert c.dependence == pytest.approx(0.35), "the patron it leans on most"
    assert c.accept_probability("ankara", 0.1, 0.2) == pytest.approx(
        accept_probability(0.15, 0.1, 0.2, c.params)
    ), "it answers each patron by its dependence on that one"


def test_a_patrons_leverage_reads_the_clients_dependence_on_it():
    c = two_patrons_client({"ankara": 0.0, "moscow": 0.8})
    c.step()
    p = Patron(
        c.model, "ankara", PatronParams(leverage_base=0.1, leverage_from_dependence=1.0), "client"
    )
    assert p.read_leverage() == pytest.approx(0.1 + 0.15)


def test_a_movement_against_a_patrons_presence_lowers_the_drive_of_that_tie_only():
    """Moscow's rungs held 0.8 as before, and the street opposes Moscow with 0.3: its tie
    moves toward 0.5 x 0.8 - 0.3 = 0.1, half the gap from 0.3: 0.2; Ankara's is untouched
    (0.15); the opposition cannot drive a tie below zero (a drive of 0.4 - 0.9 is 0)."""
    c = two_patrons_client({"ankara": 0.0, "moscow": 0.8})
    c.model.answers["opposed"] = {"moscow": 0.3}
    c.step()
    assert c.ties == pytest.approx({"ankara": 0.15, "moscow": 0.2})
    c.model.answers["opposed"] = {"moscow": 0.9}
    c.step()
    assert c.ties["moscow"] == pytest.approx(0.1), "half of 0.2, toward a drive of 0"


def test_an_inject_that_sets_dependence_sets_it_on_every_patron():
    c = two_patrons_client({"ankara": 0.0, "moscow": 0.8})
    c.step()
    c.inject_state("dependence", 0.9)
    assert c.ties == {"ankara": 0.9, "moscow": 0.9} and c.dependence == 0.9


def test_with_one_patron_its_tie_is_the_dependence_stock():
    world = World(strength=0.5, held=0.4)
    c = client(world, dependence=0.3, dependence_from_concessions=0.5)
    c.step()
    assert c.ties == {"kremlin": c.dependence}
    assert c.dependence == pytest.approx(
        next_dependence(0.3, c.vulnerability, c.isolation, 0.4, c.params)
    )


def test_a_regime_no_patron_presses_keeps_its_stock_alone():
    world = World(strength=0.5, held=0.4, patrons=[])
    c = client(world, dependence=0.3, dependence_from_concessions=0.5)
    c.step()
    assert c.ties == {}
    assert c.dependence == pytest.approx(
        next_dependence(0.3, c.vulnerability, c.isolation, 0.0, c.params)
    ), "nothing held"


def test_after_one_half_life_dependence_has_closed_half_the_gap():
    p = ClientRegimeParams(
        dependence_half_life_months=3.0,
        dependence_from_vulnerability=1.0,
        dependence_from_isolation=0.0,
        dependence_from_concessions=0.0,
    )
    d = 0.8
    for _ in range(3):  # the protests are crushed: drive 0
        d = next_dependence(d, 0.0, 0.0, 0.0, p)
    assert d == pytest.approx(0.4)


def test_crushing_the_protests_does_not_give_independence_back_at_once():
    """With a long half-life, a month without protest lowers dependence only a little."""
    p = ClientRegimeParams(dependence_half_life_months=24.0)
    assert next_dependence(0.6, 0.0, 0.0, 0.0, p) > 0.58


def test_the_dependence_drive_is_clipped_to_one():
    p = ClientRegimeParams(
        dependence_half_life_months=0.5,
        dependence_from_vulnerability=1.0,
        dependence_from_isolation=1.0,
        dependence_from_concessions=1.0,
    )
    assert next_dependence(1.0, 1.0, 1.0, 1.0, p) == pytest.approx(1.0)


def test_acceptance_is_the_logistic_of_net_pressure():
    p = ClientRegimeParams(sovereignty_resistance=0.7, decisiveness=6.0)
    # net = 0.45 + 0.2 - 0.7 - 0.1 = -0.15; 1 / (1 + e^0.9) = 0.28905
    assert accept_probability(0.45, 0.1, 0.2, p) == pytest.approx(1 / (1 + math.exp(0.9)))


def test_the_regime_answers_by_its_dependence():
    c = client(World(), vulnerability=0.9, dependence=0.45, sovereignty_resistance=0.7)
    assert c.accept_probability("kremlin", 0.1, 0.2) == pytest.approx(
        accept_probability(0.45, 0.1, 0.2, c.params)
    )


def test_control_is_a_bargain_that_can_fail():
    # the regime resists 0.6 x (1 - 0.56) = 0.264; the patron wins 0.8 x (1 - 0.264) =
    # 0.5888, yields 1 - 0.8 = 0.2, and the bargain fails in the rest, 0.2112
    p_patron, p_client = control_terms(0.8, 0.56, ClientRegimeParams(control_insistence=0.6))
    assert (p_patron, p_client) == pytest.approx((0.5888, 0.2))
    assert 1 - p_patron - p_client == pytest.approx(0.2112)


def test_a_regime_that_does_not_insist_never_breaks_the_bargain():
    p_patron, p_client = control_terms(0.8, 0.1, ClientRegimeParams(control_insistence=0.0))
    assert p_patron + p_client == pytest.approx(1.0)


@settings(max_examples=200, deadline=None)
@given(unit, unit, unit, unit, unit)
def test_more_support_never_lowers_acceptance(dependence, resistance, cost, s1, s2):
    p = ClientRegimeParams(sovereignty_resistance=resistance)
    low, high = sorted((s1, s2))
    assert accept_probability(dependence, cost, high, p) >= accept_probability(
        dependence, cost, low, p
    )


@settings(max_examples=200, deadline=None)
@given(unit, unit, unit, unit, unit)
def test_more_dependence_never_lowers_acceptance(support, resistance, cost, d1, d2):
    p = ClientRegimeParams(sovereignty_resistance=resistance)
    low, high = sorted((d1, d2))
    assert accept_probability(high, cost, support, p) >= accept_probability(low, cost, support, p)


@settings(max_examples=200, deadline=None)
@given(unit, unit, unit, unit, unit)
def test_more_resistance_or_cost_never_raises_acceptance(dependence, support, cost, r1, r2):
    low, high = sorted((r1, r2))
    easy, hard = (
        ClientRegimeParams(sovereignty_resistance=low),
        ClientRegimeParams(sovereignty_resistance=high),
    )
    assert accept_probability(dependence, cost, support, hard) <= accept_probability(
        dependence, cost, support, easy
    )
    assert accept_probability(dependence, max(cost, 0.5), support, easy) <= accept_probability(
        dependence, min(cost, 0.5), support, easy
    )


@settings(max_examples=200, deadline=None)
@given(unit, unit, unit, unit)
def test_control_settles_toward_the_side_with_more_leverage_or_insistence(insist, lev, a, b):
    low, high = sorted((a, b))
    mid = ClientRegimeParams(control_insistence=0.5)
    assert control_terms(insist, high, mid)[0] >= control_terms(insist, low, mid)[0]
    firm = ClientRegimeParams(control_insistence=high)
    soft = ClientRegimeParams(control_insistence=low)
    assert control_terms(insist, lev, firm)[0] <= control_terms(insist, lev, soft)[0]


@settings(max_examples=200, deadline=None)
@given(unit, unit, unit, unit)
def test_more_isolation_inputs_never_lower_isolation(repression, posture, w1, w2):
    low, high = sorted((w1, w2))
    assert isolation_of(
        repression, posture, ClientRegimeParams(isolation_from_repression=high)
    ) >= (isolation_of(repression, posture, ClientRegimeParams(isolation_from_repression=low)))


def test_a_regime_asks_with_a_propensity_that_grows_with_vulnerability():
    world = World()
    low = client(world, vulnerability=0.2, request_propensity=0.5).request_probability()
    high = client(world, vulnerability=0.8, request_propensity=0.5).request_probability()
    assert (low, high) == pytest.approx((0.1, 0.4))


def test_a_regime_asks_when_its_draw_falls_below_the_propensity():
    world = World(uniforms=[0.05], strength=0.5)
    c = client(world, request_propensity=0.5, vulnerability_base=0.0, protest_sensitivity=0.5)
    c.step()  # vulnerability 0.25, chance 0.125 > 0.05
    assert world.requests == ["client"]


# ----------------------------------------------------------------------- patron


def patron(world: World, **params) -> Patron:
    p = Patron(world, "kremlin", PatronParams(**params), "client")
    world.actors["kremlin"] = p
    return p


def test_leverage_and_demand_propensity_by_hand():
    world = World(uniforms=[0.3, 0.0], posture=0.4)
    client(world, dependence=0.45)
    p = patron(
        world,
        ambition=0.7,
        leverage_base=0.2,
        leverage_from_dependence=0.8,
        alliance_deterrence=0.5,
    )
    p.step()
    assert p.leverage == pytest.approx(0.56)  # 0.2 + 0.8 x 0.45
    assert p.demand_propensity() == pytest.approx(0.3136)  # 0.7 x 0.56 x (1 - 0.5 x 0.4)
    assert world.negotiations == [("kremlin", "client", "presence")]  # drew 0.3 < 0.3136
    # held rungs are reconsidered every month, at the patron's leverage
    assert world.reconsidered == [("kremlin", pytest.approx(0.56))]


def test_a_draw_above_the_propensity_demands_nothing():
    world = World(uniforms=[0.32, 0.0], posture=0.4)
    client(world, dependence=0.45)
    patron(
        world,
        ambition=0.7,
        leverage_base=0.2,
        leverage_from_dependence=0.8,
        alliance_deterrence=0.5,
    ).step()
    assert world.negotiations == []


def test_track_weights_by_hand():
    # priority x exp(-cost / leverage): 2 x e^(-0.1/0.5) = 1.63746, 1 x e^(-0.5/0.5) = 0.36788
    got = track_weights([("a", 2.0, 0.1), ("b", 1.0, 0.5)], 0.5)
    assert got == pytest.approx([2 * math.exp(-0.2), math.exp(-1.0)])


def test_the_track_pressed_is_drawn_by_its_weight():
    options = [("a", 2.0, 0.1), ("b", 1.0, 0.5)]
    share_a = 2 * math.exp(-0.2) / (2 * math.exp(-0.2) + math.exp(-1.0))  # 0.81654
    assert choose_track(options, 0.5, share_a - 1e-9) == "a"
    assert choose_track(options, 0.5, share_a + 1e-9) == "b"
    assert choose_track(options, 0.0, 0.1) is None  # no leverage, no pull
    assert choose_track([], 0.5, 0.1) is None


@settings(max_examples=200, deadline=None)
@given(st.floats(0.05, 1.0), st.floats(0.05, 1.0), unit, unit)
def test_more_leverage_shifts_the_pressure_toward_costlier_rungs(l1, l2, c1, c2):
    """The weight of the costlier of two equal-priority tracks never falls, relative to the
    cheaper one's, as leverage rises."""
    low, high = sorted((l1, l2))
    cheap, dear = sorted((c1, c2))
    options = [("cheap", 1.0, cheap), ("dear", 1.0, dear)]

    def share(lev):
        w = track_weights(options, lev)
        return w[1] / sum(w)

    assert share(high) >= share(low) - 1e-12


@settings(max_examples=200, deadline=None)
@given(unit, unit, unit, unit)
def test_more_dependence_never_lowers_leverage(d1, d2, base, share):
    low, high = sorted((d1, d2))
    p = PatronParams(leverage_base=base, leverage_from_dependence=share)
    assert leverage_of(high, p) >= leverage_of(low, p)


@settings(max_examples=200, deadline=None)
@given(unit, unit, unit, st.floats(0.0, 1.0))
def test_deterrence_with_more_posture_never_raises_demands(ambition, p1, p2, deterrence):
    low, high = sorted((p1, p2))
    p = PatronParams(ambition=ambition, alliance_deterrence=deterrence)
    assert demand_propensity(0.6, high, p) <= demand_propensity(0.6, low, p) + 1e-12


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
    p = AllianceParams(response_rate=rate)
    assert next_posture(posture, high, 0, p) >= next_posture(posture, low, 0, p) - 1e-12


@settings(max_examples=200, deadline=None)
@given(unit, unit, unit, unit)
def test_more_decay_never_raises_posture(posture, presence, d1, d2):
    low, high = sorted((d1, d2))
    assert (
        next_posture(posture, presence, 0, AllianceParams(decay=high))
        <= next_posture(posture, presence, 0, AllianceParams(decay=low)) + 1e-12
    )


# ----------------------------------------------------------------------- declared state


def test_state_is_kept_inside_its_declared_bounds():
    c = client(World())
    c.set_state("dependence", 1.7)
    assert c.dependence == 1.0
    c.set_state("dependence", -0.2)
    assert c.dependence == 0.0
    assert (
        set(c.snapshot()["state"])
        == set(ClientRegime.spec.state)
        == {
            "vulnerability",
            "repression",
            "isolation",
            "dependence",
        }
    )


def test_a_replicates_params_hold_every_declared_field_with_defaults_filled_in():
    made = PatronParams.from_values({"ambition": 0.3})
    assert vars(made) == PatronParams(ambition=0.3).model_dump()
    assert made.declared is PatronParams
    again = type(made).from_values({**vars(made), "support": 0.1})
    assert (again.ambition, again.support) == (0.3, 0.1)


# ----------------------------------------------------------------------- at the edges


def test_the_track_pressed_among_three_and_at_the_edges_of_its_share():
    """Three tracks of equal pull (no leverage cost): thirds of the unit interval; a draw
    on a boundary goes to the next track; a draw of 1 (all the weight) to the last."""
    options = [("a", 1.0, 0.0), ("b", 1.0, 0.0), ("c", 1.0, 0.0)]
    assert [choose_track(options, 0.5, u) for u in (0.1, 0.5, 0.9)] == ["a", "b", "c"]
    assert choose_track(options, 0.5, 0.25 * 4 / 3) == "b", "a draw on a boundary moves on"
    assert choose_track(options, 0.5, 1.0) == "c"


def test_an_alliance_closes_at_most_the_whole_gap_in_a_month():
    p = AllianceParams(decay=0.1, response_rate=0.5, rung_response=0.5)
    assert next_posture(0.2, 1.0, 10, p) == pytest.approx(1.0)
    assert next_posture(0.2, 0.4, 0, p) == pytest.approx(0.18 + 0.82 * 0.2)


def test_a_draw_equal_to_the_chance_of_asking_asks_nothing():
    """Vulnerability 0.25 and propensity 0.5: the chance is 0.125; a draw of exactly 0.125
    is not below it."""
    world = World(uniforms=[0.125], strength=0.5)
    c = client(world, request_propensity=0.5, vulnerability_base=0.0, protest_sensitivity=0.5)
    c.step()
    assert c.vulnerability == pytest.approx(0.25) and world.requests == []


def test_a_draw_equal_to_the_demand_propensity_presses_nothing():
    world = World(posture=0.4)
    client(world, dependence=0.45)
    p = patron(world, ambition=0.7, leverage_base=0.2, leverage_from_dependence=0.8,
               alliance_deterrence=0.5)  # fmt: skip
    exact = demand_propensity(leverage_of(0.45, p.params), 0.4, p.params)  # 0.3136
    world.script.uniforms = [exact, 0.0]
    p.step()
    assert p.demand_propensity() == exact and world.negotiations == []


def test_a_surge_draw_equal_to_its_probability_brings_no_resurgence():
    p = ProtestMovementParams(fatigue=0.0, repression_effect=0.0, resurgence_probability=0.2,
                              resurgence_size=0.5)  # fmt: skip
    assert next_strength(0.4, 0.0, 0.2, 1.0, p) == pytest.approx(0.4)
    assert next_strength(0.4, 0.0, 0.1999, 1.0, p) == pytest.approx(0.4 + 0.5 * 0.6)


def test_an_actor_aimed_at_something_other_than_a_client_regime_is_refused():
    from agents.client_regime import regime_of

    world = World()
    p = patron(world)
    world.actors["client"] = p  # the target names another patron
    with pytest.raises(TypeError, match="kremlin's target client is not a client regime"):
        regime_of(p)


def test_a_released_world_is_forgotten_by_mesa():
    import mesa

    world = World()
    client(world)
    assert world in mesa.Agent._ids
    world.release()
    assert world not in mesa.Agent._ids


def test_a_rivals_presence_lowers_leverage_by_the_clients_outside_option():
    """Dependence 0.45: leverage 0.2 + 0.8 x 0.45 = 0.56 without a rival; with a rival
    present on 50 % of the patron's 60-day window and an outside option of 0.4, it is
    0.56 x (1 - 0.4 x 0.5) = 0.448. A client with no outside option does not look."""
    world = World(uniforms=[0.99, 0.0], rival=0.5)
    client(world, dependence=0.45, outside_option=0.4)
    p = patron(world, leverage_base=0.2, leverage_from_dependence=0.8, entrenchment_window_days=60)
    p.step()
    assert p.leverage == pytest.approx(0.448)
    assert world.windows == [("kremlin", 60)]
    blind = World(uniforms=[0.99, 0.0], rival=0.5)
    client(blind, dependence=0.45)
    q = patron(blind, leverage_base=0.2, leverage_from_dependence=0.8)
    q.step()
    assert q.leverage == pytest.approx(0.56) and not hasattr(blind, "windows")
