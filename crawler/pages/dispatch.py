"""Which page object reads a page: the dispatchers. A source's page objects live in the module
its registry entry names (core.sources: crawler/pages/osce.py, interpol.py, and the one module
every configured source shares), exposing ARTICLE_PAGE, LISTING_PAGE, optionally FEED, and
PAGE_OBJECTS (every class a fixture must cover). When the site's page object raises UseGeneric,
crawler/pages/generic.py reads the page, so nothing here says `if source == "osce"`. The types
they return are in base.py.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from core.article import Article
from core.sources import SOURCES, Source, registry
from crawler.pages.base import (
    ArticlePage,
    BrokenFeed,
    Document,
    Listing,
    ListingPage,
    UseGeneric,
)


def site_module(source: str | Source) -> ModuleType:
    """The page objects' module the registry names for `source` (core.sources: a built-in's
    own, or the one every configured source shares), or that a Source names; a clear error
    for a source without page objects."""
    if isinstance(source, Source):
        return importlib.import_module(source.pages)
    known = registry()
    if source not in known:
        raise ValueError(f"no page objects for source {source!r}")
    try:
        return importlib.import_module(known[source].pages)
    except ModuleNotFoundError as err:
        raise ValueError(f"no page objects for source {source!r}") from err


def _generic() -> ModuleType:
    return importlib.import_module("crawler.pages.generic")


def parse_article_with_page(source: str | Source, url: str, html: str) -> tuple[Article, str]:
    """The Article and the name of the page object (or layout) that produced it."""
    doc = Document.parse(url, html)
    page: ArticlePage
    try:
        page = site_module(source).ARTICLE_PAGE(doc)
    except UseGeneric:
        name = source.name if isinstance(source, Source) else source
        page = _generic().GenericArticlePage(doc, name)
    return page.to_article(), page.name


def parse_article(source: str | Source, url: str, html: str) -> Article:
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
    """Every page-object class by name (the built-in sites' layouts and the generic ones):
    each needs a fixture."""
    modules = [*map(site_module, SOURCES), _generic()]
    return {cls.__name__: cls for module in modules for cls in module.PAGE_OBJECTS}
