"""The steps of history matching, as functions of what they read: which parameters are
free, where a target is plausible, which targets can hold together, a soft band's
likelihood and each target's probability of being the model's discrepancy."""

from __future__ import annotations

import itertools

import numpy as np
from scipy import special

from sim.analysis.calibration.settings import Target, Wave
from sim.analysis.emulator import Pooled, features, logit
from sim.engine.draws import Entry
from sim.scenario.errors import UsageError, did_you_mean

SETTLE_HEAD = 1000  # rows tried first when checking that the targets can hold together


def free_entries(table: list[Entry], free: tuple[str, ...] | None) -> list[Entry]:
    """The parameters calibration may move: those named, or every one with a distribution."""
    uncertain = [e for e in table if not e.spec.is_fixed]
    if free is None:
        return uncertain
    by_path = {e.path: e for e in table}
    out = []
    for path in free:
        if path not in by_path:
            raise UsageError(f"no parameter '{path}'{did_you_mean(path, by_path)}", "--free")
        if by_path[path].spec.is_fixed:
            raise UsageError(
                f"'{path}' is a fixed value, not a distribution; there is no belief to move",
                "--free",
            )
        out.append(by_path[path])
    return out


def _within(
    emulator: Pooled, target: Target, x: np.ndarray, strata: np.ndarray, cutoff: float
) -> np.ndarray:
    """Rows (as emulator features `x`, in reading strata `strata`) at which `target` is
    plausible: implausibility at most `cutoff`."""
    low, high = float(logit(target.low)), float(logit(target.high))
    return emulator.within(x, strata, low, high, cutoff, target.softness)


def plausible(
    waves: list[Wave], targets: list[Target], u: np.ndarray, strata: np.ndarray, cutoff: float
) -> np.ndarray:
    """(rows, targets) booleans: no wave rules the row out for that target."""
    x = features(u)
    ok = np.ones((len(u), len(targets)), dtype=bool)
    for wave in waves:
        for j, t in enumerate(targets):
            if t.id in wave.emulators:
                ok[:, j] &= _within(wave.emulators[t.id], t, x, strata, cutoff)
    return ok


def plausible_for_all(
    waves: list[Wave], targets: list[Target], u: np.ndarray, strata: np.ndarray, cutoff: float
) -> np.ndarray:
    """Rows no wave rules out for any target (each check only on the rows still in)."""
    x = features(u)
    alive = np.arange(len(u))
    for wave in waves:
        for t in targets:
            if t.id in wave.emulators and alive.size:
                keep = _within(wave.emulators[t.id], t, x[alive], strata[alive], cutoff)
                alive = alive[keep]
    out = np.zeros(len(u), dtype=bool)
    out[alive] = True
    return out


def closest_set(ok: np.ndarray, targets: list[Target]) -> tuple[list[int], list[tuple[str, str]]]:
    """The largest set of targets some screened row meets together (ties: the larger
    share of rows), and the pairs of targets no row meets together."""
    conflicts = [
        (targets[a].id, targets[b].id)
        for a, b in itertools.combinations(range(len(targets)), 2)
        if ok[:, a].any() and ok[:, b].any() and not (ok[:, a] & ok[:, b]).any()
    ]
    n = len(targets)
    for size in range(n, 0, -1):
        best = max(
            itertools.combinations(range(n), size),
            key=lambda s: int(np.all(ok[:, list(s)], axis=1).sum()),
        )
        if np.all(ok[:, list(best)], axis=1).any():
            return list(best), conflicts
    return [], conflicts


def band_likelihood(
    mean: np.ndarray, sd: np.ndarray, low: float, high: float, softness: float
) -> np.ndarray:
    """E[L(η)] for log-odds η ~ N(mean, sd²), where the band likelihood L is 1 on
    [low, high] and falls off outside as exp(-d² / 2 softness²), d the distance to the
    nearer edge; softness 0 is the hard band, P(low <= η <= high). In closed form: the
    in-band mass plus, on each side, a Gaussian product's integral,
    softness / sqrt(sd² + softness²) · exp(-(mean - edge)² / 2(sd² + softness²)) ·
    Φ(±(μ* - edge) / σ*), with μ*, σ* the product's mean and s.d.

    A certain emulator (sd 0) reads the band at its mean, by the limit sd → 0: exactly on
    an edge it is half inside (and the soft band's tail adds the other half)."""
    mean, sd = np.asarray(mean, float), np.asarray(sd, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        inside = special.ndtr((high - mean) / sd) - special.ndtr((low - mean) / sd)
        at_mean = np.heaviside(high - mean, 0.5) - np.heaviside(low - mean, 0.5)
        inside = np.where(sd > 0, inside, at_mean)
        inside = np.where(np.isfinite(sd), inside, 0.0)
        if softness <= 0:
            return inside
        total = sd**2 + softness**2
        scale = softness / np.sqrt(total)
        star_sd = sd * softness / np.sqrt(total)
        out = inside
        for edge, sign in ((high, 1.0), (low, -1.0)):
            star = (mean * softness**2 + edge * sd**2) / total
            tail = scale * np.exp(-((mean - edge) ** 2) / (2 * total))
            # a certain emulator (sd 0): the tail counts only on its own side of the edge
            certain = np.heaviside(sign * (star - edge), 0.5)
            side = np.where(star_sd > 0, special.ndtr(sign * (star - edge) / star_sd), certain)
            out = out + np.where(np.isfinite(sd), tail * side, 0.0)
    return out


def discrepancy_probabilities(likelihood: np.ndarray, base: np.ndarray, eps: float) -> np.ndarray:
    """Each target's posterior probability of being the model's discrepancy, from prior
    rows' band likelihoods (rows x targets) and each row's other evidence `base` (the
    observations' agreement; ones without).

    Target j is a discrepancy with prior probability ε, independently: its likelihood is
    then 1 whatever the row, else L_j(θ). Summed over the other targets' two cases, each
    leaves the factor (1 - ε) L_k + ε, so P(discrepant_j | data) = ε / (ε + (1 - ε)
    E[L_j]), E taken over the prior weighted by `base` and every other target's factor:
    exact for this mixture (the test enumerates all 2^m cases against it).
    """
    factor = (1 - eps) * likelihood + eps
    out = np.empty(likelihood.shape[1])
    for j in range(likelihood.shape[1]):
        others = base * np.prod(np.delete(factor, j, axis=1), axis=1)
        total = float(others.sum())
        mean = float(others @ likelihood[:, j]) / total if total > 0 else 0.0
        out[j] = eps / (eps + (1 - eps) * mean)
    return out
