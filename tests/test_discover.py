"""Scenario discovery on a synthetic case with a known box, and on a run."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from sim.analysis.discover import DiscoverySettings, discover_rows
from sim.scenario.errors import UsageError

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


# ----------------------------------------------------------------------- parts by hand


def test_a_categorical_limit_keeps_the_options_in_their_declared_order():
    from sim.analysis.discover import _options_limit

    every = ["strict", "loose", "middle"]
    got = _options_limit("r", {"middle", "strict"}, every, 0.01, DiscoverySettings())
    assert got == {"parameter": "r", "options": ["strict", "middle"], "prior_options": every,
                   "qp": 0.01}  # fmt: skip
    assert _options_limit("r", set(every), every, 0.01, DiscoverySettings()) is None
    assert _options_limit("r", {"loose"}, every, 0.05, DiscoverySettings()) is None, "noise"
    assert _options_limit("r", {"loose"}, every, 0.049, DiscoverySettings()) is not None


def test_a_side_left_at_the_datas_bound_has_quasi_p_one():
    from types import SimpleNamespace

    from sim.analysis.discover import _quasi_p

    box = SimpleNamespace(qp=[{}, {"a": (None, 0.01), "b": (-1.0, np.nan), 3: (0.2, 0.0)}])
    assert _quasi_p(box, 1) == {"a": (1.0, 0.01), "b": (1.0, 1.0), "3": (0.2, 0.0)}


def test_a_row_is_inside_a_box_on_or_within_every_limit():
    from sim.analysis.discover import _inside

    x = pd.DataFrame(
        {
            "a": [0.1, 0.2, 0.5, 0.6],
            "r": pd.Categorical(["strict", "loose", "strict", "strict"]),
        }
    )
    limits = [
        {"parameter": "a", "low": 0.2, "high": 0.5},
        {"parameter": "r", "options": ["strict"]},
    ]
    assert _inside(x, limits).tolist() == [False, False, True, False]
    assert _inside(x, limits[:1]).tolist() == [False, True, True, False]
    assert _inside(x, []).tolist() == [True] * 4


def test_categorical_columns_are_coded_and_numbers_left_alone():
    from sim.analysis.discover import _coded

    x = pd.DataFrame({"a": [0.5, 0.25], "r": pd.Categorical.from_codes([1, 0], ["p", "q"])})
    coded = _coded(x)
    assert coded["a"].tolist() == [0.5, 0.25] and coded["r"].tolist() == [1, 0]


def test_a_sweeps_points_stand_for_their_replicates():
    """A point with k of n replicates showing the outcome stands for k rows that did and
    n - k that did not; the one-at-a-time baseline (a factor left at its distribution)
    is left out."""
    from types import SimpleNamespace

    from sim.analysis.discover import sweep_rows

    points = pd.DataFrame(
        {"a": [np.nan, 0.1, 0.9], "b": [np.nan, 2.0, 3.0], "n": [4, 4, 3],
         "estimate": [0.5, 0.25, 2 / 3]}
    )  # fmt: skip
    sweep = SimpleNamespace(manifest={"outcome": "ever_continuous"}, points=points,
                            factors=["a", "b"])  # fmt: skip
    x, y = sweep_rows(sweep, DiscoverySettings(outcome="ever_continuous"))
    assert x["a"].tolist() == [0.1] * 4 + [0.9] * 3 and x["b"].tolist() == [2.0] * 4 + [3.0] * 3
    assert y.tolist() == [True, False, False, False, True, True, False]
    by = dt.date(2021, 1, 1)
    wrongs = (DiscoverySettings(outcome="persistent"), DiscoverySettings("ever_continuous", by))
    for wrong in wrongs:
        with pytest.raises(UsageError) as caught:
            sweep_rows(sweep, wrong)
        assert "this sweep measured 'ever_continuous' by the horizon" in str(caught.value)
        assert caught.value.option == "--outcome"


def test_only_the_kept_replicates_varying_parameters_are_explored():
    from types import SimpleNamespace

    from sim.analysis.discover import parameters_of

    params = pd.DataFrame({"replicate": [0, 1, 2, 3], "a": [0.1, 0.2, 0.3, 0.4],
                           "fixed": [1.0] * 4, "b": [5.0, 5.0, 5.0, 6.0]})  # fmt: skip
    run = SimpleNamespace(parameters=params, outcomes=pd.DataFrame({"replicate": [2, 0, 1]}))
    got = parameters_of(run)
    assert list(got.columns) == ["a"] and got["a"].tolist() == [0.3, 0.1, 0.2]


def test_a_readings_column_becomes_its_options_names():
    from sim.analysis.discover import _named_readings
    from sim.scenario.loader import load
    from tests.conftest import BELARUS

    manifest = {"scenario": load(BELARUS).model_dump(mode="json")}
    x = pd.DataFrame({"readings.nearly_continuous": [0.0, 1.7, 5.0, -1.0], "a": [1, 2, 3, 4]})
    named = _named_readings(manifest, x)
    options = list(named["readings.nearly_continuous"].cat.categories)
    assert len(options) == 2
    assert named["readings.nearly_continuous"].tolist() == [options[0], options[1], options[1],
                                                            options[0]]  # fmt: skip
    assert named["a"].tolist() == [1, 2, 3, 4]
    assert x["readings.nearly_continuous"].tolist() == [0.0, 1.7, 5.0, -1.0], "not changed"


def test_an_outcome_that_always_happens_or_rows_without_parameters_have_nothing_to_discover():
    x = pd.DataFrame({"a": np.linspace(0, 1, 50)})
    result = discover_rows(x, np.ones(50, dtype=bool), {}, DiscoverySettings())
    assert result["boxes"] == [] and result["note"].endswith("it always happens in these rows")
    assert result["base_rate"] == 1.0 and result["replicates"] == 50
    y = np.arange(50) % 2 == 0
    empty = discover_rows(pd.DataFrame(index=range(50)), y, {}, DiscoverySettings())
    assert empty["note"] == "nothing to discover: no parameter varies in these rows"


def test_a_tree_names_the_options_of_a_categorical_split():
    from sim.analysis.discover import _tree

    rng = np.random.default_rng(0)
    codes = rng.integers(0, 2, 400)
    x = pd.DataFrame({"r": pd.Categorical.from_codes(codes, ["strict", "loose"]),
                      "noise": rng.random(400)})  # fmt: skip
    text = _tree(x, codes == 1, 0)
    assert "r <=" in text and text.splitlines()[-1] == "(r: 0 = strict, 1 = loose)"
