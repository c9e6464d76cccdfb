"""A resolutions file: what happened to each forecast question, read once and checked in
full.

``resolutions:`` is a list of ``id`` (a question's), ``value`` (yes or no), ``resolved``
(the date it was known) and ``source``. Every problem in the file is reported at once,
each at its line: a malformed entry, an id that names no question asked (with a "did you
mean"), an id resolved twice, and whatever the caller checks of a resolution against its
question (:data:`Check`: a date before the scenario starts, an answer dated before it
could be known). ``score``, ``score --ledger`` and ``track`` all read resolutions here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationError

from sim.scenario.errors import Problem, ScenarioError, did_you_mean
from sim.scenario.nodes import Name, Strict
from sim.scenario.problems import Locations, locate, problem_of
from sim.scenario.reading import read_yaml

#: What the top of a resolutions file must be, for the message when it is not.
TOP = "a mapping with 'resolutions:' holding the list of what happened"


class Resolution(Strict):
    id: Name
    """the question's id"""
    value: bool
    """yes: it happened; no: it did not"""
    resolved: dt.date
    """the date it was known, YYYY-MM-DD"""
    source: str
    """where it is known from"""


class Resolutions(Strict):
    resolutions: Annotated[list[Resolution], Field(min_length=1)]


#: A caller's own check of one resolution against its question: ``(field, message)``
#: pairs (empty when it passes).
Check = Callable[[Resolution], list[tuple[str, str]]]


def read_resolutions(
    path: Path, known: Iterable[str], asked_by: str, check: Check | None = None
) -> list[Resolution]:
    """The file's resolutions, each id one of the `known` questions (`asked_by` says
    whose questions they are, for the message) and passing `check`; every problem at
    once (module docstring)."""
    name = str(path)
    data, locs = read_yaml(path, top=TOP)
    known = sorted(set(known))
    items = data.get("resolutions") if isinstance(data, dict) else None
    try:
        return _checked(
            Resolutions.model_validate(data).resolutions, locs, name, known, asked_by, check
        )
    except ValidationError as e:
        problems = [problem_of(err, locs, name, Resolutions) for err in e.errors()]
    if isinstance(items, list):  # the entries that are well formed are checked too
        good = []
        for i, item in enumerate(items):
            try:
                good.append((i, Resolution.model_validate(item)))
            except ValidationError:
                continue
        problems += _problems(good, locs, name, known, asked_by, check)
    raise ScenarioError(sorted(problems, key=lambda p: (p.line or 0, p.column or 0)))


def _checked(
    resolutions: list[Resolution],
    locs: Locations,
    name: str,
    known: list[str],
    asked_by: str,
    check: Check | None,
) -> list[Resolution]:
    problems = _problems(list(enumerate(resolutions)), locs, name, known, asked_by, check)
    if problems:
        raise ScenarioError(problems)
    return resolutions


def _problems(
    entries: list[tuple[int, Resolution]],
    locs: Locations,
    name: str,
    known: list[str],
    asked_by: str,
    check: Check | None,
) -> list[Problem]:
    """What is wrong with well-formed entries (index, resolution) of the file."""
    out: list[Problem] = []
    seen: set[str] = set()
    listed = ", ".join(known) if known else "none"
    for i, r in entries:
        at = ("resolutions", i)
        found: list[tuple[str, str]] = []
        if r.id not in known:
            hint = did_you_mean(r.id, known)
            found.append(("id", f"no question '{r.id}' in {asked_by} (it asks: {listed}){hint}"))
        elif check is not None:
            found += check(r)
        if r.id in seen:
            found.append(("id", f"question '{r.id}' is resolved twice"))
        seen.add(r.id)
        out += [locate(locs, (*at, field), message, name) for field, message in found]
    return out
