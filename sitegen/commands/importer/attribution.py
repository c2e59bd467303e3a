# ruff: noqa: RUF002 -- curly quotes and dashes are what this code reads
"""Speech verbs and attribution: who a quotation is attributed to, from the words around it.

News copy follows a small set of conventions for attributing speech (`“…,” X said`, `“…,” said
X`, `X said: “…”`, `according to X`, `…, saying “…”`), and writers must be able to check (and fix)
how the importer reads them, so each convention is one function here with an example in its
docstring. The rules read frames (`frames`: quotations are placeholders such as `⟦0⟧`, so no rule
looks inside the quoted words); the speaker's name and role are read with `names`.
"""

from __future__ import annotations

from collections.abc import Sequence

from sitegen.commands.importer.frames import placeholder_id
from sitegen.commands.importer.names import (
    Speaker,
    is_name_token,
    is_possessive,
    is_role_prefix_word,
    is_title,
    is_word_token,
    noun_phrase_ending_at,
    role_phrase,
)
from sitegen.commands.importer.vocabulary import (
    AUXILIARIES,
    FORWARD_STOPS,
    NAME_PARTICLES,
    ORGANISATION_NOUNS,
    ORGANISATION_WORDS,
    PREPOSITIONS,
    PRONOUNS,
    ROLE_HEADS,
    SPEECH_VERBS,
)


def speaker_before_verb(tokens: Sequence[str], verb: int) -> Speaker | None:
    """The speaker written before a speech verb (patterns `X said`, `X said: “…”`, `X saying`).

    Putin’s spokesman Dmitry Peskov said that “…”   -> Dmitry Peskov (role Putin’s spokesman)
    Dmitry Peskov, Putin’s spokesman, said “…”      -> Dmitry Peskov (role after the name)
    “…,” he said.                                   -> he (a pronoun, resolved later)
    He mocked the G7, saying it was too small to “see on a map”.   -> He (the sentence subject)
    """
    i = verb - 1
    while i >= 0 and tokens[i].lower() in AUXILIARIES:
        i -= 1
    if i < 0:
        return None
    token = tokens[i]
    if token.lower() in PRONOUNS:
        return Speaker("pronoun", token.lower())
    if token == "and":
        return sentence_subject(tokens[:i])
    if token == ",":
        appositive = appositive_before(tokens, i)
        if appositive is not None:
            return appositive
        if tokens[verb].lower().endswith("ing"):
            return sentence_subject(tokens[:i])
        return None
    return _person_before_of(tokens, i) or noun_phrase_ending_at(tokens, i)


def _person_before_of(tokens: Sequence[str], end: int) -> Speaker | None:
    """`Sen. James T. Whitfield of Idaho called …`: the person, not the place after `of`.

    Organisations keep their `of` (`the Chamber of Commerce said`)."""
    start = end
    while start > 0 and is_name_token(tokens[start - 1]):
        start -= 1
    if start < 2 or tokens[start - 1] != "of" or not is_name_token(tokens[start - 2]):
        return None
    person = noun_phrase_ending_at(tokens, start - 2)
    if person is None or person.kind != "name" or person.definite:
        return None
    if any(word in ORGANISATION_WORDS for word in person.name.split()):
        return None
    return person


def appositive_before(tokens: Sequence[str], comma: int) -> Speaker | None:
    """A name and a role set off by commas before the verb, in either order.

    Dmitry Peskov, Putin’s spokesman, said     -> Dmitry Peskov, role Putin’s spokesman
    Petru Lanz, a 64-year-old grower, said     -> Petru Lanz (no role noun: no role)
    Jane Roe, who chairs the board, said       -> Jane Roe, no role
    The health board's chair, Nadia Rahman, said  -> Nadia Rahman, role health board's chair
    """
    opening = comma - 1
    while opening >= 0 and tokens[opening] != "," and comma - opening <= 14:
        if placeholder_id(tokens[opening]) is not None or tokens[opening] in {".", "!", "?"}:
            return None
        opening -= 1
    if opening < 1 or tokens[opening] != "," or opening + 1 == comma:
        return None
    inside = list(tokens[opening + 1 : comma])
    if any(t in SPEECH_VERBS for t in inside):
        return None
    if is_name_token(inside[-1]) and not any(t in ORGANISATION_WORDS for t in inside):
        named = _role_then_name(tokens, opening, comma)
        if named is not None:
            return named
    speaker = noun_phrase_ending_at(tokens, opening - 1)
    if speaker is None or speaker.kind != "name":
        return None
    first = inside[0].lower()
    if first in {"who", "whose", "which", "of", "from"}:
        return speaker
    role = _appositive_role(inside)
    if not role and first not in {"a", "an", "the"} and not first[:1].isdigit():
        return None
    return Speaker("name", speaker.name, role=role or speaker.role, honorific=speaker.honorific)


def _role_then_name(tokens: Sequence[str], opening: int, comma: int) -> Speaker | None:
    """The name between the commas, its role before them or beside it.

    Its chairman, Neil Avery, said                  -> Neil Avery, role chairman
    one donor, retired teacher Margaret Lowe, said  -> Margaret Lowe, role retired teacher
    """
    speaker = noun_phrase_ending_at(tokens, comma - 1)
    if speaker is None or speaker.kind != "name":
        return None
    before = opening
    while before > 0 and before > opening - 8 and is_role_prefix_word(tokens[before - 1]):
        before -= 1
    outside = role_phrase(tokens[before:opening])
    role = speaker.role if len(speaker.role.split()) > 1 else outside or speaker.role
    return Speaker("name", speaker.name, role=role, honorific=speaker.honorific)


def sentence_subject(tokens: Sequence[str]) -> Speaker | None:
    """The first person or body named in a sentence, for `…, saying “…”` clauses.

    Student union president Liam Doyle welcomed it, calling it “…”   -> Liam Doyle
    In London, Smith criticised the plan, saying “…”   -> Smith (London follows a preposition)
    The US President has made clear …, saying “…”      -> no name, role US President
    """
    for i, token in enumerate(tokens):
        if token.lower() in PRONOUNS:
            return Speaker("pronoun", token.lower())
        starts_name = is_name_token(token) or is_title(token)
        if not starts_name or (i > 0 and tokens[i - 1].lower() in PREPOSITIONS):
            continue
        names = [j for j in _phrase_from(tokens, i) if is_name_token(tokens[j])]
        if names:
            return noun_phrase_ending_at(tokens, names[-1])
    return None


def _phrase_from(tokens: Sequence[str], start: int) -> list[int]:
    """Indexes of a noun phrase read forwards: role words, then a name, which ends it.

    Student union president Liam Doyle welcomed …     -> Student union president Liam Doyle
    Labour candidate Omar Haddad, while …             -> Labour candidate Omar Haddad
    Inspector David Kerr of Hallam Police             -> Inspector David Kerr
    the minister, Jane Roe                            -> the minister
    """
    phrase: list[int] = []
    seen_name = False
    for j in range(start, min(len(tokens), start + 8)):
        token = tokens[j]
        lower = token.lower()
        if (
            not is_word_token(token)
            or lower in FORWARD_STOPS | AUXILIARIES
            or token in SPEECH_VERBS
        ):
            break
        if seen_name and lower in ROLE_HEADS:
            seen_name = False  # "Labour candidate Omar Haddad": the first name was a modifier
        elif seen_name and not (is_name_token(token) or token in NAME_PARTICLES):
            break
        seen_name = seen_name or (is_name_token(token) and not is_title(token))
        phrase.append(j)
    return phrase


def speaker_after_verb(tokens: Sequence[str], verb: int) -> Speaker | None:
    """The speaker written after the verb (pattern `“…,” said X`, and `according to X`).

    “…,” said Andriy Sybiga, Ukraine’s foreign minister.   -> Andriy Sybiga, role after the name
    “…,” said Ukraine’s Foreign Minister Andriy Sybiga.    -> Andriy Sybiga, role before it
    “…,” said the minister, Jane Roe.                       -> Jane Roe, role minister
    …, according to Inspector David Kerr of Hallam Police.  -> David Kerr, role Inspector
    """
    phrase = _phrase_from(tokens, verb + 1)
    names = [j for j in phrase if is_name_token(tokens[j])]
    if not names:
        return _named_after_comma(tokens, phrase)
    speaker = noun_phrase_ending_at(tokens, names[-1])
    if speaker is None:
        return None
    end = phrase[-1]
    trailing = role_phrase(tokens[names[-1] + 1 : end + 1])
    role = _appositive_after(tokens, end) or speaker.role or trailing
    return Speaker(speaker.kind, speaker.name, role, speaker.honorific, speaker.definite)


def _named_after_comma(tokens: Sequence[str], phrase: list[int]) -> Speaker | None:
    """`said the minister, Jane Roe` (a role, then the name after a comma), or an unnamed
    description such as `said a spokeswoman for the council`."""
    if not phrase:
        return None
    words = [tokens[j] for j in phrase]
    role = role_phrase(words)
    end = phrase[-1]
    if end + 2 < len(tokens) and tokens[end + 1] == "," and is_name_token(tokens[end + 2]):
        named = [j for j in _phrase_from(tokens, end + 2) if is_name_token(tokens[j])]
        speaker = noun_phrase_ending_at(tokens, named[-1]) if named else None
        if speaker is not None and speaker.kind == "name":
            return Speaker("name", speaker.name, role=role, honorific=speaker.honorific)
    if role or words[-1].lower() in ORGANISATION_NOUNS:
        return Speaker("role", "", role=" ".join(w for w in words if w.lower() not in {"a", "an"}))
    return None


def _appositive_after(tokens: Sequence[str], end: int) -> str:
    """The role in `said Jane Roe, a spokeswoman for the council.` (after the name)."""
    if end + 1 >= len(tokens) or tokens[end + 1] != ",":
        return ""
    stop = end + 2
    while stop < min(len(tokens), end + 12) and is_word_token(tokens[stop]):
        if tokens[stop].lower() in {"who", "whose", "which", "that"}:
            break
        stop += 1
    return _appositive_role(tokens[end + 2 : stop])


def _appositive_role(words: Sequence[str]) -> str:
    """The role in an appositive: one with a role noun, or any short `a …` description
    (`an ecologist at the University of Lancaster`)."""
    role = role_phrase(words)
    if role or not words or words[0].lower() not in {"a", "an"} or len(words) > 10:
        return role
    return " ".join(words[1:])


def is_term_in_quotes(tokens: Sequence[str], position: int, quoted: str) -> bool:
    """A short quoted phrase used as a name or term, not speech, even with a speech verb nearby:
    it follows `the`, `so-called` or a possessive.

        Drive Carrow says the "grace period" has not been honoured.   -> a term
        the council calls its "digital high street" strategy          -> a term
        citing a “huge upside”                                        -> not a term (speech)
    """
    if len(quoted.split()) > 3 or position == 0:
        return False
    before = tokens[position - 1]
    return before.lower() in {"the", "its", "their", "so-called", "our"} or is_possessive(before)


def according_to(tokens: Sequence[str]) -> Speaker | None:
    """The source in `according to X` anywhere in the sentence.

    The plan is “dead in the water”, according to Health Minister Ayesha Roa.   -> Ayesha Roa
    """
    for i in range(len(tokens) - 2):
        if tokens[i].lower() == "according" and tokens[i + 1].lower() == "to":
            return speaker_after_verb(tokens, i + 1)
    return None


def speech_verb_positions(tokens: Sequence[str]) -> list[int]:
    """Where the speech verbs of a frame are; a partial quote with none nearby is a scare quote.

        Voters braced for the “silly season”.   -> []
        Kyiv said it expected Moscow to “unconditionally” accept.   -> [1]

    Only verbs in `SPEECH_VERBS` count, and one right after `the`/`a` is a noun (`a call`).
    """
    return [
        i
        for i, token in enumerate(tokens)
        if token in SPEECH_VERBS
        and not (i > 0 and tokens[i - 1].lower() in {"the", "a", "an", "his", "her", "their"})
    ]


def context_after_verb(tokens: Sequence[str], verb: int) -> str:
    """What follows an attribution, kept as the quote's context: `he said on Truth Social.` ->
    `on Truth Social`."""
    rest: list[str] = []
    for token in tokens[verb + 1 :]:
        if token in {".", "!", "?", ","} or placeholder_id(token) is not None:
            break
        rest.append(token)
    if not rest or rest[0].lower() not in PREPOSITIONS | {"in", "during", "after", "before"}:
        return ""
    return " ".join(rest)
