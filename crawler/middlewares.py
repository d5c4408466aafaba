"""Honour Retry-After on 429/503: wait as long as the site asks (up to a cap), then retry.

Scrapy's RetryMiddleware retries at once, which a rate-limiting site answers with another 429.
Settings: RETRY_TIMES, COOPWATCH_RETRY_AFTER_MAX_S. Stats: coopwatch/http/retry_after,
coopwatch/errors/rate_limited, coopwatch/http/retry_after_s (the longest wait asked for).

Also note what the site says about the next visit, for the monitor's schedule: the longest
Retry-After (above) and the Cache-Control max-age of the crawl's first page, its discovery
page (stat coopwatch/http/max_age_s). The run recorder keeps both with the run's stats.
"""

from __future__ import annotations

import asyncio
import logging
import math
from email.utils import parsedate_to_datetime
from typing import Self

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.extensions.httpcache import parse_cachecontrol
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.statscollectors import StatsCollector

from storage.db import utcnow

logger = logging.getLogger(__name__)


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds from a Retry-After header: delta-seconds or an HTTP date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    value = value.strip()
    # isdigit() alone is true for "²" or "٣" too, which float() refuses or reads as a number.
    if value.isascii() and value.isdigit():
        seconds = float(value)  # 400 digits make inf, which no stat or wait can take
        return seconds if math.isfinite(seconds) else None
    try:
        return max(0.0, (parsedate_to_datetime(value) - utcnow()).total_seconds())
    except (TypeError, ValueError, OverflowError):  # a year past 9999 overflows
        return None


class RetryAfterMiddleware:
    def __init__(self, settings: BaseSettings, stats: StatsCollector) -> None:
        self.max_tries = settings.getint("RETRY_TIMES")
        self.max_wait_s = settings.getfloat("COOPWATCH_RETRY_AFTER_MAX_S")
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        assert crawler.stats is not None
        return cls(crawler.settings, crawler.stats)

    async def process_response(self, request: Request, response: Response,
                               spider: Spider | None = None) -> Request | Response:
        if response.status not in (429, 503) or b"Retry-After" not in response.headers:
            return response
        tries = request.meta.get("retry_after_times", 0)
        header = (response.headers.get(b"Retry-After") or b"").decode("latin-1")
        wait = retry_after_seconds(header)
        if wait is not None:
            self.stats.max_value("coopwatch/http/retry_after_s", round(wait))
        if tries >= self.max_tries or wait is None or wait > self.max_wait_s:
            self.stats.inc_value("coopwatch/errors/rate_limited")
            logger.warning("Rate limited on %(url)s (Retry-After %(wait)s), giving up",
                           {"url": request.url, "wait": header})
            return response
        self.stats.inc_value("coopwatch/http/retry_after")
        logger.info("HTTP %(status)s on %(url)s: waiting %(wait).1f s as Retry-After asks",
                    {"status": response.status, "url": request.url, "wait": wait})
        await asyncio.sleep(wait)
        retry = request.replace(dont_filter=True)
        retry.meta["retry_after_times"] = tries + 1
        return retry


class CacheHintMiddleware:
    """Record the max-age the site gives its discovery page (below the HTTP cache, so a 304
    answer's own header counts, not the cached copy's)."""

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        assert crawler.stats is not None
        return cls(crawler.stats)

    def process_response(self, request: Request, response: Response,
                         spider: Spider | None = None) -> Response:
        if request.url.endswith("/robots.txt") or \
                self.stats.get_value("coopwatch/http/max_age_s") is not None:
            return response
        directives = parse_cachecontrol(response.headers.get(b"Cache-Control") or b"")
        max_age = directives.get(b"max-age") or b""
        if max_age.isdigit():
            self.stats.set_value("coopwatch/http/max_age_s", int(max_age))
        return response
