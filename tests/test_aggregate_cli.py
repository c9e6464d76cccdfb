"""Streaming aggregation end to end: run folders' bands and summaries agree with their
tables, however the run is chunked (the tallies themselves are in test_aggregate.py)."""

from __future__ import annotations

import pytest

from sim.engine.plan import Plan
from sim.present.cli import main
from sim.runs.aggregate import BINS, OutcomeTally
from sim.runs.results import load
from sim.runs.summary import summary_of
from sim.scenario.loader import load as load_scenario
from tests.conftest import BELARUS
from tests.helpers import outcomes_of

PLAN = Plan(load_scenario(BELARUS))


def test_bands_match_exact_quantiles_within_a_bin(tmp_path):
    out = tmp_path / "run"
    assert main(["run", str(BELARUS), "-n", "300", "--workers", "1", "--out", str(out)]) == 0
    run = load(out)
    bands = run.trajectory_bands().set_index(["actor", "variable", "month"])
    exact = run.trajectories.groupby(["actor", "variable", "month"])["value"]
    for q, col in ((0.05, "q05"), (0.5, "q50"), (0.95, "q95")):
        lower = exact.quantile(q, interpolation="lower")
        diff = (bands[col] - lower.reindex(bands.index)).abs()
        integer = bands.index.get_level_values("variable").isin(["rung", "presence_days"])
        assert (diff[integer] == 0).all(), col
        assert (diff[~integer] <= 1 / BINS).all(), col


def test_lean_and_detailed_runs_have_the_same_bands(tmp_path):
    for flag in ("--lean", "--chunk-size=77"):
        assert (
            main(
                [
                    "run",
                    str(BELARUS),
                    "-n",
                    "150",
                    flag,
                    "--workers",
                    "1",
                    "--out",
                    str(tmp_path / flag.strip("-")),
                ]
            )
            == 0
        )
    a = (tmp_path / "lean" / "bands.parquet").read_bytes()
    b = (tmp_path / "chunk-size=77" / "bands.parquet").read_bytes()
    assert a == b


@pytest.mark.parametrize("n", [1, 2])
def test_tiny_runs_work(tmp_path, n):
    assert (
        main(["run", str(BELARUS), "-n", str(n), "--workers", "2", "--out", str(tmp_path / "r")])
        == 0
    )
    assert load(tmp_path / "r").summary.replicates == n


def test_in_memory_summary_equals_the_streamed_one(tmp_path):
    import json

    out = tmp_path / "run"
    assert (
        main(
            [
                "run",
                str(BELARUS),
                "-n",
                "120",
                "--seed",
                "8",
                "--chunk-size",
                "33",
                "--workers",
                "1",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    streamed = json.loads((out / "summary.json").read_text())
    tally = OutcomeTally(PLAN)
    tally.add(outcomes_of(PLAN, 120, 8))
    in_memory = summary_of(tally)
    assert json.loads(json.dumps(in_memory.json())) == streamed
