"""``wargame track``: replay an observation log, forecasting as of each of its dates."""

from __future__ import annotations

import argparse
from pathlib import Path

from sim.present.commands.options import (
    add_conditioning_option,
    add_executor_options,
    positive,
    seed,
)
from sim.present.commands.running import output_folder, save_figures, session
from sim.scenario.errors import UsageError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "track", help="replay an observation log: each forecast as of each observation date"
    )
    p.add_argument("scenario", help="scenario YAML file")
    p.add_argument("--observations", required=True, metavar="LOG",
                   help="the observation log (a YAML file of observations)")  # fmt: skip
    p.add_argument("--resolutions", metavar="FILE",
                   help="resolved questions: score the forecasts over time")  # fmt: skip
    p.add_argument(
        "--every",
        choices=("observation", "month"),
        default="observation",
        help="forecast as of each observation's date (default) or each month",
    )
    p.add_argument("-n", "--replicates", type=positive("replicates", 10_000_000),
                   help="replicates per date (default: the scenario's)")  # fmt: skip
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
        from sim.engine.plan import Plan
        from sim.present.plots.track import track_figure
        from sim.runs.conditioned import run_store
        from sim.runs.folder import write_json_atomic
        from sim.runs.run_summary import read_summary
        from sim.runs.runner import default_chunk
        from sim.runs.store import RunStore, default_out
        from sim.scenario.loader import known_by, load

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
        fields = {"scenario_file": str(path), "log": str(log), "seed": root, "replicates": n,
                  "every": args.every, "conditioning": args.conditioning,
                  "dates": [d.isoformat() for d in dates]}  # fmt: skip
        folder = (
            TrackFolder.resume(out, expected=fields)
            if args.resume
            else TrackFolder.create(out, fields)
        )
        runs = []
        for d in dates:
            scenario = known_by(full, d)  # the log is read and checked once, above
            store = RunStore.reuse_or_create(
                out / f"as-of-{d}", scenario_file=path, scenario=scenario, seed=root,
                replicates=n, chunk_size=default_chunk(n), detail=False,
            )  # fmt: skip
            run_store(store, Plan(scenario), s.executor, s.bar, args.conditioning)
            summary = read_summary(store.path)
            runs.append((d, summary, [o.id for o in scenario.observations]))
        result = tr.series(runs)
        result["scores"] = tr.scores(result, resolutions)
        write_json_atomic(out / "track.json", result)
        caption = f"{full.metadata.name} · {n:,} replicates per date · seed {root}"
        from sim.present.text.track import format_track

        s.say(format_track(result))
        save_figures({"track": track_figure(result, full, caption, resolutions)}, out / "figures")
        s.say(f"track: {out / 'track.json'}")
        if args.ledger:
            from sim.present.commands.run import append_to_ledger

            for d in dates:  # one entry per as-of date, in date order
                append_to_ledger(Path(args.ledger), RunStore.open(out / f"as-of-{d}"), d, "track")
        folder.finish()
    return 0


def _resolutions(args: argparse.Namespace, scenario) -> list:
    """The resolutions file, each id one of the scenario's questions (located errors)."""
    from sim.analysis.resolutions import read_resolutions

    return read_resolutions(
        Path(args.resolutions), [q.id for q in scenario.questions], "the scenario"
    )
