"""Page metadata: JSON-LD that no content can break out of, and the fields issue 4 asks for."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from sitegen.core.model import (
    Actor,
    ActorEntry,
    DatedText,
    Explainer,
    Image,
    Publisher,
    Quote,
    Site,
    SiteConfig,
    Timestamp,
    TopicRef,
)
from sitegen.core.urls import BaseUrl
from sitegen.stages.metadata import (
    actor_ld,
    document_title,
    explainer_ld,
    json_ld,
    social_meta,
    website_ld,
)

PLUS_13 = timezone(timedelta(hours=13))
PUTIN = Actor(
    id="putin",
    name="Vladimir Putin",
    page_url="/sub/actors/putin/",
    role="President of Russia",
    same_as=("https://www.wikidata.org/wiki/Q7747",),
)
KREMLIN = Actor(
    id="kremlin", name="The Kremlin", page_url="/sub/actors/kremlin/", kind="Organization"
)


def make_site(publisher: Publisher | None = None) -> Site:
    config = SiteConfig(
        title="World Explained",
        base_url=BaseUrl.parse("https://example.org/sub/"),
        publisher=publisher,
    )
    return Site(config=config, explainers=(), actors=(), topics=(), pages=())


def make_explainer(**changes: object) -> Explainer:
    fields: dict[str, object] = {
        "source_path": "content/call.md",
        "slug": "call",
        "url": "/sub/call/",
        "title": "The call",
        "date": Timestamp(datetime(2025, 3, 19, 9, tzinfo=PLUS_13), has_time=True),
        "lang": "en",
        "dir": "ltr",
        "body_html": Markup("<p>Text.</p>"),
        "key_points": (Markup("A point."),),
    }
    fields.update(changes)
    return Explainer(**fields)  # type: ignore[arg-type]


@given(st.text())
def test_json_ld_cannot_close_the_script_element(text: str) -> None:
    serialised = str(json_ld({"headline": text, "x": "</script><!--" + text}))
    assert not {"<", ">", "&", "\u2028", "\u2029"} & set(serialised)
    assert json.loads(serialised)["headline"] == text


def test_json_ld_sorts_keys() -> None:
    assert str(json_ld({"b": 1, "@type": "X", "a": {"d": 1, "c": 2}})) == (
        '{"@type":"X","a":{"c":2,"d":1},"b":1}'
    )


def test_explainer_is_a_news_article_with_every_field() -> None:
    site = make_site(Publisher(name="Example News", url="https://example.org/", logo="/sub/l.png"))
    explainer = make_explainer(
        updated=Timestamp(datetime(2025, 3, 20, tzinfo=UTC), has_time=False),
        authors=("Ann Author", "Bo Writer"),
        image=Image(src="/sub/static/lead.png", alt="A map"),
        actors=(PUTIN, KREMLIN),
        quotes=(
            Quote(text_html=Markup("<em>No</em> deal."), by_name="Vladimir Putin", by=PUTIN),
            Quote(text_html=Markup("Maybe."), by_name="A diplomat"),
        ),
        corrections=(
            DatedText(Timestamp(datetime(2025, 3, 21, tzinfo=UTC), False), Markup("Fixed.")),
        ),
        topics=(TopicRef("Russia", "russia", "/sub/topics/russia/"),),
    )
    data = explainer_ld(site, explainer)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "The call"
    assert data["datePublished"] == "2025-03-19T09:00:00+13:00"
    assert data["dateModified"] == "2025-03-20T00:00:00+00:00"
    assert data["author"] == [
        {"@type": "Person", "name": "Ann Author"},
        {"@type": "Person", "name": "Bo Writer"},
    ]
    assert data["publisher"]["@type"] == "Organization"
    assert data["publisher"]["logo"]["url"] == "https://example.org/sub/l.png"
    assert data["image"] == ["https://example.org/sub/static/lead.png"]
    assert data["inLanguage"] == "en"
    assert data["url"] == "https://example.org/sub/call/"
    putin, kremlin = data["mentions"]
    assert putin["@type"] == "Person"
    assert putin["sameAs"] == ["https://www.wikidata.org/wiki/Q7747"]
    assert kremlin["@type"] == "Organization"
    first, second = data["hasPart"]
    assert first == {
        "@type": "Quotation",
        "text": "No deal.",
        "creator": {"@type": "Person", "name": "Vladimir Putin"},
    }
    assert second["creator"] == {"@type": "Person", "name": "A diplomat"}
    (correction,) = data["correction"]
    assert correction["@type"] == "CorrectionComment"
    assert correction["datePublished"] == "2025-03-21T00:00:00+00:00"
    assert correction["text"] == "Fixed."
    assert data["keywords"] == ["Russia"]


def test_explainer_without_byline_credits_the_site_and_leaves_out_empty_fields() -> None:
    data = explainer_ld(make_site(), make_explainer())
    assert data["author"] == [
        {"@type": "Organization", "name": "World Explained", "url": "https://example.org/sub/"}
    ]
    assert not {"image", "mentions", "hasPart", "correction", "keywords"} & set(data)


def test_external_images_stay_as_written_and_data_images_are_left_out() -> None:
    site = make_site()
    external = make_explainer(image=Image(src="https://cdn.example.net/a.jpg", alt="A"))
    inline = make_explainer(image=Image(src="data:image/png;base64,AAAA", alt="A"))
    assert explainer_ld(site, external)["image"] == ["https://cdn.example.net/a.jpg"]
    assert "image" not in explainer_ld(site, inline)


def test_social_meta_of_an_explainer() -> None:
    explainer = make_explainer(
        authors=("Ann Author",),
        image=Image(src="/sub/static/lead.png", alt="A map"),
        topics=(
            TopicRef("Russia", "russia", "/sub/topics/russia/"),
            TopicRef("Energy", "energy", "/sub/topics/energy/"),
        ),
    )
    tags = social_meta(
        make_site(),
        title="The call",
        description="What was agreed.",
        url="https://example.org/sub/call/",
        lang="en-GB",
        explainer=explainer,
    )
    values = {}
    for _attribute, key, content in tags:
        values.setdefault(key, []).append(content)
    assert values["og:type"] == ["article"]
    assert values["og:locale"] == ["en_GB"]
    assert values["og:image"] == ["https://example.org/sub/static/lead.png"]
    assert values["og:image:alt"] == ["A map"]
    assert values["article:published_time"] == ["2025-03-19T09:00:00+13:00"]
    assert values["article:modified_time"] == ["2025-03-19T09:00:00+13:00"]
    assert values["article:author"] == ["Ann Author"]
    assert values["article:tag"] == ["Russia", "Energy"]
    assert values["twitter:card"] == ["summary_large_image"]
    assert ("name", "twitter:card", "summary_large_image") in tags


def test_social_meta_of_a_plain_page() -> None:
    site = make_site()
    tags = social_meta(site, title="", description="", url="https://example.org/sub/", lang="en")
    keys = [key for _attribute, key, _content in tags]
    assert ("property", "og:type", "website") in tags
    assert ("property", "og:title", "World Explained") in tags
    assert ("name", "twitter:card", "summary") in tags
    assert not [key for key in keys if key.startswith("article:")]


def test_actor_page_and_home() -> None:
    site = make_site()
    data = actor_ld(site, ActorEntry(actor=KREMLIN, explainers=(), quotes=()))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Organization"
    assert data["url"] == "https://example.org/sub/actors/kremlin/"
    home = website_ld(site)
    assert home["@type"] == "WebSite"
    assert home["url"] == "https://example.org/sub/"


def test_document_title() -> None:
    site = make_site()
    assert document_title(site, "World Explained") == "World Explained"
    assert document_title(site, "Actors") == "Actors \u2014 World Explained"
