"""Helpers shared by the test modules: site folders from dicts, the command line in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "tests" / "fixtures" / "format-examples"
"""A copy of the content contract's worked examples (tests/fixtures/README.md)."""


def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write `files` (site-relative path -> text or bytes) under `root`; returns `root`."""
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def run_sitegen(
    *args: str, cwd: Path | None = None, stdin: str | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run `python -m sitegen ARGS` against this checkout's source."""
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run(
        [sys.executable, "-m", "sitegen", *args],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def require(ok: bool, what: str) -> None:
    """Skip a test when a tool it needs is missing, except in CI, where that is a failure: CI
    installs every tool (.ci/browser-setup.sh), so a skip there would hide a broken setup."""
    if ok:
        return
    import pytest

    message = f"{what} is missing (run .ci/browser-setup.sh)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)
