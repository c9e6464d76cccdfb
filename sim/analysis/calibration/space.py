"""The parameter space a calibration moves: the freed parameters, as prior quantiles.

A row is a point of [0, 1]^d (d freed parameters), each coordinate a prior quantile; its
values come from the parameters' own distributions (with readings: from the reading the
row draws). Readings are discrete parameters: their quantiles are snapped to the middle
of their option's interval, so the emulators see one input value per option.
"""

from __future__ import annotations

import numpy as np

from sim.analysis.calibration.settings import BATCH, STREAM
from sim.engine.draws import Entry, draw
from sim.engine.plan import Plan


class FreeSpace:
    """The freed parameters of `plan` (`free`), with the seed of calibration's streams."""

    def __init__(self, plan: Plan, free: list[Entry], seed: int):
        self.plan, self.free, self.seed = plan, free, seed
        self.paths = [e.path for e in free]
        #: readings are discrete parameters: (column, cumulative weights) of each freed one
        self.categories = [
            (j, np.cumsum(e.spec.categorical))
            for j, e in enumerate(free)
            if e.spec.categorical is not None
        ]

    def strata(self, u: np.ndarray) -> np.ndarray:
        """Each row's combination of readings (its variant number; all 0 without
        readings): the emulators are fitted and applied per combination."""
        mixture = self.plan.mixture
        if mixture is None or not self.categories:
            return np.zeros(len(u), dtype=np.int64)
        k = mixture.n_readings
        return mixture.variant_of(draw(mixture.table[:k], self._in_union(u)[:, :k]))

    @property
    def levels(self) -> int:
        """How many strata :meth:`strata` can return (each an emulator level)."""
        mixture = self.plan.mixture
        return 1 if mixture is None or not self.categories else len(mixture.plans)

    def _in_union(self, u: np.ndarray) -> np.ndarray:
        """Rows of freed quantiles laid into the plan's whole table, every entry not
        freed at its median (a reading not freed: its middle option)."""
        out = np.full((len(u), self.plan.n_params), 0.5)
        out[:, [self.plan.index[p] for p in self.paths]] = u
        return out

    def candidates(self, key: int, batch: int) -> np.ndarray:
        """Batch `batch` of prior rows (quantiles) from calibration's own stream, readings
        snapped (:meth:`snapped`)."""
        seq = np.random.SeedSequence(self.seed, spawn_key=(STREAM, key, batch))
        return self.snapped(np.random.default_rng(seq).random((BATCH, len(self.paths))))

    def snapped(self, u: np.ndarray) -> np.ndarray:
        """Rows with each reading's quantile moved to the middle of its option's interval.

        A reading's option is a step function of its quantile; snapped, the emulators see
        one input value per option (so their fit is a level per option, not a smoothed
        step) and the prior mass of each option is unchanged."""
        for j, cumulative in self.categories:
            lower = np.concatenate([[0.0], cumulative[:-1]])
            option = np.searchsorted(cumulative[:-1], u[:, j], side="right")
            u[:, j] = (lower[option] + cumulative[option]) / 2
        return u

    def values(self, u: np.ndarray) -> np.ndarray:
        """Parameter values of rows given as prior quantiles. With readings, each row's
        values come from the distributions of the reading it draws (a reading may change
        a parameter's distribution); a parameter its reading lacks is NaN."""
        mixture = self.plan.mixture
        if mixture is None:
            return draw(self.free, u)
        n = len(u)
        values, _ = mixture.draw(self._in_union(u), np.arange(n), np.zeros(n), None, [])
        return values[:, [self.plan.index[p] for p in self.paths]]

    def prior_values(self, n: int, key: int) -> np.ndarray:
        """`n` rows of values drawn from the prior (readings snapped), from stream `key`."""
        rng = np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=(key,)))
        return self.values(self.snapped(rng.random((n, len(self.free)))))
