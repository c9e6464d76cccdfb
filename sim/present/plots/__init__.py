"""Figures: views of a loaded run, batch, sweep, calibration, score, discovery, signposts
or track. They draw; :mod:`sim.runs.results` and :mod:`sim.analysis` compute.

Each function takes what it shows and returns a matplotlib ``Figure`` with a title,
labelled axes with units, dates on time axes and a caption naming the scenario, replicate
count and seed; :func:`~sim.present.plots.style.save` writes PNG and SVG files. The house
style (colours, captions, date axes) is :mod:`sim.present.plots.style`, public for any new
figure module to use.
"""

from sim.present.plots.batch import forest
from sim.present.plots.run import (
    outcome_distributions,
    persistence_curve,
    run_figures,
    trajectory_fans,
)
from sim.present.plots.style import save
from sim.present.plots.sweep import (
    grid_heatmap,
    morris_scatter,
    response_curves,
    sobol_bars,
    sweep_figures,
    tornado,
)
from sim.present.plots.timeline import label_lanes, timeline

__all__ = [
    "forest",
    "grid_heatmap",
    "label_lanes",
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
