"""The track figure: each forecast's trajectory over the as-of dates, observations marked."""

from __future__ import annotations

import datetime as dt
import textwrap
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from sim.present.plots.style import ACCENT, BAND, MUTED, figure
from sim.runs.results import outcome_label

TITLE = 68  # characters on a line of a panel's title


def track_figure(r: dict[str, Any], scenario, caption: str, resolutions: list = ()) -> Figure:
    """One panel per outcome (the headline, persistent presence, first), then one per
    question (resolved ones first), every one of them:
    the forecast standing on each day (a step: carried forward to the next as-of date, up
    to the question's end) with its 95 % band, a dotted line at each observation's as-of
    date, and a resolution as a dot at 0 or 1 on its date."""
    resolved = {x.id: x for x in resolutions}
    questions = sorted(r["questions"].items(), key=lambda kv: kv[0] not in resolved)
    first = scenario.headline_column()
    outcomes = sorted(r["outcomes"].items(), key=lambda kv: (kv[0] != first, kv[0] != "persistent"))
    rows = [(outcome_label(k), points, None, None) for k, points in outcomes]
    rows += [(f"{k}: {v['question']}", v["points"], k, v.get("end")) for k, v in questions]
    cols = 1 if len(rows) == 1 else 2 if len(rows) <= 8 else 3
    nrows = -(-len(rows) // cols)
    fig = figure(5.2 * cols, 2.4 * nrows + 0.9, caption)
    axes = np.atleast_1d(fig.subplots(nrows, cols, squeeze=False)).ravel()
    horizon = scenario.metadata.start_date + dt.timedelta(days=scenario.n_days - 1)
    observed = sorted({o.as_of for o in scenario.observations})
    for ax, (title, points, qid, end) in zip(axes, rows, strict=False):
        last = min(horizon, dt.date.fromisoformat(end)) if end else horizon
        points = [p for p in points if dt.date.fromisoformat(p["as_of"]) <= last] or points[:1]
        x = [dt.date.fromisoformat(p["as_of"]) for p in points] + [last]
        p = [100 * q["p"] for q in points]
        lo, hi = [100 * q["low"] for q in points], [100 * q["high"] for q in points]
        ax.fill_between(x, [*lo, lo[-1]], [*hi, hi[-1]], step="post", color=BAND, alpha=0.25, lw=0)
        ax.step(x, [*p, p[-1]], where="post", color=BAND, lw=1.8)
        for d in observed:
            ax.axvline(d, color=MUTED, lw=0.8, ls=":")
        if qid in resolved:
            res = resolved[qid]
            ax.plot([res.resolved], [100.0 if res.value else 0.0], "o", color=ACCENT, ms=7)
        ax.set_ylim(-3, 103)
        ax.set_xlim(scenario.metadata.start_date - dt.timedelta(days=7), horizon)
        # at most two lines of about the panel's width (5.2 inches of 8-point text)
        ax.set_title(textwrap.fill(textwrap.shorten(title, 2 * TITLE), TITLE), fontsize=8)
        ax.tick_params(labelsize=7)
        ax.set_ylabel("forecast (%)", fontsize=7)
    for ax in axes[len(rows) :]:
        ax.set_axis_off()
    fig.suptitle(
        "Forecasts as the log grew (dotted: an observation became known; red dot: how it resolved)",
        fontsize=10,
    )
    fig.autofmt_xdate()
    return fig
