"""One replicate from its index: seeds, parameter draws, the run, and its outcome record.

The replicate's generator is ``SeedSequence(root).spawn(n)[index]``, built directly as
``SeedSequence(root, spawn_key=(index,))`` (the same object, without spawning the other
n - 1). It spawns two streams: one for the parameter draws, one for the dynamics, so that
changing a parameter's distribution never shifts the random numbers of the dynamics.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.engine import outcomes as oc
from sim.engine.draws import draw
from sim.engine.events import Facts, holds
from sim.engine.ledger import Ledger
from sim.engine.model import WargameModel
from sim.engine.plan import Plan
from sim.scenario.errors import ReplicateFailure


def seed_sequence(root: int, index: int) -> np.random.SeedSequence:
    """The replicate's seed sequence: child `index` of the root sequence."""
    return np.random.SeedSequence(root, spawn_key=(index,))


def replicate_streams(root: int, index: int) -> tuple[np.random.Generator, np.random.Generator]:
    """(parameter generator, dynamics generator) for one replicate."""
    params, dynamics = seed_sequence(root, index).spawn(2)
    return np.random.default_rng(params), np.random.default_rng(dynamics)


@dataclass
class ReplicateRun:
    index: int
    values: np.ndarray
    ledger: Ledger
    trajectory: np.ndarray  # months x state columns


def run_replicate(plan: Plan, root: int, index: int) -> ReplicateRun:
    """Draw the replicate's parameters and simulate it to the horizon."""
    return run_replicates(plan, root, index, index + 1)[0]


def run_replicates(
    plan: Plan, root: int, start: int, stop: int, events: bool = True
) -> list[ReplicateRun]:
    """Replicates [start, stop): parameters drawn for all of them at once (the quantile
    functions are vectorised), then each simulated with its own dynamics stream.

    With `events` false the ledgers keep no timeline: the outcomes are the same, and a run
    that stores no events table skips the cost of writing one down.
    """
    streams = [replicate_streams(root, i) for i in range(start, stop)]
    width = plan.n_uniforms
    uniforms = np.array([p.random(width) for p, _ in streams]).reshape(-1, width)
    values = draw(plan.table, uniforms[:, : plan.n_params])
    if plan.rows is not None:
        index = np.arange(start, stop)
        plan.rows.apply(values, index, uniforms[:, -1], plan.row_columns)
    runs = []
    for k, (_, dyn_rng) in enumerate(streams):
        try:
            model = WargameModel(plan, values[k], dyn_rng, record_events=events)
            runs.append(ReplicateRun(start + k, values[k], model.run(), model.trajectory))
        except Exception as e:
            raise ReplicateFailure(start + k, root, f"{type(e).__name__}: {e}") from e
    return runs


def outcome_holds(plan: Plan, run: ReplicateRun, outcome: str) -> bool:
    """Whether one outcome (continuous, basing, persistent) held by the horizon: the same
    answer as :func:`outcome_record`'s column, computing only what that needs (a sweep
    reads one flag per replicate)."""
    s, ledger = plan.scenario, run.ledger
    if outcome in ("basing", "persistent"):
        if oc.first_basing_day(ledger, s.host, s.outcomes.basing_from) is not None:
            return True
        if outcome == "basing":
            return False
    present = oc.daily_presence(ledger, s.host)
    return (
        oc.first_continuous_day(present, s.outcomes.window_days, s.outcomes.threshold) is not None
    )


def outcome_record(plan: Plan, run: ReplicateRun) -> dict[str, Any]:
    """The replicate's outcomes as one flat row (days are offsets; None = censored)."""
    s, ledger = plan.scenario, run.ledger
    host = s.host
    present = oc.daily_presence(ledger, host)
    cont = oc.first_continuous_day(present, s.outcomes.window_days, s.outcomes.threshold)
    base = oc.first_basing_day(ledger, host, s.outcomes.basing_from)
    persist = oc.earliest(cont, base)
    top = oc.rung_by_day(ledger, host, plan.n_days)
    systems = oc.systems_by_controller(ledger, host)
    record: dict[str, Any] = {
        "replicate": run.index,
        "continuous": cont is not None,
        "basing": base is not None,
        "persistent": persist is not None,
        "continuous_day": cont,
        "basing_day": base,
        "persistent_day": persist,
        "presence_days": int(np.count_nonzero(present)),
        "presence_days_by_month": oc.days_per_month(present, plan.months).tolist(),
        "highest_rung": top,
        "highest_rung_name": s.ladder[top].name,
        "systems_patron_controlled": systems["patron"],
        "systems_client_controlled": systems["client"],
    }
    facts = Facts(ledger, present, {"continuous": cont, "basing": base, "persistent": persist})
    for j in s.judgments:
        record[f"judgment.{j.id}"] = holds(plan, j, facts)
    for q in s.questions:
        record[f"question.{q.id}"] = holds(plan, q, facts)
    if s.observations:
        seen = [holds(plan, o, facts) == o.value for o in s.observations]
        for o, agrees in zip(s.observations, seen, strict=True):
            record[f"observation.{o.id}"] = agrees
        record["consistent"] = all(seen)
    return record
