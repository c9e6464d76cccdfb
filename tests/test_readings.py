"""Readings: a sentence read more than one way, drawn per replicate, shown mixed and per
reading, and weighed by calibration as Bayes' rule says.

The toy is tests/fixtures/toy_calibration.yaml: the event "the first rung is granted at
the meeting" has probability exactly the summit's acceptance probability. A reading that
fixes that probability therefore fixes the event's probability under it.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from sim.analysis.calibration import CalibrationSettings, calibrate
from sim.analysis.emulator import logit
from sim.engine.plan import Plan
from sim.engine.replicate import draw_values
from sim.present.cli import main
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import load
from sim.scenario.params import ICD203
from tests.conftest import ROOT

TOY = ROOT / "tests" / "fixtures" / "toy_calibration.yaml"
THETA = "operations.summits.meeting.accept_probability"


def reading(open_p: float, other_p: float, weight: float | str = 0.7) -> dict:
    """A reading of the meeting: `open` (the first option, with `weight`) and `keen`,
    each fixing the acceptance probability."""

    def patch(p: float) -> dict:
        return {"operations": {"summits": [{"name": "meeting", "accept_probability": p}]}}

    return {
        "name": "meeting",
        "source": "toy",
        "options": [
            {"name": "open", "weight": weight, "patch": patch(open_p)},
            {"name": "keen", "patch": patch(other_p)},
        ],
    }


def toy(tmp_path: Path, readings: list[dict], **changes) -> Path:
    data = yaml.safe_load(TOY.read_text())
    data.update(changes, readings=readings)
    path = tmp_path / "toy_readings.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_two_readings_mix_by_their_weights(tmp_path):
    """Weights 0.7/0.3, P(event) 0.2 and 0.9 under each: mixed 0.7 x 0.2 + 0.3 x 0.9
    = 0.41, each within three binomial standard errors, and each reading drawn by about
    its weight."""
    path = toy(tmp_path, [reading(0.2, 0.9)])
    n = 4000
    out = tmp_path / "run"
    assert main(["run", str(path), "-n", str(n), "--out", str(out), "--lean"]) == 0
    summary = json.loads((out / "summary.json").read_text())
    mixed = next(j for j in summary["judgments"] if j["id"] == "granted")
    assert abs(mixed["p"] - 0.41) <= 3 * math.sqrt(0.41 * 0.59 / n)
    (r,) = summary["readings"]
    for option, weight, p in zip(r["options"], (0.7, 0.3), (0.2, 0.9), strict=True):
        drawn = option["drawn"]
        assert abs(drawn["p"] - weight) <= 3 * math.sqrt(weight * (1 - weight) / n)
        est = option["judgments"]["granted"]
        assert abs(est["p"] - p) <= 3 * math.sqrt(p * (1 - p) / est["n"]), option["name"]
    outcomes = pd.read_parquet(out / "outcomes.parquet")
    assert set(outcomes["reading.meeting"]) == {"open", "keen"}


def test_a_shared_parameter_draws_the_same_under_every_reading(tmp_path):
    """Common random numbers: fixing the reading to one option or the other changes
    only what the reading patches; the patron's ambition (shared) is drawn identically."""
    data = yaml.safe_load(TOY.read_text())
    data["actors"][0]["params"]["ambition"] = {"uniform": [0.0, 1e-9], "assumption": True}
    path = toy(tmp_path, [reading(0.2, 0.9)], actors=data["actors"])
    plan = Plan(load(path))
    first = plan.overridden({"readings.meeting": 0})
    second = plan.overridden({"readings.meeting": 1})
    a, _ = draw_values(first, 5, 0, 200)
    b, _ = draw_values(second, 5, 0, 200)
    at, theta = plan.index["actors.patron.ambition"], plan.index[THETA]
    assert np.array_equal(a[:, at], b[:, at])
    assert set(a[:, theta]) == {0.2} and set(b[:, theta]) == {0.9}


def _bayes(prior: float, likelihoods: tuple[float, float]) -> float:
    """P(first reading | evidence) by Bayes' rule."""
    a, b = prior * likelihoods[0], (1 - prior) * likelihoods[1]
    return a / (a + b)


SETTINGS = dict(waves=2, replicates=3000, posterior_rows=20_000, check_replicates=1000)


def test_calibration_to_a_judgment_only_one_reading_meets(tmp_path):
    """Under `open` P = 0.7 (inside likely's 55-80 %), under `keen` P = 0.95 (outside).
    With the soft band of softness τ and discrepancy ε, a reading's likelihood is
    (1 - ε) L + ε, L = 1 inside and exp(-d² / 2τ²) at log-odds distance d outside, so
    P(open | judgment) = 0.7 / (0.7 + 0.3 ((1 - ε) L(0.95) + ε)); with the hard band and
    no discrepancy term, 1. Tolerance: three Monte Carlo standard errors of a weighted
    share (from the ESS), plus the change an emulator's log-odds error of three reported
    standard deviations makes to L."""
    high = ICD203["likely"][1]
    tau, eps = 0.5, 0.05
    d = float(logit(0.95) - logit(high))
    soft = math.exp(-(d**2) / (2 * tau**2))
    path = toy(tmp_path, [reading(0.7, 0.95)])
    for band, discrepancy, expected in (
        ("soft", eps, _bayes(0.7, (1.0, (1 - eps) * soft + eps))),
        ("hard", 0.0, 1.0),
    ):
        settings = CalibrationSettings(**SETTINGS, band=band, softness=tau, discrepancy=discrepancy)
        report = calibrate(path, tmp_path / band, settings)
        (r,) = report.readings
        got = r.options[0].posterior
        s = report.targets[0].emulator_sd_log_odds
        slope = (d / tau**2) * soft * (1 - discrepancy) if band == "soft" else 0.0
        tolerance = 3 * r.options[0].posterior_se + 0.3 * slope * 3 * s + 1e-3
        assert abs(got - expected) <= tolerance, (band, got, expected, tolerance)
        assert report.method.count("soft" if band == "soft" else "hard bands") == 1


def test_an_observation_weighs_the_readings_as_bayes_rule_says(tmp_path):
    """No judgment; the rung was granted. P(yes | open) = 0.7, P(yes | keen) = 0.95, so
    P(open | yes) = 0.7 x 0.7 / (0.7 x 0.7 + 0.3 x 0.95) = 0.632."""
    observation = {
        "id": "granted",
        "value": True,
        "as_of": "2020-10-02",
        "source": "toy",
        "metric": "rung_by",
        "rung": "more_exercises",
        "end": "2020-10-02",
    }
    path = toy(tmp_path, [reading(0.7, 0.95)], judgments=[], observations=[observation])
    report = calibrate(path, tmp_path / "cal", CalibrationSettings(**SETTINGS))
    post = pd.read_parquet(tmp_path / "cal" / "posterior.parquet")
    w = post["weight"].to_numpy()
    got = float(np.sum(w[post["readings.meeting"] == 0]) / w.sum())
    expected = _bayes(0.7, (0.7, 0.95))
    # the agreement emulator's error per stratum: a log-odds s.d. of about
    # 1 / sqrt(n p (1 - p)) moves P(yes) by p (1 - p) times it
    n_open = 0.7 * 3000 * 0.8
    emulator = 3 * math.sqrt(0.7 * 0.3 / n_open)
    tolerance = 3 * math.sqrt(expected * (1 - expected) / report.ess) + emulator
    assert abs(got - expected) <= tolerance, (got, expected, tolerance)


EXTRA_JUDGMENT = {
    "id": "extra",
    "claim": "c",
    "word": "likely",
    "metric": "present_on",
    "end": "2020-10-02",
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"patch": {"metadata": {"horizon_months": 6}}}, "cannot patch 'metadata:'"),
        (
            {"patch": {"operations": {"summits": [{"name": "meeting", "when": 1}]}}},
            "unknown key 'when'",
        ),
        ({"weight": 1.2}, "must lie in (0, 1]"),
        ({"weight": "rarely"}, "not an estimative word"),
        (
            {"patch": {"judgments": [{**EXTRA_JUDGMENT}]}},
            "adds or removes judgments",
        ),
    ],
)
def test_a_bad_reading_is_a_clear_error(tmp_path, change, message):
    r = reading(0.2, 0.9)
    r["options"][1].update(change)
    path = toy(tmp_path, [r])
    with pytest.raises(ScenarioError) as e:
        load(path)
    text = str(e.value)
    assert message in text and "toy_readings.yaml" in text, text


def test_weights_that_do_not_sum_to_one_are_refused(tmp_path):
    r = reading(0.2, 0.9)
    r["options"][1]["weight"] = 0.5
    with pytest.raises(ScenarioError, match="sum to 1"):
        load(toy(tmp_path, [r]))


def test_a_reading_weight_may_be_an_estimative_word(tmp_path):
    """The word "likely" weighs the middle of its range (0.675); the other option the rest."""
    s = load(toy(tmp_path, [reading(0.2, 0.9, weight="likely")]))
    assert s.readings[0].weights == pytest.approx((0.675, 0.325))


def test_a_sweep_treats_a_reading_as_a_categorical_factor(tmp_path):
    """A reading swept on [0, 2): option floor(x), so both options are run."""
    from sim.analysis.sweep import ModelEvaluator, resolve_factors

    path = toy(tmp_path, [reading(0.2, 0.9)])
    scenario = load(path)
    (factor,) = resolve_factors(Plan(scenario), {"readings.meeting": None})
    assert (factor.low, factor.high) == (0.0, 2.0)
    ev = ModelEvaluator(scenario, ["readings.meeting"], seed=3, outcome="judgment.granted")
    low, _ = ev(np.array([0.4]), 0, 2000)
    high, _ = ev(np.array([1.6]), 0, 2000)
    assert abs(low / 2000 - 0.2) <= 3 * math.sqrt(0.2 * 0.8 / 2000)
    assert abs(high / 2000 - 0.9) <= 3 * math.sqrt(0.9 * 0.1 / 2000)


def test_too_many_combinations_of_readings_is_a_located_error(tmp_path, capsys):
    """Three readings of five options each make 125 combinations, above the 64 allowed:
    one located line and exit status 2, not a traceback."""
    many = [{"name": f"r{k}", "options": [{"name": f"o{i}"} for i in range(5)]} for k in range(3)]
    path = toy(tmp_path, many)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "125 combinations of readings" in err and "toy_readings.yaml" in err
    assert "Traceback" not in err


def test_discover_restricts_a_reading_to_a_set_of_its_options(tmp_path):
    """Under `late` the meeting falls after the judgment's date, so P(granted) = 0; under
    `on_time` it is θ ~ U(0, 1). PRIM's box holds the reading to {on_time}, by name, and
    the tree's legend names the options' codes."""
    from sim.analysis.discover import DiscoverySettings, discover
    from sim.present.text.discovery import limit_text
    from sim.runs.results import load_run

    late = {"operations": {"summits": [{"name": "meeting", "date": "2020-11-01"}]}}
    options = [{"name": "late", "weight": 0.5, "patch": late}, {"name": "on_time", "patch": {}}]
    path = toy(tmp_path, [{"name": "meeting", "source": "toy", "options": options}])
    out = tmp_path / "run"
    assert main(["run", str(path), "-n", "1500", "--out", str(out), "--lean"]) == 0
    # a threshold below the density PRIM's greedy peeling reaches on these rows (about
    # 0.78; the cases under `on_time` rise with θ): the subject is the reading's limit
    settings = DiscoverySettings(outcome="granted", boxes=1, threshold=0.7)
    found = discover(load_run(out), settings)
    (box,) = found.report.boxes
    limit = next(lim for lim in box.limits if lim.parameter == "readings.meeting")
    assert limit.options == ["on_time"] and limit.prior_options == ["late", "on_time"]
    assert limit_text(limit) == "readings.meeting in {on_time}"
    assert not found.y[(found.x["readings.meeting"] == "late").to_numpy()].any()
    assert "(readings.meeting: 0 = late, 1 = on_time)" in found.report.tree
    assert main(["discover", str(out), "--outcome", "granted", "--threshold", "0.7"]) == 0
    assert main(["report", str(out)]) == 0
    assert (
        'on_time <span class="small">of late, on_time</span>' in (out / "report.html").read_text()
    )


def test_a_variants_number_names_its_combination(tmp_path):
    """Two readings of 2 and 3 options: the combinations run with the first reading
    slowest, and the variant number computed from a replicate's option indices is the
    position of its combination, so each replicate runs the variant it drew."""
    meeting = reading(0.2, 0.9)
    second = {
        "name": "pace",
        "source": "toy",
        "options": [
            {"name": f"p{k}", "weight": w, "patch": {}} for k, w in enumerate((0.2, 0.3, 0.5))
        ],
    }
    plan = Plan(load(toy(tmp_path, [meeting, second])))
    mixture = plan.mixture
    assert mixture.combos == [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2)], (
        f"combinations {mixture.combos}: the first reading's options must vary slowest"
    )
    numbers = mixture.variant_of(np.array(mixture.combos)).tolist()
    assert numbers == list(range(6)), (
        f"option indices {mixture.combos} name variants {numbers}: the combinations are "
        "not in the order variant_of counts them"
    )
    drawn = mixture.variant_of(np.array(mixture.combos, dtype=float))  # as values hold them
    assert drawn.dtype == np.int64 and drawn.tolist() == numbers, "variant numbers index plans"
    for v, combo in enumerate(mixture.combos):
        values = np.zeros(len(mixture.table))
        values[:2] = combo
        chosen, _ = mixture.resolve(values)
        theta = chosen.index[THETA]
        assert chosen is mixture.plans[v]
        assert chosen.table[theta].spec.value == (0.2, 0.9)[combo[0]], combo


def test_joint_rows_hold_whichever_reading_a_replicate_draws(tmp_path):
    """A posterior row fixing θ at 0.55 holds under both readings: the rows are applied
    again after each variant draws its own entries (where the reading's 0.2 or 0.9 would
    otherwise stand)."""
    from sim.engine.rows import Rows

    plan = Plan(load(toy(tmp_path, [reading(0.2, 0.9)])))
    mixture = plan.mixture
    n = 400
    u = np.random.default_rng(1).random((n, len(mixture.table)))
    at = [mixture.table.index(next(e for e in mixture.table if e.path == THETA))]
    rows = Rows.design([THETA], np.full((n, 1), 0.55))
    values, which = mixture.draw(u, np.arange(n), np.zeros(n), rows, at)
    assert set(which.tolist()) == {0, 1}  # both readings drawn
    assert set(values[:, at[0]].tolist()) == {0.55}, (
        "the posterior's θ = 0.55 was overwritten by the chosen reading's own draw: the "
        "rows must be applied again after the variant is chosen"
    )


def test_an_override_reaches_every_reading(tmp_path):
    """Setting θ for a sweep point sets it under both readings (each variant's own plan),
    not only in the mixture's table."""
    plan = Plan(load(toy(tmp_path, [reading(0.2, 0.9)])))
    fixed = plan.overridden({THETA: 0.55})
    for variant in fixed.mixture.plans:
        assert variant.table[variant.index[THETA]].spec.value == 0.55, (
            "a variant still draws its own θ after the override"
        )


def test_a_readings_table_entry_says_what_it_is_and_where_it_comes_from(tmp_path):
    """The entry a reading adds to the parameter table: an option index in [0, 1], named
    option by option, carrying the reading's source and rationale; a reading without a
    source is an assumption, one with a source is what it says."""
    from sim.engine.mixture import reading_entries

    sourced = {**reading(0.2, 0.9), "rationale": "why", "assumption": False}
    unsourced = {**reading(0.2, 0.9), "name": "other", "source": None, "rationale": "a guess"}
    unsourced["source"] = ""
    scenario = load(toy(tmp_path, [sourced, unsourced]))
    first, second = reading_entries(scenario)
    assert (first.path, first.units, first.doc, first.bounds) == (
        "readings.meeting",
        "option",
        "which reading: 0 = open, 1 = keen",
        (0, 1),
    )
    assert (first.spec.source, first.spec.rationale, first.spec.assumption) == ("toy", "why", False)
    assert (second.spec.rationale, second.spec.assumption) == ("a guess", True)


def test_a_plan_built_with_overrides_passes_them_to_every_reading(tmp_path):
    plan = Plan(load(toy(tmp_path, [reading(0.2, 0.9)])), overrides={THETA: 0.55})
    for variant in plan.mixture.plans:
        assert variant.table[variant.index[THETA]].spec.value == 0.55


def test_a_combinations_label_names_each_readings_option(tmp_path):
    from sim.scenario.readings import label

    second = {
        "name": "pace",
        "source": "toy",
        "options": [{"name": "slow", "weight": 0.5, "patch": {}}, {"name": "fast", "patch": {}}],
    }
    scenario = load(toy(tmp_path, [reading(0.2, 0.9), second]))
    assert label(scenario, (1, 0)) == "meeting=keen, pace=slow"


def test_a_plan_built_with_a_reading_fixed_runs_only_that_reading(tmp_path):
    plan = Plan(load(toy(tmp_path, [reading(0.2, 0.9)])), overrides={"readings.meeting": 1})
    values, _ = draw_values(plan, 3, 0, 50)
    assert set(values[:, plan.index["readings.meeting"]]) == {1.0}
    assert set(values[:, plan.index[THETA]]) == {0.9}


def test_a_variant_that_changes_the_cast_or_the_tracks_is_refused_with_the_reason(tmp_path):
    from sim.scenario.readings import same_shape
    from sim.scenario.schema import Scenario

    base = load(toy(tmp_path, [reading(0.2, 0.9)]))
    data = base.model_dump(exclude_unset=True, exclude={"readings"})
    other_role = {**data, "actors": [{**data["actors"][0], "name": "rival"}, data["actors"][1]]}
    recast = Scenario.model_validate(other_role)
    assert same_shape(base, recast) == ["changes the actors or their roles; a reading may not"]
    extra = {"name": "more", "rungs": [{"name": "none", "cost": 0}, {"name": "some", "cost": 1}]}
    ladder = {"name": "ladder", "rungs": data.pop("ladder")}
    retracked = Scenario.model_validate({**data, "tracks": [ladder, extra]})
    assert same_shape(base, retracked) == ["changes the tracks; a reading may not"]
    assert same_shape(base, base) == []


def test_as_many_combinations_as_allowed_are_enumerated(tmp_path):
    from sim.scenario.checks import MAX_COMBINATIONS
    from sim.scenario.readings import combinations

    def binary(name: str) -> dict:
        return {
            "name": name,
            "source": "toy",
            "options": [{"name": "a", "weight": 0.5, "patch": {}}, {"name": "b", "patch": {}}],
        }

    n = MAX_COMBINATIONS.bit_length() - 1  # 2 ** n == MAX_COMBINATIONS
    assert 2**n == MAX_COMBINATIONS
    scenario = load(toy(tmp_path, [binary(f"r{i}") for i in range(n)]))
    assert len(combinations(scenario)) == MAX_COMBINATIONS
