"""A run's summary as typed, frozen data: what ``summary.json`` holds, and what the text,
the figures and the report read (by attribute, not by key).

Each class writes its JSON (:meth:`json`) and reads it back (``from_json``); the JSON is the
serialisation, in the same order and with the same keys as always, so a folder written
before reads the same. :func:`sim.runs.summary.summary_of` builds a :class:`RunSummary`
from a run's outcome tally.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sim.runs.estimates import (
    JudgmentCheck,
    ObservationCheck,
    OutcomeEstimate,
    Proportion,
    QuestionEstimate,
)

__all__ = [
    "BranchingRecord",
    "Horizon",
    "JudgmentCheck",
    "ObservationCheck",
    "OutcomeEstimate",
    "Proportion",
    "QuestionEstimate",
    "ReadingOption",
    "ReadingSummary",
    "RunSummary",
    "RungShares",
    "StageRecord",
    "TimeTo",
    "When",
    "read_summary",
]


@dataclass(frozen=True)
class When:
    """A day of the horizon and its date (both None: not reached by the horizon)."""

    day: int | None
    date: str | None

    def json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class TimeTo:
    """The quartiles of the time to an outcome (Kaplan-Meier, censored at the horizon)."""

    q25: When
    q50: When
    q75: When

    def json(self) -> dict[str, Any]:
        return {"q25": self.q25.json(), "q50": self.q50.json(), "q75": self.q75.json()}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> TimeTo:
        return cls(*(When(d[q]["day"], d[q]["date"]) for q in ("q25", "q50", "q75")))


#: The quartiles of an outcome never reached (read for a run written before one was kept).
NEVER = {q: {"day": None, "date": None} for q in ("q25", "q50", "q75")}


@dataclass(frozen=True)
class Horizon:
    start: str
    end: str
    days: int

    def json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class RungShares:
    """A track's rungs: the share of replicates holding each at the horizon, and the share
    whose highest rung held was each."""

    at_horizon: dict[str, float]
    highest: dict[str, float]

    def json(self) -> dict[str, Any]:
        return asdict(self)


def _shares(d: dict[str, Any]) -> dict[str, Proportion]:
    return {k: Proportion.from_json(v) for k, v in d.items()}


def _json(d: dict[str, Proportion]) -> dict[str, Any]:
    return {k: v.json() for k, v in d.items()}


@dataclass(frozen=True)
class ReadingOption:
    """One option of a reading: its prior weight, the replicates that drew it, and the
    headline outcomes, judgments and questions among them."""

    name: str
    weight: float
    rationale: str | None
    drawn: Proportion
    outcomes: dict[str, Proportion]
    judgments: dict[str, Proportion]
    questions: dict[str, Proportion]

    def json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "weight": self.weight,
            "rationale": self.rationale,
            "drawn": self.drawn.json(),
            "outcomes": _json(self.outcomes),
            "judgments": _json(self.judgments),
            "questions": _json(self.questions),
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ReadingOption:
        return cls(
            d["name"],
            d["weight"],
            d.get("rationale"),
            Proportion.from_json(d["drawn"]),
            _shares(d["outcomes"]),
            _shares(d["judgments"]),
            _shares(d["questions"]),
        )


@dataclass(frozen=True)
class ReadingSummary:
    name: str
    source: str | None
    options: list[ReadingOption]

    def json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "source": self.source,
            "options": [o.json() for o in self.options],
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ReadingSummary:
        return cls(d["name"], d.get("source"), [ReadingOption.from_json(o) for o in d["options"]])


@dataclass(frozen=True)
class StageRecord:
    """What one branching stage did: its day, observations, survivors out of the
    population, and the distinct original replicates left among them."""

    day: int
    date: str
    observations: list[str]
    survivors: int
    population: int
    distinct_origins: int
    rounds: int = 1  # times the entering population was run through the stage
    tried: int = 0  # particles run through it (rounds x population)

    def json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class BranchingRecord:
    """How a branching run conditioned: its stages, why it branched, what plain rejection
    would have kept, and the interval estimator its shares use."""

    stages: list[StageRecord]
    why: str
    rejection_estimate: float
    distinct_origins: int
    intervals: str

    def json(self) -> dict[str, Any]:
        return {
            "stages": [s.json() for s in self.stages],
            "why": self.why,
            "rejection_estimate": self.rejection_estimate,
            "distinct_origins": self.distinct_origins,
            "intervals": self.intervals,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> BranchingRecord:
        return cls(
            [StageRecord(**s) for s in d["stages"]],
            d["why"],
            d["rejection_estimate"],
            d["distinct_origins"],
            d.get("intervals", "Eve estimator"),
        )


@dataclass(frozen=True)
class RunSummary:
    """The numbers an analyst reads off a run (``summary.json``)."""

    scenario: str
    replicates: int
    horizon: Horizon
    outcomes: dict[str, OutcomeEstimate]
    time_to_persistent: TimeTo
    time_to_ever_continuous: TimeTo
    rungs: dict[str, RungShares]
    mean_presence_days: float
    judgments: list[JudgmentCheck]
    posterior: str | None
    questions: list[QuestionEstimate]
    #: With observations: the replicates drawn, the share kept, each observation's share.
    drawn: int | None = None
    kept: Proportion | None = None
    observations: list[ObservationCheck] = field(default_factory=list)
    #: With readings: per reading and option (empty without readings).
    readings: list[ReadingSummary] = field(default_factory=list)
    #: A branching run's stages (None for a run conditioned by rejection, or not at all).
    branching: BranchingRecord | None = None
    #: When persistent presence ended without returning (an exit), by quartile.
    time_to_withdrawn: TimeTo = field(default_factory=lambda: TimeTo.from_json(NEVER))
    #: What the scenario asks (its headline's column: an outcome, or question.<id>).
    headline: str = "persistent"
    #: With several patrons: each one's time to persistent presence and to exit
    #: (``{patron: {"persistent": ..., "withdrawn": ...}}``; empty with one).
    time_by_patron: dict[str, dict[str, TimeTo]] = field(default_factory=dict)

    def headline_estimate(self) -> tuple[str, Proportion]:
        """The headline's words and its probability with its interval."""
        outcome = self.outcomes.get(self.headline)
        if outcome is not None:
            return outcome.label, outcome.estimate
        qid = self.headline.removeprefix("question.")
        q = next(q for q in self.questions if q.id == qid)
        return q.question, q.estimate

    def json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "scenario": self.scenario,
            "replicates": self.replicates,
            "horizon": self.horizon.json(),
            "outcomes": {k: o.json() for k, o in self.outcomes.items()},
            "time_to_persistent": self.time_to_persistent.json(),
            "time_to_ever_continuous": self.time_to_ever_continuous.json(),
            "time_to_withdrawn": self.time_to_withdrawn.json(),
            "rungs": {k: r.json() for k, r in self.rungs.items()},
            "mean_presence_days": self.mean_presence_days,
            "judgments": [j.json() for j in self.judgments],
            "posterior": self.posterior,
            "questions": [q.json() for q in self.questions],
        }
        if self.kept is not None:
            out["drawn"] = self.drawn
            out["kept"] = self.kept.json()
            out["observations"] = [o.json() for o in self.observations]
        if self.readings:
            out["readings"] = [r.json() for r in self.readings]
        if self.branching is not None:
            out["branching"] = self.branching.json()
        if self.headline != "persistent":
            out["headline"] = self.headline
        if self.time_by_patron:
            out["time_by_patron"] = {
                p: {k: t.json() for k, t in times.items()}
                for p, times in self.time_by_patron.items()
            }
        return out

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> RunSummary:
        h = d["horizon"]
        kept = d.get("kept")
        branching = d.get("branching")
        return cls(
            scenario=d["scenario"],
            replicates=d["replicates"],
            horizon=Horizon(h["start"], h["end"], h["days"]),
            outcomes={k: OutcomeEstimate.from_json(o) for k, o in d["outcomes"].items()},
            time_to_persistent=TimeTo.from_json(d["time_to_persistent"]),
            time_to_ever_continuous=TimeTo.from_json(d.get("time_to_ever_continuous", NEVER)),
            time_to_withdrawn=TimeTo.from_json(d.get("time_to_withdrawn", NEVER)),
            rungs={k: RungShares(r["at_horizon"], r["highest"]) for k, r in d["rungs"].items()},
            mean_presence_days=d["mean_presence_days"],
            judgments=[JudgmentCheck.from_json(j) for j in d["judgments"]],
            posterior=d.get("posterior"),
            questions=[QuestionEstimate.from_json(q) for q in d.get("questions", [])],
            drawn=d.get("drawn"),
            kept=Proportion.from_json(kept) if kept is not None else None,
            observations=[ObservationCheck.from_json(o) for o in d.get("observations", [])],
            readings=[ReadingSummary.from_json(r) for r in d.get("readings", [])],
            branching=BranchingRecord.from_json(branching) if branching is not None else None,
            headline=d.get("headline", "persistent"),
            time_by_patron={
                p: {k: TimeTo.from_json(t) for k, t in times.items()}
                for p, times in d.get("time_by_patron", {}).items()
            },
        )


def read_summary(folder: Path) -> RunSummary:
    """The summary a run folder holds (its ``summary.json``)."""
    return RunSummary.from_json(json.loads((folder / "summary.json").read_text()))
