"""A calibration's diagnostics as typed, frozen data: what ``calibration.json`` holds, and
what the text, the figures and the report read (by attribute, not by key).

Each class writes its JSON (:meth:`json`) and reads it back (``from_json``); the JSON is
the serialisation, with the same keys in the same order as always, so a calibration
folder written before reads the same. :func:`sim.analysis.calibration.diagnostics.diagnostics`
builds a :class:`CalibrationDiagnostics` from the driver's record.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sim.runs.estimates import OutcomeEstimate, Proportion


@dataclass(frozen=True)
class Checked:
    """A judged event's probability with its interval, against the judgment's range:
    its verdict (in, below or above range) and the ICD 203 word for it."""

    p: float
    low: float
    high: float
    k: int
    n: int
    verdict: str
    word: str

    def json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Misfit:
    """The latest wave's emulator fit for a target: its held-out Hosmer-Lemeshow
    p-value (None where it could not be computed) and the structural error added where
    the test failed."""

    wave: int
    holdout_p_value: float | None
    failed: bool
    widened_by: float

    def json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class TargetReport:
    """A judgment calibrated to, before (the first wave) and after (the check run)."""

    id: str
    claim: str
    source: str | None
    word: str
    range: list[float]
    kept: bool  # still weighs the posterior
    discrepancy_probability: float | None
    misfit: Misfit | None
    emulator_sd_log_odds: float | None
    before: Checked
    after: Checked

    def json(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "misfit": None if self.misfit is None else self.misfit.json(),
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> TargetReport:
        misfit = None if d["misfit"] is None else Misfit(**d["misfit"])
        return cls(
            **{
                **d,
                "misfit": misfit,
                "before": Checked(**d["before"]),
                "after": Checked(**d["after"]),
            }
        )


@dataclass(frozen=True)
class Spread:
    """Weighted values' mean, standard deviation and 90 % interval."""

    mean: float
    sd: float
    q05: float
    q95: float


@dataclass(frozen=True)
class ParameterReport:
    """A freed parameter's prior and posterior, and its mean's shift in prior s.d."""

    path: str
    status: str  # cited, direction or assumption
    prior: Spread
    posterior: Spread
    shift_sd: float

    def json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ParameterReport:
        return cls(
            d["path"], d["status"], Spread(**d["prior"]), Spread(**d["posterior"]), d["shift_sd"]
        )


@dataclass(frozen=True)
class OutcomeShift:
    """A headline outcome before calibration and after (None: not run under it)."""

    before: Proportion
    after: Proportion | None

    def json(self) -> dict[str, Any]:
        return {
            "before": self.before.json(),
            "after": None if self.after is None else self.after.json(),
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> OutcomeShift:
        after = None if d["after"] is None else Proportion.from_json(d["after"])
        return cls(Proportion.from_json(d["before"]), after)


@dataclass(frozen=True)
class HeadlineShift:
    """A headline outcome before calibration (the first wave) and after (the check run,
    with its label and definition as the run summary gives them)."""

    before: Proportion
    after: OutcomeEstimate

    def json(self) -> dict[str, Any]:
        return {"before": self.before.json(), "after": self.after.json()}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> HeadlineShift:
        return cls(Proportion.from_json(d["before"]), OutcomeEstimate.from_json(d["after"]))


def _shifts_json(d: dict[str, OutcomeShift]) -> dict[str, Any]:
    return {name: s.json() for name, s in d.items()}


def _shifts(d: dict[str, Any]) -> dict[str, OutcomeShift]:
    return {name: OutcomeShift.from_json(s) for name, s in d.items()}


@dataclass(frozen=True)
class OptionWeight:
    """A reading's option: its prior weight (and the estimative word it cites, if any),
    its posterior weight with its Monte Carlo s.e., the headline outcomes under it."""

    name: str
    word: str | None
    prior: float
    posterior: float
    posterior_se: float
    outcomes: dict[str, OutcomeShift]

    def json(self) -> dict[str, Any]:
        return {**asdict(self), "outcomes": _shifts_json(self.outcomes)}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> OptionWeight:
        return cls(**{**d, "outcomes": _shifts(d["outcomes"])})


@dataclass(frozen=True)
class ReadingWeights:
    """A reading of the report and its options' weights (`freed`: calibration moved it)."""

    name: str
    source: str | None
    freed: bool
    options: list[OptionWeight]

    def json(self) -> dict[str, Any]:
        return {**asdict(self), "options": [o.json() for o in self.options]}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ReadingWeights:
        return cls(**{**d, "options": [OptionWeight.from_json(o) for o in d["options"]]})


@dataclass(frozen=True)
class ObservationReport:
    """An observation calibrated on, with the share of the first wave that agreed."""

    id: str
    value: bool
    as_of: str
    source: str | None
    agreed_before: Proportion

    def json(self) -> dict[str, Any]:
        return {**asdict(self), "agreed_before": self.agreed_before.json()}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ObservationReport:
        return cls(**{**d, "agreed_before": Proportion.from_json(d["agreed_before"])})


@dataclass(frozen=True)
class EmulatorFit:
    """One wave's emulator of one target, with its held-out fit."""

    wave: int
    target: str
    rows: int
    levels: int
    prior_variance: float
    holdout_brier: float
    holdout_p_value: float
    discrepancy: float

    def json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Replicates:
    """The replicates a calibration ran: each wave's, the check run's and the total."""

    waves: list[int]
    check: int
    total: int

    def json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class CalibrationDiagnostics:
    """What an analyst reads after a calibration (``calibration.json``; see
    :mod:`sim.analysis.calibration.diagnostics`)."""

    scenario: str
    scenario_file: str
    method: str
    band: str
    softness: float
    settings: dict[str, Any]  # the settings as the manifest records them
    freed: int
    replicates: Replicates
    prior_share_consistent: Proportion
    posterior_rows: int
    ess: float
    ess_draw: float
    targets: list[TargetReport]
    dropped: list[str]
    discrepant: list[str]
    unmet: list[str]
    conflicts: list[list[str]]
    observations: list[ObservationReport]
    kept_after: Proportion | None
    outcomes: dict[str, HeadlineShift]
    parameters: list[ParameterReport]
    readings: list[ReadingWeights]
    emulators: list[EmulatorFit]
    wall_seconds: float

    def json(self) -> dict[str, Any]:
        out = asdict(self)
        out.update(
            replicates=self.replicates.json(),
            prior_share_consistent=self.prior_share_consistent.json(),
            targets=[t.json() for t in self.targets],
            observations=[o.json() for o in self.observations],
            kept_after=None if self.kept_after is None else self.kept_after.json(),
            outcomes={name: h.json() for name, h in self.outcomes.items()},
            parameters=[p.json() for p in self.parameters],
            readings=[r.json() for r in self.readings],
            emulators=[e.json() for e in self.emulators],
        )
        return out

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> CalibrationDiagnostics:
        kept = d["kept_after"]
        return cls(
            **{
                **d,
                "replicates": Replicates(**d["replicates"]),
                "prior_share_consistent": Proportion.from_json(d["prior_share_consistent"]),
                "targets": [TargetReport.from_json(t) for t in d["targets"]],
                "observations": [ObservationReport.from_json(o) for o in d["observations"]],
                "kept_after": None if kept is None else Proportion.from_json(kept),
                "outcomes": {n: HeadlineShift.from_json(h) for n, h in d["outcomes"].items()},
                "parameters": [ParameterReport.from_json(p) for p in d["parameters"]],
                "readings": [ReadingWeights.from_json(r) for r in d["readings"]],
                "emulators": [EmulatorFit(**e) for e in d["emulators"]],
            }
        )
