"""The ``wargame`` command: a thin shell over the library.

User mistakes (a bad scenario, a bad option value, an existing output folder) print one
clear message and exit with status 2; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sim import __version__
from sim.errors import ScenarioError

if TYPE_CHECKING:
    from sim.scenario import Scenario
    from sim.store import RunStore

EXIT_USER_ERROR = 2


def _positive(kind: str, upper: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, found {text!r}") from None
        if not 1 <= value <= upper:
            raise argparse.ArgumentTypeError(
                f"{kind} must be between 1 and {upper:,}; found {value}"
            )
        return value

    return parse


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, found {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"a seed cannot be negative; found {value}")
    return value


def cmd_validate(args: argparse.Namespace) -> int:
    from sim.loader import load

    for path in args.scenarios:
        s = load(path)
        print(
            f"{path}: ok ({s.metadata.name}; {len(s.actors)} actors, {len(s.ladder)} rungs, "
            f"{s.metadata.horizon_months} months)"
        )
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    from sim.draws import parameter_table
    from sim.explain import format_table
    from sim.loader import load

    print(format_table(parameter_table(load(args.scenario))))
    return 0


def _progress_bar(total: int) -> tuple[Callable[[int], None] | None, Callable[[], None]]:
    """A tqdm bar on a terminal; nothing when output is piped or under CI."""
    if not sys.stderr.isatty():
        return None, lambda: None
    from tqdm import tqdm

    bar = tqdm(total=total, unit="rep", desc="replicates", leave=False)
    return bar.update, bar.close


def _open_store(args: argparse.Namespace, path: Path, scenario: Scenario) -> RunStore:
    """A new run folder, or the unfinished one named by --resume."""
    from sim.runner import DEFAULT_CHUNK
    from sim.store import RunStore, default_out

    if args.resume:
        store = RunStore.resume(Path(args.resume), path)
        m = store.manifest
        if scenario.model_dump(mode="json") != m["scenario"]:
            raise ScenarioError.single(
                "the scenario (or a file it extends) has changed since this run started",
                file=str(path),
            )
        for flag, given, kept in (
            ("-n", args.replicates, m["replicates"]),
            ("--seed", args.seed, m["seed"]),
        ):
            if given is not None and given != kept:
                raise ScenarioError.single(
                    f"{flag} {given} differs from the run being resumed ({kept}); leave it out",
                    file=args.resume,
                )
        return store
    return RunStore.create(
        Path(args.out) if args.out else default_out(path),
        scenario_file=path,
        scenario=scenario,
        seed=scenario.monte_carlo.seed if args.seed is None else args.seed,
        replicates=args.replicates or scenario.monte_carlo.replicates,
        chunk_size=args.chunk_size or DEFAULT_CHUNK,
        detail=not args.lean,
    )


def cmd_run(args: argparse.Namespace) -> int:
    from sim.loader import load
    from sim.plan import Plan
    from sim.runner import run_to_store
    from sim.summary import format_summary

    path = Path(args.scenario)
    scenario = load(path)
    store = _open_store(args, path, scenario)
    todo = sum(b - a for _, a, b in store.pending())
    update, close = _progress_bar(todo)
    try:
        run_to_store(store, Plan(scenario), workers=args.workers, progress=update)
    except KeyboardInterrupt:
        close()
        print(
            f"interrupted; finished chunks are kept. Resume with:\n  wargame run {path} "
            f"--resume {store.path}",
            file=sys.stderr,
        )
        return 130
    finally:
        close()
    m = store.manifest
    print(format_summary(json.loads((store.path / "summary.json").read_text())))
    print(
        f"\n{m['replicates']} replicates in {m['wall_seconds']:.1f} s "
        f"({m['replicates_per_second']:.0f}/s, {args.workers} worker(s), seed {m['seed']})"
    )
    print(f"results: {store.path}")
    return 0


def cmd_batch(args: argparse.Namespace) -> int:
    from sim.batch import format_comparison, run_batch, scenario_files
    from sim.plots import forest, save
    from sim.store import default_out

    files = scenario_files(args.inputs)
    out = Path(args.resume or args.out or default_out(Path("batch")))

    def on_member(name: str, todo: int) -> Callable[[int], None] | None:
        print(f"running {name} ({todo} replicates to go)", file=sys.stderr)
        return _progress_bar(todo)[0]

    batch = run_batch(
        files,
        out,
        replicates=args.replicates,
        seed=args.seed,
        seed_policy=args.seed_policy,
        baseline=args.baseline,
        workers=args.workers,
        detail=not args.lean,
        resume=bool(args.resume),
        on_member=on_member,
    )
    print(format_comparison(batch.comparison))
    written = save({"forest": forest(batch)}, out / "figures")
    print(f"\nresults: {out}\nforest plot: {written[0]}")
    return 0


def cmd_plot(args: argparse.Namespace) -> int:
    from sim.plots import forest, run_figures, save
    from sim.results import Batch, load

    loaded = load(args.folder)
    if isinstance(loaded, Batch):
        written = save({"forest": forest(loaded)}, loaded.path / "figures")
        for member in loaded.members:
            run = loaded.run(member)
            written += save(run_figures(run), run.path / "figures")
    else:
        written = save(run_figures(loaded, args.replicate), loaded.path / "figures")
    for path in written:
        print(path)
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="wargame",
        description="Scenario wargaming: Monte Carlo over Mesa actors and SimPy operations.",
    )
    p.add_argument("--version", action="version", version=f"wargame {__version__}")
    p.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="Monte Carlo estimate for one scenario")
    run.add_argument("scenario", help="scenario YAML file")
    run.add_argument(
        "-n",
        "--replicates",
        type=_positive("replicates", 10_000_000),
        help="replicate count (default: the scenario's monte_carlo.replicates)",
    )
    run.add_argument("--seed", type=_seed, help="root seed (default: the scenario's)")
    run.add_argument(
        "--workers",
        type=_positive("workers", 512),
        default=min(2, os.cpu_count() or 1),
        help="worker processes (default: %(default)s); results do not depend on it",
    )
    run.add_argument("--out", help="output folder (default: results/<scenario>-<time>)")
    run.add_argument("--resume", metavar="DIR", help="finish an interrupted run in DIR")
    run.add_argument(
        "--chunk-size",
        type=_positive("chunk size", 1_000_000),
        help="replicates per chunk written to disk (default: 250)",
    )
    run.add_argument(
        "--lean",
        action="store_true",
        help="keep outcomes and parameters only (no trajectories or events)",
    )
    run.set_defaults(func=cmd_run)

    val = sub.add_parser("validate", help="check scenario files without running them")
    val.add_argument("scenarios", nargs="+", help="scenario YAML files")
    val.set_defaults(func=cmd_validate)

    bat = sub.add_parser("batch", help="run several scenarios and compare them")
    bat.add_argument("inputs", nargs="+", help="scenario files or folders of them")
    bat.add_argument(
        "-n",
        "--replicates",
        type=_positive("replicates", 10_000_000),
        help="replicates per scenario (default: the baseline's)",
    )
    bat.add_argument("--seed", type=_seed, help="root seed (default: the baseline's)")
    bat.add_argument(
        "--seed-policy",
        choices=("common", "independent"),
        default="common",
        help="common random numbers across scenarios (default) or independent",
    )
    bat.add_argument("--baseline", help="file stem of the baseline (default: the first)")
    bat.add_argument(
        "--workers", type=_positive("workers", 512), default=min(2, os.cpu_count() or 1)
    )
    bat.add_argument("--out", help="output folder (default: results/batch-<time>)")
    bat.add_argument("--resume", metavar="DIR", help="finish an interrupted batch in DIR")
    bat.add_argument("--lean", action="store_true", help="no trajectories or events")
    bat.set_defaults(func=cmd_batch)

    plo = sub.add_parser("plot", help="draw the figures of a run or batch folder")
    plo.add_argument("folder", help="a run or batch folder under results/")
    plo.add_argument(
        "--replicate",
        type=int,
        help="replicate for the timeline (default: one that reaches persistent presence)",
    )
    plo.set_defaults(func=cmd_plot)

    exp = sub.add_parser("explain", help="list every parameter with its source in the report")
    exp.add_argument("scenario", help="scenario YAML file")
    exp.set_defaults(func=cmd_explain)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except ScenarioError as e:
        if args.debug:
            raise
        print(f"error: {e}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
