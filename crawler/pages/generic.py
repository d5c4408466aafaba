"""The fallback page objects, for pages whose layout no site page object recognises.

Article fields come from the page's own metadata (layer "meta": JSON-LD, og:*, article:*,
<time>), the visible <h1> ("heuristic"), the main text as trafilatura reads it
("trafilatura"), the lead's dateline ("dateline") and htmldate ("htmldate"), never from a
"Related news" block. Every field read here is a fallback (core.article.FALLBACK_LAYERS),
which is what makes a redesign visible.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from lxml.html import HtmlElement

from core.article import Article
from crawler.pages.base import (
    Document,
    Field,
    Listing,
    ListingEntry,
    NotAnArticle,
    build_article,
    entry,
)
from crawler.pages.dateline import find_dateline
from crawler.pages.dates import parse_date
from crawler.pages.libraries import main_text, published_date, without_related
from crawler.pages.metadata import title_tag
from crawler.pages.text import body_text, date_after, is_related_heading, text_of

_NEXT_TEXT = re.compile(r"^(?:next|older|suivant)\b|[›»]$", re.IGNORECASE)
HEADINGS = ("h1", "h2", "h3", "h4")
LISTING_MIN_LINKED_HEADINGS = 3
# A listing's main text is its teasers, cut at ~200 characters each (both sites' replicas: 180
# to 330 characters of main text per linked heading; real articles: 2,000 and more).
LISTING_CHARS_PER_ITEM = 600
NOT_HEADLINE = frozenset({"nav", "footer", "aside"})
# An <h1> is the headline when it shares 2 words of 4+ letters (all of them, if it has fewer)
# with the metadata title or <title> without its site suffix: a logo shares none.
HEADLINE_MIN_SHARED = 2
_WORD = re.compile(r"\w{4,}")
_SITE_SUFFIX = re.compile(r"\s+[|–—-]\s+[^|–—-]*$")


def article_container(root: HtmlElement) -> HtmlElement:
    for tag in ("article", "main"):
        found = root.find(f".//{tag}")
        if found is not None:
            return found
    body = root.find(".//body")
    return body if body is not None else root


def linked_headings(root: HtmlElement) -> list[HtmlElement]:
    """Headings that hold a link, before any "Related news" heading: a listing's items."""
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if is_related_heading(element):
            break
        if element.tag in HEADINGS and element.find(".//a[@href]") is not None:
            found.append(element)
    return found


def dateline_fields(body: str) -> tuple[Field[str] | None, Field | None]:
    """Place and date from the dateline opening the body's first paragraph."""
    dateline = find_dateline(body.split("\n", 1)[0]) if body else None
    if dateline is None:
        return None, None
    date = dateline.published
    return (Field(dateline.place, "dateline"),
            Field(date, "dateline", dateline.date_raw) if date else None)


def visible_h1s(root: HtmlElement) -> list[str]:
    """The text of each <h1> a reader sees, outside navigation, footers and asides."""
    return [text for h1 in root.iter("h1")
            if (text := text_of(h1)) and not any(a.tag in NOT_HEADLINE for a in h1.iterancestors())]


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.casefold()))


def headline(doc: Document) -> Field[str] | None:
    """The visible headline (<h1>) when there is one that the metadata's title or <title>
    shares words with (a site's logo in an <h1> shares none); the metadata title when it says
    the same or when there is no such <h1>; then <title> without its site suffix."""
    meta_title, page_title = doc.meta.title, title_tag(doc.root)
    reference = _words(_SITE_SUFFIX.sub("", meta_title or page_title or ""))
    h1 = max(visible_h1s(doc.root), default=None,
             key=lambda text: len(_words(text) & reference))
    if h1 is not None and reference and \
            len(_words(h1) & reference) < min(HEADLINE_MIN_SHARED, len(_words(h1))):
        h1 = None
    if meta_title and (h1 is None or h1.casefold() == meta_title.casefold()):
        return Field(meta_title, "meta")
    if h1 is not None:
        return Field(h1, "heuristic")
    return Field(page_title, "heuristic") if page_title else None


def looks_like_listing(doc: Document, body: str) -> bool:
    """A list of other pages' items rather than one item: the page declares no article
    (og:type, article JSON-LD), and its main text is no more than a teaser per linked heading.
    A real article's "Related" rail adds a few linked headings to a long text."""
    if doc.meta.declares_article:
        return False
    items = len(linked_headings(doc.root))
    return items >= LISTING_MIN_LINKED_HEADINGS and len(body) < items * LISTING_CHARS_PER_ITEM


def without_headline(body: Field[str], title: str) -> Field[str] | None:
    """The body without a first line that repeats the headline (the title is its own field);
    None when nothing else is left (a page with a headline and no text)."""
    first, _, rest = body.value.partition("\n")
    if first.strip().casefold() == title.casefold():
        return Field(rest.strip(), body.layer) if rest.strip() else None
    return body


class GenericArticlePage:
    name = "GenericArticlePage"

    def __init__(self, doc: Document, source: str) -> None:
        self.doc, self.source = doc, source
        self.own_page = without_related(doc.root)

    def own_reading(self) -> str:
        """The text our own reader sees: everything in <article>/<main> after the <h1>."""
        container, h1 = article_container(self.doc.root), self.doc.root.find(".//h1")
        inside = h1 is not None and container in h1.iterancestors()
        return body_text(container, after=h1 if inside else None)

    def body(self) -> Field[str] | None:
        found, own = main_text(self.own_page, self.doc), self.own_reading()
        # Where our reader reads exactly the same text, the older layer is named: a stored
        # item's provenance does not change with this library. Where trafilatura finds nothing
        # (it drops texts under ~250 characters), our reader's text is the body.
        if (found is None or found.value == own) and own:
            return Field(own, "heuristic")
        return found

    def published(self, from_dateline: Field | None) -> Field | None:
        meta = self.doc.meta
        if meta.published is not None:
            return Field(meta.published, "meta", meta.published_raw)
        return from_dateline or published_date(self.own_page, self.doc.url)

    def to_article(self) -> Article:
        meta = self.doc.meta
        body, title = self.body(), headline(self.doc)
        if body and title:
            body = without_headline(body, title.value)
        if looks_like_listing(self.doc, body.value if body else ""):
            raise NotAnArticle(f"{self.doc.url}: looks like a listing page")
        place, dated = dateline_fields(body.value if body else "")
        published = self.published(dated)
        # Many articles declare only a WebPage; one that no layer finds a date for either is
        # a CMS's static page (About, Contact), not an item.
        if meta.declares_plain_page and published is None:
            raise NotAnArticle(f"{self.doc.url}: declares itself a web page, not an article, "
                               "and has no date")
        return build_article(self.source, {
            "url": Field(meta.canonical, "meta") if meta.canonical else Field(self.doc.url, "url"),
            "title": title,
            "body": body,
            "summary": Field(meta.description, "meta") if meta.description else None,
            "place": place,
            "published_at": published,
            "content_type": Field(meta.section, "meta") if meta.section else None,
            "tags": Field(meta.keywords, "meta") if meta.keywords else None,
            "language": Field(meta.language, "meta") if meta.language else None,
        })


def fill_missing(doc: Document, fields: Mapping[str, Field[Any] | None],
                 ) -> dict[str, Field[Any] | None]:
    """The site layer's fields with its missing title, body and date read by the generic layer
    (the page without its "Related news" blocks)."""
    found = dict(fields)
    missing = [name for name in ("title", "body", "published_at")
               if (field := found.get(name)) is None or field.value in (None, "", [])]
    if not missing:
        return found
    own_page = without_related(doc.root)
    if "title" in missing:
        found["title"] = headline(doc)
    if "body" in missing and (body := main_text(own_page, doc)) is not None:
        title = found.get("title")
        found["body"] = without_headline(body, title.value) if title else body
    if "published_at" in missing:
        found["published_at"] = published_date(own_page, doc.url)
    return found


class GenericListingPage:
    """Items are headings that hold a link; the date is the first date-only text after it."""

    name = "GenericListingPage"

    def __init__(self, doc: Document) -> None:
        self.doc = doc

    def entries(self) -> list[ListingEntry]:
        found: dict[str, ListingEntry] = {}
        for heading in linked_headings(self.doc.root):
            link = heading.find(".//a[@href]")
            url = self.doc.absolute(link.get("href"))
            if url in found or not text_of(link):
                continue
            dated = date_after(heading, limit=3)
            date_text = dated[0] if dated else None
            published = parse_date(date_text) if date_text else None
            teaser = next((t for p in heading.getparent().iter("p")
                           if (t := text_of(p)) and t != date_text), None)
            found[url] = entry(
                Field(url, "heuristic"), Field(text_of(link), "heuristic"),
                published=Field(published.date(), "heuristic") if published else None,
                teaser=Field(teaser, "heuristic") if teaser else None,
            )
        return list(found.values())

    def next_url(self) -> str | None:
        root = self.doc.root
        for element in (*root.iter("link"), *root.iter("a")):
            rel = (element.get("rel") or "").lower().split()
            if element.get("href") and ("next" in rel or (
                    element.tag == "a" and _NEXT_TEXT.search(text_of(element)))):
                return self.doc.absolute(element.get("href"))
        return None

    def to_listing(self) -> Listing:
        next_url = self.next_url()
        return Listing(self.entries(), next_url,
                       {"next_url": "heuristic"} if next_url else {})


PAGE_OBJECTS = (GenericArticlePage, GenericListingPage)
