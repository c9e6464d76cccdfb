"""Monte Carlo: run many replicates of a plan, in chunks, on one or more processes.

Replicate `i` always uses the same seed stream (:mod:`sim.replicate`) and rows are put
back in replicate order, so the results do not depend on the number of workers.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.plan import Plan
from sim.replicate import outcome_record, run_replicate

Progress = Callable[[int], None]


@dataclass
class MonteCarloResult:
    """Per-replicate outcomes and sampled parameters of one run."""

    plan: Plan
    seed: int
    replicates: int
    outcomes: pd.DataFrame
    parameters: pd.DataFrame
    wall_seconds: float

    @property
    def replicates_per_second(self) -> float:
        return self.replicates / self.wall_seconds if self.wall_seconds > 0 else float("inf")


def run_chunk(plan: Plan, seed: int, start: int, stop: int) -> tuple[list[dict], np.ndarray]:
    """Run replicates [start, stop): their outcome rows and parameter values."""
    rows, values = [], np.empty((stop - start, plan.n_params))
    for k, i in enumerate(range(start, stop)):
        run = run_replicate(plan, seed, i)
        rows.append(outcome_record(plan, run))
        values[k] = run.values
    return rows, values


_WORKER_PLAN: Plan | None = None


def _init_worker(plan: Plan) -> None:
    global _WORKER_PLAN
    _WORKER_PLAN = plan


def _worker_chunk(seed: int, start: int, stop: int) -> tuple[list[dict], np.ndarray]:
    assert _WORKER_PLAN is not None
    return run_chunk(_WORKER_PLAN, seed, start, stop)


def chunks(n: int, workers: int) -> list[tuple[int, int]]:
    """Split [0, n) into contiguous chunks: several per worker, at most 500 replicates."""
    size = max(1, min(500, -(-n // (workers * 8))))
    return [(a, min(a + size, n)) for a in range(0, n, size)]


def _results(
    plan: Plan, seed: int, n: int, workers: int
) -> Iterator[tuple[int, tuple[list[dict], np.ndarray]]]:
    parts = chunks(n, workers)
    if workers <= 1:
        for k, (a, b) in enumerate(parts):
            yield k, run_chunk(plan, seed, a, b)
        return
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(plan,)) as pool:
        futures = {pool.submit(_worker_chunk, seed, a, b): k for k, (a, b) in enumerate(parts)}
        for fut in as_completed(futures):
            yield futures[fut], fut.result()


def monte_carlo(
    plan: Plan, replicates: int, seed: int, workers: int = 1, progress: Progress | None = None
) -> MonteCarloResult:
    """Run `replicates` replicates from root `seed` on `workers` processes."""
    t0 = time.perf_counter()
    done: dict[int, tuple[list[dict], np.ndarray]] = {}
    for k, part in _results(plan, seed, replicates, workers):
        done[k] = part
        if progress:
            progress(len(part[0]))
    rows = [r for k in sorted(done) for r in done[k][0]]
    values = np.vstack([done[k][1] for k in sorted(done)]) if done else np.empty((0, 0))
    wall = time.perf_counter() - t0
    return MonteCarloResult(
        plan, seed, replicates, outcomes_frame(rows), parameters_frame(plan, values), wall
    )


def outcomes_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Outcome rows as a typed DataFrame (censored days are <NA>)."""
    df = pd.DataFrame(rows)
    for col in ("continuous_day", "basing_day", "persistent_day"):
        df[col] = df[col].astype("Int32")
    return df


def parameters_frame(plan: Plan, values: np.ndarray) -> pd.DataFrame:
    """Sampled parameters, one row per replicate, one column per parameter path."""
    df = pd.DataFrame(values, columns=plan.paths)
    df.insert(0, "replicate", np.arange(len(df), dtype=np.int64))
    return df
