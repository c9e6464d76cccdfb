"""Figures: views of a loaded run or batch. They draw; :mod:`sim.runs.results` computes.

Each function takes a :class:`~sim.runs.results.Run` (or :class:`~sim.runs.results.Batch`) and
returns a matplotlib ``Figure`` with a title, labelled axes with units, dates on time
axes and a caption naming the scenario, replicate count and seed. :func:`save` writes
PNG and SVG files.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim.runs.results import Batch, Run, SweepResult
from sim.scenario import paths
from sim.scenario.outcomes import OUTCOME_LABELS

BAND = "#4c72b0"
ACCENT = "#c44e52"
MUTED = "#8c8c8c"


def _figure(width: float, height: float, caption: str) -> Figure:
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)  # a canvas that can lay the figure out and measure its text
    margin = 0.28 / height  # keep a strip at the bottom for the caption
    fig.get_layout_engine().set(rect=(0, margin, 1, 1 - margin))
    fig.text(0.005, 0.004, caption, fontsize=7.5, color=MUTED, ha="left", va="bottom")
    return fig


def _date_axis(ax, days: int | None = None) -> None:
    """Dates on the x axis: quarterly ticks on a horizon up to three years, yearly beyond,
    so labels never run into each other."""
    long = days is not None and days > 3 * 366
    months = (1,) if long else (1, 4, 7, 10)
    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=months))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y" if long else "%b %Y"))
    for label in ax.get_xticklabels():
        label.set_rotation(30)
        label.set_ha("right")


def outcome_distributions(run: Run) -> Figure:
    """Presence days, when persistent presence took hold for good, and the rung each
    track holds at the horizon."""
    o = run.outcomes
    fig = _figure(13, 4.4, run.caption)
    fig.suptitle(f"Outcome distributions: {run.name}")
    ax1, ax2, ax3 = fig.subplots(1, 3)

    ax1.hist(o["presence_days"], bins=30, color=BAND)
    ax1.set_xlabel(f"days with foreign forces present (of {run.horizon_days})")
    ax1.set_ylabel("replicates")
    ax1.set_title("Presence days over the horizon", fontsize=10)

    hit = o["persistent_date"].dropna()
    if len(hit):
        edges = np.array(
            [np.datetime64(run.start_date) + np.timedelta64(d, "D") for d in run.month_starts]
        )
        ax2.hist(hit.to_numpy(), bins=edges, color=ACCENT)
    window = run.manifest["scenario"]["outcomes"]["window_days"]
    first = np.datetime64(run.start_date) + np.timedelta64(window - 1, "D")
    ax2.axvline(first, color=MUTED, lw=1, ls="--")
    ax2.set_xlabel(
        "date from which persistent presence held to the horizon\n"
        f"(dashed: day {window - 1}, the first a {window}-day window can complete)"
    )
    ax2.set_ylabel("replicates")
    share = 100 * len(hit) / len(o) if len(o) else 0.0
    ax2.set_title(f"Persistent presence at the horizon ({share:.0f} % of replicates)", fontsize=10)
    _date_axis(ax2, run.horizon_days)

    _rungs_at_horizon(ax3, run)
    return fig


def _share_per_char(ax, char_inches: float) -> float:
    """The share of the axis' width one character of small (6.5 pt) text takes, for a
    character `char_inches` wide: to tell whether a label fits before drawing it."""
    return char_inches / (ax.get_position().width * ax.figure.get_figwidth())


def _rungs_at_horizon(ax, run: Run) -> None:
    """One stacked bar per track: the share of replicates holding each rung at the horizon."""
    rungs = run.summary["rungs"]
    pct_per_char = 100 * _share_per_char(ax, 0.06)
    for i, shares in enumerate(rungs.values()):
        left = 0.0
        names = list(shares["at_horizon"])
        colours = matplotlib.colormaps["Blues"](np.linspace(0.25, 0.9, len(names)))
        for k, (name, colour) in enumerate(zip(names, colours, strict=True)):
            width = 100 * shares["at_horizon"][name]
            ax.barh(i, width, left=left, color=colour, edgecolor="white", lw=0.5)
            label = name.replace("_", " ")
            if width < (len(label) + 2) * pct_per_char:  # too narrow: its rung number
                label = str(k) if width >= 3 * pct_per_char else ""
            ax.text(left + width / 2, i, label, ha="center", va="center", fontsize=6.5,
                    color="black" if k < len(names) / 2 else "white")  # fmt: skip
            left += width
    ax.set_yticks(range(len(rungs)), [t.replace("_", " ") for t in rungs])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("share of replicates (%)\n(a narrow bar shows its rung's number, 0 = first)")
    ax.set_title("Rung held at the horizon, by track", fontsize=10)


def persistence_curve(run: Run) -> Figure:
    """Day by day: the probability that forces are present, that persistent presence holds
    as of that day, and that continuous presence has held at some point (each with its
    95 % band)."""
    fig = _figure(8.5, 4.8, run.caption)
    ax = fig.subplots()
    ever = run.persistence_curve("ever_continuous")
    ax.step(ever["date"], 100 * ever["p"], where="post", color=MUTED, lw=1.4, ls="--",
            label="continuous presence at some point so far (Kaplan–Meier)", zorder=2)  # fmt: skip
    for what, colour, label, width in (
        ("present", "#55a868", "forces present that day", 1.0),
        ("persistent", BAND, "persistent presence as of that day", 2.2),
    ):
        c = run.daily_curve(what)
        ax.fill_between(c["date"], 100 * c["low"], 100 * c["high"], color=colour, alpha=0.2, lw=0)
        ax.plot(c["date"], 100 * c["p"], color=colour, lw=width, label=f"{label} (95 % band)",
                zorder=3)  # fmt: skip
    _first_full_window(ax, run)
    ax.set_ylim(0, 100)
    ax.set_ylabel("probability (%)")
    ax.set_xlabel("date")
    ax.set_title(f"Is a foreign presence in place, day by day? {run.name}", fontsize=11)
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    _date_axis(ax, run.horizon_days)
    return fig


def _first_full_window(ax, run: Run) -> None:
    """Mark the day the first full presence window completes: before it only basing can
    make presence persistent, so the curve's jump there is the definition, not an event."""
    window = run.manifest["scenario"]["outcomes"]["window_days"]
    if window > run.horizon_days:
        return
    day = np.datetime64(run.start_date) + np.timedelta64(window - 1, "D")
    ax.axvline(day, color=MUTED, lw=0.8, ls=":", zorder=1)
    ax.annotate(f"first full {window}-day window", (day, 97), xytext=(4, 0),
                textcoords="offset points", fontsize=7, color=MUTED, va="top")  # fmt: skip


def _panel_title(run: Run, actor: str, var: str) -> tuple[str, str]:
    """(title, y label) of a trajectory panel."""
    if var == "presence_days":
        host = run.manifest["scenario"]["actors"]
        country = next((a.get("country") for a in host if a["name"] == actor), None) or actor
        return f"foreign forces in {country}: days present", "days in month"
    if paths.is_rung(var):
        return f"{actor}: rung held on track {paths.rung_track(var)}", "rung"
    return f"{actor}: {var.replace('_', ' ')}", "level (0-1)"


def trajectory_fans(run: Run) -> Figure:
    """Median and 50 / 90 % bands of every actor's monthly state."""
    bands = run.trajectory_bands()
    panels = list(dict.fromkeys(zip(bands["actor"], bands["variable"], strict=True)))
    cols = 3
    rows = -(-len(panels) // cols)
    fig = _figure(13, 3.1 * rows + 0.6, run.caption)
    fig.suptitle(f"Monthly trajectories (median, 50 % and 90 % bands): {run.name}")
    axes = np.atleast_1d(fig.subplots(rows, cols, sharex=True)).ravel()
    tracks = _track_rungs(run)
    for ax, (actor, var) in zip(axes, panels, strict=False):
        b = bands[(bands["actor"] == actor) & (bands["variable"] == var)]
        ax.fill_between(
            b["date"], b["q05"], b["q95"], step="post", color=BAND, alpha=0.2, lw=0, label="90 %"
        )
        ax.fill_between(
            b["date"], b["q25"], b["q75"], step="post", color=BAND, alpha=0.45, lw=0, label="50 %"
        )
        ax.step(b["date"], b["q50"], where="post", color=BAND, lw=1.8, label="median")
        title, units = _panel_title(run, actor, var)
        ax.set_title(title, fontsize=10)
        ax.set_ylabel(units)
        ax.tick_params(labelbottom=True)
        if paths.is_rung(var):
            names = tracks[paths.rung_track(var)]
            ax.set_yticks(range(len(names)), [n.replace("_", " ") for n in names], fontsize=7)
        _date_axis(ax, run.horizon_days)
    for ax in axes[len(panels) :]:
        ax.set_visible(False)
    axes[0].legend(fontsize=8, frameon=False, loc="upper right")
    return fig


def _track_rungs(run: Run) -> dict[str, list[str]]:
    """Each track's rung names, from the run's scenario (a ladder is the track 'ladder')."""
    s = run.manifest["scenario"]
    if s.get("tracks"):
        return {t["name"]: [r["name"] for r in t["rungs"]] for t in s["tracks"]}
    return {"ladder": [r["name"] for r in s["ladder"]]}


def forest(batch: Batch) -> Figure:
    """Scenarios of a batch side by side: probability and difference from the baseline."""
    t = batch.comparison
    fig = _figure(12, 1.0 + 0.55 * len(t), batch.caption)
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
        ax2.annotate("not comparable with the baseline (another question)", (0.5, y[i]),
                     xycoords=("axes fraction", "data"), ha="center", va="center", fontsize=7,
                     color=MUTED, bbox={"fc": "white", "ec": "none"})  # fmt: skip
    ax2.set_xlabel(f"difference from baseline (points), 95 % {kind} interval")
    return fig


_SPANS = {
    "exercise": ("#dd8452", "exercise"),
    "forces_present": ("#2b4c7e", "forces present (what the outcomes count)"),
    "unit_present": (BAND, "unit present (labels only)"),
    "crews_present": ("#55a868", "system under the patron's command (its crews present)"),
    "garrison_present": ("#8172b3", "permanent garrison"),
}
_MARKS = {
    "delivery": ("^", "#55a868"),
    "withdrawal": ("v", "#55a868"),
    "basing": ("s", "#55a868"),
    "base_closed": ("s", MUTED),
    "summit": ("D", MUTED),
    "inject": ("X", "#8172b3"),
    "concession_refused": ("x", MUTED),
    "request": ("v", "#dd8452"),
    "request_refused": ("1", "#dd8452"),
    "terms_declined": ("2", "#dd8452"),
    "bargain_failed": ("*", ACCENT),
}


def _row_of(kind: str, detail: str) -> str:
    if kind == "exercise":
        return "exercises"
    if kind == "forces_present":
        return "forces present"
    if kind == "crews_present":
        return f"{detail}, under the patron's command"
    if kind == "garrison_present":
        return "permanent garrison"
    return detail


def timeline(run: Run, replicate: int | None = None) -> Figure:
    """One replicate's operations: exercises, the forces present (the days the outcomes
    count), the units they are labelled as, systems and garrisons, and the concessions
    granted and lost."""
    k = run.showcase_replicate() if replicate is None else replicate
    ev = run.timeline(k)
    spans = ev[ev["kind"].isin(_SPANS)]
    rows = list(
        dict.fromkeys(["exercises"] + [_row_of(r.kind, r.detail) for r in spans.itertuples()])
    )
    fig = _figure(13, 2.0 + 0.42 * len(rows), f"{run.caption} · replicate {k}")
    fig.suptitle(f"Operations timeline of replicate {k}: {run.name}")
    ax = fig.subplots()
    for r in spans.itertuples():
        colour, _ = _SPANS[r.kind]
        width = (r.end_date - r.date) / np.timedelta64(1, "D") + 1
        ax.barh(rows.index(_row_of(r.kind, r.detail)), width, left=r.date, height=0.6,
                color=colour, alpha=0.9)  # fmt: skip
    for kind, (marker, colour) in _MARKS.items():
        m = ev[ev["kind"] == kind]
        if len(m):
            ax.scatter(m["date"], [-0.9] * len(m), marker=marker, color=colour, zorder=3,
                       label=kind.replace("_", " "))  # fmt: skip
    held = run.outcomes.loc[run.outcomes["replicate"] == k, "persistent_date"].iloc[0]
    if not pd.isna(held):  # NaT, or NaN when no replicate of the run reached it
        ax.axvline(held, color="black", lw=1.5)
        ax.text(held, len(rows) - 0.5, "persistent presence from here ", fontsize=7, ha="right")
    ax.set_yticks(range(len(rows)), rows, fontsize=8)
    ax.set_xlabel("date")
    handles = [Patch(color=c, label=lab) for c, lab in _SPANS.values()]
    handles.append(Line2D([], [], color=ACCENT, ls=":", marker="|", label="concession granted"))
    handles.append(Line2D([], [], color=MUTED, ls=":", marker="|", label="concession lost"))
    handles += ax.get_legend_handles_labels()[0]
    ax.legend(handles=handles, fontsize=8, frameon=False, loc="upper left",
              bbox_to_anchor=(1.0, 1.0))  # fmt: skip
    start = np.datetime64(run.start_date)
    ax.set_xlim(start - np.timedelta64(3, "D"), start + np.timedelta64(run.horizon_days + 3, "D"))
    _date_axis(ax, run.horizon_days)
    top = _changes(ax, ev)
    ax.set_ylim(len(rows) - 0.4, min(top, -3.2))
    _date_axis(ax, run.horizon_days)
    return fig


def _changes(ax, ev: pd.DataFrame) -> float:
    """Concessions granted (red) and lost (grey) as dotted lines, each label in the first
    lane above the plot where it clears the labels already placed; returns the top of
    the lanes used (a y value), for the axis limits.

    Labels are measured as drawn (the figure is laid out first, so the axes' width is
    final), and one that would run past the right edge ends at its line instead of
    starting there."""
    changes = ev[ev["kind"].isin(("concession", "reversal"))].sort_values("date")
    if changes.empty:
        return -2.1
    fig = ax.figure
    fig.canvas.draw()  # lay the figure out: the axes' width is final from here on
    lo, hi = ax.get_xlim()
    data_per_pixel = (hi - lo) / ax.bbox.width
    renderer = fig.canvas.get_renderer()
    placed = []
    for r in changes.itertuples():
        colour = ACCENT if r.kind == "concession" else MUTED
        ax.axvline(r.date, color=colour, lw=1, ls=":")
        text = ax.text(r.date, 0, f" {r.detail.replace('_', ' ')} ", fontsize=6.5,
                       color=colour, va="center")  # fmt: skip
        x = mdates.date2num(r.date)
        width = text.get_window_extent(renderer).width * data_per_pixel
        if x + width > hi:
            text.set_horizontalalignment("right")
            x -= width
        placed.append((x, width, text))
    placed.sort(key=lambda p: p[0])
    lanes = label_lanes([x for x, _, _ in placed], [w for _, w, _ in placed])
    for (_, _, text), lane in zip(placed, lanes, strict=True):
        text.set_y(-1.6 - 0.55 * lane)
    return -1.6 - 0.55 * max(lanes) - 0.5


def label_lanes(starts: list[float], widths: list[float], gap: float = 0.0) -> list[int]:
    """For labels starting at `starts` (sorted) with `widths` (same units), the lane of
    each: the lowest-numbered lane whose last label ends before this one starts."""
    ends: list[float] = []
    out = []
    for start, width in zip(starts, widths, strict=True):
        lane = next((k for k, end in enumerate(ends) if end + gap <= start), len(ends))
        if lane == len(ends):
            ends.append(start + width)
        else:
            ends[lane] = start + width
        out.append(lane)
    return out


def run_figures(run: Run, replicate: int | None = None) -> dict[str, Figure]:
    """Every figure of a run, by file stem."""
    run.require_kept()
    figs = {
        "outcomes": outcome_distributions(run),
        "persistence": persistence_curve(run),
        "trajectories": trajectory_fans(run),
    }
    if run.events is not None:
        figs["timeline"] = timeline(run, replicate)
    return figs


def save(
    figs: dict[str, Figure], folder: Path, progress: Callable[[int], None] | None = None
) -> list[Path]:
    """Write each figure as PNG and SVG (each file renamed into place when complete);
    `progress` is told of each figure written (rendering is most of a figure's cost)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, fig in figs.items():
        for ext in ("png", "svg"):
            path = folder / f"{name}.{ext}"
            tmp = folder / f".{name}.tmp.{ext}"
            meta = {"Date": None} if ext == "svg" else {}
            fig.savefig(tmp, dpi=150, metadata=meta)
            os.replace(tmp, path)
            written.append(path)
        if progress:
            progress(1)
    return written


def _short(path: str) -> str:
    """``actors.lukashenko.sovereignty_resistance`` → ``lukashenko.sovereignty_resistance``."""
    parts = path.split(".")
    return ".".join(parts[1:]) if len(parts) > 2 else path


def tornado(sweep: SweepResult) -> Figure:
    """One-at-a-time: the outcome with each factor at the low and high end of its range."""
    t = sweep.indices.sort_values("swing", ascending=True)
    base = sweep.summary["baseline"]
    fig = _figure(10, 1.2 + 0.45 * len(t), sweep.caption)
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
            f"{_short(f)} [{lo:g}, {hi:g}]"
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
    fig = _figure(max(8, 1.1 * len(t) + 3), 4.8, sweep.caption)
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
    ax.set_xticks(x, [_short(f) for f in t["factor"]], rotation=30, ha="right", fontsize=8)
    ax.set_ylabel(f"share of variance of P({sweep.outcome})")
    ax.set_title("Sobol indices (hatched: 95 % interval crosses zero)", fontsize=11)
    ax.legend(fontsize=8, frameon=False)
    return fig


def morris_scatter(sweep: SweepResult) -> Figure:
    """Morris elementary effects: mean absolute effect against its spread."""
    t = sweep.indices
    fig = _figure(8, 5.5, sweep.caption)
    ax = fig.subplots()
    ax.errorbar(t["mu_star"], t["sigma"], xerr=t["mu_star_conf"], fmt="o", color=BAND, capsize=3)
    for r in t.itertuples():
        ax.annotate(
            _short(r.factor),
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
    fig = _figure(8, 6, sweep.caption)
    ax = fig.subplots()
    im = ax.imshow(100 * table.to_numpy(), origin="lower", aspect="auto", cmap="viridis")
    ax.set_xticks(range(len(table.columns)), [f"{v:.3g}" for v in table.columns])
    ax.set_yticks(range(len(table.index)), [f"{v:.3g}" for v in table.index])
    for (i, j), v in np.ndenumerate(100 * table.to_numpy()):
        ax.text(j, i, f"{v:.0f}", ha="center", va="center", fontsize=7, color="white")
    ax.set_xlabel(_short(a))
    ax.set_ylabel(_short(b))
    fig.colorbar(im, ax=ax, label=f"probability of {_label(sweep)} (%)")
    ax.set_title("Grid of two factors", fontsize=11)
    return fig


def response_curves(sweep: SweepResult) -> Figure:
    """The outcome against each varied factor, with a 95 % band."""
    factors = sweep.factors
    cols = min(4, len(factors))
    rows = -(-len(factors) // cols)
    fig = _figure(max(3.4 * cols, 7.0), 2.9 * rows + 0.8, sweep.caption)  # room for the title
    fig.suptitle(f"Probability of {_label(sweep)}\nagainst each varied factor", fontsize=11)
    axes = np.atleast_1d(fig.subplots(rows, cols, sharey=True)).ravel()
    for ax, factor in zip(axes, factors, strict=False):
        r = sweep.response(factor)
        ax.fill_between(r["value"], 100 * r["low"], 100 * r["high"], color=BAND, alpha=0.25, lw=0)
        ax.plot(r["value"], 100 * r["estimate"], "o-", color=BAND, ms=3)
        ax.set_xlabel(_short(factor), fontsize=8)
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
