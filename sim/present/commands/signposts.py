"""``wargame signposts``: which facts to watch, ranked by how much they would move a forecast."""

from __future__ import annotations

import argparse
import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.present.commands.options import (
    add_conditioning_option,
    add_executor_options,
    add_observation_options,
    add_outcome_options,
    date,
    positive,
    seed,
)
from sim.present.commands.running import Session, output_folder, save_figures, session
from sim.scenario.errors import UsageError

if TYPE_CHECKING:
    from sim.analysis.signpost_report import SignpostReport
    from sim.scenario.schema import Scenario


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "signposts", help="which facts to watch: indicators ranked by their value to a forecast"
    )
    p.add_argument(
        "source", help="a scenario YAML file, or a run folder (its scenario, seed and replicates)"
    )
    add_outcome_options(p)
    p.add_argument(
        "--until",
        type=date,
        metavar="DATE",
        help="the last date an indicator looks at (default: halfway to the outcome's date)",
    )
    p.add_argument(
        "--indicators",
        metavar="FILE",
        help="more indicators to rank: a YAML file of 'questions:' in the event format",
    )
    p.add_argument("--top", type=positive("top", 1000), default=10, help="signposts listed (10)")
    p.add_argument(
        "-n",
        "--replicates",
        type=positive("replicates", 10_000_000),
        help="replicates (default: the scenario's, or the run folder's)",
    )
    p.add_argument("--seed", type=seed, help="root seed (default: the scenario's, or the run's)")
    add_executor_options(p)
    add_observation_options(p)
    add_conditioning_option(p)
    p.add_argument(
        "--out",
        help="output folder (default: results/<scenario>-signposts-<time>, or <run>/signposts)",
    )
    p.add_argument("--resume", metavar="DIR", help="finish interrupted signposts in DIR")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with session(args, "sim.runs.runner", "chunks") as s:
        from sim.analysis import signposts as sp
        from sim.analysis.folders import SignpostsFolder
        from sim.engine.plan import Plan
        from sim.runs.conditioned import origins_of, run_lean
        from sim.runs.results import load_run

        scenario, file, root, n, default_out = _source(args)
        plan = Plan(scenario)
        outcome = args.outcome or scenario.headline_column()
        asked = sp.SignpostSettings(outcome, args.by, None, args.top)
        settings = sp.outcome_column_check(plan, asked)  # the outcome by its column
        until = args.until or sp.default_until(plan, settings)
        start = scenario.metadata.start_date
        horizon = start + dt.timedelta(days=plan.n_days - 1)
        if not start < until <= horizon:
            raise UsageError(
                f"must fall after the start date ({start}) and by the horizon "
                f"({horizon}); got {until}",
                "--until",
            )
        settings = replace(settings, until=until)
        cands = sp.candidates(plan, until, _listed(args.indicators, plan))
        derived = sp.with_indicators(scenario, cands)
        out = output_folder(args, default_out)
        s.out = out
        fields = {
            "source": str(args.source),
            "seed": root,
            "replicates": n,
            "settings": _recorded(settings, args),
        }
        if args.resume:
            folder = SignpostsFolder.resume(out, expected=fields)
        else:
            folder = SignpostsFolder.create(out, fields)
        file = _scenario_file(file, scenario, out)
        run_lean(out / "run", file, derived, root, n, s.executor, s.bar, args.conditioning)
        kept = load_run(out / "run")
        kept.require_kept()
        origins = origins_of(out / "run")  # a branching run's clades
        if origins is not None:
            origins = origins[kept.outcomes["replicate"].to_numpy()]
        result = sp.signposts(kept.outcomes, plan, cands, settings, root, origins)
        caption = f"{scenario.metadata.name} · {n:,} replicates · seed {root}"
        _write(s, out, result, caption, args.top)
        folder.finish()
    return 0


def _scenario_file(file: Path, scenario: Scenario, out: Path) -> Path:
    """The scenario's file; for a run folder made elsewhere, its scenario as recorded,
    written into `out`."""
    if file.is_file():
        return file
    file = out / "scenario.yaml"
    if not file.is_file():
        import yaml

        dumped = scenario.model_dump(mode="json", exclude_none=True)
        file.write_text(yaml.safe_dump(dumped, sort_keys=False, allow_unicode=True))
    return file


def _write(s: Session, out: Path, result: SignpostReport, caption: str, top: int) -> None:
    """signposts.json, the watchlist, the table on screen and the figure."""
    from sim.analysis.signposts import watchlist
    from sim.present.plots.signposts import signposts_figure
    from sim.present.text.signposts import format_signposts
    from sim.runs.folder import write_json_atomic

    write_json_atomic(out / "signposts.json", result.json())
    (out / "watchlist.yaml").write_text(watchlist(result, top))
    s.say(format_signposts(result, top))
    save_figures({"signposts": signposts_figure(result, caption, top)}, out / "figures")
    s.say(f"signposts: {out / 'signposts.json'}\nwatchlist: {out / 'watchlist.yaml'}")


def _source(args: argparse.Namespace):
    """(scenario, its file, seed, replicates, default output folder) of a scenario file or
    of a run folder (whose histories the same seed and replicates rebuild exactly)."""
    from sim.runs.store import default_out
    from sim.scenario.loader import load

    path = Path(args.source)
    if path.is_dir():
        from sim.runs.results import load_run
        from sim.scenario.schema import Scenario

        if args.observations or args.as_of:
            raise UsageError("a run folder already holds its observations", "--observations")
        run = load_run(path, command="signposts")
        m = run.manifest
        scenario = Scenario.model_validate(m["scenario"])
        file = Path(m["scenario_file"])
        root = m["seed"] if args.seed is None else args.seed
        n = args.replicates or m["replicates"]
        return scenario, file, root, n, lambda: path / "signposts"
    scenario = load(path, args.observations, args.as_of)
    root = scenario.monte_carlo.seed if args.seed is None else args.seed
    n = args.replicates or scenario.monte_carlo.replicates
    stem = Path(f"{path.stem}-signposts")
    return scenario, path, root, n, lambda: default_out(stem)


def _listed(file: str | None, plan) -> list:
    """The analyst's own indicators: a YAML file's ``questions:``, checked like a
    scenario's (located errors)."""
    if file is None:
        return []
    from sim.scenario.loader import load_questions

    return load_questions(Path(file), plan.scenario)


def _recorded(settings, args: argparse.Namespace) -> dict[str, Any]:
    return {
        "outcome": settings.outcome,
        "by": settings.by.isoformat() if settings.by else None,
        "until": settings.until.isoformat(),
        "indicators": args.indicators,
    }
