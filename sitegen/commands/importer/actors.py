# ruff: noqa: RUF001 -- curly quotes and dashes are what this code reads
"""The cast of a story: one actor per person or organisation, however the copy names them.

Copy names a person in full once ("Foreign Minister Murray McCully") and then by surname or with an
honorific ("McCully", "Mr McCully"). The explainer needs one actor with one id for all of them, and
the id of the site's own actor file when there is one, so that quotes link to the actor's page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from sitegen.commands.importer.frames import tokenize
from sitegen.commands.importer.names import Speaker, is_name_token, name_without_titles
from sitegen.commands.importer.vocabulary import HONORIFICS, ORGANISATION_WORDS, ROLE_HEADS
from sitegen.core.urls import slugify


@dataclass(slots=True)
class Actor:
    """A person or organisation in the story. `known` when the id is a site actor file's."""

    id: str
    name: str
    role: str = ""
    kind: str = "person"
    gender: str = ""
    known: bool = False
    quoted: bool = False


@dataclass(frozen=True, slots=True)
class KnownActor:
    """An actor file of the site: `content/actors/<id>.md` with its name and aliases."""

    id: str
    names: frozenset[str]


def load_known_actors(site_root: Path) -> list[KnownActor]:
    """The site's actor files; unreadable ones are skipped (the build reports them, not import)."""
    known: list[KnownActor] = []
    for path in sorted((site_root / "content" / "actors").glob("*.md")):
        meta = _front_matter(path)
        aliases = meta.get("aliases") or []
        names = [meta.get("name"), *(aliases if isinstance(aliases, Iterable) else [])]
        texts = frozenset(_fold(n) for n in names if isinstance(n, str) and n.strip())
        if texts:
            known.append(KnownActor(path.stem, texts))
    return known


def _front_matter(path: Path) -> dict[str, object]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    match = re.match(r"---\s*\n(.*?)\n---\s*(?:\n|$)", text, re.S)
    if not match:
        return {}
    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def _fold(name: str) -> str:
    return " ".join(name.replace("’", "'").casefold().split())


def _surname(name: str) -> str:
    return name.split()[-1] if name.split() else name


@dataclass(slots=True)
class Cast:
    """Everyone named in one story, keyed by id, in order of first appearance."""

    known: list[KnownActor] = field(default_factory=list)
    full_names: list[str] = field(default_factory=list)
    actors: dict[str, Actor] = field(default_factory=dict)

    def learn_names(self, texts: list[str]) -> None:
        """Collect every multi-word person name in the copy, so that a surname used before or
        after the full name ("Peskov") can be expanded to it ("Dmitry Peskov")."""
        for text in texts:
            tokens = tokenize(text)
            run: list[str] = []
            for token in [*tokens, "."]:
                if is_name_token(token) and token not in HONORIFICS:
                    run.append(token)
                    continue
                name = name_without_titles(run)
                modifier = token.lower() in ROLE_HEADS  # "Bike Auckland spokeswoman": not a person
                if len(name.split()) >= 2 and not _is_organisation(name) and not modifier:
                    self.full_names.append(name)
                run = []

    def full_name(self, name: str) -> str:
        """`Peskov` -> `Dmitry Peskov` when the copy names him in full; else `name` itself."""
        if len(name.split()) > 1:
            return name
        for actor in self.actors.values():
            if actor.kind == "person" and _surname(actor.name) == name:
                return actor.name
        for full in self.full_names:
            if _surname(full) == name:
                return full
        return name

    def person_named(self, name: str) -> Actor | None:
        """The person actor a name refers to, if there is one (never creates an actor)."""
        full = self.full_name(name)
        for actor in self.actors.values():
            if actor.kind == "person" and actor.name == full:
                return actor
        return None

    def is_person_name(self, name: str) -> bool:
        """Whether a name in the text refers to a person (for resolving `he`/`she`)."""
        full = self.full_name(name)
        return self.person_named(name) is not None or (
            full in self.full_names and len(full.split()) > 1
        )

    def add(self, speaker: Speaker) -> Actor:
        """The actor a named speaker refers to, created or updated."""
        if speaker.kind == "role":
            return self._add_described(speaker.role)
        name = self.full_name(speaker.name)
        organisation = (
            speaker.definite
            or _is_organisation(name)
            or (len(name.split()) == 1 and not speaker.honorific and not speaker.role)
        )
        actor = self._find(name) or self._create(name, "organisation" if organisation else "person")
        if _better_role(speaker.role, actor.role):
            actor.role = speaker.role
        if speaker.honorific and not actor.gender:
            actor.gender = HONORIFICS.get(speaker.honorific, "")
        if speaker.honorific or (
            speaker.role and actor.kind == "organisation" and not speaker.definite
        ):
            actor.kind = "person"
        return actor

    def by_role(self, role: str) -> Actor | None:
        """The actor whose role is `role` (`the US President` -> Donald Trump), if exactly one."""
        wanted = _fold(role)
        matches = [a for a in self.actors.values() if a.role and _fold(a.role).endswith(wanted)]
        return matches[0] if len(matches) == 1 else None

    def _add_described(self, role: str) -> Actor:
        """A speaker known only by a description: `a spokeswoman for the council`."""
        existing = self.by_role(role)
        if existing is not None:
            return existing
        words = [w for w in role.split() if w.lower() not in {"a", "an", "the"}]
        name = " ".join(words)
        name = name[:1].upper() + name[1:]
        return self._find(name) or self._create(name, "organisation")

    def _find(self, name: str) -> Actor | None:
        folded = _fold(name)
        for actor in self.actors.values():
            if _fold(actor.name) == folded:
                return actor
        return None

    def _create(self, name: str, kind: str) -> Actor:
        """A new actor; its id is the site's actor file's when the name or an alias matches, and
        never another actor file's id (an inline mapping with that id would override the file)."""
        known_id = self._known_id(name)
        if known_id is not None and known_id in self.actors:
            return self.actors[known_id]
        taken = set(self.actors) | {known.id for known in self.known}
        actor_id = known_id or slugify(re.sub(r"^the\s+", "", name, flags=re.I))
        base, suffix = actor_id, 2
        while known_id is None and actor_id in taken:
            actor_id, suffix = f"{base}-{suffix}", suffix + 1
        actor = Actor(actor_id, name, kind=kind, known=known_id is not None)
        self.actors[actor_id] = actor
        return actor

    def _known_id(self, name: str) -> str | None:
        folded = _fold(name)
        return next((known.id for known in self.known if folded in known.names), None)


def _better_role(new: str, old: str) -> bool:
    """A new role replaces none, or a bare title (`Professor`, `Sen.`) with a description."""
    return bool(new) and (not old or (len(old.split()) == 1 and len(new.split()) > 1))


def _is_organisation(name: str) -> bool:
    return any(word in ORGANISATION_WORDS for word in name.split())
