"""``wargame migrate``: bring scenario and observations files written for an earlier
version of the format up to date, keeping their comments and order."""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

#: ``--check`` found a file to migrate (as ``ruff format --check`` does).
EXIT_WOULD_CHANGE = 1


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "migrate", help="rewrite scenario files written for an earlier format to the current one"
    )
    p.add_argument("files", nargs="+", help="scenario (or observations) YAML files")
    p.add_argument(
        "--check",
        action="store_true",
        help="only say what would change; exit 1 if any file needs migrating",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sim.scenario.errors import ScenarioError
    from sim.scenario.format import FORMAT
    from sim.scenario.migrate import migrate_text

    texts = {}
    for name in args.files:
        path = Path(name)
        try:
            texts[name] = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise ScenarioError.single(f"cannot read: {e}", file=name) from None
    # every file is migrated in memory first, so a mistake in one writes none of them
    done = {name: migrate_text(text, name) for name, text in texts.items()}
    pending = 0
    for name, m in done.items():
        if not m.changed:
            print(f"{name}: already format {FORMAT}")
            continue
        pending += 1
        verb = "would rewrite" if args.check else "rewrote"
        print(f"{name}: {verb} to format {FORMAT}")
        for change in m.changes:
            print(f"  {change}")
        for note in m.notes:
            print(f"  read again: {note}")
        if not args.check:
            _replace(Path(name), m.text)
    if args.check:
        return EXIT_WOULD_CHANGE if pending else 0
    for name, m in done.items():
        if m.changed:
            _check_loads(name)
    return 0


def _replace(path: Path, text: str) -> None:
    """Write `text` over `path` atomically (a temporary file beside it, then a rename)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _check_loads(name: str) -> None:
    """Say whether the migrated file now validates (an observations file is read as one)."""
    from sim.scenario.loader import load
    from sim.scenario.reading import parse_text

    data, _ = parse_text(Path(name).read_text(encoding="utf-8"), name)
    if "metadata" not in data and "extends" not in data:
        return  # an observations file: it validates against the scenario that reads it
    load(name)  # raises, naming the file, line and field, if something else is wrong
    print(f"{name}: validates")
