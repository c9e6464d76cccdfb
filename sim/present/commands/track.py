"""``wargame track``: replay an observation log, forecasting as of each of its dates."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.present.commands.options import (
    add_conditioning_option,
    add_executor_options,
    positive,
    seed,
)
from sim.present.commands.running import Session, output_folder, save_figures, session
from sim.scenario.errors import UsageError

if TYPE_CHECKING:
    from sim.analysis.resolutions import Resolution
    from sim.runs.run_summary import RunSummary
    from sim.scenario.schema import Scenario


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "track", help="replay an observation log: each forecast as of each observation date"
    )
    p.add_argument("scenario", help="scenario YAML file")
    p.add_argument(
        "--observations",
        required=True,
        metavar="LOG",
        help="the observation log (a YAML file of observations)",
    )
    p.add_argument(
        "--resolutions", metavar="FILE", help="resolved questions: score the forecasts over time"
    )
    p.add_argument(
        "--every",
        choices=("observation", "month"),
        default="observation",
        help="forecast as of each observation's date (default) or each month",
    )
    p.add_argument(
        "-n",
        "--replicates",
        type=positive("replicates", 10_000_000),
        help="replicates per date (default: the scenario's)",
    )
    p.add_argument("--seed", type=seed, help="root seed (default: the scenario's)")
    add_executor_options(p)
    add_conditioning_option(p)
    p.add_argument(
        "--ledger", metavar="FILE", help="append each date's forecasts to a forecast ledger"
    )
    p.add_argument("--out", help="output folder (default: results/<scenario>-track-<time>)")
    p.add_argument("--resume", metavar="DIR", help="finish an interrupted track in DIR")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with session(args, "sim.runs.runner", "runs") as s:
        from sim.analysis import ledger
        from sim.analysis import track as tr
        from sim.analysis.folders import TrackFolder
        from sim.runs.store import default_out
        from sim.scenario.loader import load

        path, log = Path(args.scenario), Path(args.observations)
        full = load(path, log)
        if not full.observations:
            raise UsageError("the log holds no observation with a value yet", "--observations")
        if args.ledger:
            ledger.read(Path(args.ledger))  # a broken chain is refused before any run
        n = args.replicates or full.monte_carlo.replicates
        root = full.monte_carlo.seed if args.seed is None else args.seed
        dates = tr.as_of_dates(full, args.every)
        resolutions = _resolutions(args, full) if args.resolutions else []
        out = output_folder(args, lambda: default_out(Path(f"{path.stem}-track")))
        s.out = out
        fields = {
            "scenario_file": str(path),
            "log": str(log),
            "seed": root,
            "replicates": n,
            "every": args.every,
            "conditioning": args.conditioning,
            "dates": [d.isoformat() for d in dates],
        }
        folder = (
            TrackFolder.resume(out, expected=fields)
            if args.resume
            else TrackFolder.create(out, fields)
        )
        runs = [_as_of(s, args, out, path, full, d, root, n) for d in dates]
        result = tr.series(runs)
        result["scores"] = tr.scores(result, resolutions)
        caption = f"{full.metadata.name} · {n:,} replicates per date · seed {root}"
        _write(s, out, result, full, caption, resolutions)
        if args.ledger:
            from sim.present.commands.run import append_to_ledger
            from sim.runs.store import RunStore

            for d in dates:  # one entry per as-of date, in date order
                append_to_ledger(Path(args.ledger), RunStore.open(out / f"as-of-{d}"), d, "track")
        folder.finish()
    return 0


def _as_of(
    s: Session,
    args: argparse.Namespace,
    out: Path,
    path: Path,
    full: Scenario,
    d: dt.date,
    root: int,
    n: int,
) -> tuple[dt.date, RunSummary, list[str]]:
    """The run as of date `d` (only what the log knew by then; resumed if a previous
    attempt left it unfinished): (the date, its summary, the observations it used)."""
    from sim.runs.conditioned import run_lean
    from sim.runs.run_summary import read_summary
    from sim.scenario.loader import known_by

    scenario = known_by(full, d)  # the log is read and checked once, by the caller
    folder = out / f"as-of-{d}"
    store = run_lean(folder, path, scenario, root, n, s.executor, s.bar, args.conditioning)
    return d, read_summary(store.path), [o.id for o in scenario.observations]


def _write(
    s: Session,
    out: Path,
    result: dict[str, Any],
    full: Scenario,
    caption: str,
    resolutions: list[Resolution],
) -> None:
    """track.json, the text on screen and the figure."""
    from sim.present.plots.track import track_figure
    from sim.present.text.track import format_track
    from sim.runs.folder import write_json_atomic

    write_json_atomic(out / "track.json", result)
    s.say(format_track(result))
    save_figures({"track": track_figure(result, full, caption, resolutions)}, out / "figures")
    s.say(f"track: {out / 'track.json'}")


def _resolutions(args: argparse.Namespace, scenario: Scenario) -> list[Resolution]:
    """The resolutions file, each id one of the scenario's questions (located errors)."""
    from sim.analysis.resolutions import read_resolutions

    return read_resolutions(
        Path(args.resolutions), [q.id for q in scenario.questions], "the scenario"
    )
