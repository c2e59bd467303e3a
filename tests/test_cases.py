"""FORMAT.md rule by rule: each file in tests/cases/ is a small site and what building it reports.

A case file holds sections in the "txtar" style:

    -- content/a.md --
    (file text)
    -- expect --
    content/a.md:3:7: error: ...      (every diagnostic, exactly; empty means a clean build)
    -- model --
    explainers.0.actors.1.role: Candidate      (optional: dotted paths into the Site model)
    explainers.0.body_html ~ <b>               (`~`: the value's text contains this)
    explainers.0.body_html !~ <script          (`!~`: ... and does not contain this)
    explainers#: 2                             (`#`: how many items the value has)
    -- options --
    strict: true                                (optional: BuildOptions fields)

Writing a case is how a FORMAT.md rule gets its passing and its failing example; name them
`<rule>-ok.txt` and `<rule>-bad.txt`. `python -m tests.show_case FILE` prints what a case gives.
Cases run the checking stages (load, parse, assemble); rendering is covered by other tests.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from sitegen.build import BuildOptions, check
from tests.helpers import write_files

CASES = sorted((Path(__file__).parent / "cases").glob("*.txt"))


def parse_case(text: str) -> dict[str, str]:
    """Sections of a case file, by name."""
    sections: dict[str, str] = {}
    name = None
    lines: list[str] = []
    for line in text.split("\n"):
        if line.startswith("-- ") and line.endswith(" --"):
            if name is not None:
                sections[name] = "\n".join(lines)
            name, lines = line[3:-3].strip(), []
        else:
            lines.append(line)
    if name is not None:
        sections[name] = "\n".join(lines)
    return sections


def resolve(value: Any, dotted: str) -> Any:
    """`explainers.0.actors.1.role` read from the model; a trailing `#` gives its length."""
    if dotted.endswith("#"):
        return len(resolve(value, dotted[:-1]))
    for part in dotted.split("."):
        if part.isdigit():
            value = value[int(part)]
        elif isinstance(value, dict):
            value = value[part]
        else:
            value = getattr(value, part)
    return value


@pytest.mark.parametrize("case", CASES, ids=[case.stem for case in CASES])
def test_case(case: Path, tmp_path: Path) -> None:
    sections = parse_case(case.read_text(encoding="utf-8"))
    files = {
        name: body for name, body in sections.items() if name not in ("expect", "model", "options")
    }
    root = write_files(tmp_path / "site", files)
    options = yaml.safe_load(sections.get("options", "")) or {}
    result = check(BuildOptions(root=root, **options))
    got = [str(diagnostic) for diagnostic in result.report]
    expected = [line for line in sections.get("expect", "").split("\n") if line.strip()]
    assert got == expected
    for line in sections.get("model", "").split("\n"):
        if line.strip():
            assert result.site is not None, "a model check needs a build without errors"
            check_model_line(result.site, line)


def check_model_line(site: Any, line: str) -> None:
    """One `-- model --` line: `path: exact`, `path ~ part`, `path !~ part`."""
    for operator in (" !~ ", " ~ "):
        dotted, found, wanted = line.partition(operator)
        if found:
            got = str(resolve(site, dotted.strip()))
            assert (wanted in got) == (operator == " ~ "), f"{dotted}: {got!r}"
            return
    dotted, _, wanted = line.partition(": ")
    assert str(resolve(site, dotted.strip())) == wanted, dotted


def test_shared_examples_build_clean(example_site: Path) -> None:
    """The FORMAT.md examples every writer starts from check without a single diagnostic."""
    result = check(BuildOptions(root=example_site, strict=True))
    assert [str(diagnostic) for diagnostic in result.report] == []
    assert result.site is not None and result.site.explainers


def test_demo_site_checks_clean() -> None:
    """The repository's own demo content (content/, sitegen.yaml) checks clean, strictly."""
    root = Path(__file__).resolve().parent.parent
    result = check(BuildOptions(root=root, strict=True))
    assert [str(diagnostic) for diagnostic in result.report] == []
