"""The documented results API, ``sim.results.load(path)``; it lives in :mod:`sim.runs.results`."""

from sim.runs.results import Batch, Run, SweepResult, load

__all__ = ["Batch", "Run", "SweepResult", "load"]
