"""``wargame report``: one self-contained HTML brief of a results folder."""

from __future__ import annotations

import argparse

from sim.present.kinds import REPORT_KINDS

#: The folder kinds a report is written for (a calibration shows its check run).


def register(sub: argparse._SubParsersAction) -> None:
    from sim.runs.folder import describe_kinds

    p = sub.add_parser("report", help="write a self-contained HTML brief of a results folder")
    p.add_argument("folder", help=f"{describe_kinds(REPORT_KINDS)} folder")
    p.add_argument("--out", help="HTML file to write (default: <folder>/report.html)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sim.present.report import write_report

    print(write_report(args.folder, args.out))
    return 0
