# ruff: noqa: RUF001, RUF002 -- curly quotes and dashes are what this code reads
"""Every rule the importer uses to find a quote and its speaker, in one readable module.

News copy follows a small set of conventions for attributing speech, and writers must be able to
check (and fix) how the importer reads them, so each convention is one function or word list here
with an example in its docstring. The rules work on *frames*: a sentence whose quotations have been
replaced by placeholders such as `⟦0⟧`, split into tokens, so that

    “It is time,” Ukraine’s Foreign Minister Andriy Sybiga said.

is matched as `⟦0⟧ , Ukraine’s Foreign Minister Andriy Sybiga said .` and no rule ever has to look
inside the quoted words. Nothing here is specific to one story: the word lists hold general English
(speech verbs, titles, role nouns), never names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# --- quotation marks ------------------------------------------------------------------------------

OPENING_MARKS = "“«„"
CLOSING_MARKS = "”»"
STRAIGHT_MARK = '"'


def quote_spans(paragraph: str) -> list[tuple[int, int | None]]:
    """The (start, end) character ranges of the quotations in a paragraph, marks included.

    Curly and straight double quotes both count; single quotes never do, because `’` is also the
    apostrophe, so a nested quotation stays inside its outer one:

        “He told me ‘go home’,” she said.   ->  one span: “He told me ‘go home’,”

    A straight `"` opens when no quote is open and closes otherwise. The last span's end is None
    when the paragraph ends inside a quotation (it continues in the next paragraph, see
    `continues_quote`).
    """
    spans: list[tuple[int, int | None]] = []
    start: int | None = None
    for index, char in enumerate(paragraph):
        opening = char in OPENING_MARKS or (char == STRAIGHT_MARK and start is None)
        closing = char in CLOSING_MARKS or (char == STRAIGHT_MARK and start is not None)
        if opening and start is None:
            start = index
        elif closing and start is not None:
            spans.append((start, index + 1))
            start = None
    if start is not None:
        spans.append((start, None))
    return spans


def continues_quote(paragraph: str) -> bool:
    """True when a paragraph carries on a quotation left open at the end of the one before.

    Wire style repeats the opening mark, and only the opening mark, on each paragraph of a long
    quotation:

        “We will rebuild the bridge.          <- no closing mark: the quote goes on
        “It will take two years,” she said.   <- starts with a mark: the same quote
    """
    return paragraph[:1] in OPENING_MARKS + STRAIGHT_MARK


def strip_marks(quoted: str) -> str:
    """The quoted words without their outer marks or surrounding space: `“Yes,”` -> `Yes,`."""
    return quoted.strip().strip(OPENING_MARKS + CLOSING_MARKS + STRAIGHT_MARK).strip()


def is_full_quote(words: str, *, starts_sentence: bool) -> bool:
    """True for a quotation that is a sentence (or several) rather than a phrase inside one.

    A full quote ends with its own punctuation and starts with a capital or starts the sentence:

        “These negotiations will begin immediately,” the White House said.   -> full
        Trump said that “many elements have been agreed to” on Monday.       -> partial
    """
    if not words or words[-1] not in ".,!?…:;—–-":
        return False
    return words[0].isupper() or starts_sentence


# --- tokens and frames ----------------------------------------------------------------------------

PLACEHOLDER = re.compile(r"⟦(\d+)⟧")
_TOKEN = re.compile(
    r"⟦\d+⟧"
    r"|(?:[A-Z]\.){2,}"
    r"|(?:Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gov|Gen|Lt|Col|Sgt|Capt|Supt|Insp|Det|St|Jr|Sr)\.(?!\w)"
    r"|[A-Z]\.(?=\s+[A-Z])"
    r"|\w+(?:[’'\-]\w+)*[’']?"
    r"|[^\w\s]"
)


_PARTY_LABEL = re.compile(r",\s*[DRI]-[A-Z][A-Za-z.]*,(?P<next>\s+(?:a|an|the|who|whose)\b)?")


def drop_party_labels(frame: str) -> str:
    """American party-and-state labels removed, so that the name stays next to its verb:

    Sen. Carol Benning, R-Wyo., voted against it   -> Sen. Carol Benning voted against it
    Sen. Maria Delgado, D-N.M., the bill's lead sponsor, said
        -> Sen. Maria Delgado, the bill's lead sponsor, said
    """
    return _PARTY_LABEL.sub(lambda m: "," + m.group("next") if m.group("next") else "", frame)


def tokenize(frame: str) -> list[str]:
    """Words, placeholders and punctuation: `Mr McCully’s aide said:` -> Mr McCully’s aide said :.

    Abbreviations with a dot (`Mr.`, `U.S.`, an initial such as `J.`) stay one token so that the
    dot is not read as the end of a sentence.
    """
    return _TOKEN.findall(frame)


def placeholder_id(token: str) -> int | None:
    """The quotation number of a placeholder token (`⟦3⟧` -> 3), or None for any other token."""
    match = PLACEHOLDER.fullmatch(token)
    return int(match.group(1)) if match else None


_ABBREVIATION_END = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gov|Gen|Lt|Col|Sgt|Capt|St|Jr|Sr|No|vs)|\b[A-Z])\.$"
)


def split_sentences(frame: str, full_stops: set[int]) -> list[str]:
    """A frame split into sentences, never inside an abbreviation.

    A sentence ends at `.`, `!` or `?` followed by a capital or a placeholder, and after a
    placeholder whose quotation ends with a full stop (`full_stops`), because the stop is then
    inside the marks:

        ⟦0⟧ Smith then left .   ->  when ⟦0⟧ is “We are done.”: two sentences
    """
    pieces = re.split(r"(?<=[.!?])\s+(?=[A-Z“\"⟦‘'(])|(?<=⟧)\s+(?=[A-Z“\"⟦])", frame)
    sentences: list[str] = []
    for piece in pieces:
        if sentences and _joins_previous(sentences[-1], full_stops):
            sentences[-1] += " " + piece
        else:
            sentences.append(piece)
    return sentences


def _joins_previous(previous: str, full_stops: set[int]) -> bool:
    """Whether a split after `previous` was wrong: after an abbreviation, or after a quote that
    does not end its sentence."""
    if previous.endswith("⟧"):
        match = PLACEHOLDER.search(previous[-8:])
        return match is None or int(match.group(1)) not in full_stops
    return bool(_ABBREVIATION_END.search(previous))


# --- word lists -----------------------------------------------------------------------------------


def words(text: str) -> frozenset[str]:
    """A word list written as running text, one space apart, so that it reads like a glossary."""
    return frozenset(text.split())


SPEECH_VERBS = words(
    """
    say says said saying tell tells told telling add adds added adding stated wrote writes
    writing asked asking replied replies explained explains explaining noted warn warns warned
    warning insist insists insisted insisting argue argues argued arguing claimed claiming declare
    declares declared announce announces announced admit admits admitted acknowledged conceded
    concedes continued recalled recalls remarked urge urges urged urging tweeted posted posting
    commented described describes describing called calling branded promised vowed vowing pledged
    responded suggested suggests stressed stresses emphasised emphasized shouted cried joked
    quipped predicted confirmed confirms complained recounted reiterated repeated boasted
    concluded accused accusing
    """
)
"""Verbs that introduce speech, lower case only (`States` in `United States` is no verb). Forms
that are more often nouns (`call`, `claims`, `post`) are left out; `agreed` is too, since what
people agree is rarely what they said."""

PRONOUNS = frozenset({"he", "she", "they"})
"""Subjects resolved to the last named speaker (see `Speaker.kind == "pronoun"`)."""

HONORIFICS = {
    "Mr": "m", "Mr.": "m", "Sir": "m", "Lord": "m",
    "Mrs": "f", "Mrs.": "f", "Ms": "f", "Ms.": "f", "Miss": "f", "Dame": "f", "Lady": "f",
    "Dr": "", "Dr.": "", "Prof": "", "Prof.": "",
}  # fmt: skip
"""Forms of address dropped from a name (`Mr McCully` is `Murray McCully`) with the gender they
imply, so that `she said` is not resolved to a `Mr`."""

TITLE_WORDS = words(
    """
    President Vice Prime Minister Secretary Chancellor Premier Senator Sen. Rep. Representative
    Governor Gov. Mayor Judge Justice Detective Det. Inspector Insp. Sergeant Sgt. Constable
    Superintendent Supt. Captain Capt. Colonel Col. Lieutenant Lt. General Gen. Major Admiral
    Commissioner Commander Chairman Chairwoman Chair Director Spokesman Spokeswoman Spokesperson
    Professor Ambassador King Queen Prince Princess Pope Bishop Archbishop Coach Chief Deputy
    Foreign Defence Defense Finance Health Interior Home Justice Trade Energy Education State
    Councillor Councilor Speaker Leader Sheriff Officer Reverend Rev. Cardinal Rabbi Imam
    Auditor Attorney Treasurer Emperor Sultan Sheikh Father
    """
)
"""Capitalised words that are part of a title written before a name: `Foreign Minister Andriy
Sybiga`, `US President Donald Trump`, `Det Sgt Jane Roe`. The name is what follows the last one."""

ROLE_HEADS = words(
    """
    spokesman spokeswoman spokesperson minister president secretary chief leader head director
    adviser advisor aide counterpart commander general officer official ambassador envoy chairman
    chairwoman chair chairperson manager coach captain mayor governor senator professor lecturer
    researcher economist analyst scientist doctor lawyer attorney prosecutor judge detective
    inspector sergeant constable superintendent commissioner founder owner councillor councilor
    mp candidate negotiator correspondent editor campaigner activist organiser organizer surgeon
    nurse expert chancellor premier king queen prince princess pope bishop archbishop ceo
    executive staff deputy representative historian teacher principal author member partner
    trustee speaker boss mother father wife husband daughter son sister brother widow
    chairman treasurer auditor pilot engineer curator skipper winemaker farmer resident
    paramedic firefighter director-general secretary-general medic veteran rival challenger
    opponent moderator alderman alderwoman substitute deckhand driver worker student presenter
    host volunteer coordinator superintendent receptionist supervisor passenger parent pupil
    customer shopper commuter voter patient neighbour neighbor local fan witness survivor victim
    tourist visitor sponsor
    """
)
"""Nouns that make a phrase a role: `Putin’s spokesman`, `the company’s chief executive`. A
phrase before or after a name is only taken as a role when it holds one of them."""

CAPITALISED_FUNCTION_WORDS = words(
    """
    The A An In On At By For From With Without After Before During Since Until When While As But
    And Or If Then Than This That These Those Its It His Her Their Our Speaking Asked Meanwhile
    However Later Earlier Yesterday Today Tonight Last Next Monday Tuesday Wednesday Thursday
    Friday Saturday Sunday January February March April May June July August September October
    November December According Despite Although Under Over About Around Inside Outside Among
    Between Through Toward Towards Against Into There Here We I You They He She Some Many Most
    Both Each Every Other Another One Two Three Several Also Still Now Even Only Instead
    """
)
"""Capitalised words that start sentences or name dates, never part of a person's name."""

NAME_PARTICLES = frozenset({"de", "da", "van", "von", "der", "den", "bin", "al", "le", "la", "du"})

ORGANISATION_WORDS = words(
    """
    House Ministry Department Agency Council Party Bank Court Union Office Police Service News
    Press Post Times Herald Network Commission Committee Authority Board Government Kremlin
    Parliament Congress Senate Pentagon Company Corporation Corp Inc Ltd Group Association
    Institute University School Hospital Foundation Federation League Club Army Navy Force
    Organisation Organization Tribunal Assembly Cabinet Embassy Secretariat Fund Trust Chamber
    Commerce Securities Partners Holdings Air Airlines Airways Railways
    """
)
"""Words that make a capitalised name an organisation (`the White House`) rather than a person."""

ORGANISATION_NOUNS = words(
    """
    police ministry government company council court army military agency department spokesman
    spokeswoman spokesperson officials official statement prosecutors investigators organisers
    organizers authorities regulator union board committee commission airline bank firm carrier
    club charity party school university hospital trust group operator retailer insurer
    broadcaster network
    """
)
"""Lower-case subjects that can speak for an institution: `police said`, `the ministry said`.
With `the`, the organisation is the one last named (`Straits Air …; the airline said`)."""

AUXILIARIES = words(
    """
    has had have also later then previously earlier repeatedly reportedly once again simply
    further was is were are would will had has quickly never often
    """
)
"""Words that may stand between a speaker and the speech verb: `Scavino later said`. (After
`and`, the speaker is the sentence's subject: `The governor visited and said …`.)"""

CLAUSE_STOPS = words(
    """
    the a an his her their its with by and or but to in on at from as said that who which when
    while after before was is were are has had have be been it this of for during since into
    """
)
"""Words that end a role phrase when reading backwards from a name."""

FORWARD_STOPS = words(
    """
    on in at after before during when while as that to told adding but and who which last this
    yesterday today earlier later tonight since from with
    """
)
"""Words that end a speaker read forwards after `said`: `said Smith on Monday`."""

PREPOSITIONS = frozenset(
    {"in", "at", "on", "from", "after", "before", "during", "for", "to", "of", "by", "with"}
)


# --- the speaker of an attribution ----------------------------------------------------------------


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


def _is_wordish(token: str) -> bool:
    return token[:1].isalnum() and placeholder_id(token) is None


def _role_text(tokens: Sequence[str]) -> str:
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
        while before > 0 and start - before < 8 and _role_prefix_token(tokens[before - 1]):
            before -= 1
    role = _role_text([*tokens[before:start], *titles])
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


def _role_prefix_token(token: str) -> bool:
    """A word that can be part of a role before a name (`chief of staff`), read backwards."""
    lower = token.lower()
    if lower in {"of", "for"}:
        return True
    return _is_wordish(token) and lower not in CLAUSE_STOPS and token not in SPEECH_VERBS


def _institution_ending_at(tokens: Sequence[str], end: int) -> Speaker | None:
    """`police said`, `the health ministry said`: an unnamed institution as speaker."""
    if tokens[end].lower() not in ORGANISATION_NOUNS:
        return None
    start = end
    while start > 0 and end - start < 4 and _is_wordish(tokens[start - 1]):
        if tokens[start - 1].lower() in CLAUSE_STOPS:
            break
        start -= 1
    definite = start > 0 and tokens[start - 1].lower() == "the"
    return Speaker("role", "", role=" ".join(tokens[start : end + 1]), definite=definite)


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
    while before > 0 and before > opening - 8 and _role_prefix_token(tokens[before - 1]):
        before -= 1
    outside = _role_text(tokens[before:opening])
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
        if not _is_wordish(token) or lower in FORWARD_STOPS | AUXILIARIES or token in SPEECH_VERBS:
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
    trailing = _role_text(tokens[names[-1] + 1 : end + 1])
    role = _appositive_after(tokens, end) or speaker.role or trailing
    return Speaker(speaker.kind, speaker.name, role, speaker.honorific, speaker.definite)


def _named_after_comma(tokens: Sequence[str], phrase: list[int]) -> Speaker | None:
    """`said the minister, Jane Roe` (a role, then the name after a comma), or an unnamed
    description such as `said a spokeswoman for the council`."""
    if not phrase:
        return None
    words = [tokens[j] for j in phrase]
    role = _role_text(words)
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
    while stop < min(len(tokens), end + 12) and _is_wordish(tokens[stop]):
        if tokens[stop].lower() in {"who", "whose", "which", "that"}:
            break
        stop += 1
    return _appositive_role(tokens[end + 2 : stop])


def _appositive_role(words: Sequence[str]) -> str:
    """The role in an appositive: one with a role noun, or any short `a …` description
    (`an ecologist at the University of Lancaster`)."""
    role = _role_text(words)
    if role or not words or words[0].lower() not in {"a", "an"} or len(words) > 10:
        return role
    return " ".join(words[1:])


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
