"""One way to run a store's replicates under its observations, for every command.

``run``, ``track`` and ``signposts`` fill a run folder through :func:`run_store`: plain
(every replicate, rejection by the ``consistent`` column) or by branching at the
observation dates (:mod:`sim.runs.branching`), chosen by ``--conditioning`` and recorded
in the manifest so a resumed run goes on the way it started.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.engine.plan import Plan
from sim.runs.branching import Branching, finish_chunk, wants_branching, with_eve_intervals
from sim.runs.folder import write_bytes_atomic, write_json_atomic
from sim.runs.run_summary import BranchingRecord, read_summary
from sim.runs.runner import default_chunk, run_to_store
from sim.scenario.errors import NoForecast

if TYPE_CHECKING:
    from sim.runs.executor import Executor
    from sim.runs.store import RunStore
    from sim.scenario.schema import Scenario

#: ``bar(total, desc, unit)``: a progress callback for a phase, or None (a Session's).
Bars = Callable[..., Any]


#: Each final particle's original replicate, by replicate index (a branching run's).
ORIGINS = Path("branching") / "origins.json"


def origins_of(run: Path) -> np.ndarray | None:
    """The original replicate of each of a run folder's replicates where it was
    conditioned by branching (copies of one history share one), else None."""
    file = run / ORIGINS
    return np.array(json.loads(file.read_text()), dtype=np.int64) if file.is_file() else None


def branching_wanted(conditioning: str, plan: Plan, store: RunStore) -> bool:
    """Whether to condition by branching: as asked, or as the run being resumed did."""
    if "conditioning" in store.manifest:
        return store.manifest["conditioning"] == "branching"
    if not plan.scenario.observations or conditioning == "reject":
        return False
    return conditioning == "branch" or wants_branching(plan)


def run_lean(
    path: Path,
    scenario_file: Path,
    scenario: Scenario,
    seed: int,
    replicates: int,
    executor: Executor | int,
    bar: Bars,
    conditioning: str,
) -> RunStore:
    """A run folder of `scenario` without trajectories or events (what an analysis reads
    its outcome table from), made or taken up where a previous attempt left it, and run
    by :func:`run_store`."""
    from sim.runs.store import RunStore

    store = RunStore.reuse_or_create(
        path,
        scenario_file=scenario_file,
        scenario=scenario,
        seed=seed,
        replicates=replicates,
        chunk_size=default_chunk(replicates),
        detail=False,
    )
    run_store(store, Plan(scenario), executor, bar, conditioning)
    return store


def run_store(
    store: RunStore, plan: Plan, executor: Executor | int, bar: Bars, conditioning: str
) -> None:
    """Run the store's missing replicates, by branching where wanted (`conditioning` is
    ``--conditioning``: ``auto``, ``branch`` or ``reject``)."""
    if branching_wanted(conditioning, plan, store):
        _run_branched(store, plan, executor, bar, conditioning)
        return
    todo = sum(b - a for _, a, b in store.pending())
    if todo or not store.complete:
        run_to_store(store, plan, workers=executor, progress=bar(todo))


def _run_branched(store: RunStore, plan: Plan, executor, bar: Bars, conditioning: str) -> None:
    """The stages, then the last population run on to the horizon as the run's chunks;
    the stages and the Eve intervals go into the summary."""
    m = store.manifest
    if store.complete:
        return
    m["conditioning"] = "branching"  # a resumed run goes on branching
    store.save()
    n = m["replicates"]
    br = Branching(store.path, plan, m["seed"], n, m["detail"])
    try:
        particles = br.population(executor, bar(len(br.stages) * n, "branching", "particle"))
    except NoForecast as e:
        store.mark("no_forecast", str(e))
        raise
    except BaseException as e:
        why = "interrupted" if isinstance(e, KeyboardInterrupt) else f"failed: {e}"
        store.mark("incomplete", f"{why} (branching stages kept)", 0.0)
        raise
    last = len(br.stages)
    todo = sum(b - a for _, a, b in store.pending())
    run_to_store(
        store,
        plan,
        workers=executor,
        progress=bar(todo),
        task=finish_chunk,
        context=br.ctx,
        extra=lambda a, b: (last, particles[a:b]),
    )
    summary = read_summary(store.path)
    outcomes = pd.read_parquet(store.path / "outcomes.parquet").sort_values("replicate")
    origins = np.array([p.origin for p in particles])
    write_bytes_atomic(store.path / ORIGINS, json.dumps(origins.tolist()).encode())
    summary = with_eve_intervals(summary, outcomes, origins)
    stages = br.summary()
    share = float(np.prod([st.survivors / st.tried for st in stages]))
    why = "asked for" if conditioning == "branch" else "auto: observations on two or more dates"
    record = BranchingRecord(
        stages=stages,
        why=why,
        rejection_estimate=share * n,
        distinct_origins=len(set(origins.tolist())),
        intervals="Eve estimator (particles sharing an original replicate are correlated)",
    )
    write_json_atomic(store.path / "summary.json", replace(summary, branching=record).json())
