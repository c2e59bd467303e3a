"""A generated site of many explainers, for `sitegen check` and search measurements.

`python -m tests.tools.corpus DIR [COUNT]` writes COUNT explainers (default 1,000) that mention
a few shared actors, quote them and link to each other, so every validation path runs.
"""

from __future__ import annotations

import sys
from pathlib import Path

ACTORS = ("alba-novak", "chen-wei", "farah-haddad", "ivan-petrov", "nia-okafor")
WORDS = [
    "harbour",
    "treaty",
    "ministers",
    "budget",
    "drought",
    "reservoir",
    "tariff",
    "coalition",
    "ceasefire",
    "vaccine",
    "election",
    "turnout",
    "pipeline",
    "shipyard",
    "glacier",
    "inflation",
    "subsidy",
    "border",
    "refinery",
    "corridor",
]


def actor_file(actor_id: str) -> str:
    name = actor_id.replace("-", " ").title()
    return f"---\nname: {name}\nrole: Minister of examples\n---\n{name} appears in the corpus.\n"


def explainer_file(number: int, count: int) -> str:
    actor = ACTORS[number % len(ACTORS)]
    other = ACTORS[(number + 1) % len(ACTORS)]
    word = WORDS[number % len(WORDS)]
    body = " ".join(WORDS[(number + i) % len(WORDS)] for i in range(120))
    link = f"[the previous one](story-{number - 1:04d}.md)" if number > 0 else "the first one"
    return (
        "---\n"
        f'title: "Story {number}: what the {word} deal means"\n'
        f"date: 2024-{1 + number % 12:02d}-{1 + number % 28:02d}\n"
        f"summary: Explainer number {number} of {count}, about the {word}.\n"
        f"topics: [Topic {number % 10}, {word.title()}]\n"
        "key_points:\n"
        f'  - "The **{word}** plan passed its first vote."\n'
        f'  - "Critics say it costs too much."\n'
        f"actors:\n  - {actor}\n  - {other}\n"
        f"quotes:\n  - text: We will see about the {word}.\n    by: {actor}\n"
        "---\n\n"
        f"[{actor.replace('-', ' ').title()}](@{actor}) spoke first. See {link}.\n\n"
        f"## Background\n\n{body}\n"
    )


def write_corpus(root: Path, count: int = 1000) -> Path:
    """Write a site of `count` explainers and the shared actors under `root`; returns `root`."""
    (root / "content" / "actors").mkdir(parents=True, exist_ok=True)
    (root / "sitegen.yaml").write_text('title: "Corpus"\n', encoding="utf-8")
    for actor_id in ACTORS:
        (root / "content" / "actors" / f"{actor_id}.md").write_text(
            actor_file(actor_id), encoding="utf-8"
        )
    for number in range(count):
        (root / "content" / f"story-{number:04d}.md").write_text(
            explainer_file(number, count), encoding="utf-8"
        )
    return root


if __name__ == "__main__":
    write_corpus(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 1000)
