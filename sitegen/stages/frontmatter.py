"""Stage 2a: split a content file into YAML front matter and a Markdown body.

The YAML is composed into nodes first so that every value keeps the line and column PyYAML marks
for it; later checks point at the exact item (`quotes[2].by`), not just the file. Only the safe
loader is used (libyaml's CSafeLoader when present): no YAML tag can construct a Python object.

What refuses hostile YAML (alias bombs, deep nesting, keys that are lists) is in `yaml_limits.py`,
and how a value's place is read from its node in `yaml_places.py`.
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import yaml

from sitegen.core.diagnostics import Diagnostic, Place
from sitegen.stages.yaml_limits import (
    MAX_DEPTH,
    MAX_EXPANDED_NODES,
    Shape,
    expanded_size,
    needs_event_pass,
)
from sitegen.stages.yaml_places import KeyPath, LineCol, node_places

HAS_LIBYAML = hasattr(yaml, "CSafeLoader")

if TYPE_CHECKING:
    # The checker sees libyaml's loader. The pure-Python one, used where libyaml is missing, has
    # the same methods: CParser stands in for its Reader, Scanner, Parser and Composer.
    _BaseLoader = yaml.CSafeLoader
else:
    _BaseLoader = yaml.CSafeLoader if HAS_LIBYAML else yaml.SafeLoader


class SafeLoader(_BaseLoader):
    """The safe loader, except that an impossible date (`2025-13-01`) stays text.

    The field check then reports it at its own line, and the rest of the file is still checked,
    instead of one bad date hiding every other problem in the file.
    """


def _timestamp_or_text(loader: SafeLoader, node: yaml.ScalarNode) -> object:
    # An explicit `!!timestamp yesterday` reaches here without matching the date pattern, and
    # PyYAML's constructor would fail on it with an AttributeError.
    if yaml.SafeLoader.timestamp_regexp.match(node.value) is None:
        return node.value
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError):
        return node.value


SafeLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)

_NOT_XML_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters XML 1.0 forbids outright: one of them in a title would make feed.xml and
sitemap.xml unreadable to every feed reader. `decode` replaces those written as they are;
`_text` those written as YAML escapes (`"\\v"`, `"\\x01"`, `"\\0"`)."""


def _text(loader: SafeLoader, node: yaml.ScalarNode) -> str:
    return _NOT_XML_TEXT.sub(" ", yaml.SafeLoader.construct_yaml_str(loader, node))


SafeLoader.add_constructor("tag:yaml.org,2002:str", _text)
COLON_HINT = (
    "; a value with `: ` in it (`text: He said: no`) must be written in quotes "
    "(`text: 'He said: no'`)"
)


@dataclass(frozen=True, slots=True)
class Document:
    """A content file's front matter and body, with where each value stands in the file."""

    path: str
    data: dict[str, Any]
    body: str
    body_line: int
    """The 1-based file line on which the body starts."""
    value_places: dict[KeyPath, LineCol] = field(default_factory=dict)
    key_places: dict[KeyPath, LineCol] = field(default_factory=dict)

    def place(self, *key_path: Hashable) -> Place:
        """Where the value at `key_path` was written; the nearest enclosing value otherwise."""
        path = tuple(key_path)
        while path:
            found = self.value_places.get(path)
            if found is not None:
                return Place(self.path, *found)
            path = path[:-1]
        return Place(self.path, 1, 1)

    def key_place(self, key: str) -> Place:
        """Where a top-level key was written (for "unknown field" messages)."""
        found = self.key_places.get((key,))
        return Place(self.path, *found) if found else self.place(key)


def decode(path: str, raw: bytes) -> tuple[str | None, list[Diagnostic]]:
    """Text of a file: UTF-8 (BOM tolerated), line ends normalised to `\\n`.

    Line ends are normalised in the bytes first (a CR byte is never part of a UTF-8 sequence), so
    a problem's line is right whichever line ends the file uses.
    """
    raw = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        line_start = raw.rfind(b"\n", 0, err.start) + 1
        col = len(raw[line_start : err.start].decode("utf-8", "replace")) + 1  # characters
        return None, [Place(path, line, col).error("file is not valid UTF-8 text")]
    if "\x00" in text:
        at = text.index("\x00")
        place = Place(path, text[:at].count("\n") + 1, at - text.rfind("\n", 0, at))
        return None, [place.error("file contains a NUL byte; is it a binary file?")]
    return _without_control_characters(path, text)


def _without_control_characters(path: str, text: str) -> tuple[str, list[Diagnostic]]:
    """The text with each control character replaced by a space (columns stay right), and a
    warning at the first one: they come from copy-paste (Word's vertical tab) and are never
    meant."""
    found = _NOT_XML_TEXT.search(text)
    if found is None:
        return text, []
    line = text.count("\n", 0, found.start()) + 1
    col = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
    count = len(_NOT_XML_TEXT.findall(text))
    message = f"control character U+{ord(found.group()):04X} replaced by a space" + (
        f" ({count} in this file)" if count > 1 else ""
    )
    return _NOT_XML_TEXT.sub(" ", text), [Place(path, line, col).warning(message)]


def split(path: str, text: str) -> tuple[str, str, int] | Diagnostic:
    """The front-matter text, the body and the body's first line; or why there is none."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return Place(path, 1, 1).error(
            "missing front matter: the file must start with a `---` line, then YAML fields, "
            "then another `---` line"
        )
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            yaml_text = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1 :])
            return yaml_text, body, index + 2
    return Place(path, 1, 1).error("front matter opened here is never closed with a `---` line")


def parse_document(path: str, raw: bytes) -> tuple[Document | None, list[Diagnostic]]:
    """Decode, split and load one content file; every problem comes back as a diagnostic."""
    text, problems = decode(path, raw)
    if text is None:
        return None, problems
    parts = split(path, text)
    if isinstance(parts, Diagnostic):
        return None, [*problems, parts]
    yaml_text, body, body_line = parts
    loaded = load_yaml(path, yaml_text, first_line=2)
    if isinstance(loaded, Diagnostic):
        return None, [*problems, loaded]
    data, value_places, key_places = loaded
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return None, [
            *problems,
            Place(path, 2, 1).error(
                f"front matter must be a mapping of `field: value` lines, got {describe(data)}"
            ),
        ]
    return Document(path, data, body, body_line, value_places, key_places), problems


def load_yaml(
    path: str, yaml_text: str, *, first_line: int
) -> tuple[Any, dict[KeyPath, LineCol], dict[KeyPath, LineCol]] | Diagnostic:
    """Safe-load one YAML document and map key paths to places in the file.

    `first_line` is the file line on which `yaml_text` starts, so marks become file lines.
    """
    loader = SafeLoader(yaml_text)
    try:
        too_deep = _too_deep(yaml_text) if needs_event_pass(yaml_text) else None
        if too_deep is not None:
            return Place(path, too_deep.line + first_line, too_deep.column + 1).error(
                f"YAML is nested more than {MAX_DEPTH} levels deep; refusing it"
            )
        node = loader.get_single_node()
        if node is None:
            return None, {}, {}
        lines = yaml_text.split("\n")
        shape = Shape(path, node, first_line, lines)
        value_places, key_places = shape.values, shape.keys
        if shape.shared:
            limit = MAX_EXPANDED_NODES + shape.unique
            if expanded_size(node, limit) > limit:
                return Place(path, first_line, 1).error(
                    "YAML aliases expand to a huge or endless document; refusing it"
                )
            # An alias puts one node at several key paths; the walk placed it at its first only.
            value_places, key_places = node_places(node, first_line, lines)
        if shape.bad_key is not None:
            return shape.bad_key
        data = _construct(loader, node, shared=shape.shared)
    except yaml.MarkedYAMLError as err:
        return _yaml_error(path, err, first_line)
    except yaml.YAMLError as err:
        return Place(path, first_line, 1).error(f"invalid YAML: {err}")
    except RecursionError:
        return Place(path, first_line, 1).error("YAML is nested too deeply")
    except (ValueError, OverflowError) as err:
        # The safe constructor raises these for values such as `2025-02-30` or huge exponents.
        return Place(path, first_line, 1).error(f"invalid YAML value: {err}")
    finally:
        loader.dispose()
    return data, value_places, key_places


_PLAIN_SCALAR_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp")
)
_SEQUENCE_TAG = "tag:yaml.org,2002:seq"
_MAPPING_TAG = "tag:yaml.org,2002:map"


class _NotPlain(Exception):
    """A node the direct construction leaves to PyYAML (a merge key, `!!set`, `!!binary`...)."""


def _construct(loader: SafeLoader, root: yaml.Node, *, shared: bool) -> Any:
    """The Python value of a composed document, as `construct_document` gives it.

    PyYAML's constructor defers every collection through generators so that an alias may point
    into a collection still being built; without aliases that bookkeeping is pure cost (0.09 s
    of the 1k corpus's 0.55 s parse stage). Plain documents (scalars, lists and mappings of the
    core tags) are built directly with the loader's own scalar constructors; anything else, and
    any error, is left to `construct_document`, so its value and message stay PyYAML's.
    """
    if not shared:
        try:
            return _construct_plain(loader, root)
        except Exception:  # PyYAML raises it again below, in its own order
            pass
    return loader.construct_document(root)


def _construct_plain(loader: SafeLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        if node.tag not in _PLAIN_SCALAR_TAGS:
            raise _NotPlain
        return loader.yaml_constructors[node.tag](loader, node)
    if isinstance(node, yaml.SequenceNode) and node.tag == _SEQUENCE_TAG:
        return [_construct_plain(loader, item) for item in node.value]
    if not isinstance(node, yaml.MappingNode) or node.tag != _MAPPING_TAG:
        raise _NotPlain
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise _NotPlain
        key = _construct_plain(loader, key_node)
        mapping[key] = _construct_plain(loader, value_node)
    return mapping


class _Mark(Protocol):
    """A place in the YAML text, as PyYAML's `yaml.Mark` and libyaml's `yaml._yaml.Mark` give it."""

    line: int
    column: int


def _too_deep(yaml_text: str) -> _Mark | None:
    """Where the YAML first nests deeper than MAX_DEPTH, found from the parser's events alone
    (the parser keeps its own stack, so it is safe at any depth); None when it never does."""
    parser = SafeLoader(yaml_text)
    try:
        depth = 0
        while (event := parser.get_event()) is not None:
            if isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return event.start_mark
            elif isinstance(event, yaml.SequenceEndEvent | yaml.MappingEndEvent):
                depth -= 1
    finally:
        parser.dispose()
    return None


def _yaml_error(path: str, err: yaml.MarkedYAMLError, first_line: int) -> Diagnostic:
    """The error at the line to fix: an unclosed `[`, `{` or quote is reported where it opens
    (YAML itself notices only lines later, often at the closing `---`)."""
    mark = err.problem_mark or err.context_mark
    if err.problem_mark and err.context_mark and err.context_mark.line < err.problem_mark.line:
        mark = err.context_mark
    line = mark.line + first_line if mark else first_line
    col = mark.column + 1 if mark else 1
    problem = err.problem or "invalid YAML"
    context = f" ({err.context})" if err.context else ""
    hint = COLON_HINT if problem.startswith("mapping values are not allowed") else ""
    return Place(path, line, col).error(f"invalid YAML: {problem}{context}{hint}")


def describe(value: object) -> str:
    """How a YAML value reads to a writer: "a mapping (Trump said: …)", "a number (2025)"."""
    if isinstance(value, dict):
        first = next(iter(value.items()), None)
        shown = f" ({first[0]}: {_short(first[1])})" if first else ""
        return f"a mapping{shown}"
    if isinstance(value, list | set | tuple):
        return "a list"
    if isinstance(value, bool):
        return f"a true/false value ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if value is None:
        return "nothing (an empty value)"
    type_name = type(value).__name__
    if type_name in ("date", "datetime"):
        return f"a date ({value})"
    if isinstance(value, bytes):
        return "binary data"
    return f"text ({_short(value)})"


def _short(value: object) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"
