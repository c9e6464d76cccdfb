"""The calibration driver: waves of runs and emulators, the posterior, the calibrated
scenario (see :mod:`sim.analysis.calibration`)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from sim.analysis.calibration.record import CalibrationRecord
from sim.analysis.calibration.settings import (
    BATCH,
    MIN_CENTRES,
    PRIOR_BUDGET,
    PRIOR_STREAM,
    STREAM,
    CalibrationFolder,
    CalibrationSettings,
    PhaseProgress,
    Target,
    Wave,
)
from sim.analysis.calibration.space import FreeSpace
from sim.analysis.calibration.steps import (
    SETTLE_HEAD,
    band_likelihood,
    closest_set,
    discrepancy_probabilities,
    free_entries,
    plausible,
    plausible_for_all,
)
from sim.analysis.emulator import Pooled, features, logit
from sim.analysis.proposal import Proposal
from sim.engine.plan import Plan
from sim.engine.rows import Rows
from sim.runs.estimates import Proportion
from sim.runs.executor import Executor
from sim.runs.runner import default_chunk, run_to_store
from sim.runs.store import RunStore, write_parquet_atomic
from sim.scenario.errors import ScenarioError, UsageError
from sim.scenario.loader import file_sha256, load
from sim.scenario.schema import Scenario


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
        self.scenario = s = _calibratable(scenario_file, settings)
        self.seed = s.monte_carlo.seed if settings.seed is None else settings.seed
        self.settings = settings
        self.plan = Plan(s)
        self.space = FreeSpace(self.plan, free_entries(self.plan.table, settings.free), self.seed)
        self.paths = self.space.paths
        if not self.paths:
            raise ScenarioError.single(
                "no parameter has a distribution: there is no belief for the judgments to "
                "move (give the uncertain ones a range, e.g. uniform: [low, high])",
                file=str(scenario_file),
            )
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

    def run_folder(self, name: str, plan: Plan, scenario_file: Path, n: int, seed: int) -> Path:
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

    def plausible_for_all(self, targets: list[Target], u: np.ndarray) -> np.ndarray:
        """Rows no wave rules out for any of `targets`."""
        return plausible_for_all(self.waves, targets, u, self.space.strata(u), self.settings.cutoff)

    def _wave_seed(self, k: int) -> int:
        return int(np.random.SeedSequence(self.seed, spawn_key=(STREAM, k)).generate_state(1)[0])

    def _screen_prior(self, key: int, want: int, budget: int) -> tuple[np.ndarray, int, int]:
        """Prior rows no wave rules out, in a fixed order: (up to `want` rows, rows drawn,
        rows found plausible among them: the share is found / drawn, not want / drawn)."""
        targets = [self.targets[j] for j in self.active]
        rows, screened, batch = [], 0, 0
        update = self._screen_bar(f"screening prior rows for {want:,} plausible", budget)
        while sum(len(r) for r in rows) < want and screened < budget:
            u = self.space.candidates(key, batch)
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
            u = self.space.snapped(u)
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
        plan = Plan(self.scenario, rows=Rows.design(self.paths, self.space.values(u)))
        folder = self.run_folder(f"waves/{k}", plan, self.file, len(u), self._wave_seed(k))
        outcomes = pd.read_parquet(folder / "outcomes.parquet").sort_values("replicate")
        wave, strata = Wave(k, len(u)), self.space.strata(u)
        fits = len(self.active) + ("consistent" in outcomes)
        update = (
            self.progress(f"waves/{k}: fitting emulators", fits, unit="emulators")
            if (self.progress)
            else None
        )
        for j in self.active:
            t = self.targets[j]
            rows = (
                outcomes[f"{t.column}.given"].to_numpy(dtype=bool)
                if t.conditional
                else np.ones(len(outcomes), dtype=bool)
            )
            y = outcomes[t.column].to_numpy(dtype=bool)[rows]
            wave.emulators[t.id] = Pooled.fit(u[rows], y, strata[rows], self.space.levels)
            if update:
                update(1)
        if "consistent" in outcomes:
            agree = outcomes["consistent"].to_numpy(dtype=bool)
            wave.agreement = Pooled.fit(u, agree, strata, self.space.levels)
            if update:
                update(1)
        self.waves.append(wave)
        self.wave_outcomes.append(outcomes)
        self._settle_targets(k)

    def _settle_targets(self, k: int) -> None:
        """After a wave: if the active targets cannot hold together, keep the closest set."""
        if not self.active:
            return
        u = self.space.candidates(10_000 + k, 0)
        targets = [self.targets[j] for j in self.active]
        # Usually most rows pass: a thousand settle it at once; only when none of those
        # does is the whole batch checked (the same answer either way).
        if self.plausible_for_all(targets, u[:SETTLE_HEAD]).any():
            return
        ok = plausible(self.waves, targets, u, self.space.strata(u), self.settings.cutoff)
        if ok.all(axis=1).any():
            return
        keep, conflicts = closest_set(ok, targets)
        self.conflicts += [c for c in conflicts if c not in self.conflicts]
        self.active = [self.active[i] for i in keep]

    def posterior(self) -> tuple[pd.DataFrame, Proportion]:
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
        frame = pd.DataFrame(self.space.values(u), columns=self.paths)
        frame["draw_weight"] = self.judgment_weight(u, targets)
        agreement = self.waves[-1].agreement if self.waves else None
        frame["weight"] = frame["draw_weight"] * (
            agreement.probability(u, self.space.strata(u))
            if agreement is not None and len(u)
            else 1.0
        )
        return frame, Proportion.of(found, screened)

    def _name_discrepant(self) -> None:
        """Each target's posterior probability of being the model's discrepancy
        (:func:`discrepancy_probabilities`, over prior rows); above one half it is named
        and no longer weighs the posterior. A target the model meets somewhere in the
        prior but not where the others hold is named too: the rest of the evidence says
        the model cannot represent it."""
        eps = self.settings.discrepancy
        if not self.waves or eps <= 0 or not self.active:
            return
        u = self.space.candidates(60_000, 0)
        x, strata = features(u), self.space.strata(u)
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
        w, x, strata = np.ones(len(u)), features(u), self.space.strata(u)
        eps = self.settings.discrepancy
        for t in targets:
            w *= (1 - eps) * self._band_likelihood(t, x, strata) + eps
        return w

    def record(self) -> CalibrationRecord:
        """What the diagnostics read, once the waves and the posterior are done."""
        return CalibrationRecord(
            scenario=self.scenario,
            file=self.file,
            settings=self.settings,
            manifest_settings=self.manifest["settings"],
            free=self.space.free,
            levels=self.space.levels,
            targets=self.targets,
            active=frozenset(self.targets[j].id for j in self.active),
            discrepant=list(self.discrepant),
            discrepancy_probability=dict(self.discrepancy_probability),
            conflicts=list(self.conflicts),
            edge_sd=dict(self.edge_sd),
            waves=list(self.waves),
            wave_outcomes=list(self.wave_outcomes),
            prior_values=self.space.prior_values(20_000, PRIOR_STREAM),
        )


def _calibratable(scenario_file: Path, settings: CalibrationSettings) -> Scenario:
    """The scenario to calibrate, with its observations as of the settings' date, or a
    clear error if there is nothing to calibrate it to (or it is calibrated already)."""
    if settings.band not in ("soft", "hard"):
        raise UsageError(f"--band must be soft or hard, not {settings.band!r}", "--band")
    if not 0 <= settings.discrepancy < 1:
        raise UsageError("the discrepancy probability must lie in [0, 1)", "--discrepancy")
    as_of = None if settings.as_of is None else pd.Timestamp(settings.as_of).date()
    s = load(scenario_file, settings.observations, as_of)
    if s.posterior is not None:
        raise ScenarioError.single(
            "this scenario is already calibrated (it has a posterior); calibrate the "
            "scenario it extends, with every target and observation you want",
            file=str(scenario_file),
        )
    if not s.judgments and not s.observations:
        raise ScenarioError.single(
            "the scenario has no judgments or observations: there is nothing to "
            "calibrate to (add judgments:, observations:, or --observations FILE)",
            file=str(scenario_file),
        )
    return s
