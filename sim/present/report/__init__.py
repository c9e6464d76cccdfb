"""``wargame report``: one self-contained HTML brief of a run, a batch or a sweep.

The page is rendered with Jinja2 from ``templates/report.html.j2``; figures are inline
SVG, styles are inline, and nothing is fetched, so the file opens offline in any browser
and prints cleanly. The numbers come from the folder's summary and manifest; the figures
from :mod:`sim.present.plots`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sim import __version__
from sim.analysis.folders import CalibrationResult
from sim.present.kinds import REPORT_KINDS
from sim.present.report.analyses import (
    analyses_context,
    batch_context,
    calibration_context,
    calibration_folder,
    score_context,
    sweep_context,
)
from sim.present.report.common import _environment, words
from sim.present.report.run import run_context
from sim.runs.folder import load
from sim.runs.results import Batch, SweepResult

__all__ = ["render", "words", "write_report"]


def render(path: str | Path) -> str:
    """The HTML brief of a results folder (a run, a batch, a sweep, or a calibration, shown
    as its check run with the calibration section)."""
    loaded = load(path, kinds=REPORT_KINDS, command="report")
    if isinstance(loaded, CalibrationResult):
        loaded = load(loaded.path / "check", kinds=("run",))
    extra: dict[str, Any] = {}
    if isinstance(loaded, Batch):
        context = batch_context(loaded)
    elif isinstance(loaded, SweepResult):
        context = sweep_context(loaded)
    else:
        context = run_context(loaded)
        folder = calibration_folder(loaded)
        if folder is not None:
            extra = calibration_context(folder)
        extra.update(score_context(loaded))
        extra.update(analyses_context(loaded))
    context = {**context, **extra}
    defaults = {
        "readings": [],
        "calibration": None,
        "calibration_figures": [],
        "score": None,
        "questions": [],
        "discovery": None,
        "signposts": None,
        "score_figures": [],
        "comparison": None,
        "question_comparison": [],
        "pairing": "",
        "ranking": None,
        "ranking_columns": [],
        "adequacy": "",
        "version": __version__,
    }
    return _environment().get_template("report.html.j2").render({**defaults, **context})


def write_report(path: str | Path, out: str | Path | None = None) -> Path:
    """Render and write the brief (default ``<folder>/report.html``), atomically."""
    target = Path(out) if out else Path(path) / "report.html"
    html = render(path)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(html, encoding="utf-8")
    os.replace(tmp, target)
    return target
