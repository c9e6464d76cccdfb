"""Shares of replicates as typed, frozen data: a :class:`Proportion` with its interval, and
the summary entries that carry one (an outcome, a judgment, a question, an observation).

Each writes its JSON (``json``) and reads it back (``from_json``), flat: the share's
fields beside the entry's own, as ``summary.json`` always held them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sim.maths.stats import wilson


@dataclass(frozen=True)
class Proportion:
    """A share of replicates, `k` of `n`, with its 95 % Wilson interval; a branching run
    widens the interval to its effective sample size ``n_effective``."""

    p: float
    low: float
    high: float
    k: int
    n: int
    n_effective: float | None = None

    @classmethod
    def of(cls, k: int, n: int) -> Proportion:
        lo, hi = wilson(k, n)
        return cls(k / n if n else float("nan"), lo, hi, k, n)

    def json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "p": self.p,
            "low": self.low,
            "high": self.high,
            "k": self.k,
            "n": self.n,
        }
        if self.n_effective is not None:
            out["n_effective"] = self.n_effective
        return out

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Proportion:
        return cls(d["p"], d["low"], d["high"], d["k"], d["n"], d.get("n_effective"))

    def widened(self, p: float, low: float, high: float, n_effective: float) -> Proportion:
        """The share with an interval from an effective sample size (branching runs)."""
        return replace(self, p=p, low=low, high=high, n_effective=n_effective)


@dataclass(frozen=True)
class OutcomeEstimate:
    """An outcome's probability, with its label and its definition in words."""

    estimate: Proportion
    label: str
    definition: str

    def json(self) -> dict[str, Any]:
        return {**self.estimate.json(), "label": self.label, "definition": self.definition}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> OutcomeEstimate:
        return cls(Proportion.from_json(d), d["label"], d["definition"])


@dataclass(frozen=True)
class JudgmentCheck:
    """One of the report's judgments against the model: the word's range, the model's
    probability, the verdict and the word the model's figure would earn."""

    id: str
    claim: str
    source: str | None
    reading: bool | str  # the analyst's reading (true or "direction"), not the report's word
    checked_as: str
    word: str
    range: tuple[float, float]
    estimate: Proportion
    verdict: str
    model_word: str

    def json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "claim": self.claim,
            "source": self.source,
            "reading": self.reading,
            "checked_as": self.checked_as,
            "word": self.word,
            "range": list(self.range),
            **self.estimate.json(),
            "verdict": self.verdict,
            "model_word": self.model_word,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> JudgmentCheck:
        low, high = d["range"]
        return cls(
            d["id"],
            d["claim"],
            d.get("source"),
            d.get("reading", False),
            d.get("checked_as", ""),
            d["word"],
            (low, high),
            Proportion.from_json(d),
            d["verdict"],
            d["model_word"],
        )


@dataclass(frozen=True)
class QuestionEstimate:
    """A forecast question: its probability at its end date."""

    id: str
    question: str
    source: str | None
    end: str | None  # None, "" and False below: a run written before questions had them
    metric: str
    negate: bool
    estimate: Proportion

    def json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "question": self.question,
            "source": self.source,
            "end": self.end,
            "metric": self.metric,
            "negate": self.negate,
            **self.estimate.json(),
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> QuestionEstimate:
        return cls(
            d["id"],
            d["question"],
            d.get("source"),
            d.get("end"),
            d.get("metric", ""),
            bool(d.get("negate", False)),
            Proportion.from_json(d),
        )


@dataclass(frozen=True)
class ObservationCheck:
    """An observation the run was conditioned on, and the share of draws that agreed."""

    id: str
    value: bool
    as_of: str
    source: str | None
    agreed: Proportion

    def json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "value": self.value,
            "as_of": self.as_of,
            "source": self.source,
            **self.agreed.json(),
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ObservationCheck:
        return cls(d["id"], d["value"], d["as_of"], d.get("source"), Proportion.from_json(d))
