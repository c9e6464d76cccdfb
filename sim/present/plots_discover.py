"""Figures of scenario discovery: the PRIM trade-off, the box limits, and the box's two
main dimensions against the outcome."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from sim.present.plots import ACCENT, BAND, MUTED, _figure, _short


def tradeoff(result: dict[str, Any], caption: str) -> Figure:
    """Coverage against density along the first box's peeling trajectory."""
    box = result["boxes"][0]
    t = pd.DataFrame(box["trajectory"])
    fig = _figure(6.5, 5.2, caption)
    ax = fig.subplots()
    points = ax.scatter(
        100 * t["coverage"], 100 * t["density"], c=t["res_dim"], cmap="viridis", s=14
    )
    fig.colorbar(points, ax=ax, label="restricted dimensions")
    chosen = t.iloc[box["chosen"]]
    ax.scatter(
        [100 * chosen["coverage"]],
        [100 * chosen["density"]],
        s=120,
        facecolors="none",
        edgecolors=ACCENT,
        linewidths=2,
        label="PRIM box chosen on the trajectory",
    )
    if "peeled" in box:  # the box reported: only the limits noise could not draw
        ax.scatter([100 * box["coverage"]], [100 * box["density"]], marker="x", s=80,
                   color=ACCENT, label="box reported (significant limits only)")  # fmt: skip
    ax.axhline(100 * result["threshold"], color=MUTED, ls="--", lw=1, label="density threshold")
    ax.set_xlabel("coverage (% of all cases inside the box)")
    ax.set_ylabel("density (% of the box's replicates with the outcome)")
    ax.set_title("PRIM peeling trajectory", fontsize=11)
    ax.legend(fontsize=8, frameon=False, loc="lower left")
    return fig


def limits(result: dict[str, Any], caption: str) -> Figure:
    """Each box's limits on axes normalised to the data's range."""
    rows = [(k, lim) for k, b in enumerate(result["boxes"]) for lim in b["limits"]]
    fig = _figure(9, 1.4 + 0.45 * len(rows), caption)
    ax = fig.subplots()
    for y, (k, lim) in enumerate(rows):
        span = (lim["prior_high"] - lim["prior_low"]) or 1.0
        lo = (lim["low"] - lim["prior_low"]) / span
        hi = (lim["high"] - lim["prior_low"]) / span
        ax.plot([0, 1], [y, y], color=MUTED, lw=1)
        ax.plot([lo, hi], [y, y], color=BAND if k == 0 else ACCENT, lw=6, solid_capstyle="butt")
        ax.text(1.02, y, f"{lim['low']:.3g} - {lim['high']:.3g}", va="center", fontsize=7)
    labels = [
        f"box {k + 1}: {_short(lim['parameter'])} ({lim.get('status', '')})" for k, lim in rows
    ]
    ax.set_yticks(range(len(rows)), labels, fontsize=8)
    ax.set_xlim(0, 1.25)
    ax.invert_yaxis()
    ax.set_xlabel("limit within the parameter's range in the run (0 = lowest, 1 = highest)")
    ax.set_title(f"Where {result['outcome']} concentrates", fontsize=11)
    return fig


def box_scatter(result: dict[str, Any], x: pd.DataFrame, y: np.ndarray, caption: str) -> Figure:
    """The first box's two main dimensions, each replicate coloured by the outcome."""
    lims = result["boxes"][0]["limits"][:2]
    fig = _figure(6.5, 5.4, caption)
    ax = fig.subplots()
    if len(lims) == 1:
        a = lims[0]["parameter"]
        ax.scatter(
            x[a],
            y + np.random.default_rng(0).uniform(-0.2, 0.2, len(y)),
            s=4,
            c=np.where(y, ACCENT, BAND),
            alpha=0.4,
            rasterized=True,
        )
        ax.axvspan(lims[0]["low"], lims[0]["high"], color=MUTED, alpha=0.15)
        ax.set_xlabel(_short(a))
        ax.set_yticks([0, 1], ["did not happen", "happened"])
    else:
        a, b = lims[0]["parameter"], lims[1]["parameter"]
        ax.scatter(x[a], x[b], s=4, c=np.where(y, ACCENT, BAND), alpha=0.4, rasterized=True)
        ax.add_patch(
            Rectangle(
                (lims[0]["low"], lims[1]["low"]),
                lims[0]["high"] - lims[0]["low"],
                lims[1]["high"] - lims[1]["low"],
                fill=False,
                edgecolor="black",
                lw=1.5,
            )
        )
        ax.set_xlabel(_short(a))
        ax.set_ylabel(_short(b))
    ax.set_title(f"Box 1 and the outcome (red: {result['outcome']})", fontsize=10)
    return fig


def discovery_figures(
    result: dict[str, Any], x: pd.DataFrame, y: np.ndarray, caption: str
) -> dict[str, Figure]:
    if not result["boxes"]:
        return {}
    return {
        "discovery_tradeoff": tradeoff(result, caption),
        "discovery_limits": limits(result, caption),
        "discovery_box": box_scatter(result, x, y, caption),
    }
