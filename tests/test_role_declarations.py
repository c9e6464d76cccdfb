"""How roles are declared and found (sim.roles, agents): the scan of both packages, a
parameter's declaration read back, the plain values a replicate reads, and what every actor
shares (its bounds, its own stream, its snapshot), on a role made up in the test."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

import agents
import sim.roles
from agents import ROLES, Alliance, ClientRegime, Patron, ProtestMovement
from agents.base import Actor
from sim.roles.base import Declaration, RoleParams, RoleSpec, StateVar, declare, declare_state

# ------------------------------------------------------------------ found by scanning


def test_the_behaviour_of_each_role_is_found_by_scanning_agents():
    assert agents._behaving() == {
        "alliance": Alliance,
        "client_regime": ClientRegime,
        "patron": Patron,
        "protest_movement": ProtestMovement,
    }
    assert list(agents._behaving()) == list(ROLES)


def test_the_declarations_of_each_role_are_found_by_scanning_sim_roles_in_name_order():
    from sim.roles import alliance, client_regime, patron, protest_movement

    declared = sim.roles._declared()
    assert list(declared) == ["alliance", "client_regime", "patron", "protest_movement"]
    assert declared == {
        "alliance": alliance.SPEC,
        "client_regime": client_regime.SPEC,
        "patron": patron.SPEC,
        "protest_movement": protest_movement.SPEC,
    }


# ------------------------------------------------------------------ declarations


def made_up_params() -> type[RoleParams]:
    class Params(RoleParams):
        zeal: float = declare(0.3, doc="how keen")
        patience: float = declare(40.0, low=1.0, high=365.0, units="days", doc="how long")

    return Params


def test_a_declaration_reads_back_its_default_bounds_units_and_meaning():
    params = made_up_params()
    assert params.declarations() == {
        "zeal": Declaration("zeal", 0.3, 0.0, 1.0, "probability", "how keen"),
        "patience": Declaration("patience", 40.0, 1.0, 365.0, "days", "how long"),
    }
    with pytest.raises(ValueError, match="less than or equal to 365"):
        params(patience=400.0)
    with pytest.raises(ValueError, match="greater than or equal to 1"):
        params(patience=0.5)


def test_a_parameter_declared_without_units_or_meaning_reads_back_empty_ones():
    from pydantic import Field

    class Plain(RoleParams):
        bare: float = Field(0.5, ge=0.0, le=2.0)

    assert Plain.declarations() == {"bare": Declaration("bare", 0.5, 0.0, 2.0, "", "")}


def test_a_replicates_values_fill_in_the_defaults_and_are_plain_attributes():
    params = made_up_params()
    values = params.from_values({"zeal": 0.9})
    assert (values.zeal, values.patience) == (0.9, 40.0)
    assert type(values).__name__ == "ParamsValues" and type(values).declared is params
    assert type(params.from_values({})) is type(values), "the values class is made once"
    assert params.from_values({}).zeal == 0.3


def test_state_declarations_keep_their_order_and_give_their_bounds():
    state = declare_state(StateVar("b", "second", 0.0, 5.0), StateVar("a", "first"))
    assert list(state) == ["b", "a"]
    spec = RoleSpec("made_up", made_up_params(), state)
    assert spec.bounds == {"b": (0.0, 5.0), "a": (0.0, 1.0)}
    var = StateVar("x", "doc")
    assert (var.low, var.high, var.units, var.initial, var.integer) == (
        0.0, 1.0, "level (0-1)", None, False)  # fmt: skip


# ------------------------------------------------------------------ what every actor shares


def made_up_actor() -> type[Actor]:
    """A role of the test's own."""

    class Grumpy(Actor):
        spec = RoleSpec("grumpy", made_up_params(), declare_state(StateVar("g", "g", 2.0, 3.0)))

    return Grumpy


def test_a_role_class_takes_its_bounds_from_its_own_spec():
    grumpy = made_up_actor()

    class Quiet(grumpy):  # declares nothing of its own: keeps its parent's bounds
        pass

    assert grumpy._bounds == {"g": (2.0, 3.0)} and Quiet._bounds == grumpy._bounds


def actor() -> Actor:
    import mesa

    grumpy = made_up_actor()
    world = mesa.Model(rng=1)
    world.streams = {}
    world.stream = lambda name: world.streams.setdefault(name, np.random.default_rng(5))
    params = grumpy.spec.Params.from_values({"zeal": 0.6})
    return grumpy(world, "grump", params, target=None)


def test_state_is_clipped_into_its_declared_range():
    a = actor()
    for value, kept in ((1.0, 2.0), (2.5, 2.5), (3.5, 3.0), (2.0, 2.0), (3.0, 3.0)):
        a.set_state("g", value)
        assert a.g == kept, value


def test_an_actor_draws_from_its_own_named_stream():
    a = actor()
    first = a.uniform()
    assert list(a.model.streams) == ["actor:grump"]
    assert first == np.random.default_rng(5).random()
    assert a.stream() is a.model.streams["actor:grump"], "the stream is made once"


def test_an_actors_snapshot_restores_its_state_and_parameters():
    a = actor()
    a.set_state("g", 2.25)
    snap = a.snapshot()
    assert snap == {"state": {"g": 2.25}, "params": {"zeal": 0.6, "patience": 40.0}}
    b = actor()
    b.set_state("g", 2.9)
    b.restore(snap)
    assert (b.g, b.params.zeal, b.params.patience) == (2.25, 0.6, 40.0)
    assert type(b.params).declared is b.spec.Params, "restored as the role's own values"
    assert repr(b) == "Grumpy('grump')"


def test_an_actor_with_a_target_acts_on_that_client():
    a = actor()
    a.target = "minsk"
    a.model.actor = lambda name: SimpleNamespace(name=name)
    assert a.client.name == "minsk"


def test_a_declaration_says_where_it_acts_only():
    """`rivals` (only among several patrons) and `opposing` (only for a movement that
    opposes a patron) read back as declared, each False unless set."""

    class Flagged(RoleParams):
        plain: float = declare(0.1, doc="always")
        among: float = declare(0.2, doc="with rivals", rivals=True)
        against: float = declare(0.3, doc="opposing", opposing=True)

    flags = {n: (d.rivals, d.opposing) for n, d in Flagged.declarations().items()}
    assert flags == {"plain": (False, False), "among": (True, False), "against": (False, True)}


def test_an_actors_kept_mappings_survive_a_snapshot_as_copies():
    """A regime's ties (state beyond its declared numbers) go into its snapshot as plain
    floats, copied, and come back on restore."""
    from agents.client_regime import ClientRegime
    from sim.roles.client_regime import ClientRegimeParams
    from tests.test_roles import World, client

    c = client(World(patrons=["ankara", "moscow"]), dependence=0.4)
    c.ties["moscow"] = 0.7
    snap = c.snapshot()
    assert snap["ties"] == {"ankara": 0.4, "moscow": 0.7}
    c.ties["moscow"] = 0.1
    assert snap["ties"]["moscow"] == 0.7, "the snapshot is a copy"
    other = ClientRegime(World(patrons=[]), "client", ClientRegimeParams(), None)
    other.restore(snap)
    assert other.ties == {"ankara": 0.4, "moscow": 0.7} and other.dependence == 0.4
    assert other.dependence_on("ankara") == 0.4
    assert other.dependence_on("paris") == 0.4, "a patron it has no tie to: its dependence"
