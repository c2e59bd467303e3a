"""sitegen.yaml: defaults, every setting's type, unknown keys, command-line overrides."""

from __future__ import annotations

import pytest

from sitegen.core.model import SiteConfig
from sitegen.core.urls import BaseUrl
from sitegen.stages.config import parse_base_url, parse_config, zone_of


def problems_of(text: str | bytes) -> list[str]:
    raw = text.encode() if isinstance(text, str) else text
    return [str(d) for d in parse_config(raw)[1]]


def test_no_file_means_defaults() -> None:
    assert parse_config(None) == (SiteConfig(), [])


@pytest.mark.parametrize("text", ["", "\n", "# only a comment\n"])
def test_empty_file_means_defaults(text: str) -> None:
    assert parse_config(text.encode()) == (SiteConfig(), [])


def test_every_setting() -> None:
    config, problems = parse_config(
        b"title: Desk\ndescription: D\nbase_url: https://example.org/news\nlanguage: pt-BR\n"
        b"timezone: Asia/Tokyo\npublisher: {name: P, url: 'https://p.example', logo: /l.png}\n"
        b"per_page: 7\nallow_html: true\n"
    )
    assert problems == []
    assert config.title == "Desk"
    assert config.description == "D"
    assert config.base_url == BaseUrl("https://example.org", "/news/")
    assert config.language == "pt-BR"
    assert config.timezone == "Asia/Tokyo"
    assert config.publisher is not None and config.publisher.logo == "/l.png"
    assert config.per_page == 7
    assert config.allow_html is True


def test_unknown_key_suggests_the_nearest() -> None:
    assert problems_of("titel: X\n") == [
        "sitegen.yaml:1:1: warning: unknown setting `titel` (did you mean `title`?)"
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("title: [a]\n", "sitegen.yaml:1:8: error: `title` must be text, got a list"),
        ("base_url: example.org\n", "`base_url` must be an absolute http(s) URL"),
        ("base_url: https://example.org/?q=1\n", "`base_url` must be an absolute http(s) URL"),
        ("base_url: javascript:alert(1)\n", "`base_url` must be an absolute http(s) URL"),
        ("language: 'en us'\n", "`language` `en us` is not a language tag"),
        ("timezone: Mars/Base\n", "`timezone` `Mars/Base` is not an IANA time zone"),
        ("timezone: ../../etc/passwd\n", "is not an IANA time zone"),
        ("publisher: P\n", "`publisher` must be a mapping"),
        ("publisher: {url: x}\n", "`publisher.name` is required"),
        ("publisher: {name: P, logo: 'javascript:x'}\n", "`publisher.logo` uses a URL scheme"),
        ("publisher: {name: P, twitter: x}\n", "`publisher` has no key `twitter`"),
        ("per_page: 0\n", "`per_page` must be a whole number of at least 1, got a number (0)"),
        ("per_page: -3\n", "at least 1"),
        ("per_page: true\n", "at least 1"),
        ("per_page: '5'\n", "at least 1"),
        ("allow_html: 1\n", "`allow_html` must be true or false, got a number (1)"),
        ("- a\n", "sitegen.yaml must be a mapping of settings, got a list"),
        ("title: [\n", "invalid YAML"),
        (b"title: \xff\n", "not valid UTF-8"),
    ],
)
def test_wrong_values_are_errors_with_defaults_kept(text: str | bytes, message: str) -> None:
    raw = text.encode() if isinstance(text, str) else text
    config, problems = parse_config(raw)
    assert len(problems) == 1, problems
    assert problems[0].is_error
    assert message in str(problems[0])
    assert config.per_page == SiteConfig().per_page


def test_base_url_path_always_ends_with_a_slash() -> None:
    config, _ = parse_config(b"base_url: https://example.org/a/b\n")
    assert config.base_url.path == "/a/b/"
    assert config.base_url.origin == "https://example.org"


def test_command_line_base_url_wins() -> None:
    override = parse_base_url("https://cli.example/x/")
    assert override is not None
    config, problems = parse_config(b"base_url: https://file.example/\n", base_url=override)
    assert problems == []
    assert str(config.base_url) == "https://cli.example/x/"


@pytest.mark.parametrize(
    "url", ["ftp://x/", "//x/", "/x/", "https://", "https://x/#top", "https://x/?a", ""]
)
def test_parse_base_url_refuses(url: str) -> None:
    assert parse_base_url(url) is None


def test_zone_of() -> None:
    assert str(zone_of(SiteConfig(timezone="Europe/Paris"))) == "Europe/Paris"
    assert str(zone_of(SiteConfig(timezone="Nowhere/Else"))) == "UTC"
