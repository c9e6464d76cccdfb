"""Signposts on a toy with a known answer, run in memory, and their statistics on hand-set
tables (the command's outputs and errors are in test_signposts_cli.py).

The toy: two summits (1 October, acceptance 0.5; 1 November, 0.4 for a client that has
not yet granted), so the outcome "the first rung is granted by 2 November" has
P = 0.5 + 0.5 x 0.4 = 0.7. The indicator "not granted at the first summit" (A) then has
P(O | A) = 0.4, P(O | not A) = 1 and the likelihood ratio
P(A | O) / P(A | not O) = (0.2 / 0.7) / 1 = 2/7; its value of information is
P(A) P(not A) (P(O | A) - P(O | not A))^2 = 0.25 x 0.36 = 0.09. A dated exercise whose
start is drawn uniformly over 16 days is independent of both summits: its indicator
carries no information about the outcome.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
import math
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import yaml

from sim.analysis import signposts as sp
from sim.analysis.signpost_statistics import MAX_WEIGHTS, Clades, phi
from sim.engine.plan import Plan
from sim.scenario.claims import Question
from sim.scenario.loader import load, load_questions, loads
from tests.conftest import MINIMAL, ROOT
from tests.helpers import outcomes_of

TOY = ROOT / "tests" / "fixtures" / "toy_calibration.yaml"
N = 4000


def toy(tmp_path: Path) -> Path:
    data = yaml.safe_load(TOY.read_text())
    data["judgments"] = []
    data["monte_carlo"]["replicates"] = N
    data["operations"]["summits"] = [
        {"name": "first", "date": "2020-10-01", "patron": "patron",
         "accept_probability": {"value": 0.5, "assumption": True}},
        {"name": "second", "date": "2020-11-01", "patron": "patron",
         "accept_probability": {"value": 0.4, "assumption": True}},
    ]  # fmt: skip
    data["operations"]["exercises"] = [
        {"name": "drill", "patron": "patron", "units": ["u"],
         "start_window": ["2020-09-20", "2020-10-05"], "duration_days": {"value": 3}},
    ]  # fmt: skip
    data["questions"] = [
        {"id": "granted", "question": "Granted by 2 November?", "metric": "rung_by",
         "rung": "more_exercises", "end": "2020-11-02"},
    ]  # fmt: skip
    path = tmp_path / "toy_signposts.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    (tmp_path / "indicators.yaml").write_text(yaml.safe_dump({"questions": [
        {"id": "not_at_first", "question": "Not granted at the first summit?",
         "metric": "rung_by", "rung": "more_exercises", "end": "2020-10-02", "negate": True},
        {"id": "early_drill", "question": "The drill starts by 27 September?",
         "metric": "exercise_in", "start": "2020-09-16", "end": "2020-09-27"},
    ]}, sort_keys=False))  # fmt: skip
    return path


def within_three_se(stat: sp.Estimate, truth: float) -> bool:
    """`truth` within three bootstrap standard errors (95 % half-width / 1.96)."""
    se = (stat.high - stat.low) / (2 * 1.96)
    return abs(stat.estimate - truth) <= 3 * se


@pytest.fixture(scope="module")
def ranked(tmp_path_factory) -> sp.SignpostReport:
    """The toy's signposts for 'granted', as ``wargame signposts --indicators`` computes
    them (the command is test_signposts_cli.py's), from N replicates run in memory."""
    tmp = tmp_path_factory.mktemp("signposts")
    scenario = load(toy(tmp))
    plan = Plan(scenario)
    settings = sp.outcome_column_check(plan, sp.SignpostSettings("granted"))
    settings = replace(settings, until=sp.default_until(plan, settings))
    listed = load_questions(tmp / "indicators.yaml", scenario)
    cands = sp.candidates(plan, settings.until, listed)
    outcomes = outcomes_of(Plan(sp.with_indicators(scenario, cands)), N, 7)
    return sp.signposts(outcomes, plan, cands, settings, 7)


def test_the_indicator_that_decides_the_outcome_ranks_first_with_the_analytic_ratio(ranked):
    r = ranked
    first = r.signposts[0]
    assert first.id == "not_at_first"
    for key, truth in (
        ("likelihood_ratio", 2 / 7),
        ("p_given", 0.4),
        ("p_indicator", 0.5),
        ("voi", 0.09),
    ):
        stat = getattr(first, key)
        assert within_three_se(stat, truth), (key, stat)
    assert first.p_given_not.estimate == pytest.approx(1.0)


def test_an_independent_indicator_is_worth_nothing_within_monte_carlo_error(ranked):
    """The de-biased value of information of the independent drill is within three of
    its bootstrap standard errors (the 95 % interval's half-width / 1.96) of zero."""
    r = ranked
    drill = next(s for s in r.signposts if s.id == "early_drill")
    assert within_three_se(drill.voi, 0.0), drill.voi
    assert within_three_se(drill.likelihood_ratio, 1.0), drill.likelihood_ratio


def test_the_statistics_match_a_hand_computed_table():
    """I&O = 30, I&~O = 10, ~I&O = 20, ~I&~O = 40 (n = 100): P(I) = 0.4, P(O | I) = 0.75,
    P(O | ~I) = 1/3, LR = (30/50) / (10/50) = 3."""
    from sim.analysis.signpost_statistics import table_statistics

    i = np.repeat([True, True, False, False], [30, 10, 20, 40])
    o = np.repeat([True, False, True, False], [30, 10, 20, 40])
    s = table_statistics(i, o, np.random.default_rng(0))
    assert s.p_indicator.estimate == pytest.approx(0.4)
    assert s.p_given.estimate == pytest.approx(0.75)
    assert s.p_given_not.estimate == pytest.approx(1 / 3)
    assert s.likelihood_ratio.estimate == pytest.approx(3.0)
    shift = 0.4 * abs(0.75 - 0.5) + 0.6 * abs(1 / 3 - 0.5)
    assert s.shift.estimate == pytest.approx(shift)
    noise = 0.75 * 0.25 / 39 + (1 / 3) * (2 / 3) / 59
    assert s.voi.estimate == pytest.approx(0.24 * ((0.75 - 1 / 3) ** 2 - noise))
    assert math.isfinite(s.voi.low) and s.voi.low < s.voi.estimate


def test_indicators_of_one_family_fold_only_when_they_tell_the_same():
    """Two dates of one event correlated 0.9 fold into the better; a third correlated
    0.7 with it stays, though the two agree in 85 % of the replicates."""
    import datetime as dt

    import pandas as pd

    from sim.analysis.signposts import Candidate, rank
    from sim.scenario.claims import Question

    def _question(qid: str, text: str, **event) -> Question:
        return Question(id=qid, question=text, source="signpost candidate", **event)

    rng = np.random.default_rng(1)
    y = rng.random(4000) < 0.5
    a = np.where(rng.random(4000) < 0.9, y, ~y)  # informative
    b = np.where(rng.random(4000) < 0.97, a, ~a)  # almost a copy of a
    c = np.where(rng.random(4000) < 0.85, a, ~a)  # agrees with a 85 % of the time: phi 0.7
    frame = pd.DataFrame({f"question.q{k}": v for k, v in enumerate((a, b, c))})
    cands = [
        Candidate(_question(f"q{k}", "?", metric="present_on", end=dt.date(2020, 10 + k, 1)),
                  "present_on", dt.date(2020, 10 + k, 1), "present")
        for k in range(3)
    ]  # fmt: skip
    ranked = rank(cands, frame, y, seed=0)
    assert [r.id for r in ranked] == ["q0", "q2"]
    assert ranked[0].also == ["2020-11-01"]


def test_the_clade_bootstrap_is_as_wide_as_the_distinct_histories():
    """k copies of each of m independent histories (what branching leaves) carry the
    information of m, not k x m: weighting whole clades gives the m-row table's interval,
    while counting copies as independent gives one sqrt(k) times narrower. The widths are
    quantile estimates from 1,000-4,000 draws (relative s.e. about 3 %), so 15 % is five
    standard errors."""
    from sim.analysis.signpost_statistics import Clades, table_statistics

    rng = np.random.default_rng(7)
    m, k = 400, 5
    i = rng.random(m) < 0.4
    o = np.where(i, rng.random(m) < 0.7, rng.random(m) < 0.3)
    copies, clade = (np.repeat(i, k), np.repeat(o, k)), np.repeat(np.arange(m), k)

    def width(stats: dict, key: str = "p_given") -> float:
        return getattr(stats, key).high - getattr(stats, key).low

    alone = table_statistics(i, o, np.random.default_rng(1))
    as_rows = table_statistics(*copies, np.random.default_rng(1))
    as_clades = table_statistics(*copies, np.random.default_rng(1),
                                 Clades(clade, np.random.default_rng(2)))  # fmt: skip
    one_each = table_statistics(i, o, np.random.default_rng(1),
                                Clades(np.arange(m), np.random.default_rng(2)))  # fmt: skip
    for key in ("p_given", "p_given_not", "p_indicator"):
        assert width(as_rows, key) < 0.6 * width(alone, key)  # 1 / sqrt(5) = 0.45
        assert width(as_clades, key) == pytest.approx(width(alone, key), rel=0.15)
        assert width(one_each, key) == pytest.approx(width(alone, key), rel=0.15)
    assert as_clades.p_given.estimate == pytest.approx(alone.p_given.estimate)
    # copies that share the indicator but whose outcomes diverged afterwards (a branch's
    # fresh continuations): the indicator's share is still m histories' worth, the outcome
    # given it is k x m draws' worth, and the clade bootstrap sees both
    diverged = np.where(copies[0], rng.random(m * k) < 0.7, rng.random(m * k) < 0.3)
    rows = table_statistics(copies[0], diverged, np.random.default_rng(1))
    clades = table_statistics(copies[0], diverged, np.random.default_rng(1),
                              Clades(clade, np.random.default_rng(2)))  # fmt: skip
    assert width(clades, "p_indicator") == pytest.approx(math.sqrt(k) * width(rows, "p_indicator"),
                                                          rel=0.15)  # fmt: skip
    assert width(clades, "p_given") == pytest.approx(width(rows, "p_given"), rel=0.15)


# ----------------------------------------------------------------- the statistics by hand


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ([1, 1, 0, 0], [1, 1, 0, 0], 1.0),
        ([1, 1, 0, 0], [0, 0, 1, 1], -1.0),
        ([1, 1, 0, 0], [1, 0, 1, 0], 0.0),
        # means 3/4 and 1/2; covariance 1/8; deviations sqrt(3)/4 and 1/2
        ([1, 1, 1, 0], [1, 1, 0, 0], (1 / 8) / (math.sqrt(3) / 4 * 0.5)),
        ([1, 1, 1, 1], [1, 0, 1, 0], 0.0),  # one column never varies
        ([0, 0, 0, 0], [0, 0, 0, 0], 0.0),
    ],
)
def test_phi_by_hand(a, b, expected):
    assert phi(np.array(a, dtype=bool), np.array(b, dtype=bool)) == pytest.approx(expected)


def test_clade_cells_are_weighted_counts_plus_a_half():
    """Rows (I, O): clade 0 holds (yes, yes) and (yes, no), clade 1 holds (no, yes). With
    clade weights 1 and 2 the cells [I&O, I&~O, ~I&O, ~I&~O] are [1, 1, 2, 0] + 0.5 each,
    normalised: [1.5, 1.5, 2.5, 0.5] / 6."""
    clades = Clades(np.array([7, 7, 9]), np.random.default_rng(0), draws=10)
    clades.weights = np.array([[1.0, 2.0]])
    cells = clades.cells(np.array([True, True, False]), np.array([True, False, True]))
    assert cells[0].tolist() == pytest.approx([1.5 / 6, 1.5 / 6, 2.5 / 6, 0.5 / 6])


def test_many_clades_get_fewer_draws_but_never_under_two_hundred():
    rng = np.random.default_rng(0)
    assert Clades(np.arange(5), rng, draws=300).weights.shape == (300, 5)
    few = MAX_WEIGHTS // 150_000  # 133 draws would fit: 200 are kept
    assert few < 200
    assert Clades(np.arange(150_000), rng, draws=300).weights.shape == (200, 150_000)
    assert Clades(np.arange(0), rng, draws=300).weights.shape == (300, 0)


# ------------------------------------------------------------------ the candidates and the result


def test_quarter_ends_after_the_first_day_up_to_the_last():
    d = dt.date
    assert sp.quarter_ends(d(2020, 9, 16), d(2021, 6, 30)) == [
        d(2020, 9, 30), d(2020, 12, 31), d(2021, 3, 31), d(2021, 6, 30)]  # fmt: skip
    assert sp.quarter_ends(d(2020, 9, 30), d(2020, 12, 30)) == [], "neither on nor after"


def test_the_candidates_lay_each_event_over_its_grid_of_dates(tmp_path):
    """Start 16 September, until 31 December: four month starts (present_on, and an
    exercise in each month ending on the month's last day or `until`), two quarter ends
    (a presence share from the quarter's first day or the start, a delivery, each rung
    above the bottom of each track), then the listed indicators."""
    scenario = load(toy(tmp_path))
    plan = Plan(scenario)
    listed = load_questions(tmp_path / "indicators.yaml", scenario)
    cands = sp.candidates(plan, dt.date(2020, 12, 31), listed)
    by_family: dict[str, list] = {}
    for c in cands:
        by_family.setdefault(c.family, []).append(c)
    d = dt.date
    months = [d(2020, 10, 1), d(2020, 11, 1), d(2020, 12, 1)]
    assert [c.date for c in by_family["present_on"]] == months
    assert [c.date for c in by_family["exercise_in"]] == [d(2020, 10, 31), d(2020, 11, 30),
                                                          d(2020, 12, 31)]  # fmt: skip
    share = by_family["presence_share"]
    assert [(c.question.start, c.question.end) for c in share] == [
        (d(2020, 9, 16), d(2020, 9, 30)), (d(2020, 10, 1), d(2020, 12, 31))]  # fmt: skip
    assert all(c.question.at_least == 0.5 for c in share)
    rungs = [r.name for t in plan.track_specs for r in t.rungs[1:]]
    for rung in rungs:
        assert [c.date for c in by_family[f"rung_by.{rung}"]] == [d(2020, 9, 30), d(2020, 12, 31)]
    labels = {f: {c.label for c in cs} for f, cs in by_family.items()}
    assert labels["present_on"] == {"forces present on the day"}
    assert labels["exercise_in"] == {"an exercise starts in the month"}
    assert labels["presence_share"] == {"forces present on half the quarter's days"}
    assert labels["delivered_by"] == {"a system delivered"}
    assert [c.date for c in by_family["delivered_by"]] == [d(2020, 9, 30), d(2020, 12, 31)]
    assert [c.question.start for c in by_family["exercise_in"]] == months
    track, rung = plan.track_specs[0].name, plan.track_specs[0].rungs[1].name
    assert labels[f"rung_by.{rung}"] == {f"{track}: {rung} granted"}
    assert cands[-1].label == "The drill starts by 27 September?"
    assert [c.question.id for c in cands[-2:]] == ["not_at_first", "early_drill"]
    assert cands[-1].family == "listed.early_drill" and cands[-1].date == d(2020, 9, 27)
    ids = [c.question.id for c in cands]
    assert len(ids) == len(set(ids)), "every candidate is a question of its own"
    assert ids[0] == "signpost.present_on.2020-10-01"
    derived = sp.with_indicators(scenario, cands)
    assert [q.id for q in derived.questions] == [q.id for q in scenario.questions] + ids


def test_signposts_look_halfway_to_the_outcomes_date(tmp_path):
    """The question 'granted' ends on 2 November: halfway from 16 September is 9 October;
    an outcome looks halfway to --by, or to the horizon."""
    plan = Plan(load(toy(tmp_path)))
    settings = sp.outcome_column_check(plan, sp.SignpostSettings("granted"))
    assert settings.outcome == "question.granted"
    assert sp.default_until(plan, settings) == dt.date(2020, 10, 9)
    by = sp.SignpostSettings("persistent", by=dt.date(2020, 11, 16))
    assert sp.default_until(plan, sp.outcome_column_check(plan, by)) == dt.date(2020, 10, 16)
    horizon = plan.scenario.metadata.start_date + dt.timedelta(days=plan.n_days - 1)
    half = dt.date(2020, 9, 16) + (horizon - dt.date(2020, 9, 16)) / 2
    assert sp.default_until(plan, sp.SignpostSettings("persistent")) == half


def test_the_result_says_what_was_forecast_and_how(ranked):
    r = ranked
    assert (r.outcome, r.by, r.until, r.replicates) == (
        "question.granted", None, "2020-10-09", N)  # fmt: skip
    p = r.forecast.p
    assert abs(p - 0.7) < 3 * math.sqrt(0.21 / N)
    assert r.forecast.se == pytest.approx(math.sqrt(p * (1 - p) / N))
    assert r.intervals == "row bootstrap" and r.effective_replicates == N
    assert r.informative <= r.candidates and r.informative >= 2
    first = r.signposts[0]
    assert first.event == {"metric": "rung_by", "rung": "more_exercises",
                              "end": "2020-10-02", "negate": True}  # fmt: skip
    assert (first.family, first.date) == ("listed.not_at_first", "2020-10-02")


def test_the_watchlist_lists_the_top_signposts_as_observations_to_fill_in(ranked):
    text = sp.watchlist(ranked, top=1)
    assert text.startswith("# Watchlist from wargame signposts: the 1 indicators that would")
    (item,) = yaml.safe_load(text)["observations"]
    assert item == {"id": "not_at_first", "metric": "rung_by", "rung": "more_exercises",
                    "end": "2020-10-02", "negate": True, "as_of": "2020-10-02",
                    "value": None, "source": ""}  # fmt: skip
    first = ranked.signposts[0]
    three = [dataclasses.replace(first, id=f"signpost.x{k}") for k in range(3)]
    many = yaml.safe_load(sp.watchlist(dataclasses.replace(ranked, signposts=three)))
    assert [o["id"] for o in many["observations"]] == ["x0", "x1", "x2"]


def candidate(qid: str, question: str = "?", label: str = "x") -> sp.Candidate:
    """An indicator 'forces present on 1 October' under its own id."""
    day = dt.date(2020, 10, 1)
    event = Question(
        id=qid, question=question, source="signpost candidate", metric="present_on", end=day
    )
    return sp.Candidate(event, "present_on", day, label)


def bare_plan() -> SimpleNamespace:
    """As much of a plan as sp.signposts reads: the start date and the horizon."""
    start = SimpleNamespace(start_date=dt.date(2020, 9, 16))
    scenario = SimpleNamespace(metadata=start, questions=[], judgments=[])
    return SimpleNamespace(scenario=scenario, n_days=365)


def test_signposts_of_copied_histories_weigh_whole_clades_in_memory():
    """Each of 300 rows copied four times (what branching leaves): with origins, the
    forecast's standard error is the Eve estimator's (the copies carry 300 rows'
    information, not 1,200) and the intervals come from the clade bootstrap; the same
    table without origins is read as 1,200 independent rows."""
    import pandas as pd

    from sim.runs.branching import eve_effective_n

    rng = np.random.default_rng(3)
    o = rng.random(300) < 0.4
    i = np.where(rng.random(300) < 0.8, o, ~o)
    frame = pd.DataFrame({"question.q": np.repeat(o, 4), "question.ind": np.repeat(i, 4)})
    origins = np.repeat(np.arange(300), 4)
    cands = [candidate("ind", "Indicator?", "forces present on the day")]
    plan = bare_plan()
    settings = sp.SignpostSettings("question.q", until=dt.date(2020, 12, 1))
    clade = sp.signposts(frame, plan, cands, settings, 5, origins)
    rows = sp.signposts(frame, plan, cands, settings, 5)
    y = frame["question.q"].to_numpy()
    n_eff = eve_effective_n(y.astype(float), origins)
    assert n_eff == pytest.approx(300, rel=0.05)
    p = y.mean()
    assert clade.effective_replicates == n_eff and rows.effective_replicates == 1200
    assert clade.forecast.se == pytest.approx(math.sqrt(p * (1 - p) / n_eff))
    assert rows.forecast.se == pytest.approx(math.sqrt(p * (1 - p) / 1200))
    assert clade.intervals == "clade bootstrap (branching)"
    assert rows.intervals == "row bootstrap"
    assert (clade.until, clade.by, clade.label) == ("2020-12-01", None, "question q")
    (c,) = clade.signposts
    (r,) = rows.signposts
    width = c.p_given.high - c.p_given.low
    assert width > 1.5 * (r.p_given.high - r.p_given.low)
    assert sp.signposts(frame, plan, cands, settings, 5, origins) == clade, "repeatable"
    assert (c.question, c.label) == ("Indicator?", "forces present on the day")
    assert c.event == {"metric": "present_on", "end": "2020-10-01"}


def test_signposts_of_an_outcome_by_a_date_read_its_day_column():
    import pandas as pd

    frame = pd.DataFrame({"persistent": [True, True, False, True],
                          "persistent_day": [10.0, 300.0, np.nan, 40.0],
                          "question.ind": [True, False, False, True]})  # fmt: skip
    by = dt.date(2020, 11, 16)  # day 61
    settings = sp.SignpostSettings("persistent", by=by, until=dt.date(2020, 10, 1))
    r = sp.signposts(frame, bare_plan(), [candidate("ind")], settings, 1)
    assert r.forecast.p == 0.5 and r.by == "2020-11-16"
    assert r.label == "persistent presence by 2020-11-16"
    assert r.signposts[0].counts == [2, 0, 0, 2]


def test_an_indicator_that_always_or_never_holds_is_left_out_and_yes_no_read_as_such():
    import pandas as pd

    y = np.array([True, False, True, False, True, False])
    frame = pd.DataFrame({"question.always": [1] * 6, "question.never": [0] * 6,
                          "question.some": [1, 0, 1, 0, 0, 1]})  # fmt: skip
    cands = [candidate(k) for k in ("always", "never", "some")]
    ranked = sp.rank(cands, frame, y, seed=0)
    assert [r.id for r in ranked] == ["some"]
    assert ranked[0].counts == [2, 1, 1, 2]
    assert cands[0].question.source == "signpost candidate"


def test_phi_of_two_columns_by_hand():
    a = np.array([1, 1, 0, 0, 1], dtype=bool)
    b = np.array([1, 0, 0, 0, 1], dtype=bool)
    # means 0.6, 0.4; covariance mean((a-.6)(b-.4)) = 0.16; sds 0.4899, 0.4899
    assert phi(a, b) == pytest.approx(0.16 / (math.sqrt(0.24) * math.sqrt(0.24)))
    assert phi(a, np.ones(5, dtype=bool)) == 0.0


def test_a_date_for_a_question_is_refused_naming_the_option(tmp_path):
    from sim.scenario.errors import UsageError

    plan = Plan(load(toy(tmp_path)))
    asked = sp.SignpostSettings("granted", by=dt.date(2020, 10, 10))
    with pytest.raises(UsageError) as caught:
        sp.outcome_column_check(plan, asked)
    assert str(caught.value) == (
        "--by: applies to outcomes; a question or judgment has its own date"
    )


def test_the_ranking_repeats_from_its_seed_and_counts_its_table():
    import pandas as pd

    rng = np.random.default_rng(4)
    y = rng.random(400) < 0.5
    frame = pd.DataFrame({"question.a": np.where(rng.random(400) < 0.8, y, ~y),
                          "question.b": rng.random(400) < 0.3})  # fmt: skip
    cands = [candidate("a"), candidate("b")]
    first = sp.rank(cands, frame, y, seed=9)
    assert sp.rank(cands, frame, y, seed=9) == first
    a = first[0]
    x = frame["question.a"].to_numpy()
    expected = [int((x & y).sum()), int((x & ~y).sum()), int((~x & y).sum()), int((~x & ~y).sum())]
    assert a.n == 400 and a.counts == expected
    voi = a.voi
    assert voi.low <= voi.estimate <= voi.high


def test_signposts_json_keeps_its_keys_and_reads_back_the_same(ranked):
    data = json.loads(json.dumps(ranked.json()))
    assert list(data) == [
        "outcome", "label", "by", "until", "replicates", "forecast", "intervals",
        "effective_replicates", "candidates", "informative", "signposts",
    ]  # fmt: skip
    assert list(data["signposts"][0])[:8] == [
        "id", "question", "family", "label", "date", "event", "n", "counts",
    ]  # fmt: skip
    assert list(data["signposts"][0])[8:14] == [
        "p_indicator", "p_given", "p_given_not", "likelihood_ratio", "shift", "voi",
    ]  # fmt: skip
    assert list(data["signposts"][0]["voi"]) == ["estimate", "low", "high"]
    assert sp.SignpostReport.from_json(data) == ranked
    folded = dataclasses.replace(ranked.signposts[0], also=["2021-01-01"])
    assert list(folded.json())[-1] == "also" and "also" not in data["signposts"][0]


def test_a_reversible_tracks_rungs_are_watched_as_still_held_too():
    """A rung held on the start date is 'reached' on day 0 in every history; on a track
    whose rungs can be lost, 'still held on the quarter's end' tells the histories
    apart. A track without reversal gets no such indicator (held and reached agree)."""
    data = copy.deepcopy(MINIMAL)
    ladder = data.pop("ladder")
    data["tracks"] = [
        {
            "name": "presence",
            "reversal": {"hazard": 0.1, "entrenchment_months": 12},
            "rungs": ladder,
        },
        {"name": "arms", "rungs": [{"name": "none", "cost": 0}, {"name": "rifles", "cost": 0.2}]},
    ]
    plan = Plan(loads(yaml.safe_dump(data)))
    cands = sp.candidates(plan, dt.date(2020, 12, 31))
    held = [c for c in cands if c.question.metric == "rung_on"]
    assert {c.family for c in held} == {"rung_on.more_exercises", "rung_on.basing"}
    assert [c.date for c in held if c.family == "rung_on.basing"] == [
        dt.date(2020, 9, 30),
        dt.date(2020, 12, 31),
    ]
    first = held[0]
    assert first.question.end == first.date and first.label == "presence: more_exercises still held"
    assert not any(c.family.endswith("rifles") and c.question.metric == "rung_on" for c in cands)
    assert not any(c.question.metric == "system_on" for c in cands), "no rung delivers"


def test_a_system_that_can_be_lost_is_watched_as_still_in_place():
    """A delivering rung on a track whose rungs can be lost: 'any system in place on the
    quarter's end' at each quarter; on an irreversible track, none."""
    data = copy.deepcopy(MINIMAL)
    ladder = data.pop("ladder")
    ladder[1]["delivers"] = {"system": "S-400", "lead_time_days": 10}
    track = {"name": "presence", "reversal": {"hazard": 0.1, "entrenchment_months": 12},
             "rungs": ladder}  # fmt: skip
    data["tracks"] = [track]
    cands = sp.candidates(Plan(loads(yaml.safe_dump(data))), dt.date(2020, 12, 31))
    kept = [c for c in cands if c.question.metric == "system_on"]
    assert [(c.date, c.label) for c in kept] == [
        (dt.date(2020, 9, 30), "a system still in place"),
        (dt.date(2020, 12, 31), "a system still in place"),
    ]
    first = kept[0]
    assert (first.family, first.question.id) == ("system_on", "signpost.system_on.2020-09-30")
    assert (first.question.end, first.question.question) == (
        dt.date(2020, 9, 30),
        "Any system in place on 2020-09-30?",
    )
    data["actors"].insert(1, {"name": "rival", "role": "patron"})
    two = sp.candidates(Plan(loads(yaml.safe_dump(data))), dt.date(2020, 9, 30))
    mine = [c for c in two if c.question.metric == "system_on"]
    assert [(c.family, c.question.patron) for c in mine] == [
        ("patron.system_on", "patron"),
        ("rival.system_on", "rival"),
    ], "with several patrons, asked of each"
    del track["reversal"]
    cands = sp.candidates(Plan(loads(yaml.safe_dump(data))), dt.date(2020, 12, 31))
    assert not any(c.question.metric == "system_on" for c in cands)


def test_with_two_patrons_each_is_watched_on_its_own_and_its_own_tracks_only():
    data = copy.deepcopy(MINIMAL)
    data["actors"].insert(1, {"name": "rival", "role": "patron"})
    ladder = data.pop("ladder")
    data["tracks"] = [
        {"name": "presence", "rungs": ladder},
        {"name": "wagner", "patron": "rival",
         "rungs": [{"name": "no_contract", "cost": 0}, {"name": "contract", "cost": 0.2}]},
    ]  # fmt: skip
    plan = Plan(loads(yaml.safe_dump(data)))
    cands = sp.candidates(plan, dt.date(2020, 12, 31))
    whose = {c.question.patron for c in cands}
    assert whose == {"patron", "rival"}
    rung_by = {
        (c.question.patron, c.question.rung) for c in cands if c.question.metric == "rung_by"
    }
    assert ("rival", "contract") in rung_by and ("patron", "contract") not in rung_by
    assert ("patron", "basing") in rung_by and ("rival", "basing") in rung_by  # shared
    present = [c for c in cands if c.question.metric == "present_on"]
    assert {c.family for c in present} == {"patron.present_on", "rival.present_on"}
    assert present[0].label == "patron: forces present on the day"
    assert present[0].question.id == "signpost.patron.present_on.2020-10-01"
    assert len({c.question.id for c in cands}) == len(cands), "every id its own"
