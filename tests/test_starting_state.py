"""A scenario can start with a concession already in place (``start_rung``)."""

from __future__ import annotations

import copy

import pytest
import yaml

from sim.engine.plan import Plan
from sim.engine.replicate import outcome_record, run_replicates
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import loads
from sim.scenario.params import normalise_word
from tests.conftest import MINIMAL


def with_start(rung: str, actor: int = 0) -> dict:
    data = copy.deepcopy(MINIMAL)
    data["actors"][actor]["start_rung"] = {"rung": rung, "source": "a test"}
    return data


def test_the_starting_rung_is_held_from_day_zero_and_sets_the_cadence():
    plan = Plan(loads(yaml.safe_dump(with_start("more_exercises"))))
    for run in run_replicates(plan, 1, 0, 20):
        first = run.ledger.concessions[0]
        assert (first.day, first.rung, first.controller) == (0, 1, None)
        assert outcome_record(plan, run)["highest_rung"] >= 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (with_start("more_exercise"), "unknown rung 'more_exercise'"),
        (with_start("more_exercises", actor=1), "only a patron has a starting rung"),
        (with_start("basing"), "cannot start at or above it yet"),
    ],
)
def test_a_bad_starting_rung_is_refused_with_its_field(data, message):
    with pytest.raises(ScenarioError, match=message) as e:
        loads(yaml.safe_dump(data))
    assert "start_rung" in str(e.value)


def test_appears_reads_as_likely():
    assert normalise_word("appears") == "likely"
    assert normalise_word("appears to have") == "likely"
