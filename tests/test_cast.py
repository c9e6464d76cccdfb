"""The cast of a replicate: who steps in which order, who presses whom, and what actors
ask of one another (the protest against a client, the alliance posture over it), on a
scenario with two patrons, two clients, two movements and two alliances listed in a
scrambled order, and with states set by hand."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from sim.engine.cast import Roster
from sim.engine.plan import Plan
from sim.engine.replicate import draw_values, start_replicate
from sim.scenario.loader import load
from tests.conftest import MINIMAL, write_yaml

#: Listed out of every order the cast uses: not by phase, not by name.
ACTORS = [
    {"name": "zeta_patron", "role": "patron", "target": "alpha_regime"},
    {"name": "west", "role": "alliance", "target": "alpha_regime"},
    {"name": "yard", "role": "protest_movement", "target": "alpha_regime"},
    {"name": "beta_regime", "role": "client_regime"},
    {"name": "alpha_regime", "role": "client_regime"},
    {"name": "east", "role": "alliance", "target": "alpha_regime"},
    {"name": "crowd", "role": "protest_movement", "target": "alpha_regime"},
    {"name": "abe_patron", "role": "patron", "target": "beta_regime"},
]


@pytest.fixture(scope="module")
def plan(tmp_path_factory) -> Plan:
    data = copy.deepcopy(MINIMAL)
    data["actors"] = ACTORS
    data["operations"] = {}
    data["injects"] = []
    data["outcomes"] = {"host": "alpha_regime"}
    return Plan(load(write_yaml(tmp_path_factory.mktemp("cast"), data)))


def cast_of(plan: Plan):
    values, dynamics = draw_values(plan, 3, 0, 1)
    return start_replicate(plan, values[0], dynamics[0]).cast


def test_actors_step_by_phase_then_by_name_whatever_order_they_are_listed_in(plan):
    roster = Roster.of(plan)
    assert roster.stepping == (
        "crowd", "yard",  # protest movements: phase 0
        "alpha_regime", "beta_regime",  # client regimes: phase 1
        "abe_patron", "zeta_patron",  # patrons: phase 2
        "east", "west",  # alliances: phase 3
    )  # fmt: skip
    assert [a.name for a in cast_of(plan).stepping] == list(roster.stepping)


def test_each_patron_presses_its_own_client_in_the_stepping_order(plan):
    roster = Roster.of(plan)
    assert roster.relations == (("abe_patron", "beta_regime"), ("zeta_patron", "alpha_regime"))
    assert roster.clients_of == {
        "alpha_regime": [("zeta_patron", "alpha_regime")],
        "beta_regime": [("abe_patron", "beta_regime")],
    }


def test_actors_of_a_role_are_grouped_by_their_target_and_ordered_by_name(plan):
    cast = cast_of(plan)
    assert [a.name for a in cast.movements_on["alpha_regime"]] == ["crowd", "yard"]
    assert [a.name for a in cast.alliances_on["alpha_regime"]] == ["east", "west"]
    assert {t: [a.name for a in ps] for t, ps in cast.patrons_of.items()} == {
        "alpha_regime": ["zeta_patron"],
        "beta_regime": ["abe_patron"],
    }
    assert set(cast.patrons) == {"abe_patron", "zeta_patron"}
    assert set(cast.regimes) == {"alpha_regime", "beta_regime"}


def test_the_roster_is_worked_out_once_per_plan(plan):
    assert Roster.of(plan) is Roster.of(plan)


def test_protests_against_a_client_combine_as_a_probabilistic_or(plan):
    cast = cast_of(plan)
    crowd, yard = cast.movements_on["alpha_regime"]
    crowd.strength, yard.strength = 0.5, 0.2
    assert cast.protest_strength_against("alpha_regime") == pytest.approx(1 - 0.5 * 0.8)
    assert cast.protest_strength_against("beta_regime") == 0.0, "no movement targets it"


def test_the_alliance_posture_over_a_client_is_the_highest_of_those_watching_it(plan):
    cast = cast_of(plan)
    east, west = cast.alliances_on["alpha_regime"]
    east.posture, west.posture = 0.3, 0.7
    assert cast.alliance_posture("alpha_regime") == 0.7
    east.posture, west.posture = 0.9, 0.7
    assert cast.alliance_posture("alpha_regime") == 0.9
    assert cast.alliance_posture("beta_regime") == 0.0
    assert cast.alliance_posture(None) == 0.0


def test_each_actor_takes_its_parameters_from_its_own_columns_of_the_row(plan):
    values, dynamics = draw_values(plan, 3, 0, 1)
    cast = start_replicate(plan, values[0], dynamics[0]).cast
    for name, (params, columns) in Roster.of(plan).params.items():
        actor = cast.actors[name]
        got = [getattr(actor.params, p) for p in params]
        assert np.array_equal(got, values[0][list(columns)]), name


def test_an_inject_sets_the_state_it_names_and_takes_up_new_parameters(plan):
    from types import SimpleNamespace

    cast = cast_of(plan)
    crowd = cast.actors["crowd"]
    before = dict(crowd.params.__dict__)
    name = next(iter(before))
    spec = SimpleNamespace(actor="crowd", set={"strength": 0.25})
    cast.apply(spec, {name: 0.123})
    assert crowd.strength == 0.25
    assert crowd.params.__dict__ == {**before, name: 0.123}
    cast.apply(SimpleNamespace(actor="crowd", set={}), {})
    assert crowd.params.__dict__ == {**before, name: 0.123}, "no parameters: none change"
