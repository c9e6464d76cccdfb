"""Conditioning by branching (sequential Monte Carlo) against plain rejection.

The toy is tests/conftest.py's MINIMAL scenario (a patron pressing monthly, recurring
exercises at the held rung's cadence) cut to seven months, with three observations at
three dates: an exercise in November 2020, one in January 2021, none in February.
Rejection keeps about 8 % of its replicates. The forecast questions look past the last
observation (an exercise in April 2021, forces present on 1 April, the second rung by
then), so they test the branches' continuation, not only the selection.
"""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path

import pandas as pd
import pytest
import yaml

import sim.runs.branching
from sim.present.cli import main
from tests.conftest import MINIMAL, write_yaml

OBSERVED = [
    {"id": "nov_drill", "metric": "exercise_in", "start": "2020-11-01", "end": "2020-11-30",
     "value": True, "as_of": "2020-12-01", "source": "made up"},
    {"id": "jan_drill", "metric": "exercise_in", "start": "2021-01-01", "end": "2021-01-31",
     "value": True, "as_of": "2021-02-01", "source": "made up"},
    {"id": "no_feb_drill", "metric": "exercise_in", "start": "2021-02-01", "end": "2021-02-28",
     "value": False, "as_of": "2021-03-01", "source": "made up"},
]  # fmt: skip
QUESTIONS = [
    {"id": "april_drill", "question": "An exercise in April 2021?", "metric": "exercise_in",
     "start": "2021-04-01", "end": "2021-04-15"},
    {"id": "present_april", "question": "Forces present on 1 April 2021?",
     "metric": "present_on", "end": "2021-04-01"},
    {"id": "more_by_april", "question": "More exercises granted by April?", "metric": "rung_by",
     "rung": "more_exercises", "end": "2021-04-15"},
]  # fmt: skip


def toy(tmp_path: Path, observed: list[dict] = OBSERVED) -> tuple[Path, Path]:
    data = copy.deepcopy(MINIMAL)
    data["metadata"]["horizon_months"] = 7
    data["injects"] = []
    data["questions"] = QUESTIONS
    scenario = write_yaml(tmp_path, data, "toy_branching.yaml")
    obs = tmp_path / "observed.yaml"
    obs.write_text(yaml.safe_dump({"observations": observed}, sort_keys=False))
    return scenario, obs


def run(scenario: Path, obs: Path, out: Path, n: int, *extra: str) -> dict:
    args = ["run", str(scenario), "-n", str(n), "--observations", str(obs), "--lean",
            "--out", str(out), *extra]  # fmt: skip
    assert main(args) == 0
    return json.loads((out / "summary.json").read_text())


@pytest.fixture(scope="module")
def branched(tmp_path_factory) -> tuple[dict, Path]:
    tmp = tmp_path_factory.mktemp("branching")
    scenario, obs = toy(tmp)
    return run(scenario, obs, tmp / "branch", 300, "--workers", "2"), tmp


def test_branching_agrees_with_rejection_on_100_times_more_replicates(branched):
    """Each question's forecast given the three observations: branching on 300 particles
    against rejection on 30,000 replicates (about 2,400 kept), within three standard
    errors of the difference (branching's from its Eve effective sample size)."""
    summary, tmp = branched
    scenario, obs = tmp / "toy_branching.yaml", tmp / "observed.yaml"
    reject = run(scenario, obs, tmp / "reject", 30_000, "--conditioning", "reject")
    assert "branching" in summary and "branching" not in reject
    assert reject["kept"]["p"] < 0.12
    for b, r in zip(summary["questions"], reject["questions"], strict=True):
        se_b = math.sqrt(b["p"] * (1 - b["p"]) / b["n_effective"])
        se_r = math.sqrt(r["p"] * (1 - r["p"]) / r["n"])
        assert abs(b["p"] - r["p"]) <= 3 * math.hypot(se_b, se_r), (b, r)


def test_every_branch_history_agrees_with_every_observation(branched):
    summary, tmp = branched
    outcomes = pd.read_parquet(tmp / "branch" / "outcomes.parquet")
    assert outcomes["consistent"].all() and len(outcomes) == 300
    stages = summary["branching"]["stages"]
    assert [s["date"] for s in stages] == ["2020-12-01", "2021-02-01", "2021-03-01"]
    assert all(0 < s["survivors"] < 300 for s in stages)


@pytest.mark.dask
def test_branching_is_the_same_for_one_worker_two_workers_and_dask(branched, tmp_path):
    summary, tmp = branched
    scenario, obs = tmp / "toy_branching.yaml", tmp / "observed.yaml"
    one = run(scenario, obs, tmp_path / "one", 300, "--workers", "1")
    assert one == summary
    reference = (tmp / "branch" / "outcomes.parquet").read_bytes()
    assert (tmp_path / "one" / "outcomes.parquet").read_bytes() == reference
    pytest.importorskip("distributed")
    run(scenario, obs, tmp_path / "dask", 300, "--executor", "dask", "--workers", "2")
    assert (tmp_path / "dask" / "outcomes.parquet").read_bytes() == reference


def test_an_interrupted_branching_run_resumes_to_the_same_bytes(branched, tmp_path, monkeypatch):
    _, tmp = branched
    scenario, obs = tmp / "toy_branching.yaml", tmp / "observed.yaml"
    real = sim.runs.branching.advance

    def interrupted(ctx, stage, *args):
        if stage == 1:
            raise KeyboardInterrupt
        return real(ctx, stage, *args)

    monkeypatch.setattr(sim.runs.branching, "advance", interrupted)
    out = tmp_path / "cut"
    args = ["run", str(scenario), "-n", "300", "--observations", str(obs), "--lean",
            "--workers", "1", "--out", str(out)]  # fmt: skip
    assert main(args) == 130
    assert (out / "branching" / "stage-0.pkl.gz").is_file()
    assert json.loads((out / "manifest.json").read_text())["status"] == "incomplete"
    monkeypatch.setattr(sim.runs.branching, "advance", real)
    resume = ["run", str(scenario), "--observations", str(obs), "--resume", str(out)]
    assert main([*resume, "--workers", "2"]) == 0
    reference = (tmp / "branch" / "outcomes.parquet").read_bytes()
    assert (out / "outcomes.parquet").read_bytes() == reference


def test_observations_at_one_date_are_still_rejection_unless_branching_is_asked(tmp_path):
    scenario, obs = toy(tmp_path, OBSERVED[:1])
    summary = run(scenario, obs, tmp_path / "auto", 200)
    assert "branching" not in summary and summary["kept"]["k"] < 200


def test_a_log_no_history_meets_is_a_clear_error_naming_the_date(tmp_path, capsys):
    never = [{**OBSERVED[0], "id": "impossible", "metric": "rung_by", "rung": "basing",
              "start": None, "end": "2020-09-17"}, OBSERVED[1]]  # fmt: skip
    never[0].pop("start")
    scenario, obs = toy(tmp_path, never)
    args = ["run", str(scenario), "-n", "50", "--observations", str(obs),
            "--out", str(tmp_path / "never")]  # fmt: skip
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "no history agrees with the observations up to 2020-09-17 (impossible)" in err


def test_a_stage_few_histories_meet_is_run_again_until_enough_survive(tmp_path, monkeypatch):
    """Forces present on 1 November 2020 holds in about 11 % of histories. Asked for at
    least 30 % of 300 particles, the first stage draws new replicates round after round
    until 90 survive; the pooled survivors are draws of the same conditional law, so the
    forecasts still agree with rejection (on 20 times more replicates) within 3 s.e."""
    import sim.runs.branching as br

    rare = [
        {"id": "present_nov", "metric": "present_on", "end": "2020-11-01", "value": True,
         "as_of": "2020-11-02", "source": "made up"},
        {"id": "present_dec", "metric": "present_on", "end": "2020-12-01", "value": True,
         "as_of": "2020-12-02", "source": "made up"},
    ]  # fmt: skip
    scenario, obs = toy(tmp_path, rare)
    monkeypatch.setattr(br, "MIN_SHARE", 0.3)
    summary = run(scenario, obs, tmp_path / "b", 300, "--workers", "1")
    first = summary["branching"]["stages"][0]
    assert first["rounds"] > 1 and first["tried"] == 300 * first["rounds"]
    assert first["survivors"] >= 90 and first["distinct_origins"] == first["survivors"]
    reject = run(scenario, obs, tmp_path / "r", 6000, "--conditioning", "reject")
    for b, r in zip(summary["questions"], reject["questions"], strict=True):
        se_b = math.sqrt(b["p"] * (1 - b["p"]) / b["n_effective"]) if 0 < b["p"] < 1 else 0
        se_r = math.sqrt(r["p"] * (1 - r["p"]) / r["n"])
        assert abs(b["p"] - r["p"]) <= 3 * math.hypot(se_b, se_r) + 1e-9, (b, r)


def test_signposts_of_a_branching_run_weigh_whole_clades(tmp_path):
    """Signposts conditioned on a log at several dates run by branching; their intervals
    come from the clade bootstrap and the forecast's standard error from the Eve
    estimator, so both are wider than the same table counted as independent rows where
    the copies share a history."""
    from dataclasses import asdict

    import numpy as np

    from sim.analysis.signpost_statistics import table_statistics
    from sim.runs.conditioned import origins_of

    scenario, obs = toy(tmp_path)
    out = tmp_path / "signposts"
    args = ["signposts", str(scenario), "--observations", str(obs), "-n", "300",
            "--until", "2021-04-01", "--outcome", "april_drill", "--out", str(out)]  # fmt: skip
    assert main(args) == 0
    r = json.loads((out / "signposts.json").read_text())
    assert r["intervals"] == "clade bootstrap (branching)"
    origins = origins_of(out / "run")
    assert origins is not None and len(origins) == 300
    assert r["effective_replicates"] < 300
    p = r["forecast"]["p"]
    assert r["forecast"]["se"] > math.sqrt(p * (1 - p) / 300)
    outcomes = pd.read_parquet(out / "run" / "outcomes.parquet").sort_values("replicate")
    y = outcomes["question.april_drill"].to_numpy(dtype=bool)
    # an indicator settled before the first observation: whole lineages share it, so the
    # copies branching made of each history agree on it (and one seen in at least 30
    # replicates each way: a rarer one's intervals are mostly the prior's, either way)
    seen = [s for s in r["signposts"] if min(sum(s["counts"][:2]), sum(s["counts"][2:])) >= 30]
    top = min(seen, key=lambda s: s["date"])
    assert top["date"] <= OBSERVED[0]["as_of"]
    x = outcomes[f"question.{top['id']}"].to_numpy(dtype=bool)
    rows = table_statistics(x, y, np.random.default_rng(0))
    for key in ("p_given", "p_given_not", "p_indicator"):
        assert top[key]["estimate"] == pytest.approx(getattr(rows, key).estimate)
    # its share is the lineages' (the outcome given it, seen after the branching, keeps its
    # spread from the fresh continuations: the unit test in test_signposts checks both)
    share, independent = top["p_indicator"], asdict(rows.p_indicator)
    assert share["high"] - share["low"] > 1.5 * (independent["high"] - independent["low"])


def test_a_branching_run_keeps_the_events_before_its_first_stage(tmp_path):
    """Without --lean a branching run records every particle's events from day 0 (the
    particles start with their timeline on), not only after the first resample."""
    scenario, obs = toy(tmp_path)
    out = tmp_path / "full"
    args = ["run", str(scenario), "-n", "40", "--observations", str(obs), "--out", str(out)]
    assert main([*args, "--workers", "1"]) == 0
    events = pd.read_parquet(out / "events.parquet")
    first_stage = (pd.Timestamp("2020-12-01") - pd.Timestamp("2020-09-16")).days
    before = set(events.loc[events["day"] < first_stage, "kind"])
    assert {"summit", "exercise"} <= before, (
        f"only {sorted(before)} recorded before the first stage: the particles started "
        "without their timeline"
    )
