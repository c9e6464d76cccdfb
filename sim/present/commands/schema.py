"""``wargame schema``: the scenario format as JSON Schema, for editors."""

from __future__ import annotations

import argparse
import os
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "schema", help="print the scenario format as JSON Schema (for editor completion)"
    )
    p.add_argument(
        "--overlay",
        action="store_true",
        help="the schema of a variant that 'extends:' another (no field required)",
    )
    p.add_argument(
        "--write",
        metavar="DIR",
        nargs="?",
        const="schema",
        help="write both schema files into DIR (default: schema/) instead of printing",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sim.scenario.json_schema import FILES, schema_text

    if args.write is None:
        print(schema_text(args.overlay), end="")
        return 0
    folder = Path(args.write)
    folder.mkdir(parents=True, exist_ok=True)
    for overlay, name in FILES.items():
        tmp = folder / f".{name}.tmp"
        tmp.write_text(schema_text(overlay), encoding="utf-8")
        os.replace(tmp, folder / name)
        print(folder / name)
    return 0
