"""A score as typed, frozen data: what ``score.json`` holds, and what the text, the figures
and the report read (by attribute, not by key).

Each class writes its JSON (:meth:`json`) and reads it back (``from_json``); the JSON is
the serialisation, with the same keys in the same order as always, so a score folder
written before reads the same. :func:`sim.analysis.score.score` builds a
:class:`Scorecard`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class ScoredForecast:
    """One run's forecast of one resolved question, and its score terms."""

    run: str
    question: str
    text: str
    p: float
    low: float
    high: float
    n: int
    outcome: int  # 1: it happened
    resolved: str  # ISO date
    source: str | None
    brier: float
    log: float
    clipped: bool  # the outcome had less than CLIP: the log term is capped

    def json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Unresolved:
    """A forecast whose question has not resolved (listed, not scored)."""

    run: str
    question: str
    p: float

    def json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class RunScores:
    """One run's scores over its own resolved questions (no score when it has none);
    `interval`: each score's 95 % bootstrap interval, None below the minimum count."""

    run: str
    n: int
    brier: float | None = None
    log: float | None = None
    skill_vs_half: float | None = None
    skill_vs_base_rate: float | None = None
    base_rate: float | None = None
    interval: dict[str, list[float]] | None = None

    def json(self) -> dict[str, Any]:
        if not self.n:
            return {"run": self.run, "n": 0}
        return {
            "run": self.run,
            "brier": self.brier,
            "log": self.log,
            "skill_vs_half": self.skill_vs_half,
            "skill_vs_base_rate": self.skill_vs_base_rate,
            "n": self.n,
            "base_rate": self.base_rate,
            "interval": self.interval,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> RunScores:
        return cls(**d)


@dataclass(frozen=True)
class PairedMean:
    """The mean of paired differences with its Student-t interval (None: no pair, or
    one pair and so no interval)."""

    diff: float | None
    low: float | None
    high: float | None

    def json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Difference:
    """`run` minus `baseline`, question by question over the questions both resolved."""

    run: str
    baseline: str
    questions: list[str]
    brier: PairedMean
    log: PairedMean

    def json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Difference:
        return cls(
            d["run"],
            d["baseline"],
            list(d["questions"]),
            PairedMean(**d["brier"]),
            PairedMean(**d["log"]),
        )


@dataclass(frozen=True)
class CorpCurve:
    """The reliability curve: forecasts, their isotonic recalibration and its band."""

    forecast: list[float]
    recalibrated: list[float]
    band_low: list[float]
    band_high: list[float]


@dataclass(frozen=True)
class CorpSummary:
    """The CORP decomposition of the Brier score (miscalibration - discrimination +
    uncertainty), with the miscalibration a calibrated forecaster shows by chance."""

    brier: float
    miscalibration: float
    discrimination: float
    uncertainty: float
    miscalibration_band: list[float]
    level: float
    resamples: int
    curve: CorpCurve

    def json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> CorpSummary:
        return cls(**{**d, "curve": CorpCurve(**d["curve"])})


@dataclass(frozen=True)
class Scorecard:
    """Every run's forecasts scored against what happened.

    `corp` (and :attr:`overall`) only where a single run is scored: pooled figures are
    never pooled across runs. `runs` and `resolutions_file` are filled in by the command
    that scored them (:meth:`of_files`).
    """

    forecasts: list[ScoredForecast]
    unresolved: list[Unresolved]
    by_run: list[RunScores]
    differences: list[Difference]
    corp: CorpSummary | None = None
    resolutions_file: str | None = None
    runs: list[str] = field(default_factory=list)

    @property
    def overall(self) -> RunScores | None:
        """The single run's scores, where the pooled figures exist."""
        return self.by_run[0] if self.corp is not None else None

    def of_files(self, runs: list[str], resolutions_file: str) -> Scorecard:
        """This scorecard with the run folders and the resolutions file it scored."""
        return replace(self, runs=runs, resolutions_file=resolutions_file)

    def json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "forecasts": [f.json() for f in self.forecasts],
            "unresolved": [u.json() for u in self.unresolved],
            "by_run": [s.json() for s in self.by_run],
            "differences": [d.json() for d in self.differences],
        }
        if self.overall is not None and self.corp is not None:
            out["overall"] = self.overall.json()
            out["interval"] = self.overall.interval
            out["corp"] = self.corp.json()
        if self.resolutions_file is not None:
            out["resolutions_file"] = self.resolutions_file
            out["runs"] = list(self.runs)
        return out

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Scorecard:
        return cls(
            forecasts=[ScoredForecast(**f) for f in d["forecasts"]],
            unresolved=[Unresolved(**u) for u in d["unresolved"]],
            by_run=[RunScores.from_json(s) for s in d["by_run"]],
            differences=[Difference.from_json(x) for x in d["differences"]],
            corp=CorpSummary.from_json(d["corp"]) if "corp" in d else None,
            resolutions_file=d.get("resolutions_file"),
            runs=list(d.get("runs", [])),
        )
