"""What an analyst reads after a calibration (``calibration.json``).

Targets before (the prior wave, as ``wargame run`` would print it) and after (the check
run of the calibrated scenario), each with its Wilson interval and ICD 203 word; each
freed parameter's prior and posterior with the shift in prior standard deviations, cited
and assumed apart; the share of the prior consistent with the targets; the effective
sample size; conflicts and dropped targets; the headline outcomes before and after; and
each emulator's held-out fit.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis.calibration.findings import (
    CalibrationDiagnostics,
    Checked,
    EmulatorFit,
    HeadlineShift,
    Misfit,
    ObservationReport,
    OptionWeight,
    OutcomeShift,
    ParameterReport,
    ReadingWeights,
    Replicates,
    Spread,
    TargetReport,
)
from sim.analysis.calibration.record import CalibrationRecord
from sim.runs.aggregate import kept_rows
from sim.runs.estimates import Proportion
from sim.runs.run_summary import RunSummary, read_summary
from sim.runs.summary import verdict
from sim.scenario import paths
from sim.scenario.outcomes import OUTCOME_LABELS
from sim.scenario.params import word_for


def ess(weights: np.ndarray) -> float:
    """Kish's effective sample size of weighted rows."""
    w = np.asarray(weights, dtype=float)
    return float(w.sum() ** 2 / (w**2).sum()) if w.size and w.sum() > 0 else 0.0


def weighted_quantile(x: np.ndarray, w: np.ndarray, q: float) -> float:
    order = np.argsort(x, kind="stable")
    cum = np.cumsum(w[order]) / w.sum()
    return float(x[order][min(np.searchsorted(cum, q), len(x) - 1)])


def describe(x: np.ndarray, w: np.ndarray) -> Spread:
    """Mean, standard deviation and 90 % interval of weighted values."""
    mean = float(np.average(x, weights=w))
    sd = math.sqrt(float(np.average((x - mean) ** 2, weights=w)))
    return Spread(mean, sd, weighted_quantile(x, w, 0.05), weighted_quantile(x, w, 0.95))


def parameters(rec: CalibrationRecord, frame: pd.DataFrame) -> list[ParameterReport]:
    """Prior and posterior of every freed parameter, sorted by how far it moved."""
    prior_values = rec.prior_values
    w = frame["weight"].to_numpy(dtype=float)
    out = []
    for i, e in enumerate(rec.free):
        x = prior_values[:, i]
        prior = describe(x[np.isfinite(x)], np.ones(int(np.isfinite(x).sum())))
        y = frame[e.path].to_numpy(dtype=float)
        post = describe(y[np.isfinite(y)], w[np.isfinite(y)])
        shift = (post.mean - prior.mean) / prior.sd if prior.sd > 0 else 0.0
        out.append(ParameterReport(e.path, e.status, prior, post, shift))
    return sorted(out, key=lambda r: -abs(r.shift_sd))


def reading_weights(
    rec: CalibrationRecord, frame: pd.DataFrame, before: pd.DataFrame, after: RunSummary
) -> list[ReadingWeights]:
    """Per reading: each option's prior weight, its posterior weight with its Monte Carlo
    standard error (from the posterior's effective sample size), and the headline
    outcomes under it before (the first wave, drawn from the prior) and after (the check
    run)."""
    out = []
    w = frame["weight"].to_numpy(dtype=float)
    n_eff = ess(w)
    after_by = {r.name: r for r in after.readings}
    for r in rec.scenario.readings:
        column = frame[r.path].to_numpy() if r.path in frame else np.full(len(frame), np.nan)
        options = []
        for j, (o, prior) in enumerate(zip(r.options, r.weights, strict=True)):
            post = float(np.sum(w[column == j]) / w.sum()) if w.sum() > 0 else math.nan
            mine = before[paths.reading(r.name)] == o.name
            after_o = after_by[r.name].options[j] if r.name in after_by else None
            se = math.sqrt(max(post * (1 - post), 0.0) / n_eff) if n_eff > 0 else math.nan
            outcomes = {
                name: OutcomeShift(
                    Proportion.of(int(before[mine][name].sum()), int(np.sum(mine))),
                    after_o.outcomes[name] if after_o else None,
                )
                for name in OUTCOME_LABELS
            }
            # o._word: the estimative word its prior weight cites, if any
            options.append(OptionWeight(o.name, o._word, prior, post, se, outcomes))
        out.append(ReadingWeights(r.name, r.source, r.path in frame, options))
    return out


def diagnostics(
    rec: CalibrationRecord,
    frame: pd.DataFrame,
    share: Proportion,
    check: Path,
    seconds: float,
) -> CalibrationDiagnostics:
    """``calibration.json``: the calibration's record, its posterior `frame` (of which
    `share` of the prior was consistent) and its check run's folder `check`, read for
    the analyst (the module docstring lists what)."""
    before = kept_rows(rec.wave_outcomes[0]) if rec.wave_outcomes else pd.DataFrame()
    after_summary = read_summary(check)
    targets = _targets(rec, before, after_summary)
    drawn = after_summary.drawn
    checked = drawn if drawn is not None else after_summary.replicates
    replicates = [int(w.rows) for w in rec.waves]
    return CalibrationDiagnostics(
        scenario=rec.scenario.metadata.name,
        scenario_file=str(rec.file),
        method=_method(rec),
        band=rec.settings.band,
        softness=rec.settings.softness,
        settings=rec.manifest_settings,
        freed=len(rec.paths),
        replicates=Replicates(replicates, checked, sum(replicates) + checked),
        prior_share_consistent=share,
        posterior_rows=len(frame),
        ess=ess(frame["weight"].to_numpy()),
        ess_draw=ess(frame["draw_weight"].to_numpy()),
        targets=targets,
        dropped=[
            t.id for t in rec.targets if t.id not in rec.active and t.id not in rec.discrepant
        ],
        discrepant=list(rec.discrepant),
        unmet=[t.id for t in targets if t.kept and t.after.verdict != "in range"],
        conflicts=[list(c) for c in rec.conflicts],
        observations=_observations(rec),
        kept_after=after_summary.kept,
        outcomes={
            name: HeadlineShift(
                Proportion.of(int(before[name].sum()), len(before)), after_summary.outcomes[name]
            )
            for name in OUTCOME_LABELS
        },
        parameters=parameters(rec, frame),
        readings=reading_weights(rec, frame, before, after_summary),
        emulators=_emulators(rec),
        wall_seconds=round(seconds, 2),
    )


def _targets(
    rec: CalibrationRecord, before: pd.DataFrame, after_summary: RunSummary
) -> list[TargetReport]:
    """Each target before (the first wave, drawn from the prior) and after (the check
    run), with its verdict and word, whether it still weighs the posterior, its
    probability of being the model's discrepancy and its emulator's fit."""
    after_j = {j.id: j for j in after_summary.judgments}
    out = []
    for t in rec.targets:
        among = int(before[paths.judgment_given(t.id)].sum()) if t.conditional else len(before)
        b = Proportion.of(int(before[t.column].sum()), among)
        a = after_j[t.id].estimate
        out.append(
            TargetReport(
                id=t.id,
                claim=t.claim,
                source=t.source,
                word=t.word,
                range=[t.low, t.high],
                kept=t.id in rec.active,
                discrepancy_probability=rec.discrepancy_probability.get(t.id),
                misfit=_misfit(rec, t.id),
                emulator_sd_log_odds=rec.edge_sd.get(t.id),
                before=_checked(b, t.low, t.high),
                after=_checked(a, t.low, t.high),
            )
        )
    return out


def _checked(e: Proportion, low: float, high: float) -> Checked:
    """A probability against a judgment's range [low, high]."""
    return Checked(e.p, e.low, e.high, e.k, e.n, verdict(e.p, low, high), word_for(e.p))


def _method(rec: CalibrationRecord) -> str:
    """How the calibration read its targets, in one sentence."""
    s = rec.settings
    band = (
        f"soft bands (likelihood falls off outside each ICD 203 range with s.d. "
        f"{s.softness:g} log-odds)"
        if s.band == "soft"
        else "hard bands (the ICD 203 ranges' edges are walls)"
    )
    return (
        f"history matching in {len(rec.waves)} wave(s): spline-logistic emulators of each "
        f"judgment's probability"
        + (" (one level per combination of readings)" if rec.levels > 1 else "")
        + f", implausibility cut-off {s.cutoff}; {band}"
        + f", model-discrepancy probability {s.discrepancy:g} per judgment"
    )


def _observations(rec: CalibrationRecord) -> list[ObservationReport]:
    """Each observation, with the share of the first wave's replicates that agreed."""
    if not rec.wave_outcomes:
        return []
    first = rec.wave_outcomes[0]
    return [
        ObservationReport(
            id=o.id,
            value=o.value,
            as_of=o.as_of.isoformat(),
            source=o.source,
            agreed_before=Proportion.of(int(first[paths.observation(o.id)].sum()), len(first)),
        )
        for o in rec.scenario.observations
    ]


def _emulators(rec: CalibrationRecord) -> list[EmulatorFit]:
    """Every wave's emulator of every target, with its held-out fit."""
    return [
        EmulatorFit(
            wave=w.index,
            target=tid,
            rows=pooled.emulator.n,
            levels=pooled.levels,
            prior_variance=pooled.emulator.prior_variance,
            holdout_brier=pooled.emulator.holdout_brier,
            holdout_p_value=pooled.emulator.holdout_p_value,
            discrepancy=pooled.emulator.discrepancy,
        )
        for w in rec.waves
        for tid, pooled in w.emulators.items()
    ]


def _misfit(rec: CalibrationRecord, target: str) -> Misfit | None:
    """The latest wave's emulator fit for a target: its held-out Hosmer-Lemeshow p-value
    and the structural error added where the test failed (the emulator is widened by it,
    never trusted past its fit)."""
    for wave in reversed(rec.waves):
        if target in wave.emulators:
            emu = wave.emulators[target].emulator
            p_value = None if math.isnan(emu.holdout_p_value) else emu.holdout_p_value
            return Misfit(wave.index, p_value, bool(emu.discrepancy > 0), emu.discrepancy)
    return None
