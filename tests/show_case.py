"""Show what a case file produces, to write its `-- expect --` section by reading, not guessing.

    python -m tests.show_case tests/cases/slug-bad.txt [more.txt ...]

Prints every diagnostic the case's site gives and, for each `-- model --` line, the value found.
It never edits a case: an expectation must say what FORMAT.md asks, checked by a person.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import yaml

from sitegen.build import BuildOptions, check
from tests.helpers import write_files
from tests.test_cases import parse_case, resolve

_SPECIAL = ("expect", "model", "options")


def show(case: Path) -> None:
    sections = parse_case(case.read_text(encoding="utf-8"))
    files = {name: body for name, body in sections.items() if name not in _SPECIAL}
    with tempfile.TemporaryDirectory() as folder:
        root = write_files(Path(folder) / "site", files)
        options = yaml.safe_load(sections.get("options", "")) or {}
        result = check(BuildOptions(root=root, **options))
        print(f"== {case}")
        for diagnostic in result.report:
            print(diagnostic)
        for line in sections.get("model", "").split("\n"):
            dotted = line.split(" ~ ")[0].split(" !~ ")[0].partition(": ")[0].strip()
            if dotted:
                try:
                    value = repr(str(resolve(result.site, dotted)))
                except (AttributeError, IndexError, KeyError, TypeError) as err:
                    value = f"<{type(err).__name__}: {err}>"
                print(f"  {dotted} = {value}")


if __name__ == "__main__":
    for argument in sys.argv[1:]:
        show(Path(argument))
