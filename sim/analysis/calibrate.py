"""Calibration: move beliefs about parameters to where the report's judgments hold and the
observations agree, by history matching with emulators in waves.

The method (Vernon, Goldstein & Bower 2010; Andrianakis et al. 2015), adapted to targets
that are probabilities:

1. **Wave k** runs ``replicates`` simulator replicates at parameter rows drawn from the
   prior and kept only where every earlier wave's emulators find each target plausible.
   Each wave is an ordinary run folder under ``waves/`` (same executors, seeds, progress,
   resume as ``wargame run``); its rows are a fixed design (:class:`sim.engine.rows.Rows`).
2. For each judgment an :class:`~sim.analysis.emulator.Emulator` learns P(event | θ) from
   the wave's yes/no outcomes, with its Monte Carlo and structural error.
3. A row θ is **implausible** for a judgment when its emulated log-odds lie more than
   ``cutoff`` standard deviations outside the judgment's ICD 203 range (a range, not a
   point): I(θ) = max(0, logit(low) − η, η − logit(high)) / s. The cut-off 3 is the
   convention (Pukelsheim's three-sigma rule).
4. The **posterior** is the prior restricted to the rows no wave rules out, each weighted
   (``draw_weight``) by the probability, under the last wave's emulators, that its event
   probabilities lie in their ranges: the emulator's error softens the region's edges
   instead of widening them, and the weight tends to the region's indicator as the
   error shrinks. Observations are data: a calibrated run keeps only replicates whose
   history agrees with them, which is exactly Bayes' rule for the paths and the
   parameters together. ``weight`` in the posterior file multiplies in the emulated
   probability that a row's history agrees with every observation, so it shows the
   parameter posterior given judgments *and* observations.
5. A **check run** of the calibrated scenario reports every target and headline outcome
   with its Monte Carlo interval: the emulators choose the rows; the simulator, not the
   emulator, says how well the result meets the targets.

The dynamics never change: only which parameter rows are drawn. When the targets cannot
all hold together, the largest set that can is kept and the others are named as dropped,
with the pairs that conflict.
"""

from __future__ import annotations

import itertools
import math
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import yaml
from scipy import special

from sim.analysis.diagnostics import diagnostics
from sim.analysis.emulator import Pooled, features, logit
from sim.analysis.proposal import Proposal
from sim.engine.draws import Entry, draw
from sim.engine.plan import Plan
from sim.engine.rows import Rows
from sim.runs.executor import Executor
from sim.runs.folder import Folder, now, write_bytes_atomic, write_json_atomic
from sim.runs.runner import default_chunk, run_to_store
from sim.runs.store import RunStore, write_parquet_atomic
from sim.runs.summary import proportion
from sim.scenario import paths
from sim.scenario.errors import ScenarioError, UsageError, did_you_mean
from sim.scenario.format import FORMAT
from sim.scenario.loader import file_sha256, load

#: Spawn-key prefix of calibration's own random streams (replicates use 1-tuples).
STREAM = 0xCA11B
BATCH = 50_000  # candidate rows screened at a time
PRIOR_BUDGET = 1_000_000  # prior rows screened before proposing near plausible rows
MIN_CENTRES = 20  # plausible rows needed to propose around them
#: Gives each phase (a wave, the check run, a screen of candidate rows) a progress
#: callback, given its amount of work and, past replicates, its unit (``unit="rows"``).
PhaseProgress = Callable[..., Callable[[int], None] | None]


class CalibrationFolder(Folder):
    """The folder of a calibration: its waves and check run (run folders), the posterior,
    the calibrated scenario and the diagnostics."""

    kind = "calibration"


@dataclass(frozen=True)
class CalibrationSettings:
    """How a calibration runs. Part of its manifest: a resume must use the same."""

    waves: int = 3
    replicates: int = 10_000  # per wave
    cutoff: float = 3.0
    posterior_rows: int = 20_000
    max_candidates: int = 4_000_000  # prior rows screened for the posterior at most
    check_replicates: int | None = None  # default: the scenario's monte_carlo.replicates
    seed: int | None = None  # default: the scenario's
    free: tuple[str, ...] | None = None  # default: every parameter with a distribution
    as_of: str | None = None
    observations: str | None = None
    #: "soft": an estimative word is a band whose likelihood falls off outside its ICD 203
    #: range as a Gaussian of `softness` log-odds (ISW does not bind itself to ICD 203);
    #: "hard": the range's edges are walls (the emulator's error still blurs them)
    band: str = "soft"
    softness: float = 0.5
    #: prior probability that the model cannot represent a judgment at all: its
    #: likelihood is (1 - discrepancy) x band + discrepancy, and a judgment the model is
    #: more likely than not unable to meet is named and stops pulling the posterior
    discrepancy: float = 0.05

    def method_words(self) -> str:
        """How the targets are read, in words (the header a command prints first)."""
        band = f"soft bands ({self.softness:g} log-odds)" if self.band == "soft" else "hard bands"
        return f"history matching, {band}, discrepancy {self.discrepancy:g}"


@dataclass(frozen=True)
class Target:
    """A judgment to meet: its event's probability must lie in [low, high]."""

    id: str
    low: float
    high: float
    word: str
    claim: str
    source: str | None

    conditional: bool = False  # P(event | given): emulated on the rows where given held
    softness: float = 0.0  # log-odds s.d. of the band's fall-off outside [low, high]

    @property
    def column(self) -> str:
        return paths.judgment(self.id)


@dataclass
class Wave:
    """One wave's emulators (by target id), and of agreement with every observation."""

    index: int
    rows: int
    emulators: dict[str, Pooled] = field(default_factory=dict)
    agreement: Pooled | None = None


# ------------------------------------------------------------------------------ the steps


SETTLE_HEAD = 1000  # rows tried first when checking that the targets can hold together


def free_entries(table: list[Entry], free: tuple[str, ...] | None) -> list[Entry]:
    """The parameters calibration may move: those named, or every one with a distribution."""
    uncertain = [e for e in table if not e.spec.is_fixed]
    if free is None:
        return uncertain
    by_path = {e.path: e for e in table}
    out = []
    for path in free:
        if path not in by_path:
            raise UsageError(f"no parameter '{path}'{did_you_mean(path, by_path)}", "--free")
        if by_path[path].spec.is_fixed:
            raise UsageError(
                f"'{path}' is a fixed value, not a distribution; there is no belief to move",
                "--free",
            )
        out.append(by_path[path])
    return out


def _within(
    emulator: Pooled, target: Target, x: np.ndarray, strata: np.ndarray, cutoff: float
) -> np.ndarray:
    """Rows (as emulator features `x`, in reading strata `strata`) at which `target` is
    plausible: implausibility at most `cutoff`."""
    low, high = float(logit(target.low)), float(logit(target.high))
    return emulator.within(x, strata, low, high, cutoff, target.softness)


def plausible(
    waves: list[Wave], targets: list[Target], u: np.ndarray, strata: np.ndarray, cutoff: float
) -> np.ndarray:
    """(rows, targets) booleans: no wave rules the row out for that target."""
    x = features(u)
    ok = np.ones((len(u), len(targets)), dtype=bool)
    for wave in waves:
        for j, t in enumerate(targets):
            if t.id in wave.emulators:
                ok[:, j] &= _within(wave.emulators[t.id], t, x, strata, cutoff)
    return ok


def plausible_for_all(
    waves: list[Wave], targets: list[Target], u: np.ndarray, strata: np.ndarray, cutoff: float
) -> np.ndarray:
    """Rows no wave rules out for any target (each check only on the rows still in)."""
    x = features(u)
    alive = np.arange(len(u))
    for wave in waves:
        for t in targets:
            if t.id in wave.emulators and alive.size:
                keep = _within(wave.emulators[t.id], t, x[alive], strata[alive], cutoff)
                alive = alive[keep]
    out = np.zeros(len(u), dtype=bool)
    out[alive] = True
    return out


def closest_set(ok: np.ndarray, targets: list[Target]) -> tuple[list[int], list[tuple[str, str]]]:
    """The largest set of targets some screened row meets together (ties: the larger
    share of rows), and the pairs of targets no row meets together."""
    conflicts = [
        (targets[a].id, targets[b].id)
        for a, b in itertools.combinations(range(len(targets)), 2)
        if ok[:, a].any() and ok[:, b].any() and not (ok[:, a] & ok[:, b]).any()
    ]
    n = len(targets)
    for size in range(n, 0, -1):
        best = max(
            itertools.combinations(range(n), size),
            key=lambda s: int(np.all(ok[:, list(s)], axis=1).sum()),
        )
        if np.all(ok[:, list(best)], axis=1).any():
            return list(best), conflicts
    return [], conflicts


def band_likelihood(
    mean: np.ndarray, sd: np.ndarray, low: float, high: float, softness: float
) -> np.ndarray:
    """E[L(η)] for log-odds η ~ N(mean, sd²), where the band likelihood L is 1 on
    [low, high] and falls off outside as exp(-d² / 2 softness²), d the distance to the
    nearer edge; softness 0 is the hard band, P(low <= η <= high). In closed form: the
    in-band mass plus, on each side, a Gaussian product's integral,
    softness / sqrt(sd² + softness²) · exp(-(mean - edge)² / 2(sd² + softness²)) ·
    Φ(±(μ* - edge) / σ*), with μ*, σ* the product's mean and s.d."""
    mean, sd = np.asarray(mean, float), np.asarray(sd, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        inside = special.ndtr((high - mean) / sd) - special.ndtr((low - mean) / sd)
        inside = np.where(np.isfinite(sd), inside, 0.0)
        if softness <= 0:
            return inside
        total = sd**2 + softness**2
        scale = softness / np.sqrt(total)
        star_sd = sd * softness / np.sqrt(total)
        out = inside
        for edge, sign in ((high, 1.0), (low, -1.0)):
            star = (mean * softness**2 + edge * sd**2) / total
            tail = scale * np.exp(-((mean - edge) ** 2) / (2 * total))
            side = np.where(star_sd > 0, special.ndtr(sign * (star - edge) / star_sd), 0.5)
            out = out + np.where(np.isfinite(sd), tail * side, 0.0)
    return out


def discrepancy_probabilities(likelihood: np.ndarray, base: np.ndarray, eps: float) -> np.ndarray:
    """Each target's posterior probability of being the model's discrepancy, from prior
    rows' band likelihoods (rows x targets) and each row's other evidence `base` (the
    observations' agreement; ones without).

    Target j is a discrepancy with prior probability ε, independently: its likelihood is
    then 1 whatever the row, else L_j(θ). Summed over the other targets' two cases, each
    leaves the factor (1 - ε) L_k + ε, so P(discrepant_j | data) = ε / (ε + (1 - ε)
    E[L_j]), E taken over the prior weighted by `base` and every other target's factor:
    exact for this mixture (the test enumerates all 2^m cases against it).
    """
    factor = (1 - eps) * likelihood + eps
    out = np.empty(likelihood.shape[1])
    for j in range(likelihood.shape[1]):
        others = base * np.prod(np.delete(factor, j, axis=1), axis=1)
        total = float(others.sum())
        mean = float(others @ likelihood[:, j]) / total if total > 0 else 0.0
        out[j] = eps / (eps + (1 - eps) * mean)
    return out


def candidates(seed: int, key: int, d: int, batch: int) -> np.ndarray:
    """Batch `batch` of prior rows as quantiles in [0, 1]^d, from calibration's own stream."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(STREAM, key, batch)))
    return rng.random((BATCH, d))


# ------------------------------------------------------------------------------ the driver


class Calibration:
    """A calibration folder being built (or resumed)."""

    def __init__(
        self,
        scenario_file: Path,
        out: Path,
        settings: CalibrationSettings,
        workers: int | Executor = 1,
        progress: PhaseProgress | None = None,
        resume: bool = False,
    ):
        self.file = scenario_file
        self.out = out
        self.workers = workers
        self.progress = progress
        as_of = None if settings.as_of is None else pd.Timestamp(settings.as_of).date()
        self.scenario = load(scenario_file, settings.observations, as_of)
        if self.scenario.posterior is not None:
            raise ScenarioError.single(
                "this scenario is already calibrated (it has a posterior); calibrate the "
                "scenario it extends, with every target and observation you want",
                file=str(scenario_file),
            )
        s = self.scenario
        if not s.judgments and not s.observations:
            raise ScenarioError.single(
                "the scenario has no judgments or observations: there is nothing to "
                "calibrate to (add judgments:, observations:, or --observations FILE)",
                file=str(scenario_file),
            )
        self.seed = s.monte_carlo.seed if settings.seed is None else settings.seed
        self.settings = settings
        self.plan = Plan(s)
        self.table = self.plan.table
        self.free = free_entries(self.table, settings.free)
        self.paths = [e.path for e in self.free]
        #: readings are discrete parameters: (column, cumulative weights) of each freed one
        self.categories = [
            (j, np.cumsum(e.spec.categorical))
            for j, e in enumerate(self.free)
            if e.spec.categorical is not None
        ]
        if not self.paths:
            raise ScenarioError.single(
                "no parameter has a distribution: there is no belief for the judgments to "
                "move (give the uncertain ones a range, e.g. uniform: [low, high])",
                file=str(scenario_file),
            )
        if settings.band not in ("soft", "hard"):
            raise UsageError(f"--band must be soft or hard, not {settings.band!r}", "--band")
        if not 0 <= settings.discrepancy < 1:
            raise UsageError("the discrepancy probability must lie in [0, 1)", "--discrepancy")
        softness = settings.softness if settings.band == "soft" else 0.0
        self.targets = [
            Target(j.id, *j.range, j.word, j.claim, j.source, j.given is not None, softness)
            for j in s.judgments
        ]
        #: targets the model is more likely than not unable to meet (named; not weighed),
        #: and each target's posterior probability of that
        self.discrepant: list[str] = []
        self.discrepancy_probability: dict[str, float] = {}
        self.active = list(range(len(self.targets)))
        self.conflicts: list[tuple[str, str]] = []
        self.waves: list[Wave] = []
        self.designs: list[np.ndarray] = []  # each wave's rows, as prior quantiles
        self.edge_sd: dict[str, float] = {}  # the last emulator's log-odds s.d. on the posterior
        self.wave_outcomes: list[pd.DataFrame] = []
        self._open(resume)

    # ---------------------------------------------------------------- the folder

    def _open(self, resume: bool) -> None:
        """Create the calibration folder, or reopen it with the same scenario and options."""
        fields = {
            "scenario_file": str(self.file),
            "scenario_sha256": file_sha256(self.file),
            "scenario": self.scenario.model_dump(mode="json"),
            "settings": {**asdict(self.settings), "seed": self.seed},
        }

        def same(manifest: dict[str, Any]) -> None:
            for key in ("scenario_sha256", "scenario", "settings"):
                if manifest.get(key) != fields[key]:
                    raise ScenarioError.single(
                        f"the {key.replace('_', ' ')} differs from the calibration being "
                        "resumed; resume with the same scenario and options",
                        file=str(self.out),
                    )

        if resume:
            self.folder = CalibrationFolder.resume(self.out, check=same)
        else:
            self.folder = CalibrationFolder.create(self.out, fields)
        self.manifest = self.folder.manifest
        (self.out / "waves").mkdir(exist_ok=True)

    # ---------------------------------------------------------------- running

    def _run(self, name: str, plan: Plan, scenario_file: Path, n: int, seed: int) -> Path:
        """A run folder under the calibration, through the same runner as ``wargame run``
        (resumed if a previous attempt left it unfinished)."""
        store = RunStore.reuse_or_create(
            self.out / name,
            scenario_file=scenario_file,
            scenario=plan.scenario,
            seed=seed,
            replicates=n,
            chunk_size=default_chunk(n),
            detail=False,
        )
        if not store.complete:
            todo = sum(b - a for _, a, b in store.pending())
            update = self.progress(name, todo) if self.progress else None
            run_to_store(store, plan, workers=self.workers, progress=update)
        return store.path

    def strata(self, u: np.ndarray) -> np.ndarray:
        """Each row's combination of readings (its variant number; all 0 without
        readings): the emulators are fitted and applied per combination."""
        mixture = self.plan.mixture
        if mixture is None or not self.categories:
            return np.zeros(len(u), dtype=np.int64)
        k = mixture.n_readings
        return mixture.variant_of(draw(mixture.table[:k], self._in_union(u)[:, :k]))

    @property
    def levels(self) -> int:
        """How many strata :meth:`strata` can return (each an emulator level)."""
        mixture = self.plan.mixture
        return 1 if mixture is None or not self.categories else len(mixture.plans)

    def _in_union(self, u: np.ndarray) -> np.ndarray:
        """Rows of freed quantiles laid into the plan's whole table, every entry not
        freed at its median (a reading not freed: its middle option)."""
        out = np.full((len(u), self.plan.n_params), 0.5)
        out[:, [self.plan.index[p] for p in self.paths]] = u
        return out

    def plausible_for_all(self, targets: list[Target], u: np.ndarray) -> np.ndarray:
        """Rows no wave rules out for any of `targets`."""
        return plausible_for_all(self.waves, targets, u, self.strata(u), self.settings.cutoff)

    def candidates(self, key: int, batch: int) -> np.ndarray:
        """Batch `batch` of prior rows (quantiles), readings snapped (:meth:`snapped`)."""
        return self.snapped(candidates(self.seed, key, len(self.paths), batch))

    def snapped(self, u: np.ndarray) -> np.ndarray:
        """Rows with each reading's quantile moved to the middle of its option's interval.

        A reading's option is a step function of its quantile; snapped, the emulators see
        one input value per option (so their fit is a level per option, not a smoothed
        step) and the prior mass of each option is unchanged."""
        for j, cumulative in self.categories:
            lower = np.concatenate([[0.0], cumulative[:-1]])
            option = np.searchsorted(cumulative[:-1], u[:, j], side="right")
            u[:, j] = (lower[option] + cumulative[option]) / 2
        return u

    def values(self, u: np.ndarray) -> np.ndarray:
        """Parameter values of rows given as prior quantiles. With readings, each row's
        values come from the distributions of the reading it draws (a reading may change
        a parameter's distribution); a parameter its reading lacks is NaN."""
        mixture = self.plan.mixture
        if mixture is None:
            return draw(self.free, u)
        n = len(u)
        values, _ = mixture.draw(self._in_union(u), np.arange(n), np.zeros(n), None, [])
        return values[:, [self.plan.index[p] for p in self.paths]]

    def _wave_seed(self, k: int) -> int:
        return int(np.random.SeedSequence(self.seed, spawn_key=(STREAM, k)).generate_state(1)[0])

    def _screen_prior(self, key: int, want: int, budget: int) -> tuple[np.ndarray, int, int]:
        """Prior rows no wave rules out, in a fixed order: (up to `want` rows, rows drawn,
        rows found plausible among them: the share is found / drawn, not want / drawn)."""
        targets = [self.targets[j] for j in self.active]
        rows, screened, batch = [], 0, 0
        update = self._screen_bar(f"screening prior rows for {want:,} plausible", budget)
        while sum(len(r) for r in rows) < want and screened < budget:
            u = self.candidates(key, batch)
            screened += len(u)
            rows.append(u[self.plausible_for_all(targets, u)])
            batch += 1
            if update:
                update(len(u))
        u = np.concatenate(rows) if rows else np.empty((0, len(self.paths)))
        return u[:want], screened, len(u)

    def _screen_bar(self, name: str, budget: int) -> Callable[[int], None] | None:
        """A progress bar over the candidate rows a screen may draw (the emulators'
        screens are the longest part of a calibration once the waves have run). No bar
        while no wave has emulators to screen with: then every row passes at once."""
        if self.progress is None or not self.waves:
            return None
        return self.progress(name, budget, unit="rows")

    def _proposal(self, key: int) -> Proposal | None:
        """Proposal around the last wave's rows that every wave still finds plausible."""
        if not self.designs:
            return None
        targets = [self.targets[j] for j in self.active]
        last = self.designs[-1]
        centres = last[self.plausible_for_all(targets, last)]
        if len(centres) < MIN_CENTRES:
            return None
        rng = np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=(STREAM, key)))
        return Proposal.around(centres, rng)

    def _screen_proposal(self, proposal: Proposal, key: int, want: int, budget: int) -> np.ndarray:
        """Proposed rows no wave rules out, in a fixed order."""
        targets = [self.targets[j] for j in self.active]
        rows, drawn, batch = [], 0, 0
        update = self._screen_bar(f"screening proposed rows for {want:,} plausible", budget)
        while sum(len(r) for r in rows) < want and drawn < budget:
            rng = np.random.default_rng(
                np.random.SeedSequence(self.seed, spawn_key=(STREAM, key, batch))
            )
            u, n = proposal.sample(rng, BATCH)
            u = self.snapped(u)
            drawn, batch = drawn + n, batch + 1
            rows.append(u[self.plausible_for_all(targets, u)])
            if update:
                update(n)
        return np.concatenate(rows)[:want] if rows else np.empty((0, len(self.paths)))

    def _design(self, k: int) -> np.ndarray:
        """Wave k's rows: prior rows no earlier wave rules out; when the prior is too
        sparse in them, rows proposed around the last wave's plausible rows."""
        want = self.settings.replicates
        u, _, _ = self._screen_prior(k, want, min(PRIOR_BUDGET, self.settings.max_candidates))
        proposal = self._proposal(30_000 + k) if len(u) < want else None
        if proposal is None:
            return u if len(u) else self._screen_prior(k, want, self.settings.max_candidates)[0]
        return self._screen_proposal(proposal, 40_000 + k, want, self.settings.max_candidates)

    def run_wave(self, k: int) -> None:
        """Simulate wave k at its design and fit its emulators."""
        design_file = self.out / "waves" / f"{k}-design.parquet"
        if design_file.exists():
            u = pq.read_table(design_file).to_pandas().to_numpy(dtype=float)
        else:
            u = self._design(k)
            write_parquet_atomic(design_file, pd.DataFrame(u, columns=self.paths))
        if len(u) == 0:
            return
        self.designs.append(u)
        plan = Plan(self.scenario, rows=Rows.design(self.paths, self.values(u)))
        folder = self._run(f"waves/{k}", plan, self.file, len(u), self._wave_seed(k))
        outcomes = pd.read_parquet(folder / "outcomes.parquet").sort_values("replicate")
        wave, strata = Wave(k, len(u)), self.strata(u)
        fits = len(self.active) + ("consistent" in outcomes)
        update = self.progress(f"waves/{k}: fitting emulators", fits, unit="emulators") if (
            self.progress
        ) else None  # fmt: skip
        for j in self.active:
            t = self.targets[j]
            rows = (
                outcomes[f"{t.column}.given"].to_numpy(dtype=bool)
                if t.conditional
                else np.ones(len(outcomes), dtype=bool)
            )
            y = outcomes[t.column].to_numpy(dtype=bool)[rows]
            wave.emulators[t.id] = Pooled.fit(u[rows], y, strata[rows], self.levels)
            if update:
                update(1)
        if "consistent" in outcomes:
            agree = outcomes["consistent"].to_numpy(dtype=bool)
            wave.agreement = Pooled.fit(u, agree, strata, self.levels)
            if update:
                update(1)
        self.waves.append(wave)
        self.wave_outcomes.append(outcomes)
        self._settle_targets(k)

    def _settle_targets(self, k: int) -> None:
        """After a wave: if the active targets cannot hold together, keep the closest set."""
        if not self.active:
            return
        u = self.candidates(10_000 + k, 0)
        targets = [self.targets[j] for j in self.active]
        # Usually most rows pass: a thousand settle it at once; only when none of those
        # does is the whole batch checked (the same answer either way).
        if self.plausible_for_all(targets, u[:SETTLE_HEAD]).any():
            return
        ok = plausible(self.waves, targets, u, self.strata(u), self.settings.cutoff)
        if ok.all(axis=1).any():
            return
        keep, conflicts = closest_set(ok, targets)
        self.conflicts += [c for c in conflicts if c not in self.conflicts]
        self.active = [self.active[i] for i in keep]

    def posterior(self) -> tuple[pd.DataFrame, dict[str, Any]]:
        """The prior restricted to the rows no wave rules out, each weighted by how surely
        it meets the targets.

        Always drawn from the prior itself: rows proposed near plausible ones (as wave
        designs are) would need prior / proposal weights, and in tens of dimensions those
        weights degenerate (an effective sample size of a handful was measured on
        Belarus). A small region therefore shows up honestly as a small ESS.
        """
        want, budget = self.settings.posterior_rows, self.settings.max_candidates
        self._name_discrepant()
        self.active = [j for j in self.active if self.targets[j].id not in self.discrepant]
        targets = [self.targets[j] for j in self.active]
        u, screened, found = self._screen_prior(20_000, want, budget)
        frame = pd.DataFrame(self.values(u), columns=self.paths)
        frame["draw_weight"] = self.judgment_weight(u, targets)
        agreement = self.waves[-1].agreement if self.waves else None
        frame["weight"] = frame["draw_weight"] * (
            agreement.probability(u, self.strata(u)) if agreement is not None and len(u) else 1.0
        )
        return frame, proportion(found, screened)

    def _name_discrepant(self) -> None:
        """Each target's posterior probability of being the model's discrepancy
        (:func:`discrepancy_probabilities`, over prior rows); above one half it is named
        and no longer weighs the posterior. A target the model meets somewhere in the
        prior but not where the others hold is named too: the rest of the evidence says
        the model cannot represent it."""
        eps = self.settings.discrepancy
        if not self.waves or eps <= 0 or not self.active:
            return
        u = self.candidates(60_000, 0)
        x, strata = features(u), self.strata(u)
        likelihood = np.column_stack(
            [self._band_likelihood(self.targets[j], x, strata) for j in self.active]
        )
        agreement = self.waves[-1].agreement
        base = agreement.probability(u, strata) if agreement is not None else np.ones(len(u))
        for j, p in zip(self.active, discrepancy_probabilities(likelihood, base, eps), strict=True):
            t = self.targets[j]
            self.discrepancy_probability[t.id] = float(p)
            if p > 0.5:
                self.discrepant.append(t.id)

    def _latest(self, t: Target) -> Pooled:
        return next(w.emulators[t.id] for w in reversed(self.waves) if t.id in w.emulators)

    def _band_likelihood(self, t: Target, x: np.ndarray, strata: np.ndarray) -> np.ndarray:
        """E[band likelihood] at each row under the latest emulator's log-odds
        distribution N(m, s²) (:func:`band_likelihood`)."""
        mean, sd = self._latest(t).log_odds_of(x, strata)
        finite = sd[np.isfinite(sd)]
        self.edge_sd[t.id] = float(np.median(finite)) if len(finite) else math.nan
        return band_likelihood(mean, sd, float(logit(t.low)), float(logit(t.high)), t.softness)

    def judgment_weight(self, u: np.ndarray, targets: list[Target]) -> np.ndarray:
        """The probability, under the latest emulator of each target, that the event's
        true probability at each row lies in the target's range (multiplied over targets).

        The cut-off screens rows out; this weighs the rows left by how sure the emulator is
        that they meet the targets, so the posterior's edges are neither sharper nor wider
        than the emulator's knowledge allows, and it tends to the indicator of the targets'
        region as the emulators' error shrinks.
        """
        w, x, strata = np.ones(len(u)), features(u), self.strata(u)
        eps = self.settings.discrepancy
        for t in targets:
            w *= (1 - eps) * self._band_likelihood(t, x, strata) + eps
        return w

    # ---------------------------------------------------------------- writing

    def write_calibrated(self, frame: pd.DataFrame) -> Path:
        """posterior.parquet and calibrated.yaml, a scenario that extends the original."""
        post = self.out / "posterior.parquet"
        write_parquet_atomic(post, frame)
        doc: dict[str, Any] = {
            "format": FORMAT,
            "extends": os.path.relpath(self.file.resolve(), self.out.resolve()),
            "metadata": {"name": f"{self.scenario.metadata.name} (calibrated)"},
            "posterior": {"file": post.name, "sha256": file_sha256(post), "weight": "draw_weight"},
        }
        if self.scenario.observations or self.settings.as_of or self.settings.observations:
            doc["observations"] = [
                o.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
                | {"value": o.value, "metric": o.metric}
                for o in self.scenario.observations
            ]
        head = (
            f"# Calibrated by `wargame calibrate` on {now()} from {self.file.name}.\n"
            "# Its freed parameters are drawn jointly from posterior.parquet (by draw_weight);\n"
            "# see calibration.json for the diagnostics. Do not edit the posterior file: its\n"
            "# SHA-256 below is checked on every load.\n"
        )
        path = self.out / "calibrated.yaml"
        write_bytes_atomic(path, (head + yaml.safe_dump(doc, sort_keys=False)).encode())
        return path


# ------------------------------------------------------------------------------ API


def calibrate(
    scenario_file: str | Path,
    out: str | Path,
    settings: CalibrationSettings = CalibrationSettings(),
    workers: int | Executor = 1,
    progress: PhaseProgress | None = None,
    resume: bool = False,
) -> dict[str, Any]:
    """Calibrate a scenario into folder `out`; returns the diagnostics (calibration.json).

    Interrupted, it leaves every finished wave in place; calling again with
    ``resume=True`` and the same arguments finishes it with the same result.
    """
    t0 = time.perf_counter()
    cal = Calibration(Path(scenario_file), Path(out), settings, workers, progress, resume)
    try:
        for k in range(1, settings.waves + 1):
            cal.run_wave(k)
        frame, share = cal.posterior()
        if frame.empty:
            raise ScenarioError.single(
                "no prior row meets the targets kept; nothing to calibrate to "
                f"(screened {share['n']:,} rows)",
                file=str(scenario_file),
            )
        calibrated = cal.write_calibrated(frame)
        n_check = settings.check_replicates or cal.scenario.monte_carlo.replicates
        check_plan = Plan(load(calibrated))
        check = cal._run("check", check_plan, calibrated, n_check, cal.seed)
    except BaseException as e:
        cal.folder.mark("incomplete", f"{type(e).__name__}: {e}")
        raise
    report = diagnostics(cal, frame, share, check, time.perf_counter() - t0)
    write_json_atomic(cal.out / "calibration.json", report)
    cal.folder.finish()
    return report
