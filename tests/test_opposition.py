"""A protest movement that opposes a patron's presence (``opposes:``): its strength,
weighted by ``presence_pressure``, lowers the drive of the regime's dependence on that
patron, and so that patron's leverage and its chance of keeping forces there; the other
patron is untouched.

The run toy is the competition toy of ``tests/test_competition.py`` (the incumbent keeps
its forces between exercises with a chance that rises with its leverage) without an
outside option, plus a street movement of constant strength 0.9 that opposes the
incumbent. The regime's dependence is driven by its vulnerability, so the opposition has
something to lower. The tolerance is three standard errors of a difference of two shares.
"""

from __future__ import annotations

import math

import pytest
import yaml

from sim.engine.cast import Roster
from sim.engine.draws import parameter_table
from sim.engine.plan import Plan
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import loads
from tests.helpers import outcomes_of
from tests.test_competition import toy


def opposed(pressure: float | None, opposes: str | None = "france") -> dict:
    data = toy(0.0)
    bamako = data["actors"][2]["params"]
    bamako.update(
        vulnerability_base=0.0,
        protest_sensitivity=1.0,
        dependence_from_vulnerability=1.0,
        dependence_half_life_months=1.0,
    )
    street = {
        "name": "street",
        "role": "protest_movement",
        "params": {
            "initial_strength": 0.9,
            "fatigue": 0.0,
            "repression_effect": 0.0,
            "resurgence_probability": 0.0,
        },
    }
    if opposes is not None:
        street["opposes"] = opposes
    if pressure is not None:
        street["params"]["presence_pressure"] = pressure
    data["actors"].append(street)
    return data


def plan_of(data: dict) -> Plan:
    return Plan(loads(yaml.safe_dump(data)))


def test_the_roster_knows_which_movement_opposes_which_patron():
    assert Roster.of(plan_of(opposed(0.5))).opposing == {("france", "bamako"): ("street",)}
    assert Roster.of(plan_of(opposed(None, opposes=None))).opposing == {}


def test_presence_pressure_is_drawn_only_for_a_movement_that_opposes_a_patron():
    def paths(data: dict) -> list[str]:
        return [e.path for e in parameter_table(plan_of(data).scenario)]

    assert "actors.street.presence_pressure" in paths(opposed(0.5))
    assert not any("presence_pressure" in p for p in paths(opposed(None, opposes=None)))


def shares(pressure: float, n: int = 2000) -> tuple[float, float, float]:
    """P(incumbent there), P(rival came) and the standard error of the first."""
    table = outcomes_of(plan_of(opposed(pressure)), n, 11)
    there = table["question.incumbent_there"].to_numpy(bool).mean()
    came = table["question.rival_came"].to_numpy(bool).mean()
    return there, came, math.sqrt(there * (1 - there) / n)


def test_opposing_the_incumbent_lowers_its_presence_and_leaves_the_rival_alone():
    calm, came_calm, se_calm = shares(0.0)
    hostile, came_hostile, se_hostile = shares(1.0)
    assert calm - hostile > 3 * math.hypot(se_calm, se_hostile), (calm, hostile)
    assert came_calm == came_hostile, "the rival's own history draws the same numbers"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (lambda d: d["actors"][3].update(opposes="frnce"), "actors[3].opposes",
         "unknown patron 'frnce'"),
        (lambda d: d["actors"][0].update(opposes="russia"), "actors[0].opposes",
         "only a protest_movement opposes"),
        (lambda d: d["actors"][3].pop("opposes"), "actors[3].params.presence_pressure",
         "add 'opposes: <patron>'"),
    ],
)  # fmt: skip
def test_an_opposition_that_cannot_act_is_refused_at_its_field(change, field, message):
    data = opposed(0.5)
    change(data)
    with pytest.raises(ScenarioError) as caught:
        loads(yaml.safe_dump(data))
    found = {p.field: p.message for p in caught.value.problems}
    assert message in found.get(field, ""), found


def test_the_opposition_to_a_patron_is_the_pressure_times_the_strength():
    """Mid-run, the street (strength held at 0.9, pressure 0.5) weighs 0.45 against France
    and nothing against Russia, which no movement opposes."""
    from tests.test_components import mid_run

    model = mid_run(plan_of(opposed(0.5)), 0, 100)
    street = model.cast.actors["street"]
    assert street.strength == pytest.approx(0.9)
    assert model.cast.opposition_to("france", "bamako") == pytest.approx(0.45)
    assert model.cast.opposition_to("russia", "bamako") == 0.0
