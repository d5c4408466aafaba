"""Discovery when a listing page's layout is not recognised: what the page and the site still
offer besides the markup that changed. Pure functions of (url, bytes), like every page object.

- feed_links: feeds the page announces with <link rel="alternate" type="application/rss+xml">
  (or atom+xml), the HTML autodiscovery convention;
- read_feed: an RSS or Atom feed as a Listing, read by feedparser (any RSS version, Atom);
- read_sitemap: a sitemap or sitemap index (Scrapy's own parser), lastmod kept;
- pattern_listing: the links on the page that are the source's articles (Source.is_article_url:
  its article_url_pattern, else its article paths).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

from lxml.etree import XMLSyntaxError
from lxml.html import HtmlElement
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap

from core.sources import Source
from crawler.pages.base import BrokenFeed, Document, Field, Listing, ListingEntry, entry
from crawler.pages.dates import parse_iso
from crawler.pages.generic import GenericListingPage
from crawler.pages.text import SKIP_TAGS, parse_html, text_of

FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml"})
GZIP_MAGIC = b"\x1f\x8b\x08"  # a sitemap.xml.gz served as bytes, not Content-Encoding


class BrokenSitemap(ValueError):
    """A sitemap that is not XML, or neither a urlset nor a sitemap index."""


def feed_links(doc: Document) -> list[str]:
    """Absolute URLs of the feeds the page announces, in page order, each once."""
    found: list[str] = []
    for link in doc.root.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").split(";")[0].strip().lower()
        if "alternate" in rel and kind in FEED_TYPES and link.get("href"):
            url = doc.absolute(link.get("href"))
            if url not in found:
                found.append(url)
    return found


def _entry_date(item: dict) -> date | None:
    # The publication date only: an Atom <updated> is when it last changed (issue 14).
    parsed = item.get("published_parsed")
    return datetime.fromtimestamp(calendar.timegm(parsed), UTC).date() if parsed else None


def read_feed(url: str, body: bytes) -> Listing:
    """An RSS (0.9x, 1.0, 2.0) or Atom feed as a Listing; BrokenFeed if it is no feed at all.
    A feed with a small flaw feedparser recovered from still counts: its entries are real."""
    # Imported here: only a redesign needs it, and every crawl child would pay ~50 ms to load it.
    import feedparser

    parsed = feedparser.parse(body, response_headers={"content-location": url})
    if not parsed.get("version") and not parsed.entries:
        why = parsed.get("bozo_exception") or "neither RSS nor Atom"
        raise BrokenFeed(f"{url}: not a feed ({why})")
    entries = []
    for item in parsed.entries:
        link, title = item.get("link"), " ".join((item.get("title") or "").split())
        if not link or not title:
            continue
        published = _entry_date(item)
        summary = item.get("summary")
        teaser = text_of(parse_html(summary)) if summary and summary.strip() else ""
        entries.append(entry(
            Field(link, "selector"), Field(title, "selector"),
            published=Field(published, "selector") if published else None,
            teaser=Field(teaser, "selector") if teaser else None,
        ))
    return Listing(entries)


@dataclass(frozen=True)
class SitemapEntry:
    url: str
    lastmod: datetime | None


@dataclass(frozen=True)
class SitemapPage:
    is_index: bool  # a sitemap index: its entries are sitemaps, not pages
    entries: list[SitemapEntry]


def _lastmod(text: str | None) -> datetime | None:
    return parse_iso(text) if text else None


def read_sitemap(url: str, body: bytes, max_size: int) -> SitemapPage:
    """A sitemap (urlset) or a sitemap index, gzipped or not (sitemaps.org protocol)."""
    if body.startswith(GZIP_MAGIC):
        try:
            body = gunzip(body, max_size=max_size)
        except (OSError, EOFError, ValueError) as err:  # ValueError: past max_size
            raise BrokenSitemap(f"{url}: bad gzip data: {err}") from err
    try:
        sitemap = Sitemap(body)
        found = [SitemapEntry(d["loc"], _lastmod(d.get("lastmod"))) for d in sitemap]
    except (XMLSyntaxError, StopIteration) as err:
        raise BrokenSitemap(f"{url}: not XML") from err
    if sitemap.type not in ("urlset", "sitemapindex"):
        raise BrokenSitemap(f"{url}: not a sitemap (root <{sitemap.type}>)")
    return SitemapPage(sitemap.type == "sitemapindex", found)


def _link_title(link: HtmlElement) -> str:
    """A card link's words: its text, else what it says to screen readers or on hover."""
    if text := text_of(link):
        return text
    for name in ("aria-label", "title"):
        if value := " ".join((link.get(name) or "").split()):
            return value
    images = (img.get("alt") for img in link.iter("img"))
    return next((" ".join(alt.split()) for alt in images if alt and alt.strip()), "")


def in_page_furniture(element: HtmlElement) -> bool:
    """Inside navigation, a sidebar, the page's header or footer and the like. A <header> or
    <footer> within an <article> or <section> is that item's own (HTML: they belong to their
    nearest sectioning element): a WordPress archive puts each post's linked title there."""
    ancestors = list(element.iterancestors())
    for n, above in enumerate(ancestors):
        if above.tag in SKIP_TAGS and not (
                above.tag in ("header", "footer") and
                any(a.tag in ("article", "section") for a in ancestors[n + 1:])):
            return True
    return False


def pattern_listing(doc: Document, source: Source) -> Listing:
    """The page's same-host links to the source's articles (outside navigation and page
    furniture), in page order, each once; the next page as the generic listing finds it."""
    found: dict[str, ListingEntry] = {}
    host = urlsplit(doc.url).hostname
    for link in doc.root.iter("a"):
        href = link.get("href")
        if not href or in_page_furniture(link):
            continue
        url = doc.absolute(href).split("#", 1)[0]
        parts = urlsplit(url)
        if url in found or parts.hostname != host or not source.is_article_url(url):
            continue
        title = _link_title(link)
        found[url] = entry(Field(url, "url"), Field(title or url, "heuristic"))
    next_url = GenericListingPage(doc).next_url()
    return Listing(list(found.values()), next_url, {"next_url": "heuristic"} if next_url else {})

