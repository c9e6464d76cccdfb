"""How deeply a YAML text nests its flow collections (``[...]`` and ``{...}``), read from
the characters themselves, before any parser runs.

Why a scan of its own: libyaml's scanner looks ahead over a flow collection to find out
whether it is a mapping key, so a line of many opening brackets is read to its end before
the parser hands out its first event, and libyaml (from PyYAML 6.0.4 on) stops at its own
limit of 1,000 levels with its own message. The project's limit (64) must hold whatever
the parser does, so the flow depth is measured here first; block nesting (indentation)
produces events line by line and is checked on the event stream
(:mod:`sim.scenario.yaml_text`).

The scan knows just enough YAML not to count what is text: quoted scalars (``'…'`` with
``''`` inside, ``"…"`` with backslash escapes, over several lines), comments, block
scalars (``|`` and ``>``: the more-indented lines after them), and plain scalars (a
bracket or a quote inside ``a[b`` or ``it's`` is a character, not an indicator, outside a
flow collection). A flow collection or a quoted scalar starts only where a node can:
at the start of a line, after ``- ``, ``? `` or ``: ``, after an anchor or a tag, and,
inside a flow collection, after ``[``, ``{`` or ``,``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Deepest:
    """The deepest flow nesting found: its depth and where it was reached (0-based)."""

    depth: int = 0
    line: int = 0
    column: int = 0


class FlowScan:
    """The scan's state as it reads a text line by line (module docstring)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit  # stop at the first point deeper than this
        self.depth = 0  # flow collections open now
        self.quote = ""  # the quote character of a scalar still open, or ""
        self.block_above: int | None = None  # a block scalar: lines indented more are text
        self.flow_node = True  # inside a flow collection: whether a node may start next
        self.deepest = Deepest()

    def read(self, text: str) -> Deepest:
        """Scan `text`; stop early once the depth passes the limit."""
        for number, line in enumerate(text.split("\n")):
            self._line(line.removesuffix("\r"), number)
            if self.deepest.depth > self.limit:
                break
        return self.deepest

    def _line(self, line: str, number: int) -> None:
        indent = len(line) - len(line.lstrip(" "))
        if self.block_above is not None:
            if not line.strip() or indent > self.block_above:
                return  # a line of a block scalar's text, or of a plain scalar's
            self.block_above = None
        i, n = indent, len(line)
        # a node may start here; inside a flow collection a line break is only a space
        at_node = self.flow_node if self.depth else True
        # True: a key may start here; False: a plain word that may be a key was just read;
        # None: past the line's key (a ": " was read)
        at_key: bool | None = True
        owner = indent  # the column of the entry a scalar value here belongs to
        key = indent  # the column where this line's key (if it has one) starts
        plain = False  # the line's last token so far is a plain scalar value
        while i < n:
            if self.quote:
                i = self._in_quote(line, i)
                at_node = plain = False
                continue
            c = line[i]
            after = line[i + 1] if i + 1 < n else " "
            if c in " \t":
                i += 1
                continue
            if c == "#" and (i == 0 or line[i - 1] in " \t"):
                break  # a comment to the end of the line
            if c in "[{" and (self.depth or at_node):
                self.depth += 1
                self._reached(number, i)
                if self.depth > self.limit:
                    return  # deep enough to refuse: no need to read on
                at_node, plain = True, False
            elif c in "]}" and self.depth:
                self.depth -= 1
                at_node = plain = False
            elif c == "," and self.depth:
                at_node = True
            elif c in "'\"" and at_node:
                self.quote, plain = c, False
                if at_key and not self.depth:
                    key, at_key = i, False  # perhaps this line's key, quoted
            elif c in "|>" and at_node and not self.depth:
                self.block_above = owner
                return  # the rest of the line is the block scalar's header
            elif c in "-?:" and after in " \t":
                if at_key is True and not self.depth:
                    # an entry's indicator (a sequence's dash, or a complex key's ? and :)
                    # before anything else on the line: its node is indented past it
                    owner = i
                else:
                    if c == ":" and at_key is False and not self.depth:
                        owner = key  # a mapping entry: its value is indented past its key
                    at_key = None
                at_node, plain = True, False
            elif c in "&!" and at_node:
                while i < n and line[i] not in " \t,[]{}":
                    i += 1  # an anchor or a tag: the node starts after it
                continue
            else:
                if not self.depth:
                    if at_key:
                        key = i  # perhaps the key of this line's entry
                    plain = plain or at_node
                at_node = False
                at_key = None if at_key is None else False
                while i + 1 < n and line[i + 1] not in " \t,[]{}:#":
                    i += 1  # the rest of the plain word
            i += 1
        self.flow_node = at_node
        if plain and not self.depth and not self.quote:
            self.block_above = owner  # more-indented lines go on with the plain scalar

    def _in_quote(self, line: str, i: int) -> int:
        """Read a quoted scalar on from `i`; return where the scan goes on (past its
        closing quote, or the end of the line if it goes on to the next)."""
        q, n = self.quote, len(line)
        while i < n:
            c = line[i]
            if q == '"' and c == "\\":
                i += 2
                continue
            if c == q:
                if q == "'" and i + 1 < n and line[i + 1] == "'":
                    i += 2  # '' is a quote inside a single-quoted scalar
                    continue
                self.quote = ""
                return i + 1
            i += 1
        return n

    def _reached(self, number: int, column: int) -> None:
        if self.depth > self.deepest.depth:
            self.deepest = Deepest(self.depth, number, column)


def deepest_flow(text: str, limit: int = 1_000_000) -> Deepest:
    """The deepest flow nesting in `text` and where it is (the scan stops once past
    `limit`, so a hostile file costs no more than reaching it)."""
    return FlowScan(limit).read(text)
