"""Rewrite a scenario (or observations) file to the current format, editing its text in
place so that comments, blank lines and the order of everything are kept: each old name
is replaced where it stands (:mod:`sim.scenario.format`), and the file's ``format:`` line
is set (added above its first key when it has none)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sim.scenario.errors import ScenarioError
from sim.scenario.format import FORMAT, changed_meanings, find_renamed
from sim.scenario.problems import Locations, format_path
from sim.scenario.reading import parse_text


@dataclass
class Migration:
    """What migrating one file's text did: the new text, each change made and what the
    analyst should read again (with 1-based line numbers)."""

    text: str
    was: int | None  # the format the file declared (None: it declared none)
    changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.changes)


def migrate_text(text: str, name: str) -> Migration:
    """The file's text brought to format :data:`FORMAT` (module docstring)."""
    data, locs = parse_text(text, name)
    declared = data.get("format")
    lines = text.splitlines(keepends=True)
    out = Migration(text, declared if isinstance(declared, int) else None)
    found = find_renamed(data)
    old = bool(found) or (out.was is not None and out.was < FORMAT)
    for f in found:
        line, column = _where(locs, f.at, name)
        r = f.rename
        if r.kind == "key":
            pattern = rf"(['\"]?){re.escape(r.old)}\1(?=\s*:)"
            replace = rf"\g<1>{r.new}\g<1>"
        else:
            pattern = rf"({re.escape(r.under)}['\"]?\s*:\s*)(['\"]?){re.escape(r.old)}\2"
            replace = rf"\g<1>\g<2>{r.new}\g<2>"
        lines[line - 1] = _sub_at(lines[line - 1], column - 1, pattern, replace, name, line)
        out.changes.append(f"line {line}: {format_path(f.at)}: {r.old} -> {r.new}")
    if old:
        for at, said in changed_meanings(data):
            out.notes.append(f"line {_where(locs, at, name)[0]}: {said}")
    if declared != FORMAT:
        lines = _set_format(lines, data, locs, name)
        out.changes.append(f"format: {declared if declared is not None else '(none)'} -> {FORMAT}")
    out.text = "".join(lines)
    if find_renamed(parse_text(out.text, name)[0]):  # pragma: no cover - a bug guard
        raise ScenarioError.single("could not rewrite every old name; please report it", file=name)
    return out


def _where(locs: Locations, at: tuple, name: str) -> tuple[int, int]:
    where = locs.get(at)
    if where is None:  # pragma: no cover - every parsed key has a location
        raise ScenarioError.single("cannot place an old name in the text", file=name)
    return where[1], where[2]


def _sub_at(line: str, column: int, pattern: str, replace: str, name: str, number: int) -> str:
    """`line` with the first match of `pattern` at or after `column` replaced."""
    head, tail = line[:column], line[column:]
    new, n = re.subn(pattern, replace, tail, count=1)
    if not n:
        raise ScenarioError.single(
            "an old name written across lines cannot be rewritten here; edit it by hand",
            file=name,
            line=number,
        )
    return head + new


def _set_format(lines: list[str], data: dict[str, Any], locs: Locations, name: str) -> list[str]:
    """The lines with ``format: FORMAT`` set, or added above the first top-level key."""
    if "format" in data:
        line, column = _where(locs, ("format",), name)
        lines[line - 1] = _sub_at(
            lines[line - 1], column - 1, r"(format\s*:\s*)\S+", rf"\g<1>{FORMAT}", name, line
        )
        return lines
    first = min(_where(locs, (k,), name)[0] for k in data)
    return [*lines[: first - 1], f"format: {FORMAT}\n\n", *lines[first - 1 :]]
