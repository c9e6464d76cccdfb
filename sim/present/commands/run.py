"""``wargame run``: a Monte Carlo estimate for one scenario, written to a run folder."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from sim.present.commands.options import (
    add_conditioning_option,
    add_executor_options,
    add_observation_options,
    positive,
    seed,
)
from sim.present.commands.running import output_folder, session
from sim.scenario.errors import UsageError

if TYPE_CHECKING:
    from sim.runs.store import RunStore
    from sim.scenario.schema import Scenario


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help="Monte Carlo estimate for one scenario")
    p.add_argument("scenario", help="scenario YAML file")
    p.add_argument(
        "-n",
        "--replicates",
        type=positive("replicates", 10_000_000),
        help="replicate count (default: the scenario's monte_carlo.replicates)",
    )
    p.add_argument("--seed", type=seed, help="root seed (default: the scenario's)")
    add_executor_options(p)
    p.add_argument("--out", help="output folder (default: results/<scenario>-<time>)")
    p.add_argument("--resume", metavar="DIR", help="finish an interrupted run in DIR")
    p.add_argument(
        "--chunk-size",
        type=positive("chunk size", 1_000_000),
        help="replicates per chunk written to disk (default: 250, more for large runs)",
    )
    p.add_argument(
        "--lean",
        action="store_true",
        help="keep outcomes and parameters only (no trajectories or events)",
    )
    add_observation_options(p)
    add_conditioning_option(p)
    p.add_argument(
        "--ledger",
        metavar="FILE",
        help="append this run's forecasts (as of its last observation, or --as-of) to a "
        "hash-chained forecast ledger",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with session(args, "sim.runs.runner", "chunks") as s:
        from sim.engine.plan import Plan
        from sim.runs.conditioned import run_store
        from sim.scenario.loader import load

        path = Path(args.scenario)
        scenario = load(path, args.observations, args.as_of)
        if args.ledger:
            from sim.analysis import ledger

            ledger.read(Path(args.ledger))  # a broken chain is refused before the run
        store = open_store(args, path, scenario)
        s.out = store.path
        run_store(store, Plan(scenario), s.executor, s.bar, args.conditioning)
    print_run(store, args.workers)
    if args.ledger:
        append_to_ledger(Path(args.ledger), store, as_of_of(scenario, args.as_of), "run")
    return 0


def as_of_of(scenario: Scenario, as_of=None):
    """The date a run's forecast stands as of: --as-of, else the latest observation's,
    else the scenario's start date."""
    if as_of is not None:
        return as_of
    dates = [o.as_of for o in scenario.observations]
    return max([scenario.metadata.start_date, *dates])


def append_to_ledger(path: Path, store: RunStore, as_of, command: str) -> None:
    """Append a finished run's forecasts to the ledger and say where."""
    from sim.analysis import ledger
    from sim.runs.run_summary import read_summary

    summary = read_summary(store.path)
    entry = ledger.append(path, ledger.record_of(summary, store.manifest, as_of, command))
    print(f"ledger: entry {entry['index']} (as of {entry['as_of']}) appended to {path}")


def open_store(args: argparse.Namespace, path: Path, scenario: Scenario) -> RunStore:
    """A new run folder, or the unfinished one named by --resume (with the same -n, seed
    and scenario)."""
    from sim.runs.runner import default_chunk
    from sim.runs.store import RunStore, default_out

    if args.resume:
        kept = RunStore.open(Path(args.resume)).manifest
        for flag, given, was in (
            ("-n", args.replicates, kept["replicates"]),
            ("--seed", args.seed, kept["seed"]),
        ):
            if given is not None and given != was:
                raise UsageError(
                    f"{given} differs from the run being resumed ({was}); leave it out", flag
                )
        return RunStore.resume_run(Path(args.resume), path, scenario)
    replicates = args.replicates or scenario.monte_carlo.replicates
    return RunStore.create_run(
        output_folder(args, lambda: default_out(path)),
        scenario_file=path,
        scenario=scenario,
        seed=scenario.monte_carlo.seed if args.seed is None else args.seed,
        replicates=replicates,
        chunk_size=args.chunk_size or default_chunk(replicates),
        detail=not args.lean,
    )


def speed_line(m: dict, workers: int) -> str:
    """How many replicates this command ran, how fast, and how many an interrupted run
    had already made (they are not counted in the speed)."""
    session = m.get("session", {"replicates": m["replicates"], "seconds": m["wall_seconds"]})
    ran, seconds = session["replicates"], session["seconds"]
    rate = f"{ran / max(seconds, 1e-9):.0f}/s, " if ran else ""
    line = f"{ran:,} replicates in {seconds:.1f} s ({rate}{workers} worker(s), seed {m['seed']})"
    reused = m["replicates"] - ran
    return line + (f"; {reused:,} more kept from the interrupted run" if reused else "")


def print_run(store: RunStore, workers: int) -> None:
    """The summary table, the run's speed and where its folder is."""
    from sim.present.text.run import format_summary
    from sim.runs.run_summary import read_summary

    m = store.manifest
    print(format_summary(read_summary(store.path)))
    print("\n" + speed_line(m, workers))
    print(f"results: {store.path}")
