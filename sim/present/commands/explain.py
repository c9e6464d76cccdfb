"""``wargame explain``: every parameter of a scenario with its source in the report."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "explain",
        help="list every parameter with its source in the report, and the judgments, "
        "observations and questions",
    )
    p.add_argument("scenario", help="scenario YAML file")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sim.engine.plan import Plan
    from sim.present.explain import format_claims, format_readings, format_table
    from sim.scenario.loader import load

    scenario = load(args.scenario)
    if scenario.posterior is not None:
        rows = Plan(scenario).rows
        n = len(rows.paths) if rows else 0
        print(
            f"calibrated: {n} parameters are drawn jointly from {scenario.posterior.file} "
            "(see calibration.json beside it); below are their priors\n"
        )
    print(format_table(Plan(scenario).table))
    for section in (format_readings(scenario), format_claims(scenario)):
        if section:
            print(section)
    return 0
