"""Figures people read are laid out so nothing is lost: labels do not print over each
other or run off the plot, titles are not cut, bubbles are not clipped, and a figure
draws every panel it promises."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest

import sim.results
from sim.analysis.signpost_report import SignpostReport
from sim.present import plots
from sim.present.cli import main
from sim.present.plots.signposts import signposts_figure
from sim.present.plots.track import track_figure
from sim.scenario.loader import load
from tests.conftest import BELARUS
from tests.test_branching import toy


@pytest.fixture(scope="module")
def belarus_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("layout") / "run"
    assert main(["run", str(BELARUS), "-n", "150", "--seed", "3", "--out", str(out)]) == 0
    return out


def boxes(fig, texts):
    renderer = fig.canvas.get_renderer()
    return [t.get_window_extent(renderer) for t in texts]


def test_timeline_labels_neither_overlap_nor_leave_the_plot(belarus_run):
    run = sim.results.load(belarus_run)
    busiest = (
        run.events[run.events["kind"].isin(("concession", "reversal"))]
        .groupby("replicate")
        .size()
        .sort_values(ascending=False)
    )
    assert busiest.iloc[0] >= 5, "a replicate with many concessions to label"
    for k in busiest.index[:4]:
        fig = plots.timeline(run, int(k))
        fig.canvas.draw()
        ax = fig.axes[0]
        labels = [t for t in ax.texts if t.get_text().strip() and "from here" not in t.get_text()]
        assert len(labels) == busiest[k]
        found = boxes(fig, labels)
        for a, b in itertools.combinations(found, 2):
            assert not a.overlaps(b), (k, [t.get_text() for t in labels])
        frame = ax.get_window_extent()
        for box, text in zip(found, labels, strict=True):
            assert frame.x0 - 1 <= box.x0 and box.x1 <= frame.x1 + 1, text.get_text()


@pytest.fixture(scope="module")
def signposts_result(tmp_path_factory) -> SignpostReport:
    tmp = tmp_path_factory.mktemp("signposts")
    scenario, _ = toy(tmp)
    out = tmp / "sp"
    assert main(["signposts", str(scenario), "-n", "200", "--out", str(out)]) == 0
    return SignpostReport.from_json(json.loads((out / "signposts.json").read_text()))


def test_signposts_title_fits_and_no_bubble_is_clipped(signposts_result):
    fig = signposts_figure(signposts_result, "caption", top=10)
    fig.canvas.draw()
    ax = fig.axes[0]
    title = boxes(fig, [ax.title])[0]
    assert title.x0 >= 0 and title.x1 <= fig.bbox.x1, "the title is cut"
    assert "top 10" in ax.title.get_text()
    frame = ax.get_window_extent()
    for coll in ax.collections:
        (x, y), size = coll.get_offsets()[0], coll.get_sizes()[0]
        cx, cy = ax.transData.transform((x, y))
        r = np.sqrt(size) / 2 * fig.dpi / 72  # marker size is in points squared
        assert frame.x0 <= cx - r and cx + r <= frame.x1 and frame.y0 <= cy - r, (x, y)
        assert cy + r <= frame.y1


def test_track_draws_every_outcome_and_question(tmp_path):
    scenario, log = toy(tmp_path)
    out = tmp_path / "track"
    args = ["track", str(scenario), "--observations", str(log), "-n", "60", "--out", str(out)]
    assert main(args) == 0
    result = json.loads((out / "track.json").read_text())
    fig = track_figure(result, load(scenario, log), "caption")
    drawn = [ax for ax in fig.axes if ax.axison]
    assert len(drawn) == len(result["outcomes"]) + len(result["questions"]) > 6
    assert drawn[0].get_title() == "persistent presence at the horizon"
