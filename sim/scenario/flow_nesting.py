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
        # a node may start here; inside a flow collection a line break is only a space
        scan = _Scan(at_node=self.flow_node if self.depth else True, owner=indent, key=indent)
        i, n = indent, len(line)
        while i < n:
            if self.quote:
                i = self._in_quote(line, i)
                scan.at_node = scan.plain = False
                continue
            if line[i] in " \t":
                i += 1
                continue
            if line[i] == "#" and (i == 0 or line[i - 1] in " \t"):
                break  # a comment to the end of the line
            after = self._token(scan, line, i, number)
            if after is None:
                return  # the rest of the line need not be read
            i = after
        self.flow_node = scan.at_node
        if scan.plain and not self.depth and not self.quote:
            self.block_above = scan.owner  # more-indented lines go on with the plain scalar

    def _token(self, scan: _Scan, line: str, i: int, number: int) -> int | None:
        """Read the token at `i` (not a space, a comment or inside a quote); where the scan
        goes on, or None when the rest of the line does not matter."""
        c, n = line[i], len(line)
        after = line[i + 1] if i + 1 < n else " "
        if c in "[{" and (self.depth or scan.at_node):
            self.depth += 1
            self._reached(number, i)
            if self.depth > self.limit:
                return None  # deep enough to refuse: no need to read on
            scan.at_node, scan.plain = True, False
        elif c in "]}" and self.depth:
            self.depth -= 1
            scan.at_node = scan.plain = False
        elif c == "," and self.depth:
            scan.at_node = True
        elif c in "'\"" and scan.at_node:
            self.quote, scan.plain = c, False
            if scan.at_key and not self.depth:
                scan.key, scan.at_key = i, False  # perhaps this line's key, quoted
        elif c in "|>" and scan.at_node and not self.depth:
            self.block_above = scan.owner
            return None  # the rest of the line is the block scalar's header
        elif c in "-?:" and after in " \t":
            self._indicator(scan, c, i)
        elif c in "&!" and scan.at_node:
            while i < n and line[i] not in " \t,[]{}":
                i += 1  # an anchor or a tag: the node starts after it
            return i
        else:
            if not self.depth:
                if scan.at_key:
                    scan.key = i  # perhaps the key of this line's entry
                scan.plain = scan.plain or scan.at_node
            scan.at_node = False
            scan.at_key = None if scan.at_key is None else False
            while i + 1 < n and line[i + 1] not in " \t,[]{}:#":
                i += 1  # the rest of the plain word
        return i + 1

    def _indicator(self, scan: _Scan, c: str, i: int) -> None:
        """A ``- ``, ``? `` or ``: `` indicator at column `i`."""
        if scan.at_key is True and not self.depth:
            # an entry's indicator (a sequence's dash, or a complex key's ? and :) before
            # anything else on the line: its node is indented past it
            scan.owner = i
        else:
            if c == ":" and scan.at_key is False and not self.depth:
                scan.owner = scan.key  # a mapping entry: its value is indented past its key
            scan.at_key = None
        scan.at_node, scan.plain = True, False

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


@dataclass
class _Scan:
    """Where one line's scan stands."""

    at_node: bool  # a node may start here
    owner: int  # the column of the entry a scalar value here belongs to
    key: int  # the column where this line's key (if it has one) starts
    #: True: a key may start here; False: a plain word that may be a key was just read;
    #: None: past the line's key (a ": " was read)
    at_key: bool | None = True
    plain: bool = False  # the line's last token so far is a plain scalar value
