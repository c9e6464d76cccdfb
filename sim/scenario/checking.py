"""What the cross-checks share: a problem as (field path, message), and the messages and
rules several of them use (an unknown name with a did-you-mean, a date inside the horizon,
names that must not repeat)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING

from sim.roles import ROLE_SPECS
from sim.scenario.errors import did_you_mean
from sim.scenario.nodes import Path
from sim.scenario.params import PROBABILITY, ParamSpec

if TYPE_CHECKING:
    from sim.scenario.schema import Scenario

Found = tuple[Path, str]


def unknown(kind: str, word: str, options: list[str]) -> str:
    listed = ", ".join(options) if options else "none defined"
    return f"unknown {kind} '{word}' (expected one of: {listed}){did_you_mean(word, options)}"


def in_horizon(s: Scenario, day: dt.date, at: Path, what: str) -> Iterator[Found]:
    if not s.metadata.start_date <= day <= s.end_date:
        yield (
            at,
            f"{what} {day} is outside the scenario ({s.metadata.start_date} to {s.end_date})",
        )


def unique(items: list, key: str, at: Path) -> Iterator[Found]:
    """Names that identify items (and their parameter paths) must not repeat."""
    seen: set[str] = set()
    for i, item in enumerate(items):
        value = getattr(item, key)
        if value in seen:
            yield ((*at, i, key), f"duplicate {key} '{value}'")
        seen.add(value)


def check_params(role: str, params: dict[str, ParamSpec], at: Path) -> Iterator[Found]:
    """Each parameter must be declared by the role and stay inside its bounds."""
    declared = ROLE_SPECS[role].Params.declarations()
    for name, ps in params.items():
        if name not in declared:
            yield ((*at, name), unknown(f"parameter of role {role}", name, list(declared)))
            continue
        d = declared[name]
        low, high = ps.support
        if low < d.low or high > d.high:
            yield (
                (*at, name),
                f"must lie in [{d.low:g}, {d.high:g}] ({d.units}); found {ps.describe()}",
            )


def check_probability(ps: ParamSpec | None, at: Path) -> Iterator[Found]:
    """A parameter that is a chance: every value it can draw inside :data:`PROBABILITY`."""
    low, high = PROBABILITY
    if ps is not None and not low <= ps.support[0] <= ps.support[1] <= high:
        yield (at, f"a probability must lie in [{low:g}, {high:g}]; found {ps.describe()}")
