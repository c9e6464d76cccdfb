"""Scores on hand-computed cases and hand-set runs, and bad resolution files (``wargame
score`` on real run folders is in test_score_cli.py).

The made-up scenario is the suite's MINIMAL one with two questions; its resolutions file
lives here in the test, never in a scenario.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import yaml

from sim.analysis.score import (
    CLIP,
    Forecast,
    _run_scores,
    bootstrap,
    forecasts_of,
    paired_t,
    score,
    scores,
)
from sim.runs.run_summary import QuestionEstimate
from sim.scenario.errors import ScenarioError

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
    assert _run_scores("quiet", []).json() == {"run": "quiet", "n": 0}


def test_a_paired_difference_by_hand():
    """Differences 0.1 and 0.3: mean 0.2, standard deviation 0.1414, and Student's t with
    one degree of freedom (12.706) gives a half-width of 12.706 x 0.1414 / sqrt(2) = 1.2706."""
    d = paired_t(np.array([0.1, 0.3]))
    assert d.diff == pytest.approx(0.2)
    assert (d.low, d.high) == pytest.approx((0.2 - 1.2706, 0.2 + 1.2706), abs=1e-4)
    assert paired_t(np.array([0.4])).json() == {"diff": 0.4, "low": None, "high": None}
    assert paired_t(np.array([])).json() == {"diff": None, "low": None, "high": None}


def resolutions(tmp_path: Path, items: list[dict]) -> Path:
    path = tmp_path / "resolved.yaml"
    path.write_text(yaml.safe_dump({"resolutions": items}, sort_keys=False))
    return path


class StubRun:
    """What scoring reads of a run folder: its name, start, folder and questions."""

    def __init__(self, name: str, questions: list[dict], folder: str = "run"):
        self.name, self.start_date, self.path = name, "2020-09-16", Path("/results") / folder
        self.summary = SimpleNamespace(questions=[QuestionEstimate.from_json(q) for q in questions])

    def require_kept(self) -> None:
        pass


def question(qid: str, p: float, **extra) -> dict:
    base = {"id": qid, "question": f"Will {qid}?", "p": p, "low": p / 2, "high": (1 + p) / 2}
    return {**base, "k": round(400 * p), "n": 400, **extra}


def resolved(tmp_path: Path, *rows: tuple[str, bool, str]) -> Path:
    items = [{"id": i, "value": v, "resolved": d, "source": "s"} for i, v, d in rows]
    return resolutions(tmp_path, items)


def test_a_forecast_carries_what_its_run_said_of_the_question():
    end = {"end": "2021-06-01", "metric": "present_on", "negate": True}
    (f,) = forecasts_of([StubRun("base", [question("q", 0.3, **end)])])
    assert (f.run, f.question, f.text, f.p, f.low, f.high, f.n) == (
        "base",
        "q",
        "Will q?",
        0.3,
        0.15,
        0.65,
        400,
    )
    assert (f.start, f.end, f.metric, f.negate) == (
        dt.date(2020, 9, 16),
        dt.date(2021, 6, 1),
        "present_on",
        True,
    )
    (old,) = forecasts_of([StubRun("base", [question("q", 0.3)])])
    assert (old.end, old.metric, old.negate) == (None, "", False)  # an older run's question
    assert forecasts_of([StubRun("silent", [])]) == []


def test_two_runs_of_one_name_are_told_apart_by_their_folders():
    runs = [StubRun("base", [question("q", 0.3)], "a"), StubRun("base", [question("q", 0.4)], "b")]
    assert [f.run for f in forecasts_of(runs)] == ["base [a]", "base [b]"]
    assert [f.run for f in forecasts_of([StubRun("x", [question("q", 0.3)])])] == ["x"]


@pytest.mark.parametrize(
    ("metric", "negate", "value", "day", "early"),
    [
        ("present_on", False, True, "2021-05-31", True),  # a day's state: only on the day
        ("present_on", False, False, "2021-05-31", True),
        ("present_on", False, True, "2021-06-01", False),  # on the day itself it is known
        ("outcome_by", False, True, "2021-01-01", False),  # 'yes' is known when it happens
        ("outcome_by", False, False, "2021-05-31", True),  # 'no' only at the end
        ("outcome_by", False, False, "2021-06-01", False),
        ("outcome_by", True, True, "2021-05-31", True),  # negated: the other way round
        ("outcome_by", True, False, "2021-01-01", False),
        ("rung_on", False, False, "2021-05-31", True),
    ],
)
def test_when_an_answer_can_first_be_known(metric, negate, value, day, early):
    f = Forecast(
        "r", "q", "", 0.5, 0, 1, 1, dt.date(2020, 9, 16), dt.date(2021, 6, 1), metric, negate
    )
    assert f.too_early(value, dt.date.fromisoformat(day)) is early
    undated = Forecast("r", "q", "", 0.5, 0, 1, 1, dt.date(2020, 9, 16))
    assert undated.too_early(value, dt.date(2020, 9, 17)) is False


def test_a_resolution_dated_before_its_answer_is_known_is_refused(tmp_path):
    runs = [StubRun("r", [question("q", 0.4, end="2021-06-01", metric="outcome_by")])]
    with pytest.raises(ScenarioError) as caught:
        score(runs, resolved(tmp_path, ("q", False, "2021-05-01")))
    (problem,) = caught.value.problems
    assert problem.field.endswith(".resolved")
    assert problem.message == (
        "'no' on 2021-05-01 is before the question's end (2021-06-01), "
        "when that answer is first known"
    )
    with pytest.raises(ScenarioError) as caught:
        score(runs, resolved(tmp_path, ("q", True, "2020-09-15")))
    (problem,) = caught.value.problems
    assert problem.field.endswith(".resolved")
    assert problem.message == "resolved 2020-09-15 is before the scenario starts (2020-09-16)"
    # the start date itself is allowed
    assert score(runs, resolved(tmp_path, ("q", True, "2020-09-16"))).forecasts


def test_runs_without_questions_are_a_clear_error(tmp_path):
    with pytest.raises(ScenarioError) as caught:
        score([StubRun("r", [], "quiet")], resolved(tmp_path, ("q", True, "2021-01-01")))
    (problem,) = caught.value.problems
    assert problem.file == str(Path("/results") / "quiet")
    assert problem.message == "the runs ask no questions (add questions: to the scenario)"


def test_each_row_scores_its_forecast_and_says_when_the_log_score_was_capped(tmp_path):
    runs = [StubRun("r", [question("sure", 0.0), question("edge", CLIP), question("open", 0.6)])]
    out = score(
        runs, resolved(tmp_path, ("sure", True, "2021-01-01"), ("edge", True, "2021-01-01"))
    )
    rows = {r.question: r for r in out.forecasts}
    sure, edge = rows["sure"], rows["edge"]
    assert (sure.n, sure.outcome, sure.brier) == (400, 1, 1.0)
    assert sure.log == pytest.approx(-math.log(CLIP)) and sure.clipped is True
    assert edge.log == pytest.approx(-math.log(CLIP)) and edge.clipped is False
    assert [u.json() for u in out.unresolved] == [{"run": "r", "question": "open", "p": 0.6}]
    assert out.by_run[0].n == 2 and out.overall == out.by_run[0]
    assert out.json()["interval"] is None  # two forecasts: too few for an interval
    assert out.corp is not None
    assert out.corp.brier == pytest.approx((1.0 + (1 - CLIP) ** 2) / 2)


def test_two_runs_are_scored_apart_and_differenced_on_shared_questions(tmp_path):
    a = StubRun("a", [question("x", 0.2), question("y", 0.9)], "a")
    b = StubRun("b", [question("x", 0.6)], "b")
    out = score([a, b], resolved(tmp_path, ("x", True, "2021-01-01"), ("y", True, "2021-01-01")))
    assert [(r.run, r.n) for r in out.by_run] == [("a", 2), ("b", 1)]
    (d,) = out.differences
    assert (d.run, d.baseline, d.questions) == ("b", "a", ["x"])
    assert d.brier.diff == pytest.approx(0.4**2 - 0.8**2)
    assert d.log.diff == pytest.approx(-math.log(0.6) + math.log(0.2))
    assert out.overall is None and out.corp is None  # nothing pooled across runs
    assert "overall" not in out.json() and "corp" not in out.json()


def test_the_log_score_is_capped_on_both_sides():
    wrong = -math.log(CLIP)
    assert scores(np.array([0.0]), np.array([1]))["log"] == pytest.approx(wrong)
    assert scores(np.array([1.0]), np.array([0]))["log"] == pytest.approx(wrong)


def test_ten_resolved_forecasts_get_an_interval_at_the_top(tmp_path):
    qs = [question(f"q{i}", 0.1 * i) for i in range(10)]
    out = score(
        [StubRun("r", qs)],
        resolved(tmp_path, *((f"q{i}", i % 2 == 0, "2021-01-01") for i in range(10))),
    )
    assert out.overall is not None and out.overall.interval is not None
    assert out.json()["interval"] == out.overall.interval
    assert out.overall.interval == bootstrap(
        np.array([0.1 * i for i in range(10)]), np.array([1, 0] * 5)
    )


def test_scoring_a_folder_of_another_kind_says_what_it_takes(tmp_path):
    from sim.analysis.score import runs_of

    folder = tmp_path / "sweep"
    folder.mkdir()
    (folder / "manifest.json").write_text(json.dumps({"kind": "sweep", "status": "complete"}))
    with pytest.raises(ScenarioError) as caught:
        runs_of([folder])
    assert str(caught.value.problems[0].message) == (
        "score works on a run or a batch folder; this is a sweep folder"
    )


def test_a_scorecard_reads_back_what_it_writes_in_the_keys_score_json_always_had(tmp_path):
    """The typed scorecard's JSON is score.json: the same keys in the same order as the
    dictionaries it replaced, and read back it is the same scorecard."""
    from sim.analysis.scorecard import Scorecard

    qs = [question(f"q{i}", 0.1 * i) for i in range(10)] + [question("open", 0.5)]
    one = score(
        [StubRun("r", qs)],
        resolved(tmp_path, *((f"q{i}", i % 2 == 0, "2021-01-01") for i in range(10))),
    ).of_files(["/results/r"], "res.yaml")
    data = json.loads(json.dumps(one.json()))
    assert list(data) == [
        "forecasts", "unresolved", "by_run", "differences", "overall", "interval", "corp",
        "resolutions_file", "runs",
    ]  # fmt: skip
    assert list(data["forecasts"][0]) == [
        "run", "question", "text", "p", "low", "high", "n", "outcome", "resolved", "source",
        "brier", "log", "clipped",
    ]  # fmt: skip
    assert list(data["by_run"][0]) == [
        "run", "brier", "log", "skill_vs_half", "skill_vs_base_rate", "n", "base_rate",
        "interval",
    ]  # fmt: skip
    assert list(data["corp"]) == [
        "brier", "miscalibration", "discrimination", "uncertainty", "miscalibration_band",
        "level", "resamples", "curve",
    ]  # fmt: skip
    assert Scorecard.from_json(data) == one
    a = StubRun("a", [question("x", 0.2)], "a")
    b = StubRun("b", [question("x", 0.6)], "b")
    two = score([a, b], resolved(tmp_path, ("x", True, "2021-01-01")))
    data = json.loads(json.dumps(two.json()))
    assert list(data) == ["forecasts", "unresolved", "by_run", "differences"]
    assert list(data["differences"][0]) == ["run", "baseline", "questions", "brier", "log"]
    assert Scorecard.from_json(data) == two
