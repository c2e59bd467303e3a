"""Fixtures for the browser tests: a built site served on 127.0.0.1, and Debian's chromium.

The site is the repository's demo site (`content/` at the root), built once per session with
this checkout's sitegen. `SITEGEN_TEST_SITE=/path/to/built/site` serves an already built site
instead, which makes iterating on the theme fast.

A missing tool (chromium, Java, the npm packages of .ci/browser-setup.sh) skips these tests on a
developer's machine but fails them when `CI=true`, so CI can never pass by skipping them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from scripts import sitebrowser
from tests.helpers import require

REPO_ROOT = Path(__file__).resolve().parents[2]

NODE_MODULES = REPO_ROOT / "node_modules"


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built demo site (or `SITEGEN_TEST_SITE`), built for the port it will be served on."""
    prebuilt = os.environ.get("SITEGEN_TEST_SITE")
    if prebuilt:
        return Path(prebuilt)
    require((REPO_ROOT / "content").is_dir(), "no demo content/ at the repository root")
    out = tmp_path_factory.mktemp("site") / "site"
    port = sitebrowser.free_port()
    result = sitebrowser.build_site(REPO_ROOT, out, f"http://127.0.0.1:{port}/")
    assert result.returncode == 0, result.stdout + result.stderr
    (out / ".port").write_text(str(port))
    return out


@pytest.fixture(scope="session")
def origin(site_dir: Path) -> Iterator[str]:
    """The served site's origin, e.g. `http://127.0.0.1:41234`."""
    port_file = site_dir / ".port"
    port = int(port_file.read_text()) if port_file.exists() else 0
    with sitebrowser.serve(site_dir, port) as url:
        yield url


@pytest.fixture(scope="session")
def pages(site_dir: Path) -> dict[str, str]:
    """One site path per page type."""
    return sitebrowser.page_types(site_dir)


@pytest.fixture(scope="session")
def axe_script() -> Path:
    script = NODE_MODULES / "axe-core" / "axe.min.js"
    require(script.is_file(), f"{script} is missing")
    return script


@pytest.fixture(scope="session")
def vnu_jar() -> Path:
    jar = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
    require(jar.is_file(), f"{jar} is missing")
    require(shutil.which("java") is not None, "java is missing")
    return jar
