"""``wargame report``: one self-contained HTML brief of a results folder."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="write a self-contained HTML brief of a results folder")
    p.add_argument("folder", help="a run, batch or sweep folder")
    p.add_argument("--out", help="HTML file to write (default: <folder>/report.html)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sim.present.report import write_report

    print(write_report(args.folder, args.out))
    return 0
