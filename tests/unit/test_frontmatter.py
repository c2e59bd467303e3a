"""Front matter: decoding, splitting, safe YAML loading, and the places of values."""

from __future__ import annotations

import pytest

from sitegen.core.diagnostics import Diagnostic, Place
from sitegen.stages.frontmatter import (
    Document,
    decode,
    describe,
    parse_document,
    split,
)
from sitegen.stages.yaml_limits import MAX_DEPTH, MAX_EXPANDED_NODES

PATH = "content/a.md"


def parsed(raw: bytes | str) -> Document:
    document, problems = parse_document(PATH, raw.encode() if isinstance(raw, str) else raw)
    assert problems == [], problems
    assert document is not None
    return document


def problem(raw: bytes | str) -> Diagnostic:
    document, problems = parse_document(PATH, raw.encode() if isinstance(raw, str) else raw)
    assert document is None
    assert len(problems) == 1, problems
    return problems[0]


def test_simple_document() -> None:
    doc = parsed("---\ntitle: T\ndate: 2025-01-02\n---\nBody line.\n")
    assert doc.data["title"] == "T"
    assert doc.body == "Body line.\n"
    assert doc.body_line == 5


def test_bom_is_ignored() -> None:
    doc = parsed(b"\xef\xbb\xbf---\ntitle: T\n---\nBody\n")
    assert doc.data == {"title": "T"}


def test_crlf_line_ends_are_normalised() -> None:
    doc = parsed(b"---\r\ntitle: T\r\nkey_points:\r\n  - a\r\n---\r\nBody\r\nmore\r\n")
    assert doc.data == {"title": "T", "key_points": ["a"]}
    assert doc.body == "Body\nmore\n"
    assert doc.place("key_points", 0) == Place(PATH, 4, 5)


def test_lone_cr_line_ends_are_normalised() -> None:
    doc = parsed(b"---\rtitle: T\rdate: x\r---\rBody\r")
    assert doc.data == {"title": "T", "date": "x"}
    assert doc.place("date") == Place(PATH, 3, 7)
    assert doc.body_line == 5


def test_bom_and_crlf_together() -> None:
    doc = parsed(b"\xef\xbb\xbf---\r\ntitle: T\r\n---\r\n")
    assert doc.data == {"title": "T"}


def test_dots_close_front_matter_too() -> None:
    assert parsed("---\ntitle: T\n...\nBody\n").body == "Body\n"


def test_empty_front_matter_is_an_empty_mapping() -> None:
    assert parsed("---\n---\n").data == {}


@pytest.mark.parametrize("raw", ["", "\n", "# Title\n", " ---\ntitle: T\n---\n", "title: T\n"])
def test_missing_front_matter(raw: str) -> None:
    found = problem(raw)
    assert (found.line, found.col) == (1, 1)
    assert "missing front matter" in found.message


@pytest.mark.parametrize("raw", ["---", "---\n", "---\ntitle: T\n", "---\ntitle: T\n--\n"])
def test_unclosed_front_matter(raw: str) -> None:
    found = problem(raw)
    assert "never closed" in found.message
    assert (found.line, found.col) == (1, 1)


@pytest.mark.parametrize(
    ("yaml_text", "got"),
    [("- a\n- b\n", "a list"), ("42\n", "a number (42)"), ("just text\n", "text (just text)")],
)
def test_front_matter_must_be_a_mapping(yaml_text: str, got: str) -> None:
    found = problem(f"---\n{yaml_text}---\n")
    assert found.message.endswith(got)
    assert found.line == 2


@pytest.mark.parametrize("key", ["[a, b]", "{a: b}"])
def test_keys_must_be_plain(key: str) -> None:
    found = problem(f"---\ntitle: T\n? {key}\n: value\n---\n")
    assert "plain name" in found.message
    assert (found.line, found.col) == (3, 3)


def test_alias_bomb_is_refused() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for index in range(1, 9):
        name, previous = chr(97 + index), chr(96 + index)
        lines.append(f"{name}: &{name} [{', '.join(['*' + previous] * 10)}]")
    found = problem("---\n" + "\n".join(lines) + "\n---\n")
    assert "aliases" in found.message
    assert found.line == 2


def test_aliases_within_the_limit_are_fine() -> None:
    doc = parsed("---\nbase: &b {role: X}\nactors: [*b, *b]\n---\n")
    assert doc.data["actors"] == [{"role": "X"}, {"role": "X"}]
    assert MAX_EXPANDED_NODES > 10


@pytest.mark.parametrize("yaml_text", ["a: &a [*a]\n", "a: &a {b: *a}\n", "&a [x, *a]\n"])
def test_recursive_alias_is_refused(yaml_text: str) -> None:
    assert "endless" in problem(f"---\n{yaml_text}---\n").message


@pytest.mark.parametrize("depth", [100, 10_000])
def test_deep_nesting_does_not_raise(depth: int) -> None:
    document, problems = parse_document(PATH, f"---\na: {'[' * depth}{']' * depth}\n---\n".encode())
    assert document is not None or problems


def test_nesting_past_the_limit_is_refused_where_it_happens() -> None:
    found = problem(f"---\ntitle: T\nextra: {'[' * (MAX_DEPTH + 5)}{']' * (MAX_DEPTH + 5)}\n---\n")
    assert "nested more than" in found.message
    assert (found.line, found.col) == (3, 7 + MAX_DEPTH)  # the document is level 1


def test_nesting_within_the_limit_is_fine() -> None:
    depth = MAX_DEPTH - 1
    assert parsed(f"---\nextra: {'[' * depth}{']' * depth}\n---\n").data["extra"]


def test_deep_block_nesting_does_not_raise() -> None:
    text = "".join(f"{'  ' * level}k:\n" for level in range(3000))
    document, problems = parse_document(PATH, f"---\n{text}---\n".encode())
    assert document is not None or problems


def test_invalid_utf8_points_at_its_line_and_byte() -> None:
    found = problem(b"---\ntitle: T\nsummary: caf\xe9 ok\n---\n")
    assert "not valid UTF-8" in found.message
    assert (found.line, found.col) == (3, 13)


def test_invalid_utf8_after_valid_multibyte_text() -> None:
    found = problem("---\ntitle: \u00e9\u00e9\n".encode() + b"\n\xff\n---\n")
    assert found.line == 4


def test_nul_byte_is_refused_with_its_line() -> None:
    found = problem(b"---\ntitle: T\n\nbad\x00\n---\n")
    assert "NUL" in found.message
    assert (found.line, found.col) == (4, 4)


def test_decode_normalises_line_ends() -> None:
    assert decode(PATH, b"a\r\nb\rc\n") == ("a\nb\nc\n", [])


def test_split_reports_the_body_line() -> None:
    assert split(PATH, "---\na: 1\n---\nbody") == ("a: 1", "body", 4)


@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object/apply:os.system ['true']",
        "!!python/name:os.system",
        "!!python/object:builtins.object {}",
        "!custom value",
    ],
)
def test_no_tag_constructs_python_objects(tag: str) -> None:
    found = problem(f"---\ntitle: {tag}\n---\n")
    assert "invalid YAML" in found.message
    assert (found.line, found.col) == (2, 8)


def test_yaml_syntax_error_has_its_place() -> None:
    found = problem("---\ntitle: T\nkey_points: [a, b\n---\n")
    assert found.message.startswith("invalid YAML")
    assert (found.line, found.col) == (3, 13)  # where the unclosed `[` opens


def test_colon_in_a_value_gets_a_hint() -> None:
    found = problem('---\nquotes:\n  - by: x\n    text: He said: "No"\n---\n')
    assert (found.line, found.col) == (4, 18)
    assert "in quotes" in found.message


def test_impossible_date_stays_text() -> None:
    assert parsed("---\ndate: 2025-02-30\n---\n").data["date"] == "2025-02-30"


def test_places_of_nested_values() -> None:
    doc = parsed(
        "---\n"
        "title: T\n"
        "quotes:\n"
        "  - text: First\n"
        "    by: putin\n"
        "  - {text: Second, by: trump}\n"
        "image:\n"
        "  src: a.jpg\n"
        "---\n"
    )
    assert doc.place("title") == Place(PATH, 2, 8)
    assert doc.place("quotes") == Place(PATH, 4, 3)
    assert doc.place("quotes", 0) == Place(PATH, 4, 5)
    assert doc.place("quotes", 0, "by") == Place(PATH, 5, 9)
    assert doc.place("quotes", 1, "by") == Place(PATH, 6, 24)
    assert doc.place("image", "src") == Place(PATH, 8, 8)
    assert doc.key_place("image") == Place(PATH, 7, 1)


def test_place_falls_back_to_the_nearest_enclosing_value() -> None:
    doc = parsed("---\nextra:\n  a:\n    b:\n      c: 1\n---\n")
    assert doc.place("extra", "a", "b", "c") == doc.place("extra", "a", "b")
    assert doc.place("missing") == Place(PATH, 1, 1)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ({"Trump said": "No"}, "a mapping (Trump said: No)"),
        ({}, "a mapping"),
        ([1], "a list"),
        ({1, 2}, "a list"),
        (True, "a true/false value (true)"),
        (2025, "a number (2025)"),
        (None, "nothing (an empty value)"),
        (b"x", "binary data"),
        ("x" * 50, "text (" + "x" * 39 + "\u2026)"),
    ],
)
def test_describe(value: object, text: str) -> None:
    assert describe(value) == text


def test_block_scalars_are_placed_at_their_first_content_line() -> None:
    doc = parsed("---\nsummary: |\n\n    Indented text\n    more\nnote: >-\n  folded\n---\n")
    assert doc.place("summary") == Place(PATH, 3, 5)  # its value starts with the blank line
    assert doc.place("note") == Place(PATH, 7, 3)
    assert doc.data["summary"] == "\nIndented text\nmore\n"


def test_invalid_utf8_column_counts_characters_not_bytes() -> None:
    found = problem("---\nsummary: caf\u00e9 \u2014 ".encode() + b"\xff\n---\n")
    assert (found.line, found.col) == (2, 17)


def test_nul_byte_line_counts_lone_cr_line_ends() -> None:
    found = problem(b"---\rtitle: T\r\rab\x00\r---\r")
    assert (found.line, found.col) == (4, 3)


def test_invalid_utf8_line_counts_lone_cr_line_ends() -> None:
    found = problem(b"---\rtitle: T\r\rab\xff\r---\r")
    assert (found.line, found.col) == (4, 3)
