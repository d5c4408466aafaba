"""Page objects' common ground: the types they read and return, and how they fail.

A page object is a pure function of (url, html): no network, no database. Which one reads a
page is decided in dispatch.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache, cached_property
from typing import Any, ClassVar, Generic, Protocol, TypeVar
from urllib.parse import urljoin

from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement

from core.article import LAYERS, Article
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


def build_article(source: str, fields: Mapping[str, Field[Any] | None]) -> Article:
    """An Article from extracted fields; every field present records its layer. A site page
    object passes its fields through crawler.pages.generic.fill_missing first, so a title,
    body or date it could not read comes from the generic layer (a fallback: a health signal)."""
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
