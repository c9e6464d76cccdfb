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

import time
from pathlib import Path
from typing import Any

from sim.analysis.calibration.calibrated import write_calibrated
from sim.analysis.calibration.diagnostics import diagnostics
from sim.analysis.calibration.driver import Calibration
from sim.analysis.calibration.settings import CalibrationSettings, PhaseProgress
from sim.engine.plan import Plan
from sim.runs.executor import Executor
from sim.runs.folder import write_json_atomic
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import load

__all__ = ["Calibration", "CalibrationSettings", "calibrate"]


def calibrate(
    scenario_file: str | Path,
    out: str | Path,
    settings: CalibrationSettings | None = None,
    workers: int | Executor = 1,
    progress: PhaseProgress | None = None,
    resume: bool = False,
) -> dict[str, Any]:
    """Calibrate a scenario into folder `out`; returns the diagnostics (calibration.json).

    Interrupted, it leaves every finished wave in place; calling again with
    ``resume=True`` and the same arguments finishes it with the same result.
    """
    t0 = time.perf_counter()
    settings = settings or CalibrationSettings()
    cal = Calibration(Path(scenario_file), Path(out), settings, workers, progress, resume)
    try:
        for k in range(1, settings.waves + 1):
            cal.run_wave(k)
        frame, share = cal.posterior()
        if frame.empty:
            raise ScenarioError.single(
                "no prior row meets the targets kept; nothing to calibrate to "
                f"(screened {share['n']:,} rows)",
                file=str(scenario_file),
            )
        calibrated = write_calibrated(cal.out, cal.file, cal.scenario, settings, frame)
        n_check = settings.check_replicates or cal.scenario.monte_carlo.replicates
        check_plan = Plan(load(calibrated))
        check = cal.run_folder("check", check_plan, calibrated, n_check, cal.seed)
    except BaseException as e:
        cal.folder.mark("incomplete", f"{type(e).__name__}: {e}")
        raise
    report = diagnostics(cal.record(), frame, share, check, time.perf_counter() - t0)
    write_json_atomic(cal.out / "calibration.json", report)
    cal.folder.finish()
    return report
