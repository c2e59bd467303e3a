"""The site that uses every field (tests/theme/kitchen_sink.py) in a real browser and the Nu Html
Checker: sections the demo site may not exercise (an actor photo, every optional field at once)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from scripts import sitebrowser
from sitegen.build import BuildOptions, build
from tests.theme.kitchen_sink import write_kitchen_sink

from .checks import run_axe, vnu_errors

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def full_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """The built site and the origin it is served at."""
    port = sitebrowser.free_port()
    root = write_kitchen_sink(tmp_path_factory.mktemp("full"), f"http://127.0.0.1:{port}/")
    result = build(BuildOptions(root=root))
    assert result.ok, [str(d) for d in result.report.diagnostics]
    with sitebrowser.serve(root / "site", port) as origin:
        yield root / "site", origin


def test_nu_html_checker_finds_no_errors(full_site: tuple[Path, str], vnu_jar: Path) -> None:
    assert vnu_errors(vnu_jar, full_site[0]) == []


@pytest.mark.parametrize(("width", "scheme"), [(390, "light"), (1280, "dark")])
@pytest.mark.parametrize("path", ["full/", "arabic/", "actors/putin/", ""])
def test_axe_finds_no_violations(browser, full_site, axe_script, path, width, scheme) -> None:
    assert run_axe(browser, axe_script, f"{full_site[1]}/{path}", width, scheme) == []


def test_every_image_loads(browser, full_site) -> None:
    page = browser.new_page()
    page.goto(f"{full_site[1]}/full/")
    widths = page.evaluate(
        """async () => {
            const images = [...document.images];
            images.forEach(image => { image.loading = "eager"; });
            await Promise.all(images.map(image => image.decode().catch(() => null)));
            return images.map(image => image.naturalWidth);
        }"""
    )
    page.close()
    assert len(widths) == 2  # the lead image and the actor's photo
    assert all(widths)
