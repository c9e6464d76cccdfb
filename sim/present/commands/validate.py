"""``wargame validate``: check scenario files without running them, quotes included."""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="check scenario files without running them")
    p.add_argument("scenarios", nargs="+", help="scenario YAML files")
    p.add_argument(
        "--lenient",
        action="store_true",
        help="report quotes not found in the report as warnings, not errors",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sim.scenario.errors import ScenarioError
    from sim.scenario.loader import load, quote_problems

    for path in args.scenarios:
        s = load(path)
        problems, checked = quote_problems(path, s)
        if problems and not args.lenient:
            raise ScenarioError(problems)
        for problem in problems:
            print(f"warning: {problem}", file=sys.stderr)
        tracks = s.all_tracks
        rungs = sum(len(t.rungs) for t in tracks)
        print(
            f"{path}: ok ({s.metadata.name}; {len(s.actors)} actors, {rungs} rungs on "
            f"{len(tracks)} track(s), {s.metadata.horizon_months} months; {checked})"
        )
    return 0
