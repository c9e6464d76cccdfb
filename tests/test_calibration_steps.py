"""History matching's steps on hand-set inputs (sim.analysis.calibration.steps and
.diagnostics): the band likelihood against numerical integration, the largest set of
targets that can hold together, which parameters are free, and the weighted summaries
against their definitions."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import integrate, stats

from sim.analysis.calibration.diagnostics import describe, ess, weighted_quantile
from sim.analysis.calibration.settings import Target
from sim.analysis.calibration.steps import band_likelihood, closest_set, free_entries
from sim.engine.draws import Entry
from sim.scenario.errors import UsageError
from sim.scenario.params import ParamSpec

# ------------------------------------------------------------------ the band likelihood


def by_quadrature(mean: float, sd: float, low: float, high: float, softness: float) -> float:
    """E[L(eta)], eta ~ N(mean, sd^2), integrated numerically (the slow exact way)."""

    def band(eta: float) -> float:
        d = max(low - eta, 0.0, eta - high)
        if softness <= 0:
            return float(d == 0.0)
        return float(np.exp(-(d**2) / (2 * softness**2)))

    density = stats.norm(mean, sd).pdf
    edges = [mean - 12 * sd, low, high, mean + 12 * sd]
    pieces = sorted(edges)
    return sum(
        integrate.quad(lambda e: band(e) * density(e), a, b, limit=200)[0]
        for a, b in itertools.pairwise(pieces)
    )


@pytest.mark.parametrize("softness", [0.0, 0.3, 1.0])
@pytest.mark.parametrize(
    ("mean", "sd"), [(0.0, 1.0), (-2.5, 0.4), (1.7, 2.0), (0.2, 0.05), (4.0, 0.7)]
)
def test_the_band_likelihood_is_the_integral_of_the_band_over_the_emulators_belief(
    mean, sd, softness
):
    low, high = -0.5, 0.8
    closed = float(band_likelihood(np.array([mean]), np.array([sd]), low, high, softness)[0])
    assert closed == pytest.approx(by_quadrature(mean, sd, low, high, softness), abs=1e-7)


def test_a_certain_emulator_reads_the_band_at_its_mean():
    """sd 0: the hard band is 1 inside, 0 outside; the soft one falls off as a Gaussian of
    the distance to the nearer edge."""
    mean = np.array([0.0, 2.0, -3.0])
    sd = np.zeros(3)
    assert band_likelihood(mean, sd, -1.0, 1.0, 0.0).tolist() == [1.0, 0.0, 0.0]
    soft = band_likelihood(mean, sd, -1.0, 1.0, 0.5)
    assert soft == pytest.approx([1.0, np.exp(-1 / (2 * 0.25)), np.exp(-4 / (2 * 0.25))])


def test_an_emulator_that_knows_nothing_gives_no_likelihood():
    """An infinite standard deviation (a row the emulator cannot place) gives 0."""
    out = band_likelihood(np.array([0.0]), np.array([np.inf]), -1.0, 1.0, 0.5)
    assert out.tolist() == [0.0]


# ------------------------------------------------------------------ targets together


def targets(*ids: str) -> list[Target]:
    return [Target(i, 0.1, 0.9, "likely", "claim", None) for i in ids]


def test_the_largest_set_of_targets_some_row_meets_together_and_the_conflicts():
    """Rows x targets a, b, c: a and b never hold together; {a, c} holds on two rows,
    {b, c} on one, so {a, c} is the closest set."""
    ok = np.array([
        [1, 0, 1],
        [1, 0, 1],
        [0, 1, 1],
        [0, 1, 0],
    ], dtype=bool)  # fmt: skip
    best, conflicts = closest_set(ok, targets("a", "b", "c"))
    assert best == [0, 2] and conflicts == [("a", "b")]


def test_targets_that_all_hold_somewhere_are_all_kept():
    ok = np.array([[1, 1], [0, 1]], dtype=bool)
    assert closest_set(ok, targets("a", "b")) == ([0, 1], [])


def test_a_target_no_row_meets_is_neither_kept_nor_a_conflict():
    ok = np.array([[1, 0], [1, 0]], dtype=bool)
    assert closest_set(ok, targets("a", "b")) == ([0], [])
    assert closest_set(np.zeros((2, 2), dtype=bool), targets("a", "b")) == ([], [])


# ------------------------------------------------------------------ free parameters


TABLE = [
    Entry("patron.ambition", ParamSpec(uniform=(0.2, 0.8))),
    Entry("patron.cost", ParamSpec(value=0.3)),
    Entry("client.resolve", ParamSpec(triangular=(0.0, 0.5, 1.0))),
]


def test_every_uncertain_parameter_is_free_unless_some_are_named():
    assert [e.path for e in free_entries(TABLE, None)] == ["patron.ambition", "client.resolve"]
    named = free_entries(TABLE, ("client.resolve",))
    assert [e.path for e in named] == ["client.resolve"]


def test_a_free_parameter_that_is_unknown_or_fixed_is_refused_with_its_reason():
    with pytest.raises(UsageError, match=r"no parameter 'patron\.ambitio'.*patron\.ambition"):
        free_entries(TABLE, ("patron.ambitio",))
    with pytest.raises(UsageError, match=r"'patron\.cost' is a fixed value, not a distribution"):
        free_entries(TABLE, ("patron.cost",))


# ------------------------------------------------------------------ weighted summaries


def test_kish_effective_sample_size():
    assert ess(np.array([1.0, 1.0, 1.0, 1.0])) == pytest.approx(4.0)
    assert ess(np.array([3.0, 1.0])) == pytest.approx(16 / 10)
    assert ess(np.array([])) == 0.0 and ess(np.zeros(3)) == 0.0


def test_the_weighted_quantile_is_the_first_value_whose_cumulative_weight_reaches_it():
    x = np.array([3.0, 1.0, 2.0, 4.0])
    w = np.array([1.0, 1.0, 2.0, 0.0])  # sorted: 1 (0.25), 2 (0.75), 3 (1.0), 4 (1.0)
    assert [weighted_quantile(x, w, q) for q in (0.1, 0.25, 0.3, 0.75, 0.8, 1.0)] == [
        1.0, 1.0, 2.0, 2.0, 3.0, 3.0]  # fmt: skip


def test_describe_gives_the_weighted_mean_sd_and_90_percent_interval():
    x = np.arange(1.0, 21.0)
    w = np.ones(20)
    d = describe(x, w)
    assert d.mean == pytest.approx(10.5)
    assert d.sd == pytest.approx(np.std(x))
    assert (d.q05, d.q95) == (1.0, 19.0)
    heavy = describe(np.array([0.0, 10.0]), np.array([3.0, 1.0]))
    assert heavy.mean == pytest.approx(2.5) and heavy.sd == pytest.approx(np.sqrt(18.75))


def test_a_free_parameter_mistake_is_blamed_on_the_free_option():
    for path in ("patron.ambitio", "patron.cost"):
        with pytest.raises(UsageError) as caught:
            free_entries(TABLE, (path,))
        assert caught.value.option == "--free"


# ------------------------------------------------------------------ the screens


def test_a_screen_reads_each_rows_level_and_each_targets_band_width():
    """A pooled emulator whose two levels sit at log-odds -2 and +2 (no other effect):
    a target of 40-60 % keeps only the rows whose level's s.d. reaches the band; a soft
    band's width reaches further. A wave without an emulator for a target does not
    screen for it, and the screens with every target together keep what each keeps."""
    from sim.analysis.calibration.settings import Wave
    from sim.analysis.calibration.steps import plausible, plausible_for_all
    from sim.analysis.emulator import Emulator, Pooled, features

    u = np.linspace(0.0, 1.0, 6)[:, None]
    k = features(u).shape[1]
    beta = np.zeros(k + 2)
    beta[k:] = (-2.0, 2.0)
    covariance = np.eye(k + 2) * 1e-8
    emu = Emulator(beta, covariance, 0.5, 0.0, 1.0, 0.5, 100, levels=2)
    strata = np.array([0, 1, 0, 1, 0, 1])
    near_low = Target("low", 0.05, 0.2, "unlikely", "c", None)  # log-odds -2.9 to -1.4
    soft_high = Target("high", 0.5, 0.6, "even", "c", None, softness=3.0)
    other = Target("other", 0.0001, 0.0002, "remote", "c", None)  # no emulator: no screen
    wave = Wave(1, 6, {"low": Pooled(emu, 2), "high": Pooled(emu, 2)})
    got = plausible([wave], [near_low, soft_high, other], u, strata, 1.0)
    assert got[:, 0].tolist() == [True, False] * 3, "only the level at -2 is near 5-20 %"
    assert got[:, 1].tolist() == [True] * 6, "a band 3 wide reaches both levels"
    assert got[:, 2].tolist() == [True] * 6
    hard_high = Target("high", 0.75, 0.9, "likely", "c", None)  # log-odds 1.1 to 2.2
    assert plausible([wave], [hard_high], u, strata, 1.0)[:, 0].tolist() == [False, True] * 3
    together = plausible_for_all([wave], [near_low, soft_high, other], u, strata, 1.0)
    assert together.tolist() == got.all(axis=1).tolist()
    assert plausible_for_all([wave], [near_low, hard_high], u, strata, 1.0).tolist() == [False] * 6


def known(beta, covariance, discrepancy: float):
    """An emulator with coefficients and covariance set by hand."""
    from sim.analysis.emulator import Emulator

    return Emulator(
        np.asarray(beta, float), np.asarray(covariance, float), discrepancy, 0.0, 1.0, 0.5, 100
    )


def test_screening_applies_every_wave_not_only_the_last():
    """Two waves whose emulators rule out different rows: a row is plausible only if no
    wave rules it out, so the screen is the intersection of the waves' own screens."""
    from sim.analysis.calibration.settings import Target, Wave
    from sim.analysis.calibration.steps import plausible, plausible_for_all
    from sim.analysis.emulator import Pooled, features

    u = np.linspace(0.0, 1.0, 101)[:, None]
    x = features(u)
    falling = known([0.0, 3, 2, 1, 0, -1, -2, -3], np.eye(8) * 1e-6, 0.1)
    rising = known([1.0, -3, -2, -1, 0, 1, 2, 3], np.eye(8) * 1e-6, 0.1)
    target = Target("t", 0.3, 0.7, "likely", "claim", None)
    waves = [
        Wave(1, 100, {"t": Pooled(falling)}),
        Wave(2, 100, {"t": Pooled(rising)}),
    ]
    one = np.zeros(len(u), dtype=np.int64)  # a single stratum: no readings
    lo, hi = math.log(0.3 / 0.7), math.log(0.7 / 0.3)
    first, second = falling.within(x, lo, hi, 3.0), rising.within(x, lo, hi, 3.0)
    both = first & second
    assert both.any() and (second & ~first).any(), "the waves disagree on some rows"
    assert plausible_for_all(waves, [target], u, one, 3.0).tolist() == both.tolist()
    assert plausible(waves, [target], u, one, 3.0)[:, 0].tolist() == both.tolist()


def test_the_discrepancy_probabilities_are_bayes_rule_over_every_case():
    """Enumerate the 2^m cases of which targets are the model's discrepancy (prior ε each,
    independently; a discrepant target's likelihood is 1): the posterior probability of
    each target being one, summed over the cases, is what the closed form gives."""
    import itertools

    from sim.analysis.calibration.steps import discrepancy_probabilities

    rng = np.random.default_rng(3)
    n, m, eps = 400, 3, 0.05
    likelihood = rng.uniform(size=(n, m)) ** rng.uniform(0.5, 8, size=m)
    likelihood[:, 2] *= likelihood[:, 0] < 0.2  # the third holds only where the first fails
    base = rng.uniform(size=n)
    joint = np.zeros(m)
    total = 0.0
    for case in itertools.product([0, 1], repeat=m):
        prior = np.prod([eps if c else 1 - eps for c in case])
        rows = base * np.prod(
            [np.ones(n) if c else likelihood[:, k] for k, c in enumerate(case)], 0
        )
        mass = prior * rows.mean()
        total += mass
        joint += mass * np.array(case)
    got = discrepancy_probabilities(likelihood, base, eps)
    assert np.allclose(got, joint / total, rtol=1e-12, atol=1e-12), (got, joint / total)
    # The first target holds on 80 % of the prior, the second only where the first does
    # not: the second is the one the evidence names (P = 0.99), the first is not (0.23).
    held = np.arange(100) < 80
    two = np.column_stack([np.where(held, 1.0, 0.01), np.where(held, 0.0, 1.0)])
    first, second = discrepancy_probabilities(two, np.ones(100), eps)
    assert second > 0.5 > first
    assert first == pytest.approx(
        eps / (eps + (1 - eps) * (0.8 * eps + 0.2 * 0.01) / (0.8 * eps + 0.2))
    )


def test_the_method_is_said_in_words_with_its_band_and_discrepancy():
    from sim.analysis.calibration.settings import CalibrationSettings

    hard = CalibrationSettings(band="hard", discrepancy=0.05)
    assert hard.method_words() == "history matching, hard bands, discrepancy 0.05"
    soft = CalibrationSettings(band="soft", softness=0.25, discrepancy=0.1)
    assert soft.method_words() == "history matching, soft bands (0.25 log-odds), discrepancy 0.1"


# ------------------------------------------------------------------ the calibrated scenario


def calibrated_doc(tmp_path, observations, **settings):
    """Write a calibrated toy (one posterior row) and read back its header and document."""
    import pandas as pd
    import yaml

    from sim.analysis.calibration.calibrated import write_calibrated
    from sim.analysis.calibration.settings import CalibrationSettings
    from sim.scenario.loader import file_sha256, load
    from tests.conftest import ROOT

    toy = ROOT / "tests" / "fixtures" / "toy_calibration.yaml"
    data = yaml.safe_load(toy.read_text())
    data["observations"] = observations
    source = tmp_path / "analyst" / "toy.yaml"
    source.parent.mkdir(parents=True)
    source.write_text(yaml.safe_dump(data, sort_keys=False))
    out = tmp_path / "cal"
    out.mkdir()
    frame = pd.DataFrame({"x": [0.5], "weight": [1.0], "draw_weight": [1.0]})
    path = write_calibrated(out, source, load(source), CalibrationSettings(**settings), frame)
    text = path.read_text()
    head = [line for line in text.splitlines() if line.startswith("#")]
    assert file_sha256(out / "posterior.parquet") in text
    return head, yaml.safe_load(text)


GRANTED_OBSERVATION = {
    "id": "granted",
    "value": True,
    "as_of": "2020-10-02",
    "source": "toy",
    "metric": "rung_by",
    "rung": "more_exercises",
    "end": "2020-10-02",
}


def test_the_calibrated_scenario_extends_its_source_and_draws_from_the_posterior(tmp_path):
    head, doc = calibrated_doc(tmp_path, [])
    assert list(doc) == ["format", "extends", "metadata", "posterior"], "in the order written"
    assert doc["extends"] == "../analyst/toy.yaml"
    assert doc["metadata"]["name"].endswith(" (calibrated)")
    assert doc["posterior"]["file"] == "posterior.parquet"
    assert doc["posterior"]["weight"] == "draw_weight"
    assert head[0].startswith("# Calibrated by `wargame calibrate` on ")
    assert head[0].endswith(" from toy.yaml.")
    assert head[1:] == [
        "# Its freed parameters are drawn jointly from posterior.parquet (by draw_weight);",
        "# see calibration.json for the diagnostics. Do not edit the posterior file: its",
        "# SHA-256 below is checked on every load.",
    ]


def test_the_observations_calibrated_on_are_written_as_given(tmp_path):
    """Each observation as its author wrote it (no defaults or empty fields added), with
    its value and metric always; without any, and no as-of date, none are written."""
    _, doc = calibrated_doc(tmp_path, [GRANTED_OBSERVATION])
    (written,) = doc["observations"]
    assert written == GRANTED_OBSERVATION
    assert "observations" not in calibrated_doc(tmp_path / "b", [])[1]


def test_a_calibration_as_of_a_date_writes_the_observations_it_kept_even_none(tmp_path):
    """As of a date, the calibrated scenario lists exactly the observations known then,
    so it does not take up its source's later ones."""
    _, doc = calibrated_doc(tmp_path, [], as_of="2020-10-01")
    assert doc["observations"] == []


def test_a_certain_emulator_exactly_on_an_edge_is_half_inside_by_the_limit():
    """sd 0 with the mean on an edge reads as the limit sd → 0 does (half of the belief
    inside; the soft band's tail adds the other half), not as 0 / 0, and warns of
    nothing."""
    import warnings

    edges = np.array([1.0, -1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        hard = band_likelihood(edges, np.zeros(2), -1.0, 1.0, 0.0)
        soft = band_likelihood(edges, np.zeros(2), -1.0, 1.0, 0.5)
    assert hard.tolist() == [0.5, 0.5] and soft.tolist() == [1.0, 1.0]
    near = band_likelihood(edges, np.full(2, 1e-12), -1.0, 1.0, 0.5)
    assert near == pytest.approx(soft)
    assert band_likelihood(edges, np.full(2, 1e-12), -1.0, 1.0, 0.0) == pytest.approx(hard)


def test_with_no_row_weighted_every_target_reads_as_a_discrepancy():
    """No prior row carries weight (every row's other evidence 0): nothing in the model
    meets any target, so each is named (probability 1), not 0 / 0. The weights' scale
    does not matter otherwise, a total below one included."""
    from sim.analysis.calibration.steps import discrepancy_probabilities

    likelihood = np.array([[0.2, 1.0], [0.6, 0.0]])
    assert discrepancy_probabilities(likelihood, np.zeros(2), 0.1).tolist() == [1.0, 1.0]
    small = discrepancy_probabilities(likelihood, np.full(2, 1e-3), 0.1)
    assert small == pytest.approx(discrepancy_probabilities(likelihood, np.ones(2), 0.1))
    assert small[0] < 0.5
