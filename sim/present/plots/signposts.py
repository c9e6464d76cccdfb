"""The signposts figure: each indicator against its date, sized by its value of information."""

from __future__ import annotations

import datetime as dt
import textwrap

import numpy as np
from matplotlib.figure import Figure

from sim.analysis.signpost_report import SignpostReport
from sim.present.plots.style import ACCENT, BAND, MUTED, figure


def signposts_figure(r: SignpostReport, caption: str, top: int = 10) -> Figure:
    """One row per indicator family; a dot per ranked indicator at its date, its area the
    value of information, filled red where watching it and seeing yes raises the forecast
    and blue where yes lowers it; the top `top` are numbered as the table ranks them."""
    rows = r.signposts
    families = sorted(
        {s.family for s in rows},
        key=lambda f: min(i for i, s in enumerate(rows) if s.family == f),
    )
    fig = figure(9.5, 1.6 + 0.42 * max(len(families), 1), caption)
    ax = fig.subplots()
    biggest = max((s.voi.estimate for s in rows), default=0.0) or 1.0
    p = r.forecast.p
    for rank, s in enumerate(rows):
        y = families.index(s.family)
        x = dt.date.fromisoformat(s.date)
        size = 600 * max(s.voi.estimate, 0.0) / biggest + 6
        colour = ACCENT if s.p_given.estimate > p else BAND
        ax.scatter([x], [y], s=size, color=colour, alpha=0.55 if rank < top else 0.25, lw=0)
        if rank < top:
            ax.annotate(str(rank + 1), (x, y), ha="center", va="center", fontsize=7)
    labels = [next(s.label for s in rows if s.family == f) for f in families]
    ax.set_yticks(np.arange(len(families)), labels, fontsize=8)
    # room for the largest bubble (radius about 14 pt) inside the axes on every side
    ax.set_ylim(len(families) - 0.4, -0.6)
    ax.margins(x=0.06)
    ax.grid(axis="x", color=MUTED, alpha=0.3)
    ax.set_xlabel("date the indicator is known")
    key = (
        "area: value of information; red: a yes raises the forecast, blue: a yes lowers "
        f"it; numbered: the top {top}"
    )
    ax.set_title(
        f"What to watch for {r.label} (forecast {100 * p:.0f} %)\n" + textwrap.fill(key, 72),
        fontsize=10,
    )
    fig.autofmt_xdate()
    return fig
