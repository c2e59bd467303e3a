"""Where each value of a YAML document was written, keyed by the path of keys that leads to it.

The checks on front matter report a problem at the value it is about (`quotes[2].by` on its own
line), but the Python values PyYAML constructs forget where they came from: the places are read
from the composed nodes before that. Both `frontmatter.load_yaml` and the one walk of
`yaml_limits.Shape` place values this way, so the rules of placing live here, once.
"""

from __future__ import annotations

from collections.abc import Hashable

import yaml

PLACE_DEPTH = 3
"""Places are kept down to `field[index].subfield`, as deep as any check needs to point."""

KeyPath = tuple[Hashable, ...]
LineCol = tuple[int, int]
"""A 1-based (line, column) in the file: a front matter holds many values, and a plain tuple
costs a tenth of a `Place` to make; `Document` makes the `Place` when a check asks for one."""


def node_places(
    root: yaml.Node, first_line: int, lines: list[str] | None = None
) -> tuple[dict[KeyPath, LineCol], dict[KeyPath, LineCol]]:
    """Places of values and keys down to PLACE_DEPTH levels, keyed by their key path.

    A block scalar (`a: |` then indented lines) is placed at its first content line and column,
    not at the `|`, so that a problem inside a multi-line Markdown answer gets its own line.
    """
    values: dict[KeyPath, LineCol] = {}
    keys: dict[KeyPath, LineCol] = {}
    stack: list[tuple[KeyPath, yaml.Node]] = [((), root)]
    while stack:
        key_path, node = stack.pop()
        if len(key_path) >= PLACE_DEPTH:
            continue
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    child = (*key_path, key.value)
                    values[child] = node_place(value, first_line, lines)
                    keys[child] = node_place(key, first_line, lines)
                    stack.append((child, value))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                child = (*key_path, index)
                values[child] = node_place(item, first_line, lines)
                stack.append((child, item))
    return values, keys


def node_place(node: yaml.Node, first_line: int, lines: list[str] | None) -> LineCol:
    """Where a node was written; a block scalar at its first content line (see `node_places`)."""
    mark = node.start_mark
    if lines and isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
        return _block_scalar_place(lines, mark.line + 1, first_line)
    return mark.line + first_line, mark.column + 1


def _block_scalar_place(lines: list[str], start: int, first_line: int) -> LineCol:
    """A block scalar's first content line (0-based `start` in `lines`; YAML keeps leading blank
    lines in the value, so line N of the value is file line `start` + N) and its indentation.

    The lines are read in place, not sliced: a slice per block scalar copied the rest of the
    file each time, quadratic in a front matter of many block scalars."""
    for index in range(start, len(lines)):
        text = lines[index]
        if text.strip():
            return start + first_line, len(text) - len(text.lstrip(" ")) + 1
    return start + first_line, 1
