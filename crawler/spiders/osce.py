"""OSCE newsroom. Discovery: the keyword listing `/press-releases/interpol` (cheap: it finds
the items that name INTERPOL), then the main listing `/press-releases` for what the keyword
index misses (e.g. "International Criminal Police Organization" only in the body)."""

from __future__ import annotations

from collections.abc import Iterable

from scrapy import Request

from crawler.sources import SOURCES
from crawler.spiders.base import CoopSpider


class OsceSpider(CoopSpider):
    name = "osce"
    source = SOURCES["osce"]

    def discovery(self) -> Iterable[Request]:
        yield self.listing_request(self.url("/press-releases/interpol?page=0"), "keyword")
        yield self.listing_request(self.url("/press-releases?page=0"), "main")
