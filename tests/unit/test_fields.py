"""Typed reads of front-matter values: every wrong value reported at its own line, once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from sitegen.stages.fields import FieldReader, to_timestamp
from sitegen.stages.frontmatter import parse_document

PATH = "content/a.md"
PARIS = ZoneInfo("Europe/Paris")


def reader(yaml_text: str, zone: ZoneInfo = PARIS) -> FieldReader:
    document, problems = parse_document(PATH, f"---\n{yaml_text}---\n".encode())
    assert document is not None, problems
    return FieldReader(document, zone)


def messages(read: FieldReader) -> list[str]:
    return [f"{d.line}:{d.col}: {d.severity.value}: {d.message}" for d in read.problems]


def test_text_takes_numbers_and_dates_as_their_text() -> None:
    read = reader("title: 1984\nother: 2025-01-02\n")
    assert read.text("title") == "1984"
    assert read.text("other") == "2025-01-02"
    assert read.problems == []


@pytest.mark.parametrize("value", ["[a]", "{a: b}", "true"])
def test_text_refuses_structures_and_booleans(value: str) -> None:
    read = reader(f"title: {value}\n")
    assert read.text("title", default="fallback") == "fallback"
    assert messages(read) == [f"2:8: error: `title` must be text, got {_described(value)}"]


def _described(value: str) -> str:
    return {"[a]": "a list", "{a: b}": "a mapping (a: b)", "true": "a true/false value (true)"}[
        value
    ]


def test_required_text() -> None:
    read = reader("title: ''\n")
    assert read.text("title", required=True) == ""
    assert read.text("missing", required=True) == ""
    assert messages(read) == [
        "2:8: error: `title` is required",
        "1:1: error: `missing` is required",
    ]


def test_text_is_stripped() -> None:
    assert reader("title: '  T  '\n").text("title") == "T"


def test_prose_reports_the_trap() -> None:
    read = reader("key_points:\n  - ok\n  - Trump said: it\n  - 12\n  - ''\n")
    assert read.prose("key_points", 0) == "ok"
    assert read.prose("key_points", 1) is None
    assert read.prose("key_points", 2) is None
    assert read.prose("key_points", 3) is None
    found = messages(read)
    assert found[0].startswith("4:5: error: `key_points[1]` should be text but YAML read a mapping")
    assert "put the whole item in quotes" in found[0]
    assert found[1].startswith("5:5: error: `key_points[2]` should be text but YAML read a number")
    assert found[2] == "6:5: error: `key_points[3]` is empty"


def test_boolean() -> None:
    read = reader("a: true\nb: no\nc: 'yes'\n")
    assert read.boolean("a") is True
    assert read.boolean("b") is False  # YAML 1.1: `no` is false
    assert read.boolean("c", default=True) is True
    assert read.boolean("missing") is False
    assert messages(read) == ["4:4: error: `c` must be true or false, got text (yes)"]


def test_timestamp_forms() -> None:
    read = reader(
        "a: 2025-03-19\n"
        "b: 2025-03-19T09:00:00+13:00\n"
        "c: 2025-03-19 09:00\n"
        "d: '2025-03-19T09:00:00Z'\n"
        "e: '2025-03-19'\n"
    )
    a, b, c, d, e = (read.timestamp(key) for key in "abcde")
    assert a is not None and not a.has_time and a.iso == "2025-03-19T00:00:00+01:00"
    assert b is not None and b.has_time and b.iso == "2025-03-19T09:00:00+13:00"
    assert c is not None and c.iso == "2025-03-19T09:00:00+01:00"
    assert d is not None and d.value.utcoffset() == timedelta(0)
    assert e is not None and not e.has_time
    assert read.problems == []


def test_naive_date_time_in_summer_time() -> None:
    stamp = reader("a: 2025-07-01T12:00:00\n").timestamp("a")
    assert stamp is not None and stamp.iso == "2025-07-01T12:00:00+02:00"


@pytest.mark.parametrize("value", ["yesterday", "2025-13-01", "[2025]", "{y: 1}", "true", "5"])
def test_timestamp_refuses(value: str) -> None:
    read = reader(f"date: {value}\n")
    assert read.timestamp("date") is None
    assert messages(read)[0].startswith("2:7: error: `date` must be a date (YYYY-MM-DD)")


def test_required_timestamp() -> None:
    read = reader("title: T\n")
    assert read.timestamp("date", required=True) is None
    assert messages(read) == ["1:1: error: `date` is required (YYYY-MM-DD)"]


def test_to_timestamp_keeps_aware_values() -> None:
    aware = datetime(2025, 1, 1, 12, tzinfo=timezone(timedelta(hours=5)))
    stamp = to_timestamp(aware, UTC)
    assert stamp is not None and stamp.value == aware
    day = to_timestamp(date(2025, 1, 1), PARIS)
    assert day is not None and day.value.tzinfo is PARIS


def test_url_refuses_script_urls() -> None:
    read = reader("a: javascript:alert(1)\nb: https://example.org/\nc: 'data:image/png;base64,x'\n")
    assert read.url("a") == ""
    assert read.url("b") == "https://example.org/"
    assert read.url("c") == ""
    assert read.url("c", image=True) == "data:image/png;base64,x"
    assert messages(read) == [
        "2:4: error: `a` uses a URL scheme that is not allowed",
        "4:4: error: `c` uses a URL scheme that is not allowed",
    ]


def test_items_and_single_values() -> None:
    read = reader("a: [x, y]\nb: x\nc: {k: v}\n")
    assert list(read.items("a")) == [(0, "x"), (1, "y")]
    assert list(read.items("b", allow_single=True)) == [(-1, "x")]
    assert list(read.items("c", allow_single=True)) == []
    assert list(read.items("b")) == []
    assert messages(read) == [
        "4:4: error: `c` must be a list, got a mapping (k: v)",
        "3:4: error: `b` must be a list, got text (x)",
    ]


def test_text_list() -> None:
    read = reader("a: [x, 5, [y], '']\nb: one\n")
    assert read.text_list("a") == ["x", "5"]
    assert read.text_list("b", allow_single=True) == ["one"]
    assert messages(read) == ["2:11: error: `a[2]` must be text, got a list"]


def test_mappings_check_keys_and_skip_incomplete_items() -> None:
    read = reader("q:\n  - {text: a, by: b}\n  - {text: a}\n  - {text: a, by: b, bye: c}\n  - x\n")
    items = list(read.mappings("q", known={"text", "by"}, required=("text", "by")))
    assert [index for index, _ in items] == [0, 2]
    assert messages(read) == [
        "4:5: error: `q[1]` needs `by`",
        "5:27: error: `q[2]` has no key `bye` (did you mean `by`?); known keys: by, text",
        "6:5: error: `q[3]` must be a mapping with text, by; got text (x)",
    ]


def test_check_known_suggests_the_nearest_field() -> None:
    read = reader("titel: T\nzzz: 1\n")
    read.check_known({"title", "date"})
    assert messages(read) == [
        "2:1: warning: unknown field `titel` (did you mean `title`?)",
        "3:1: warning: unknown field `zzz`",
    ]


def test_has_and_raw() -> None:
    read = reader("a: ~\nb: [x]\n")
    assert not read.has("a")
    assert not read.has("missing")
    assert read.has("b", 0)
    assert not read.has("b", 1)
    assert not read.has("b", "x")
