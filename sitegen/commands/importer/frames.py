# ruff: noqa: RUF001, RUF002 -- curly quotes and dashes are what this code reads
"""A paragraph read as a frame: its quotations found by their marks and replaced by placeholders.

No rule that finds a speaker should ever have to look inside the quoted words, so the importer
works on *frames*: a sentence whose quotations have been replaced by placeholders such as `⟦0⟧`,
split into tokens, so that

    “It is time,” Ukraine’s Foreign Minister Andriy Sybiga said.

is matched as `⟦0⟧ , Ukraine’s Foreign Minister Andriy Sybiga said .`. This module holds what
that takes: where quotations start and end (curly, straight and nested marks, quotes running over
paragraphs), the tokens of a frame, and its sentences. Each rule has an example in its docstring
so that writers can check how the importer reads their copy.
"""

from __future__ import annotations

import re

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
