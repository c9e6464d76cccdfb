"""Scenario discovery on a synthetic case with a known box, and on a run."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from sim.analysis.discover import DiscoverySettings, discover_rows
from sim.analysis.discovery_report import DiscoveryReport, IntervalLimit, OptionsLimit, Peeled
from sim.scenario.errors import UsageError

TOLERANCE = 0.05  # PRIM peels 5 % of the rows at a time, so a limit lands within a peel


@pytest.fixture(scope="module")
def synthetic():
    """Outcome 1 when x1 > 0.7 and x2 < 0.3, with 5 % of outcomes flipped, over six
    parameters of which four are irrelevant."""
    rng = np.random.default_rng(7)
    x = pd.DataFrame(rng.random((2000, 6)), columns=[f"x{i}" for i in range(6)])
    y = ((x.x1 > 0.7) & (x.x2 < 0.3)).to_numpy()
    y = np.where(rng.random(len(y)) < 0.05, ~y, y)
    return x, y, discover_rows(x, y, {c: "assumption" for c in x.columns}, DiscoverySettings())


def test_the_known_box_is_recovered_and_nothing_else_restricted(synthetic):
    _, _, result = synthetic
    box = result.boxes[0]
    limits = {lim.parameter: lim for lim in box.limits}
    assert set(limits) == {"x1", "x2"}
    assert abs(limits["x1"].low - 0.7) < TOLERANCE
    assert abs(limits["x2"].high - 0.3) < TOLERANCE
    # the true box holds 9 % of rows at density 0.95; flips put 0.05 x 0.91 of the rows
    # outside it, so coverage can be at most 0.0855 / (0.0855 + 0.0455) = 0.653
    assert box.density > 0.9
    assert abs(box.coverage - 0.653) < TOLERANCE
    assert all(lim.qp < 0.05 for lim in box.limits)


def test_feature_scores_rank_the_two_relevant_parameters_first(synthetic):
    _, _, result = synthetic
    assert {s.parameter for s in result.scores[:2]} == {"x1", "x2"}
    assert "x1" in result.tree and "x2" in result.tree


def test_an_outcome_that_never_happens_has_nothing_to_discover():
    x = pd.DataFrame({"a": np.linspace(0, 1, 50)})
    result = discover_rows(x, np.zeros(50, dtype=bool), {}, DiscoverySettings())
    assert result.boxes == [] and "never happens" in result.note


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
    result = DiscoveryReport.from_json(
        {"outcome": "persistent", "replicates": 100, "base_rate": 0.53, "note": "",
         "threshold": 0.8, "boxes": [box], "scores": [], "tree": ""}
    )  # fmt: skip
    text = format_discovery(result)
    assert "box 1: coverage 69.6 %, density 59.6 %" in text
    assert "!! below the 80 % threshold: the PRIM box (coverage 27.3 %, density 80.3 %)" in text
    labels = tradeoff(result, "c").axes[0].get_legend_handles_labels()[1]
    assert "PRIM box chosen on the trajectory" in labels
    assert "box reported (significant limits only)" in labels
    denser = dataclasses.replace(result.boxes[0], density=0.85)
    assert "!!" not in format_discovery(dataclasses.replace(result, boxes=[denser]))


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
    assert got == OptionsLimit("r", ["strict", "middle"], every, 0.01)
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
        IntervalLimit("a", 0.2, 0.5, 0.0, 1.0, 0.01),
        OptionsLimit("r", ["strict"], ["strict", "loose"], 0.01),
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
        {"a": [np.nan, 0.1, 0.9], "b": [np.nan, 2.0, 3.0], "n": [4.0, 4.0, 3.0],
         "estimate": [0.5, 0.25, 2 / 3], "low": [0.1, np.nan, 0.2]}
    )  # fmt: skip
    sweep = SimpleNamespace(manifest={"outcome": "ever_continuous"}, points=points,
                            factors=["a", "b"])  # fmt: skip
    x, y = sweep_rows(sweep, DiscoverySettings(outcome="ever_continuous"))
    assert list(x.columns) == ["a", "b"], "only the factors, indexed afresh"
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
                           "fixed": [1.0] * 4, "b": [5.0, 5.0, 5.0, 6.0],
                           "two": [1.0, 2.0, 1.0, 1.0]})  # fmt: skip
    run = SimpleNamespace(parameters=params, outcomes=pd.DataFrame({"replicate": [2, 0, 1]}))
    got = parameters_of(run)
    assert list(got.columns) == ["a", "two"] and got["a"].tolist() == [0.3, 0.1, 0.2]


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
    assert result.boxes == [] and result.note.endswith("it always happens in these rows")
    assert result.base_rate == 1.0 and result.replicates == 50
    y = np.arange(50) % 2 == 0
    empty = discover_rows(pd.DataFrame(index=range(50)), y, {}, DiscoverySettings())
    assert empty.note == "nothing to discover: no parameter varies in these rows"


def test_a_tree_names_the_options_of_a_categorical_split():
    from sim.analysis.discover import _tree

    rng = np.random.default_rng(0)
    codes = rng.integers(0, 2, 400)
    x = pd.DataFrame({"r": pd.Categorical.from_codes(codes, ["strict", "loose"]),
                      "noise": rng.random(400)})  # fmt: skip
    text = _tree(x, codes == 1, 0)
    assert "r <=" in text and text.splitlines()[-1] == "(r: 0 = strict, 1 = loose)"


# ------------------------------------------------------------- what a box reports


def test_the_default_threshold_is_point_eight_or_halfway_to_certainty_at_most_95():
    from sim.analysis.discover import default_threshold

    assert default_threshold(0.3) == 0.8
    assert default_threshold(0.6) == pytest.approx(0.8)
    assert default_threshold(0.7) == pytest.approx(0.85)
    assert default_threshold(0.86) == pytest.approx(0.93)
    assert default_threshold(0.95) == 0.95


def test_a_numeric_limit_keeps_only_the_sides_noise_could_not_draw():
    from sim.analysis.discover import _interval_limit

    kept, full = (0.2, 0.7), (0.0, 1.0)
    both = _interval_limit("a", kept, full, (0.01, 0.02), 0.05)
    assert both == IntervalLimit("a", 0.2, 0.7, 0.0, 1.0, 0.01)
    low = _interval_limit("a", kept, full, (0.01, 0.05), 0.05)
    assert (low.low, low.high, low.qp) == (0.2, 1.0, 0.01)
    high = _interval_limit("a", kept, full, (0.3, 0.04), 0.05)
    assert (high.low, high.high, high.qp) == (0.0, 0.7, 0.04)
    assert _interval_limit("a", kept, full, (0.06, 0.5), 0.05) is None
    assert _interval_limit("a", (0.0, 1.0), full, (0.01, 0.01), 0.05) is None, "not moved"
    assert _interval_limit("a", (0.0, 0.9), full, (0.01, 0.01), 0.05).high == 0.9


def test_every_figure_of_a_box_is_what_its_rows_say(synthetic):
    """Coverage, density and mass recounted from the rows inside the reported limits; the
    PRIM box is the trajectory's densest-enough point of largest coverage x density; a
    limit's prior bounds are the data's own; the stability is a share of 10 resamples."""
    from sim.analysis.discover import _inside

    x, y, result = synthetic
    assert result.threshold == 0.8 and result.note == ""
    assert result.replicates == 2000 and result.base_rate == y.mean()
    (box,) = result.boxes
    inside = _inside(x, box.limits)
    assert box.coverage == (y & inside).sum() / y.sum()
    assert box.density == y[inside].mean() and box.mass == inside.mean()
    t = box.trajectory
    assert len(t.coverage) == len(t.density) == len(t.mass) == len(t.res_dim) > 1
    product = [c * d if d >= 0.8 else -1 for c, d in zip(t.coverage, t.density, strict=True)]
    assert box.chosen == int(np.argmax(product))
    assert box.peeled == Peeled(t.coverage[box.chosen], t.density[box.chosen])
    for lim in box.limits:
        column = x[lim.parameter]
        assert (lim.prior_low, lim.prior_high) == (column.min(), column.max())
        assert lim.status == "assumption"
        assert 0 < lim.reproduced <= 1 + 1e-9
        assert lim.reproduced * 10 == pytest.approx(round(lim.reproduced * 10))
    assert sorted(s.parameter for s in result.scores) == sorted(x.columns)
    assert sum(s.score for s in result.scores) == pytest.approx(1.0)
    assert {s.status for s in result.scores} == {"assumption"}


def test_a_reading_is_restricted_to_a_set_of_its_options():
    """A categorical factor (a reading) in the box: the options it keeps, in their
    declared order, with the status of its parameter."""
    rng = np.random.default_rng(11)
    n = 2000
    r = pd.Categorical.from_codes(rng.integers(0, 3, n), ["strict", "loose", "middle"])
    x = pd.DataFrame({"r": r, "a": rng.random(n), "noise": rng.random(n)})
    y = ((x["r"] != "loose") & (x["a"] > 0.5)).to_numpy()
    y = np.where(rng.random(n) < 0.03, ~y, y)
    result = discover_rows(x, y, {"r": "reading", "a": "cited"}, DiscoverySettings(boxes=1))
    limits = {lim.parameter: lim for lim in result.boxes[0].limits}
    assert set(limits) == {"r", "a"}
    assert limits["r"].options == ["strict", "middle"]
    assert limits["r"].prior_options == ["strict", "loose", "middle"]
    assert limits["r"].qp < 0.05 and limits["r"].status == "reading"
    assert abs(limits["a"].low - 0.5) < TOLERANCE and limits["a"].status == "cited"


def two_boxes() -> tuple[pd.DataFrame, np.ndarray]:
    """Outcome 1 in two separate corners: a and b both high (about 9 % of rows), or c and
    d both low (about 9 %), 2 % flipped."""
    rng = np.random.default_rng(5)
    x = pd.DataFrame(rng.random((1500, 5)), columns=list("abcde"))
    first = (x.a > 0.7) & (x.b > 0.7)
    second = (x.c < 0.3) & (x.d < 0.3) & ~first
    y = (first | second).to_numpy()
    return x, np.where(rng.random(len(y)) < 0.02, ~y, y)


@pytest.fixture(scope="module")
def corners():
    x, y = two_boxes()
    return x, y, discover_rows(x, y, {}, DiscoverySettings(boxes=3))


def test_each_further_box_is_searched_for_among_the_cases_earlier_ones_leave(corners):
    """Three boxes asked for, two corners there: each corner is found once, and the third
    search, among the cases neither box covers (noise), finds nothing dense enough."""
    _, _, result = corners
    assert len(result.boxes) == 2
    found = [{lim.parameter for lim in box.limits} for box in result.boxes]
    assert sorted(map(sorted, found)) == [["a", "b"], ["c", "d"]]
    total = sum(box.coverage for box in result.boxes)
    assert total == pytest.approx(0.85, abs=0.1), "the two corners hold most of the cases"


def test_a_further_box_holding_too_few_of_the_cases_is_not_reported(corners):
    """The second corner, dense, holds about half the cases: kept at the default
    min_coverage (0.1), dropped when a further box must hold more than it does."""
    x, y, result = corners
    second = result.boxes[1].coverage
    assert 0.3 < second < 0.6
    settings = DiscoverySettings(boxes=2, min_coverage=second + 0.01)
    assert len(discover_rows(x, y, {}, settings).boxes) == 1


def test_ten_cases_with_the_outcome_are_searched_nine_are_not():
    rng = np.random.default_rng(2)
    x = pd.DataFrame({"a": np.linspace(0, 1, 300), "b": rng.random(300)})
    for cases, boxes in ((10, 1), (9, 0)):
        y = np.arange(300) >= 300 - cases  # the top of a
        result = discover_rows(x, y, {}, DiscoverySettings(threshold=0.8, boxes=1))
        assert len(result.boxes) == boxes, cases


def test_a_box_of_three_percent_of_the_rows_can_be_peeled_to():
    """PRIM peels down to 2 % of the rows (its own default stops at 5 %): a corner holding
    3 % of the rows is found whole."""
    rng = np.random.default_rng(4)
    x = pd.DataFrame(rng.random((2500, 3)), columns=["a", "b", "c"])
    y = (x.a > 0.97).to_numpy()
    (box,) = discover_rows(x, y, {}, DiscoverySettings(boxes=1)).boxes
    assert min(box.trajectory.mass) < 0.05
    assert box.density > 0.95 and box.coverage > 0.95


def test_the_result_does_not_depend_on_numpys_global_state():
    """The Workbench resamples with NumPy's global generator: discovery seeds it, so the
    same rows give the same result whatever ran before; another seed resamples
    differently."""
    rng = np.random.default_rng(9)
    x = pd.DataFrame(rng.random((500, 3)), columns=list("abc"))
    y = ((x.a > 0.5) & (rng.random(500) < 0.75)) | (rng.random(500) < 0.15)
    y = y.to_numpy()
    results = []
    for state in (1, 2):
        np.random.seed(state)
        results.append(discover_rows(x, y, {}, DiscoverySettings(threshold=0.7, boxes=1)))
    assert results[0] == results[1]
    assert discover_rows(x, y, {}, DiscoverySettings(threshold=0.7, boxes=1, seed=1)) != results[0]


def test_an_empty_result_has_every_field_a_report_reads():
    x = pd.DataFrame({"a": np.linspace(0, 1, 40)})
    result = discover_rows(x, np.zeros(40, dtype=int), {}, DiscoverySettings())
    assert result.json() == {
        "outcome": "", "replicates": 40, "base_rate": 0.0, "boxes": [], "scores": [],
        "tree": "", "note": "nothing to discover: it never happens in these rows",
    }  # fmt: skip
    assert DiscoveryReport.from_json(result.json()) == result


def test_the_workbench_logs_only_its_errors():
    import logging

    from sim.analysis.discover import _workbench

    logging.getLogger("EMA").setLevel(logging.NOTSET)
    _workbench()
    assert logging.getLogger("EMA").level == logging.ERROR


# ------------------------------------------------------------------ scores and tree


def test_the_scores_depend_on_their_seed_not_on_numpys_global_state():
    from sim.analysis.discover import _scores, _workbench

    _, feature_scoring = _workbench()
    rng = np.random.default_rng(1)
    x = pd.DataFrame(rng.random((300, 4)), columns=list("abcd"))
    y = (x.a + 0.3 * rng.random(300) > 0.7).to_numpy()
    got = []
    for state in (1, 2):
        np.random.seed(state)
        got.append(_scores(feature_scoring, x, y, 0))
    assert got[0] == got[1]
    assert _scores(feature_scoring, x, y, 1) != got[0]
    assert got[0][0][0] == "a", "the relevant parameter ranks first"


def test_each_tree_considers_the_square_root_of_the_parameters_at_a_split():
    """Extra-trees scores with √p candidate parameters per split (16 here, so 4; the
    Workbench's own default would be p / 3, 5): the same as scikit-learn's
    ExtraTreesClassifier so configured, with the Workbench's other settings."""
    from sklearn.ensemble import ExtraTreesClassifier

    from sim.analysis.discover import _scores, _workbench

    _, feature_scoring = _workbench()
    rng = np.random.default_rng(2)
    x = pd.DataFrame(rng.random((400, 16)), columns=[f"p{i:02d}" for i in range(16)])
    y = (x.p00 + x.p01 > 1).to_numpy()
    got = dict(_scores(feature_scoring, x, y, 3))
    forest = ExtraTreesClassifier(n_estimators=100, max_features=4, min_samples_leaf=1,
                                  bootstrap=True, oob_score=True, random_state=3)  # fmt: skip
    forest.fit(x, y.astype(int))
    assert got == pytest.approx(dict(zip(x.columns, forest.feature_importances_, strict=True)))


def leaves(text: str) -> list[float]:
    """The number of rows in each leaf of a tree printed with its weights."""
    import re

    return [sum(map(float, w.split(","))) for w in re.findall(r"weights: \[([^]]*)\]", text)]


def depth(text: str) -> int:
    return max(line.count("|") for line in text.splitlines() if "weights" in line) - 1


@pytest.mark.parametrize(("n", "smallest"), [(600, 20), (1500, 30)])
def test_a_trees_leaves_hold_at_least_twenty_rows_or_a_fiftieth(n, smallest):
    """Ten cases at one end of a: the purest split isolates them, but a leaf must hold
    max(20, n // 50) rows, so the smallest leaf holds exactly that many."""
    from sim.analysis.discover import _tree

    rng = np.random.default_rng(0)
    x = pd.DataFrame({"a": np.linspace(0, 1, n), "b": rng.random(n)})
    text = _tree(x, np.arange(n) >= n - 10, 0)
    assert min(leaves(text)) == smallest and sum(leaves(text)) == n
    assert not text.endswith("\n") and "\n\n" not in text


def test_a_tree_is_three_splits_deep_at_most():
    from sim.analysis.discover import _tree

    rng = np.random.default_rng(1)
    x = pd.DataFrame(rng.random((4000, 4)), columns=list("abcd"))
    y = ((x.a > 0.5) ^ (x.b > 0.5) ^ (x.c > 0.5) ^ (x.d > 0.5)).to_numpy()
    assert depth(_tree(x, y, 0)) == 3


def test_a_tree_chooses_between_equal_splits_by_its_seed_only():
    """Two identical columns: which one the tree splits on is the seed's choice, the
    same whatever NumPy's global state."""
    from sim.analysis.discover import _tree

    rng = np.random.default_rng(2)
    a = rng.random(500)
    x = pd.DataFrame({"a": a, "twin": a, "noise": rng.random(500)})
    y = a > 0.6
    trees = set()
    for state in range(6):
        np.random.seed(state)
        trees.add(_tree(x, y, 0))
    assert len(trees) == 1
    assert len({_tree(x, y, seed).splitlines()[0].split()[1] for seed in range(12)}) == 2


# ------------------------------------------------------------------------- on a run


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """A run of the small scenario with the client's resistance drawn from U(0, 1)."""
    import copy

    from sim.present.cli import main
    from sim.runs.results import load
    from tests.conftest import MINIMAL, write_yaml

    folder = tmp_path_factory.mktemp("discover")
    data = copy.deepcopy(MINIMAL)
    drawn = {"uniform": [0.0, 1.0], "assumption": True}
    data["actors"][1]["params"] = {"sovereignty_resistance": drawn}
    out = folder / "run"
    args = ["run", str(write_yaml(folder, data)), "-n", "300", "--workers", "1", "--out", str(out)]
    assert main(args) == 0
    return load(out)


def test_a_runs_rows_are_its_varying_parameters_and_its_outcome(run):
    """rows_of a run: the parameters that vary (the one drawn), each with its status in the
    scenario, and the outcome as the run's own outcome table says, by its horizon or by
    a date."""
    from sim.analysis.discover import discover, rows_of
    from sim.runs.results import outcome_values

    start = dt.date(2020, 9, 16)
    resistance = "actors.client.sovereignty_resistance"
    for by in (None, dt.date(2020, 12, 1)):
        settings = DiscoverySettings(outcome="ever_continuous", by=by)
        x, y, status, label = rows_of(run, settings)
        expected, expected_label = outcome_values(run.outcomes, start, "ever_continuous", by)
        assert y.tolist() == expected.tolist() and label == expected_label
        assert list(x.columns) == [resistance]
        assert x[resistance].tolist() == run.parameters[resistance].tolist()
        assert status == {resistance: "assumption"}
    by_horizon = rows_of(run, DiscoverySettings(outcome="ever_continuous"))[1]
    assert 0 < by_horizon.sum() < len(by_horizon), "the outcome varies in this run"
    assert y.sum() < by_horizon.sum(), "fewer by December than by the horizon"
    found = discover(run, DiscoverySettings(outcome="ever_continuous"))
    assert found.report.outcome == rows_of(run, DiscoverySettings("ever_continuous"))[3]
    assert (
        found.report.replicates == 300
        and found.x.equals(x)
        and found.y.tolist() == (by_horizon.tolist())
    )
