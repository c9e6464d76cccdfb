"""A score as ``wargame score`` prints it."""

from __future__ import annotations

import numpy as np

from sim.analysis.score import CLIP, MIN_FOR_INTERVAL
from sim.analysis.scorecard import CorpSummary, Difference, RunScores, Scorecard, ScoredForecast


def format_score(result: Scorecard) -> str:
    """The score as ``wargame score`` prints it: every forecast, then each run's scores
    over its own questions, then each run's paired difference from the first."""
    rows = result.forecasts
    wide = max([len("run"), *(len(r.run) for r in rows)]) + 2
    ask = max([len("question"), *(len(r.question) for r in rows)]) + 2
    out = [f"{'run':<{wide}}{'question':<{ask}}{'forecast':>9}  outcome  Brier term"]
    for r in rows:
        out.append(
            f"{r.run:<{wide}}{r.question:<{ask}}{100 * r.p:8.1f} %  "
            f"{'yes' if r.outcome else 'no ':<7}  {r.brier:.4f}"
        )
    for s in result.by_run:
        out += ["", *_run_block(s, len(result.by_run) > 1)]
    if result.corp is not None:
        out += _corp_lines(result.corp)
    for d in result.differences:
        out += ["", *_difference_block(d)]
    out += _clipped_note(rows)
    if result.unresolved:
        out.append("")
        out.append("not yet resolved (listed, not scored):")
        out += [f"  {u.run}: {u.question} ({100 * u.p:.1f} %)" for u in result.unresolved]
    return "\n".join(out)


def _run_block(s: RunScores, named: bool) -> list[str]:
    """One run's scores with their bootstrap intervals."""
    head = f"{s.run}: " if named else ""
    if not s.n or s.base_rate is None:
        return [f"{head}no resolved forecasts"]
    ci = s.interval

    def with_ci(key: str) -> str:
        value = getattr(s, key)
        if value is None:
            return "undefined (every outcome the same)"
        text = f"{value:.4f}"
        if ci and key in ci:
            text += f" (95 % bootstrap {ci[key][0]:.4f} - {ci[key][1]:.4f})"
        return text

    out = [
        f"{head}{s.n} resolved forecasts, base rate {100 * s.base_rate:.1f} %",
        f"  Brier score {with_ci('brier')}",
        f"  log score {with_ci('log')}",
        f"  Brier skill vs a 0.5 forecaster {with_ci('skill_vs_half')}",
        f"  Brier skill vs the base rate {with_ci('skill_vs_base_rate')}",
    ]
    if ci is None:
        out.append(f"  (no bootstrap interval: fewer than {MIN_FOR_INTERVAL} resolved forecasts)")
    return out


def _difference_block(d: Difference) -> list[str]:
    """A run's paired difference from the first run, question by question."""
    k = len(d.questions)
    out = [f"{d.run} minus {d.baseline}, paired over the {k} question(s) both resolved:"]
    for v, name in ((d.brier, "Brier"), (d.log, "log score")):
        if v.diff is None:
            out.append(f"  {name}: no shared resolved question")
        elif v.low is None or v.high is None:
            out.append(f"  {name} {v.diff:+.4f} (one question: no interval)")
        else:
            out.append(
                f"  {name} {v.diff:+.4f} (95 % paired t interval "
                f"{v.low:+.4f} to {v.high:+.4f}; below 0: the first run scored worse)"
            )
    return out


def _corp_lines(c: CorpSummary) -> list[str]:
    """The CORP decomposition in words, with the miscalibration a calibrated forecaster
    would show by chance."""
    low, high = c.miscalibration_band
    verdict = (
        "more than chance: the forecasts are miscalibrated"
        if c.miscalibration > high
        else "within what chance gives a calibrated forecaster"
    )
    return [
        f"  CORP: Brier {c.brier:.4f} = miscalibration {c.miscalibration:.4f} "
        f"- discrimination {c.discrimination:.4f} + uncertainty {c.uncertainty:.4f}",
        f"  miscalibration {verdict} ({low:.4f} - {high:.4f} for calibrated forecasts, "
        f"{100 * c.level:.0f} % of {c.resamples} redraws)",
    ]


def _clipped_note(forecasts: list[ScoredForecast]) -> list[str]:
    """Say which forecasts gave the outcome that happened (almost) no chance: their log
    score is capped at -ln(CLIP), not infinite, so the total understates the miss."""
    hit = [f for f in forecasts if f.clipped]
    if not hit:
        return []
    names = ", ".join(f"{f.run}: {f.question} ({100 * f.p:.1f} %)" for f in hit)
    return [
        f"!! {len(hit)} forecast(s) gave what happened less than {100 * CLIP:g} %: "
        f"each log score is capped at -ln({CLIP:g}) = {-np.log(CLIP):.2f} ({names})"
    ]
