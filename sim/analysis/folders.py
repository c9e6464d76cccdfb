"""The analysis stage's results folders, loaded: a calibration, a score, a discovery.

Each class is what :func:`sim.runs.folder.load` gives for its kind (registered below), so
``sim.results.load`` opens these folders as it opens runs, batches and sweeps. The module is
light on purpose (no scikit-learn, no EMA Workbench): loading a folder must not pay for the
analysis that wrote it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd

from sim.analysis.calibration.findings import CalibrationDiagnostics
from sim.analysis.discovery_report import DiscoveryReport
from sim.analysis.scorecard import Scorecard
from sim.analysis.signpost_report import SignpostReport
from sim.runs import folder


@dataclass
class CalibrationResult:
    """A finished calibration folder: diagnostics, posterior and prior rows."""

    path: Path
    report: CalibrationDiagnostics
    posterior: pd.DataFrame
    prior: pd.DataFrame  # the first wave's rows: draws from the prior

    @property
    def caption(self) -> str:
        r = self.report
        return (
            f"{r.scenario} · calibration: {r.replicates.total:,} replicates in "
            f"{len(r.replicates.waves)} waves · posterior ESS {r.ess:,.0f} · "
            f"seed {r.settings['seed']}"
        )


@folder.register("calibration")
def _calibration(path: Path, manifest: dict[str, Any]) -> CalibrationResult:
    report = CalibrationDiagnostics.from_json(json.loads((path / "calibration.json").read_text()))
    posterior = pd.read_parquet(path / "posterior.parquet")
    prior = pd.read_parquet(path / "waves" / "1" / "parameters.parquet")
    return CalibrationResult(path, report, posterior, prior)


def load_calibration(path: str | Path) -> CalibrationResult:
    """Load a complete calibration folder (an incomplete one is refused)."""
    return folder.load(path, kinds=("calibration",))


class ScoreFolder(folder.Folder):
    """A score folder being written (``score.json`` and figures)."""

    kind = "score"


class DiscoveryFolder(folder.Folder):
    """A discovery folder being written (``discovery.json`` and figures)."""

    kind = "discovery"


@dataclass
class _WrittenResult:
    """A finished analysis folder and the JSON file its command wrote (``file``), read on
    first use as ``result``."""

    path: Path
    manifest: dict[str, Any]
    file: ClassVar[str]

    @cached_property
    def result(self) -> dict[str, Any]:
        return json.loads((self.path / self.file).read_text())


@dataclass
class ScoreResult(_WrittenResult):
    """A finished score folder: the scores ``wargame score`` wrote (``score.json``)."""

    file = "score.json"

    @cached_property
    def scorecard(self) -> Scorecard:
        """The scores, typed."""
        return Scorecard.from_json(self.result)

    @property
    def caption(self) -> str:
        r = self.scorecard
        return f"{len(r.runs)} run(s) scored against {Path(r.resolutions_file or '').name}"


@dataclass
class DiscoveryResult(_WrittenResult):
    """A finished discovery folder: what ``wargame discover`` found, and the run or sweep
    folder it explored (whose rows the figures draw)."""

    file = "discovery.json"

    @cached_property
    def report(self) -> DiscoveryReport:
        """What discovery found, typed."""
        return DiscoveryReport.from_json(self.result)

    @property
    def source(self) -> Path:
        return Path(self.manifest["source"])

    @property
    def by(self) -> dt.date | None:
        by = self.manifest["settings"].get("by")
        return dt.date.fromisoformat(by) if by else None


class SignpostsFolder(folder.Folder):
    """A signposts folder being written (its run, ``signposts.json``, the watchlist)."""

    kind = "signposts"


@dataclass
class SignpostsResult(_WrittenResult):
    """A finished signposts folder: the ranked indicators ``wargame signposts`` wrote."""

    file = "signposts.json"

    @cached_property
    def report(self) -> SignpostReport:
        """The ranked signposts, typed."""
        return SignpostReport.from_json(self.result)

    @property
    def caption(self) -> str:
        m = self.manifest
        return f"signposts · {m['replicates']:,} replicates · seed {m['seed']}"


class TrackFolder(folder.Folder):
    """A track folder being written (a run per as-of date, ``track.json``)."""

    kind = "track"


@dataclass
class TrackResult(_WrittenResult):
    """A finished track folder: each forecast's trajectory over the as-of dates."""

    file = "track.json"

    @property
    def caption(self) -> str:
        m = self.manifest
        return f"track · {m['replicates']:,} replicates per date · seed {m['seed']}"


folder.register("signposts")(SignpostsResult)
folder.register("track")(TrackResult)
folder.register("score")(ScoreResult)
folder.register("discovery")(DiscoveryResult)
