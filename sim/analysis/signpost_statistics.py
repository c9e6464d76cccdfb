"""The statistics of a signpost: an indicator against the outcome over the replicates
(the 2 x 2 table, what it says and its Bayesian-bootstrap intervals, by row or by whole
clade of a branching run), and the correlation that folds indicators of one family
together. The method is in :mod:`sim.analysis.signposts`."""

from __future__ import annotations

import math

import numpy as np

from sim.analysis.signpost_report import Estimate, TableStatistics

DRAWS = 4000  # Bayesian bootstrap draws per indicator
CLADE_DRAWS = 1000  # draws when clades are weighted (each draw weighs every clade)
MAX_WEIGHTS = 20_000_000  # clade weights held at once: fewer draws (>= 200) past that


def table_statistics(
    i: np.ndarray, o: np.ndarray, rng: np.random.Generator, clades: Clades | None = None
) -> TableStatistics:
    """The indicator's statistics against the outcome, each with its 95 % interval (with
    `clades`, from weights on whole clades: :class:`Clades`)."""
    i, o = np.asarray(i, dtype=bool), np.asarray(o, dtype=bool)
    counts = np.array([(i & o).sum(), (i & ~o).sum(), (~i & o).sum(), (~i & ~o).sum()])
    point = _statistics(counts[None, :] / counts.sum(), counts[None, :])
    cells = rng.dirichlet(counts + 0.5, size=DRAWS) if clades is None else clades.cells(i, o)
    draws = _statistics(cells, None)
    out = {}
    for key, value in point.items():
        d = draws[key][np.isfinite(draws[key])]
        low, high = np.quantile(d, [0.025, 0.975]) if len(d) else (math.nan, math.nan)
        est = float(value[0])
        if key == "voi":  # centre the interval on the de-biased estimate
            shift = est - float(np.mean(d)) if len(d) else 0.0
            low, high = low + shift, high + shift
        out[key] = Estimate(est, float(low), float(high))
    return TableStatistics(int(counts.sum()), counts.tolist(), **out)


class Clades:
    """The Bayesian bootstrap of a table whose rows come in clades (particles of a
    branching run sharing an original replicate): each draw gives every clade a weight
    (Gamma(1), so a Dirichlet over clades) and every cell the weighted count of its rows,
    plus Jeffreys' half-count. It is the cluster bootstrap, the resampling form of the
    Eve variance the run's own intervals use: copies that share a history up to the
    indicator's date count once, copies whose continuations diverged after it keep their
    own spread. With one row per clade it is the row-level bootstrap; with k identical
    copies of each history it is as wide as the distinct histories, not sqrt(k) times
    narrower. Like any bootstrap it cannot see much in a cell held by a few clades. The
    weights are drawn once for every indicator (common random numbers)."""

    def __init__(self, clade: np.ndarray, rng: np.random.Generator, draws: int = CLADE_DRAWS):
        ids, self.index = np.unique(np.asarray(clade), return_inverse=True)
        draws = min(draws, max(200, MAX_WEIGHTS // len(ids))) if len(ids) else draws
        self.weights = rng.gamma(1.0, size=(draws, len(ids)))

    def cells(self, i: np.ndarray, o: np.ndarray) -> np.ndarray:
        """Draws x [I&O, I&~O, ~I&O, ~I&~O] cell probabilities."""
        per_clade = np.zeros((self.weights.shape[1], 4))
        np.add.at(per_clade, (self.index, 2 * (~i) + (~o)), 1.0)
        cells = self.weights @ per_clade + 0.5
        return cells / cells.sum(axis=1, keepdims=True)


def _statistics(p: np.ndarray, counts: np.ndarray | None) -> dict[str, np.ndarray]:
    """Cell probabilities (rows x [I&O, I&~O, ~I&O, ~I&~O]) to the indicator's
    statistics; with `counts`, the value of information is de-biased by the conditional
    estimates' sampling variances."""
    with np.errstate(divide="ignore", invalid="ignore"):
        p_i = p[:, 0] + p[:, 1]
        p_o = p[:, 0] + p[:, 2]
        given = p[:, 0] / p_i
        given_not = p[:, 2] / (1 - p_i)
        lr = (p[:, 0] / p_o) / (p[:, 1] / (1 - p_o))
        shift = p_i * np.abs(given - p_o) + (1 - p_i) * np.abs(given_not - p_o)
        gap2 = (given - given_not) ** 2
        if counts is not None:
            n_i, n_not = counts[:, 0] + counts[:, 1], counts[:, 2] + counts[:, 3]
            noise = given * (1 - given) / np.maximum(n_i - 1, 1) + given_not * (
                1 - given_not
            ) / np.maximum(n_not - 1, 1)
            gap2 = gap2 - np.nan_to_num(noise)
        voi = p_i * (1 - p_i) * np.nan_to_num(gap2)
    return {
        "p_indicator": p_i,
        "p_given": given,
        "p_given_not": given_not,
        "likelihood_ratio": lr,
        "shift": shift,
        "voi": voi,
    }


def phi(a: np.ndarray, b: np.ndarray) -> float:
    """The correlation of two yes/no columns (0 when either never varies)."""
    a, b = a.astype(float), b.astype(float)
    sa, sb = a.std(), b.std()
    return float(np.mean((a - a.mean()) * (b - b.mean())) / (sa * sb)) if sa and sb else 0.0
