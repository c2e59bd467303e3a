"""Issue 5, resource bombs: each finishes in bounded time and memory, or is refused with a
message. Timings are not asserted (the figures are in docs/security.md); what is asserted is
that the build ends (a generous subprocess timeout turns a hang into a failure), with the right
exit status, and never with a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.stages.frontmatter import parse_document
from tests.conftest import SiteFactory
from tests.helpers import run_sitegen

FRONT = "---\ntitle: T\ndate: 2025-01-01\nkey_points: [k]\n---\n"
HANG = 900.0
"""Seconds after which a build counts as hung: ten times the slowest bomb on a loaded machine."""


def laughs(levels: int) -> str:
    """The "billion laughs": each level ten aliases of the one before, 10**levels nodes."""
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, levels):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def build(root: Path) -> tuple[int, str]:
    completed = run_sitegen("build", str(root), "--quiet", timeout=HANG)
    assert "Traceback" not in completed.stderr
    return completed.returncode, completed.stderr


def test_yaml_alias_bomb_is_refused(make_site: SiteFactory) -> None:
    root = make_site({"content/a.md": FRONT.replace("---\n", "---\n" + laughs(9), 1)})
    code, stderr = build(root)
    assert code == 1
    assert "content/a.md:2:1: error: YAML aliases expand to a huge or endless document" in stderr


def test_recursive_yaml_alias_is_refused(make_site: SiteFactory) -> None:
    root = make_site({"content/a.md": FRONT.replace("---\n", "---\nx: &x [*x]\n", 1)})
    code, stderr = build(root)
    assert code == 1 and "YAML aliases expand" in stderr


def test_a_long_honest_document_is_no_alias_bomb() -> None:
    """300,000 nodes written out, no alias: the alias limit counts expansion only (a build of
    100,000 inline actors was once refused as "aliases expand to a huge document")."""
    actors = "".join(f"- {{id: a{index}, name: A}}\n" for index in range(60_000))
    document, problems = parse_document("content/a.md", f"---\nactors:\n{actors}---\n".encode())
    assert problems == [] and document is not None
    assert len(document.data["actors"]) == 60_000


def test_a_file_past_the_size_limit_is_refused(make_site: SiteFactory) -> None:
    root = make_site({"content/a.md": FRONT + "x" * 17_000_000})
    code, stderr = build(root)
    assert code == 1
    assert "content/a.md:1:1: error: file is 17 MB; a content file" in stderr


@pytest.mark.slow
def test_a_10_mb_body_builds(make_site: SiteFactory) -> None:
    paragraph = "The quick brown fox, said [Putin](https://example.org) **today**.\n\n"
    root = make_site({"content/a.md": FRONT + paragraph * (10_000_000 // len(paragraph))})
    assert build(root)[0] == 0


@pytest.mark.slow
def test_100000_lines_build(make_site: SiteFactory) -> None:
    body = "".join(f"line {index}\n" for index in range(100_000))
    points = "".join(f"- point {index}\n" for index in range(100_000))
    root = make_site(
        {
            "content/a.md": FRONT + body,
            "content/b.md": f"---\ntitle: B\ndate: 2025-01-01\nkey_points:\n{points}---\n",
        }
    )
    assert build(root)[0] == 0


@pytest.mark.slow
@pytest.mark.parametrize(
    "count", [10_000, pytest.param(100_000, marks=pytest.mark.long)], ids=["10k", "100k"]
)
def test_many_actors_in_one_explainer(make_site: SiteFactory, count: int) -> None:
    """Every actor gets a page, so this is the work of `count` pages, done in linear time; the
    full 100,000 (several minutes on 2 cores) runs with `python -m pytest -m long`."""
    actors = "".join(f"- {{id: a{index}, name: Actor {index}}}\n" for index in range(count))
    front = f"---\ntitle: T\ndate: 2025-01-01\nkey_points: [k]\nactors:\n{actors}---\n"
    root = make_site({"content/a.md": front})
    code, _stderr = build(root)
    assert code == 0
    assert (root / "site" / "actors" / f"a{count - 1}" / "index.html").is_file()


@pytest.mark.slow
def test_pathological_markdown_nesting(make_site: SiteFactory) -> None:
    body = "[" * 100_000 + "\n\n" + "*" * 100_000 + "\n\n" + "> " * 50_000 + "x\n\n" + "- " * 20_000
    root = make_site({"content/a.md": FRONT + body + "x\n"})
    code, stderr = build(root)
    assert code in (0, 1)
    assert code == 0 or "nested too deeply" in stderr


def test_many_block_scalars_are_placed_in_linear_time() -> None:
    """Each `- |` item is placed at its first content line; finding it once copied the rest of
    the file, so 200,000 such key points took minutes (quadratic). Bounded as CPU time."""
    from tests.security.fuzz import time_bound

    points = "".join(f"  - |\n    point {index}\n" for index in range(200_000))
    with time_bound(60):
        document, problems = parse_document(
            "content/a.md", f"---\nkey_points:\n{points}---\n".encode()
        )
    assert problems == [] and document is not None
    assert document.place("key_points", 199_999).line == 2 + 2 * 200_000


def test_a_huge_headline_draws_its_share_card_quickly() -> None:
    """Found by the final fuzz run: the share card wrapped the whole text and cut a long word
    one character at a time (cubic), so a 60,000-letter title kept a build busy for minutes.
    The time is bounded as CPU time, as in the fuzz suite."""
    from sitegen.stages.share import Card, draw
    from tests.security.fuzz import time_bound

    with time_bound(30):
        draw(Card("a" * 60_000, "b" * 60_000, "Site", "example.org", False, "en"))
        draw(Card("x y " * 15_000, "\u0645" * 20_000, "Site", "example.org", True, "ar"))
