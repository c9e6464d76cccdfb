"""Every command at the edges: outcomes that never or always happen, missing roles,
several patrons, several clients. Each must give results or a clear message, never a
traceback (a traceback would fail the test: main() does not catch programming errors)."""

from __future__ import annotations

import copy

import pytest

from sim.present.cli import main
from tests.conftest import MINIMAL, write_yaml

JUDGED = [
    {
        "id": "pressed",
        "claim": "a rung by 2021",
        "word": "likely",
        "metric": "rung_by",
        "rung": "more_exercises",
        "end": "2021-06-01",
    }
]
QUESTION = [
    {
        "id": "any_exercise",
        "question": "An exercise by October?",
        "metric": "exercise_in",
        "start": "2020-09-16",
        "end": "2020-10-31",
    }
]


def never() -> dict:
    """No exercise, no ambition: presence and basing never happen."""
    d = copy.deepcopy(MINIMAL)
    d["actors"][0]["params"]["ambition"] = 0.0
    d["operations"] = {"exercises": [], "recurring": [], "summits": []}
    return d


def always() -> dict:
    """One exercise spanning the whole horizon: continuous presence always holds."""
    d = copy.deepcopy(MINIMAL)
    d["operations"]["exercises"][0].update({"start": "2020-09-16", "end": "2021-09-15"})
    return d


def no_alliance_no_movement() -> dict:
    d = copy.deepcopy(MINIMAL)
    d["actors"] = d["actors"][:2]
    d.pop("injects")
    return d


def two_patrons() -> dict:
    d = copy.deepcopy(MINIMAL)
    d["actors"].insert(1, {"name": "rival", "role": "patron", "params": {"ambition": 0.3}})
    return d


def two_clients() -> dict:
    d = copy.deepcopy(MINIMAL)
    d["actors"].append({"name": "other", "role": "client_regime"})
    d["actors"][0]["target"] = "client"
    d["actors"][2]["target"] = "client"
    d["actors"][3]["target"] = "client"
    d["outcomes"] = {"host": "client"}
    return d


CASES = {
    "never": never,
    "always": always,
    "no_alliance_no_movement": no_alliance_no_movement,
    "two_patrons": two_patrons,
    "two_clients": two_clients,
}


@pytest.mark.parametrize("case", list(CASES))
def test_every_command_works_at_the_edge(case, tmp_path, capsys):
    data = CASES[case]()
    data["judgments"] = JUDGED
    data["questions"] = QUESTION
    scenario = write_yaml(tmp_path, data)
    run = tmp_path / "run"
    assert main(["run", str(scenario), "-n", "120", "--workers", "1", "--out", str(run)]) == 0
    assert main(["plot", str(run)]) == 0
    assert main(["report", str(run)]) == 0
    assert main(["replay", str(run), "--replicate", "0"]) == 0
    assert main(["explain", str(scenario)]) == 0
    assert main(["discover", str(run)]) == 0  # nothing varies or happens: said, not raised
    resolved = tmp_path / "resolved.yaml"
    resolved.write_text(
        "resolutions:\n  - {id: any_exercise, value: yes, resolved: 2020-10-31, source: t}\n"
    )
    assert main(["score", str(run), "--resolutions", str(resolved)]) == 0
    sweep = [
        "sweep",
        str(scenario),
        "--vary",
        "actors.client.sovereignty_resistance=0.2:0.9",
        "--design",
        "oat",
        "--levels",
        "2",
        "-n",
        "8",
        "--workers",
        "1",
        "--out",
        str(tmp_path / "sweep"),
    ]
    assert main(sweep) == 0
    batch = [
        "batch",
        str(scenario),
        str(scenario),
        "-n",
        "60",
        "--workers",
        "1",
        "--out",
        str(tmp_path / "batch"),
    ]
    assert main(batch) in (0, 2)  # two copies of one file share a stem: a clear refusal is fine
    capsys.readouterr()


@pytest.mark.parametrize("case", ["never", "no_alliance_no_movement"])
def test_calibrate_works_at_the_edge(case, tmp_path, capsys):
    data = CASES[case]()
    data["judgments"] = JUDGED
    fixed = write_yaml(tmp_path, data, "fixed.yaml")
    assert main(["calibrate", str(fixed), "--out", str(tmp_path / "c0")]) == 2
    assert "no parameter has a distribution" in capsys.readouterr().err
    data["actors"][1]["params"] = {"sovereignty_resistance": {"uniform": [0.2, 0.9]}}
    scenario = write_yaml(tmp_path, data)
    out = tmp_path / "cal"
    args = [
        "calibrate",
        str(scenario),
        "-n",
        "1500",
        "--check-replicates",
        "300",
        "--posterior-rows",
        "2000",
        "--max-candidates",
        "200000",
        "--workers",
        "1",
        "--out",
        str(out),
    ]
    assert main(args) == 0
    text = capsys.readouterr().out
    if case == "never":  # the judged rung can never be granted: named, not a traceback
        assert "no prior row meets it" in text
