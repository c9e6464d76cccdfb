"""What an analyst reads after a calibration (``calibration.json``).

Targets before (the prior wave, as ``wargame run`` would print it) and after (the check
run of the calibrated scenario), each with its Wilson interval and ICD 203 word; each
freed parameter's prior and posterior with the shift in prior standard deviations, cited
and assumed apart; the share of the prior consistent with the targets; the effective
sample size; conflicts and dropped targets; the headline outcomes before and after; and
each emulator's held-out fit.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.analysis.emulator import logit
from sim.runs.aggregate import kept_rows
from sim.runs.summary import pct, proportion, verdict
from sim.scenario import paths
from sim.scenario.outcomes import OUTCOME_LABELS
from sim.scenario.params import ICD203, word_for

if TYPE_CHECKING:
    from sim.analysis.calibrate import Calibration


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


def parameters(cal: Calibration, frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Prior and posterior of every freed parameter, sorted by how far it moved."""
    prior_u = np.random.default_rng(np.random.SeedSequence(cal.seed, spawn_key=(0xD1A6,)))
    prior_values = cal.values(cal.snapped(prior_u.random((20_000, len(cal.free)))))
    w = frame["weight"].to_numpy(dtype=float)
    out = []
    for i, e in enumerate(cal.free):
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
    cal: Calibration, frame: pd.DataFrame, before: pd.DataFrame, after: dict[str, Any]
) -> list[dict[str, Any]]:
    """Per reading: each option's prior weight, its posterior weight with its Monte Carlo
    standard error (from the posterior's effective sample size), and the headline
    outcomes under it before (the first wave, drawn from the prior) and after (the check
    run)."""
    out = []
    w = frame["weight"].to_numpy(dtype=float)
    n_eff = ess(w)
    after_by = {r["name"]: r for r in after.get("readings", [])}
    for r in cal.scenario.readings:
        column = frame[r.path].to_numpy() if r.path in frame else np.full(len(frame), np.nan)
        options = []
        for j, (o, prior) in enumerate(zip(r.options, r.weights, strict=True)):
            post = float(np.sum(w[column == j]) / w.sum()) if w.sum() > 0 else math.nan
            mine = before[paths.reading(r.name)] == o.name if len(before) else []
            after_o = after_by[r.name]["options"][j] if r.name in after_by else None
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
                            "after": after_o["outcomes"][name] if after_o else None,
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
    cal: Calibration, frame: pd.DataFrame, share: dict[str, float], check: Path, seconds: float
) -> dict[str, Any]:
    before = kept_rows(cal.wave_outcomes[0]) if cal.wave_outcomes else pd.DataFrame()
    after_summary = json.loads((check / "summary.json").read_text())
    after_j = {j["id"]: j for j in after_summary["judgments"]}
    active = {cal.targets[j].id for j in cal.active}
    targets = []
    for t in cal.targets:
        among = int(before[f"{t.column}.given"].sum()) if t.conditional else len(before)
        b = proportion(int(before[t.column].sum()), among)
        a = {k: after_j[t.id][k] for k in ("p", "low", "high", "k", "n")}
        targets.append(
            {
                "id": t.id,
                "claim": t.claim,
                "source": t.source,
                "word": t.word,
                "range": [t.low, t.high],
                "kept": t.id in active,
                "discrepancy_probability": cal.discrepancy_probability.get(t.id),
                "misfit": _misfit(cal, t.id),
                "emulator_sd_log_odds": cal.edge_sd.get(t.id),
                "before": {
                    **b,
                    "verdict": verdict(b["p"], t.low, t.high),
                    "word": word_for(b["p"]),
                },
                "after": {
                    **a,
                    "verdict": verdict(a["p"], t.low, t.high),
                    "word": word_for(a["p"]),
                },
            }
        )
    outcomes = {
        name: {
            "before": proportion(int(before[name].sum()), len(before)),
            "after": after_summary["outcomes"][name],
        }
        for name in OUTCOME_LABELS
    }
    replicates = [int(w.rows) for w in cal.waves]
    return {
        "scenario": cal.scenario.metadata.name,
        "scenario_file": str(cal.file),
        "method": (
            f"history matching in {len(cal.waves)} wave(s): spline-logistic emulators of each "
            f"judgment's probability"
            + (" (one level per combination of readings)" if cal.levels > 1 else "")
            + f", implausibility cut-off {cal.settings.cutoff}; "
            + (
                f"soft bands (likelihood falls off outside each ICD 203 range with s.d. "
                f"{cal.settings.softness:g} log-odds)"
                if cal.settings.band == "soft"
                else "hard bands (the ICD 203 ranges' edges are walls)"
            )
            + f", model-discrepancy probability {cal.settings.discrepancy:g} per judgment"
        ),
        "band": cal.settings.band,
        "softness": cal.settings.softness,
        "settings": cal.manifest["settings"],
        "freed": len(cal.paths),
        "replicates": {
            "waves": replicates,
            "check": after_summary.get("drawn", after_summary["replicates"]),
            "total": sum(replicates) + after_summary.get("drawn", after_summary["replicates"]),
        },
        "prior_share_consistent": share,
        "posterior_rows": len(frame),
        "ess": ess(frame["weight"].to_numpy()),
        "ess_draw": ess(frame["draw_weight"].to_numpy()),
        "targets": targets,
        "dropped": [t.id for t in cal.targets if t.id not in active and t.id not in cal.discrepant],
        "discrepant": list(cal.discrepant),
        "unmet": [t["id"] for t in targets if t["kept"] and t["after"]["verdict"] != "in range"],
        "conflicts": [list(c) for c in cal.conflicts],
        "observations": [
            {
                "id": o.id,
                "value": o.value,
                "as_of": o.as_of.isoformat(),
                "source": o.source,
                "agreed_before": proportion(
                    int(cal.wave_outcomes[0][paths.observation(o.id)].sum()),
                    len(cal.wave_outcomes[0]),
                ),
            }
            for o in cal.scenario.observations
        ]
        if cal.wave_outcomes
        else [],
        "kept_after": after_summary.get("kept"),
        "outcomes": outcomes,
        "parameters": parameters(cal, frame),
        "readings": reading_weights(cal, frame, before, after_summary),
        "emulators": [
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
            for w in cal.waves
            for tid, pooled in w.emulators.items()
        ],
        "wall_seconds": round(seconds, 2),
    }


def _misfit(cal: Calibration, target: str) -> dict[str, Any] | None:
    """The latest wave's emulator fit for a target: its held-out Hosmer-Lemeshow p-value
    and the structural error added where the test failed (the emulator is widened by it,
    never trusted past its fit)."""
    for wave in reversed(cal.waves):
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


def _interval(d: dict[str, float]) -> str:
    return f"{pct(d['p'])} ({pct(d['low'])} - {pct(d['high'])})"


def format_calibration(r: dict[str, Any]) -> str:
    """The diagnostics as ``wargame calibrate`` prints them."""
    s = r["prior_share_consistent"]
    out = [
        f"{r['scenario']}: {r['method']}",
        f"replicates: waves {' + '.join(f'{n:,}' for n in r['replicates']['waves'])}, "
        f"check {r['replicates']['check']:,}; total {r['replicates']['total']:,}",
        f"prior consistent with the targets: {_interval(s)} of {s['n']:,} rows screened",
        f"posterior: {r['posterior_rows']:,} rows, effective sample size {r['ess']:,.0f}"
        + (f" ({r['ess_draw']:,.0f} before the observations)" if r["observations"] else ""),
        "",
        "targets (before = prior, after = the calibrated scenario's check run):",
    ]
    for t in r["targets"]:
        low, high = t["range"]
        mark = "ok " if t["after"]["verdict"] == "in range" else "!! "
        in_conflict = any(t["id"] in pair for pair in r["conflicts"])
        why = "cannot hold with the others" if in_conflict else "no prior row meets it"
        kept = "" if t["kept"] else f"  [DROPPED: {why}]"
        if t["id"] in r.get("discrepant", []):
            kept = (
                f"  [NAMED: the model is unlikely to represent it (P = "
                f"{t['discrepancy_probability']:.2f}); it no longer pulls the posterior]"
            )
        out.append(
            f"  {mark}{t['id']}: {t['word'].replace('_', ' ')} ({100 * low:.0f}-{100 * high:.0f} %)"
            f"  before {_interval(t['before'])}  after {_interval(t['after'])}{kept}"
        )
        fit = t.get("misfit")
        if fit and fit["failed"]:
            out.append(
                f"       emulator misfit: held-out test failed (p = "
                f"{fit['holdout_p_value']:.3f}); widened by {fit['widened_by']:.2f} log-odds"
            )
    for a, b in r["conflicts"]:
        out.append(f"  conflict: {a} and {b} cannot hold together anywhere in the prior")
    unmet = [t for t in r["targets"] if t["id"] in r.get("unmet", [])]
    if unmet:
        out.append(
            "  the calibrated run does not meet: "
            + ", ".join(
                f"{t['id']} ({pct(t['after']['p'])}, {t['after']['verdict']}{_edge(r, t)})"
                for t in unmet
            )
        )
        out.append(
            "  (the emulators could not rule out the rows where these fail; the simulator at"
            " those rows says they do not hold together with the others in this model)"
        )
    if r["ess"] < 1000:
        out.append(
            f"  effective sample size {r['ess']:,.0f} is below 1,000: the targets leave "
            f"{pct(s['p'])} of the prior and the emulators are unsure at its edges; more "
            "--waves, -n or --max-candidates raise it"
        )
    if r["observations"]:
        out.append("")
        out.append("observations (data: a calibrated run keeps only histories that agree):")
        for o in r["observations"]:
            said = "yes" if o["value"] else "no"
            out.append(
                f"  {o['id']} = {said} (as of {o['as_of']}): agreed by "
                f"{_interval(o['agreed_before'])} of prior replicates"
            )
        if r["kept_after"]:
            out.append(f"  check run kept {_interval(r['kept_after'])} of its replicates")
    out.append("")
    out.append("headline outcomes by the horizon:")
    for name, label in OUTCOME_LABELS.items():
        o = r["outcomes"][name]
        out.append(f"  {label:<44} before {_interval(o['before'])}  after {_interval(o['after'])}")
    out += _format_readings(r)
    out.append("")
    out.append("parameters that moved most (shift of the mean in prior standard deviations):")
    moved = [p for p in r["parameters"] if not paths.is_reading_param(p["path"])]
    for p in moved[:8]:
        pr, po = p["prior"], p["posterior"]
        out.append(
            f"  {p['shift_sd']:+5.2f}  {p['path']:<52} [{p['status']}]  prior {pr['mean']:.3g} "
            f"({pr['q05']:.3g}-{pr['q95']:.3g})  posterior {po['mean']:.3g} "
            f"({po['q05']:.3g}-{po['q95']:.3g})"
        )
    pulled = [p for p in r["parameters"] if p["status"] == "cited" and abs(p["shift_sd"]) >= 0.5]
    if pulled:
        out.append("")
        out.append(
            "cited values the judgments pull by half a prior s.d. or more (the report gives "
            "these numbers and its conclusions disagree with them; worth a second reading; "
            "cited directions and assumptions are the analyst's and may move freely):"
        )
        out.extend(f"  {p['shift_sd']:+5.2f}  {p['path']}" for p in pulled)
    out.extend(_format_pulled_words(r))
    return "\n".join(out)


def _edge(r: dict[str, Any], t: dict[str, Any]) -> str:
    """How far outside its range a target's calibrated probability lies, in soft-edge
    standard deviations (with soft bands: within about two, the band still counts it)."""
    if r.get("band") != "soft" or not r.get("softness"):
        return ""
    p, (low, high) = t["after"]["p"], t["range"]
    gap = max(float(logit(low)) - float(logit(p)), float(logit(p)) - float(logit(high)), 0.0)
    return f" by {gap / r['softness']:.1f} soft-edge s.d."


def _format_pulled_words(r: dict[str, Any]) -> list[str]:
    """Readings whose prior weight is an estimative word of the report and whose posterior
    weight left that word's range by more than twice its Monte Carlo s.e.: the report's
    own hedge and its conclusions disagree in this model."""
    out = []
    for reading in r.get("readings", []):
        for o in reading["options"]:
            if not o.get("word") or not reading["freed"]:
                continue
            low, high = ICD203[o["word"]]
            gap = max(low - o["posterior"], o["posterior"] - high)
            if gap > 2 * o["posterior_se"]:
                out.append(
                    f"  {reading['name']} = {o['name']}: weighted '{o['word'].replace('_', ' ')}' "
                    f"({100 * low:.0f}-{100 * high:.0f} %) by the report, "
                    f"{100 * o['posterior']:.1f} % after calibration"
                )
    if out:
        out = [
            "",
            "cited reading weights the judgments pull outside their estimative word (the "
            "report hedges one sentence one way and its conclusions read it the other):",
            *out,
        ]
    return out


def _format_readings(r: dict[str, Any]) -> list[str]:
    """Each reading's prior and posterior weight, and the headline under each option."""
    if not r.get("readings"):
        return []
    out = ["", "readings (prior weight -> posterior weight +/- its Monte Carlo s.e.):"]
    for reading in r["readings"]:
        out.append(f"  {reading['name']}" + ("" if reading["freed"] else " (not freed: fixed)"))
        for o in reading["options"]:
            out.append(
                f"    {o['name']:<28} {o['prior']:.3f} -> {o['posterior']:.3f} "
                f"+/- {o['posterior_se']:.3f}"
            )
            for name in ("persistent", "presence_at_horizon", "ever_continuous"):
                v = o["outcomes"][name]
                after = _interval(v["after"]) if v["after"] else "-"
                out.append(f"      {name:<22} before {_interval(v['before'])}  after {after}")
    return out
