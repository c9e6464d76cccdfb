"""``wargame score`` on run folders of test_score.py's scenario: what it prints and writes,
each forecast against its own outcome, two runs, the report's section.

The made-up scenario is the suite's MINIMAL one with two questions; its resolutions file
lives here in the test, never in a scenario.
"""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path

import numpy as np
import pytest

from sim.analysis.score import (
    CLIP,
)
from sim.analysis.scorecard import Scorecard
from sim.present.cli import main
from sim.present.text.score import format_score
from tests.conftest import MINIMAL, write_yaml
from tests.test_score import QUESTIONS, resolutions


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("score")
    data = copy.deepcopy(MINIMAL)
    data["questions"] = QUESTIONS
    scenario = write_yaml(tmp, data)
    out = tmp / "run"
    assert main(["run", str(scenario), "-n", "300", "--workers", "1", "--out", str(out)]) == 0
    return out


def score_cli(run_folder: Path, tmp_path: Path, items: list[dict]) -> tuple[int, Path]:
    """``wargame score`` of `run_folder` against `items`, into a fresh folder."""
    out = tmp_path / "s"
    args = ["score", str(run_folder), "--resolutions", str(resolutions(tmp_path, items))]
    return main([*args, "--out", str(out)]), out


GOOD = [
    {"id": "granted", "value": True, "resolved": "2020-11-01", "source": "made up"},
    {"id": "present", "value": False, "resolved": "2020-09-26", "source": "made up"},
]


def test_cli_score_prints_and_writes_the_score(run_folder, tmp_path, capsys):
    code, out = score_cli(run_folder, tmp_path, GOOD)
    assert code == 0
    text = capsys.readouterr().out
    result = json.loads((out / "score.json").read_text())
    summary = json.loads((run_folder / "summary.json").read_text())
    p = {q["id"]: q["p"] for q in summary["questions"]}
    expected = ((p["granted"] - 1) ** 2 + p["present"] ** 2) / 2
    assert result["overall"]["brier"] == pytest.approx(expected)
    assert [u["question"] for u in result["unresolved"]] == ["based"]
    assert "not yet resolved" in text and "fewer than 10" in text
    assert (out / "figures" / "reliability.png").is_file()
    (out / "figures" / "reliability.png").unlink()
    assert main(["plot", str(out)]) == 0  # a score folder is a results folder of its own
    assert (out / "figures" / "reliability.png").is_file()


def test_each_forecast_is_scored_against_its_own_outcome(run_folder, tmp_path, capsys):
    """Per forecast, by hand: a 'yes' scores -ln p and (p - 1)^2, a 'no' -ln(1 - p) and
    p^2, the probability scored kept at least CLIP (here 'present' was forecast at 100 %
    and resolved 'no')."""
    code, out = score_cli(run_folder, tmp_path, GOOD)
    assert code == 0
    capsys.readouterr()
    rows = {r["question"]: r for r in json.loads((out / "score.json").read_text())["forecasts"]}
    yes, no = rows["granted"], rows["present"]
    assert 0 < yes["p"] < 1
    assert yes["log"] == pytest.approx(-math.log(yes["p"]))
    assert no["log"] == pytest.approx(-math.log(max(1 - no["p"], CLIP)))
    assert yes["brier"] == pytest.approx((yes["p"] - 1) ** 2)
    assert no["brier"] == pytest.approx(no["p"] ** 2)
    assert no["clipped"] is (1 - no["p"] < CLIP) and yes["clipped"] is False
    text = format_score(Scorecard.from_json(json.loads((out / "score.json").read_text())))
    assert ("capped at -ln(0.0001) = 9.21" in text) is no["clipped"], text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"id": "granted_"}, "no question 'granted_' in the runs"),
        ({"resolved": "2019-12-31"}, "is before the scenario starts"),
        (
            {"value": False, "resolved": "2020-10-15"},
            "'no' on 2020-10-15 is before the question's end (2020-11-01)",
        ),
        ({"value": "maybe"}, "resolutions[0].value"),
    ],
)
def test_a_bad_resolution_names_the_file_line_and_question(
    run_folder, tmp_path, capsys, change, message
):
    code, out = score_cli(run_folder, tmp_path, [{**GOOD[0], **change}, GOOD[1]])
    assert code == 2
    err = capsys.readouterr().err
    assert message in err and "resolved.yaml:" in err
    assert not out.exists()


def test_the_report_of_a_scored_run_has_a_scoring_section(run_folder, tmp_path):
    from sim.present.report import render

    assert main(["score", str(run_folder), "--resolutions", str(resolutions(tmp_path, GOOD))]) == 0
    html = render(run_folder)
    assert 'id="score"' in html and 'id="questions"' in html and "Not yet resolved" in html


def test_two_runs_are_scored_each_on_its_own_with_a_paired_difference(tmp_path, capsys):
    """A batch of a scenario and a variant that changes one number: each member is scored
    over its own two resolved questions (never pooled into 'four forecasts'), and the
    variant's Brier difference is the mean of the per-question differences with a
    Student-t interval on one degree of freedom, worked out here by hand."""
    data = copy.deepcopy(MINIMAL)
    data["questions"] = QUESTIONS
    base = write_yaml(tmp_path, data, "base.yaml")
    long_name = "a variant whose name is longer than twenty-seven characters"
    variant = write_yaml(
        tmp_path,
        {
            "extends": "base.yaml",
            "metadata": {"name": long_name},
            "actors": [{"name": "patron", "params": {"ambition": 0.95}}],
        },
        "variant.yaml",
    )
    batch = tmp_path / "batch"
    argv = ["batch", str(base), str(variant), "-n", "200", "--workers", "1", "--out", str(batch)]
    assert main(argv) == 0
    out = tmp_path / "s"
    argv = ["score", str(batch), "--resolutions", str(resolutions(tmp_path, GOOD))]
    assert main([*argv, "--out", str(out)]) == 0
    text = capsys.readouterr().out
    result = json.loads((out / "score.json").read_text())
    assert {r["run"] for r in result["forecasts"]} == {"minimal", long_name}
    assert "overall" not in result, "forecasts of different runs are never pooled"
    assert [(s["run"], s["n"]) for s in result["by_run"]] == [("minimal", 2), (long_name, 2)]
    brier = {(r["run"], r["question"]): r["brier"] for r in result["forecasts"]}
    d = np.array([brier[(long_name, q)] - brier[("minimal", q)] for q in ("granted", "present")])
    half = 12.706204736174703 * d.std(ddof=1) / math.sqrt(2)  # t(0.975, 1 df)
    diff = result["differences"][0]["brier"]
    assert diff["diff"] == pytest.approx(d.mean())
    assert (diff["low"], diff["high"]) == pytest.approx((d.mean() - half, d.mean() + half))
    assert long_name in text and f"{long_name} minus minimal" in text


# ----------------------------------------------------------------- on hand-made runs


def test_the_runs_of_several_folders_are_all_scored(run_folder):
    from sim.analysis.score import runs_of

    runs = runs_of([run_folder, run_folder])
    assert [r.path for r in runs] == [run_folder, run_folder]
