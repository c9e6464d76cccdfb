"""Signposts as typed, frozen data: what ``signposts.json`` holds, and what the text, the
figure, the watchlist and the report read (by attribute, not by key).

Each class writes its JSON (:meth:`json`) and reads it back (``from_json``); the JSON is
the serialisation, with the same keys in the same order as always, so a signposts folder
written before reads the same. :func:`sim.analysis.signposts.signposts` builds a
:class:`SignpostReport`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any


@dataclass(frozen=True)
class Estimate:
    """A statistic with its 95 % interval (from the Bayesian bootstrap)."""

    estimate: float
    low: float
    high: float


@dataclass(frozen=True)
class TableStatistics:
    """An indicator against the outcome over the replicates: the 2x2 table's `counts`
    ([I&O, I&~O, ~I&O, ~I&~O], `n` in all) and what it says, each with its interval."""

    n: int
    counts: list[int]
    p_indicator: Estimate
    p_given: Estimate
    p_given_not: Estimate
    likelihood_ratio: Estimate
    shift: Estimate
    voi: Estimate  # value of information: the expected fall of the forecast's Brier score

    def json(self) -> dict[str, Any]:
        """The statistics alone (a :class:`Signpost` adds what it is about)."""
        own = {f.name: getattr(self, f.name) for f in fields(TableStatistics)}
        return {k: asdict(v) if isinstance(v, Estimate) else v for k, v in own.items()}


def statistics_of(d: dict[str, Any]) -> TableStatistics:
    """The table's statistics from their JSON (a signpost's, or on their own)."""
    estimates = (f.name for f in fields(TableStatistics)[2:])
    return TableStatistics(d["n"], list(d["counts"]), *(Estimate(**d[k]) for k in estimates))


@dataclass(frozen=True)
class Signpost(TableStatistics):
    """A ranked indicator: its table's statistics, the question it asks, its family (one
    kind of fact at several dates), its date, the event as an observation would write it,
    and the dates of the same family that tell nearly all it does (`also`, folded in)."""

    id: str = ""
    question: str = ""
    family: str = ""
    label: str = ""
    date: str = ""  # ISO date the indicator is known
    event: dict[str, Any] = field(default_factory=dict)
    also: list[str] | None = None

    @classmethod
    def of(cls, stats: TableStatistics, **about: Any) -> Signpost:
        """A signpost of these statistics; `about`: its id, question, family, label, date
        and event."""
        return cls(**{f.name: getattr(stats, f.name) for f in fields(TableStatistics)}, **about)

    def with_also(self, date: str) -> Signpost:
        """This signpost with one more date of its family folded into it."""
        return replace(self, also=[*(self.also or []), date])

    def json(self) -> dict[str, Any]:
        out = {
            "id": self.id,
            "question": self.question,
            "family": self.family,
            "label": self.label,
            "date": self.date,
            "event": self.event,
            **TableStatistics.json(self),
        }
        if self.also is not None:
            out["also"] = list(self.also)
        return out

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Signpost:
        head = ("id", "question", "family", "label", "date", "event")
        also = list(d["also"]) if "also" in d else None
        return cls.of(statistics_of(d), **{k: d[k] for k in head}, also=also)


@dataclass(frozen=True)
class ForecastNow:
    """The outcome's probability over the replicates, with its standard error."""

    p: float
    se: float


@dataclass(frozen=True)
class SignpostReport:
    """The ranked signposts of a run (``signposts.json``)."""

    outcome: str  # its column
    label: str
    by: str | None
    until: str  # the last date an indicator may be known
    replicates: int
    forecast: ForecastNow
    intervals: str  # "row bootstrap" or "clade bootstrap (branching)"
    effective_replicates: float
    candidates: int
    informative: int  # candidates not always or never true
    signposts: list[Signpost]

    @property
    def by_clades(self) -> bool:
        return self.intervals.startswith("clade")

    def json(self) -> dict[str, Any]:
        return {**asdict(self), "signposts": [s.json() for s in self.signposts]}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> SignpostReport:
        return cls(
            **{
                **d,
                "forecast": ForecastNow(**d["forecast"]),
                "signposts": [Signpost.from_json(s) for s in d["signposts"]],
            }
        )
