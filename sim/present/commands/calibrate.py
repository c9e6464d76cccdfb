"""``wargame calibrate``: move parameter beliefs to where the judgments and observations hold."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.analysis.calibration.settings import CalibrationSettings
from sim.present.commands.options import (
    add_executor_options,
    add_observation_options,
    positive,
    positive_float,
    seed,
)
from sim.present.commands.running import output_folder, save_figures, session

#: The calibration's own defaults: the options below show and use these.
_DEFAULT = CalibrationSettings()


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "calibrate", help="move parameter beliefs to where the judgments and observations hold"
    )
    p.add_argument("scenario", help="scenario YAML file (with judgments or observations)")
    p.add_argument(
        "--free",
        nargs="+",
        metavar="PATH",
        help="calibrate only these parameters (default: every one with a distribution)",
    )
    add_observation_options(p)
    _add_method_options(p)
    p.add_argument(
        "--check-replicates",
        type=positive("check replicates", 10_000_000),
        help="replicates of the check run (default: the scenario's)",
    )
    p.add_argument("--seed", type=seed, help="root seed (default: the scenario's)")
    add_executor_options(p)
    p.add_argument("--out", help="output folder (default: results/<scenario>-calibration-<time>)")
    p.add_argument("--resume", metavar="DIR", help="finish an interrupted calibration in DIR")
    p.set_defaults(func=run)


def _add_method_options(p: argparse.ArgumentParser) -> None:
    """How the history matching runs, each defaulting to :class:`CalibrationSettings`."""
    d = _DEFAULT
    p.add_argument(
        "--waves", type=positive("waves", 20), default=d.waves, help=f"default {d.waves}"
    )
    p.add_argument(
        "-n",
        "--replicates",
        type=positive("replicates", 10_000_000),
        default=d.replicates,
        help=f"simulator replicates per wave (default {d.replicates:,})",
    )
    p.add_argument(
        "--cutoff",
        type=positive_float,
        default=d.cutoff,
        help=f"implausibility cut-off in standard deviations (default {d.cutoff:g})",
    )
    p.add_argument(
        "--band",
        choices=("soft", "hard"),
        default=d.band,
        help=f"soft: an estimative word's likelihood falls off outside its ICD 203 range; "
        f"hard: the range's edges are walls (default {d.band})",
    )
    p.add_argument(
        "--softness",
        type=positive_float,
        default=d.softness,
        help=f"with --band soft: how fast, in log-odds (default {d.softness:g})",
    )
    p.add_argument(
        "--discrepancy",
        type=float,
        default=d.discrepancy,
        help="prior probability that the model cannot represent a judgment "
        f"(default {d.discrepancy:g}; 0 turns the term off)",
    )
    p.add_argument(
        "--posterior-rows",
        type=positive("posterior rows", 10_000_000),
        default=d.posterior_rows,
        help=f"rows kept in posterior.parquet (default {d.posterior_rows:,})",
    )
    p.add_argument(
        "--max-candidates",
        type=positive("max candidates", 1_000_000_000),
        default=d.max_candidates,
        help=f"prior rows screened at most for a wave or the posterior "
        f"(default {d.max_candidates:,})",
    )


def run(args: argparse.Namespace) -> int:
    with session(args, "sim.runs.runner", "waves") as s:
        from sim.analysis.calibration import calibrate
        from sim.runs.store import default_out

        path = Path(args.scenario)
        s.out = out = output_folder(
            args, lambda: default_out(path.with_name(f"{path.stem}-calibration"))
        )
        settings = CalibrationSettings(
            waves=args.waves,
            replicates=args.replicates,
            cutoff=args.cutoff,
            band=args.band,
            softness=args.softness,
            discrepancy=args.discrepancy,
            posterior_rows=args.posterior_rows,
            max_candidates=args.max_candidates,
            check_replicates=args.check_replicates,
            seed=args.seed,
            free=tuple(args.free) if args.free else None,
            as_of=args.as_of.isoformat() if args.as_of else None,
            observations=args.observations,
        )
        check = settings.check_replicates or "the scenario's"
        s.say(
            f"calibrating {path} into {out}: {settings.method_words()}; up to "
            f"{settings.waves} waves of {settings.replicates:,} replicates, then a check run "
            f"of {check} replicates",
            file=sys.stderr,
        )
        report = calibrate(path, out, settings, s.executor, s.phase, resume=bool(args.resume))
    from sim.present.plots.calibration import calibration_figures
    from sim.present.text.calibration import format_calibration

    print(format_calibration(report))
    print(f"\nresults: {out}  (calibrated scenario: {out / 'calibrated.yaml'})")
    save_figures(calibration_figures(out), out / "figures")
    return 0
