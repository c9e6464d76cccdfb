"""Reading a YAML file into plain data and the location of every key path, resolving
``extends:`` (the other file with this one's keys laid over it; see :mod:`sim.scenario.loader`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from sim.scenario.errors import ScenarioError
from sim.scenario.params import KINDS
from sim.scenario.problems import Key, Locations, Where, error_at, format_path
from sim.scenario.yaml_text import parse_yaml

#: What the top of each kind of file must be, for the message when it is something else.
SCENARIO_TOP = "a mapping of scenario sections (metadata:, actors:, ...)"
OBSERVATIONS_TOP = (
    "a mapping with 'observations:' holding the list (write 'observations:' on the first "
    "line and indent the list under it)"
)


def read_with_extends(
    path: Path, chain: tuple[Path, ...], top: str = SCENARIO_TOP
) -> tuple[Any, Locations]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError.single("no such file", file=str(path)) from None
    except IsADirectoryError:
        raise ScenarioError.single("is a folder, not a scenario file", file=str(path)) from None
    except OSError as e:
        raise ScenarioError.single(f"cannot read: {e.strerror}", file=str(path)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise ScenarioError.single(
            f"not UTF-8 text (byte 0x{raw[e.start]:02x} at offset {e.start})",
            file=str(path),
            line=line,
        ) from None
    data, locs = parse(text, str(path), top)
    return apply_extends(data, locs, path, chain)


def parse_text(text: str, name: str) -> tuple[dict[str, Any], Locations]:
    """A file's YAML text as (plain data, location of every key path), without resolving
    ``extends:``: the file's own words, as ``wargame migrate`` edits them."""
    return parse(text, name)


def parse(text: str, name: str, top: str = SCENARIO_TOP) -> tuple[Any, Locations]:
    """YAML text → (plain data, location of every key path); `top` says what the file
    must hold at its top, for the message when it holds something else."""
    node, data = parse_yaml(text, name)
    if node is None or data is None:
        raise ScenarioError.single(f"the file is empty; expected {top}", file=name)
    if not isinstance(data, dict):
        raise ScenarioError.single(
            f"expected {top} at the top, found {_kind_of(data)}",
            file=name,
            line=node.start_mark.line + 1,
        )
    locs: Locations = {}
    _record(node, (), name, locs)
    return data, locs


def _kind_of(data: Any) -> str:
    """A YAML value's kind in the words of the format (a list, a number, text)."""
    if isinstance(data, list):
        return "a list"
    if isinstance(data, bool | int | float):
        return "a number" if not isinstance(data, bool) else "yes/no"
    return "text" if isinstance(data, str) else type(data).__name__


def _record(node: yaml.Node, at: Key, name: str, locs: Locations) -> None:
    """Walk a composed YAML node, remembering where every key path starts."""
    locs[at] = (name, node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for k, v in node.value:
            key = k.value
            if key in seen:
                raise ScenarioError.single(
                    f"duplicate key '{key}'",
                    file=name,
                    line=k.start_mark.line + 1,
                    column=k.start_mark.column + 1,
                    field=format_path((*at, key)),
                )
            seen.add(key)
            _record(v, (*at, key), name, locs)
            locs[(*at, key)] = (name, k.start_mark.line + 1, k.start_mark.column + 1)
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            _record(v, (*at, i), name, locs)


# ------------------------------------------------------------------------------ extends


def apply_extends(
    data: dict, locs: Locations, path: Path, chain: tuple[Path, ...]
) -> tuple[Any, Locations]:
    if "extends" not in data:
        return data, locs
    parent_name = data.pop("extends")
    if not isinstance(parent_name, str):
        raise error_at(locs, ("extends",), "expected the path of another scenario file")
    here = path.resolve()
    parent = (path.parent / parent_name).resolve()
    if parent in (*chain, here):
        cycle = " -> ".join(p.name for p in (*chain, here, parent))
        raise error_at(locs, ("extends",), f"extends cycle: {cycle}")
    if not parent.is_file():
        raise error_at(locs, ("extends",), f"no such file to extend: {parent_name}")
    base, base_locs = read_with_extends(parent, (*chain, here))
    out_locs: Locations = {}
    merged = merge(base, data, (), (), base_locs, locs, out_locs)
    return merged, out_locs


def renumber(locs: Locations, section: str, new: dict[int, int], out: Locations) -> None:
    """Carry the locations under ``(section, i, ...)`` to ``(section, new[i], ...)`` for
    every item `i` in `new`, in one pass (an appended log of n entries costs n, not n^2:
    grafting item by item took 6 s for 2,000 observations)."""
    for k, v in locs.items():
        if len(k) > 1 and k[0] == section and k[1] in new:
            out[(section, new[k[1]], *k[2:])] = v


def _key_of(items: Any) -> str | None:
    """The key a list's items merge on: ``name`` if they all have one, else ``id``."""
    if not isinstance(items, list):
        return None
    for key in ("name", "id"):
        if all(isinstance(x, dict) and key in x for x in items):
            return key
    return None


def merge(
    b: Any, o: Any, bp: Key, op: Key, bl: Locations, ol: Locations, out: Locations, at: Key = ()
) -> Any:
    """Lay override `o` (at `op` in `ol`) over base `b` (at `bp` in `bl`), carrying each
    value's location to its new path (under `at` in `out`)."""
    return _lay(_Side(b, len(bp), under(bl, bp)), _Side(o, len(op), under(ol, op)), out, at)


Entries = list[tuple[Key, Where]]


def under(locs: Locations, path: Key) -> Entries:
    """The locations of `path` and of everything below it."""
    n = len(path)
    return [(k, v) for k, v in locs.items() if k[:n] == path]


def _children(entries: Entries, depth: int) -> dict[Any, Entries]:
    """Locations under one path (of length `depth`), grouped by the key below it: each
    level of a merge hands its children only their own locations, so merging costs the
    size of what it walks (it once scanned the whole file for every key it kept)."""
    out: dict[Any, Entries] = {}
    for k, v in entries:
        if len(k) > depth:
            out.setdefault(k[depth], []).append((k, v))
    return out


def _carry(entries: Entries, depth: int, dst: Key, out: Locations) -> None:
    """Every location in `entries` moved from below its first `depth` keys to below `dst`."""
    for k, v in entries:
        out[dst + k[depth:]] = v


def _own(entries: Entries, depth: int) -> Where | None:
    """The location of the path the entries are under (the one of length `depth`)."""
    return next((v for k, v in entries if len(k) == depth), None)


@dataclass(frozen=True)
class _Side:
    """One side of a merge: its value, the depth of its path, and the locations under
    that path."""

    value: Any
    depth: int
    entries: Entries

    def own(self) -> Where | None:
        return _own(self.entries, self.depth)

    def children(self) -> dict[Any, Entries]:
        return _children(self.entries, self.depth)

    def child(self, value: Any, below: dict[Any, Entries], key: Any) -> _Side:
        """The side one level down: `value`, under `key` of `below`."""
        return _Side(value, self.depth + 1, below.get(key, []))


def _lay(b: _Side, o: _Side, out: Locations, at: Key) -> Any:
    """:func:`_merge` on the locations under the base's path and the override's: mappings
    merge key by key, lists of named items item by item, anything else is replaced."""
    if isinstance(b.value, dict) and isinstance(o.value, dict):
        return _lay_mappings(b, o, out, at)
    key = _key_of(b.value)
    if key is not None and key == _key_of(o.value):
        return _lay_named(b, o, key, out, at)
    _carry(o.entries, o.depth, at, out)
    return o.value


def _lay_mappings(b: _Side, o: _Side, out: Locations, at: Key) -> dict:
    """Two mappings merged key by key (a new distribution replaces the old one whole)."""
    out[at] = o.own() or b.own() or ("", 0, 0)
    base = b.value
    if o.value.keys() & set(KINDS):
        base = {k: v for k, v in base.items() if k not in KINDS}
    below_b, below_o = b.children(), o.children()
    result = {}
    for k in base:
        if k not in o.value:
            result[k] = base[k]
            _carry(below_b.get(k, []), b.depth + 1, (*at, k), out)
    for k in o.value:
        if k in base:
            sides = b.child(base[k], below_b, k), o.child(o.value[k], below_o, k)
            result[k] = _lay(*sides, out, (*at, k))
        else:
            result[k] = o.value[k]
            _carry(below_o.get(k, []), o.depth + 1, (*at, k), out)
    return result


def _lay_named(b: _Side, o: _Side, key: str, out: Locations, at: Key) -> list:
    """Two lists of items named by `key` merged item by item, new items appended."""
    out[at] = o.own() or b.own() or ("", 0, 0)
    below_b, below_o = b.children(), o.children()
    overrides = {x[key]: j for j, x in enumerate(o.value)}
    result: list = []
    for i, item in enumerate(b.value):
        j = overrides.pop(item[key], None)
        k = len(result)
        if j is None:
            result.append(item)
            _carry(below_b.get(i, []), b.depth + 1, (*at, k), out)
        else:
            sides = b.child(item, below_b, i), o.child(o.value[j], below_o, j)
            result.append(_lay(*sides, out, (*at, k)))
    for j in overrides.values():
        _carry(below_o.get(j, []), o.depth + 1, (*at, len(result)), out)
        result.append(o.value[j])
    return result


def read_yaml(path: Path, top: str = "a mapping") -> tuple[Any, Locations]:
    """A YAML mapping file and the location of every key, ``extends`` resolved; `top`
    says what the file must hold at its top (for the message when it does not)."""
    data, locs = read_with_extends(path, chain=(), top=top)
    return data, locs
