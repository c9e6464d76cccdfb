"""Calibration on a toy with a known answer, and its guarantees (workers, resume, errors).

The toy (tests/fixtures/toy_calibration.yaml) has one free parameter θ ~ U(0, 1), the
summit's acceptance probability, and one event with P(event | θ) = θ exactly: the first
rung granted at the summit. A *likely* judgment (55-80 %) then says θ ∈ [0.55, 0.80], so
the posterior should be U(0.55, 0.80).

Tolerances come from the errors the calibration reports, not guesses:

* the posterior's edges are soft by the last emulator's log-odds standard deviation s
  (``emulator_sd_log_odds``), i.e. by at most s/4 in probability (p(1-p) <= 1/4); a
  quantile can sit up to three such standard deviations off;
* a weighted quantile from ESS rows has standard error sqrt(q(1-q)/ESS)/f, with f the
  density at the quantile (4 for U(0.55, 0.80)); three of those are allowed on top.
"""

from __future__ import annotations

import dataclasses
import json
import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from sim.analysis.calibration import CalibrationSettings, calibrate
from sim.analysis.calibration.diagnostics import weighted_quantile
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import load
from tests.conftest import ROOT

TOY = ROOT / "tests" / "fixtures" / "toy_calibration.yaml"
THETA = "operations.summits.meeting.accept_probability"
#: The hard band without a discrepancy term: the posterior is the prior on the range.
FAST = CalibrationSettings(
    waves=3,
    replicates=4000,
    posterior_rows=20_000,
    check_replicates=2000,
    band="hard",
    discrepancy=0.0,
)


def toy_with(tmp_path: Path, **changes) -> Path:
    """The toy with some top-level sections replaced."""
    data = yaml.safe_load(TOY.read_text())
    data.update(changes)
    path = tmp_path / "toy.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


GRANTED = {"metric": "rung_by", "rung": "more_exercises", "end": "2020-10-02"}


#: Every progress phase the `likely` calibration announced, and how much each counted.
PHASES: list[tuple[str, int, str]] = []
DONE: dict[str, int] = {}


def recording(name: str, todo: int, unit: str = "replicates"):
    """A progress callback that records what it is told (see PHASES and DONE)."""
    PHASES.append((name, todo, unit))
    DONE[name] = 0

    def update(k: int) -> None:
        DONE[name] += k

    return update


@pytest.fixture(scope="module")
def likely(tmp_path_factory) -> tuple[dict, Path]:
    out = tmp_path_factory.mktemp("likely") / "cal"
    PHASES.clear()
    return calibrate(TOY, out, FAST, progress=recording), out


def test_a_likely_judgment_gives_the_uniform_posterior_on_its_range(likely):
    report, out = likely
    post = pd.read_parquet(out / "posterior.parquet")
    theta, w = post[THETA].to_numpy(), post["draw_weight"].to_numpy()
    s = report.targets[0].emulator_sd_log_odds
    ess = report.ess
    assert ess >= 1000
    for q in (0.05, 0.25, 0.5, 0.75, 0.95):
        expected = 0.55 + q * 0.25
        tolerance = 3 * s / 4 + 3 * math.sqrt(q * (1 - q) / ess) / 4
        assert abs(weighted_quantile(theta, w, q) - expected) <= tolerance, (q, tolerance)


def test_the_check_run_puts_the_judgment_in_its_range(likely):
    report, _ = likely
    target = report.targets[0]
    assert target.before.verdict == "below range"  # prior mean 0.5 < 0.55
    assert target.after.verdict == "in range"
    assert target.kept and report.conflicts == [] and report.dropped == []


def test_the_diagnostics_show_the_parameter_moving_up(likely):
    report, _ = likely
    (p,) = report.parameters
    assert p.path == THETA and p.status == "assumption"
    # U(0,1) → about U(0.55, 0.80): mean 0.5 → 0.675, a shift of 0.175 / 0.2887 = 0.61 s.d.
    assert p.shift_sd == pytest.approx(0.175 / math.sqrt(1 / 12), abs=0.1)
    assert report.replicates.total == 3 * 4000 + 2000


def test_the_calibrated_scenario_runs_unchanged_and_covers_the_posterior(likely, tmp_path):
    _, out = likely
    scenario = load(out / "calibrated.yaml")
    assert scenario.posterior is not None and scenario.metadata.name.endswith("(calibrated)")
    copy = tmp_path / "cal"
    shutil.copytree(out, copy, ignore=shutil.ignore_patterns("waves", "check"))
    (copy / "calibrated.yaml").write_text(
        (copy / "calibrated.yaml").read_text().replace("extends: ", f"extends: {out}/")
    )
    post = pd.read_parquet(copy / "posterior.parquet")
    post.loc[0, THETA] = 0.01  # an edited posterior is refused, not silently used
    post.to_parquet(copy / "posterior.parquet")
    with pytest.raises(ScenarioError, match="has changed since the scenario was written"):
        load(copy / "calibrated.yaml")


def test_two_judgments_that_cannot_both_hold_are_a_conflict(tmp_path):
    judgments = [
        {"id": "likely_yes", "claim": "likely", "word": "likely", **GRANTED},
        {"id": "unlikely_yes", "claim": "unlikely", "word": "unlikely", **GRANTED},
    ]
    report = calibrate(toy_with(tmp_path, judgments=judgments), tmp_path / "cal", FAST)
    assert report.conflicts == [["likely_yes", "unlikely_yes"]]
    assert len(report.dropped) == 1
    kept = next(t for t in report.targets if t.kept)
    assert kept.after.verdict == "in range"  # the closest set is still met


def test_an_observation_shifts_the_posterior_as_bayes_rule_says(tmp_path):
    """No judgment; one observation that the rung was granted. P(yes | θ) = θ, so the
    posterior is 2θ on [0, 1] (mean 2/3), and a run keeps half its replicates, whose θ
    also average 2/3."""
    observation = {
        "id": "granted",
        "value": True,
        "as_of": "2020-10-02",
        "source": "toy",
        **GRANTED,
    }
    path = toy_with(tmp_path, judgments=[], observations=[observation])
    report = calibrate(path, tmp_path / "cal", FAST)
    post = pd.read_parquet(tmp_path / "cal" / "posterior.parquet")
    w = post["weight"].to_numpy()
    mean = float(np.average(post[THETA], weights=w))
    # emulator error: the weight's relative error is about s; Monte Carlo: sd 0.236 / sqrt(ESS)
    assert abs(mean - 2 / 3) <= 3 * (0.236 / math.sqrt(report.ess)) + 0.02
    kept = report.kept_after
    assert kept is not None and kept.low <= 0.5 <= kept.high

    check = pd.read_parquet(tmp_path / "cal" / "check" / "outcomes.parquet")
    params = pd.read_parquet(tmp_path / "cal" / "check" / "parameters.parquet")
    theta = params.set_index("replicate").loc[check["replicate"][check["consistent"]], THETA]
    # θ | yes has density 2θ: mean 2/3, sd sqrt(1/2 - 4/9) = 0.236
    assert abs(theta.mean() - 2 / 3) <= 3 * 0.236 / math.sqrt(len(theta))


def test_as_of_leaves_out_what_was_not_known_yet(tmp_path):
    late = {"id": "later", "value": True, "as_of": "2020-11-01", "source": "toy", **GRANTED}
    path = toy_with(tmp_path, observations=[late])
    assert load(path).observations
    assert load(path, as_of=pd.Timestamp("2020-10-15").date()).observations == []


def test_the_posterior_is_the_same_for_one_and_two_workers(tmp_path, likely):
    _, out1 = likely
    calibrate(TOY, tmp_path / "two", FAST, workers=2)
    one = pd.read_parquet(out1 / "posterior.parquet")
    two = pd.read_parquet(tmp_path / "two" / "posterior.parquet")
    pd.testing.assert_frame_equal(one, two, check_exact=True)


def test_an_interrupted_calibration_resumes_to_the_same_result(tmp_path, likely):
    _, reference = likely
    calls = {"n": 0}

    def progress(name: str, todo: int, unit: str = "replicates"):
        def update(k: int) -> None:
            calls["n"] += 1
            if name == "waves/2":
                raise KeyboardInterrupt

        return update

    out = tmp_path / "cal"
    with pytest.raises(KeyboardInterrupt):
        calibrate(TOY, out, FAST, progress=progress)
    assert (out / "waves" / "1" / "outcomes.parquet").exists()
    assert not (out / "posterior.parquet").exists()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "incomplete"
    assert manifest["reason"].startswith("KeyboardInterrupt"), manifest["reason"]
    with pytest.raises(ScenarioError, match="differs"):
        calibrate(TOY, out, CalibrationSettings(waves=2, replicates=4000), resume=True)
    calibrate(TOY, out, FAST, resume=True)
    pd.testing.assert_frame_equal(
        pd.read_parquet(out / "posterior.parquet"),
        pd.read_parquet(reference / "posterior.parquet"),
        check_exact=True,
    )


def test_the_emulator_screens_report_their_progress_in_rows(likely):
    """Besides each wave's replicates, every screen of candidate rows after the first wave
    is a phase of its own, counted in rows, and never counts past its budget."""
    screens = [(n, t) for n, t, unit in PHASES if unit == "rows"]
    assert screens, PHASES
    assert any(name.startswith("screening prior rows") for name, _ in screens)
    assert all(0 < DONE[name] <= todo for name, todo in screens)
    assert any(unit == "replicates" and name.startswith("waves/") for name, _, unit in PHASES)
    fits = [(n, t) for n, t, unit in PHASES if unit == "emulators"]
    assert len(fits) == 3 and all(DONE[name] == todo for name, todo in fits), fits


def test_calibrating_a_calibrated_scenario_is_refused(likely, tmp_path):
    _, out = likely
    with pytest.raises(ScenarioError, match="already calibrated"):
        calibrate(out / "calibrated.yaml", tmp_path / "again", FAST)


def test_a_sweep_of_a_calibrated_scenario_takes_over_the_parameters_it_sets(likely):
    from sim.engine.plan import Plan
    from sim.engine.replicate import run_replicates

    _, out = likely
    plan = Plan(load(out / "calibrated.yaml"))
    assert plan.rows is not None and THETA in plan.rows.paths
    pinned = plan.overridden({THETA: 0.05})
    values = np.array([r.values[plan.index[THETA]] for r in run_replicates(pinned, 1, 0, 20)])
    assert np.all(values == 0.05)  # the sweep's value, not a posterior row


def test_a_scenario_with_nothing_to_calibrate_to_is_refused(tmp_path):
    with pytest.raises(ScenarioError, match="nothing to calibrate to"):
        calibrate(toy_with(tmp_path, judgments=[]), tmp_path / "cal", FAST)


def test_a_judgment_no_prior_row_can_meet_is_dropped_and_named(tmp_path):
    """The event (a rung granted before the summit) never happens, so 'likely' cannot hold;
    the calibration says so and keeps the prior."""
    never = {**GRANTED, "end": "2020-09-20"}
    judgments = [{"id": "early", "claim": "early", "word": "likely", **never}]
    report = calibrate(toy_with(tmp_path, judgments=judgments), tmp_path / "cal", FAST)
    assert report.dropped == ["early"] and report.conflicts == []
    assert report.targets[0].after.p == 0.0


def test_the_diagnostics_written_are_those_returned_and_timed_from_the_start(likely):
    """calibration.json holds the report calibrate returned; its wall time is the
    calibration's own (seconds since it started, not a clock reading)."""
    report, out = likely
    assert json.loads((out / "calibration.json").read_text()) == json.loads(
        json.dumps(report.json())
    )
    assert 0 < report.wall_seconds < 600
    assert report.replicates.check == FAST.check_replicates


def test_the_check_run_takes_the_scenarios_replicates_when_none_are_set(tmp_path):
    data = yaml.safe_load(TOY.read_text())
    data["monte_carlo"] = {**data.get("monte_carlo", {}), "replicates": 300}
    path = tmp_path / "toy.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    fewer = dataclasses.replace(FAST, check_replicates=0, waves=1)
    report = calibrate(path, tmp_path / "cal", fewer)
    assert report.replicates.check == 300


def test_a_posterior_no_row_reaches_is_refused_with_the_rows_screened(tmp_path, monkeypatch):
    """When every prior row is ruled out, calibration stops with an error naming the
    scenario file and how many rows were screened, and the folder says why it is
    unfinished."""
    from sim.analysis.calibration.driver import Calibration

    monkeypatch.setattr(Calibration, "run_wave", lambda self, k: None)
    from sim.runs.estimates import Proportion

    none = Proportion.of(0, 12345)
    monkeypatch.setattr(Calibration, "posterior", lambda self: (pd.DataFrame(), none))
    out = tmp_path / "cal"
    with pytest.raises(ScenarioError) as caught:
        calibrate(TOY, out, FAST)
    (problem,) = caught.value.problems
    assert problem.message == (
        "no prior row meets the targets kept; nothing to calibrate to (screened 12,345 rows)"
    )
    assert problem.file == str(TOY)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "incomplete" and manifest["reason"].startswith("ScenarioError")


def test_the_check_run_is_seeded_by_the_scenarios_seed(likely):
    """The check run is reproducible: its seed is the scenario's own (the toy's 7)."""
    _, out = likely
    assert json.loads((out / "check" / "manifest.json").read_text())["seed"] == 7


def test_the_prior_share_consistent_counts_the_rows_screened(likely):
    """The share of the prior no wave rules out is the rows found over the rows drawn: at
    least the judged range's own width (0.25 of θ's U(0, 1); every θ inside it is
    plausible), with its Wilson interval around it."""
    report, out = likely
    share = report.prior_share_consistent
    rows = len(pd.read_parquet(out / "posterior.parquet"))
    assert share.n >= share.k >= rows > 0
    assert share.p == share.k / share.n
    assert share.p >= 0.25 - 3 * math.sqrt(0.25 * 0.75 / share.n)
    assert share.low <= share.p <= share.high
