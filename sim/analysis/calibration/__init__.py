"""Calibration: move beliefs about parameters to where the report's judgments hold and the
observations agree, by history matching with emulators in waves.

The method (Vernon, Goldstein & Bower 2010; Andrianakis et al. 2015), adapted to targets
that are probabilities:

1. **Wave k** runs ``replicates`` simulator replicates at parameter rows drawn from the
   prior and kept only where every earlier wave's emulators find each target plausible.
   Each wave is an ordinary run folder under ``waves/`` (same executors, seeds, progress,
   resume as ``wargame run``); its rows are a fixed design (:class:`sim.engine.rows.Rows`).
2. For each judgment an :class:`~sim.analysis.emulator.Emulator` learns P(event | θ) from
   the wave's yes/no outcomes, with its Monte Carlo and structural error.
3. A row θ is **implausible** for a judgment when its emulated log-odds lie more than
   ``cutoff`` standard deviations outside the judgment's ICD 203 range (a range, not a
   point): I(θ) = max(0, logit(low) − η, η − logit(high)) / s. The cut-off 3 is the
   convention (Pukelsheim's three-sigma rule).
4. The **posterior** is the prior restricted to the rows no wave rules out, each weighted
   (``draw_weight``) by the probability, under the last wave's emulators, that its event
   probabilities lie in their ranges: the emulator's error softens the region's edges
   instead of widening them, and the weight tends to the region's indicator as the
   error shrinks. Observations are data: a calibrated run keeps only replicates whose
   history agrees with them, which is exactly Bayes' rule for the paths and the
   parameters together. ``weight`` in the posterior file multiplies in the emulated
   probability that a row's history agrees with every observation, so it shows the
   parameter posterior given judgments *and* observations.
5. A **check run** of the calibrated scenario reports every target and headline outcome
   with its Monte Carlo interval: the emulators choose the rows; the simulator, not the
   emulator, says how well the result meets the targets.

The dynamics never change: only which parameter rows are drawn. When the targets cannot
all hold together, the largest set that can is kept and the others are named as dropped,
with the pairs that conflict.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sim.analysis.calibration.settings import CalibrationSettings

if TYPE_CHECKING:
    from sim.analysis.calibration.api import calibrate
    from sim.analysis.calibration.driver import Calibration

__all__ = ["Calibration", "CalibrationSettings", "calibrate"]


def __getattr__(name: str) -> Any:
    """``calibrate`` and ``Calibration`` are imported when first asked for, so reading the
    settings (``wargame calibrate --help``) does not import the numerical stack."""
    if name == "calibrate":
        from sim.analysis.calibration.api import calibrate

        return calibrate
    if name == "Calibration":
        from sim.analysis.calibration.driver import Calibration

        return Calibration
    raise AttributeError(name)
