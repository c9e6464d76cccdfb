"""The ``wargame`` verbs, one module each.

Every module has ``register(subparsers)``, which declares the verb and its options, and
``run(args)``, which does the work and returns the exit status (the pairs SALib's command
line calls ``cli_parse`` and ``cli_action``). Options several verbs share are in
:mod:`~sim.present.commands.options`; what every verb that runs replicates does the same
way (executor, progress, output folder, resume, figures) is in
:mod:`~sim.present.commands.running`. A module imports the engine only inside ``run``, so
``wargame --help`` stays quick and a command can start its workers before anything heavy.

Adding a verb is adding a module and one entry in ``VERBS``.
"""

from __future__ import annotations

import argparse

from sim import __version__
from sim.present.commands import (
    batch,
    calibrate,
    discover,
    explain,
    migrate,
    plot,
    replay,
    report,
    run,
    schema,
    score,
    signposts,
    sweep,
    track,
    validate,
)

#: The verbs, in the order ``wargame --help`` lists them.
VERBS = (
    run,
    signposts,
    track,
    calibrate,
    validate,
    migrate,
    batch,
    plot,
    sweep,
    score,
    discover,
    replay,
    report,
    explain,
    schema,
)


def build_parser() -> argparse.ArgumentParser:
    """The ``wargame`` parser with every verb registered."""
    p = argparse.ArgumentParser(
        prog="wargame",
        description="Scenario wargaming: Monte Carlo over Mesa actors and SimPy operations.",
    )
    p.add_argument("--version", action="version", version=f"wargame {__version__}")
    p.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for verb in VERBS:
        verb.register(sub)
    return p
