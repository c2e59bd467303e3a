"""The built-in theme without a browser: every section appears when its field is given, and only
then; languages are marked; metadata is present and parses. Builds small sites in-process."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest

from sitegen.build import BuildOptions, build
from tests.theme.kitchen_sink import write_kitchen_sink


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_kitchen_sink(tmp_path_factory.mktemp("theme"), "https://example.org/sub/")
    result = build(BuildOptions(root=root))
    assert result.ok, [str(d) for d in result.report.diagnostics]
    return root / "site"


def page(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text("utf-8")


def test_full_explainer_shows_every_section_in_order(site: Path) -> None:
    html = page(site, "full")
    order = [
        '<p class="kicker">',
        "<h1>Everything &lt;at once&gt;</h1>",
        '<p class="standfirst">A standfirst.</p>',
        "By</span> Ann Author, Bo Writer and Cy Reporter",
        '<span class="source">Agence France-Presse</span>',
        'id="section-corrections"',
        'id="section-key-points"',
        '<figure class="lead">',
        'id="section-contents"',
        '<div class="prose">',
        'id="section-whos-who"',
        'id="section-what-they-said"',
        'id="section-timeline"',
        'id="section-questions"',
        'id="section-sources"',
        'id="section-related"',
        'id="section-updates"',
    ]
    positions = [html.find(marker) for marker in order]
    assert -1 not in positions, [m for m, p in zip(order, positions, strict=True) if p == -1]
    assert positions == sorted(positions)


def test_full_explainer_details(site: Path) -> None:
    html = page(site, "full")
    assert '<img src="/sub/static/lead.png" alt="A map of the front"' in html
    assert "The front line." in html and '<span class="credit">Demo desk</span>' in html
    assert '<img class="avatar" src="/sub/static/putin.png" alt="Vladimir Putin in 2024"' in html
    assert 'aria-hidden="true">TK</span>' in html  # initials when there is no photo
    assert '<blockquote cite="https://example.org/q">We agree.</blockquote>' in html
    assert "after the call" in html and "A diplomat" in html
    assert re.search(r"<details>\s*<summary>Is it a ceasefire\?</summary>", html)
    invasion, call = html.find("The invasion."), html.find("The call.")
    assert -1 < invasion < call  # the timeline in date order
    assert '<time datetime="2025-03-19T09:00:00+13:00">' in html
    assert 'href="/sub/other/"' in html  # the related .md link
    assert html.count("<h1") == 1


def test_minimal_explainer_has_no_empty_sections(site: Path) -> None:
    html = page(site, "other")
    assert 'id="section-key-points"' in html
    for absent in (
        "section-corrections",
        "section-contents",
        "section-whos-who",
        "section-what-they-said",
        "section-timeline",
        "section-questions",
        "section-sources",
        "section-related",
        "section-updates",
        'class="lead"',
        'class="byline"',
        'class="standfirst"',
        'class="kicker"',
    ):
        assert absent not in html


def test_headings_never_skip_a_level(site: Path) -> None:
    for index in site.rglob("*.html"):
        levels = [int(level) for level in re.findall(r"<h([1-6])\b", index.read_text("utf-8"))]
        assert levels[0] == 1, index
        assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), index


def test_languages_are_marked(site: Path) -> None:
    arabic = page(site, "arabic")
    assert '<html lang="ar" dir="rtl">' in arabic
    assert 'id="section-key-points" class="label" lang="en"' in arabic
    assert '<span lang="en" dir="ltr">Published <time datetime="2025-02-01' in arabic
    home = page(site, "")
    assert '<article class="item" lang="ar" dir="rtl">' in home
    assert '<article class="item">' in home


def test_metadata_of_an_explainer(site: Path) -> None:
    html = page(site, "full")
    assert "<title>Everything &lt;at once&gt; \u2014 Test Site</title>" in html
    assert '<link rel="canonical" href="https://example.org/sub/full/">' in html
    assert '<meta name="description" content="A standfirst.">' in html
    for tag in ("og:title", "og:url", "og:image", "article:published_time", "article:tag"):
        assert f'<meta property="{tag}"' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    (script,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert "<" not in script
    data = json.loads(script)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Everything <at once>"
    assert [m["@type"] for m in data["mentions"]] == ["Person", "Person"]
    assert [q["@type"] for q in data["hasPart"]] == ["Quotation", "Quotation"]
    assert data["correction"][0]["@type"] == "CorrectionComment"


def test_actor_page_and_home_metadata(site: Path) -> None:
    actor = page(site, "actors/putin")
    (script,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', actor, re.S)
    assert json.loads(script)["@type"] == "Person"
    assert "We agree." in actor and 'href="/sub/full/"' in actor
    home = page(site, "")
    (script,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', home, re.S)
    assert json.loads(script)["@type"] == "WebSite"


def test_navigation_and_landmarks(site: Path) -> None:
    html = page(site, "topics")
    assert '<a class="skip" href="#main">' in html
    assert '<main id="main"' in html
    assert '<a href="/sub/topics/" aria-current="page">Topics</a>' in html
    assert '<a href="/sub/about/">About</a>' in html
    not_found = (site / "404.html").read_text("utf-8")
    assert 'href="/sub/"' in not_found and "Page not found" in not_found
