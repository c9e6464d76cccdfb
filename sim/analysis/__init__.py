"""Questions asked of many runs: sensitivity sweeps (OAT, grid, Sobol, Morris) and, as
they arrive, calibration, scoring and scenario discovery. May import runs and everything below."""
