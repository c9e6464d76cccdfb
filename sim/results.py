"""The documented results API: ``sim.results.load(path)`` opens any complete results folder
(a run, a batch, a sweep, a calibration, a score, a discovery, signposts, a track) by
the kind its manifest
names. The loaders live in :mod:`sim.runs.results` and :mod:`sim.analysis.folders`;
importing them here registers every kind."""

import sim.analysis.folders  # noqa: F401  (registers calibration, score and discovery)
from sim.analysis.folders import (
    CalibrationResult,
    DiscoveryResult,
    ScoreResult,
    SignpostsResult,
    TrackResult,
)
from sim.runs.folder import load
from sim.runs.results import Batch, Run, SweepResult

__all__ = [
    "Batch",
    "CalibrationResult",
    "DiscoveryResult",
    "Run",
    "ScoreResult",
    "SignpostsResult",
    "SweepResult",
    "TrackResult",
    "load",
]
