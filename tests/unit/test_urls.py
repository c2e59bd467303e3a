"""URL rules: slugs, script URLs in disguise, base_url's path, relative links between files."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitegen.core.urls import (
    SLUG_PATTERN,
    BaseUrl,
    is_dangerous_url,
    is_external,
    resolve_relative,
    slugify,
)


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Hello World", "hello-world"),
        ("Zelenskyy's café", "zelenskyys-cafe"),
        ("Zelenskyy\u2019s visit", "zelenskyys-visit"),
        ("  --Trump & Putin!--  ", "trump-putin"),
        ("Ünïcödé", "unicode"),
        ("2025: the deal", "2025-the-deal"),
        ("\uff21\uff22\uff23", "abc"),  # full-width letters
    ],
)
def test_slugify_latin(text: str, slug: str) -> None:
    assert slugify(text) == slug


@pytest.mark.parametrize("text", ["Владимир Путин", "بوتين", "普京", "שלום"])
def test_slugify_non_latin_is_a_valid_stable_slug(text: str) -> None:
    slug = slugify(text)
    assert SLUG_PATTERN.fullmatch(slug)
    assert slug == slugify(text)
    assert slugify(text + "x") != slug


def test_slugify_non_latin_texts_differ() -> None:
    assert slugify("Путин") != slugify("Зеленский")


@pytest.mark.parametrize("text", ["", "   ", "!!!", "\u200b"])
def test_slugify_of_nothing(text: str) -> None:
    assert slugify(text) == "untitled"


@given(st.text(max_size=60))
def test_slugify_always_gives_a_valid_slug(text: str) -> None:
    assert SLUG_PATTERN.fullmatch(slugify(text))


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "  javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "\x01javascript:alert(1)",
        "&#106;avascript:alert(1)",
        "&#x6A;avascript:alert(1)",
        "javascript&colon;alert(1)",
        "vbscript:msgbox(1)",
        "VBSCRIPT:x",
        "data:text/html;base64,PHNjcmlwdD4=",
        "file:///etc/passwd",
    ],
)
def test_dangerous_urls_in_disguise(url: str) -> None:
    assert is_dangerous_url(url)
    assert is_dangerous_url(url, image=True)


def test_data_images_only_for_images_and_never_svg() -> None:
    png = "data:image/png;base64,iVBORw0KGgo="
    assert is_dangerous_url(png)
    assert not is_dangerous_url(png, image=True)
    assert is_dangerous_url("data:image/svg+xml;base64,PHN2Zz4=", image=True)
    assert is_dangerous_url("DATA:IMAGE/SVG+XML,<svg>", image=True)


@pytest.mark.parametrize(
    "url", ["https://example.org/", "/about/", "other.md", "#top", "mailto:a@b.c", "javascript"]
)
def test_safe_urls(url: str) -> None:
    assert not is_dangerous_url(url)


def test_base_url_at_the_root() -> None:
    base = BaseUrl.parse("https://example.org")
    assert base.path == "/"
    assert base.link("actors/putin/") == "/actors/putin/"
    assert base.link("/static/a.css") == "/static/a.css"
    assert base.absolute("feed.xml") == "https://example.org/feed.xml"
    assert str(base) == "https://example.org/"


def test_base_url_under_a_path() -> None:
    base = BaseUrl.parse("https://user.github.io/explainers")
    assert base.path == "/explainers/"
    assert base.link("") == "/explainers/"
    assert base.link("/") == "/explainers/"
    assert base.link("/static/a.css") == "/explainers/static/a.css"
    assert base.link("topics/x/") == "/explainers/topics/x/"
    assert base.absolute("/a/") == "https://user.github.io/explainers/a/"


@pytest.mark.parametrize(
    ("from_path", "target", "resolved"),
    [
        ("content/a.md", "b.md", "content/b.md"),
        ("content/2025/a.md", "../actors/putin.md", "content/actors/putin.md"),
        ("content/2025/a.md", "./b.md", "content/2025/b.md"),
        ("content/a.md", "../actors/putin.md", "actors/putin.md"),
        ("content/a.md", "caf%C3%A9.md", "content/café.md"),
        ("content/a.md", "../../x.md", None),
        ("content/a.md", "../../../x.md", None),
    ],
)
def test_resolve_relative(from_path: str, target: str, resolved: str | None) -> None:
    assert resolve_relative(from_path, target) == resolved


@pytest.mark.parametrize(
    ("url", "external"),
    [
        ("https://x.org/", True),
        ("//cdn.x.org/a", True),
        ("mailto:a@b.c", True),
        ("/a/", False),
        ("a.md", False),
        ("#x", False),
    ],
)
def test_is_external(url: str, external: bool) -> None:
    assert is_external(url) is external


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Straße", "strasse"),
        ("Ørsted", "orsted"),
        ("Łódź", "lodz"),
        ("Æsir", "aesir"),
        ("Þór", "thor"),
    ],
)
def test_slugify_transliterates_letters_without_a_decomposition(text: str, slug: str) -> None:
    assert slugify(text) == slug
