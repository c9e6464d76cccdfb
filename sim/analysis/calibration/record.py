"""What a calibration leaves for its diagnostics to read: a frozen record, written by the
driver when the waves and the posterior are done, so the diagnostics never reach into the
driver."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.analysis.calibration.settings import CalibrationSettings, Target, Wave
from sim.engine.draws import Entry
from sim.scenario.schema import Scenario


@dataclass(frozen=True)
class CalibrationRecord:
    """A finished calibration's facts (see the module docstring)."""

    scenario: Scenario
    file: Path
    settings: CalibrationSettings
    manifest_settings: dict[str, Any]  # the settings as the manifest records them
    free: list[Entry]  # the freed parameters
    levels: int  # emulator levels (combinations of readings)
    targets: list[Target]
    active: frozenset[str]  # ids of the targets still weighing the posterior
    discrepant: list[str]  # ids of the targets named as the model's discrepancy
    discrepancy_probability: dict[str, float]
    conflicts: list[tuple[str, str]]
    edge_sd: dict[str, float]  # the last emulators' log-odds s.d. on the posterior
    waves: list[Wave]
    wave_outcomes: list[pd.DataFrame]
    prior_values: np.ndarray  # 20,000 prior rows of the freed parameters (readings snapped)

    @property
    def paths(self) -> list[str]:
        return [e.path for e in self.free]
