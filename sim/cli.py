"""The ``wargame`` command: a thin shell over the library.

User mistakes (a bad scenario, a bad option value, an existing output folder) print one
clear message and exit with status 2; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from sim import __version__
from sim.errors import ScenarioError

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


def cmd_run(args: argparse.Namespace) -> int:
    from sim.loader import load
    from sim.output import check_out, default_out, write_run
    from sim.plan import Plan
    from sim.runner import monte_carlo
    from sim.summary import format_summary, summarise

    path = Path(args.scenario)
    scenario = load(path)
    n = args.replicates or scenario.monte_carlo.replicates
    seed = scenario.monte_carlo.seed if args.seed is None else args.seed
    out = Path(args.out) if args.out else default_out(path)
    check_out(out)
    update, close = _progress_bar(n)
    try:
        result = monte_carlo(Plan(scenario), n, seed, workers=args.workers, progress=update)
    finally:
        close()
    summary = summarise(result.plan, result.outcomes)
    print(format_summary(summary))
    write_run(result, summary, path, out)
    print(
        f"\n{n} replicates in {result.wall_seconds:.1f} s "
        f"({result.replicates_per_second:.0f}/s, {args.workers} worker(s), seed {seed})"
    )
    print(f"results: {out}")
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
    run.set_defaults(func=cmd_run)

    val = sub.add_parser("validate", help="check scenario files without running them")
    val.add_argument("scenarios", nargs="+", help="scenario YAML files")
    val.set_defaults(func=cmd_validate)

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
        print("interrupted; nothing was written", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
