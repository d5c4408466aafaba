"""Discovery after a redesign: what a spider does when a listing page's layout is not recognised
(the site's page object gave way to the generic one, or found no entries).

The paths, in the order tried, each taken only when the one before found nothing to follow:
1. autodiscovered_feed — a feed the listing page announces (<link rel="alternate">): one
   request, dated entries, and the site's own word on what is news. When every entry is new
   it may not reach back to the last known item, so the sitemap fills the gap.
2. sitemap — the sitemaps robots.txt names (else /sitemap.xml), indexes followed; complete,
   and `lastmod` keeps it incremental: only pages changed since the last completed crawl (or
   --since) whose path is one of the source's article paths, newest first, at most
   SITEMAP_ITEMS_PER_PAGE × --max-pages a run (the first run, or a sitemap without lastmod).
3. url_pattern — the links on the listing pages themselves that match the source's article
   paths: guesswork on the markup that just changed, so it comes last.
Each path tried is counted under coopwatch/path/<name> (the entries it gave); RunRecorder
turns that into the run's health["discovery"] and the health alarm names it. Politeness is
unchanged: every request goes through robots.txt, the per-host slot and conditional GET, and
known items are never fetched.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, ClassVar
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.utils.sitemap import sitemap_urls_from_robots
from twisted.python.failure import Failure

from core.sources import Source
from crawler.pages.base import BrokenFeed, Document, Listing, ListingEntry, NotAnArticle
from crawler.pages.discovery import (
    BrokenSitemap,
    SitemapEntry,
    SitemapPage,
    feed_links,
    pattern_listing,
    read_feed,
    read_sitemap,
)

logger = logging.getLogger(__name__)

SITEMAP_ITEMS_PER_PAGE = 20  # a listing page's worth of items, for the sitemap's budget
PATH_STAT = "coopwatch/path/{}"
UNRECOGNISED_STAT = "coopwatch/health/listing_unrecognised"


class FallbackDiscovery:
    """Mixed into CoopSpider, which provides what the TYPE_CHECKING block declares."""

    if TYPE_CHECKING:
        source: ClassVar[Source]
        crawler: Crawler
        settings: BaseSettings
        base_url: str
        since: date | None
        max_pages: int
        queued: set[str]
        last_completed: datetime | None  # start of the last ok/errors run of this source

        def follow_entries(self, parsed: Listing, listing: str, page: int,
                           path: str) -> Iterable[Request]: ...

        def is_new(self, url: str) -> bool: ...

        def key(self, url: str) -> str | None: ...

    def init_fallback(self) -> None:
        self.fallback_step: str | None = None
        self.waiting: list[tuple[str, str, str, int]] = []  # unrecognised listing pages
        self.feeds_tried: set[str] = set()
        self.sitemaps_seen: set[str] = set()
        self.sitemaps_pending = 0
        self.sitemap_articles = 0  # sitemap entries on an article path, old or new
        self.sitemap_budget = SITEMAP_ITEMS_PER_PAGE * self.max_pages

    def stat(self, key: str, count: int = 1) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(key, count)

    def on_site(self, url: str) -> bool:
        """A URL the crawl may follow (another host's would be dropped as off-site)."""
        return urlsplit(url).hostname == urlsplit(self.base_url).hostname

    def same_site_article(self, url: str) -> bool:
        return self.on_site(url) and self.source.is_article_path(urlsplit(url).path)

    # -- the chain ---------------------------------------------------------------------------
    def listing_unrecognised(self, response: Response, listing: str,
                             page: int) -> Iterable[Request]:
        self.stat(UNRECOGNISED_STAT)
        if self.fallback_step is None:
            doc = Document.parse(response.url, response.text)
            feeds = [u for u in feed_links(doc) if u not in self.feeds_tried]
            logger.warning("Listing %(listing)s layout not recognised on %(url)s: discovery "
                           "falls back (announced feeds: %(feeds)s)",
                           {"listing": listing, "url": response.url, "feeds": feeds or "none"})
            if feeds:
                self.fallback_step = "autodiscovered_feed"
                self.feeds_tried.add(feeds[0])
                yield Request(feeds[0], callback=self.parse_announced_feed,
                              errback=self.on_feed_failure, meta={"coopwatch_kind": "discovery"})
            else:
                yield from self.start_sitemap("the listing announces no feed")
        if self.fallback_step == "url_pattern":
            yield from self.follow_pattern(response.url, response.text, listing, page)
        else:
            self.waiting.append((response.url, response.text, listing, page))

    def parse_announced_feed(self, response: Response) -> Iterable[Request]:
        try:
            parsed = read_feed(response.url, response.body)
        except BrokenFeed as err:
            logger.warning("Announced feed unreadable: %(err)s", {"err": err})
            yield from self.start_sitemap(f"the announced feed is broken ({err})")
            return
        if not parsed.entries:
            self.stat(PATH_STAT.format("autodiscovered_feed"), 0)  # tried, found nothing
            yield from self.start_sitemap("the announced feed is empty")
            return
        all_new = all(self.is_new(e.url) for e in parsed.entries)
        yield from self.follow_entries(parsed, "announced feed", 0, "autodiscovered_feed")
        if all_new:
            yield from self.start_sitemap("every entry of the announced feed is new")

    def on_feed_failure(self, failure: Failure) -> Iterable[Request]:
        logger.warning("Announced feed %(url)s failed: %(err)s",
                       {"url": failure.request.url, "err": failure.value})  # type: ignore[attr-defined]
        return self.start_sitemap("the announced feed failed")

    # -- sitemaps ----------------------------------------------------------------------------
    def start_sitemap(self, why: str) -> Iterable[Request]:
        if self.fallback_step in ("sitemap", "url_pattern"):
            return
        self.fallback_step = "sitemap"
        self.stat(PATH_STAT.format("sitemap"), 0)  # tried; follow_entries counts what it finds
        logger.info("Reading the sitemap: %(why)s", {"why": why})
        yield Request(f"{self.base_url}/robots.txt", callback=self.parse_robots,
                      errback=self.on_robots_failure, meta={"coopwatch_kind": "discovery"})

    def parse_robots(self, response: Response) -> Iterable[Request]:
        named = list(sitemap_urls_from_robots(response.text, base_url=response.url))
        yield from self.sitemap_requests(named or [f"{self.base_url}/sitemap.xml"])

    def on_robots_failure(self, failure: Failure) -> Iterable[Request]:
        return self.sitemap_requests([f"{self.base_url}/sitemap.xml"])

    def sitemap_requests(self, urls: Iterable[str]) -> Iterable[Request]:
        for url in urls:
            # Another host's sitemap would be dropped as off-site before any callback.
            if url in self.sitemaps_seen or not self.on_site(url):
                continue
            self.sitemaps_seen.add(url)
            self.sitemaps_pending += 1
            yield Request(url, callback=self.parse_sitemap, errback=self.on_sitemap_failure,
                          meta={"coopwatch_kind": "discovery"})
        yield from self.after_sitemap()

    def cutoff(self) -> date | None:
        """Pages changed before this day are not read again. A day's margin: lastmod is often
        a local date, and the last crawl's start is UTC."""
        if self.since:
            return self.since
        return self.last_completed.date() - timedelta(days=1) if self.last_completed else None

    def changed_since(self, entry: SitemapEntry, cutoff: date | None) -> bool:
        return cutoff is None or entry.lastmod is None or entry.lastmod.date() >= cutoff

    def parse_sitemap(self, response: Response) -> Iterable[Request]:
        # A 304 hands back the cached copy: still read it, known pages are skipped anyway.
        self.sitemaps_pending -= 1
        max_size = self.settings.getint("DOWNLOAD_MAXSIZE")
        try:
            sitemap = read_sitemap(response.url, response.body, max_size)
        except BrokenSitemap as err:
            logger.warning("Unreadable sitemap: %(err)s", {"err": err})
            yield from self.after_sitemap()
            return
        yield from self.follow_sitemap(response.url, sitemap)

    def follow_sitemap(self, url: str, sitemap: SitemapPage) -> Iterable[Request]:
        """An index's changed sitemaps, or a sitemap's new article pages, newest first."""
        cutoff = self.cutoff()
        fresh = [e for e in sitemap.entries if self.changed_since(e, cutoff)]
        if sitemap.is_index:
            yield from self.sitemap_requests(e.url for e in fresh)
            return
        articles = {e.url for e in sitemap.entries if self.same_site_article(e.url)}
        self.sitemap_articles += len(articles)
        wanted = sorted((e for e in fresh if e.url in articles and self.is_new(e.url)
                         and self.key(e.url) not in self.queued),
                        key=lambda e: e.lastmod.timestamp() if e.lastmod else 0, reverse=True)
        if len(wanted) > self.sitemap_budget:
            logger.warning("Sitemap %(url)s: %(n)s new pages, reading the newest %(budget)s",
                           {"url": url, "n": len(wanted), "budget": self.sitemap_budget})
            wanted = wanted[:self.sitemap_budget]
        self.sitemap_budget -= len(wanted)
        logger.info("Sitemap %(url)s: %(articles)s article pages, %(new)s new",
                    {"url": url, "articles": len(articles), "new": len(wanted)})
        if wanted:
            entries = [ListingEntry(e.url, "") for e in wanted]
            yield from self.follow_entries(Listing(entries), "sitemap", 0, "sitemap")
        yield from self.after_sitemap()

    def on_sitemap_failure(self, failure: Failure) -> Iterable[Request]:
        self.sitemaps_pending -= 1
        logger.warning("Sitemap %(url)s failed: %(err)s",
                       {"url": failure.request.url, "err": failure.value})  # type: ignore[attr-defined]
        return self.after_sitemap()

    def after_sitemap(self) -> Iterable[Request]:
        """Every sitemap read: if none listed a single article page, try the listings' links."""
        if self.sitemaps_pending or self.fallback_step != "sitemap" or self.sitemap_articles:
            return
        self.fallback_step = "url_pattern"
        self.stat(PATH_STAT.format("url_pattern"), 0)
        logger.info("No sitemap lists an article page: following the listings' article links")
        waiting, self.waiting = self.waiting, []
        for url, text, listing, page in waiting:
            yield from self.follow_pattern(url, text, listing, page)

    # -- links on the listing ----------------------------------------------------------------
    def follow_pattern(self, url: str, text: str, listing: str, page: int) -> Iterable[Request]:
        try:
            parsed = pattern_listing(Document.parse(url, text), self.source)
        except NotAnArticle as err:  # an empty page
            logger.warning("Listing %(url)s unreadable: %(err)s", {"url": url, "err": err})
            return
        if parsed.entries:
            yield from self.follow_entries(parsed, listing, page, "url_pattern")
        else:
            logger.warning("Listing %(url)s links to no article path", {"url": url})
