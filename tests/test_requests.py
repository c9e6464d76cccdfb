"""The client's side of the bargain: requests, and control settled as a bargain."""

from __future__ import annotations

import copy
import math

import yaml

from sim.engine.plan import Plan
from sim.engine.replicate import outcome_record, run_replicates
from sim.scenario.loader import loads
from tests.conftest import MINIMAL


def plan_of(data: dict) -> Plan:
    return Plan(loads(yaml.safe_dump(data)))


def inviting(ambition: float = 1.0, leverage_base: float = 0.0) -> dict:
    """A regime in full crisis that asks every month; a patron that never demands on its
    own (no leverage from dependence) but takes requests up with its ambition."""
    d = copy.deepcopy(MINIMAL)
    d["actors"][0]["params"] = {
        "ambition": ambition,
        "leverage_base": leverage_base,
        "leverage_from_dependence": 0.0,
        "control_insistence": 0.9,
    }
    d["actors"][1]["params"] = {
        "vulnerability_base": 1.0,
        "request_propensity": 1.0,
        "control_insistence": 0.9,
        "initial_dependence": 1.0,
        "dependence_from_vulnerability": 1.0,
    }
    d["ladder"].insert(2, {"name": "air_defence", "cost": 0.3, "settles_control": True})
    d["operations"]["summits"] = []  # a summit is a demand; this patron only answers
    return d


def test_zero_request_propensity_draws_nothing_and_changes_nothing():
    explicit = copy.deepcopy(MINIMAL)
    explicit["actors"][1]["params"]["request_propensity"] = 0.0
    a = run_replicates(plan_of(MINIMAL), 3, 0, 30)
    b = run_replicates(plan_of(explicit), 3, 0, 30)
    for x, y in zip(a, b, strict=True):
        assert x.ledger.events == y.ledger.events


def test_a_regime_in_full_crisis_asks_and_a_patron_with_no_leverage_still_comes_in():
    plan = plan_of(inviting())
    for run in run_replicates(plan, 5, 0, 20):
        kinds = [e.kind for e in run.ledger.events]
        assert kinds.count("request") >= 1
        # no demand of its own: every rung came by request (or the bargain failed)
        assert "concession_refused" not in kinds
        assert outcome_record(plan, run)["highest.ladder"] >= 1


def test_a_patron_without_ambition_refuses_every_request():
    plan = plan_of(inviting(ambition=0.0))
    for run in run_replicates(plan, 5, 0, 10):
        kinds = [e.kind for e in run.ledger.events]
        assert "request_refused" in kinds and "concession" not in kinds


def test_control_settles_toward_the_patron_as_its_leverage_grows():
    """Same seeds (common random numbers), leverage 0 against 0.9: the share of control
    bargains the patron wins rises, beyond three standard errors."""
    shares = []
    for leverage in (0.0, 0.9):
        plan = plan_of(inviting(leverage_base=leverage))
        wins = total = 0
        for run in run_replicates(plan, 11, 0, 300):
            for c in run.ledger.concessions:
                if c.controller is not None:
                    total += 1
                    wins += c.controller == "patron"
            total += sum(e.kind == "bargain_failed" for e in run.ledger.events)
        shares.append((wins / total, total))
    (p0, n0), (p1, n1) = shares
    se = math.sqrt(p0 * (1 - p0) / n0 + p1 * (1 - p1) / n1)
    assert p1 - p0 > 3 * se


def test_a_later_settlement_renegotiates_control_of_delivered_systems():
    """Rung 1 delivers a system and settles control; rung 2 settles control again. Where
    the two settlements differ, the delivered system changes hands on rung 2's day, and
    its patron crews arrive or leave with it."""
    d = copy.deepcopy(MINIMAL)
    d["actors"][0]["params"] = {"ambition": 1.0, "leverage_base": 1.0, "control_insistence": 0.5}
    d["actors"][1]["params"] = {
        "sovereignty_resistance": 0.0,
        "control_insistence": 0.0,
        "initial_dependence": 1.0,
    }
    d["ladder"] = [
        d["ladder"][0],
        {
            "name": "air_defence",
            "cost": 0.0,
            "settles_control": True,
            "delivers": {"system": "S-400", "lead_time_days": 1},
        },
        {"name": "command", "cost": 0.0, "settles_control": True},
    ]
    plan = plan_of(d)
    changed = 0
    for run in run_replicates(plan, 13, 0, 200):
        settled = [c for c in run.ledger.concessions if c.controller is not None]
        records = [s for s in run.ledger.systems if s.name == "S-400"]
        if len(settled) == 2 and records:
            first, second = (c.controller for c in settled)
            assert records[-1].controller == second  # the latest settlement holds
            assert [r.end for r in records].count(None) == 1  # one record holds at a time
            if first != second:
                changed += 1
                assert records[-1].day == max(settled[1].day, records[0].day)
                crews = [st for st in run.ledger.spans if st.holder == "crews:S-400"]
                assert bool(crews) and (crews[-1].end == plan.n_days) == (second == "patron")
    assert changed > 0
