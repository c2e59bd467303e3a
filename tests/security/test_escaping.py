"""Issue 5, escaping: no field and no body can put script into the built site.

Each test builds a whole site with the built-in theme and walks every element and attribute of
every page with an independent checker (tests/security/htmlcheck.py), instead of looking for
one expected string: a new template that forgets to escape one field fails here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from sitegen.build import BuildOptions, build
from tests.conftest import SiteFactory
from tests.security.htmlcheck import html_problems, output_problems, read_tree

PAYLOADS = (
    "<script>alert(1)</script>",
    "</script><script>alert(2)</script>",
    "<img src=x onerror=alert(3)>",
    '" onmouseover="alert(4)" x="',
    "' onfocus='alert(5)' autofocus='",
    "<svg/onload=alert(6)>",
    "]]><!--",
    "{{ 7*7 }}",
    "{% raw %}x{% endraw %}",
    "\u2028\u2029",
)
HOSTILE = " ".join(PAYLOADS)

# Every way of writing a script URL that a browser, or a careless check, may forgive.
SCRIPT_URLS = (
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "  javascript:alert(1)",
    "\x01javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;avascript&colon;alert(1)",
    "&#0000106&#0000097vascript:alert(1)",
    "javascript&#58;alert(1)",
    "%6Aavascript:alert(1)",
    "javascript%3Aalert(1)",
    "vbscript:msgbox(1)",
    "VBScript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "DATA:text/html,<script>alert(1)</script>",
    "data:image/svg+xml,<svg onload=alert(1)>",
    "file:///etc/passwd",
)


def hostile_explainer() -> dict[str, object]:
    """An explainer with hostile text in every text field and only safe URLs."""
    return {
        "title": HOSTILE,
        "date": "2025-03-19",
        "updated": "2025-03-20T10:00:00Z",
        "summary": HOSTILE,
        "authors": [HOSTILE, "Jane <b>Doe</b>"],
        "source": HOSTILE,
        "topics": [HOSTILE, "Ukraine"],
        "image": {
            "src": "/static/a.png?<script>",
            "alt": HOSTILE,
            "caption": HOSTILE,
            "credit": HOSTILE,
        },
        "key_points": [HOSTILE, f"**{HOSTILE}**", "[@a](@a) `<script>`"],
        "actors": [
            "a",
            {
                "id": "b",
                "name": HOSTILE,
                "role": HOSTILE,
                "description": HOSTILE,
                "url": "https://example.org/?q=<script>",
                "image": {"src": "https://example.org/b.png", "alt": HOSTILE},
            },
        ],
        "quotes": [
            {"text": HOSTILE, "by": "a", "context": HOSTILE, "url": "https://example.org/q"},
            {"text": HOSTILE, "by": HOSTILE, "date": "2025-03-18"},
        ],
        "timeline": [{"date": "2025-03-18", "text": HOSTILE}],
        "sources": [{"title": HOSTILE, "url": "https://example.org/s", "publisher": HOSTILE}],
        "related": [{"title": HOSTILE, "url": "/other/?<x>"}],
        "questions": [{"q": HOSTILE, "a": HOSTILE}],
        "updates": [{"date": "2025-03-20", "text": HOSTILE}],
        "corrections": [{"date": "2025-03-20", "text": HOSTILE}],
        "extra": {"x": HOSTILE},
    }


def body_with(links: tuple[str, ...]) -> str:
    lines = [HOSTILE, "", "## " + HOSTILE, ""]
    for url in links:
        lines += [
            f"[link]({url.replace(chr(10), ' ')})",
            f"![image]({url.replace(chr(10), ' ')})",
            f"<{url}>",
            f"[ref][{len(lines)}]",
            "",
            f"[{len(lines) - 1}]: {url.replace(chr(10), ' ')}",
            "",
        ]
    lines += [
        '<div onclick="alert(1)">raw</div>',
        "<script>alert(1)</script>",
        '<a href="javascript:alert(1)">raw link</a>',
        "::: quote a",
        HOSTILE,
        ":::",
        "",
        f"Footnote[^1].\n\n[^1]: {HOSTILE}",
    ]
    return "\n".join(lines)


def document(fields: dict[str, object], body: str) -> str:
    return "---\n" + yaml.safe_dump(fields, allow_unicode=True) + "---\n" + body + "\n"


def hostile_site(allow_html: bool = False) -> dict[str, str | bytes]:
    config = {
        "title": HOSTILE,
        "description": HOSTILE,
        "publisher": {"name": HOSTILE, "url": "https://example.org/", "logo": "/static/l.png"},
        "allow_html": allow_html,
    }
    actor = {"name": HOSTILE, "role": HOSTILE, "description": HOSTILE, "aliases": [HOSTILE]}
    return {
        "sitegen.yaml": yaml.safe_dump(config, allow_unicode=True),
        "content/hostile.md": document(hostile_explainer(), body_with(SCRIPT_URLS)),
        "content/actors/a.md": document(actor, body_with(SCRIPT_URLS[:3])),
        "content/pages/about.md": document({"title": HOSTILE}, body_with(SCRIPT_URLS[3:6])),
    }


def built(
    make_site: SiteFactory, files: dict[str, str | bytes], tmp_path: Path
) -> dict[str, bytes]:
    root = make_site(files)
    out = tmp_path / "out"
    result = build(BuildOptions(root=root, out=out))
    assert result.ok, [str(d) for d in result.report]
    return read_tree(out)


def test_no_field_and_no_body_puts_script_in_the_site(
    make_site: SiteFactory, tmp_path: Path
) -> None:
    tree = built(make_site, hostile_site(), tmp_path)
    assert len([path for path in tree if path.endswith(".html")]) >= 8
    assert output_problems(tree) == []


def test_the_checker_itself_catches_each_kind_of_script() -> None:
    """The checker above must be able to fail: each of these pages is unsafe."""
    unsafe = (
        "<script>alert(1)</script>",
        '<p onclick="x">',
        '<a href="&#106;avascript:alert(1)">',
        '<a href=" \tjava&#x09;script:alert(1)">',
        '<img src="data:image/svg+xml,<svg>">',
        '<a href="%6Aavascript:alert(1)">',
        "<iframe src=x>",
        '<script src="https://evil.example/static/x.js"></script>',
        '<script src="/static/search.js">alert(1)</script>',
        '<form action="javascript:alert(1)">',
        '<script type="application/ld+json">{"a": "</script><script>alert(1)</script>',
        '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    )
    for page in unsafe:
        assert html_problems("page.html", page), page
    assert html_problems("page.html", '<img src="data:image/png;base64,AAAA">') == []
    assert html_problems("page.html", '<script src="/news/static/search.js" defer></script>') == []


def test_script_urls_in_the_body_are_written_as_text(
    make_site: SiteFactory, tmp_path: Path
) -> None:
    tree = built(make_site, hostile_site(), tmp_path)
    page = tree["hostile/index.html"].decode()
    assert "raw link" in page  # the raw <a> is shown as text, escaped
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert not re.search(r"<a [^>]*href=\"[^\"]*script:", page, re.I)


@pytest.mark.parametrize("field", ["image.src", "actors.1.url", "quotes.0.url", "sources.0.url"])
@pytest.mark.parametrize("url", SCRIPT_URLS, ids=range(len(SCRIPT_URLS)))
def test_script_urls_in_front_matter_are_errors(
    make_site: SiteFactory, field: str, url: str
) -> None:
    """A script URL in a URL field fails the build at its line: no output at all."""
    fields = hostile_explainer()
    target: object = fields
    *parents, last = field.split(".")
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]  # type: ignore[index]
    target[last] = url  # type: ignore[index]
    root = make_site(
        {"content/a.md": document(fields, "x"), "content/actors/a.md": "---\nname: A\n---\n"}
    )
    result = build(BuildOptions(root=root))
    errors = [str(d) for d in result.report if d.is_error]
    assert any("URL scheme that is not allowed" in error for error in errors), errors
    assert not (root / "site").exists()


def test_content_is_never_evaluated_as_a_template(make_site: SiteFactory, tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "sitegen.yaml": "title: '{{ 6*7 }}'\n",
        "content/a.md": "---\ntitle: '{{ 7*7 }}'\ndate: 2025-01-01\n"
        "key_points: ['{% for x in range(3) %}loop{% endfor %}']\n---\n{{ site.config }}\n",
    }
    tree = built(make_site, files, tmp_path)
    page = tree["a/index.html"].decode()
    assert "<h1>{{ 7*7 }}</h1>" in page
    assert "{% for x in range(3) %}loop{% endfor %}" in page
    assert "{{ site.config }}" in page
    assert "49" not in page and "loooploop" not in page
    assert "{{ 6*7 }}" in tree["feed.xml"].decode()


def json_ld_blocks(page: str) -> list[dict[str, object]]:
    return [
        json.loads(block)
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    ]


def test_json_ld_survives_a_closing_script_tag(make_site: SiteFactory, tmp_path: Path) -> None:
    tree = built(make_site, hostile_site(), tmp_path)
    page = tree["hostile/index.html"].decode()
    blocks = json_ld_blocks(page)
    assert blocks, "the explainer page has JSON-LD"
    assert any(block.get("headline") == HOSTILE.strip() for block in blocks)
    for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S):
        assert "<" not in block and ">" not in block


def test_allow_html_is_the_documented_opt_in(make_site: SiteFactory, tmp_path: Path) -> None:
    """With `allow_html: true` raw HTML in Markdown (bodies, key points, quotes...) passes as
    written: the site owner said so. Plain-text fields (titles, summaries...) stay escaped."""
    tree = built(make_site, hostile_site(allow_html=True), tmp_path)
    page = tree["hostile/index.html"].decode()
    assert '<div onclick="alert(1)">raw</div>' in page
    assert "<script>alert(1)</script>" in page
    assert "<h1>&lt;script&gt;" in page
    assert "<title>&lt;script&gt;" in page
    assert output_problems(tree)
