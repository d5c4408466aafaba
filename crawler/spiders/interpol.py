"""INTERPOL news. Discovery: the RSS feed first (one request); the HTML listing when the feed
is missing or broken, on a first run (the feed holds only the newest items), when every
feed entry is new (items may have scrolled out of the feed since the last run), or when the
last run was cut short (its backfill may be incomplete). A feed answered 304 ends the crawl only
when every entry of the cached copy is in the archive."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from scrapy import Request
from scrapy.http import Response

from core.sources import SOURCES
from crawler.pages.base import BrokenFeed
from crawler.pages.dispatch import parse_feed
from crawler.spiders.base import CoopSpider

logger = logging.getLogger(__name__)

class InterpolSpider(CoopSpider):
    name = "interpol"
    source = SOURCES["interpol"]

    def discovery(self) -> Iterable[Request]:
        feed = self.url(self.source.entry_points["feed"])
        self.feeds_tried.add(feed)  # never "autodiscovered" after it failed
        yield Request(feed, callback=self.parse_feed, errback=self.on_error,
                      meta={"coopwatch_kind": "feed"})

    def html_listing(self, why: str) -> Request:
        assert self.crawler.stats is not None
        self.crawler.stats.set_value("coopwatch/discovery/html_listing", why)
        logger.info("Walking the HTML listing: %(why)s", {"why": why})
        return self.listing_request(self.url(self.source.entry_points["listing"]), "html")

    def parse_feed(self, response: Response) -> Iterable[Request]:
        stats = self.crawler.stats
        assert stats is not None
        cached = "cached" in response.flags  # revalidated with a 304: the body is our copy
        try:
            listing = parse_feed(self.source.name, response.url, response.body)
        except BrokenFeed as err:
            stats.set_value("coopwatch/feed_problem", f"broken ({err})")
            logger.warning("Broken feed %(url)s: %(err)s", {"url": response.url, "err": err})
            yield self.html_listing("the feed is broken")
            return
        stats.inc_value("coopwatch/listing_not_modified" if cached else "coopwatch/listing_pages")
        if cached and self.all_archived(listing):
            logger.info("Feed not modified, every entry archived: stop")
            return
        stats.set_value("coopwatch/discovery/feed_entries", len(listing.entries))
        first_run = not self.known
        all_new = bool(listing.entries) and all(self.is_new(e.url) for e in listing.entries)
        yield from self.follow_entries(listing, "feed", 0, "feed")
        if first_run:
            yield self.html_listing("first run: backfill beyond the feed")
        elif all_new:
            yield self.html_listing("every feed entry is new: older items may be missing")
        elif self.resume:
            yield self.html_listing("the last run was cut short: its backfill may be missing")

    def on_listing_failure(self, request: Request, why: str) -> Iterable[Request] | None:
        if request.meta.get("coopwatch_kind") == "feed":
            return [self.html_listing(f"the feed failed ({why})")]
        return None
