"""One replicate's timeline: who was present when, and the concessions, deliveries and
exercises along the way, with labels placed in lanes so none overprints another."""

from __future__ import annotations

from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from sim.present.plots.style import ACCENT, BAND, MUTED, date_axis, figure
from sim.runs.results import Run

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
    several = bool(run.daily_patrons)  # the patrons kept apart, as in every other figure

    def row(r: Any) -> str:
        """A span's row; with several patrons, each patron's rows apart."""
        return f"{r.actor}: {_row_of(r.kind, r.detail)}" if several else _row_of(r.kind, r.detail)

    named = [row(r) for r in spans.itertuples()]
    rows = list(dict.fromkeys(([] if several and named else ["exercises"]) + named))
    if several:  # each patron's rows together, patrons by name
        rows.sort(key=lambda name: name.partition(":")[0])
    fig = figure(13, 2.0 + 0.42 * len(rows), f"{run.caption} · replicate {k}")
    fig.suptitle(f"Operations timeline of replicate {k}: {run.name}")
    ax = fig.subplots()
    for r in spans.itertuples():
        colour, _ = _SPANS[r.kind]
        width = (r.end_date - r.date) / np.timedelta64(1, "D") + 1
        ax.barh(
            rows.index(row(r)),
            width,
            left=r.date,
            height=0.6,
            color=colour,
            alpha=0.9,
        )
    for kind, (marker, colour) in _MARKS.items():
        m = ev[ev["kind"] == kind]
        if len(m):
            ax.scatter(
                m["date"],
                [-0.9] * len(m),
                marker=marker,
                color=colour,
                zorder=3,
                label=kind.replace("_", " "),
            )
    held = run.outcomes.loc[run.outcomes["replicate"] == k, "persistent_date"].iloc[0]
    if not pd.isna(held):  # NaT, or NaN when no replicate of the run reached it
        ax.axvline(held, color="black", lw=1.5)
        # to the left of the line, unless it stands at the start (the text would leave the plot)
        early = held - np.datetime64(run.start_date) < np.timedelta64(run.horizon_days // 4, "D")
        text = " from here: persistent presence" if early else "persistent presence from here "
        ax.text(held, len(rows) - 0.5, text, fontsize=7, ha="left" if early else "right")
    ax.set_yticks(range(len(rows)), rows, fontsize=8)
    ax.set_xlabel("date")
    handles = [Patch(color=c, label=lab) for c, lab in _SPANS.values()]
    handles.append(Line2D([], [], color=ACCENT, ls=":", marker="|", label="concession granted"))
    handles.append(Line2D([], [], color=MUTED, ls=":", marker="|", label="concession lost"))
    handles += ax.get_legend_handles_labels()[0]
    ax.legend(
        handles=handles, fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0)
    )
    start = np.datetime64(run.start_date)
    ax.set_xlim(start - np.timedelta64(3, "D"), start + np.timedelta64(run.horizon_days + 3, "D"))
    date_axis(ax, run.horizon_days)
    top = _changes(ax, ev)
    ax.set_ylim(len(rows) - 0.4, min(top, -3.2))
    date_axis(ax, run.horizon_days)
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
        text = ax.text(
            r.date, 0, f" {r.detail.replace('_', ' ')} ", fontsize=6.5, color=colour, va="center"
        )
        x = mdates.date2num(r.date)
        width = text.get_window_extent(renderer).width * data_per_pixel
        if x + width > hi:
            text.set_horizontalalignment("right")
            x -= width
        placed.append((x, width, text))
    placed.sort(key=lambda p: p[0])
    # two points apart at least: a label ending on a line and one starting there touch
    gap = 2 * data_per_pixel
    lanes = label_lanes([x for x, _, _ in placed], [w for _, w, _ in placed], gap)
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
