"""A scenario names its question (``headline:``): an outcome, one patron's outcome or a
forecast question, which a run prints first, its report leads with, and its analyses
(signposts, discover, batch) explain unless told otherwise."""

from __future__ import annotations

import copy
import json

import pandas as pd
import pytest
import yaml

from sim.engine.plan import Plan
from sim.runs.aggregate import OutcomeTally
from sim.runs.run_summary import RunSummary
from sim.runs.summary import summary_of
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import loads
from tests.conftest import MINIMAL
from tests.helpers import outcomes_of

QUESTION = {
    "id": "leaves",
    "question": "Are the forces gone on 1 June 2021?",
    "metric": "present_on",
    "end": "2021-06-01",
    "negate": True,
}


def scenario(headline: str | None, patrons: int = 1) -> dict:
    data = copy.deepcopy(MINIMAL)
    data["questions"] = [QUESTION]
    if patrons == 2:
        data["actors"].insert(1, {"name": "rival", "role": "patron"})
    if headline is not None:
        data["headline"] = headline
    return data


def summary(data: dict, n: int = 200) -> RunSummary:
    plan = Plan(loads(yaml.safe_dump(data)))
    tally = OutcomeTally(plan)
    tally.add(outcomes_of(plan, n, 3))
    return summary_of(tally)


@pytest.mark.parametrize(
    ("headline", "column"),
    [
        (None, "persistent"),
        ("withdrawn", "withdrawn"),
        ("leaves", "question.leaves"),
        ("question.leaves", "question.leaves"),
    ],
)
def test_the_headline_is_an_outcome_or_a_question_by_its_column(headline, column):
    assert loads(yaml.safe_dump(scenario(headline))).headline_column() == column


def test_one_patrons_outcome_is_a_headline_only_with_several_patrons():
    two = loads(yaml.safe_dump(scenario("withdrawn.rival", patrons=2)))
    assert two.headline_column() == "withdrawn.rival"
    with pytest.raises(ScenarioError) as caught:
        loads(yaml.safe_dump(scenario("withdrawn.rival")))
    (problem,) = caught.value.problems
    assert problem.field == "headline"
    assert "nothing called 'withdrawn.rival' to measure" in problem.message


def test_an_unknown_headline_is_refused_with_what_there_is():
    with pytest.raises(ScenarioError) as caught:
        loads(yaml.safe_dump(scenario("persistant")))
    (problem,) = caught.value.problems
    assert problem.field == "headline" and "did you mean 'persistent'" in problem.message


def test_the_summary_leads_with_the_headline_and_keeps_it():
    from sim.present.text.run import format_summary
    from sim.runs.summary import pct
    from sim.scenario.params import word_for

    s = summary(scenario("leaves"))
    words, estimate = s.headline_estimate()
    q = next(q for q in s.questions if q.id == "leaves")
    assert (words, estimate) == (QUESTION["question"], q.estimate)
    lines = format_summary(s).splitlines()
    p, low, high = (pct(x) for x in (estimate.p, estimate.low, estimate.high))
    word = word_for(estimate.p).replace("_", " ")
    assert lines[2] == f"headline: {QUESTION['question']}: {p} ({low} - {high}), {word}"
    data = json.loads(json.dumps(s.json()))
    assert data["headline"] == "question.leaves"
    assert RunSummary.from_json(data) == s
    plain = summary(scenario(None))
    assert "headline" not in plain.json() and plain.headline == "persistent"
    assert plain.headline_estimate()[0] == "persistent presence at the horizon"


def test_the_analyses_explain_the_headline_unless_told_otherwise(tmp_path, capsys):
    from sim.present.cli import main

    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(scenario("leaves")))
    out = tmp_path / "sp"
    assert main(["signposts", str(path), "-n", "120", "--workers", "1", "--out", str(out)]) == 0
    assert json.loads((out / "signposts.json").read_text())["outcome"] == "question.leaves"
    capsys.readouterr()
    run = tmp_path / "run"
    assert main(["run", str(path), "-n", "120", "--workers", "1", "--out", str(run)]) == 0
    assert capsys.readouterr().out.splitlines()[2].startswith("headline: Are the forces gone")
    assert main(["report", str(run)]) == 0
    assert "Are the forces gone on 1 June 2021?" in (run / "report.html").read_text()


def test_a_batch_compares_the_baselines_headline_outcome(tmp_path, capsys):
    from sim.present.cli import main

    base, other = tmp_path / "a.yaml", tmp_path / "b.yaml"
    base.write_text(yaml.safe_dump(scenario("withdrawn")))
    other.write_text(yaml.safe_dump(scenario("withdrawn")))
    out = tmp_path / "batch"
    argv = ["batch", str(base), str(other), "-n", "100", "--workers", "1", "--out", str(out)]
    assert main(argv) == 0
    assert set(pd.read_parquet(out / "comparison.parquet")["outcome"]) == {"withdrawn"}
    base.write_text(yaml.safe_dump(scenario("leaves")))
    argv[-1] = str(tmp_path / "batch2")
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "a batch compares an outcome" in err and "headline is question.leaves" in err


def test_with_several_patrons_each_ones_time_to_persistence_and_exit_is_kept():
    """Each patron's quartiles are those of its own day column, the same rule as the
    pooled ones (checked against the pooled rule applied to the patron's column); with
    one patron there are none, and summary.json is as before."""
    from sim.present.text.run import format_summary
    from sim.runs.summary import _quartiles

    data = scenario(None, patrons=2)
    plan = Plan(loads(yaml.safe_dump(data)))
    tally = OutcomeTally(plan)
    tally.add(outcomes_of(plan, 200, 3))
    s = summary_of(tally)
    assert list(s.time_by_patron) == ["patron", "rival"]
    for patron, times in s.time_by_patron.items():
        assert times["withdrawn"] == _quartiles(tally, f"withdrawn.{patron}")
        assert times["persistent"] == _quartiles(tally, f"persistent.{patron}")
    assert RunSummary.from_json(json.loads(json.dumps(s.json()))) == s
    assert "each patron's own" in format_summary(s)
    plain = summary(scenario(None))
    assert plain.time_by_patron == {} and "time_by_patron" not in plain.json()
    assert "each patron's own" not in format_summary(plain)
