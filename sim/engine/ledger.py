"""The world's record: which foreign forces are in which country on which day, who
controls each delivered system, and what happened when.

The operations layer only appends to the ledger; outcomes are pure functions of it
(:mod:`sim.engine.outcomes`). Days are offsets from the scenario start; spans are half-open.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.scenario.schema import Controller


@dataclass
class Stay:
    """A unit of `patron` inside `host` from day `start` up to, not including, `end`."""

    patron: str
    host: str
    unit: str
    start: int
    end: int | None = None  # None while the unit is still there


@dataclass(frozen=True)
class System:
    """A delivered system, in `host` from `day`, under the `controller`'s command."""

    patron: str
    host: str
    name: str
    day: int
    controller: Controller


@dataclass(frozen=True)
class Concession:
    """Rung `rung` granted by `client` to `patron` on `day`; `controller` if it settled one."""

    day: int
    patron: str
    client: str
    rung: int
    controller: Controller | None


@dataclass(frozen=True)
class LogEntry:
    """A dated line of the operations timeline (for people, not outcomes); spans
    (exercises) also have an end day. Not a :class:`sim.scenario.schema.Event`, which is
    a dated claim to check against a replicate."""

    day: int
    kind: str
    actor: str
    detail: str
    end: int | None = None


@dataclass
class Ledger:
    """What happened in one replicate. Outcomes need the stays, systems, basings and
    concessions; the `events` timeline is for people (the events table, ``wargame replay``)
    and is only kept when `record_events` is set."""

    n_days: int
    record_events: bool = True
    stays: list[Stay] = field(default_factory=list)
    systems: list[System] = field(default_factory=list)
    basings: list[tuple[str, str, int]] = field(default_factory=list)  # patron, host, day
    exercises: list[tuple[str, str, int]] = field(default_factory=list)  # patron, host, start
    concessions: list[Concession] = field(default_factory=list)
    events: list[LogEntry] = field(default_factory=list)

    def arrive(self, patron: str, host: str, unit: str, day: int) -> Stay:
        stay = Stay(patron, host, unit, max(day, 0))
        self.stays.append(stay)
        return stay

    def exercise(self, patron: str, host: str, day: int) -> None:
        """An exercise starts (kept even without the timeline: events may ask about it)."""
        self.exercises.append((patron, host, day))

    def leave(self, stay: Stay, day: int) -> None:
        stay.end = min(max(day, stay.start), self.n_days)

    def close(self) -> None:
        """End every open stay at the horizon."""
        for stay in self.stays:
            if stay.end is None:
                stay.end = self.n_days

    def log(
        self, day: int, kind: str, actor: str, detail: str = "", end: int | None = None
    ) -> None:
        if self.record_events:
            self.events.append(LogEntry(day, kind, actor, detail, end))
