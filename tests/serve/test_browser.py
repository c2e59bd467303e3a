"""A real browser (Debian chromium through Playwright) keeps a page open while a file is edited:
the page must change by itself, with nothing but the injected LiveReload script to do it."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.serve.harness import Server, explainer

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _require_browser() -> None:
    """Skip where there is no browser, except in CI, where a missing browser is a failure."""
    missing = not Path(CHROMIUM).exists()
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = True
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {CHROMIUM} or Playwright is missing")
        pytest.skip(f"needs {CHROMIUM} and Playwright")


@pytest.mark.browser
def test_the_open_page_changes_by_itself_after_an_edit(site: Path, server: Server) -> None:
    _require_browser()
    from playwright.sync_api import expect, sync_playwright

    profile = tempfile.mkdtemp(prefix="sitegen-chromium-")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch_persistent_context(
                profile, executable_path=CHROMIUM, headless=True, args=FLAGS
            )
            page = browser.new_page()
            page.goto(server.url("/news/alpha/"))
            expect(page.locator("body")).to_contain_text("Alpha point one.")
            page.wait_for_function(
                "() => window.LiveReload && window.LiveReload.connector"
                " && window.LiveReload.connector._connectionDesired"
            )
            page.wait_for_timeout(500)  # the handshake completes

            (site / "content/alpha.md").write_text(explainer("Alpha", "Changed in the editor."))

            expect(page.locator("body")).to_contain_text("Changed in the editor.", timeout=15_000)
            browser.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)
