"""``wargame batch``: run several scenarios with common random numbers and compare them."""

from __future__ import annotations

import argparse
from pathlib import Path

from sim.present.commands.options import add_executor_options, positive, seed
from sim.present.commands.running import output_folder, save_figures, session
from sim.scenario.outcomes import OUTCOME_NAMES


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("batch", help="run several scenarios and compare them")
    p.add_argument("inputs", nargs="+", help="scenario files or folders of them")
    p.add_argument(
        "-n",
        "--replicates",
        type=positive("replicates", 10_000_000),
        help="replicates per scenario (default: the baseline's)",
    )
    p.add_argument("--seed", type=seed, help="root seed (default: the baseline's)")
    p.add_argument(
        "--seed-policy",
        choices=("common", "independent"),
        default="common",
        help="common random numbers across scenarios (default) or independent",
    )
    p.add_argument("--baseline", help="file stem of the baseline (default: the first)")
    p.add_argument(
        "--outcome",
        help=f"the outcome compared: {', '.join(OUTCOME_NAMES)} (with several patrons, also "
        "OUTCOME.PATRON) (default: the baseline scenario's headline, else persistent)",
    )
    add_executor_options(p)
    p.add_argument("--out", help="output folder (default: results/batch-<time>)")
    p.add_argument("--resume", metavar="DIR", help="finish an interrupted batch in DIR")
    p.add_argument("--lean", action="store_true", help="no trajectories or events")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with session(args, "sim.runs.runner", "members and chunks") as s:
        from sim.present.text.batch import format_comparison, format_questions
        from sim.runs.batch import run_batch, scenario_files
        from sim.runs.store import default_out

        files = scenario_files(args.inputs)
        s.out = out = output_folder(args, lambda: default_out(Path("batch")))
        batch = run_batch(
            files,
            out,
            replicates=args.replicates,
            seed=args.seed,
            seed_policy=args.seed_policy,
            baseline=args.baseline,
            workers=s.executor,
            detail=not args.lean,
            resume=bool(args.resume),
            on_member=lambda name, todo: s.phase(f"running {name}", todo),
            outcome=args.outcome,
        )
    from sim.present.plots import forest

    print(format_comparison(batch.comparison))
    questions = format_questions(batch.questions)
    if questions:
        print(questions)
    print(f"\nresults: {out}")
    save_figures({"forest": forest(batch)}, out / "figures")
    return 0
