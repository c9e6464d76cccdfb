"""Events that name a patron (``patron:``), on a hand-built ledger of two patrons with
answers worked out by hand, and on runs: without ``patron:`` an event reads every
patron's record, with it only that patron's, as if it were the only one.

The toy calendar starts on 2020-09-16; day d is 2020-09-16 + d.
"""

from __future__ import annotations

import copy
import datetime as dt

import numpy as np
import pytest
import yaml

from sim.engine.events import check_of, condition_of, holds
from sim.engine.ledger import Basing, Concession, Ledger, System
from sim.engine.outcomes import Facts
from sim.engine.plan import Plan
from sim.scenario.claims import Event
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import loads
from tests.conftest import MINIMAL
from tests.helpers import outcomes_of

START = dt.date(2020, 9, 16)


def two_patrons() -> dict:
    """MINIMAL with a second patron, `rival`, which has no operations of its own."""
    data = copy.deepcopy(MINIMAL)
    data["actors"].insert(1, {"name": "rival", "role": "patron", "params": {"ambition": 0.5}})
    return data


PLAN = Plan(loads(yaml.safe_dump(two_patrons())))


def day(d: int) -> str:
    return (START + dt.timedelta(days=d)).isoformat()


def ev(**fields) -> Event:
    return Event.model_validate(fields)


@pytest.fixture
def facts() -> Facts:
    """The patron's forces on days 10-19 and its exercise from day 10, rung 1 on day 5;
    the rival's forces on days 15-29, rung 2 (basing) on day 40 under its command, a
    system under its command from day 60 and a base from day 100."""
    led = Ledger(PLAN.n_days)
    led.leave(led.arrive("patron", "client", "forces", 10), 20)
    led.exercise("patron", "client", 10)
    led.leave(led.arrive("rival", "client", "forces", 15), 30)
    led.arrive("rival", "client", "garrison:ladder.2", 100)
    led.concessions += [
        Concession(5, "patron", "client", "ladder", 1, None),
        Concession(40, "rival", "client", "ladder", 2, "patron"),
    ]
    led.systems.append(System("rival", "client", "S-400", "ladder", 2, 60, "patron"))
    led.basings.append(Basing("rival", "client", "ladder", 2, 100))
    led.close()
    return Facts(PLAN.scenario, led)


@pytest.mark.parametrize(
    ("fields", "anyone", "patron", "rival"),
    [
        ({"metric": "present_on", "end": day(12)}, True, True, False),
        ({"metric": "present_on", "end": day(25)}, True, False, True),
        ({"metric": "present_on", "end": day(35)}, False, False, False),
        # days 10-29 are all covered only by the two together
        ({"metric": "presence_share", "start": day(10), "end": day(29), "at_least": 1.0},
         True, False, False),
        ({"metric": "presence_share", "start": day(15), "end": day(19), "at_least": 1.0},
         True, True, True),
        ({"metric": "present_in", "start": day(20), "end": day(29)}, True, False, True),
        ({"metric": "exercise_in", "start": day(0), "end": day(30)}, True, True, False),
        ({"metric": "rung_by", "rung": "more_exercises", "end": day(5)}, True, True, False),
        ({"metric": "rung_by", "rung": "more_exercises", "end": day(40)}, True, True, True),
        ({"metric": "rung_on", "rung": "basing", "end": day(50)}, True, False, True),
        ({"metric": "advanced_by", "end": day(6)}, True, True, False),
        ({"metric": "delivered_by", "end": day(60), "controller": "patron"}, True, False, True),
        ({"metric": "outcome_by", "outcome": "basing", "end": day(120)}, True, False, True),
    ],
)  # fmt: skip
def test_an_event_reads_the_named_patrons_record_alone(facts, fields, anyone, patron, rival):
    assert holds(PLAN, ev(**fields), facts) is anyone
    assert holds(PLAN, ev(**fields, patron="patron"), facts) is patron
    assert holds(PLAN, ev(**fields, patron="rival"), facts) is rival
    assert holds(PLAN, ev(**fields, patron="rival", negate=True), facts) is (not rival)


def test_a_condition_names_its_own_patron(facts):
    """Rival forces on day 25, given the patron's rung by day 5: the condition holds and
    so does the event; given the rival's rung by day 5, the condition fails."""
    event = ev(
        metric="present_on",
        end=day(25),
        patron="rival",
        given={"metric": "rung_by", "rung": "more_exercises", "end": day(5), "patron": "patron"},
    )
    assert condition_of(PLAN, event)(facts) is True and check_of(PLAN, event)(facts) is True
    other = event.model_copy(update={"given": event.given.model_copy(update={"patron": "rival"})})
    assert condition_of(PLAN, other)(facts) is False


def test_a_patrons_facts_are_made_once_and_keep_only_its_records(facts):
    rival = facts.of_patron("rival")
    assert facts.of_patron("rival") is rival and facts.of_patron(None) is facts
    assert {s.patron for s in rival.ledger.spans} == {"rival"}
    assert [c.rung for c in rival.ledger.concessions] == [2]
    assert rival.ledger.exercises == [] and len(rival.ledger.systems) == 1
    assert [b.patron for b in rival.ledger.basings] == ["rival"]
    assert facts.of_patron("patron").ledger.basings == []
    assert int(rival.present.sum()) == 15 + (PLAN.n_days - 100)
    assert int(facts.present.sum()) == 20 + (PLAN.n_days - 100)


def test_an_event_says_whose_it_is_in_words():
    words = ev(metric="present_on", end=day(12), patron="rival", negate=True).describe()
    assert words == f"not: rival: forces present on {day(12)}"


@pytest.mark.parametrize("where", ["questions", "given"])
def test_an_unknown_patron_is_refused_with_the_patrons_there_are(where):
    data = two_patrons()
    event = {"metric": "present_on", "end": "2020-10-01"}
    if where == "questions":
        event["patron"] = "rivl"
    else:
        event["given"] = {"metric": "present_on", "end": "2020-09-30", "patron": "rivl"}
    data["judgments"] = [{"id": "j", "claim": "c", "word": "likely", **event}]
    with pytest.raises(ScenarioError) as caught:
        loads(yaml.safe_dump(data))
    (problem,) = caught.value.problems
    suffix = ".patron" if where == "questions" else ".given.patron"
    assert problem.field.endswith(suffix), problem.field
    assert "unknown patron 'rivl' (expected one of: patron, rival)" in problem.message
    assert "did you mean 'rival'" in problem.message


EVENTS = [
    {"metric": "present_on", "end": "2020-12-01"},
    {"metric": "present_in", "start": "2021-01-01", "end": "2021-03-31"},
    {"metric": "presence_share", "start": "2021-03-01", "end": "2021-08-31", "at_least": 0.5},
    {"metric": "exercise_in", "start": "2021-02-01", "end": "2021-02-28"},
    {"metric": "rung_by", "rung": "more_exercises", "end": "2021-06-01"},
    {"metric": "outcome_by", "outcome": "persistent", "end": "2021-09-15"},
]


def with_questions(data: dict, patron: str | None) -> dict:
    """`data` asking each of EVENTS as a question, of `patron` (None: of any patron)."""
    data = copy.deepcopy(data)
    data["questions"] = [
        {"id": f"q{k}", "question": "?", **e, **({"patron": patron} if patron else {})}
        for k, e in enumerate(EVENTS)
    ]
    return data


def test_with_one_patron_naming_it_changes_nothing():
    """The same seed, the same histories: every question of the only patron answers as
    the question of any patron does, replicate by replicate."""
    anyone = outcomes_of(Plan(loads(yaml.safe_dump(with_questions(MINIMAL, None)))), 300, 11)
    named = outcomes_of(Plan(loads(yaml.safe_dump(with_questions(MINIMAL, "patron")))), 300, 11)
    for k in range(len(EVENTS)):
        column = f"question.q{k}"
        assert anyone[column].tolist() == named[column].tolist(), EVENTS[k]
    assert anyone["question.q0"].any() and not anyone["question.q0"].all()


def test_any_patrons_presence_is_the_union_of_each_patrons():
    """Two patrons in one run: forces of any patron on a day exactly when the patron's or
    the rival's are there; a window's presence share of either alone is at most the
    pooled one."""
    data = two_patrons()
    data["operations"]["recurring"].append(
        {"patron": "rival", "duration_days": 20, "units": ["rival contingent"]}
    )
    frames = {
        who: outcomes_of(Plan(loads(yaml.safe_dump(with_questions(data, who)))), 300, 5)
        for who in (None, "patron", "rival")
    }
    anyone, patron, rival = (frames[w]["question.q0"].to_numpy() for w in (None, "patron", "rival"))
    assert np.array_equal(anyone, patron | rival)
    assert (patron & ~rival).any() and (rival & ~patron).any(), "each present alone sometimes"
    share = {w: frames[w]["question.q2"].to_numpy() for w in frames}
    assert not (share["patron"] & ~share[None]).any() and not (share["rival"] & ~share[None]).any()


# ------------------------------------------------------------------ each patron's outcomes


def rival_run() -> dict:
    """The two-patron toy with the rival exercising on its own cadence."""
    data = two_patrons()
    data["operations"]["recurring"].append(
        {"patron": "rival", "duration_days": 20, "units": ["rival contingent"]}
    )
    return data


def test_with_two_patrons_every_outcome_is_tabulated_for_each_too():
    from sim.scenario.outcomes import OUTCOME_NAMES

    plan = Plan(loads(yaml.safe_dump(rival_run())))
    assert plan.scenario.outcome_columns() == [
        *OUTCOME_NAMES,
        *(f"{o}.patron" for o in OUTCOME_NAMES),
        *(f"{o}.rival" for o in OUTCOME_NAMES),
    ]
    table = outcomes_of(plan, 300, 5)
    for patron in ("patron", "rival"):
        for name in ("persistent", "presence_at_horizon", "basing", "ever_continuous"):
            own, anyone = table[f"{name}.{patron}"], table[name]
            assert not (own & ~anyone).any(), f"{patron}'s {name} without anyone's"
        assert f"persistent.{patron}_day" in table
    assert (table["ever_continuous.rival"] != table["ever_continuous"]).any()
    single = Plan(loads(yaml.safe_dump(MINIMAL)))
    assert single.scenario.outcome_columns() == list(OUTCOME_NAMES)


def test_a_patrons_outcome_is_the_same_as_the_question_asked_of_it():
    """Two routes to one answer: the column persistent.rival and the question 'persistent
    presence as of the last day, rival's' agree replicate by replicate; so does the one
    flag a sweep reads."""
    from sim.engine.replicate import outcome_holds, outcome_record, run_replicates

    data = rival_run()
    end = (START + dt.timedelta(days=Plan(loads(yaml.safe_dump(data))).n_days - 1)).isoformat()
    data["questions"] = [
        {"id": "q", "question": "?", "metric": "outcome_by", "outcome": "persistent",
         "end": end, "patron": "rival"}
    ]  # fmt: skip
    plan = Plan(loads(yaml.safe_dump(data)))
    for run in run_replicates(plan, 5, 0, 80, events=False):
        record = outcome_record(plan, run)
        assert record["persistent.rival"] == record["question.q"]
        assert outcome_holds(plan, run, "persistent.rival") == record["persistent.rival"]


def test_a_patrons_outcome_is_summarised_and_measured_by_its_column():
    from sim.runs.aggregate import OutcomeTally
    from sim.runs.results import outcome_values
    from sim.runs.summary import summary_of
    from sim.scenario.measures import measure_column

    plan = Plan(loads(yaml.safe_dump(rival_run())))
    table = outcomes_of(plan, 200, 5)
    tally = OutcomeTally(plan)
    tally.add(table)
    rival = summary_of(tally).outcomes["persistent.rival"]
    assert rival.label == "persistent presence at the horizon (rival)"
    assert rival.definition.endswith("counting only rival's forces, rungs, systems and bases")
    assert rival.estimate.k == int(table["persistent.rival"].sum())
    assert measure_column("persistent.rival", plan.scenario.measurable()) == "persistent.rival"
    y, label = outcome_values(table, START, "ever_continuous.rival", dt.date(2021, 6, 1))
    days = table["ever_continuous.rival_day"].astype(float).fillna(np.inf).to_numpy()
    assert np.array_equal(y, days <= (dt.date(2021, 6, 1) - START).days)
    assert label == "continuous presence at some point by 2021-06-01 (rival)"


def test_listing_the_patrons_in_another_order_changes_nothing():
    """The same two-patron scenario with its patrons listed the other way round gives the
    same outcome table, column for column, under the same seed."""
    data = rival_run()
    swapped = copy.deepcopy(data)
    actors = swapped["actors"]
    actors[0], actors[1] = actors[1], actors[0]
    a = outcomes_of(Plan(loads(yaml.safe_dump(data))), 150, 9)
    b = outcomes_of(Plan(loads(yaml.safe_dump(swapped))), 150, 9)
    assert sorted(a.columns) == sorted(b.columns)
    for column in a.columns:
        assert a[column].tolist() == b[column].tolist(), column


def test_with_two_patrons_each_ones_daily_curves_are_tallied_from_its_own_facts(tmp_path):
    """daily.parquet holds, besides any patron's curves, each patron's presence and
    persistent presence day by day: the counts over replicates of its own facts
    (recomputed here from the replicates' ledgers), each never above any patron's."""
    import pandas as pd

    from sim.engine.replicate import run_replicates
    from sim.present.cli import main

    plan = Plan(loads(yaml.safe_dump(rival_run())))
    assert [c for c, _ in plan.daily_views] == [
        "present", "persistent", "present.patron", "persistent.patron",
        "present.rival", "persistent.rival",
    ]  # fmt: skip
    path = tmp_path / "two.yaml"
    path.write_text(yaml.safe_dump(rival_run()))
    out = tmp_path / "run"
    args = ["run", str(path), "-n", "60", "--seed", "4", "--workers", "1", "--out", str(out)]
    assert main(args) == 0
    daily = pd.read_parquet(out / "daily.parquet")
    runs = list(run_replicates(Plan(loads(path.read_text())), 4, 0, 60, events=False))
    for patron in ("patron", "rival"):
        own = [Facts(plan.scenario, r.ledger).of_patron(patron) for r in runs]
        present = np.sum([f.present for f in own], axis=0)
        persistent = np.sum([f.daily("persistent") for f in own], axis=0)
        assert np.array_equal(daily[f"present.{patron}"], present)
        assert np.array_equal(daily[f"persistent.{patron}"], persistent)
        assert (daily[f"present.{patron}"] <= daily["present"]).all()
