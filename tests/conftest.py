"""Shared fixtures: the scenarios folder and a small valid scenario to break on purpose."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
BELARUS = SCENARIOS / "belarus_2020.yaml"


def small_sweep(levels: int, replicates: int) -> list[str]:
    """CLI arguments of a small one-at-a-time sweep of the Belarus baseline over two
    Kremlin parameters (add the executor and ``--out``)."""
    return [
        "sweep",
        str(BELARUS),
        "--vary",
        "actors.kremlin.ambition=0.2:0.9",
        "--vary",
        "actors.kremlin.support",
        "--design",
        "oat",
        "--levels",
        str(levels),
        "-n",
        str(replicates),
    ]


#: A small scenario every schema test starts from; tests break one thing in a copy.
MINIMAL: dict[str, Any] = {
    "metadata": {"name": "minimal", "start_date": "2020-09-16", "horizon_months": 12},
    "actors": [
        {"name": "patron", "role": "patron", "params": {"ambition": 0.5}},
        {"name": "client", "role": "client_regime", "params": {"sovereignty_resistance": 0.6}},
        {"name": "crowd", "role": "protest_movement"},
        {"name": "alliance", "role": "alliance"},
    ],
    "ladder": [
        {
            "name": "status_quo",
            "cost": 0,
            "exercise_interval_days": 90,
            "stay_probability": 0.1,
            "bridge_tolerance_days": 10,
        },
        {"name": "more_exercises", "cost": 0.1, "exercise_interval_days": 30},
        {"name": "basing", "cost": 0.8, "basing": True, "basing_lead_time_days": 30},
    ],
    "operations": {
        "exercises": [
            {
                "name": "first",
                "patron": "patron",
                "start": "2020-09-20",
                "end": "2020-09-30",
                "units": ["battalion"],
            }
        ],
        "recurring": [{"patron": "patron", "duration_days": 10, "units": ["contingent"]}],
        "summits": [{"name": "meeting", "date": "2020-10-01", "patron": "patron"}],
    },
    "injects": [{"name": "calm", "date": "2021-01-01", "actor": "crowd", "set": {"strength": 0.1}}],
}


@pytest.fixture
def minimal() -> dict[str, Any]:
    """A fresh deep copy of MINIMAL to mutate."""
    return copy.deepcopy(MINIMAL)


def write_yaml(tmp_path: Path, data: Any, name: str = "scenario.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path
