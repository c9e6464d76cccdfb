"""Two patrons competing for one client: a rival's presence gives the client an outside
option, which lowers the incumbent's leverage by the declared amount
(``outside_option``), and so the incumbent's chance of keeping its forces there.

The toy: the incumbent (`france`) exercises every 30 days and keeps its forces between
exercises with a chance that rises with its leverage; the rival (`russia`) holds a
standing presence from the start in about half the replicates (a starting rung drawn
with chance 1/2) and does nothing else. Nothing else links them: no concession feeds the
client's dependence, no request, no alliance, no protest. So with the outside option at
0 the incumbent's presence is the same whether the rival came or not, and at 0.8 it is
lower where the rival came; the tolerance is three standard errors of the difference of
two shares.
"""

from __future__ import annotations

import math

import yaml

from sim.engine.plan import Plan
from sim.scenario.loader import loads
from tests.helpers import outcomes_of


def toy(outside_option: float) -> dict:
    return {
        "metadata": {"name": "competition toy", "start_date": "2021-01-01", "horizon_months": 12},
        "outcomes": {"window_days": 60},
        "actors": [
            {
                "name": "france",
                "role": "patron",
                "params": {
                    "ambition": 0.0,
                    "leverage_base": 0.5,
                    "leverage_from_dependence": 0.5,
                    "stay_leverage_weight": 0.8,
                    "stay_entrenchment_weight": 0.0,
                },
            },
            {
                "name": "russia",
                "role": "patron",
                "params": {"ambition": 0.0},
                "start_rung": {"rung": "contract", "probability": 0.5, "source": "toy"},
            },
            {
                "name": "bamako",
                "role": "client_regime",
                "params": {
                    "outside_option": outside_option,
                    "dependence_from_concessions": 0.0,
                    "request_propensity": 0.0,
                },
            },
        ],
        "tracks": [
            {
                "name": "barkhane",
                "patron": "france",
                "rungs": [
                    {
                        "name": "exercises",
                        "cost": 0,
                        "exercise_interval_days": 30,
                        "stay_probability": 0.1,
                        "bridge_tolerance_days": 200,
                    },
                    {"name": "bases", "cost": 0.9, "basing": True},
                ],
            },
            {
                "name": "wagner",
                "patron": "russia",
                "rungs": [
                    {"name": "no_contract", "cost": 0},
                    {"name": "contract", "cost": 0.3, "standing": True},
                ],
            },
        ],
        "operations": {
            "recurring": [{"patron": "france", "duration_days": 5, "units": ["barkhane"]}]
        },
        "questions": [
            {
                "id": "rival_came",
                "question": "?",
                "metric": "present_in",
                "start": "2021-01-01",
                "end": "2021-06-30",
                "patron": "russia",
            },
            {
                "id": "incumbent_there",
                "question": "?",
                "metric": "presence_share",
                "start": "2021-10-01",
                "end": "2021-12-31",
                "at_least": 0.5,
                "patron": "france",
            },
        ],
    }


def split(outside_option: float, n: int = 3000) -> tuple[float, float, float]:
    """P(incumbent there | rival came), P(... | rival never came), and the standard error
    of their difference."""
    table = outcomes_of(Plan(loads(yaml.safe_dump(toy(outside_option)))), n, 21)
    came = table["question.rival_came"].to_numpy(bool)
    there = table["question.incumbent_there"].to_numpy(bool)
    a, b = there[came], there[~came]
    pa, pb = a.mean(), b.mean()
    se = math.sqrt(pa * (1 - pa) / len(a) + pb * (1 - pb) / len(b))
    assert 0.35 < came.mean() < 0.65, "the rival came in about half the histories"
    return pa, pb, se


def test_a_rivals_presence_lowers_the_incumbents_by_more_than_chance():
    with_rival, without, se = split(0.8)
    assert without - with_rival > 3 * se, (with_rival, without, se)


def test_with_no_outside_option_the_rival_changes_nothing_beyond_chance():
    with_rival, without, se = split(0.0)
    assert abs(without - with_rival) < 3 * se, (with_rival, without, se)


def test_the_outside_option_is_in_the_table_only_where_a_rival_can_use_it():
    """With one patron the parameter has nothing to act on: the table leaves it out (so it
    draws nothing and every other draw of a seed stays where it was) and the client runs
    at its default 0, unless the scenario sets it."""
    from sim.engine.draws import parameter_table
    from tests.conftest import MINIMAL

    two = loads(yaml.safe_dump(toy(0.3)))
    assert "actors.bamako.outside_option" in [e.path for e in parameter_table(two)]
    one = loads(yaml.safe_dump(MINIMAL))
    assert not any(e.path.endswith("outside_option") for e in parameter_table(one))
    plan = Plan(one)
    assert ("outside_option", "actors.client.outside_option") not in plan.param_paths["client"]
    data = {**MINIMAL, "actors": [dict(a) for a in MINIMAL["actors"]]}
    data["actors"][1] = {**data["actors"][1], "params": {"outside_option": 0.2}}
    set_ = loads(yaml.safe_dump(data))
    assert "actors.client.outside_option" in [e.path for e in parameter_table(set_)]
