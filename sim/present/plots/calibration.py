"""Figures of a calibration: what moved, how the top movers co-vary, and whether the
targets now hold.

* ``calibration_marginals``: each freed parameter's prior and posterior density, sorted by
  how far its mean moved (in prior standard deviations), cited and assumed marked;
* ``calibration_pairs``: the joint posterior of the three parameters that moved most;
* ``calibration_targets``: every target's probability before and after, with its 95 %
  interval, against the ICD 203 range its word allows.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.analysis.calibration.findings import ParameterReport, ReadingWeights, TargetReport
from sim.analysis.folders import CalibrationResult, load_calibration
from sim.present.plots.style import ACCENT, BAND, MUTED, figure, short
from sim.scenario import paths

MARGINALS = 12  # parameters shown in the marginals figure


def marginals(cal: CalibrationResult) -> Figure:
    params = cal.report.parameters[:MARGINALS]
    cols = max(1, min(4, len(params)))
    rows = max(1, -(-len(params) // cols))
    fig = figure(max(5.5, 3.3 * cols), 2.3 * rows + 0.9, cal.caption)
    axes = np.atleast_1d(fig.subplots(rows, cols)).ravel()
    w = cal.posterior["weight"].to_numpy(dtype=float)
    readings = {paths.reading_param(r.name): r for r in cal.report.readings}
    for ax, p in zip(axes, params, strict=False):
        if p.path in readings:
            _reading_bars(ax, readings[p.path], p)
            continue
        prior = cal.prior[p.path].to_numpy(dtype=float)
        post = cal.posterior[p.path].to_numpy(dtype=float)
        lo, hi = float(min(prior.min(), post.min())), float(max(prior.max(), post.max()))
        bins = np.linspace(lo, hi, 31) if hi > lo else 10
        ax.hist(prior, bins=bins, density=True, color=MUTED, alpha=0.45, label="prior")
        ax.hist(post, bins=bins, weights=w, density=True, color=BAND, alpha=0.75, label="posterior")
        mark = f" ({p.status})"
        ax.set_title(f"{short(p.path)}{mark}\nshift {p.shift_sd:+.2f} prior s.d.", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.set_yticks([])
    for ax in axes[len(params) :]:
        ax.set_axis_off()
    drawn = [ax for ax in axes if ax.get_legend_handles_labels()[0]]
    if drawn:
        drawn[0].legend(fontsize=7, frameon=False)
    fig.suptitle("Prior and posterior of the freed parameters, by how far they moved", fontsize=11)
    return fig


def _reading_bars(ax: Axes, reading: ReadingWeights, p: ParameterReport) -> None:
    """A reading's prior and posterior weight per option, side by side, by name."""
    names = [o.name for o in reading.options]
    x = np.arange(len(names))
    ax.bar(x - 0.2, [o.prior for o in reading.options], 0.4, color=MUTED, alpha=0.6)
    ax.bar(x + 0.2, [o.posterior for o in reading.options], 0.4, color=BAND, alpha=0.85)
    ax.set_xticks(x, names, fontsize=7)
    ax.set_ylim(0, 1)
    ax.set_title(f"{p.path} ({p.status})\nweight of each reading", fontsize=8)
    ax.tick_params(labelsize=7)


def pairs(cal: CalibrationResult) -> Figure:
    top = [p.path for p in cal.report.parameters[:3]]
    n = len(top)
    fig = figure(3.2 * n + 0.5, 3.2 * n, cal.caption)
    axes = np.array(fig.subplots(n, n, squeeze=False))
    w = cal.posterior["weight"].to_numpy(dtype=float)
    sample = np.random.default_rng(0).choice(len(w), size=min(4000, len(w)), p=w / w.sum())
    for i, yi in enumerate(top):
        for j, xj in enumerate(top):
            ax = axes[i, j]
            ax.tick_params(labelsize=7)
            if i == j:
                ax.hist(cal.posterior[xj], bins=30, weights=w, density=True, color=BAND)
                ax.set_yticks([])
            elif i > j:
                ax.scatter(
                    cal.posterior[xj].to_numpy()[sample],
                    cal.posterior[yi].to_numpy()[sample],
                    s=2,
                    alpha=0.25,
                    color=BAND,
                    rasterized=True,
                )
            else:
                ax.set_axis_off()
            if i == n - 1:
                ax.set_xlabel(short(xj), fontsize=8)
            if j == 0 and i > 0:
                ax.set_ylabel(short(yi), fontsize=8)
    fig.suptitle("Joint posterior of the three parameters that moved most", fontsize=11)
    return fig


def targets(cal: CalibrationResult) -> Figure:
    ts = cal.report.targets
    fig = figure(10, 1.4 + 0.7 * len(ts), cal.caption)
    ax = fig.subplots()
    for y, t in enumerate(ts):
        low, high = t.range
        ax.axhspan(y - 0.35, y + 0.35, xmin=0, xmax=1, color="white")
        ax.fill_betweenx([y - 0.3, y + 0.3], 100 * low, 100 * high, color="#dddddd", lw=0)
        for dy, key, e, color in (
            (-0.12, "before", t.before, MUTED),
            (0.12, "after", t.after, ACCENT),
        ):
            ax.errorbar(
                100 * e.p,
                y + dy,
                xerr=[[100 * (e.p - e.low)], [100 * (e.high - e.p)]],
                fmt="o",
                color=color,
                ms=5,
                capsize=3,
                label=key if y == 0 else None,
            )
    labels = [f"{t.id} ({t.word.replace('_', ' ')}){_fate(t)}" for t in ts]
    ax.set_yticks(range(len(ts)), labels, fontsize=8)
    ax.set_ylim(-0.6, len(ts) - 0.4)
    ax.set_xlim(0, 100)
    ax.set_xlabel("probability of the judged event (%); grey band = the word's ICD 203 range")
    ax.set_title("The report's judgments before and after calibration", fontsize=11)
    ax.legend(fontsize=8, frameon=False, loc="lower right")
    return fig


def _fate(target: TargetReport) -> str:
    """What calibration did with a target it did not weigh: dropped, or named."""
    if target.kept:
        return ""
    named = (target.discrepancy_probability or 0) > 0.5
    return " [named]" if named else " [dropped]"


def calibration_figures(folder: str | Path) -> dict[str, Figure]:
    """The targets figure, and (when a parameter was freed) the marginals and pairs."""
    cal = load_calibration(folder)
    figs = {"calibration_targets": targets(cal)}
    if cal.report.parameters:
        figs["calibration_marginals"] = marginals(cal)
        figs["calibration_pairs"] = pairs(cal)
    return figs
