"""``wargame sweep``: a sensitivity sweep, which assumption drives the answer."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.analysis.sweep_spec import DESIGNS, SweepSpec
from sim.present.commands.options import add_executor_options, positive, seed
from sim.present.commands.running import output_folder, save_figures, session
from sim.scenario.errors import ScenarioError, UsageError
from sim.scenario.outcomes import OUTCOME_NAMES

#: The sweep's own defaults, shown in --help (a sweep file's settings, then these, apply).
_DEFAULT = {name: field.default for name, field in SweepSpec.model_fields.items()}

#: The options that override a sweep file's settings when given.
_OVERRIDES = (
    "design",
    "samples",
    "levels",
    "replicates",
    "seed",
    "outcome",
    "target_halfwidth",
    "max_replicates",
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sweep", help="sensitivity sweep: which assumption drives the answer")
    p.add_argument("target", help="a sweep YAML file (top-level 'sweep:') or a scenario file")
    p.add_argument(
        "--vary",
        action="append",
        metavar="PATH=LOW:HIGH",
        help="a parameter to vary (repeatable); a bare PATH uses its own range",
    )
    p.add_argument("--design", choices=DESIGNS, help=f"default {_DEFAULT['design']}")
    p.add_argument(
        "-N",
        "--samples",
        type=positive("samples", 1_000_000),
        help="base samples (Sobol: a power of two), LHS points, Morris trajectories "
        f"(default {_DEFAULT['samples']})",
    )
    p.add_argument(
        "--levels",
        type=positive("levels", 100),
        help="levels per factor (one-at-a-time, grid, Morris)",
    )
    p.add_argument(
        "-n",
        "--replicates",
        type=positive("replicates", 1_000_000),
        help=f"replicates per design point (default {_DEFAULT['replicates']})",
    )
    p.add_argument("--seed", type=seed)
    p.add_argument(
        "--outcome",
        help=f"what to measure: {', '.join(OUTCOME_NAMES)}, or a question or judgment as "
        f"question.ID / judgment.ID (or its bare ID) (default {_DEFAULT['outcome']})",
    )
    p.add_argument(
        "--first-order-only",
        action="store_true",
        help="Sobol without second-order indices (fewer points)",
    )
    p.add_argument(
        "--target-halfwidth",
        type=float,
        help="add replicates until every point's 95 %% half-width is below this",
    )
    p.add_argument(
        "--max-replicates",
        type=positive("max replicates", 1_000_000),
        help=f"at most this many replicates per point (default {_DEFAULT['max_replicates']})",
    )
    add_executor_options(p)
    p.add_argument("--out", help="output folder (default: results/sweep-<scenario>-<time>)")
    p.add_argument("--resume", metavar="DIR", help="finish an interrupted sweep in DIR")
    p.set_defaults(func=run)


def sweep_spec(args: argparse.Namespace) -> SweepSpec:
    """The sweep from a ``sweep:`` file or from a scenario and --vary, with the options
    given on the command line laid over it."""
    from sim.analysis.sweep_spec import SweepSpec, load_sweep, parse_vary
    from sim.scenario.reading import read_yaml

    target = Path(args.target)
    data, _ = read_yaml(target)
    if "sweep" in data:
        spec = load_sweep(target)
        if args.vary:
            spec = spec.model_copy(update={"vary": {**spec.vary, **parse_vary(args.vary)}})
    else:
        if not args.vary:
            raise UsageError(
                "name the parameters to vary with --vary PATH=LOW:HIGH "
                "(paths as 'wargame explain' prints them)",
                "--vary",
            )
        spec = SweepSpec(scenario=str(target), vary=parse_vary(args.vary))
    update = {k: getattr(args, k) for k in _OVERRIDES if getattr(args, k) is not None}
    if args.first_order_only:
        update["second_order"] = False
    return SweepSpec.model_validate({**spec.model_dump(), **update})


def factors_of(args: argparse.Namespace, plan, vary: dict, resolve) -> list:
    """The sweep's factors; a path or range that is wrong is blamed where it was written:
    on ``--vary`` when typed there, else on its line of the sweep file."""
    from sim.analysis.sweep_spec import parse_vary
    from sim.scenario.problems import locate
    from sim.scenario.reading import read_yaml

    try:
        return resolve(plan, vary)
    except ScenarioError as e:
        problem = e.problems[0]
        typed = parse_vary(args.vary) if args.vary else {}
        data, locs = read_yaml(Path(args.target))
        if problem.field in typed or "sweep" not in data:
            raise UsageError(f"{problem.field}: {problem.message}", "--vary") from None
        at = ("sweep", "vary", problem.field) if problem.field in vary else ("sweep", "vary")
        raise ScenarioError([locate(locs, at, problem.message, str(args.target))]) from None


def check_outcome(args: argparse.Namespace, outcome: str, scenario) -> str:
    """The column the sweep measures (a bare question or judgment id names its column):
    one the scenario has, else an error on --outcome when typed there, else on its line
    of the sweep file."""
    from sim.scenario.measures import measure_column
    from sim.scenario.problems import locate
    from sim.scenario.reading import read_yaml

    try:
        return measure_column(outcome, scenario.measurable())
    except UsageError as e:
        if args.outcome is not None:
            raise
        _, locs = read_yaml(Path(args.target))
        at = ("sweep", "outcome")
        raise ScenarioError([locate(locs, at, e.message, str(args.target))]) from None


def run(args: argparse.Namespace) -> int:
    with session(args, "sim.analysis.sweep_run", "points") as s:
        from sim.analysis.sweep import ModelEvaluator, Sweep, resolve_factors
        from sim.analysis.sweep_run import run_sweep
        from sim.engine.plan import Plan
        from sim.runs.store import default_out
        from sim.scenario.loader import file_sha256, load

        spec = sweep_spec(args)
        scenario_file = Path(spec.scenario)
        scenario = load(scenario_file)
        seed = scenario.monte_carlo.seed if spec.seed is None else spec.seed
        spec = spec.model_copy(update={"outcome": check_outcome(args, spec.outcome, scenario)})
        sweep = Sweep(
            factors_of(args, Plan(scenario), spec.vary, resolve_factors),
            spec.design,
            samples=spec.samples,
            levels=spec.n_levels,
            seed=seed,
            second_order=spec.second_order,
        )
        s.out = out = output_folder(args, lambda: default_out(Path(f"sweep-{scenario_file.stem}")))
        info = {
            "scenario_file": str(scenario_file),
            "scenario_sha256": file_sha256(scenario_file),
            "scenario": scenario.model_dump(mode="json"),
            "scenario_name": scenario.metadata.name,
            "outcome": spec.outcome,
            "start_date": scenario.metadata.start_date.isoformat(),
        }
        s.say(
            f"{spec.design} design: {len(sweep.X):,} points x {spec.replicates} replicates "
            f"({len(sweep.factors)} factors)",
            file=sys.stderr,
        )
        run_sweep(
            sweep,
            ModelEvaluator(scenario, sweep.names, seed, spec.outcome),
            out,
            replicates=spec.replicates,
            target=spec.target_halfwidth,
            max_replicates=spec.max_replicates,
            workers=s.executor,
            resume=bool(args.resume),
            info=info,
            progress=s.bar(len(sweep.X) * spec.replicates),
        )
    return _report(out)


def _report(out: Path) -> int:
    from sim.present.plots import sweep_figures
    from sim.present.text.sweep import format_sweep
    from sim.runs.results import load

    result = load(out)
    print(format_sweep(result.summary))
    save_figures(sweep_figures(result), out / "figures")
    print(f"results: {out}")
    return 0
