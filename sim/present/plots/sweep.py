"""Figures of a sensitivity sweep: tornado, Sobol bars, Morris scatter, grid heatmap and
response curves."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
from matplotlib.figure import Figure

from sim.present.plots.style import ACCENT, BAND, MUTED, figure, short
from sim.runs.results import SweepResult
from sim.scenario.outcomes import OUTCOME_LABELS


def tornado(sweep: SweepResult) -> Figure:
    """One-at-a-time: the outcome with each factor at the low and high end of its range."""
    t = sweep.indices.sort_values("swing", ascending=True)
    base = sweep.summary["baseline"]
    fig = figure(10, 1.2 + 0.45 * len(t), sweep.caption)
    ax = fig.subplots()
    y = np.arange(len(t))
    ax.barh(y, 100 * (t["at_low"] - base), left=100 * base, color=BAND, label="at low end")
    ax.barh(
        y,
        100 * (t["at_high"] - base),
        left=100 * base,
        color=ACCENT,
        alpha=0.8,
        label="at high end",
    )
    ax.axvline(100 * base, color="black", lw=1)
    ax.set_yticks(
        y,
        [
            f"{short(f)} [{lo:g}, {hi:g}]"
            for f, lo, hi in zip(t["factor"], t["low"], t["high"], strict=True)
        ],
        fontsize=8,
    )
    ax.set_xlabel(f"probability of {_label(sweep)} (%); line = scenario as written")
    ax.set_title("Tornado: one factor at a time", fontsize=11)
    ax.legend(fontsize=8, frameon=False, loc="lower right")
    return fig


def _label(sweep: SweepResult) -> str:
    """The measured outcome in words, for axis labels."""
    return OUTCOME_LABELS.get(sweep.outcome, sweep.outcome)


def sobol_bars(sweep: SweepResult) -> Figure:
    """First-order and total Sobol indices with their 95 % intervals."""
    t = sweep.indices.sort_values("ST", ascending=False)
    fig = figure(max(8, 1.1 * len(t) + 3), 4.8, sweep.caption)
    ax = fig.subplots()
    x = np.arange(len(t))
    for offset, col, colour, label in (
        (-0.2, "S1", BAND, "first order S1"),
        (0.2, "ST", ACCENT, "total ST"),
    ):
        bars = ax.bar(
            x + offset,
            t[col],
            width=0.4,
            yerr=t[f"{col}_conf"],
            capsize=3,
            color=colour,
            label=label,
        )
        for bar, flagged in zip(bars, t[f"{col}_crosses_zero"], strict=True):
            if flagged:
                bar.set_hatch("//")
                bar.set_alpha(0.5)
    ax.axhline(0, color=MUTED, lw=0.8)
    ax.set_xticks(x, [short(f) for f in t["factor"]], rotation=30, ha="right", fontsize=8)
    ax.set_ylabel(f"share of variance of P({sweep.outcome})")
    ax.set_title("Sobol indices (hatched: 95 % interval crosses zero)", fontsize=11)
    ax.legend(fontsize=8, frameon=False)
    return fig


def morris_scatter(sweep: SweepResult) -> Figure:
    """Morris elementary effects: mean absolute effect against its spread."""
    t = sweep.indices
    fig = figure(8, 5.5, sweep.caption)
    ax = fig.subplots()
    ax.errorbar(t["mu_star"], t["sigma"], xerr=t["mu_star_conf"], fmt="o", color=BAND, capsize=3)
    for r in t.itertuples():
        ax.annotate(
            short(r.factor),
            (r.mu_star, r.sigma),
            fontsize=7,
            xytext=(4, 4),
            textcoords="offset points",
        )
    ax.set_xlabel(f"μ* (mean |elementary effect| on P({sweep.outcome}))")
    ax.set_ylabel("σ (spread of the effects: interactions, non-linearity)")
    ax.set_title("Morris screening", fontsize=11)
    return fig


def grid_heatmap(sweep: SweepResult) -> Figure:
    """A two-factor grid: the outcome over both factors."""
    a, b = sweep.factors[:2]
    table = sweep.points.pivot_table(index=b, columns=a, values="estimate")
    fig = figure(8, 6, sweep.caption)
    ax = fig.subplots()
    im = ax.imshow(100 * table.to_numpy(), origin="lower", aspect="auto", cmap="viridis")
    ax.set_xticks(range(len(table.columns)), [f"{v:.3g}" for v in table.columns])
    ax.set_yticks(range(len(table.index)), [f"{v:.3g}" for v in table.index])
    for (i, j), v in np.ndenumerate(100 * table.to_numpy()):
        ax.text(j, i, f"{v:.0f}", ha="center", va="center", fontsize=7, color="white")
    ax.set_xlabel(short(a))
    ax.set_ylabel(short(b))
    fig.colorbar(im, ax=ax, label=f"probability of {_label(sweep)} (%)")
    ax.set_title("Grid of two factors", fontsize=11)
    return fig


def response_curves(sweep: SweepResult) -> Figure:
    """The outcome against each varied factor, with a 95 % band."""
    factors = sweep.factors
    cols = min(4, len(factors))
    rows = -(-len(factors) // cols)
    fig = figure(max(3.4 * cols, 7.0), 2.9 * rows + 0.8, sweep.caption)  # room for the title
    fig.suptitle(f"Probability of {_label(sweep)}\nagainst each varied factor", fontsize=11)
    axes = np.atleast_1d(fig.subplots(rows, cols, sharey=True)).ravel()
    for ax, factor in zip(axes, factors, strict=False):
        r = sweep.response(factor)
        ax.fill_between(r["value"], 100 * r["low"], 100 * r["high"], color=BAND, alpha=0.25, lw=0)
        ax.plot(r["value"], 100 * r["estimate"], "o-", color=BAND, ms=3)
        ax.set_xlabel(short(factor), fontsize=8)
        ax.set_ylabel(f"P({sweep.outcome}) (%)")
    for ax in axes[len(factors) :]:
        ax.set_visible(False)
    return fig


def sweep_figures(sweep: SweepResult) -> dict[str, Figure]:
    """Every figure of a sweep, by file stem."""
    figs = {"response": response_curves(sweep)}
    if sweep.design == "oat":
        figs["tornado"] = tornado(sweep)
    elif sweep.design == "sobol":
        figs["sobol"] = sobol_bars(sweep)
    elif sweep.design == "morris":
        figs["morris"] = morris_scatter(sweep)
    elif sweep.design == "grid" and len(sweep.factors) == 2:
        figs["heatmap"] = grid_heatmap(sweep)
    return figs
