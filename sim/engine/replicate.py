"""One replicate from its index: seeds, parameter draws, the run, and its outcome record.

The replicate's generator is ``SeedSequence(root).spawn(n)[index]``, built directly as
``SeedSequence(root, spawn_key=(index,))`` (the same object, without spawning the other
n - 1). It spawns two streams: one for the parameter draws, one for the dynamics (whose
named substreams are :mod:`sim.engine.streams`), so that changing a parameter's
distribution never shifts the random numbers of the dynamics.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.engine.draws import draw
from sim.engine.events import holds
from sim.engine.ledger import Ledger
from sim.engine.model import WargameModel
from sim.engine.outcomes import OUTCOMES, Facts
from sim.engine.plan import Plan
from sim.engine.state import State, capture, restore
from sim.engine.streams import Streams
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


def draw_values(plan: Plan, root: int, start: int, stop: int) -> tuple[np.ndarray, list]:
    """Parameter values of replicates [start, stop) (the quantile functions are
    vectorised over them) and each one's dynamics generator."""
    streams = [replicate_streams(root, i) for i in range(start, stop)]
    width = plan.n_uniforms
    uniforms = np.array([p.random(width) for p, _ in streams]).reshape(-1, width)
    values = draw(plan.table, uniforms[:, plan.uniform_columns])
    if plan.rows is not None:
        index = np.arange(start, stop)
        plan.rows.apply(values, index, uniforms[:, -1], plan.row_columns)
    return values, [d for _, d in streams]


def start_replicate(
    plan: Plan, values: np.ndarray, dynamics: np.random.Generator, events: bool = True
) -> WargameModel:
    """The replicate on its start date, ready to run (or to be captured)."""
    streams = Streams.of(dynamics.bit_generator.seed_seq)  # type: ignore[attr-defined]
    return WargameModel.fresh(plan, values, streams, record_events=events, rng=dynamics)


def state_on(
    plan: Plan, root: int, index: int, day: int, events: bool = True
) -> tuple[np.ndarray, State]:
    """Replicate `index`'s parameter values and its state at the start of `day`
    (:func:`sim.engine.state.capture`): what a branch resumes from."""
    values, dynamics = draw_values(plan, root, index, index + 1)
    model = start_replicate(plan, values[0], dynamics[0], events)
    model.run_until(day)
    return values[0], capture(model)


def resume(
    plan: Plan, index: int, values: np.ndarray, state: State, streams: Streams | None = None
) -> ReplicateRun:
    """Run a replicate on from `state` to the horizon: exactly as the original would have
    with the streams the state recorded, or with new random numbers from `streams`."""
    model = restore(plan, values, state, streams)
    return ReplicateRun(index, values, model.run(), model.trajectory)


def run_replicate(plan: Plan, root: int, index: int) -> ReplicateRun:
    """Draw the replicate's parameters and simulate it to the horizon."""
    return run_replicates(plan, root, index, index + 1)[0]


def run_replicates(
    plan: Plan, root: int, start: int, stop: int, events: bool = True
) -> list[ReplicateRun]:
    """Replicates [start, stop), each simulated with its own dynamics streams.

    With `events` false the ledgers keep no timeline: the outcomes are the same, and a run
    that stores no events table skips the cost of writing one down.
    """
    values, dynamics = draw_values(plan, root, start, stop)
    runs = []
    for k, dyn in enumerate(dynamics):
        try:
            model = start_replicate(plan, values[k], dyn, events)
            runs.append(ReplicateRun(start + k, values[k], model.run(), model.trajectory))
        except Exception as e:
            raise ReplicateFailure(start + k, root, f"{type(e).__name__}: {e}") from e
    return runs


def outcome_holds(plan: Plan, run: ReplicateRun, outcome: str) -> bool:
    """Whether one outcome holds at the horizon: the same answer as
    :func:`outcome_record`'s column, computing only what it needs (a sweep reads one flag
    per replicate)."""
    return Facts(plan.scenario, run.ledger).at(outcome, plan.n_days - 1)


def outcome_record(plan: Plan, run: ReplicateRun) -> dict[str, Any]:
    """The replicate's outcomes as one flat row (days are offsets; None = censored)."""
    return record_of(plan, run, Facts(plan.scenario, run.ledger))


def daily(facts: Facts) -> np.ndarray:
    """(2, days) booleans: forces present, and persistent presence as of each day."""
    return np.stack([facts.present, facts.daily("persistent")])


def record_of(plan: Plan, run: ReplicateRun, facts: Facts) -> dict[str, Any]:
    """:func:`outcome_record` from facts already computed."""
    s = plan.scenario
    record: dict[str, Any] = {"replicate": run.index}
    for name in OUTCOMES:
        record[name] = facts.at(name, plan.n_days - 1)
        record[f"{name}_day"] = facts.outcome_day(name)
    days = facts.days_per_month(plan.months)
    lengths = np.diff(plan.months)
    record["presence_days"] = int(np.count_nonzero(facts.present))
    record["presence_days_by_month"] = days.tolist()
    record["presence_share_by_month"] = np.round(days / lengths, 4).tolist()
    for track in plan.track_names:
        record[f"rung.{track}"] = facts.level_on(track, plan.n_days - 1)
        record[f"highest.{track}"] = facts.highest(track)
    systems = facts.systems_at_horizon()
    record["systems_patron_controlled"] = systems["patron"]
    record["systems_client_controlled"] = systems["client"]
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
