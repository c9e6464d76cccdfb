"""``wargame validate``: check scenario files without running them."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="check scenario files without running them")
    p.add_argument("scenarios", nargs="+", help="scenario YAML files")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sim.scenario.loader import load

    for path in args.scenarios:
        s = load(path)
        tracks = s.all_tracks
        rungs = sum(len(t.rungs) for t in tracks)
        print(
            f"{path}: ok ({s.metadata.name}; {len(s.actors)} actors, {rungs} rungs on "
            f"{len(tracks)} track(s), {s.metadata.horizon_months} months)"
        )
    return 0
