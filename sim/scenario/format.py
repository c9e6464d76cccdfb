"""The scenario format's version, and its memory of what was renamed.

A scenario may say which version of the format it is written in (``format: 3`` at the
top; omitted: the current one). Names that a later version replaced are remembered here,
so that a file written for an earlier version is told, for each old name, what replaced
it and why (one located line each), and ``wargame migrate`` can rewrite it. The history
itself is in ``docs/format.md``.

Every rename is one :class:`Rename`: a key of a mapping under some key (a parameter under
``params:``) or a value of some key (``outcome: continuous``). Each is found wherever it
stands (actors, injects, reading patches, events and their ``given:``), since the names
were unique to what they named.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

#: The version of the format this wargame reads and writes.
FORMAT = 3

#: What each version brought (printed by ``wargame migrate`` and kept in docs/format.md).
VERSIONS = {
    1: "the first engine: one ladder of concessions, judgments",
    2: "observations, forecast questions, posterior rows, starting rungs (additions only)",
    3: "concession tracks with reversals, dependence as a stock, presence outcomes at the "
    "horizon; later additions (readings, conditional judgments) need no change",
}

Key = tuple[str | int, ...]


@dataclass(frozen=True)
class Rename:
    """A name replaced in format `format`: a mapping key under `under` (``kind="key"``)
    or the value of the key `under` (``kind="value"``)."""

    format: int
    kind: Literal["key", "value"]
    under: str
    old: str
    new: str
    why: str

    def matches(self, under: Any, key: Any, value: Any) -> bool:
        """Whether the entry `key: value` of a mapping under the key `under` is this
        old name."""
        if self.kind == "key":
            return under == self.under and key == self.old
        return key == self.under and value == self.old

    def message(self) -> str:
        what = "" if self.kind == "key" else f"{self.under}: "
        return (
            f"'{what}{self.old}' was replaced by '{what}{self.new}' in format {self.format}; "
            f"{self.why} (wargame migrate FILE rewrites it)"
        )


RENAMES = (
    Rename(
        3,
        "key",
        "params",
        "leverage_from_vulnerability",
        "leverage_from_dependence",
        "the patron's leverage now reads off the client's dependence, which is a stock "
        "(see docs/model.md)",
    ),
    Rename(
        3,
        "value",
        "outcome",
        "continuous",
        "ever_continuous",
        "continuous presence at any time is now ever_continuous, beside "
        "presence_at_horizon for the final window (see docs/model.md)",
    ),
)

#: Meanings that changed without a change of name: said by ``wargame migrate`` when it
#: rewrites a file from an earlier format, for the analyst to read again.
CHANGED_MEANINGS = {
    ("outcome", "persistent"): (
        "'outcome: persistent' now means a presence that still holds at the horizon (the "
        "final window, or basing in place); in formats 1-2 it meant continuous presence at "
        "any time or basing: use ever_continuous or basing for that"
    ),
}


@dataclass(frozen=True)
class Found:
    """An old name at `at` in a file's data (for a value: the path of its key)."""

    at: Key
    rename: Rename


def find_renamed(data: Any) -> list[Found]:
    """Every old name in `data` (a scenario or an observations file, as parsed), in the
    order the file has them."""
    return list(_walk(data, ()))


def _walk(node: Any, at: Key) -> Iterator[Found]:
    if isinstance(node, dict):
        under = at[-1] if at else None
        for key, value in node.items():
            for r in RENAMES:
                if r.matches(under, key, value):
                    yield Found((*at, key), r)
            yield from _walk(value, (*at, key))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _walk(item, (*at, i))


def changed_meanings(data: Any) -> list[tuple[Key, str]]:
    """Where `data` uses a name whose meaning changed since an earlier format."""
    out: list[tuple[Key, str]] = []

    def walk(node: Any, at: Key) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                said = CHANGED_MEANINGS.get((key, value)) if isinstance(value, str) else None
                if said:
                    out.append(((*at, key), said))
                walk(value, (*at, key))
        elif isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, (*at, i))

    walk(data, ())
    return out
