"""Rules that span fields, checked after the models have parsed: an exercise naming an
absent patron, a date past the horizon, a parameter outside its role's bounds. Every
problem comes back with the field path it belongs to, so the loader can point at the line."""

from __future__ import annotations

import math
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
from sim.scenario.claims import Event
from sim.scenario.errors import UsageError
from sim.scenario.nodes import Path
from sim.scenario.operation_checks import check_injects, check_operations, not_its_track
from sim.scenario.schema import ActorSpec, Scenario
from sim.scenario.track_checks import check_tracks


def cross_check(s: Scenario) -> list[Found]:
    """Every rule that spans fields, as (field path, message) pairs; empty when valid."""
    return [
        *_check_actors(s),
        *check_tracks(s),
        *check_operations(s),
        *check_injects(s),
        *_check_outcomes(s),
        *unique(s.readings, "name", ("readings",)),
        *_check_reading_count(s),
    ]


#: Above this many combinations of readings a scenario is refused: each is validated
#: and compiled into its own plan.
MAX_COMBINATIONS = 64


def _check_reading_count(s: Scenario) -> Iterator[Found]:
    n = math.prod(len(r.options) for r in s.readings)
    if n > MAX_COMBINATIONS:
        yield (
            ("readings",),
            f"{n} combinations of readings (the product of their option counts); at most "
            f"{MAX_COMBINATIONS} are allowed",
        )


def _check_start_rung(s: Scenario, i: int, a: ActorSpec) -> Iterator[Found]:
    """Starting rungs belong to a patron, each names a rung (and its ``otherwise`` a lower
    rung of the same track), one per track, with a probability in [0, 1]."""
    at: Path = ("actors", i, "start_rung")
    if a.role != "patron":
        yield (at, f"only a patron has a starting rung; {a.name} is a {a.role}")
        return
    names = s.rung_names()
    seen: set[str] = set()
    many = isinstance(a.start_rung, list)
    for k, start in enumerate(a.start_rungs):
        here: Path = (*at, k) if many else at
        if start.rung not in names:
            yield ((*here, "rung"), unknown("rung", start.rung, names))
            continue
        track, level = s.rung_location(start.rung)
        if track in seen:
            yield ((*here, "rung"), f"a second starting rung on track '{track}'")
        yield from not_its_track(s, a.name, track, (*here, "rung"))
        seen.add(track)
        if start.otherwise is not None:
            if start.otherwise not in names:
                yield ((*here, "otherwise"), unknown("rung", start.otherwise, names))
            elif s.rung_location(start.otherwise)[0] != track or (
                s.rung_location(start.otherwise)[1] >= level
            ):
                yield (
                    (*here, "otherwise"),
                    f"must be a lower rung of track '{track}' than '{start.rung}'",
                )
        rungs = next(t for t in s.all_tracks if t.name == track).rungs[1 : level + 1]
        if any(r.settles_control for r in rungs) and start.controller is None:
            yield (
                (*here, "controller"),
                "this starting rung settles control: name who holds it (patron or client)",
            )
        yield from check_probability(start.probability, (*here, "probability"))
        if start.held_since is not None and start.held_since > s.metadata.start_date:
            yield (
                (*here, "held_since"),
                f"held_since {start.held_since} is after the start date "
                f"({s.metadata.start_date}): a starting rung was granted by then",
            )


def _check_actors(s: Scenario) -> Iterator[Found]:
    seen: set[str] = set()
    clients = s.clients()
    for i, a in enumerate(s.actors):
        if a.start_rung is not None:
            yield from _check_start_rung(s, i, a)
        if a.name in seen:
            yield (("actors", i, "name"), f"duplicate actor name '{a.name}'")
        seen.add(a.name)
        if a.role not in ROLE_SPECS:
            yield (("actors", i, "role"), unknown("role", a.role, sorted(ROLE_SPECS)))
            continue
        yield from check_params(a.role, a.params, ("actors", i, "params"))
        if a.opposes is not None:
            yield from _check_opposes(s, i, a)
        for name, d in ROLE_SPECS[a.role].Params.declarations().items():
            if d.opposing and a.opposes is None and name in a.params:
                yield (
                    ("actors", i, "params", name),
                    f"{name} acts only for a movement that opposes a patron: add "
                    "'opposes: <patron>' to the actor, or remove it",
                )
        if not ROLE_SPECS[a.role].has_target:
            if a.target is not None:
                yield (("actors", i, "target"), f"a {a.role} acts on no target")
        elif a.target is not None and a.target not in clients:
            yield (("actors", i, "target"), unknown("client regime", a.target, clients))
        elif a.target is None and len(clients) != 1:
            yield (
                ("actors", i, "target"),
                f"name the client regime this {a.role} acts on; the scenario has "
                f"{len(clients)} ({', '.join(clients) or 'none'})",
            )


def _check_opposes(s: Scenario, i: int, a: ActorSpec) -> Iterator[Found]:
    """A movement opposes a patron that presses the regime it protests against."""
    at = ("actors", i, "opposes")
    patrons = s.patrons()
    if a.role != "protest_movement":
        yield (at, f"only a protest_movement opposes a patron's presence, not a {a.role}")
    elif a.opposes not in patrons:
        yield (at, unknown("patron", str(a.opposes), patrons))
    elif s.target_of(s.actor(a.opposes)) != s.target_of(a):
        yield (
            at,
            f"{a.opposes} presses {s.target_of(s.actor(a.opposes))}, not "
            f"{s.target_of(a)}, the regime {a.name} protests against",
        )


def _check_outcomes(s: Scenario) -> Iterator[Found]:
    clients = s.clients()
    if not clients:
        yield (("actors",), "the scenario needs at least one actor of role client_regime")
    if not any(a.role == "patron" for a in s.actors):
        yield (
            ("actors",),
            "the scenario needs at least one actor of role patron (the foreign power whose "
            "presence the outcomes measure)",
        )
    host = s.outcomes.host
    if host is not None and host not in clients:
        yield (("outcomes", "host"), unknown("client regime", host, clients))
    elif host is None and len(clients) > 1:
        yield (
            ("outcomes", "host"),
            f"name the host: the scenario has {len(clients)} client regimes ({', '.join(clients)})",
        )
    if s.outcomes.window_days > s.n_days:
        yield (
            ("outcomes", "window_days"),
            f"the window ({s.outcomes.window_days} days) is "
            f"longer than the horizon ({s.n_days} days)",
        )
    yield from _check_events(s, s.judgments, "judgments")
    yield from _check_events(s, s.observations, "observations")
    yield from _check_events(s, s.questions, "questions")
    yield from _check_headline(s)
    for i, o in enumerate(s.observations):
        if o.as_of < s.metadata.start_date:
            yield (
                ("observations", i, "as_of"),
                f"as_of {o.as_of} is before the scenario starts ({s.metadata.start_date})",
            )


def _check_events(s: Scenario, events: list, key: str) -> Iterator[Found]:
    rungs = s.rung_names()
    yield from unique(events, "id", (key,))
    for i, j in enumerate(events):
        at: Path = (key, i)
        yield from _check_patron(s, j, at)
        yield from in_horizon(s, j.end, (*at, "end"), "event end")
        if j.start is not None:
            yield from in_horizon(s, j.start, (*at, "start"), "event start")
            if j.start > j.end:
                yield ((*at, "start"), f"start {j.start} is after end {j.end}")
        if j.rung is not None and j.rung not in rungs:
            yield ((*at, "rung"), unknown("rung", j.rung, rungs))


def _check_patron(s: Scenario, event: Event, at: Path) -> Iterator[Found]:
    """An event's ``patron:`` (and its condition's) names an actor of role patron."""
    patrons = s.patrons()
    if event.patron is not None and event.patron not in patrons:
        yield ((*at, "patron"), unknown("patron", event.patron, patrons))
    if event.given is not None:
        yield from _check_patron(s, event.given, (*at, "given"))


def _check_headline(s: Scenario) -> Iterator[Found]:
    """The headline names an outcome or a question the scenario has."""
    if s.headline is None:
        return
    try:
        s.headline_column()
    except UsageError as e:
        yield (("headline",), e.message)
