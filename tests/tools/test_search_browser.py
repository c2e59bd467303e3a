"""Search in a real browser: a word from an explainer's body and an actor's name are found on
/search/ of a site built under a sub-path, and the page is whole without JavaScript.

Needs Debian's chromium and Pagefind; skipped without them, except in CI (CI=true), where a
missing tool is a failure rather than a silent skip.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator

import pytest

from sitegen.stages.search import pagefind_executable
from tests.helpers import EXAMPLES, require, run_sitegen, write_files

BASE = "/news/"

pytestmark = pytest.mark.browser

ARABIC = """---
title: "لماذا تأخرت المساعدات؟"
slug: al-musaadat
lang: ar
date: 2023-02-21
key_points:
  - "اعتمد شمال غرب سوريا على معبر واحد."
---
كان الشمال الغربي يعتمد على معبر باب الهوى الحدودي.
"""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The FORMAT.md examples built under /news/ and served over HTTP; yields the site's URL."""
    require(pagefind_executable() is not None, "Pagefind (pip install 'pagefind[bin]')")
    root = tmp_path_factory.mktemp("search")
    files: dict[str, str | bytes] = {
        f"content/{p.relative_to(EXAMPLES).as_posix()}": p.read_bytes()
        for p in EXAMPLES.rglob("*.md")
    }
    files["content/ar/crossing.md"] = ARABIC
    site = write_files(root / "site-src", files)
    result = run_sitegen("build", str(site), "--base-url", f"http://127.0.0.1:1{BASE}")
    assert result.returncode == 0, result.stderr
    docroot = root / "docroot"
    shutil.copytree(site / "site", docroot / BASE.strip("/"))
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(docroot))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{BASE}"
    finally:
        server.shutdown()


def search(browser: object, url: str, words: str) -> list[tuple[str, str]]:
    """Follow the header's Search link, type `words`, submit, and read each (title, link) found."""
    page = browser.new_page()  # type: ignore[attr-defined]
    try:
        page.goto(url)
        page.click("header nav >> text=Search")
        page.fill("#search-q", words)
        page.press("#search-q", "Enter")
        page.wait_for_selector("#search-count", timeout=30_000)  # the first search loads wasm
        links = page.locator(".search-hits h3 a")
        return [
            (links.nth(i).inner_text(), links.nth(i).get_attribute("href") or "")
            for i in range(links.count())
        ]
    finally:
        page.close()


def test_a_word_from_an_explainer_body_finds_it(browser: object, served: str) -> None:
    # "peacekeepers" is only in the body of the ceasefire explainer, not its title or key points.
    hits = search(browser, served, "peacekeepers")
    assert hits, "no result for a word of the body"
    title, href = hits[0]
    assert "30-day halt" in title
    assert href == f"{BASE}trump-putin-ceasefire-call/"


def test_an_actor_is_found_by_name(browser: object, served: str) -> None:
    hits = search(browser, served, "Peskov")
    assert (f"{BASE}actors/peskov/") in [href for _title, href in hits]


def test_an_explainer_in_another_language_is_found_from_the_sites_search(
    browser: object, served: str
) -> None:
    hits = search(browser, served, "الحدودي")
    assert [href for _title, href in hits] == [f"{BASE}al-musaadat/"]


def test_nothing_found_says_so(browser: object, served: str) -> None:
    assert search(browser, served, "zzzyxwv") == []


def test_without_javascript_the_page_lists_everything(browser: object, served: str) -> None:
    context = browser.new_context(java_script_enabled=False)  # type: ignore[attr-defined]
    try:
        page = context.new_page()
        page.goto(served + "search/?q=peacekeepers")
        assert page.locator("#search-all").is_visible()
        listed = page.locator("#search-all a").all_inner_texts()
        assert any("30-day halt" in text for text in listed)
        assert "Dmitry Peskov" in listed
    finally:
        context.close()
