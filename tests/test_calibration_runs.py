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
    assert share == proportion(found, screened) and found < screened
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


def test_each_parameter_is_read_before_and_after_and_sorted_by_its_shift(tmp_path):
    toy = yaml.safe_load(TOY.read_text())
    toy["actors"][1]["params"] = {
        "sovereignty_resistance": {"uniform": [0.0, 1.0], "assumption": True}
    }
    (tmp_path / "two.yaml").write_text(yaml.safe_dump(toy))
    cal = opened(tmp_path, tmp_path / "two.yaml")
    rec = cal.record()
    (other,) = set(rec.paths) - {THETA}
    theta, resistance = [0.0, 2.0, np.nan, 4.0], [1.0, 3.0, 5.0, 7.0]
    columns = [theta, resistance] if rec.paths[0] == THETA else [resistance, theta]
    rec = dataclasses.replace(rec, prior_values=np.array(columns).T)
    frame = pd.DataFrame({THETA: [4.0, 2.0, np.nan], other: [5.0, 5.0, 9.0], "weight": [3, 1, 4]})
    got = {p["path"]: p for p in parameters(rec, frame)}
    prior_sd = math.sqrt(8 / 3)
    assert got[THETA]["prior"]["mean"] == 2.0 and got[THETA]["prior"]["sd"] == prior_sd
    assert got[THETA]["posterior"]["mean"] == 3.5 and got[THETA]["posterior"]["q05"] == 2.0
    assert got[THETA]["shift_sd"] == pytest.approx(1.5 / prior_sd)
    post = (5 * 3 + 5 * 1 + 9 * 4) / 8
    assert got[other]["posterior"]["mean"] == post
    assert got[other]["shift_sd"] == pytest.approx((post - 4) / math.sqrt(5))
    assert [p["path"] for p in parameters(rec, frame)] == [other, THETA], "largest shift first"
    assert got[THETA]["status"] == cal.space.free[0].status
    flat = dataclasses.replace(rec, prior_values=np.array(columns).T * 0 + 1)
    assert {p["path"]: p["shift_sd"] for p in parameters(flat, frame)}[THETA] == 0.0


def test_each_target_is_read_before_and_after_with_its_verdict_word_and_fit(tmp_path):
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
    after = SimpleNamespace(
        judgments=[
            SimpleNamespace(
                id="granted", estimate=SimpleNamespace(p=0.9, low=0.8, high=0.95, k=9, n=10)
            ),
            SimpleNamespace(
                id="given", estimate=SimpleNamespace(p=0.3, low=0.1, high=0.6, k=3, n=10)
            ),
        ]
    )
    rec = dataclasses.replace(rec, active=frozenset({"granted"}))
    got = {t["id"]: t for t in _targets(rec, first, after)}
    assert got["granted"]["before"] == {
        **proportion(7, 10),
        "verdict": "in range",
        "word": "likely",
    }
    assert got["given"]["before"] == {
        **proportion(1, 4),
        "verdict": "in range",
        "word": "unlikely",
    }
    assert got["granted"]["after"] == {
        "p": 0.9,
        "low": 0.8,
        "high": 0.95,
        "k": 9,
        "n": 10,
        "verdict": "above range",
        "word": "very_likely",
    }
    assert got["given"]["after"]["verdict"] == "in range"
    assert got["given"]["after"]["word"] == "unlikely"
    assert got["granted"]["range"] == [0.55, 0.80] and got["granted"]["kept"]
    assert not got["given"]["kept"]
    assert got["granted"]["misfit"] == _misfit(rec, "granted")
    assert got["granted"]["emulator_sd_log_odds"] == rec.edge_sd.get("granted")
    assert got["granted"]["claim"] == "granted." and got["granted"]["word"] == "likely"


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
    assert _misfit(rec, "a") == {
        "wave": 2,
        "holdout_p_value": None,
        "failed": True,
        "widened_by": 0.2,
    }
    assert _misfit(rec, "b") == {
        "wave": 1,
        "holdout_p_value": 0.001,
        "failed": True,
        "widened_by": 0.3,
    }
    rec.waves[1].emulators["a"] = fit(0.0, 0.4)
    assert _misfit(rec, "a") == {
        "wave": 2,
        "holdout_p_value": 0.4,
        "failed": False,
        "widened_by": 0.0,
    }
    assert _misfit(rec, "c") is None
    assert [
        (e["wave"], e["target"], e["holdout_p_value"], e["discrepancy"]) for e in _emulators(rec)
    ] == [(1, "a", 0.4, 0.0), (1, "b", 0.001, 0.3), (2, "a", 0.4, 0.0)]
    assert _emulators(rec)[0]["rows"] == 100 and _emulators(rec)[0]["levels"] == 1
    assert _emulators(rec)[0]["holdout_brier"] == 0.2


def test_each_observation_says_how_much_of_the_first_wave_agreed(tmp_path):
    seen = {**GRANTED, "id": "seen", "value": True, "as_of": "2020-10-02", "source": "toy"}
    rec = opened(tmp_path, toy_with(tmp_path, observations=[seen])).record()
    assert _observations(rec) == []
    first = pd.DataFrame({paths.observation("seen"): [True, False, True, True]})
    later = pd.DataFrame({paths.observation("seen"): [False] * 4})
    got = _observations(dataclasses.replace(rec, wave_outcomes=[first, later]))
    assert got == [
        {
            "id": "seen",
            "value": True,
            "as_of": "2020-10-02",
            "source": "toy",
            "agreed_before": proportion(3, 4),
        }
    ]


def test_the_method_names_its_waves_levels_cutoff_band_and_discrepancy(tmp_path):
    rec = opened(tmp_path, cutoff=2.5, band="soft", softness=0.25, discrepancy=0.1).record()
    rec = dataclasses.replace(rec, waves=[Wave(1, 1), Wave(2, 1)])
    text = _method(rec)
    assert text.startswith("history matching in 2 wave(s): spline-logistic emulators")
    assert "(one level per combination of readings)" not in text
    assert "implausibility cut-off 2.5; soft bands" in text and "s.d. 0.25 log-odds" in text
    assert text.endswith("model-discrepancy probability 0.1 per judgment")
    hard = _method(dataclasses.replace(rec, settings=CalibrationSettings(band="hard"), levels=4))
    assert "(one level per combination of readings)" in hard
    assert "hard bands (the ICD 203 ranges' edges are walls)" in hard


READINGS = [
    {
        "name": "door",
        "source": "toy",
        "rationale": "two ways to read it",
        "options": [
            {"name": "open", "weight": 0.75, "rationale": "as written"},
            {
                "name": "shut",
                "rationale": "the other way",
                "patch": {"outcomes": {"threshold": 0.8}},
            },
        ],
    }
]


def test_each_readings_weight_moves_by_the_posterior_and_says_its_error(tmp_path):
    toy = toy_with(tmp_path, readings=READINGS)
    cal = opened(tmp_path, toy)
    rec = cal.record()
    column = paths.reading("door")
    reading_path = rec.scenario.readings[0].path
    frame = pd.DataFrame({reading_path: [0, 1, 1, 0, 0], "weight": [1.0, 2.0, 1.0, 0.5, 0.5]})
    before = pd.DataFrame({column: ["open", "shut", "open", "open"]})
    for name in OUTCOME_LABELS:
        before[name] = [True, True, False, False]
    option = SimpleNamespace(
        outcomes={n: SimpleNamespace(json=lambda n=n: n) for n in OUTCOME_LABELS}
    )
    after = SimpleNamespace(readings=[SimpleNamespace(name="door", options=[option, option])])
    (got,) = reading_weights(rec, frame, before, after)
    assert (got["name"], got["source"], got["freed"]) == ("door", "toy", True)
    open_, shut = got["options"]
    n_eff = ess(frame["weight"].to_numpy())
    assert (open_["name"], open_["prior"], shut["prior"]) == ("open", 0.75, 0.25)
    assert open_["posterior"] == 2 / 5 and shut["posterior"] == 3 / 5
    assert open_["posterior_se"] == pytest.approx(math.sqrt(0.4 * 0.6 / n_eff))
    name = next(iter(OUTCOME_LABELS))
    assert open_["outcomes"][name] == {"before": proportion(1, 3), "after": name}
    assert shut["outcomes"][name] == {"before": proportion(1, 1), "after": name}
    unfreed = reading_weights(
        rec, frame.drop(columns=reading_path), before, SimpleNamespace(readings=[])
    )
    assert unfreed[0]["freed"] is False
    assert unfreed[0]["options"][0]["posterior"] == 0.0
    assert unfreed[0]["options"][0]["outcomes"][name]["after"] is None
    weightless = frame.assign(weight=0.0)
    none = reading_weights(rec, weightless, before, after)[0]["options"][0]
    assert math.isnan(none["posterior"]) and math.isnan(none["posterior_se"])


def test_the_diagnostics_count_replicates_and_list_what_was_dropped_or_unmet(tmp_path):
    cal, rec, frame, share = record_of(tmp_path, waves=2)
    check = cal.run_folder("check", cal.plan, cal.file, 120, cal.seed)
    report = diagnostics(rec, frame, share, check, 12.3456)
    assert report["replicates"] == {"waves": [300, 300], "check": 120, "total": 720}
    assert report["freed"] == 1 and report["posterior_rows"] == len(frame)
    assert report["ess"] == ess(frame["weight"].to_numpy())
    assert report["ess_draw"] == ess(frame["draw_weight"].to_numpy())
    assert report["wall_seconds"] == 12.35 and report["prior_share_consistent"] == share
    assert (report["scenario"], report["scenario_file"]) == ("toy calibration", str(TOY))
    assert (report["band"], report["softness"]) == ("hard", 0.5)
    assert report["settings"] == rec.manifest_settings and report["method"] == _method(rec)
    first = rec.wave_outcomes[0]
    for name in OUTCOME_LABELS:
        assert report["outcomes"][name]["before"] == proportion(int(first[name].sum()), 300)
    assert report["dropped"] == [] and report["discrepant"] == [] and report["conflicts"] == []
    unmet = [t["id"] for t in report["targets"] if t["after"]["verdict"] != "in range"]
    assert report["unmet"] == unmet
    dropped = dataclasses.replace(
        rec, active=frozenset(), discrepant=["granted"], conflicts=[("granted", "x")]
    )
    again = diagnostics(dropped, frame, share, check, 0.0)
    assert again["dropped"] == [] and again["discrepant"] == ["granted"]
    assert again["unmet"] == [] and again["conflicts"] == [["granted", "x"]]
    gone = dataclasses.replace(rec, active=frozenset(), discrepant=[])
    assert diagnostics(gone, frame, share, check, 0.0)["dropped"] == ["granted"]
