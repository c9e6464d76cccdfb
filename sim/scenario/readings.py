"""Readings: the scenarios a sentence read more than one way makes, one per combination.

A scenario's ``readings:`` declares choices, each with two or more options; an option is a
patch laid over the scenario by the rules of ``extends:``. The combinations of one option
per choice are the scenario's *variants*. Each replicate draws its combination from its
parameter stream (the table entries ``readings.<choice>``) and runs the variant it names,
so every result can be shown mixed (over the prior weights) and per reading.

A variant is built from the validated scenario (:func:`variant`), so a results folder's
manifest, which records the validated scenario, can rebuild it; the loader builds each
from the file's text as well, to place any mistake at its line, and checks the two agree.
"""

from __future__ import annotations

import itertools
import math

from sim.scenario.checks import MAX_COMBINATIONS
from sim.scenario.schema import Scenario


def combinations(s: Scenario) -> list[tuple[int, ...]]:
    """Every combination of one option per reading, as option indices, in a fixed order
    (the first reading's options vary slowest). The schema refuses more than
    :data:`~sim.scenario.schema.MAX_COMBINATIONS`."""
    sizes = [len(r.options) for r in s.readings]
    assert math.prod(sizes) <= MAX_COMBINATIONS
    return list(itertools.product(*(range(k) for k in sizes)))


def label(s: Scenario, combo: tuple[int, ...]) -> str:
    """``starting_state=conceded, shoigu=implements``."""
    return ", ".join(
        f"{r.name}={r.options[j].name}" for r, j in zip(s.readings, combo, strict=True)
    )


def variant(s: Scenario, combo: tuple[int, ...]) -> Scenario:
    """The scenario with the options `combo` names laid over it (no readings left)."""
    from sim.scenario.reading import merge

    data = s.model_dump(exclude_unset=True, exclude={"readings"})
    for r, j in zip(s.readings, combo, strict=True):
        data = merge(data, r.options[j].patch, (), (), {}, {}, {})
    return Scenario.model_validate(data)


def variants(s: Scenario) -> list[tuple[tuple[int, ...], Scenario]]:
    """Every combination and its scenario."""
    return [(combo, variant(s, combo)) for combo in combinations(s)]


def same_shape(base: Scenario, v: Scenario) -> list[str]:
    """Why variant `v` cannot be mixed with the others: a reading may change how a
    sentence is read, not who is in the game or what is measured. Empty when it can."""
    out = []
    if [(a.name, a.role) for a in v.actors] != [(a.name, a.role) for a in base.actors]:
        out.append("changes the actors or their roles; a reading may not")
    if [t.name for t in v.all_tracks] != [t.name for t in base.all_tracks]:
        out.append("changes the tracks; a reading may not")
    for kind in ("judgments", "questions", "observations"):
        if [e.id for e in getattr(v, kind)] != [e.id for e in getattr(base, kind)]:
            out.append(f"adds or removes {kind}; a reading may redefine one, not add one")
    return out
