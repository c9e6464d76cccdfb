"""What scenario discovery found, as typed, frozen data: what ``discovery.json`` holds,
and what the text, the figures and the report read (by attribute, not by key).

Each class writes its JSON (:meth:`json`) and reads it back (``from_json``); the JSON is
the serialisation, with the same keys in the same order as always, so a discovery folder
written before reads the same. :func:`sim.analysis.discover.discover_rows` builds a
:class:`DiscoveryReport`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class IntervalLimit:
    """A numeric parameter restricted to [low, high] of its data's [prior_low,
    prior_high]; `qp` the smaller quasi-p-value of its two sides, `reproduced` the share
    of resamples that reproduce it (None: not measured), `status` its provenance."""

    parameter: str
    low: float
    high: float
    prior_low: float
    prior_high: float
    qp: float
    reproduced: float | None = None
    status: str = ""

    def json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class OptionsLimit:
    """A reading (a categorical parameter) restricted to some of its options, in their
    declared order (see :class:`IntervalLimit` for the rest)."""

    parameter: str
    options: list[str]
    prior_options: list[str]
    qp: float
    reproduced: float | None = None
    status: str = ""

    def json(self) -> dict[str, Any]:
        return asdict(self)


Limit = IntervalLimit | OptionsLimit


def limit_of(d: dict[str, Any]) -> Limit:
    """A limit from its JSON: options, or an interval."""
    return OptionsLimit(**d) if "options" in d else IntervalLimit(**d)


@dataclass(frozen=True)
class Trajectory:
    """PRIM's peeling trajectory: each step's coverage, density, mass and number of
    restricted dimensions."""

    coverage: list[float]
    density: list[float]
    mass: list[float]
    res_dim: list[int]


@dataclass(frozen=True)
class Peeled:
    """The PRIM box on the trajectory, before its noisy limits were dropped."""

    coverage: float
    density: float


@dataclass(frozen=True)
class Box:
    """A box of parameter space where the outcome concentrates: its trajectory, the step
    chosen on it, its limits, and its coverage, density and mass recounted on the rows."""

    trajectory: Trajectory
    chosen: int
    limits: list[Limit]
    coverage: float
    density: float
    mass: float
    peeled: Peeled

    def json(self) -> dict[str, Any]:
        return {**asdict(self), "limits": [lim.json() for lim in self.limits]}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Box:
        return cls(
            **{
                **d,
                "trajectory": Trajectory(**d["trajectory"]),
                "limits": [limit_of(lim) for lim in d["limits"]],
                "peeled": Peeled(**d["peeled"]),
            }
        )


@dataclass(frozen=True)
class FeatureScore:
    """A parameter's extra-trees feature score, with its provenance."""

    parameter: str
    score: float
    status: str


@dataclass(frozen=True)
class DiscoveryReport:
    """PRIM boxes, feature scores and a CART tree for one outcome (``discovery.json``).

    `threshold` is None and `note` says why when there was nothing to discover (the
    outcome always or never happens, or no parameter varies)."""

    outcome: str
    replicates: int
    base_rate: float
    boxes: list[Box]
    scores: list[FeatureScore]
    tree: str
    threshold: float | None
    note: str

    def json(self) -> dict[str, Any]:
        out = {**asdict(self), "boxes": [b.json() for b in self.boxes]}
        if self.threshold is None:
            del out["threshold"]
        return out

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> DiscoveryReport:
        return cls(
            outcome=d["outcome"],
            replicates=d["replicates"],
            base_rate=d["base_rate"],
            boxes=[Box.from_json(b) for b in d["boxes"]],
            scores=[FeatureScore(**s) for s in d["scores"]],
            tree=d["tree"],
            threshold=d.get("threshold"),
            note=d["note"],
        )
