"""What the model remembers, and what it must not depend on.

* **Memory**: with entrenchment on, forces present on day t make presence on day t + 180
  likelier; with it off, the two days are independent. Tolerances are three standard
  errors of the difference of the two conditional shares (Monte Carlo error).
* **Reversal**: with a constant hazard h a granted rung is lost after a geometric number
  of months, with mean 1/h (within three standard errors of the sample mean).
* **Rescheduling**: a concession that shortens the cadence rebooks the exercise already
  booked at the old one.
* **Invariance**: unit labels are bookkeeping; renaming, merging or splitting them changes
  no outcome.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import yaml

from sim.engine.outcomes import Facts
from sim.engine.plan import Plan
from sim.engine.replicate import outcome_record, run_replicates
from sim.scenario.loader import load, loads
from tests.conftest import BELARUS


def memory_toy(entrenchment_weight: float) -> Plan:
    """Monthly-ish one-day exercises; between them the patron keeps its forces with chance
    0.1 + weight x entrenchment (a gap is short against the tolerance). No parameter is
    drawn, so nothing but the dynamics links two days of a replicate."""
    data = {
        "metadata": {"name": "memory toy", "start_date": "2020-01-01", "horizon_months": 24},
        "actors": [
            {
                "name": "patron",
                "role": "patron",
                "params": {
                    "ambition": 0.0,
                    "stay_leverage_weight": 0.0,
                    "stay_entrenchment_weight": entrenchment_weight,
                    "entrenchment_window_days": 60,
                },
            },
            {"name": "client", "role": "client_regime"},
        ],
        "ladder": [
            {
                "name": "status_quo",
                "cost": 0,
                "exercise_interval_days": 12,
                "stay_probability": 0.1,
                "bridge_tolerance_days": 1000,
            },
            {"name": "never", "cost": 1.0},
        ],
        "operations": {
            "recurring": [{"patron": "patron", "duration_days": 1, "jitter": 0.9, "units": ["u"]}]
        },
    }
    return Plan(loads(yaml.safe_dump(data)))


def conditional_presence(plan: Plan, n: int, t: int, lag: int = 180):
    """(P(present on t + lag | present on t), P(... | not), standard error of the difference)."""
    runs = run_replicates(plan, 7, 0, n, events=False)
    present = np.array([Facts(plan.scenario, r.ledger).present for r in runs])
    a, b = present[:, t], present[:, t + lag]
    p1, p0 = b[a].mean(), b[~a].mean()
    se = math.sqrt(p1 * (1 - p1) / a.sum() + p0 * (1 - p0) / (~a).sum())
    return p1, p0, se


def test_with_entrenchment_presence_today_makes_presence_later_likelier():
    p1, p0, se = conditional_presence(memory_toy(0.85), 2000, 300)
    assert p1 - p0 > 3 * se, (p1, p0, se)


def test_without_entrenchment_presence_today_says_nothing_about_later():
    p1, p0, se = conditional_presence(memory_toy(0.0), 2000, 300)
    assert abs(p1 - p0) < 3 * se, (p1, p0, se)


def reversal_toy(hazard: float) -> Plan:
    """A rung held from the start, lost with a constant monthly hazard (no leverage, an
    entrenchment time far beyond the horizon), never pressed again."""
    data = {
        "metadata": {"name": "reversal toy", "start_date": "2020-01-01", "horizon_months": 120},
        "actors": [
            {
                "name": "patron",
                "role": "patron",
                "params": {"ambition": 0.0, "leverage_base": 0.0, "leverage_from_dependence": 0.0},
                "start_rung": {"rung": "granted", "source": "t"},
            },
            {"name": "client", "role": "client_regime"},
        ],
        "tracks": [
            {
                "name": "only",
                "reversal": {"hazard": hazard, "entrenchment_months": 1.0e9},
                "rungs": [{"name": "none", "cost": 0}, {"name": "granted", "cost": 0.5}],
            }
        ],
    }
    return Plan(loads(yaml.safe_dump(data)))


def test_a_constant_hazard_reverses_at_the_analytic_rate():
    h, n = 0.1, 2000
    plan = reversal_toy(h)
    months = []
    for run in run_replicates(plan, 3, 0, n, events=False):
        (lost,) = [c.day for c in run.ledger.concessions if not c.up]
        months.append(plan.months.index(lost))  # reversals are checked at month starts
    months = np.asarray(months, dtype=float)
    se = months.std(ddof=1) / math.sqrt(n)
    assert abs(months.mean() - 1 / h) < 3 * se, (months.mean(), se)


def test_a_track_without_reversal_never_loses_a_rung():
    plan = reversal_toy(0.1)
    data = plan.scenario.model_dump(mode="json", exclude_none=True)
    data["tracks"][0].pop("reversal")
    sticky = Plan(loads(yaml.safe_dump(data)))
    for run in run_replicates(sticky, 3, 0, 50, events=False):
        assert all(c.up for c in run.ledger.concessions)


def test_a_faster_cadence_rebooks_the_next_operation():
    """A status quo with one exercise every ten years, granted a 30-day cadence on day 20
    (a summit implements it): the next exercise starts within 30 days of the grant."""
    data = {
        "metadata": {"name": "cadence toy", "start_date": "2020-01-01", "horizon_months": 6},
        "actors": [
            {"name": "patron", "role": "patron", "params": {"ambition": 0.0}},
            {"name": "client", "role": "client_regime"},
        ],
        "ladder": [
            {
                "name": "rare",
                "cost": 0,
                "exercise_interval_days": 3650,
                "stay_probability": 0.0,
                "bridge_tolerance_days": 1,
            },
            {"name": "monthly", "cost": 0.1, "exercise_interval_days": 30},
        ],
        "operations": {
            "recurring": [{"patron": "patron", "duration_days": 10, "units": ["u"]}],
            "summits": [
                {
                    "name": "grant",
                    "date": "2020-01-21",
                    "patron": "patron",
                    "effect": "implements",
                    "rung": "monthly",
                },
            ],
        },
    }
    plan = Plan(loads(yaml.safe_dump(data)))
    for run in run_replicates(plan, 5, 0, 50):
        grant = next(c.day for c in run.ledger.concessions if c.up)
        starts = sorted(d for _, _, d in run.ledger.exercises)
        assert grant == 20 and starts and grant <= starts[0] <= grant + 30
        assert all(b - a <= 30 + 10 for a, b in itertools.pairwise(starts))


# ----------------------------------------------------------------------- invariance


def relabelled(change) -> Plan:
    data = yaml.safe_load(BELARUS.read_text())
    change(data["operations"])
    return Plan(loads(yaml.safe_dump(data), name=str(BELARUS)))


def _rename(ops):
    for ex in (*ops["exercises"], *ops["recurring"]):
        ex["units"] = [f"renamed {u}" for u in ex["units"]]


def _merge(ops):
    label = ops["exercises"][0]["units"][0]  # the 76th's elements
    for ex in (*ops["exercises"][1:], *ops["recurring"]):
        ex["units"] = [label]


def _split(ops):
    for ex in (*ops["exercises"], *ops["recurring"]):
        ex["units"] = [f"{u} (first half)" for u in ex["units"]] + [
            f"{u} (second half)" for u in ex["units"]
        ]


@pytest.mark.parametrize("change", [_rename, _merge, _split], ids=["rename", "merge", "split"])
def test_unit_labels_never_change_an_outcome(change):
    base, other = Plan(load(BELARUS)), relabelled(change)
    a = run_replicates(base, 11, 0, 150)
    b = run_replicates(other, 11, 0, 150)
    for x, y in zip(a, b, strict=True):
        assert outcome_record(base, x) == outcome_record(other, y)
        assert x.ledger.spans == y.ledger.spans
        assert x.trajectory.tobytes() == y.trajectory.tobytes()
    assert {s.holder for r in b for s in r.ledger.labels} != {
        s.holder for r in a for s in r.ledger.labels
    }  # the labels did change


def test_the_order_actors_are_listed_in_never_changes_an_outcome():
    data = yaml.safe_load(BELARUS.read_text())
    data["actors"] = data["actors"][::-1]
    other = Plan(loads(yaml.safe_dump(data), name=str(BELARUS)))
    base = Plan(load(BELARUS))
    for x, y in zip(run_replicates(base, 11, 0, 60), run_replicates(other, 11, 0, 60), strict=True):
        assert outcome_record(base, x) == outcome_record(other, y)
