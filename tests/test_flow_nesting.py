"""The flow-nesting scan reads a YAML text's flow depth without a parser
(:mod:`sim.scenario.flow_nesting`); it must agree with the parser on every text a writer
of YAML produces, or a valid scenario could be refused (scan too deep) or a hostile one
reach the parser's own limit (scan too shallow).

The oracle is PyYAML's pure-Python parser: the deepest point of its event stream counted
over flow collections only.
"""

from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.scenario.flow_nesting import deepest_flow


def parser_flow_depth(text: str) -> int:
    """The deepest flow nesting of `text`, by the parser's events."""
    depth = deepest = 0
    stack: list[bool] = []
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            stack.append(bool(event.flow_style))
            depth += event.flow_style is True
            deepest = max(deepest, depth)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= stack.pop()
    return deepest


# Text that is hard for a scan: brackets, quotes, comment marks, block indicators, colons,
# dashes, spaces and line breaks, in any order.
WORDS = st.text(alphabet="ab[]{}'\"#|>:-,&!* \n", max_size=12)
LEAVES = st.one_of(WORDS, st.integers(-5, 5), st.booleans(), st.none())
TREES = st.recursive(
    LEAVES,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(WORDS, inner, max_size=4)),
    max_leaves=25,
)
STYLES = st.sampled_from([None, True, False])


@settings(max_examples=400, deadline=None)
@given(tree=TREES, flow=STYLES, width=st.sampled_from([8, 30, 80, 10_000]))
def test_the_scan_agrees_with_the_parser_on_whatever_yaml_dump_writes(tree, flow, width):
    text = yaml.safe_dump({"a": tree}, default_flow_style=flow, width=width, allow_unicode=True)
    assert deepest_flow(text).depth == parser_flow_depth(text), text


@settings(max_examples=200, deadline=None)
@given(tree=TREES, width=st.sampled_from([8, 80]))
def test_block_scalars_and_comments_hide_their_brackets(tree, width):
    """Text inside a block scalar or after a comment mark is never counted."""
    noise = "[[[{{{ '\" # | >"
    # a mapping holding a collection is written in block style, its leaves in flow style
    body = yaml.safe_dump({"a": tree, "b": [[1]]}, default_flow_style=None, width=width)
    text = f"# {noise}\nnote: |\n  {noise}\n  {noise}\nwrapped: >-\n  {noise}\n{body}"
    assert deepest_flow(text).depth == parser_flow_depth(text), text


def test_hand_made_cases():
    cases = {
        "a: [[1]]": 2,
        'a: "[[["': 0,
        "a: it's [x": 0,
        "a: '[[[''[['": 0,
        "x: a[b": 0,
        "k: {a: [1, {b: 2}]}": 3,
        "a: |\n  [[[[\n  [[\nb: [1]": 1,
        "- a: |\n    [[[\n  b: [[2]]": 2,
        "a: long text\n  [[[ more\nb: [[1]]": 2,
        "- item\n  [[[\n- [[1]]": 2,
        "a: &x [[1]]\nb: !!seq [[[2]]]": 3,
        "a: [\n [\n  [1]\n ]\n]": 3,
    }
    for text, depth in cases.items():
        assert parser_flow_depth(text) == depth, text
        assert deepest_flow(text).depth == depth, text


def test_the_deepest_point_is_placed_where_it_is():
    deepest = deepest_flow("a: 1\nb: [x, [y, [z]]]\n")
    assert (deepest.depth, deepest.line, deepest.column) == (3, 1, 11)


def test_a_hostile_line_is_read_only_as_far_as_the_limit():
    deepest = deepest_flow("a: " + "[" * 200_000, limit=64)
    assert deepest.depth == 65 and deepest.column == 3 + 64
