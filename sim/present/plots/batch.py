"""Figures of a batch of scenarios: the forest of outcome probabilities."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
from matplotlib.figure import Figure

from sim.present.plots.style import ACCENT, BAND, MUTED, figure
from sim.runs.results import Batch
from sim.scenario.outcomes import OUTCOME_LABELS


def forest(batch: Batch) -> Figure:
    """Scenarios of a batch side by side: probability and difference from the baseline."""
    t = batch.comparison
    fig = figure(12, 1.0 + 0.55 * len(t), batch.caption)
    outcome = t["outcome"].iloc[0] if "outcome" in t else "persistent"
    fig.suptitle(f"Probability of {OUTCOME_LABELS.get(outcome, outcome)}, by scenario")
    ax1, ax2 = fig.subplots(1, 2, sharey=True)
    y = np.arange(len(t))
    ax1.errorbar(
        100 * t["p"],
        y,
        xerr=[100 * (t["p"] - t["low"]), 100 * (t["high"] - t["p"])],
        fmt="o",
        color=BAND,
        capsize=3,
    )
    ax1.set_yticks(
        y,
        [
            s + (" (baseline)" if b else "")
            for s, b in zip(t["scenario"], t["baseline"], strict=True)
        ],
    )
    ax1.invert_yaxis()
    ax1.set_xlim(0, 100)  # the whole scale: a zoomed axis exaggerates the gaps
    ax1.set_xlabel("probability (%), 95 % Wilson interval")
    others = ~t["baseline"] & t.get("comparable", True)
    ax2.axvline(0, color=MUTED, lw=1)
    ax2.errorbar(
        100 * t.loc[others, "diff"],
        y[others],
        xerr=[
            100 * (t.loc[others, "diff"] - t.loc[others, "diff_low"]),
            100 * (t.loc[others, "diff_high"] - t.loc[others, "diff"]),
        ],
        fmt="s",
        color=ACCENT,
        capsize=3,
    )
    kind = "paired" if t.loc[others | t["baseline"], "paired"].all() else "unpaired"
    for i in np.flatnonzero(~(others | t["baseline"]).to_numpy()):
        ax2.annotate(
            "not comparable with the baseline (another question)",
            (0.5, y[i]),
            xycoords=("axes fraction", "data"),
            ha="center",
            va="center",
            fontsize=7,
            color=MUTED,
            bbox={"fc": "white", "ec": "none"},
        )
    ax2.set_xlabel(f"difference from baseline (points), 95 % {kind} interval")
    return fig
