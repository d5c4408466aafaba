"""Page objects' common ground: what they return, how they fail, and the dispatchers.

A page object is a pure function of (url, html): no network, no database. Each site has one
module named after its source (crawler/pages/osce.py, interpol.py) that exposes ARTICLE_PAGE,
LISTING_PAGE, optionally FEED, and PAGE_OBJECTS (every class a fixture must cover). The
dispatchers find that module by name and fall back to crawler/pages/generic.py when the site's
page object raises UseGeneric, so nothing here says `if source == "osce"`.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache, cached_property
from types import ModuleType
from typing import Any, ClassVar, Generic, Protocol, TypeVar
from urllib.parse import urljoin

from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement

from core.article import LAYERS, Article
from core.sources import SOURCES
from crawler.pages.metadata import Metadata, canonical_link, read_metadata
from crawler.pages.text import EmptyDocument, parse_html

T = TypeVar("T")


@dataclass(frozen=True)
class Field(Generic[T]):
    """One extracted value and the layer that produced it (core.article.LAYERS)."""

    value: T
    layer: str
    raw: str | None = None  # the text a date was read from

    def __post_init__(self) -> None:
        if self.layer not in LAYERS:
            raise ValueError(f"unknown layer {self.layer!r}; use one of {LAYERS}")


class UseGeneric(Exception):
    """The site's page object does not know this layout: the generic one should try
    (cf. web-poet's UseFallback). Its fields then carry fallback layers: a health signal."""


class NotAnArticle(Exception):
    """The page is not a news item (empty, an error page, a listing); the caller counts it."""


class BrokenFeed(ValueError):
    """A feed that is not well-formed XML, or not RSS."""


@dataclass
class ListingEntry:
    url: str
    title: str
    published: date | None = None
    teaser: str | None = None
    content_type: str | None = None
    tags: list[str] = field(default_factory=list)
    provenance: dict[str, str] = field(default_factory=dict)  # field -> layer


@dataclass
class Listing:
    entries: list[ListingEntry]
    next_url: str | None = None
    provenance: dict[str, str] = field(default_factory=dict)  # {"next_url": layer}


@dataclass
class Document:
    """A parsed page: the tree, its URL, and its metadata, read once and shared by layers."""

    url: str
    root: HtmlElement
    # absolute() of each href seen: a listing resolves the same links once per item card
    _joined: dict[str, str] = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def parse(cls, url: str, html: str) -> Document:
        try:
            return cls(url, parse_html(html))
        except EmptyDocument as err:
            raise NotAnArticle(f"{url}: {err}") from err

    @cached_property
    def meta(self) -> Metadata:
        return read_metadata(self.root, self.url)

    @cached_property
    def canonical(self) -> str | None:
        """meta.canonical, read alone: a site's page object needs it on every page, the rest of
        the metadata (a walk of the page for a <time>) only when its own layers found no date."""
        return canonical_link(self.root, self.url)

    def absolute(self, href: str) -> str:
        joined = self._joined.get(href)
        if joined is None:
            joined = self._joined[href] = urljoin(self.url, href.strip())
        return joined


@cache
def _css(selector: str) -> CSSSelector:
    return CSSSelector(selector, translator="html")


def select(element: HtmlElement, selector: str) -> list[HtmlElement]:
    """element.cssselect(selector), but the selector is translated to XPath once per process
    (lxml translates it on every call: more than the match itself costs)."""
    return _css(selector)(element)  # type: ignore[no-any-return]


class ArticlePage(Protocol):
    name: str  # the page object or layout that read the page, e.g. "Osce2025Layout"

    def to_article(self) -> Article: ...


class ListingPage(Protocol):
    name: str

    def to_listing(self) -> Listing: ...


class Layout(Protocol):
    @property
    def name(self) -> str: ...

    def __init__(self, doc: Document) -> None: ...

    @classmethod
    def matches(cls, doc: Document) -> bool: ...

    def to_article(self) -> Article: ...


class LayoutSwitch:
    """An article page object that hands the page to the first of its `layouts` (newest first)
    that matches it (cf. web-poet's layout_switch); none matching means UseGeneric."""

    layouts: ClassVar[tuple[type[Layout], ...]]

    def __init__(self, doc: Document) -> None:
        layout = next((cls for cls in self.layouts if cls.matches(doc)), None)
        if layout is None:
            raise UseGeneric(f"{doc.url}: no {type(self).__name__} layout matches")
        self.layout = layout(doc)
        self.name = self.layout.name

    def to_article(self) -> Article:
        return self.layout.to_article()


def entry(url: Field[str], title: Field[str], **fields: Field[Any] | None) -> ListingEntry:
    """A ListingEntry whose provenance records the layer of every field that was found."""
    found = {k: v for k, v in {"url": url, "title": title, **fields}.items()
             if v is not None and v.value not in (None, "", [])}
    values: dict[str, Any] = {k: v.value for k, v in found.items()}
    return ListingEntry(**values, provenance={k: v.layer for k, v in found.items()})


def build_article(source: str, fields: Mapping[str, Field[Any] | None],
                  doc: Document | None = None) -> Article:
    """An Article from extracted fields; every field present records its layer. With the page
    (`doc`), a title, body or date the site layer could not read comes from the generic layer,
    field by field, with that layer's provenance (a fallback: a health signal)."""
    if doc is not None:
        fields = _generic().fill_missing(doc, fields)
    values: dict[str, Any] = {}
    provenance: dict[str, str] = {}
    for name, found in fields.items():
        if found is None or found.value in (None, "", []):
            continue
        values[name], provenance[name] = found.value, found.layer
        if name == "published_at" and found.raw:
            values["published_raw"], provenance["published_raw"] = found.raw, found.layer
    if "title" not in values or not values.get("body"):
        raise NotAnArticle(f"{values.get('url')}: no title or no text")
    return Article(source=source, provenance=provenance, **values)


def site_module(source: str) -> ModuleType:
    """The page objects' module the registry names for `source` (core.sources); a clear
    error for a source without page objects."""
    if source not in SOURCES:
        raise ValueError(f"no page objects for source {source!r}")
    try:
        return importlib.import_module(SOURCES[source].pages)
    except ModuleNotFoundError as err:
        raise ValueError(f"no page objects for source {source!r}") from err


def _generic() -> ModuleType:
    return importlib.import_module("crawler.pages.generic")


def parse_article_with_page(source: str, url: str, html: str) -> tuple[Article, str]:
    """The Article and the name of the page object (or layout) that produced it."""
    doc = Document.parse(url, html)
    page: ArticlePage
    try:
        page = site_module(source).ARTICLE_PAGE(doc)
    except UseGeneric:
        page = _generic().GenericArticlePage(doc, source)
    return page.to_article(), page.name


def parse_article(source: str, url: str, html: str) -> Article:
    """Raises NotAnArticle for pages that are not news items; a missing date is not an error
    (published_at is None: the caller decides)."""
    return parse_article_with_page(source, url, html)[0]


def parse_listing_with_page(source: str, url: str, html: str) -> tuple[Listing, str]:
    doc = Document.parse(url, html)
    page: ListingPage
    try:
        page = site_module(source).LISTING_PAGE(doc)
    except UseGeneric:
        page = _generic().GenericListingPage(doc)
    return page.to_listing(), page.name


def parse_listing(source: str, url: str, html: str) -> Listing:
    return parse_listing_with_page(source, url, html)[0]


def parse_feed_with_page(source: str, url: str, xml: bytes | str) -> tuple[Listing, str]:
    """The site's feed as a Listing; BrokenFeed if it is malformed or the site has none."""
    feed_class = getattr(site_module(source), "FEED", None)
    if feed_class is None:
        raise BrokenFeed(f"source {source!r} has no feed parser")
    feed = feed_class(url, xml)
    return feed.to_listing(), feed.name


def parse_feed(source: str, url: str, xml: bytes | str) -> Listing:
    return parse_feed_with_page(source, url, xml)[0]


def all_page_objects() -> dict[str, type]:
    """Every page-object class by name (site layouts and the generic ones): each needs a fixture."""
    modules = [*map(site_module, SOURCES), _generic()]
    return {cls.__name__: cls for module in modules for cls in module.PAGE_OBJECTS}
