"""The baseline a typical Mesa user would write: ``mesa.batch_run`` over the same model,
with a ``DataCollector`` collecting the same monthly state.

The model is wargame's own :class:`~sim.engine.model.WargameModel` (same actors, same SimPy
operations, same seeds), stepped month by month by ``batch_run``; only the way replicates
are driven and recorded differs. :func:`check_fidelity` confirms the outcomes are the same.
"""

from __future__ import annotations

import mesa

from sim.engine.draws import draw
from sim.engine.model import WargameModel
from sim.engine.plan import Plan
from sim.engine.replicate import ReplicateRun, outcome_record, replicate_streams
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
        param_rng, dyn_rng = replicate_streams(SEED, replicate)
        values = draw(p.table, param_rng.random(p.n_params))
        # It collects no events, so, like wargame's own runs without an events table, it
        # keeps no event timeline: both sides do the same simulation work.
        super().__init__(p, values, dyn_rng, record_events=False)
        self.replicate = replicate
        reporters = {f"{a}.{v}": _reporter(a, v) for a, v in p.state_columns}
        reporters["persistent"] = lambda m: (
            outcome_record(m.plan, ReplicateRun(m.replicate, values, m.ledger, m.trajectory))[
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
        until = months[min(self.steps, len(months) - 1)]
        if until > self.env.now:
            self.env.run(until=until)
        if self.env.now >= self.plan.n_days:
            self.run()
        self.datacollector.collect(self)


def _reporter(actor: str, var: str):
    if var == "rung":
        return lambda m: m.rungs[(actor, m.actor(actor).target)]
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
