"""The commands that name an outcome take one patron's (``persistent.<patron>``) on a
two-patron scenario: sweep, signposts, discover and batch, each through the command."""

from __future__ import annotations

import json

import pandas as pd
import yaml

from sim.engine.plan import Plan
from sim.present.cli import main
from sim.runs.results import load
from sim.scenario.loader import loads
from tests.helpers import outcomes_of
from tests.test_patron_events import rival_run


def scenario_file(tmp_path):
    path = tmp_path / "two.yaml"
    path.write_text(yaml.safe_dump(rival_run()))
    return path


def test_a_sweep_measures_one_patrons_outcome(tmp_path, capsys):
    path, out = scenario_file(tmp_path), tmp_path / "sweep"
    args = ["sweep", str(path), "--vary", "actors.rival.ambition=0.2:0.8", "--design", "oat",
            "--levels", "2", "-n", "60", "--seed", "4", "--workers", "1",
            "--outcome", "ever_continuous.rival", "--out", str(out)]  # fmt: skip
    assert main(args) == 0
    capsys.readouterr()
    baseline = load(out).points.loc[0, "estimate"]
    table = outcomes_of(Plan(loads(path.read_text())), 60, 4)
    assert baseline == table["ever_continuous.rival"].mean()


def test_signposts_discover_and_batch_take_one_patrons_outcome(tmp_path, capsys):
    path = scenario_file(tmp_path)
    sp = tmp_path / "sp"
    args = ["signposts", str(path), "--outcome", "persistent.patron", "-n", "100",
            "--workers", "1", "--out", str(sp)]  # fmt: skip
    assert main(args) == 0
    assert json.loads((sp / "signposts.json").read_text())["outcome"] == "persistent.patron"
    run = tmp_path / "run"
    assert main(["run", str(path), "-n", "100", "--workers", "1", "--out", str(run)]) == 0
    found = tmp_path / "found"
    argv = ["discover", str(run), "--outcome", "presence_at_horizon.rival", "--out", str(found)]
    assert main(argv) == 0
    outcome = json.loads((found / "discovery.json").read_text())["outcome"]
    assert outcome == "presence through the final window (rival)"
    batch = tmp_path / "batch"
    other = tmp_path / "other.yaml"
    other.write_text(path.read_text())
    argv = ["batch", str(path), str(other), "-n", "80", "--workers", "1",
            "--outcome", "withdrawn.rival", "--out", str(batch)]  # fmt: skip
    assert main(argv) == 0
    table = pd.read_parquet(batch / "comparison.parquet")
    assert set(table["outcome"]) == {"withdrawn.rival"}
    capsys.readouterr()
