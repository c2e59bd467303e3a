"""Page metadata for search engines and social sites: Open Graph, Twitter cards and JSON-LD.

Pure functions of the site model, registered as template globals (`__all__`), so that the theme's
`partials/meta.html` stays a short loop and a site that overrides it can call the same functions.
Kept out of the templates because JSON-LD is data, not markup: building it as dicts and serialising
once is the only way to guarantee it is valid JSON that no content can break out of.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from markupsafe import Markup

from sitegen.core.model import Actor, ActorEntry, Explainer, Image, Quote, Site
from sitegen.core.urls import is_external
from sitegen.stages import share

__all__ = [
    "actor_ld",
    "document_title",
    "explainer_ld",
    "json_ld",
    "social_meta",
    "website_ld",
]

SCHEMA = "https://schema.org"

_SCRIPT_SAFE = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}

MetaTag = tuple[str, str, str]
"""(attribute, key, content): `("property", "og:title", ...)` or a twitter `name`."""


def json_ld(data: dict[str, Any]) -> Markup:
    """JSON for a `<script type="application/ld+json">` element, safe against any content.

    `<`, `>` and `&` are written as `\\u003c` etc. so that no string (a headline containing
    `</script>`, say) can end the script element or open a comment; U+2028 and U+2029 are escaped
    because some JavaScript parsers treat them as line ends. Keys are sorted so that two builds
    write the same bytes.
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escape in _SCRIPT_SAFE.items():
        text = text.replace(char, escape)
    return Markup(text)


def document_title(site: Site, title: str) -> str:
    """`Headline — Site`, or the site name alone when the page is the site itself."""
    name = site.config.title
    if not title or title == name:
        return name
    return f"{title} \u2014 {name}"


def absolute_url(site: Site, url: str) -> str:
    """An absolute URL for a link made by the model, or the URL as written when it is external."""
    if is_external(url):
        return url
    return site.absolute(url)


def social_meta(
    site: Site,
    *,
    title: str,
    description: str,
    url: str,
    lang: str,
    explainer: Explainer | None = None,
    actor: Actor | None = None,
) -> tuple[MetaTag, ...]:
    """Open Graph and Twitter card tags for a page, explainer-specific ones when given one.

    `url` is the page's canonical (absolute) URL. The image is the explainer's lead image, else
    its share card (`share.py`), or the actor's photo; `data:` images are left out because social
    sites cannot fetch them. `og:locale` needs a region (`en_GB`), so a bare language is left to
    `<html lang>`.
    """
    image = explainer.image if explainer else actor.image if actor else None
    image_url = _shareable(site, image)
    if explainer and share.wants_card(site, explainer):
        image = Image(share.share_path(site, explainer), _card_alt(explainer))
        image_url = site.absolute(site.link(image.src))
    tags: list[MetaTag] = [
        ("property", "og:site_name", site.config.title),
        ("property", "og:type", "article" if explainer else "website"),
        ("property", "og:title", title or site.config.title),
        ("property", "og:url", url),
    ]
    if "-" in lang:
        tags.append(("property", "og:locale", lang.replace("-", "_")))
    if description:
        tags.append(("property", "og:description", description))
    if image and image_url:
        tags += [("property", "og:image", image_url), ("property", "og:image:alt", image.alt)]
    if explainer and share.wants_card(site, explainer):
        tags += [
            ("property", "og:image:width", str(share.WIDTH)),
            ("property", "og:image:height", str(share.HEIGHT)),
        ]
    if explainer:
        tags += _article_tags(explainer)
    # Twitter reads og:title and og:description itself; the card type and image are named for it
    # too, so that the share card is used by every client that reads only twitter: tags.
    tags.append(("name", "twitter:card", "summary_large_image" if image_url else "summary"))
    if image and image_url:
        tags.append(("name", "twitter:image", image_url))
    return tuple(tags)


def _card_alt(explainer: Explainer) -> str:
    return (
        f"{explainer.title}: {_plain(explainer.key_points[0])}"
        if explainer.key_points
        else explainer.title
    )


def _article_tags(explainer: Explainer) -> list[MetaTag]:
    tags: list[MetaTag] = [
        ("property", "article:published_time", explainer.date.iso),
        ("property", "article:modified_time", explainer.modified.iso),
    ]
    tags += [("property", "article:author", author) for author in explainer.authors]
    if explainer.topics:
        tags.append(("property", "article:section", explainer.topics[0].name))
    tags += [("property", "article:tag", topic.name) for topic in explainer.topics]
    return tags


def _shareable(site: Site, image: Image | None) -> str:
    if image is None or image.src.startswith("data:"):
        return ""
    return absolute_url(site, image.src)


def website_ld(site: Site) -> dict[str, Any]:
    """`WebSite` for the home page, with the publisher."""
    config = site.config
    data: dict[str, Any] = {
        "@context": SCHEMA,
        "@type": "WebSite",
        "name": config.title,
        "url": str(config.base_url),
        "inLanguage": config.language,
        "publisher": publisher_ld(site),
    }
    if config.description:
        data["description"] = config.description
    return data


def publisher_ld(site: Site) -> dict[str, Any]:
    """The publisher `Organization`: `publisher` from sitegen.yaml, else the site itself."""
    publisher = site.config.publisher
    if publisher is None:
        config = site.config
        return {"@type": "Organization", "name": config.title, "url": str(config.base_url)}
    data: dict[str, Any] = {"@type": "Organization", "name": publisher.name}
    if publisher.url:
        data["url"] = absolute_url(site, publisher.url)
    if publisher.logo and not publisher.logo.startswith("data:"):
        data["logo"] = {"@type": "ImageObject", "url": absolute_url(site, publisher.logo)}
    return data


def explainer_ld(site: Site, explainer: Explainer) -> dict[str, Any]:
    """`NewsArticle` with authors, publisher, actors as `mentions`, quotes and corrections."""
    url = site.absolute(explainer.url)
    data: dict[str, Any] = {
        "@context": SCHEMA,
        "@type": "NewsArticle",
        "headline": explainer.title,
        "url": url,
        "datePublished": explainer.date.iso,
        "dateModified": explainer.modified.iso,
        "inLanguage": explainer.lang,
        "author": _authors(site, explainer),
        "publisher": publisher_ld(site),
        "wordCount": explainer.word_count,
    }
    optional: dict[str, Any] = {
        "image": _image_list(site, explainer.image),
        "sourceOrganization": _organization(explainer.source),
        "keywords": [topic.name for topic in explainer.topics],
        "mentions": [_actor_ref(site, actor) for actor in explainer.actors],
        "hasPart": [_quotation(site, quote) for quote in explainer.quotes],
        "correction": [_correction(c.date.iso, c.text_html) for c in explainer.corrections],
    }
    data.update({key: value for key, value in optional.items() if value})
    return data


def _authors(site: Site, explainer: Explainer) -> list[dict[str, Any]]:
    """One `Person` per author; the publisher when the byline names nobody."""
    if not explainer.authors:
        return [publisher_ld(site)]
    return [{"@type": "Person", "name": name} for name in explainer.authors]


def _organization(name: str) -> dict[str, Any] | None:
    return {"@type": "Organization", "name": name} if name else None


def _image_list(site: Site, image: Image | None) -> list[str]:
    url = _shareable(site, image)
    return [url] if url else []


def _actor_ref(site: Site, actor: Actor) -> dict[str, Any]:
    """A `Person` or `Organization` with `sameAs` links (Wikipedia, Wikidata, official site)."""
    data = {**_actor_name(actor), "url": site.absolute(actor.page_url)}
    same_as = _unique([*actor.same_as, *([actor.url] if actor.url else [])])
    if same_as:
        data["sameAs"] = same_as
    if actor.aliases:
        data["alternateName"] = list(actor.aliases)
    if actor.role:
        data["jobTitle" if actor.kind == "Person" else "description"] = actor.role
    return data


def _actor_name(actor: Actor) -> dict[str, Any]:
    """An actor by type and name: what a quotation's `creator` needs, and no more bytes."""
    return {"@type": actor.kind, "name": actor.name}


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _quotation(site: Site, quote: Quote) -> dict[str, Any]:
    creator = _actor_name(quote.by) if quote.by else {"@type": "Person", "name": quote.by_name}
    data: dict[str, Any] = {
        "@type": "Quotation",
        "text": _plain(quote.text_html),
        "creator": creator,
    }
    if quote.date:
        data["dateCreated"] = quote.date.iso
    if quote.url:
        data["url"] = quote.url
    return data


def _correction(date_iso: str, text_html: Markup) -> dict[str, Any]:
    return {"@type": "CorrectionComment", "datePublished": date_iso, "text": _plain(text_html)}


def _plain(html: Markup) -> str:
    """The text of inline HTML, for metadata that must not carry tags."""
    return Markup(html).striptags()


def actor_ld(site: Site, entry: ActorEntry) -> dict[str, Any]:
    """`Person` or `Organization` for an actor's page, with its photo and `sameAs` links."""
    actor = entry.actor
    data = {"@context": SCHEMA, **_actor_ref(site, actor)}
    if actor.description:
        data["description"] = actor.description
    image = _shareable(site, actor.image)
    if image:
        data["image"] = image
    return data
