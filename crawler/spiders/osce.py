"""OSCE newsroom. Discovery: the keyword listing `/press-releases/interpol` (cheap: it finds
the items that name INTERPOL), then the main listing `/press-releases` for what the keyword
index misses (e.g. "International Criminal Police Organization" only in the body).

A scheduled check walks the main listing only when the last walk is older than
COOPWATCH_FULL_LISTING_EVERY_H hours, so an idle check costs one conditional request; a first
run and every on-demand crawl (CLI, API) walk both.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any, Self

from scrapy import Request
from scrapy.crawler import Crawler
from sqlalchemy import select

from core.sources import SOURCES
from crawler.spiders.base import CoopSpider
from storage.db import session_scope, utcnow
from storage.models import CrawlRun

MAIN_LISTING_STAT = "coopwatch/listing/main"


class OsceSpider(CoopSpider):
    name = "osce"
    source = SOURCES["osce"]
    walk_main = True

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        every = timedelta(hours=settings.getfloat("COOPWATCH_FULL_LISTING_EVERY_H", 6))
        scheduled = settings.get("COOPWATCH_TRIGGER") == "schedule"
        spider.walk_main = (not scheduled or not spider.known or
                            spider.main_walked_before(settings.get("COOPWATCH_DATABASE_URL"),
                                                      every))
        return spider

    def main_walked_before(self, url: str, every: timedelta) -> bool:
        """True if no completed run walked the main listing within `every`."""
        with session_scope(url) as session:
            recent = session.execute(  # ix_crawl_run__source_started_at
                select(CrawlRun.stats).where(CrawlRun.source == self.name,
                                             CrawlRun.status.in_(("ok", "errors")),
                                             CrawlRun.started_at >= utcnow() - every)).all()
        return not any(stats.get(MAIN_LISTING_STAT) for (stats,) in recent)

    def discovery(self) -> Iterable[Request]:
        yield self.listing_request(self.url(self.source.entry_points["keyword"]), "keyword")
        if self.walk_main:
            assert self.crawler.stats is not None
            self.crawler.stats.set_value(MAIN_LISTING_STAT, 1)
            yield self.listing_request(self.url(self.source.entry_points["main"]), "main")
