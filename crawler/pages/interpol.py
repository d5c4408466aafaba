"""www.interpol.int page objects: the news listing, articles (2019 site and legacy), the RSS feed.

Its markup is unknown (interpol.md), so these lean on what is known: URL patterns
(/en/News-and-Events/News/<YYYY>/<Slug>, /en/News-and-media/News/<YYYY>/N<YYYY>-<NNN>), the
visible order of the text (title, optional standfirst, date, "CITY, Country – " dateline, body,
"Related news"), HTML semantics (figure, blockquote), and metadata. Never a class name.
"""

from __future__ import annotations

import re
from typing import ClassVar
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import HtmlElement

from core.article import Article
from crawler.pages.base import (
    BrokenFeed,
    Document,
    Field,
    LayoutSwitch,
    Listing,
    ListingEntry,
    build_article,
    entry,
)
from crawler.pages.dates import parse_date, parse_rfc822
from crawler.pages.generic import dateline_fields, fill_missing
from crawler.pages.text import (
    MAX_DATE_CHARS,
    SKIP_TAGS,
    body_text,
    date_after,
    parse_html,
    text_of,
)

LANG_PREFIX = re.compile(r"^/([a-z]{2})/")
NEW_ARTICLE = re.compile(r"^(?:/[a-z]{2})?/News-and-Events/News/\d{4}/[^/?#]+/?$")
OLD_ARTICLE = re.compile(r"^(?:/[a-z]{2})?/News-and-media/News/\d{4}/[^/?#]+/?$")


def is_article_path(path: str) -> bool:
    return bool(NEW_ARTICLE.match(path) or OLD_ARTICLE.match(path))


def _is_date(text: str) -> bool:
    return len(text) <= MAX_DATE_CHARS and parse_date(text) is not None


class _InterpolLayout:
    PATH: ClassVar[re.Pattern[str]]

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.h1: HtmlElement = doc.root.find(".//h1")

    @property
    def name(self) -> str:
        return type(self).__name__

    @classmethod
    def matches(cls, doc: Document) -> bool:
        return bool(cls.PATH.match(urlsplit(doc.url).path)) and doc.root.find(".//h1") is not None

    def language(self) -> Field[str] | None:
        if prefix := LANG_PREFIX.match(urlsplit(self.doc.url).path):
            return Field(prefix.group(1), "url")
        lang = self.doc.root.get("lang")
        return Field(lang.split("-")[0].lower(), "selector") if lang else None

    def container(self) -> HtmlElement:
        """The smallest ancestor of the title that also holds the article's paragraphs."""
        for ancestor in self.h1.iterancestors():
            if len(list(ancestor.iter("p"))) >= 2:
                return ancestor
        return self.doc.root

    def article(self, published: Field | None, body_after: HtmlElement, **fields: Field | None,
                ) -> Article:
        body = body_text(self.container(), after=body_after)
        place, dated = dateline_fields(body)
        if published is None and (meta := self.doc.meta).published is not None:
            published = Field(meta.published, "meta", meta.published_raw)
        return build_article("interpol", fill_missing(self.doc, {
            "url": Field(self.doc.url, "url"),
            "title": Field(text_of(self.h1), "selector"),
            "content_type": Field("News", "url"),
            "language": self.language(),
            "published_at": published or dated,
            "place": place,
            "body": Field(body, "selector") if body else None,
            **fields,
        }))


class Interpol2019Layout(_InterpolLayout):
    """Title, optional standfirst (2020+), date, then dateline and body; "Related news" last."""

    PATH = NEW_ARTICLE

    def to_article(self) -> Article:
        under = date_after(self.h1)
        date_element = under[1] if under else None
        standfirst = None
        for sibling in self.h1.itersiblings():
            if sibling is date_element or date_element in sibling.iterdescendants():
                break
            if sibling.tag == "p" and text_of(sibling):
                standfirst = Field(text_of(sibling), "selector")
                break
        published = Field(parse_date(under[0]), "selector", under[0]) if under else None
        after = date_element if date_element is not None else self.h1
        return self.article(published, after, subtitle=standfirst)


class InterpolLegacyLayout(_InterpolLayout):
    """The pre-2019 site: "All news", date, title, dateline, body."""

    PATH = OLD_ARTICLE

    def to_article(self) -> Article:
        published = None
        for sibling in self.h1.itersiblings(preceding=True):
            text = text_of(sibling)
            if _is_date(text):
                published = Field(parse_date(text), "selector", text)
                break
        return self.article(published, self.h1)


class InterpolArticlePage(LayoutSwitch):
    # chosen by URL: /News-and-Events/News/… is the 2019 site, /News-and-media/News/… the old
    layouts = (Interpol2019Layout, InterpolLegacyLayout)


class InterpolListingPage:
    """Items are found by their links' URL pattern, each inside the smallest block that holds
    one article link: topic label, title, date text, teaser."""

    name = "InterpolListingPage"

    def __init__(self, doc: Document) -> None:
        self.doc = doc

    def links(self) -> dict[str, HtmlElement]:
        found: dict[str, HtmlElement] = {}
        for link in self.doc.root.iter("a"):
            url = self.doc.absolute(link.get("href") or "")
            if is_article_path(urlsplit(url).path) and text_of(link) and \
                    not any(a.tag in SKIP_TAGS for a in link.iterancestors()):
                found.setdefault(url, link)
        return found

    def item_urls_within(self, urls: set[str]) -> dict[HtmlElement, set[str]]:
        """For each element holding a link to an item: the items' URLs it holds. One pass over
        the links, instead of one over each card candidate's links."""
        within: dict[HtmlElement, set[str]] = {}
        for link in self.doc.root.iter("a"):
            url = self.doc.absolute(link.get("href") or "")
            if url in urls:
                for holder in (link, *link.iterancestors()):
                    within.setdefault(holder, set()).add(url)
        return within

    @staticmethod
    def card(link: HtmlElement, within: dict[HtmlElement, set[str]]) -> HtmlElement:
        """The largest ancestor of link that holds no other item's link."""
        card = link
        for ancestor in link.iterancestors():
            if len(within.get(ancestor, ())) > 1:
                break
            card = ancestor
        return card

    def entry(self, url: str, link: HtmlElement,
              within: dict[HtmlElement, set[str]]) -> ListingEntry:
        card = self.card(link, within)
        title = text_of(link)
        texts = [t for e in card.iter() if isinstance(e.tag, str) and len(e) == 0
                 and (t := text_of(e)) and t != title]
        date_text = next((t for t in texts if _is_date(t)), None)
        published = parse_date(date_text) if date_text else None
        teaser = max((t for t in texts if t != date_text), key=len, default=None)
        topic = next((t for t in texts if t not in (date_text, teaser) and len(t) <= 40), None)
        return entry(
            Field(url, "url"), Field(title, "url"),
            published=Field(published.date(), "selector") if published else None,
            teaser=Field(teaser, "selector") if teaser and len(teaser) > 40 else None,
            tags=Field([topic], "selector") if topic else None,
            content_type=Field("News", "url"),
        )

    def next_url(self) -> Field[str] | None:
        for element in (*self.doc.root.iter("link"), *self.doc.root.iter("a")):
            if element.get("href") and "next" in (element.get("rel") or "").lower().split():
                return Field(self.doc.absolute(element.get("href")), "selector")
        for link in self.doc.root.iter("a"):
            if link.get("href") and text_of(link).lower() in ("next", "next page", "next ›"):
                return Field(self.doc.absolute(link.get("href")), "label")
        return None

    def to_listing(self) -> Listing:
        links = self.links()
        within = self.item_urls_within(set(links))
        next_url = self.next_url()
        return Listing([self.entry(url, link, within) for url, link in links.items()],
                       next_url.value if next_url else None,
                       {"next_url": next_url.layer} if next_url else {})


class InterpolRssFeed:
    """RSS 2.0 at /en/News-and-Events/News/rss (claimed by third parties, unverified)."""

    name = "InterpolRssFeed"

    def __init__(self, url: str, xml: bytes | str) -> None:
        self.url = url
        data = xml.encode("utf-8") if isinstance(xml, str) else xml
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        try:
            self.root = etree.fromstring(data, parser)
        except etree.XMLSyntaxError as err:
            raise BrokenFeed(f"{url}: not well-formed XML: {err}") from err
        if self.root.tag != "rss" or self.root.find("channel") is None:
            raise BrokenFeed(f"{url}: not an RSS 2.0 document (root <{self.root.tag}>)")

    def entry(self, item: etree._Element) -> ListingEntry | None:
        def child(tag: str) -> str:
            return " ".join((item.findtext(tag) or "").split())

        url, title = child("link") or child("guid"), child("title")
        if not url or not title:
            return None
        published = parse_rfc822(child("pubDate")) if child("pubDate") else None
        description = child("description")
        teaser = text_of(parse_html(description)) if description else ""
        tags = [c for c in (" ".join((e.text or "").split()) for e in item.iter("category")) if c]
        return entry(
            Field(url, "selector"), Field(title, "selector"),
            published=Field(published.date(), "selector") if published else None,
            teaser=Field(teaser, "selector") if teaser else None,
            tags=Field(tags, "selector") if tags else None,
        )

    def to_listing(self) -> Listing:
        items = self.root.find("channel").iter("item")
        return Listing([e for e in map(self.entry, items) if e is not None])


ARTICLE_PAGE = InterpolArticlePage
LISTING_PAGE = InterpolListingPage
FEED = InterpolRssFeed
PAGE_OBJECTS = (InterpolListingPage, Interpol2019Layout, InterpolLegacyLayout, InterpolRssFeed)
