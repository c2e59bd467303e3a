"""Diagnostics: formatting, file order, strict promotion, duplicates, suggestions."""

from __future__ import annotations

from sitegen.core.diagnostics import Diagnostic, Place, Report, Severity, did_you_mean


def test_format() -> None:
    assert str(Place("content/a.md", 3, 7).error("bad")) == "content/a.md:3:7: error: bad"
    assert str(Place("sitegen.yaml").warning("hm")) == "sitegen.yaml:1:1: warning: hm"


def test_report_sorts_by_file_then_line_then_column() -> None:
    report = Report()
    report.add(Place("content/b.md", 1, 1).error("b1"))
    report.add(Place("content/a.md", 10, 1).error("a10"))
    report.add(Place("content/a.md", 2, 9).warning("a2-9"))
    report.add(Place("content/a.md", 2, 3).error("a2-3"))
    report.add(Place("content/a.md", 9, 1).error("a9"))
    assert [d.message for d in report] == ["a2-3", "a2-9", "a9", "a10", "b1"]


def test_line_numbers_sort_as_numbers() -> None:
    report = Report()
    report.extend([Place("a", 10).error("ten"), Place("a", 9).error("nine")])
    assert [d.message for d in report] == ["nine", "ten"]


def test_duplicates_are_reported_once() -> None:
    report = Report()
    for _ in range(3):
        report.add(Place("content/a.md", 1, 1).error("same"))
    report.add(Place("content/a.md", 1, 1).warning("same"))
    assert len(list(report)) == 2
    assert report.error_count == 1
    assert report.warning_count == 1


def test_strict_promotes_warnings() -> None:
    report = Report()
    report.add(Place("a", 1, 1).warning("w"))
    assert not report.has_errors
    strict = report.strict()
    assert strict.has_errors
    assert [d.severity for d in strict] == [Severity.ERROR]
    assert not report.has_errors  # the original is unchanged


def test_strict_merges_a_warning_with_the_same_error() -> None:
    report = Report()
    report.add(Place("a", 1, 1).warning("x"))
    report.add(Place("a", 1, 1).error("x"))
    assert len(list(report.strict())) == 1


def test_counts_and_is_error() -> None:
    report = Report()
    assert not report.has_errors and report.error_count == 0 and len(report) == 0
    report.add(Diagnostic("a", 1, 1, Severity.WARNING, "w"))
    report.add(Diagnostic("a", 2, 1, Severity.ERROR, "e"))
    assert report.has_errors
    assert (report.error_count, report.warning_count) == (1, 1)


def test_did_you_mean() -> None:
    assert did_you_mean("key_point", ["key_points", "title"]) == " (did you mean `key_points`?)"
    assert did_you_mean("titel", ["title"]) == " (did you mean `title`?)"
    assert did_you_mean("zzz", ["title"]) == ""
    assert did_you_mean("x", []) == ""
