"""The built-in theme in a real browser: accessibility, valid HTML, layout, weight, no JS."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scripts.sitebrowser import SCHEMES, WIDTHS

from .checks import run_axe, vnu_errors

pytestmark = pytest.mark.browser

PAGE_TYPES = (
    "home",
    "home-page-2",
    "explainer",
    "explainer-rtl",
    "page",
    "actor",
    "actors",
    "topic",
    "topics",
    "404",
)
WEIGHT_LIMIT = 30_000
"""30 KB read the strict way: bytes, not KiB."""


def _path(pages: dict[str, str], kind: str) -> str:
    if kind not in pages:
        pytest.fail(f"the test site has no {kind} page: {sorted(pages)}")
    return pages[kind]


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_axe_finds_no_violations(browser, origin, pages, axe_script, kind, width, scheme) -> None:
    url = f"{origin}/{_path(pages, kind)}"
    assert run_axe(browser, axe_script, url, width, scheme) == []


def test_nu_html_checker_finds_no_errors(site_dir: Path, vnu_jar: Path) -> None:
    assert vnu_errors(vnu_jar, site_dir) == []


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_no_horizontal_scroll_at_320px(browser, origin, pages, kind) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(f"{origin}/{_path(pages, kind)}")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert scroll_width <= 320


def test_explainers_without_images_weigh_at_most_30_kb(site_dir: Path) -> None:
    """Every explainer, its images taken out, with the stylesheets it links: at most 30 KB
    uncompressed."""
    weights = {}
    for index in site_dir.glob("*/index.html"):
        html = index.read_text("utf-8")
        if 'class="explainer"' in html:
            sheets = re.findall(r'<link rel="stylesheet" href="/([^"]+)"', html)
            assert sheets, f"{index} links no stylesheet"
            css = sum(len((site_dir / sheet).read_bytes()) for sheet in sheets)
            html = re.sub(r'<figure class="lead">.*?</figure>|<img [^>]*>', "", html, flags=re.S)
            weights[index.parent.name] = len(html.encode()) + css
    assert weights, "the test site has no explainer"
    assert {slug: w for slug, w in weights.items() if w > WEIGHT_LIMIT} == {}


def test_explainer_reads_without_javascript(browser, origin, pages) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 900})
    page = context.new_page()
    page.goto(f"{origin}/{_path(pages, 'explainer')}")
    assert page.locator("h1").is_visible()
    assert page.locator(".key-points li").first.is_visible()
    assert page.locator(".prose p").first.is_visible()
    answers = page.locator("details")
    if answers.count():
        answers.first.locator("summary").click()
        assert answers.first.locator("div").is_visible()
    context.close()
