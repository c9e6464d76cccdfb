"""Scores on hand-computed cases, the CORP decomposition printed, and bad resolution files.

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
import yaml

from sim.analysis.score import CLIP, _run_scores, bootstrap, paired_t, scores
from sim.present.cli import main
from sim.present.text.score import format_score
from tests.conftest import MINIMAL, write_yaml

QUESTIONS = [
    {
        "id": "granted",
        "question": "A rung by November?",
        "metric": "rung_by",
        "rung": "more_exercises",
        "end": "2020-11-01",
    },
    {
        "id": "present",
        "question": "Forces in on 25 September?",
        "metric": "present_on",
        "end": "2020-09-25",
    },
    {
        "id": "based",
        "question": "A base by 2021?",
        "metric": "outcome_by",
        "outcome": "basing",
        "end": "2021-09-01",
    },
]


def test_scores_by_hand():
    p, o = np.array([0.8, 0.3]), np.array([1, 0])
    s = scores(p, o)
    assert s["brier"] == pytest.approx((0.2**2 + 0.3**2) / 2)  # 0.065
    assert s["log"] == pytest.approx(-(math.log(0.8) + math.log(0.7)) / 2)
    assert s["skill_vs_half"] == pytest.approx(1 - 0.065 / 0.25)
    assert s["skill_vs_base_rate"] == pytest.approx(1 - 0.065 / 0.25)  # base rate 0.5


def test_skill_against_the_base_rate_is_undefined_when_every_outcome_is_the_same():
    assert scores(np.array([0.9, 0.6]), np.array([1, 1]))["skill_vs_base_rate"] is None


def test_the_bootstrap_interval_agrees_with_the_exact_resampling_distribution():
    """Ten forecasts of 1, five right and five wrong: a resample's Brier score is K / 10
    with K ~ Binomial(10, 1/2), whose 2.5 % and 97.5 % quantiles are 2 and 8 (P(K <= 1)
    = 1.1 %, P(K <= 2) = 5.5 %). The log score and the skill follow from K the same way."""
    p, o = np.ones(10), np.array([1] * 5 + [0] * 5)
    interval = bootstrap(p, o)
    assert interval["brier"] == pytest.approx([0.2, 0.8]), (
        f"Brier interval {interval['brier']}: not the 2.5 % and 97.5 % quantiles of K / 10"
    )
    assert interval["skill_vs_half"] == pytest.approx([1 - 0.8 / 0.25, 1 - 0.2 / 0.25])
    wrong, right = -math.log(CLIP), -math.log(1 - CLIP)
    assert interval["log"] == pytest.approx([0.2 * wrong + 0.8 * right, 0.8 * wrong + 0.2 * right])
    assert bootstrap(p, o) == interval, "the same forecasts must give the same interval"


def test_fewer_than_ten_forecasts_get_no_interval():
    assert bootstrap(np.full(9, 0.5), np.ones(9)) is None
    assert bootstrap(np.full(10, 0.5), np.ones(10)) is not None


def test_a_run_with_nothing_resolved_has_no_scores():
    assert _run_scores("quiet", []) == {"run": "quiet", "n": 0}


def test_a_paired_difference_by_hand():
    """Differences 0.1 and 0.3: mean 0.2, standard deviation 0.1414, and Student's t with
    one degree of freedom (12.706) gives a half-width of 12.706 x 0.1414 / sqrt(2) = 1.2706."""
    d = paired_t(np.array([0.1, 0.3]))
    assert d["diff"] == pytest.approx(0.2)
    assert (d["low"], d["high"]) == pytest.approx((0.2 - 1.2706, 0.2 + 1.2706), abs=1e-4)
    assert paired_t(np.array([0.4])) == {"diff": 0.4, "low": None, "high": None}
    assert paired_t(np.array([])) == {"diff": None, "low": None, "high": None}


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("score")
    data = copy.deepcopy(MINIMAL)
    data["questions"] = QUESTIONS
    scenario = write_yaml(tmp, data)
    out = tmp / "run"
    assert main(["run", str(scenario), "-n", "300", "--workers", "1", "--out", str(out)]) == 0
    return out


def resolutions(tmp_path: Path, items: list[dict]) -> Path:
    path = tmp_path / "resolved.yaml"
    path.write_text(yaml.safe_dump({"resolutions": items}, sort_keys=False))
    return path


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
    text = format_score(json.loads((out / "score.json").read_text()))
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
