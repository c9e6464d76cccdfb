"""Parameter rows given jointly instead of drawn one parameter at a time.

Two uses, one mechanism. A calibrated scenario draws its freed parameters as a whole row
from the posterior file, by weight (one extra uniform from the replicate's parameter
stream picks the row). A calibration wave runs a fixed design: replicate ``i`` takes row
``i``. Parameters not in the rows keep their prior draws in both cases, and the dynamics
stream is untouched, so a scenario without rows draws exactly what it always did.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

from sim.scenario.errors import ScenarioError


@dataclass(frozen=True)
class Rows:
    """Values of some parameters (``paths``), one row per joint draw."""

    paths: tuple[str, ...]
    values: np.ndarray  # (rows, len(paths))
    cumulative: np.ndarray | None = None  # normalised cumulative weights; None: row i → replicate i

    @property
    def weighted(self) -> bool:
        return self.cumulative is not None

    @classmethod
    def design(cls, paths: list[str], values: np.ndarray) -> Rows:
        """A fixed design: replicate i runs row i."""
        return cls(tuple(paths), np.asarray(values, dtype=float))

    @classmethod
    def from_parquet(cls, file: str | Path, weight: str, known: list[str]) -> Rows:
        """A posterior file: parameter columns plus weight columns, drawn by `weight`."""
        table = pq.read_table(file).to_pandas()
        if weight not in table:
            raise ScenarioError.single(
                f"the posterior has no weight column '{weight}'", file=str(file)
            )
        paths = [c for c in table.columns if c in known]
        stray = [c for c in table.columns if c not in known and "weight" not in c]
        if stray:
            raise ScenarioError.single(
                f"the posterior names parameters the scenario does not have: {', '.join(stray)}",
                file=str(file),
            )
        w = table[weight].to_numpy(dtype=float)
        if not len(w) or not np.all(np.isfinite(w)) or w.min() < 0 or w.sum() <= 0:
            raise ScenarioError.single(
                f"the weights in '{weight}' must be finite, non-negative and not all zero",
                file=str(file),
            )
        cumulative = np.cumsum(w) / w.sum()
        return cls(tuple(paths), table[paths].to_numpy(dtype=float), cumulative)

    def without(self, paths: set[str]) -> Rows | None:
        """These rows minus some parameters (a sweep that sets them takes them over);
        None when no parameter is left."""
        keep = [i for i, p in enumerate(self.paths) if p not in paths]
        if not keep:
            return None
        return Rows(tuple(self.paths[i] for i in keep), self.values[:, keep], self.cumulative)

    def apply(self, values: np.ndarray, index: np.ndarray, pick: np.ndarray, at: list[int]) -> None:
        """Overwrite columns `at` of `values` (replicates × parameters) in place.

        `index` are the replicates' indices (design rows); `pick` their extra uniforms
        (weighted rows)."""
        if self.cumulative is None:
            if index.max(initial=-1) >= len(self.values):
                raise ValueError(f"the design has {len(self.values)} rows; replicate {index.max()}")
            rows = index
        else:
            rows = np.minimum(
                np.searchsorted(self.cumulative, pick, side="right"), len(self.values) - 1
            )
        values[:, at] = self.values[rows]
