"""No input, however malformed, produces a Python traceback (FORMAT.md section 7).

Every input here is built through `check` and through the command line's `main`, in-process (an
exception fails the test with its own traceback), and all of them together through `python -m
sitegen build` in a subprocess, which must exit 1 with a `path:line:col: error:` line for every
file, and never print "Traceback".
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.build import BuildOptions, build, check
from sitegen.commands.cli import main
from sitegen.stages.config import CONFIG_KEYS
from sitegen.stages.records import EXPLAINER_FIELDS
from tests.conftest import SiteFactory
from tests.helpers import run_sitegen, write_files

GOOD_FRONT = "title: T\ndate: 2025-01-02\nkey_points: [One]\n"
ERROR_LINE = re.compile(r"^\S[^\n]*:\d+:\d+: error: ", re.M)


def explainer(front: str, body: str = "Body.\n") -> str:
    return f"---\n{front}---\n{body}"


def with_field(name: str, value_yaml: str) -> str:
    """A valid explainer whose field `name` is replaced by `value_yaml` (a YAML fragment)."""
    fields = {"title": "T", "date": "2025-01-02", "key_points": "[One]"}
    fields[name] = value_yaml
    return explainer("".join(f"{key}: {value}\n" for key, value in fields.items()))


DEEP = "[" * 10_000 + "]" * 10_000
ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8)
)

MALFORMED_FILES: dict[str, bytes | str] = {
    "binary": bytes(range(256)) * 4,
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64,
    "empty": "",
    "only-dashes": "---",
    "only-dashes-newline": "---\n",
    "unclosed": "---\ntitle: T\ndate: 2025-01-02\n",
    "no-front-matter": "# Just Markdown\n",
    "list-not-mapping": "---\n- a\n- b\n---\n",
    "number-not-mapping": "---\n42\n---\n",
    "string-not-mapping": "---\njust text\n---\n",
    "empty-front-matter": "---\n---\nBody.\n",
    "invalid-utf8": b"---\ntitle: T\n\xff\xfe bad\n---\n",
    "nul-byte": "---\ntitle: T\x00\n---\n",
    "bom-crlf": "\ufeff---\r\ntitle: T\r\ndate: [\r\n---\r\n",
    "lone-cr": "---\rtitle: [\r---\r",
    "huge-line": explainer(GOOD_FRONT + "summary: " + "x" * 2_000_000 + "\nkey_points: 5\n"),
    "deep-nesting": explainer(f"title: {DEEP}\n"),
    "deep-markdown": explainer("title: T\ndate: 2025-01-02\nkey_points: 5\n", ">" * 10_000),
    "alias-bomb": explainer(GOOD_FRONT + ALIAS_BOMB),
    "recursive-alias": explainer("title: &a [*a]\n"),
    "python-tag": explainer("title: !!python/object/apply:os.system ['echo pwned']\n"),
    "python-name": explainer("title: !!python/name:os.system\n"),
    "unknown-tag": explainer("title: !custom x\n"),
    "complex-key": explainer("? [a, b]\n: c\n"),
    "bad-yaml": explainer("title: [unclosed\n"),
    "tab-indent": explainer("title: T\n\tdate: 2025-01-02\n"),
    "duplicate-key": explainer("title: T\ntitle: U\ndate: 2025-01-02\nkey_points: 5\n"),
    "huge-number": explainer("title: T\ndate: 2025-01-02\nkey_points: 5\nextra: {n: 1e99999}\n"),
    "impossible-date": with_field("date", "2025-02-30"),
    "date-far-future": with_field("date", "9999-12-31T23:59:59-12:00"),
    "title-mapping": with_field("title", "{a: b}"),
    "title-list": with_field("title", "[a, b]"),
    "date-list": with_field("date", "[2025, 1, 2]"),
    "date-mapping": with_field("date", "{y: 2025}"),
    "date-bool": with_field("date", "true"),
    "slug-number": with_field("slug", "5.5"),
    "slug-mapping": with_field("slug", "{a: b}"),
    "image-number": with_field("image", "5"),
    "image-list": with_field("image", "[a]"),
    "image-src-mapping": with_field("image", "{src: {a: b}, alt: x}"),
    "actors-mapping": with_field("actors", "{a: b}"),
    "actors-nested-list": with_field("actors", "[[a]]"),
    "actors-null-items": with_field("actors", "[null, '', ~]"),
    "actor-name-list": with_field("actors", "[{name: [a]}]"),
    "actor-image-text": with_field("actors", "[{name: A, image: x}]"),
    "quotes-number": with_field("quotes", "[5]"),
    "quotes-text": with_field("quotes", "hello"),
    "quote-by-mapping": with_field("quotes", "[{text: x, by: {a: b}}]"),
    "quote-by-list": with_field("quotes", "[{text: x, by: [a]}]"),
    "timeline-bad-date": with_field("timeline", "[{date: x}]"),
    "timeline-date-list": with_field("timeline", "[{date: [1], text: t}]"),
    "timeline-mapping": with_field("timeline", "{date: x}"),
    "key-points-mapping": with_field("key_points", "{a: b}"),
    "key-points-nested": with_field("key_points", "[[a], {b: c}, 5, 2025-01-01, true, null]"),
    "authors-mapping": with_field("authors", "{a: b}"),
    "topics-nested": with_field("topics", "[[a], {b: c}]"),
    "lang-number": with_field("lang", "5"),
    "draft-text": with_field("draft", "sometimes"),
    "updated-bad": with_field("updated", "[x]"),
    "sources-text": with_field("sources", "x"),
    "related-number-url": with_field("related", "[{title: t, url: 5}]"),
    "questions-list": with_field("questions", "[[q, a]]"),
    "updates-mapping": with_field("updates", "{date: x}"),
    "corrections-bad": with_field("corrections", "[{date: [], text: {}}]"),
    "extra-list": with_field("extra", "[a]"),
    "title-binary": with_field("title", "!!binary aGVsbG8="),
    "title-set": with_field("title", "!!set {a, b}"),
    "title-omap": with_field("title", "!!omap [a: 1]"),
}


BUILDABLE = frozenset(["date-far-future", "related-number-url"])
"""Odd but valid inputs (a URL `5` is a relative link): they must build or fail cleanly."""


def _assert_reported(
    site: Path, capsys: pytest.CaptureFixture[str], *, may_build: bool = False
) -> None:
    """`check` and the command line (in-process: the same code as a subprocess, much faster)
    report an error with a place, and neither raises."""
    result = check(BuildOptions(root=site))
    status = main(["build", str(site), "--quiet"])
    stderr = capsys.readouterr().err
    assert "Traceback" not in stderr
    if may_build and status == 0:
        return
    assert result.report.has_errors
    assert status == 1, stderr
    assert ERROR_LINE.search(stderr), stderr


@pytest.mark.parametrize("name", sorted(MALFORMED_FILES))
def test_malformed_explainer_is_reported(
    name: str, make_site: SiteFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"content/bad.md": MALFORMED_FILES[name]})
    _assert_reported(site, capsys, may_build=name in BUILDABLE)


@pytest.mark.parametrize("name", ["binary", "invalid-utf8", "unclosed", "list-not-mapping"])
@pytest.mark.parametrize("where", ["content/actors/x.md", "content/pages/x.md", "sitegen.yaml"])
def test_malformed_actor_page_and_config(
    name: str, where: str, make_site: SiteFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    content = MALFORMED_FILES[name]
    if where == "sitegen.yaml" and name in ("unclosed", "list-not-mapping"):
        content = "- a\n- b\n" if name == "list-not-mapping" else "title: [x\n"
    site = make_site({where: content, "content/ok.md": explainer(GOOD_FRONT)})
    _assert_reported(site, capsys)


@pytest.mark.parametrize(
    "config",
    [
        "base_url: 5\n",
        "base_url: [a]\n",
        "timezone: {a: b}\n",
        "timezone: ../../etc/passwd\n",
        "per_page: [1]\n",
        "per_page: 1e999\n",
        "publisher: {name: {a: b}, logo: javascript:x}\n",
        "language: 5\n",
        "allow_html: {a: b}\n",
        "title: !!python/object:object {}\n",
    ],
)
def test_malformed_config_is_reported(
    config: str, make_site: SiteFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site({"sitegen.yaml": config, "content/ok.md": explainer(GOOD_FRONT)})
    _assert_reported(site, capsys)


def test_every_malformed_file_in_one_site(make_site: SiteFactory) -> None:
    """All at once: one run reports a problem for every file, in file order."""
    files = {f"content/{name}.md": content for name, content in MALFORMED_FILES.items()}
    site = make_site(files)
    expected = {path for path in files if path[len("content/") : -len(".md")] not in BUILDABLE}
    completed = run_sitegen("build", str(site))
    assert "Traceback" not in completed.stdout + completed.stderr
    assert completed.returncode == 1
    reported = {m.group(0).split(":")[0] for m in ERROR_LINE.finditer(completed.stderr)}
    assert reported == expected


@pytest.mark.parametrize("config", ["- a\n", "base_url: [a]\n", b"\xff\xfe"])
def test_malformed_config_in_a_subprocess(config: str | bytes, make_site: SiteFactory) -> None:
    site = make_site({"sitegen.yaml": config, "content/bad.md": MALFORMED_FILES["binary"]})
    completed = run_sitegen("build", str(site))
    assert "Traceback" not in completed.stdout + completed.stderr
    assert completed.returncode == 1
    assert re.search(r"^sitegen.yaml:\d+:\d+: error: ", completed.stderr, re.M)
    assert re.search(r"^content/bad.md:\d+:\d+: error: ", completed.stderr, re.M)


@pytest.mark.parametrize(
    "front",
    [
        "extra: {a: " + "[" * 100_000 + "]" * 100_000 + "}\n",
        "extra:\n" + "".join(f"{' ' * (level + 1)}k:\n" for level in range(3000)),
        "extra: " + "- " * 100_000 + "x\n",
    ],
    ids=["flow", "block", "dashes"],
)
def test_very_deep_yaml_in_a_subprocess(front: str, make_site: SiteFactory) -> None:
    """Tens of thousands of levels crashed libyaml's composer (a segfault, not a traceback);
    run in a subprocess so that a regression cannot take the test run down with it."""
    site = make_site({"content/deep.md": explainer(GOOD_FRONT + front)})
    completed = run_sitegen("build", str(site))
    assert completed.returncode == 1, completed.stderr
    assert "Traceback" not in completed.stderr
    assert ERROR_LINE.search(completed.stderr), completed.stderr


def test_clean_site_builds(make_site: SiteFactory) -> None:
    """The control: the valid front matter used above builds, exit status 0."""
    site = make_site({"content/ok.md": explainer(GOOD_FRONT)})
    completed = run_sitegen("build", str(site))
    assert completed.returncode == 0, completed.stderr
    assert (site / "site" / "ok" / "index.html").is_file()


# --- a property: any YAML-able value in any field -----------------------------------------------

FIELDS = [*sorted(EXPLAINER_FIELDS), "unknown"]
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.dates(),
    st.datetimes(),
    st.sampled_from(["javascript:x", "a.md", "../x.md", "@putin", "2025-01-01", "/x", ""]),
)
KEYS = st.sampled_from(
    ["text", "by", "date", "name", "id", "src", "alt", "url", "title", "q", "a", "role", "x"]
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=4)),
    max_leaves=12,
)


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(fields=st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=4))
def test_any_value_in_any_field_never_raises(fields: dict[str, object], tmp_path: Path) -> None:
    front: dict[str, object] = {"title": "T", "date": "2025-01-02", "key_points": ["One"]}
    front.update(fields)
    text = "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\nBody [x](@putin).\n"
    site = write_files(
        tmp_path / "prop",
        {
            "content/a.md": text,
            "content/actors/putin.md": "---\nname: Vladimir Putin\n---\n",
        },
    )
    result = check(BuildOptions(root=site))
    for diagnostic in result.report:
        assert diagnostic.line >= 1 and diagnostic.col >= 0
        assert diagnostic.path.startswith("content/")


@pytest.mark.parametrize(
    "name", ["actor-name-list", "slug-mapping", "slug-number", "title-set", "timeline-bad-date"]
)
def test_one_problem_gives_one_message(name: str, make_site: SiteFactory) -> None:
    site = make_site({"content/bad.md": MALFORMED_FILES[name]})
    problems = list(check(BuildOptions(root=site)).report)
    assert len(problems) == 1, problems
    assert "got text ({" not in problems[0].message  # a YAML set reads as a list, not as text


SETTINGS = [*sorted(CONFIG_KEYS), "unknown"]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(settings_=st.dictionaries(st.sampled_from(SETTINGS), VALUES, max_size=3))
def test_any_value_in_any_setting_never_raises(
    settings_: dict[str, object], tmp_path: Path
) -> None:
    site = write_files(
        tmp_path / "prop-config",
        {
            "sitegen.yaml": yaml.safe_dump(settings_, allow_unicode=True),
            "content/a.md": explainer(GOOD_FRONT),
        },
    )
    result = check(BuildOptions(root=site))
    for diagnostic in result.report:
        assert diagnostic.path == "sitegen.yaml"


TEXTS = st.lists(
    st.sampled_from([*"abc <>&\"'`*_[]()#@:!|\\-\u2014\u202e\u05d0\u0627", "\n", "{{", "{%"]),
    max_size=30,
).map("".join)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    title=TEXTS,
    summary=TEXTS,
    authors=st.lists(TEXTS, max_size=3),
    topics=st.lists(TEXTS, max_size=3),
    point=TEXTS,
    extra=st.dictionaries(st.text(max_size=5), VALUES, max_size=3),
    body=TEXTS,
)
def test_odd_but_valid_text_renders_every_page(
    tmp_path: Path,
    title: str,
    summary: str,
    authors: list[str],
    topics: list[str],
    point: str,
    extra: dict[str, object],
    body: str,
) -> None:
    """Valid front matter with any text in it goes through the templates too, without raising."""
    front = {
        "title": title or "T",
        "date": "2025-01-02",
        "summary": summary,
        "authors": authors,
        "topics": topics,
        "key_points": [point or "P"],
        "actors": [{"name": title or "N", "role": summary}],
        "quotes": [{"text": point or "Q", "by": title or "N"}],
        "extra": extra,
    }
    text = "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n" + body
    site = write_files(tmp_path / "prop-render", {"content/a.md": text})
    result = build(BuildOptions(root=site, cache=False))
    if result.ok:
        assert (site / "site" / "index.html").is_file()
