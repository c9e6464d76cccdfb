"""Calibrate a scenario into a folder: waves, posterior, calibrated scenario, check run and
diagnostics (the method is in :mod:`sim.analysis.calibration`)."""

from __future__ import annotations

import time
from pathlib import Path

from sim.analysis.calibration.calibrated import write_calibrated
from sim.analysis.calibration.diagnostics import diagnostics
from sim.analysis.calibration.driver import Calibration
from sim.analysis.calibration.findings import CalibrationDiagnostics
from sim.analysis.calibration.settings import CalibrationSettings, PhaseProgress
from sim.engine.plan import Plan
from sim.runs.executor import Executor
from sim.runs.folder import write_json_atomic
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import load


def calibrate(
    scenario_file: str | Path,
    out: str | Path,
    settings: CalibrationSettings | None = None,
    workers: int | Executor = 1,
    progress: PhaseProgress | None = None,
    resume: bool = False,
) -> CalibrationDiagnostics:
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
                f"(screened {share.n:,} rows)",
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
    write_json_atomic(cal.out / "calibration.json", report.json())
    cal.folder.finish()
    return report
