"""How a calibration runs (its settings, part of its manifest), what it aims at (targets)
and what each wave leaves (its emulators)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sim.runs.folder import Folder
from sim.scenario import paths

if TYPE_CHECKING:
    from sim.analysis.emulator import Pooled

#: Spawn-key prefix of calibration's own random streams (replicates use 1-tuples).
STREAM = 0xCA11B
#: Spawn key of the prior rows the diagnostics compare the posterior with.
PRIOR_STREAM = 0xD1A6
BATCH = 50_000  # candidate rows screened at a time
PRIOR_BUDGET = 1_000_000  # prior rows screened before proposing near plausible rows
MIN_CENTRES = 20  # plausible rows needed to propose around them
#: Gives each phase (a wave, the check run, a screen of candidate rows) a progress
#: callback, given its amount of work and, past replicates, its unit (``unit="rows"``).
PhaseProgress = Callable[..., Callable[[int], None] | None]


class CalibrationFolder(Folder):
    """The folder of a calibration: its waves and check run (run folders), the posterior,
    the calibrated scenario and the diagnostics."""

    kind = "calibration"


@dataclass(frozen=True)
class CalibrationSettings:
    """How a calibration runs. Part of its manifest: a resume must use the same."""

    waves: int = 3
    replicates: int = 10_000  # per wave
    cutoff: float = 3.0
    posterior_rows: int = 20_000
    max_candidates: int = 4_000_000  # prior rows screened for the posterior at most
    check_replicates: int | None = None  # default: the scenario's monte_carlo.replicates
    seed: int | None = None  # default: the scenario's
    free: tuple[str, ...] | None = None  # default: every parameter with a distribution
    as_of: str | None = None
    observations: str | None = None
    #: "soft": an estimative word is a band whose likelihood falls off outside its ICD 203
    #: range as a Gaussian of `softness` log-odds (ISW does not bind itself to ICD 203);
    #: "hard": the range's edges are walls (the emulator's error still blurs them)
    band: str = "soft"
    softness: float = 0.5
    #: prior probability that the model cannot represent a judgment at all: its
    #: likelihood is (1 - discrepancy) x band + discrepancy, and a judgment the model is
    #: more likely than not unable to meet is named and stops pulling the posterior
    discrepancy: float = 0.05

    def method_words(self) -> str:
        """How the targets are read, in words (the header a command prints first)."""
        band = f"soft bands ({self.softness:g} log-odds)" if self.band == "soft" else "hard bands"
        return f"history matching, {band}, discrepancy {self.discrepancy:g}"


@dataclass(frozen=True)
class Target:
    """A judgment to meet: its event's probability must lie in [low, high]."""

    id: str
    low: float
    high: float
    word: str
    claim: str
    source: str | None

    conditional: bool = False  # P(event | given): emulated on the rows where given held
    softness: float = 0.0  # log-odds s.d. of the band's fall-off outside [low, high]

    @property
    def column(self) -> str:
        return paths.judgment(self.id)


@dataclass
class Wave:
    """One wave's emulators (by target id), and of agreement with every observation."""

    index: int
    rows: int
    emulators: dict[str, Pooled] = field(default_factory=dict)
    agreement: Pooled | None = None
