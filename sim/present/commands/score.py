"""``wargame score``: score runs' forecast questions against what happened."""

from __future__ import annotations

import argparse
from pathlib import Path

from sim.present.commands.running import output_folder, save_figures
from sim.scenario.errors import UsageError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("score", help="score runs' forecast questions against what happened")
    p.add_argument("folders", nargs="*", help="run or batch folders")
    p.add_argument(
        "--ledger",
        metavar="FILE",
        help="score a forecast ledger over time instead (daily Brier, carried forward)",
    )
    p.add_argument(
        "--resolutions", required=True, metavar="FILE", help="YAML file of resolved questions"
    )
    p.add_argument("--out", help="output folder (default: <run>/score, or results/score-<time>)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.ledger:
        if args.folders:
            raise UsageError("score either run folders or a ledger, not both", "--ledger")
        return _score_ledger(args)
    if not args.folders:
        raise UsageError("give run or batch folders, or --ledger FILE", "folders")
    from sim.analysis.folders import ScoreFolder
    from sim.analysis.score import runs_of, score
    from sim.present.plots.score import score_figures
    from sim.present.text.score import format_score
    from sim.runs.folder import write_json_atomic
    from sim.runs.store import default_out

    runs = runs_of(args.folders)
    resolutions = Path(args.resolutions)
    result = score(runs, resolutions).of_files([str(r.path) for r in runs], str(resolutions))
    single = len(args.folders) == 1
    out = output_folder(
        args, lambda: Path(args.folders[0]) / "score" if single else default_out(Path("score"))
    )
    folder = ScoreFolder.create(out, {"runs": result.runs, "resolutions_file": str(resolutions)})
    write_json_atomic(out / "score.json", result.json())
    print(format_score(result))
    print(f"\nscore: {out / 'score.json'}")
    caption = f"{len(runs)} run(s) scored against {resolutions.name}"
    save_figures(score_figures(result, caption), out / "figures")
    folder.finish()
    return 0


def _score_ledger(args: argparse.Namespace) -> int:
    """Verify the ledger's chain, then score each resolved question over time."""
    from sim.analysis import ledger

    path = Path(args.ledger)
    if not path.is_file():
        raise UsageError(f"no ledger file {path}", "--ledger")
    entries = ledger.read(path)
    resolutions = ledger.read_resolutions(Path(args.resolutions), entries)
    result = ledger.score_ledger(entries, resolutions)
    from sim.present.text.ledger import format_ledger_score

    print(format_ledger_score(result))
    if args.out:
        from sim.runs.folder import write_json_atomic

        Path(args.out).mkdir(parents=True, exist_ok=True)
        write_json_atomic(Path(args.out) / "ledger_score.json", result)
        print(f"\nscore: {Path(args.out) / 'ledger_score.json'}")
    return 0
