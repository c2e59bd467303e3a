"""The limits that refuse hostile YAML, checked before any of it becomes Python values.

A content file may come from anyone, and a few lines of YAML can ask for a great deal: aliases
that expand to millions of nodes ("billion laughs"), nesting deep enough to crash libyaml's
recursive composer, mapping keys that are lists. Here are the limits, the text-only test of
whether the parser's event pass (`frontmatter._too_deep`) must run at all, the one walk over the
composed nodes that finds shared nodes and bad keys, and the count of nodes once aliases are
expanded. `frontmatter.load_yaml` runs them in that order.
"""

from __future__ import annotations

import re
from itertools import islice

import yaml

from sitegen.core.diagnostics import Diagnostic, Place
from sitegen.stages.yaml_places import PLACE_DEPTH, KeyPath, LineCol, node_place

MAX_EXPANDED_NODES = 200_000
"""Refuse YAML whose aliases add more than this many nodes to those written ("billion laughs").

Counted beyond the written nodes, not in all: a long but honest file (100,000 actors) is bounded
by the file size limit, and only expansion, which costs nothing to write, needs a limit here."""

MAX_DEPTH = 100
"""Refuse YAML nested deeper than this: libyaml composes recursively in C, and tens of thousands
of levels crash the process (a segmentation fault, not even a traceback)."""

_DEPTH_INDICATORS = re.compile(r"[\[{:?]|-(?!\S)")
"""Every YAML collection opens at a character of its own that this matches: `[` or `{` (flow),
`- ` (block sequence), `:` or `?` (a mapping's first entry; in flow context with no space
after). Nested collections open at different characters, so a text with at most MAX_DEPTH of
them cannot nest deeper."""

_NODE_STARTS = "-:?[{,\n"
"""What can stand before a node (spaces and tabs aside): a line start, `- `, `: `, `? ` and the
flow indicators. An alias `*name` can only start a node; an anchor `&name` may also follow a
tag, so any space before it counts too."""

_RARE_STARTS = "\r\x85\u2028\u2029\ufeff"
"""Other line breaks libyaml knows, and the byte-order mark it skips at a line start: a text
with one of them is left to the full check rather than reasoned about."""


def _may_fail_composing(yaml_text: str) -> bool:
    """Whether composing could fail before parsing would: at an alias (undefined), an anchor
    (duplicate) or a second document (`---` or `...` at a line start). Conservative:
    `*emphasis*` inside a sentence is no alias, `- *emphasis*` may be one."""
    text = "\n" + yaml_text
    if "\n---" in text or "\n..." in text or any(map(text.__contains__, _RARE_STARTS)):
        return True
    at = text.find("&")
    while at != -1:
        if text[at - 1] in _NODE_STARTS + " \t":
            return True
        at = text.find("&", at + 1)
    at = text.find("*")
    while at != -1:
        before = at - 1
        while text[before] in " \t":  # stops at the leading "\n" at the latest
            before -= 1
        if text[before] in _NODE_STARTS:
            return True
        at = text.find("*", at + 1)
    return False


def needs_event_pass(yaml_text: str) -> bool:
    """Whether `frontmatter._too_deep` must run before composing; False only when it is certain
    to find nothing and to change nothing, which true front matter almost always is.

    It finds nesting past MAX_DEPTH, which cannot happen with at most MAX_DEPTH indicators
    (counted cheaply first: every indicator is one of `[{:?-`). And it parses the whole text
    first, so a syntax error is reported even where composing would stop earlier.
    """
    if _may_fail_composing(yaml_text):
        return True
    if sum(map(yaml_text.count, "[{:?-")) <= MAX_DEPTH:
        return False
    beyond_the_limit = islice(_DEPTH_INDICATORS.finditer(yaml_text), MAX_DEPTH, None)
    return next(beyond_the_limit, None) is not None


class Shape:
    """What the checks after composing need, from one walk over the node graph instead of one
    walk per check (five walks were over a third of a cold build's parse stage):

    - `values` and `keys`: the places `node_places` gives, exact when no node is `shared`;
    - `shared`: some node is reached twice, through an alias; only then can aliases expand the
      document, so only then does `expanded_size` need to run;
    - `unique`: how many distinct nodes were written;
    - `bad_key`: the first mapping key that is not a plain scalar (`[a, b]: x` would not even
      be hashable), in the order the nodes are walked.
    """

    def __init__(self, path: str, root: yaml.Node, first_line: int, lines: list[str]) -> None:
        self.values: dict[KeyPath, LineCol] = {}
        self.keys: dict[KeyPath, LineCol] = {}
        self.shared = False
        self.bad_key: Diagnostic | None = None
        self._seen: set[int] = set()
        # Collections are pushed in order and popped last first, like `node_places` does, so
        # places and the first bad key are found in the same order as one walk per check did.
        # Scalars have no children: they are only counted, without a trip through the stack.
        stack: list[tuple[KeyPath | None, yaml.Node]] = [((), root)]
        while stack:
            key_path, node = stack.pop()
            if self._seen_before(node):
                continue
            # The key path the node's children are placed under; None when they are not placed.
            parent = key_path if key_path is not None and len(key_path) < PLACE_DEPTH else None
            if isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    child = None
                    if not isinstance(key, yaml.ScalarNode):
                        self._bad_key(path, key, first_line)
                        stack.append((None, key))
                    else:
                        self._seen_before(key)
                        if parent is not None:
                            child = (*parent, key.value)
                            self.values[child] = node_place(value, first_line, lines)
                            self.keys[child] = node_place(key, first_line, lines)
                    self._push(stack, child, value)
            elif isinstance(node, yaml.SequenceNode):
                for index, item in enumerate(node.value):
                    child = None
                    if parent is not None:
                        child = (*parent, index)
                        self.values[child] = node_place(item, first_line, lines)
                    self._push(stack, child, item)
        self.unique = len(self._seen)

    def _seen_before(self, node: yaml.Node) -> bool:
        """Count `node` as walked; True (and `shared`) when it was walked already."""
        if id(node) in self._seen:
            self.shared = True
            return True
        self._seen.add(id(node))
        return False

    def _push(
        self,
        stack: list[tuple[KeyPath | None, yaml.Node]],
        key_path: KeyPath | None,
        node: yaml.Node,
    ) -> None:
        if isinstance(node, yaml.ScalarNode):
            self._seen_before(node)
        else:
            stack.append((key_path, node))

    def _bad_key(self, path: str, key: yaml.Node, first_line: int) -> None:
        if self.bad_key is None:
            mark = key.start_mark
            self.bad_key = Place(path, mark.line + first_line, mark.column + 1).error(
                "a YAML key must be a plain name, not a list or mapping"
            )


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [child for pair in node.value for child in pair]
    return []


def expanded_size(root: yaml.Node, limit: int = MAX_EXPANDED_NODES) -> int:
    """How many nodes the document has once every alias is expanded.

    An iterative post-order walk, memoised per node, so it is linear in the YAML text even for
    an alias bomb, and it stops as soon as the count passes `limit`. A recursive alias (a node
    inside itself) expands without end, so it counts as past the limit.
    """
    sizes: dict[int, int] = {}
    in_progress: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if children_done:
            total = 1 + sum(sizes.get(id(child), 1) for child in _children(node))
            if total > limit:
                return total
            sizes[id(node)] = total
            in_progress.discard(id(node))
        elif id(node) not in sizes and id(node) not in in_progress:
            in_progress.add(id(node))
            stack.append((node, True))
            for child in _children(node):
                if id(child) in in_progress:  # an ancestor: the alias is recursive
                    return limit + 1
                stack.append((child, False))
    return sizes[id(root)]
