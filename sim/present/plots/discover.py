"""Figures of scenario discovery: the PRIM trade-off, the box limits, and the box's two
main dimensions against the outcome."""

from __future__ import annotations

from dataclasses import asdict

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from sim.analysis.discovery_report import DiscoveryReport, Limit, OptionsLimit
from sim.present.plots.style import ACCENT, BAND, MUTED, figure, short


def tradeoff(result: DiscoveryReport, caption: str) -> Figure:
    """Coverage against density along the first box's peeling trajectory."""
    box = result.boxes[0]
    t = pd.DataFrame(asdict(box.trajectory))
    fig = figure(6.5, 5.2, caption)
    ax = fig.subplots()
    points = ax.scatter(
        100 * t["coverage"], 100 * t["density"], c=t["res_dim"], cmap="viridis", s=14
    )
    fig.colorbar(points, ax=ax, label="restricted dimensions")
    chosen = t.iloc[box.chosen]
    ax.scatter(
        [100 * chosen["coverage"]],
        [100 * chosen["density"]],
        s=120,
        facecolors="none",
        edgecolors=ACCENT,
        linewidths=2,
        label="PRIM box chosen on the trajectory",
    )
    # the box reported: only the limits noise could not draw
    ax.scatter(
        [100 * box.coverage],
        [100 * box.density],
        marker="x",
        s=80,
        color=ACCENT,
        label="box reported (significant limits only)",
    )
    if result.threshold is not None:
        ax.axhline(100 * result.threshold, color=MUTED, ls="--", lw=1, label="density threshold")
    ax.set_xlabel("coverage (% of all cases inside the box)")
    ax.set_ylabel("density (% of the box's replicates with the outcome)")
    ax.set_title("PRIM peeling trajectory", fontsize=11)
    ax.legend(fontsize=8, frameon=False, loc="lower left")
    return fig


def limits(result: DiscoveryReport, caption: str) -> Figure:
    """Each box's limits on axes normalised to the data's range."""
    rows = [(k, lim) for k, b in enumerate(result.boxes) for lim in b.limits]
    fig = figure(9, 1.4 + 0.45 * len(rows), caption)
    ax = fig.subplots()
    for y, (k, lim) in enumerate(rows):
        colour = BAND if k == 0 else ACCENT
        ax.plot([0, 1], [y, y], color=MUTED, lw=1)
        if isinstance(lim, OptionsLimit):  # a reading: one cell per option, the kept filled
            every = lim.prior_options
            for i, name in enumerate(every):
                kept = name in lim.options
                ax.plot(
                    [i / len(every), (i + 0.9) / len(every)],
                    [y, y],
                    lw=6,
                    color=colour if kept else MUTED,
                    solid_capstyle="butt",
                )
            ax.text(1.02, y, ", ".join(lim.options), va="center", fontsize=7)
            continue
        span = (lim.prior_high - lim.prior_low) or 1.0
        lo = (lim.low - lim.prior_low) / span
        hi = (lim.high - lim.prior_low) / span
        ax.plot([lo, hi], [y, y], color=colour, lw=6, solid_capstyle="butt")
        ax.text(1.02, y, f"{lim.low:.3g} - {lim.high:.3g}", va="center", fontsize=7)
    labels = [f"box {k + 1}: {short(lim.parameter)} ({lim.status})" for k, lim in rows]
    ax.set_yticks(range(len(rows)), labels, fontsize=8)
    ax.set_xlim(0, 1.25)
    ax.invert_yaxis()
    ax.set_xlabel("limit within the parameter's range in the run (0 = lowest, 1 = highest)")
    ax.set_title(f"Where {result.outcome} concentrates", fontsize=11)
    return fig


def _axis(x: pd.DataFrame, lim: Limit, seed: int) -> tuple[np.ndarray, float, float, list | None]:
    """A box dimension as plotted: (values, box low, box high, tick labels). A reading
    is drawn as its options' positions, jittered, with the kept options' span boxed."""
    column = x[lim.parameter]
    if not isinstance(lim, OptionsLimit):
        return column.to_numpy(dtype=float), lim.low, lim.high, None
    names = list(column.cat.categories)
    jitter = np.random.default_rng(seed).uniform(-0.3, 0.3, len(column))
    kept = [names.index(o) for o in lim.options]
    return column.cat.codes.to_numpy() + jitter, min(kept) - 0.4, max(kept) + 0.4, names


def box_scatter(result: DiscoveryReport, x: pd.DataFrame, y: np.ndarray, caption: str) -> Figure:
    """The first box's two main dimensions, each replicate coloured by the outcome."""
    lims = result.boxes[0].limits[:2]
    fig = figure(6.5, 5.4, caption)
    ax = fig.subplots()
    colours = np.where(y, ACCENT, BAND)
    va, alow, ahigh, aticks = _axis(x, lims[0], 1)
    if aticks is not None:
        ax.set_xticks(range(len(aticks)), aticks)
    ax.set_xlabel(short(lims[0].parameter))
    if len(lims) == 1:
        jitter = np.random.default_rng(0).uniform(-0.2, 0.2, len(y))
        ax.scatter(va, y + jitter, s=4, c=colours, alpha=0.4, rasterized=True)
        ax.axvspan(alow, ahigh, color=MUTED, alpha=0.15)
        ax.set_yticks([0, 1], ["did not happen", "happened"])
    else:
        vb, blow, bhigh, bticks = _axis(x, lims[1], 2)
        ax.scatter(va, vb, s=4, c=colours, alpha=0.4, rasterized=True)
        box = Rectangle((alow, blow), ahigh - alow, bhigh - blow, fill=False, lw=1.5)
        ax.add_patch(box)
        if bticks is not None:
            ax.set_yticks(range(len(bticks)), bticks)
        ax.set_ylabel(short(lims[1].parameter))
    ax.set_title(f"Box 1 and the outcome (red: {result.outcome})", fontsize=10)
    return fig


def discovery_figures(
    result: DiscoveryReport, x: pd.DataFrame, y: np.ndarray, caption: str
) -> dict[str, Figure]:
    """The trade-off, the limits and the first box's scatter (none without a box)."""
    if not result.boxes:
        return {}
    return {
        "discovery_tradeoff": tradeoff(result, caption),
        "discovery_limits": limits(result, caption),
        "discovery_box": box_scatter(result, x, y, caption),
    }
