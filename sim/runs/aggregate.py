"""Streaming aggregation: summaries built chunk by chunk, in memory that does not grow
with the replicate count.

* :class:`OutcomeTally` counts outcomes, judgments, questions and rungs, and keeps
  histograms of each outcome's day and the daily counts of presence. Every count is an
  integer, so the result does not depend on the order in which chunks arrive. A worker
  tallies its own chunk and the run adds the chunks' counts (:meth:`OutcomeTally.counts`),
  never reading the outcome rows.
* :class:`BandTally` keeps, for every (actor, variable, month), a histogram of the monthly
  state, from which the trajectory quantile bands are read. A declared state variable
  uses ``BINS`` equal bins over its declared bounds (quantiles to within 1/BINS of the
  range); integer variables (rungs, presence days) use one bin per value, so their
  quantiles are exact.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.engine.plan import Plan
from sim.roles import ROLE_SPECS
from sim.scenario import paths
from sim.scenario.outcomes import OUTCOMES

if TYPE_CHECKING:
    import pyarrow as pa

BINS = 200
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def kept_rows(outcomes: pd.DataFrame) -> pd.DataFrame:
    """The outcome rows a run keeps: with observations, only the replicates whose history
    agrees with every one (the ``consistent`` column); otherwise all of them."""
    if "consistent" in outcomes:
        return outcomes[outcomes["consistent"].to_numpy(dtype=bool)].reset_index(drop=True)
    return outcomes


class OutcomeTally:
    """Integer counts of a run's outcomes, added chunk by chunk.

    Per outcome of the registry: how many replicates have it at the horizon, and a
    histogram of its day column (:mod:`sim.engine.outcomes`). Per track: histograms of the
    rung held at the horizon and of the highest rung reached. Per day of the horizon: how
    many replicates had forces present, and how many had persistent presence as of that
    day (the daily curves).
    """

    def __init__(self, plan: Plan):
        s = plan.scenario
        self.plan = plan
        self.n = 0  # replicates counted: those consistent with every observation
        self.drawn = 0  # replicates run, kept or not
        self.observations = {o.id: 0 for o in s.observations}  # replicates agreeing with each
        self.hits = dict.fromkeys(s.outcome_columns(), 0)
        self.judgments = {j.id: 0 for j in s.judgments}
        #: replicates in which a conditional judgment's condition held (its denominator)
        self.conditions = {j.id: 0 for j in s.judgments if j.given is not None}
        self.questions = {q.id: 0 for q in s.questions}
        tops = {t.name: len(t.rungs) for t in plan.track_specs}
        self.held = {t: np.zeros(k, dtype=np.int64) for t, k in tops.items()}
        self.highest = {t: np.zeros(k, dtype=np.int64) for t, k in tops.items()}
        self.days = {name: np.zeros(plan.n_days + 1, dtype=np.int64) for name in self.hits}
        #: per daily curve (:attr:`Plan.daily_views`), the replicates it holds on each day
        self.daily = {c: np.zeros(plan.n_days, dtype=np.int64) for c, _ in plan.daily_views}
        self.presence_days = 0
        #: per reading and option, the kept replicates that drew it and, among them, the
        #: hits of every column of :attr:`reading_columns` (in that order)
        self.reading_columns = [
            *OUTCOMES,
            *(paths.judgment(j.id) for j in s.judgments),
            *(paths.judgment_given(j.id) for j in s.judgments if j.given is not None),
            *(paths.question(q.id) for q in s.questions),
        ]
        self.by_reading = {
            (r.name, o.name): np.zeros(1 + len(self.reading_columns), dtype=np.int64)
            for r in s.readings
            for o in r.options
        }

    def add(self, outcomes: pd.DataFrame, daily: np.ndarray | None = None) -> None:
        """Count a chunk's outcome rows; with observations, only the consistent rows.
        `daily` is the chunk's (kept replicates, curves, days) presence and persistence,
        one curve per :attr:`Plan.daily_views`."""
        self.drawn += len(outcomes)
        for oid in self.observations:
            self.observations[oid] += int(outcomes[paths.observation(oid)].sum())
        outcomes = kept_rows(outcomes)
        self.n += len(outcomes)
        for name in self.hits:
            self.hits[name] += int(outcomes[name].sum())
            days = outcomes[f"{name}_day"].dropna().to_numpy(dtype=np.int64)
            self.days[name] += np.bincount(days, minlength=len(self.days[name]))
        for jid in self.judgments:
            self.judgments[jid] += int(outcomes[paths.judgment(jid)].sum())
        for jid in self.conditions:
            self.conditions[jid] += int(outcomes[paths.judgment_given(jid)].sum())
        for qid in self.questions:
            self.questions[qid] += int(outcomes[paths.question(qid)].sum())
        for track in self.held:
            for part, col in ((self.held, "rung"), (self.highest, "highest")):
                levels = outcomes[f"{col}.{track}"].to_numpy(dtype=np.int64)
                part[track] += np.bincount(levels, minlength=len(part[track]))
        self.presence_days += int(outcomes["presence_days"].sum())
        if self.by_reading:
            self._add_by_reading(outcomes)
        if daily is not None and len(daily):
            for k, counts in enumerate(self.daily.values()):
                counts += daily[:, k].sum(axis=0, dtype=np.int64)

    def _add_by_reading(self, outcomes: pd.DataFrame) -> None:
        hits = outcomes[self.reading_columns].to_numpy(dtype=np.int64)
        for (reading, option), counts in self.by_reading.items():
            mine = outcomes[paths.reading(reading)].to_numpy() == option
            counts[0] += int(mine.sum())
            counts[1:] += hits[mine].sum(axis=0)

    def _parts(self) -> list[dict[str, int] | np.ndarray]:
        """The counters in a fixed order, the same for every tally of the same plan."""
        return [
            self.observations,
            self.hits,
            self.judgments,
            self.conditions,
            self.questions,
            *self.held.values(),
            *self.highest.values(),
            *self.days.values(),
            *self.daily.values(),
            *self.by_reading.values(),
        ]

    def counts(self) -> np.ndarray:
        """Every count as one int64 vector (for a chunk file; see :meth:`add_counts`)."""
        flat = [self.drawn, self.n, self.presence_days]
        for part in self._parts():
            flat.extend(part.values() if isinstance(part, dict) else part.tolist())
        return np.asarray(flat, dtype=np.int64)

    def add_counts(self, counts: np.ndarray) -> None:
        """Add another tally's :meth:`counts` (of a chunk of the same plan)."""
        counts = np.asarray(counts, dtype=np.int64)
        expected = len(self.counts())
        if counts.shape != (expected,):
            raise ValueError(f"expected {expected} counts, found {counts.shape}")
        self.drawn += int(counts[0])
        self.n += int(counts[1])
        self.presence_days += int(counts[2])
        at = 3
        for part in self._parts():
            if isinstance(part, dict):
                for key in part:
                    part[key] += int(counts[at])
                    at += 1
            else:
                part += counts[at : at + len(part)]
                at += len(part)

    def day_quantile(self, outcome: str, q: float) -> int | None:
        """Day by which a share `q` of replicates have `outcome`'s day (:mod:`sim.engine.
        outcomes`): for ever-continuous presence, when it first held; for persistent
        presence, from when it held to the horizon.

        Replicates without it are censored at the horizon and every event falls before the
        horizon, so the Kaplan–Meier estimate is the empirical share of events so far.
        """
        cumulative = np.cumsum(self.days[outcome]) / max(self.n, 1)
        hit = np.flatnonzero(cumulative >= q - 1e-12)
        return int(hit[0]) if hit.size else None


class BandTally:
    """Histograms of every (actor, variable) at every month start, added chunk by chunk."""

    def __init__(self, plan: Plan):
        self.columns = plan.monthly_columns
        self.months = len(plan.months) - 1
        self.scales = [_scale(plan, actor, var) for actor, var in self.columns]
        top = max(s[2] for s in self.scales)
        self.counts = np.zeros((len(self.columns), self.months, top + 1), np.int64)

    def bin_of(self, values: np.ndarray, column: int) -> np.ndarray:
        low, width, top = self.scales[column]
        if width is None:  # an integer variable: one bin per value
            return np.clip(np.rint(values - low), 0, top).astype(np.int64)
        return np.clip(((values - low) / width * BINS).astype(np.int64), 0, BINS - 1)

    def add_values(self, data: np.ndarray) -> None:
        """Add replicates' trajectories, shaped (replicates, months, columns)."""
        for c in range(len(self.columns)):
            bins = self.bin_of(data[:, :, c], c)
            for m in range(self.months):
                self.counts[c, m] += np.bincount(bins[:, m], minlength=self.counts.shape[2])

    def add_counts(self, table: pd.DataFrame | pa.Table) -> None:
        """Add a chunk's histogram table (column, month, bin, count), as a DataFrame or
        as the Arrow table of its chunk file."""
        np.add.at(
            self.counts,
            (table["column"].to_numpy(), table["month"].to_numpy(), table["bin"].to_numpy()),
            table["count"].to_numpy(),
        )

    def counts_table(self) -> pd.DataFrame:
        """The non-zero histogram cells, for a chunk file."""
        c, m, b = np.nonzero(self.counts)
        return pd.DataFrame(
            {
                "column": c.astype(np.int16),
                "month": m.astype(np.int16),
                "bin": b.astype(np.int16),
                "count": self.counts[c, m, b],
            }
        )

    def bands(self, month_dates: np.ndarray) -> pd.DataFrame:
        """Quantile bands: one row per (actor, variable, month)."""
        rows = []
        for c, (actor, var) in enumerate(self.columns):
            for m in range(self.months):
                hist = self.counts[c, m]
                total = hist.sum()
                if total == 0:
                    continue
                cum = np.cumsum(hist) / total
                qs = [self._value(np.searchsorted(cum, q - 1e-12), c) for q in QUANTILES]
                rows.append((actor, var, m, month_dates[m], *qs))
        cols = ["actor", "variable", "month", "date"] + [
            f"q{round(q * 100):02d}" for q in QUANTILES
        ]
        return pd.DataFrame(rows, columns=cols)

    def _value(self, index: int, column: int) -> float:
        """The value a bin stands for: the integer itself, or the bin's midpoint."""
        low, width, _ = self.scales[column]
        return low + index if width is None else low + (index + 0.5) / BINS * width


def _scale(plan: Plan, actor: str, var: str) -> tuple[float, float | None, int]:
    """(low, width or None for an integer variable, highest bin) of a monthly column."""
    if paths.is_rung(var):
        track = paths.rung_track(var)
        return 0.0, None, next(len(t.rungs) - 1 for t in plan.track_specs if t.name == track)
    if var == "presence_days":
        return 0.0, None, 31
    declared = ROLE_SPECS[plan.scenario.actor(actor).role].state[var]
    if declared.integer:
        return declared.low, None, int(declared.high - declared.low)
    return declared.low, declared.high - declared.low, BINS - 1
