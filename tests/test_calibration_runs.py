"""The calibration driver and its diagnostics on hand-set waves and small runs of the toy.

The toy (tests/fixtures/toy_calibration.yaml) frees one parameter θ ~ U(0, 1), so a row's
prior quantile u is θ itself. Waves are set by hand with *linear* emulators: cubic
B-splines on uniform knots reproduce a straight line when each basis function's
coefficient is its centre, so an emulator with those coefficients (times b, plus a
intercept a), no coefficient uncertainty and a structural s.d. s says exactly "the
event's log-odds at θ are N(a + bθ, s²)". Every screen, weight and probability below is
then computed again from that line, by hand or with scipy, and compared.

The whole calibrations with tolerances from their Monte Carlo error are in
tests/test_calibrate.py; these tests are the fast ones the mutation script runs.
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats

from sim.analysis.calibration.diagnostics import (
    _emulators,
    _method,
    _misfit,
    _observations,
    _targets,
    diagnostics,
    ess,
    parameters,
    reading_weights,
)
from sim.analysis.calibration.driver import Calibration
from sim.analysis.calibration.findings import CalibrationDiagnostics, Misfit
from sim.analysis.calibration.settings import (
    BATCH,
    MIN_CENTRES,
    PRIOR_STREAM,
    STREAM,
    CalibrationSettings,
    Wave,
)
from sim.analysis.calibration.steps import band_likelihood, discrepancy_probabilities
from sim.analysis.emulator import KNOTS, Emulator, Pooled, expit, features, logit
from sim.runs.estimates import Proportion
from sim.runs.summary import proportion
from sim.scenario import paths
from sim.scenario.errors import ScenarioError, UsageError
from sim.scenario.outcomes import OUTCOME_LABELS
from tests.conftest import ROOT

TOY = ROOT / "tests" / "fixtures" / "toy_calibration.yaml"
THETA = "operations.summits.meeting.accept_probability"
SMALL = {
    "waves": 1,
    "replicates": 300,
    "posterior_rows": 1000,
    "check_replicates": 300,
    "band": "hard",
    "discrepancy": 0.0,
    "max_candidates": 2 * BATCH,
}
GRANTED = {"metric": "rung_by", "rung": "more_exercises", "end": "2020-10-02"}


def toy_with(tmp_path: Path, **changes) -> Path:
    """The toy with some top-level sections replaced."""
    data = yaml.safe_load(TOY.read_text())
    data.update(changes)
    path = tmp_path / "toy.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def judgment(id_: str, word: str, **event) -> dict:
    return {"id": id_, "claim": f"{id_}.", "word": word, **(event or GRANTED)}


def opened(tmp_path: Path, scenario: Path = TOY, progress=None, **settings) -> Calibration:
    """A calibration of `scenario` opened in a fresh folder (nothing run yet)."""
    out = tmp_path / f"cal{len(list(tmp_path.glob('cal*')))}"
    return Calibration(scenario, out, CalibrationSettings(**{**SMALL, **settings}), 1, progress)


def line(a: float, b: float, s: float) -> Pooled:
    """An emulator of log-odds N(a + bθ, s²) in one parameter θ (see the module docstring)."""
    centres = (np.arange(KNOTS + 2) - 1) / (KNOTS - 1)
    beta = np.concatenate([[a], b * centres])
    k = len(beta)
    return Pooled(Emulator(beta, np.zeros((k, k)), s, 0.0, 1.0, 0.5, 100))


def test_a_line_emulator_gives_the_line_it_was_set_to():
    theta = np.linspace(0, 1, 11)[:, None]
    mean, sd = line(-4.0, 8.0, 0.3).log_odds_of(features(theta), np.zeros(11))
    assert np.allclose(mean, -4 + 8 * theta[:, 0], atol=1e-12)
    assert np.allclose(sd, 0.3)


def waved(cal: Calibration, **emulators: Pooled) -> Wave:
    """Give `cal` one hand-set wave with these emulators (by target id)."""
    wave = Wave(len(cal.waves) + 1, 100, dict(emulators))
    cal.waves.append(wave)
    return wave


# lines whose log-odds reach the "likely" range (55-80 %) at θ in about [0.525, 0.673]
A, B = -4.0, 8.0
LOW, HIGH = float(logit(0.55)), float(logit(0.80))
STEEP = (-480.0, 800.0)  # likely only at θ in [0.6003, 0.6017]: a sliver of the prior


def inside(theta: np.ndarray, s: float, a: float = A, b: float = B) -> np.ndarray:
    """Rows a line emulator a + bθ with s.d. s keeps (its mean within 3 s.d. of the
    range)."""
    cutoff = 3.0
    mean = a + b * theta
    return (mean >= LOW - cutoff * s) & (mean <= HIGH + cutoff * s)


# ------------------------------------------------------------------ opening a calibration


def test_the_targets_are_the_judgments_with_the_bands_softness(tmp_path):
    toy = toy_with(
        tmp_path,
        judgments=[
            judgment("granted", "likely"),
            {
                **judgment("given", "unlikely", metric="present_on", end="2020-10-10"),
                "given": GRANTED,
            },
        ],
    )
    soft = opened(tmp_path, toy, band="soft", softness=0.7)
    assert [(t.id, t.low, t.high, t.word, t.conditional) for t in soft.targets] == [
        ("granted", 0.55, 0.80, "likely", False),
        ("given", 0.20, 0.45, "unlikely", True),
    ]
    assert [t.softness for t in soft.targets] == [0.7, 0.7]
    assert [t.softness for t in opened(tmp_path, toy, softness=0.7).targets] == [0.0, 0.0]
    assert soft.active == [0, 1] and soft.paths == [THETA]


def test_the_seed_is_the_settings_or_else_the_scenarios(tmp_path):
    assert opened(tmp_path).seed == 7
    assert opened(tmp_path, seed=11).seed == 11
    cal = opened(tmp_path, seed=11)
    want = np.random.SeedSequence(11, spawn_key=(STREAM, 3)).generate_state(1)[0]
    assert cal._wave_seed(3) == int(want) != cal._wave_seed(4)


@pytest.mark.parametrize(
    ("settings", "match"),
    [
        ({"band": "wide"}, "--band must be soft or hard, not 'wide'"),
        ({"discrepancy": 1.0}, r"must lie in \[0, 1\)"),
        ({"discrepancy": -0.01}, r"must lie in \[0, 1\)"),
    ],
)
def test_settings_out_of_their_range_are_refused(tmp_path, settings, match):
    with pytest.raises(UsageError, match=match):
        opened(tmp_path, **settings)
    assert opened(tmp_path, discrepancy=0.0).settings.discrepancy == 0.0


def test_a_scenario_with_nothing_to_move_or_nothing_to_meet_is_refused(tmp_path):
    fixed = yaml.safe_load(TOY.read_text())
    fixed["operations"]["summits"][0]["accept_probability"] = 0.5
    (tmp_path / "fixed.yaml").write_text(yaml.safe_dump(fixed))
    with pytest.raises(ScenarioError, match="no parameter has a distribution"):
        opened(tmp_path, tmp_path / "fixed.yaml")
    late = {**GRANTED, "id": "late", "value": True, "as_of": "2020-11-01", "source": "toy"}
    toy = toy_with(tmp_path, judgments=[], observations=[late])
    assert len(opened(tmp_path, toy).scenario.observations) == 1
    with pytest.raises(ScenarioError, match="nothing to calibrate"):
        opened(tmp_path, toy, as_of="2020-10-31")


def test_a_resume_with_other_settings_or_another_scenario_is_refused(tmp_path):
    settings = CalibrationSettings(**SMALL)
    out = tmp_path / "cal"
    Calibration(TOY, out, settings)
    again = Calibration(TOY, out, settings, resume=True)
    assert again.manifest["settings"]["seed"] == 7
    with pytest.raises(ScenarioError, match="the settings differs"):
        Calibration(TOY, out, dataclasses.replace(settings, cutoff=2.0), resume=True)
    moved = tmp_path / "moved.yaml"
    moved.write_text(TOY.read_text() + "\n# an edit\n")
    with pytest.raises(ScenarioError, match="the scenario sha256 differs"):
        Calibration(moved, out, settings, resume=True)


# ------------------------------------------------------------------ screening rows


def test_with_no_wave_the_prior_screen_keeps_the_first_rows_in_order(tmp_path):
    cal = opened(tmp_path)
    u, screened, found = cal._screen_prior(5, 300, 10 * BATCH)
    assert np.array_equal(u, cal.space.candidates(5, 0)[:300])
    assert (screened, found) == (BATCH, BATCH)
    more, screened, found = cal._screen_prior(5, BATCH + 10, 10 * BATCH)
    assert np.array_equal(more[BATCH:], cal.space.candidates(5, 1)[:10])
    assert (screened, found, len(more)) == (2 * BATCH, 2 * BATCH, BATCH + 10)


def test_the_prior_screen_keeps_what_every_wave_finds_plausible_and_counts_it(tmp_path):
    cal = opened(tmp_path)
    waved(cal, granted=line(A, B, 0.01))
    u, screened, found = cal._screen_prior(5, 10**9, 2 * BATCH)
    batches = np.concatenate([cal.space.candidates(5, 0), cal.space.candidates(5, 1)])
    keep = inside(batches[:, 0], 0.01)
    assert (screened, found) == (2 * BATCH, int(keep.sum()))
    assert np.array_equal(u, batches[keep])
    few, screened, found = cal._screen_prior(5, 10, 2 * BATCH)
    assert (len(few), screened, found) == (10, BATCH, int(keep[:BATCH].sum()))


def test_a_screen_has_a_progress_bar_in_rows_once_a_wave_can_screen(tmp_path):
    calls: list[tuple] = []
    counted: list[int] = []

    def progress(name, todo, unit="replicates"):
        calls.append((name, todo, unit))
        return counted.append

    assert opened(tmp_path)._screen_bar("x", 10) is None
    cal = opened(tmp_path, progress=progress)
    assert cal._screen_bar("x", 10) is None and calls == []
    waved(cal, granted=line(A, B, 0.01))
    cal._screen_prior(5, 10**9, 2 * BATCH)
    assert calls == [("screening prior rows for 1,000,000,000 plausible", 2 * BATCH, "rows")]
    assert counted == [BATCH, BATCH]


def test_a_proposal_is_centred_on_the_last_designs_plausible_rows(tmp_path):
    cal = opened(tmp_path)
    assert cal._proposal(1) is None, "no design yet"
    waved(cal, granted=line(A, B, 0.01))
    design = np.linspace(0, 1, 201)[:, None]
    cal.designs.append(design)
    proposal = cal._proposal(1)
    assert proposal is not None
    assert np.array_equal(proposal.centres, design[inside(design[:, 0], 0.01)])
    assert len(proposal.centres) >= MIN_CENTRES
    cal.designs.append(design[::10])  # only two of these are plausible
    assert inside(design[::10, 0], 0.01).sum() < MIN_CENTRES
    assert cal._proposal(1) is None


def test_a_design_takes_prior_rows_and_proposes_only_when_they_are_too_few(tmp_path):
    cal = opened(tmp_path, replicates=500)
    u = cal._design(1)
    assert np.array_equal(u, cal.space.candidates(1, 0)[:500]), "no wave: the prior's first"
    waved(cal, granted=line(*STEEP, 0.0001))  # a sliver of the prior is plausible
    cal.designs.append(np.linspace(0, 1, 20001)[:, None])
    sparse = opened(tmp_path, replicates=500, max_candidates=BATCH // 100)
    sparse.waves, sparse.designs = cal.waves, cal.designs
    proposed = sparse._design(2)
    assert len(proposed) == 500
    assert inside(proposed[:, 0], 0.0001, *STEEP).all()
    prior_only, _, _ = sparse._screen_prior(2, 500, BATCH // 100)
    assert len(prior_only) < 500
    assert not np.array_equal(proposed[: len(prior_only)], prior_only)


def test_with_no_proposal_a_sparse_design_screens_the_prior_up_to_its_budget(tmp_path):
    cal = opened(tmp_path, replicates=500, max_candidates=2 * BATCH)
    waved(cal, granted=line(*STEEP, 0.0001))
    u = cal._design(1)
    want, _, _ = cal._screen_prior(1, 500, 2 * BATCH)
    assert len(u) == len(want) > 0 and np.array_equal(u, want)


# ------------------------------------------------------------------ a wave


def test_a_wave_runs_its_design_and_fits_each_targets_emulator_on_its_outcomes(tmp_path):
    toy = toy_with(
        tmp_path,
        judgments=[
            judgment("granted", "likely"),
            {
                **judgment("given", "unlikely", metric="present_on", end="2020-10-10"),
                "given": GRANTED,
            },
        ],
    )
    phases: list[tuple] = []
    cal = opened(tmp_path, toy, progress=lambda *a, **k: phases.append((a, k)) and None)
    cal.run_wave(1)
    u = pd.read_parquet(cal.out / "waves" / "1-design.parquet").to_numpy()
    assert list(pd.read_parquet(cal.out / "waves" / "1-design.parquet")) == [THETA]
    assert np.array_equal(u, cal.designs[0]) and len(u) == 300
    outcomes = pd.read_parquet(cal.out / "waves" / "1" / "outcomes.parquet")
    outcomes = outcomes.sort_values("replicate")
    manifest = yaml.safe_load((cal.out / "waves" / "1" / "manifest.json").read_text())
    assert manifest["seed"] == cal._wave_seed(1)
    strata = np.zeros(len(u), dtype=np.int64)
    for t in cal.targets:
        rows = outcomes[f"{t.column}.given"].to_numpy(bool) if t.conditional else slice(None)
        y = outcomes[t.column].to_numpy(bool)[rows]
        want = Pooled.fit(u[rows], y, strata[rows])
        assert np.array_equal(cal.waves[0].emulators[t.id].emulator.beta, want.emulator.beta)
    assert cal.waves[0].emulators["given"].emulator.n < 300, "only where the condition held"
    assert cal.waves[0].agreement is None, "no observation: nothing to agree with"
    assert phases[-1] == (("waves/1: fitting emulators", 2), {"unit": "emulators"})
    assert len(cal.wave_outcomes) == 1 and cal.waves[0].rows == 300


def test_a_wave_with_observations_fits_the_agreement_too(tmp_path):
    seen = {**GRANTED, "id": "seen", "value": True, "as_of": "2020-10-02", "source": "toy"}
    cal = opened(tmp_path, toy_with(tmp_path, observations=[seen]))
    counts: list[tuple] = []
    cal.progress = lambda name, todo, unit="replicates": counts.append((name, todo)) or None
    cal.run_wave(1)
    outcomes = cal.wave_outcomes[0]
    want = Pooled.fit(cal.designs[0], outcomes["consistent"].to_numpy(bool), np.zeros(300))
    assert np.array_equal(cal.waves[0].agreement.emulator.beta, want.emulator.beta)
    assert counts[-1] == ("waves/1: fitting emulators", 2)


def test_a_wave_reads_back_its_design_and_an_empty_design_runs_nothing(tmp_path):
    cal = opened(tmp_path)
    (cal.out / "waves").mkdir(exist_ok=True)
    pd.DataFrame({THETA: [0.2, 0.9, 0.5]}).to_parquet(cal.out / "waves" / "1-design.parquet")
    cal.run_wave(1)
    assert cal.designs[0][:, 0].tolist() == [0.2, 0.9, 0.5] and cal.waves[0].rows == 3
    pd.DataFrame({THETA: []}, dtype=float).to_parquet(cal.out / "waves" / "2-design.parquet")
    cal.run_wave(2)
    assert len(cal.waves) == 1 and not (cal.out / "waves" / "2").exists()


def test_a_finished_run_folder_is_not_run_again(tmp_path):
    asked: list[tuple] = []
    cal = opened(tmp_path, progress=lambda name, todo: asked.append((name, todo)) or None)
    first = cal.run_folder("check", cal.plan, cal.file, 50, 3)
    assert asked == [("check", 50)]
    assert cal.run_folder("check", cal.plan, cal.file, 50, 3) == first
    assert asked == [("check", 50)]


def test_targets_that_cannot_hold_together_leave_the_closest_set_and_name_the_conflict(
    tmp_path,
):
    toy = toy_with(
        tmp_path,
        judgments=[judgment("a", "likely"), judgment("b", "likely"), judgment("c", "remote")],
    )
    cal = opened(tmp_path, toy)
    waved(cal, a=line(A, B, 0.01), b=line(A, B, 0.01))
    cal._settle_targets(1)
    assert cal.active == [0, 1, 2] and cal.conflicts == [], "c has no emulator yet"
    cal.waves[0].emulators["c"] = line(A, B, 0.01)  # "remote" where a and b are likely
    cal._settle_targets(1)
    assert cal.active == [0, 1]
    assert cal.conflicts == [("a", "c"), ("b", "c")]
    cal.active = [0, 1, 2]
    cal._settle_targets(2)
    assert cal.conflicts == [("a", "c"), ("b", "c")], "a conflict is named once"
    cal.active = []
    cal._settle_targets(3)
    assert cal.active == []


# ------------------------------------------------------------------ the posterior


def test_a_rows_weight_is_the_chance_its_probability_lies_in_each_range(tmp_path):
    """Hard band, log-odds N(a + bθ, s²): P(in range) = Φ((hi - m)/s) - Φ((lo - m)/s);
    with a discrepancy probability ε each target counts (1 - ε) L + ε; targets multiply."""
    toy = toy_with(
        tmp_path, judgments=[judgment("a", "likely"), judgment("b", "roughly_even_chance")]
    )
    cal = opened(tmp_path, toy, discrepancy=0.1)
    waved(cal, a=line(A, B, 0.5), b=line(0.0, 0.0, 0.2))
    u = np.linspace(0, 1, 41)[:, None]
    m = A + B * u[:, 0]
    a = stats.norm.cdf((HIGH - m) / 0.5) - stats.norm.cdf((LOW - m) / 0.5)
    lo, hi = float(logit(0.45)), float(logit(0.55))
    b = stats.norm.cdf(hi / 0.2) - stats.norm.cdf(lo / 0.2)
    got = cal.judgment_weight(u, cal.targets)
    assert np.allclose(got, (0.9 * a + 0.1) * (0.9 * b + 0.1), atol=1e-12)
    assert np.allclose(cal.judgment_weight(u, cal.targets[:1]), 0.9 * a + 0.1, atol=1e-12)
    assert cal.edge_sd == {"a": pytest.approx(0.5), "b": pytest.approx(0.2)}


def test_the_latest_wave_with_a_targets_emulator_weighs_it(tmp_path):
    toy = toy_with(
        tmp_path, judgments=[judgment("a", "likely"), judgment("b", "roughly_even_chance")]
    )
    cal = opened(tmp_path, toy)
    waved(cal, a=line(A, B, 0.5), b=line(0.0, 0.0, 0.2))
    waved(cal, a=line(A + 1, B, 0.5))  # b is not emulated again
    u = np.linspace(0, 1, 11)[:, None]
    x, strata = features(u), np.zeros(11)
    assert np.allclose(
        cal._band_likelihood(cal.targets[0], x, strata),
        band_likelihood(A + 1 + B * u[:, 0], np.full(11, 0.5), LOW, HIGH, 0.0),
    )
    assert np.allclose(
        cal._band_likelihood(cal.targets[1], x, strata),
        band_likelihood(
            np.zeros(11), np.full(11, 0.2), float(logit(0.45)), float(logit(0.55)), 0.0
        ),
    )


def test_the_posterior_is_the_prior_screened_and_weighted(tmp_path):
    seen = {**GRANTED, "id": "seen", "value": True, "as_of": "2020-10-02", "source": "toy"}
    cal = opened(tmp_path, toy_with(tmp_path, observations=[seen]), posterior_rows=800)
    waved(cal, granted=line(A, B, 0.3)).agreement = line(-1.0, 2.0, 0.0)
    frame, share = cal.posterior()
    u, screened, found = cal._screen_prior(20_000, 800, 2 * BATCH)
    assert list(frame) == [THETA, "draw_weight", "weight"]
    assert np.array_equal(frame[THETA].to_numpy(), u[:, 0])
    assert np.allclose(frame["draw_weight"], cal.judgment_weight(u, cal.targets))
    assert np.allclose(frame["weight"], frame["draw_weight"] * expit(-1.0 + 2.0 * u[:, 0]))
    assert share == Proportion.of(found, screened) and found < screened
    del cal.waves[0].agreement
    cal.waves[0].agreement = None
    frame, _ = cal.posterior()
    assert np.array_equal(frame["weight"], frame["draw_weight"])


def test_a_target_the_evidence_names_as_the_discrepancy_stops_weighing(tmp_path):
    """ "a" holds on 80 % of the prior (θ > 0.2), "b" only where "a" does not (θ < 0.13):
    the closed form (checked by enumeration in test_calibration_steps) names b, and the
    posterior is weighed by a alone."""
    toy = toy_with(tmp_path, judgments=[judgment("a", "likely"), judgment("b", "remote")])
    cal = opened(tmp_path, toy, discrepancy=0.05)
    waved(cal, a=line(-0.1, 1.5, 0.1), b=line(A, B, 0.1))
    u = cal.space.candidates(60_000, 0)
    x, strata = features(u), np.zeros(len(u))
    likelihood = np.column_stack([cal._band_likelihood(t, x, strata) for t in cal.targets])
    want = discrepancy_probabilities(likelihood, np.ones(len(u)), 0.05)
    frame, _ = cal.posterior()
    assert cal.discrepancy_probability == pytest.approx(dict(zip("ab", want, strict=True)))
    assert want[1] > 0.5 > want[0] and cal.discrepant == ["b"] and cal.active == [0]
    weights = cal.judgment_weight(frame[[THETA]].to_numpy(), cal.targets[:1])
    assert np.allclose(frame["draw_weight"], weights)


@pytest.mark.parametrize("case", ["no discrepancy", "no wave", "no target"])
def test_without_a_discrepancy_term_waves_or_targets_none_is_named(tmp_path, case):
    cal = opened(tmp_path, discrepancy=0.0 if case == "no discrepancy" else 0.05)
    if case != "no wave":
        waved(cal, granted=line(A, B, 0.3))
    if case == "no target":
        cal.active = []
    cal._name_discrepant()
    assert cal.discrepancy_probability == {} and cal.discrepant == []


# ------------------------------------------------------------------ the record


def test_the_record_holds_copies_of_what_the_driver_found(tmp_path):
    cal = opened(tmp_path)
    waved(cal, granted=line(A, B, 0.3))
    cal.discrepant, cal.conflicts = ["granted"], [("granted", "x")]
    cal.discrepancy_probability, cal.edge_sd = {"granted": 0.7}, {"granted": 0.3}
    rec = cal.record()
    cal.discrepant.append("y")
    cal.conflicts.append(("y", "z"))
    cal.discrepancy_probability["y"] = 1.0
    cal.edge_sd["y"] = 1.0
    cal.waves.append(Wave(2, 1))
    assert rec.discrepant == ["granted"] and rec.conflicts == [("granted", "x")]
    assert rec.discrepancy_probability == {"granted": 0.7} and rec.edge_sd == {"granted": 0.3}
    assert len(rec.waves) == 1 and rec.active == frozenset({"granted"})
    assert rec.paths == [THETA] and rec.levels == 1 and rec.file == TOY
    assert rec.manifest_settings == cal.manifest["settings"]
    assert np.array_equal(rec.prior_values, cal.space.prior_values(20_000, PRIOR_STREAM))


# ------------------------------------------------------------------ diagnostics


def record_of(tmp_path: Path, scenario: Path = TOY, **settings):
    """A small calibration run through its waves and posterior: (driver, record, frame)."""
    cal = opened(tmp_path, scenario, **settings)
    for k in range(1, cal.settings.waves + 1):
        cal.run_wave(k)
    frame, share = cal.posterior()
    return cal, cal.record(), frame, share


def two_parameter_toy(tmp_path: Path) -> Path:
    toy = yaml.safe_load(TOY.read_text())
    toy["actors"][1]["params"] = {
        "sovereignty_resistance": {"uniform": [0.0, 1.0], "assumption": True}
    }
    (tmp_path / "two.yaml").write_text(yaml.safe_dump(toy))
    return tmp_path / "two.yaml"


def test_each_parameter_is_read_before_and_after_and_sorted_by_its_shift(tmp_path):
    """θ's prior values 0, 0.2, 0.4 (one NaN left out): mean 0.2, s.d. sqrt(0.08/3) < 1;
    its posterior values 0.4 and 0.2 weighted 3 and 1: mean 0.35, a shift of 0.15 / s.d.
    The other's prior 1, 3, 5, 7 (mean 4, s.d. sqrt 5); posterior (5·3 + 5·1 + 9·4) / 8 = 7."""
    cal = opened(tmp_path, two_parameter_toy(tmp_path))
    rec = cal.record()
    (other,) = set(rec.paths) - {THETA}
    theta, resistance = [0.0, 0.2, np.nan, 0.4], [1.0, 3.0, 5.0, 7.0]
    columns = [theta, resistance] if rec.paths[0] == THETA else [resistance, theta]
    rec = dataclasses.replace(rec, prior_values=np.array(columns).T)
    frame = pd.DataFrame({THETA: [0.4, 0.2, np.nan], other: [5.0, 5.0, 9.0], "weight": [3, 1, 4]})
    got = {p.path: p for p in parameters(rec, frame)}
    prior_sd = math.sqrt(0.08 / 3)
    assert got[THETA].prior.mean == pytest.approx(0.2)
    assert got[THETA].prior.sd == pytest.approx(prior_sd) and prior_sd < 1
    assert got[THETA].posterior.mean == pytest.approx(0.35) and got[THETA].posterior.q05 == 0.2
    assert got[THETA].shift_sd == pytest.approx(0.15 / prior_sd)
    assert got[other].posterior.mean == 7.0
    assert got[other].shift_sd == pytest.approx(3 / math.sqrt(5))
    assert [p.path for p in parameters(rec, frame)] == [other, THETA], "largest shift first"
    assert got[THETA].status == cal.space.free[cal.paths.index(THETA)].status
    flat = dataclasses.replace(rec, prior_values=np.array(columns).T * 0 + 1)
    assert {p.path: p.shift_sd for p in parameters(flat, frame)}[THETA] == 0.0


def test_large_integer_weights_give_the_same_effective_sample_size():
    assert ess([2**40, 2**40]) == 2.0, "integers squared would overflow"
    assert ess([0.25, 0.25]) == 2.0, "weights summing below one"
    assert ess([]) == 0.0 and ess([0.0, 0.0]) == 0.0


def test_the_weighted_quantile_stays_inside_the_values():
    from sim.analysis.calibration.diagnostics import weighted_quantile

    x, w = np.array([1.0, 2.0]), np.array([1.0, 1.0])
    assert weighted_quantile(x, w, 0.95) == 2.0
    assert weighted_quantile(x, w, 1.0 + 1e-12) == 2.0, "rounding past the top: the largest"


def after_with(**estimates) -> SimpleNamespace:
    """A check run's summary with these judgments' estimates (p, low, high, k, n)."""
    return SimpleNamespace(
        judgments=[SimpleNamespace(id=id_, estimate=Proportion(*e)) for id_, e in estimates.items()]
    )


def test_each_target_is_read_before_and_after_with_its_verdict_word_and_fit(tmp_path):
    toy = toy_with(
        tmp_path,
        judgments=[
            {**judgment("granted", "likely"), "source": "para 5"},
            {
                **judgment("given", "unlikely", metric="present_on", end="2020-10-10"),
                "given": GRANTED,
            },
        ],
    )
    rec = opened(tmp_path, toy).record()
    # 10 replicates of the first wave: granted in 7 (70 %: likely); the condition held
    # in 4, the conditional event in 1 of those (25 %: unlikely)
    first = pd.DataFrame(
        {
            paths.judgment("granted"): [True] * 7 + [False] * 3,
            paths.judgment_given("given"): [True] * 4 + [False] * 6,
            paths.judgment("given"): [True] + [False] * 9,
        }
    )
    after = after_with(granted=(0.9, 0.8, 0.95, 9, 10), given=(0.3, 0.1, 0.6, 3, 10))
    rec = dataclasses.replace(
        rec,
        active=frozenset({"granted"}),
        discrepancy_probability={"granted": 0.3},
        edge_sd={"granted": 0.4},
        waves=[Wave(1, 10, {"granted": fit(0.2, 0.01)})],
    )
    got = {t.id: t for t in _targets(rec, first, after)}
    g, c = got["granted"], got["given"]
    assert g.before.json() == {**proportion(7, 10), "verdict": "in range", "word": "likely"}
    assert c.before.json() == {**proportion(1, 4), "verdict": "in range", "word": "unlikely"}
    assert g.after.json() == {
        "p": 0.9, "low": 0.8, "high": 0.95, "k": 9, "n": 10,
        "verdict": "above range", "word": "very_likely",
    }  # fmt: skip
    assert (c.after.verdict, c.after.word) == ("in range", "unlikely")
    assert g.range == [0.55, 0.80] and g.kept and not c.kept
    assert g.misfit == Misfit(1, 0.01, True, 0.2) and c.misfit is None
    assert (g.discrepancy_probability, g.emulator_sd_log_odds) == (0.3, 0.4)
    assert (c.discrepancy_probability, c.emulator_sd_log_odds) == (None, None)
    assert (g.claim, g.word, g.source, c.source) == ("granted.", "likely", "para 5", None)


def fit(discrepancy: float, p_value: float, n: int = 100) -> Pooled:
    return Pooled(Emulator(np.zeros(1), np.zeros((1, 1)), discrepancy, 0.2, p_value, 0.5, n))


def test_the_misfit_is_the_latest_waves_fit_of_that_target(tmp_path):
    rec = dataclasses.replace(
        opened(tmp_path).record(),
        waves=[
            Wave(1, 10, {"a": fit(0.0, 0.4), "b": fit(0.3, 0.001)}),
            Wave(2, 10, {"a": fit(0.2, math.nan)}),
        ],
    )
    assert _misfit(rec, "a") == Misfit(2, None, True, 0.2)
    assert _misfit(rec, "b") == Misfit(1, 0.001, True, 0.3)
    rec.waves[1].emulators["a"] = fit(0.0, 0.4)
    assert _misfit(rec, "a") == Misfit(2, 0.4, False, 0.0)
    assert _misfit(rec, "c") is None
    fits = _emulators(rec)
    assert [(e.wave, e.target, e.holdout_p_value, e.discrepancy) for e in fits] == [
        (1, "a", 0.4, 0.0),
        (1, "b", 0.001, 0.3),
        (2, "a", 0.4, 0.0),
    ]
    assert (fits[0].rows, fits[0].levels, fits[0].holdout_brier) == (100, 1, 0.2)
    assert fits[0].prior_variance == 0.0625


def test_each_observation_says_how_much_of_the_first_wave_agreed(tmp_path):
    seen = {**GRANTED, "id": "seen", "value": True, "as_of": "2020-10-02", "source": "toy"}
    rec = opened(tmp_path, toy_with(tmp_path, observations=[seen])).record()
    assert _observations(rec) == []
    first = pd.DataFrame({paths.observation("seen"): [True, False, True, True]})
    later = pd.DataFrame({paths.observation("seen"): [False] * 4})
    (got,) = _observations(dataclasses.replace(rec, wave_outcomes=[first, later]))
    assert got.json() == {
        "id": "seen", "value": True, "as_of": "2020-10-02", "source": "toy",
        "agreed_before": proportion(3, 4),
    }  # fmt: skip


def test_the_method_names_its_waves_levels_cutoff_band_and_discrepancy(tmp_path):
    rec = opened(tmp_path, cutoff=2.5, band="soft", softness=0.25, discrepancy=0.1).record()
    rec = dataclasses.replace(rec, waves=[Wave(1, 1), Wave(2, 1)])
    assert _method(rec) == (
        "history matching in 2 wave(s): spline-logistic emulators of each judgment's "
        "probability, implausibility cut-off 2.5; soft bands (likelihood falls off outside "
        "each ICD 203 range with s.d. 0.25 log-odds), model-discrepancy probability 0.1 "
        "per judgment"
    )
    hard = dataclasses.replace(rec, settings=CalibrationSettings(band="hard"), levels=2)
    assert _method(hard) == (
        "history matching in 2 wave(s): spline-logistic emulators of each judgment's "
        "probability (one level per combination of readings), implausibility cut-off 3.0; "
        "hard bands (the ICD 203 ranges' edges are walls), model-discrepancy probability "
        "0.05 per judgment"
    )


READINGS = [
    {
        "name": "door",
        "source": "toy",
        "rationale": "two ways to read it",
        "options": [
            {"name": "open", "weight": "likely", "rationale": "as written"},
            {
                "name": "shut",
                "rationale": "the other way",
                "patch": {"outcomes": {"threshold": 0.8}},
            },
        ],
    }
]


def option_outcomes(marker: float) -> SimpleNamespace:
    """A check run's reading option whose every outcome is Proportion(marker, ...)."""
    return SimpleNamespace(outcomes={n: Proportion(marker, 0.0, 1.0, 1, 2) for n in OUTCOME_LABELS})


def test_each_readings_weight_moves_by_the_posterior_and_says_its_error(tmp_path):
    toy = toy_with(tmp_path, readings=READINGS)
    rec = opened(tmp_path, toy).record()
    column = paths.reading("door")
    reading_path = rec.scenario.readings[0].path
    # weights sum to one: "open" (0) has 0.2 + 0.1 + 0.1, "shut" (1) has 0.4 + 0.2
    frame = pd.DataFrame({reading_path: [0, 1, 1, 0, 0], "weight": [0.2, 0.4, 0.2, 0.1, 0.1]})
    before = pd.DataFrame({column: ["open", "shut", "open", "open"]})
    for name in OUTCOME_LABELS:
        before[name] = [True, True, False, False]
    after = SimpleNamespace(
        readings=[
            SimpleNamespace(name="door", options=[option_outcomes(0.1), option_outcomes(0.9)])
        ]
    )
    (got,) = reading_weights(rec, frame, before, after)
    assert (got.name, got.source, got.freed) == ("door", "toy", True)
    open_, shut = got.options
    n_eff = ess(frame["weight"].to_numpy())
    assert (open_.name, open_.word, shut.word) == ("open", "likely", None)
    assert (open_.prior, shut.prior) == pytest.approx((0.675, 0.325))
    assert open_.posterior == pytest.approx(0.4) and shut.posterior == pytest.approx(0.6)
    assert open_.posterior_se == pytest.approx(math.sqrt(0.4 * 0.6 / n_eff))
    name = next(iter(OUTCOME_LABELS))
    assert open_.outcomes[name].before.json() == proportion(1, 3)
    assert shut.outcomes[name].before.json() == proportion(1, 1)
    assert (open_.outcomes[name].after.p, shut.outcomes[name].after.p) == (0.1, 0.9)
    unfreed = reading_weights(
        rec, frame.drop(columns=reading_path), before, SimpleNamespace(readings=[])
    )
    assert unfreed[0].freed is False and unfreed[0].options[0].posterior == 0.0
    assert unfreed[0].options[0].outcomes[name].after is None
    none = reading_weights(rec, frame.assign(weight=0.0), before, after)[0].options[0]
    assert math.isnan(none.posterior) and math.isnan(none.posterior_se)
    one = reading_weights(rec, frame.assign(weight=[0, 1.0, 0, 0, 0]), before, after)
    assert one[0].options[1].posterior == 1.0 and one[0].options[1].posterior_se == 0.0
    assert ess([0, 1.0, 0, 0, 0]) == 1.0


def check_summary(**changes) -> SimpleNamespace:
    """A check run's summary: the granted judgment at 60 % (in "likely"), every outcome
    at 0.5 with its label, 200 replicates, none drawn beyond them, none kept."""
    from sim.runs.estimates import OutcomeEstimate

    base = {
        "judgments": after_with(granted=(0.6, 0.5, 0.7, 120, 200)).judgments,
        "outcomes": {
            n: OutcomeEstimate(Proportion(0.5, 0.4, 0.6, 100, 200), n, f"{n} defined")
            for n in OUTCOME_LABELS
        },
        "readings": [],
        "drawn": None,
        "replicates": 200,
        "kept": None,
    }
    return SimpleNamespace(**{**base, **changes})


def diagnosed(monkeypatch, rec, frame, share, summary) -> dict:
    """The diagnostics of `rec` with the check run's summary set by hand, as JSON."""
    from sim.analysis.calibration import diagnostics as module

    monkeypatch.setattr(module, "read_summary", lambda folder: summary)
    return diagnostics(rec, frame, share, Path("check"), 12.3456).json()


def test_the_diagnostics_keys_in_the_order_calibration_json_has_them(tmp_path, monkeypatch):
    _, rec, frame, share = record_of(tmp_path, toy_with(tmp_path, readings=READINGS), waves=2)
    report = diagnosed(monkeypatch, rec, frame, share, check_summary())
    assert list(report) == [
        "scenario", "scenario_file", "method", "band", "softness", "settings", "freed",
        "replicates", "prior_share_consistent", "posterior_rows", "ess", "ess_draw",
        "targets", "dropped", "discrepant", "unmet", "conflicts", "observations",
        "kept_after", "outcomes", "parameters", "readings", "emulators", "wall_seconds",
    ]  # fmt: skip
    assert list(report["targets"][0]) == [
        "id", "claim", "source", "word", "range", "kept", "discrepancy_probability",
        "misfit", "emulator_sd_log_odds", "before", "after",
    ]  # fmt: skip
    assert list(report["parameters"][0]) == ["path", "status", "prior", "posterior", "shift_sd"]
    assert list(report["readings"][0]) == ["name", "source", "freed", "options"]
    assert list(report["readings"][0]["options"][0]) == [
        "name", "word", "prior", "posterior", "posterior_se", "outcomes",
    ]  # fmt: skip
    assert list(report["emulators"][0]) == [
        "wave", "target", "rows", "levels", "prior_variance", "holdout_brier",
        "holdout_p_value", "discrepancy",
    ]  # fmt: skip
    name = next(iter(OUTCOME_LABELS))
    assert report["outcomes"][name]["after"] == {
        **Proportion(0.5, 0.4, 0.6, 100, 200).json(), "label": name,
        "definition": f"{name} defined",
    }  # fmt: skip
    back = CalibrationDiagnostics.from_json(json.loads(json.dumps(report)))
    assert back.json() == report


def test_the_diagnostics_count_replicates_and_list_what_was_dropped_or_unmet(tmp_path, monkeypatch):
    cal, rec, frame, share = record_of(tmp_path, toy_with(tmp_path, readings=READINGS), waves=2)
    # the second wave's outcomes differ from the first: "before" is the first wave's
    first = rec.wave_outcomes[0]
    rec.wave_outcomes[1] = first.assign(**{n: ~first[n] for n in OUTCOME_LABELS})
    report = diagnosed(monkeypatch, rec, frame, share, check_summary())
    assert report["replicates"] == {"waves": [300, 300], "check": 200, "total": 800}
    assert report["freed"] == 2 and report["posterior_rows"] == len(frame)
    assert report["ess"] == ess(frame["weight"].to_numpy())
    assert report["ess_draw"] == ess(frame["draw_weight"].to_numpy())
    assert report["wall_seconds"] == 12.35 and report["prior_share_consistent"] == share.json()
    assert (report["scenario"], report["scenario_file"]) == ("toy calibration", str(cal.file))
    assert (report["band"], report["softness"]) == ("hard", 0.5)
    assert report["settings"] == rec.manifest_settings and report["method"] == _method(rec)
    for name in OUTCOME_LABELS:
        assert report["outcomes"][name]["before"] == proportion(int(first[name].sum()), 300)
    assert report["readings"] == [
        r.json() for r in reading_weights(rec, frame, first, check_summary())
    ]
    assert report["parameters"] == [p.json() for p in parameters(rec, frame)]
    assert report["emulators"] == [e.json() for e in _emulators(rec)]
    assert report["observations"] == [] and report["kept_after"] is None
    assert report["dropped"] == [] and report["discrepant"] == [] and report["conflicts"] == []
    assert report["unmet"] == [], "60 % is likely"
    low = check_summary(judgments=after_with(granted=(0.3, 0.2, 0.4, 60, 200)).judgments)
    assert diagnosed(monkeypatch, rec, frame, share, low)["unmet"] == ["granted"]
    dropped = dataclasses.replace(
        rec, active=frozenset(), discrepant=["granted"], conflicts=[("granted", "x")]
    )
    again = diagnosed(monkeypatch, dropped, frame, share, low)
    assert again["dropped"] == [] and again["discrepant"] == ["granted"]
    assert again["unmet"] == [] and again["conflicts"] == [["granted", "x"]]
    gone = dataclasses.replace(rec, active=frozenset(), discrepant=[])
    assert diagnosed(monkeypatch, gone, frame, share, low)["dropped"] == ["granted"]


def test_a_check_run_that_drew_more_than_it_kept_counts_what_it_drew(tmp_path, monkeypatch):
    seen = {**GRANTED, "id": "seen", "value": True, "as_of": "2020-10-02", "source": "toy"}
    _, rec, frame, share = record_of(tmp_path, toy_with(tmp_path, observations=[seen]))
    kept = Proportion(0.25, 0.2, 0.3, 50, 200)
    summary = check_summary(drawn=800, kept=kept)
    report = diagnosed(monkeypatch, rec, frame, share, summary)
    assert report["replicates"] == {"waves": [300], "check": 800, "total": 1100}
    assert report["kept_after"] == kept.json()
    (observation,) = report["observations"]
    agreed = int(rec.wave_outcomes[0][paths.observation("seen")].sum())
    assert observation["agreed_before"] == proportion(agreed, 300)


# ------------------------------------------------------------------ what the survivors asked


def test_a_free_list_frees_only_the_parameters_named(tmp_path):
    toy = yaml.safe_load(TOY.read_text())
    toy["actors"][1]["params"] = {
        "sovereignty_resistance": {"uniform": [0.0, 1.0], "assumption": True}
    }
    (tmp_path / "two.yaml").write_text(yaml.safe_dump(toy))
    assert len(opened(tmp_path, tmp_path / "two.yaml").paths) == 2
    assert opened(tmp_path, tmp_path / "two.yaml", free=(THETA,)).paths == [THETA]


def test_each_refusal_names_its_file_or_option_and_what_to_write(tmp_path):
    fixed = yaml.safe_load(TOY.read_text())
    fixed["operations"]["summits"][0]["accept_probability"] = 0.5
    (tmp_path / "fixed.yaml").write_text(yaml.safe_dump(fixed))
    with pytest.raises(ScenarioError) as caught:
        opened(tmp_path, tmp_path / "fixed.yaml")
    (problem,) = caught.value.problems
    assert problem.file == str(tmp_path / "fixed.yaml")
    assert problem.message == (
        "no parameter has a distribution: there is no belief for the judgments to "
        "move (give the uncertain ones a range, e.g. uniform: [low, high])"
    )
    with pytest.raises(UsageError) as usage:
        opened(tmp_path, band="wide")
    assert (usage.value.message, usage.value.option) == (
        "--band must be soft or hard, not 'wide'",
        "--band",
    )
    with pytest.raises(UsageError) as usage:
        opened(tmp_path, discrepancy=1.0)
    assert (usage.value.message, usage.value.option) == (
        "the discrepancy probability must lie in [0, 1)",
        "--discrepancy",
    )
    toy = toy_with(tmp_path, judgments=[])
    with pytest.raises(ScenarioError) as caught:
        opened(tmp_path, toy)
    (problem,) = caught.value.problems
    assert problem.file == str(toy)
    assert problem.message == (
        "the scenario has no judgments or observations: there is nothing to "
        "calibrate to (add judgments:, observations:, or --observations FILE)"
    )


def test_a_calibrated_scenario_is_refused_naming_its_file(tmp_path):
    from sim.analysis.calibration.calibrated import write_calibrated
    from sim.scenario.loader import load

    (tmp_path / "cal").mkdir()
    frame = pd.DataFrame({THETA: [0.5], "weight": [1.0], "draw_weight": [1.0]})
    settings = CalibrationSettings(**SMALL)
    calibrated = write_calibrated(tmp_path / "cal", TOY, load(TOY), settings, frame)
    with pytest.raises(ScenarioError) as caught:
        opened(tmp_path, calibrated)
    (problem,) = caught.value.problems
    assert problem.file == str(calibrated)
    assert problem.message == (
        "this scenario is already calibrated (it has a posterior); calibrate the "
        "scenario it extends, with every target and observation you want"
    )


def test_an_observations_file_in_the_settings_is_added_to_the_scenario(tmp_path):
    seen = {**GRANTED, "id": "seen", "value": True, "as_of": "2020-10-02", "source": "toy"}
    log = tmp_path / "log.yaml"
    log.write_text(yaml.safe_dump({"observations": [seen]}))
    toy = toy_with(tmp_path, judgments=[])
    cal = opened(tmp_path, toy, observations=str(log))
    assert [o.id for o in cal.scenario.observations] == ["seen"]


def test_the_manifest_records_the_file_and_a_refused_resume_names_the_folder(tmp_path):
    settings = CalibrationSettings(**SMALL)
    out = tmp_path / "cal"
    assert Calibration(TOY, out, settings).manifest["scenario_file"] == str(TOY)
    with pytest.raises(ScenarioError) as caught:
        Calibration(TOY, out, dataclasses.replace(settings, cutoff=2.0), resume=True)
    (problem,) = caught.value.problems
    assert problem.file == str(out)
    assert problem.message == (
        "the settings differs from the calibration being resumed; resume with the same "
        "scenario and options"
    )


def test_a_run_folder_counts_its_replicates_and_runs_them_with_the_workers(tmp_path, monkeypatch):
    from sim.analysis.calibration import driver

    counted: list[int] = []
    asked: list[tuple] = []

    def progress(name, todo):
        asked.append((name, todo))
        return counted.append

    seen: list[object] = []
    real = driver.run_to_store
    monkeypatch.setattr(
        driver,
        "run_to_store",
        lambda store, plan, workers, progress: (
            seen.append(workers) or real(store, plan, workers=1, progress=progress)
        ),
    )
    cal = opened(tmp_path, progress=progress)
    cal.workers = 3
    folder = cal.run_folder("check", cal.plan, cal.file, 600, 3)  # three chunks of 250
    assert asked == [("check", 600)] and sum(counted) == 600 and seen == [3]
    manifest = yaml.safe_load((folder / "manifest.json").read_text())
    assert manifest["detail"] is False and manifest["replicates"] == 600


def test_a_screen_stops_as_soon_as_it_has_enough_and_never_repeats_a_batch(tmp_path):
    cal = opened(tmp_path)
    _, screened, _ = cal._screen_prior(5, BATCH, 10 * BATCH)
    assert screened == BATCH, "exactly enough after one batch: no second"
    u, _, _ = cal._screen_prior(5, 2 * BATCH + 10, 10 * BATCH)
    assert np.array_equal(u[2 * BATCH :], cal.space.candidates(5, 2)[:10])
    empty, screened, found = cal._screen_prior(5, 10, 0)
    assert empty.shape == (0, 1) and (screened, found) == (0, 0)


def test_a_proposal_needs_its_minimum_of_centres_and_draws_from_its_own_stream(tmp_path):
    from sim.analysis.proposal import MAX_CENTRES, Proposal

    cal = opened(tmp_path)
    waved(cal, granted=line(A, B, 0.01))
    lo = (LOW - 3 * 0.01 - A) / B
    cal.designs.append(lo + 1e-6 + 0.001 * np.arange(MIN_CENTRES)[:, None] / MIN_CENTRES)
    assert inside(cal.designs[-1][:, 0], 0.01).all()
    assert cal._proposal(1) is not None, "exactly the minimum is enough"
    many = np.linspace(lo + 1e-6, lo + 0.1, MAX_CENTRES + 500)[:, None]
    cal.designs.append(many)
    rng = np.random.default_rng(np.random.SeedSequence(7, spawn_key=(STREAM, 9)))
    want = Proposal.around(many[inside(many[:, 0], 0.01)], rng)
    got = cal._proposal(9)
    assert got is not None and np.array_equal(got.centres, want.centres)
    assert len(got.centres) == MAX_CENTRES


def test_proposed_rows_are_the_plausible_ones_of_each_batch_in_order(tmp_path):
    """Drawn again by hand from the documented stream (STREAM, key, batch), snapped and
    screened: the same rows, cut at `want`; the budget counts rows drawn, not kept."""
    from sim.analysis.proposal import Proposal

    calls: list[tuple] = []
    counted: list[int] = []

    def progress(name, todo, unit="replicates"):
        calls.append((name, todo, unit))
        return counted.append

    cal = opened(tmp_path, progress=progress)
    waved(cal, granted=line(A, B, 0.01))
    proposal = Proposal(np.array([[0.6]]), np.array([0.2]))

    def by_hand(batches: int) -> np.ndarray:
        rows = []
        for batch in range(batches):
            rng = np.random.default_rng(np.random.SeedSequence(7, spawn_key=(STREAM, 4, batch)))
            u, _ = proposal.sample(rng, BATCH)
            rows.append(u[inside(u[:, 0], 0.01)])
        return np.concatenate(rows)

    two = by_hand(2)
    assert len(by_hand(1)) < 10**6
    got = cal._screen_proposal(proposal, 4, 10**6, 2 * BATCH)
    assert np.array_equal(got, two), "two batches drawn, every plausible row kept"
    assert calls == [("screening proposed rows for 1,000,000 plausible", 2 * BATCH, "rows")]
    assert counted == [BATCH, BATCH]
    few = cal._screen_proposal(proposal, 4, 25, 2 * BATCH)
    assert np.array_equal(few, two[:25])
    assert cal._screen_proposal(proposal, 4, 25, 0).shape == (0, 1)


def test_a_design_uses_prior_rows_when_there_are_enough_even_after_a_wave(tmp_path):
    cal = opened(tmp_path, replicates=500)
    waved(cal, granted=line(A, B, 0.01))
    cal.designs.append(np.linspace(0, 1, 2001)[:, None])
    u = cal._design(2)
    prior, _, _ = cal._screen_prior(2, 500, 2 * BATCH)
    assert np.array_equal(u, prior)


def test_a_sparse_design_proposes_from_the_documented_streams(tmp_path):
    cal = opened(tmp_path, replicates=500, max_candidates=BATCH // 100)
    waved(cal, granted=line(*STEEP, 0.0001))
    cal.designs.append(np.linspace(0, 1, 20001)[:, None])
    proposal = cal._proposal(30_000 + 2)
    assert proposal is not None
    want = cal._screen_proposal(proposal, 40_000 + 2, 500, BATCH // 100)
    assert np.array_equal(cal._design(2), want)


def test_with_nothing_found_in_the_prior_budget_the_design_screens_on_to_the_maximum(
    tmp_path, monkeypatch
):
    """The first screen stops at the prior budget (here one batch); when it finds nothing
    and there is nothing to propose around, the prior is screened on to max_candidates."""
    from sim.analysis.calibration import driver

    monkeypatch.setattr(driver, "PRIOR_BUDGET", BATCH)
    cal = opened(tmp_path, replicates=50, max_candidates=3 * BATCH)
    first = np.sort(cal.space.candidates(2, 0)[:, 0])
    gap = int(np.argmax(np.diff(first)))
    middle = (first[gap] + first[gap + 1]) / 2  # no row of the first batch near it
    b = 2e4
    a = (LOW + HIGH) / 2 - b * middle
    waved(cal, granted=line(a, b, 1e-6))
    u = cal._design(2)
    assert len(u) > 0
    later = np.concatenate([cal.space.candidates(2, 1), cal.space.candidates(2, 2)])
    keep = (a + b * later[:, 0] >= LOW - 3e-6) & (a + b * later[:, 0] <= HIGH + 3e-6)
    assert np.array_equal(u, later[keep][:50])


def test_a_wave_runs_at_its_designs_values(tmp_path):
    """P(granted | θ) = θ: a design of θ = 0 and θ = 1 grants exactly where θ = 1."""
    cal = opened(tmp_path)
    (cal.out / "waves").mkdir(exist_ok=True)
    design = [0.0, 1.0] * 20
    pd.DataFrame({THETA: design}).to_parquet(cal.out / "waves" / "1-design.parquet")
    cal.run_wave(1)
    granted = cal.wave_outcomes[0][paths.judgment("granted")].to_numpy(bool)
    assert granted.tolist() == [bool(x) for x in design]
    assert cal.waves[0].index == 1


def test_each_emulator_fitted_counts_once_in_the_progress(tmp_path):
    seen = {**GRANTED, "id": "seen", "value": True, "as_of": "2020-10-02", "source": "toy"}
    cal = opened(tmp_path, toy_with(tmp_path, observations=[seen]))
    fitted: list[int] = []
    cal.progress = lambda name, todo, unit="replicates": (
        fitted.append if "emulators" in name else None
    )
    cal.run_wave(1)
    assert fitted == [1, 1]


# ------------------------------------------------------------------ with readings (levels)


def levelled(cal: Calibration, a: float, b: float, s: float, offsets: list[float]) -> Pooled:
    """A line emulator in θ (the other freed columns ignored) with a log-odds offset per
    stratum, for a calibration whose readings make several strata."""
    per = KNOTS + 2
    d = len(cal.paths)
    j = cal.paths.index(THETA)
    beta = np.zeros(1 + d * per + len(offsets))
    beta[0] = a
    beta[1 + j * per : 1 + (j + 1) * per] = b * (np.arange(per) - 1) / (KNOTS - 1)
    beta[1 + d * per :] = offsets
    k = len(beta)
    emulator = Emulator(beta, np.zeros((k, k)), s, 0.0, 1.0, 0.5, 100, levels=len(offsets))
    return Pooled(emulator, len(offsets))


def test_with_readings_each_row_is_read_at_its_own_level(tmp_path):
    """Two readings ("open" 75 %, "shut" 25 %): the same line, shifted by +6 log-odds in
    the "shut" stratum, is likely only in "open" rows near θ 0.6 and only in "shut" rows
    where θ is low. Every screen and weight reads each row's own stratum."""
    toy = toy_with(tmp_path, readings=READINGS)
    cal = opened(tmp_path, toy, discrepancy=0.1)
    assert cal.space.levels == 2
    emu = levelled(cal, A, B, 0.3, [0.0, 6.0])
    seen = waved(cal, granted=emu)
    seen.agreement = levelled(cal, 0.0, 0.0, 0.0, [0.0, -1.0])
    u = cal.space.candidates(3, 0)[:2000]
    strata = cal.space.strata(u)
    assert set(strata.tolist()) == {0, 1}
    theta = u[:, cal.paths.index(THETA)]
    m = A + B * theta + 6.0 * strata
    band = stats.norm.cdf((HIGH - m) / 0.3) - stats.norm.cdf((LOW - m) / 0.3)
    assert np.allclose(cal.judgment_weight(u, cal.targets), 0.9 * band + 0.1, atol=1e-12)
    keep = (m >= LOW - 0.9) & (m <= HIGH + 0.9)
    assert np.array_equal(cal.plausible_for_all(cal.targets, u), keep)
    frame, _ = cal.posterior()
    rows = frame[cal.paths].to_numpy()
    agree = expit(-1.0 * cal.space.strata(rows))
    assert np.allclose(frame["weight"], frame["draw_weight"] * agree)
    cal._name_discrepant()
    assert set(cal.discrepancy_probability) == {"granted"}


def test_with_readings_a_wave_fits_one_level_per_stratum(tmp_path):
    toy = toy_with(tmp_path, readings=READINGS)
    cal = opened(tmp_path, toy)
    cal.run_wave(1)
    u = cal.designs[0]
    y = cal.wave_outcomes[0][paths.judgment("granted")].to_numpy(bool)
    want = Pooled.fit(u, y, cal.space.strata(u), 2)
    got = cal.waves[0].emulators["granted"]
    assert got.levels == 2 and np.array_equal(got.emulator.beta, want.emulator.beta)


def test_with_readings_targets_that_conflict_are_settled_per_stratum(tmp_path):
    """a is likely in "open" rows only, b in "shut" rows only: no row meets both."""
    toy = toy_with(
        tmp_path, readings=READINGS, judgments=[judgment("a", "likely"), judgment("b", "likely")]
    )
    cal = opened(tmp_path, toy)
    waved(
        cal,
        a=levelled(cal, 0.8, 0.0, 0.01, [0.0, -9.0]),
        b=levelled(cal, 0.8, 0.0, 0.01, [-9.0, 0.0]),
    )
    cal._settle_targets(1)
    assert cal.conflicts == [("a", "b")] and cal.active == [0]


def test_a_certain_target_is_not_named_at_exactly_one_half(tmp_path):
    """ε = 0.5 and a target met for certain everywhere: its posterior probability of
    being the discrepancy is 0.5 / (0.5 + 0.5 x 1) = 1/2 exactly, not above one half."""
    cal = opened(tmp_path, discrepancy=0.5)
    waved(cal, granted=line(0.8, 0.0, 1e-9))
    cal._name_discrepant()
    assert cal.discrepancy_probability == {"granted": 0.5} and cal.discrepant == []


def test_the_discrepancy_is_weighed_by_the_agreement_with_the_observations(tmp_path):
    toy = toy_with(tmp_path, judgments=[judgment("a", "likely"), judgment("b", "remote")])
    cal = opened(tmp_path, toy, discrepancy=0.05)
    wave = waved(cal, a=line(-0.1, 1.5, 0.1), b=line(A, B, 0.1))
    wave.agreement = line(6.0, -12.0, 0.0)  # the observations agree only where θ is low
    u = cal.space.candidates(60_000, 0)
    x, strata = features(u), np.zeros(len(u))
    likelihood = np.column_stack([cal._band_likelihood(t, x, strata) for t in cal.targets])
    base = expit(6.0 - 12.0 * u[:, 0])
    cal._name_discrepant()
    want = discrepancy_probabilities(likelihood, base, 0.05)
    assert cal.discrepancy_probability == pytest.approx(dict(zip("ab", want, strict=True)))
    unweighed = discrepancy_probabilities(likelihood, np.ones(len(u)), 0.05)
    assert not np.allclose(want, unweighed)


def test_a_posterior_with_no_wave_is_the_prior_unweighted(tmp_path):
    seen = {**GRANTED, "id": "seen", "value": True, "as_of": "2020-10-02", "source": "toy"}
    toy = toy_with(tmp_path, judgments=[], observations=[seen])
    cal = opened(tmp_path, toy, posterior_rows=300)
    frame, share = cal.posterior()
    assert np.array_equal(frame[THETA].to_numpy(), cal.space.candidates(20_000, 0)[:300, 0])
    assert (frame["weight"] == 1.0).all() and share == Proportion.of(BATCH, BATCH)


# ------------------------------------------------------------------ the second run's survivors


def test_reading_weights_are_shares_of_weights_that_need_not_sum_to_one(tmp_path):
    import warnings

    rec = opened(tmp_path, toy_with(tmp_path, readings=READINGS)).record()
    reading_path = rec.scenario.readings[0].path
    frame = pd.DataFrame({reading_path: [0, 1, 1, 0, 0], "weight": [0.4, 0.8, 0.4, 0.2, 0.2]})
    before = pd.DataFrame({paths.reading("door"): ["open", "shut"]})
    for name in OUTCOME_LABELS:
        before[name] = [True, False]
    after = SimpleNamespace(readings=[])
    (got,) = reading_weights(rec, frame, before, after)
    assert [o.posterior for o in got.options] == pytest.approx([0.4, 0.6])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no 0/0: a weightless posterior is NaN by rule
        (none,) = reading_weights(rec, frame.assign(weight=0.0), before, after)
    assert math.isnan(none.options[0].posterior)


def test_the_diagnostics_read_the_check_runs_own_folder(tmp_path, monkeypatch):
    from sim.analysis.calibration import diagnostics as module

    _, rec, frame, share = record_of(tmp_path)
    read: list[Path] = []
    monkeypatch.setattr(
        module, "read_summary", lambda folder: read.append(folder) or check_summary()
    )
    diagnostics(rec, frame, share, tmp_path / "cal0" / "check", 1.0)
    assert read == [tmp_path / "cal0" / "check"]


def test_with_readings_the_agreement_is_fitted_per_stratum(tmp_path):
    seen = {**GRANTED, "id": "seen", "value": True, "as_of": "2020-10-02", "source": "toy"}
    toy = toy_with(tmp_path, readings=READINGS, observations=[seen])
    cal = opened(tmp_path, toy)
    cal.run_wave(1)
    u = cal.designs[0]
    agree = cal.wave_outcomes[0]["consistent"].to_numpy(bool)
    want = Pooled.fit(u, agree, cal.space.strata(u), 2)
    got = cal.waves[0].agreement
    assert got is not None and got.levels == 2
    assert np.array_equal(got.emulator.beta, want.emulator.beta)


def test_a_proposal_screen_draws_until_its_budget_and_stops_once_it_has_enough(tmp_path):
    from sim.analysis.proposal import Proposal

    counted: list[int] = []
    cal = opened(tmp_path, progress=lambda name, todo, unit="replicates": counted.append)
    waved(cal, granted=line(A, B, 0.01))
    proposal = Proposal(np.array([[0.6]]), np.array([0.2]))
    cal._screen_proposal(proposal, 4, 10**9, BATCH + 1)
    assert counted == [BATCH, BATCH], "one row of budget left: a second batch"
    rng = np.random.default_rng(np.random.SeedSequence(7, spawn_key=(STREAM, 4, 0)))
    u, _ = proposal.sample(rng, BATCH)
    exactly = int(inside(u[:, 0], 0.01).sum())
    counted.clear()
    cal._screen_proposal(proposal, 4, exactly, 10 * BATCH)
    assert counted == [BATCH], "exactly enough after one batch: no second"


def test_a_design_keeps_what_the_prior_budget_found_when_there_is_nothing_to_propose(
    tmp_path, monkeypatch
):
    """Some plausible rows in the first batch (the prior budget here), too few, and no
    design to propose around: the design is those rows, not a longer screen."""
    from sim.analysis.calibration import driver

    monkeypatch.setattr(driver, "PRIOR_BUDGET", BATCH)
    cal = opened(tmp_path, replicates=500, max_candidates=3 * BATCH)
    waved(cal, granted=line(*STEEP, 0.0001))
    first, _, _ = cal._screen_prior(2, 500, BATCH)
    assert 0 < len(first) < 500
    assert np.array_equal(cal._design(2), first)


def test_a_proposal_of_many_centres_draws_them_from_its_documented_stream(tmp_path):
    """More centres than a proposal keeps: which ones it keeps comes from the stream
    (STREAM, 30,000 + k); the rows it proposes from (STREAM, 40,000 + k, batch)."""
    from sim.analysis.proposal import MAX_CENTRES, Proposal

    cal = opened(tmp_path, replicates=500, max_candidates=BATCH // 100)
    waved(cal, granted=line(*STEEP, 0.0001))
    design = np.linspace(0.60030, 0.60170, MAX_CENTRES + 1000)[:, None]
    cal.designs.append(design)
    centres = design[inside(design[:, 0], 0.0001, *STEEP)]
    assert len(centres) > MAX_CENTRES
    rng = np.random.default_rng(np.random.SeedSequence(7, spawn_key=(STREAM, 30_002)))
    proposal = Proposal.around(centres, rng)
    want = cal._screen_proposal(proposal, 40_002, 500, BATCH // 100)
    assert np.array_equal(cal._design(2), want)


def test_an_emulator_that_knows_nothing_leaves_the_edge_unmeasured_without_a_warning(tmp_path):
    import warnings

    cal = opened(tmp_path)
    waved(cal, granted=line(A, B, math.inf))
    u = np.linspace(0, 1, 5)[:, None]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cal._band_likelihood(cal.targets[0], features(u), np.zeros(5))
    assert math.isnan(cal.edge_sd["granted"])
