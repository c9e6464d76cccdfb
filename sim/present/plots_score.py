"""Figures of a score: the reliability diagram, and each forecast against what happened."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.figure import Figure

from sim.present.plots import ACCENT, BAND, MUTED, _figure


def reliability(result: dict[str, Any], caption: str) -> Figure:
    """Observed frequency against forecast probability, by bin; the diagonal is perfect."""
    fig = _figure(5.8, 5.4, caption)
    ax = fig.subplots()
    ax.plot([0, 100], [0, 100], color=MUTED, lw=1, ls="--", label="perfectly reliable")
    curve = result.get("reliability_curve")
    if curve:
        ax.plot(
            100 * np.array(curve["predicted"]),
            100 * np.array(curve["observed"]),
            "o-",
            color=BAND,
            label=f"forecasts ({curve['bins']} equal bins)",
        )
    m = result.get("murphy", {})
    if m:
        ax.text(
            0.02,
            0.97,
            f"reliability {m['reliability']:.3f}\nresolution {m['resolution']:.3f}\n"
            f"uncertainty {m['uncertainty']:.3f}",
            transform=ax.transAxes,
            va="top",
            fontsize=8,
        )
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 100)
    ax.set_xlabel("forecast probability (%)")
    ax.set_ylabel("observed frequency (%)")
    ax.set_title("Reliability diagram", fontsize=11)
    ax.legend(fontsize=8, frameon=False, loc="lower right")
    return fig


def forecasts(result: dict[str, Any], caption: str) -> Figure:
    """Each resolved forecast with its 95 % interval; filled = it happened."""
    rows = result["forecasts"]
    fig = _figure(10, 1.3 + 0.42 * max(len(rows), 1), caption)
    ax = fig.subplots()
    for y, r in enumerate(rows):
        color = ACCENT if r["outcome"] else BAND
        ax.errorbar(
            100 * r["p"],
            y,
            xerr=[[100 * (r["p"] - r["low"])], [100 * (r["high"] - r["p"])]],
            fmt="o",
            color=color,
            mfc=color if r["outcome"] else "white",
            capsize=3,
        )
        ax.text(101, y, "happened" if r["outcome"] else "did not", va="center", fontsize=7)
    ax.set_yticks(range(len(rows)), [f"{r['run'][:24]}: {r['question']}" for r in rows], fontsize=8)
    ax.set_xlim(0, 112)
    ax.set_xlabel("forecast probability (%) with its 95 % interval; filled = it happened")
    ax.set_title("Forecasts against what happened", fontsize=11)
    ax.invert_yaxis()
    return fig


def score_figures(result: dict[str, Any], caption: str) -> dict[str, Figure]:
    if not result["forecasts"]:
        return {}
    return {"reliability": reliability(result, caption), "forecasts": forecasts(result, caption)}
