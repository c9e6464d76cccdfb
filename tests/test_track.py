"""Forecasts over time by hand: which as-of dates a track runs, how the runs' forecasts
line up, and how they score (the ``wargame track`` command end to end is in
test_track_cli.py)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from sim.analysis.track import as_of_dates, scores, series


def scenario_with(start: dt.date, *as_ofs: dt.date):
    return SimpleNamespace(metadata=SimpleNamespace(start_date=start),
                           observations=[SimpleNamespace(as_of=d) for d in as_ofs])  # fmt: skip


def test_the_dates_are_the_start_then_each_distinct_as_of_date_in_order():
    """One before the start (known at it) adds no date; one on the start, none; two on one
    date, one date."""
    d = dt.date
    s = scenario_with(d(2020, 9, 16), d(2021, 2, 1), d(2020, 9, 1), d(2020, 12, 1),
                      d(2021, 2, 1), d(2020, 9, 16))  # fmt: skip
    assert as_of_dates(s, None) == [d(2020, 9, 16), d(2020, 12, 1), d(2021, 2, 1)]
    assert as_of_dates(scenario_with(d(2020, 9, 16)), None) == [d(2020, 9, 16)]


def test_monthly_dates_run_to_the_last_as_of_date_and_include_it():
    d = dt.date
    s = scenario_with(d(2020, 9, 16), d(2020, 10, 3), d(2020, 12, 10))
    assert as_of_dates(s, "month") == [d(2020, 9, 16), d(2020, 10, 1), d(2020, 11, 1),
                                       d(2020, 12, 1), d(2020, 12, 10)]  # fmt: skip
    on_a_first = scenario_with(d(2020, 9, 16), d(2020, 11, 1))
    assert as_of_dates(on_a_first, "month") == [d(2020, 9, 16), d(2020, 10, 1), d(2020, 11, 1)]
    assert as_of_dates(scenario_with(d(2020, 9, 16)), "month") == [d(2020, 9, 16)]


def test_the_series_lines_up_each_runs_forecasts_by_date():
    from dataclasses import replace

    from sim.runs.run_summary import OutcomeEstimate, Proportion, QuestionEstimate
    from tests.helpers import run_summary

    q = QuestionEstimate("q1", "Q?", None, "2021-04-01", "rung_by", False,
                         Proportion(0.3, 0.2, 0.4, 30, 100))  # fmt: skip
    share = OutcomeEstimate(Proportion(0.5, 0.4, 0.6, 45, 90, n_effective=30.5), "l", "d")
    later = replace(q, estimate=replace(q.estimate, p=0.6))
    runs = [
        (dt.date(2020, 9, 16), run_summary([q], {"persistent": share, "first_day": share}), 0),
        (dt.date(2020, 12, 1), run_summary([later], kept=12), 1),
        (dt.date(2021, 2, 1), run_summary(kept=9, branching=True), 2),
        (dt.date(2021, 3, 1), run_summary(), 3),
    ]
    r = series(runs)
    assert r["dates"].pop()["conditioning"] == "none"
    assert r["dates"] == [
        {"as_of": "2020-09-16", "observations": 0, "conditioning": "none", "kept": None},
        {"as_of": "2020-12-01", "observations": 1, "conditioning": "rejection", "kept": 12},
        {"as_of": "2021-02-01", "observations": 2, "conditioning": "branching", "kept": 9},
    ]
    assert r["questions"] == {"q1": {"question": "Q?", "end": "2021-04-01", "points": [
        {"as_of": "2020-09-16", "p": 0.3, "low": 0.2, "high": 0.4, "n": 100, "n_effective": 100},
        {"as_of": "2020-12-01", "p": 0.6, "low": 0.2, "high": 0.4, "n": 100, "n_effective": 100},
    ]}}  # fmt: skip
    point = {"as_of": "2020-09-16", "p": 0.5, "low": 0.4, "high": 0.6, "n": 90,
             "n_effective": 30.5}  # fmt: skip
    assert r["outcomes"] == {"persistent": [point]}


def test_a_track_is_scored_on_its_forecasts_up_to_each_resolution():
    """q1 forecast 0.5 (16 Sep) and 0.8 (1 Oct), resolved no on 1 Oct: 15 days at 0.5
    and one at 0.8; q4 the same, resolved yes; q2 resolved before any forecast and
    q3 never asked are left out (and the questions after them still scored)."""
    points = [{"as_of": "2020-09-16", "p": 0.5}, {"as_of": "2020-10-01", "p": 0.8},
              {"as_of": "2020-10-02", "p": 1.0}]  # fmt: skip
    result = {"questions": {"q1": {"points": points}, "q2": {"points": points},
                            "q4": {"points": points}}}  # fmt: skip
    resolved = [SimpleNamespace(id="q3", value=True, resolved=dt.date(2020, 10, 1)),
                SimpleNamespace(id="q2", value=True, resolved=dt.date(2020, 9, 1)),
                SimpleNamespace(id="q1", value=False, resolved=dt.date(2020, 10, 1)),
                SimpleNamespace(id="q4", value=True, resolved=dt.date(2020, 10, 1))]  # fmt: skip
    s, yes = scores(result, resolved)
    assert (s["id"], s["value"], s["resolved"]) == ("q1", False, "2020-10-01")
    assert s["days"] == 16 and s["forecasts"] == 2
    assert s["brier"] == pytest.approx((15 * 0.25 + 0.64) / 16)
    assert yes["id"] == "q4" and yes["brier"] == pytest.approx((15 * 0.25 + 0.04) / 16)


def test_a_track_follows_every_outcome_and_each_patrons_persistence_and_exit():
    from sim.analysis.track import tracked
    from tests.test_headline import scenario, summary

    pooled = ["persistent", "presence_at_horizon", "basing", "ever_continuous", "withdrawn"]
    assert tracked(summary(scenario(None), n=20)) == pooled
    two = summary(scenario("presence_at_horizon.rival", patrons=2), n=20)
    assert tracked(two) == [
        *pooled,
        "persistent.patron",
        "withdrawn.patron",
        "persistent.rival",
        "presence_at_horizon.rival",  # the headline
        "withdrawn.rival",
    ]
