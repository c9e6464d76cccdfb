"""One replicate from its index: seeds, parameter draws, the run, and its outcome record.

The replicate's generator is ``SeedSequence(root).spawn(n)[index]``, built directly as
``SeedSequence(root, spawn_key=(index,))`` (the same object, without spawning the other
n - 1). It spawns two streams: one for the parameter draws, one for the dynamics (whose
named substreams are :mod:`sim.engine.streams`), so that changing a parameter's
distribution never shifts the random numbers of the dynamics.
"""

from __future__ import annotations

import contextlib
import gc
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.engine.draws import draw
from sim.engine.events import check_of
from sim.engine.ledger import Ledger
from sim.engine.model import WargameModel
from sim.engine.outcomes import Facts
from sim.engine.plan import Plan
from sim.engine.state import State, capture, restore
from sim.engine.streams import Streams
from sim.scenario import paths
from sim.scenario.errors import ReplicateFailure
from sim.scenario.outcomes import OUTCOMES


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
    values: np.ndarray  # in the order of the run's plan (with readings, the union's)
    ledger: Ledger
    trajectory: np.ndarray  # months x state columns
    plan: Plan | None = None  # the plan it ran, where readings made it a variant's


def plan_of(plan: Plan, run: ReplicateRun) -> Plan:
    """The plan whose definitions (outcomes, judgments, questions) score `run`."""
    return run.plan if run.plan is not None else plan


def draw_values(plan: Plan, root: int, start: int, stop: int) -> tuple[np.ndarray, list]:
    """Parameter values of replicates [start, stop) (the quantile functions are
    vectorised over them) and each one's dynamics generator."""
    streams = [replicate_streams(root, i) for i in range(start, stop)]
    width = plan.n_uniforms
    uniforms = np.array([p.random(width) for p, _ in streams]).reshape(-1, width)
    index = np.arange(start, stop)
    if plan.mixture is not None:
        values, _ = plan.mixture.draw(
            uniforms[:, plan.uniform_columns], index, uniforms[:, -1], plan.rows, plan.row_columns
        )
        return values, [d for _, d in streams]
    values = draw(plan.table, uniforms[:, plan.uniform_columns])
    if plan.rows is not None:
        plan.rows.apply(values, index, uniforms[:, -1], plan.row_columns)
    return values, [d for _, d in streams]


def start_replicate(
    plan: Plan, values: np.ndarray, dynamics: np.random.Generator, events: bool = True
) -> WargameModel:
    """The replicate on its start date, ready to run (or to be captured); with readings,
    the variant its values name (``model.plan``)."""
    seed = dynamics.bit_generator.seed_seq
    if not isinstance(seed, np.random.SeedSequence):  # pragma: no cover - draws make them so
        raise TypeError("a replicate's dynamics generator must come from a SeedSequence")
    streams = Streams.of(seed)
    return WargameModel.fresh(plan, values, streams, record_events=events, rng=dynamics)


def finish(index: int, values: np.ndarray, model: WargameModel) -> ReplicateRun:
    """Run `model` to the horizon, keep what it produced and take it apart
    (:meth:`WargameModel.dispose`)."""
    done = ReplicateRun(index, values, model.run(), model.trajectory, model.plan)
    model.dispose()
    return done


def state_on(
    plan: Plan, root: int, index: int, day: int, events: bool = True
) -> tuple[np.ndarray, State]:
    """Replicate `index`'s parameter values and its state at the start of `day`
    (:func:`sim.engine.state.capture`): what a branch resumes from."""
    values, dynamics = draw_values(plan, root, index, index + 1)
    model = start_replicate(plan, values[0], dynamics[0], events)
    model.run_until(day)
    state = capture(model)
    model.dispose()
    return values[0], state


def resume(
    plan: Plan, index: int, values: np.ndarray, state: State, streams: Streams | None = None
) -> ReplicateRun:
    """Run a replicate on from `state` to the horizon: exactly as the original would have
    with the streams the state recorded, or with new random numbers from `streams`."""
    return finish(index, values, restore(plan, values, state, streams))


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
    with _collected_in_batches() as collect:
        for k, dyn in enumerate(dynamics):
            try:
                model = start_replicate(plan, values[k], dyn, events)
                runs.append(finish(start + k, values[k], model))
            except Exception as e:
                raise ReplicateFailure(start + k, root, f"{type(e).__name__}: {e}") from e
            collect(k)
    return runs


GC_BATCH = 64  # replicates between collections of their garbage


@contextlib.contextmanager
def _collected_in_batches():
    """Collect the replicates' cyclic garbage every :data:`GC_BATCH` replicates instead
    of letting the collector run every few hundred allocations.

    A finished replicate is taken apart (:meth:`WargameModel.dispose`), so reference
    counting frees it and a collection finds almost nothing; the automatic collector
    would still traverse every young object each few hundred allocations. Collecting the
    youngest generation once a batch catches whatever a scenario leaves circular, at a
    few microseconds per replicate. Nothing collected affects any result.
    """
    was_enabled = gc.isenabled()
    gc.disable()

    def collect(k: int) -> None:
        if k % GC_BATCH == GC_BATCH - 1:
            gc.collect(0)

    try:
        yield collect
    finally:
        gc.collect(0)
        if was_enabled:
            gc.enable()


def outcome_holds(plan: Plan, run: ReplicateRun, outcome: str) -> bool:
    """Whether one outcome holds at the horizon, or a question or judgment (by its
    column, ``question.<id>`` / ``judgment.<id>``) came true: the same answer as
    :func:`outcome_record`'s column, computing only what it needs (a sweep reads one flag
    per replicate)."""
    plan = plan_of(plan, run)
    facts = Facts(plan.scenario, run.ledger)
    name, patron = paths.outcome_parts(outcome)
    if name in OUTCOMES:  # an outcome, any patron's or one patron's
        return facts.of_patron(patron).at(name, plan.n_days - 1)
    kind = name
    checks = dict(_event_checks(plan).get(kind, []))
    if outcome not in checks:
        raise KeyError(f"nothing called {outcome!r} to measure")
    return bool(checks[outcome](facts))


def outcome_record(plan: Plan, run: ReplicateRun) -> dict[str, Any]:
    """The replicate's outcomes as one flat row (days are offsets; None = censored)."""
    return record_of(plan, run, Facts(plan_of(plan, run).scenario, run.ledger))


def daily(plan: Plan, facts: Facts) -> np.ndarray:
    """(curves, days) booleans, one row per :attr:`Plan.daily_views`: forces present,
    and persistent presence as of each day (any patron's, then each patron's)."""
    rows = []
    for column, patron in plan.daily_views:
        view = facts.of_patron(patron)
        rows.append(view.present if column.startswith("present") else view.daily("persistent"))
    return np.stack(rows)


def record_of(plan: Plan, run: ReplicateRun, facts: Facts) -> dict[str, Any]:
    """:func:`outcome_record` from facts already computed; with readings, the option
    of each the replicate drew (``reading.<name>``)."""
    record: dict[str, Any] = {"replicate": run.index}
    for k, r in enumerate(plan.scenario.readings):
        record[paths.reading(r.name)] = r.options[int(run.values[k])].name
    plan = plan_of(plan, run)
    s = plan.scenario
    last = plan.n_days - 1
    for column, day_column, name, patron in plan.outcome_views:
        mine = facts if patron is None else facts.of_patron(patron)
        record[column] = mine.at(name, last)
        record[day_column] = mine.outcome_day(name)
    days = facts.days_per_month(plan.months).tolist()
    record["presence_days"] = sum(days)
    record["presence_days_by_month"] = days
    record["presence_share_by_month"] = [
        round(d / n, 4) for d, n in zip(days, plan.month_lengths, strict=True)
    ]
    final, highest = facts.final_levels, facts.highest_levels
    for track in plan.track_names:
        record[paths.rung(track)] = final.get(track, 0)
        record[paths.highest(track)] = highest.get(track, 0)
    systems = facts.systems_at_horizon()
    record["systems_patron_controlled"] = systems["patron"]
    record["systems_client_controlled"] = systems["client"]
    checks = _event_checks(plan)
    for column, check in checks["judgment"]:
        record[column] = check(facts)
    for column, given_column, given in checks["condition"]:
        # a conditional judgment counts where both hold, among the rows where `given` does
        record[given_column] = given(facts)
        record[column] = record[column] and record[given_column]
    for column, check in checks["question"]:
        record[column] = check(facts)
    if s.observations:
        seen = [check(facts) == value for (column, check), value in checks["observation"]]
        for ((column, _), _), agrees in zip(checks["observation"], seen, strict=True):
            record[column] = agrees
        record["consistent"] = all(seen)
    return record


def _event_checks(plan: Plan) -> dict[str, list]:
    """The scenario's judgments, questions and observations compiled once per plan (and
    per process: the cache does not pickle): ``(column, check)`` pairs, and for
    observations ``((column, check), value)``."""
    cached = plan.__dict__.get("_compiled_checks")
    if cached is None:
        s = plan.scenario
        cached = plan.__dict__["_compiled_checks"] = {
            "judgment": [(paths.judgment(j.id), check_of(plan, j)) for j in s.judgments],
            "condition": [
                (paths.judgment(j.id), paths.judgment_given(j.id), check_of(plan, j.given))
                for j in s.judgments
                if j.given is not None
            ],
            "question": [(paths.question(q.id), check_of(plan, q)) for q in s.questions],
            "observation": [
                ((paths.observation(o.id), check_of(plan, o)), o.value) for o in s.observations
            ],
        }
    return cached
