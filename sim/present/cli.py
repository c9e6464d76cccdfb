"""The ``wargame`` command: a thin shell over the library.

User mistakes (a bad scenario, a bad option value, an existing output folder) print one
clear message and exit with status 2; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sim import __version__
from sim.scenario.errors import ReplicateFailure, RunFailed, ScenarioError

if TYPE_CHECKING:
    from sim.analysis.sweep import SweepSpec
    from sim.runs.executor import Executor
    from sim.runs.store import RunStore
    from sim.scenario.schema import Scenario

EXIT_USER_ERROR = 2
EXIT_RUN_FAILED = 3


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


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, found {text!r}") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number; found {text}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, found {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"a seed cannot be negative; found {value}")
    return value


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, found {text!r}") from None


def cmd_validate(args: argparse.Namespace) -> int:
    from sim.scenario.loader import load

    for path in args.scenarios:
        s = load(path)
        print(
            f"{path}: ok ({s.metadata.name}; {len(s.actors)} actors, {len(s.ladder)} rungs, "
            f"{s.metadata.horizon_months} months)"
        )
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    from sim.engine.draws import parameter_table
    from sim.present.explain import format_table
    from sim.scenario.loader import load

    scenario = load(args.scenario)
    if scenario.posterior is not None:
        from sim.engine.plan import Plan

        rows = Plan(scenario).rows
        n = len(rows.paths) if rows else 0
        print(
            f"calibrated: {n} parameters are drawn jointly from {scenario.posterior.file} "
            "(see calibration.json beside it); below are their priors\n"
        )
    print(format_table(parameter_table(scenario)))
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
    from sim.runs.runner import default_chunk
    from sim.runs.store import RunStore, default_out

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
    replicates = args.replicates or scenario.monte_carlo.replicates
    return RunStore.create(
        Path(args.out) if args.out else default_out(path),
        scenario_file=path,
        scenario=scenario,
        seed=scenario.monte_carlo.seed if args.seed is None else args.seed,
        replicates=replicates,
        chunk_size=args.chunk_size or default_chunk(replicates),
        detail=not args.lean,
    )


def cmd_run(args: argparse.Namespace) -> int:
    executor = _executor(args, "sim.runs.runner")  # first: its workers start meanwhile
    from sim.engine.plan import Plan
    from sim.runs.runner import run_to_store
    from sim.runs.summary import format_summary
    from sim.scenario.loader import load

    path = Path(args.scenario)
    scenario = load(path, args.observations, args.as_of)
    store = _open_store(args, path, scenario)
    todo = sum(b - a for _, a, b in store.pending())
    update, close = _progress_bar(todo)
    resume = f"wargame run {path} --resume {store.path}"
    try:
        run_to_store(store, Plan(scenario), workers=executor, progress=update)
    except KeyboardInterrupt:
        close()
        print(f"interrupted; finished chunks are kept. Resume with:\n  {resume}", file=sys.stderr)
        return 130
    except ReplicateFailure as e:
        if args.debug:
            raise
        print(
            f"error: {e}\n  replay it alone: wargame replay {store.path} --replicate "
            f"{e.index}\n  the other chunks are kept; resume with: {resume}",
            file=sys.stderr,
        )
        return EXIT_RUN_FAILED
    except RunFailed as e:
        print(f"error: {e}\n  finished chunks are kept; resume with: {resume}", file=sys.stderr)
        return EXIT_RUN_FAILED
    except OSError as e:
        if args.debug:
            raise
        print(
            f"error: cannot write the results: {e.strerror or e} ({e.filename or store.path})"
            f"\n  finished chunks are kept; once fixed, resume with: {resume}",
            file=sys.stderr,
        )
        return EXIT_USER_ERROR
    finally:
        close()
        executor.close()
    m = store.manifest
    print(format_summary(json.loads((store.path / "summary.json").read_text())))
    print(
        f"\n{m['replicates']} replicates in {m['wall_seconds']:.1f} s "
        f"({m['replicates_per_second']:.0f}/s, {args.workers} worker(s), seed {m['seed']})"
    )
    print(f"results: {store.path}")
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    executor = _executor(args, "sim.runs.runner")  # first: its workers start meanwhile
    from sim.analysis.calibrate import Settings, calibrate
    from sim.analysis.diagnostics import format_calibration
    from sim.present.plots import save
    from sim.present.plots_calibration import calibration_figures
    from sim.runs.store import default_out

    path = Path(args.scenario)
    out = Path(args.resume or args.out or default_out(path.with_name(f"{path.stem}-calibration")))
    settings = Settings(
        waves=args.waves,
        replicates=args.replicates,
        cutoff=args.cutoff,
        posterior_rows=args.posterior_rows,
        max_candidates=args.max_candidates,
        check_replicates=args.check_replicates,
        seed=args.seed,
        free=tuple(args.free) if args.free else None,
        as_of=args.as_of.isoformat() if args.as_of else None,
        observations=args.observations,
    )
    bars: list[Callable[[], None]] = []

    def progress(name: str, todo: int) -> Callable[[int], None] | None:
        print(f"{name}: {todo:,} replicates to run", file=sys.stderr)
        update, close = _progress_bar(todo)
        bars.append(close)
        return update

    try:
        report = calibrate(path, out, settings, executor, progress, resume=bool(args.resume))
    except KeyboardInterrupt:
        print(
            f"interrupted; finished waves are kept. Resume with:\n  wargame calibrate {path} "
            f"--resume {out} (and the same options)",
            file=sys.stderr,
        )
        return 130
    finally:
        for close in bars:
            close()
        executor.close()
    figures = save(calibration_figures(out), out / "figures")
    print(format_calibration(report))
    print(f"\nresults: {out}  (calibrated scenario: {out / 'calibrated.yaml'})")
    print(f"figures: {', '.join(f.name for f in figures)}")
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    from sim.analysis.score import format_score, runs_of, score
    from sim.present.plots import save
    from sim.present.plots_score import score_figures
    from sim.runs.store import check_new, default_out, write_json_atomic

    runs = runs_of(args.folders)
    resolutions = Path(args.resolutions)
    result = score(runs, resolutions)
    if args.out:
        out = Path(args.out)
    elif len(args.folders) == 1:
        out = Path(args.folders[0]) / "score"
    else:
        out = default_out(Path("score"))
    check_new(out)
    out.mkdir(parents=True, exist_ok=True)
    result["resolutions_file"] = str(resolutions)
    result["runs"] = [str(r.path) for r in runs]
    caption = f"{len(runs)} run(s) scored against {resolutions.name}"
    figures = save(score_figures(result, caption), out / "figures")
    write_json_atomic(out / "score.json", result)
    print(format_score(result))
    print(f"\nscore: {out / 'score.json'}")
    if figures:
        print(f"figures: {', '.join(f.name for f in figures)}")
    return 0


def cmd_discover(args: argparse.Namespace) -> int:
    from sim.analysis.discover import Settings, discover_rows, format_discovery, rows_of
    from sim.present.plots import save
    from sim.present.plots_discover import discovery_figures
    from sim.runs.results import Run, SweepResult, load
    from sim.runs.store import check_new, write_json_atomic

    loaded = load(args.folder)
    if not isinstance(loaded, Run | SweepResult):
        raise ScenarioError.single(
            "discover works on a run or a sweep folder; discover each run of a batch on its own",
            file=args.folder,
        )
    settings = Settings(outcome=args.outcome, by=args.by, threshold=args.threshold)
    x, y, status, label = rows_of(loaded, settings)
    result = {"outcome": label, **discover_rows(x, y, status, settings)}
    out = Path(args.out) if args.out else Path(args.folder) / "discover"
    check_new(out)
    out.mkdir(parents=True, exist_ok=True)
    figures = save(discovery_figures(result, x, y, loaded.caption), out / "figures")
    write_json_atomic(out / "discovery.json", result)
    print(format_discovery(result))
    print(f"\ndiscovery: {out / 'discovery.json'}")
    if figures:
        print(f"figures: {', '.join(f.name for f in figures)}")
    return 0


def cmd_batch(args: argparse.Namespace) -> int:
    executor = _executor(args, "sim.runs.runner")  # first: its workers start meanwhile
    from sim.present.plots import forest, save
    from sim.runs.batch import format_comparison, run_batch, scenario_files
    from sim.runs.store import default_out

    files = scenario_files(args.inputs)
    out = Path(args.resume or args.out or default_out(Path("batch")))

    def on_member(name: str, todo: int) -> Callable[[int], None] | None:
        print(f"running {name} ({todo} replicates to go)", file=sys.stderr)
        return _progress_bar(todo)[0]

    try:
        batch = run_batch(
            files,
            out,
            replicates=args.replicates,
            seed=args.seed,
            seed_policy=args.seed_policy,
            baseline=args.baseline,
            workers=executor,
            detail=not args.lean,
            resume=bool(args.resume),
            on_member=on_member,
        )
    finally:
        executor.close()
    print(format_comparison(batch.comparison))
    written = save({"forest": forest(batch)}, out / "figures")
    print(f"\nresults: {out}\nforest plot: {written[0]}")
    return 0


def cmd_plot(args: argparse.Namespace) -> int:
    from sim.present.plots import forest, run_figures, save, sweep_figures
    from sim.runs.results import Batch, SweepResult, load

    loaded = load(args.folder)
    if isinstance(loaded, SweepResult):
        written = save(sweep_figures(loaded), loaded.path / "figures")
    elif isinstance(loaded, Batch):
        written = save({"forest": forest(loaded)}, loaded.path / "figures")
        for member in loaded.members:
            run = loaded.run(member)
            written += save(run_figures(run), run.path / "figures")
    else:
        written = save(run_figures(loaded, args.replicate), loaded.path / "figures")
    for path in written:
        print(path)
    return 0


def _sweep_spec(args: argparse.Namespace) -> SweepSpec:
    """The sweep from a ``sweep:`` file or from a scenario and --vary, with CLI overrides."""
    from sim.analysis.sweep import SweepSpec, load_sweep, parse_vary
    from sim.scenario.loader import read_yaml

    target = Path(args.target)
    data, _ = read_yaml(target)
    if "sweep" in data:
        spec = load_sweep(target)
        if args.vary:
            spec = spec.model_copy(update={"vary": {**spec.vary, **parse_vary(args.vary)}})
    else:
        if not args.vary:
            raise ScenarioError.single(
                "name the parameters to vary with --vary PATH=LOW:HIGH "
                "(paths as 'wargame explain' prints them)",
                field="--vary",
            )
        spec = SweepSpec(scenario=str(target), vary=parse_vary(args.vary))
    given = {
        k: getattr(args, k)
        for k in (
            "design",
            "samples",
            "levels",
            "replicates",
            "seed",
            "outcome",
            "target_halfwidth",
            "max_replicates",
        )
    }
    update = {k: v for k, v in given.items() if v is not None}
    if args.first_order_only:
        update["second_order"] = False
    return SweepSpec.model_validate({**spec.model_dump(), **update})


def cmd_sweep(args: argparse.Namespace) -> int:
    from sim.analysis.sweep import ModelEvaluator, Sweep, resolve_factors
    from sim.analysis.sweep_run import run_sweep
    from sim.engine.plan import Plan
    from sim.present.plots import save, sweep_figures
    from sim.runs.results import load as load_results
    from sim.runs.store import default_out, sha256
    from sim.scenario.loader import load

    executor = _executor(args, "sim.analysis.sweep_run")  # first: its workers start meanwhile
    spec = _sweep_spec(args)
    scenario_file = Path(spec.scenario)
    scenario = load(scenario_file)
    seed = scenario.monte_carlo.seed if spec.seed is None else spec.seed
    factors = resolve_factors(Plan(scenario), spec.vary)
    sweep = Sweep(
        factors,
        spec.design,
        samples=spec.samples,
        levels=spec.n_levels,
        seed=seed,
        second_order=spec.second_order,
    )
    evaluator = ModelEvaluator(scenario, sweep.names, seed, spec.outcome)
    out = Path(args.resume or args.out or default_out(Path(f"sweep-{scenario_file.stem}")))
    info = {
        "scenario_file": str(scenario_file),
        "scenario_sha256": sha256(scenario_file),
        "scenario": scenario.model_dump(mode="json"),
        "scenario_name": scenario.metadata.name,
        "outcome": spec.outcome,
        "start_date": scenario.metadata.start_date.isoformat(),
    }
    print(
        f"{spec.design} design: {len(sweep.X):,} points x {spec.replicates} replicates "
        f"({len(factors)} factors)",
        file=sys.stderr,
    )
    update, close = _progress_bar(len(sweep.X) * spec.replicates)
    try:
        run_sweep(
            sweep,
            evaluator,
            out,
            replicates=spec.replicates,
            target=spec.target_halfwidth,
            max_replicates=spec.max_replicates,
            workers=executor,
            resume=bool(args.resume),
            info=info,
            progress=update,
        )
    except KeyboardInterrupt:
        close()
        print(
            f"interrupted; finished points are kept. Resume with the same command and "
            f"--resume {out}",
            file=sys.stderr,
        )
        return 130
    finally:
        close()
        executor.close()
    result = load_results(out)
    print(format_sweep(result.summary))
    for path in save(sweep_figures(result), out / "figures")[::2]:
        print(f"figure: {path}")
    print(f"results: {out}")
    return 0


def format_sweep(summary: dict) -> str:
    """The ranking and adequacy report ``wargame sweep`` prints."""
    score = summary["score"]
    lines = [f"factors ranked by {score} ({summary['design']} design):"]
    for k, row in enumerate(summary["ranking"], 1):
        extra = ""
        if score == "ST":
            extra = (
                f"  S1 {row['S1']:.3f} ± {row['S1_conf']:.3f}   ST {row['ST']:.3f} "
                f"± {row['ST_conf']:.3f}"
            )
        elif score == "mu_star":
            extra = (
                f"  mu* {row['mu_star']:.3f} ± {row['mu_star_conf']:.3f}   sigma {row['sigma']:.3f}"
            )
        elif score == "swing":
            extra = f"  swing {100 * row['swing']:.1f} points"
        else:
            extra = f"  Spearman {row['spearman']:+.2f}"
        lines.append(f"  {k:>2}. {row['factor']:<52}{extra}")
    a = summary["adequacy"]
    lines.append("")
    lines.append(
        f"adequacy: {a['replicates_per_point']} replicates per point; 95 % interval "
        f"half-width max {100 * a['max_halfwidth']:.1f}, median "
        f"{100 * a['median_halfwidth']:.1f} points"
    )
    if a["target_halfwidth"] is not None:
        met = "met" if a["target_met"] else "NOT met (raise --max-replicates)"
        lines.append(f"  target half-width {100 * a['target_halfwidth']:.1f} points: {met}")
    lines.append(
        f"  Monte Carlo noise is {100 * a['noise_share_of_variance']:.0f} % of the "
        "variance of the point estimates"
        + ("  !! indices are inflated by noise; add replicates" if a["noise_warning"] else "")
    )
    for flag in a["flags"]:
        lines.append(f"  !! {flag}")
    return "\n".join(lines)


def cmd_replay(args: argparse.Namespace) -> int:
    """Re-run one replicate of a run (complete or not) and print its timeline."""
    from sim.engine.plan import Plan
    from sim.engine.replicate import outcome_record, run_replicate
    from sim.runs.store import RunStore
    from sim.scenario.calendar import date_of
    from sim.scenario.schema import Scenario

    store = RunStore.open(Path(args.folder))
    m = store.manifest
    k = args.replicate
    if not 0 <= k < m["replicates"]:
        raise ScenarioError.single(
            f"no replicate {k}: this run has 0 to {m['replicates'] - 1}", field="--replicate"
        )
    plan = Plan(Scenario.model_validate(m["scenario"]))
    print(f"{m['scenario_name']}: replicate {k} of {m['replicates']}, root seed {m['seed']}")
    run = run_replicate(plan, m["seed"], k)  # a failure here shows its full traceback
    start = plan.scenario.metadata.start_date
    for e in sorted(run.ledger.events, key=lambda e: e.day):
        until = f" to {date_of(start, e.end)}" if e.end is not None else ""
        print(f"  {date_of(start, e.day)}{until:<14} {e.kind:<20} {e.actor:<12} {e.detail}")
    rec = outcome_record(plan, run)
    held = rec["persistent_day"]
    when = date_of(start, held).isoformat() if held is not None else "not by the horizon"
    print(
        f"persistent presence: {when}; highest rung: {rec['highest_rung_name']}; "
        f"presence days: {rec['presence_days']}"
    )
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from sim.present.report import write_report

    print(write_report(args.folder, args.out))
    return 0


def _add_executor_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--workers",
        type=_positive("workers", 512),
        default=min(2, os.cpu_count() or 1),
        help="worker processes (default: %(default)s); results do not depend on it",
    )
    p.add_argument(
        "--executor",
        choices=("local", "dask"),
        default="local",
        help="local processes (default) or a Dask cluster; results are identical",
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="Dask scheduler, e.g. tcp://10.0.0.5:8786 (default: start a local "
        "cluster with --workers processes)",
    )


def _add_observation_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--observations",
        metavar="FILE",
        help="a YAML file of observations (dated facts) added to the scenario's own",
    )
    p.add_argument(
        "--as-of",
        type=_date,
        metavar="DATE",
        help="use only observations known by this date (replay what the model said then)",
    )


def _executor(args: argparse.Namespace, runs: str) -> Executor:
    """The executor the options ask for, with its workers getting ready to run `runs`'s
    functions (started first thing: see :func:`sim.runs.executor.start_server`)."""
    from sim.runs.executor import Executor

    if args.scheduler and args.executor != "dask":
        raise ScenarioError.single("--scheduler needs --executor dask", field="--scheduler")
    executor = Executor(workers=args.workers, kind=args.executor, scheduler=args.scheduler)
    return executor.start([runs])


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
    _add_executor_options(run)
    run.add_argument("--out", help="output folder (default: results/<scenario>-<time>)")
    run.add_argument("--resume", metavar="DIR", help="finish an interrupted run in DIR")
    run.add_argument(
        "--chunk-size",
        type=_positive("chunk size", 1_000_000),
        help="replicates per chunk written to disk (default: 250, more for large runs)",
    )
    run.add_argument(
        "--lean",
        action="store_true",
        help="keep outcomes and parameters only (no trajectories or events)",
    )
    _add_observation_options(run)
    run.set_defaults(func=cmd_run)

    cal = sub.add_parser(
        "calibrate", help="move parameter beliefs to where the judgments and observations hold"
    )
    cal.add_argument("scenario", help="scenario YAML file (with judgments or observations)")
    cal.add_argument(
        "--free",
        nargs="+",
        metavar="PATH",
        help="calibrate only these parameters (default: every one with a distribution)",
    )
    _add_observation_options(cal)
    cal.add_argument("--waves", type=_positive("waves", 20), default=3, help="default 3")
    cal.add_argument(
        "-n",
        "--replicates",
        type=_positive("replicates", 10_000_000),
        default=10_000,
        help="simulator replicates per wave (default 10,000)",
    )
    cal.add_argument(
        "--cutoff",
        type=_positive_float,
        default=3.0,
        help="implausibility cut-off in standard deviations (default 3)",
    )
    cal.add_argument(
        "--posterior-rows",
        type=_positive("posterior rows", 10_000_000),
        default=20_000,
        help="rows kept in posterior.parquet (default 20,000)",
    )
    cal.add_argument(
        "--max-candidates",
        type=_positive("max candidates", 1_000_000_000),
        default=4_000_000,
        help="prior rows screened at most for a wave or the posterior (default 4,000,000)",
    )
    cal.add_argument(
        "--check-replicates",
        type=_positive("check replicates", 10_000_000),
        help="replicates of the check run (default: the scenario's)",
    )
    cal.add_argument("--seed", type=_seed, help="root seed (default: the scenario's)")
    _add_executor_options(cal)
    cal.add_argument("--out", help="output folder (default: results/<scenario>-calibration-<time>)")
    cal.add_argument("--resume", metavar="DIR", help="finish an interrupted calibration in DIR")
    cal.set_defaults(func=cmd_calibrate)

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
    _add_executor_options(bat)
    bat.add_argument("--out", help="output folder (default: results/batch-<time>)")
    bat.add_argument("--resume", metavar="DIR", help="finish an interrupted batch in DIR")
    bat.add_argument("--lean", action="store_true", help="no trajectories or events")
    bat.set_defaults(func=cmd_batch)

    plo = sub.add_parser("plot", help="draw the figures of a run, batch or sweep folder")
    plo.add_argument("folder", help="a run or batch folder under results/")
    plo.add_argument(
        "--replicate",
        type=int,
        help="replicate for the timeline (default: one that reaches persistent presence)",
    )
    plo.set_defaults(func=cmd_plot)

    swp = sub.add_parser("sweep", help="sensitivity sweep: which assumption drives the answer")
    swp.add_argument("target", help="a sweep YAML file (top-level 'sweep:') or a scenario file")
    swp.add_argument(
        "--vary",
        action="append",
        metavar="PATH=LOW:HIGH",
        help="a parameter to vary (repeatable); a bare PATH uses its own range",
    )
    swp.add_argument("--design", choices=("oat", "grid", "lhs", "sobol", "morris"))
    swp.add_argument(
        "-N",
        "--samples",
        type=_positive("samples", 1_000_000),
        help="base samples (Sobol: a power of two), LHS points, Morris trajectories",
    )
    swp.add_argument(
        "--levels",
        type=_positive("levels", 100),
        help="levels per factor (one-at-a-time, grid, Morris)",
    )
    swp.add_argument(
        "-r",
        "--replicates",
        type=_positive("replicates", 1_000_000),
        help="replicates per design point (default 32)",
    )
    swp.add_argument("--seed", type=_seed)
    swp.add_argument("--outcome", choices=("persistent", "continuous", "basing"))
    swp.add_argument(
        "--first-order-only",
        action="store_true",
        help="Sobol without second-order indices (fewer points)",
    )
    swp.add_argument(
        "--target-halfwidth",
        type=float,
        help="add replicates until every point's 95 %% half-width is below this",
    )
    swp.add_argument("--max-replicates", type=_positive("max replicates", 1_000_000))
    _add_executor_options(swp)
    swp.add_argument("--out", help="output folder (default: results/sweep-<scenario>-<time>)")
    swp.add_argument("--resume", metavar="DIR", help="finish an interrupted sweep in DIR")
    swp.set_defaults(func=cmd_sweep)

    sco = sub.add_parser("score", help="score runs' forecast questions against what happened")
    sco.add_argument("folders", nargs="+", help="run or batch folders")
    sco.add_argument(
        "--resolutions", required=True, metavar="FILE", help="YAML file of resolved questions"
    )
    sco.add_argument("--out", help="output folder (default: <run>/score, or results/score-<time>)")
    sco.set_defaults(func=cmd_score)

    dis = sub.add_parser(
        "discover", help="which combinations of assumptions lead to an outcome (PRIM, CART)"
    )
    dis.add_argument("folder", help="a run or sweep folder")
    dis.add_argument(
        "--outcome",
        default="persistent",
        help="persistent, continuous, basing, or a question or judgment id (default persistent)",
    )
    dis.add_argument("--by", type=_date, metavar="DATE", help="the outcome by this date")
    dis.add_argument(
        "--threshold", type=_positive_float, help="least density of a box (default 0.8)"
    )
    dis.add_argument("--out", help="output folder (default: <run>/discover)")
    dis.set_defaults(func=cmd_discover)

    rep = sub.add_parser("replay", help="re-run one replicate of a run and print its timeline")
    rep.add_argument("folder", help="a run folder (complete or not)")
    rep.add_argument("--replicate", type=int, required=True, help="replicate index")
    rep.set_defaults(func=cmd_replay)

    rpt = sub.add_parser("report", help="write a self-contained HTML brief of a results folder")
    rpt.add_argument("folder", help="a run, batch or sweep folder")
    rpt.add_argument("--out", help="HTML file to write (default: <folder>/report.html)")
    rpt.set_defaults(func=cmd_report)

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
        print(
            "interrupted; finished work is kept and can be resumed with --resume", file=sys.stderr
        )
        return 130
    except (ReplicateFailure, RunFailed) as e:
        if args.debug:
            raise
        print(f"error: {e}\n  finished work is kept; resume with --resume", file=sys.stderr)
        return EXIT_RUN_FAILED
    except OSError as e:
        if args.debug:
            raise
        print(f"error: {e.strerror or e}: {e.filename or ''}".rstrip(": "), file=sys.stderr)
        return EXIT_USER_ERROR


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
