"""The calibrated scenario: ``posterior.parquet`` and ``calibrated.yaml``, a scenario that
extends the original and draws its freed parameters jointly from the posterior."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from sim.analysis.calibration.settings import CalibrationSettings
from sim.runs.folder import now, write_bytes_atomic
from sim.runs.store import write_parquet_atomic
from sim.scenario.format import FORMAT
from sim.scenario.loader import file_sha256
from sim.scenario.schema import Scenario


def write_calibrated(
    out: Path,
    scenario_file: Path,
    scenario: Scenario,
    settings: CalibrationSettings,
    frame: pd.DataFrame,
) -> Path:
    """Write the posterior rows `frame` and the calibrated scenario into `out`; the
    scenario's path."""
    post = out / "posterior.parquet"
    write_parquet_atomic(post, frame)
    doc: dict[str, Any] = {
        "format": FORMAT,
        "extends": os.path.relpath(scenario_file.resolve(), out.resolve()),
        "metadata": {"name": f"{scenario.metadata.name} (calibrated)"},
        "posterior": {"file": post.name, "sha256": file_sha256(post), "weight": "draw_weight"},
    }
    if scenario.observations or settings.as_of or settings.observations:
        doc["observations"] = [
            o.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
            | {"value": o.value, "metric": o.metric}
            for o in scenario.observations
        ]
    head = (
        f"# Calibrated by `wargame calibrate` on {now()} from {scenario_file.name}.\n"
        "# Its freed parameters are drawn jointly from posterior.parquet (by draw_weight);\n"
        "# see calibration.json for the diagnostics. Do not edit the posterior file: its\n"
        "# SHA-256 below is checked on every load.\n"
    )
    path = out / "calibrated.yaml"
    write_bytes_atomic(path, (head + yaml.safe_dump(doc, sort_keys=False)).encode())
    return path
