"""A real browser (Debian chromium through Playwright) keeps a page open while a file is edited:
the page must change by itself, with nothing but the injected LiveReload script to do it.

The browser is the session's shared one (`tests/conftest.py`), which skips on a machine without
chromium or Playwright but fails when `CI=true`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.serve.harness import Server, explainer


@pytest.mark.browser
def test_the_open_page_changes_by_itself_after_an_edit(
    site: Path, server: Server, browser: Any
) -> None:
    from playwright.sync_api import expect

    page = browser.new_page()
    try:
        page.goto(server.url("/news/alpha/"))
        expect(page.locator("body")).to_contain_text("Alpha point one.")
        page.wait_for_function(
            "() => window.LiveReload && window.LiveReload.connector"
            " && window.LiveReload.connector._connectionDesired"
        )
        page.wait_for_timeout(500)  # the handshake completes

        (site / "content/alpha.md").write_text(explainer("Alpha", "Changed in the editor."))

        expect(page.locator("body")).to_contain_text("Changed in the editor.", timeout=15_000)
    finally:
        page.close()
