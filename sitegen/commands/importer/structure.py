# ruff: noqa: RUF001 -- curly quotes and dashes are what this code reads
"""The layout of raw copy: title, key points, paragraphs, sub-headings, related links, byline.

Copy pasted from a wire service or a news site has no markup a parser could trust, so the layout is
read from line shapes, the way a sub-editor reads it: bullets before the story are its key points,
bullets inside it are links to other stories, a short line without final punctuation is a
sub-heading, a dash-led list of names at the end is the byline. Site furniture ("Download the
app") is dropped by a list of known lines, kept here so that it can grow.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

_BULLET = re.compile(r"^\s*(?:[-*+•●▪–—]|\d+[.)])\s+(?P<text>.+)$")
_MARKDOWN_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.+?)\s*#*\s*$")
_MARKDOWN_LINK = re.compile(r"^\[(?P<title>[^\]]+)\]\((?P<url>[^)\s]+)\)\s*$")
_TRAILING_URL = re.compile(r"^(?P<title>.+?)\s*(?:[-–—:|]\s*)?(?P<url>https?://\S+)$")
_TERMINAL = ".!?,;:\"”’'…)]"

BOILERPLATE = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"take your radio, podcasts and music with you\.?",
        r"download (?:the|our) .*app.*",
        r"sign up\b.*",
        r"subscribe\b.*",
        r"(?:copyright|©|\(c\)).*",
        r".*all rights reserved\.?",
        r"advertisement\.?|advertise with (?:us|nzme)\.?",
        r"(?:follow|like) us on .*",
        r"share (?:this|on) .*|share\.?",
        r"click here.*",
        r"listen to this article.*",
        r"skip to (?:main )?content",
        r"(?:get|receive) (?:the latest|our) .*",
        r"(?:photo|image|picture|video)s?\s*[:/|].*",
        r"related topics|more on this story|top stories|most read",
        r"this (?:article|story) (?:was|has been) .*(?:updated|published|amended).*",
    )
)
"""Known site-furniture lines, matched against a whole line (case-insensitively)."""

_RELATED_HEADERS = re.compile(
    r"^(?:related(?: stories| links| articles)?|read more|see also)\s*:?$", re.I
)

OUTLETS = {
    "afp": "Agence France-Presse",
    "agence france-presse": "Agence France-Presse",
    "ap": "Associated Press",
    "associated press": "Associated Press",
    "the associated press": "Associated Press",
    "reuters": "Reuters",
}
"""Agency names and abbreviations as datelines and bylines write them, with their full name."""

_OUTLET_WORDS = re.compile(
    r"\b(?:News|Press|Herald|Times|Post|Agence|Agency|Service|Wire|Radio|Television|TV|"
    r"Guardian|Telegraph|Journal|Reuters|Bloomberg|BBC|RNZ|CNN|NPR|Stuff|Tribune|Gazette)\b"
)
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z .'’-]+(?:,\s*[A-Z][A-Za-z.]*(?:\s[A-Z][A-Za-z.]*)?)?)"
    r"\s*\((?P<agency>[A-Za-z .-]+)\)\s*[-–—]+\s*(?P<rest>.+)$"
)
_DASH_BYLINE = re.compile(r"^[-–—]\s*(?P<credits>[A-Z][^.!?“”\"]+)$")
_BY_LINE = re.compile(r"^By\s+(?P<credits>[A-Z][^.!?“”\"]+)$")
_REPORTING_BY = re.compile(r"^\(?\s*Reporting by (?P<credits>[^;)]+)(?:;.*)?\)?\.?$", re.I)


@dataclass(frozen=True, slots=True)
class Block:
    """A paragraph, a `##` sub-heading, or a list kept in the body (after a line ending in `:`)."""

    kind: str
    text: str
    line: int


@dataclass(frozen=True, slots=True)
class Link:
    """A related story: its headline, and its URL when the copy gave one."""

    title: str
    url: str


@dataclass(slots=True)
class Document:
    """The copy's layout, before any quote is read."""

    title: str = ""
    key_points: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    related: list[Link] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    source: str = ""
    dropped: list[str] = field(default_factory=list)

    @property
    def paragraphs(self) -> list[Block]:
        return [block for block in self.blocks if block.kind == "paragraph"]


@dataclass(frozen=True, slots=True)
class _Line:
    text: str
    number: int


def read_structure(text: str) -> Document:
    """The layout of `text` (plain text or Markdown)."""
    doc = Document()
    lines = _clean_lines(text, doc)
    lines = _take_byline(lines, doc)
    lines = _take_title(lines, doc)
    lines = _take_key_points(lines, doc)
    _read_body(lines, doc)
    _take_dateline(doc)
    return doc


def _clean_lines(text: str, doc: Document) -> list[_Line]:
    """Lines with normalised spaces; boilerplate lines go to `doc.dropped`."""
    text = text.replace("\ufeff", "").replace("\r\n", "\n").replace("\r", "\n")
    lines: list[_Line] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        line = re.sub(r"[ \t\u00a0\u2009\u202f]+", " ", raw).strip()
        if line and any(pattern.fullmatch(line) for pattern in BOILERPLATE):
            doc.dropped.append(line)
            continue
        lines.append(_Line(line, number))
    return lines


def _nonblank(lines: list[_Line]) -> list[int]:
    return [i for i, line in enumerate(lines) if line.text]


def _take_byline(lines: list[_Line], doc: Document) -> list[_Line]:
    """Authors and source from a credit line: `-Danny Kemp, Agence France-Presse` at the end,
    `By Jane Roe, Reuters` at the top, or Reuters' `(Reporting by Jane Roe; Editing by …)`."""
    indexes = _nonblank(lines)
    candidates = indexes[-3:] + indexes[:3]
    for i in candidates:
        line = lines[i].text
        match = _DASH_BYLINE.match(line) or _BY_LINE.match(line) or _REPORTING_BY.match(line)
        if match is None or len(line) > 160:
            continue
        credits = _split_credits(match.group("credits"))
        if not credits or not all(_looks_like_credit(c) for c in credits):
            continue
        for credit in credits:
            outlet = _outlet_name(credit)
            if outlet:
                doc.source = doc.source or outlet
            else:
                doc.authors.append(re.sub(r"\s+in\s+[A-Z].*$", "", credit))
        return lines[:i] + lines[i + 1 :]
    return lines


def _split_credits(credits: str) -> list[str]:
    parts = re.split(r",\s*|\s+and\s+|\s*&\s*|\s*/\s*", credits.strip())
    return [part.strip() for part in parts if part.strip()]


def _looks_like_credit(credit: str) -> bool:
    words = credit.split()
    return 0 < len(words) <= 6 and words[0][:1].isupper()


def _outlet_name(credit: str) -> str:
    known = OUTLETS.get(credit.lower())
    if known:
        return known
    return credit if _OUTLET_WORDS.search(credit) else ""


def _take_title(lines: list[_Line], doc: Document) -> list[_Line]:
    """The headline: a leading `# Heading`, or a first line that is not a bullet or a sentence."""
    indexes = _nonblank(lines)
    if not indexes:
        return lines
    first = lines[indexes[0]].text
    heading = _MARKDOWN_HEADING.match(first)
    if heading:
        doc.title = heading.group("text")
    elif _BULLET.match(first) or len(first.split()) > 25 or first.endswith("."):
        return lines
    else:
        doc.title = first
    return lines[indexes[0] + 1 :]


def _take_key_points(lines: list[_Line], doc: Document) -> list[_Line]:
    """The bullet lines before the first paragraph (after an optional `Key points` line)."""
    position = 0
    while position < len(lines) and (
        not lines[position].text or _is_key_points_header(lines[position].text)
    ):
        position += 1
    while position < len(lines):
        bullet = _BULLET.match(lines[position].text)
        if bullet is None and lines[position].text:
            break
        if bullet is not None:
            doc.key_points.append(bullet.group("text").strip())
        position += 1
    return lines[position:]


def _is_key_points_header(text: str) -> bool:
    return (
        re.fullmatch(r"(?:#+\s*)?(?:key points|in brief|at a glance)\s*:?", text, re.I) is not None
    )


def _read_body(lines: list[_Line], doc: Document) -> None:
    """Paragraphs, sub-headings, related links and in-body lists, in order."""
    wrapped = _is_hard_wrapped(lines)
    pending: list[_Line] = []

    def flush() -> None:
        if pending:
            doc.blocks.append(
                Block("paragraph", " ".join(p.text for p in pending), pending[0].number)
            )
            pending.clear()

    for line in lines:
        text = line.text
        bullet = _BULLET.match(text)
        if not text:
            flush()
        elif bullet is not None:
            flush()
            _add_bullet(doc, bullet.group("text").strip(), line.number)
        elif _RELATED_HEADERS.fullmatch(text.lstrip("#").strip()):
            flush()
        elif _is_heading(text):
            flush()
            doc.blocks.append(
                Block("heading", _MARKDOWN_HEADING.sub(r"\g<text>", text), line.number)
            )
        else:
            if not wrapped:
                flush()
            pending.append(line)
    flush()


def _is_hard_wrapped(lines: list[_Line]) -> bool:
    """True when paragraphs are blank-line separated and lines inside them are wrapped."""
    for previous, line in itertools.pairwise(lines):
        prose = previous.text and not _BULLET.match(previous.text)
        unfinished = not previous.text.endswith(tuple(_TERMINAL)) and not _is_heading(previous.text)
        if prose and unfinished and line.text and not _BULLET.match(line.text):
            return True
    return False


def _is_heading(text: str) -> bool:
    """`## Heading`, or a short capitalised line without final punctuation: `No guarantees`."""
    if _MARKDOWN_HEADING.match(text):
        return True
    words = text.split()
    return (
        0 < len(words) <= 10
        and len(text) <= 70
        and (text[0].isupper() or text[0].isdigit())
        and not text.endswith(tuple(_TERMINAL))
        and not any(mark in text for mark in '“”"')
    )


def _add_bullet(doc: Document, text: str, number: int) -> None:
    """A bullet in the body: part of a list the paragraph before introduces (`…include:`), or a
    related story."""
    previous = doc.blocks[-1] if doc.blocks else None
    if previous is not None and (previous.text.endswith(":") or previous.kind == "list"):
        doc.blocks.append(Block("list", text, number))
        return
    link = _MARKDOWN_LINK.match(text) or _TRAILING_URL.match(text)
    if link:
        doc.related.append(Link(link.group("title").strip(), link.group("url")))
    else:
        doc.related.append(Link(text, ""))


def _take_dateline(doc: Document) -> None:
    """`WASHINGTON (AP) — The Senate…`: the agency becomes the source, the dateline goes."""
    for index, block in enumerate(doc.blocks):
        if block.kind != "paragraph":
            continue
        match = _DATELINE.match(block.text)
        if match:
            agency = match.group("agency").strip()
            doc.source = doc.source or OUTLETS.get(agency.lower(), agency)
            doc.blocks[index] = Block("paragraph", match.group("rest"), block.line)
        return
