"""`pip install .` as a new user runs it: the wheel carries the theme, and the installed command
builds a folder that holds only content/."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.helpers import EXAMPLES, REPO, write_files


@pytest.mark.slow
def test_installed_wheel_builds_a_content_only_site(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(REPO)],
        check=True,
        capture_output=True,
    )
    wheel = next(wheels.glob("sitegen-*.whl"))
    env_dir = tmp_path / "venv"
    venv.create(env_dir, system_site_packages=True, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(wheel)],
        check=True,
        capture_output=True,
    )
    site = write_files(
        tmp_path / "mysite",
        {
            f"content/{path.relative_to(EXAMPLES).as_posix()}": path.read_bytes()
            for path in EXAMPLES.rglob("*.md")
        },
    )
    result = subprocess.run(
        [str(env_dir / "bin" / "sitegen"), "build"],
        cwd=site,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (site / "site" / "static" / "theme.css").is_file()
    assert (site / "site" / "trump-putin-ceasefire-call" / "index.html").is_file()
    theme = subprocess.run(
        [str(python), "-c", "from sitegen.stages.load import theme_dir; print(theme_dir())"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert "site-packages" in theme, "the installed package must use the theme inside the wheel"
    assert not (Path(theme) / "static" / "images").exists(), "the demo's images are not the theme's"
    compiled = subprocess.run(
        [str(python), "-c", _LOADS_COMPILED],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert compiled.returncode == 0, compiled.stderr
    assert int(compiled.stdout) >= 10, "the wheel carries the theme's templates compiled"


_LOADS_COMPILED = """
from sitegen.stages.load import load_site
from sitegen.stages.render import COMPILED_THEME, make_environment
from pathlib import Path
import tempfile
files, _ = load_site(Path(tempfile.mkdtemp()))
env = make_environment(files.templates)
def refuse(*args, **kwargs):
    raise AssertionError("compiled a template the wheel carries compiled")
env.compile = refuse
for name in files.templates:
    env.get_template(name)
print(len(list(COMPILED_THEME.glob("*.jbc"))))
"""
