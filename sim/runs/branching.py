"""Conditioning on observations by branching (sequential Monte Carlo, importance splitting).

Plain rejection keeps the replicates whose whole history agrees with every observation:
each observation divides the share kept, so a log of twenty facts keeps almost nothing.
Branching instead follows the log in date order. The population of replicates runs to
the day after the first observation's window ends; those that disagree are dropped; the
survivors are resampled back to the full count (systematic resampling: each survivor is
copied the same number of times, give or take one), and every copy resumes its
survivor's state (:mod:`sim.engine.state`) with *fresh* dynamics streams, so copies of
one history diverge from that day on. Then the next observation date, and so on; after
the last, every particle runs on to the horizon and the run's tables are written as any
run's are. An observation only looks at days up to its window's end, so checking it on
the history so far gives the answer the finished history would.

Because each stage keeps exactly the histories consistent with the observations so far
and continues them by the model's own dynamics, the particles at the end are draws from
the same conditional distribution rejection targets (the test checks it against
rejection on 100 times more replicates), but the number of distinct histories falls
only where an observation is surprising, not multiplicatively.

Deterministic for any worker count or executor: the first stage is replicate i's own
streams, a branch's streams are keyed by (root seed, stage, particle), the resampling
generator by (root seed, stage), and results are put back in particle order. Each stage's
population is saved (``branching/stage-<k>.pkl.gz``) so an interrupted run resumes from
the last finished stage; the final stage's chunks resume like any run's.
"""

from __future__ import annotations

import gzip
import os
import pickle
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from sim.engine.events import check_of
from sim.engine.outcomes import Facts
from sim.engine.plan import Plan
from sim.engine.replicate import draw_values, finish, replicate_streams, start_replicate
from sim.engine.state import State, capture, restore
from sim.engine.streams import Streams
from sim.runs.chunkfile import EncodedChunk, encode
from sim.runs.executor import Executor, map_unordered
from sim.runs.run_summary import Proportion, RunSummary, StageRecord
from sim.runs.tables import chunk_tables
from sim.scenario import paths
from sim.scenario.calendar import date_of
from sim.scenario.errors import NO_FORECAST_HINT, NoForecast, ReplicateFailure

BRANCH = 0xB4A1  # spawn-key tag of the resampling generators
TASK = 100  # particles per task sent to a worker
MIN_SHARE = 0.1  # a stage goes on drawing until this share of the population survives
MAX_ROUNDS = 20  # ... or it has tried this many times the population


@dataclass(frozen=True)
class Stage:
    """Observations checked together: those whose windows end the day before `day`."""

    day: int
    ids: tuple[str, ...]


MERGE_DAYS = 7  # observations checked within a week of a stage's first are checked with it


def stages(plan: Plan) -> list[Stage]:
    """The observation dates in order, each observation at the day after its end.

    Observations whose check days fall within ``MERGE_DAYS`` of a stage's first are
    checked together on the last of those days: branching between facts a day apart buys
    nothing (the copies have had no time to differ) and costs a resume of every particle.
    """
    days = sorted((min(plan.day(o.end) + 1, plan.n_days), o.id) for o in plan.scenario.observations)
    out: list[Stage] = []
    group: list[tuple[int, str]] = []
    for day, oid in days:
        if group and day > group[0][0] + MERGE_DAYS:
            out.append(Stage(group[-1][0], tuple(i for _, i in group)))
            group = []
        group.append((day, oid))
    if group:
        out.append(Stage(group[-1][0], tuple(i for _, i in group)))
    return out


def wants_branching(plan: Plan) -> bool:
    """``--conditioning auto``: branch when the observations fall on two or more dates
    (at one date branching is rejection followed by resampling: nothing gained)."""
    return len(stages(plan)) >= 2


@dataclass
class Particle:
    """One member of the population: the replicate it descends from (whose parameters
    it keeps) and its state on the stage's day (None before the first stage)."""

    origin: int
    state: State | None = None


@dataclass
class BranchContext:
    """What every worker holds: the plan, the root seed, whether events are recorded,
    and every original replicate's parameters (each observation's check is compiled in
    the process that uses it: compiled checks do not pickle)."""

    plan: Plan
    root: int
    events: bool
    values: np.ndarray
    _checks: dict[str, tuple[Any, bool]] | None = field(default=None, repr=False)

    @classmethod
    def of(cls, plan: Plan, root: int, n: int, events: bool) -> BranchContext:
        values, _ = draw_values(plan, root, 0, n)
        return cls(plan, root, events, values)

    def cover(self, n: int) -> None:
        """Parameters for original replicates [0, n) (a stage's extra rounds from the start
        draw new replicates), drawn as any run's."""
        have = len(self.values)
        if n > have:
            more, _ = draw_values(self.plan, self.root, have, n)
            self.values = np.concatenate([self.values, more])

    @property
    def checks(self) -> dict[str, tuple[Any, bool]]:
        if self._checks is None:
            obs = self.plan.scenario.observations
            self._checks = {o.id: (check_of(self.plan, o), o.value) for o in obs}
        return self._checks

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_checks": None}


def _model(ctx: BranchContext, p: Particle, stage: int, pid: int):
    """The particle's replicate: from the start with its own streams, or resumed from its
    state with streams fresh for this (stage, particle)."""
    values = ctx.values[p.origin]
    if p.state is None:  # its parameters are drawn already; only its dynamics stream is new
        _, dynamics = replicate_streams(ctx.root, p.origin)
        return start_replicate(ctx.plan, values, dynamics, ctx.events)
    return restore(ctx.plan, values, p.state, Streams(f"{ctx.root}/branch.{stage}.{pid}"))


def _facts_so_far(model) -> Facts:
    """Facts of the history up to today. Presence still open counts as lasting to the
    horizon, as at the end of a run; an observation checked today never looks at the
    days after today, so that reading cannot change its answer."""
    return Facts(model.plan.scenario, model.ledger)


def meets_all(facts: Facts, checks: dict[str, tuple[Any, bool]], ids: tuple[str, ...]) -> bool:
    """Whether a history meets every observation `ids` checked at one stage: each check
    (a function of the facts, and the answer the analyst saw) must give the answer seen.
    All of them, not any: a history that meets one of two same-week facts is not the one
    the analyst observed."""
    return all(checks[i][0](facts) == checks[i][1] for i in ids)


def advance(
    ctx: BranchContext,
    stage: int,
    day: int,
    ids: tuple[str, ...],
    batch: list[tuple[int, Particle]],
) -> list[tuple[int, State | None]]:
    """Run each (pid, particle) of `batch` to `day`; the state of those whose history
    agrees with observations `ids`, None for the others."""
    out = []
    for pid, p in batch:
        try:
            model = _model(ctx, p, stage, pid)
            model.run_until(day)
            facts = _facts_so_far(model)
            agrees = meets_all(facts, ctx.checks, ids)
            out.append((pid, capture(model) if agrees else None))
            model.dispose()
        except Exception as e:
            raise ReplicateFailure(p.origin, ctx.root, f"{type(e).__name__}: {e}") from e
    return out


def finish_chunk(
    ctx: BranchContext,
    seed: int,
    start: int,
    stop: int,
    detail: bool,
    stage: int,
    batch: list[Particle],
) -> EncodedChunk:
    """Particles [start, stop) run on to the horizon and tabulated as a run's chunk."""
    runs = []
    for pid, p in zip(range(start, stop), batch, strict=True):
        runs.append(finish(pid, ctx.values[p.origin], _model(ctx, p, stage, pid)))
    return encode(chunk_tables(ctx.plan, runs, detail))


def resample(survivors: list[Particle], n: int, root: int, stage: int) -> list[Particle]:
    """`n` particles drawn from the survivors by systematic resampling (equal weights),
    in survivor order."""
    rng = np.random.default_rng(np.random.SeedSequence(root, spawn_key=(BRANCH, stage)))
    k = len(survivors)
    positions = (rng.random() + np.arange(n)) * k / n
    picks = np.minimum(positions.astype(np.int64), k - 1)
    return [Particle(survivors[i].origin, survivors[i].state) for i in picks]


class Branching:
    """The stages of a branching run in `folder`/branching, resumable stage by stage."""

    def __init__(self, folder: Path, plan: Plan, root: int, n: int, events: bool):
        self.dir = folder / "branching"
        self.dir.mkdir(exist_ok=True)
        self.plan, self.root, self.n = plan, root, n
        self.ctx = BranchContext.of(plan, root, n, events)
        self.stages = stages(plan)
        self.records: list[StageRecord] = []

    def _file(self, k: int) -> Path:
        return self.dir / f"stage-{k}.pkl.gz"

    def _save(self, k: int, particles: list[Particle]) -> None:
        tmp = self._file(k).with_suffix(".tmp")
        with gzip.open(tmp, "wb", compresslevel=3) as f:
            pickle.dump({"particles": particles, "records": self.records}, f)
        os.replace(tmp, self._file(k))

    def _load(self) -> tuple[int, list[Particle]]:
        """The last saved stage (its index and population); (-1, fresh) if none."""
        for k in reversed(range(len(self.stages))):
            if self._file(k).is_file():
                with gzip.open(self._file(k), "rb") as f:
                    saved = pickle.load(f)
                self.records = saved["records"]
                return k, saved["particles"]
        return -1, [Particle(i) for i in range(self.n)]

    def population(self, workers: int | Executor, progress=None) -> list[Particle]:
        """Every stage run (or loaded), the population after the last observation.

        A stage whose observations few histories meet is run again, from the same
        entering population with fresh streams (a particle still at the start: a new
        replicate), until ``MIN_SHARE`` of the population has survived or
        ``MAX_ROUNDS`` rounds were tried (an alive particle filter, Jasra et al. 2013):
        every round's survivors are draws from the same conditional law, so they are
        pooled, and the effective sample size of a stage stays at least that share where
        the budget allows, instead of falling to whatever one round kept."""
        done, particles = self._load()
        self.ctx.cover(max(p.origin for p in particles) + 1)
        n = self.n
        for k in range(done + 1, len(self.stages)):
            stage = self.stages[k]
            survivors: list[Particle] = []
            rounds = 0
            while rounds < MAX_ROUNDS and (rounds == 0 or len(survivors) < MIN_SHARE * n):
                entering = [
                    p if p.state is not None else Particle(p.origin + rounds * n) for p in particles
                ]
                self.ctx.cover(max(p.origin for p in entering) + 1)
                survivors += self._through(k, stage, rounds, entering, workers, progress)
                rounds += 1
            date = date_of(self.plan.scenario.metadata.start_date, stage.day)
            self.records.append(
                StageRecord(
                    stage.day,
                    date.isoformat(),
                    list(stage.ids),
                    len(survivors),
                    n,
                    len({p.origin for p in survivors}),
                    rounds,
                    rounds * n,
                )
            )
            if not survivors:
                raise NoForecast(
                    f"no history agrees with the observations up to {date_of(date, -1)} "
                    f"({', '.join(stage.ids)}) in {rounds * n:,} tries: nothing to branch "
                    f"from; {NO_FORECAST_HINT}"
                )
            particles = resample(survivors, n, self.root, k)
            self._save(k, particles)
        return particles

    def _through(
        self, k: int, stage: Stage, rounds: int, entering: list[Particle], workers, progress
    ) -> list[Particle]:
        """One round of a stage: the survivors, in order (each particle runs as pid
        i + rounds x population, so each round's branches have streams of their own)."""
        n, base = self.n, rounds * self.n
        jobs = [
            (
                a,
                (
                    k,
                    stage.day,
                    stage.ids,
                    [(base + i, entering[i]) for i in range(a, min(a + TASK, n))],
                ),
            )
            for a in range(0, n, TASK)
        ]
        states: dict[int, State | None] = {}
        for _, batch in map_unordered(advance, self.ctx, jobs, workers):
            states.update(batch)
            if progress:
                progress(len(batch))
        return [
            Particle(entering[i].origin, states[base + i])
            for i in range(n)
            if states[base + i] is not None
        ]

    def summary(self) -> list[StageRecord]:
        """What each stage did, in order."""
        return list(self.records)


def eve_effective_n(y: np.ndarray, origins: np.ndarray) -> float:
    """The effective sample size of a share over the final particles, by the Eve variance
    estimator (Chan and Lai 2013; Lee and Whiteley 2018): particles descended from the
    same original replicate are correlated, different ones are not, so
    var(p) = sum over original replicates e of (sum of y_i - p over e's particles)^2 / N^2,
    and n_eff = p (1 - p) / var. Counting particles as independent would make every
    interval of a branching run too narrow."""
    y = np.asarray(y, dtype=float)
    n = len(y)
    if n == 0:
        return 0.0
    p = y.mean()
    if p in (0.0, 1.0):
        return float(len(np.unique(origins)))  # no spread: as many as distinct histories
    sums = np.bincount(np.asarray(origins), weights=y - p)
    var = float(np.sum(sums**2)) / n**2
    return float(min(n, p * (1 - p) / var)) if var > 0 else float(n)


def with_eve_intervals(summary: RunSummary, outcomes, origins: np.ndarray) -> RunSummary:
    """The summary's shares (outcomes, questions, judgments) with their intervals from the
    Eve effective sample size (``n_effective`` beside ``n``). A conditional judgment's
    share is over the particles where its ``given`` held, and so is its interval."""
    from sim.maths.stats import wilson

    def redo(e: Proportion, column: str) -> Proportion:
        if column not in outcomes:
            return e
        given = f"{column}.given"
        rows = outcomes[given].to_numpy(dtype=bool) if given in outcomes else slice(None)
        y = outcomes[column].to_numpy(dtype=bool)[rows]
        n_eff = eve_effective_n(y, origins[rows])
        p = float(y.mean()) if y.size else 0.0  # the share the interval is about
        low, high = wilson(p * n_eff, n_eff)
        return e.widened(p, low, high, round(n_eff, 1))

    return replace(
        summary,
        outcomes={
            name: replace(o, estimate=redo(o.estimate, name))
            for name, o in summary.outcomes.items()
        },
        questions=[
            replace(q, estimate=redo(q.estimate, paths.question(q.id))) for q in summary.questions
        ],
        judgments=[
            replace(j, estimate=redo(j.estimate, paths.judgment(j.id))) for j in summary.judgments
        ],
    )
