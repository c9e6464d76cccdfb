"""The baseline a typical Mesa user would write: ``mesa.batch_run`` over the same model,
with a ``DataCollector`` collecting the same monthly state.

The model is wargame's own :class:`~sim.engine.model.WargameModel` (same actors, same SimPy
operations, same seeds), stepped month by month by ``batch_run``; only the way replicates
are driven and recorded differs. :func:`check_fidelity` confirms the outcomes are the same.
"""

from __future__ import annotations

import mesa

from sim.engine.model import WargameModel
from sim.engine.plan import Plan
from sim.engine.replicate import ReplicateRun, draw_values, outcome_record
from sim.engine.streams import Streams
from sim.scenario.loader import load

SCENARIO = "scenarios/belarus_2020.yaml"
SEED = 20200916
PLAN: Plan | None = None


def plan() -> Plan:
    global PLAN
    if PLAN is None:
        PLAN = Plan(load(SCENARIO))
    return PLAN


class BatchRunModel(WargameModel):
    """WargameModel with a DataCollector, built from a replicate index for batch_run."""

    def __init__(self, replicate: int):
        p = plan()
        (values,), (dyn_rng,) = draw_values(p, SEED, replicate, replicate + 1)
        streams = Streams.of(dyn_rng.bit_generator.seed_seq)
        # It collects no events, so, like wargame's own runs without an events table, it
        # keeps no event timeline: both sides do the same simulation work.
        super().__init__(p, values, streams, record_events=False, rng=dyn_rng)
        self._begin()
        self.start_processes()
        self.replicate = replicate
        reporters = {f"{a}.{v}": _reporter(a, v) for a, v in p.state_columns}
        reporters["persistent"] = lambda m: (
            outcome_record(p, ReplicateRun(m.replicate, values, m.ledger, m.trajectory, m.plan))[
                "persistent"
            ]
            if not m.running
            else None
        )
        # Collected at the end of each step, as in Mesa's examples: batch_run reports the
        # rows of steps 0 .. steps-1, so the row of step k holds the state after step k+1.
        self.datacollector = mesa.DataCollector(model_reporters=reporters)

    def step(self) -> None:
        """One Mesa step: advance the day clock to the next month start (the operations and
        decisions are SimPy processes; SimPy does not care where the clock is paused)."""
        months = self.plan.months
        self.run_until(months[min(self.steps, len(months) - 1)])
        if self.env.now >= self.plan.n_days:
            self.run()
        self.datacollector.collect(self)


def _reporter(actor: str, var: str):
    if var.startswith("rung."):
        return lambda m: m.book.level((actor, m.actor(actor).target), var[5:])
    return lambda m: getattr(m.actor(actor), var)


def run_batch(n: int, processes: int = 1) -> list[dict]:
    """``mesa.batch_run`` over replicates 0..n-1, one month per step."""
    months = plan().scenario.metadata.horizon_months
    return mesa.batch_run(
        BatchRunModel,
        parameters={"replicate": range(n)},
        number_processes=processes,
        iterations=1,
        data_collection_period=1,
        max_steps=months,
        display_progress=False,
    )
