"""Read YAML text that a user wrote, safely: bounded in size, nesting and alias expansion,
with every failure a :class:`~sim.scenario.errors.ScenarioError` naming the file and,
where the parser knows it, the line.

Scenario files are small (the Belarus scenario is about 50 kB and 2,500 nodes), so the
limits leave ample room while refusing what would crash or hang a reader:

* at most :data:`MAX_BYTES` of text;
* at most :data:`MAX_DEPTH` levels of nesting, checked before anything recursive runs
  (libyaml's composer overflows the C stack on about 100,000 nested brackets, and
  Python's recursion limit is lower still): flow collections (``[[[…``) from the text
  itself, before any parser (:mod:`sim.scenario.flow_nesting`: libyaml reads a line of
  brackets to its end before its first event, and newer releases stop at a limit of their
  own, with their own message), block nesting from the parser's event stream;
* at most :data:`MAX_NODES` nodes once aliases are expanded (an "alias bomb" of a few
  lines of anchors can stand for billions of nodes);
* dates that YAML reads as timestamps (``2020-16-09`` unquoted) must be real dates.

The C parser is used where PyYAML has it (its wheels do), the pure-Python one otherwise:
the C one reads a scenario about fifteen times faster.
"""

from __future__ import annotations

from typing import Any

import yaml

from sim.scenario.errors import ScenarioError
from sim.scenario.flow_nesting import deepest_flow

MAX_BYTES = 2_000_000
MAX_DEPTH = 64
MAX_NODES = 200_000

_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_OPEN = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSE = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def parse_yaml(text: str, name: str) -> tuple[yaml.Node | None, Any]:
    """The composed node tree of `text` (for locations) and the data it stands for.
    Raises ScenarioError for text that is too large, too deep, expands too far, is not
    YAML, or holds a date that does not exist."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise ScenarioError.single(
            f"larger than the {MAX_BYTES // 1_000_000} MB a scenario file may be", file=name
        )
    _check_flow_depth(text, name)
    try:
        _check_depth(text, name)
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None, None
            _check_expansion(node, name)
            _check_dates(loader, node, name)
            return node, loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        message = f"not valid YAML: {e.problem or e.context}"
        if mark is None:
            raise ScenarioError.single(message, file=name) from None
        raise _error_at(message, name, mark) from None
    except yaml.YAMLError as e:
        raise ScenarioError.single(f"not valid YAML: {e}", file=name) from None
    except (ValueError, TypeError, OverflowError) as e:  # a tagged scalar that cannot be built
        raise ScenarioError.single(f"a value cannot be read: {e}", file=name) from None


def _error_at(message: str, name: str, mark: Any) -> ScenarioError:
    """A ScenarioError at a YAML mark (0-based line and column) of file `name`."""
    return ScenarioError.single(message, file=name, line=mark.line + 1, column=mark.column + 1)


def _children(node: yaml.Node) -> list[yaml.Node]:
    """A node's keys and values (a mapping) or items (a sequence); none for a scalar."""
    if isinstance(node, yaml.MappingNode):
        return [x for kv in node.value for x in kv]
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def _check_flow_depth(text: str, name: str) -> None:
    """Refuse flow collections nested deeper than MAX_DEPTH, from the text itself."""
    deepest = deepest_flow(text, MAX_DEPTH)
    if deepest.depth > MAX_DEPTH:
        raise ScenarioError.single(
            f"nested more than {MAX_DEPTH} levels deep",
            file=name,
            line=deepest.line + 1,
            column=deepest.column + 1,
        )


def _check_depth(text: str, name: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH, from the parser's flat event stream."""
    parser = _Loader(text)
    try:
        depth = 0
        while parser.check_event():
            event = parser.get_event()
            if isinstance(event, _OPEN):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _error_at(
                        f"nested more than {MAX_DEPTH} levels deep", name, event.start_mark
                    )
            elif isinstance(event, _CLOSE):
                depth -= 1
    finally:
        parser.dispose()


def _check_expansion(root: yaml.Node, name: str) -> None:
    """Refuse a tree that, once aliases are expanded (an alias is the same node object
    reached twice), stands for more than MAX_NODES nodes, nests deeper than MAX_DEPTH, or
    contains itself. Every later walk of the data is then bounded too."""
    memo: dict[int, tuple[int, int]] = {}  # node -> (nodes below and including it, height)
    busy: set[int] = set()

    def refuse(message: str, node: yaml.Node) -> ScenarioError:
        return ScenarioError.single(message, file=name, line=node.start_mark.line + 1)

    def walk(node: yaml.Node, level: int) -> tuple[int, int]:
        key = id(node)
        if level > MAX_DEPTH:
            raise refuse(f"nested more than {MAX_DEPTH} levels deep, aliases expanded", node)
        if key in busy:
            raise refuse("an alias refers to the node that contains it", node)
        count, height = memo.get(key) or (0, 0)
        if not count:
            busy.add(key)
            below = [walk(c, level + 1) for c in _children(node)]
            busy.discard(key)
            count = 1 + sum(c for c, _ in below)
            height = 1 + max((h for _, h in below), default=0)
            memo[key] = (count, height)
        if level + height - 1 > MAX_DEPTH:  # an alias reached again, deeper than before
            raise refuse(f"nested more than {MAX_DEPTH} levels deep, aliases expanded", node)
        if count > MAX_NODES:
            raise refuse(
                f"expands to more than {MAX_NODES:,} values (anchors and aliases repeat "
                "what they name); write the values out or make the file smaller",
                node,
            )
        return count, height

    walk(root, 0)


def _check_dates(loader: Any, root: yaml.Node, name: str) -> None:
    """Every scalar YAML reads as a timestamp must be a date that exists."""
    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode) and node.tag == _TIMESTAMP:
            try:
                loader.construct_yaml_timestamp(node)
            except (ValueError, OverflowError) as e:
                message = f"'{node.value}' is not a date ({e}); write dates as YYYY-MM-DD"
                raise _error_at(message, name, node.start_mark) from None
        stack.extend(_children(node))
