"""Turn finished replicates into the run's tables (one DataFrame per table and chunk).

Tables, each with a ``replicate`` column:

* ``outcomes``: one row per replicate (:func:`sim.engine.replicate.outcome_record`);
* ``parameters``: the values each replicate drew, one column per parameter path;
* ``trajectories``: long format, one row per replicate, month, actor and variable: every
  actor's state at the month's start, each patron's rung, and the host's presence days
  during the month;
* ``events``: the dated operations timeline, with unit presence spans (``unit_present``)
  and exercises as spans (``end_day`` is the last day, inclusive).

Every chunk also carries its tallies, computed where the chunk was run: ``counts``, the
outcome counts the summary is made of (:class:`sim.runs.aggregate.OutcomeTally`), and
``bands``, histogram counts of the monthly state (:class:`sim.runs.aggregate.BandTally`),
kept even when trajectories are not, so that trajectory quantile bands never need the
per-replicate rows.

Days are offsets from the scenario start; :mod:`sim.runs.results` adds calendar dates on load.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.engine.plan import Plan
from sim.engine.replicate import ReplicateRun, outcome_record
from sim.runs.aggregate import BandTally, OutcomeTally

TABLES = ("outcomes", "parameters", "trajectories", "events")


@dataclass
class ChunkTables:
    """The tables of one chunk of consecutive replicates."""

    outcomes: pd.DataFrame
    parameters: pd.DataFrame
    trajectories: pd.DataFrame | None
    events: pd.DataFrame | None
    counts: np.ndarray
    bands: pd.DataFrame

    def items(self) -> list[tuple[str, pd.DataFrame]]:
        return [(n, getattr(self, n)) for n in TABLES if getattr(self, n) is not None]


def chunk_tables(plan: Plan, runs: list[ReplicateRun], detail: bool = True) -> ChunkTables:
    """All tables for `runs`; trajectories and events only when `detail` is set."""
    records = [outcome_record(plan, r) for r in runs]
    values = np.vstack([r.values for r in runs]) if runs else np.empty((0, plan.n_params))
    monthly = monthly_state(plan, runs, records)
    bands = BandTally(plan)
    kept = monthly
    if plan.scenario.observations:  # bands describe the histories a run keeps
        kept = monthly[np.array([bool(r["consistent"]) for r in records], dtype=bool)]
    bands.add_values(kept)
    outcomes = outcomes_frame(records)
    tally = OutcomeTally(plan)
    tally.add(outcomes)
    return ChunkTables(
        outcomes=outcomes,
        parameters=parameters_frame(plan, [r.index for r in runs], values),
        trajectories=trajectories_frame(plan, runs, monthly) if detail else None,
        events=events_frame(runs) if detail else None,
        counts=tally.counts(),
        bands=bands.counts_table(),
    )


def monthly_state(plan: Plan, runs: list[ReplicateRun], records: list[dict]) -> np.ndarray:
    """(replicates, months, columns): state columns, then the host's presence days."""
    months = len(plan.months) - 1
    blocks = []
    for run, rec in zip(runs, records, strict=True):
        presence = np.asarray(rec["presence_days_by_month"], dtype=float)[:, None]
        blocks.append(np.hstack([run.trajectory, presence]))
    width = len(plan.monthly_columns)
    return np.stack(blocks) if blocks else np.empty((0, months, width))


def outcomes_frame(rows: list[dict]) -> pd.DataFrame:
    """Outcome rows as a typed DataFrame (censored days are <NA>)."""
    df = pd.DataFrame(rows)
    for col in ("continuous_day", "basing_day", "persistent_day"):
        df[col] = df[col].astype("Int32")
    return df


def parameters_frame(plan: Plan, index: list[int], values: np.ndarray) -> pd.DataFrame:
    """Sampled parameters, one row per replicate, one column per parameter path."""
    df = pd.DataFrame(values, columns=plan.paths)
    df.insert(0, "replicate", np.asarray(index, dtype=np.int64))
    return df


def trajectories_frame(plan: Plan, runs: list[ReplicateRun], data: np.ndarray) -> pd.DataFrame:
    """Monthly state in long format: replicate, month, actor, variable, value."""
    columns = plan.monthly_columns
    months = len(plan.months) - 1
    n = data.shape[0]
    actors = np.array([a for a, _ in columns], dtype=object)
    variables = np.array([v for _, v in columns], dtype=object)
    return pd.DataFrame(
        {
            "replicate": np.repeat([r.index for r in runs], months * len(columns)).astype(np.int64),
            "month": np.tile(np.repeat(np.arange(months, dtype=np.int16), len(columns)), n),
            "actor": np.tile(actors, n * months),
            "variable": np.tile(variables, n * months),
            "value": data.reshape(-1),
        }
    )


def events_frame(runs: list[ReplicateRun]) -> pd.DataFrame:
    """The operations timeline of every replicate, with unit presence as spans."""
    rows = []
    for run in runs:
        for st in run.ledger.stays:
            end = run.ledger.n_days if st.end is None else st.end
            if end > st.start:
                rows.append(
                    (
                        run.index,
                        st.start,
                        end - 1,
                        "unit_present",
                        st.patron,
                        st.unit,
                    )
                )
        for e in run.ledger.events:
            rows.append((run.index, e.day, e.end, e.kind, e.actor, e.detail))
    df = pd.DataFrame(rows, columns=["replicate", "day", "end_day", "kind", "actor", "detail"])
    df = df.astype({"replicate": np.int64, "day": np.int32, "end_day": "Int32"})
    return df.sort_values(["replicate", "day", "kind"], kind="stable", ignore_index=True)
