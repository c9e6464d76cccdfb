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
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.calibration.record import CalibrationRecord
from sim.runs.aggregate import kept_rows
from sim.runs.run_summary import RunSummary, read_summary
from sim.runs.summary import proportion, verdict
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


def describe(x: np.ndarray, w: np.ndarray) -> dict[str, float]:
    """Mean, standard deviation and 90 % interval of weighted values."""
    mean = float(np.average(x, weights=w))
    sd = math.sqrt(float(np.average((x - mean) ** 2, weights=w)))
    return {
        "mean": mean,
        "sd": sd,
        "q05": weighted_quantile(x, w, 0.05),
        "q95": weighted_quantile(x, w, 0.95),
    }


def parameters(rec: CalibrationRecord, frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Prior and posterior of every freed parameter, sorted by how far it moved."""
    prior_values = rec.prior_values
    w = frame["weight"].to_numpy(dtype=float)
    out = []
    for i, e in enumerate(rec.free):
        x = prior_values[:, i]
        prior = describe(x[np.isfinite(x)], np.ones(int(np.isfinite(x).sum())))
        y = frame[e.path].to_numpy(dtype=float)
        post = describe(y[np.isfinite(y)], w[np.isfinite(y)])
        shift = (post["mean"] - prior["mean"]) / prior["sd"] if prior["sd"] > 0 else 0.0
        out.append(
            {
                "path": e.path,
                "status": e.status,
                "prior": prior,
                "posterior": post,
                "shift_sd": shift,
            }
        )
    return sorted(out, key=lambda r: -abs(r["shift_sd"]))


def reading_weights(
    rec: CalibrationRecord, frame: pd.DataFrame, before: pd.DataFrame, after: RunSummary
) -> list[dict[str, Any]]:
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
            mine = before[paths.reading(r.name)] == o.name if len(before) else []
            after_o = after_by[r.name].options[j] if r.name in after_by else None
            options.append(
                {
                    "name": o.name,
                    "word": o._word,  # the estimative word its prior weight cites, if any
                    "prior": prior,
                    "posterior": post,
                    "posterior_se": math.sqrt(max(post * (1 - post), 0.0) / n_eff)
                    if n_eff > 0
                    else math.nan,
                    "outcomes": {
                        name: {
                            "before": proportion(int(before[mine][name].sum()), int(np.sum(mine))),
                            "after": after_o.outcomes[name].json() if after_o else None,
                        }
                        for name in OUTCOME_LABELS
                    },
                }
            )
        out.append(
            {"name": r.name, "source": r.source, "freed": r.path in frame, "options": options}
        )
    return out


def diagnostics(
    rec: CalibrationRecord,
    frame: pd.DataFrame,
    share: dict[str, float],
    check: Path,
    seconds: float,
) -> dict[str, Any]:
    """``calibration.json``: the calibration's record, its posterior `frame` (of which
    `share` of the prior was consistent) and its check run's folder `check`, read for
    the analyst (the module docstring lists what)."""
    before = kept_rows(rec.wave_outcomes[0]) if rec.wave_outcomes else pd.DataFrame()
    after_summary = read_summary(check)
    targets = _targets(rec, before, after_summary)
    drawn = after_summary.drawn
    checked = drawn if drawn is not None else after_summary.replicates
    replicates = [int(w.rows) for w in rec.waves]
    return {
        "scenario": rec.scenario.metadata.name,
        "scenario_file": str(rec.file),
        "method": _method(rec),
        "band": rec.settings.band,
        "softness": rec.settings.softness,
        "settings": rec.manifest_settings,
        "freed": len(rec.paths),
        "replicates": {"waves": replicates, "check": checked, "total": sum(replicates) + checked},
        "prior_share_consistent": share,
        "posterior_rows": len(frame),
        "ess": ess(frame["weight"].to_numpy()),
        "ess_draw": ess(frame["draw_weight"].to_numpy()),
        "targets": targets,
        "dropped": [
            t.id for t in rec.targets if t.id not in rec.active and t.id not in rec.discrepant
        ],
        "discrepant": list(rec.discrepant),
        "unmet": [t["id"] for t in targets if t["kept"] and t["after"]["verdict"] != "in range"],
        "conflicts": [list(c) for c in rec.conflicts],
        "observations": _observations(rec),
        "kept_after": after_summary.kept.json() if after_summary.kept is not None else None,
        "outcomes": {
            name: {
                "before": proportion(int(before[name].sum()), len(before)),
                "after": after_summary.outcomes[name].json(),
            }
            for name in OUTCOME_LABELS
        },
        "parameters": parameters(rec, frame),
        "readings": reading_weights(rec, frame, before, after_summary),
        "emulators": _emulators(rec),
        "wall_seconds": round(seconds, 2),
    }


def _targets(
    rec: CalibrationRecord, before: pd.DataFrame, after_summary: RunSummary
) -> list[dict[str, Any]]:
    """Each target before (the first wave, drawn from the prior) and after (the check
    run), with its verdict and word, whether it still weighs the posterior, its
    probability of being the model's discrepancy and its emulator's fit."""
    after_j = {j.id: j for j in after_summary.judgments}
    out = []
    for t in rec.targets:
        among = int(before[paths.judgment_given(t.id)].sum()) if t.conditional else len(before)
        b = proportion(int(before[t.column].sum()), among)
        e = after_j[t.id].estimate
        a = {"p": e.p, "low": e.low, "high": e.high, "k": e.k, "n": e.n}
        out.append(
            {
                "id": t.id,
                "claim": t.claim,
                "source": t.source,
                "word": t.word,
                "range": [t.low, t.high],
                "kept": t.id in rec.active,
                "discrepancy_probability": rec.discrepancy_probability.get(t.id),
                "misfit": _misfit(rec, t.id),
                "emulator_sd_log_odds": rec.edge_sd.get(t.id),
                "before": {
                    **b,
                    "verdict": verdict(b["p"], t.low, t.high),
                    "word": word_for(b["p"]),
                },
                "after": {**a, "verdict": verdict(a["p"], t.low, t.high), "word": word_for(a["p"])},
            }
        )
    return out


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


def _observations(rec: CalibrationRecord) -> list[dict[str, Any]]:
    """Each observation, with the share of the first wave's replicates that agreed."""
    if not rec.wave_outcomes:
        return []
    first = rec.wave_outcomes[0]
    return [
        {
            "id": o.id,
            "value": o.value,
            "as_of": o.as_of.isoformat(),
            "source": o.source,
            "agreed_before": proportion(int(first[paths.observation(o.id)].sum()), len(first)),
        }
        for o in rec.scenario.observations
    ]


def _emulators(rec: CalibrationRecord) -> list[dict[str, Any]]:
    """Every wave's emulator of every target, with its held-out fit."""
    return [
        {
            "wave": w.index,
            "target": tid,
            "rows": pooled.emulator.n,
            "levels": pooled.levels,
            "prior_variance": pooled.emulator.prior_variance,
            "holdout_brier": pooled.emulator.holdout_brier,
            "holdout_p_value": pooled.emulator.holdout_p_value,
            "discrepancy": pooled.emulator.discrepancy,
        }
        for w in rec.waves
        for tid, pooled in w.emulators.items()
    ]


def _misfit(rec: CalibrationRecord, target: str) -> dict[str, Any] | None:
    """The latest wave's emulator fit for a target: its held-out Hosmer-Lemeshow p-value
    and the structural error added where the test failed (the emulator is widened by it,
    never trusted past its fit)."""
    for wave in reversed(rec.waves):
        if target in wave.emulators:
            emu = wave.emulators[target].emulator
            p_value = None if math.isnan(emu.holdout_p_value) else emu.holdout_p_value
            return {
                "wave": wave.index,
                "holdout_p_value": p_value,
                "failed": bool(emu.discrepancy > 0),
                "widened_by": emu.discrepancy,
            }
    return None
