"""A run's summary against the outcome table it summarises (sim.runs.summary): every share,
interval, quartile, rung share, judgment, question, reading and observation recomputed
directly from the rows, on 300 in-memory Belarus replicates (the slower, plainer method the
tally must agree with)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math

import numpy as np
import pandas as pd
import pytest

from sim.engine.plan import Plan
from sim.maths.stats import km_quantile, wilson
from sim.runs.aggregate import OutcomeTally, kept_rows
from sim.runs.run_summary import Proportion, RunSummary
from sim.runs.summary import pct, proportion, summary_of, verdict
from sim.scenario.loader import load
from sim.scenario.outcomes import OUTCOMES
from sim.scenario.params import word_for
from tests.conftest import BELARUS
from tests.helpers import NEW_YEAR, belarus_observing, outcomes_of

N = 300


def test_a_proportion_is_its_share_and_wilson_interval():
    assert proportion(3, 10) == {"p": 0.3, "low": wilson(3, 10)[0], "high": wilson(3, 10)[1],
                                 "k": 3, "n": 10}  # fmt: skip
    empty = proportion(0, 0)
    assert math.isnan(empty["p"]) and (empty["low"], empty["high"]) == (0.0, 1.0)


@pytest.mark.parametrize(
    ("p", "expected"),
    [(0.5, "in range"), (0.2, "in range"), (0.8, "in range"), (0.19, "below range"),
     (0.81, "above range")],
)  # fmt: skip
def test_a_verdict_says_where_a_probability_stands_against_a_range(p, expected):
    assert verdict(p, 0.2, 0.8) == expected


def test_percentages_as_printed():
    assert pct(0.1234) == "12.3 %"
    assert pct(0.05, width=6) == "   5.0 %"
    assert pct(0.12345, digits=2) == "12.35 %"


@pytest.fixture(scope="module")
def belarus() -> tuple[Plan, pd.DataFrame, dict]:
    """Belarus's summary as ``summary.json`` holds it (the typed summary's JSON)."""
    plan = Plan(load(BELARUS))
    outcomes = outcomes_of(plan, N, 3)
    tally = OutcomeTally(plan)
    tally.add(outcomes)
    return plan, outcomes, summary_of(tally).json()


def test_the_summary_reads_back_from_its_json_as_it_was(belarus, tmp_path):
    """Written and read back, a summary (readings, judgments and questions included) is
    the same object; its attributes are the JSON's values."""
    import json

    from sim.runs.run_summary import RunSummary

    _, _, s = belarus
    back = RunSummary.from_json(json.loads(json.dumps(s)))
    assert back.json() == s
    assert back.outcomes["persistent"].estimate.p == s["outcomes"]["persistent"]["p"]
    assert back.judgments[0].range == tuple(s["judgments"][0]["range"])
    assert back.readings[0].options[0].drawn.k == s["readings"][0]["options"][0]["drawn"]["k"]
    assert back.time_to_persistent.q50.day == s["time_to_persistent"]["q50"]["day"]
    assert back.kept is None and back.branching is None and back.observations == []


def test_each_outcome_is_the_share_of_replicates_with_it(belarus):
    plan, rows, s = belarus
    assert s["replicates"] == N and s["scenario"] == plan.scenario.metadata.name
    assert s["horizon"] == {"start": "2020-09-16", "end": plan.scenario.end_date.isoformat(),
                            "days": plan.n_days}  # fmt: skip
    for name, o in OUTCOMES.items():
        k = int(rows[name].sum())
        entry = s["outcomes"][name]
        assert entry == {**proportion(k, N), "label": o.label,
                         "definition": entry["definition"]}, name  # fmt: skip
        assert entry["definition"].startswith(o.define(plan.scenario.outcomes))
    assert s["mean_presence_days"] == pytest.approx(rows["presence_days"].mean())


def test_the_quartiles_are_kaplan_meier_on_the_day_columns(belarus):
    plan, rows, s = belarus
    for outcome in ("persistent", "ever_continuous"):
        days = rows[f"{outcome}_day"]
        times = days.fillna(plan.n_days).to_numpy(dtype=float)
        for q in (0.25, 0.5, 0.75):
            day = km_quantile(times, days.notna().to_numpy(), q)
            got = s[f"time_to_{outcome}"][f"q{int(q * 100)}"]
            if day is None:
                assert got == {"day": None, "date": None}
            else:
                date = dt.date(2020, 9, 16) + dt.timedelta(days=int(day))
                assert got == {"day": int(day), "date": date.isoformat()}, (outcome, q)


def test_rung_shares_are_the_rows_at_each_rung(belarus):
    plan, rows, s = belarus
    for t in plan.track_specs:
        for key, column in (("at_horizon", f"rung.{t.name}"), ("highest", f"highest.{t.name}")):
            shares = s["rungs"][t.name][key]
            assert list(shares) == [r.name for r in t.rungs]
            for i, r in enumerate(t.rungs):
                assert shares[r.name] == pytest.approx((rows[column] == i).mean()), (t.name, r)


def test_judgments_count_among_the_rows_where_their_condition_held(belarus):
    plan, rows, s = belarus
    assert [j["id"] for j in s["judgments"]] == [j.id for j in plan.scenario.judgments]
    for j, got in zip(plan.scenario.judgments, s["judgments"], strict=True):
        given = f"judgment.{j.id}.given"
        n = int(rows[given].sum()) if j.given is not None else N
        k = int(rows[f"judgment.{j.id}"].sum())
        low, high = j.range
        assert got == {
            "id": j.id, "claim": j.claim, "source": j.source, "reading": j.assumption,
            "checked_as": j.describe(), "word": j.word, "range": [low, high],
            **proportion(k, n), "verdict": verdict(k / n, low, high),
            "model_word": word_for(k / n),
        }  # fmt: skip
    assert any(j.given is not None for j in plan.scenario.judgments)


def test_questions_are_shares_of_their_columns(belarus):
    plan, rows, s = belarus
    for q, got in zip(plan.scenario.questions, s["questions"], strict=True):
        k = int(rows[f"question.{q.id}"].sum())
        assert got == {"id": q.id, "question": q.question, "source": q.source,
                       "end": q.end.isoformat(), "metric": q.metric, "negate": q.negate,
                       **proportion(k, N)}  # fmt: skip


def test_each_readings_options_count_their_own_rows(belarus):
    plan, rows, s = belarus
    assert [r["name"] for r in s["readings"]] == [r.name for r in plan.scenario.readings]
    for r, got in zip(plan.scenario.readings, s["readings"], strict=True):
        assert got["source"] == r.source
        for o, w, option in zip(r.options, r.weights, got["options"], strict=True):
            mine = rows[rows[f"reading.{r.name}"] == o.name]
            n = len(mine)
            assert (option["name"], option["weight"], option["rationale"]) == (
                o.name, w, o.rationale)  # fmt: skip
            assert option["drawn"] == proportion(n, N)
            for name in OUTCOMES:
                assert option["outcomes"][name] == proportion(int(mine[name].sum()), n)
            for j in plan.scenario.judgments:
                given = f"judgment.{j.id}.given"
                d = int(mine[given].sum()) if j.given is not None else n
                k = int(mine[f"judgment.{j.id}"].sum())
                assert option["judgments"][j.id] == proportion(k, d), (r.name, o.name, j.id)
            for q in plan.scenario.questions:
                k = int(mine[f"question.{q.id}"].sum())
                assert option["questions"][q.id] == proportion(k, n)


def test_a_run_without_readings_or_observations_says_nothing_of_them(belarus):
    _, _, s = belarus
    assert "observations" not in s and "kept" not in s and "drawn" not in s


def test_observations_keep_the_rows_that_agree_and_say_how_many(tmp_path):
    plan = belarus_observing(tmp_path, NEW_YEAR)
    rows = outcomes_of(plan, 200, 4)
    tally = OutcomeTally(plan)
    tally.add(rows)
    typed = summary_of(tally)
    s = typed.json()
    assert RunSummary.from_json(s) == typed
    kept = kept_rows(rows)
    agree = int(rows["observation.new_year"].sum())
    assert 0 < len(kept) < 200 and s["replicates"] == len(kept)
    assert s["drawn"] == 200 and s["kept"] == proportion(len(kept), 200)
    assert s["observations"] == [{"id": "new_year", "value": True, "as_of": "2021-01-02",
                                  "source": "made up", **proportion(agree, 200)}]  # fmt: skip
    persistent = int(kept["persistent"].sum())
    assert s["outcomes"]["persistent"]["k"] == persistent
    assert typed.kept is not None and typed.kept.k == len(kept) and typed.drawn == 200
    assert np.isclose(s["outcomes"]["persistent"]["p"], persistent / len(kept))


def test_a_summary_written_before_its_newer_fields_reads_with_their_defaults(belarus):
    """A run folder written before questions carried end, metric and negate, and before
    the time to continuous presence was kept, still reads: those fields take the values
    that say "not recorded"."""
    _, _, s = belarus
    old = {k: v for k, v in s.items() if k != "time_to_ever_continuous"}
    old["questions"] = [{"id": "q", "question": "Q?", "p": 0.5, "low": 0.4, "high": 0.6,
                         "k": 50, "n": 100}]  # fmt: skip
    back = RunSummary.from_json(old)
    (q,) = back.questions
    assert (q.end, q.metric, q.negate, q.source) == (None, "", False, None)
    assert q.estimate == Proportion(0.5, 0.4, 0.6, 50, 100)
    t = back.time_to_ever_continuous
    assert (t.q25.day, t.q50.date, t.q75.day) == (None, None, None)


def test_a_branching_runs_stages_and_widened_shares_read_back_as_written():
    from sim.runs.run_summary import BranchingRecord, StageRecord
    from tests.helpers import outcome, run_summary

    stage = StageRecord(30, "2020-10-16", ["oct"], 400, 1000, 250, rounds=2, tried=2000)
    widened = outcome(0.4, 0.3, 0.5).estimate.widened(0.41, 0.2, 0.6, 37.5)
    summary = run_summary(outcomes={"persistent": outcome(0.4, 0.3, 0.5)}, kept=150)
    summary = dataclasses.replace(
        summary,
        outcomes={"persistent": dataclasses.replace(summary.outcomes["persistent"],
                                                    estimate=widened)},
        branching=BranchingRecord([stage], "asked for", 160.0, 250, "Eve estimator"),
    )  # fmt: skip
    written = summary.json()
    assert written["outcomes"]["persistent"]["n_effective"] == 37.5
    assert written["branching"]["stages"][0] == {
        "day": 30, "date": "2020-10-16", "observations": ["oct"], "survivors": 400,
        "population": 1000, "distinct_origins": 250, "rounds": 2, "tried": 2000,
    }  # fmt: skip
    assert RunSummary.from_json(json.loads(json.dumps(written))) == summary
    assert widened == Proportion(0.41, 0.2, 0.6, 40, 100, n_effective=37.5)


def test_each_patrons_outcomes_and_times_are_its_own_by_hand():
    """With two patrons: each patron's outcome says whose it is in its label and its
    definition, and its time quartiles are, by hand, the first day by which a share q of
    the replicates had its day (Kaplan-Meier with censoring only at the horizon)."""
    import yaml

    from sim.runs.summary import summary_of
    from sim.scenario.loader import loads
    from sim.scenario.outcomes import OUTCOMES
    from tests.helpers import outcomes_of
    from tests.test_headline import scenario

    data = scenario(None, patrons=2)
    data["actors"][1]["start_rung"] = {"rung": "basing", "probability": 0.9, "source": "t"}
    plan = Plan(loads(yaml.safe_dump(data)))
    table = outcomes_of(plan, 300, 3)
    tally = OutcomeTally(plan)
    tally.add(table)
    s = summary_of(tally)
    o = s.outcomes["withdrawn.rival"]
    assert o.label == "persistent presence ended by the horizon (rival)"
    settings = plan.scenario.outcomes
    assert o.definition == (
        OUTCOMES["withdrawn"].define(settings)
        + ", counting only rival's forces, rungs, systems and bases"
    )
    start = plan.scenario.metadata.start_date
    reached = 0
    pooled = {None: {"persistent": s.time_to_persistent, "withdrawn": s.time_to_withdrawn}}
    for patron in (None, "patron", "rival"):
        for name in ("persistent", "withdrawn"):
            column = name if patron is None else f"{name}.{patron}"
            days = np.sort(table[f"{column}_day"].dropna().to_numpy(dtype=int))
            got = {**pooled, **s.time_by_patron}[patron][name]
            for q, when in ((0.25, got.q25), (0.5, got.q50), (0.75, got.q75)):
                k = int(np.ceil(q * len(table) - 1e-9))
                day = int(days[k - 1]) if k <= len(days) else None
                assert when.day == day, (patron, name, q)
                if day is not None:
                    reached += 1
                    assert when.date == (start + dt.timedelta(days=day)).isoformat()
    assert reached >= 3, "some quartiles are reached, the 75 % among them"
