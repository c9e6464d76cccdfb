"""Scenario discovery through the command: on a run's rows and on a sweep's rebuilt
replicate rows. The method's parts on synthetic rows are in ``tests/test_discover.py``."""

from __future__ import annotations

import copy

from sim.present.cli import main
from tests.conftest import MINIMAL, write_yaml


def test_cli_discover_on_a_run(tmp_path, capsys):
    data = copy.deepcopy(MINIMAL)
    data["actors"][0]["params"] = {"ambition": 0.95}  # cases enough to find a box among
    data["actors"][1]["params"] = {"sovereignty_resistance": {"uniform": [0.0, 1.0]}}
    scenario = write_yaml(tmp_path, data)
    run = tmp_path / "run"
    assert main(["run", str(scenario), "-n", "600", "--workers", "1", "--out", str(run)]) == 0
    capsys.readouterr()
    code = main(["discover", str(run), "--outcome", "persistent", "--threshold", "0.99"])
    assert code == 0 and "no box reaches the threshold" in capsys.readouterr().out
    out = tmp_path / "d"
    code = main(
        ["discover", str(run), "--outcome", "persistent", "--threshold", "0.1", "--out", str(out)]
    )
    assert code == 0 and "coverage" in capsys.readouterr().out
    assert (out / "discovery.json").is_file() and (out / "figures" / "discovery_box.png").is_file()
    assert main(["discover", str(run), "--outcome", "nonsense"]) == 2
    (out / "figures" / "discovery_box.png").unlink()
    capsys.readouterr()
    assert main(["plot", str(out)]) == 0  # a discovery folder redraws from its run's rows
    assert str(out / "figures" / "discovery_box.png") in capsys.readouterr().out.split()


def test_a_sweep_is_discovered_on_its_rebuilt_replicate_rows(tmp_path, capsys):
    scenario = write_yaml(tmp_path, copy.deepcopy(MINIMAL))
    sweep = tmp_path / "sweep"
    args = [
        "sweep",
        str(scenario),
        "--vary",
        "actors.client.sovereignty_resistance=0:1",
        "--vary",
        "actors.patron.ambition=0:1",
        "--design",
        "lhs",
        "-N",
        "16",
        "-n",
        "8",
        "--outcome",
        "ever_continuous",
        "--workers",
        "1",
        "--out",
        str(sweep),
    ]
    assert main(args) == 0
    from sim.analysis.discover import DiscoverySettings, sweep_rows
    from sim.runs.results import load

    x, y = sweep_rows(load(sweep), DiscoverySettings(outcome="ever_continuous"))
    points = load(sweep).points
    assert len(x) == points["n"].sum() == 16 * 8
    assert y.sum() == round((points["estimate"] * points["n"]).sum())
    capsys.readouterr()
    assert main(["discover", str(sweep), "--outcome", "ever_continuous"]) == 0
    assert "(sweep)" in capsys.readouterr().out
    assert (
        main(["discover", str(sweep), "--outcome", "persistent", "--out", str(tmp_path / "x")]) == 2
    )
    assert "this sweep measured 'ever_continuous'" in capsys.readouterr().err
