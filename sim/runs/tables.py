"""Turn finished replicates into the run's tables (one DataFrame per table and chunk).

Tables, each with a ``replicate`` column:

* ``outcomes``: one row per replicate (:func:`sim.engine.replicate.outcome_record`);
* ``parameters``: the values each replicate drew, one column per parameter path;
* ``trajectories``: long format, one row per replicate, month, actor and variable: every
  actor's state at the month's start, each patron's rung, and the host's presence days
  during the month;
* ``events``: the dated operations timeline, with presence as spans: the patron's forces
  (``forces_present``), the unit labels they carried (``unit_present``), the crews of a
  patron-controlled system (``crews_present``, detail: the system) and a garrison
  (``garrison_present``); exercises are spans too (``end_day`` is the last day, inclusive).

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

from sim.engine.outcomes import Facts
from sim.engine.plan import Plan
from sim.engine.replicate import ReplicateRun, daily, plan_of, record_of
from sim.runs.aggregate import BandTally, OutcomeTally
from sim.scenario.outcomes import day_columns

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
    facts = [Facts(plan_of(plan, r).scenario, r.ledger) for r in runs]
    records = [record_of(plan, r, f) for r, f in zip(runs, facts, strict=True)]
    values = np.vstack([r.values for r in runs]) if runs else np.empty((0, plan.n_params))
    monthly = monthly_state(plan, runs, records)
    curves = len(plan.daily_views)
    days = (
        np.stack([daily(plan, f) for f in facts])
        if facts
        else np.empty((0, curves, plan.n_days), bool)
    )
    kept = monthly
    if plan.scenario.observations:  # bands and curves describe the histories a run keeps
        keep = np.array([bool(r["consistent"]) for r in records], dtype=bool)
        kept, days = monthly[keep], days[keep]
    bands = BandTally(plan)
    bands.add_values(kept)
    outcomes = outcomes_frame(records)
    tally = OutcomeTally(plan)
    tally.add(outcomes, days)
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
    for column in day_columns(df.columns):
        df[column] = df[column].astype("Int32")
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


def _presence_kind(holder: str) -> tuple[str, str]:
    """(events kind, detail) of a presence span's holder."""
    kind, _, what = holder.partition(":")
    return f"{kind}_present", what or kind


def events_frame(runs: list[ReplicateRun]) -> pd.DataFrame:
    """The operations timeline of every replicate, with presence as spans."""
    rows = []
    for run in runs:
        n = run.ledger.n_days
        for st in run.ledger.spans:
            end = n if st.end is None else st.end
            if end > st.start:
                kind, detail = _presence_kind(st.holder)
                rows.append((run.index, st.start, end - 1, kind, st.patron, detail))
        for st in run.ledger.labels:
            end = n if st.end is None else st.end
            if end > st.start:
                rows.append((run.index, st.start, end - 1, "unit_present", st.patron, st.holder))
        for e in run.ledger.events:
            rows.append((run.index, e.day, e.end, e.kind, e.actor, e.detail))
    df = pd.DataFrame(rows, columns=["replicate", "day", "end_day", "kind", "actor", "detail"])
    df = df.astype({"replicate": np.int64, "day": np.int32, "end_day": "Int32"})
    return df.sort_values(["replicate", "day", "kind"], kind="stable", ignore_index=True)
