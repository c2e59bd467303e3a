# ruff: noqa: RUF001, RUF002 -- curly apostrophes are what this code reads
"""Names, titles and roles: who a run of words names, read backwards from its last word.

Both the quote finder (who said it) and the cast (everyone named with a role) must read
`Ukraine’s Foreign Minister Andriy Sybiga` the same way, as the name `Andriy Sybiga` with the role
`Ukraine’s Foreign Minister`, so the reading lives here, once, as a `Speaker`. Each rule has an
example in its docstring; the words it relies on are the lists of `vocabulary`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sitegen.commands.importer.frames import placeholder_id
from sitegen.commands.importer.vocabulary import (
    CAPITALISED_FUNCTION_WORDS,
    CLAUSE_STOPS,
    HONORIFICS,
    NAME_PARTICLES,
    ORGANISATION_NOUNS,
    ORGANISATION_WORDS,
    ROLE_HEADS,
    SPEECH_VERBS,
    TITLE_WORDS,
)


@dataclass(frozen=True, slots=True)
class Speaker:
    """Who an attribution names, before it is matched to an actor.

    `kind` is `name` (a proper name, maybe a surname alone), `pronoun` (`he`, `she`), or `role`
    (a description with no name: `the US President`, `a spokeswoman for the council`).
    `definite` when written with `the`: `the White House` is an organisation, and `the airline`
    is one named before.
    """

    kind: str
    name: str
    role: str = ""
    honorific: str = ""
    definite: bool = False


def is_possessive(token: str) -> bool:
    """`Putin’s`, `company's`, `Thomas’`: the owner in `Putin’s spokesman`."""
    return token.endswith(("’s", "'s", "’", "'")) and len(token) > 2


def is_title(token: str) -> bool:
    """A word of a title or form of address before a name: `Minister`, `Mr`, `Chief Executive`
    (any role noun counts when capitalised: `Skipper Tom Harlow`)."""
    return token in TITLE_WORDS or token in HONORIFICS or token.lower() in ROLE_HEADS


def name_without_titles(run: Sequence[str]) -> str:
    """The name in a run of capitalised words: `Foreign Minister Andriy Sybiga` -> `Andriy
    Sybiga`, `Mr McCully` -> `McCully`."""
    cut = max((i for i, t in enumerate(run) if is_title(t)), default=-1)
    return " ".join(run[cut + 1 :])


def is_name_token(token: str) -> bool:
    """A capitalised word that can be part of a proper name (not a sentence opener or a date)."""
    return (
        token[:1].isupper()
        and token not in CAPITALISED_FUNCTION_WORDS
        and not is_possessive(token)
        and placeholder_id(token) is None
    )


def is_word_token(token: str) -> bool:
    """A word or a number, not punctuation or a placeholder: what a phrase can be made of."""
    return token[:1].isalnum() and placeholder_id(token) is None


def role_phrase(tokens: Sequence[str]) -> str:
    """A role phrase, trimmed of connectors, or "" when it holds no role noun. A possessive then
    a noun is a role too (`Pell's barrister`): it says whose what the person is."""
    words = list(tokens)
    while words and words[0].lower() in {"of", "for", "and", "the", "a", "an"}:
        words.pop(0)
    owned = len(words) >= 2 and is_possessive(words[-2]) and words[-1].isalpha()
    if not owned and not any(w.lower() in ROLE_HEADS or w in TITLE_WORDS for w in words):
        return ""
    return " ".join(words)


def noun_phrase_ending_at(tokens: Sequence[str], end: int) -> Speaker | None:
    """A speaker whose last word is `tokens[end]`, read backwards with any role written before it.

    Ukraine’s Foreign Minister Andriy Sybiga   -> Andriy Sybiga, role Ukraine’s Foreign Minister
    Trump’s deputy chief of staff Dan Scavino  -> Dan Scavino, role Trump’s deputy chief of staff
    Mr McCully                                 -> McCully (honorific Mr)
    the White House                            -> White House (with "the": an organisation)
    The US President                           -> no name, role US President
    police / the ministry                      -> no name, role police / ministry
    """
    start = end
    while start > 0 and (
        is_name_token(tokens[start - 1])
        or (tokens[start - 1] in NAME_PARTICLES and start > 1 and is_name_token(tokens[start - 2]))
    ):
        start -= 1
    run = list(tokens[start : end + 1])
    if not run or not is_name_token(run[0]):
        return _institution_ending_at(tokens, end)
    cut = max((i for i, t in enumerate(run) if is_title(t)), default=-1)
    if any(t in ORGANISATION_WORDS for t in run[cut + 1 :]):
        cut = -1  # "Eastmoor Health Trust" is one name, not a Health title before "Trust"
    titles, name = run[: cut + 1], run[cut + 1 :]
    honorific = titles[-1] if titles and titles[-1] in HONORIFICS else ""
    titles = [t for t in titles if t not in HONORIFICS]
    before = start
    if start > 0 and _ends_role(tokens[start - 1]):
        while before > 0 and start - before < 8 and is_role_prefix_word(tokens[before - 1]):
            before -= 1
    role = role_phrase([*tokens[before:start], *titles])
    definite = before > 0 and tokens[before - 1].lower() == "the"
    if not name:
        return (
            Speaker("role", "", role=role or " ".join(titles), definite=definite)
            if titles
            else None
        )
    return Speaker("name", " ".join(name), role=role, honorific=honorific, definite=definite)


def _ends_role(token: str) -> bool:
    """Whether the word just before a name can end a role written before it: a title, a
    possessive, or a lower-case noun (`Head librarian Grace Mwangi`), never a verb (`told`)."""
    if is_title(token) or is_possessive(token):
        return True
    lower = token.lower()
    return (
        token.islower()
        and lower not in SPEECH_VERBS | CLAUSE_STOPS
        and not lower.endswith(("ed", "ing"))
    )


def is_role_prefix_word(token: str) -> bool:
    """A word that can be part of a role before a name (`chief of staff`), read backwards."""
    lower = token.lower()
    if lower in {"of", "for"}:
        return True
    return is_word_token(token) and lower not in CLAUSE_STOPS and token not in SPEECH_VERBS


def _institution_ending_at(tokens: Sequence[str], end: int) -> Speaker | None:
    """`police said`, `the health ministry said`: an unnamed institution as speaker."""
    if tokens[end].lower() not in ORGANISATION_NOUNS:
        return None
    start = end
    while start > 0 and end - start < 4 and is_word_token(tokens[start - 1]):
        if tokens[start - 1].lower() in CLAUSE_STOPS:
            break
        start -= 1
    definite = start > 0 and tokens[start - 1].lower() == "the"
    return Speaker("role", "", role=" ".join(tokens[start : end + 1]), definite=definite)


def organisations_in(tokens: Sequence[str]) -> list[str]:
    """The organisations a sentence names: runs of capitalised words holding an organisation
    word (`Regional carrier Straits Air grounded …` -> [Straits Air])."""
    found: list[str] = []
    run: list[str] = []
    for token in [*tokens, "."]:
        if is_name_token(token) or (run and token in {"of", "for"}):
            run.append(token)
            continue
        while run and run[-1] in {"of", "for"}:
            run.pop()
        if any(word in ORGANISATION_WORDS for word in run):
            found.append(" ".join(run))
        run = []
    return found
