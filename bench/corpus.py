"""A deterministic corpus of news explainers for benchmarking sitegen against its peers.

The same seed and size always give byte-identical files (a seeded `random.Random`, no wall clock,
no hash ordering), so timings taken on different days or machines build the same content. The
corpus is first made as plain values (`Corpus`) so that each peer's converter (bench/peers.py)
writes *the same* explainers in its own format; `write_sitegen` writes the FORMAT.md version.

    python bench/corpus.py N OUTDIR [--seed S]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

SEED = 20250319
FIRST_DAY = date(2016, 1, 4)
DAYS_SPAN = 3600

PLACES = (
    "Arland", "Borsova", "Cateria", "Dravnia", "Estmark", "Feloria", "Gandor", "Halvik",
    "Istra", "Jorvale", "Kestria", "Lunmoor", "Marovia", "Norrland", "Ostrava", "Pellucid",
)  # fmt: skip
FIRST_NAMES = (
    "Anna", "Boris", "Carla", "Dmitri", "Elena", "Farid", "Greta", "Hassan", "Ines", "Jonas",
    "Katya", "Luis", "Mira", "Nikolai", "Olga", "Pavel", "Quentin", "Rosa", "Sami", "Tomas",
    "Ulla", "Viktor", "Wanda", "Yusuf", "Zofia", "Amir", "Beatriz", "Cyril", "Daria", "Emil",
)  # fmt: skip
LAST_NAMES = (
    "Abramov", "Bergström", "Castillo", "Dumas", "Eriksen", "Fischer", "Gallo", "Horvat",
    "Ivanova", "Jansen", "Kowalski", "Lindqvist", "Moreau", "Novak", "Okafor", "Petrov",
    "Quist", "Romano", "Sokolov", "Tanaka", "Urbina", "Varga", "Weber", "Yilmaz", "Zeller",
)  # fmt: skip
ROLES = (
    "Prime Minister", "Foreign Minister", "Finance Minister", "President", "opposition leader",
    "central bank governor", "army chief of staff", "Defence Minister", "mayor of the capital",
    "chief negotiator", "government spokesperson", "union leader", "chief executive",
    "Energy Minister", "speaker of parliament", "UN special envoy",
)  # fmt: skip
ORGANISATIONS = (
    "Ministry of Energy", "National Grid Authority", "Central Bank", "Electoral Commission",
    "Workers' Federation", "Coastal Alliance", "Supreme Court", "Port Authority",
)  # fmt: skip
SUBJECTS = (
    "Energy policy", "Elections", "Ceasefire talks", "Inflation", "Migration", "Trade",
    "Climate", "Public health", "Housing", "Border dispute", "Pensions", "Water supply",
    "Sanctions", "Courts", "Transport", "Fisheries", "Education", "Privacy", "Labour",
    "Defence spending",
)  # fmt: skip
AUTHORS = (
    "Danny Kemp", "Ola Cichowlas", "Marta Silva", "Jon Bergen", "Lena Fox", "Ravi Menon",
    "Ada Okoye", "Tim Hale", "Sofia Marin", "Paul Weir",
)  # fmt: skip
SOURCES = ("Agence France-Presse", "Reuters", "Associated Press", "Staff reporting")
NOUNS = (
    "agreement", "budget", "ceasefire", "coalition", "deal", "deadline", "election", "grid",
    "inquiry", "law", "loan", "market", "pipeline", "plan", "price cap", "proposal", "reform",
    "referendum", "sanction", "strike", "subsidy", "summit", "tariff", "treaty", "vote",
)  # fmt: skip
ADJECTIVES = (
    "fragile", "limited", "broad", "contested", "interim", "regional", "binding", "partial",
    "emergency", "long-awaited", "surprise", "costly", "narrow", "sweeping", "delayed",
)  # fmt: skip
VERBS = (
    "backed", "rejected", "delayed", "signed", "questioned", "welcomed", "criticised",
    "announced", "blocked", "extended", "revised", "defended", "suspended", "approved",
)  # fmt: skip
HEADINGS = (
    "What happened", "Why it matters", "What comes next", "The background", "The numbers",
    "Reactions abroad", "The sticking points", "How we got here", "The legal fight",
    "What critics say", "The money", "Winners and losers",
)  # fmt: skip
TEMPLATES = (
    "{Actor} said the {adj} {noun} would be {verb} before {month}.",
    "Officials in {place} {verb} the {noun} on {weekday}, according to {org}.",
    "The {noun} has been {verb} twice since {year}, and {number} people are affected.",
    "Critics argue that a {adj} {noun} leaves {place} exposed to a {adj2} {noun2}.",
    "{Actor} {verb} the {noun}, calling it {emph} for the region.",
    "Talks between {place} and {place2} over the {noun} resumed after a {number}-day pause.",
    "According to {link}, the {noun} could cost {number} million over five years.",
    "Neither {Actor} nor {org} has said when the {adj} {noun} will take effect.",
    "Analysts expect the {noun} to shape the {noun2} debate in {place} for years.",
    "{org} {verb} a {adj} {noun} late on {weekday}, a move few had expected.",
)  # fmt: skip
MONTHS = ("January", "March", "May", "July", "September", "November")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")

_MENTION = re.compile(r"\]\(@([a-z0-9-]+)\)")
_ARTICLE = re.compile(r"\b([Aa]) ([aeiou])")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]+\)")
_CONTENT_LINK = re.compile(r"\]\(([a-z0-9-]+)\.md\)")


@dataclass(frozen=True, slots=True)
class ActorSpec:
    """A shared actor: `content/actors/<id>.md` in sitegen's format."""

    id: str
    name: str
    role: str
    description: str
    aliases: tuple[str, ...]
    profile: str
    """Markdown."""


@dataclass(frozen=True, slots=True)
class QuoteSpec:
    by: str
    """An actor id among the explainer's actors."""
    text: str
    context: str


@dataclass(frozen=True, slots=True)
class ExplainerSpec:
    """One explainer as plain values; `body` is Markdown with sitegen mentions and `.md` links."""

    slug: str
    title: str
    date: date
    summary: str
    authors: tuple[str, ...]
    source: str
    topics: tuple[str, ...]
    key_points: tuple[str, ...]
    actors: tuple[str, ...]
    role_override: tuple[str, str, str] | None
    """(actor id, name, role at the time of this story): a mapping in the front matter."""
    quotes: tuple[QuoteSpec, ...]
    timeline: tuple[tuple[date, str], ...]
    body: str


@dataclass(frozen=True, slots=True)
class Corpus:
    explainers: tuple[ExplainerSpec, ...]
    actors: tuple[ActorSpec, ...]
    topics: tuple[str, ...]

    def actors_by_id(self) -> dict[str, ActorSpec]:
        """Actors by id; converters call this once, not per explainer."""
        return {a.id: a for a in self.actors}


def slug_of(text: str) -> str:
    """Lower-case ASCII words joined by hyphens (sitegen's slugify, for the names used here)."""
    plain = text.replace("ö", "o").replace("'", "").lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def plain_text(markdown: str) -> str:
    """Inline Markdown without emphasis and with links reduced to their text."""
    return _LINK.sub(r"\1", markdown).replace("*", "")


def rewrite_links(
    body: str, actor_url: Callable[[str], str], page_url: Callable[[str], str]
) -> str:
    """The body with sitegen's `(@id)` mentions and `(slug.md)` links turned into a peer's URLs."""
    body = _MENTION.sub(lambda m: f"]({actor_url(m.group(1))})", body)
    return _CONTENT_LINK.sub(lambda m: f"]({page_url(m.group(1))})", body)


def make_actors(rng: random.Random, count: int) -> tuple[ActorSpec, ...]:
    """`count` distinct actors: a few organisations, then people (names, then "Name II"...)."""
    names: list[str] = list(ORGANISATIONS)
    people = [f"{f} {last}" for last in LAST_NAMES for f in FIRST_NAMES]
    rng.shuffle(people)
    generation = 1
    while len(names) < count:
        suffix = _generation_suffix(generation)
        batch = people if generation == 1 else [f"{p} {suffix}" for p in people]
        names.extend(batch[: count - len(names)])
        generation += 1
    actors = []
    for name in sorted(names[:count]):
        is_org = name in ORGANISATIONS
        role = "Government body" if is_org else rng.choice(ROLES)
        place = rng.choice(PLACES)
        profile = " ".join(_sentence(rng, [], place) for _ in range(rng.randint(2, 4)))
        aliases = () if is_org else (name.split(" ")[1],)
        actors.append(
            ActorSpec(
                id=slug_of(name),
                name=name,
                role=f"{role} of {place}" if not is_org else role,
                description=f"{role[0].upper()}{role[1:]} of {place}.",
                aliases=aliases,
                profile=profile,
            )
        )
    return tuple(actors)


def _generation_suffix(number: int) -> str:
    """Distinguishes namesakes once the name pool is used up: "II", "III", then "4", "5"."""
    return "I" * number if number < 4 else f"{number}"


def make_topics(count: int) -> tuple[str, ...]:
    """`count` topic names: the subjects alone, then "<subject> in <place>"."""
    names = list(SUBJECTS)
    names += [f"{s} in {p}" for p in PLACES for s in SUBJECTS]
    names += [f"{s} in {p} {n}" for n in range(2, 100) for p in PLACES for s in SUBJECTS]
    return tuple(names[:count])


def _sentence(rng: random.Random, actors: Sequence[ActorSpec], place: str) -> str:
    """One sentence from the templates; actors become sitegen mentions `[Name](@id)`."""
    template = rng.choice(TEMPLATES)
    actor = rng.choice(actors) if actors else None
    fields = {
        "Actor": f"[{actor.name}](@{actor.id})" if actor else rng.choice(ROLES).capitalize(),
        "adj": rng.choice(ADJECTIVES),
        "adj2": rng.choice(ADJECTIVES),
        "noun": rng.choice(NOUNS),
        "noun2": rng.choice(NOUNS),
        "verb": rng.choice(VERBS),
        "place": place,
        "place2": rng.choice(PLACES),
        "org": f"the {rng.choice(ORGANISATIONS)}",
        "month": rng.choice(MONTHS),
        "weekday": rng.choice(WEEKDAYS),
        "year": str(rng.randint(2005, 2015)),
        "number": str(rng.randint(2, 90)),
        "emph": rng.choice(("*a turning point*", "**unacceptable**", "*a first step*")),
        "link": f"[{rng.choice(SOURCES)}](https://example.org/news/{rng.randrange(10**6)})",
    }
    text = _ARTICLE.sub(r"\1n \2", template.format(**fields))
    return text[0].upper() + text[1:]


def _paragraph(rng: random.Random, actors: Sequence[ActorSpec], place: str, size: int) -> str:
    sentences: list[str] = []
    while not sentences or sum(len(s) + 1 for s in sentences) < size:
        sentences.append(_sentence(rng, actors, place))
    return " ".join(sentences)


def _list_block(rng: random.Random, place: str) -> str:
    items = [
        f"- The {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} in {place}: "
        f"{rng.randint(2, 99)} per cent"
        for _ in range(rng.randint(3, 5))
    ]
    return "\n".join(items)


def _table_block(rng: random.Random) -> str:
    rows = ["| Year | Measure | Share |", "| --- | --- | ---: |"]
    for year in sorted(rng.sample(range(2010, 2025), 3)):
        rows.append(f"| {year} | {rng.choice(NOUNS)} | {rng.randint(1, 99)} % |")
    return "\n".join(rows)


def _body(
    rng: random.Random, actors: Sequence[ActorSpec], place: str, budget: int, earlier: str
) -> str:
    """Lead paragraph, 2-4 `##` sections, one list, sometimes a table, filling about `budget`."""
    sections = rng.sample(HEADINGS, rng.randint(2, 4))
    extra_blocks = [_list_block(rng, place)]
    if rng.random() < 0.4:
        extra_blocks.append(_table_block(rng))
    fixed = sum(len(h) + 5 for h in sections) + sum(len(b) + 2 for b in extra_blocks)
    paragraphs = 1 + 2 * len(sections)
    size = max(120, (budget - fixed) // paragraphs)
    blocks = [_paragraph(rng, actors, place, size)]
    if earlier:
        blocks[0] += f" See also [our earlier explainer]({earlier}.md)."
    for index, heading in enumerate(sections):
        blocks.append(f"## {heading}")
        blocks.append(_paragraph(rng, actors, place, size))
        if index < len(extra_blocks):
            blocks.append(extra_blocks[index])
        blocks.append(_paragraph(rng, actors, place, size))
    return "\n\n".join(blocks) + "\n"


def make_explainer(
    rng: random.Random, index: int, corpus_actors: Sequence[ActorSpec], topics: Sequence[str]
) -> ExplainerSpec:
    place = rng.choice(PLACES)
    noun, adj = rng.choice(NOUNS), rng.choice(ADJECTIVES)
    title = _ARTICLE.sub(r"\1n \2", f"{place} {rng.choice(VERBS)} a {adj} {noun}: what it means")
    slug = f"{index:06d}-{slug_of(place)}-{slug_of(adj)}-{slug_of(noun)}"
    day = FIRST_DAY + timedelta(days=rng.randrange(DAYS_SPAN))
    actors = rng.sample(list(corpus_actors), rng.randint(3, 8))
    quotes = tuple(
        QuoteSpec(
            by=a.id,
            text=plain_text(_sentence(rng, [], place)),
            context=rng.choice(("", "in a statement", "speaking to reporters", "on television")),
        )
        for a in (rng.choice(actors) for _ in range(rng.randint(2, 6)))
    )
    timeline = tuple(
        sorted(
            (day - timedelta(days=rng.randrange(1, 900)), _sentence(rng, [], place))
            for _ in range(rng.randint(2, 5))
        )
    )
    override = None
    if rng.random() < 0.2:
        override = (actors[0].id, actors[0].name, f"acting {rng.choice(ROLES)}")
    head = ExplainerSpec(
        slug=slug,
        title=title,
        date=day,
        summary=plain_text(_sentence(rng, [], place)),
        authors=tuple(rng.sample(AUTHORS, rng.randint(1, 2))),
        source=rng.choice(SOURCES),
        topics=tuple(rng.sample(list(topics), rng.randint(1, 3))),
        key_points=tuple(_sentence(rng, [], place) for _ in range(rng.randint(2, 5))),
        actors=tuple(a.id for a in actors),
        role_override=override,
        quotes=quotes,
        timeline=timeline,
        body="",
    )
    budget = rng.randint(3980, 4330) - len(front_matter(head))
    earlier = f"{rng.randrange(index):06d}" if index and rng.random() < 0.3 else ""
    earlier_slug = earlier and _earlier_slug_placeholder(earlier)
    body = _body(rng, actors, place, budget, earlier_slug)
    return _replace_body(head, body)


def _earlier_slug_placeholder(number: str) -> str:
    """Marker resolved to the real slug once every explainer exists (see `generate`)."""
    return f"earlier-{number}"


def _replace_body(spec: ExplainerSpec, body: str) -> ExplainerSpec:
    fields = {name: getattr(spec, name) for name in ExplainerSpec.__slots__}
    fields["body"] = body
    return ExplainerSpec(**fields)


def generate(count: int, seed: int = SEED) -> Corpus:
    """The corpus of `count` explainers: same seed and count, same corpus."""
    rng = random.Random(seed)
    actors = make_actors(rng, max(20, count // 20))
    topics = make_topics(max(10, count // 100))
    explainers = [make_explainer(rng, i, actors, topics) for i in range(count)]
    slugs = [e.slug for e in explainers]

    def resolve(match: re.Match[str]) -> str:
        return f"]({slugs[int(match.group(1))]}.md)"

    explainers = [
        _replace_body(e, re.sub(r"\]\(earlier-(\d+)\.md\)", resolve, e.body)) for e in explainers
    ]
    return Corpus(explainers=tuple(explainers), actors=actors, topics=topics)


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def front_matter(spec: ExplainerSpec) -> str:
    """The FORMAT.md front matter of an explainer, as a writer would type it."""
    lines = [
        "---",
        f"title: {_q(spec.title)}",
        f"date: {spec.date.isoformat()}",
        f"summary: {_q(spec.summary)}",
        f"authors: [{', '.join(spec.authors)}]",
        f"source: {spec.source}",
        f"topics: [{', '.join(_q(t) for t in spec.topics)}]",
        "key_points:",
        *(f"  - {_q(k)}" for k in spec.key_points),
        "actors:",
    ]
    for actor_id in spec.actors:
        if spec.role_override and spec.role_override[0] == actor_id:
            _, name, role = spec.role_override
            lines += [f"  - id: {actor_id}", f"    name: {_q(name)}", f"    role: {_q(role)}"]
        else:
            lines.append(f"  - {actor_id}")
    lines.append("quotes:")
    for quote in spec.quotes:
        lines += [f"  - by: {quote.by}", f"    text: {_q(quote.text)}"]
        if quote.context:
            lines.append(f"    context: {quote.context}")
    lines.append("timeline:")
    for day, text in spec.timeline:
        lines += [f"  - date: {day.isoformat()}", f"    text: {_q(text)}"]
    lines.append("---")
    return "\n".join(lines) + "\n\n"


def actor_file(actor: ActorSpec) -> str:
    aliases = f"aliases: [{', '.join(actor.aliases)}]\n" if actor.aliases else ""
    return (
        f"---\nname: {_q(actor.name)}\nrole: {_q(actor.role)}\n"
        f"description: {_q(actor.description)}\n{aliases}---\n\n{actor.profile}\n"
    )


def write_sitegen(corpus: Corpus, root: Path) -> Path:
    """Write the corpus as a sitegen site folder; return the path of the explainers' folder."""
    explainers = root / "content" / "explainers"
    (root / "content" / "actors").mkdir(parents=True, exist_ok=True)
    (root / "content" / "pages").mkdir(parents=True, exist_ok=True)
    explainers.mkdir(parents=True, exist_ok=True)
    # No peer draws a share picture per explainer or builds a search index, so sitegen does
    # neither here (same work).
    (root / "sitegen.yaml").write_text(
        "title: Benchmark explainers\ndescription: A generated corpus.\n"
        "base_url: https://example.org/news/\nshare_images: false\nsearch: false\n",
        encoding="utf-8",
    )
    (root / "content" / "pages" / "about.md").write_text(
        "---\ntitle: About\n---\n\nA generated corpus for benchmarks.\n", encoding="utf-8"
    )
    for actor in corpus.actors:
        (root / "content" / "actors" / f"{actor.id}.md").write_text(
            actor_file(actor), encoding="utf-8"
        )
    for spec in corpus.explainers:
        (explainers / f"{spec.slug}.md").write_text(
            front_matter(spec) + spec.body, encoding="utf-8"
        )
    return explainers


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int, help="number of explainers")
    parser.add_argument("outdir", type=Path, help="site folder to write (created)")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("count must be at least 1")
    write_sitegen(generate(args.count, args.seed), args.outdir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
