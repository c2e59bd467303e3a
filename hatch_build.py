"""Wheel build hook: the built-in theme's templates, compiled.

See `sitegen.stages.render.ThemeBytecode`.

Runs with the interpreter and Jinja that `pip install .` builds the wheel with, which are
those it installs sitegen for; with any other, Jinja finds the code stale and compiles the
templates as it would without it.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CompiledThemeHook(BuildHookInterface):  # type: ignore[type-arg]
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        sys.path.insert(0, self.root)
        try:
            from sitegen.stages.render import compile_theme
        finally:
            sys.path.remove(self.root)
        self._folder = Path(tempfile.mkdtemp(prefix="sitegen-theme-"))
        compile_theme(Path(self.root) / "templates", self._folder)
        build_data["force_include"][str(self._folder)] = "sitegen/theme/compiled"

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        folder = getattr(self, "_folder", None)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
