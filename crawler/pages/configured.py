"""The page objects of a source defined by a `[sources.NAME]` table of the config file: a site
whose only layer is the generic one (crawler/pages/generic.py). Pure, like every page object.

What dispatch expects of a source's module (ARTICLE_PAGE, LISTING_PAGE, FEED, PAGE_OBJECTS),
plus read_start: what a start URL's response is — a feed, a sitemap (index), a listing or an
article — read from its Content-Type and its bytes, never from the URL's name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from core.sources import Source
from crawler.pages.base import BrokenFeed, Document, Listing, NotAnArticle, UseGeneric
from crawler.pages.discovery import (
    GZIP_MAGIC,
    BrokenSitemap,
    SitemapPage,
    pattern_listing,
    read_feed,
    read_sitemap,
)
from crawler.pages.generic import GenericArticlePage, GenericListingPage

Kind = Literal["feed", "sitemap", "listing", "article"]
# The root elements an XML start URL may have, sniffed in its first bytes (a server may call any
# of them text/xml, application/xml, text/plain or nothing at all).
_XML_START = re.compile(rb"^\s*(?:<\?xml|<rss|<feed|<rdf:RDF|<urlset|<sitemapindex)", re.I)
_HTML_START = re.compile(rb"<(?:!doctype\s+html|html|head|body)[\s>]", re.I)
SNIFF_BYTES = 1024


class ConfiguredArticlePage:
    """A configured source has no site layer: dispatch hands every article page to the generic
    layer, which knows the source's name (GenericArticlePage)."""

    name = "ConfiguredArticlePage"

    def __init__(self, doc: Document) -> None:
        raise UseGeneric(f"{doc.url}: a configured source is read by the generic layer")


class ConfiguredFeed:
    """An RSS or Atom feed, read by feedparser (discovery.read_feed)."""

    name = "ConfiguredFeed"

    def __init__(self, url: str, xml: bytes | str) -> None:
        self.url, self.xml = url, xml.encode() if isinstance(xml, str) else xml

    def to_listing(self) -> Listing:
        return read_feed(self.url, self.xml)


ARTICLE_PAGE = ConfiguredArticlePage
LISTING_PAGE = GenericListingPage
FEED = ConfiguredFeed
# The classes that read a configured source's pages are the generic ones and their fixtures.
PAGE_OBJECTS = (GenericArticlePage, GenericListingPage)


def read_listing(doc: Document, source: Source) -> Listing:
    """A listing page's articles: the links matching the source's article_url_pattern when it
    has one, else the generic listing reading (linked headings); the page's own next link.
    A pattern's link takes the date and teaser the generic reading found under its heading:
    the listing's date is the only one some article pages have."""
    generic = GenericListingPage(doc).to_listing()
    if source.article_url_pattern is None:
        return generic
    listing = pattern_listing(doc, source)
    headed = {e.url: e for e in generic.entries}
    for entry in listing.entries:
        if (found := headed.get(entry.url)) is None:
            continue
        for name in ("published", "teaser"):
            if getattr(found, name) is not None:
                setattr(entry, name, getattr(found, name))
                entry.provenance[name] = found.provenance[name]
    return listing


@dataclass(frozen=True)
class StartPage:
    kind: Kind
    listing: Listing | None = None  # feed and listing
    sitemap: SitemapPage | None = None


class UnknownPage(ValueError):
    """A start URL that is neither a feed, a sitemap, a listing nor an article."""


def _looks_like_xml(content_type: str, body: bytes) -> bool:
    head = body[:SNIFF_BYTES]
    if body.startswith(GZIP_MAGIC) or _XML_START.match(head):
        return True
    return "xml" in content_type and not _HTML_START.search(head)


def read_start(url: str, content_type: str, body: bytes, text: str, source: Source,
               max_size: int) -> StartPage:
    """What a start URL's response is, and its entries. Raises UnknownPage, saying why."""
    content_type = content_type.split(";", 1)[0].strip().lower()
    if _looks_like_xml(content_type, body):
        try:
            return StartPage("sitemap", sitemap=read_sitemap(url, body, max_size))
        except BrokenSitemap:
            pass  # another XML vocabulary: perhaps a feed
        try:
            return StartPage("feed", listing=read_feed(url, body))
        except BrokenFeed as err:
            raise UnknownPage(f"{url}: XML that is neither a feed nor a sitemap ({err})") from err
    if not (content_type in ("text/html", "application/xhtml+xml") or
            _HTML_START.search(body[:SNIFF_BYTES])):
        raise UnknownPage(f"{url}: {content_type or 'untyped content'} is neither a feed, "
                          "a sitemap nor an HTML page")
    try:
        doc = Document.parse(url, text)
    except NotAnArticle as err:  # an empty page
        raise UnknownPage(f"{url}: an empty page") from err
    listing = read_listing(doc, source)
    pattern = source.article_url_pattern
    try:
        GenericArticlePage(doc, source.name).to_article()
    except NotAnArticle:
        if listing.entries:
            return StartPage("listing", listing=listing)
        raise UnknownPage(f"{url}: an HTML page with neither an article nor links to articles"
                          + (f" matching {pattern.pattern!r}" if pattern else "")) from None
    # An article's "Related news" links may match the pattern too: a page the pattern does not
    # take for an article, that links to articles, is a listing.
    if pattern is not None and not pattern.search(url) and listing.entries:
        return StartPage("listing", listing=listing)
    return StartPage("article")
