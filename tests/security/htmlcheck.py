"""An independent check of built output: nothing in it can run script.

Deliberately does not reuse sitegen's own `is_dangerous_url`: this is the second opinion that
catches a hole in the first. It reads the HTML the way a browser would (html.parser unescapes
entities in attributes) and applies the browser's URL rule: leading and trailing C0 controls
and spaces are stripped, tabs and newlines anywhere are removed, the scheme is case-insensitive.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

URL_ATTRIBUTES = frozenset(
    {
        "href",
        "src",
        "action",
        "formaction",
        "xlink:href",
        "poster",
        "cite",
        "background",
        "data",
        "longdesc",
        "manifest",
        "codebase",
        "ping",
    }
)
FORBIDDEN_ELEMENTS = frozenset(
    {"iframe", "object", "embed", "base", "frame", "frameset", "applet", "svg", "math"}
)
"""Elements that can run script or re-point the page; sitegen's theme writes none of them."""
SITE_SCRIPT = re.compile(r"/(?:[\w.-]+/)*static/[\w./-]+\.js")
"""The only scripts a page may load: the theme's own files under the site's `static/` (the
search page's `search.js`); never an inline script, never one from elsewhere."""
SCRIPT_SCHEMES = ("javascript:", "vbscript:", "data:", "file:")
SAFE_DATA_IMAGE = re.compile(r"data:image/(?:png|jpe?g|gif|webp|avif|bmp)[;,]")
_STRIP = "".join(chr(code) for code in range(0x21))
_TAB_NEWLINE = re.compile(r"[\t\n\r]")


def url_runs_script(value: str, *, image: bool) -> bool:
    """True if a browser could run script from this attribute value (already entity-decoded)."""
    for candidate in (value, unquote(value)):
        plain = _TAB_NEWLINE.sub("", candidate.strip(_STRIP)).lower()
        if image and SAFE_DATA_IMAGE.match(plain):
            continue
        if plain.startswith(SCRIPT_SCHEMES):
            return True
    return False


class _Walker(HTMLParser):
    def __init__(self, where: str) -> None:
        super().__init__(convert_charrefs=True)
        self.where = where
        self.problems: list[str] = []
        self._script_type: str | None = None
        self._script_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check_element(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check_element(tag, attrs)

    def _check_element(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag in FORBIDDEN_ELEMENTS:
            self.problems.append(f"{self.where}: <{tag}> element")
        if tag == "script":
            script_type = found.get("type", "")
            own_file = SITE_SCRIPT.fullmatch(found.get("src", "")) and ".." not in found["src"]
            if script_type != "application/ld+json" and not own_file:
                self.problems.append(f"{self.where}: <script type={script_type!r}>")
            self._script_type = script_type
            self._script_text = []
        if tag == "meta" and found.get("http-equiv", "").lower() == "refresh":
            self.problems.append(f"{self.where}: <meta http-equiv=refresh>")
        for name, value in found.items():
            self._check_attribute(tag, name, value)

    def _check_attribute(self, tag: str, name: str, value: str) -> None:
        if name.startswith("on"):
            self.problems.append(f"{self.where}: <{tag} {name}=...> event handler")
        elif name in URL_ATTRIBUTES and url_runs_script(value, image=tag == "img"):
            self.problems.append(f"{self.where}: <{tag} {name}={value[:80]!r}>")
        elif name == "srcset" and any(
            url_runs_script(part.strip().split(" ")[0], image=True) for part in value.split(",")
        ):
            self.problems.append(f"{self.where}: <{tag} srcset={value[:80]!r}>")
        elif name == "style" and re.search(r"expression\s*\(|javascript:", value, re.I):
            self.problems.append(f"{self.where}: <{tag} style={value[:80]!r}>")

    def handle_data(self, data: str) -> None:
        if self._script_type is not None:
            self._script_text.append(data)
            if self._script_type != "application/ld+json" and data.strip():
                self.problems.append(f"{self.where}: inline script {data[:60]!r}")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script_type is not None:
            if self._script_type == "application/ld+json":
                self._check_json_ld("".join(self._script_text))
            self._script_type = None

    def _check_json_ld(self, text: str) -> None:
        try:
            json.loads(text)
        except ValueError as err:
            self.problems.append(f"{self.where}: JSON-LD is not valid JSON ({err}): {text[:120]!r}")


def html_problems(where: str, html: str) -> list[str]:
    """Every way the page could run script; empty when it is safe."""
    walker = _Walker(where)
    walker.feed(html)
    walker.close()
    if walker._script_type is not None:
        walker.problems.append(f"{where}: a <script> element is never closed")
    return walker.problems


def xml_problems(where: str, data: bytes) -> list[str]:
    """A feed or sitemap must be well-formed XML, whatever the content held."""
    try:
        ET.fromstring(data)
    except ET.ParseError as err:
        return [f"{where}: not well-formed XML: {err}"]
    return []


def output_problems(files: dict[str, bytes], *, check_scripts: bool = True) -> list[str]:
    """Check every built file: HTML is script-free (unless raw HTML was allowed), XML parses."""
    problems: list[str] = []
    for path, data in sorted(files.items()):
        if path.endswith(".html"):
            text = data.decode("utf-8")
            if check_scripts:
                problems += html_problems(path, text)
        elif path.endswith(".xml"):
            problems += xml_problems(path, data)
    return problems


def read_tree(folder: Path) -> dict[str, bytes]:
    """Every file under a built output folder, by its posix path relative to it."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }
