"""The calibration diagnostics as ``wargame calibrate`` prints them."""

from __future__ import annotations

from sim.analysis.calibration.findings import (
    CalibrationDiagnostics,
    Checked,
    ReadingWeights,
    TargetReport,
)
from sim.analysis.emulator import logit
from sim.runs.estimates import Proportion
from sim.runs.summary import pct
from sim.scenario import paths
from sim.scenario.outcomes import OUTCOME_LABELS
from sim.scenario.params import ICD203


def _interval(d: Proportion | Checked) -> str:
    return f"{pct(d.p)} ({pct(d.low)} - {pct(d.high)})"


def format_calibration(r: CalibrationDiagnostics) -> str:
    """The diagnostics as ``wargame calibrate`` prints them."""
    out = _format_header(r)
    out += _format_targets(r)
    out += _format_observations(r)
    out.append("")
    out.append("headline outcomes by the horizon:")
    for name, label in OUTCOME_LABELS.items():
        o = r.outcomes[name]
        after = _interval(o.after.estimate)
        out.append(f"  {label:<44} before {_interval(o.before)}  after {after}")
    out += _format_readings(r)
    out += _format_parameters(r)
    out.extend(_format_pulled_words(r))
    return "\n".join(out)


def _format_header(r: CalibrationDiagnostics) -> list[str]:
    s, n = r.prior_share_consistent, r.replicates
    return [
        f"{r.scenario}: {r.method}",
        f"replicates: waves {' + '.join(f'{k:,}' for k in n.waves)}, "
        f"check {n.check:,}; total {n.total:,}",
        f"prior consistent with the targets: {_interval(s)} of {s.n:,} rows screened",
        f"posterior: {r.posterior_rows:,} rows, effective sample size {r.ess:,.0f}"
        + (f" ({r.ess_draw:,.0f} before the observations)" if r.observations else ""),
        "",
        "targets (before = prior, after = the calibrated scenario's check run):",
    ]


def _format_targets(r: CalibrationDiagnostics) -> list[str]:
    """Each target before and after, what was dropped or named, and the conflicts."""
    out = []
    for t in r.targets:
        out += _format_target(r, t)
    for a, b in r.conflicts:
        out.append(f"  conflict: {a} and {b} cannot hold together anywhere in the prior")
    unmet = [t for t in r.targets if t.id in r.unmet]
    if unmet:
        out.append(
            "  the calibrated run does not meet: "
            + ", ".join(f"{t.id} ({pct(t.after.p)}, {t.after.verdict}{_edge(r, t)})" for t in unmet)
        )
        out.append(
            "  (the emulators could not rule out the rows where these fail; the simulator at"
            " those rows says they do not hold together with the others in this model)"
        )
    if r.ess < 1000:
        out.append(
            f"  effective sample size {r.ess:,.0f} is below 1,000: the targets leave "
            f"{pct(r.prior_share_consistent.p)} of the prior and the emulators are "
            "unsure at its edges; more --waves, -n or --max-candidates raise it"
        )
    return out


def _format_target(r: CalibrationDiagnostics, t: TargetReport) -> list[str]:
    low, high = t.range
    mark = "ok " if t.after.verdict == "in range" else "!! "
    in_conflict = any(t.id in pair for pair in r.conflicts)
    why = "cannot hold with the others" if in_conflict else "no prior row meets it"
    kept = "" if t.kept else f"  [DROPPED: {why}]"
    if t.id in r.discrepant:
        kept = (
            f"  [NAMED: the model is unlikely to represent it (P = "
            f"{t.discrepancy_probability or 0.0:.2f}); it no longer pulls the posterior]"
        )
    out = [
        f"  {mark}{t.id}: {t.word.replace('_', ' ')} ({100 * low:.0f}-{100 * high:.0f} %)"
        f"  before {_interval(t.before)}  after {_interval(t.after)}{kept}"
    ]
    fit = t.misfit
    if fit and fit.failed:
        p_value = "n/a" if fit.holdout_p_value is None else f"{fit.holdout_p_value:.3f}"
        out.append(
            f"       emulator misfit: held-out test failed (p = "
            f"{p_value}); widened by {fit.widened_by:.2f} log-odds"
        )
    return out


def _format_observations(r: CalibrationDiagnostics) -> list[str]:
    if not r.observations:
        return []
    out = ["", "observations (data: a calibrated run keeps only histories that agree):"]
    for o in r.observations:
        said = "yes" if o.value else "no"
        out.append(
            f"  {o.id} = {said} (as of {o.as_of}): agreed by "
            f"{_interval(o.agreed_before)} of prior replicates"
        )
    if r.kept_after:
        out.append(f"  check run kept {_interval(r.kept_after)} of its replicates")
    return out


def _format_parameters(r: CalibrationDiagnostics) -> list[str]:
    """The parameters that moved most, and cited values the judgments pull."""
    out = ["", "parameters that moved most (shift of the mean in prior standard deviations):"]
    moved = [p for p in r.parameters if not paths.is_reading_param(p.path)]
    for p in moved[:8]:
        pr, po = p.prior, p.posterior
        out.append(
            f"  {p.shift_sd:+5.2f}  {p.path:<52} [{p.status}]  prior {pr.mean:.3g} "
            f"({pr.q05:.3g}-{pr.q95:.3g})  posterior {po.mean:.3g} "
            f"({po.q05:.3g}-{po.q95:.3g})"
        )
    pulled = [p for p in r.parameters if p.status == "cited" and abs(p.shift_sd) >= 0.5]
    if pulled:
        out.append("")
        out.append(
            "cited values the judgments pull by half a prior s.d. or more (the report gives "
            "these numbers and its conclusions disagree with them; worth a second reading; "
            "cited directions and assumptions are the analyst's and may move freely):"
        )
        out.extend(f"  {p.shift_sd:+5.2f}  {p.path}" for p in pulled)
    return out


def _edge(r: CalibrationDiagnostics, t: TargetReport) -> str:
    """How far outside its range a target's calibrated probability lies, in soft-edge
    standard deviations (with soft bands: within about two, the band still counts it)."""
    if r.band != "soft" or not r.softness:
        return ""
    p, (low, high) = t.after.p, t.range
    gap = max(float(logit(low)) - float(logit(p)), float(logit(p)) - float(logit(high)), 0.0)
    return f" by {gap / r.softness:.1f} soft-edge s.d."


def _format_pulled_words(r: CalibrationDiagnostics) -> list[str]:
    """Readings whose prior weight is an estimative word of the report and whose posterior
    weight left that word's range by more than twice its Monte Carlo s.e.: the report's
    own hedge and its conclusions disagree in this model."""
    out = []
    for reading in r.readings:
        for o in reading.options:
            if not o.word or not reading.freed:
                continue
            low, high = ICD203[o.word]
            gap = max(low - o.posterior, o.posterior - high)
            if gap > 2 * o.posterior_se:
                out.append(
                    f"  {reading.name} = {o.name}: weighted '{o.word.replace('_', ' ')}' "
                    f"({100 * low:.0f}-{100 * high:.0f} %) by the report, "
                    f"{100 * o.posterior:.1f} % after calibration"
                )
    if out:
        out = [
            "",
            "cited reading weights the judgments pull outside their estimative word (the "
            "report hedges one sentence one way and its conclusions read it the other):",
            *out,
        ]
    return out


def _format_readings(r: CalibrationDiagnostics) -> list[str]:
    """Each reading's prior and posterior weight, and the headline under each option."""
    if not r.readings:
        return []
    out = ["", "readings (prior weight -> posterior weight +/- its Monte Carlo s.e.):"]
    for reading in r.readings:
        out += _format_reading(reading)
    return out


def _format_reading(reading: ReadingWeights) -> list[str]:
    out = [f"  {reading.name}" + ("" if reading.freed else " (not freed: fixed)")]
    for o in reading.options:
        out.append(f"    {o.name:<28} {o.prior:.3f} -> {o.posterior:.3f} +/- {o.posterior_se:.3f}")
        for name in ("persistent", "presence_at_horizon", "ever_continuous"):
            v = o.outcomes[name]
            after = _interval(v.after) if v.after else "-"
            out.append(f"      {name:<22} before {_interval(v.before)}  after {after}")
    return out
