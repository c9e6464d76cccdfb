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

from sim.present.cli import main
from sim.runs.branching import with_eve_intervals
from tests.conftest import BELARUS

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
    summary = {
        "outcomes": {"persistent": {"p": 0.5, "low": 0.0, "high": 1.0}},
        "judgments": [{"id": "j", "p": 0.9, "low": 0.0, "high": 0.1}],
    }
    redone = with_eve_intervals(summary, outcomes, origin)
    assert not outside(redone)
    j = redone["judgments"][0]
    assert j["p"] == pytest.approx(hit[cond].mean() if cond.any() else 0.0)
    assert redone["outcomes"]["persistent"]["p"] == pytest.approx(hit.mean())
