"""The documented figure API (``sim.plots``); the code lives in :mod:`sim.present.plots`."""

from sim.present.plots import (
    forest,
    grid_heatmap,
    morris_scatter,
    outcome_distributions,
    persistence_curve,
    response_curves,
    run_figures,
    save,
    sobol_bars,
    sweep_figures,
    timeline,
    tornado,
    trajectory_fans,
)

__all__ = [
    "forest",
    "grid_heatmap",
    "morris_scatter",
    "outcome_distributions",
    "persistence_curve",
    "response_curves",
    "run_figures",
    "save",
    "sobol_bars",
    "sweep_figures",
    "timeline",
    "tornado",
    "trajectory_fans",
]
