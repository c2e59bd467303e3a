"""Lighthouse (npm `lighthouse@12`, mobile preset) on the home page and an explainer.

Accessibility, best practices and SEO must score 100 and performance at least 98. Lighthouse runs
Debian's chromium itself (CHROME_PATH), offline against the site served on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from scripts import sitebrowser

from .conftest import NODE_MODULES, require

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MINIMUM = {"performance": 0.98, "accessibility": 1.0, "best-practices": 1.0, "seo": 1.0}


@pytest.fixture(scope="session")
def lighthouse() -> Path:
    script = NODE_MODULES / ".bin" / "lighthouse"
    require(script.exists(), f"{script} is missing")
    require(shutil.which("node") is not None, "node is missing")
    require(sitebrowser.CHROMIUM.exists(), f"{sitebrowser.CHROMIUM} is missing")
    return script


@pytest.mark.parametrize("kind", ["home", "explainer"])
def test_lighthouse_scores(lighthouse, origin, pages, tmp_path, kind) -> None:
    report = tmp_path / "report.json"
    flags = [*sitebrowser.CHROMIUM_ARGS, f"--user-data-dir={tmp_path / 'profile'}"]
    command = [
        str(lighthouse),
        f"{origin}/{pages[kind]}",
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--chrome-flags={' '.join(flags)}",
    ]
    env = {**os.environ, "CHROME_PATH": str(sitebrowser.CHROMIUM)}
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    categories = json.loads(report.read_text())["categories"]
    scores = {name: categories[name]["score"] for name in MINIMUM}
    assert {name: s for name, s in scores.items() if s is None or s < MINIMUM[name]} == {}
