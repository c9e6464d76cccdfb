"""``wargame plot``: draw the figures of any results folder."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.present.commands.running import save_figures

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: The folder kinds `plot` draws.
KINDS = ("run", "batch", "sweep", "calibration", "score", "discovery")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("plot", help="draw the figures of a run, batch or sweep folder")
    p.add_argument("folder", help="a run or batch folder under results/")
    p.add_argument(
        "--replicate",
        type=int,
        help="replicate for the timeline (default: one that reaches persistent presence)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import sim.results

    loaded = sim.results.load(args.folder, kinds=KINDS, command="plot")
    for figs, folder in figures_of(loaded, args.replicate):
        save_figures(figs, folder, each=True)
    return 0


def figures_of(loaded: Any, replicate: int | None = None) -> list[tuple[dict[str, Figure], Path]]:
    """Each set of figures a loaded folder has, with the folder it is saved under (a
    batch draws its forest plot and every member's figures)."""
    from sim.analysis.folders import CalibrationResult, DiscoveryResult, ScoreResult
    from sim.present import plots
    from sim.runs.results import Batch, SweepResult

    where = loaded.path / "figures"
    if isinstance(loaded, SweepResult):
        return [(plots.sweep_figures(loaded), where)]
    if isinstance(loaded, Batch):
        runs = [loaded.run(m) for m in loaded.members]
        return [({"forest": plots.forest(loaded)}, where)] + [
            (plots.run_figures(r), r.path / "figures") for r in runs
        ]
    if isinstance(loaded, CalibrationResult):
        from sim.present.plots_calibration import calibration_figures

        return [(calibration_figures(loaded.path), where)]
    if isinstance(loaded, ScoreResult):
        from sim.present.plots_score import score_figures

        return [(score_figures(loaded.result, loaded.caption), where)]
    if isinstance(loaded, DiscoveryResult):
        return [(_discovery_figures(loaded), where)]
    return [(plots.run_figures(loaded, replicate), where)]


def _discovery_figures(found: Any) -> dict[str, Figure]:
    """A discovery's figures, from the rows of the run or sweep it explored."""
    from sim.analysis.discover import DiscoverySettings, rows_of
    from sim.present.plots_discover import discovery_figures
    from sim.runs import folder

    source = folder.load(found.source, kinds=("run", "sweep"))
    recorded = found.manifest["settings"]
    settings = DiscoverySettings(
        outcome=recorded["outcome"], by=found.by, threshold=recorded.get("threshold")
    )
    x, y, _, _ = rows_of(source, settings)
    return discovery_figures(found.result, x, y, source.caption)
