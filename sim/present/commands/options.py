"""Argument types and the option groups several commands share.

A type turns the text of an option into a value or raises ``argparse.ArgumentTypeError``,
which argparse reports on one line with exit status 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def _convert(text: str, to: Callable[[str], T], expected: str) -> T:
    """`text` converted by `to`, or the one-line error argparse prints."""
    try:
        return to(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {expected}, found {text!r}") from None


def positive(kind: str, upper: int) -> Callable[[str], int]:
    """A whole number from 1 to `upper` (`kind` names it in the message)."""

    def parse(text: str) -> int:
        value = _convert(text, int, "a whole number")
        if not 1 <= value <= upper:
            raise argparse.ArgumentTypeError(
                f"{kind} must be between 1 and {upper:,}; found {value}"
            )
        return value

    return parse


def positive_float(text: str) -> float:
    """A finite number above zero."""
    value = _convert(text, float, "a number")
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number; found {text}")
    return value


def seed(text: str) -> int:
    """A root seed: a whole number, zero or more."""
    value = _convert(text, int, "a whole number")
    if value < 0:
        raise argparse.ArgumentTypeError(f"a seed cannot be negative; found {value}")
    return value


def date(text: str) -> dt.date:
    """A calendar date written YYYY-MM-DD."""
    return _convert(text, dt.date.fromisoformat, "a date YYYY-MM-DD")


def add_executor_options(p: argparse.ArgumentParser) -> None:
    """--workers, --executor and --scheduler: where the replicates run."""
    p.add_argument(
        "--workers",
        type=positive("workers", 512),
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


def add_observation_options(p: argparse.ArgumentParser) -> None:
    """--observations and --as-of: dated facts to condition on."""
    p.add_argument(
        "--observations",
        metavar="FILE",
        help="a YAML file of observations (dated facts) added to the scenario's own",
    )
    p.add_argument(
        "--as-of",
        type=date,
        metavar="DATE",
        help="use only observations known by this date (replay what the model said then)",
    )


def add_conditioning_option(p: argparse.ArgumentParser) -> None:
    """--conditioning: how observations condition the replicates (run, track, signposts)."""
    p.add_argument(
        "--conditioning",
        choices=("auto", "reject", "branch"),
        default="auto",
        help="how observations condition the run: reject (keep agreeing histories), branch "
        "(sequential Monte Carlo at each observation date), auto (default: branch when "
        "observations fall on two or more dates)",
    )


def add_outcome_options(p: argparse.ArgumentParser) -> None:
    """--outcome and --by: which outcome an analysis explains (discover, signposts)."""
    from sim.scenario.outcomes import OUTCOME_NAMES

    p.add_argument(
        "--outcome",
        help=f"what to explain: {', '.join(OUTCOME_NAMES)} (with several patrons, also "
        "OUTCOME.PATRON), or a question or judgment as question.ID / judgment.ID (or its "
        "bare ID) (default: the scenario's headline, else persistent)",
    )
    p.add_argument("--by", type=date, metavar="DATE", help="the outcome by this date")
