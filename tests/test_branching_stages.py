"""The branching stages' bookkeeping on hand-set survival (sim.runs.branching): which
observations are checked together, how a stage few histories meet is run again with new
replicates, what each stage records, how a resumed run skips the stages it has, and the Eve
effective sample size on hand-made clades.

A fake ``advance`` stands in for running the model: it decides by hand which particles
meet a stage's observations, so every count below is worked out in advance (the model's
own histories are tests/test_branching.py's)."""

from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

import sim.runs.branching as br
from sim.engine.plan import Plan
from sim.engine.replicate import draw_values
from sim.runs.branching import Branching, Particle, eve_effective_n, stages, with_eve_intervals
from sim.scenario.errors import NoForecast
from sim.scenario.loader import load
from tests.helpers import question, run_summary
from tests.test_branching import OBSERVED, toy


def plan_with(tmp_path: Path, ends: list[str]) -> Plan:
    """The toy with one observation ending on each of `ends` (a made-up fact each)."""
    tmp_path.mkdir(exist_ok=True)
    observed = [{**OBSERVED[0], "id": f"o{k}", "start": e, "end": e, "as_of": e}
                for k, e in enumerate(ends)]  # fmt: skip
    scenario, obs = toy(tmp_path, observed)
    return Plan(load(scenario, obs))


# ------------------------------------------------------------------ stages


def test_observations_within_a_week_of_a_stages_first_are_checked_with_it(tmp_path):
    """Ends on 1, 8 and 9 November: 8 November is seven days after the first (checked with
    it, on the 9th's check day), the 9th eight days after (a stage of its own)."""
    plan = plan_with(tmp_path, ["2020-11-01", "2020-11-08", "2020-11-09"])
    day = plan.day
    assert stages(plan) == [
        br.Stage(day(dt.date(2020, 11, 9)), ("o0", "o1")),
        br.Stage(day(dt.date(2020, 11, 10)), ("o2",)),
    ]


# ------------------------------------------------------------------ a fake advance


class Fake:
    """``advance`` by hand: a particle survives stage k when `alive(k, pid, particle)`;
    every batch seen is kept."""

    def __init__(self, alive):
        self.alive, self.batches = alive, []

    def __call__(self, ctx, stage, day, ids, batch):
        self.batches.append((stage, day, ids, list(batch)))
        return [(pid, ("state", stage, pid) if self.alive(stage, pid, p) else None)
                for pid, p in batch]  # fmt: skip


def branching(tmp_path: Path, n: int, ends: list[str]) -> Branching:
    return Branching(tmp_path, plan_with(tmp_path, ends), root=4, n=n, events=False)


TWO_STAGES = ["2020-11-01", "2020-12-01"]


def test_a_stage_is_run_again_with_new_replicates_until_enough_survive(tmp_path, monkeypatch):
    """Ten particles; at stage 0 only those of the third round (pids 20-29) survive, four
    of them: three rounds, 30 tried, the survivors new replicates 20 + i (origin + round x
    population); at stage 1 every particle goes on from its state."""
    b = branching(tmp_path, 10, TWO_STAGES)
    fake = Fake(lambda k, pid, p: k == 1 or pid in (21, 22, 25, 29))
    monkeypatch.setattr(br, "advance", fake)
    moved = []
    particles = b.population(1, moved.append)
    first, second = b.summary()
    assert (first.rounds, first.tried, first.survivors, first.population) == (
        3, 30, 4, 10)  # fmt: skip
    assert first.distinct_origins == 4 and first.observations == ["o0"]
    assert (second.rounds, second.tried, second.survivors) == (1, 10, 10)
    day = b.stages[0].day
    assert (first.day, first.date) == (day, br.date_of(b.plan.scenario.metadata.start_date,
                                                             day).isoformat())  # fmt: skip
    round_origins = [[p.origin for _, p in batch] for k, _, _, batch in fake.batches if k == 0]
    assert round_origins == [list(range(10)), list(range(10, 20)), list(range(20, 30))]
    assert all(p.state is None for k, *_, batch in fake.batches if k == 0 for _, p in batch)
    later = [p for k, *_, batch in fake.batches if k == 1 for _, p in batch]
    assert {p.state for p in later} == {("state", 0, pid) for pid in (21, 22, 25, 29)}, (
        "a particle past the first stage must go on from its state, not start again"
    )
    assert sorted({p.origin for p in particles}) <= [21, 22, 25, 29]
    assert len(b.ctx.values) == 30, "parameters drawn for every replicate tried, and no more"
    assert sum(moved) == 30 + 10, "the bar moves once per particle run"


def test_a_stage_stops_drawing_as_soon_as_a_tenth_survive(tmp_path, monkeypatch):
    """Exactly MIN_SHARE x population (one of ten) survive the first round: enough."""
    b = branching(tmp_path, 10, TWO_STAGES)
    monkeypatch.setattr(br, "advance", Fake(lambda k, pid, p: k == 1 or pid == 3))
    b.population(1)
    assert b.summary()[0].rounds == 1


def test_a_stage_nothing_survives_gives_up_after_the_last_round_saying_so(tmp_path, monkeypatch):
    """Facts ending 1 and 2 November are checked on the 3rd: no history agrees 'up to'
    the 2nd, the last day they speak of."""
    b = branching(tmp_path, 5, ["2020-11-01", "2020-11-02"])
    fake = Fake(lambda k, pid, p: False)
    monkeypatch.setattr(br, "advance", fake)
    with pytest.raises(NoForecast) as caught:
        b.population(1)
    assert len(fake.batches) == br.MAX_ROUNDS
    assert str(caught.value).startswith(
        f"no history agrees with the observations up to 2020-11-02 (o0, o1) in "
        f"{br.MAX_ROUNDS * 5:,} tries: nothing to branch from; "
    )


def test_the_survivors_of_every_round_of_a_stage_are_pooled(tmp_path, monkeypatch):
    """Twenty particles: one survives round 0 (under a tenth: go on), one round 1 (two in
    all: enough); both are kept."""
    b = branching(tmp_path, 20, TWO_STAGES)
    monkeypatch.setattr(br, "advance", Fake(lambda k, pid, p: k == 1 or pid in (3, 25)))
    b.population(1)
    first = b.summary()[0]
    assert (first.rounds, first.survivors, first.distinct_origins) == (2, 2, 2)


def test_a_stage_sends_its_particles_to_the_executor_given(tmp_path, monkeypatch):
    b = branching(tmp_path, 4, TWO_STAGES)
    monkeypatch.setattr(br, "advance", Fake(lambda k, pid, p: True))
    used = []
    real = br.map_unordered

    def spy(fn, ctx, jobs, workers=1):
        used.append(workers)
        return real(fn, ctx, jobs, 1)

    monkeypatch.setattr(br, "map_unordered", spy)
    b.population("the executor")
    assert used == ["the executor", "the executor"]


def test_a_resumed_run_covers_the_parameters_of_every_particle_it_loads(tmp_path, monkeypatch):
    """Stage 0's survivors come from the third round (replicates 20-29 of a population of
    10); a run resumed after it holds their parameters, and no more."""
    b = branching(tmp_path, 10, TWO_STAGES)
    monkeypatch.setattr(br, "advance", Fake(lambda k, pid, p: pid >= 20 or k == 1))
    b.population(1)
    (tmp_path / "branching" / "stage-1.pkl.gz").unlink()
    again = Branching(tmp_path, b.plan, root=4, n=10, events=False)
    particles = again.population(1)
    assert max(p.origin for p in particles) >= 20
    assert len(again.ctx.values) == max(p.origin for p in particles) + 1


def test_two_dates_are_enough_to_branch_and_one_is_not(tmp_path):
    assert br.wants_branching(plan_with(tmp_path / "two", TWO_STAGES)) is True
    assert br.wants_branching(plan_with(tmp_path / "one", TWO_STAGES[:1])) is False


def test_particles_are_sent_in_tasks_that_cover_each_once(tmp_path, monkeypatch):
    """Ten particles in tasks of four: three tasks, every pid once, in order."""
    monkeypatch.setattr(br, "TASK", 4)
    b = branching(tmp_path, 10, TWO_STAGES)
    fake = Fake(lambda k, pid, p: True)
    monkeypatch.setattr(br, "advance", fake)
    b.population(1)
    stage0 = [[pid for pid, _ in batch] for k, _, _, batch in fake.batches if k == 0]
    assert stage0 == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]


def test_a_resumed_branching_run_goes_on_from_its_last_saved_stage(tmp_path, monkeypatch):
    b = branching(tmp_path, 6, TWO_STAGES)
    monkeypatch.setattr(br, "advance", Fake(lambda k, pid, p: True))
    done = b.population(1)
    again = Branching(tmp_path, b.plan, root=4, n=6, events=False)
    fake = Fake(lambda k, pid, p: True)
    monkeypatch.setattr(br, "advance", fake)
    assert again.population(1) == done and fake.batches == []
    assert again.summary() == b.summary()
    (tmp_path / "branching" / "stage-1.pkl.gz").unlink()  # stopped during the last stage
    fake = Fake(lambda k, pid, p: True)
    monkeypatch.setattr(br, "advance", fake)
    third = Branching(tmp_path, b.plan, root=4, n=6, events=False)
    assert third.population(1) == done
    assert {k for k, *_ in fake.batches} == {1}, "only the stage not saved is run again"


# ------------------------------------------------------------------ the context


def test_the_context_draws_each_replicates_parameters_as_a_plain_run_does(tmp_path):
    """On Belarus, whose parameters are drawn (the toy's are fixed)."""
    from sim.runs.branching import BranchContext
    from tests.conftest import BELARUS

    b = branching(tmp_path, 5, TWO_STAGES)
    assert (b.ctx.root, b.ctx.events) == (4, False)
    assert Branching(tmp_path, b.plan, root=4, n=1, events=True).ctx.events is True
    plan = Plan(load(BELARUS))
    ctx = BranchContext.of(plan, 4, 5, events=False)
    expected, _ = draw_values(plan, 4, 0, 8)
    assert np.array_equal(ctx.values, expected[:5])
    assert not np.array_equal(expected[0], expected[1]), "the parameters are drawn"
    ctx.cover(8)
    assert np.array_equal(ctx.values, expected)
    ctx.cover(3)
    assert len(ctx.values) == 8


def test_a_fresh_particle_starts_its_original_replicate_as_a_plain_run_would(context):
    """A particle still at the start runs its replicate's own dynamics: the same each
    time, whatever the stage or copy number."""
    import pickle

    from sim.engine.state import capture
    from sim.runs.branching import _model

    ctx, _ = context

    def on_day_200(stage: int, pid: int) -> bytes:
        model = _model(ctx, Particle(2), stage, pid)
        model.run_until(200)
        return pickle.dumps(capture(model))

    assert on_day_200(0, 0) == on_day_200(3, 7)


def test_the_same_root_resamples_the_same_population(tmp_path, monkeypatch):
    """Four of ten survive: which copies are made depends on the resampling draw, so two
    runs from one root must agree copy by copy."""
    monkeypatch.setattr(br, "advance", Fake(lambda k, pid, p: k == 1 or pid in (1, 4, 6, 9)))
    one = branching(tmp_path / "a", 10, TWO_STAGES).population(1)
    two = branching(tmp_path / "b", 10, TWO_STAGES).population(1)
    assert [p.origin for p in one] == [p.origin for p in two]


def test_a_run_resumed_after_its_last_stage_covers_its_particles(tmp_path, monkeypatch):
    """Every stage saved, the survivors new replicates of the third round: nothing is
    run again, and the context still holds their parameters for the finish."""
    b = branching(tmp_path, 10, TWO_STAGES)
    monkeypatch.setattr(br, "advance", Fake(lambda k, pid, p: pid >= 20 or k == 1))
    done = b.population(1)
    again = Branching(tmp_path, b.plan, root=4, n=10, events=False)
    fake = Fake(lambda k, pid, p: True)
    monkeypatch.setattr(br, "advance", fake)
    assert again.population(1) == done and fake.batches == []
    assert len(again.ctx.values) == max(p.origin for p in done) + 1


def test_a_context_sent_to_a_worker_leaves_its_compiled_checks_behind(tmp_path):
    b = branching(tmp_path, 2, TWO_STAGES)
    _ = b.ctx.checks
    state = b.ctx.__getstate__()
    assert state["_checks"] is None and set(state) == set(b.ctx.__dict__)
    assert pickle.loads(pickle.dumps(b.ctx)).values.tolist() == b.ctx.values.tolist()


# ------------------------------------------------------------------ the Eve estimator


@pytest.mark.parametrize(
    ("y", "origins", "expected"),
    [
        ([], [], 0.0),  # nothing to count
        ([1, 1, 1, 1], [0, 0, 1, 1], 2.0),  # no spread: the distinct histories
        ([0, 0, 0], [5, 5, 5], 1.0),
        # each history's copies split evenly: the clade sums are zero, nothing is shared
        ([1, 0, 1, 0], [0, 0, 1, 1], 4.0),
        # two clades of two that agree within: p = 1/2, var = 2 (1/2)^2 x 2^2 / 4^2 = 1/8
        ([1, 1, 0, 0], [0, 0, 1, 1], 2.0),
    ],
)
def test_the_eve_effective_sample_size_by_hand(y, origins, expected):
    assert eve_effective_n(np.array(y), np.array(origins)) == pytest.approx(expected)


def test_eve_intervals_go_on_questions_and_shares_and_leave_a_summary_without_outcomes():
    import pandas as pd

    from sim.maths.stats import wilson

    y = [True, True, True, False, False, True, False]
    outcomes = pd.DataFrame({"question.q": y})
    origins = np.array([0, 0, 0, 1, 1, 2, 3])
    summary = run_summary([question("q", 0.1, 0.0, 1.0, n=7)])
    out = with_eve_intervals(summary, outcomes, origins)
    (q,) = out.questions
    n_eff = eve_effective_n(np.array(y), origins)  # 3.4588...
    assert q.estimate.n_effective == 3.5, "the effective size is shown to one decimal"
    assert q.estimate.p == pytest.approx(4 / 7) and q.estimate.n == 7
    assert (q.estimate.low, q.estimate.high) == pytest.approx(wilson(4 / 7 * n_eff, n_eff))
    assert out.outcomes == {} and out.judgments == []


# ----------------------------------------------------------------- one particle by hand


@pytest.fixture(scope="module")
def context():
    """The Belarus scenario's first four replicates, as a branching run's workers hold
    them, and one particle's state on day 30."""
    from sim.engine.plan import Plan
    from sim.runs.branching import BranchContext, Particle, advance
    from sim.scenario.loader import load
    from tests.conftest import BELARUS

    ctx = BranchContext.of(Plan(load(BELARUS)), 11, 4, events=True)
    ((_, state),) = advance(ctx, 0, 30, (), [(0, Particle(0))])
    return ctx, Particle(0, state)


def test_each_stage_and_copy_draws_its_own_dynamics(context):
    """Copies of one history resumed on day 30 must go different ways: the dynamics of a
    copy depend on its stage and its number, so two stages, or two copies, differ, and
    the same copy of the same stage repeats exactly."""
    import pickle

    from sim.runs.branching import advance

    ctx, p = context

    def state_on_day_400(stage: int, pid: int) -> bytes:
        ((_, state),) = advance(ctx, stage, 400, (), [(pid, p)])
        return pickle.dumps(state)

    base = state_on_day_400(1, 5)
    assert base == state_on_day_400(1, 5), "the same copy of the same stage must repeat"
    assert state_on_day_400(2, 5) != base, "stage 2 reused stage 1's dynamics for a copy"
    assert state_on_day_400(1, 6) != base, "two copies of one stage share their dynamics"


def test_the_finished_chunk_follows_the_stage_and_keeps_the_detail_asked_for(context):
    from sim.runs.branching import finish_chunk

    ctx, p = context
    one = finish_chunk(ctx, 11, 3, 4, True, 1, [p])
    assert one.tables == finish_chunk(ctx, 11, 3, 4, True, 1, [p]).tables
    assert one.tables != finish_chunk(ctx, 11, 3, 4, True, 2, [p]).tables, (
        "finishing at another stage must draw other dynamics"
    )
    lean = finish_chunk(ctx, 11, 3, 4, False, 1, [p])
    assert {"events", "trajectories"} <= set(one.tables) - set(lean.tables), (
        "a run that keeps detail must get its trajectories and events"
    )


def test_each_particle_finishes_with_dynamics_of_its_own(context):
    """The same particle finished as replicate 3 and as replicate 4 goes two ways: the
    finishing streams are the particle's, not one shared by the whole chunk."""
    import pyarrow as pa

    from sim.runs.branching import finish_chunk

    ctx, p = context

    def events(start: int) -> list:
        raw = finish_chunk(ctx, 11, start, start + 1, True, 1, [p]).tables["events"]
        table = pa.ipc.open_stream(pa.BufferReader(raw)).read_all().to_pandas()
        return table.drop(columns="replicate").to_dict("records")

    assert events(3) != events(4)


def test_a_particle_that_fails_names_its_replicate_and_seed(monkeypatch):
    from sim.runs.branching import Particle, advance
    from sim.scenario.errors import ReplicateFailure

    def broken(*args):
        raise ValueError("boom")

    monkeypatch.setattr(br, "_model", broken)
    with pytest.raises(ReplicateFailure) as caught:
        advance(SimpleNamespace(root=7), 1, 30, (), [(0, Particle(3))])
    assert str(caught.value) == "replicate 3 (root seed 7) failed: ValueError: boom"


def test_a_run_not_conditioned_by_branching_has_no_origins(tmp_path):
    from sim.runs.conditioned import ORIGINS, origins_of

    assert origins_of(tmp_path) is None
    (tmp_path / ORIGINS).parent.mkdir(parents=True)
    (tmp_path / ORIGINS).write_text("[4, 4, 9]")
    assert origins_of(tmp_path).tolist() == [4, 4, 9]


@pytest.mark.parametrize(("k", "n"), [(3, 10), (7, 7), (10, 3), (1, 5)])
def test_systematic_resampling_picks_each_survivor_its_share_in_order(k, n):
    """With equal weights, systematic resampling gives each of k survivors floor(n / k)
    or ceil(n / k) copies, in survivor order, each carrying its survivor's state."""
    from sim.runs.branching import Particle, resample

    survivors = [Particle(100 + i, f"state {i}") for i in range(k)]
    picked = resample(survivors, n, root=5, stage=1)
    origins = [p.origin for p in picked]
    assert len(picked) == n and origins == sorted(origins), origins
    counts = [origins.count(100 + i) for i in range(k)]
    assert all(n // k <= c <= -(-n // k) for c in counts), f"copies per survivor {counts}"
    assert all(p.state == f"state {p.origin - 100}" for p in picked), "a copy lost its state"


def test_each_stage_resamples_with_its_own_draw():
    from sim.runs.branching import Particle, resample

    survivors = [Particle(i) for i in range(7)]
    by_stage = {s: [p.origin for p in resample(survivors, 100, 5, s)] for s in range(1, 6)}
    again = [p.origin for p in resample(survivors, 100, 5, 3)]
    assert again == by_stage[3], "the same root and stage must resample the same way"
    other_roots = {tuple(p.origin for p in resample(survivors, 100, r, 3)) for r in range(6, 11)}
    assert len(other_roots) > 1, "every root seed drew the same offsets"
    assert len({tuple(v) for v in by_stage.values()}) > 1, "every stage drew the same offsets"


def test_a_workers_context_pickles_without_its_compiled_checks(context):
    import pickle

    ctx, _ = context
    _ = ctx.checks  # compiled in this process
    again = pickle.loads(pickle.dumps(ctx))
    assert again._checks is None and again.root == ctx.root


def test_a_lean_branching_run_keeps_no_timeline():
    from sim.engine.plan import Plan
    from sim.runs.branching import BranchContext, Particle, _model
    from sim.scenario.loader import load
    from tests.conftest import BELARUS

    ctx = BranchContext.of(Plan(load(BELARUS)), 11, 1, events=False)
    model = _model(ctx, Particle(0), 0, 0)
    assert model.ledger.record_events is False
    model.dispose()
