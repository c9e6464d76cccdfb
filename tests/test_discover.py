"""Scenario discovery on a synthetic case with a known box, and on a run."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.analysis.discover import DiscoverySettings, discover_rows

TOLERANCE = 0.05  # PRIM peels 5 % of the rows at a time, so a limit lands within a peel


@pytest.fixture(scope="module")
def synthetic():
    """Outcome 1 when x1 > 0.7 and x2 < 0.3, with 5 % of outcomes flipped, over six
    parameters of which four are irrelevant."""
    rng = np.random.default_rng(7)
    x = pd.DataFrame(rng.random((4000, 6)), columns=[f"x{i}" for i in range(6)])
    y = ((x.x1 > 0.7) & (x.x2 < 0.3)).to_numpy()
    y = np.where(rng.random(len(y)) < 0.05, ~y, y)
    return x, y, discover_rows(x, y, {c: "assumption" for c in x.columns}, DiscoverySettings())


def test_the_known_box_is_recovered_and_nothing_else_restricted(synthetic):
    _, _, result = synthetic
    box = result["boxes"][0]
    limits = {lim["parameter"]: lim for lim in box["limits"]}
    assert set(limits) == {"x1", "x2"}
    assert abs(limits["x1"]["low"] - 0.7) < TOLERANCE
    assert abs(limits["x2"]["high"] - 0.3) < TOLERANCE
    # the true box holds 9 % of rows at density 0.95; flips put 0.05 x 0.91 of the rows
    # outside it, so coverage can be at most 0.0855 / (0.0855 + 0.0455) = 0.653
    assert box["density"] > 0.9
    assert abs(box["coverage"] - 0.653) < TOLERANCE
    assert all(lim["qp"] < 0.05 for lim in box["limits"])


def test_feature_scores_rank_the_two_relevant_parameters_first(synthetic):
    _, _, result = synthetic
    assert {s["parameter"] for s in result["scores"][:2]} == {"x1", "x2"}
    assert "x1" in result["tree"] and "x2" in result["tree"]


def test_the_same_rows_give_the_same_boxes(synthetic):
    x, y, result = synthetic
    again = discover_rows(x, y, {c: "assumption" for c in x.columns}, DiscoverySettings())
    assert again == result


def test_an_outcome_that_never_happens_has_nothing_to_discover():
    x = pd.DataFrame({"a": np.linspace(0, 1, 50)})
    result = discover_rows(x, np.zeros(50, dtype=bool), {}, DiscoverySettings())
    assert result["boxes"] == [] and "never happens" in result["note"]


def test_a_box_below_the_threshold_after_dropping_noise_limits_says_so():
    """The printed box is the one with only significant limits; when that is less dense
    than the threshold, the line says so and names the PRIM box it came from, and the
    trade-off figure marks both."""
    from sim.present.plots.discover import tradeoff
    from sim.present.text.discovery import format_discovery

    box = {
        "coverage": 0.696,
        "density": 0.596,
        "mass": 0.622,
        "limits": [],
        "trajectory": {
            "coverage": [1.0, 0.273],
            "density": [0.53, 0.803],
            "mass": [1, 0.2],
            "res_dim": [0, 20],
        },
        "chosen": 1,
        "peeled": {"coverage": 0.273, "density": 0.803},
    }
    result = {"outcome": "persistent", "replicates": 100, "base_rate": 0.53, "note": "",
              "threshold": 0.8, "boxes": [box], "scores": [], "tree": ""}  # fmt: skip
    text = format_discovery(result)
    assert "box 1: coverage 69.6 %, density 59.6 %" in text
    assert "!! below the 80 % threshold: the PRIM box (coverage 27.3 %, density 80.3 %)" in text
    labels = tradeoff(result, "c").axes[0].get_legend_handles_labels()[1]
    assert "PRIM box chosen on the trajectory" in labels
    assert "box reported (significant limits only)" in labels
    box["density"] = 0.85
    assert "!!" not in format_discovery(result)


def test_discovery_reports_every_step_of_its_progress():
    """The progress callback hears exactly the number of steps announced, whether or not
    every box is found (here one known box, then nothing more)."""
    from sim.analysis.discover import DiscoverySettings, discover_rows, steps

    rng = np.random.default_rng(3)
    x = pd.DataFrame(rng.random((600, 3)), columns=["a", "b", "c"])
    y = (x["a"] > 0.6).to_numpy()
    heard: list[int] = []
    settings = DiscoverySettings()
    discover_rows(x, y, {}, settings, heard.append)
    assert sum(heard) == steps(settings) == settings.boxes + 2
