"""Stage 2b: validate each document's front matter into a typed source record.

A source record is what one file says, checked field by field, with Markdown still as text:
rendering it needs the whole site (mentions, links to other files), which is the next stage's
job. Every problem is reported at the line of the value it is about. The records themselves, and
the names of the fields each kind of file may have, are in `records.py`.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from pathlib import PurePosixPath
from typing import Any

from sitegen.core.diagnostics import Diagnostic, Place
from sitegen.core.model import Image, SiteConfig, Timestamp
from sitegen.core.urls import SLUG_PATTERN, slugify
from sitegen.stages.fields import FieldReader
from sitegen.stages.frontmatter import Document, describe, parse_document
from sitegen.stages.load import Kind, SourceFile
from sitegen.stages.records import (
    ACTOR_FIELDS,
    ACTOR_KINDS,
    DATED_KEYS,
    EXPLAINER_FIELDS,
    IMAGE_KEYS,
    INLINE_ACTOR_FIELDS,
    PAGE_FIELDS,
    QUOTE_KEYS,
    ActorSource,
    ActorSpec,
    DatedSpec,
    ExplainerSource,
    LinkSpec,
    PageSource,
    ParsedSource,
    QuestionSpec,
    QuoteSpec,
    Text,
)

MAX_SLUG_LENGTH = 120


def parse_file(
    file: SourceFile, config: SiteConfig, zone: tzinfo, drafts: bool
) -> tuple[ParsedSource | None, list[Diagnostic]]:
    """One content file's source record (None when it has errors or is a draft left out).

    Depends on nothing but its arguments, so the engine may reuse the result for the same
    bytes and settings.
    """
    document, problems = parse_document(file.path, file.raw)
    if document is None:
        return None, problems
    source: ParsedSource | None
    if file.kind is Kind.ACTOR:
        source, more = parse_actor(document, zone)
    elif file.kind is Kind.PAGE:
        source, more = parse_page(document, config, zone)
    else:
        source, more = parse_explainer(document, config, zone)
    if isinstance(source, ExplainerSource | PageSource) and source.draft and not drafts:
        source = None
    return source, [*problems, *more]


def parse_explainer(
    doc: Document, config: SiteConfig, zone: tzinfo
) -> tuple[ExplainerSource | None, list[Diagnostic]]:
    """Validate an explainer's front matter (FORMAT.md 3.1)."""
    read = FieldReader(doc, zone)
    read.check_known(EXPLAINER_FIELDS)
    title = read.text("title", required=True)
    date = read.timestamp("date", required=True)
    updated = read.timestamp("updated")
    if date and updated and updated.value < date.value:
        read.error(("updated",), "`updated` is earlier than `date`")
    slug, slug_place = _slug(read, doc.path)
    fields = {
        name: read.place(name) for name in ("key_points", "actors", "quotes") if read.has(name)
    }
    # Without a valid date or title the build fails anyway (the error is recorded); the source is
    # still returned so that the checks that need the whole site report this file's problems too.
    source = ExplainerSource(
        path=doc.path,
        slug=slug,
        slug_place=slug_place,
        title=title,
        date=date or Timestamp(datetime(1970, 1, 1, tzinfo=zone), has_time=False),
        lang=read.language("lang", config.language),
        body=Text(doc.body, Place(doc.path, doc.body_line, 1)),
        updated=updated,
        summary=read.text("summary"),
        authors=tuple(read.text_list("authors", allow_single=True)),
        source=read.text("source"),
        topics=tuple(read.text_list("topics", allow_single=True)),
        image=_image(read, ("image",)),
        image_place=read.place("image", "src"),
        draft=read.boolean("draft"),
        key_points=_key_points(read) if "key_points" in fields else None,
        actors=_inline_actors(read) if "actors" in fields else None,
        quotes=_quotes(read) if "quotes" in fields else None,
        timeline=_dated(read, "timeline"),
        sources=_links(read, "sources", url_required=False),
        related=_links(read, "related", url_required=True),
        questions=_questions(read),
        updates=_dated(read, "updates"),
        corrections=_dated(read, "corrections"),
        extra=_extra(read),
        field_places=fields,
    )
    return source, read.problems


def parse_actor(doc: Document, zone: tzinfo) -> tuple[ActorSource | None, list[Diagnostic]]:
    """Validate an actor file (FORMAT.md 4); the file stem is the id."""
    read = FieldReader(doc, zone)
    read.check_known(ACTOR_FIELDS)
    stem = PurePosixPath(doc.path).stem
    actor_id = slugify(stem)
    if actor_id != stem:
        read.warning((), f"actor file name `{stem}` is not a valid id; its id is `{actor_id}`")
    spec = _actor_fields(read, (), actor_id, Place(doc.path, 1, 1))
    if spec.name is None:
        if not _wrong_type(read, ("name",)):
            read.error(("name",) if read.has("name") else (), "an actor file needs `name`")
        return None, read.problems
    profile = Text(doc.body, Place(doc.path, doc.body_line, 1))
    return ActorSource(doc.path, spec, profile), read.problems


def parse_page(
    doc: Document, config: SiteConfig, zone: tzinfo
) -> tuple[PageSource | None, list[Diagnostic]]:
    """Validate a plain page (FORMAT.md 5); its URL is `/<file stem>/` unless `slug` is given."""
    read = FieldReader(doc, zone)
    read.check_known(PAGE_FIELDS)
    title = read.text("title", required=True)
    slug, slug_place = _slug(read, doc.path)
    page = PageSource(
        path=doc.path,
        slug=slug,
        slug_place=slug_place,
        title=title,
        lang=read.language("lang", config.language),
        body=Text(doc.body, Place(doc.path, doc.body_line, 1)),
        summary=read.text("summary"),
        draft=read.boolean("draft"),
    )
    return page, read.problems


# -- field groups --------------------------------------------------------------------------------


def _wrong_type(read: FieldReader, key_path: tuple[Any, ...]) -> bool:
    """True when the text at `key_path` is given but not as text: its read reported that, so a
    "missing" message would report the same problem twice."""
    return read.has(*key_path) and isinstance(read.raw(*key_path), dict | list | bool)


def _slug(read: FieldReader, path: str) -> tuple[str, Place]:
    slug = read.text("slug")  # a slug that is not text is reported here and left out
    place = read.place("slug") if slug else Place(path, 1, 1)
    if slug and not SLUG_PATTERN.fullmatch(slug):
        read.error(
            ("slug",),
            f"`slug` `{slug}` must be lower-case letters and digits joined by single hyphens "
            f"(like `{slugify(slug)[:MAX_SLUG_LENGTH]}`)",
        )
        slug = slugify(slug)
    if not slug:
        slug = slugify(PurePosixPath(path).stem)
    if len(slug) > MAX_SLUG_LENGTH:
        read.problems.append(place.error(f"slug is longer than {MAX_SLUG_LENGTH} characters"))
        slug = slug[:MAX_SLUG_LENGTH].rstrip("-")
    return slug, place


def _image(read: FieldReader, key_path: tuple[Any, ...]) -> Image | None:
    value = read.raw(*key_path)
    if value is None or value == {} or not read.has(*key_path):
        return None
    name = ".".join(str(k) for k in key_path)
    if not isinstance(value, dict):
        read.error(
            key_path, f"`{name}` must be a mapping with `src` and `alt`, got {describe(value)}"
        )
        return None
    read.check_item_keys(key_path, value, IMAGE_KEYS)
    src = read.url(*key_path, "src", required=True, image=True)
    if not read.has(*key_path, "alt"):
        read.error(
            key_path, f"`{name}` needs `alt`: describe the image for readers who cannot see it"
        )
    alt = read.text(*key_path, "alt")
    if not src:
        return None
    return Image(
        src=src,
        alt=alt,
        caption=read.text(*key_path, "caption"),
        credit=read.text(*key_path, "credit"),
    )


def _key_points(read: FieldReader) -> tuple[Text, ...]:
    if read.raw("key_points") == []:
        read.error(("key_points",), "`key_points` needs at least one key point")
    points = []
    for index, _item in read.items("key_points"):
        text = read.prose("key_points", index)
        if text is not None:
            points.append(Text(text, read.place("key_points", index)))
    return tuple(points)


def _actor_fields(
    read: FieldReader, path: tuple[Any, ...], actor_id: str, place: Place
) -> ActorSpec:
    kind = read.text(*path, "kind") or None
    if kind is not None and kind not in ACTOR_KINDS:
        read.error((*path, "kind"), f"`kind` must be {' or '.join(ACTOR_KINDS)}, got `{kind}`")
        kind = None
    return ActorSpec(
        id=actor_id,
        place=place,
        name=read.text(*path, "name") or None,
        role=read.text(*path, "role") if read.has(*path, "role") else None,
        description=read.text(*path, "description") if read.has(*path, "description") else None,
        image=_image(read, (*path, "image")),
        url=read.url(*path, "url") if read.has(*path, "url") else None,
        aliases=tuple(read.text_list(*path, "aliases", allow_single=True)),
        same_as=tuple(read.url_list(*path, "same_as")),
        kind=kind,
    )


def _inline_actors(read: FieldReader) -> tuple[ActorSpec, ...]:
    actors = []
    for index, item in read.items("actors"):
        place = read.place("actors", index)
        if isinstance(item, str) and item.strip():
            actors.append(ActorSpec(id=item.strip(), place=place, by_reference=True))
        elif isinstance(item, dict):
            read.check_item_keys(("actors", index), item, INLINE_ACTOR_FIELDS)
            name = read.text("actors", index, "name")
            given_id = read.text("actors", index, "id")
            if not name and not given_id:
                if not _wrong_type(read, ("actors", index, "name")):
                    read.error(
                        ("actors", index),
                        f"`actors[{index}]` needs `name` (or the `id` of an actor file)",
                    )
                continue
            actor_id = given_id or slugify(name)
            if given_id and not SLUG_PATTERN.fullmatch(given_id):
                read.error(
                    ("actors", index, "id"),
                    f"actor id `{given_id}` must look like `{slugify(given_id)}`",
                )
                actor_id = slugify(given_id)
            actors.append(_actor_fields(read, ("actors", index), actor_id, place))
        else:
            read.error(
                ("actors", index),
                f"`actors[{index}]` must be an actor id or a mapping with `name`, "
                f"got {describe(item)}",
            )
    return tuple(actors)


def _quotes(read: FieldReader) -> tuple[QuoteSpec, ...]:
    quotes = []
    for index, _item in read.mappings("quotes", known=QUOTE_KEYS, required=("text", "by")):
        text = read.prose("quotes", index, "text")
        by = read.text("quotes", index, "by")
        if text is None or not by:
            continue
        quotes.append(
            QuoteSpec(
                text=Text(text, read.place("quotes", index, "text")),
                by=by,
                by_place=read.place("quotes", index, "by"),
                context=read.text("quotes", index, "context"),
                date=read.timestamp("quotes", index, "date"),
                url=read.url("quotes", index, "url"),
                url_place=read.place("quotes", index, "url"),
            )
        )
    return tuple(quotes)


def _dated(read: FieldReader, key: str) -> tuple[DatedSpec, ...]:
    entries = []
    for index, _item in read.mappings(key, known=DATED_KEYS, required=("date", "text")):
        stamp = read.timestamp(key, index, "date")
        text = read.prose(key, index, "text")
        if stamp and text is not None:
            entries.append(DatedSpec(stamp, Text(text, read.place(key, index, "text"))))
    return tuple(entries)


def _links(read: FieldReader, key: str, *, url_required: bool) -> tuple[LinkSpec, ...]:
    known = {"title", "url", "publisher"} if key == "sources" else {"title", "url"}
    links = []
    for index, _item in read.mappings(
        key, known=known, required=("title", "url") if url_required else ("title",)
    ):
        title = read.text(key, index, "title")
        url = read.url(key, index, "url")
        if title:
            links.append(
                LinkSpec(
                    title, url, read.place(key, index, "url"), read.text(key, index, "publisher")
                )
            )
    return tuple(links)


def _questions(read: FieldReader) -> tuple[QuestionSpec, ...]:
    questions = []
    for index, _item in read.mappings("questions", known={"q", "a"}, required=("q", "a")):
        question = read.text("questions", index, "q")
        answer = read.prose("questions", index, "a")
        if question and answer is not None:
            questions.append(
                QuestionSpec(question, Text(answer, read.place("questions", index, "a")))
            )
    return tuple(questions)


def _extra(read: FieldReader) -> dict[str, Any]:
    value = read.raw("extra")
    if not read.has("extra"):
        return {}
    if not isinstance(value, dict):
        read.error(("extra",), f"`extra` must be a mapping, got {describe(value)}")
        return {}
    return value
