"""A scenario can start with concessions already in place (``start_rung``): certain, or
conceded with some chance, on any track, including rungs that settle control."""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest
import yaml

from sim.engine.plan import Plan
from sim.engine.replicate import outcome_record, run_replicates
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import loads
from sim.scenario.params import normalise_word
from tests.conftest import MINIMAL


def with_start(start, actor: int = 0) -> dict:
    data = copy.deepcopy(MINIMAL)
    data["actors"][actor]["start_rung"] = start
    return data


def plan_of(data: dict) -> Plan:
    return Plan(loads(yaml.safe_dump(data)))


def test_the_starting_rung_is_held_from_day_zero_and_sets_the_cadence():
    plan = plan_of(with_start({"rung": "more_exercises", "source": "a test"}))
    for run in run_replicates(plan, 1, 0, 20):
        first = run.ledger.concessions[0]
        assert (first.day, first.track, first.rung, first.controller) == (0, "ladder", 1, None)
        assert outcome_record(plan, run)["highest.ladder"] >= 1


def test_a_starting_rung_conceded_with_a_chance_is_held_in_that_share_of_replicates():
    """probability 0.3: held in 30 % of replicates, within three binomial standard errors;
    otherwise the track stands at its first rung."""
    plan = plan_of(with_start({"rung": "more_exercises", "probability": 0.3, "source": "t"}))
    n = 600
    held = []
    for run in run_replicates(plan, 2, 0, n, events=False):
        held.append(any(c.day == 0 and c.up for c in run.ledger.concessions))
    share = np.mean(held)
    assert abs(share - 0.3) < 3 * math.sqrt(0.3 * 0.7 / n)
    assert "actors.patron.start_rung.more_exercises.conceded" in plan.paths


def test_a_starting_rung_that_settles_control_names_its_controller():
    d = copy.deepcopy(MINIMAL)
    d["ladder"].insert(2, {"name": "air_defence", "cost": 0.3, "settles_control": True})
    d["actors"][0]["start_rung"] = {"rung": "air_defence", "controller": "patron", "source": "t"}
    plan = plan_of(d)
    (run,) = run_replicates(plan, 1, 0, 1)
    settled = [c for c in run.ledger.concessions if c.day == 0 and c.controller]
    assert [(c.rung, c.controller) for c in settled] == [(2, "patron")]
    d["actors"][0]["start_rung"].pop("controller")
    with pytest.raises(ScenarioError, match="name who holds it"):
        plan_of(d)


def test_a_starting_delivery_is_in_place_on_day_zero():
    d = copy.deepcopy(MINIMAL)
    d["ladder"].insert(
        2,
        {
            "name": "arms",
            "cost": 0.3,
            "delivers": {"system": "S-400", "lead_time_days": 100, "controller": "patron"},
        },
    )
    d["actors"][0]["start_rung"] = {"rung": "arms", "source": "t"}
    (run,) = run_replicates(plan_of(d), 1, 0, 1)
    assert [(s.name, s.day, s.controller) for s in run.ledger.systems][:1] == [
        ("S-400", 0, "patron")
    ]


@pytest.mark.parametrize(
    ("start", "actor", "message"),
    [
        ({"rung": "more_exercise"}, 0, "unknown rung 'more_exercise'"),
        ({"rung": "more_exercises"}, 1, "only a patron has a starting rung"),
        ({"rung": "more_exercises", "otherwise": "basing"}, 0, "must be a lower rung"),
        ({"rung": "more_exercises", "probability": 1.5}, 0, "must lie in [0, 1]"),
        ([{"rung": "more_exercises"}, {"rung": "basing"}], 0, "a second starting rung"),
    ],
)
def test_a_bad_starting_rung_is_refused_with_its_field(start, actor, message):
    with pytest.raises(ScenarioError, match=message.replace("[", r"\[")) as e:
        loads(yaml.safe_dump(with_start(start, actor)))
    assert "start_rung" in str(e.value)


def test_appears_reads_as_likely():
    assert normalise_word("appears") == "likely"
    assert normalise_word("appears to have") == "likely"
