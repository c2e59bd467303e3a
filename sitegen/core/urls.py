"""URL rules shared by every stage: slugs, the site's base path, and which URLs are unsafe.

Kept in one place so that a Markdown link, a front-matter URL and a template all obey the same
rules: every internal link carries `base_url`'s path, and no script URL reaches a page.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
"""FORMAT.md 3.1: what an explicit `slug` must look like."""

MAX_SLUG_LENGTH = 100
"""A derived slug (a topic, an actor named inline, a heading anchor) is cut to this length, with
a hash of the whole so that two long names still differ: a 300-letter topic would otherwise
name a folder past the 255-byte limit of every file system, and the write would fail."""

_LATIN_LETTERS = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "ae",
        "ø": "o",
        "Ø": "o",
        "œ": "oe",
        "Œ": "oe",
        "đ": "d",
        "Đ": "d",
        "ł": "l",
        "Ł": "l",
        "þ": "th",
        "Þ": "th",
        "ð": "d",
        "Ð": "d",
        "\u0131": "i",  # dotless i (Turkish)
    }
)
"""Latin letters that Unicode does not decompose into an ASCII letter plus an accent."""

_DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:", "file:")
_CONTROL_AND_SPACE = re.compile(r"[\x00-\x20\x7f-\x9f]+")


def slugify(text: str) -> str:
    """A URL-safe name: ASCII letters and digits joined by single hyphens.

    Accented letters lose their accents ("Zelenskyy's café" -> "zelenskyys-cafe", "Straße" ->
    "strasse", "Ørsted" -> "orsted"); a slug past MAX_SLUG_LENGTH is cut, ending in a hash of
    the whole; text with no
    Latin letters at all (Cyrillic, Arabic) falls back to its code points in hex so that it still
    yields a stable, unique, valid slug.
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(_LATIN_LETTERS))
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    ascii_text = ascii_text.replace("'", "").replace("\u2019", "")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if len(slug) > MAX_SLUG_LENGTH:
        digest = hashlib.sha256(slug.encode("ascii")).hexdigest()[:8]
        slug = slug[: MAX_SLUG_LENGTH - 9].rstrip("-") + "-" + digest
    if slug:
        return slug
    letters = [f"{ord(ch):x}" for ch in text if ch.isalnum()]
    return "-".join(letters)[:80].strip("-") or "untitled"


def is_dangerous_url(url: str, *, image: bool = False) -> bool:
    """True for a URL that could run script: `javascript:`, `vbscript:`, `data:`, `file:`.

    The check sees through the disguises browsers forgive: HTML entities (`&#106;avascript:`),
    mixed case, and spaces or control characters inside or around the scheme; and through
    percent-encoding (`%6Aavascript:`), which a browser does not decode in a scheme but a later
    step (a template filter, a redirect, another tool reading the output) may, so a URL that
    is dangerous once decoded is refused everywhere, in front matter and bodies alike.
    `data:` is allowed for images (FORMAT.md 3.3), except `data:image/svg+xml`, which can carry
    script.
    """
    return _dangerous(url, image) or _dangerous(unquote(url), image)


def _dangerous(url: str, image: bool) -> bool:
    plain = html.unescape(url)
    plain = _CONTROL_AND_SPACE.sub("", plain).lower()
    if image and plain.startswith("data:image/") and not plain.startswith("data:image/svg"):
        return False
    return plain.startswith(_DANGEROUS_SCHEMES)


def resolve_relative(from_path: str, target: str) -> str | None:
    """The site-relative path a relative link in `from_path` points at; None if it leaves the site.

    `resolve_relative("content/2025/a.md", "../actors/putin.md")` is `content/actors/putin.md`,
    as MkDocs resolves links between Markdown files.
    """
    parts = list(PurePosixPath(from_path).parent.parts)
    for part in PurePosixPath(unquote(target)).parts:
        if part == "..":
            if not parts:
                return None
            parts.pop()
        elif part not in (".", "/"):
            parts.append(part)
    return "/".join(parts) if parts else None


def is_external(url: str) -> bool:
    """True for a URL with a scheme or host: it is left as written.

    A URL Python cannot even split (`http://exa[mple.org/`, an unclosed IPv6 bracket) counts as
    external too: it is written as it stands, escaped, and never becomes a site path.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return True
    return bool(parts.scheme or parts.netloc)


@dataclass(frozen=True, slots=True)
class BaseUrl:
    """`base_url` split into the origin and the path every internal link starts with."""

    origin: str
    path: str

    @classmethod
    def parse(cls, url: str) -> BaseUrl:
        parts = urlsplit(url)
        path = parts.path or "/"
        if not path.endswith("/"):
            path += "/"
        return cls(origin=f"{parts.scheme}://{parts.netloc}", path=path)

    def __str__(self) -> str:
        return self.origin + self.path

    def link(self, site_path: str) -> str:
        """The link for a site path such as `actors/putin/` or `/static/theme.css`."""
        return self.path + site_path.lstrip("/")

    def absolute(self, site_path: str) -> str:
        """The absolute URL, for feeds, sitemaps, canonical links and metadata."""
        return self.origin + self.link(site_path)
