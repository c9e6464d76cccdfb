"""Helpers several test modules share: a plan's replicates run in memory."""

from __future__ import annotations

import pandas as pd

from sim.engine.plan import Plan
from sim.runs.runner import execute
from sim.runs.store import chunk_bounds


def simulate(plan: Plan, replicates: int, seed: int, workers=1, detail=False, chunk=250) -> dict:
    """Every table of `replicates` replicates from root `seed`, concatenated in replicate
    order (what a run folder would hold, without writing one)."""
    done = dict(execute(plan, seed, chunk_bounds(replicates, chunk), workers, detail))
    names = [name for name, _ in done[0].items()] if done else []
    return {
        name: pd.concat([getattr(done[k], name) for k in sorted(done)], ignore_index=True)
        for name in names
    }


def outcomes_of(plan: Plan, replicates: int, seed: int, workers=1) -> pd.DataFrame:
    """The outcome table of `replicates` replicates from root `seed`."""
    return simulate(plan, replicates, seed, workers)["outcomes"]
