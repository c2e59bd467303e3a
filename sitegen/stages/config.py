"""Site settings: `sitegen.yaml` validated into a `SiteConfig`, command-line overrides applied.

Every setting has a default (FORMAT.md 2), so a site with no sitegen.yaml builds. Unknown keys
are reported with the nearest known key, as the format asks.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import tzinfo
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sitegen.core.diagnostics import Diagnostic, Place
from sitegen.core.model import Publisher, SiteConfig
from sitegen.core.urls import BaseUrl
from sitegen.stages.fields import FieldReader
from sitegen.stages.frontmatter import Document, decode, describe, load_yaml

CONFIG_NAME = "sitegen.yaml"
CONFIG_KEYS = frozenset(
    (
        "title",
        "description",
        "base_url",
        "language",
        "timezone",
        "publisher",
        "per_page",
        "allow_html",
        "search",
        "share_images",
    )
)


def parse_config(
    raw: bytes | None, *, base_url: BaseUrl | None = None
) -> tuple[SiteConfig, list[Diagnostic]]:
    """The site's settings from the bytes of sitegen.yaml (None when there is no such file).

    `base_url` is the `--base-url` override, already checked by `parse_base_url`.
    """
    config, problems = _read(raw) if raw is not None else (SiteConfig(), [])
    if base_url is not None:
        config = replace(config, base_url=base_url)
    return config, problems


def zone_of(config: SiteConfig) -> tzinfo:
    """The site's time zone (validated by `parse_config`, so it exists)."""
    try:
        return ZoneInfo(config.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _read(raw: bytes) -> tuple[SiteConfig, list[Diagnostic]]:
    text, problems = decode(CONFIG_NAME, raw)
    if text is None:
        return SiteConfig(), problems
    loaded = load_yaml(CONFIG_NAME, text, first_line=1)
    if isinstance(loaded, Diagnostic):
        return SiteConfig(), [*problems, loaded]
    data, value_places, key_places = loaded
    if data is None:
        return SiteConfig(), problems
    if not isinstance(data, dict):
        return SiteConfig(), [
            *problems,
            Place(CONFIG_NAME, 1, 1).error(
                f"{CONFIG_NAME} must be a mapping of settings, got {describe(data)}"
            ),
        ]
    read = FieldReader(
        Document(CONFIG_NAME, data, "", 0, value_places, key_places), ZoneInfo("UTC")
    )
    read.check_known(CONFIG_KEYS, what="setting")
    defaults = SiteConfig()
    config = SiteConfig(
        title=read.text("title", default=defaults.title),
        description=read.text("description"),
        base_url=_read_base_url(read) or defaults.base_url,
        language=read.language("language", defaults.language),
        timezone=_read_timezone(read) or defaults.timezone,
        publisher=_read_publisher(read),
        per_page=_read_per_page(read, defaults.per_page),
        allow_html=read.boolean("allow_html"),
        search=read.boolean("search", default=defaults.search),
        share_images=read.boolean("share_images", default=defaults.share_images),
    )
    return config, [*problems, *read.problems]


def parse_base_url(url: str) -> BaseUrl | None:
    """A `BaseUrl` from an absolute http(s) URL with no query or fragment; None otherwise."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # `https://exa[mple.org/`: an unclosed IPv6 bracket
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        return None
    return BaseUrl.parse(url.strip())


def _read_base_url(read: FieldReader) -> BaseUrl | None:
    url = read.text("base_url")
    if not url:
        return None
    parsed = parse_base_url(url)
    if parsed is None:
        read.error(
            ("base_url",),
            f"`base_url` must be an absolute http(s) URL such as https://example.org/news/, "
            f"got `{url}`",
        )
    return parsed


def _read_timezone(read: FieldReader) -> str | None:
    name = read.text("timezone")
    if not name:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        read.error(
            ("timezone",), f"`timezone` `{name}` is not an IANA time zone such as `Europe/London`"
        )
        return None
    return name


def _read_publisher(read: FieldReader) -> Publisher | None:
    value = read.raw("publisher")
    if not read.has("publisher"):
        return None
    if not isinstance(value, dict):
        read.error(
            ("publisher",),
            f"`publisher` must be a mapping with `name`, `url`, `logo`; got {describe(value)}",
        )
        return None
    read.check_item_keys(("publisher",), value, {"name", "url", "logo"})
    name = read.text("publisher", "name", required=True)
    return (
        Publisher(
            name=name,
            url=read.url("publisher", "url"),
            logo=read.url("publisher", "logo", image=True),
        )
        if name
        else None
    )


def _read_per_page(read: FieldReader, default: int) -> int:
    value = read.raw("per_page")
    if not read.has("per_page"):
        return default
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        read.error(
            ("per_page",), f"`per_page` must be a whole number of at least 1, got {describe(value)}"
        )
        return default
    return value
