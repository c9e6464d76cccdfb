"""The world's record: which foreign forces are in which country on which day, who
controls each delivered system, which rungs were granted and lost, and what happened when.

The operations layer only appends to the ledger; outcomes are pure functions of it
(:mod:`sim.engine.outcomes`). Days are offsets from the scenario start; spans are
half-open ``[start, end)``.

Presence is recorded per *holder*, not per unit: the patron's exercise forces in a host
(``forces``), the crews of a patron-controlled system (``crews:<system>``) and a permanent
garrison (``garrison``). Which unit labels the forces carry is bookkeeping for the
timeline (``labels``), kept only with the timeline: no outcome reads it, so renaming,
merging or splitting units cannot change an answer.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, ClassVar

from sim.scenario.nodes import Controller


@dataclass(slots=True)
class Span:
    """`holder` of `patron` present in `host` from day `start` up to, not including, `end`."""

    patron: str
    host: str
    holder: str
    start: int
    end: int | None = None  # None while still there


@dataclass(slots=True)
class System:
    """A system delivered by rung `rung` of `track`, in `host` from `day` until `end` (None:
    still there), under the `controller`'s command (a renegotiation of control closes a
    record and opens another)."""

    patron: str
    host: str
    name: str
    track: str
    rung: int
    day: int
    controller: Controller
    end: int | None = None


@dataclass(slots=True)
class Basing:
    """A permanent base of `patron` in `host` granted by rung `rung` of `track`, open from
    `day` until `end` (None: still open)."""

    patron: str
    host: str
    track: str
    rung: int
    day: int
    end: int | None = None


@dataclass(frozen=True, slots=True)
class Concession:
    """A change of level on a track: rung `rung` reached (``up``) or lost (not ``up``, the
    track falling back to ``rung - 1``) on `day`; `controller` if the change settled one."""

    day: int
    patron: str
    client: str
    track: str
    rung: int
    controller: Controller | None
    up: bool = True
    at_start: bool = False  # a rung already held on the start date, not a grant


@dataclass(frozen=True, slots=True)
class LogEntry:
    """A dated line of the operations timeline (for people, not outcomes); spans
    (exercises, unit labels) also have an end day. Not a :class:`sim.scenario.schema.Event`,
    which is a dated claim to check against a replicate."""

    day: int
    kind: str
    actor: str
    detail: str
    end: int | None = None


@dataclass
class Ledger:
    """What happened in one replicate. Outcomes need the presence spans, systems, bases,
    concessions and exercise starts; the `events` timeline and the unit `labels` are for
    people (the events table, ``wargame replay``) and are only kept with `record_events`."""

    STATE: ClassVar[tuple[str, ...]] = (
        "record_events",
        "spans",
        "systems",
        "basings",
        "exercises",
        "concessions",
        "events",
        "labels",
    )
    DERIVED: ClassVar[tuple[str, ...]] = ()
    CACHE: ClassVar[tuple[str, ...]] = ()
    WIRING: ClassVar[tuple[str, ...]] = ("n_days",)

    n_days: int
    record_events: bool = True
    spans: list[Span] = field(default_factory=list)
    systems: list[System] = field(default_factory=list)
    basings: list[Basing] = field(default_factory=list)
    exercises: list[tuple[str, str, int]] = field(default_factory=list)  # patron, host, start
    concessions: list[Concession] = field(default_factory=list)
    events: list[LogEntry] = field(default_factory=list)
    labels: list[Span] = field(default_factory=list)  # unit labels present (holder = label)

    def arrive(self, patron: str, host: str, holder: str, day: int) -> Span:
        span = Span(patron, host, holder, max(day, 0))
        self.spans.append(span)
        return span

    def leave(self, span: Span, day: int) -> int:
        """Close `span` on `day` (kept within its start and the horizon); its end."""
        end = span.end = min(max(day, span.start), self.n_days)
        return end

    def label(self, patron: str, host: str, unit: str, day: int) -> Span | None:
        """A unit label present from `day` (timeline only; None without the timeline)."""
        if not self.record_events:
            return None
        span = Span(patron, host, unit, max(day, 0))
        self.labels.append(span)
        return span

    def exercise(self, patron: str, host: str, day: int) -> None:
        """An exercise starts (kept even without the timeline: events may ask about it)."""
        self.exercises.append((patron, host, day))

    def close(self) -> None:
        """End every open span at the horizon."""
        for span in (*self.spans, *self.labels):
            if span.end is None:
                span.end = self.n_days

    def log(
        self, day: int, kind: str, actor: str, detail: str = "", end: int | None = None
    ) -> None:
        """A line of the timeline, kept only with ``record_events``.

        Callers test ``record_events`` before formatting a line: a Belarus replicate writes
        about 62 lines, each 261 ns formatted and dropped against 57 ns when the test skips
        it (``timeit``), about 2 % of a lean replicate's time."""
        if self.record_events:
            self.events.append(LogEntry(day, kind, actor, detail, end))

    def of_patron(self, patron: str) -> Ledger:
        """What `patron` did: its forces, systems, bases, exercises and concessions only
        (no timeline), as if it were the only patron."""
        return Ledger(
            self.n_days,
            record_events=False,
            spans=[s for s in self.spans if s.patron == patron],
            systems=[s for s in self.systems if s.patron == patron],
            basings=[b for b in self.basings if b.patron == patron],
            exercises=[e for e in self.exercises if e[0] == patron],
            concessions=[c for c in self.concessions if c.patron == patron],
        )

    # ------------------------------------------------------------------ state

    def snapshot(self) -> dict[str, Any]:
        """Everything recorded so far, as plain values."""
        out: dict[str, Any] = {"record_events": self.record_events}
        for name in _RECORDS:
            out[name] = [dataclasses.asdict(x) for x in getattr(self, name)]
        out["exercises"] = [list(x) for x in self.exercises]
        return out

    def restore(self, snap: dict[str, Any]) -> None:
        """Take up the records :meth:`snapshot` wrote."""
        self.record_events = snap["record_events"]
        for name, kind in _RECORDS.items():
            setattr(self, name, [kind(**x) for x in snap[name]])
        self.exercises = [(p, h, d) for p, h, d in snap["exercises"]]


#: The ledger's lists of records and the record each holds (exercises are plain tuples).
_RECORDS: dict[str, type] = {
    "spans": Span,
    "labels": Span,
    "systems": System,
    "basings": Basing,
    "concessions": Concession,
    "events": LogEntry,
}
