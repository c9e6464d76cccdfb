"""How a run folder is filled under its observations (:mod:`sim.runs.conditioned`): which
conditioning a run gets, the progress each phase announces, and what a branching run
writes about itself (manifest, summary, origins), on tests/test_branching.py's toy (three
observations at three dates)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

import sim.runs.conditioned as conditioned
from sim.engine.plan import Plan
from sim.runs.conditioned import ORIGINS, branching_wanted, origins_of, run_store
from sim.runs.store import RunStore
from sim.scenario.errors import NoForecast
from sim.scenario.loader import load
from tests.test_branching import OBSERVED, toy


class Bars:
    """A session's ``bar`` that remembers each phase it was asked for and how far each
    phase's bar was moved."""

    def __init__(self) -> None:
        self.phases: list[tuple] = []
        self.moved: list[int] = []

    def __call__(self, total: int, *label: str):
        self.phases.append((total, *label))
        self.moved.append(0)
        k = len(self.moved) - 1

        def update(n: int = 1) -> None:
            self.moved[k] += n

        return update


def plan_of(tmp_path: Path, observed: list[dict]) -> Plan:
    tmp_path.mkdir(exist_ok=True)
    scenario, obs = toy(tmp_path, observed)
    return Plan(load(scenario, obs if observed else None))


def store_of(
    tmp_path: Path, plan: Plan, n: int, name: str = "run", detail: bool = False
) -> RunStore:
    return RunStore.create_run(
        tmp_path / name, scenario_file=tmp_path / "toy_branching.yaml", scenario=plan.scenario,
        seed=3, replicates=n, chunk_size=20, detail=detail,
    )  # fmt: skip


# ------------------------------------------------------------------ which conditioning


@pytest.fixture(scope="module")
def plans(tmp_path_factory) -> dict[str, Plan]:
    """The toy with no observation, with its first one only (one date), and with all
    three (three dates)."""
    tmp = tmp_path_factory.mktemp("plans")
    return {
        "none": plan_of(tmp / "none", []),
        "one date": plan_of(tmp / "one", OBSERVED[:1]),
        "three dates": plan_of(tmp / "three", OBSERVED),
    }


@pytest.mark.parametrize(
    ("recorded", "asked", "observed", "branch"),
    [
        # a run being resumed goes on the way it started, whatever is asked now
        ("branching", "reject", "three dates", True),
        ("rejection", "branch", "three dates", False),
        ("rejection", "auto", "three dates", False),
        # a new run: nothing to condition on, or rejection asked for, is never branched
        (None, "branch", "none", False),
        (None, "reject", "three dates", False),
        # asked for, branching is done even at one date; auto branches from two dates on
        (None, "branch", "one date", True),
        (None, "auto", "one date", False),
        (None, "auto", "three dates", True),
    ],
)
def test_the_conditioning_is_the_resumed_runs_else_the_one_asked_for(
    plans, recorded, asked, observed, branch
):
    manifest = {} if recorded is None else {"conditioning": recorded}
    store = SimpleNamespace(manifest=manifest)
    assert branching_wanted(asked, plans[observed], store) is branch, (
        f"recorded {recorded}, asked {asked}, observations at {observed}: "
        f"{'should' if branch else 'should not'} branch"
    )


def spy_on_run_to_store(mp: pytest.MonkeyPatch) -> list[dict]:
    """Let run_to_store run as usual, keeping the keyword arguments of each call."""
    calls: list[dict] = []
    real = conditioned.run_to_store

    def spy(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    mp.setattr(conditioned, "run_to_store", spy)
    return calls


# ------------------------------------------------------------------ a plain run


def test_a_plain_run_announces_its_replicates_and_uses_the_executor_given(tmp_path, monkeypatch):
    """The bar is sized to the replicates still to run and moved that far; the executor
    given is the one that runs them; a complete run is not run again."""
    plan = plan_of(tmp_path, [])
    store = store_of(tmp_path, plan, 50)
    calls = spy_on_run_to_store(monkeypatch)
    bars = Bars()
    run_store(store, plan, 1, bars, "auto")
    assert bars.phases == [(50,)] and bars.moved == [50]
    assert [c["workers"] for c in calls] == [1]
    run_store(store, plan, 1, bars, "auto")
    assert len(calls) == 1, "a complete run was run again"


def test_a_run_whose_chunks_are_all_written_is_still_finished(monkeypatch):
    """Every chunk on disk but the folder not finished (stopped while assembling): the
    run goes on with nothing to run, so the tables are assembled; a finished one does not."""
    seen = []
    monkeypatch.setattr(conditioned, "run_to_store", lambda *a, **k: seen.append(k))
    for complete in (False, True):
        store = SimpleNamespace(manifest={}, complete=complete, pending=list)
        plan = SimpleNamespace(scenario=SimpleNamespace(observations=[]))
        run_store(store, plan, 3, Bars(), "auto")
    assert [k["workers"] for k in seen] == [3], "finished: only the unfinished folder runs"


# ------------------------------------------------------------------ a branching run


@pytest.fixture(scope="module")
def branched(tmp_path_factory) -> tuple[RunStore, Bars, list]:
    tmp = tmp_path_factory.mktemp("branched")
    plan = plan_of(tmp, OBSERVED)
    store = store_of(tmp, plan, 40)
    bars = Bars()
    with pytest.MonkeyPatch.context() as mp:
        calls = spy_on_run_to_store(mp)
        run_store(store, plan, 1, bars, "branch")
    return store, bars, calls


def test_a_branching_run_announces_each_phase_and_completes_its_bars(branched):
    """Three stages of 40 particles, then the 40 finished to the horizon."""
    _, bars, calls = branched
    assert bars.phases == [(3 * 40, "branching", "particle"), (40,)]
    assert bars.moved[1] == 40 and bars.moved[0] >= 3 * 40
    assert [c["workers"] for c in calls] == [1]


def test_a_branching_run_records_how_it_was_conditioned(branched):
    """The manifest says branching (so a resume goes on branching); the summary says why,
    how the intervals were made, how many distinct histories are left, and how many
    replicates plain rejection would have kept: the population times each stage's
    share of survivors among the particles tried."""
    store, _, _ = branched
    assert json.loads((store.path / "manifest.json").read_text())["conditioning"] == "branching"
    block = json.loads((store.path / "summary.json").read_text())["branching"]
    origins = origins_of(store.path)
    assert origins is not None and origins.dtype == np.int64 and len(origins) == 40
    share = np.prod([st["survivors"] / st["tried"] for st in block["stages"]])
    assert block == {
        "stages": block["stages"],
        "why": "asked for",
        "rejection_estimate": pytest.approx(share * 40),
        "distinct_origins": len(set(origins.tolist())),
        "intervals": "Eve estimator (particles sharing an original replicate are correlated)",
    }
    assert len(block["stages"]) == 3 and block["rejection_estimate"] < 40


def test_branching_chosen_automatically_says_so(tmp_path):
    plan = plan_of(tmp_path, OBSERVED)
    store = store_of(tmp_path, plan, 20)
    run_store(store, plan, 1, Bars(), "auto")
    block = json.loads((store.path / "summary.json").read_text())["branching"]
    assert block["why"] == "auto: observations on two or more dates"
    assert (store.path / ORIGINS).is_file()


@pytest.mark.parametrize(
    ("raised", "status", "reason"),
    [
        (NoForecast("no history agrees"), "no_forecast", "no history agrees"),
        (KeyboardInterrupt(), "incomplete", "interrupted (branching stages kept)"),
        (ValueError("boom"), "incomplete", "failed: boom (branching stages kept)"),
    ],
)
def test_a_branching_stage_that_stops_says_why_in_the_manifest(
    tmp_path, monkeypatch, raised, status, reason
):
    """The folder stays resumable and its manifest says what stopped it; no time is
    counted for the stages (they are kept, and counted when the run finishes)."""
    plan = plan_of(tmp_path, OBSERVED)
    store = store_of(tmp_path, plan, 20)

    def stop(*args):
        raise raised

    monkeypatch.setattr(conditioned.Branching, "population", stop)
    with pytest.raises(type(raised)):
        run_store(store, plan, 1, Bars(), "branch")
    m = json.loads((store.path / "manifest.json").read_text())
    assert (m["status"], m["reason"], m["wall_seconds"]) == (status, reason, 0.0)


def test_a_branching_run_repeats_from_its_seed_and_keeps_the_detail_asked_for(tmp_path):
    """Two runs from one seed write the same outcomes; a run that keeps detail records
    every particle's timeline from day 0, before the first stage (summits and the forces'
    decisions are only logged with the timeline on)."""
    import pandas as pd

    plan = plan_of(tmp_path, OBSERVED)
    one, two = store_of(tmp_path, plan, 20, "one", True), store_of(tmp_path, plan, 20, "two")
    run_store(one, plan, 1, Bars(), "branch")
    run_store(two, plan, 1, Bars(), "branch")
    a = pd.read_parquet(one.path / "outcomes.parquet")
    b = pd.read_parquet(two.path / "outcomes.parquet")
    assert a.equals(b), "the same seed must give the same branching run"
    events = pd.read_parquet(one.path / "events.parquet")
    first_stage = (pd.Timestamp("2020-12-01") - pd.Timestamp("2020-09-16")).days
    early = set(events.loc[events["day"] < first_stage, "kind"])
    assert {"summit", "forces_home"} <= early, f"the timeline is kept from day 0: {early}"
    assert not (two.path / "events.parquet").exists()
