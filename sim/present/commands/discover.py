"""``wargame discover``: which combinations of assumptions lead to an outcome (PRIM, CART)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sim.present.commands.options import add_outcome_options, positive_float
from sim.present.commands.running import output_folder, progress_bar, save_figures


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "discover", help="which combinations of assumptions lead to an outcome (PRIM, CART)"
    )
    p.add_argument("folder", help="a run or sweep folder")
    add_outcome_options(p)
    p.add_argument(
        "--threshold",
        type=positive_float,
        help="least density of a box (default 0.8, or halfway from the base rate to 1 when "
        "that is higher, at most 0.95; the threshold used is printed)",
    )
    p.add_argument("--out", help="output folder (default: <run>/discover)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sim.analysis.discover import DiscoverySettings, discover, steps
    from sim.analysis.folders import DiscoveryFolder
    from sim.present.plots.discover import discovery_figures
    from sim.present.text.discovery import format_discovery
    from sim.runs import folder
    from sim.runs.folder import write_json_atomic

    source = folder.load(args.folder, kinds=("run", "sweep"), command="discover")
    outcome = args.outcome or _headline(source.manifest)
    settings = DiscoverySettings(outcome=outcome, by=args.by, threshold=args.threshold)
    update, close = progress_bar(steps(settings), "discover: boxes, scores, tree", "step")
    try:
        found = discover(source, settings, update)
    finally:
        close()
    out = output_folder(args, lambda: Path(args.folder) / "discover")
    recorded = {"outcome": outcome, "by": args.by, "threshold": args.threshold}
    written = DiscoveryFolder.create(out, {"source": str(args.folder), "settings": recorded})
    write_json_atomic(out / "discovery.json", found.report.json())
    print(format_discovery(found.report))
    print(f"\ndiscovery: {out / 'discovery.json'}")
    figures = discovery_figures(found.report, found.x, found.y, source.caption)
    save_figures(figures, out / "figures")
    written.finish()
    return 0


def _headline(manifest: dict[str, Any]) -> str:
    """What the explored scenario asks (its headline), else persistent presence."""
    from sim.scenario.schema import Scenario

    scenario = manifest.get("scenario")
    if not isinstance(scenario, dict):
        return "persistent"
    return Scenario.model_validate(scenario).headline_column()
