"""``wargame replay``: re-run one replicate of a run folder and print its timeline."""

from __future__ import annotations

import argparse
from pathlib import Path

from sim.scenario.errors import UsageError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("replay", help="re-run one replicate of a run and print its timeline")
    p.add_argument("folder", help="a run folder (complete or not)")
    p.add_argument("--replicate", type=int, required=True, help="replicate index")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Replicate K of root seed S always runs the same way, so a run folder's manifest is
    enough to re-run it (a failure here shows its full traceback)."""
    from sim.engine.plan import Plan
    from sim.engine.replicate import outcome_record, run_replicate
    from sim.runs.store import RunStore
    from sim.scenario.calendar import date_of
    from sim.scenario.schema import Scenario

    m = RunStore.open(Path(args.folder)).manifest
    k = args.replicate
    if not 0 <= k < m["replicates"]:
        raise UsageError(
            f"no replicate {k}: this run has 0 to {m['replicates'] - 1}", "--replicate"
        )
    plan = Plan(Scenario.model_validate(m["scenario"]))
    print(f"{m['scenario_name']}: replicate {k} of {m['replicates']}, root seed {m['seed']}")
    print(format_draws(plan, m["seed"], k))
    replicate = run_replicate(plan, m["seed"], k)
    start = plan.scenario.metadata.start_date
    for e in sorted(replicate.ledger.events, key=lambda e: e.day):
        until = f" to {date_of(start, e.end)}" if e.end is not None else ""
        print(f"  {date_of(start, e.day)}{until:<14} {e.kind:<20} {e.actor:<12} {e.detail}")
    rec = outcome_record(plan, replicate)
    held = rec["persistent_day"]
    when = (
        f"from {date_of(start, held)} to the horizon" if held is not None else "not at the horizon"
    )
    rungs = ", ".join(f"{t.name} {t.rungs[rec[f'rung.{t.name}']].name}" for t in plan.track_specs)
    print(f"persistent presence: {when}; rungs held at the horizon: {rungs}")
    print(f"presence days: {rec['presence_days']} of {plan.n_days}")
    return 0


def format_draws(plan, seed: int, k: int) -> str:
    """The values replicate `k` drew for every uncertain parameter (fixed ones are the
    scenario's and are only counted), as ``wargame explain`` names them."""
    from sim.engine.replicate import draw_values

    values, _ = draw_values(plan, seed, k, k + 1)
    drawn = [(e, v) for e, v in zip(plan.table, values[0], strict=True) if not e.spec.is_fixed]
    fixed = len(plan.table) - len(drawn)
    lines = [f"parameters drawn ({len(drawn)}; {fixed} fixed in the scenario):"]
    width = max((len(e.path) for e, _ in drawn), default=0)
    for e, v in drawn:
        lines.append(f"  {e.path:<{width}}  {v:.4g}  {e.units or ''}".rstrip())
    return "\n".join(lines)
