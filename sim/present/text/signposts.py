"""Signposts as ``wargame signposts`` prints them."""

from __future__ import annotations

from sim.analysis.signpost_report import Estimate, SignpostReport
from sim.analysis.signposts import TOP


def format_signposts(r: SignpostReport, top: int = TOP) -> str:
    """The table ``wargame signposts`` prints."""
    f = r.forecast
    out = [
        f"signposts for {r.label}: forecast {100 * f.p:.1f} % (s.e. {100 * f.se:.1f}) "
        f"from {r.replicates:,} replicates",
        f"{r.candidates} candidate indicators up to {r.until} ({r.informative} not "
        "always or never true); ranked by value of information (expected fall of the "
        "forecast's Brier score from watching it), 95 % intervals from the Bayesian bootstrap"
        + (" of whole clades (branching)" if r.by_clades else ""),
        "",
    ]
    if f.p in (0.0, 1.0):
        never = "never" if f.p == 0.0 else "always"
        out += [
            f"the outcome {never} happens in these replicates: no indicator can move the "
            "forecast (likelihood ratios are undefined, every value is zero)",
            "",
        ]
    for k, s in enumerate(r.signposts[:top], 1):
        also = f"  (same signal on {', '.join(s.also)})" if s.also else ""
        out += [
            f"{k:2d}. {s.date}  {s.question}{also}",
            f"      P(indicator) {_fmt(s.p_indicator)};  P(outcome | yes) {_fmt(s.p_given)};"
            f"  P(outcome | no) {_fmt(s.p_given_not)}",
            f"      likelihood ratio {_fmt(s.likelihood_ratio, pct=False)};  expected shift "
            f"{_fmt(s.shift)};  value of information {1e4 * s.voi.estimate:.0f} "
            f"({1e4 * s.voi.low:.0f} to {1e4 * s.voi.high:.0f}) x 1e-4 Brier",
        ]
    return "\n".join(out)


def _fmt(d: Estimate, pct: bool = True) -> str:
    if pct:
        return f"{100 * d.estimate:.1f} % ({100 * d.low:.1f}-{100 * d.high:.1f})"
    return f"{d.estimate:.3g} ({d.low:.3g}-{d.high:.3g})"
