"""Fixtures shared by the test modules."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import EXAMPLES, require, write_files

SiteFactory = Callable[[dict[str, str | bytes]], Path]


@pytest.fixture
def make_site(tmp_path: Path) -> SiteFactory:
    """A factory for site folders under the test's temporary folder."""
    counter = iter(range(1_000_000))

    def make(files: dict[str, str | bytes]) -> Path:
        return write_files(tmp_path / f"site{next(counter)}", files)

    return make


@pytest.fixture
def example_site(make_site: SiteFactory) -> Path:
    """The shared FORMAT.md examples as a site folder (content only, built-in theme)."""
    files: dict[str, str | bytes] = {
        f"content/{path.relative_to(EXAMPLES).as_posix()}": path.read_bytes()
        for path in sorted(EXAMPLES.rglob("*.md"))
    }
    return make_site(files)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's chromium through Playwright, one for the whole test session: Playwright's sync
    API allows only one running instance per thread, so every browser test shares this one."""
    from scripts.sitebrowser import CHROMIUM, launch

    require(CHROMIUM.is_file(), str(CHROMIUM))
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "Playwright (pip install playwright)")
        raise
    with sync_playwright() as playwright:
        launched = launch(playwright)
        yield launched
        launched.close()
