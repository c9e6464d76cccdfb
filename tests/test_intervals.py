"""Every probability the project prints lies inside the interval printed beside it, for
every kind of run: plain, conditioned by rejection, conditioned by branching (whose
intervals come from the Eve estimator, redone after the run)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.maths.stats import wilson
from sim.present.cli import main
from sim.runs.branching import eve_effective_n, meets_all, with_eve_intervals
from tests.conftest import BELARUS
from tests.helpers import judgment, outcome, run_summary

OBSERVED = """observations:
  - {id: oct, metric: exercise_in, start: 2020-10-01, end: 2020-10-31, value: true,
     as_of: 2020-11-01, source: test}
  - {id: mar, metric: present_on, end: 2021-03-15, value: true, as_of: 2021-03-20,
     source: test}
  - {id: sep, metric: present_on, end: 2021-09-15, value: true, as_of: 2021-09-20,
     source: test}
"""


def estimates(node: Any, at: str = "") -> Iterator[tuple[str, dict]]:
    """Every entry of a summary that carries a share with its interval."""
    if isinstance(node, dict):
        if {"p", "low", "high"} <= node.keys():
            yield at, node
        for key, value in node.items():
            yield from estimates(value, f"{at}.{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from estimates(item, f"{at}[{i}]")


def outside(summary: dict) -> list[str]:
    return [
        f"{at}: {e['p']:.4f} not in [{e['low']:.4f}, {e['high']:.4f}]"
        for at, e in estimates(summary)
        if not e["low"] - 1e-12 <= e["p"] <= e["high"] + 1e-12
    ]


@pytest.mark.parametrize("kind", ["plain", "reject", "branch"])
def test_every_printed_share_lies_inside_its_interval(kind, tmp_path, capsys):
    out = tmp_path / "run"
    args = ["run", str(BELARUS), "-n", "120", "--seed", "5", "--lean", "--out", str(out)]
    if kind != "plain":
        log = tmp_path / "observed.yaml"
        log.write_text(OBSERVED)
        args += ["--observations", str(log), "--conditioning", kind]
    assert main(args) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert len(list(estimates(summary))) > 20
    assert ("branching" in summary) == (kind == "branch")
    assert not outside(summary)
    printed = capsys.readouterr().out
    assert "kremlin_retains_control" in printed  # a conditional judgment is among them


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.booleans(), st.booleans(), st.integers(0, 6)), min_size=1, max_size=40
    )
)
def test_eve_intervals_hold_their_share_conditional_judgments_included(rows):
    """The Eve redo puts each entry's share over the rows it is about (a conditional
    judgment's over the rows where its condition held) inside its interval."""
    hit, cond, origin = (np.array(c) for c in zip(*rows, strict=True))
    outcomes = pd.DataFrame({"judgment.j": hit & cond, "judgment.j.given": cond, "persistent": hit})
    summary = run_summary(
        outcomes={"persistent": outcome(0.5, 0.0, 1.0)}, judgments=[judgment("j", 0.9, 0.0, 0.1)]
    )
    redone = with_eve_intervals(summary, outcomes, origin)
    assert not outside(redone.json())
    j = redone.judgments[0].estimate
    assert j.p == pytest.approx(hit[cond].mean() if cond.any() else 0.0)
    assert redone.outcomes["persistent"].estimate.p == pytest.approx(hit.mean())


@pytest.mark.parametrize(
    ("y", "origins", "expected", "why"),
    [
        ([1, 0, 1, 0], [0, 1, 2, 3], 4.0, "four unrelated particles are four samples"),
        ([1, 1, 0, 0], [0, 0, 1, 1], 2.0, "two copies each of two histories are two samples"),
        # p = 1/2; per origin the sums of y - p are 1, 0, -1: var = 2 / 36, n = 0.25 / var
        ([1, 1, 1, 0, 0, 0], [0, 0, 1, 1, 2, 2], 4.5, "by hand: 0.25 / (2 / 36)"),
        ([0, 0, 0], [0, 0, 5], 2.0, "no spread: as many as the distinct histories"),
    ],
)
def test_the_eve_effective_sample_size_by_hand(y, origins, expected, why):
    got = eve_effective_n(np.array(y), np.array(origins))
    assert got == pytest.approx(expected), (
        f"{why}: expected {expected}, got {got} (is the variance centred on the share?)"
    )


def test_a_branching_interval_is_wilsons_at_the_effective_sample_size():
    """Four particles, two copies of each of two histories: the interval is Wilson's for
    one success in two trials, not for two in four (counting copies as independent
    would draw it too narrow)."""
    outcomes = pd.DataFrame({"persistent": [True, True, False, False]})
    summary = run_summary(outcomes={"persistent": outcome(0.5, 0.0, 1.0)})
    redone = with_eve_intervals(summary, outcomes, np.array([0, 0, 1, 1]))
    entry = redone.outcomes["persistent"].estimate
    assert entry.n_effective == 2.0
    assert (entry.low, entry.high) == pytest.approx(wilson(1, 2)), (
        f"the interval {entry.low:.3f}-{entry.high:.3f} is not Wilson's at the "
        f"effective sample size 2 ({wilson(1, 2)[0]:.3f}-{wilson(1, 2)[1]:.3f}); "
        f"Wilson's at the 4 particles is {wilson(2, 4)[0]:.3f}-{wilson(2, 4)[1]:.3f}"
    )


def test_a_history_must_meet_every_observation_checked_at_a_stage():
    """Two facts checked in the same week: a history survives only if it meets both."""
    checks = {"a": (lambda f: f["a"], True), "b": (lambda f: f["b"], False)}
    assert meets_all({"a": True, "b": False}, checks, ("a", "b"))
    for facts in ({"a": True, "b": True}, {"a": False, "b": False}, {"a": False, "b": True}):
        assert not meets_all(facts, checks, ("a", "b")), (
            f"a history with {facts} meets at most one of the two facts (a true, b false) "
            "and must not survive: the stage's checks are combined with 'any', not 'all'"
        )
    assert meets_all({"a": True, "b": True}, checks, ("a",))  # only the stage's own ids


def test_the_effective_sample_size_is_reported_to_one_decimal():
    """p = 0.4 over origins {0: 1, 1}, {1: 0, 0}, {2: 0}: sums of y - p are 1.2, -0.8 and
    -0.4, var = 2.24 / 25, n_eff = 0.24 / 0.0896 = 2.68, reported as 2.7."""
    outcomes = pd.DataFrame({"persistent": [True, True, False, False, False]})
    summary = run_summary(outcomes={"persistent": outcome(0.4, 0.0, 1.0)})
    redone = with_eve_intervals(summary, outcomes, np.array([0, 0, 1, 1, 2]))
    assert redone.outcomes["persistent"].estimate.n_effective == 2.7
    assert with_eve_intervals(run_summary(), outcomes, np.zeros(5, int)) == run_summary()
