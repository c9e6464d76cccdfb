"""Cross-checks of operations: exercises, recurring exercises, summits and injects name
actors, tracks and rungs that exist, and fall inside the horizon."""

from __future__ import annotations

from collections.abc import Iterator

from sim.roles import ROLE_SPECS
from sim.scenario.checking import (
    Found,
    check_params,
    check_probability,
    in_horizon,
    unique,
    unknown,
)
from sim.scenario.nodes import Path
from sim.scenario.operations import Inject
from sim.scenario.schema import Scenario


def check_operations(s: Scenario) -> Iterator[Found]:
    """Exercises, recurring exercises and summits."""
    ops = s.operations
    yield from unique(ops.exercises, "name", ("operations", "exercises"))
    yield from unique(ops.recurring, "patron", ("operations", "recurring"))
    yield from unique(ops.summits, "name", ("operations", "summits"))
    patrons = [a.name for a in s.actors if a.role == "patron"]
    yield from _check_exercises(s, patrons)
    yield from _check_recurring(s, patrons)
    yield from _check_summits(s, patrons)


def _check_exercises(s: Scenario, patrons: list[str]) -> Iterator[Found]:
    for i, ex in enumerate(s.operations.exercises):
        at: Path = ("operations", "exercises", i)
        if ex.start_window is not None and ex.start_window[0] > ex.start_window[1]:
            yield (
                (*at, "start_window"),
                f"out of order: {ex.start_window[0]} is after {ex.start_window[1]}",
            )
        if ex.end is not None and ex.start is not None and ex.end < ex.start:
            yield ((*at, "end"), f"end {ex.end} is before start {ex.start}")
        if ex.patron not in patrons:
            yield ((*at, "patron"), unknown("patron", ex.patron, patrons))
        if ex.end is not None and ex.end < s.metadata.start_date:
            yield (
                (*at, "end"),
                f"exercise ends {ex.end}, before the scenario starts ({s.metadata.start_date})",
            )
        last = ex.start_window[1] if ex.start_window else ex.start
        assert last is not None
        if last > s.end_date:
            yield (
                (*at, "start_window" if ex.start_window else "start"),
                f"exercise starts {last}, after the scenario ends ({s.end_date})",
            )
        if ex.duration_days is not None and ex.duration_days.support[0] < 1:
            yield (
                (*at, "duration_days"),
                f"a duration must be at least 1 day; found {ex.duration_days.describe()}",
            )


def _check_recurring(s: Scenario, patrons: list[str]) -> Iterator[Found]:
    for i, rec in enumerate(s.operations.recurring):
        at = ("operations", "recurring", i)
        if rec.patron not in patrons:
            yield ((*at, "patron"), unknown("patron", rec.patron, patrons))
        if rec.duration_days.support[0] < 1:
            yield (
                (*at, "duration_days"),
                f"a duration must be at least 1 day; found {rec.duration_days.describe()}",
            )
        if not 0 <= rec.jitter.support[0] <= rec.jitter.support[1] <= 1:
            yield ((*at, "jitter"), f"must lie in [0, 1]; found {rec.jitter.describe()}")
        if rec.start is not None:
            yield from in_horizon(s, rec.start, (*at, "start"), "recurring start")


def _check_summits(s: Scenario, patrons: list[str]) -> Iterator[Found]:
    tracks, rungs = [t.name for t in s.all_tracks], s.rung_names()
    for i, su in enumerate(s.operations.summits):
        at = ("operations", "summits", i)
        if su.patron not in patrons:
            yield ((*at, "patron"), unknown("patron", su.patron, patrons))
        if su.track is not None and su.track not in tracks:
            yield ((*at, "track"), unknown("track", su.track, tracks))
        elif su.track is not None:
            yield from not_its_track(s, su.patron, su.track, (*at, "track"))
        if su.rung is not None and su.rung not in rungs:
            yield ((*at, "rung"), unknown("rung", su.rung, rungs))
        elif su.rung is not None:
            yield from not_its_track(s, su.patron, s.rung_location(su.rung)[0], (*at, "rung"))
        if su.effect == "implements" and su.track is not None:
            yield ((*at, "track"), "a summit that implements names the rung it grants, not a track")
        if su.effect == "demands" and su.rung is not None:
            yield (
                (*at, "rung"),
                "a summit that demands presses for the next rung of a track; name the track",
            )
        yield from in_horizon(s, su.date, (*at, "date"), "summit date")
        yield from check_probability(su.accept_probability, (*at, "accept_probability"))


def not_its_track(s: Scenario, patron: str, track: str, at: Path) -> Iterator[Found]:
    """A patron acting on a track another patron owns (``tracks[].patron``)."""
    owner = next((t.patron for t in s.all_tracks if t.name == track), None)
    if owner is not None and owner != patron:
        yield (at, f"track '{track}' is {owner}'s: only {owner} holds and presses its rungs")


def check_injects(s: Scenario) -> Iterator[Found]:
    names = [a.name for a in s.actors]
    yield from unique(s.injects, "name", ("injects",))
    for i, inj in enumerate(s.injects):
        at: Path = ("injects", i)
        yield from in_horizon(s, inj.date, (*at, "date"), "inject date")
        yield from check_probability(inj.probability, (*at, "probability"))
        if inj.actor not in names:
            yield ((*at, "actor"), unknown("actor", inj.actor, names))
            continue
        role = s.actor(inj.actor).role
        yield from _check_exit(s, inj, role, at)
        if role not in ROLE_SPECS:
            continue
        declared = ROLE_SPECS[role].state
        for key, value in inj.set.items():
            if key not in declared:
                yield ((*at, "set", key), unknown(f"state of role {role}", key, list(declared)))
            elif not declared[key].low <= value <= declared[key].high:
                var = declared[key]
                yield (
                    (*at, "set", key),
                    f"must lie in [{var.low:g}, {var.high:g}] ({var.units}); found {value:g}",
                )
        yield from check_params(role, inj.params, (*at, "params"))


def _check_exit(s: Scenario, inj: Inject, role: str, at: Path) -> Iterator[Found]:
    """An inject's ``revoke`` and ``expel`` act on a patron, on rungs of its tracks."""
    if (inj.revoke or inj.expel) and role != "patron":
        what = "revoke" if inj.revoke else "expel"
        yield ((*at, what), f"only a patron loses rungs or is expelled; {inj.actor} is a {role}")
        return
    rungs = s.rung_names()
    for k, rung in enumerate(inj.revoke):
        if rung not in rungs:
            yield ((*at, "revoke", k), unknown("rung", rung, rungs))
        elif s.rung_location(rung)[1] == 0:
            yield (
                (*at, "revoke", k),
                f"'{rung}' is its track's first rung: there is nothing below it",
            )
        else:
            yield from not_its_track(s, inj.actor, s.rung_location(rung)[0], (*at, "revoke", k))
