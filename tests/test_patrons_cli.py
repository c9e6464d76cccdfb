"""The commands that name an outcome or an event take one patron's
(``persistent.<patron>``, ``patron:`` on an event) on a two-patron scenario: sweep,
signposts, discover, batch, track and calibrate, each through the command (run and score:
tests/test_niger.py)."""

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


def test_track_follows_each_patrons_outcomes_conditioned_on_one_patrons_fact(tmp_path):
    """An observation and a question naming the rival: the track conditions on the
    rival's presence (only replicates where the rival was there are kept), follows each
    patron's persistence and exit, and scores the rival's question."""
    data = rival_run()
    data["questions"] = [
        {"id": "rival_there", "question": "?", "metric": "present_on", "end": "2021-03-01",
         "patron": "rival"},
    ]  # fmt: skip
    path = tmp_path / "two.yaml"
    path.write_text(yaml.safe_dump(data))
    observed = {"observations": [
        {"id": "rival_came", "metric": "present_in", "start": "2020-10-01", "end": "2020-12-31",
         "patron": "rival", "value": True, "as_of": "2021-01-05", "source": "made up"},
    ]}  # fmt: skip
    (tmp_path / "observed.yaml").write_text(yaml.safe_dump(observed))
    resolved = {"resolutions": [
        {"id": "rival_there", "value": True, "resolved": "2021-03-01", "source": "made up"},
    ]}  # fmt: skip
    (tmp_path / "resolved.yaml").write_text(yaml.safe_dump(resolved))
    out = tmp_path / "track"
    args = ["track", str(path), "--observations", str(tmp_path / "observed.yaml"),
            "-n", "150", "--workers", "1", "--resolutions", str(tmp_path / "resolved.yaml"),
            "--out", str(out)]  # fmt: skip
    assert main(args) == 0
    result = json.loads((out / "track.json").read_text())
    assert [d["observations"] for d in result["dates"]] == [[], ["rival_came"]]
    assert result["dates"][1]["conditioning"] != "none", "the rival's fact conditions the run"
    assert {"withdrawn.rival", "persistent.patron", "withdrawn.patron"} <= set(result["outcomes"])
    assert [s["id"] for s in result["scores"]] == ["rival_there"]


def test_calibrate_weighs_a_judgment_of_one_patron(tmp_path):
    """The toy calibration (θ, the summit's acceptance chance, is P(granted)) with a rival
    patron that never presses: a judgment naming the patron calibrates as before."""
    from tests.conftest import ROOT

    data = yaml.safe_load((ROOT / "tests" / "fixtures" / "toy_calibration.yaml").read_text())
    data["actors"].insert(1, {"name": "rival", "role": "patron", "params": {"ambition": 1.0e-9}})
    data["judgments"][0]["patron"] = "patron"
    path = tmp_path / "toy.yaml"
    path.write_text(yaml.safe_dump(data))
    out = tmp_path / "cal"
    assert main(["calibrate", str(path), "-n", "2000", "--workers", "1", "--out", str(out)]) == 0
    assert (out / "calibrated.yaml").is_file() and (out / "calibration.json").is_file()
