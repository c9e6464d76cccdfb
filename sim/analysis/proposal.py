"""Rows proposed near earlier plausible rows, for wave designs in regions too small to
find by drawing from the prior.

When the judgments leave a small share of the prior (a tenth of a percent is common),
drawing prior rows and screening them wastes almost every draw. History matching's usual
remedy is to propose a wave's rows around the rows the last wave found plausible: a
design only needs rows where its emulators will be used, not prior-distributed ones.
(The posterior is not drawn this way: prior / proposal weights degenerate in tens of
dimensions; see :meth:`sim.analysis.calibration.driver.Calibration.posterior`.)

The proposal is a Gaussian kernel mixture around the centres; draws outside the unit cube
are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_CENTRES = 2000
SHRINK = 0.5  # kernel width as a share of the centres' spread, per parameter
FLOOR = 0.02  # narrowest kernel, in prior quantiles


@dataclass(frozen=True)
class Proposal:
    centres: np.ndarray  # (M, d) prior quantiles
    scale: np.ndarray  # (d,) kernel standard deviations

    @classmethod
    def around(cls, rows: np.ndarray, rng: np.random.Generator) -> Proposal:
        """A kernel mixture around (at most MAX_CENTRES of) `rows`."""
        if len(rows) > MAX_CENTRES:
            rows = rows[rng.choice(len(rows), MAX_CENTRES, replace=False)]
        scale = np.maximum(SHRINK * rows.std(axis=0), FLOOR)
        return cls(rows, scale)

    def sample(self, rng: np.random.Generator, n: int) -> tuple[np.ndarray, int]:
        """(rows inside the cube, how many were drawn in all)."""
        pick = rng.integers(len(self.centres), size=n)
        u = self.centres[pick] + rng.standard_normal((n, self.centres.shape[1])) * self.scale
        inside = np.all((u >= 0.0) & (u <= 1.0), axis=1)
        return u[inside], n
