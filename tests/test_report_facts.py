"""The report's near-term facts hold in every replicate."""

from __future__ import annotations

import datetime as dt

import pytest

from sim.engine import outcomes as oc
from sim.engine.plan import Plan
from sim.engine.replicate import run_replicate
from sim.scenario.loader import load
from tests.conftest import BELARUS

PLAN = Plan(load(BELARUS))
RUNS = [run_replicate(PLAN, 99, i) for i in range(150)]


def day(date: str) -> int:
    return PLAN.day(dt.date.fromisoformat(date))


@pytest.mark.parametrize("run", RUNS, ids=lambda r: f"rep{r.index}")
def test_slavic_brotherhood_forces_present_through_25_september(run):
    present = oc.Facts(PLAN.scenario, run.ledger).present
    assert present[: day("2020-09-25") + 1].all()


@pytest.mark.parametrize("run", RUNS, ids=lambda r: f"rep{r.index}")
def test_a_joint_exercise_starts_in_october_2020(run):
    starts = [
        e.day
        for e in run.ledger.events
        if e.kind == "exercise" and e.detail == "October 2020 joint exercise"
    ]
    assert len(starts) == 1
    assert day("2020-10-01") <= starts[0] <= day("2020-10-31")
    assert oc.Facts(PLAN.scenario, run.ledger).present[starts[0]]
