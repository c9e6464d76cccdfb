"""Figures of one run: outcome distributions, the persistence curve and the monthly
trajectory fans."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
from matplotlib.figure import Figure

from sim.present.plots.style import ACCENT, BAND, MUTED, date_axis, figure
from sim.present.plots.timeline import timeline
from sim.runs.results import Run
from sim.scenario import paths


def outcome_distributions(run: Run) -> Figure:
    """Presence days, when persistent presence took hold for good, and the rung each
    track holds at the horizon."""
    o = run.outcomes
    fig = figure(13, 4.4, run.caption)
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
    date_axis(ax2, run.horizon_days)

    _rungs_at_horizon(ax3, run)
    return fig


def _share_per_char(ax, char_inches: float) -> float:
    """The share of the axis' width one character of small (6.5 pt) text takes, for a
    character `char_inches` wide: to tell whether a label fits before drawing it."""
    return char_inches / (ax.get_position().width * ax.figure.get_figwidth())


def _rungs_at_horizon(ax, run: Run) -> None:
    """One stacked bar per track: the share of replicates holding each rung at the horizon."""
    rungs = run.summary.rungs
    pct_per_char = 100 * _share_per_char(ax, 0.06)
    for i, shares in enumerate(rungs.values()):
        left = 0.0
        names = list(shares.at_horizon)
        colours = matplotlib.colormaps["Blues"](np.linspace(0.25, 0.9, len(names)))
        for k, (name, colour) in enumerate(zip(names, colours, strict=True)):
            width = 100 * shares.at_horizon[name]
            ax.barh(i, width, left=left, color=colour, edgecolor="white", lw=0.5)
            label = name.replace("_", " ")
            if width < (len(label) + 2) * pct_per_char:  # too narrow: its rung number
                label = str(k) if width >= 3 * pct_per_char else ""
            ax.text(
                left + width / 2,
                i,
                label,
                ha="center",
                va="center",
                fontsize=6.5,
                color="black" if k < len(names) / 2 else "white",
            )
            left += width
    ax.set_yticks(range(len(rungs)), [t.replace("_", " ") for t in rungs])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("share of replicates (%)\n(a narrow bar shows its rung's number, 0 = first)")
    ax.set_title("Rung held at the horizon, by track", fontsize=10)


def persistence_curve(run: Run) -> Figure:
    """Day by day: the probability that forces are present, that persistent presence holds
    as of that day (each with its 95 % band), that continuous presence has held at some
    point, and that persistent presence has ended without returning (an exit). With
    several patrons, a panel below for each patron's own."""
    patrons = run.daily_patrons
    fig = figure(8.5, 5.6 + 3.0 * len(patrons), run.caption)
    axes = fig.subplots(1 + len(patrons), 1, sharex=True, squeeze=False)[:, 0]
    for ax, patron in zip(axes, [None, *patrons], strict=True):
        _persistence_panel(ax, run, patron)
    axes[0].set_title(f"Is a foreign presence in place, day by day? {run.name}", fontsize=11)
    for ax, patron in zip(axes[1:], patrons, strict=True):
        ax.set_title(f"{patron}'s own forces", fontsize=10)
    axes[-1].set_xlabel("date")
    # below the axes: the curves fill the plot's corners by the horizon
    axes[-1].legend(
        loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, fontsize=7.5, frameon=False
    )
    date_axis(axes[-1], run.horizon_days)
    return fig


def _persistence_panel(ax, run: Run, patron: str | None) -> None:
    """The curves of :func:`persistence_curve`, of any patron's forces or of `patron`'s."""
    whose = "" if patron is None else f".{patron}"
    for outcome, colour, style, label in (
        ("ever_continuous", MUTED, "--", "continuous presence at some point so far"),
        ("withdrawn", ACCENT, "-.", "persistent presence ended for good by then: an exit"),
    ):
        k = run.persistence_curve(f"{outcome}{whose}")
        ax.step(
            k["date"],
            100 * k["p"],
            where="post",
            color=colour,
            lw=1.4,
            ls=style,
            label=f"{label} (Kaplan–Meier)",
            zorder=2,
        )
    for what, colour, label, width in (
        ("present", "#55a868", "forces present that day", 1.0),
        ("persistent", BAND, "persistent presence as of that day", 2.2),
    ):
        c = run.daily_curve(f"{what}{whose}")
        ax.fill_between(c["date"], 100 * c["low"], 100 * c["high"], color=colour, alpha=0.2, lw=0)
        ax.plot(
            c["date"], 100 * c["p"], color=colour, lw=width, label=f"{label} (95 % band)", zorder=3
        )
    _first_full_window(ax, run)
    ax.set_ylim(0, 100)
    ax.set_ylabel("probability (%)")


def _first_full_window(ax, run: Run) -> None:
    """Mark the day the first full presence window completes: before it only basing can
    make presence persistent, so the curve's jump there is the definition, not an event."""
    window = run.manifest["scenario"]["outcomes"]["window_days"]
    if window > run.horizon_days:
        return
    day = np.datetime64(run.start_date) + np.timedelta64(window - 1, "D")
    ax.axvline(day, color=MUTED, lw=0.8, ls=":", zorder=1)
    # along the line, where it crosses the curves in a thin strip rather than a block
    ax.annotate(
        f"first full {window}-day window",
        (day, 50),
        xytext=(3, 0),
        textcoords="offset points",
        fontsize=7,
        color=MUTED,
        rotation=90,
        va="center",
        ha="left",
    )


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
    fig = figure(13, 3.1 * rows + 0.6, run.caption)
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
        date_axis(ax, run.horizon_days)
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
