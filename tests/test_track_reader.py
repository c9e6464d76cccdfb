"""How a plan reads each track's rungs out of a replicate's values, on tracks set by hand.

The row given to the reader holds each parameter's own position in the table as its
value, so each number read says which parameter it came from: a rung's own, the nearest
lower rung's (inherited), or a sentinel (None: not set; inf: no recurring exercises;
0: no lead time)."""

from __future__ import annotations

import copy
import math

from sim.engine.plan import Plan
from sim.engine.track_reader import SENTINELS, TrackReader
from sim.scenario.schema import Scenario
from tests.conftest import MINIMAL

TRACKS = [
    {
        "name": "a",
        "priority": 2.0,
        "reversal": {"hazard": 0.1, "entrenchment_months": 12},
        "rungs": [
            {"name": "r0", "cost": 0, "exercise_interval_days": 90, "stay_probability": 0.1,
             "bridge_tolerance_days": 10},
            {"name": "r1", "cost": 0.2, "exercise_interval_days": 30},
            {"name": "r2", "cost": 0.4, "recurring": False, "standing": True, "basing": True,
             "basing_lead_time_days": 20},
            {"name": "r3", "cost": 0.5, "basing": True},
            {"name": "r4", "cost": 0.6, "recurring": True},
        ],
    },
    {
        "name": "b",
        "rungs": [
            {"name": "s0", "cost": 0},
            {"name": "s1", "cost": 0.3, "stay_probability": 0.5,
             "delivers": {"system": "radar", "lead_time_days": 15, "controller": "patron"}},
        ],
    },
]  # fmt: skip


def read(data: dict) -> dict:
    """Each track as a replicate reads it, from a row of the parameters' own positions."""
    plan = Plan(Scenario.model_validate(data))
    row = [float(i) for i in range(plan.n_params)] + list(SENTINELS)
    tracks = {r.name: r.read(row) for r in TrackReader.all_of(plan)}
    return {"plan": plan, **tracks}


def tracked() -> dict:
    data = copy.deepcopy(MINIMAL)
    del data["ladder"]
    data["tracks"] = TRACKS
    return read(data)


def test_each_rung_reads_its_own_number_else_the_nearest_lower_rungs():
    got = tracked()
    at = got["plan"].index
    a, b = got["a"], got["b"]
    assert a.rungs == ("r0", "r1", "r2", "r3", "r4") and a.name == "a"
    assert a.cost == tuple(at[f"tracks.a.r{i}.cost"] for i in range(5))
    stay = at["tracks.a.r0.stay_probability"]
    tolerance = at["tracks.a.r0.bridge_tolerance_days"]
    assert a.held["stay"] == (stay,) * 5
    assert a.held["tolerance"] == (tolerance,) * 5
    assert b.held["stay"] == (None, at["tracks.b.s1.stay_probability"])
    assert b.held["tolerance"] == (None, None) and b.held["interval"] == (None, None)


def test_a_rung_without_recurring_exercises_has_no_cadence_and_passes_that_up():
    """r2 says recurring: false (no cadence, though r1's would be inherited); r3 inherits
    that; r4 says recurring: true again and takes the nearest cadence below, r1's."""
    got = tracked()
    at = got["plan"].index
    r0, r1 = at["tracks.a.r0.exercise_interval_days"], at["tracks.a.r1.exercise_interval_days"]
    assert got["a"].held["interval"] == (r0, r1, math.inf, math.inf, r1)


def test_flags_deliveries_and_bases_are_read_per_rung():
    got = tracked()
    at = got["plan"].index
    a, b = got["a"], got["b"]
    assert a.held["standing"] == (False, False, True, False, False)
    assert a.basing_lead == (None, None, at["tracks.a.r2.basing_lead_time_days"], 0.0, None)
    (none, radar) = b.delivery
    assert none is None
    assert (radar.system, radar.lead, radar.controller) == (
        "radar",
        at["tracks.b.s1.delivers.lead_time_days"],
        "patron",
    )
    assert a.delivery == (None,) * 5


def test_a_tracks_priority_and_reversal_are_its_own_or_the_defaults():
    got = tracked()
    at = got["plan"].index
    a, b = got["a"], got["b"]
    assert a.priority == at["tracks.a.priority"] and b.priority == at["tracks.b.priority"]
    assert a.hazard == at["tracks.a.reversal.hazard"]
    assert a.entrenchment_months == at["tracks.a.reversal.entrenchment_months"]
    assert (b.hazard, b.entrenchment_months) == (0.0, math.inf), "no reversal: permanent"


def test_a_ladder_has_no_priority_or_reversal_of_its_own():
    ladder = read(copy.deepcopy(MINIMAL))["ladder"]
    assert (ladder.priority, ladder.hazard, ladder.entrenchment_months) == (1.0, 0.0, math.inf)
    assert ladder.held["interval"][2] == ladder.held["interval"][1], "basing inherits"
