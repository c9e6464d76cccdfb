"""Which kinds of results folder each presenting command reads (light: the commands read
these to build their help before anything heavy is imported)."""

REPORT_KINDS = ("run", "batch", "sweep", "calibration")
PLOT_KINDS = ("run", "batch", "sweep", "calibration", "score", "discovery")
