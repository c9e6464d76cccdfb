"""Figures of a score: the reliability diagram, and each forecast against what happened."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from sim.analysis.scorecard import Scorecard
from sim.present.plots.style import ACCENT, BAND, MUTED, figure


def reliability(result: Scorecard, caption: str) -> Figure:
    """The CORP reliability diagram: the forecasts recalibrated by isotonic regression
    (a step curve) against the forecasts, the band a calibrated forecaster's curve would
    fall in, and where the forecasts lie (ticks along the bottom)."""
    fig = figure(5.8, 5.6, caption)
    ax = fig.subplots()
    ax.plot([0, 100], [0, 100], color=MUTED, lw=1, ls="--", label="perfectly reliable")
    c = result.corp
    if c is not None:
        curve = c.curve
        x = 100 * np.array(curve.forecast)
        ax.fill_between(
            x,
            100 * np.array(curve.band_low),
            100 * np.array(curve.band_high),
            step="post",
            color=BAND,
            alpha=0.15,
            lw=0,
            label=f"{100 * c.level:.0f} % consistency band (calibrated forecasts)",
        )
        ax.step(
            x,
            100 * np.array(curve.recalibrated),
            where="post",
            color=BAND,
            lw=2,
            label="recalibrated (isotonic, CORP)",
        )
        ax.plot(x, np.full_like(x, 1.5), "|", color="black", ms=9, label="forecasts")
        low, high = c.miscalibration_band
        ax.text(
            0.98,
            0.05,
            f"Brier {c.brier:.3f} =\n  miscalibration {c.miscalibration:.3f}"
            f" (chance: {low:.3f}-{high:.3f})\n  - discrimination {c.discrimination:.3f}"
            f"\n  + uncertainty {c.uncertainty:.3f}",
            transform=ax.transAxes,
            va="bottom",
            ha="right",
            fontsize=8,
        )
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 100)
    ax.set_xlabel("forecast probability (%)")
    ax.set_ylabel("recalibrated probability: how often it happened (%)")
    ax.set_title("Reliability diagram (CORP)", fontsize=11)
    ax.legend(fontsize=7.5, frameon=False, loc="upper left")
    return fig


def forecasts(result: Scorecard, caption: str) -> Figure:
    """Each resolved forecast with its 95 % interval; filled = it happened."""
    rows = result.forecasts
    fig = figure(10, 1.3 + 0.42 * max(len(rows), 1), caption)
    ax = fig.subplots()
    for y, r in enumerate(rows):
        color = ACCENT if r.outcome else BAND
        ax.errorbar(
            100 * r.p,
            y,
            xerr=[[100 * (r.p - r.low)], [100 * (r.high - r.p)]],
            fmt="o",
            color=color,
            mfc=color if r.outcome else "white",
            capsize=3,
        )
        ax.text(101, y, "happened" if r.outcome else "did not", va="center", fontsize=7)
    ax.set_yticks(range(len(rows)), [f"{r.run[:24]}: {r.question}" for r in rows], fontsize=8)
    ax.set_xlim(0, 112)
    ax.set_xlabel("forecast probability (%) with its 95 % interval; filled = it happened")
    ax.set_title("Forecasts against what happened", fontsize=11)
    ax.invert_yaxis()
    return fig


def score_figures(result: Scorecard, caption: str) -> dict[str, Figure]:
    """The reliability diagram and the forecasts figure (none when nothing resolved)."""
    if not result.forecasts:
        return {}
    return {"reliability": reliability(result, caption), "forecasts": forecasts(result, caption)}
