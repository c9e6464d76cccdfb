"""``wargame plot``: draw the figures of any results folder."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.present.commands.running import progress_bar
from sim.present.kinds import PLOT_KINDS

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: The folder kinds `plot` draws.


def register(sub: argparse._SubParsersAction) -> None:
    from sim.runs.folder import describe_kinds

    kinds = describe_kinds(PLOT_KINDS)
    p = sub.add_parser("plot", help=f"draw the figures of {kinds} folder")
    p.add_argument("folder", help=f"{kinds} folder (under results/)")
    p.add_argument(
        "--replicate",
        type=int,
        help="replicate for the timeline (default: one that reaches persistent presence)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Draw every figure, then write them, with a bar for each stage on a terminal (a
    batch's members are read and drawn one by one; writing is most of the time)."""
    import sim.results
    from sim.present.plots import save

    loaded = sim.results.load(args.folder, kinds=PLOT_KINDS, command="plot")
    groups = figures_of(loaded, args.replicate)
    drawn = []
    update, close = progress_bar(len(groups), "plot: drawing", "folder")
    for draw, folder in groups:
        drawn.append((draw(), folder))
        if update:
            update(1)
    close()
    update, close = progress_bar(sum(len(f) for f, _ in drawn), "plot: writing", "figure")
    written = [path for figs, folder in drawn for path in save(figs, folder, update)]
    close()
    for path in written:
        print(path)
    return 0


Draw = Callable[[], "dict[str, Figure]"]


def figures_of(loaded: Any, replicate: int | None = None) -> list[tuple[Draw, Path]]:
    """Each set of figures a loaded folder has, as a function that draws it, with the
    folder it is saved under (a batch draws its forest plot and every member's figures,
    each member read only when its turn comes)."""
    from sim.analysis.folders import CalibrationResult, DiscoveryResult, ScoreResult
    from sim.present import plots
    from sim.runs.results import Batch, SweepResult

    where = loaded.path / "figures"
    if isinstance(loaded, SweepResult):
        return [(lambda: plots.sweep_figures(loaded), where)]
    if isinstance(loaded, Batch):
        members = [
            (lambda m=m: plots.run_figures(loaded.run(m)), loaded.path / m / "figures")
            for m in loaded.members
        ]
        return [(lambda: {"forest": plots.forest(loaded)}, where), *members]
    if isinstance(loaded, CalibrationResult):
        from sim.present.plots.calibration import calibration_figures

        return [(lambda: calibration_figures(loaded.path), where)]
    if isinstance(loaded, ScoreResult):
        from sim.present.plots.score import score_figures

        return [(lambda: score_figures(loaded.scorecard, loaded.caption), where)]
    if isinstance(loaded, DiscoveryResult):
        return [(lambda: _discovery_figures(loaded), where)]
    return [(lambda: plots.run_figures(loaded, replicate), where)]


def _discovery_figures(found: Any) -> dict[str, Figure]:
    """A discovery's figures, from the rows of the run or sweep it explored."""
    from sim.analysis.discover import DiscoverySettings, rows_of
    from sim.present.plots.discover import discovery_figures
    from sim.runs import folder

    source = folder.load(found.source, kinds=("run", "sweep"))
    recorded = found.manifest["settings"]
    settings = DiscoverySettings(
        outcome=recorded["outcome"], by=found.by, threshold=recorded.get("threshold")
    )
    x, y, _, _ = rows_of(source, settings)
    return discovery_figures(found.report, x, y, source.caption)
